"""AppTest of Perbandingan: the comparison heatmaps, ranking and trend against metrics' figures, levels,
reporting filter, the exports, the deck and the presentation view."""

import json
import re

import numpy as np
import pytest

from app_fixtures import (SVG, background, charts, decode, drawings, grids, meeting_db,  # noqa: F401 (fixtures)
                          sample_db, sample_db_file, start, warm_server)
from conftest import needs_soffice, sample_truth, truth_completion
from rbdash import views, wording
from rbdash.charts import LABEL, NO_DATA_COLOR, rate_hex
from rbdash.store import Store
from rbdash.views.completion import completion
from rbdash.wording import pct as fmt_pct

pytestmark = pytest.mark.usefixtures("warm_server")


def test_area_filter_changes_perbandingan_columns(sample_db):
    at = start("pages/perbandingan.py")
    assert not charts(at)  # a coloured grid, not a plotly figure (issue 7.6)
    values, _, _ = grids(at)[0]
    assert len(values.columns) == 1 + 9  # Satker, 8 areas, Total
    at.multiselect(key="f_area").set_value([2, 5]).run()
    values, _, _ = grids(at)[0]
    assert list(values.columns) == ["Satker", "Area 2", "Area 5", "Total"]
    # one short line a header (the whole grid fits 1366 px: issue 21.4), the area's name its help
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["Area 2"]["help"] == "2. Deregulasi" and "pinned" not in columns["Satker"]
    at.radio(key="tampilan").set_value("month").run()
    values, shown, _ = grids(at)[0]
    # a Total column on screen, as in the Excel sheet (issue 13.9)
    assert list(values.columns)[:11] == ["Satker", "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep",
                                         "Total"]
    per_satker = completion(Store(sample_db), views.View(2023, None, (2, 5), 9)).set_index("satker")
    row = values.index[values["Satker"] == "KPU Kabupaten Barito Kuala"][0]
    assert values.loc[row, "Total"] == pytest.approx(per_satker.loc["KPU Kabupaten Barito Kuala", "rate"] * 100)
    assert shown.loc[row, "Total"] == fmt_pct(per_satker.loc["KPU Kabupaten Barito Kuala", "rate"])


def test_perbandingan_heatmap_values_and_no_data(sample_db):
    at = start("pages/perbandingan.py")
    values, shown, css = grids(at)[0]
    rows = values["Satker"].tolist()
    store = Store(sample_db)
    view = views.View(year=2023, satkers=None, areas=None, as_of=9)
    per_satker = completion(store, view).set_index("satker")
    i = rows.index("KPU Kabupaten Barito Kuala")
    total = values.columns.get_loc("Total")
    assert values.iloc[i, total] == pytest.approx(per_satker.loc["KPU Kabupaten Barito Kuala", "rate"] * 100)
    planned, done = truth_completion("kpu_kabupaten_barito_kuala_2023", 9)  # its workbook reports Jan..Jun
    assert shown.iloc[i, total] == fmt_pct(done / planned)
    assert background(css[i, total]) == rate_hex(round(per_satker.loc["KPU Kabupaten Barito Kuala", "rate"], 2))
    j = rows.index("KPU Kabupaten Tapin")  # no realisation reported: grey and empty, never 0%
    assert values.iloc[j, 1:total + 1].isna().all() and set(shown.iloc[j, 1:total + 1]) == {""}
    assert {background(css[j, c]) for c in range(1, total + 1)} == {NO_DATA_COLOR}
    at.radio(key="tampilan").set_value("rank").run()
    ranking = at.dataframe[0].value
    # a numeric rate column (sorts as numbers), missing values last and empty (a placeholder is drawn faded)
    assert ranking["Capaian"].dtype.kind == "f"
    assert ranking.loc[ranking["Satker"] == "KPU Kabupaten Barito Kuala", "Capaian"].item() == pytest.approx(
        per_satker.loc["KPU Kabupaten Barito Kuala", "rate"] * 100)
    assert np.isnan(ranking.loc[ranking["Satker"] == "KPU Kabupaten Tapin", "Capaian"].item())
    assert ranking["Capaian"].isna().tolist() == sorted(ranking["Capaian"].isna().tolist())
    assert at.dataframe[0].proto.placeholder == ""
    assert not ranking["Provinsi"].isna().any()
    tapin = ranking.set_index("Satker").loc["KPU Kabupaten Tapin"]
    assert tapin["Dilaporkan"] == f"0 dari {per_satker.loc['KPU Kabupaten Tapin', 'due']}"


