"""AppTest of Cakupan Area: coverage per office and per province against metrics.coverage, the standard
kegiatan an office lacks, the drill into a province."""

import pytest

from app_fixtures import grids, meeting_db, sample_db, sample_db_file, start, warm_server  # noqa: F401 (fixtures)
from rbdash import metrics as core
from rbdash.store import Store
from rbdash.wording import pct as fmt_pct

pytestmark = pytest.mark.usefixtures("warm_server")


def test_cakupan_shows_matrix_and_missing_standard(sample_db):
    at = start("pages/cakupan.py")
    values, shown, _ = grids(at)[0]
    cov = core.coverage(Store(sample_db), 2023).set_index(["satker", "area_no"])
    assert len(values) == 7 and list(values.columns)[1] == "Area 1"
    first = values["Satker"].iloc[0]
    assert values.iloc[0, 1] == pytest.approx(100 * cov.loc[(first, 1), "coverage"])
    assert shown.iloc[0, 1] == fmt_pct(cov.loc[(first, 1), "coverage"], 0)
    table = at.dataframe[1].value
    assert len(table) == 7 and "Total" in table.columns
    at.selectbox(key="cakupan_satker").set_value("KPU Kabupaten Tanah Laut").run()
    missing = at.dataframe[2].value
    assert len(missing) > 0 and {"Area", "Kode", "Kegiatan standar"} <= set(missing.columns)


def test_cakupan_national_level_and_drill(meeting_db):
    from rbdash import areas, metrics
    at = start("pages/cakupan.py", tingkat="provinsi")
    values, shown, _ = grids(at)[0]
    assert values["Provinsi"].tolist() == ["Jawa Timur", "Kalimantan Selatan", "(tanpa provinsi)"]
    per = metrics.coverage(Store(meeting_db), 2024)  # per office, independently of the province SQL
    jatim = per[per["satker"].isin(["KPU Provinsi Jawa Timur", "KPU Kota Malang", "KPU KAB. GRESIK"])]
    covered = jatim.loc[jatim["area_no"] == 1, "standard_covered"].sum()
    rate = covered / (3 * areas.standard_totals()[1])
    assert values.iloc[0, 1] == pytest.approx(100 * rate) and shown.iloc[0, 1] == fmt_pct(rate, 0)
    at.selectbox(key="cakupan_buka_provinsi").set_value("Kalimantan Selatan")
    at.button(key="cakupan_lihat_provinsi").click().run()
    assert at.query_params["provinsi"] == "Kalimantan Selatan" and at.query_params["tingkat"] == "satker"
    assert grids(at)[0][0]["Satker"].tolist() == ["KPU Kota Banjarbaru"]
