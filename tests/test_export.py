"""Meeting exports: formula-safe formatted workbook with heatmap fills, and PNG through kaleido."""

import io
import os

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from rbdash import export, views
from rbdash.charts import NO_DATA_COLOR
from rbdash.wording import NO_DATA as NO_DATA_TEXT

INJECTIONS = ["=HYPERLINK(\"http://evil\",\"klik\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def ranking():
    """Three offices best first: A 7 of 8, the injection 1 of 4, C without data."""
    return views.ranked(pd.DataFrame({
        "name": ["KPU Kota A", INJECTIONS[0], "KPU Kota C"], "province": ["Kalimantan Selatan", "@x", None],
        "planned": [8, 4, 3], "realized": [7, 1, np.nan], "has_data": [True, True, False],
        "rate": [0.875, 0.25, np.nan], "due": [8, 4, 3], "reported": [8, 4, 0], "reported_months": [3, 3, 0], "offices": 1,
        "offices_with_data": [1, 1, 0]}), "satker", 2023, 3)


def per_key(col, keys):
    rows = []
    for s, rate, has in (("KPU Kota A", 0.875, True), (INJECTIONS[0], 0.25, True), ("KPU Kota C", None, False)):
        for k in keys:
            rows.append({"satker": s, col: k, "rate": rate, "has_data": has, "planned": 8,
                         "realized": rate * 8 if has else None})
    return pd.DataFrame(rows)


@pytest.fixture
def workbook():
    rank = ranking()
    data = export.comparison_workbook(rank, views.comparison_of(rank, per_key("area_no", [1, 2]), "area", [1, 2]),
                                      views.comparison_of(rank, per_key("month", [1, 2, 3]), "month"))
    return openpyxl.load_workbook(io.BytesIO(data))


def cells(ws):
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


def test_safe_text():
    for text in INJECTIONS:
        assert export.safe_text(text) == "'" + text
    assert export.safe_text("KPU Kota A") == "KPU Kota A"
    assert export.safe_text("87,5%") == "87,5%"


def test_workbook_sheets_and_no_formulas(workbook):
    assert workbook.sheetnames == ["Per area", "Per bulan", "Peringkat"]
    for ws in workbook.worksheets:
        for c in cells(ws):
            assert c.data_type != "f", (ws.title, c.coordinate, c.value)
            if isinstance(c.value, str):
                assert not c.value.startswith(tuple(export._FORMULA_START)), c.value
    texts = [c.value for c in cells(workbook["Per area"])]
    assert "'" + INJECTIONS[0] in texts and "'@x" in texts and "2. Deregulasi" in texts


def test_workbook_rates_are_numbers_with_heatmap_fills(workbook):
    ws = workbook["Per area"]
    header = [c.value for c in ws[4]]
    assert header[:2] == ["Satker", "Provinsi"] and header[-1] == "Total"
    row_a = {header[i]: c for i, c in enumerate(ws[5])}
    assert row_a["Satker"].value == "KPU Kota A"
    cell = row_a["1. Manajemen Perubahan"]
    assert cell.value == pytest.approx(0.875) and cell.number_format == "0.0%"
    assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == export.rate_color(0.875)
    low = {header[i]: c for i, c in enumerate(ws[6])}["Total"]
    assert low.fill.fgColor.rgb == export.rate_color(0.25) != cell.fill.fgColor.rgb
    nodata = {header[i]: c for i, c in enumerate(ws[7])}
    assert nodata["Total"].value == NO_DATA_TEXT
    assert nodata["Total"].fill.fgColor.rgb == "FF" + NO_DATA_COLOR[1:]
    assert ws.freeze_panes == "B5"
    assert [c.value for c in workbook["Per bulan"][4]][2:5] == ["Jan", "Feb", "Mar"]
    rank = workbook["Peringkat"]
    assert [c.value for c in rank[5]][:2] == [1, "KPU Kota A"] and rank.cell(7, 1).value is None


def test_rate_colour_scale_ends():
    assert export.rate_color(0) == "FFD73027" and export.rate_color(1) == "FF1A9850"
    assert export.rate_color(2) == export.rate_color(1) and export.rate_color(-1) == export.rate_color(0)


@pytest.mark.skipif(not os.path.exists(export.CHROMIUM), reason="needs the system chromium for kaleido")
def test_png_export():
    fig = go.Figure(go.Heatmap(z=[[1, 2], [3, 4]]))
    fig.update_layout(height=300)
    png = export.figure_png(fig, width=400, scale=1)
    assert png.startswith(b"\x89PNG")


def test_png_failure_is_an_indonesian_error(monkeypatch):
    fig = go.Figure()

    def broken(*a, **k):
        raise RuntimeError("chromium crashed")
    monkeypatch.setattr(go.Figure, "to_image", broken)
    with pytest.raises(export.ExportError) as err:
        export.figure_png(fig)
    assert "gagal membuat gambar PNG" in err.value.message_id
