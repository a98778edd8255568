"""Figures of the models of rbdash.views: plotly figures of a Heatmap (the images of the PNG export)
and of a YearOverYear, the Trend as an SVG drawing (the page), and the colours every renderer shares
(no streamlit here; the deck draws the Trend as native PowerPoint charts, rbdash.report).

Why the page's trend is drawn here: plotly.js takes 1.5-2.3 s to start in a browser tab, and even
Streamlit's Vega-Lite chart code 0.5-1 s more than a page without it (issue 21.9); an SVG shown as an
image needs no chart code at all.  The PNG images are drawn by plotly through kaleido.  Every
figure writes numbers the Indonesian way (97,1%, 47.810).

A figure only draws its model: the states, values and words of the cells are decided by the
model, the words come from rbdash.wording.  Every piece of user text that goes into a figure passes
through ``esc``: plotly renders a subset of HTML in labels and hover text, so a cell holding
``<b>x</b>`` or ``<script>`` must reach the browser as ``&lt;b&gt;``; the SVG drawing XML-escapes
every text it writes (``xml_escape``).
"""

from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from rbdash import wording
from rbdash.areas import SHORT as AREA_SHORT
from rbdash.schedule import DONE, LATE, OUTSIDE, PLANNED, UNREPORTED
from rbdash.views.models import NO_DATA, VALUE, Heatmap, Trend, YearOverYear

# Gantt cell states (rbdash.schedule) with their colour and legend label.
GANTT_STATES = {
    PLANNED: ("#9ECAE1", wording.PLANNED_LABEL),
    DONE: ("#2CA02C", wording.DONE_LABEL),
    LATE: ("#D62728", wording.LATE_LABEL),
    OUTSIDE: ("#9467BD", wording.OUTSIDE_LABEL),
    UNREPORTED: ("#BDBDBD", wording.UNREPORTED_LABEL),  # grey, as an office without data (NO_DATA_COLOR)
}
# Completion/coverage heatmaps: red (0%) to green (100%); grey cells for offices without data.
RATE_SCALE = [[0.0, "#D73027"], [0.25, "#FC8D59"], [0.5, "#FEE08B"], [0.75, "#91CF60"], [1.0, "#1A9850"]]
NO_DATA_COLOR = "#BDBDBD"
NOT_SCHEDULED_COLOR = "#F0F0F0"
# projector legibility (issue 13.8): labels at least 14 px, dark, readable from the back of a room
INK = "#111827"
# Indonesian numbers in every figure (plotly's decimal and thousands separators): 97,1% and 47.810
SEPARATORS = ",."
FONT = dict(family="Source Sans, Source Sans Pro, Arial, sans-serif", size=14, color=INK)
LABEL = dict(size=14, color=INK)
# above this many rows a heatmap carries no text in its cells (colour and hover only): 550 offices
# with text in every cell is what made the browser slow, and 7 px text cannot be read anyway
TEXT_ROWS_MAX = 120


# ------------------------------------------------------------------------------------- formats

def esc(text):
    """User text safe for plotly labels/hover: the three HTML metacharacters as entities."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text, width):
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def rate_hex(rate):
    """'#RRGGBB' of a rate 0..1 (clipped) on RATE_SCALE, interpolated linearly in RGB between its stops
    as plotly draws the heatmaps: the one colour of a rate in grids, workbooks and slides."""
    r = min(max(float(rate), 0.0), 1.0)
    stops = [(p, tuple(int(c[i:i + 2], 16) for i in (1, 3, 5))) for p, c in RATE_SCALE]
    for (p0, c0), (p1, c1) in zip(stops, stops[1:]):
        if r <= p1:
            t = (r - p0) / (p1 - p0) if p1 > p0 else 0
            return "#" + "".join(f"{round(a + (b - a) * t):02X}" for a, b in zip(c0, c1))
    return RATE_SCALE[-1][1]


def cell_colour(state, value):
    """'#RRGGBB' of a heatmap cell: its rate's colour, grey without data, light grey when nothing is
    due -- the one mapping of a cell's state to a colour (grids, workbooks and slides use it)."""
    if state == NO_DATA:
        return NO_DATA_COLOR
    if state == VALUE:
        return rate_hex(value)
    return NOT_SCHEDULED_COLOR


