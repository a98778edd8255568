"""Verification of reported realisation: a province account (for its own offices) or an admin checks
each realised month of an activity against its evidence and marks it verified or rejected (with a
reason the office can act on).

States per (activity, month) of a month the office reported as realised (``progress.realized_mask``):

- ``dilaporkan``     reported, awaiting a check (the default: no row in ``verifications``);
- ``terverifikasi``  checked against the evidence and accepted;
- ``ditolak``        checked and refused, with a reason.

Each check records who, when and the progress revision it looked at; a check of a revision the office
has replaced since is refused (ConflictError), never applied to what the checker did not see.  The
store enforces who may check whom (``User.check_verify``) inside the write transaction, as it does for
progress saves.  Every change is audited ("verification": before and after of each month) and
undone like a progress change (``revert_verification``, a new audited change).

The resubmission rule: when the office saves a new revision of an activity's progress (it corrects
and resubmits), its rejected months, and every month whose realisation changed (ticked or unticked),
go back to ``dilaporkan`` -- a new report needs checking again; verified months whose realisation
did not change stay verified (a corrected note or evidence link alone does not undo a check of the
months).  The reset is written by ``ProgressMixin._write_progress`` (``reset_on_resubmit``) in the
same transaction, and listed in that progress change's audit entry.  A verification belongs to an
activity of one plan version: a new version (an import, a version made current again) is a new
report whose months await checking again.
"""

import json

from rbdash import validate, wording
from rbdash.accounts import User
from rbdash.errors import ConflictError, ValidationError
from rbdash.schedule import mask_to_months
from rbdash.store.base import StoreCore
from rbdash.store.common import as_user, now, one, run

REPORTED, VERIFIED, REJECTED = "dilaporkan", "terverifikasi", "ditolak"
STATES = (REPORTED, VERIFIED, REJECTED)
ACTIONS = ("verification", "verification_revert")


