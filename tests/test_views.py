"""The views layer (rbdash.views) and the read layer under it (rbdash.metrics) against a small hand-made
store: each model compared with figures computed by hand from the plans of app_fixtures.small_store."""

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from app_fixtures import XSS, make_plan, small_store  # noqa: F401 (fixtures)
from rbdash import metrics, views, wording
from rbdash.views import View
from rbdash.views import progress as editor
from rbdash.views.completion import completion


def view(**kw):
    base = dict(year=2024, satkers=None, areas=None, as_of=3)
    return View(**{**base, **kw})


def by_satker(df):
    return {r["satker"]: r for r in df.to_dict("records")}


def test_completion_per_satker_keeps_offices_without_data_as_no_data(small_store):
    rows = by_satker(completion(small_store, view()))
    assert rows["KPU Kota Alpha"]["planned"] == 4 and rows["KPU Kota Alpha"]["realized"] == 3
    assert rows["KPU Kota Alpha"]["rate"] == pytest.approx(0.75)
    assert rows["KPU Kota Beta"]["rate"] == pytest.approx(1 / 3)
    gamma = rows["KPU Kota Gamma"]
    assert not gamma["has_data"] and math.isnan(gamma["rate"]) and math.isnan(gamma["realized"])


def test_completion_area_filter_sums_only_selected_areas(small_store):
    rows = by_satker(completion(small_store, view(areas=(1,))))
    assert rows["KPU Kota Alpha"]["planned"] == 3 and rows["KPU Kota Alpha"]["realized"] == 2
    assert rows["KPU Kota Beta"]["rate"] == 0


def test_completion_by_area_pools_only_offices_with_data(small_store):
    """Gamma (no data) plans 3 months in area 1: they must not dilute area 1's figure."""
    df = completion(small_store, view(satkers=("KPU Kota Alpha", "KPU Kota Beta", "KPU Kota Gamma")),
                            by=("area",)).set_index("area_no")
    assert df.loc[1, "planned"] == 5 and df.loc[1, "realized"] == 2
    unfiltered = completion(small_store, view(), by=("area",)).set_index("area_no")
    assert unfiltered.loc[1, "rate"] == pytest.approx(df.loc[1, "rate"])


def test_completion_by_month_honours_as_of(small_store):
    df = completion(small_store, view(as_of=2), by=("satker", "month"))
    assert sorted(df["month"].unique()) == [1, 2]
    alpha = df[df["satker"] == "KPU Kota Alpha"].set_index("month")
    assert alpha.loc[2, "planned"] == 2 and alpha.loc[2, "realized"] == 2


def test_completion_satker_filter_and_empty_year(small_store):
    df = completion(small_store, view(satkers=("KPU Kota Beta",)))
    assert df["satker"].tolist() == ["KPU Kota Beta"]
    empty = completion(small_store, view(year=None))
    assert empty.empty and {"planned", "rate", "has_data"} <= set(empty.columns)


def test_ranking_puts_offices_without_data_last_without_rank(small_store):
    rank = views.ranking(small_store, view()).rows
    assert rank["name"].tolist() == ["KPU Kota Alpha", "KPU Kota Beta", "KPU Kota Gamma"]
    assert rank["rank"].tolist()[:2] == [1, 2] and pd.isna(rank["rank"].iloc[2])
    summary = views.summary(small_store, view())
    assert (summary.rated, summary.counted) == (2, 3) and summary.rate == pytest.approx(4 / 7)


def test_overview_counts_follow_filters(small_store):
    assert metrics.overview(small_store, 2024) == {"offices": 3, "activities": 6}
    assert metrics.overview(small_store, 2024, ("KPU Kota Beta",), (3,)) == {"offices": 1, "activities": 1}
    summary = views.summary(small_store, view(satkers=("KPU Kota Beta",), areas=(3,)))
    assert (summary.offices, summary.activities) == (1, 1)