def enlarged(fig, size=20):
    """A copy of a figure with every text at ``size`` px and, for heatmaps, rows grown to match: for a
    projector (the presentation view) and for images shrunk onto a slide (the meeting deck)."""
    fig = go.Figure(fig)
    grow = size / LABEL["size"]
    fig.update_layout(font=dict(size=size), legend=dict(font=dict(size=size)))
    fig.update_xaxes(tickfont=dict(size=size))
    fig.update_yaxes(tickfont=dict(size=size))
    fig.update_annotations(font=dict(size=size))
    fig.update_traces(textfont=dict(size=size), selector=dict(type="bar"))
    if any(t.type == "heatmap" for t in fig.data):
        fig.update_traces(textfont=dict(size=size), selector=dict(type="heatmap"))
        if fig.layout.height:  # rows and the room for the column titles above them grow with the text
            fig.update_layout(height=int(fig.layout.height * grow), margin=dict(t=int((fig.layout.margin.t or 80) * grow)))
    if fig.layout.title and fig.layout.title.text:
        fig.update_layout(title=dict(font=dict(size=size + 4)))
    return fig


# ------------------------------------------------------------------------------------- heatmaps

def _lines(text):
    """Escaped text whose line breaks (ours, e.g. two-line labels) become <br>."""
    return "<br>".join(esc(part) for part in str(text).split("\n"))


def _row_height(n):
    return 40 if n <= 40 else (24 if n <= 120 else 16)