def test_open_gantt_from_perbandingan_keeps_filters(sample_db):
    at = start("pages/perbandingan.py")
    at.select_slider(key="f_as_of").set_value(7).run()
    at.multiselect(key="f_area").set_value([2]).run()
    at.text_input(key="petugas").input("Siti").run()
    at.selectbox(key="buka_satker").set_value("KPU Kabupaten Hulu Sungai Selatan")
    at.button(key="buka_gantt").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Gantt rencana aksi"]
    assert at.selectbox(key="fokus").value == "KPU Kabupaten Hulu Sungai Selatan"
    # st.switch_page drops widget values; the filters and the officer's name must come back
    assert at.select_slider(key="f_as_of").value == 7 and at.multiselect(key="f_area").value == [2]
    assert at.text_input(key="petugas").value == "Siti"
    assert at.query_params["fokus"] == "KPU Kabupaten Hulu Sungai Selatan" and at.query_params["bulan"] == "7"
    assert len(at.expander) == 2  # area 2 only, plus the table


def test_png_button_reports_failure_in_indonesian(sample_db, monkeypatch):
    import rbdash.export as export

    def broken(*a, **k):
        raise export.ExportError("png_failed", detail="uji")
    monkeypatch.setattr(export, "figure_png", broken)
    at = start("pages/perbandingan.py")
    at.button(key="siapkan_png").click().run()
    assert not at.exception
    # Indonesian only: no library detail appended (issue 13.7)
    assert [e.value for e in at.error] == ["gagal membuat gambar PNG; pastikan Chromium terpasang di server, "
                                           "lalu coba lagi"]


def test_png_then_excel_both_download_in_one_session(sample_db, monkeypatch):
    """Issue 13.3: an Excel export after a PNG export produced nothing (its deferred file had expired).
    Both are now bytes made on request, and downloading does not rerun the page."""
    import rbdash.export as export
    monkeypatch.setattr(export, "figure_png", lambda fig: b"\x89PNG fake")
    at = start("pages/perbandingan.py")
    at.button(key="siapkan_png").click().run()
    at.button(key="siapkan_excel").click().run()
    assert not at.exception and not at.error
    for key in ("unduh_png", "unduh_excel"):
        proto = at.download_button(key=key).proto
        assert proto.url and not proto.HasField("deferred_file_id") and proto.ignore_rerun, key


def test_excel_failure_is_reported_on_screen(sample_db, monkeypatch):
    import rbdash.export as export

    def broken(*a, **k):
        raise MemoryError("no memory")
    monkeypatch.setattr(export, "comparison_workbook", broken)
    at = start("pages/perbandingan.py")
    at.button(key="siapkan_excel").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["gagal membuat file Excel; coba lagi, dan laporkan bila terulang"]
    assert not at.get("download_button") or all(b.key != "unduh_excel" for b in at.get("download_button"))


def test_perbandingan_view_is_kept_in_the_link(sample_db):
    at = start("pages/perbandingan.py")
    at.radio(key="tampilan").set_value("rank").run()
    assert at.query_params["tampilan"] == "rank"
    again = start("pages/perbandingan.py", tampilan="rank")
    assert again.radio(key="tampilan").value == "rank"


def test_perbandingan_can_show_only_incomplete_reporting(sample_db):
    at = start("pages/perbandingan.py", tampilan="rank")
    per = completion(Store(sample_db), views.View(2023, None, None, 9))
    at.selectbox(key="pelaporan").set_value("belum").run()
    assert at.query_params["pelaporan"] == "belum"
    shown = at.dataframe[0].value
    assert sorted(shown["Satker"]) == sorted(per.loc[per["reported"] < per["due"], "satker"])
    at.radio(key="tampilan").set_value("area").run()
    assert sorted(grids(at)[0][0]["Satker"]) == sorted(shown["Satker"])


