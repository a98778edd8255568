"""Coloured data grids: the heatmaps and the Gantt month grid as tables the browser draws quickly
(issue 7.6).

A plotly heatmap is drawn cell by cell, its labels measured and placed one by one, and plotly.js
itself takes 1.5-2.3 s to start in a fresh tab on the development machine (bench/RESULTS.md); a
data grid draws only the rows on screen, so 550 offices cost what 5 do.  The pages show these
grids; the PNG export, the meeting deck and the presentation view keep the plotly figures of
rbdash.charts.  Both render the same models of rbdash.views (Heatmap, GanttView: one reading of the
cells) and use the same colours (``charts.rate_hex``, plotly's interpolation to
within 1/255), so a cell never reads differently in the grid and in the image.

Returns pandas Stylers (rendered by ``st.dataframe``): values stay numbers, so a column sorts as
numbers, while the cell shows Indonesian text ("87,5%").  Cell text is data, never markup: the
grid draws it on a canvas.  The grid's toolbar downloads the values as CSV, so text a spreadsheet
would evaluate is neutralised in the values (export.safe_frame) while the cell shows it as written
(``downloadable``: every table the pages show goes through it, issue 18.3).
"""

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler
from plotly.colors import hex_to_rgb

from rbdash import wording
from rbdash.charts import GANTT_STATES, INK, NO_DATA_COLOR, NOT_SCHEDULED_COLOR, rate_hex
from rbdash.export import safe_frame, safe_text
from rbdash.schedule import DONE, LATE, OUTSIDE, PLANNED, UNREPORTED
from rbdash.submission import STATUS_TEXT
from rbdash.views.models import NO_DATA, GanttView, Heatmap, Laggards, NotSubmitted, Ranking, Trend, YearOverYear
from rbdash.wording import MONTHS

WHITE = "#FFFFFF"
ROW_PX = 35  # st.dataframe's default row height
MAX_HEIGHT_PX = 720  # taller grids scroll (550 offices) instead of pushing the page down
PLACEHOLDER = wording.NOTHING_DUE  # what the grid shows in a cell without a rate (st.dataframe placeholder)
NOTE = wording.REMARK


def _luminance(rgb):
    """WCAG relative luminance of (r, g, b) in 0..255."""
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def ink_on(colour):
    """The text colour (dark ink or white) with the higher contrast on ``colour`` ('#RRGGBB')."""
    lum = _luminance(hex_to_rgb(colour))
    ink = _luminance(hex_to_rgb(INK))
    return INK if (lum + 0.05) / (ink + 0.05) >= 1.05 / (lum + 0.05) else WHITE


def rate_colours(values):
    """CSS colours of rates 0..1 (charts.rate_hex), to the whole percent."""
    pct = np.rint(np.clip(np.asarray(values, dtype=float), 0, 1) * 100).astype(int)
    return _PALETTE[pct] if pct.size else np.array([], dtype=object)


_PALETTE = np.array([rate_hex(i / 100) for i in range(101)], dtype=object)
_CSS = {c: f"background-color: {c}; color: {ink_on(c)}" for c in [*_PALETTE, NO_DATA_COLOR, NOT_SCHEDULED_COLOR]}


def _flat(label):
    """A column title on one line ('1\\nManajemen\\nPerubahan' -> '1 Manajemen Perubahan')."""
    return " ".join(str(label).replace("-\n", "").split())


def downloadable(data, columns=None):
    """What ``st.dataframe`` (or ``st.data_editor``) may show: no text cell a spreadsheet would evaluate
    in the values that the grid's own "Download as CSV" writes.

    ``data`` is a DataFrame or a Styler of this module (built neutralised; any other Styler is refused).
    A DataFrame comes back unchanged when it holds no such text, else as a Styler of the neutralised
    frame that shows every cell as the grid would have shown the original: the text as written,
    numbers as the grid writes a number without a format.  ``columns``: only these (an editor's
    read-only columns: an edited value must stay what the user typed).
    """
    if isinstance(data, Styler):
        if safe_frame(data.data) is not data.data:
            raise ValueError("a Styler shown in a grid must be built by rbdash.grids (neutralised)")
        return data
    safe = safe_frame(data, columns)
    if safe is data:
        return data
    numbers = [c for c in data.columns if pd.api.types.is_numeric_dtype(data[c]) and not
               pd.api.types.is_bool_dtype(data[c])]
    return _as_written(safe.style.format(_number_text, subset=numbers), data)


def _number_text(value):
    """A number as st.dataframe writes one without a format (1.67: at most four decimals, trailing
    zeros dropped, no separators): a Styler's text replaces the grid's own formatting."""
    if pd.isna(value):
        return ""
    if isinstance(value, (int, np.integer)):
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _as_written(styler, original):
    """``styler`` (of ``safe_frame(original)``) showing the neutralised cells' text as written.

    Cells are matched by value, per column; where a neutralised text equals another cell's own text
    (``'=x`` beside ``=x``) both show what they hold, apostrophe included.
    """
    safe = styler.data
    for i, name in enumerate(original.columns):
        was, now = original.iloc[:, i], safe.iloc[:, i]
        if now is was or now.equals(was):
            continue
        texts = {v for v in was if isinstance(v, str)}
        shown = {safe_text(v): v for v in texts if safe_text(v) != v}
        shown = {k: v for k, v in shown.items() if k not in texts}
        styler.format(lambda v, shown=shown: shown.get(v, v), subset=[name])
    return styler