def rate_heatmap(hm: Heatmap):
    """A Heatmap (rbdash.views) as a plotly figure: rates on a fixed 0-100% scale, the cell's words in
    each cell (up to ``TEXT_ROWS_MAX`` rows; above, colour and hover only).

    Cells without data are grey, never coloured as 0%; cells where nothing is due light grey.  A row
    that has no data at all carries the words once, in its middle cell.
    """
    rows, cols = list(hm.rows), list(hm.columns)
    col_labels = [str(c.title) for c in cols]
    shape, state, raw_text, whole, hover_extra = hm.value.shape, hm.state, hm.text, hm.no_data, hm.hover
    value = hm.value * 100
    grey = np.where(state == NO_DATA, 0.0, np.where(state == VALUE, np.nan, 1.0))
    text = np.vectorize(_lines, otypes=[object])(raw_text) if raw_text.size else raw_text.astype(object)
    if shape[1] >= 3:
        text[whole] = ""
        text[whole, shape[1] // 2] = esc(wording.NO_DATA)
    row_esc = [esc(r) for r in rows]
    col_hover = [esc(" ".join(c.replace("-\n", "").split())) for c in col_labels]
    hover = np.array([[f"<b>{row_esc[i]}</b><br>{col_hover[j]}: {esc(' '.join(raw_text[i, j].split()))}"
                       + (f"<br>{_lines(hover_extra[i, j])}" if hover_extra[i, j] else "")
                       for j in range(shape[1])] for i in range(shape[0])], dtype=object).reshape(shape)
    x = list(range(len(cols)))
    y = list(range(len(rows)))
    row_h = _row_height(len(rows))
    common = dict(x=x, y=y, xgap=2, ygap=2, hovertemplate="%{customdata}<extra></extra>", texttemplate="%{text}",
                  textfont=dict(size=14 if row_h >= 40 else 12))
    cell_text = len(rows) <= TEXT_ROWS_MAX
    if not cell_text:
        common.pop("texttemplate")
    # each layer carries text and hover only for its own cells: with 550 offices the figure is sent
    # to the browser on every run, and duplicated arrays doubled its size
    fig = go.Figure()
    fig.add_trace(go.Heatmap(z=grey, text=np.where(np.isnan(grey), "", text) if cell_text else None,
                             customdata=np.where(np.isnan(grey), "", hover), zmin=0, zmax=1,
                             colorscale=[[0, NO_DATA_COLOR], [1, NOT_SCHEDULED_COLOR]], showscale=False,
                             name="tanpa nilai", **common))
    fig.add_trace(go.Heatmap(z=value, text=np.where(np.isnan(value), "", text) if cell_text else None,
                             customdata=np.where(np.isnan(value), "", hover), zmin=0, zmax=100,
                             colorscale=RATE_SCALE, name=hm.legend,
                             colorbar=dict(title=dict(text=hm.legend, side="top", font=LABEL), ticksuffix="%",
                                           tickfont=dict(size=13, color=INK), tickvals=[0, 25, 50, 75, 100],
                                           len=min(
                                 1.0, 320 / max(320, len(rows) * row_h)), y=1, yanchor="top", thickness=14),
                             **common))
    title = hm.title
    top = 75 + (32 if title else 0)
    fig.update_layout(
        title=dict(text=esc(title), x=0, xanchor="left", y=1, yanchor="top", yref="container", pad=dict(t=8))
        if title else None,
        height=top + 20 + len(rows) * row_h, font=FONT, separators=SEPARATORS,
        margin=dict(l=10, r=10, t=top, b=10), plot_bgcolor="white",
        xaxis=dict(tickvals=x, ticktext=[_lines(c) for c in col_labels], side="top", tickangle=0,
                   showgrid=False, zeroline=False, fixedrange=True, tickfont=LABEL),
        yaxis=dict(tickvals=y, ticktext=[esc(truncate(wording.office_label(r), 36)) for r in rows], autorange="reversed",
                   showgrid=False, zeroline=False, automargin=True, fixedrange=True,
                   tickfont=LABEL if row_h >= 24 else dict(size=11, color=INK)),
    )
    return fig


# ------------------------------------------------------------------------------------- trend

PLANNED_COLOR, REALISED_COLOR = "#1F77B4", "#2CA02C"


SVG_FONT = "Source Sans Pro, Source Sans, Liberation Sans, Arial, Helvetica, sans-serif"
GRID_COLOR, AXIS_COLOR = "#E5E7EB", "#9CA3AF"
# Advance widths of Arial/Helvetica/Liberation Sans in 1/1000 em, ASCII 32..126: how much room a text
# of the drawing takes (an <img> draws with the reader's system font, not the page's).
ARIAL = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278,
         584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667,
         778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556,
         278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500,
         334, 260, 334, 584)
SAFETY = 1.1  # some room for a somewhat wider fallback font


def text_width(text, size, bold=False):
    """Width in px of ``text`` at ``size`` px, on the generous side (ARIAL, SAFETY; bold 10% wider)."""
    units = sum(ARIAL[ord(ch) - 32] if 32 <= ord(ch) <= 126 else (1000 if ord(ch) >= 0x2E80 else 600)
                for ch in str(text))
    return units * size / 1000 * SAFETY * (1.1 if bold else 1.0)


def wrap(text, size, room, bold=False):
    """``text`` on as many lines as needed to stay within ``room`` px, broken between words (inside a
    word only when the word alone is wider): nothing of a label is ever cut off."""
    lines = []
    for word in str(text).split():
        pieces = []
        while len(word) > 1 and text_width(word, size, bold) > room:
            cut = max([k for k in range(1, len(word)) if text_width(word[:k], size, bold) <= room] or [1])
            pieces, word = pieces + [word[:cut]], word[cut:]
        for k, piece in enumerate(pieces + [word]):
            if k == 0 and lines and text_width(f"{lines[-1]} {piece}", size, bold) <= room:
                lines[-1] = f"{lines[-1]} {piece}"
            else:
                lines.append(piece)
    return lines or [""]


SMALLEST_PX = 12  # the least a month's words in the drawing shrink to, to fit their month