class VerificationMixin(StoreCore):
    def verify(self, items, actor: User | str) -> int:
        """Mark months verified: ``items`` are (activity id, month, progress revision checked).
        Returns how many months changed state.  One transaction: all or nothing."""
        return self._judge(items, VERIFIED, None, actor)

    def reject(self, items, reason: str, actor: User | str) -> int:
        """Mark months rejected with ``reason`` (required: the office must know what to correct)."""
        reason = validate.note((reason or "").strip() or None)
        if not reason:
            raise ValidationError("reason_needed")
        return self._judge(items, REJECTED, reason, actor)

    def _judge(self, items, state, reason, actor) -> int:
        user = as_user(actor)
        by_activity: dict[int, dict] = {}
        for activity_id, month, revision in items:
            month = validate.months([month])[0]
            want = by_activity.setdefault(int(activity_id), {"revision": int(revision), "months": set()})
            if want["revision"] != int(revision):  # two revisions of one activity: one of them is not current
                want["revision"] = -1
            want["months"].add(month)
        changed = 0
        with self.transaction() as con:
            for activity_id, want in by_activity.items():
                satker, year, pv_id, revision, mask = self._checked_activity(con, user, activity_id)
                if revision != want["revision"]:
                    raise ConflictError("verify_stale", activity_id=activity_id)
                months = sorted(want["months"])
                for m in months:
                    if not mask >> (m - 1) & 1:
                        raise ValidationError("month_not_reported", activity_id=activity_id, month=m,
                                              month_id=wording.month_long(m))
                before = self._states(con, activity_id, months)
                after = {m: {"state": state, "reason": reason, "revision": revision} for m in months}
                moved = [m for m in months if _same(before.get(m)) != _same(after[m])]
                if not moved:
                    continue
                self._put_states(con, user, activity_id, {m: after[m] for m in moved})
                self.audit(con, user, "verification", satker, year, pv_id, activity_id,
                           {"state": state, "reason": reason, "revision": revision, "months": moved,
                            "before": {str(m): before.get(m) for m in moved},
                            "after": {str(m): after[m] for m in moved}})
                changed += len(moved)
        return changed

    def revert_verification(self, audit_id: int, actor: User | str) -> int:
        """Undo the verification change recorded as audit entry ``audit_id``: its months get their
        "before" states back, as a new audited change.  Refused (conflict) when those months changed
        since (checked again, or reset by a resubmission), or when it would put a check back on a
        report the office replaced since (a new progress revision nobody checked).  Returns the
        number of months restored."""
        user = as_user(actor)
        with self.transaction() as con:
            entry = one(con, "SELECT activity_id, action, detail FROM audit_log WHERE id = ?", [audit_id])
            if entry is None or entry[1] not in ACTIONS:
                raise ValidationError("unknown_change", change=audit_id)
            activity_id, _, detail = entry
            detail = json.loads(detail)
            satker, year, pv_id, revision, _ = self._checked_activity(con, user, activity_id)
            months = sorted(int(m) for m in detail["after"])
            now_states = self._states(con, activity_id, months)
            if any(_same(now_states.get(m)) != _same(detail["after"][str(m)]) for m in months):
                raise ConflictError("revert_stale", change=audit_id)
            restore = {m: detail["before"][str(m)] for m in months}
            if revision != detail["revision"] and any(_same(st) is not None for st in restore.values()):
                raise ConflictError("revert_stale", change=audit_id)
            self._put_states(con, user, activity_id, restore)
            self.audit(con, user, "verification_revert", satker, year, pv_id, activity_id,
                       {"reverts": audit_id, "months": months, "revision": revision,
                        "before": {str(m): now_states.get(m) for m in months},
                        "after": {str(m): restore[m] for m in months}})
            return len(months)

    # -- inside a write transaction ------------------------------------------------------------------
    def _checked_activity(self, con, user, activity_id):
        """(satker, year, plan version id, progress revision, realised mask) of an activity the user
        may check, else the named refusal."""
        act = one(con, """SELECT s.name, s.province, pv.year, pv.id, COALESCE(p.revision, 0),
                                 COALESCE(p.realized_mask, 0)
                          FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id
                          JOIN satker s ON s.id = pv.satker_id LEFT JOIN progress p ON p.activity_id = a.id
                          WHERE a.id = ?""", [activity_id])
        if act is None:
            raise ValidationError("unknown_activity", activity_id=activity_id)
        satker, province, year, pv_id, revision, mask = act
        user.check_verify(satker, province)
        return satker, year, pv_id, revision, mask

    @staticmethod
    def _states(con, activity_id, months=None) -> dict:
        """{month: {"state", "reason", "revision"}} of the checked months of an activity (absent:
        awaiting); ``months`` None: all."""
        rows = con.execute("SELECT month, state, reason, revision FROM verifications WHERE activity_id = ?",
                           [activity_id]).fetchall()
        return {m: {"state": s, "reason": r, "revision": rev} for m, s, r, rev in rows
                if months is None or m in months}

    @staticmethod
    def _put_states(con, user, activity_id, states) -> None:
        """Write {month: state dict, or None for awaiting} of one activity."""
        when = now()
        for m, st in states.items():
            run(con, "DELETE FROM verifications WHERE activity_id = ? AND month = ?", [activity_id, m])
            if st is not None and st.get("state") != REPORTED:
                run(con, "INSERT INTO verifications VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [activity_id, m, st["state"], st.get("reason"), st["revision"], user.username, when])


def reset_on_resubmit(con, activity_id, old_mask, new_mask) -> dict:
    """The resubmission rule (module docstring), in the progress save's transaction: rejected months
    and months whose realisation changed go back to awaiting.  Returns {month: the state it had} of
    the months reset (for the progress change's audit entry)."""
    changed = set(mask_to_months((old_mask or 0) ^ (new_mask or 0)))
    rows = con.execute("SELECT month, state, reason FROM verifications WHERE activity_id = ?",
                       [activity_id]).fetchall()
    reset = {str(m): {"state": s, "reason": r} for m, s, r in rows if s == REJECTED or m in changed}
    for m in reset:
        run(con, "DELETE FROM verifications WHERE activity_id = ? AND month = ?", [activity_id, int(m)])
    return reset


def _same(state):
    """What makes two states the same change (who and when aside); None = awaiting."""
    if not state or state.get("state") == REPORTED:
        return None
    return state.get("state"), state.get("reason"), state.get("revision")
