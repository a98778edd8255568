"""The Progres page's editor: one office's activities with a cell per month to tick, the evidence
link and a note; and which rows an edited copy changed.  The marks come from the masks through
schedule.mask_bits (no mask arithmetic here)."""

import numpy as np
import pandas as pd

from rbdash import metrics, schedule, wording
from rbdash.wording import MONTHS


def plan(store, satker, year, area_nos=None):
    """(the office's latest plan (metrics.plan_header) or None, its activities with their progress)."""
    return metrics.plan_header(store, satker, year), metrics.plan_activities(store, satker, year, area_nos)


MONTH_COLUMNS = MONTHS
EVIDENCE, NOTE = wording.EVIDENCE, wording.NOTE
# month cells of the Progres editor: the planned months are visible where one ticks (issue 13.2)
DONE_MARK, PLANNED_MARK = wording.DONE_MARK, wording.PLANNED_MARK
PLAN = "_plan"  # hidden column: the planned mask, to redraw the marks after a save


def month_marks(planned_masks, realized_masks) -> np.ndarray:
    """n×12 cell values: '✓' realised, '○' planned and not (yet) realised, '' neither."""
    planned, realized = schedule.mask_bits(planned_masks), schedule.mask_bits(realized_masks)
    return np.where(realized == 1, DONE_MARK, np.where(planned == 1, PLANNED_MARK, "")).astype(object)


def _done(values):
    """Realised cells of an editor column: the done mark (or True from a checkbox-style edit)."""
    return np.array([v is True or v == DONE_MARK for v in values], dtype=bool)


def progress_frame(acts):
    """The Progres editor's table: context columns, one checkbox per month, evidence, note.

    Indexed by activity id, so an edited copy maps back to activities whatever the display order.
    """
    marks = month_marks(acts["planned_mask"], acts["realized_mask"]).reshape(len(acts), 12)
    df = pd.DataFrame({
        wording.AREA: acts["area_no"].astype("Int64").to_numpy(), wording.KEGIATAN: acts["kegiatan"].to_numpy(),
        wording.INDIKATOR: acts["indikator"].fillna(acts["sub_kegiatan"]).to_numpy(),
        wording.SCHEDULE: [schedule.mask_text(m) for m in acts["planned_mask"]],
        wording.SOURCE: [wording.source_row(s, r) for s, r in zip(acts["sheet"], acts["row"])],
    }, index=pd.Index(acts["id"].to_numpy(), name="id"))
    for m, name in enumerate(MONTH_COLUMNS):
        df[name] = marks[:, m]
    df[PLAN] = acts["planned_mask"].astype(int).to_numpy()
    df[EVIDENCE] = acts["evidence_url"].fillna("").to_numpy(dtype=object)
    df[NOTE] = acts["note"].fillna("").to_numpy(dtype=object)
    return df


def _norm_text(series):
    return series.fillna("").astype(str).str.strip()


def progress_changes(base, edited):
    """Rows of ``edited`` whose months, evidence or note differ from ``base`` (vectorised).

    Returns (activity id, realised months list, evidence, note) tuples; the editor only runs
    browser-side checks, so values are normalised here and validated by Store.save_progress.
    """
    edited = edited.reindex(base.index)
    cols = list(MONTH_COLUMNS)
    b = np.column_stack([_done(base[c]) for c in cols])
    e = np.column_stack([_done(edited[c]) for c in cols])
    changed = (b != e).any(axis=1)
    for col in (EVIDENCE, NOTE):
        changed |= (_norm_text(base[col]) != _norm_text(edited[col])).to_numpy()
    out = []
    ev, note = _norm_text(edited[EVIDENCE]), _norm_text(edited[NOTE])
    for i in np.flatnonzero(changed):
        out.append((int(base.index[i]), [m + 1 for m in np.flatnonzero(e[i])], ev.iloc[i], note.iloc[i]))
    return out


def report_choices(reported_mask, as_of) -> tuple[list, list, int]:
    """The Progres page's monthly report: (months reported, months that may still be sent, the index of
    the one offered first -- the earliest month up to ``as_of`` not yet reported, else the first)."""
    reported = schedule.mask_to_months(reported_mask)
    open_months = [m for m in range(1, 13) if m not in reported]
    first = next((i for i, m in enumerate(open_months) if m <= int(as_of)), 0)
    return reported, open_months, first


def unreported_due(reported_mask, as_of) -> list:
    """Months 1..as_of the office has not reported (their cells count in no rate: schedule.UNREPORTED)."""
    return [m for m in range(1, int(as_of) + 1) if m not in schedule.mask_to_months(reported_mask)]