def fitting(text, size, room):
    """The largest text size from ``size`` down to SMALLEST_PX at which each word of ``text`` fits
    ``room`` px: a month's words ('belum dilaporkan') within its column at any width."""
    floor = min(size, SMALLEST_PX)
    return next((px for px in range(size, floor, -1) if all(text_width(w, px) <= room for w in str(text).split())),
                floor)


def nice_step(top, ticks=4):
    """An axis step of 1, 2, 2,5 or 5 × 10^k (at least 1: counts are whole) giving about ``ticks`` steps to ``top``."""
    raw = max(float(top), 1.0) / ticks
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return max(1, int(round(step)))


class _Svg:
    """The pieces of one SVG drawing; every text goes through ``text`` and is XML-escaped there."""

    def __init__(self, size):
        self.size, self.parts = size, []

    def text(self, x, y, words, size=None, anchor="start", bold=False, halo=False):
        """``halo``: a white outline, so the text stays readable where a line crosses it."""
        weight = ' font-weight="bold"' if bold else ""
        outline = ' stroke="white" stroke-width="4" stroke-linejoin="round" paint-order="stroke"' if halo else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size or self.size}" text-anchor="{anchor}" '
                          f'fill="{INK}"{weight}{outline}>{xml_escape(str(words))}</text>')

    def line(self, x1, y1, x2, y2, colour, width=1, dash=None):
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                          f'stroke-width="{width}"{dashed}/>')

    def curve(self, points, colour, width, dash=None, radius=4):
        if not points:
            return
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        xy = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(f'<polyline points="{xy}" fill="none" stroke="{colour}" stroke-width="{width}" '
                          f'stroke-linejoin="round"{dashed}/>')
        self.parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{colour}"/>' for x, y in points]

    def rect(self, x, y, w, h, colour):
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
                          f'fill="{colour}"/>')


def trend_realised(trend: Trend):
    """'s.d. Mar: 3 dari 5 bulan-kegiatan terealisasi (60,0%)': what the selection realised by the
    as-of month (the drawing's note beside the as-of line, the image's alternative text); '' without
    data."""
    rec = trend.months[trend.months["month"] == int(trend.as_of)]
    if not trend.has_data or rec.empty:
        return ""
    rec = rec.iloc[0]
    return (f"s.d. {wording.month(trend.as_of)}: {wording.realised_of(rec['realized_cum'], rec['planned_cum'])} "
            f"({wording.pct(rec['rate_cum'])})")


