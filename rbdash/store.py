"""DuckDB storage: schema and migrations, transactional imports with versions, progress edits, audit.

DuckDB lets one process at a time open a database file.  So nobody holds a connection for long:
every operation opens a short-lived connection (retrying while another process has the file) and
closes it.  The running app and the CLI can therefore both write; readers in the app are cached by
``Store.data_version()``, a stat of the files that changes with every commit, so pages pick up
imports made elsewhere without a restart.

Months are stored as 12-bit masks (bit m-1 = month m): completion rates are then bit_count()
arithmetic inside DuckDB instead of joins over month rows.
"""

import datetime as dt
import json
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from rbdash import regions, validate
from rbdash.schedule import mask_to_months, months_to_mask
from rbdash.text import fold
from rbdash.duckfile import DuckFile, translate
from rbdash.errors import ConflictError, StoreError, ValidationError

DEFAULT_DB = Path("data") / "rbdash.duckdb"

MIGRATIONS = [
    (1, "initial schema", [
        """CREATE TABLE satker (
            id INTEGER PRIMARY KEY, name VARCHAR NOT NULL UNIQUE, level VARCHAR, province VARCHAR)""",
        """CREATE TABLE plan_versions (
            id INTEGER PRIMARY KEY, satker_id INTEGER NOT NULL, year INTEGER NOT NULL,
            version INTEGER NOT NULL, source_name VARCHAR, sha256 VARCHAR NOT NULL,
            imported_at TIMESTAMP NOT NULL, imported_by VARCHAR, as_of_month INTEGER,
            has_realization BOOLEAN NOT NULL DEFAULT FALSE, activity_count INTEGER,
            issues_json VARCHAR, UNIQUE (satker_id, year, version))""",
        """CREATE TABLE activities (
            id BIGINT NOT NULL, plan_version_id INTEGER NOT NULL, seq INTEGER NOT NULL,
            sheet VARCHAR, "row" INTEGER, area_no INTEGER, kegiatan VARCHAR, sub_kegiatan VARCHAR,
            indikator VARCHAR, keterangan VARCHAR, pic VARCHAR, catalogue_code VARCHAR,
            area_source VARCHAR, match_key VARCHAR, planned_mask INTEGER NOT NULL)""",
        """CREATE TABLE progress (
            activity_id BIGINT PRIMARY KEY, realized_mask INTEGER NOT NULL DEFAULT 0,
            evidence_url VARCHAR, note VARCHAR, capaian DOUBLE, source VARCHAR,
            revision INTEGER NOT NULL DEFAULT 1, updated_at TIMESTAMP, updated_by VARCHAR)""",
        """CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, actor VARCHAR, action VARCHAR NOT NULL,
            satker VARCHAR, year INTEGER, plan_version_id INTEGER, activity_id BIGINT, detail VARCHAR)""",
        """CREATE VIEW latest_versions AS
            SELECT pv.* FROM plan_versions pv
            WHERE pv.version = (SELECT max(version) FROM plan_versions p2
                                WHERE p2.satker_id = pv.satker_id AND p2.year = pv.year)""",
    ]),
    (2, "latest_plans view: the one definition of 'has realisation data'", [
        # an office has data when its file carried realisation columns or anyone recorded progress
        """CREATE VIEW latest_plans AS
            SELECT lv.*, (lv.has_realization OR EXISTS (
                SELECT 1 FROM activities a JOIN progress p ON p.activity_id = a.id
                WHERE a.plan_version_id = lv.id)) AS has_data
            FROM latest_versions lv""",
    ]),
]