def test_coverage_grid_is_complete_and_missing_standard(small_store):
    cov = metrics.coverage(small_store, 2024)
    assert len(cov) == 3 * 8
    beta = cov[cov["satker"] == "KPU Kota Beta"].set_index("area_no")
    assert beta.loc[3, "activities"] == 1 and beta.loc[2, "activities"] == 0
    assert (cov["standard_total"] > 0).all()
    missing = metrics.missing_standard(small_store, "KPU Kota Beta", 2024, (1,))
    assert len(missing) and {no for no, _, _ in missing} == {1}
    shown = views.missing_standard(small_store, "KPU Kota Beta", 2024, (1,))
    assert shown["Kode"].tolist() == [code for _, code, _ in missing]
    assert set(shown["Area"]) == {wording.area_label(1)}


def test_plan_activities_and_office_summary(small_store):
    acts = metrics.plan_activities(small_store, "KPU Kota Alpha", 2024)
    assert acts["indikator"].tolist() == ["Indikator A1", "Indikator A2"]
    assert acts["revision"].tolist() == [1, 1]

    def figures(s):
        return {"planned": s.planned, "realized": s.realized, "late": s.late, "rate": s.rate}
    summary = views.office_summary(small_store, "KPU Kota Alpha", 2024, 3)
    assert figures(summary) == {"planned": 4, "realized": 3, "late": 1, "rate": 0.75}
    assert figures(views.office_summary(small_store, "KPU Kota Alpha", 2024, 3, area_nos=(2,))) == \
        {"planned": 1, "realized": 1, "late": 0, "rate": 1.0}
    header = metrics.plan_header(small_store, "KPU Kota Gamma", 2024)
    assert header["version"] == 1 and not header["has_data"]
    assert figures(views.office_summary(small_store, "KPU Kota Gamma", 2024, 3)) == \
        {"planned": 3, "realized": None, "late": None, "rate": None}


def test_default_as_of():
    rows = pd.DataFrame({"year": [2023, 2023, 2022], "as_of_month": [6, 9, None]})
    assert views.default_as_of(rows, 2023) == 9
    assert views.default_as_of(rows, 2022, today=dt.date(2025, 5, 1)) == 12
    assert views.default_as_of(rows, 2025, today=dt.date(2025, 5, 1)) == 5


def test_default_year_is_the_year_most_offices_have_plans_for():
    """Issue 21.1: not the latest year any plan names; a tie goes to the later year."""
    rows = pd.DataFrame({"year": [2024] * 3 + [2025] + [2023] * 3,
                         "satker": ["A", "B", "C", "A", "A", "B", "C"]})
    assert views.offices_per_year(rows) == {2025: 1, 2024: 3, 2023: 3}
    assert views.default_year(rows) == 2024
    assert views.default_year(rows[rows["year"] != 2024]) == 2023
    assert views.default_year(rows.iloc[:0]) is None


def test_progress_frame_and_changes(small_store):
    acts = metrics.plan_activities(small_store, "KPU Kota Alpha", 2024)
    base = editor.progress_frame(acts)
    # the planned months are marked where one ticks: ✓ realised, ○ planned and not realised (issue 13.2)
    assert base.loc[acts["id"][0], ["Jan", "Feb", "Mar"]].tolist() == ["✓", "✓", "○"]
    assert base.loc[acts["id"][1], list(editor.MONTH_COLUMNS)].tolist() == \
        ["", "✓", "", "✓", "", "○", "", "", "", "", "", ""]  # Apr realised outside the schedule
    assert base["Jadwal"].tolist() == ["Jan–Mar", "Feb, Jun"]
    edited = base.copy()
    assert editor.progress_changes(base, edited) == []
    edited.loc[acts["id"][0], "Jan"] = None  # a realised month cleared
    assert editor.progress_changes(base, edited) == [(int(acts["id"][0]), [2], "", "")]
    edited = base.copy()
    edited.loc[acts["id"][1], "Mar"] = "✓"
    edited.loc[acts["id"][1], "Catatan"] = "  selesai  "
    assert editor.progress_changes(base, edited) == [(int(acts["id"][1]), [2, 3, 4], "", "selesai")]


def test_text_is_returned_verbatim(small_store):
    acts = metrics.plan_activities(small_store, "KPU Kota Gamma", 2024)
    assert XSS in acts["indikator"].tolist()


