"""AppTest of Gantt: the office in focus, every activity's months as the schedule's states, areas sent
only once opened."""

import numpy as np
import pandas as pd
import pytest

from app_fixtures import (charts, grids, metrics, sample_db, sample_db_file, start,  # noqa: F401 (fixtures)
                          warm_server)
from rbdash import metrics as core, schedule
from rbdash.grids import GANTT_MARKS
from rbdash.store import Store

pytestmark = pytest.mark.usefixtures("warm_server")


def test_gantt_follows_first_selected_satker(sample_db):
    at = start("pages/gantt.py", tahun="2023", satker=["KPU Kabupaten Tapin", "KPU Kota Banjarbaru"])
    assert at.selectbox(key="fokus").value == "KPU Kabupaten Tapin"
    assert at.selectbox(key="fokus").options == ["KPU Kabupaten Tapin", "KPU Kota Banjarbaru"]
    assert at.query_params["fokus"] == "KPU Kabupaten Tapin"


def test_gantt_grid_has_every_activity_and_marker(sample_db):
    satker = "KPU Provinsi Kalimantan Selatan"
    at = start("pages/gantt.py", tahun="2023", fokus=satker)
    n = int(metrics(at)["Kegiatan"])
    shown = grids(at)
    assert not charts(at) and len(shown) == len(at.expander) - 1  # one grid per area, plus the table expander
    activities = pd.concat([values[values["Sumber"] != ""] for values, _, _ in shown])
    assert len(activities) == n
    # every activity's months are its schedule's states as of Sep, found by its source row
    acts = core.plan_activities(Store(sample_db), satker, 2023).set_index("row")
    header = core.plan_header(Store(sample_db), satker, 2023)
    rows = activities["Sumber"].str.extract(r"^baris (\d+) · ")[0].astype(int)
    states = schedule.cell_states(acts.loc[rows, "planned_mask"], acts.loc[rows, "realized_mask"], 9,
                                  header["reported_mask"])
    marks = np.vectorize(lambda s: GANTT_MARKS.get(s, ""))(states)
    assert (activities[list(schedule.MONTHS)].to_numpy() == marks).all() and (marks == "✗").any()


def test_gantt_sends_a_closed_areas_chart_only_once_it_is_opened(sample_db):
    """Above OPEN_ALL_UP_TO activities only the first area is open; the others' charts are not sent
    (lazy expanders) until opened, and then carry that area's activities."""
    store = Store(sample_db)
    acts = core.plan_activities(store, "KPU Kabupaten Barito Kuala", 2023)
    areas_ = sorted(acts["area_no"].fillna(0).astype(int).unique())
    assert len(acts) > 60 and len(areas_) > 1
    at = start("pages/gantt.py", tahun="2023", fokus="KPU Kabupaten Barito Kuala")
    assert len(at.expander) == len(areas_) + 1 and len(grids(at)) == 1
    second = areas_[1]
    at.session_state[f"gantt_area_{second}"] = True
    at.run()
    shown = grids(at)
    assert len(shown) == 2
    rows = shown[1][0]["Sumber"].ne("").sum()
    assert rows == int((acts["area_no"].fillna(0).astype(int) == second).sum())
