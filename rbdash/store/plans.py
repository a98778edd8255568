"""Imports and plan versions: a changed plan becomes version n+1 with the realisation of the previous
version carried over; an earlier version can be made current again.  Nothing is ever deleted."""

import json

import pyarrow as pa

from rbdash import diff, regions, validate
from rbdash.accounts import User
from rbdash.errors import RbdashError, ValidationError
from rbdash.model import Plan
from rbdash.schedule import months_to_mask
from rbdash.store import counts
from rbdash.store.base import StoreCore
from rbdash.store.common import as_user, now, one, run
from rbdash.store.reports import implied_months


class PlansMixin(StoreCore):
    def plan_status(self, satker: str, year: int, sha256: str, con=None) -> tuple:
        """What importing this plan would do: ("new" | "version" | "duplicate", latest version or
        None).  The Impor preview asks here; the import decides with the same ``_decide``."""
        if con is None:
            with self.connect() as con:
                return self.plan_status(satker, year, sha256, con)
        latest = _stored(con, [satker])[1].get((satker, year))
        return _decide(latest, sha256)[:2]

    def import_plan(self, plan: Plan, actor: User | str = "cli") -> dict:
        """Store one parsed Plan in its own transaction (see ``import_plans``); a refusal is raised."""
        result = self.import_plans([plan], actor)[0]
        if isinstance(result, Exception):
            raise result
        return result

    def import_plans(self, plans: list[Plan], actor: User | str = "cli") -> list:
        """Store parsed Plans in one transaction, each one only if ``actor`` may write for its office.

        Returns, per plan and in order, a dict with ``status`` "new" (first plan of the satker and
        year), "version" (a changed plan: stored as version n+1, realisation recorded on the previous
        version carried to the matching activities) or "duplicate" (the same bytes as the current
        version: nothing changes) -- or the RbdashError that refused it (a role that may not write
        there; the others are still stored).  The round trips do not grow with the number of plans:
        one lookup of what is stored, one of the realisation to carry over, one insert per table and
        one commit (~1 ms each: they were most of the cost of storing a plan one at a time).

        A satker and year may appear once per call (a second would be a version of the first): the
        caller splits the batch there (rbdash.importing does).
        """
        keys = [(p.satker, p.year) for p in plans]
        if len(set(keys)) != len(keys):
            raise ValueError("a satker and year appear twice in one batch")
        user = as_user(actor)
        with self.transaction() as con:
            satkers, latest = _stored(con, sorted({p.satker for p in plans}))
            decisions = [_decide(latest.get((p.satker, p.year)), p.sha256) for p in plans]
            old = self._realisation(con, [prev_id for status, _, prev_id in decisions if status == "version"])
            results, rows, reports = [], _Rows(), {}
            for plan, (status, prev_version, prev_id) in zip(plans, decisions):
                sid, province = satkers.get(plan.satker) or (None, regions.level_and_province(plan.satker)[1])
                try:
                    user.check_write(plan.satker, province)
                except RbdashError as exc:
                    results.append(exc)
                    continue
                if status == "duplicate":
                    results.append({"status": status, "satker": plan.satker, "year": plan.year,
                                    "version": prev_version})
                    continue
                if sid is None:
                    sid = self.next_id(con, "satker")
                    level, province = regions.level_and_province(plan.satker)
                    satkers[plan.satker] = (sid, province)
                    rows.add("satker", id=sid, name=plan.satker, level=level, province=province)
                version, pv_id, when = (prev_version or 0) + 1, self.next_id(con, "plan_versions"), now()
                rows.add("plan_versions", id=pv_id, satker_id=sid, year=plan.year, version=version,
                         source_name=plan.source_name, sha256=plan.sha256, imported_at=when,
                         imported_by=user.username, as_of_month=plan.as_of_month,
                         has_realization=plan.has_realization, activity_count=len(plan.activities),
                         warnings_json=json.dumps([i.to_dict() for i in plan.warnings], ensure_ascii=False))
                acts, prog = _activity_rows(plan, pv_id, self.next_id(con, "activities", len(plan.activities)))
                carried = _carry_over(old.get(prev_id, {}), acts, prog)
                rows.extend("activities", acts)
                # a progress row for each activity with realisation (every one, when the file carries it),
                # built column by column as the activities are
                keep = [k for k, (mask, ev, cap) in enumerate(zip(prog["realized_mask"], prog["evidence_url"],
                                                                   prog["capaian"]))
                        if mask or ev or cap is not None or plan.has_realization]
                n = len(keep)
                rows.extend("progress", {**{c: [v[k] for k in keep] for c, v in prog.items()},
                                         "source": ["import"] * n, "revision": [1] * n, "updated_at": [when] * n,
                                         "updated_by": [user.username] * n})
                if implied_months(plan):
                    reports[sid, plan.year] = (pv_id, implied_months(plan))
                rows.add("audit_log", **self.audit_row(
                    con, user, "import", plan.satker, plan.year, pv_id, None,
                    {"file": plan.source_name, "sha256": plan.sha256, "version": version,
                     "previous_version": prev_version, "activities": len(plan.activities),
                     "carried_over": carried, "warnings": len(plan.warnings)}, when))
                results.append({"status": status, "satker": plan.satker, "year": plan.year, "version": version,
                                "plan_version_id": pv_id, "activities": len(plan.activities),
                                "carried_over": carried})
            for report in self.import_reports(con, user, reports, now()):
                rows.add("monthly_reports", **report)
            for table, arrow_table in rows.tables():
                self.insert_rows(con, table, arrow_table)
            counts.rebuild(con, rows.cols["plan_versions"]["id"])
            self.grown(con, {t: len(next(iter(cols.values()), [])) for t, cols in rows.cols.items()})
            return results

    def _realisation(self, con, pv_ids) -> dict:
        """Realisation recorded on these plan versions: {version id: {match key: (mask, evidence,
        note, capaian)}}, for the carry-over into their next versions."""
        old = {}
        if not pv_ids:
            return old
        for pv_id, key, mask, url, note, cap in con.execute(
                """SELECT a.plan_version_id, a.match_key, p.realized_mask, p.evidence_url, p.note, p.capaian
                   FROM activities a JOIN progress p ON p.activity_id = a.id
                   WHERE a.plan_version_id IN (SELECT unnest(CAST(? AS INTEGER[]))) ORDER BY a.id""",
                [list(pv_ids)]).fetchall():
            old.setdefault(pv_id, {}).setdefault(key, (mask, url, note, cap))
        return old

    def restore_version(self, satker: str, year: int, version: int, actor: User | str) -> dict:
        """Make an earlier plan version current again, as a new version n+1 that copies its
        activities (same sheet and row provenance).  Realisation recorded on that version and on
        the current one is kept on the matching activities (equal match keys, as rbdash.diff.matches
        pairs them; union of months, the newer evidence and note first), as an import would.
        Audited; nothing is deleted."""
        user = as_user(actor)
        with self.transaction() as con:
            found = one(con, """SELECT pv.id, s.id, s.province FROM plan_versions pv JOIN satker s ON s.id = pv.satker_id
                                WHERE s.name = ? AND pv.year = ? AND pv.version = ?""", [satker, year, version])
            if found is None:
                raise ValidationError("unknown_version", satker=satker, year=year, version=version)
            old_id, sid, province = found
            user.check_write(satker, province)
            latest_id, latest = one(con, """SELECT id, version FROM plan_versions WHERE satker_id = ? AND year = ?
                                            ORDER BY version DESC LIMIT 1""", [sid, year])
            if latest == version:
                raise ValidationError("already_current", version=version)
            new_id, new_version, when = self.next_id(con, "plan_versions"), latest + 1, now()
            n = one(con, "SELECT count(*) FROM activities WHERE plan_version_id = ?", [old_id])[0]
            first = self.next_id(con, "activities", n)
            run(con, """INSERT INTO plan_versions
                        SELECT ?, satker_id, year, ?, source_name, sha256, ?, ?, as_of_month, has_realization,
                               activity_count, warnings_json FROM plan_versions WHERE id = ?""",
                [new_id, new_version, when, user.username, old_id])
            run(con, """INSERT INTO activities
                        SELECT ? + seq, ?, seq, sheet, "row", area_no, kegiatan, sub_kegiatan, indikator, keterangan,
                               pic, catalogue_code, area_source, match_key, planned_mask
                        FROM activities WHERE plan_version_id = ?""", [first, new_id, old_id])
            run(con, """INSERT INTO progress
                        SELECT n.id, bit_or(p.realized_mask),
                               (array_agg(p.evidence_url ORDER BY o.plan_version_id DESC)
                                    FILTER (WHERE p.evidence_url IS NOT NULL))[1],
                               (array_agg(p.note ORDER BY o.plan_version_id DESC) FILTER (WHERE p.note IS NOT NULL))[1],
                               (array_agg(p.capaian ORDER BY o.plan_version_id DESC)
                                    FILTER (WHERE p.capaian IS NOT NULL))[1],
                               'restore', 1, ?, ?
                        FROM activities n JOIN activities o ON o.match_key = n.match_key
                             AND o.plan_version_id IN (?, ?)
                        JOIN progress p ON p.activity_id = o.id
                        WHERE n.plan_version_id = ? GROUP BY n.id""",
                [when, user.username, old_id, latest_id, new_id])
            counts.rebuild(con, [new_id])
            self.audit(con, user, "restore_version", satker, year, new_id, None,
                        {"restored_version": version, "previous_version": latest, "version": new_version,
                         "activities": n})
            return new_version


