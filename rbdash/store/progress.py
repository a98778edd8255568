"""Progress edits: one activity's realised months, evidence link and note, saved with the revision
the editor loaded (a concurrent edit is refused, never overwritten), and undone by a new edit that
puts back what an earlier one replaced.  Every save is a resubmission for verification: its rejected
and changed months await checking again (rbdash.store.verification)."""

import json

from rbdash import validate, wording
from rbdash.accounts import User
from rbdash.errors import ConflictError, ValidationError
from rbdash.schedule import mask_to_months, months_to_mask
from rbdash.store import counts
from rbdash.store.base import StoreCore
from rbdash.store.common import as_user, now, one, run
from rbdash.store.verification import reset_on_resubmit


class ProgressMixin(StoreCore):
    def save_progress(self, activity_id: int, realized_months, evidence_url: str | None, note: str | None,
                      expected_revision: int, actor: User | str) -> int:
        """Save one activity's realisation; refuse if someone saved it since ``expected_revision``
        (the revision the editor loaded, 0 when there was no progress row) or if ``actor`` may not
        edit this office.  Returns the new revision."""
        months = validate.months(realized_months)
        values = {"realized_months": months, "evidence_url": validate.evidence_url(evidence_url),
                  "note": validate.note(note)}
        with self.transaction() as con:
            return self._write_progress(con, as_user(actor), activity_id, values, expected_revision, "progress", {})

    def revert_progress(self, audit_id: int, actor: User | str) -> int:
        """Undo the progress change recorded as audit entry ``audit_id``: its "before" values are
        saved as a new, audited change.  Refused (conflict) when the activity changed since."""
        user = as_user(actor)
        with self.transaction() as con:
            entry = one(con, "SELECT activity_id, action, detail FROM audit_log WHERE id = ?", [audit_id])
            if entry is None or entry[1] not in ("progress", "revert"):
                raise ValidationError("unknown_change", change=audit_id)
            activity_id, _, detail = entry
            detail = json.loads(detail)
            cur = one(con, "SELECT revision, realized_mask, evidence_url, note FROM progress WHERE activity_id = ?",
                      [activity_id])
            now_values = {"realized_months": mask_to_months(cur[1]) if cur else [],
                          "evidence_url": cur[2] if cur else None, "note": cur[3] if cur else None}
            if now_values != detail["after"]:
                raise ConflictError("revert_stale", change=audit_id)
            return self._write_progress(con, user, activity_id, detail["before"], cur[0] if cur else 0, "revert",
                                        {"reverts": audit_id})

    def _write_progress(self, con, user, activity_id, values, expected_revision, action, extra):
        act = one(con, """SELECT s.name, s.province, pv.year, pv.id, a.area_no, a.planned_mask
                          FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id
                          JOIN satker s ON s.id = pv.satker_id WHERE a.id = ?""", [activity_id])
        if act is None:
            raise ValidationError("unknown_activity", activity_id=activity_id)
        satker, province, year, pv_id, area_no, planned_mask = act
        user.check_write(satker, province)
        cur = one(con, "SELECT revision, updated_by, updated_at, realized_mask, evidence_url, note "
                       "FROM progress WHERE activity_id = ?", [activity_id])
        current_rev = cur[0] if cur else 0
        if current_rev != expected_revision:
            if cur is None:
                raise ConflictError("conflict_gone", activity_id=activity_id)
            raise ConflictError("conflict", activity_id=activity_id, by=cur[1] or "?", at=str(cur[2])[:19],
                                at_id=wording.date_time(cur[2]) or "?")
        mask, when = months_to_mask(values["realized_months"]), now()
        source = "edit" if action == "progress" else action
        if cur is None:
            run(con, "INSERT INTO progress VALUES (?, ?, ?, ?, NULL, ?, 1, ?, ?)",
                [activity_id, mask, values["evidence_url"], values["note"], source, when, user.username])
        else:
            run(con, """UPDATE progress SET realized_mask = ?, evidence_url = ?, note = ?, source = ?,
                           revision = revision + 1, updated_at = ?, updated_by = ?
                        WHERE activity_id = ? AND revision = ?""",
                [mask, values["evidence_url"], values["note"], source, when, user.username, activity_id,
                 expected_revision])
        counts.progress_written(con, pv_id, area_no, planned_mask, cur[3] if cur else None, mask)
        before = {"realized_months": mask_to_months(cur[3]) if cur else [],
                  "evidence_url": cur[4] if cur else None, "note": cur[5] if cur else None}
        reset = reset_on_resubmit(con, activity_id, cur[3] if cur else 0, mask)  # a new report: checked again
        if reset:
            extra = {**extra, "verification_reset": reset}
        self.audit(con, user, action, satker, year, pv_id, activity_id, {**extra, "before": before, "after": values})
        return current_rev + 1
