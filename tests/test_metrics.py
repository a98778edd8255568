"""Completion and coverage against figures computed independently from the fixtures' ground truth."""

import pandas as pd
import pytest

from conftest import SAMPLES, sample_truth
from rbdash import areas, metrics
from rbdash.excel import parse_workbook


@pytest.fixture
def loaded(store):
    for f in ("kpu_provinsi_kalimantan_selatan_2023", "kpu_kabupaten_banjar_2023", "kpu_kota_banjarbaru_2023"):
        store.import_plan(parse_workbook(SAMPLES / f"{f}.xlsx"))
    return store


def test_office_without_realisation_is_no_data_not_zero(loaded):
    df = metrics.completion(loaded, 6, year=2023).set_index("satker")
    assert pd.isna(df.loc["KPU Kabupaten Banjar", "rate"])
    assert pd.isna(df.loc["KPU Kabupaten Banjar", "realized"])
    assert not df.loc["KPU Kabupaten Banjar", "has_data"]
    assert df.loc["KPU Provinsi Kalimantan Selatan", "rate"] > 0


def test_area_aggregate_ignores_offices_without_data(loaded):
    t = sample_truth("kpu_provinsi_kalimantan_selatan_2023")["records"]
    df = metrics.completion(loaded, 12, year=2023, by=("area",)).set_index("area_no")
    for no in range(1, 9):
        planned = sum(len(r["planned_months"]) for r in t if r["area_no"] == no)
        done = sum(len(set(r["planned_months"]) & set(r["realized_months"])) for r in t if r["area_no"] == no)
        assert (df.loc[no, "planned"], df.loc[no, "realized"]) == (planned, done)


def test_progress_edit_moves_the_rate(loaded):
    aid, mask = loaded.query_df(
        """SELECT a.id, a.planned_mask FROM activities a JOIN latest_versions lv ON lv.id = a.plan_version_id
           JOIN satker s ON s.id = lv.satker_id WHERE s.name = 'KPU Kabupaten Banjar' ORDER BY a.seq LIMIT 1""").iloc[0]
    from rbdash.schedule import mask_to_months
    months = [m for m in mask_to_months(mask) if m <= 12]
    loaded.save_progress(int(aid), months, None, None, 0, "tester")
    row = metrics.completion(loaded, 12, year=2023).set_index("satker").loc["KPU Kabupaten Banjar"]
    assert row["realized"] == len(months)
    assert row["rate"] == pytest.approx(len(months) / row["planned"])


def test_coverage_and_missing_standard_kegiatan(loaded):
    cov = metrics.coverage(loaded, 2023)
    banjar = cov[cov.satker == "KPU Kabupaten Banjar"].set_index("area_no")
    t = sample_truth("kpu_kabupaten_banjar_2023")["records"]
    for no in range(1, 9):
        assert banjar.loc[no, "activities"] == sum(1 for r in t if r["area_no"] == no)
    total = len(areas.standard_kegiatan())
    missing = metrics.missing_standard(loaded, "KPU Kabupaten Banjar", 2023)
    covered = banjar["standard_covered"].sum()
    assert len(missing) == total - covered
    assert all(0 <= c <= 1 for c in cov["coverage"])


@pytest.mark.parametrize("text, no", [
    ("Penguatan Pengawasan", 7), ("Deregulasi Kebijakan", 2), ("PENATAAN SISTEM MANAJEMEN SDM APARATUR", 5),
    ("IV. Penataan Tatalaksana", 4), ("Peningkatan Kualitas Pelayanan Publik", 8), ("3", 3),
    ("Pelaksanaan Pengendalian Gratifikasi", None)])
def test_area_names_map_to_standard_numbers(text, no):
    assert areas.match_area(text) == no


def test_coverage_by_province_pools_the_offices_of_each_province(loaded):
    """Σ standard kegiatan covered over the province's offices / (offices × standard kegiatan of the area);
    an office without anything in an area counts as covering none of it."""
    per_office = metrics.coverage(loaded, 2023)
    offices = per_office["satker"].nunique()
    by_prov = metrics.coverage_by_province(loaded, 2023).set_index("area_no")
    assert set(by_prov["province"]) == {"Kalimantan Selatan"} and (by_prov["offices"] == offices).all()
    totals = areas.standard_totals()
    for no in range(1, 9):
        covered = per_office.loc[per_office["area_no"] == no, "standard_covered"].sum()
        assert by_prov.loc[no, "standard_covered"] == covered
        assert by_prov.loc[no, "coverage"] == pytest.approx(covered / (totals[no] * offices))
    one = metrics.coverage_by_province(loaded, 2023, satkers=["KPU Kota Banjarbaru"])
    assert (one["offices"] == 1).all()