_SATKER_SCHEMA = pa.schema([("id", pa.int32()), ("name", pa.string()), ("level", pa.string()),
                            ("province", pa.string())])
_PV_SCHEMA = pa.schema([
    ("id", pa.int32()), ("satker_id", pa.int32()), ("year", pa.int32()), ("version", pa.int32()),
    ("source_name", pa.string()), ("sha256", pa.string()), ("imported_at", pa.timestamp("us")),
    ("imported_by", pa.string()), ("as_of_month", pa.int32()), ("has_realization", pa.bool_()),
    ("activity_count", pa.int32()), ("warnings_json", pa.string())])
_AUDIT_SCHEMA = pa.schema([
    ("id", pa.int64()), ("logged_at", pa.timestamp("us")), ("actor", pa.string()), ("action", pa.string()),
    ("satker", pa.string()), ("year", pa.int32()), ("plan_version_id", pa.int32()), ("activity_id", pa.int64()),
    ("detail", pa.string())])
_ACT_SCHEMA = pa.schema([
    ("id", pa.int64()), ("plan_version_id", pa.int32()), ("seq", pa.int32()), ("sheet", pa.string()),
    ("row", pa.int32()), ("area_no", pa.int32()), ("kegiatan", pa.string()), ("sub_kegiatan", pa.string()),
    ("indikator", pa.string()), ("keterangan", pa.string()), ("pic", pa.string()),
    ("catalogue_code", pa.string()), ("area_source", pa.string()), ("match_key", pa.string()),
    ("planned_mask", pa.int32())])
