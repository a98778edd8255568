"""The rules every value must pass before it is stored, whatever path it comes by (a progress edit
in the app, the CLI, or a link read from a monitoring workbook).  One definition each: the Progres
page's column checks reuse these constants, so the browser and the core never disagree."""

import re
import unicodedata

from rbdash.errors import ValidationError

EVIDENCE_URL_MAX = 500
NOTE_MAX = 1000
# http(s) only: javascript:, data:, file:, vbscript: and UNC paths are never links a user may click.
EVIDENCE_URL_PATTERN = r"https?://[^\s/$.?#<>\"'\\][^\s<>\"'\\]*"
_EVIDENCE_URL = re.compile(EVIDENCE_URL_PATTERN, re.I)


def has_controls(text: str) -> bool:
    """True when ``text`` holds invisible control or format characters: the bidi overrides and
    isolates (U+202A-U+202E, U+2066-U+2069), the direction marks (U+200E/F, U+061C), zero-width
    characters, NUL...  In a link they make it read differently from where it leads."""
    # every Cc and Cf character is one str.isprintable() refuses: a printable text (most) holds none
    return not text.isprintable() and any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def evidence_url_problem(url: str | None) -> str | None:
    """None when ``url`` is empty or an acceptable evidence link, else the error code."""
    if not url:
        return None
    if len(url) > EVIDENCE_URL_MAX:
        return "url_too_long"
    if has_controls(url):
        return "url_controls"
    if not _EVIDENCE_URL.fullmatch(url):
        return "invalid_url"
    return None


def evidence_url(url: str | None) -> str | None:
    """The link stripped (None when empty); ValidationError when it may not be stored."""
    url = (url or "").strip() or None
    code = evidence_url_problem(url)
    if code:
        raise ValidationError(code, value=shown(url), limit=EVIDENCE_URL_MAX)
    return url


def note(text: str | None) -> str | None:
    text = (text or "").strip() or None
    if text and len(text) > NOTE_MAX:
        raise ValidationError("note_too_long", length=len(text), limit=NOTE_MAX)
    return text


def months(values) -> list[int]:
    out = sorted({int(m) for m in values or ()})
    for m in out:
        if not 1 <= m <= 12:
            raise ValidationError("invalid_month", value=m)
    return out


def shown(value: str, width: int = 80) -> str:
    """A value quoted in a message: one line, at most ``width`` characters, invisible controls
    written out (``\\u202e``) so they cannot turn the message around."""
    value = " ".join(str(value).split())
    value = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in value)
    return value if len(value) <= width else value[:width - 1] + "…"