def test_national_level_pools_provinces_then_drills_into_one(meeting_db):
    at = start("pages/perbandingan.py", tingkat="provinsi", tampilan="area")
    values, shown, _ = grids(at)[0]
    assert values["Provinsi"].tolist() == ["Jawa Timur", "Kalimantan Selatan", "(tanpa provinsi)"]
    total = values["Total"].tolist()
    assert total[0] == pytest.approx(100 * 3 / 5) and total[1] == 0 and np.isnan(total[2])  # hand-computed
    assert shown["Total"].tolist() == ["60,0%", "0,0%", ""]
    at.radio(key="tampilan").set_value("rank").run()
    table = at.dataframe[0].value.set_index("Provinsi")
    assert table.loc["Jawa Timur", ["Satker", "Melapor"]].tolist() == [3, 2]
    assert table.loc["Jawa Timur", "Capaian"] == pytest.approx(60.0)
    # drill into Jawa Timur: its offices, and the link keeps level and province
    at.radio(key="tampilan").set_value("area").run()
    at.selectbox(key="buka_provinsi").set_value("Jawa Timur")
    at.button(key="lihat_provinsi").click().run()
    assert not at.exception
    assert at.selectbox(key="f_province").value == "Jawa Timur" and at.session_state["tingkat"] == "satker"
    assert at.query_params["tingkat"] == "satker" and at.query_params["provinsi"] == "Jawa Timur"
    rows = grids(at)[0][0]["Satker"].tolist()
    assert sorted(rows) == sorted(["KPU Provinsi Jawa Timur", "KPU Kota Malang", "KPU KAB. GRESIK"])
    # a shared link opens the same view
    again = start("pages/perbandingan.py", tingkat="provinsi")
    assert again.session_state["tingkat"] == "provinsi"


def test_perbandingan_trend_view_for_nation_province_and_office(meeting_db):
    """The Tren view: kept in the link, the S-curve of the selection computed by metrics.trend's definition
    (checked against meeting_db's hand-computed plans), the nation at province level, one office when
    one is selected.  Issue 21.9: drawn by the app as one SVG image -- no plotly, no Vega-Lite, no data
    grid at first sight, whose browser code took 0.5-2 s to load in a fresh tab -- and the figures per
    month in a table opened on request."""
    at = start("pages/perbandingan.py", tingkat="provinsi", tampilan="trend")
    assert at.query_params["tampilan"] == "trend"
    assert not charts(at) and not at.get("vega_lite_chart") and not at.dataframe
    [(_, texts, alt)] = drawings(at)
    # offices with data: Jatim province [1,2,3] done [1,2]; Malang [1,2] done [2] and [5]; Banjarbaru [3]
    # planned 2, 2, 2 (Jan-Mar) of which done 1, 2, 0: cumulated 3 of 6 by March
    note = "s.d. Mar: 3 dari 6 bulan-kegiatan terealisasi (50,0%)"
    assert texts[0] == "Tren capaian 2024: Nasional" and note in texts
    assert alt == f"Tren capaian 2024: Nasional. {note}"
    counts = texts.index(wording.TREND_CUMULATIVE) + 1
    assert texts[counts:counts + 6] == ["0", "2", "4", "6", "8", "Jan"]  # the plan reaches 7 in May
    rates = texts[texts.index(wording.MONTHS[-1], texts.index(wording.MONTHS[-1]) + 1) + 1:]  # after the rate axis
    assert rates == ["50%", "100%", "0%"]  # each month's rate above its bar
    # the figures per month: a table opened on request, the plan of the whole year
    assert [e.label for e in at.expander if e.label == wording.TREND_TABLE] == [wording.TREND_TABLE]
    at.session_state["tren_tabel"] = True
    at.run()
    table = at.dataframe[0].value
    assert table["Rencana kumulatif"].tolist() == np.cumsum([2, 2, 2, 0, 1] + [0] * 7).tolist()
    assert table["Capaian kumulatif"].tolist()[:3] == pytest.approx([50.0, 75.0, 50.0])
    assert table["Capaian kumulatif"].isna().tolist() == [False] * 3 + [True] * 9  # realised up to Mar only
    # one office selected in the sidebar: its own curve
    at.radio(key="tampilan").set_value("area").run()
    at.button(key="lihat_provinsi").click().run()  # first province: Jawa Timur, office level
    at.multiselect(key="f_satker").set_value(["KPU Kota Malang"]).run()
    at.radio(key="tampilan").set_value("trend").run()
    assert not at.exception
    [(_, texts, _)] = drawings(at)
    assert texts[0] == "Tren capaian 2024: KPU Kota Malang"
    assert "s.d. Mar: 1 dari 2 bulan-kegiatan terealisasi (50,0%)" in texts
    assert texts[-3:] == ["0%", "100%", wording.NOTHING_DUE]  # Jan, Feb; nothing due in Mar