_PROG_SCHEMA = pa.schema([
    ("activity_id", pa.int64()), ("realized_mask", pa.int32()), ("evidence_url", pa.string()),
    ("note", pa.string()), ("capaian", pa.float64()), ("source", pa.string()), ("revision", pa.int32()),
    ("updated_at", pa.timestamp("us")), ("updated_by", pa.string())])
_REPORT_SCHEMA = pa.schema([
    ("satker_id", pa.int32()), ("year", pa.int32()), ("month", pa.int32()), ("reported_at", pa.timestamp("us")),
    ("reported_by", pa.string()), ("source", pa.string()), ("plan_version_id", pa.int32())])
# insert order: a plan version's satker first, its activities before their progress
_SCHEMAS = {"satker": _SATKER_SCHEMA, "plan_versions": _PV_SCHEMA, "activities": _ACT_SCHEMA,
            "progress": _PROG_SCHEMA, "monthly_reports": _REPORT_SCHEMA, "audit_log": _AUDIT_SCHEMA}


def _stored(con, names) -> tuple[dict, dict]:
    """What the database holds for these satker names: {name: (id, province)} and
    {(name, year): (sha256, plan version id, version) of the latest version}."""
    satkers, latest = {}, {}
    for name, sid, province, year, sha, pv_id, version in con.execute(
            """SELECT s.name, s.id, s.province, pv.year, pv.sha256, pv.id, pv.version
               FROM satker s LEFT JOIN plan_versions pv ON pv.satker_id = s.id
               WHERE s.name IN (SELECT unnest(CAST(? AS VARCHAR[])))""", [list(names)]).fetchall():
        satkers[name] = (sid, province)
        if version is not None and version > latest.get((name, year), (None, None, 0))[2]:
            latest[(name, year)] = (sha, pv_id, version)
    return satkers, latest


