"""What the Verifikasi page lists and what Progres tells an office about its rejected months
(rbdash.store.verification holds the states and the rules).

``queue``: the reported months awaiting a check in a province (or the nation, for an admin), one
row per (activity, month), oldest report first; ``rejections``: an office's rejected months with the
reasons; ``queue_table``: the queue as the page's table (words; the evidence as a link column).
"""

import pandas as pd

from rbdash import schedule, wording
from rbdash.store.verification import REJECTED

QUEUE_COLUMNS = ["activity_id", "month", "revision", "satker", "province", "area_no", "kegiatan", "indikator",
                 "evidence_url", "note", "reported_at", "reported_by"]


def queue(store, year, province=None, satkers=None, months=None) -> pd.DataFrame:
    """The realised months of the latest plans of ``year`` that the office has reported (its monthly
    report sent, or a monitoring import: issue 23.1; a month ticked but not reported counts in neither
    rate, so there is nothing to check yet) and nobody has checked (state ``dilaporkan``), of the offices of ``province`` (None: every office) and, when given, of the
    offices ``satkers`` and the ``months``; oldest report first (the progress's last save), then
    office, activity and month.  Columns: QUEUE_COLUMNS (``revision``: what a check must name)."""
    acts = store.query_df(
        """SELECT a.id AS activity_id, a.seq, p.revision, s.name AS satker, s.province, a.area_no, a.kegiatan,
                  COALESCE(a.indikator, a.sub_kegiatan) AS indikator, p.evidence_url, p.note,
                  p.updated_at AS reported_at, p.updated_by AS reported_by,
                  p.realized_mask & COALESCE(r.mask, 0) AS realized_mask, COALESCE(c.checked_mask, 0) AS checked_mask
           FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           JOIN activities a ON a.plan_version_id = lv.id JOIN progress p ON p.activity_id = a.id
           LEFT JOIN reported_masks r ON r.satker_id = lv.satker_id AND r.year = lv.year
           LEFT JOIN (SELECT activity_id, bit_or(1 << (month - 1)) AS checked_mask FROM verifications
                      GROUP BY activity_id) c ON c.activity_id = a.id
           WHERE lv.year = ? AND (?::VARCHAR IS NULL OR s.province = ?)
             AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
             AND (p.realized_mask & COALESCE(r.mask, 0) & ~COALESCE(c.checked_mask, 0)) <> 0""",
        [year, province, province, _list(satkers), _list(satkers)])
    rows = []
    wanted = None if months is None else {int(m) for m in months}
    for rec in acts.to_dict("records"):
        for m in schedule.mask_to_months(int(rec["realized_mask"]) & ~int(rec["checked_mask"])):
            if wanted is None or m in wanted:
                rows.append({**rec, "month": m})
    df = pd.DataFrame(rows, columns=[*QUEUE_COLUMNS, "seq"])
    df = df.sort_values(["reported_at", "satker", "seq", "month"], kind="stable", na_position="first")
    return df[QUEUE_COLUMNS].reset_index(drop=True)


def filtered(q: pd.DataFrame, satkers=None, months=None) -> pd.DataFrame:
    """The queue rows of the offices ``satkers`` and the ``months`` (empty or None: all), renumbered
    from 0 (the page picks rows by position)."""
    keep = pd.Series(True, index=q.index)
    if satkers:
        keep &= q["satker"].isin(list(satkers))
    if months:
        keep &= q["month"].isin([int(m) for m in months])
    return q[keep].reset_index(drop=True)


def queue_table(q: pd.DataFrame) -> pd.DataFrame:
    """The queue as the Verifikasi page shows it: words, the evidence as a link (the page's link column
    opens it in a new tab), oldest first."""
    return pd.DataFrame({
        wording.SATKER: q["satker"], wording.MONTH: [wording.month(m) for m in q["month"]],
        wording.AREA: q["area_no"].astype("Int64"), wording.INDIKATOR: q["indikator"].fillna(wording.NO_DESCRIPTION),
        wording.EVIDENCE: q["evidence_url"].where(q["evidence_url"].notna(), None), wording.NOTE: q["note"].fillna(""),
        wording.REPORTED_AT: [wording.date_time(t) for t in q["reported_at"]]})


def rejections(store, satker, year) -> dict:
    """{activity id: [(month, reason), ...]} of the office's latest plan: the months a province
    rejected and the office has not resubmitted yet (Progres shows them with the reasons)."""
    df = store.query_df(
        """SELECT v.activity_id, v.month, v.reason FROM verifications v
           JOIN activities a ON a.id = v.activity_id JOIN latest_versions lv ON lv.id = a.plan_version_id
           JOIN satker s ON s.id = lv.satker_id
           WHERE s.name = ? AND lv.year = ? AND v.state = ? ORDER BY a.seq, v.month""", [satker, year, REJECTED])
    out = {}
    for aid, m, reason in df.itertuples(index=False):
        out.setdefault(int(aid), []).append((int(m), reason))
    return out


def items(q: pd.DataFrame, positions) -> list:
    """(activity id, month, revision) of the queue's rows at ``positions``: what Store.verify/reject take."""
    picked = q.iloc[list(positions)]
    return [(int(a), int(m), int(r)) for a, m, r in zip(picked["activity_id"], picked["month"], picked["revision"])]


def _list(values):
    return None if values is None else list(values)
