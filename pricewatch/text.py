"""Text on its way out of pricewatch: no control characters (one helper for every format).

Names, notes and URLs come from pages we do not control. A NUL in one model's name made
feedgen refuse the whole Atom feed ("All strings must be XML compatible"), so one name
stopped every build; an ESC in a name can drive a terminal. ``clean_text`` removes what no
XML 1.0 document may hold and what no reader wants: C0 controls but tab, newline and
carriage return, DEL, C1 controls, lone surrogates and U+FFFE/U+FFFF, and the bidirectional
embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069: a name with a
right-to-left override displays reversed, the text after it too). It is applied where
text leaves: every text file the site writes (HTML, SVG, JSON, CSV, sitemap), the feeds'
fields, and the command line's tables. JSON escapes C0 controls itself (``\\u0000``), which
is left as it is: escaped, not raw.
"""

from __future__ import annotations

import re

__all__ = ["clean_text"]

_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def clean_text(text: str) -> str:
    """``text`` without control characters and XML-invalid code points (tab, newline, CR kept)."""
    return _UNSAFE.sub("", text)