def test_perbandingan_prepares_the_meeting_deck(meeting_db):
    import io as _io
    from pptx import Presentation
    from rbdash import report
    at = start("pages/perbandingan.py", provinsi="Jawa Timur", tingkat="satker")
    at.multiselect(key="f_satker").set_value(["KPU Kota Malang"]).run()
    at.button(key="siapkan_pptx").click().run()
    assert not at.exception and not at.error
    button = at.get("download_button")[0]
    assert button.proto.label == "Unduh PowerPoint"
    expected = report.outline(report.collect(Store(meeting_db), 2024, 3, "Jawa Timur", ["KPU Kota Malang"]))
    assert expected[-1] == "Gantt: KPU Kota Malang" and expected[1] == "Ringkasan: Jawa Timur"
    data = report.deck_bytes(Store(meeting_db), 2024, 3, province="Jawa Timur", offices=["KPU Kota Malang"])
    assert report.slide_titles(data) == expected
    assert len(Presentation(_io.BytesIO(data)).slides) == len(expected)


def test_perbandingan_prepares_the_deck_as_pdf_or_says_why_not(meeting_db, monkeypatch):
    from rbdash import export
    which = export.shutil.which
    monkeypatch.setattr(export.shutil, "which", lambda name: None)  # a server without LibreOffice
    at = start("pages/perbandingan.py", provinsi="Jawa Timur", tingkat="satker")
    at.button(key="siapkan_pdf").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["PDF tidak dapat dibuat: LibreOffice belum terpasang di server; "
                                           "unduh file PowerPoint-nya"]
    assert not at.get("download_button")
    monkeypatch.setattr(export.shutil, "which", which)
    needs_soffice()
    at.button(key="siapkan_pdf").click().run()  # a failure was not cached: a retry converts
    assert not at.exception and not at.error
    button = at.get("download_button")[0]
    assert button.proto.label == "Unduh PDF"


def test_presentation_view_is_kept_in_the_link_and_keeps_the_grid_header_in_view(meeting_db):
    """The projector's heatmap is the grid, as tall as the screen below the top bar (600 px of 768):
    its rows scroll inside it under its own header, which a figure taller than the screen scrolled
    away (issue 21.7); the trend's text is larger there."""
    at = start("pages/perbandingan.py", tingkat="provinsi", tampilan="area")
    assert grids(at) and not charts(at)
    at.toggle(key="presentasi").set_value(True).run()
    assert at.query_params["presentasi"] == "1"
    assert grids(at) and not charts(at)
    values, _, _ = grids(at)[0]
    assert values["Provinsi"].tolist() == ["Jawa Timur", "Kalimantan Selatan", "(tanpa provinsi)"]
    grid = at.dataframe[0].proto
    assert grid.row_height == 44  # its height: tests/test_e2e_meeting.py (the browser's 768 px)
    assert not [b for b in at.button if b.key == "siapkan_pptx"]  # the projector shows the comparison only
    at.radio(key="tampilan").set_value("trend").run()
    [(drawing, _, _)] = drawings(at)  # drawn full width with larger text
    assert drawing.get("viewBox").split()[2] == "1300"
    assert min(int(t.get("font-size")) for t in drawing.iter(f"{SVG}text")) == 20
    again = start("pages/perbandingan.py", presentasi="1")
    assert again.toggle(key="presentasi").value is True
    again.toggle(key="presentasi").set_value(False).run()
    assert "presentasi" not in again.query_params


