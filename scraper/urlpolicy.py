"""Which URLs a source may fetch after its start pages: its own host only (no SSRF).

A body a source serves is hostile input: a link in it (OpenRouter's ``links.details``, a
Mistral index entry) or a redirect could point the refresh at an internal address
(``http://127.0.0.1:18202/internal/...``), whose answer would then be stored in
``raw_responses`` and shipped. A follow-up URL is fetched only when it has the scheme,
host and port of the source's base URL (so a private, loopback or link-local address only
when the base URL itself names it, as a test's local server does), and is https unless
the base URL is plain http too. Redirects are held to the same rule, hop by hop
(``scraper/http.py``). Pure: no DNS (a name is judged as written).
"""

from __future__ import annotations

from urllib.parse import urlsplit

__all__ = ["refusal"]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    default = {"https": 443, "http": 80}.get(parts.scheme.lower())
    return parts.scheme.lower(), (parts.hostname or "").lower().rstrip("."), port or default


def refusal(base_url: str, url: str) -> str | None:
    """Why ``url`` may not be fetched on behalf of a source whose base URL is ``base_url``; None if it may."""
    base_scheme, base_host, base_port = _origin(base_url)
    scheme, host, port = _origin(url)
    if scheme != "https" and not (scheme == base_scheme == "http"):
        return f"not https ({scheme or 'no scheme'})"
    if not host or host != base_host or port != base_port:
        return f"not on the source's host {base_host}"
    return None