def grid_height(n_rows):
    """Pixels for the header and ``n_rows`` rows, capped (the grid scrolls beyond)."""
    return min(MAX_HEIGHT_PX, (n_rows + 1) * ROW_PX + 3)


def rate_grid(hm: Heatmap):
    """A Heatmap (rbdash.views) as a coloured grid: the data grid counterpart of ``charts.rate_heatmap``.

    The grid shows each rate as a percentage (the heatmap's ``digits``) on the heatmap's colours.  A
    cell without a rate is empty in the data (the grid shows its placeholder, ``PLACEHOLDER``): grey
    where the office has not reported, light grey where nothing is due.  Rows without any data say
    so in a last column, ``NOTE`` (wording.NO_DATA, "belum dilaporkan"): a grid cannot put text in an empty number
    cell, and a row must not read as 0%.  The first column, the heatmap's ``row_name``, holds the
    row labels.
    """
    rows, row_name = list(hm.rows), hm.row_name
    labels = [_flat(c.title) for c in hm.columns]
    if len(set(labels)) != len(labels) or {row_name, NOTE} & set(labels):
        raise ValueError(f"grid column titles must be unique: {labels}")
    data = pd.DataFrame(hm.value * 100, columns=labels)
    data.insert(0, row_name, [str(r) for r in rows])
    if hm.no_data.any():
        data[NOTE] = np.where(hm.no_data, wording.NO_DATA, "")
    flat = hm.value.ravel()
    colours = np.full(flat.shape, NOT_SCHEDULED_COLOR, dtype=object)
    has = ~np.isnan(flat)
    colours[has] = rate_colours(flat[has])
    colours[hm.state.ravel() == NO_DATA] = NO_DATA_COLOR
    css = np.array([_CSS[c] for c in colours], dtype=object).reshape(hm.value.shape)
    styles = pd.DataFrame(css, columns=labels).reindex(columns=data.columns, fill_value="")
    styler = safe_frame(data).style.apply(lambda _: styles, axis=None)
    styler.format(lambda v: wording.pct(v / 100, hm.digits), subset=labels, na_rep=PLACEHOLDER)
    return _as_written(styler, data).hide(axis="index")


# ------------------------------------------------------------------------------------- gantt

# a mark in each scheduled month, so the grid reads without colour too (red/green blindness)
GANTT_MARKS = {PLANNED: wording.PLANNED_MARK, DONE: wording.DONE_MARK, LATE: wording.LATE_MARK,
               OUTSIDE: wording.DONE_MARK, UNREPORTED: wording.UNREPORTED_MARK}
HEADING_COLOR = "#F3F4F6"  # kegiatan and sub kegiatan rows, as the figure's faint band
INDENT = "\u2003"  # em space: sub kegiatan and indikator rows sit under their kegiatan
LABEL = "Kegiatan / indikator"
SOURCE = wording.SOURCE


def gantt_grid(gantt: GanttView):
    """A GanttView (rbdash.views) as a month grid: the data grid counterpart of ``charts.gantt_figure``.

    Rows as the figure's (kegiatan, sub kegiatan, indikator), then a column per month holding the
    month's mark (GANTT_MARKS) on the state's colour (charts.GANTT_STATES: planned, realised, late,
    realised outside the schedule, as the model's states say), and the row's source in the
    workbook (sheet and row).
    """
    rows, states = gantt.rows, gantt.states
    is_act = (rows["kind"] == "act").to_numpy()
    indent = {"kegiatan": "", "sub": INDENT, "act": INDENT * 2}
    data = pd.DataFrame({LABEL: [indent[k] + str(label) for k, label in zip(rows["kind"], rows["label"])]})
    marks = np.vectorize(lambda s: GANTT_MARKS.get(s, ""), otypes=[object])(states)
    for m, month in enumerate(MONTHS):
        data[month] = marks[:, m]
    # the row first: a narrow column cuts the end of a long sheet name, not the row number
    data[SOURCE] = [wording.row_source(rec["sheet"], rec["row"]) if kind == "act" else ""
                    for kind, rec in zip(rows["kind"], rows.to_dict("records"))]
    heading = np.where(is_act, "", f"background-color: {HEADING_COLOR}").astype(object)
    css = np.repeat(heading[:, None], len(data.columns), axis=1)
    for state, style in _GANTT_CSS.items():
        css[:, 1:13][states == state] = style
    styles = pd.DataFrame(css, columns=data.columns)
    return _as_written(safe_frame(data).style.apply(lambda _: styles, axis=None), data).hide(axis="index")


