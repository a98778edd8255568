"""Figure builders on hand-made frames: cell states, colours, texts, and escaping of user text."""

from xml.etree import ElementTree

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


SVG = "{http://www.w3.org/2000/svg}"


def drawn(trend, *args):
    """(the SVG root, [(text, x, font size, anchor)] in order) of charts.trend_svg."""
    root = ElementTree.fromstring(charts.trend_svg(trend, *args))
    return root, [(t.text or "", float(t.get("x")), int(t.get("font-size")), t.get("text-anchor"))
                  for t in root.iter(f"{SVG}text")]


def big_trend_frame():
    """The nation's shape: ~4.000 month-kegiatan planned a month, realised falling behind up to Sep."""
    planned = [3900, 4100, 4000, 4200, 3800, 4000, 4100, 3900, 4000, 4300, 4100, 4200]
    done = [3900, 3800, 3000, 2500, 2100, 1900, 1500, 900, 400]
    df = pd.DataFrame({"month": range(1, 13), "planned": planned, "has_data": True})
    df["planned_cum"] = np.cumsum(planned)
    df["realized"] = [done[m - 1] if m <= 9 else np.nan for m in range(1, 13)]
    df["realized_cum"] = df["realized"].cumsum()
    df["rate"], df["rate_cum"] = df["realized"] / df["planned"], df["realized_cum"] / df["planned_cum"]
    return df


def test_trend_drawing_for_the_page_says_it_in_indonesian():
    """Issue 21.9: the page's trend is one SVG drawn here (plotly.js and Vega-Lite took 0.5-2 s to load in
    a tab): title, legend, the two panels, axes with Indonesian numbers, each month's rate above its bar,
    what was realised by the as-of month; the curves through the Trend's values."""
    df = trend_frame()
    root, texts = drawn(views.trend_of(df, 3, title="Tren capaian 2024: Nasional"))
    words = [t for t, *_ in texts]
    assert words[:6] == ["Tren capaian 2024: Nasional", "Rencana (kumulatif)", "Realisasi (kumulatif)",
                         "Capaian bulan itu", "Capaian kumulatif", wording.TREND_CUMULATIVE]
    assert words[6:12] == ["0", "2", "4", "6", "8", "10"]  # the plan reaches 10 in December
    assert words[12:24] == list(wording.MONTHS)
    assert words[24] == "s.d. Mar: 4 dari 7 bulan-kegiatan terealisasi (57,1%)"
    assert words[25:31] == [f"{wording.TREND_RATES} (batang: bulan itu; garis: capaian kumulatif)",
                            "0%", "25%", "50%", "75%", "100%"]
    assert words[31:43] == list(wording.MONTHS) and words[43:] == ["50%", "67%", "50%"]
    planned, realised, rates = (line.get("points").split() for line in root.iter(f"{SVG}polyline"))
    assert len(planned) == 12 and len(realised) == 3 and len(rates) == 3  # realised up to the as-of month
    heights = [float(p.split(",")[1]) for p in realised]
    assert heights[0] > heights[1] > heights[2]  # 1, 3, 4 realised: rising (SVG's y grows downwards)
    bars = [r.get("fill") for r in root.iter(f"{SVG}rect") if r.get("height") != "100%" and float(r.get("height")) > 50]
    assert bars == [charts.rate_hex(0.5), charts.rate_hex(2 / 3), charts.rate_hex(0.5)]  # on the rate's colour
    _, nation = drawn(views.trend_of(big_trend_frame(), 9))
    assert [t for t, *_ in nation][5:9] == ["0", "20.000", "40.000", "60.000"]  # 47.810, not 47,810 or 48k
    assert "s.d. Sep: 20.000 dari 36.000 bulan-kegiatan terealisasi (55,6%)" in [t for t, *_ in nation]


def test_trend_drawing_writes_a_name_as_text_never_as_markup():
    """Every text of the drawing is XML-escaped: a title holding markup is drawn as those characters and
    adds no element (an <img> runs no script either way)."""
    name = '<script>alert("x")</script> KPU & <b>Kota</b>'
    svg = charts.trend_svg(views.trend_of(trend_frame(), 3, title=f"Tren capaian 2024: {name}"))
    assert "<script" not in svg and "<b>" not in svg and "&lt;script&gt;" in svg
    root = ElementTree.fromstring(svg)
    assert {el.tag for el in root.iter()} <= {f"{SVG}{tag}" for tag in
                                              ("svg", "title", "rect", "text", "line", "polyline", "circle")}
    assert root.find(f"{SVG}title").text == f"Tren capaian 2024: {name}"
    assert any(t.text == f"Tren capaian 2024: {name}" for t in root.iter(f"{SVG}text"))


def contrast(a, b):
    """WCAG contrast ratio of two '#RRGGBB' colours."""
    def luminance(colour):
        c = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("size,width", [(14, 900), (20, 1300)])
def test_trend_drawing_keeps_every_text_whole_and_readable(size, width):
    """Issue 21.4 for the drawing: no label cut at its edges (axis labels, a long title wrapped, the note
    beside the as-of line, 'belum dilaporkan' on two lines within its month), text at least ``size`` px
    (a month's words 12 px at least, to fit their month), dark on white (contrast at least 7:1), also in
    the presentation view's size."""
    df = big_trend_frame()
    df.loc[4, "has_data"] = False  # May not reported: its words instead of a rate
    title = "Tren capaian 2024: KPU Kabupaten Kepulauan Siau Tagulandang Biaro dan satker lain yang namanya panjang"
    root, texts = drawn(views.trend_of(df, 12, title=title), size, width)
    assert root.get("viewBox").split()[2] == str(width)
    for words, x, px, anchor in texts:
        half = charts.text_width(words, px) / 2
        left = {"start": x, "middle": x - half, "end": x - 2 * half}[anchor]
        assert 0 <= left and left + 2 * half <= width, (words, left, left + 2 * half)
        assert px >= (charts.SMALLEST_PX if words in ("belum", "dilaporkan") else size)
    words = [t for t, *_ in texts]
    assert " ".join(words[:2]) == title and words[2] == "Rencana (kumulatif)"  # the title on two lines
    assert [t for t in words if t in ("belum", "dilaporkan", "belum dilaporkan")] == ["belum", "dilaporkan"]
    jan, feb = [x for t, x, *_ in texts if t in ("Jan", "Feb")][:2]
    px = [px for t, _, px, _ in texts if t == "dilaporkan"][0]
    assert charts.text_width("dilaporkan", px) <= feb - jan  # within its month
    assert {t.get("fill") for t in root.iter(f"{SVG}text")} == {charts.INK}
    assert contrast(charts.INK, "#FFFFFF") >= 7


def test_trend_drawing_without_data_shows_the_plan_and_says_so():
    root, texts = drawn(views.trend_of(trend_frame(has_data=False), 3))
    words = [t for t, *_ in texts]
    assert wording.NO_DATA in words and not [t for t in words if t.startswith("s.d.")]
    assert len(list(root.iter(f"{SVG}polyline"))) == 1  # the plan only
