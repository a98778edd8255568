"""Schedule grids: which header columns stand for which months.

A grid header is a row of months (numbers 1-12, Indonesian or English names, dates, Roman I-XII
under "BULAN KE-"), of quarters (TW I-IV, TRIWULAN 1-4, Q1-Q4: each column plans its 3 months),
or a month row with a week row under it (each month over 4-5 week columns).  A header cell merged
over several columns stands for all of them.  Each reader returns {column: months} or None.
"""

import re

from rbdash.excel.cells import month_of
from rbdash.text import fold

_ROMAN_MONTHS = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
_QUARTER = re.compile(r"^(?:tw|trw|triwulan|kuartal|q)\s*(?:ke\s*)?-?\s*(iv|iii|ii|i|[1-4])$")
_WEEK = re.compile(r"^(?:(?:minggu|mg|pekan|m|w|week)\s*(?:ke)?\s*-?\s*)?([1-5]|iv|v|iii|ii|i)$")
_ROMAN4 = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


def _label(v):
    return fold(v, "").replace(" ", "") if isinstance(v, str) else None


def month_row(row: list) -> dict[int, tuple[int, ...]] | None:
    """{col: (month,)} when the row is a month header (1..12 in order, names, dates, Roman I..XII)."""
    found, numbers, romans = {}, [], []
    for c, v in enumerate(row):
        if v is None or v == "":
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            numbers.append((c, v))
            continue
        if isinstance(v, str) and v.strip().isdigit():
            numbers.append((c, int(v.strip())))
            continue
        lab = _label(v)
        if lab in _ROMAN_MONTHS:
            romans.append((c, _ROMAN_MONTHS.index(lab) + 1))
        m = month_of(v)
        if m and not isinstance(v, (int, float)):
            found.setdefault(m, c)
    if len(found) >= 10:
        return {c: (m,) for m, c in found.items()}
    for seq in (numbers, romans):
        if seq and all(float(n).is_integer() and 1 <= n <= 12 for _, n in seq):
            cols, expect = {}, 1
            for c, n in seq:
                if int(n) == expect:
                    cols[c] = (expect,)
                    expect += 1
            if expect == 13:
                return cols
    return None


def quarter_row(row: list) -> dict[int, tuple[int, ...]] | None:
    """{col: (3 months)} when the row names all four quarters."""
    cols = {}
    for c, v in enumerate(row):
        m = _QUARTER.match(fold(v, "")) if isinstance(v, str) else None
        if m:
            q = _ROMAN4.get(m.group(1)) or int(m.group(1))
            cols.setdefault(q, c)
    if sorted(cols) != [1, 2, 3, 4]:
        return None
    return {c: tuple(range(3 * q - 2, 3 * q + 1)) for q, c in cols.items()}


def week_row(row: list, months: dict[int, tuple[int, ...]]) -> dict[int, tuple[int, ...]] | None:
    """{col: (month,)} when ``row`` (under the month header ``months``, perhaps widened over its
    merges) labels each month's weeks."""
    first = {}
    for c in sorted(months):
        first.setdefault(months[c], c)
    starts = sorted(first.values())
    if len(starts) < 12:
        return None
    width = max(b - a for a, b in zip(starts, starts[1:]))
    if width < 2:
        return None
    out, labelled = {}, 0
    for i, c in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else c + width
        for cc in range(c, stop):
            v = row[cc] if cc < len(row) else None
            if v in (None, ""):
                continue
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            if not _WEEK.match(fold(str(v), "")):
                return None
            out[cc] = months[c]
            labelled += 1
    return out if labelled >= 2 * len(starts) else None


def widen(cols: dict, merges, row_index: int) -> dict:
    """Header cells merged over several columns stand for each of them."""
    out = dict(cols)
    for (r1, c1), (r2, c2) in merges:
        if r1 <= row_index <= r2 and c1 in cols:
            for c in range(c1 + 1, c2 + 1):
                out.setdefault(c, cols[c1])
    return out


def is_grid_header(row: list) -> bool:
    """A month or quarter header row, wherever it appears (a page-break copy of the header)."""
    return bool(month_row(row) or quarter_row(row))