def test_the_apps_own_order_and_search_keep_offices_without_data_last(sample_db):
    """Issue 21.7: the grid's own sort (an English menu) put the offices without data first one way, and
    its search left a hit below the fold of a 550-row grid.  The page's order keeps them last both ways
    and its search narrows the rows to the hits, at the top."""
    at = start("pages/perbandingan.py", tingkat="satker", tampilan="area")
    values = grids(at)[0][0]
    has = ~values["Total"].isna()
    assert has.any() and not has.all()
    for order, descending in (("tinggi", True), ("rendah", False)):
        at.segmented_control(key="heatmap_area_urut").set_value(order).run()
        values = grids(at)[0][0]
        total = values["Total"]
        n = int(total.notna().sum())
        assert total.iloc[n:].isna().all() and total.iloc[:n].notna().all()  # without data: last
        assert total.iloc[:n].tolist() == sorted(total.iloc[:n], reverse=descending)
    at.segmented_control(key="heatmap_area_urut").set_value("nama").run()
    assert grids(at)[0][0]["Satker"].tolist() == sorted(grids(at)[0][0]["Satker"])
    at.text_input(key="heatmap_area_cari").set_value("  tApIn ").run()
    assert grids(at)[0][0]["Satker"].tolist() == ["KPU Kabupaten Tapin"]
    at.text_input(key="heatmap_area_cari").set_value("Atlantis").run()
    assert [i.value for i in at.info] == ["Tidak ada satker yang namanya memuat “Atlantis”."]


# issue 21.10: what a caption names is on the screen
COLUMN_NAMED = re.compile(r"\bkolom ([A-Z][a-z]+(?: [a-z]+)*)")


@pytest.mark.parametrize("level", ["provinsi", "satker"])
def test_captions_name_only_what_the_view_shows(meeting_db, level):
    """The province heatmap's caption named a 'Dengan data' column the grid does not have (the ranking
    has it), and every view spoke of grey cells, which only a heatmap has: each column a caption names
    is a column of a table shown, and grey cells are explained only beside a coloured grid."""
    at = start("pages/perbandingan.py", tingkat=level)
    for shown in ("area", "month", "rank", "trend", "yoy"):
        at.radio(key="tampilan").set_value(shown).run()
        columns = {c for table in at.dataframe for c in table.value.columns}
        for caption in at.caption:
            for name in COLUMN_NAMED.findall(caption.value):
                assert name in columns, (shown, caption.value, sorted(columns))
            if "Abu-abu" in caption.value:
                assert grids(at), (shown, caption.value)
        assert any(COLUMN_NAMED.search(c.value) for c in at.caption) == ((level, shown) == ("provinsi", "rank"))
    # year over year, last: one year of plans only, said in words (nothing to compare)
    assert "Baru ada rencana aksi tahun 2024; perbandingan antar tahun tampil setelah rencana aksi tahun lain " \
           "diunggah." in [i.value for i in at.info]


