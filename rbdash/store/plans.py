"""Imports and plan versions: a changed plan becomes version n+1 with the realisation of the previous
version carried over; an earlier version can be made current again.  Nothing is ever deleted."""

import json

import pyarrow as pa

from rbdash import regions, validate
from rbdash.accounts import User
from rbdash.errors import ValidationError
from rbdash.model import Plan
from rbdash.schedule import months_to_mask
from rbdash.store.common import as_user, now, one, run
from rbdash.text import fold


class PlansMixin:
    def plan_status(self, satker: str, year: int, sha256: str, con=None) -> tuple:
        """What importing this plan would do: ("new" | "version" | "duplicate", latest version or
        None).  The one place this is decided: the import itself and the Impor preview ask here.
        A duplicate is the same bytes as the *current* version; the bytes of an older version make
        it current again (as a new version)."""
        if con is None:
            with self.connect() as con:
                return self.plan_status(satker, year, sha256, con)[:2]
        sid, latest_sha, prev_id, prev_version = one(con, """
            SELECT s.id, arg_max(pv.sha256, pv.version), arg_max(pv.id, pv.version), max(pv.version)
            FROM satker s LEFT JOIN plan_versions pv ON pv.satker_id = s.id AND pv.year = ?
            WHERE s.name = ? GROUP BY s.id""", [year, satker]) or (None,) * 4
        if prev_version is not None and latest_sha == sha256:
            return "duplicate", prev_version, sid, prev_id
        return ("version" if prev_version else "new"), prev_version, sid, prev_id

    def import_plan(self, plan: Plan, actor: User | str = "cli") -> dict:
        """Store a parsed Plan in one transaction, if ``actor`` may write for its office.

        Returns a dict with ``status`` "new" (first plan of the satker and year), "version" (a
        changed plan: stored as version n+1, realisation recorded on the previous version carried
        to the matching activities) or "duplicate" (the same bytes as the current version: nothing
        changes).  Round trips are kept few (one lookup, one insert per table): at ~1 ms each they
        dominate.
        """
        user = as_user(actor)
        with self.transaction() as con:
            status, prev_version, sid, prev_id = self.plan_status(plan.satker, plan.year, plan.sha256, con)
            province = one(con, "SELECT province FROM satker WHERE id = ?", [sid])[0] if sid is not None \
                else regions.level_and_province(plan.satker)[1]
            user.check_write(plan.satker, province)
            if status == "duplicate":
                return {"status": status, "satker": plan.satker, "year": plan.year, "version": prev_version}
            if sid is None:
                sid = self._ids(con, "satker")
                level, province = regions.level_and_province(plan.satker)
                run(con, "INSERT INTO satker VALUES (?, ?, ?, ?)", [sid, plan.satker, level, province])
            version = (prev_version or 0) + 1
            pv_id, when = self._ids(con, "plan_versions"), now()
            run(con, "INSERT INTO plan_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [pv_id, sid, plan.year, version, plan.source_name, plan.sha256, when, user.username,
                 plan.as_of_month, plan.has_realization, len(plan.activities),
                 json.dumps([i.to_dict() for i in plan.warnings], ensure_ascii=False)])
            acts, prog = _activity_rows(plan, pv_id, self._ids(con, "activities", len(plan.activities)))
            _insert(con, "activities", pa.table(acts, schema=_ACT_SCHEMA))
            carried = self._carry_over(con, prev_id, acts, prog) if prev_id is not None else 0
            keep = [i for i, (mask, ev, cap) in enumerate(zip(prog["realized_mask"], prog["evidence_url"],
                                                               prog["capaian"]))
                    if mask or ev or cap is not None or plan.has_realization]
            if keep:
                cols = {k: [v[i] for i in keep] for k, v in prog.items()}
                n = len(keep)
                cols.update(note=cols.pop("note"), source=["import"] * n, revision=[1] * n,
                            updated_at=[when] * n, updated_by=[user.username] * n)
                _insert(con, "progress", pa.table(cols, schema=_PROG_SCHEMA))
            self._audit(con, user, "import", plan.satker, plan.year, pv_id, None,
                        {"file": plan.source_name, "sha256": plan.sha256, "version": version,
                         "previous_version": prev_version, "activities": len(plan.activities),
                         "carried_over": carried, "warnings": len(plan.warnings)})
            return {"status": status, "satker": plan.satker, "year": plan.year, "version": version,
                    "plan_version_id": pv_id, "activities": len(plan.activities), "carried_over": carried}

    def _carry_over(self, con, prev_pv_id, acts, prog):
        """Merge the previous version's realisation into matching new activities (union of months;
        evidence, note and capaian kept where the new file has none)."""
        old = {}
        for key, mask, url, note, cap in con.execute(
                """SELECT a.match_key, p.realized_mask, p.evidence_url, p.note, p.capaian
                   FROM activities a JOIN progress p ON p.activity_id = a.id
                   WHERE a.plan_version_id = ?""", [prev_pv_id]).fetchall():
            old.setdefault(key, (mask, url, note, cap))
        carried = 0
        for i, key in enumerate(acts["match_key"]):
            if key not in old:
                continue
            mask, url, note, cap = old[key]
            prog["realized_mask"][i] |= mask or 0
            prog["evidence_url"][i] = prog["evidence_url"][i] or url
            prog["note"][i] = prog["note"][i] or note
            prog["capaian"][i] = prog["capaian"][i] if prog["capaian"][i] is not None else cap
            carried += 1
        return carried

    def restore_version(self, satker: str, year: int, version: int, actor: User | str) -> dict:
        """Make an earlier plan version current again, as a new version n+1 that copies its
        activities (same sheet and row provenance).  Realisation recorded on that version and on
        the current one is kept on the matching activities (union of months, the newer evidence
        and note first), as an import would.  Audited; nothing is deleted."""
        user = as_user(actor)
        with self.transaction() as con:
            found = one(con, """SELECT pv.id, s.id, s.province FROM plan_versions pv JOIN satker s ON s.id = pv.satker_id
                                WHERE s.name = ? AND pv.year = ? AND pv.version = ?""", [satker, year, version])
            if found is None:
                raise ValidationError("unknown_version", satker=satker, year=year, version=version)
            old_id, sid, province = found
            user.check_write(satker, province)
            latest_id, latest = one(con, """SELECT arg_max(id, version), max(version) FROM plan_versions
                                            WHERE satker_id = ? AND year = ?""", [sid, year])
            if latest == version:
                raise ValidationError("already_current", version=version)
            new_id, new_version, when = self._ids(con, "plan_versions"), latest + 1, now()
            n = one(con, "SELECT count(*) FROM activities WHERE plan_version_id = ?", [old_id])[0]
            first = self._ids(con, "activities", n)
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
                               arg_max(p.evidence_url, o.plan_version_id) FILTER (WHERE p.evidence_url IS NOT NULL),
                               arg_max(p.note, o.plan_version_id) FILTER (WHERE p.note IS NOT NULL),
                               arg_max(p.capaian, o.plan_version_id) FILTER (WHERE p.capaian IS NOT NULL),
                               'restore', 1, ?, ?
                        FROM activities n JOIN activities o ON o.match_key = n.match_key
                             AND o.plan_version_id IN (?, ?)
                        JOIN progress p ON p.activity_id = o.id
                        WHERE n.plan_version_id = ? GROUP BY n.id""",
                [when, user.username, old_id, latest_id, new_id])
            self._audit(con, user, "restore_version", satker, year, new_id, None,
                        {"restored_version": version, "previous_version": latest, "version": new_version,
                         "activities": n})
            return new_version


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


def _activity_rows(plan, pv_id, first_id):
    """Column lists for the activities table and the progress candidates of a plan."""
    acts = {f.name: [] for f in _ACT_SCHEMA}
    prog = {"activity_id": [], "realized_mask": [], "evidence_url": [], "note": [], "capaian": []}
    seen = {}
    for seq, a in enumerate(plan.activities):
        ind = a.indikator_text()
        key = fold(f"{a.area_no}|{a.kegiatan}|{a.sub_kegiatan}|{ind}")
        seen[key] = seen.get(key, 0) + 1
        for name, value in (("id", first_id + seq), ("plan_version_id", pv_id), ("seq", seq), ("sheet", a.sheet),
                            ("row", a.row), ("area_no", a.area_no), ("kegiatan", a.kegiatan),
                            ("sub_kegiatan", a.sub_kegiatan), ("indikator", ind), ("keterangan", a.keterangan),
                            ("pic", a.pic), ("catalogue_code", a.catalogue_code), ("area_source", a.area_source),
                            ("match_key", f"{key}#{seen[key]}"), ("planned_mask", months_to_mask(a.planned_months))):
            acts[name].append(value)
        prog["activity_id"].append(first_id + seq)
        prog["realized_mask"].append(months_to_mask(a.realized_months))
        # the parser already warned about a link it could not accept; the store never keeps one
        prog["evidence_url"].append(None if validate.evidence_url_problem(a.evidence) else a.evidence)
        prog["note"].append(None)
        prog["capaian"].append(a.capaian)
    return acts, prog


def _insert(con, table, arrow_table):
    """Bulk insert an Arrow table (DuckDB finds ``arrow_rows`` among this frame's locals; half the
    cost of register/unregister)."""
    arrow_rows = arrow_table  # noqa: F841 - read by DuckDB's replacement scan
    con.execute(f"INSERT INTO {table} SELECT * FROM arrow_rows").fetchall()
