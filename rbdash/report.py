"""The meeting deck (issue 7.4): a PowerPoint a chair can present without the app (no streamlit here).

    deck_bytes(store, year=2024, as_of=9, province="Jawa Timur", offices=["KPU Kota Malang"])

Slides, in Bahasa Indonesia with projector-sized text (titles up to 32 pt, figures 40 pt, tables
14-18 pt, never under 14 pt):

1. title: scope, year, as-of month, the date it was made;
2. summary figures: offices with a plan of the official list, completion (metrics' one definition),
   offices with realisation data, reporting coverage, who has not submitted;
3. the heatmap of completion per area with a Total column -- provinces at national level, the
   province's offices otherwise -- as native tables coloured on the charts' scale;
4. the trend (S-curve and monthly rates) as two native PowerPoint charts -- no image, so no browser
   (issue 22.6: kaleido's Chromium was half a national deck's time), crisp on a projector, editable,
   and drawn by LibreOffice in the PDF -- or as a table (``images=False``); year over year when the
   scope has plans of more than one year: each year up to the same month per area (coloured as the
   heatmap), and the offices that improved or fell most;
5. the laggards (below the median, worst first) with their numbers: provinces and offices at
   national level, offices at provincial level;
6. who has not submitted (rbdash.submission): counts per province at national level, the offices
   at provincial level;
7. for each selected office its figures and its Gantt as a native table (labels on up to two lines).

Every table is laid out before it is drawn (issue 21.4): each column as wide as its widest word at
least (headers break between words, never inside one), each row as tall as its wrapped lines
(rbdash.measure: Arial's widths; every text of the deck is set in Arial, which LibreOffice draws with
the metric-compatible Liberation Sans), and a table continues on the next slide where the next row
would run past the bottom -- pages by drawn height, not a fixed number of rows.  Captions are
measured too, so a table starts below its caption.

``collect`` gathers the models of rbdash.views (Summary, the comparison Heatmap, Trend,
YearOverYear, Laggards, NotSubmitted, OfficeSummary and GanttView) -- the same ones the pages
show -- and the slides only draw them.  Every text is placed as plain text in a text frame
(nothing is interpreted as markup).  ``outline`` returns the slide titles without drawing anything
(the same plan of pages ``build`` draws), so a caller can say what the deck will hold.
"""

import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Inches, Pt

from rbdash import charts, grids, measure, regions, submission, views, wording
from rbdash.errors import ExportError, RbdashError, ValidationError
from rbdash.schedule import DONE, LATE, PLANNED, UNREPORTED
from rbdash.views.models import VALUE

LAGGARDS = 10
MAX_OFFICES = 30  # offices with Gantt slides in one deck
WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
CONTENT = WIDE - 2 * MARGIN
FONT = "Arial"  # on every text: PowerPoint has it, LibreOffice draws it as Liberation Sans (same widths)
INK = RGBColor(0x11, 0x18, 0x27)
MUTED = RGBColor(0x4B, 0x55, 0x63)
HEADER = RGBColor(0x1F, 0x3A, 0x5F)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TITLE_PT, BODY_PT, TABLE_PT, CAPTION_PT, MIN_PT = 32, 20, 16, 14, 14
TOP = Inches(0.25)          # the title's top
INSET_X, INSET_Y = Inches(0.1), Inches(0.05)   # a text box's inner margins (PowerPoint's defaults, set)
CELL_X, CELL_Y = Inches(0.06), Inches(0.04)    # a table cell's inner margins
INDENT = Inches(0.22)       # a Gantt label per outline level
GAP = Inches(0.15)          # between a caption and the table under it
BOTTOM = Inches(0.3)        # kept free under a table
# LibreOffice lays text out in whole device units: a text of exactly a cell's width may break; every
# measured width is taken this much wider (tested against the deck's PDF)
SLACK, SLACK_PT = 1.06, 2
LABEL_LINES = 2             # a Gantt label: at most two lines, '…' when longer (the app shows it whole)
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _pt(emu):
    return emu / 12700


def _lines_height(n, size):
    return Emu(int(round(n * size * measure.LINE * 12700)))


# --------------------------------------------------------------------------------- the data

def _view(store, year, as_of, province, offices):
    """(the View of the deck, the offices with a plan (views.offices rows of the year), the offices
    asked for by their stored names).  A province and an office may be given in any spelling of
    their name (regions.key: 'kalimantan selatan', 'KPU Kab. Tapin')."""
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    rows = views.offices(store)
    rows = rows[rows["year"] == int(year)]
    if province is not None:
        if regions.province(province) is None:
            raise ValidationError("unknown_province", name=province)
        province = regions.province(province)
        rows = rows[rows["province"] == province]
    if rows.empty:
        raise ValidationError("no_plans", year=year, scope=province or "Indonesia")
    known = {regions.key(name): name for name in rows["satker"]}
    named = []
    for name in offices:
        if regions.key(name) not in known:
            raise ValidationError("unknown_satker", name=name, year=year)
        named.append(known[regions.key(name)])
    satkers = tuple(rows["satker"]) if province is not None else None
    return views.View(year=int(year), satkers=satkers, areas=None, as_of=int(as_of), province=province), rows, named