def trend_svg(trend: Trend, size=14, width=900):
    """A Trend (rbdash.views) as one SVG drawing for the page (issue 21.9): shown as an image, it needs
    none of the browser's chart code, which took 0.5-1 s to load in a fresh tab.

    Top: the S-curve, planned (dashed) and realised up to the as-of month, with what was realised by
    then written beside the dotted as-of line; bottom: each month's rate as a bar on its colour with
    its words above it, and the cumulative rate as a line.  ``size``: the text size in px at
    ``width`` px wide (larger for the projector).  Numbers are written the Indonesian way (47.810,
    60%), every text is the wording catalogue's or the trend's title, XML-escaped: a name holding
    ``<script>`` is drawn as those characters.  Room for every label is measured (``text_width``):
    axis labels, the title and the legend are never cut."""
    df, as_of, has_data = trend.months, int(trend.as_of), trend.has_data
    svg, pad, gap = _Svg(size), size, size * 0.5
    line_h = size * 1.3
    labels = df["label"].tolist()
    planned_cum = df["planned_cum"].astype(float).tolist()
    realised = pd.to_numeric(df["realized_cum"], errors="coerce")
    shown = (df["month"] <= as_of) & has_data
    top_value = max([*planned_cum, *realised[shown].dropna().tolist(), 1.0])
    step = nice_step(top_value)
    count_ticks = list(range(0, int(np.ceil(top_value / step)) * step + 1, step))
    rate_ticks = [0, 0.25, 0.5, 0.75, 1.0]
    tick_texts = [wording.integer(t) for t in count_ticks] + [wording.pct(t, 0) for t in rate_ticks]
    x0 = pad + max(text_width(t, size) for t in tick_texts) + gap
    x1 = width - pad
    slot = (x1 - x0) / max(len(labels), 1)

    def cx(i):
        return x0 + slot * (i + 0.5)

    y = pad * 0.5
    for words in wrap(trend.title, size + 4, width - 2 * pad, bold=True) if trend.title else []:
        y += (size + 4) * 1.3
        svg.text(pad, y, words, size + 4, bold=True)
    # the legend: what each line and bar is, on as many rows as the width needs
    items = [("dash", PLANNED_COLOR, wording.PLANNED_CUM), ("line", REALISED_COLOR, wording.REALISED_CUM),
             ("bar", None, wording.RATE_OF_MONTH), ("line", INK, wording.RATE_CUM)]
    y += gap
    x, row_y = pad, y + line_h
    for kind, colour, words in items:
        need = 2 * size + gap + text_width(words, size)
        if x > pad and x + need > width - pad:
            x, row_y = pad, row_y + line_h
        if kind == "bar":  # the rates' colours, red to green
            for k, rate in enumerate((0, 0.5, 1)):
                svg.rect(x + k * size * 2 / 3, row_y - size * 0.8, size * 2 / 3, size * 0.8, rate_hex(rate))
        else:
            svg.line(x, row_y - size * 0.35, x + size * 2, row_y - size * 0.35, colour, 3,
                     "8 5" if kind == "dash" else None)
        svg.text(x + size * 2 + gap, row_y, words)
        x += need + size * 1.5
    y = row_y + gap

    def panel(title, height, ticks, tick_text, to_y, headroom):
        """A panel's title, grid, y labels and month labels, ``headroom`` px between the title and the
        plot (for the labels above it); returns (plot top, plot bottom)."""
        nonlocal y
        for words in wrap(title, size, width - 2 * pad, bold=True):
            y += line_h
            svg.text(pad, y, words, bold=True)
        top, bottom = y + headroom, y + headroom + height
        for t in ticks:
            svg.line(x0, to_y(t, top, bottom), x1, to_y(t, top, bottom), GRID_COLOR if t else AXIS_COLOR)
            svg.text(x0 - gap, to_y(t, top, bottom) + size * 0.35, tick_text(t), anchor="end")
        for i, words in enumerate(labels):
            svg.text(cx(i), bottom + size * 1.3, words, anchor="middle")
        if labels:  # the as-of month's end: a dotted line across the panel
            svg.line(x0 + slot * as_of, top - size * 0.6, x0 + slot * as_of, bottom, INK, 2, "3 3")
        y = bottom + size * 1.3 + gap
        return top, bottom

    def count_y(v, top, bottom):
        return bottom - (bottom - top) * v / count_ticks[-1]

    top, bottom = panel(wording.TREND_CUMULATIVE, width * 0.22, count_ticks, wording.integer, count_y, size * 2.1)
    svg.curve([(cx(i), count_y(v, top, bottom)) for i, v in enumerate(planned_cum)], PLANNED_COLOR, 3, "8 5")
    points = [(cx(i), count_y(v, top, bottom)) for i, v in enumerate(realised) if shown.iloc[i] and not np.isnan(v)]
    svg.curve(points, REALISED_COLOR, 4, radius=5)
    words = trend_realised(trend)
    if words:  # what was realised by the as-of month, beside its line
        room, rule = text_width(words, size), x0 + slot * as_of
        left = rule + gap if rule + gap + room <= x1 else max(x0 + gap, rule - gap - room)
        svg.text(left, top - size * 0.6, words, halo=True)

    def rate_y(v, top, bottom):
        return bottom - (bottom - top) * v

    top, bottom = panel(f"{wording.TREND_RATES} (batang: bulan itu; garis: {wording.RATE_CUM.lower()})",
                        width * 0.15, rate_ticks, lambda t: wording.pct(t, 0), rate_y, size * 2)
    if not has_data:
        svg.text((x0 + x1) / 2, (top + bottom) / 2, wording.NO_DATA, size + 4, anchor="middle")
    rates, cum = pd.to_numeric(df["rate"], errors="coerce"), pd.to_numeric(df["rate_cum"], errors="coerce")
    months = [i for i in range(len(df)) if shown.iloc[i]]
    bars = {i: rates.iloc[i] for i in months if df["state"].iloc[i] == VALUE and not np.isnan(rates.iloc[i])}
    bar_tops = {i: rate_y(min(max(bars[i], 0), 1), top, bottom) if i in bars else bottom for i in months}
    for i, rate in bars.items():
        svg.rect(cx(i) - slot * 0.3, bar_tops[i], slot * 0.6, bottom - bar_tops[i], rate_hex(rate))
    line = {i: rate_y(min(max(cum.iloc[i], 0), 1), top, bottom) for i in months if not np.isnan(cum.iloc[i])}
    svg.curve([(cx(i), y_) for i, y_ in line.items()], INK, 3)
    for i in months:  # each month's words above its bar and the line ('belum dilaporkan' on two lines)
        px = fitting(df["bar_text"].iloc[i], size, slot - 4)
        lines = wrap(df["bar_text"].iloc[i], px, slot - 4)
        above = min(bar_tops[i], line.get(i, bottom) - 4)
        for k, words in enumerate(lines):
            svg.text(cx(i), above - gap * 0.6 - (len(lines) - 1 - k) * px * 1.15, words, px, anchor="middle",
                     halo=True)
    height = int(np.ceil(y + pad * 0.5))
    name = xml_escape(trend.title or wording.TREND_CUMULATIVE)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" font-family="{SVG_FONT}"><title>{name}</title>'
            f'<rect width="100%" height="100%" fill="white"/>' + "".join(svg.parts) + "</svg>")


