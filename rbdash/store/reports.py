"""Monthly reports: the months an office has reported for a year (issue 23.1).

A month counts in an office's completion only once the office has reported it (rbdash.schedule
defines the states; rbdash.metrics counts them).  A month is reported when the office sent its
report for that month on Progres ("laporan bulan Sep dikirim": ``submit_report``, who may record the
office's progress may send it, audited, undone from Riwayat like a progress change) or imported a
monitoring workbook whose realisation runs to that month or later (``implied_months``).  A report
for Sep is for Sep alone: it does not vouch for months the office never reported.
"""

import json

from rbdash import validate, wording
from rbdash.accounts import User
from rbdash.errors import ConflictError, ValidationError
from rbdash.store.base import StoreCore
from rbdash.store.common import as_user, now, one, run

SENT, IMPORTED = "report", "import"  # monthly_reports.source
REPORT, WITHDRAW = "report", "unreport"  # audit actions: a report sent, a report taken back (an undo)


def implied_months(plan) -> int:
    """M when importing ``plan`` reports months 1..M (0: none): a monitoring workbook (realisation
    columns) reports up to its as-of month ("s.d. bulan Juni"), or without one up to the last month
    it records any realisation in.  A plan without realisation columns reports nothing."""
    if not plan.has_realization:
        return 0
    if plan.as_of_month:
        return int(plan.as_of_month)
    return max((max(a.realized_months) for a in plan.activities if a.realized_months), default=0)


class ReportsMixin(StoreCore):
    def submit_report(self, satker: str, year: int, month: int, actor: User | str) -> int:
        """Record that ``satker`` sent its report for ``month`` of ``year``; refused when the office
        has no plan for the year, when the month is already reported (sent or imported), or when
        ``actor`` may not record this office's progress.  Returns the audit entry's id."""
        month = validate.months([month])[0]
        user = as_user(actor)
        with self.transaction() as con:
            sid, province, pv_id = self._report_office(con, satker, year)
            user.check_write(satker, province)
            if one(con, "SELECT 1 FROM monthly_reports WHERE satker_id = ? AND year = ? AND month = ?",
                   [sid, year, month]):
                raise ValidationError("already_reported", satker=satker, year=year, month_name=wording.month_long(month))
            return self._write_report(con, user, satker, sid, year, pv_id, month, REPORT, {})

    def revert_report(self, audit_id: int, actor: User | str) -> int:
        """Undo the report change recorded as audit entry ``audit_id``: a report sent is taken back,
        a report taken back is sent again -- a new, audited change.  Refused (conflict) when the
        month changed since (taken back or sent again meanwhile).  Returns the new entry's id."""
        user = as_user(actor)
        with self.transaction() as con:
            entry = one(con, "SELECT action, satker, year, detail FROM audit_log WHERE id = ?", [audit_id])
            if entry is None or entry[0] not in (REPORT, WITHDRAW):
                raise ValidationError("unknown_change", change=audit_id)
            action, satker, year, detail = entry
            month = int(json.loads(detail or "{}")["month"])
            sid, province, pv_id = self._report_office(con, satker, year)
            user.check_write(satker, province)
            present = one(con, "SELECT source FROM monthly_reports WHERE satker_id = ? AND year = ? AND month = ?",
                          [sid, year, month])
            if (present is not None) != (action == REPORT) or present and present[0] != SENT:
                raise ConflictError("report_stale", change=audit_id, month_name=wording.month_long(month))
            return self._write_report(con, user, satker, sid, year, pv_id, month,
                                      WITHDRAW if action == REPORT else REPORT, {"reverts": audit_id})

    def _report_office(self, con, satker, year):
        """(satker id, province, latest plan version id) of an office with a plan for ``year``."""
        found = one(con, """SELECT s.id, s.province, max(pv.id) FROM satker s
                            JOIN plan_versions pv ON pv.satker_id = s.id AND pv.year = ?
                            WHERE s.name = ? GROUP BY s.id, s.province""", [year, satker])
        if found is None:
            raise ValidationError("report_no_plan", satker=satker, year=year)
        return found

    def _write_report(self, con, user, satker, sid, year, pv_id, month, action, extra):
        when = now()
        if action == REPORT:
            run(con, "INSERT INTO monthly_reports VALUES (?, ?, ?, ?, ?, ?, ?)",
                [sid, year, month, when, user.username, SENT, pv_id])
        else:
            run(con, "DELETE FROM monthly_reports WHERE satker_id = ? AND year = ? AND month = ?", [sid, year, month])
        self.audit(con, user, action, satker, year, pv_id, None, {**extra, "month": month})
        return one(con, "SELECT max(id) FROM audit_log")[0]

    def import_reports(self, con, user, reports, when) -> list[dict]:
        """monthly_reports rows for monitoring imports: ``reports`` {(satker id, year): (plan version
        id, M)} -> the months 1..M not yet reported, as rows (inserted by the import's batch)."""
        if not reports:
            return []
        have = {tuple(r) for r in con.execute(
            """SELECT satker_id, year, month FROM monthly_reports
               WHERE satker_id IN (SELECT unnest(CAST(? AS INTEGER[])))""",
            [sorted({sid for sid, _ in reports})]).fetchall()}
        return [{"satker_id": sid, "year": year, "month": m, "reported_at": when, "reported_by": user.username,
                 "source": IMPORTED, "plan_version_id": pv_id}
                for (sid, year), (pv_id, last) in reports.items() for m in range(1, last + 1)
                if (sid, year, m) not in have]
