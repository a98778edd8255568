"""The views layer (rbdash.views) and the read layer under it (rbdash.metrics) against a small hand-made
store: each model compared with figures computed by hand from the plans of app_fixtures.small_store."""

import datetime as dt
import math

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
    """Alpha and Beta report through their files (all due work reported); Gamma reports nothing until
    one activity is ticked on Progres: then exactly that activity's due months count as reported."""
    rows = by_satker(completion(small_store, view()))
    assert [(rows[s]["reported"], rows[s]["due"]) for s in ("KPU Kota Alpha", "KPU Kota Beta", "KPU Kota Gamma")] \
        == [(4, 4), (3, 3), (0, 3)]
    gamma_c1 = int(small_store.query_df(
        "SELECT a.id FROM activities a JOIN latest_versions lv ON lv.id = a.plan_version_id "
        "JOIN satker s ON s.id = lv.satker_id WHERE s.name = 'KPU Kota Gamma' AND a.area_no = 1").iloc[0, 0])
    small_store.save_progress(gamma_c1, [1], None, None, 0, "tester")
    rows = by_satker(completion(small_store, view()))
    gamma = rows["KPU Kota Gamma"]
    assert (gamma["reported"], gamma["due"], gamma["realized"], gamma["planned"]) == (3, 3, 1, 3)
    summary = views.summary(small_store, view())
    assert (summary.reported, summary.due) == (10, 10)
    assert wording.reporting(3, 1400) == "dilaporkan 3 dari 1.400 bulan-kegiatan"


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