_GANTT_CSS = {state: f"background-color: {colour}; color: {ink_on(colour)}"
              for state, (colour, _) in GANTT_STATES.items()}


# ------------------------------------------------------------------------------------- tables of the models

def ranking_table(rank: Ranking) -> pd.DataFrame:
    """A Ranking as numbers (sortable; a rate without data is empty, shown by the page's placeholder
    and sorted last): rank, name (and province or the province's offices), rate, verified rate, reporting."""
    rows = rank.rows
    rate = rows["rate"] * 100
    verified = rows["verified_rate"] * 100  # issue 23.2: beside the reported rate, same denominator
    reporting = {wording.REPORTED: rows["reported_text"], wording.REPORTING: rows["reporting"] * 100}
    if rank.level == "satker":
        return pd.DataFrame({
            wording.RANK: rows["rank"], wording.SATKER: rows["name"],
            wording.PROVINCE: rows["province"].fillna(wording.NO_PROVINCE), wording.RATE: rate,
            wording.VERIFIED: verified, wording.REALISED: pd.to_numeric(rows["realized"], errors="coerce"),
            wording.DUE: rows["planned"].astype(int), wording.REPORTED_MONTHS: rows["basis_text"], **reporting})
    return pd.DataFrame({
        wording.RANK: rows["rank"], wording.PROVINCE: rows["name"], wording.RATE: rate, wording.VERIFIED: verified,
        wording.SATKER: rows["offices"].astype(int), wording.OFFICES_WITH_DATA: rows["offices_with_data"].astype(int),
        **reporting})


def laggard_table(lag: Laggards, province=False) -> pd.DataFrame:
    """Laggards as words: name (and ``province``), rate, realised of due, the months (offices) it rests
    on, reported of due."""
    rows = lag.rows
    name = wording.SATKER if lag.level == "satker" else wording.PROVINCE
    return pd.DataFrame({
        name: rows["name"], **({wording.PROVINCE: rows["province"].fillna(wording.DASH)} if province else {}),
        wording.RATE: rows["text"], wording.REALISED: [wording.of(r, p) for r, p in zip(rows["realized"], rows["planned"])],
        (wording.REPORTED_MONTHS if lag.level == "satker" else wording.OFFICES_WITH_DATA): rows["basis_text"],
        wording.REPORTED: rows["reported_text"]})


def trend_table(trend: Trend) -> pd.DataFrame:
    """The trend's months up to the as-of month as numbers: planned, realised, rates, cumulated."""
    shown = trend.shown
    return pd.DataFrame({
        wording.MONTH: shown["label"], "Rencana": shown["planned"].astype(int), wording.REALISED: shown["realized"],
        wording.RATE_OF_MONTH: shown["rate"] * 100, wording.PLAN_CUM_COLUMN: shown["planned_cum"].astype(int),
        wording.REALISED_CUM_COLUMN: shown["realized_cum"], wording.RATE_CUM: shown["rate_cum"] * 100})


def year_table(yoy: YearOverYear) -> pd.DataFrame:
    """Each year's figures as words (Indonesian formats; a handful of rows, nothing to sort): year,
    rate ('belum ada data' without data), realised, due, offices, offices with data, reported."""
    rows = yoy.rows
    return pd.DataFrame({
        wording.YEAR: rows["year"].astype(str), wording.RATE: rows["text"],
        wording.REALISED: [wording.integer(v) for v in rows["realized"]],
        wording.DUE: [wording.integer(v) for v in rows["planned"]],
        wording.SATKER: [wording.integer(v) for v in rows["offices"]],
        wording.OFFICES_WITH_DATA: [wording.integer(v) for v in rows["offices_with_data"]],
        wording.REPORTED: rows["reported_text"]})


def change_table(yoy: YearOverYear, rows: pd.DataFrame, province=True) -> pd.DataFrame:
    """Offices whose rate changed (``yoy.improved`` or ``yoy.fell``) as words: office (and
    ``province``), the rate in each compared year, the change in points."""
    return pd.DataFrame({
        wording.SATKER: rows["satker"],
        **({wording.PROVINCE: rows["province"].fillna(wording.DASH)} if province else {}),
        wording.rate_in(yoy.from_year): rows["text_from"], wording.rate_in(yoy.to_year): rows["text_to"],
        wording.CHANGE: rows["change_text"]})


def not_submitted_table(ns: NotSubmitted, status=None, province=True) -> pd.DataFrame:
    """Who has not submitted (of one ``status``, None: all) as words; ``province``: with its column."""
    rows = ns.rows if status is None else ns.rows[ns.rows["status"] == status]
    return pd.DataFrame({
        wording.SATKER: rows["satker"],
        **({wording.PROVINCE: rows["province"].fillna(wording.DASH)} if province else {}),
        wording.STATUS: rows["status"].map(STATUS_TEXT), wording.NAME_IN_WORKBOOK: rows["imported_as"].fillna("")})