# ------------------------------------------------------------------------------------- year over year

YEAR_COLORS = ("#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C")  # older years lighter, the latest darkest


def years_figure(yoy: YearOverYear):
    """A YearOverYear (rbdash.views) as bars: per area and in total (the last group), one bar per year
    side by side, each with its rate; a year without realisation data has no bars and says so in
    the legend, never 0%."""
    hm = yoy.areas
    x = [_lines(c.title) for c in hm.columns]  # on narrow lines, as the heatmaps' column titles
    names = [esc(wording.area_short(c.key) if c.key in AREA_SHORT else c.label) for c in hm.columns]
    colors = YEAR_COLORS[-len(hm.rows):] if len(hm.rows) <= len(YEAR_COLORS) else None
    fig = go.Figure()
    for i, year in enumerate(hm.rows):
        value = np.where(hm.state[i] == VALUE, hm.value[i] * 100, np.nan)
        has = bool(~np.isnan(value).all())
        fig.add_trace(go.Bar(
            x=x, y=value.tolist(), name=esc(year if has else f"{year} ({wording.NO_DATA})"),
            marker=dict(color=colors[i] if colors else None, line=dict(color=INK, width=0.5)),
            text=[wording.pct(v / 100, 0) if not np.isnan(v) else "" for v in value], textposition="outside",
            textfont=LABEL, constraintext="none", cliponaxis=False,
            customdata=[[name, esc(t)] for name, t in zip(names, hm.text[i])],
            hovertemplate=f"{year} · %{{customdata[0]}}: %{{customdata[1]}}<extra></extra>"))
    fig.update_layout(barmode="group", height=480, font=FONT, plot_bgcolor="white", hovermode="closest",
                      separators=SEPARATORS,
                      margin=dict(l=60, r=10, t=60, b=90), bargap=0.25, bargroupgap=0.05,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, xanchor="left", font=LABEL))
    fig.update_xaxes(tickfont=LABEL, showgrid=False, fixedrange=True, categoryorder="array", categoryarray=x,
                     automargin=True)
    fig.update_yaxes(tickfont=LABEL, gridcolor="#E5E7EB", range=[0, 115], tickvals=[0, 25, 50, 75, 100],
                     ticktext=["0%", "25%", "50%", "75%", "100%"], fixedrange=True, automargin=True)
    return fig
