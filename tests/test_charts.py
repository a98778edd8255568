"""Figure builders on hand-made frames: cell states, colours, texts, and escaping of user text."""

import numpy as np
import pandas as pd
import pytest

from rbdash import charts, views, wording


def mask(*months):
    return sum(1 << (m - 1) for m in months)


def acts_frame(rows):
    """rows: (area, kegiatan, sub, indikator, planned months, realised months)."""
    return pd.DataFrame([{
        "id": i + 1, "seq": i, "sheet": "Renaksi", "row": 7 + i, "area_no": area, "kegiatan": keg,
        "sub_kegiatan": sub, "indikator": ind, "planned_mask": mask(*planned), "realized_mask": mask(*done),
        "evidence_url": "https://contoh.go.id/bukti" if i == 0 else None, "note": "catatan <i>" if i == 0 else None}
        for i, (area, keg, sub, ind, planned, done) in enumerate(rows)])


def test_formats_are_indonesian():
    assert wording.pct(0.875) == "87,5%"
    assert wording.pct(1) == "100,0%" and wording.pct(None) == "" and wording.pct(float("nan")) == ""
    assert wording.integer(12345) == "12.345"
    assert views.cell_text(views.NO_DATA, None) == "belum dilaporkan"
    assert views.cell_text(views.NOTHING_DUE, float("nan")) == "–" and views.cell_text(views.VALUE, 0.5, 0) == "50%"


