"""Plotly figures of the models of rbdash.views (Heatmap, Trend, GanttView), and the colours every
renderer shares (no streamlit here).

A figure only draws its model: the states, values and words of the cells are decided by the
model, the words come from rbdash.wording.  Every piece of user text that goes into a figure passes
through ``esc``: plotly renders a subset of HTML in labels and hover text, so a cell holding
``<b>x</b>`` or ``<script>`` must reach the browser as ``&lt;b&gt;``.
"""

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from rbdash import wording
from rbdash.areas import SHORT as AREA_SHORT
from rbdash.schedule import DONE, LATE, NONE, OUTSIDE, PLANNED, UNREPORTED
from rbdash.views.models import NO_DATA, VALUE, GanttView, Heatmap, Trend, YearOverYear
from rbdash.wording import MONTHS

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


def esc_wrap(text, width=70, max_lines=8):
    """Escaped text wrapped into ``<br>``-joined lines (hover boxes otherwise run off screen)."""
    lines = []
    for para in str(text or "").splitlines() or [""]:
        lines.extend(textwrap.wrap(para, width) or [""])
    if len(lines) > max_lines:
        lines = lines[:max_lines] + ["…"]
    return "<br>".join(esc(line) for line in lines)


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
        height=top + 20 + len(rows) * row_h, font=FONT,
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


def trend_figure(trend: Trend, titled=True):
    """A Trend (rbdash.views) as the S-curve and the rates per month; ``titled``: with its title
    (a slide has its own).

    Top: planned vs realised month-kegiatan cumulated (realised up to the as-of month); bottom: the
    completion rate of each month (bars, red to green) and up to each month (line), 0-100%.  A
    selection without realisation data shows its plan with "belum ada data", never a 0% curve.
    """
    df, as_of, has_data = trend.months, trend.as_of, trend.has_data
    title = trend.title if titled else None
    x = df["label"].tolist()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.62, 0.38],
                        subplot_titles=(wording.TREND_CUMULATIVE, wording.TREND_RATES))
    planned_cum = df["planned_cum"].astype(int).tolist()
    fig.add_trace(go.Scatter(
        x=x, y=planned_cum, mode="lines+markers", name=wording.PLANNED_CUM,
        line=dict(color=PLANNED_COLOR, width=3, dash="dash"), marker=dict(size=8),
        customdata=[wording.integer(v) for v in planned_cum],
        hovertemplate=f"%{{x}}: %{{customdata}} {wording.UNIT} {wording.PLANNED_LABEL.lower()}<extra></extra>"),
        row=1, col=1)
    shown = trend.shown
    if has_data:
        realised = pd.to_numeric(shown["realized_cum"], errors="coerce")
        fig.add_trace(go.Scatter(
            x=x[:len(shown)], y=realised.tolist(), mode="lines+markers", name=wording.REALISED_CUM,
            line=dict(color=REALISED_COLOR, width=4), marker=dict(size=10),
            customdata=[f"{wording.of(r, p)} ({wording.pct(c)})" for r, p, c in
                        zip(realised, shown["planned_cum"], shown["rate_cum"])],
            hovertemplate=f"%{{x}}: %{{customdata}} {wording.REALISED.lower()}<extra></extra>"), row=1, col=1)
        rate = pd.to_numeric(shown["rate"], errors="coerce") * 100
        fig.add_trace(go.Bar(
            x=x[:len(shown)], y=rate.fillna(0).tolist(), name=wording.RATE_OF_MONTH,
            marker=dict(color=rate.fillna(0).tolist(), colorscale=RATE_SCALE, cmin=0, cmax=100),
            text=shown["bar_text"].tolist(),
            textposition="inside", insidetextanchor="start", textfont=LABEL, constraintext="none",
            customdata=[wording.units_of(r, p) for r, p in
                        zip(pd.to_numeric(shown["realized"], errors="coerce"), shown["planned"])],
            hovertemplate="%{x}: %{text} (%{customdata})<extra></extra>"), row=2, col=1)
        cum = pd.to_numeric(shown["rate_cum"], errors="coerce") * 100
        fig.add_trace(go.Scatter(
            x=x[:len(shown)], y=cum.tolist(), mode="lines+markers", name=wording.RATE_CUM,
            line=dict(color=INK, width=3), marker=dict(size=8),
            customdata=[wording.pct(c / 100) for c in cum],
            hovertemplate="s.d. %{x}: %{customdata}<extra></extra>"), row=2, col=1)
    else:
        fig.add_annotation(x=wording.month(as_of), y=50, xref="x2", yref="y2",
                           text=wording.NO_DATA, showarrow=False, font=dict(size=18, color=INK))
    if x:  # between the as-of month and the next (category positions are 0-based)
        fig.add_vline(x=int(as_of) - 0.5, line=dict(color=INK, width=2, dash="dot"))
    fig.update_layout(
        title=dict(text=esc(title), x=0, xanchor="left", y=1, yanchor="top", yref="container", pad=dict(t=8))
        if title else None,
        height=560, font=FONT, plot_bgcolor="white", hovermode="closest",
        margin=dict(l=10, r=10, t=110 if title else 80, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.06, x=0, xanchor="left", font=LABEL),
    )
    fig.update_annotations(font=dict(size=14, color=INK))
    fig.update_xaxes(tickfont=LABEL, showgrid=False, fixedrange=True, categoryorder="array", categoryarray=x)
    fig.update_yaxes(tickfont=LABEL, gridcolor="#E5E7EB", zeroline=False, fixedrange=True, rangemode="tozero",
                     row=1, col=1)
    fig.update_yaxes(tickfont=LABEL, gridcolor="#E5E7EB", range=[0, 115], tickvals=[0, 25, 50, 75, 100],
                     ticktext=["0%", "25%", "50%", "75%", "100%"], fixedrange=True, row=2, col=1)
    return fig


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
                      margin=dict(l=60, r=10, t=60, b=90), bargap=0.25, bargroupgap=0.05,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, xanchor="left", font=LABEL))
    fig.update_xaxes(tickfont=LABEL, showgrid=False, fixedrange=True, categoryorder="array", categoryarray=x,
                     automargin=True)
    fig.update_yaxes(tickfont=LABEL, gridcolor="#E5E7EB", range=[0, 115], tickvals=[0, 25, 50, 75, 100],
                     ticktext=["0%", "25%", "50%", "75%", "100%"], fixedrange=True, automargin=True)
    return fig