# --------------------------------------------------------------------------------- reporting (issue 13.6)

def test_reporting_counts_due_work_of_every_office_and_what_is_reported(small_store):
    """Alpha and Beta report through their files (all due work reported); Gamma reports nothing: a tick
    on Progres alone changes nothing (issue 23.1), its report for Jan makes Jan's due work reported."""
    rows = by_satker(completion(small_store, view()))
    assert [(rows[s]["reported"], rows[s]["due"]) for s in ("KPU Kota Alpha", "KPU Kota Beta", "KPU Kota Gamma")] \
        == [(4, 4), (3, 3), (0, 3)]
    gamma_c1 = int(small_store.query_df(
        "SELECT a.id FROM activities a JOIN latest_versions lv ON lv.id = a.plan_version_id "
        "JOIN satker s ON s.id = lv.satker_id WHERE s.name = 'KPU Kota Gamma' AND a.area_no = 1").iloc[0, 0])
    small_store.save_progress(gamma_c1, [1], None, None, 0, "tester")
    gamma = by_satker(completion(small_store, view()))["KPU Kota Gamma"]
    assert (gamma["reported"], gamma["due"], gamma["has_data"], gamma["reported_months"]) == (0, 3, False, 0)
    small_store.submit_report("KPU Kota Gamma", 2024, 1, "tester")
    gamma = by_satker(completion(small_store, view()))["KPU Kota Gamma"]
    assert (gamma["reported"], gamma["due"], gamma["realized"], gamma["planned"], gamma["reported_months"]) \
        == (1, 3, 1, 1, 1)
    summary = views.summary(small_store, view())
    assert (summary.reported, summary.due) == (8, 10)
    assert wording.reporting(3, 1400) == "dilaporkan 3 dari 1.400 bulan-kegiatan"


def test_ticks_without_a_report_rank_nobody_and_a_report_counts_its_months(small_store):
    """Issue 23.1's scenario: an admin ticks 5 cells of an office that has reported nothing.  It is not
    ranked (below offices that reported every month), not a laggard, its months are grey "belum
    dilaporkan" (never late) and the national rate does not move; once it reports Jan it is compared
    on Jan, and the ranking says on how many months each rate rests."""
    from rbdash.schedule import DONE, LATE, UNREPORTED
    delta = "KPU Kota Delta"
    small_store.import_plan(make_plan(delta, 2024, [(1, "K", f"I{i}", [1, 2, 3], []) for i in range(10)]),
                            actor="test")
    before = views.summary(small_store, view()).rate
    ids = small_store.query_df("SELECT a.id FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id "
                               "JOIN satker s ON s.id = pv.satker_id WHERE s.name = ? ORDER BY a.seq", [delta])["id"]
    for aid in ids[:5]:
        small_store.save_progress(int(aid), [1], None, None, 0, "admin")
    rank = views.ranking(small_store, view())
    rows = rank.rows.set_index("name")
    assert rank.names == [ALPHA, BETA, delta, GAMMA] and pd.isna(rows.loc[delta, "rank"])
    assert rows.loc[delta, ["text", "basis_text"]].tolist() == ["belum dilaporkan", "0 dari 3 bulan"]
    assert delta not in views.laggards_of(rank).rows["name"].tolist()
    assert views.summary(small_store, view()).rate == pytest.approx(before) == pytest.approx(4 / 7)
    states = views.gantt(small_store, delta, 2024, 3)[1].states
    assert set(states[1:, :3].ravel()) == {UNREPORTED}  # ticked or not: not reported, never late

    small_store.submit_report(delta, 2024, 1, "admin")
    rows = views.ranking(small_store, view()).rows.set_index("name")
    assert rows.loc[delta, ["rank", "rate", "reported_months", "basis_text"]].tolist() == [2, 0.5, 1, "1 dari 3 bulan"]
    assert rows.loc[ALPHA, "basis_text"] == "3 dari 3 bulan" and rows.loc[GAMMA, "basis_text"] == "0 dari 3 bulan"
    states = views.gantt(small_store, delta, 2024, 3)[1].states
    assert states[1:6, :3].tolist() == [[DONE, UNREPORTED, UNREPORTED]] * 5
    assert states[6:, :3].tolist() == [[LATE, UNREPORTED, UNREPORTED]] * 5
    province = views.ranking(small_store, view(), "provinsi").rows
    assert province["basis_text"].tolist() == ["3 dari 4 satker melapor"]


