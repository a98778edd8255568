"""Cell values: display text, tick marks, month names, numbering and packed lists."""

import datetime as dt
import math
import re
from functools import lru_cache

from rbdash.text import fold

MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "pebruari": 2, "peb": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6,
    "june": 6, "jul": 7, "juli": 7, "july": 7, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "agustus": 8,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "oct": 10,
    "october": 10, "nov": 11, "nop": 11, "november": 11, "nopember": 11, "des": 12, "desember": 12,
    "dec": 12, "december": 12,
}
# A cell in the month grid counts as scheduled when it holds one of these (or a positive number).
MARKS = {"√", "✓", "✔", "☑", "✅", "v", "x", "✗", "✘", "×", "*", "•", "●", "■", "▪", "o", "y", "ya",
         "ok", "+", "#", "yes", "1"}
# Excel's Insert Symbol writes a letter in a symbol font: these letters are check marks (or crosses,
# as "x" is above) only in that font; the same letter in a text font is text.
SYMBOL_TICKS = {"wingdings": set("üþûýÜ"), "wingdings 2": set("PROQS"), "wingdings 3": set(),
                "webdings": set("a"), "marlett": set("ab"), "symbol": set("Ö"),
                # LibreOffice prints Wingdings and Symbol characters it has no font for in its own
                # OpenSymbol, under their codes (a PDF made without those fonts): either font's checks
                "opensymbol": set("üþûýÜÖ")}
PLAN_WORDS = {"t", "target", "rencana", "renc", "rcn", "p", "plan", "jadwal"}
REAL_WORDS = {"r", "realisasi", "real", "rea", "realisasi kegiatan", "capaian"}
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zA-Z][.)]|\(?[a-z0-9]{1,3}\)|[ivx]{1,4}[.)]|[-•])\s+")
_PACKED = re.compile(r"(?<!\S)(\d{1,2})[).]\s+")  # at the start or after a space (twice as fast as (?<=\s)|^)
_PACKED_HINT = re.compile(r"\d[).]\s")  # found in every text _PACKED matches, and quick to look for


def cell_text(v):
    """Cell value as clean display text, or None."""
    if v is None or v == "":
        return None
    return _display(v)


@lru_cache(maxsize=1 << 16, typed=True)  # the same labels, ticks and numbers fill every plan
def _display(v):
    if isinstance(v, float):
        v = int(v) if v.is_integer() else v
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()[:10]
    s = str(v).replace("\r", "").replace("\xa0", " ").strip()
    s = "\n".join(" ".join(line.split()) for line in s.split("\n") if line.strip())
    return s or None


def is_mark(v):
    if type(v) is str:  # most grid cells: the same few texts, answered by the cache
        return _text_mark(v)
    if v is None or v == "" or isinstance(v, bool) and not v:
        return False
    if isinstance(v, bool):
        return True
    if isinstance(v, (int, float)):
        return v > 0
    return _text_mark(str(v))


@lru_cache(maxsize=4096)
def _text_mark(v):
    s = v.strip().casefold()
    if not s:
        return False
    if s in MARKS:
        return True
    try:
        return float(s.replace(",", ".")) > 0
    except ValueError:
        return False


def symbol_char(v):
    """The character of a one-character cell that could be a symbol-font tick, else None.  Symbol
    fonts are sometimes stored in the private-use area (U+F0xx): its low byte is the letter."""
    if not isinstance(v, str):
        return None
    return _symbol_of(v)


@lru_cache(maxsize=4096)
def _symbol_of(v):
    s = v.strip()
    if len(s) != 1:
        return None
    if 0xF020 <= ord(s) <= 0xF0FF:
        s = chr(ord(s) - 0xF000)
    return s if any(s in chars for chars in SYMBOL_TICKS.values()) else None


def is_symbol_tick(ch, font):
    return bool(font) and ch in SYMBOL_TICKS.get(font.strip().casefold(), ())


def month_of(v):
    """Month number of a header or start/end cell: 3, '3', 'Mar', 'Maret', a date; else None."""
    if v is None or v == "":
        return None
    if isinstance(v, (dt.datetime, dt.date)):
        return v.month
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return int(v) if float(v).is_integer() and 1 <= v <= 12 else None
    return _month_of_text(v) if isinstance(v, str) else _month_of_other(v)


def _month_of_other(v):
    s = fold(v, "%/").replace(".", "")
    if s.isdigit():
        n = int(s)
        return n if 1 <= n <= 12 else None
    m = _MONTH_TEXT.match(s)
    if m and m.group(1) in MONTHS:
        return MONTHS[m.group(1)]
    return None


# every cell of a candidate header row is asked; the same month names head every plan
_month_of_text = lru_cache(maxsize=4096)(_month_of_other)
_MONTH_TEXT = re.compile(r"^(?:bulan\s+)?([a-z]+)(?:\s+\d{2,4})?$")


@lru_cache(maxsize=8192)
def strip_numbering(s):
    """The text without its leading numbering ("1.", "a)", "II.", "-"); the text itself when
    nothing else is left.  (The pattern is anchored: a match at the start, not a search along.)"""
    if not s:
        return s
    m = _NUMBERING.match(s)
    out = (s[m.end():] if m else s).strip()
    return out or s


def split_packed(s):
    """'1) a 2) b' -> ['1) a', '2) b'] when the numbers run 1, 2, 3...; preamble kept first."""
    if not s or not _PACKED_HINT.search(s):
        return s
    found = list(_PACKED.finditer(s))
    seq, start = [], 1
    for m in found:
        if int(m.group(1)) == start:
            seq.append(m)
            start += 1
    if len(seq) < 2:
        return s
    parts = []
    pre = s[:seq[0].start()].strip()
    if pre:
        parts.append(pre)
    for i, m in enumerate(seq):
        end = seq[i + 1].start() if i + 1 < len(seq) else len(s)
        parts.append(" ".join(s[m.start():end].split()))
    return parts


@lru_cache(maxsize=4096, typed=True)
def kind_word(v):
    s = fold(v, "%/").replace(".", "") if v not in (None, "") else ""
    if s in PLAN_WORDS:
        return "plan"
    if s in REAL_WORDS:
        return "real"
    return None


def cell_number(v):
    """A finite number (capaian %), or None: 'inf' and 'nan' are text, not figures."""
    if v in (None, "") or isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        n = float(v)
    else:
        try:
            n = float(str(v).strip().replace("%", "").replace(",", "."))
        except ValueError:
            return None
    return n if math.isfinite(n) else None