class Store:
    """A DuckDB file plus the discipline to use it from several threads and processes."""

    def __init__(self, path=DEFAULT_DB, busy_timeout=20.0):
        self.path = check_db_path(path)
        self.busy_timeout = busy_timeout
        self._db = DuckFile.of(self.path)
        self._local = threading.local()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError("db_path", path=str(path), detail=exc.strerror or type(exc).__name__) from None
        self.migrate()

    # -- connections -------------------------------------------------------------------------
    @contextmanager
    def connect(self):
        """A cursor on this process's one instance of the file (see rbdash.duckfile), opened on
        demand and closed when its last user leaves; DuckDB errors come out as the project's.

        Inside ``session()`` the session's connection is reused instead.
        """
        held = getattr(self._local, "con", None)
        if held is not None:
            yield held
            return
        with self._db.cursor(self.busy_timeout) as con:
            try:
                yield con
            except duckdb.Error as exc:
                raise translate(exc) from None

    @contextmanager
    def session(self):
        """Keep one connection open for a batch on this thread (opening a DuckDB file and
        checkpointing it on close costs ~30 ms, more than importing a plan).  Callers release it
        every few seconds so other processes get their turn."""
        with self._db.write_lock, self.connect() as con:
            self._local.con, self._local.ids = con, {}
            try:
                yield self
            finally:
                self._local.con = self._local.ids = None

    def _ids(self, con, table, n=1):
        """First of ``n`` fresh ids.  Writers are serialised (file lock across processes, the
        file's write lock within one), so inside a session the counters are kept in memory instead
        of a max(id) scan per insert; a rolled-back transaction only leaves a gap."""
        cache = getattr(self._local, "ids", None)
        if cache is None or table not in cache:
            first = one(con, f"SELECT COALESCE(max(id), 0) + 1 FROM {table}")[0]
            if cache is None:
                return first
            cache[table] = first
        first = cache[table]
        cache[table] = first + n
        return first

    @contextmanager
    def transaction(self):
        """BEGIN..COMMIT; ROLLBACK on any error so nothing half-lands.  One writer per process at a
        time (and DuckDB's file lock makes it one across processes)."""
        with self._db.write_lock, self.connect() as con:
            try:
                run(con, "BEGIN TRANSACTION")
                yield con
                run(con, "COMMIT")
            except BaseException as exc:
                try:
                    run(con, "ROLLBACK")
                except duckdb.Error:
                    pass  # a failed COMMIT has already ended the transaction
                if isinstance(exc, duckdb.Error):
                    raise translate(exc) from None
                raise

    def query_df(self, sql, params=None):
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def data_version(self):
        """Changes whenever the database files change: the cache key for readers."""
        parts = []
        for p in (self.path, Path(str(self.path) + ".wal")):
            try:
                st = p.stat()
                parts.append((st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                parts.append(None)
        return str(parts)

    # -- schema ---------------------------------------------------------------------------------
    def migrate(self):
        with self.transaction() as con:
            run(con, """CREATE TABLE IF NOT EXISTS migrations (
                version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)""")
            done = {r[0] for r in con.execute("SELECT version FROM migrations").fetchall()}
            for version, description, statements in MIGRATIONS:
                if version in done:
                    continue
                for sql in statements:
                    run(con, sql)
                run(con, "INSERT INTO migrations VALUES (?, ?, ?)", [version, description, _now()])

    def schema_version(self):
        with self.connect() as con:
            return one(con, "SELECT max(version) FROM migrations")[0]

    # -- imports --------------------------------------------------------------------------------
    def plan_status(self, satker, year, sha256, con=None):
        """What importing this plan would do: ("new" | "version" | "duplicate", latest version or
        None).  The one place this is decided: the import itself and the Impor preview ask here."""
        if con is None:
            with self.connect() as con:
                return self.plan_status(satker, year, sha256, con)[:2]
        sid, dup, prev_id, prev_version = one(con, """
            SELECT s.id, max(pv.version) FILTER (WHERE pv.sha256 = ?), arg_max(pv.id, pv.version),
                   max(pv.version)
            FROM satker s LEFT JOIN plan_versions pv ON pv.satker_id = s.id AND pv.year = ?
            WHERE s.name = ? GROUP BY s.id""", [sha256, year, satker]) or (None,) * 4
        if dup is not None:
            return "duplicate", dup, sid, prev_id
        return ("version" if prev_version else "new"), prev_version, sid, prev_id

    def import_plan(self, plan, actor="cli"):
        """Store a parsed Plan in one transaction.

        Returns a dict with ``status`` "new" (first plan of the satker and year), "version" (a
        changed plan: stored as version n+1, realisation recorded on the previous version carried
        to the matching activities) or "duplicate" (the same bytes were imported before: nothing
        changes).  Round trips are kept few (one lookup, one insert per table): at ~1 ms each they
        dominate.
        """
        with self.transaction() as con:
            status, prev_version, sid, prev_id = self.plan_status(plan.satker, plan.year, plan.sha256, con)
            if status == "duplicate":
                return {"status": status, "satker": plan.satker, "year": plan.year, "version": prev_version}
            if sid is None:
                sid = self._ids(con, "satker")
                level, province = regions.level_and_province(plan.satker)
                run(con, "INSERT INTO satker VALUES (?, ?, ?, ?)", [sid, plan.satker, level, province])
            version = (prev_version or 0) + 1
            pv_id, now = self._ids(con, "plan_versions"), _now()
            run(con, "INSERT INTO plan_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [pv_id, sid, plan.year, version, plan.source_name, plan.sha256, now, actor,
                 plan.as_of_month, plan.has_realization, len(plan.activities),
                 json.dumps([i.to_dict() for i in plan.issues], ensure_ascii=False)])
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
                            updated_at=[now] * n, updated_by=[actor] * n)
                _insert(con, "progress", pa.table(cols, schema=_PROG_SCHEMA))
            self._audit(con, actor, "import", plan.satker, plan.year, pv_id, None,
                        {"file": plan.source_name, "sha256": plan.sha256, "version": version,
                         "activities": len(plan.activities), "carried_over": carried,
                         "issues": len(plan.issues)})
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

    # -- progress edits ---------------------------------------------------------------------------
    def save_progress(self, activity_id, realized_months, evidence_url, note, expected_revision, actor):
        """Save one activity's realisation; refuse if someone saved it since ``expected_revision``.

        ``expected_revision`` is the revision the editor loaded (0 when there was no progress row).
        """
        months = validate.months(realized_months)
        evidence_url = validate.evidence_url(evidence_url)
        note = validate.note(note)
        mask = months_to_mask(months)
        now = _now()
        with self.transaction() as con:
            act = one(con,
                """SELECT a.id, s.name, pv.year, pv.id FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id
                   JOIN satker s ON s.id = pv.satker_id WHERE a.id = ?""", [activity_id])
            if act is None:
                raise ValidationError("unknown_activity", activity_id=activity_id)
            cur = one(con, "SELECT revision, updated_by, updated_at, realized_mask, evidence_url, note "
                              "FROM progress WHERE activity_id = ?", [activity_id])
            current_rev = cur[0] if cur else 0
            if current_rev != expected_revision:
                if cur is None:
                    raise ConflictError("conflict_gone", activity_id=activity_id)
                raise ConflictError("conflict", activity_id=activity_id, by=cur[1] or "?", at=str(cur[2])[:19])
            if cur is None:
                run(con, "INSERT INTO progress VALUES (?, ?, ?, ?, NULL, 'edit', 1, ?, ?)",
                            [activity_id, mask, evidence_url, note, now, actor])
            else:
                run(con, """UPDATE progress SET realized_mask = ?, evidence_url = ?, note = ?, source = 'edit',
                               revision = revision + 1, updated_at = ?, updated_by = ?
                               WHERE activity_id = ? AND revision = ?""",
                            [mask, evidence_url, note, now, actor, activity_id, expected_revision])
            before = {"realized_months": mask_to_months(cur[3]) if cur else [],
                      "evidence_url": cur[4] if cur else None, "note": cur[5] if cur else None}
            after = {"realized_months": months, "evidence_url": evidence_url, "note": note}
            self._audit(con, actor, "progress", act[1], act[2], act[3], activity_id,
                        {"before": before, "after": after})
            return current_rev + 1

    def _audit(self, con, actor, action, satker, year, pv_id, activity_id, detail):
        run(con, "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [self._ids(con, "audit_log"), _now(), actor, action, satker, year, pv_id, activity_id,
                     json.dumps(detail, ensure_ascii=False, default=str)])

    # -- reads ------------------------------------------------------------------------------------
    def counts(self):
        with self.connect() as con:
            return dict(zip(("satker", "plan_versions", "activities", "progress", "audit_log"), con.execute(
                """SELECT (SELECT count(*) FROM satker), (SELECT count(*) FROM plan_versions),
                          (SELECT count(*) FROM activities), (SELECT count(*) FROM progress),
                          (SELECT count(*) FROM audit_log)""").fetchall()[0]))


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


def one(con, sql, params=None):
    """First row or None, draining the result (see run)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


def run(con, sql, params=None):
    """Execute and drain: DuckDB 2 refuses new work while a result is still pending."""
    return con.execute(sql, params or []).fetchall()


def _now():
    return dt.datetime.now().replace(microsecond=0)


def default_db_path():
    return Path(os.environ.get("RBDASH_DB", DEFAULT_DB))


def check_db_path(path):
    """The database location as a Path, refused (StoreError) before anything is created when it
    cannot be an embedded DuckDB file: a server URL, a directory, a file that is not DuckDB's."""
    text = str(path)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        raise StoreError("db_url", path=text.split("@")[-1] if "@" in text else text)
    p = Path(text)
    if p.is_dir():
        raise StoreError("db_path", path=text, detail="it is a folder")
    if p.is_file() and p.stat().st_size:
        with open(p, "rb") as fh:
            head = fh.read(16)
        if len(head) < 12 or head[8:12] != b"DUCK":
            raise StoreError("db_not_duckdb", path=text)
    return p