def test_filter_reporting_and_laggards_below_the_median(small_store):
    rank = views.ranking(small_store, view())
    assert views.filter_reporting(rank, "belum").names == ["KPU Kota Gamma"]
    assert views.filter_reporting(rank, "lengkap").names == ["KPU Kota Alpha", "KPU Kota Beta"]
    assert len(views.filter_reporting(rank, "semua").rows) == 3
    lag = views.laggards_of(rank)
    # rates 3/4 and 1/3: the median is their mean; only Beta is below it, the best office never
    assert lag.median == pytest.approx((0.75 + 1 / 3) / 2) and lag.rows["name"].tolist() == ["KPU Kota Beta"]
    alone = views.Ranking("satker", 2024, 3, rank.rows[rank.rows["name"] == "KPU Kota Alpha"])
    lag = views.laggards_of(alone)
    assert lag.rows.empty and lag.median == pytest.approx(0.75)


# --------------------------------------------------------------------------------- models of small_store, by hand
# by Mar: Alpha area 1 [1,2,3] done [1,2] -> 2/3, area 2 [2,6] done [2,4] -> 1/1 (Apr outside the plan);
# Beta area 1 [1,2] done [] -> 0/2, area 3 [3] done [3] -> 1/1; Gamma reports nothing

ALPHA, BETA, GAMMA = "KPU Kota Alpha", "KPU Kota Beta", "KPU Kota Gamma"


def cell(hm, row, key):
    i, j = hm.rows.index(row), [c.key for c in hm.columns].index(key)
    return hm.state[i, j], hm.value[i, j], hm.text[i, j], hm.hover[i, j]


def test_comparison_heatmap_per_area_cells_states_and_words(small_store):
    hm = views.comparison_heatmap(small_store, view(), "satker", "area")
    assert hm.rows == (ALPHA, BETA, GAMMA) and hm.row_name == "Satker"  # ranking order, no data last
    assert [c.key for c in hm.columns] == [*range(1, 9), views.TOTAL]
    assert (hm.columns[1].title, hm.columns[1].label, hm.columns[-1].label) == ("2\nDeregu-\nlasi", "2. Deregulasi", "Total")
    assert hm.title == "Capaian per area s.d. Mar 2024" and hm.legend == "Capaian" and hm.digits == 1
    assert cell(hm, ALPHA, 1)[:3] == (views.VALUE, pytest.approx(2 / 3), "66,7%")
    assert cell(hm, ALPHA, 1)[3] == ("2 dari 3 bulan-kegiatan terealisasi\n0 dari 3 bulan-kegiatan terverifikasi\n"
                                    "dilaporkan 3 dari 3 bulan-kegiatan")
    assert cell(hm, ALPHA, 2)[:3] == (views.VALUE, 1.0, "100,0%")
    assert cell(hm, ALPHA, views.TOTAL)[:3] == (views.VALUE, 0.75, "75,0%")
    assert cell(hm, BETA, 1)[:3] == (views.VALUE, 0.0, "0,0%")  # reported and not done: 0%, red
    state, value, text, hover = cell(hm, ALPHA, 8)  # nothing of Alpha's plan in area 8
    assert (state, text, hover) == (views.NOTHING_DUE, "–", "") and np.isnan(value)
    # Gamma: no data in any cell, also where nothing is due (area 8 in Dec): grey across, never 0%
    assert hm.no_data.tolist() == [False, False, True]
    assert set(hm.state[2]) == {views.NO_DATA} and set(hm.text[2]) == {"belum dilaporkan"} and np.isnan(hm.value[2]).all()
    assert hm.provinces == (None, None, None)  # no official office: no province
    assert views.comparison_heatmap(small_store, view(), "satker", "area", "belum").rows == (GAMMA,)
    assert views.comparison_heatmap(small_store, view(), "satker", "area", "lengkap").rows == (ALPHA, BETA)


