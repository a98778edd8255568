"""Completion and coverage against figures computed independently from the fixtures' ground truth."""

import numpy as np
import pandas as pd
import pytest

from conftest import MONEV as MONEV_SAMPLE, SAMPLES, sample_truth
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
    """Only the monitoring workbook's office reports, and only months 1..its as-of month (issue 23.1)."""
    truth = sample_truth("kpu_provinsi_kalimantan_selatan_2023")
    t, reported = truth["records"], set(range(1, truth["as_of_month"] + 1))
    df = metrics.completion(loaded, 12, year=2023, by=("area",)).set_index("area_no")
    for no in range(1, 9):
        planned = sum(len(set(r["planned_months"]) & reported) for r in t if r["area_no"] == no)
        done = sum(len(set(r["planned_months"]) & set(r["realized_months"]) & reported) for r in t if r["area_no"] == no)
        assert (df.loc[no, "planned"], df.loc[no, "realized"]) == (planned, done)


def test_progress_edit_moves_the_rate(loaded):
    aid, mask = loaded.query_df(
        """SELECT a.id, a.planned_mask FROM activities a JOIN latest_versions lv ON lv.id = a.plan_version_id
           JOIN satker s ON s.id = lv.satker_id WHERE s.name = 'KPU Kabupaten Banjar' ORDER BY a.seq LIMIT 1""").iloc[0]
    from rbdash.schedule import mask_to_months
    months = [m for m in mask_to_months(mask) if m <= 12]
    loaded.save_progress(int(aid), months, None, None, 0, "tester")
    row = metrics.completion(loaded, 12, year=2023).set_index("satker").loc["KPU Kabupaten Banjar"]
    assert not row["has_data"] and pd.isna(row["rate"])  # ticked, not reported: no rate yet (issue 23.1)
    for m in range(1, 13):
        loaded.submit_report("KPU Kabupaten Banjar", 2023, m, "tester")
    row = metrics.completion(loaded, 12, year=2023).set_index("satker").loc["KPU Kabupaten Banjar"]
    assert row["realized"] == len(months) and row["reported_months"] == 12
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
    by_prov = metrics.coverage(loaded, 2023, by="province").set_index("area_no")
    assert set(by_prov["province"]) == {"Kalimantan Selatan"} and (by_prov["offices"] == offices).all()
    totals = areas.standard_totals()
    for no in range(1, 9):
        covered = per_office.loc[per_office["area_no"] == no, "standard_covered"].sum()
        assert by_prov.loc[no, "standard_covered"] == covered
        assert by_prov.loc[no, "coverage"] == pytest.approx(covered / (totals[no] * offices))
    one = metrics.coverage(loaded, 2023, by="province", satkers=["KPU Kota Banjarbaru"])
    assert (one["offices"] == 1).all()


# --------------------------------------------------------------------------------- trend (issue 7.3)

# 2024, as of Apr: (satker, reports realisation, [(area, planned months, realised months)])
TREND_PLANS = [
    ("KPU Provinsi Jawa Timur", True, [(1, [1, 2, 3], [1, 3]), (2, [4, 5, 6], [4]), (3, [2], [5])]),
    ("KPU Kota Malang", True, [(1, [1, 2], []), (4, [3, 4, 12], [3, 4, 12])]),
    ("KPU Kabupaten Gresik", False, [(1, [1, 6], [])]),                        # no data: left out
    ("KPU Kota Banjarbaru", True, [(5, [2, 3, 7], [2, 7])]),
]
TREND_AS_OF = 4


@pytest.fixture
def trend_store(store):
    from app_fixtures import make_plan
    for satker, has, rows in TREND_PLANS:
        store.import_plan(make_plan(satker, 2024, [(a, "K", f"I{i}", p, r) for i, (a, p, r) in enumerate(rows)],
                                    has_realization=has, as_of=TREND_AS_OF), actor="test")
    return store


def _expected_trend(plans, as_of):
    """Per month: planned and realised-on-schedule month-kegiatan over the offices with data (by hand,
    with sets), realised only up to as_of."""
    pooled = [rows for _, has, rows in plans if has]
    out = {}
    for m in range(1, 13):
        planned = sum(m in p for rows in pooled for _, p, _ in rows)
        done = sum(m in p and m in r for rows in pooled for _, p, r in rows) if m <= as_of else None
        out[m] = (planned, done)
    return out