def collect(store, year, as_of, province=None, offices=()):
    """Everything the deck shows, as models of rbdash.views: the one place the deck reads the database."""
    view, _, offices = _view(store, year, as_of, province, list(offices))
    national = view.province is None
    rank = views.ranking(store, view, "satker")
    laggards = [views.laggards(store, view, "provinsi", LAGGARDS)] if national else []
    return {"view": view, "national": national, "offices": list(offices), "scope": view.province or wording.NATIONAL,
            "summary": views.summary(store, view),
            "heatmap": views.comparison_heatmap(store, view, "provinsi" if national else "satker", "area"),
            "trend": views.trend(store, view),
            "years": views.year_over_year(store, view),
            "laggards": [*laggards, views.laggards_of(rank, LAGGARDS)],
            "not_submitted": views.not_submitted(store, view),
            "office_slides": [(views.office_summary(store, name, view.year, view.as_of),
                               *views.gantt_excerpt(store, name, view.year, view.as_of))
                              for name in offices[:MAX_OFFICES]]}


# --------------------------------------------------------------------------------- text and captions

def _caption(lines):
    """Caption lines as (text, size, bold, colour): a string is one muted 14 pt line."""
    if not lines:
        return []
    return [(lines, CAPTION_PT, False, MUTED)] if isinstance(lines, str) else list(lines)


def _text_height(lines, width):
    """How tall a text box of ``lines`` ((text, size, bold, colour)) is drawn ``width`` wide: its wrapped
    lines at measure.LINE each, and the box's inner margins."""
    room = _pt(width - 2 * INSET_X)
    return sum(_lines_height(len(measure.wrap(text, room, size, bold)), size) for text, size, bold, _ in lines) \
        + 2 * INSET_Y


@dataclass
class Heading:
    """A slide's title (one line: its size shrinks to fit, down to 24 pt) and caption, and where the
    content starts: below the caption's measured lines, with a gap."""
    title: str
    caption: list
    title_pt: int = TITLE_PT

    def __post_init__(self):
        room = _pt(CONTENT - 2 * INSET_X)
        self.title_pt = measure.fit(self.title, room, TITLE_PT, 24, bold=True)
        self.title_h = _text_height([(self.title, self.title_pt, True, INK)], CONTENT)
        self.caption_h = _text_height(self.caption, CONTENT) if self.caption else 0
        self.top = TOP + self.title_h + self.caption_h + GAP


def _text(slide, left, top, width, height, lines, size=BODY_PT, bold=False, color=INK, align=None):
    """A text box of plain-text lines (str, or (text, size, bold, colour)), set in FONT."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = INSET_X
    frame.margin_top = frame.margin_bottom = INSET_Y
    for i, line in enumerate([lines] if isinstance(lines, str) else lines):
        text, sz, bd, col = (line, size, bold, color) if isinstance(line, str) else line
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = str(text)
        run.font.name, run.font.size, run.font.bold, run.font.color.rgb = FONT, Pt(sz), bd, col
    return box


def _slide(prs, heading: Heading, drawn=True):
    """A blank slide with the heading's title and caption drawn (every text placed by us)."""
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    slide.name = heading.title[:250]
    if not drawn:
        return slide
    _text(slide, MARGIN, TOP, CONTENT, heading.title_h, heading.title, size=heading.title_pt, bold=True)
    if heading.caption:
        _text(slide, MARGIN, TOP + heading.title_h, CONTENT, heading.caption_h, heading.caption)
    return slide


# --------------------------------------------------------------------------------- tables