def _decide(latest, sha256) -> tuple:
    """The one rule for what an import does, given the latest stored version (sha256, id, version)
    or None: (status, previous version, previous version's id).  A duplicate is the same bytes as
    the *current* version; the bytes of an older version make it current again (as a new version)."""
    if latest is None:
        return "new", None, None
    sha, pv_id, version = latest
    return ("duplicate" if sha == sha256 else "version"), version, pv_id


def _carry_over(old, acts, prog) -> int:
    """Merge the previous version's realisation (``old``: match key -> mask, evidence, note, capaian)
    into the new activities that match (rbdash.diff.matches: what the plan diff pairs too): union
    of months; evidence, note and capaian kept where the new file has none.  Returns how many
    activities received some."""
    keys = list(old)
    pairs = diff.matches(keys, acts["match_key"])
    for o, i in pairs:
        mask, url, note, cap = old[keys[o]]
        prog["realized_mask"][i] |= mask or 0
        prog["evidence_url"][i] = prog["evidence_url"][i] or url
        prog["note"][i] = prog["note"][i] or note
        prog["capaian"][i] = prog["capaian"][i] if prog["capaian"][i] is not None else cap
    return len(pairs)


class _Rows:
    """Rows gathered per table, written with one insert each (columns in the table's order)."""

    def __init__(self):
        self.cols = {table: {f.name: [] for f in schema} for table, schema in _SCHEMAS.items()}

    def add(self, table, **row):
        for name, values in self.cols[table].items():
            values.append(row[name])

    def extend(self, table, columns):
        for name, values in self.cols[table].items():
            values.extend(columns[name])

    def tables(self):
        for table, cols in self.cols.items():
            if next(iter(cols.values())):  # any row
                yield table, pa.table(cols, schema=_SCHEMAS[table])


def _activity_rows(plan, pv_id, first_id):
    """Column lists for the activities table and the progress candidates of a plan (built column by
    column: this runs in the importing process for every activity, beside the parse workers)."""
    items = plan.activities
    n = len(items)
    ids = list(range(first_id, first_id + n))
    inds = [a.indikator_text() for a in items]
    keys = diff.match_keys((a.area_no, a.kegiatan, a.sub_kegiatan, ind) for a, ind in zip(items, inds))
    acts = {"id": ids, "plan_version_id": [pv_id] * n, "seq": list(range(n)),
            "sheet": [a.sheet for a in items], "row": [a.row for a in items],
            "area_no": [a.area_no for a in items], "kegiatan": [a.kegiatan for a in items],
            "sub_kegiatan": [a.sub_kegiatan for a in items], "indikator": inds,
            "keterangan": [a.keterangan for a in items], "pic": [a.pic for a in items],
            "catalogue_code": [a.catalogue_code for a in items], "area_source": [a.area_source for a in items],
            "match_key": keys, "planned_mask": [months_to_mask(a.planned_months) for a in items]}
    prog = {"activity_id": list(ids), "realized_mask": [months_to_mask(a.realized_months) for a in items],
            # the parser already warned about a link it could not accept; the store never keeps one
            "evidence_url": [None if validate.evidence_url_problem(a.evidence) else a.evidence for a in items],
            "note": [None] * n, "capaian": [a.capaian for a in items]}
    return acts, prog

