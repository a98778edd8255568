"""AppTest of the shared filters across pages: kept on page switches, written to and read from the URL,
the office in focus kept by the top bar."""

import pytest

from app_fixtures import (grids, make_plan, meeting_db, metrics, sample_db, sample_db_file, start,  # noqa: F401
                          warm_server)
from rbdash.store import Store

pytestmark = pytest.mark.usefixtures("warm_server")


def test_filters_survive_page_switch_and_go_to_url(sample_db):
    at = start()
    at.selectbox(key="f_year").set_value(2022).run()
    at.multiselect(key="f_area").set_value([3]).run()
    at.switch_page("pages/cakupan.py").run()
    assert at.selectbox(key="f_year").value == 2022 and at.multiselect(key="f_area").value == [3]
    assert at.query_params["tahun"] == "2022" and at.query_params["area"] == "3"
    assert at.query_params["bulan"] == "9"  # the as-of month is kept across years


def test_url_reproduces_view(sample_db):
    at = start(tahun="2023", satker=["KPU Kota Banjarbaru", "KPU Kabupaten Tapin"], bulan="4", area="1")
    assert at.multiselect(key="f_satker").value == ["KPU Kota Banjarbaru", "KPU Kabupaten Tapin"]
    assert at.select_slider(key="f_as_of").value == 4 and at.multiselect(key="f_area").value == [1]
    assert metrics(at)["Satker"] == "2"
    assert at.query_params["satker"] == ["KPU Kota Banjarbaru", "KPU Kabupaten Tapin"]


@pytest.mark.parametrize("path", ["pages/progres.py", "pages/gantt.py", "pages/beranda.py"])
def test_office_in_focus_survives_top_bar_navigation(sample_db, path):
    """After "Buka Gantt" for an office that is not first in the list, moving on through the top bar
    keeps that office (it used to fall back to the first one: progress against the wrong office)."""
    at = start("pages/perbandingan.py")
    at.selectbox(key="buka_satker").set_value("KPU Kabupaten Hulu Sungai Selatan")
    at.button(key="buka_gantt").click().run()
    at.switch_page(path).run()
    at.switch_page("pages/progres.py").run()
    assert at.selectbox(key="fokus").value == "KPU Kabupaten Hulu Sungai Selatan"
    assert any("KPU Kabupaten Hulu Sungai Selatan" in h.value for h in at.subheader)
    assert at.query_params["fokus"] == "KPU Kabupaten Hulu Sungai Selatan"


# --- issue 21: the default year, and an address from the browser's history is the whole view ----------

def test_the_default_year_is_the_year_most_offices_have_plans_for(sample_db):
    """Issue 21.1: one office importing next year's plan used to move every fresh visitor onto that year
    ('Tahun 2025 · Satker 1 · 552 belum mengunggah'); the year most offices have plans for stays the
    default, and the year selector says how many offices each year covers."""
    Store(sample_db).import_plan(make_plan("KPU Kota Banjarbaru", 2025, [(1, "Kegiatan", "Indikator", [1], [])]),
                                 actor="test")
    at = start()
    year = at.selectbox(key="f_year")
    assert year.value == 2023 and metrics(at)["Satker"] == "7"
    assert year.options == ["2025 · 1 satker", "2023 · 7 satker", "2022 · 4 satker"]
    year.set_value(2025).run()  # still there to choose
    assert metrics(at)["Satker"] == "1"


def test_an_address_from_history_is_the_whole_view(meeting_db):
    """Issue 21.2: back from a province's offices to the national grid used to keep the province -- a
    one-row 'Per provinsi' grid nobody had seen.  An address the app wrote (here: the national grid's,
    as the back button brings it back) is the whole view: what it does not name is the default."""
    at = start("pages/perbandingan.py", tingkat="provinsi", tampilan="month")
    national = dict(at.query_params)
    assert national["tingkat"] == "provinsi" and "provinsi" not in national
    at.selectbox(key="buka_provinsi").set_value("Jawa Timur")
    at.button(key="lihat_provinsi").click().run()
    assert at.query_params["provinsi"] == "Jawa Timur" and at.query_params["tingkat"] == "satker"
    at.query_params.clear()
    at.query_params.update(national)
    at.run()
    assert not at.exception
    assert at.session_state["tingkat"] == "provinsi" and at.selectbox(key="f_province").value == "Semua provinsi"
    assert at.radio(key="tampilan").value == "month"
    assert grids(at)[0][0]["Provinsi"].tolist() == ["Jawa Timur", "Kalimantan Selatan", "(tanpa provinsi)"]
    assert dict(at.query_params) == national
