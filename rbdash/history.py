"""An office's history: every import, plan version, progress change, monthly report and verification
with who, when, before and after -- read from the audit trail, for the Riwayat page and its undo
button (Store.revert_change)."""

import json

import pandas as pd

from rbdash import wording

ACTIONS = {"import": "impor", "restore_version": "versi dipulihkan", "progress": "progres",
           "revert": "pembatalan progres", "report": "laporan bulanan", "unreport": "laporan bulanan ditarik",
           "verification": "verifikasi", "verification_revert": "pembatalan verifikasi"}
PROGRESS, REPORTS, CHECKS = ("progress", "revert"), ("report", "unreport"), ("verification", "verification_revert")
UNDOABLE = (*PROGRESS, *REPORTS, *CHECKS)  # Store.revert_change takes each


def changes(store, satker: str, year: int, actions=None, actor: str | None = None) -> pd.DataFrame:
    """The office's audit entries for a year, newest first, with readable before/after texts."""
    df = store.query_df(
        """SELECT l.id, l.logged_at, l.actor, l.action, l.activity_id, l.detail, pv.version,
                  COALESCE(a.indikator, a.sub_kegiatan, a.kegiatan) AS kegiatan
           FROM audit_log l LEFT JOIN plan_versions pv ON pv.id = l.plan_version_id
           LEFT JOIN activities a ON a.id = l.activity_id
           WHERE l.satker = ? AND l.year = ? AND list_contains(?::VARCHAR[], l.action)
             AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], l.action))
             AND (?::VARCHAR IS NULL OR l.actor = ?)
           ORDER BY l.id DESC""",
        [satker, year, list(ACTIONS), _list(actions), _list(actions), actor, actor])
    details = [json.loads(d or "{}") for d in df["detail"]]
    df["before"] = [_describe(a, d, "before") for a, d in zip(df["action"], details)]
    df["after"] = [_describe(a, d, "after") for a, d in zip(df["action"], details)]
    df["undoable"] = df["action"].isin(UNDOABLE)
    return df.drop(columns="detail")


def versions(store, satker: str, year: int) -> pd.DataFrame:
    """Every plan version of the office for a year (the current one flagged), newest first."""
    return store.query_df(
        """SELECT pv.version, pv.imported_at, pv.imported_by, pv.source_name, pv.activity_count,
                  pv.version = max(pv.version) OVER () AS current
           FROM plan_versions pv JOIN satker s ON s.id = pv.satker_id
           WHERE s.name = ? AND pv.year = ? ORDER BY pv.version DESC""", [satker, year])


def _describe(action, detail, side):
    """A change's before or after as one line of Indonesian text."""
    if action in CHECKS:
        return wording.verification_states(detail.get(side) or {})
    if action in REPORTS:  # a report sent ("report") or taken back ("unreport") for one month
        sent = (action == "report") == (side == "after")
        return wording.report_state(detail.get("month"), sent)
    if action in PROGRESS:
        values = detail.get(side) or {}
        return wording.realisation(values.get("realized_months"), values.get("evidence_url"), values.get("note"))
    if action == "import":
        if side == "before":
            return f"versi {detail['previous_version']}" if detail.get("previous_version") else "belum ada rencana"
        return f"versi {detail.get('version')}: {detail.get('file')}, {detail.get('activities')} kegiatan"
    if action == "restore_version":
        if side == "before":
            return f"versi {detail.get('previous_version')}"
        return f"versi {detail.get('version')} (salinan versi {detail.get('restored_version')})"
    return ""


def _list(values):
    return None if values is None else list(values)
