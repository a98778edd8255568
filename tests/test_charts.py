"""Figure builders on hand-made frames: cell states, colours, texts, and escaping of user text."""

import numpy as np
import pandas as pd
import pytest

from rbdash import charts, views, wording
from rbdash.schedule import DONE, LATE, OUTSIDE, PLANNED


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
    wrapped = charts.esc_wrap("<b>" + "kata " * 40)
    assert "<b>" not in wrapped.replace("<br>", "") and "&lt;b&gt;" in wrapped


def test_gantt_figure_rows_cells_and_colours():
    acts = acts_frame([
        (1, "Kegiatan A", "Sub A", "<script>alert(1)</script>", [1, 2, 3], [1]),
        (1, "Kegiatan A", "Sub A", "Indikator 2", [6], [7]),
        (1, "Kegiatan B", None, "Indikator 3", [12], []),
    ])
    fig = charts.gantt_figure(views.gantt_of(acts, as_of=3))
    band, grid = fig.data[0], fig.data[1]
    labels = list(fig.layout.yaxis.ticktext)
    # heading rows: kegiatan A, sub A, then its two indikator rows, kegiatan B, its indikator
    assert len(labels) == 6
    assert labels[0] == "<b>Kegiatan A</b>" and "Sub A" in labels[1] and labels[4] == "<b>Kegiatan B</b>"
    z = np.array(grid.z, dtype=float)
    assert z[2, :3].tolist() == [DONE, LATE, LATE]
    assert z[3, 5] == PLANNED and z[3, 6] == OUTSIDE and z[5, 11] == PLANNED
    assert np.isnan(z[0]).all() and np.isnan(z[2, 3])
    assert np.array(band.z)[[0, 1, 4]].min() == 1 and np.array(band.z)[2].max() == 0
    # discrete colour scale: each state maps to its colour
    scale = [tuple(s) for s in grid.colorscale]
    for state, (colour, _) in charts.GANTT_STATES.items():
        pos = (state - 0.5) / 4  # zmin 0.5, zmax 4.5
        assert any(lo <= pos + 0.01 and c == colour for lo, c in scale)
    assert [t.name for t in fig.data[2:]] == [label for _, label in charts.GANTT_STATES.values()]
    # as-of marker between Mar and Apr
    assert fig.layout.shapes[0].x0 == 3.5
    # user text is escaped in labels and hover; the hover names the source row
    assert "&lt;script&gt;" in labels[2] and "<script>" not in labels[2]
    hover = grid.customdata[2][1]
    assert "Terlambat" in hover and "&lt;script&gt;alert(1)&lt;/script&gt;" in hover and "<script>" not in hover
    assert "lembar Renaksi baris 7" in hover and "https://contoh.go.id/bukti" in hover and "catatan &lt;i&gt;" in hover


def test_gantt_figure_height_scales_and_long_labels_truncate():
    rows = [(1 + i % 8, f"Kegiatan {i // 10}", None, "indikator panjang " * 10 + str(i), [1 + i % 12], [])
            for i in range(150)]
    fig = charts.gantt_figure(views.gantt_of(acts_frame(rows), as_of=6))
    n = len(fig.layout.yaxis.ticktext)
    assert n >= 150 and fig.layout.height >= 22 * n
    assert max(len(t) for t in fig.layout.yaxis.ticktext) < 90
    hover = [row[0] for row in fig.data[0].customdata if row[0].endswith("baris 156")]
    assert len(hover) == 1 and "panjang 149" in hover[0]  # the full text and its source row in the hover


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


def test_gantt_labels_are_projector_sized():
    acts = pd.DataFrame({"id": [1], "seq": [1], "sheet": ["S"], "row": [5], "area_no": [1], "kegiatan": ["K"],
                         "sub_kegiatan": [None], "indikator": ["I"], "planned_mask": [0b11], "realized_mask": [1],
                         "evidence_url": [None], "note": [None]})
    layout = charts.gantt_figure(views.gantt_of(acts, 2)).to_plotly_json()["layout"]
    assert layout["yaxis"]["tickfont"]["size"] >= 14 and layout["xaxis"]["tickfont"]["size"] >= 14
    assert layout["legend"]["font"]["size"] >= 14


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
