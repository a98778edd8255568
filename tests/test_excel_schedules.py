"""Schedule readers, cell by cell: free text, dates, grid headers (months, weeks, quarters), symbol ticks."""

import datetime as dt

import pytest

from rbdash.excel import grid, when
from rbdash.excel.cells import is_symbol_tick, symbol_char

ALL = list(range(1, 13))


@pytest.mark.parametrize("text, months", [
    ("Januari - Desember", ALL),
    ("Maret s.d. Juni", [3, 4, 5, 6]),
    ("Maret s/d Juni", [3, 4, 5, 6]),
    ("April – Mei", [4, 5]),
    ("Triwulan II", [4, 5, 6]),
    ("TW III", [7, 8, 9]),
    ("TW.4", [10, 11, 12]),
    ("Triwulan I dan III", [1, 2, 3, 7, 8, 9]),
    ("TW I - TW II", [1, 2, 3, 4, 5, 6]),
    ("Semester I", [1, 2, 3, 4, 5, 6]),
    ("Semester II", [7, 8, 9, 10, 11, 12]),
    ("Setiap bulan", ALL),
    ("Sepanjang tahun", ALL),
    ("SEPANJANG TAHUN 2025", ALL),
    ("Juni dan Desember", [6, 12]),
    ("Februari, Mei, Agustus, November", [2, 5, 8, 11]),
    ("Desember 2025", [12]),
    ("Minggu ke-2 Februari", [2]),
    ("JAN-MAR", [1, 2, 3]),
    ("Agt", [8]),
    ("Q1", [1, 2, 3]),
    ("Bulan Mei", [5]),
    ("Nov 2024 - Feb 2025", [1, 2]),  # clipped to the plan year
    ("15/03/2025 - 30/06/2025", [3, 4, 5, 6]),
    ("1 Maret 2025 - 30 Juni 2025", [3, 4, 5, 6]),  # a day before its month's name
    ("15 Januari s.d. 28 Februari", [1, 2]),
])
def test_text_schedules_read_as_months(text, months):
    assert sorted(when.text_months(text, 2025)) == months


@pytest.mark.parametrize("text", ["menyesuaikan", "Juni - Maret", "Desember 2024", "- Mei", "Mei -",
                                  "Mei - Juni - Juli", "Semester III", "31/02/2025", "", "dan", "2 kali setahun",
                                  "Setiap Triwulan"])
def test_unreadable_text_is_never_guessed(text):
    assert when.text_months(text, 2025) is None


@pytest.mark.parametrize("start, end, months", [
    (dt.date(2024, 1, 20), dt.date(2024, 12, 15), ALL),
    (dt.date(2024, 4, 15), dt.date(2024, 4, 28), [4]),
    (dt.date(2023, 12, 1), dt.date(2024, 2, 10), [1, 2]),      # Dec-to-Feb: starts the year before
    (dt.date(2024, 11, 1), dt.date(2025, 1, 10), [11, 12]),    # ends the year after
    (dt.date(2024, 6, 1), dt.date(2024, 3, 1), [3, 4, 5, 6]),  # swapped
    (dt.date(2025, 2, 1), dt.date(2025, 3, 1), []),            # wholly in another year
])
def test_date_ranges_clip_to_the_plan_year(start, end, months):
    assert sorted(when.date_months(start, end, 2024)) == months


@pytest.mark.parametrize("value, date", [("15/03/2024", dt.date(2024, 3, 15)), ("1-2-2024", dt.date(2024, 2, 1)),
                                         (dt.datetime(2024, 5, 6, 7), dt.date(2024, 5, 6)), ("31/02/2024", None),
                                         ("Maret", None), (45000, None)])
def test_dates_read_day_first(value, date):
    assert when.as_date(value) == date


MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


@pytest.mark.parametrize("row", [MONTH_NAMES, ROMANS, list(range(1, 13)), [None, "x", *map(str, range(1, 13))]])
def test_month_rows(row):
    cols = grid.month_row(row)
    assert sorted(m for (m,) in cols.values()) == ALL
    assert all(row[c] not in (None, "x") for c in cols)


@pytest.mark.parametrize("labels", [["TW I", "TW II", "TW III", "TW IV"], ["Triwulan 1", "Triwulan 2", "Triwulan 3",
                                                                          "Triwulan 4"], ["Q1", "Q2", "Q3", "Q4"]])
def test_quarter_rows_plan_three_months_each(labels):
    cols = grid.quarter_row(["NO", "KEGIATAN", *labels])
    assert cols == {2: (1, 2, 3), 3: (4, 5, 6), 4: (7, 8, 9), 5: (10, 11, 12)}


@pytest.mark.parametrize("labels", [[1, 2, 3, 4], ["I", "II", "III", "IV"], ["Minggu ke-1", "Minggu ke-2",
                                                                             "Minggu ke-3", "Minggu ke-4"]])
def test_week_rows_under_merged_months(labels):
    months_row = [None, None]
    for name in MONTH_NAMES:
        months_row += [name, None, None, None]
    months = grid.month_row(months_row)
    merges = [((0, c), (0, c + 3)) for c in months]
    widened = grid.widen(months, merges, 0)
    weeks = grid.week_row([None, None] + labels * 12, widened)
    assert len(weeks) == 48
    assert weeks[2 + 4 * 5 + 3] == (6,)  # the fourth week of June


def test_a_numbered_row_is_not_a_week_row():
    months = grid.month_row([None, *MONTH_NAMES])
    assert grid.week_row([None, *range(1, 13)], months) is None


@pytest.mark.parametrize("value, font, tick", [
    ("ü", "Wingdings", True), ("þ", "Wingdings", True), ("P", "Wingdings 2", True),
    ("\uf0fc", "Wingdings", True),  # stored in the private-use area
    ("ü", "Calibri", False), ("P", "Calibri", False), ("ü", None, False), ("P", "Wingdings", False),
])
def test_symbol_font_ticks(value, font, tick):
    ch = symbol_char(value)
    assert bool(ch and is_symbol_tick(ch, font)) is tick
