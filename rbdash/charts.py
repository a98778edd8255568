"""Figures of the models of rbdash.views: plotly figures of a Heatmap and a Trend (the images of the
PNG export and the deck), the Trend as a Vega-Lite chart (the page), and the colours every renderer
shares (no streamlit here).

Why two chart libraries: plotly.js takes 1.5-2.3 s to start in a browser tab, so the page draws the
trend with Vega-Lite (already part of Streamlit's frontend, a fraction of that: issue 21.9), while the
images are drawn by plotly through kaleido.  Both draw the same Trend and write numbers the Indonesian
way (97,1%, 47.810).

A figure only draws its model: the states, values and words of the cells are decided by the
model, the words come from rbdash.wording.  Every piece of user text that goes into a figure passes
through ``esc``: plotly renders a subset of HTML in labels and hover text, so a cell holding
``<b>x</b>`` or ``<script>`` must reach the browser as ``&lt;b&gt;``.
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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
        height=560, font=FONT, plot_bgcolor="white", hovermode="closest", separators=SEPARATORS,
        margin=dict(l=10, r=10, t=110 if title else 80, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.06, x=0, xanchor="left", font=LABEL),
    )
    fig.update_annotations(font=dict(size=14, color=INK))
    # the axes take the room their labels need (a fixed 10 px margin cut '30.000' to '0k' and the months)
    fig.update_xaxes(tickfont=LABEL, showgrid=False, fixedrange=True, categoryorder="array", categoryarray=x,
                     automargin=True)
    fig.update_yaxes(tickfont=LABEL, gridcolor="#E5E7EB", zeroline=False, fixedrange=True, rangemode="tozero",
                     tickformat=",d", automargin=True, row=1, col=1)
    fig.update_yaxes(tickfont=LABEL, gridcolor="#E5E7EB", range=[0, 115], tickvals=[0, 25, 50, 75, 100],
                     ticktext=["0%", "25%", "50%", "75%", "100%"], fixedrange=True, automargin=True, row=2, col=1)
    return fig


# Vega-Lite formats numbers by this locale (config.locale): '47.810', '97,1%'
VEGA_LOCALE = {"number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""]}}


def trend_specs(trend: Trend, size=14):
    """A Trend (rbdash.views) as two Vega-Lite charts for the page, each as wide as the page: the
    S-curve (planned dashed, realised up to the as-of month; titled with the trend's title) and the
    rates (each month's as a bar on the rate's colour with its words inside, the cumulative as a
    line); a dotted rule after the as-of month.  ``size``: the text size (larger in the presentation
    view).  Hover texts are the wording catalogue's; numbers written the Indonesian way."""
    df, as_of = trend.months, int(trend.as_of)
    rows = []
    for rec in df.to_dict("records"):
        shown = rec["month"] <= as_of and trend.has_data
        realised = rec["realized_cum"] if shown else None
        rate, rate_cum = (rec["rate"], rec["rate_cum"]) if shown else (None, None)
        rows.append({
            "bulan": rec["label"], "rencana": int(rec["planned_cum"]),
            "realisasi": None if realised is None or pd.isna(realised) else float(realised),
            "capaian": None if rate is None or pd.isna(rate) else float(rate),
            "kumulatif": None if rate_cum is None or pd.isna(rate_cum) else float(rate_cum),
            "warna": rate_hex(rate) if rate is not None and not pd.isna(rate) else NOT_SCHEDULED_COLOR,
            "teks": rec["bar_text"] if shown else "",
            "info_rencana": f"{rec['label']}: {wording.integer(rec['planned_cum'])} {wording.UNIT} "
                            f"{wording.PLANNED_LABEL.lower()}",
            "info_realisasi": (f"{rec['label']}: {wording.of(realised, rec['planned_cum'])} "
                               f"({wording.pct(rec['rate_cum'])}) {wording.REALISED.lower()}") if shown else "",
            "info_bulan": (f"{rec['label']}: {rec['bar_text']} ({wording.units_of(rec['realized'], rec['planned'])})"
                           if shown else ""),
            "info_kumulatif": f"s.d. {rec['label']}: {wording.pct(rate_cum)}" if shown else "",
        })
    label = {"fontSize": size, "color": INK}
    x = {"field": "bulan", "type": "ordinal", "sort": list(df["label"]), "title": None,
         "axis": {"labelAngle": 0, "labelFontSize": size, "labelColor": INK, "ticks": False}}
    rule = {"mark": {"type": "rule", "strokeDash": [3, 3], "color": INK, "strokeWidth": 2},
            "encoding": {"x": {**x, "datum": wording.month(as_of), "bandPosition": 1}}}
    names = [wording.PLANNED_CUM, wording.REALISED_CUM]
    curve = {"x": {**x, "bandPosition": 0.5},
             "y": {"field": "nilai", "type": "quantitative", "title": None,
                   "axis": {"format": ",d", "labelFontSize": size, "labelColor": INK, "tickMinStep": 1}},
             "color": {"field": "seri", "type": "nominal", "title": None,
                       "scale": {"domain": names, "range": [PLANNED_COLOR, REALISED_COLOR]},
                       "legend": {"orient": "top", "labelFontSize": size, "labelColor": INK, "symbolType": "stroke",
                                  "symbolStrokeWidth": 3, "labelLimit": 400}},
             "strokeDash": {"field": "seri", "type": "nominal", "legend": None,
                            "scale": {"domain": names, "range": [[6, 4], [1, 0]]}},
             "tooltip": {"field": "info", "type": "nominal"}}

    def series(name, field, info, width):
        return {"transform": [{"filter": f"datum.{field} != null"}, {"calculate": f"'{name}'", "as": "seri"},
                              {"calculate": f"datum.{field}", "as": "nilai"}, {"calculate": f"datum.{info}", "as": "info"}],
                "mark": {"type": "line", "point": True, "strokeWidth": width}, "encoding": curve}

    config = {"locale": VEGA_LOCALE, "font": "Source Sans, Source Sans Pro, Arial, sans-serif", "view": {"stroke": None},
              "axis": {"gridColor": "#E5E7EB", "domainColor": "#9CA3AF"}, "title": {"anchor": "start", **label}}
    top = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "data": {"values": rows},
           "width": "container", "height": 280, "config": config,
           "title": {"text": trend.title or wording.TREND_CUMULATIVE,
                     "subtitle": wording.TREND_CUMULATIVE if trend.title else None,
                     "fontSize": size + 4, "subtitleFontSize": size, "subtitleColor": INK},
           "layer": [series(wording.PLANNED_CUM, "rencana", "info_rencana", 3),
                     series(wording.REALISED_CUM, "realisasi", "info_realisasi", 4), rule]}
    rate_y = {"type": "quantitative", "title": None, "scale": {"domain": [0, 1]},
              "axis": {"format": ".0%", "values": [0, 0.25, 0.5, 0.75, 1], "labelFontSize": size, "labelColor": INK}}
    layers = [
        {"transform": [{"filter": "datum.capaian != null"}], "mark": {"type": "bar"},
         "encoding": {"x": x, "y": {**rate_y, "field": "capaian"}, "color": {"field": "warna", "scale": None},
                      "tooltip": {"field": "info_bulan"}}},
        {"transform": [{"filter": "datum.capaian != null"}],
         "mark": {"type": "text", "baseline": "bottom", "dy": -4, "fontSize": size, "color": INK},
         "encoding": {"x": x, "y": {"datum": 0, "type": "quantitative", "scale": {"domain": [0, 1]}},
                      "text": {"field": "teks"}}},
        {"transform": [{"filter": "datum.kumulatif != null"}],
         "mark": {"type": "line", "point": {"color": INK}, "color": INK, "strokeWidth": 3},
         "encoding": {"x": {**x, "bandPosition": 0.5}, "y": {**rate_y, "field": "kumulatif"},
                      "tooltip": {"field": "info_kumulatif"}}},
        rule]
    if not trend.has_data:
        layers = [{"mark": {"type": "text", "fontSize": size + 4, "color": INK},
                   "encoding": {"x": {**x, "datum": wording.month(as_of)},
                                "y": {"datum": 0.5, "type": "quantitative", "scale": {"domain": [0, 1]}},
                                "text": {"value": wording.NO_DATA}}}, rule]
    rates = {"$schema": top["$schema"], "data": {"values": rows}, "width": "container", "height": 190, "config": config,
             "title": {"text": f"{wording.TREND_RATES} (batang: bulan itu; garis: {wording.RATE_CUM.lower()})"},
             "layer": layers}
    return top, rates


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
