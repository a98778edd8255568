"""Text folding: the one way rbdash compares words from workbooks, the catalogue and the region list."""

import re
from functools import lru_cache

_PATTERNS = {}


@lru_cache(maxsize=65536)
def fold(text, keep: str = "") -> str:
    """Case-folded words joined by single spaces; punctuation dropped except the characters in
    ``keep`` (the parser keeps "%" and "/" for headers such as "T/R" and "%")."""
    if text is None:
        return ""
    rx = _PATTERNS.get(keep)
    if rx is None:
        rx = _PATTERNS[keep] = re.compile(rf"[^\w{re.escape(keep)}]+")
    return " ".join(rx.sub(" ", str(text).casefold()).split())