def test_comparison_heatmap_per_month_and_per_province(small_store):
    hm = views.comparison_heatmap(small_store, view(), "satker", "month")
    assert [c.label for c in hm.columns] == ["Jan", "Feb", "Mar", "Total"]
    assert hm.title == "Capaian per bulan 2024 (Total = s.d. Mar)"
    assert [cell(hm, ALPHA, m)[1] for m in (1, 2, 3)] == [1.0, 1.0, 0.0]  # Jan 1/1, Feb 2/2, Mar 0/1
    assert [cell(hm, BETA, m)[2] for m in (1, 2, 3)] == ["0,0%", "0,0%", "100,0%"]
    # one "province" of the offices matching no official office, pooling those with data: (3 + 1) / (4 + 3)
    provinces = views.comparison_heatmap(small_store, view(), "provinsi", "area")
    assert provinces.rows == ("(tanpa provinsi)",) and provinces.row_name == "Provinsi"
    assert cell(provinces, "(tanpa provinsi)", views.TOTAL)[1] == pytest.approx(4 / 7)
    assert cell(provinces, "(tanpa provinsi)", 1)[1] == pytest.approx(2 / 5)  # Gamma's 3 due months left out


def test_area_heatmap_pools_the_offices_with_data(small_store):
    hm = views.area_heatmap(small_store, view())
    assert hm.rows == ("1. Manajemen Perubahan", "2. Penataan Peraturan Perundang-undangan",
                       "3. Penataan dan Penguatan Organisasi") and hm.row_name == "Area"
    assert [c.title for c in hm.columns] == ["Capaian s.d. Mar"]
    assert hm.value[:, 0].tolist() == pytest.approx([2 / 5, 1.0, 1.0])


def test_summary_ranking_rows_and_reporting(small_store):
    s = views.summary(small_store, view())
    assert (s.offices, s.activities, s.rated, s.counted) == (3, 6, 2, 3)
    assert s.rate == pytest.approx(4 / 7) and (s.reported, s.due) == (7, 10) and s.reporting == pytest.approx(0.7)
    rows = views.ranking(small_store, view()).rows.set_index("name")
    assert rows.loc[GAMMA, ["state", "text", "reported_text"]].tolist() == [
        views.NO_DATA, "belum dilaporkan", "0 dari 3 bulan-kegiatan"]
    assert rows.loc[ALPHA, ["state", "text"]].tolist() == [views.VALUE, "75,0%"]
    assert rows["reporting"].tolist() == [1.0, 1.0, 0.0]
    empty = views.summary(small_store, view(satkers=("KPU Kota Tidakada",)))
    assert (empty.offices, empty.rate, empty.rated, empty.counted, empty.reporting) == (0, None, 0, 0, None)


