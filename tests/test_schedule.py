"""The schedule rules: masks, cell states, month texts -- and one set of figures everywhere."""

import numpy as np
import pytest

from app_fixtures import make_plan, small_store  # noqa: F401 (fixtures)
from rbdash import metrics, schedule, views, wording
from rbdash.views import View
from rbdash.schedule import DONE, LATE, NONE, OUTSIDE, PLANNED, UNREPORTED


def mask(*months):
    return sum(1 << (m - 1) for m in months)


@pytest.mark.parametrize("months, value", [([], 0), ([1], 1), ([1, 2, 3], 7), ([12], 2048), (list(range(1, 13)), 4095)])
def test_masks_round_trip(months, value):
    assert schedule.months_to_mask(months) == value
    assert schedule.mask_to_months(value) == months
    assert schedule.mask_bits([value])[0].tolist() == [int(m in months) for m in range(1, 13)]


def test_month_texts_are_indonesian():
    assert schedule.months_text([1, 2, 3, 6, 8, 9]) == "Jan–Mar, Jun, Agu–Sep"
    assert schedule.months_text([]) == "" and schedule.mask_text(mask(12)) == "Des"
    assert schedule.MONTHS[4] == "Mei" and schedule.MONTHS[7] == "Agu" and wording.month(12) == "Des"
    assert schedule.mask_to_months(None) == []


def test_cell_states():
    states = schedule.cell_states([mask(1, 2, 3, 10), mask(5)], [mask(1, 4), 0], as_of=3)
    assert states[0].tolist() == [DONE, LATE, LATE, OUTSIDE, NONE, NONE, NONE, NONE, NONE, PLANNED, NONE, NONE]
    assert states[1, 4] == PLANNED
    # issue 23.1: a month the office has not reported is "belum dilaporkan", never late, ticked or not
    quiet = schedule.cell_states([mask(1, 2, 5)], [0], as_of=3, reported=0)
    assert quiet[0, :5].tolist() == [UNREPORTED, UNREPORTED, NONE, NONE, PLANNED]
    partial = schedule.cell_states([mask(1, 2, 3, 10)], [mask(1, 2)], as_of=3, reported=mask(1, 3))
    assert partial[0].tolist() == [DONE, UNREPORTED, LATE, *[NONE] * 6, PLANNED, NONE, NONE]
    with pytest.raises(TypeError):
        schedule.cell_states([mask(1)], [0], as_of=3, reported=True)  # a mask, not a flag


def _view(**kw):
    return View(**{"year": 2024, "satkers": None, "areas": None, "as_of": 3, **kw})


@pytest.mark.parametrize("satker", ["KPU Kota Alpha", "KPU Kota Beta", "KPU Kota Gamma"])
@pytest.mark.parametrize("area_nos", [None, (1,), (2, 3)])
def test_gantt_summary_heatmap_and_completion_agree(small_store, satker, area_nos):
    """One office's figures are the same whichever page shows them: the Gantt's cells counted,
    the Gantt's summary tiles, the comparison heatmap's cell, and the CLI's completion."""
    as_of = 3
    acts = metrics.plan_activities(small_store, satker, 2024, area_nos)
    header = metrics.plan_header(small_store, satker, 2024)
    states = schedule.cell_states(acts["planned_mask"], acts["realized_mask"], as_of, header["reported_mask"])
    has_data = bool(header["reported_mask"] & schedule.due_mask(as_of))
    # the rate counts the reported months (done or late); an office that reported none: its due months
    due = ((states[:, :as_of] == DONE).sum() + (states[:, :as_of] == LATE).sum() if has_data
           else (states[:, :as_of] == UNREPORTED).sum())
    summary = views.office_summary(small_store, satker, 2024, as_of, area_nos)
    hm = views.comparison_heatmap(small_store, _view(areas=area_nos), "satker", "area")
    total = {name: (hm.value[i, -1], hm.text[i, -1]) for i, name in enumerate(hm.rows)}  # the Total column
    cli = metrics.completion(small_store, as_of, year=2024, areas_=area_nos).set_index("satker")
    if summary.planned == 0:
        assert due == 0 and satker not in total
        return
    assert summary.planned == due == cli.loc[satker, "planned"]
    if has_data:
        assert summary.realized == (states == DONE)[:, :as_of].sum() == cli.loc[satker, "realized"]
        assert summary.late == (states == LATE).sum()
        assert summary.rate == pytest.approx(cli.loc[satker, "rate"]) == pytest.approx(total[satker][0])
        assert total[satker][1] == wording.pct(summary.rate)
    else:
        assert summary.rate is None and total[satker][1] == "belum dilaporkan"
        assert (states == LATE).sum() == 0


def test_the_sql_fragments_are_the_numpy_rules():
    """metrics' SQL takes its mask arithmetic from schedule (sql_*): on every mask it agrees with
    mask_bits / due_mask, month by month."""
    import duckdb
    masks = list(range(4096))
    planned = [(m * 2654435761) % 4096 for m in masks]  # a second mask per row, scrambled
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT unnest(?::INTEGER[]) AS r, unnest(?::INTEGER[]) AS p", [masks, planned])
    for as_of in (1, 6, 12):
        due = schedule.due_mask(as_of)
        cols = [schedule.sql_count("r"), schedule.sql_due("p", "?"), schedule.sql_count(schedule.sql_done("p", "r", "?")),
                *[schedule.sql_in_month("r", str(m)) for m in range(1, 13)]]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM t ORDER BY r", [due, due]).fetchall()
        bits_r, bits_p = schedule.mask_bits(masks), schedule.mask_bits(planned)
        months_due = np.arange(1, 13) <= as_of
        for i, row in enumerate(rows):
            assert row[0] == bits_r[i].sum()
            assert schedule.mask_to_months(row[1]) == [m for m in range(1, 13) if bits_p[i, m - 1] and m <= as_of]
            assert row[2] == (bits_p[i] & bits_r[i] & months_due).sum()
            assert list(row[3:]) == bits_r[i].tolist()