def test_year_over_year_view(sample_db):
    """Issue 23.4: 'Tahun ke tahun' shows each year up to the same month (the sidebar's), each figure that
    year's completion computed on its own; the offices that improved or fell most; the same year twice
    is refused in words."""
    at = start("pages/perbandingan.py")
    at.radio(key="tampilan").set_value("yoy").run()
    assert not at.exception
    values, shown, _ = grids(at)[0]
    assert values["Tahun"].tolist() == ["2022", "2023"]
    store = Store(sample_db)
    alone = {year: completion(store, views.View(year, None, None, 9), ()).iloc[0] for year in (2022, 2023)}
    for i, year in enumerate((2022, 2023)):
        assert values.loc[i, "Total"] == pytest.approx(alone[year]["rate"] * 100)
        assert shown.loc[i, "Total"] == fmt_pct(alone[year]["rate"])
    bars = charts(at)[0]["data"]  # per area and in total, a bar per year
    assert [b["name"] for b in bars] == ["2022", "2023"]
    assert [b["text"][-1] for b in bars] == [fmt_pct(alone[year]["rate"], 0) for year in (2022, 2023)]
    per = {year: completion(store, views.View(year, None, None, 9)).set_index("satker")["rate"].dropna()
           for year in (2022, 2023)}
    change = (per[2023] - per[2022]).dropna()  # the offices with a rate in both years
    improved, fell = [t.value for t in at.dataframe if "Perubahan" in t.value.columns]
    tables = {"yoy_naik": improved, "yoy_turun": fell}
    assert tables["yoy_naik"]["Satker"].tolist() == change[change > 0].sort_values(ascending=False).index.tolist()
    assert tables["yoy_turun"]["Satker"].tolist() == change[change < 0].sort_values().index.tolist()
    assert set(tables["yoy_naik"].columns) == {"Satker", "Provinsi", "Capaian 2022", "Capaian 2023", "Perubahan"}
    assert not tables["yoy_naik"].empty and not tables["yoy_turun"].empty  # the samples hold both
    at.selectbox(key="yoy_ke").set_value(2022).run()
    assert [e.value for e in at.error] == ["pilih dua tahun yang berbeda, bukan 2022 dengan 2022"]


def test_perbandingan_greys_unreported_months_and_says_how_many_each_rate_rests_on(sample_db):
    """Issue 23.1: Barito Kuala's workbook reports Jan..Jun: as of Sep its Jul..Sep cells are grey
    "belum dilaporkan" (not a red 0%), and the ranking says each office's rate rests on so many months."""
    reported = sample_truth("kpu_kabupaten_barito_kuala_2023")["as_of_month"]
    at = start("pages/perbandingan.py", tampilan="month")
    values, shown, css = grids(at)[0]
    row = values.index[values["Satker"] == "KPU Kabupaten Barito Kuala"][0]
    later = [values.columns.get_loc(wording.month(m)) for m in range(reported + 1, 10)]
    assert later and all(np.isnan(values.iloc[row, c]) for c in later)  # no rate: the grid's placeholder
    assert {background(css[row, c]) for c in later} == {NO_DATA_COLOR}
    assert not np.isnan(values.loc[row, "Jan"])
    assert any(c.value.replace("\\", "").startswith("Abu-abu = belum dilaporkan (bukan 0%, bukan terlambat")
               for c in at.caption)
    at.radio(key="tampilan").set_value("rank").run()
    ranking = at.dataframe[0].value.set_index("Satker")
    assert ranking.loc["KPU Kabupaten Barito Kuala", "Bulan dilaporkan"] == f"{reported} dari 9 bulan"
    assert ranking.loc["KPU Kabupaten Tapin", "Bulan dilaporkan"] == "0 dari 9 bulan"


def test_the_grids_english_menu_and_toolbar_give_way_to_the_apps_own(sample_db):
    """Issue 21.6: a grid's column menu ('Sort ascending…') and, beside the page's own search, its toolbar
    ('Search', '1 of 1 result', 'Fullscreen') are English and cannot be translated: hidden, the page's own
    order and search in their place (the grids' 'Download as CSV': .streamlit/config.toml)."""
    at = start("pages/perbandingan.py", tingkat="satker", tampilan="area")
    css = " ".join(e.proto.body for e in at.get("html"))
    assert 'div[data-baseweb="popover"]:has([data-testid="stDataFrameColumnMenu"]) { display: none !important; }' in css
    assert ".st-key-heatmap_area_grid [data-testid='stElementToolbar'] { display: none; }" in css
    assert at.segmented_control(key="heatmap_area_urut").value == "tinggi" and at.text_input(key="heatmap_area_cari")
    import tomllib
    from conftest import ROOT
    assert tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["client"]["disableDataExport"] is True
