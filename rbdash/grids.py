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
numbers, while the cell shows Indonesian text ("87,5%", "47.810": issue 21.5).  Column widths come
from the texts (rbdash.measure), so a header or a name is never cut where the page has the room
(issue 21.4), and every text is drawn in ink: a grid's pinned column and its empty-cell placeholder
are drawn faded (4.7:1 and 1.8:1 on the grey), so labels are not pinned and empty cells stay empty
(issue 21.7).  Cell text is data, never markup: the
grid draws it on a canvas.  The grid's toolbar downloads the values as CSV, so text a spreadsheet
would evaluate is neutralised in the values (export.safe_frame) while the cell shows it as written
(``downloadable``: every table the pages show goes through it, issue 18.3).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler
from plotly.colors import hex_to_rgb

from rbdash import measure, wording
from rbdash.charts import GANTT_STATES, INK, NO_DATA_COLOR, NOT_SCHEDULED_COLOR, rate_hex
from rbdash.export import safe_frame, safe_text
from rbdash.schedule import DONE, LATE, OUTSIDE, PLANNED, UNREPORTED
from rbdash.submission import STATUS_TEXT
from rbdash.views.models import NO_DATA, VALUE, GanttView, Heatmap, Laggards, NotSubmitted, Ranking, Trend, YearOverYear
from rbdash.wording import MONTHS

WHITE = "#FFFFFF"
ROW_PX = 35  # st.dataframe's default row height
FULL_ROWS = 40  # a grid of up to this many rows is shown whole (38 provinces): no scrolling inside a scrolling page
MAX_HEIGHT_PX = 720  # taller grids scroll (550 offices) instead of pushing the page down
# a cell without a rate shows nothing: the grid draws its placeholder faded (1.8:1 on the grey of "no data");
# the colour says it (grey: no data, light grey: nothing due), and the captions name the colours
PLACEHOLDER = ""
FONT_PX, PAD_PX = 14, 18  # the grid's text size, and a cell's padding (8 px each side) with 2 px to spare
SOURCE_SANS = 0.97  # the grid's Source Sans is at most this wide against measure's widths (Chromium, 14 px)
PAGE_PX = 900  # a page's content at 1366 px with the sidebar open (905 px: st.dataframe's full width)
EXPANDER_PX = 34  # an expander's own padding, both sides
CHECKBOX_PX = 37  # the row-selection column of a grid whose rows can be picked


def _luminance(rgb):
    """WCAG relative luminance of (r, g, b) in 0..255."""
    c = np.asarray(rgb, dtype=float) / 255
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return float(c @ [0.2126, 0.7152, 0.0722])


