"""Schedules written as words or dates instead of a grid: "Maret s.d. Juni", "Triwulan I dan III",
"Semester II", "Setiap bulan", MULAI/SELESAI dates (real or dd/mm/yyyy text).

A reading is a set of months in the plan year, or None when the text cannot be read with
certainty: the caller then warns with the text and keeps an empty schedule (never a guess).
"""

import datetime as dt
import re
import unicodedata

from rbdash.excel.cells import MONTHS

ALL_YEAR = frozenset(range(1, 13))
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_TOKEN = re.compile(r"""
    (?P<all>(?:setiap|tiap|per)\s+bulan|sepanjang\s+tahun|selama\s+(?:1|satu)\s+tahun|bulanan|rutin\s+bulanan)
  | (?P<date>\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4})
  | (?P<day>\b\d{1,2}(?=\s*[a-z]))
  | (?P<quarter>(?:triwulan|trw|tw|kuartal|q)\s*(?:ke\s*)?[-.]?\s*(?P<qn>iv|iii|ii|i|[1-4])\b)
  | (?P<half>(?:semester|smt|sem)\s*(?:ke\s*)?[-.]?\s*(?P<hn>ii|i|[12])\b)
  | (?P<skip>(?:minggu|pekan)\s*(?:ke)?\s*-?\s*(?:[1-5]|iv|v|iii|ii|i)\b|awal|akhir|pertengahan|tengah
            |bulan|tahun|pada|mulai|di)
  | (?P<range>s\s*/\s*d|s\s*\.\s*d\s*\.?|\bsd\b|sampai\s+dengan|sampai|hingga|-|~|→|to\b)
  | (?P<sep>,|;|&|\+|/|\bdan\b|\bserta\b|\band\b)
  | (?P<num>\b(?:iv|iii|ii|i)\b)
  | (?P<year>\b20\d\d\b)
  | (?P<word>[a-z]+)
  | (?P<space>[\s.()]+)
""", re.X)


def _normal(text):
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\u2010-\u2015\u2212]", "-", s).strip()


def _months(kind, n):
    if kind == "quarter":
        return frozenset(range(3 * n - 2, 3 * n + 1))
    return frozenset(range(1, 7)) if n == 1 else frozenset(range(7, 13))


def _tokens(text, year):
    """[(kind, value)]: kind 'set' (months, year or None), 'range', 'sep'; None if a word is unknown."""
    out, last_kind = [], None
    pos, s = 0, _normal(text)
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            return None
        pos = m.end()
        g = m.lastgroup
        if g in ("space", "skip"):
            continue
        if g == "day":  # "1 Maret 2025": a day before its month's name says no more than the month
            nxt = re.match(r"\s*([a-z]+)", s[pos:])
            if not nxt or nxt.group(1) not in MONTHS:
                return None
            continue
        if g == "all":
            out.append(("set", (ALL_YEAR, None)))
        elif g == "date":
            day = as_date(m.group("date"))  # the one reading of dd/mm/yyyy
            if day is None:
                return None
            out.append(("set", (frozenset([day.month]), day.year)))
        elif g in ("quarter", "half"):
            last_kind = g
            n = _ROMAN[m.group("qn" if g == "quarter" else "hn")]
            if g == "half" and n > 2:
                return None
            out.append(("set", (_months(g, n), None)))
        elif g == "num":  # "Triwulan I dan III": a bare numeral continues the last kind
            n = _ROMAN[m.group("num")]
            if last_kind is None or (last_kind == "half" and n > 2):
                return None
            out.append(("set", (_months(last_kind, n), None)))
        elif g == "year":
            y = int(m.group("year"))
            if out and out[-1][0] == "set" and out[-1][1][1] is None and len(out[-1][1][0]) == 1:
                out[-1] = ("set", (out[-1][1][0], y))
            elif y != year:
                return None
        elif g == "word":
            w = m.group("word")
            if w not in MONTHS:
                return None
            out.append(("set", (frozenset([MONTHS[w]]), None)))
        else:
            out.append((g, None))
    return out


def text_months(text: str | None, year: int) -> set[int] | None:
    """Months of a free-text schedule in plan year ``year``, or None when it cannot be read."""
    if text is None or not str(text).strip():
        return None
    toks = _tokens(text, year)
    if not toks:
        return None
    items, pending = [], False  # each item: [value] or [start, end]
    for kind, value in toks:
        if kind == "sep":
            if pending:
                return None
            items.append(None)
        elif kind == "range":
            if pending or not items or items[-1] is None or len(items[-1]) != 1:
                return None
            pending = True
        elif pending:
            items[-1].append(value)
            pending = False
        else:
            items.append([value])
    if pending:
        return None
    months = set()
    for item in filter(None, items):
        if len(item) == 2:
            (m1, y1), (m2, y2) = item
            span = _span(min(m1), y1, max(m2), y2, year)
            if span is None:
                return None
            months |= span
        elif item[0][1] not in (None, year):
            return None  # a single month of another year is not this plan's schedule
        else:
            months |= item[0][0]
    return months or None


def _span(m1, y1, m2, y2, year):
    """Months from (m1, y1) to (m2, y2) inside ``year``; clipped at the year's ends."""
    y1 = year if y1 is None else y1
    y2 = y1 if y2 is None else y2
    if (y2, m2) < (y1, m1):
        return None  # an end before its start is not read as a guess
    if y1 > year or y2 < year:
        return set()  # wholly in another year
    start = m1 if y1 == year else 1
    end = m2 if y2 == year else 12
    return set(range(start, end + 1))


_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


def as_date(v: object) -> dt.date | None:
    """A real date, or 'dd/mm/yyyy' text read day first (as written in Indonesia); else None."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        m = _DATE_TEXT.match(v)
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
    return None


def date_months(start: dt.date, end: dt.date, year: int) -> set[int]:
    """Months from date ``start`` to ``end`` inside ``year`` (clipped to January/December); a range
    wholly in another year plans nothing there."""
    if end < start:
        start, end = end, start
    return _span(start.month, start.year, end.month, end.year, year)