@dataclass
class Table:
    """A table as drawn: header, cell texts, and per cell its fill ('#RRGGBB' or None); per row a style
    ('', 'bold', 'italic'), an indent of its first cell (outline levels) and whether cells 1.. are
    one merged cell (holding cell 1's text); ``grow``: the columns that take the width left over
    (all when None); ``same``: columns kept equally wide; ``lines``: the most lines a first-column
    cell shows (None: all)."""
    header: list
    cells: list
    size: int = TABLE_PT
    fills: list | None = None
    styles: list | None = None
    indents: list | None = None
    merged: list | None = None
    grow: list | None = None
    same: list = field(default_factory=list)
    lines: int | None = None

    def __post_init__(self):
        n = len(self.cells)
        self.cells = [["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in row]
                      for row in self.cells]
        self.styles = self.styles or [""] * n
        self.indents = self.indents or [0] * n
        self.merged = self.merged or [False] * n
        self.fills = self.fills or [[None] * len(self.header) for _ in range(n)]


@dataclass
class Layout:
    """A Table fitted to the slide's width: font size, column widths, header and row heights (EMU),
    and the first column's texts as drawn (clipped to ``Table.lines``)."""
    size: int
    widths: list
    merged: list
    indents: list
    header_h: int = 0
    heights: list = field(default_factory=list)
    first: list = field(default_factory=list)


def _room(layout, i, j):
    """Points of text width in cell (i, j): its column (or the merged span) less the cell margins and
    the slack (measure.wrap then breaks lines no later than the slide will)."""
    w = sum(layout.widths[j:]) if j == 1 and i is not None and layout.merged[i] else layout.widths[j]
    w -= 2 * CELL_X + (INDENT * layout.indents[i] if (j == 0 and i is not None) else 0)
    return (_pt(w) - SLACK_PT) / SLACK


def _need(text, size, bold, indent=0, whole=True):
    """EMU a column needs for ``text`` on one line (``whole``) or for its widest word."""
    points = (measure.width if whole else measure.widest_word)(text, size, bold)
    return (points * SLACK + SLACK_PT) * 12700 + 2 * CELL_X + INDENT * indent


def layout(table: Table, width=CONTENT) -> Layout:
    """Column widths, row heights and the first column's texts of ``table`` at the largest font size
    from ``table.size`` down to MIN_PT at which every column is at least as wide as its widest word
    (header bold).  Each column gets its full text on one line where the width allows; else the
    room left after every column's widest word is shared out by how much more each one needs."""
    ncol = len(table.header)
    for size in range(table.size, MIN_PT - 1, -1):
        least, full = [], []
        for j in range(ncol):
            texts = [(table.header[j], True, 0)]
            texts += [(row[j], table.styles[i] == "bold", table.indents[i] if j == 0 else 0)
                      for i, row in enumerate(table.cells) if not (table.merged[i] and j >= 1)]
            least.append(max(_need(t, size, b, k, whole=False) for t, b, k in texts))
            # a header may take several lines: only the cells ask for their whole text on one line
            full.append(max([least[-1], *(_need(t, size, b, k) for t, b, k in texts[1:])]))
        for group in [table.same] if table.same else []:
            for key in (least, full):
                top = max(key[j] for j in group)
                for j in group:
                    key[j] = top
        if sum(least) <= width or size == MIN_PT:
            break
    grow = table.grow if table.grow is not None else list(range(ncol))
    if sum(full) <= width:
        widths = list(full)
        spare, weight = width - sum(full), sum(full[j] for j in grow)
        for j in grow:
            widths[j] += spare * full[j] / weight
    elif sum(least) <= width:
        need = [f - m for f, m in zip(full, least)]
        spare = width - sum(least)
        widths = [m + spare * n / sum(need) for m, n in zip(least, need)]
    else:  # even the widest words do not fit at MIN_PT: shrink evenly (words may then break)
        widths = [m * width / sum(least) for m in least]
    widths = [int(w) for w in widths]
    widths[-1] += int(width) - sum(widths)
    out = Layout(size=size, widths=widths, merged=table.merged, indents=table.indents)
    out.header_h = max(_cell_height(text, _room(out, None, j), size, True) for j, text in enumerate(table.header))
    for i, row in enumerate(table.cells):
        first = measure.wrap(row[0], _room(out, i, 0), size, table.styles[i] == "bold")
        if table.lines:
            first = measure.clip(first, table.lines, _room(out, i, 0), size, table.styles[i] == "bold")
        out.first.append(" ".join(first) if table.lines else row[0])
        heights = [_lines_height(len(first), size) + 2 * CELL_Y]
        heights += [_cell_height(row[j], _room(out, i, j), size, table.styles[i] == "bold")
                    for j in range(1, 2 if table.merged[i] else ncol)]
        out.heights.append(max(heights))
    return out


def _cell_height(text, room, size, bold):
    return _lines_height(len(measure.wrap(text, room, size, bold)), size) + 2 * CELL_Y


def pages(lay: Layout, top) -> list:
    """The rows of each slide (ranges): as many as fit between ``top`` and the slide's bottom margin
    under the header, at least one a slide."""
    room = HIGH - BOTTOM - top - lay.header_h
    out, start, used = [], 0, 0
    for i, h in enumerate(lay.heights):
        if i > start and used + h > room:
            out.append(range(start, i))
            start, used = i, 0
        used += h
    out.append(range(start, len(lay.heights)))
    return out


def _draw_table(slide, table: Table, lay: Layout, rows, top):
    """The ``rows`` of ``table`` as a native table at ``top``, sized as ``lay`` says (header row dark)."""
    rows = list(rows)
    shape = slide.shapes.add_table(len(rows) + 1, len(table.header), MARGIN, top, sum(lay.widths),
                                   lay.header_h + sum(lay.heights[i] for i in rows))
    grid = shape.table
    for j, w in enumerate(lay.widths):
        grid.columns[j].width = Emu(w)
    grid.rows[0].height = Emu(lay.header_h)
    for j, text in enumerate(table.header):
        _cell(grid.cell(0, j), text, lay.size, bold=True, color=WHITE, fill="#" + str(HEADER))
    for r, i in enumerate(rows, start=1):
        grid.rows[r].height = Emu(lay.heights[i])
        style = table.styles[i]
        for j in range(len(table.header)):
            if table.merged[i] and j > 1:
                continue
            text = lay.first[i] if j == 0 else table.cells[i][j]
            _cell(grid.cell(r, j), text, lay.size, bold=style == "bold", italic=style == "italic",
                  fill=table.fills[i][j], align=PP_ALIGN.LEFT if j == 0 else PP_ALIGN.CENTER,
                  indent=table.indents[i] if j == 0 else 0)
        if table.merged[i] and len(table.header) > 2:
            grid.cell(r, 1).merge(grid.cell(r, len(table.header) - 1))
    return grid


def _cell(cell, text, size, bold=False, italic=False, color=None, fill=None, align=PP_ALIGN.CENTER, indent=0):
    """One table cell: plain text in FONT; on a fill, ink or white, whichever reads better.  An empty
    cell gets only its fill (most of a Gantt's month cells: python-pptx's text, font and margin setters
    were most of a deck's drawing time, issue 21.9)."""
    if text:
        cell.text = text
        ink = color or (_ink(fill) if fill else INK)
        for para in cell.text_frame.paragraphs:
            para.alignment = align
            for run in para.runs:
                run.font.name, run.font.size, run.font.bold, run.font.italic = FONT, Pt(size), bold, italic
                run.font.color.rgb = ink
        cell.margin_top = cell.margin_bottom = CELL_Y
        cell.margin_left = CELL_X + INDENT * indent
        cell.margin_right = CELL_X
    cell.fill.solid()
    cell.fill.fore_color.rgb = _rgb(fill or "#FFFFFF")


@functools.lru_cache(maxsize=None)
def _rgb(colour):
    return RGBColor.from_string(colour[1:])


@functools.lru_cache(maxsize=None)
def _ink(fill):
    return _rgb(grids.ink_on(fill))


# --------------------------------------------------------------------------------- the slides

@dataclass
class Page:
    """One slide of the plan: its heading and what draws the rest (given the slide and the heading)."""
    heading: Heading
    draw: Callable
    plain: bool = False  # the title page: its own layout, no heading drawn


def _table_pages(title, caption, table: Table, after=None) -> list:
    """A table's slides: laid out once, cut where the next row would run past the bottom, titled
    'title (i/n)' when there are several; ``after(slide, grid, rows)`` finishes each one."""
    head = Heading(title, _caption(caption))
    lay = layout(table)
    parts = pages(lay, head.top)
    out = []
    for k, rows in enumerate(parts):
        def draw(slide, heading, rows=rows):
            grid = _draw_table(slide, table, lay, rows, heading.top)
            if after:
                after(slide, grid, rows)
        out.append(Page(Heading(_numbered(title, k, len(parts)), head.caption), draw))
    return out


def _numbered(title, i, n):
    return title if n == 1 else f"{title} ({i + 1}/{n})"


def _title_page(data, today):
    view = data["view"]
    title = f"Rencana Aksi Reformasi Birokrasi KPU {view.year}"
    scope = f"{wording.NATIONAL}: 38 provinsi" if data["national"] else wording.province_office(data["scope"])

    def draw(slide, _):
        _text(slide, MARGIN, Inches(2.0), CONTENT, Inches(1.2), title, size=40, bold=True)
        _text(slide, MARGIN, Inches(3.3), CONTENT, Inches(2.5), [
            (f"Evaluasi capaian · {scope}", 28, False, INK),
            (f"Kondisi s.d. {wording.month_long(view.as_of)} {view.year}", 28, True, INK),
            (f"Dibuat {wording.long_date(today)}", 20, False, MUTED)])
    return Page(Heading(title, []), draw, plain=True)


def _summary_page(data):
    view, summary, ns = data["view"], data["summary"], data["not_submitted"]
    tiles = [
        (wording.pct(summary.rate) or wording.NO_DATA, wording.rate_up_to(view.as_of),
         f"{wording.DEFINITION} (satker dengan data); {wording.verified_rate_note(summary.verified_rate)}"),
        (wording.of(summary.counted, ns.official), "Satker dengan rencana aksi",
         "dibandingkan daftar resmi satker KPU"),
        (wording.of(summary.rated, summary.counted), wording.OFFICES_REPORTING, ""),
        (wording.pct(summary.reporting, 0) or wording.DASH, wording.REPORTING,
         wording.reporting(summary.reported, summary.due)),
        (wording.integer(ns.counts[submission.NO_PLAN]), "Belum mengunggah rencana", "satker dalam daftar resmi"),
        (wording.integer(ns.counts[submission.NO_REALISATION]), "Belum melaporkan realisasi",
         f"punya rencana, belum ada realisasi s.d. {wording.month(view.as_of)}"),
    ]

    def draw(slide, heading):
        w, h = CONTENT / 3, Inches(2.7)
        for k, (value, label, note) in enumerate(tiles):
            left, top = MARGIN + int(w * (k % 3)), heading.top + int(h * (k // 3))
            box = int(w) - Inches(0.2)
            size = measure.fit(value, _pt(box - 2 * INSET_X), 40, 24, bold=True)  # a figure on one line
            _text(slide, left, top, box, h, [(value, size, True, INK), (label, 22, True, INK), (note, 15, False, MUTED)])
    return Page(Heading(f"Ringkasan: {data['scope']}", _caption(wording.year_as_of(view.year, view.as_of, long=True))),
                draw)


def _heatmap_pages(data):
    """The comparison heatmap (a views.Heatmap) as native tables: a column per area headed by its
    label (broken between words), the Total last; a row without data says so once, across."""
    view, hm = data["view"], data["heatmap"]
    level = "provinsi" if data["national"] else "satker"
    n = len(hm.rows)
    table = Table(header=[hm.row_name, *[c.label for c in hm.columns]],
                  cells=[[wording.office_label(hm.rows[i]), *(
                      [wording.NO_DATA] + [""] * (len(hm.columns) - 1) if hm.no_data[i] else hm.text[i])]
                         for i in range(n)],
                  fills=[[None, *[charts.cell_colour(st, v) for st, v in zip(hm.state[i], hm.value[i])]]
                         for i in range(n)],
                  merged=[bool(hm.no_data[i]) and len(hm.columns) > 1 for i in range(n)], size=14, grow=[0])
    return _table_pages(f"Capaian per {level} dan area s.d. {wording.month(view.as_of)}", hm.caption, table)


def _trend_pages(data, images):
    """The trend as two native charts (``_trend_charts``), or with ``images=False`` as a table of its
    months up to the as-of month."""
    view, trend = data["view"], data["trend"]
    title = wording.TREND_TITLE.format(year=view.year, scope=data["scope"])
    caption = "Bulan-kegiatan rencana dan realisasi dijumlahkan dari Januari (kurva S); capaian tiap bulan dan kumulatif"
    if images:
        note = charts.trend_realised(trend)
        lines = _caption(caption) + ([(f"{note} · garis titik: akhir {wording.month(view.as_of)}", CAPTION_PT, False,
                                       MUTED)] if note else [])
        return [Page(Heading(title, lines),
                     lambda slide, heading: _trend_charts(slide, trend, heading.top, HIGH - BOTTOM - heading.top))]
    shown = trend.shown
    table = Table(header=[wording.MONTH, wording.PLAN_CUM_COLUMN, wording.REALISED_CUM_COLUMN, wording.RATE_OF_MONTH,
                          wording.RATE_CUM],
                  cells=[[m, wording.integer(p), wording.integer(r), wording.pct(a), wording.pct(c)] for m, p, r, a, c in
                         zip(shown["label"], shown["planned_cum"], shown["realized_cum"], shown["rate"],
                             shown["rate_cum"])])
    return _table_pages(title, caption, table)


# --------------------------------------------------------------------------------- the trend's charts

CHART_PT = 16          # every text of the trend's charts
# the plot's inner box in each chart, as fractions of the chart (left, width; top, height per chart):
# fixed, so the months of both charts line up and the as-of line can be drawn across both
PLOT_X, PLOT_W = 0.085, 0.9
PLOT_Y = {"counts": (0.27, 0.6), "rates": (0.2, 0.62)}
LABEL_ON_BAR = 0.2     # a bar at least this high holds its label on its colour; a lower one on white
TOP_SHARE = 0.56       # of the room: the S-curve; the rest the rates
# a count the Indonesian way whatever the viewer's language: '.' between thousands, literally
COUNT_FORMAT = '[>=1000000]#"."###"."###;[>=1000]#"."###;0'


def _series(values):
    """Chart values: floats, None where the model has none (a gap, never 0)."""
    return [None if v is None or pd.isna(v) else float(v) for v in values]


def _trend_series(trend):
    """What the trend's charts plot, from the Trend model: (categories, {series name: values}) of the
    S-curve and of the rates.  Realisation and rates up to the as-of month, none without data; a
    month due but not reported is a bar of 0 labelled as the model says ('belum dilaporkan')."""
    df, shown = trend.months, trend.months["month"] <= trend.as_of
    realised = trend.has_data & shown
    counts = {wording.PLANNED_CUM: _series(df["planned_cum"])}
    rates = {}
    if trend.has_data:
        counts[wording.REALISED_CUM] = _series(df["realized_cum"].where(realised))
        bars = pd.to_numeric(df["rate"], errors="coerce").where(df["state"] == VALUE, 0.0)
        rates[wording.RATE_OF_MONTH] = _series(bars.where(realised))
        rates[wording.RATE_CUM] = _series(pd.to_numeric(df["rate_cum"], errors="coerce").where(realised))
    return list(df["label"]), counts, rates


def _trend_charts(slide, trend, top, height):
    """The trend as PowerPoint charts (issue 22.6: no image, so no Chromium; crisp on a projector,
    editable, and LibreOffice draws them in the PDF): above, the S-curve (planned dashed, realised up
    to the as-of month); below, each month's rate as a bar on its colour (charts.rate_hex) with the
    model's words, and the cumulative rate as a line; a dotted line after the as-of month across both."""
    labels, counts, rates = _trend_series(trend)
    high = int(height * TOP_SHARE)
    boxes = {"counts": (top, high), "rates": (top + high, height - high)}
    upper = _chart(slide, XL_CHART_TYPE.LINE_MARKERS, labels, counts, boxes["counts"], wording.TREND_CUMULATIVE,
                   PLOT_Y["counts"])
    axis = upper.value_axis
    axis.minimum_scale = 0
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = COUNT_FORMAT, False
    for ser, (colour, width, dash) in zip(upper.plots[0].series, ((charts.PLANNED_COLOR, 3, True),
                                                                 (charts.REALISED_COLOR, 4, False))):
        _line(ser, colour, width, dash)
    rates = rates or {wording.RATE_OF_MONTH: [None] * len(labels)}   # without data: the axes alone
    title = f"{wording.TREND_RATES} (batang: bulan itu; garis: {wording.RATE_CUM.lower()})"
    lower = _chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, labels, rates, boxes["rates"], title, PLOT_Y["rates"],
                   legend=False)
    axis = lower.value_axis
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = 0, 1, 0.25
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = "0%", False
    bars = lower.plots[0]
    bars.gap_width = 40
    left, width = MARGIN, CONTENT
    if trend.has_data:
        (y, h), (start, share) = boxes["rates"], PLOT_Y["rates"]
        _bars(slide, bars.series[0], trend,
              (left + int(width * PLOT_X), y + int(h * start), int(width * PLOT_W), int(h * share)))
        _line(_as_line(lower), charts.INK, 3, False)
    x = left + int(width * (PLOT_X + PLOT_W * trend.as_of / max(len(labels), 1)))
    for name, (y, h) in boxes.items():   # within each plot, not across the titles
        rule = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x, y + int(h * PLOT_Y[name][0]), x,
                                          y + int(h * sum(PLOT_Y[name])))
        rule.line.color.rgb, rule.line.width, rule.line.dash_style = INK, Pt(2), MSO_LINE_DASH_STYLE.ROUND_DOT
    if not trend.has_data:
        (y, h), (start, share) = boxes["rates"], PLOT_Y["rates"]
        y, h = y + int(h * start), int(h * share)
        _text(slide, left + int(width * PLOT_X), y + h // 3, int(width * PLOT_W), h // 2, wording.NO_DATA, size=20,
              align=PP_ALIGN.CENTER)


def _chart(slide, kind, labels, series, box, title, plot_y, legend=True):
    """A chart of ``series`` over ``labels`` across the content width in ``box`` (top, height): its
    title above, the legend under it, every text in FONT at CHART_PT, light grid lines, the plot's
    inner box where PLOT_X/PLOT_W and ``plot_y`` put it."""
    data = CategoryChartData()
    data.categories = labels
    for name, values in series.items():
        data.add_series(name, values)
    chart = slide.shapes.add_chart(kind, MARGIN, box[0], CONTENT, box[1], data).chart
    chart.font.name, chart.font.size, chart.font.color.rgb = FONT, Pt(CHART_PT), INK
    chart.has_title = True
    frame = chart.chart_title.text_frame
    frame.text = title
    for run in frame.paragraphs[0].runs:
        run.font.name, run.font.size, run.font.bold, run.font.color.rgb = FONT, Pt(CHART_PT), False, INK
    chart.has_legend = legend
    if legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
        chart.legend.font.name, chart.legend.font.size = FONT, Pt(CHART_PT)
    grid = chart.value_axis
    grid.has_major_gridlines = True
    grid.major_gridlines.format.line.color.rgb = _rgb(charts.GRID_COLOR)
    grid.format.line.fill.background()
    chart.category_axis.format.line.color.rgb = _rgb(charts.AXIS_COLOR)
    chart.category_axis.has_major_gridlines = False
    y, h = plot_y
    area = chart.element.chart.plotArea  # python-pptx has no setter for the plot's layout
    layout = area.find(qn("c:layout"))
    if layout is None:
        layout = parse_xml(f'<c:layout {nsdecls("c")}/>')
        area.insert(0, layout)
    layout.append(parse_xml(
        f'<c:manualLayout {nsdecls("c")}><c:layoutTarget val="inner"/><c:xMode val="edge"/><c:yMode val="edge"/>'
        f'<c:x val="{PLOT_X}"/><c:y val="{y}"/><c:w val="{PLOT_W}"/><c:h val="{h}"/></c:manualLayout>'))
    return chart


def _line(ser, colour, width, dash):
    """A series drawn as a line with round markers on it."""
    ser.smooth = False
    ser.format.line.color.rgb, ser.format.line.width = _rgb(colour), Pt(width)
    if dash:
        ser.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    ser.marker.style, ser.marker.size = XL_MARKER_STYLE.CIRCLE, 7 if dash else 9
    ser.marker.format.fill.solid()
    ser.marker.format.fill.fore_color.rgb = _rgb(colour)
    ser.marker.format.line.color.rgb = _rgb(colour)


def _bars(slide, ser, trend, plot):
    """Each month's bar on its rate's colour, labelled inside at its base with the model's words; a
    month's words longer than a rate ('belum dilaporkan') are a text box on two lines over the month
    in ``plot`` (left, top, width, height of the plot's inner box): a chart label would break inside
    the word."""
    df = trend.months
    slot = plot[2] / max(len(df), 1)
    for i in range(len(df)):
        if df["month"].iloc[i] > trend.as_of:
            continue
        state, rate, words = df["state"].iloc[i], df["rate"].iloc[i], df["bar_text"].iloc[i]
        fill = charts.cell_colour(state, rate)
        point = ser.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(fill)
        if len(words) > len("100%"):
            lines = measure.wrap(words, _pt(slot), CAPTION_PT)
            high = _lines_height(len(lines), CAPTION_PT) + 2 * INSET_Y
            box = _text(slide, int(plot[0] + slot * (i - 0.1)), plot[1] + plot[3] - high, int(slot * 1.2), high,
                        [(line, CAPTION_PT, False, INK) for line in lines], align=PP_ALIGN.CENTER)
            box.text_frame.margin_left = box.text_frame.margin_right = 0
            continue
        label = point.data_label
        label.position = XL_LABEL_POSITION.INSIDE_BASE
        label.text_frame.text = words
        for run in label.text_frame.paragraphs[0].runs:
            run.font.name, run.font.size = FONT, Pt(CHART_PT)
            run.font.color.rgb = _ink(fill) if state == VALUE and rate >= LABEL_ON_BAR else INK


def _as_line(chart):
    """The bar chart's second series moved into a line chart on the same axes (a bar-and-line chart,
    which python-pptx cannot make directly); returns it."""
    area = chart.element.chart.plotArea
    bar = area.find(qn("c:barChart"))
    ser = bar.findall(qn("c:ser"))[1]
    bar.remove(ser)
    for name in ("c:invertIfNegative", "c:shape"):
        for child in ser.findall(qn(name)):
            ser.remove(child)
    axes = "".join(f'<c:axId val="{a.get("val")}"/>' for a in bar.findall(qn("c:axId")))
    line = parse_xml(f'<c:lineChart {nsdecls("c")}><c:grouping val="standard"/><c:varyColors val="0"/>'
                     f'<c:marker val="1"/>{axes}</c:lineChart>')
    line.insert(2, ser)
    bar.addnext(line)
    return chart.plots[1].series[0]


def _years_pages(data):
    """Year over year (views.YearOverYear), when there is more than one year: years x areas and the
    year's Total as a coloured table (laid out as every table), below it the offices that improved
    and fell most, side by side."""
    yoy = data["years"]
    if len(yoy.years) < 2:
        return []
    hm = yoy.areas
    n = len(hm.rows)
    table = Table(header=[hm.row_name, *[c.label for c in hm.columns]],
                  cells=[[str(year), *hm.text[i]] for i, year in enumerate(hm.rows)],
                  fills=[[None, *[charts.cell_colour(st, v) for st, v in zip(hm.state[i], hm.value[i])]]
                         for i in range(n)], size=14)
    lay = layout(table)
    note = wording.offices_compared(len(yoy.changes), yoy.from_year, yoy.to_year)
    half = CONTENT // 2

    def draw(slide, heading):
        _draw_table(slide, table, lay, range(n), heading.top)
        top = heading.top + lay.header_h + sum(lay.heights) + GAP
        _text(slide, MARGIN, top, CONTENT, Inches(0.4), note, size=CAPTION_PT, color=MUTED)
        top += _text_height([(note, CAPTION_PT, False, MUTED)], CONTENT) + GAP
        for k, (title, rows) in enumerate(((wording.IMPROVED, yoy.improved), (wording.FELL, yoy.fell))):
            lines = [(f"{title} {yoy.from_year} → {yoy.to_year}", 18, True, INK)]
            lines += [(f"{wording.office_label(r['satker'])}: {r['text_from']} → {r['text_to']} ({r['change_text']})",
                       16, False, INK) for r in rows.to_dict("records")] or [(wording.NOBODY_CHANGED, 16, False, MUTED)]
            _text(slide, MARGIN + half * k, top, half - Inches(0.2), HIGH - BOTTOM - top, lines)
    return [Page(Heading(hm.title, _caption(hm.caption)), draw)]


def _laggard_title(lag):
    what = "provinsi" if lag.level == "provinsi" else "satker"
    return wording.LAGGARDS_TITLE.format(What=what.capitalize()), what


def _laggard_pages(data):
    out = []
    for lag in data["laggards"]:
        title, what = _laggard_title(lag)
        if lag.median is None or lag.rows.empty:
            sentence = wording.NOBODY_REPORTS if lag.median is None else wording.NOBODY_BELOW
            caption = [] if lag.median is None else _laggard_caption(lag, what)
            out.append(Page(Heading(title, caption), lambda slide, heading, s=sentence.format(what=what): _text(
                slide, MARGIN, heading.top, CONTENT, Inches(1), s)))
            continue
        df = grids.laggard_table(lag, province=what == "satker")
        lead = 2 if what == "satker" else 1  # name (and province) before the rate column
        fills = [[None] * lead + [charts.cell_colour(st, r)] + [None] * (len(df.columns) - lead - 1)
                 for st, r in zip(lag.rows["state"], lag.rows["rate"])]
        out += _table_pages(title, _laggard_caption(lag, what),
                            Table(header=list(df.columns), cells=df.values.tolist(), fills=fills, size=18))
    return out


def _laggard_caption(lag, what):
    return _caption(f"{what.capitalize()} yang sudah melapor dengan capaian di bawah median "
                    f"({wording.pct(lag.median)}); {wording.LAGGARDS_ORDER.format(limit=lag.limit)}")


def _missing_table(data):
    """National: per province, how many offices have not uploaded / not reported; provincial: the offices."""
    ns = data["not_submitted"]
    if data["national"]:
        per = ns.per_province
        table = pd.DataFrame({wording.PROVINCE: per["province"],
                              "Belum mengunggah rencana": per[submission.NO_PLAN].map(wording.integer),
                              "Belum melaporkan realisasi": per[submission.NO_REALISATION].map(wording.integer)})
        if ns.unmatched:
            table = pd.concat([table, pd.DataFrame({
                wording.PROVINCE: [f"Nama tidak cocok: {n}" for n in ns.unmatched],
                "Belum mengunggah rencana": "", "Belum melaporkan realisasi": ""})], ignore_index=True)
        return table.reset_index(drop=True)
    return grids.not_submitted_table(ns, province=False).reset_index(drop=True)


def _missing_pages(data):
    view, ns = data["view"], data["not_submitted"]
    table = _missing_table(data)
    caption = wording.not_submitted_counts(ns.counts[submission.NO_PLAN], ns.counts[submission.NO_REALISATION],
                                           ns.counts[submission.UNMATCHED], up_to=view.as_of) + " (daftar resmi satker KPU)"
    if table.empty:
        return [Page(Heading("Belum mengirim", _caption(caption)), lambda slide, heading: _text(
            slide, MARGIN, heading.top, CONTENT, Inches(1), wording.ALL_SUBMITTED))]
    return _table_pages("Belum mengirim", caption, Table(header=list(table.columns), cells=table.values.tolist()))


GANTT_KINDS = {"kegiatan": ("bold", 0), "sub": ("italic", 1), "act": ("", 2)}


def _office_pages(data):
    """Each selected office: its figures as the caption, its Gantt excerpt (views.gantt_excerpt) as a
    table -- a row per kegiatan, sub kegiatan and indikator (labels on up to two lines), a column per
    month with the state's mark on its colour (grids.GANTT_MARKS, charts.GANTT_STATES)."""
    view = data["view"]
    out = []
    for s, gantt, what in data["office_slides"]:
        if s.realized is None:
            figures = [f"{wording.rate_up_to(view.as_of)}: {wording.NO_DATA}",
                       f"{wording.integer(s.planned)} {wording.UNIT} {wording.DUE.lower()}"]
        else:
            figures = [f"{wording.rate_up_to(view.as_of)}: {wording.pct(s.rate) or wording.DASH}",
                       wording.realised_of(s.realized, s.planned),
                       f"{wording.integer(s.late)} {wording.LATE_LABEL.lower()}"]
        marks = " · ".join(f"{grids.GANTT_MARKS[k]} {label.lower()}" for k, (_, label) in charts.GANTT_STATES.items()
                           if k in (PLANNED, DONE, LATE, UNREPORTED))
        caption = [(" · ".join(figures), 18, True, INK),
                   (f"{wording.year_as_of(view.year, view.as_of, long=True)} · {wording.activities(s.plan_activities)} "
                    f"dalam rencana · {what} · {marks}", CAPTION_PT, False, MUTED)]
        rows = gantt.rows
        if not gantt.activities:
            out.append(Page(Heading(f"Gantt: {s.satker}", caption), lambda *_: None))
            continue
        kinds = [GANTT_KINDS[k] for k in rows["kind"]]
        states = gantt.states
        heading_fill = grids.HEADING_COLOR
        fills = [[heading_fill if kind != "act" else None] * 13 if kind != "act" else
                 [None, *[charts.GANTT_STATES[st][0] if st in charts.GANTT_STATES else None for st in states[i]]]
                 for i, kind in enumerate(rows["kind"])]
        cells = [[label, *[grids.GANTT_MARKS.get(st, "") for st in states[i]]]
                 for i, label in enumerate(rows["label"])]
        table = Table(header=[grids.LABEL, *wording.MONTHS], cells=cells, fills=fills, size=14,
                      styles=[k[0] for k in kinds], indents=[k[1] for k in kinds], grow=[0],
                      same=list(range(1, 13)), lines=LABEL_LINES)
        out += _table_pages(f"Gantt: {s.satker}", caption, table)
    return out


def _plan(data, today=None, images=False) -> list:
    """The deck's slides, in order, as Pages (laid out, not drawn)."""
    return [_title_page(data, today or dt.date.today()), _summary_page(data), *_heatmap_pages(data),
            *_trend_pages(data, images), *_years_pages(data), *_laggard_pages(data), *_missing_pages(data),
            *_office_pages(data)]


def outline(data):
    """The deck's slide titles, in order (what ``build`` draws)."""
    return [page.heading.title for page in _plan(data)]


def build(store, year, as_of, province=None, offices=(), today=None, images=True) -> Presentation:
    """The deck as a python-pptx Presentation (see the module docstring).  ``images=False`` puts the
    trend as a table instead of charts."""
    with store.connect():  # the file kept open while the deck reads it (each read opened and closed it: ~80 ms)
        data = collect(store, year, as_of, province, offices)
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE, HIGH
    for page in _plan(data, today, images):
        page.draw(_slide(prs, page.heading, drawn=not page.plain), page.heading)
    return prs


def deck_bytes(store, year, as_of, province=None, offices=(), today=None, images=True) -> bytes:
    """The deck's .pptx bytes; a failure to draw becomes ExportError (its message in Indonesian)."""
    try:
        prs = build(store, year, as_of, province, offices, today, images)
        buf = io.BytesIO()
        prs.save(buf)
    except RbdashError:
        raise
    except Exception as exc:  # python-pptx or memory: one named error, no traceback on screen
        raise ExportError("pptx_failed", detail=type(exc).__name__) from exc
    return buf.getvalue()


def slide_titles(pptx_bytes) -> list[str]:
    """The titles of a deck's slides (the first text of each), e.g. to list a deck's contents."""
    prs = Presentation(io.BytesIO(pptx_bytes))
    out = []
    for slide in prs.slides:
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text]
        out.append(texts[0].split("\n")[0] if texts else "")
    return out
