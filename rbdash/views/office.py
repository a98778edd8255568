"""One office's plan: its figures (OfficeSummary), its Gantt per area (GanttView) and its activity table.

Each month cell's state is schedule.cell_states' (planned, realised, late, realised outside the
schedule, not reported), and the office's counts are metrics.completion's, so a Gantt never reads differently from
the comparison of offices.
"""

import numpy as np
import pandas as pd

from rbdash import metrics, wording
from rbdash.schedule import ALL_MONTHS, LATE, NONE, cell_states, due_mask, mask_text, mask_to_months
from rbdash.views.models import GanttView, OfficeSummary

GANTT_ROWS = 12  # activities on an office's slide: more cannot be read from the back of a room


def office_summary(store, satker, year, as_of, area_nos=None) -> OfficeSummary | None:
    """The office's plan and figures up to ``as_of`` in the areas ``area_nos`` (None: all), or None
    when it has no plan for the year.  ``late`` = due, reported and not realised (schedule's LATE
    cells); the figures count the months the office reported only."""
    header = metrics.plan_header(store, satker, year)
    if header is None:
        return None
    df = metrics.completion(store, as_of, year=year, by=("satker",), satkers=[satker], areas_=area_nos)
    row = df.iloc[0] if len(df) else None
    has = row is not None and bool(row["has_data"])
    planned = int(row["planned"]) if row is not None else 0
    realized = int(row["realized"]) if row is not None and bool(row["has_data"]) else None
    return OfficeSummary(
        satker=satker, year=year, as_of=int(as_of),
        activities=metrics.overview(store, year, [satker], area_nos)["activities"],
        plan_activities=int(header["activity_count"] or 0), planned=planned, realized=realized,
        late=planned - realized if realized is not None else None,
        rate=float(row["rate"]) if realized is not None and planned else None, has_data=has,
        version=int(header["version"]), source_name=header["source_name"], imported_at=header["imported_at"],
        imported_by=header["imported_by"],
        reported_months=tuple(mask_to_months(header["reported_mask"] & due_mask(as_of))))


# --------------------------------------------------------------------------------- the Gantt

def gantt_rows(acts) -> pd.DataFrame:
    """Order activities area > kegiatan > sub kegiatan (by first appearance) and add heading rows.

    Returns a frame with ``kind`` ("kegiatan", "sub", "act"), ``label`` and, for "act" rows, the
    activity columns.  Vectorised ordering; the loop only walks one office's rows.
    """
    if acts.empty:
        return acts.assign(kind=[], label=[])
    a = acts.copy()
    for c in ("kegiatan", "sub_kegiatan", "indikator"):
        a[c] = a[c].fillna("").astype(str)
    a["_area"] = a["area_no"].fillna(99).astype(int)
    a["_k"] = a.groupby(["_area", "kegiatan"], sort=False)["seq"].transform("min")
    a["_s"] = a.groupby(["_area", "kegiatan", "sub_kegiatan"], sort=False)["seq"].transform("min")
    a = a.sort_values(["_area", "_k", "_s", "seq"], kind="stable")
    out, last_k, last_s = [], None, None
    for rec in a.to_dict("records"):
        k, s, ind = rec["kegiatan"], rec["sub_kegiatan"], rec["indikator"]
        if (rec["_area"], k) != last_k:
            last_k, last_s = (rec["_area"], k), None
            if k:
                out.append({"kind": "kegiatan", "label": k, "kegiatan": k})
        if s and s != ind and (rec["_area"], k, s) != last_s:
            last_s = (rec["_area"], k, s)
            out.append({"kind": "sub", "label": s, "kegiatan": k, "sub_kegiatan": s})
        out.append({**rec, "kind": "act", "label": ind or s or k or wording.NO_DESCRIPTION})
    return pd.DataFrame(out).drop(columns=["_area", "_k", "_s"], errors="ignore")


def gantt_of(acts, as_of, reported=ALL_MONTHS, title="", satker="") -> GanttView:
    """A GanttView of activity rows (metrics.plan_activities' columns); ``reported``: the office's
    reported months (a mask, metrics.plan_header's ``reported_mask``)."""
    rows = gantt_rows(acts)
    is_act = (rows["kind"] == "act").to_numpy() if len(rows) else np.zeros(0, dtype=bool)
    states = np.full((len(rows), 12), NONE)
    if is_act.any():
        act_rows = rows[is_act]
        states[is_act] = cell_states(act_rows["planned_mask"], act_rows["realized_mask"], as_of, reported)
    has_data = bool(int(reported) & due_mask(as_of))
    return GanttView(satker=satker, as_of=int(as_of), has_data=has_data, title=title, rows=rows, states=states,
                     activities=int(is_act.sum()))


def gantt(store, satker, year, as_of, area_nos=None) -> dict:
    """{area number (0: without area): GanttView} of the office's plan, in area order."""
    header = metrics.plan_header(store, satker, year)
    if header is None:
        return {}
    acts = metrics.plan_activities(store, satker, year, area_nos)
    return {no: gantt_of(group, as_of, header["reported_mask"], title=wording.area_label(no), satker=satker)
            for no, group in acts.groupby(acts["area_no"].fillna(0).astype(int), sort=True)}


def late_first(acts, as_of, reported, limit=GANTT_ROWS):
    """(the activities an office's slide shows, the sentence saying which): those with a late month
    (schedule.cell_states, the Gantt's own rule) in plan order, else the first ones of the plan; at
    most ``limit`` -- the whole Gantt is on the app's Gantt page."""
    if acts.empty:
        return acts, "Tidak ada kegiatan."
    late = (cell_states(acts["planned_mask"], acts["realized_mask"], as_of, reported) == LATE).any(axis=1)
    n = len(acts)
    if late.any():
        shown = acts[late].head(limit)
        return shown, (f"Gantt: {len(shown)} dari {int(late.sum())} kegiatan yang terlambat"
                       f" (semua {n} kegiatan di halaman Gantt)")
    shown = acts.head(limit)
    return shown, f"Gantt: {len(shown)} kegiatan pertama dari {n} (semua di halaman Gantt)"


def gantt_excerpt(store, satker, year, as_of, limit=GANTT_ROWS):
    """(GanttView of the activities an office's slide shows, the sentence saying which): late_first."""
    header = metrics.plan_header(store, satker, year)
    reported = header["reported_mask"] if header else 0
    shown, what = late_first(metrics.plan_activities(store, satker, year), as_of, reported, limit)
    return gantt_of(shown, as_of, reported, title=satker, satker=satker), what


def plan_table(store, satker, year, area_nos=None) -> pd.DataFrame:
    """The office's activities as a table: area, texts, schedule and realisation in words, evidence,
    note and where each stands in its workbook."""
    acts = metrics.plan_activities(store, satker, year, area_nos)
    return pd.DataFrame({
        wording.AREA: acts["area_no"], wording.KEGIATAN: acts["kegiatan"], wording.SUB_KEGIATAN: acts["sub_kegiatan"],
        wording.INDIKATOR: acts["indikator"], wording.SCHEDULE: acts["planned_mask"].map(mask_text),
        "Realisasi": acts["realized_mask"].map(mask_text), wording.EVIDENCE: acts["evidence_url"],
        wording.NOTE: acts["note"], "Lembar": acts["sheet"], wording.ROW: acts["row"]})