# ------------------------------------------------------------------------------------- gantt

def gantt_figure(gantt: GanttView, title=None, label_width=48):
    """A GanttView (rbdash.views) as a month grid: heading rows (kegiatan bold, sub kegiatan italic)
    and activities (indikator); the hover carries the full texts, evidence, note and source row."""
    rows, as_of = gantt.rows, gantt.as_of
    n = len(rows)
    z = np.where(gantt.states == NONE, np.nan, gantt.states).astype(float) if n else np.full((0, 12), np.nan)
    is_act = (rows["kind"] == "act").to_numpy() if n else np.array([], dtype=bool)
    hover = np.full((n, 12), "", dtype=object)
    row_hover = np.full(n, "", dtype=object)
    labels = []
    for i, rec in enumerate(rows.to_dict("records")):
        short = esc(truncate(rec["label"], label_width))
        if rec["kind"] == "kegiatan":
            labels.append(f"<b>{short}</b>")
            row_hover[i] = f"<b>{wording.KEGIATAN}</b>: {esc_wrap(rec['label'])}"
            continue
        if rec["kind"] == "sub":
            labels.append(f"<i>\u00a0\u00a0{short}</i>")
            row_hover[i] = f"<b>{wording.SUB_KEGIATAN}</b>: {esc_wrap(rec['label'])}"
            continue
        labels.append("\u00a0\u00a0\u00a0\u00a0" + short)
        base = [f"<b>{wording.INDIKATOR}</b>: {esc_wrap(rec['indikator'] or rec['label'])}"]
        if rec.get("sub_kegiatan") and rec["sub_kegiatan"] != rec["indikator"]:
            base.append(f"{wording.SUB_KEGIATAN}: {esc_wrap(rec['sub_kegiatan'])}")
        if rec.get("evidence_url") and not pd.isna(rec["evidence_url"]):
            base.append(f"{wording.EVIDENCE}: {esc(truncate(rec['evidence_url'], 90))}")
        if rec.get("note") and not pd.isna(rec["note"]):
            base.append(f"{wording.NOTE}: {esc_wrap(rec['note'])}")
        base.append(f"{wording.SOURCE}: {esc(wording.source_row(rec['sheet'], rec['row']))}")
        row_hover[i] = "<br>".join(base)
        for m in range(12):
            if not np.isnan(z[i, m]):
                hover[i, m] = f"{MONTHS[m]}: <b>{GANTT_STATES[int(z[i, m])][1]}</b><br>{row_hover[i]}"
    order = (PLANNED, DONE, LATE, OUTSIDE, UNREPORTED)  # z = the state: 1..5, one band of the scale each
    colours = [GANTT_STATES[s][0] for s in order]
    scale = []
    for k, c in enumerate(colours):
        scale += [[k / len(order), c], [(k + 1) / len(order), c]]
    x = list(range(1, 13))
    y = list(range(n))
    # Background: heading rows as a faint band, one cell per row spanning Jan..Des; it carries the row's
    # hover for the empty months once per row (12 copies per row made the page ~1 MB: issue 7.6).
    band = np.where(is_act, 0.0, 1.0)[:, None] if n else np.zeros((0, 1))
    fig = go.Figure(go.Heatmap(z=band, x0=6.5, dx=12, y=y, zmin=0, zmax=1, colorscale=[[0, "#FFFFFF"], [1, "#F3F4F6"]],
                               showscale=False, xgap=0, ygap=2, name="baris",
                               customdata=row_hover[:, None] if n else band,
                               hovertemplate="%{customdata}<extra></extra>"))
    fig.add_trace(go.Heatmap(z=z, x=x, y=y, zmin=0.5, zmax=len(order) + 0.5, colorscale=scale, showscale=False,
                             xgap=2, ygap=2, customdata=hover, hovertemplate="%{customdata}<extra></extra>",
                             hoverongaps=False, name="jadwal"))
    for state, (colour, label) in GANTT_STATES.items():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label, showlegend=True,
                                 marker=dict(symbol="square", size=13, color=colour), hoverinfo="skip"))
    fig.add_vline(x=int(as_of) + 0.5, line=dict(color="#111827", width=2, dash="dash"))
    fig.add_annotation(x=int(as_of) + 0.5, y=0, yref="paper", yanchor="top", showarrow=False,
                       text=f"s.d. {MONTHS[int(as_of) - 1]}", font=dict(size=13, color=INK))
    row_h = 26
    fig.update_layout(
        title=dict(text=esc(title)) if title else None, font=FONT, height=170 + row_h * max(n, 1),
        margin=dict(l=10, r=10, t=125 if title else 100, b=30), plot_bgcolor="white",
        legend=dict(orientation="h", yanchor="top", y=1, x=0, xanchor="left", yref="container",
                    font=LABEL),
        xaxis=dict(tickvals=x, ticktext=list(MONTHS), side="top", range=[0.5, 12.5], showgrid=False,
                   zeroline=False, fixedrange=True, tickfont=LABEL),
        yaxis=dict(tickvals=y, ticktext=labels, range=[n - 0.5, -0.5], showgrid=False, zeroline=False,
                   automargin=True, fixedrange=True, tickfont=LABEL),
        hoverlabel=dict(align="left"),
    )
    return fig