def test_trend_months_by_hand(small_store):
    t = views.trend(small_store, view())
    assert t.title == "Tren capaian 2024: Nasional" and t.has_data
    m = t.months.set_index("month")
    # offices with data: planned Jan 2, Feb 3, Mar 2, Jun 1; done Jan 1, Feb 2, Mar 1 (Apr is outside the plan)
    assert m["planned"].tolist() == [2, 3, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert m.loc[[1, 2, 3], "rate"].tolist() == pytest.approx([1 / 2, 2 / 3, 1 / 2])
    assert m.loc[[1, 2, 3], "rate_cum"].tolist() == pytest.approx([1 / 2, 3 / 5, 4 / 7])
    assert m.loc[[1, 2, 3], "bar_text"].tolist() == ["50%", "67%", "50%"] and m["rate"].loc[4:].isna().all()
    assert (m.loc[4:, "state"] == views.NOTHING_DUE).all() and t.shown["label"].tolist() == ["Jan", "Feb", "Mar"]
    one = views.trend(small_store, view(satkers=(GAMMA,)))
    assert one.title == "Tren capaian 2024: KPU Kota Gamma" and not one.has_data
    assert set(one.shown["state"]) == {views.NO_DATA}


def test_gantt_per_area_is_the_schedules_states(small_store):
    from rbdash.schedule import DONE, LATE, NONE, OUTSIDE, PLANNED, UNREPORTED
    per_area = views.gantt(small_store, ALPHA, 2024, 3)
    assert list(per_area) == [1, 2] and per_area[1].title == "1. Manajemen Perubahan"
    g = per_area[2]
    assert g.rows["kind"].tolist() == ["kegiatan", "act"] and g.activities == 1 and g.has_data
    assert g.states[0].tolist() == [NONE] * 12
    assert g.states[1, :6].tolist() == [NONE, DONE, NONE, OUTSIDE, NONE, PLANNED]
    assert per_area[1].states[1, :3].tolist() == [DONE, DONE, LATE]
    quiet = views.gantt(small_store, GAMMA, 2024, 3)[1]
    assert quiet.states[-1, :3].tolist() == [UNREPORTED] * 3  # nothing reported: grey, never late
    assert views.gantt(small_store, "KPU Kota Tidakada", 2024, 3) == {}


def test_opening_level_above_forty_offices():
    assert views.PROVINCE_LEVEL_ABOVE == 40
    assert views.opening_level(view(), 40) == "satker" and views.opening_level(view(), 41) == "provinsi"
    assert views.opening_level(view(province="Jawa Timur"), 120) == "satker"


def test_who_has_not_submitted_model(tmp_path):
    from rbdash import regions
    from rbdash.store import Store
    store = Store(tmp_path / "kalsel.duckdb")
    store.import_plan(make_plan("KPU Kota Banjarbaru", 2024, [(1, "K", "I", [1], [1])], has_realization=True,
                                as_of=3), actor="t")
    store.import_plan(make_plan("KPU KAB. TAPIN", 2024, [(1, "K", "I", [2], [])]), actor="t")
    store.import_plan(make_plan("KPU Kota Fiktif", 2024, [(1, "K", "I", [2], [])]), actor="t")
    ns = views.not_submitted(store, view(province="Kalimantan Selatan"))
    kalsel = 1 + sum(len(v) for v in regions.regions()["Kalimantan Selatan"].values())
    assert ns.official == kalsel and ns.counts == {"no_plan": kalsel - 2, "no_realisation": 1, "unmatched": 0}
    assert ns.title == (f"Belum mengirim (provinsi Kalimantan Selatan): {kalsel - 2} satker belum mengunggah rencana, "
                        "1 belum melaporkan realisasi")
    national = views.not_submitted(store, view())
    assert national.unmatched == ["KPU Kota Fiktif"] and national.official == len(regions.official_offices())
    per = national.per_province.set_index("province")
    assert per.loc["Kalimantan Selatan"].tolist() == [kalsel - 2, 1] and per.loc["KPU RI"].tolist() == [1, 0]
    assert per["no_plan"].is_monotonic_decreasing


# --------------------------------------------------------------------------------- models against the demo's truth

DEMO = [("KPU Provinsi Kalimantan Selatan", "monev", 11, {"as_of_month": 9, "hidden_sheet": False}),
        ("KPU Kabupaten Hulu Sungai Selatan", "monev", 17, {"as_of_month": 6, "hidden_sheet": False}),
        ("KPU Kabupaten Banjar", "sections", 12, {"hidden_sheet": False})]  # the last reports nothing


@pytest.fixture
def demo_store(tmp_path):
    """Three offices of one province written by the demo generator and imported; their truths."""
    from rbdash import demo
    from rbdash.excel import parse_workbook
    from rbdash.store import Store
    store = Store(tmp_path / "demo.duckdb")
    truths = []
    for name, family, seed, variation in DEMO:
        path = tmp_path / f"{seed}.xlsx"
        truths.append(demo.generate(path, family, name, 2023, seed, variation=variation))
        store.import_plan(parse_workbook(path), actor="test")
    yield store, truths
    store.close()


def due_done(records, area=None, as_of=6):
    """By hand from the truth: (month-kegiatan due by as_of, of them realised on schedule)."""
    recs = [r for r in records if area is None or r["area_no"] == area]
    return (sum(sum(m <= as_of for m in r["planned_months"]) for r in recs),
            sum(sum(m <= as_of and m in r.get("realized_months", ()) for m in r["planned_months"]) for r in recs))


def test_completion_heatmaps_against_the_demo_generators_truth(demo_store):
    store, truths = demo_store
    v = View(2023, None, None, 6)
    hm = views.comparison_heatmap(store, v, "satker", "area")
    for t in truths[:2]:
        for no in range(1, 9):
            due, done = due_done(t["records"], no)
            state, value, text, _ = cell(hm, t["satker"], no)
            if due:
                assert state == views.VALUE and value == pytest.approx(done / due)
            else:
                assert state == views.NOTHING_DUE and np.isnan(value) and text == "–"
        due, done = due_done(t["records"])
        assert cell(hm, t["satker"], views.TOTAL)[1] == pytest.approx(done / due)
    assert hm.rows[-1] == "KPU Kabupaten Banjar" and hm.no_data.tolist() == [False, False, True]
    # the province pools the two offices with data; Banjar's due work is reported as not reported
    provinces = views.comparison_heatmap(store, v, "provinsi", "area")
    (d1, r1), (d2, r2) = due_done(truths[0]["records"]), due_done(truths[1]["records"])
    assert provinces.rows == ("Kalimantan Selatan",)
    assert cell(provinces, "Kalimantan Selatan", views.TOTAL)[1] == pytest.approx((r1 + r2) / (d1 + d2))
    s = views.summary(store, v)
    assert s.rate == pytest.approx((r1 + r2) / (d1 + d2)) and (s.rated, s.counted) == (2, 3)
    assert (s.reported, s.due) == (d1 + d2, d1 + d2 + due_done(truths[2]["records"])[0])


def test_trend_against_the_demo_generators_truth(demo_store):
    store, truths = demo_store
    t = views.trend(store, View(2023, None, None, 6))
    records = truths[0]["records"] + truths[1]["records"]  # the offices with data
    planned = [sum(m in r["planned_months"] for r in records) for m in range(1, 13)]
    done = [sum(m in r["planned_months"] and m in r["realized_months"] for r in records) for m in range(1, 7)]
    assert t.months["planned"].tolist() == planned
    assert t.shown["realized"].tolist() == done
    assert t.shown["rate_cum"].tolist() == pytest.approx(list(np.cumsum(done) / np.cumsum(planned[:6])))


def test_coverage_heatmaps_against_the_catalogue_names_in_the_truth(demo_store):
    """Coverage = the share of the catalogue's standard kegiatan of an area the plan names (the demo
    writes the catalogue's own names, so the truth says which ones by name)."""
    from rbdash import areas
    store, truths = demo_store
    code = {(no, name): c for no, c, name in areas.standard_kegiatan()}
    totals = areas.standard_totals()
    hm = views.coverage_heatmap(store, View(2023, None, None, 6), "satker")
    assert hm.legend == "Cakupan" and hm.digits == 0 and [c.key for c in hm.columns] == list(range(1, 9))
    covered = {}
    for t in truths:
        for no in range(1, 9):
            covered[t["satker"], no] = len({code[r["area_no"], r["kegiatan"]] for r in t["records"]
                                            if r["area_no"] == no and (no, r["kegiatan"]) in code})
            state, value, text, _ = cell(hm, t["satker"], no)
            assert (state, value) == (views.VALUE, pytest.approx(covered[t["satker"], no] / totals[no]))
            assert text == f"{round(100 * value)}%"
    provinces = views.coverage_heatmap(store, View(2023, None, None, 6), "provinsi")
    for no in range(1, 9):
        pooled = sum(covered[t["satker"], no] for t in truths) / (3 * totals[no])
        assert cell(provinces, "Kalimantan Selatan", no)[1] == pytest.approx(pooled)
    counts = views.activity_counts(store, View(2023, None, (2, 5), 6)).set_index("Satker")
    assert list(counts.columns) == ["2. Deregulasi", "5. SDM Aparatur", "Total"]
    for t in truths:
        by_area = [sum(r["area_no"] == no for r in t["records"]) for no in (2, 5)]
        assert counts.loc[t["satker"]].tolist() == [*by_area, sum(by_area)]
