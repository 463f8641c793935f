"""One sentence's claims for ``pricewatch check`` (pure): one reader with ``scan``.

The shared grammar (``claim_text.parse_claim``, emitted to the site's claim box) reads a
sentence first. A sentence it refuses that the article reader (``scan``) reads on its own
(two models with their own prices and hosts in one sentence, "The raw numbers: X costs ...",
a table-free thesis) is read as ``scan`` reads it, so ``check`` accepts every sentence
``scan`` reads. Only a sentence neither reads is refused, with the grammar's refusal (the
part it could not read and the nearest form). The claim box reads the grammar's forms only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pricewatch.analysis.claim_text import Names, ParsedClaim, parse_claim
from pricewatch.analysis.prices import ModelFacts
from pricewatch.analysis.ratios import PeerGroup
from pricewatch.analysis.scan import find_claims, split_units
from pricewatch.errors import ClaimError, ClaimTooLongError, DataError, RefusedClaimError, UnknownModelError

__all__ = ["ARTICLE_READER_NOTE", "read_sentence"]

#: A negative amount of money ("-$5", "$-5", "−$5"): no price or cost can be one.
_NEGATIVE_MONEY = re.compile(r"(?<![\w$.])[-−]\s?\$\s?\d|\$\s?[-−]\s?\d")

#: Said beside the verdict of a sentence only the article reader reads.
ARTICLE_READER_NOTE = "read by the article reader, as `pricewatch scan` reads it; the site's claim box reads only the forms listed in `check --help`"


def read_sentence(
    text: str, names: Names, facts: Mapping[str, ModelFacts], *, peers: Sequence[PeerGroup] = ()
) -> ParsedClaim:
    """The claims one sentence makes: the grammar's reading, else the article reader's, else its refusal."""
    negative = _NEGATIVE_MONEY.search(text)
    if negative is not None:
        # refused as the grammar refuses an impossible claim it reads (claim_text.parse_claim)
        raise RefusedClaimError(
            f"cannot check {text.strip()!r}: a price or cost cannot be negative ({negative.group(0).strip()!r})"
        )
    try:
        return parse_claim(text, names)
    except (ClaimError, UnknownModelError) as refused:
        # Only a sentence the grammar could not read (no form, or a name it could not place):
        # one it read and refused with a reason ("cannot check ...: a period of 0 years has no
        # length", a claim too long) keeps that refusal.
        if isinstance(refused, ClaimTooLongError | RefusedClaimError):
            raise
        if len(split_units(text)) != 1:
            raise
        try:
            found, _ = find_claims(text, names, facts, peers=peers)
        except (ClaimError, DataError):  # the article reader cannot make a claim of it either
            raise refused from None
        claims = tuple(claim for one in found for claim in one.claims)
        if not claims:
            raise
        combine = found[0].combine if len(found) == 1 else "all"
        return ParsedClaim(text=text.strip(), claims=claims, combine=combine, notes=(ARTICLE_READER_NOTE,))