def contrast(fg, bg):
    """WCAG contrast ratio of two '#RRGGBB' colours (1 to 21): text read from the back of a room wants 7."""
    a, b = sorted((_luminance(hex_to_rgb(fg)), _luminance(hex_to_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text_px(text, bold=False):
    """Pixels a cell needs for ``text`` in the grid's font: its width and the padding."""
    return int(measure.width(text, FONT_PX, bold) * SOURCE_SANS + 0.999) + PAD_PX


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


def _as_written(styler, original, short=()):
    """``styler`` (of ``safe_frame(original)``) showing the neutralised cells' text as written, and the
    office names of the ``short`` columns as wording.office_label writes them.

    Cells are matched by value, per column; where a neutralised text equals another cell's own text
    (``'=x`` beside ``=x``) both show what they hold, apostrophe included.
    """
    safe = styler.data
    for i, name in enumerate(original.columns):
        was, now = original.iloc[:, i], safe.iloc[:, i]
        shorten = wording.office_label if name in short else (lambda v: v)
        if (now is was or now.equals(was)) and name not in short:
            continue
        texts = {v for v in was if isinstance(v, str)}
        shown = {safe_text(v): v for v in texts if safe_text(v) != v}
        shown = {k: v for k, v in shown.items() if k not in texts}
        styler.format(lambda v, shown=shown, shorten=shorten: shorten(shown.get(v, v)), subset=[name])
    return styler


def grid_height(n_rows, row_px=ROW_PX, most=None):
    """Pixels for the header and ``n_rows`` rows of ``row_px``: the whole grid up to FULL_ROWS rows (the
    page scrolls, not the grid), else capped at ``most`` (MAX_HEIGHT_PX: the grid scrolls beyond,
    its header staying in view)."""
    whole = ROW_PX + n_rows * row_px + 3
    if most is None:
        most = whole if n_rows <= FULL_ROWS else MAX_HEIGHT_PX
    return min(whole, most)


def headers(hm: Heatmap) -> list:
    """A grid's column headers of a Heatmap's columns: one short line each (Column.short, else the title)."""
    return [c.short or _flat(c.title) for c in hm.columns]


def rate_grid(hm: Heatmap):
    """A Heatmap (rbdash.views) as a coloured grid: the data grid counterpart of ``charts.rate_heatmap``.

    The grid shows each rate as a percentage (the heatmap's ``digits``) on the heatmap's colours.  A
    cell without a rate is empty in the data and on screen (``PLACEHOLDER``): grey where the office
    has not reported (a whole grey row: nothing reported), light grey where nothing is due -- never
    0%.  The first column, the heatmap's ``row_name``, holds the row labels as they are (a picked
    row names its office), shown short ('Kab. Banjar': wording.office_label).
    """
    rows, row_name = list(hm.rows), hm.row_name
    labels = headers(hm)
    if len(set(labels)) != len(labels) or row_name in labels:
        raise ValueError(f"grid column titles must be unique: {labels}")
    data = pd.DataFrame(hm.value * 100, columns=labels)
    data.insert(0, row_name, [str(r) for r in rows])
    flat = hm.value.ravel()
    colours = np.full(flat.shape, NOT_SCHEDULED_COLOR, dtype=object)
    has = ~np.isnan(flat)
    colours[has] = rate_colours(flat[has])
    colours[hm.state.ravel() == NO_DATA] = NO_DATA_COLOR
    css = np.array([_CSS[c] for c in colours], dtype=object).reshape(hm.value.shape)
    styles = pd.DataFrame(css, columns=labels).reindex(columns=data.columns, fill_value=f"color: {INK}")
    styler = safe_frame(data).style.apply(lambda _: styles, axis=None)
    styler.format(lambda v: wording.pct(v / 100, hm.digits), subset=labels, na_rep=PLACEHOLDER)
    styler = _as_written(styler, data, short=[row_name])
    return styler.hide(axis="index")


def rate_columns(hm: Heatmap) -> dict:
    """{column: (width in pixels, help)} of ``rate_grid(hm)``: the labels as wide as the longest shown
    name, each rate column as its header or its widest rate; an area's full name as its header's help."""
    shown = [wording.office_label(r) for r in hm.rows]
    out = {hm.row_name: (max(text_px(t) for t in [hm.row_name, *shown]), None)}
    rates = hm.text[hm.state == VALUE]  # the other cells show nothing (PLACEHOLDER)
    widest = max(rates, key=lambda t: measure.width(t, FONT_PX), default="")
    for c, header in zip(hm.columns, headers(hm)):
        out[header] = (max(text_px(header), text_px(wording.pct(1.0, hm.digits)), text_px(widest)),
                       c.label if c.short else None)
    return out


# ------------------------------------------------------------------------------------- gantt

# a mark in each scheduled month, so the grid reads without colour too (red/green blindness)
GANTT_MARKS = {PLANNED: wording.PLANNED_MARK, DONE: wording.DONE_MARK, LATE: wording.LATE_MARK,
               OUTSIDE: wording.DONE_MARK, UNREPORTED: wording.UNREPORTED_MARK}
HEADING_COLOR = "#F3F4F6"  # kegiatan and sub kegiatan rows, as the figure's faint band
INDENT = "\u2003"  # em space: sub kegiatan and indikator rows sit under their kegiatan
LABEL = "Kegiatan / indikator"
SOURCE = wording.SOURCE


def gantt_grid(gantt: GanttView):
    """A GanttView (rbdash.views) as a month grid (the deck draws the same rows as a table).

    Rows kegiatan, sub kegiatan, indikator (indented), then a column per month holding the
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

MONTH_PX = max(text_px(m) for m in MONTHS)  # a month column: its name, or a mark
SOURCE_PX = 150  # the source column at most (the row comes first: a long sheet name is cut, not the row)
GANTT_LINES = 4  # a label wraps onto at most this many lines; the whole text: a double click, the Tabel kegiatan
LINE_PX = 20  # a wrapped line in the grid; st.dataframe wraps text only in rows taller than 64 px


def gantt_columns(gantt: GanttView, page_px=PAGE_PX):
    """({column: pixels}, row height) of ``gantt_grid(gantt)`` on a page ``page_px`` wide: twelve month
    columns as narrow as their names, the source as its longest text (at most SOURCE_PX), the labels
    the rest, their rows tall enough for the longest label on up to GANTT_LINES lines."""
    sources = [wording.row_source(rec["sheet"], rec["row"]) for rec in gantt.rows.to_dict("records")
               if rec["kind"] == "act"]
    source = min(SOURCE_PX, max(text_px(t) for t in [SOURCE, *sources]))
    label = page_px - 12 * MONTH_PX - source
    room = (label - PAD_PX) / SOURCE_SANS
    lines = max([1, *(len(measure.wrap(INDENT * {"kegiatan": 0, "sub": 1}.get(k, 2) + str(t), room, FONT_PX))
                      for k, t in zip(gantt.rows["kind"], gantt.rows["label"]))])
    lines = min(lines, GANTT_LINES)
    row_px = ROW_PX if lines == 1 else max(65, LINE_PX * lines + 8)
    return {LABEL: label, **{m: MONTH_PX for m in MONTHS}, SOURCE: source}, row_px


# ------------------------------------------------------------------------------------- tables of the models

@dataclass(frozen=True, eq=False)
class Shown:
    """A table as a grid shows it: ``styler`` keeps the numbers (a column sorts as numbers) and shows
    Indonesian texts (wording's formatters), ``widths`` {column: pixels} fit each column's header and
    texts.  pages/_ui.table() sets the widths."""
    styler: Styler
    widths: dict


def formatted(df: pd.DataFrame, formats=None, short=()) -> Shown:
    """``df`` as a grid shows it: the numeric columns of ``formats`` ({column: formatter of wording})
    written by their formatter, the ``short`` columns' office names as wording.office_label writes
    them, every other cell as it is; each column as wide as its header and its widest text."""
    formats = formats or {}
    texts = {}
    for name in df.columns:
        shorten = wording.office_label if name in short else str
        write = formats.get(name, lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else v)
        texts[name] = [shorten(write(v)) for v in df[name]]
    styler = _as_written(safe_frame(df).style, df, short=short)
    for name, write in formats.items():
        styler.format(write, subset=[name])
    widths = {name: max(text_px(t) for t in [name, *texts[name]]) for name in df.columns}
    return Shown(styler.hide(axis="index"), widths)


def rate_text(value):
    """A rate of 0-100 as a table cell shows it ('97,1%'); '' without one."""
    return "" if pd.isna(value) else wording.pct(value / 100)


def count_text(value):
    """A count as a table cell shows it ('47.810'); '' without one."""
    return "" if pd.isna(value) else wording.integer(value)


def ranking_table(rank: Ranking, province=True) -> Shown:
    """A Ranking as the grid shows it: rank, name (and ``province``, or a province's offices), the rate
    (a number: sorts as one; empty without data, and sorted last by the ranking), the verified rate
    beside it (issue 23.2: the same denominator), realised of due, reported of due, and the share
    reported (0-100, for a progress bar)."""
    rows = rank.rows
    pairs = {wording.REPORTED: [wording.of(r, d) for r, d in zip(rows["reported"], rows["due"])]}
    if rank.level == "satker":
        df = pd.DataFrame({
            wording.RANK: rows["rank"], wording.SATKER: rows["name"],
            **({wording.PROVINCE: rows["province"].fillna(wording.NO_PROVINCE)} if province else {}),
            wording.RATE: rows["rate"] * 100, wording.VERIFIED: rows["verified_rate"] * 100,
            wording.REALISED: [wording.of(r, p) if h else wording.DASH
                               for r, p, h in zip(rows["realized"], rows["planned"], rows["has_data"])],
            wording.REPORTED_MONTHS: rows["basis_text"], **pairs, wording.REPORTING: rows["reporting"] * 100})
        return formatted(df, {wording.RANK: count_text, wording.RATE: rate_text, wording.VERIFIED: rate_text},
                         short=[wording.SATKER])
    df = pd.DataFrame({
        wording.RANK: rows["rank"], wording.PROVINCE: rows["name"], wording.RATE: rows["rate"] * 100,
        wording.VERIFIED: rows["verified_rate"] * 100,
        wording.SATKER: rows["offices"].astype(int), wording.OFFICES_WITH_DATA: rows["offices_with_data"].astype(int),
        **pairs, wording.REPORTING: rows["reporting"] * 100})
    return formatted(df, {wording.RANK: count_text, wording.RATE: rate_text, wording.SATKER: count_text,
                          wording.OFFICES_WITH_DATA: count_text})


def laggard_table(lag: Laggards, province=False, compact=False) -> pd.DataFrame:
    """Laggards as words: name (and ``province``), rate, realised of due, the months (offices) it rests
    on, reported of due.  ``compact`` (half a page: Beranda): name, rate and reported of due only,
    without the unit."""
    rows = lag.rows
    name = wording.SATKER if lag.level == "satker" else wording.PROVINCE
    if compact:
        return pd.DataFrame({name: rows["name"], wording.RATE: rows["text"],
                             wording.REPORTED: [wording.of(r, d) for r, d in zip(rows["reported"], rows["due"])]})
    return pd.DataFrame({
        name: rows["name"], **({wording.PROVINCE: rows["province"].fillna(wording.DASH)} if province else {}),
        wording.RATE: rows["text"], wording.REALISED: [wording.of(r, p) for r, p in zip(rows["realized"], rows["planned"])],
        (wording.REPORTED_MONTHS if lag.level == "satker" else wording.OFFICES_WITH_DATA): rows["basis_text"],
        wording.REPORTED: rows["reported_text"]})


def trend_table(trend: Trend) -> Shown:
    """The trend's twelve months: planned, realised, rates, cumulated (numbers, shown the Indonesian
    way); realised and rates empty after the as-of month, the plan for the whole year."""
    shown = trend.months
    df = pd.DataFrame({
        wording.MONTH: shown["label"], "Rencana": shown["planned"].astype(int), wording.REALISED: shown["realized"],
        wording.RATE_OF_MONTH: shown["rate"] * 100, wording.PLAN_CUM_COLUMN: shown["planned_cum"].astype(int),
        wording.REALISED_CUM_COLUMN: shown["realized_cum"], wording.RATE_CUM: shown["rate_cum"] * 100})
    return formatted(df, {"Rencana": count_text, wording.REALISED: count_text, wording.RATE_OF_MONTH: rate_text,
                          wording.PLAN_CUM_COLUMN: count_text, wording.REALISED_CUM_COLUMN: count_text, wording.RATE_CUM: rate_text})


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
