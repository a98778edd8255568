"""The models the pages show as figures: what a figure holds, decided once, for every renderer.

A model carries its figures, the state of each cell and its words; rbdash.grids (the data grid),
rbdash.charts (the plotly figure), rbdash.export (the Excel sheet) and rbdash.report (the deck's
slides) only draw it.  Row sets are pandas frames with the columns each docstring names.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rbdash import wording

# the state of a heatmap cell: a rate, an office (or group) without realisation data (never 0%), or
# nothing due (not applicable)
VALUE, NO_DATA, NOTHING_DUE = "value", "no_data", "none"
TOTAL = "total"  # the key of a heatmap's Total column


def cell_text(state, value, digits=1) -> str:
    """The words of a cell: '87,5%', 'belum ada data' or '–' (nothing due)."""
    if state == NO_DATA:
        return wording.NO_DATA
    if state == VALUE:
        return wording.pct(value, digits)
    return wording.NOTHING_DUE


@dataclass(frozen=True)
class Column:
    """A heatmap column: its key (an area number, a month, TOTAL), its title as a figure shows it
    (narrow lines), its label as a table header writes it on one line, and ``short``: its header in
    a data grid, one short line ('' = the title on one line; 'Area 7' for an area, whose name is
    then the header's help)."""
    key: object
    title: str
    label: str
    short: str = ""


@dataclass(frozen=True, eq=False)
class Heatmap:
    """Rows × columns of rates (0..1) with a state per cell (VALUE, NO_DATA, NOTHING_DUE).

    ``value`` is NaN unless the state is VALUE; ``text`` the cell's words, ``hover`` more about it
    (lines joined by '\\n', '' for none); ``no_data`` flags the rows without data in any cell (every
    cell of such a row is NO_DATA, also where nothing is due: a row must not read as 0%).  A Total
    column, when there is one, is the last, keyed TOTAL.  ``provinces``: each row's province (office
    rows), for a table's Provinsi column."""
    title: str | None
    row_name: str
    rows: tuple
    columns: tuple
    value: np.ndarray
    state: np.ndarray
    text: np.ndarray
    hover: np.ndarray
    no_data: np.ndarray
    legend: str = wording.RATE
    caption: str = ""
    digits: int = 1
    provinces: tuple | None = None

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True, eq=False)
class Ranking:
    """Offices (``level`` "satker") or provinces ("provinsi") best first by completion up to
    ``as_of``; those without data last, without a rank.

    ``rows``: rank (Int64, <NA> without data), name, province, state (VALUE / NO_DATA / NOTHING_DUE
    of the rate), rate (NaN unless VALUE), text (the rate's words), planned (due month-kegiatan the
    rate counts), realized, has_data, due, reported, reporting (reported ÷ due, NaN when nothing is
    due), reported_text ('3 dari 4 bulan-kegiatan'), reported_months (months reported up to
    ``as_of``; summed over a province's offices), basis_text (what the rate rests on: '6 dari 9 bulan'
    for an office, '1 dari 6 satker melapor' for a province), offices, offices_with_data (offices
    that reported a month up to ``as_of``), verified and verified_rate (the months a province
    verified: metrics.rate_of, the rate's denominator), verified_text (its words)."""
    level: str
    year: int
    as_of: int
    rows: pd.DataFrame

    @property
    def names(self) -> list:
        return self.rows["name"].tolist()

    @property
    def empty(self) -> bool:
        return self.rows.empty


@dataclass(frozen=True, eq=False)
class Laggards:
    """Those with data whose rate is below the median of those with data, worst first, at most
    ``limit``; ``median`` None when nobody reports.  ``rows`` as Ranking's."""
    level: str
    median: float | None
    limit: int
    rows: pd.DataFrame


@dataclass(frozen=True)
class Summary:
    """The figures of a selection (a year, offices, areas) up to ``as_of``.

    ``offices``/``activities``: offices with a plan and their activities; ``rate``: completion
    pooled over the offices with data (None when none has data); ``rated`` of ``counted`` offices
    (those with activities in the areas) have data; ``reported`` of ``due`` month-kegiatan were
    reported, ``reporting`` their share (None when nothing is due)."""
    year: int
    as_of: int
    offices: int
    activities: int
    rate: float | None
    rated: int
    counted: int
    reported: int
    due: int
    reporting: float | None
    verified: int | None = None        # month-kegiatan realised and verified (None without data)
    verified_rate: float | None = None  # verified ÷ the rate's denominator (metrics.rate_of)
    planned: int = 0                    # that denominator: month-kegiatan due of the offices with data