def test_escape_neutralises_html():
    assert charts.esc("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert charts.esc("<b>x</b> & y") == "&lt;b&gt;x&lt;/b&gt; &amp; y"
    assert charts.esc(None) == ""


def completion_frame():
    return pd.DataFrame({
        "satker": ["A", "A", "B", "B", "C", "C"], "area_no": [1, 2, 1, 2, 1, 2],
        "planned": [8, 0, 4, 2, 3, 3], "realized": [7, 0, 1, 2, None, None],
        "has_data": [True, True, True, True, False, False], "rate": [0.875, None, 0.25, 1.0, None, None]})


def heatmap(cells, rows, cols, titles=None, **kw):
    """A views.Heatmap of hand-made cells (columns keyed ``cols``, titled ``titles``)."""
    titles = titles or [str(c) for c in cols]
    return views.heatmap(cells, rows, [views.Column(c, t, t) for c, t in zip(cols, titles)], **kw)


def test_rate_heatmap_values_texts_and_no_data_grey():
    cells = views.completion_cells(completion_frame(), "satker", "area_no")
    fig = charts.rate_heatmap(heatmap(cells, rows=["A", "B", "C"], cols=[1, 2], titles=["1\nSatu", "2"]))
    grey, rates = fig.data
    z = np.array(rates.z, dtype=float)
    assert z[0, 0] == pytest.approx(87.5) and z[1, 0] == pytest.approx(25) and z[1, 1] == pytest.approx(100)
    assert np.isnan(z[0, 1]) and np.isnan(z[2]).all()
    assert (rates.zmin, rates.zmax) == (0, 100)
    assert rates.colorscale[0][1] == charts.RATE_SCALE[0][1] and rates.colorscale[-1][1] == charts.RATE_SCALE[-1][1]
    g = np.array(grey.z, dtype=float)
    assert g[2].tolist() == [0, 0] and g[0, 1] == 1 and np.isnan(g[0, 0])
    assert grey.colorscale[0][1] == charts.NO_DATA_COLOR
    assert rates.text[0][0] == "87,5%" and grey.text[0][1] == "–"
    assert all(t == "belum dilaporkan" for t in grey.text[2])
    assert list(fig.layout.xaxis.ticktext) == ["1<br>Satu", "2"]
    assert "7 dari 8" in rates.customdata[0][0]


def test_rate_heatmap_no_data_row_is_labelled_once_and_escaped():
    cells = pd.DataFrame({"row": ["<b>x</b>"] * 3, "col": [1, 2, 3], "value": [np.nan] * 3,
                          "state": ["no_data"] * 3, "text": ["belum dilaporkan"] * 3, "hover": [""] * 3})
    fig = charts.rate_heatmap(heatmap(cells, rows=["<b>x</b>"], cols=[1, 2, 3], title="<i>judul</i>"))
    assert list(fig.data[0].text[0]) == ["", "belum dilaporkan", ""]
    assert fig.layout.yaxis.ticktext[0] == "&lt;b&gt;x&lt;/b&gt;"
    assert fig.layout.title.text == "&lt;i&gt;judul&lt;/i&gt;"
    assert "&lt;b&gt;x&lt;/b&gt;" in fig.data[0].customdata[0][0]


def test_rate_heatmap_height_grows_with_rows():
    rows = [f"KPU Kota {i}" for i in range(200)]
    cells = pd.DataFrame({"row": rows, "col": 1, "value": 0.5, "state": "value", "text": "50,0%", "hover": ""})
    assert charts.rate_heatmap(heatmap(cells, rows, [1])).layout.height > 200 * 14


def _cells(rows, cols):
    return pd.DataFrame([{"row": r, "col": c, "value": 0.5, "state": "value", "text": "50,0%", "hover": ""}
                         for r in rows for c in cols])


def test_heatmap_labels_are_projector_sized_and_large_grids_carry_no_cell_text():
    """Issue 13.8: labels at least 14 px and dark; issue 7.6: 550 rows with text in every cell is what
    the browser could not draw quickly, so above TEXT_ROWS_MAX the cells carry colour and hover only."""
    small = charts.rate_heatmap(heatmap(_cells(["A", "B"], [1, 2]), ["A", "B"], [1, 2], title="t")).to_plotly_json()
    for axis in ("xaxis", "yaxis"):
        font = small["layout"][axis]["tickfont"]
        assert font["size"] >= 14 and font["color"] == charts.INK
    assert small["data"][1]["texttemplate"] == "%{text}" and small["data"][1]["textfont"]["size"] >= 14
    rows = [f"KPU Kota {i}" for i in range(charts.TEXT_ROWS_MAX + 1)]
    big = charts.rate_heatmap(heatmap(_cells(rows, [1, 2]), rows, [1, 2])).to_plotly_json()
    assert all(t.get("text") is None and "texttemplate" not in t for t in big["data"])
    assert all(t["customdata"] is not None for t in big["data"])  # the hover still names office and rate


def trend_frame(as_of=3, has_data=True):
    planned = [2, 3, 2, 0, 1, 1, 0, 0, 0, 0, 0, 1]
    done = [1, 2, 1]
    df = pd.DataFrame({"month": range(1, 13), "planned": planned, "has_data": has_data})
    df["planned_cum"] = np.cumsum(planned)
    df["realized"] = [done[m - 1] if m <= as_of and has_data else np.nan for m in range(1, 13)]
    df["realized_cum"] = df["realized"].cumsum()
    df["rate"] = df["realized"] / df["planned"]
    df["rate_cum"] = df["realized_cum"] / df["planned_cum"]
    return df


def test_trend_figure_s_curve_and_rates():
    df = trend_frame()
    fig = charts.trend_figure(views.trend_of(df, 3, title="<b>KPU</b> Kota X"))
    plan, real, bars, cum = fig.data
    assert list(plan.y) == df["planned_cum"].tolist() and list(plan.x) == list(wording.MONTHS)
    assert list(real.y) == df["realized_cum"].head(3).tolist()  # realised only up to the as-of month
    assert list(bars.y) == pytest.approx((df["rate"].head(3) * 100).tolist())
    assert list(bars.text) == [wording.pct(r, 0) for r in df["rate"].head(3)]
    assert list(cum.y) == pytest.approx((df["rate_cum"].head(3) * 100).tolist())
    assert fig.layout.title.text == "&lt;b&gt;KPU&lt;/b&gt; Kota X"
    assert fig.layout.shapes[0].x0 == 2.5  # between Mar and Apr
    layout = fig.to_plotly_json()["layout"]
    assert layout["yaxis2"]["ticktext"] == ["0%", "25%", "50%", "75%", "100%"]
    for axis in ("xaxis", "xaxis2", "yaxis", "yaxis2"):
        assert layout[axis]["tickfont"]["size"] >= 14 and layout[axis]["tickfont"]["color"] == charts.INK


def test_trend_figure_without_data_shows_the_plan_and_says_so():
    fig = charts.trend_figure(views.trend_of(trend_frame(has_data=False), 3))
    assert [t.name for t in fig.data] == ["Rencana (kumulatif)"]
    assert any(a.text == wording.NO_DATA for a in fig.layout.annotations)


def test_trend_figure_keeps_its_axis_labels_whole_and_indonesian():
    """Issue 21.4/21.5: the axes take the room their labels need (a fixed 10 px margin cut '30.000' to
    '0k' and the month names), the counts are written 47.810, not 47,810 or 48k."""
    layout = charts.trend_figure(views.trend_of(trend_frame(), 3)).to_plotly_json()["layout"]
    assert layout["separators"] == ",."
    assert all(layout[a]["automargin"] for a in ("xaxis", "xaxis2", "yaxis", "yaxis2"))
    assert layout["yaxis"]["tickformat"] == ",d"


def test_trend_chart_for_the_page_is_vega_lite_in_indonesian():
    """Issue 21.9: the page draws the trend with Vega-Lite (plotly.js took 2 s to start in a tab), the
    same Trend: the curves, the bars with their words, the as-of rule, numbers the Indonesian way."""
    df = trend_frame()
    top, rates = charts.trend_specs(views.trend_of(df, 3, title="Tren capaian 2024: Nasional"))
    assert top["title"]["text"] == "Tren capaian 2024: Nasional"
    assert top["config"]["locale"]["number"]["decimal"] == "," and top["config"]["locale"]["number"]["thousands"] == "."
    rows = top["data"]["values"]
    assert [r["rencana"] for r in rows] == df["planned_cum"].tolist()
    assert [r["realisasi"] for r in rows][:3] == df["realized_cum"].head(3).tolist()
    assert all(r["realisasi"] is None for r in rows[3:])  # realised only up to the as-of month
    assert [r["teks"] for r in rows][:3] == [wording.pct(r, 0) for r in df["rate"].head(3)]
    assert rows[1]["info_realisasi"] == "Feb: 3 dari 5 (60,0%) terealisasi"
    assert top["layer"][0]["encoding"]["y"]["axis"]["format"] == ",d"
    assert rates["layer"][0]["encoding"]["y"]["axis"]["format"] == ".0%"
    assert top["layer"][-1]["encoding"]["x"]["datum"] == "Mar"  # the as-of rule
    sizes = [top["layer"][0]["encoding"]["x"]["axis"]["labelFontSize"], top["title"]["subtitleFontSize"]]
    assert min(sizes) >= 14 and charts.trend_specs(views.trend_of(df, 3), 20)[0]["title"]["fontSize"] >= 20
    _, empty = charts.trend_specs(views.trend_of(trend_frame(has_data=False), 3))
    assert empty["layer"][0]["encoding"]["text"]["value"] == wording.NO_DATA
