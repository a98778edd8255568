"""The schedule rules, one definition each: month sets as bit masks, and the state of a month cell.

A set of months is stored as a 12-bit mask (bit m-1 = month m), so completion is bit arithmetic in
SQL (rbdash.metrics builds its queries from the ``sql_*`` fragments here) and here in numpy over many
rows at once.  No other module does arithmetic on masks: every page, chart, export and CLI figure
reads months and cell states through this module or through metrics' SQL, which implements the same
definitions:

- *due* by month M: planned in a month 1..M;
- *reported*: a month the office has reported -- sent its monthly report for it on Progres, or
  imported a monitoring workbook whose realisation runs to it (rbdash.store.reports).  A report for
  Sep is for Sep alone: reported months = the months sent + the months an import implies;
- *not reported* ("belum dilaporkan", grey): due in a month the office has not reported -- never
  late, and in neither side of its rate, ticked or not;
- *done*: due, reported and realised in that month (realised on schedule);
- *late*: due, reported and not realised;
- *outside schedule*: realised in a month that was not planned.

Completion up to M = done / (due ∩ reported), pooled over activities and over the offices that
have reported a month up to M; an office that has reported none has no rate (never 0%).  The
filter is per office and month, so it applies alike to per-month counts of planned and done.
"""

from rbdash.wording import MONTHS, missing

# Cell states of an activity-month (z values of the Gantt heatmap).
NONE, PLANNED, DONE, LATE, OUTSIDE, UNREPORTED = 0, 1, 2, 3, 4, 5
ALL_MONTHS = (1 << 12) - 1  # a reported mask: every month


def months_to_mask(months) -> int:
    mask = 0
    for m in months or ():
        if 1 <= int(m) <= 12:
            mask |= 1 << (int(m) - 1)
    return mask


def mask_to_months(mask) -> list[int]:
    if missing(mask):
        return []
    return [m for m in range(1, 13) if (int(mask) >> (m - 1)) & 1]


def mask_bits(masks) -> "np.ndarray":
    """n masks -> n×12 0/1 matrix (column m-1 = month m), vectorised.  (numpy and pandas are loaded
    here, not with the module: an import stores masks without them.)"""
    import numpy as np
    import pandas as pd
    masks = np.asarray(pd.Series(masks, dtype="float64").fillna(0).astype("int64"), dtype=np.int64)
    return (masks[:, None] >> np.arange(12)) & 1


def due_mask(as_of: int) -> int:
    """The months 1..as_of as a mask."""
    return (1 << int(as_of)) - 1


# --------------------------------------------------------------------------------- the same rules in SQL

def sql_due(planned: str, due: str) -> str:
    """SQL: the planned months that are due (``due``: a mask, e.g. a parameter of due_mask)."""
    return f"({planned} & {due})"


def sql_done(planned: str, realized: str, due: str) -> str:
    """SQL: the due months that were realised on schedule."""
    return f"({planned} & {realized} & {due})"


def sql_count(mask: str) -> str:
    """SQL: the number of months in a mask."""
    return f"bit_count({mask})"


def sql_in_month(mask: str, month: str) -> str:
    """SQL: 1 when month ``month`` (1..12) is in the mask, else 0."""
    return f"(({mask} >> ({month} - 1)) & 1)"


def sql_through(mask: str, month: str) -> str:
    """SQL: the months 1..``month`` of a mask (``month`` an SQL integer, e.g. a column)."""
    return f"({mask} & ((1 << {month}) - 1))"


def cell_states(planned_masks, realized_masks, as_of: int, reported=ALL_MONTHS) -> "np.ndarray":
    """n×12 matrix of NONE / PLANNED / DONE / LATE / OUTSIDE / UNREPORTED (see the module docstring);
    ``reported``: the office's reported months as a mask (0: it has reported none)."""
    if isinstance(reported, bool):  # a mask, not a flag: True would read as "January only"
        raise TypeError("reported is a month mask (schedule.ALL_MONTHS: every month; 0: none)")
    import numpy as np
    p = mask_bits(planned_masks)
    r = mask_bits(realized_masks)
    due = (np.arange(1, 13) <= int(as_of))[None, :]
    unreported = (mask_bits([int(reported)])[0] == 0)[None, :] & due
    states = np.full(p.shape, NONE)
    states[p == 1] = PLANNED
    states[(p == 1) & (r == 0) & due] = LATE
    states[(p == 1) & (r == 1)] = DONE
    states[(p == 1) & unreported] = UNREPORTED
    states[(p == 0) & (r == 1)] = OUTSIDE
    return states


def months_text(months) -> str:
    """[1, 2, 3, 6] -> 'Jan–Mar, Jun': a compact schedule for tables."""
    months = sorted({int(m) for m in months or ()})
    runs, start = [], None
    for i, m in enumerate(months):
        if start is None:
            start = m
        if i + 1 == len(months) or months[i + 1] != m + 1:
            runs.append(MONTHS[start - 1] if start == m else f"{MONTHS[start - 1]}–{MONTHS[m - 1]}")
            start = None
    return ", ".join(runs)


def mask_text(mask) -> str:
    return months_text(mask_to_months(mask))