@dataclass(frozen=True, eq=False)
class Trend:
    """Month by month, Jan..Des, of a selection: planned and realised month-kegiatan, each month and
    cumulated (the S-curve), and the rates.  ``months``: month, label, planned, realized, planned_cum,
    realized_cum, rate, rate_cum (realised and rates NaN after ``as_of`` and without data), state
    and bar_text (the month's rate as a bar writes it: '75%', '–' when nothing was planned)."""
    title: str
    year: int
    as_of: int
    has_data: bool
    months: pd.DataFrame

    @property
    def shown(self) -> pd.DataFrame:
        """The months up to the as-of month (what a table lists)."""
        return self.months[self.months["month"] <= self.as_of]


@dataclass(frozen=True)
class OfficeSummary:
    """One office's plan and figures up to ``as_of`` in the areas shown: its ``activities`` there
    (``plan_activities`` in the whole plan), month-kegiatan ``planned`` (due), ``realized`` on
    schedule, ``late`` (due, reported and not realised) and ``rate`` -- None where the office has
    reported no month up to ``as_of``; ``reported_months`` the months 1..as_of it reported."""
    satker: str
    year: int
    as_of: int
    activities: int
    plan_activities: int
    planned: int
    realized: int | None
    late: int | None
    rate: float | None
    has_data: bool
    version: int
    source_name: str | None
    imported_at: object
    imported_by: str | None
    reported_months: tuple = ()


@dataclass(frozen=True, eq=False)
class GanttView:
    """One office's activities as month rows: heading rows (kind "kegiatan", "sub") and activities
    ("act", with the activity's columns), ordered area > kegiatan > sub kegiatan; ``states`` the
    schedule state of each row's twelve months (schedule.NONE on heading rows)."""
    satker: str
    as_of: int
    has_data: bool
    title: str
    rows: pd.DataFrame
    states: np.ndarray
    activities: int = field(default=0)


@dataclass(frozen=True, eq=False)
class NotSubmitted:
    """Who has not submitted: official offices of the year (and province) without a plan or without
    realisation by ``as_of``, and imported names that match no official office.

    ``rows``: satker, province, level, status, imported_as (rbdash.submission); ``counts``
    {status: n}; ``official`` the offices of the official list in scope; ``per_province`` the
    national table: province, no_plan, no_realisation (KPU RI as a province of its own)."""
    year: int
    as_of: int
    province: str | None
    rows: pd.DataFrame
    counts: dict
    official: int
    title: str
    per_province: pd.DataFrame
    unmatched: list


@dataclass(frozen=True, eq=False)
class VersionDiff:
    """Two versions of an office's plan compared (rbdash.diff) as Riwayat shows it: ``summary`` the
    sentence of counts, ``rows`` one row per activity added, removed or changed (columns: Perubahan,
    Area, Kegiatan, Sub kegiatan, Indikator, Jadwal sebelum, Jadwal sesudah, Realisasi tercatat,
    Baris; months as month names), ``kept`` the warning about realisation recorded on removed
    activities (None when there is none)."""
    from_version: int
    to_version: int
    summary: str
    rows: pd.DataFrame
    kept: str | None


@dataclass(frozen=True, eq=False)
class YearOverYear:
    """Completion of the nation or a province (``scope``) in each year present, every year up to the
    same month ``as_of``, and the offices whose rate changed most between ``from_year`` and
    ``to_year`` (None with fewer than two years).

    ``rows``: one per year (ascending): year, state, rate, text (as Ranking's), has_data, planned,
    realized, due, reported, reported_text, offices, offices_with_data.  ``areas``: a Heatmap of
    years (rows) × areas and a Total column (the year's rate); ``per_area`` its figures: year,
    area_no, planned, realized, has_data, rate (the areas with activities in the scope that year).
    ``changes``: the offices with a rate in both years: satker, province, rate_from, rate_to, change
    (rate_to - rate_from), text_from, text_to, change_text; ``improved`` / ``fell``: the ``limit``
    with the largest rise / fall, largest first (ties by name)."""
    scope: str
    province: str | None
    as_of: int
    years: tuple
    rows: pd.DataFrame
    areas: Heatmap
    per_area: pd.DataFrame
    from_year: int | None
    to_year: int | None
    changes: pd.DataFrame
    limit: int = 5

    @property
    def improved(self) -> pd.DataFrame:
        up = self.changes[self.changes["change"] > 0]
        return up.sort_values(["change", "satker"], ascending=[False, True], kind="stable").head(self.limit)

    @property
    def fell(self) -> pd.DataFrame:
        down = self.changes[self.changes["change"] < 0]
        return down.sort_values(["change", "satker"], kind="stable").head(self.limit)