def test_trend_is_the_s_curve_of_the_completion_definition(trend_store):
    df = metrics.trend(trend_store, TREND_AS_OF, 2024).set_index("month")
    assert list(df.index) == list(range(1, 13))
    expected = _expected_trend(TREND_PLANS, TREND_AS_OF)
    cum_p = cum_r = 0
    for m, (planned, done) in expected.items():
        cum_p += planned
        assert df.loc[m, "planned"] == planned and df.loc[m, "planned_cum"] == cum_p
        if m <= TREND_AS_OF:
            cum_r += done
            assert df.loc[m, "realized"] == done and df.loc[m, "realized_cum"] == cum_r
            assert df.loc[m, "rate"] == pytest.approx(done / planned)
            assert df.loc[m, "rate_cum"] == pytest.approx(cum_r / cum_p)
            # the cumulated rate at m is the completion metric as of m: one definition
            whole = metrics.completion(trend_store, m, year=2024, by=("province",))
            assert whole["realized"].sum() / whole["planned"].sum() == pytest.approx(df.loc[m, "rate_cum"])
        else:  # realisation after the as-of month (Malang's Dec, Banjarbaru's Jul) is not counted
            assert pd.isna(df.loc[m, "realized"]) and pd.isna(df.loc[m, "realized_cum"])
            assert pd.isna(df.loc[m, "rate_cum"])
    # a month's offices with data are those that reported it: the three monitoring workbooks, Jan..Apr
    assert (df["offices"] == 4).all()
    assert df["offices_with_data"].tolist() == [3] * TREND_AS_OF + [0] * (12 - TREND_AS_OF)


def test_trend_per_province_and_for_one_office(trend_store):
    df = metrics.trend(trend_store, TREND_AS_OF, 2024, by=("province",))
    assert sorted(df["province"].unique()) == ["Jawa Timur", "Kalimantan Selatan"]
    jatim = df[df["province"] == "Jawa Timur"].set_index("month")
    expected = _expected_trend([p for p in TREND_PLANS if p[0] != "KPU Kota Banjarbaru"], TREND_AS_OF)
    assert jatim["planned_cum"].tolist() == list(np.cumsum([p for p, _ in expected.values()]))
    assert jatim.loc[TREND_AS_OF, "realized_cum"] == sum(d for m, (_, d) in expected.items() if m <= TREND_AS_OF)
    one = metrics.trend(trend_store, TREND_AS_OF, 2024, satkers=["KPU Kabupaten Gresik"]).set_index("month")
    # an office without realisation data: its plan as the curve, no realised curve, never 0%
    assert one["planned_cum"].iloc[-1] == 2 and one["realized_cum"].isna().all() and one["rate_cum"].isna().all()
    assert not one["has_data"].any()


def test_trend_counts_progress_edits_and_monev_realisation(trend_store):
    """A month ticked on the Progres page moves the realised curve like one read from a workbook."""
    before = metrics.trend(trend_store, TREND_AS_OF, 2024).set_index("month")
    aid, rev = trend_store.query_df(
        """SELECT a.id, COALESCE(p.revision, 0) FROM activities a JOIN latest_versions lv ON lv.id = a.plan_version_id
           JOIN satker s ON s.id = lv.satker_id LEFT JOIN progress p ON p.activity_id = a.id
           WHERE s.name = 'KPU Kota Malang' AND a.area_no = 1""").iloc[0]
    trend_store.save_progress(int(aid), [2], None, None, int(rev), "tester")  # planned Jan, Feb: Feb now realised
    after = metrics.trend(trend_store, TREND_AS_OF, 2024).set_index("month")
    assert after.loc[1, "realized_cum"] == before.loc[1, "realized_cum"]
    assert (after.loc[2:TREND_AS_OF, "realized_cum"] - before.loc[2:TREND_AS_OF, "realized_cum"] == 1).all()
    # Gresik had no data: an edit alone changes nothing until it reports the month; then its planned
    # months join the pooled curve (issue 23.1)
    gid = int(trend_store.query_df(
        """SELECT a.id FROM activities a JOIN latest_versions lv ON lv.id = a.plan_version_id
           JOIN satker s ON s.id = lv.satker_id WHERE s.name = 'KPU Kabupaten Gresik'""").iloc[0, 0])
    trend_store.save_progress(gid, [1], None, None, 0, "tester")
    ticked = metrics.trend(trend_store, TREND_AS_OF, 2024).set_index("month")
    pd.testing.assert_frame_equal(ticked, after)
    trend_store.submit_report("KPU Kabupaten Gresik", 2024, 1, "tester")
    joined = metrics.trend(trend_store, TREND_AS_OF, 2024).set_index("month")
    assert joined["planned_cum"].iloc[-1] == after["planned_cum"].iloc[-1] + 2
    assert joined.loc[1, "realized_cum"] == after.loc[1, "realized_cum"] + 1


def test_trend_of_the_monev_sample_matches_its_truth(loaded):
    t = sample_truth(MONEV_SAMPLE)
    as_of = 12
    df = metrics.trend(loaded, as_of, 2023, satkers=["KPU Provinsi Kalimantan Selatan"]).set_index("month")
    for m in range(1, 13):
        planned = sum(m in r["planned_months"] for r in t["records"])
        done = sum(m in r["planned_months"] and m in r["realized_months"] for r in t["records"])
        if m > t["as_of_month"]:  # the workbook reports up to its as-of month: later months are not reported
            done = None
        assert (df.loc[m, "planned"], None if pd.isna(df.loc[m, "realized"]) else df.loc[m, "realized"]) == (planned, done)


def test_trend_rejects_bad_arguments(trend_store):
    with pytest.raises(ValueError):
        metrics.trend(trend_store, 13, 2024)
    with pytest.raises(ValueError):
        metrics.trend(trend_store, 3, 2024, by=("area",))
