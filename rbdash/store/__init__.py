"""Storage: schema and migrations, transactional imports with versions, progress edits, accounts,
history with undo, backup.  One module per concern, composed into ``Store``:

- ``schema``   the migrations;
- ``plans``    imports, versions (realisation carried over), restoring an earlier version;
- ``progress`` progress edits with revisions, reverting one;
- ``reports``  the months each office has reported (sent on Progres, or implied by a monitoring import);
- ``verification`` a province's check of reported months (verified / rejected), undoing one;
- ``users``    accounts (argon2 hashes) and logins;
- ``backup``   consistent snapshots and restores (embedded DuckDB only).

Where the data lives is a backend behind the Store (``RBDASH_DB``): a DuckDB file (the zero-setup
default, ``duck``) or a PostgreSQL database given as a ``postgresql://`` URL (``pg``), for several
app replicas over one server.  Pages, metrics and queries only see the Store: ``query_df`` and
``connect`` take the same SQL with ``?`` placeholders on both, and every driver error comes out as
the project's own (busy, conflict, unreachable, unreadable).

DuckDB lets one process at a time open a database file.  So nobody holds the file for long: it is
opened on demand and closed when the last user of this process is done (rbdash.duckfile: one
instance per file per process, shared by threads), and the running app and the CLI take turns.
Readers in the app are cached by ``Store.version()`` of what they read -- the newest audited change
of a year, of one office's year, or of anything (every write is audited) -- so pages pick up changes
made elsewhere without a restart, and a save in one office keeps the figures of other years and the
pages of other offices.  Every write checks the acting user's role (rbdash.accounts) inside its
transaction.

Months are stored as 12-bit masks (bit m-1 = month m, rbdash.schedule): completion rates are then
bit_count() arithmetic inside the database instead of joins over month rows.
"""

import hashlib
import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rbdash.duckfile import DuckFile
from rbdash.errors import StoreError
from rbdash.store.common import as_user, is_url, one, run, where  # noqa: F401 - re-exported
from rbdash.store.common import now as _now
from rbdash.store import counts
from rbdash.store.duck import DuckBackend
from rbdash.store.plans import PlansMixin
from rbdash.store.progress import ProgressMixin
from rbdash.store.reports import REPORT, WITHDRAW, ReportsMixin
from rbdash.store.schema import MIGRATIONS
from rbdash.store.users import UsersMixin
from rbdash.store.verification import ACTIONS as CHECKS
from rbdash.store.verification import VerificationMixin

DEFAULT_DB = Path("data") / "rbdash.duckdb"
# an app process keeps its DuckDB file open this long between page runs (each run makes several
# queries; opening and checkpointing the file cost ~15-20 ms each time), unless another process waits
APP_LINGER = 2.0
TABLES = ("satker", "plan_versions", "activities", "progress", "monthly_reports", "audit_log", "users",
          "verifications")
# passing state, not data: neither backed up nor copied between stores (a restored or moved database
# starts with no login waits)
TRANSIENT = ("login_failures",)
# derived from the tables above and kept by every write (rbdash.store.counts): neither backed up nor
# copied, but rebuilt where rows arrive without the writes that keep them (a restore, a copy)
DERIVED = counts.TABLES


class Store(PlansMixin, ProgressMixin, ReportsMixin, VerificationMixin, UsersMixin):
    """The database (a DuckDB file or a PostgreSQL server) plus the discipline to use it from several
    threads and processes.  Implements ``base.StoreCore`` for its mixins over a ``base.Backend``."""

    def __init__(self, path=DEFAULT_DB, busy_timeout=20.0, schema_version=None, linger=0.0):
        """``schema_version``: migrate only that far (a restore loads an older backup's tables into
        the schema they were taken from, then migrates the rest); else to the newest.  ``linger``:
        seconds a DuckDB file stays open once idle, unless another process waits for it
        (rbdash.duckfile; the app's store: APP_LINGER)."""
        location = check_db_path(path)
        self.busy_timeout = busy_timeout
        self._local = threading.local()
        self._versions = (None, {})  # (backend stamp, {scope: version}) see ``version``
        if isinstance(location, Path):
            self._backend = DuckBackend(location, linger)
            try:
                location.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError("db_path", path=str(path), detail=exc.strerror or type(exc).__name__) from None
        else:
            from rbdash.store.pg import PgBackend
            self._backend = PgBackend(location)
        self.path = self._backend.path  # the file, or the server URL without its password
        # which database this is, where ``path`` cannot tell (two schemas of one server database, as
        # the tests use): what caches of its figures are kept under, never shown (it may hold a password)
        self.scope = hashlib.sha256(str(location).encode()).hexdigest()[:16]
        self.migrate(schema_version)

    @property
    def backend(self) -> str:
        """The backend: "duckdb" or "postgresql" (for messages and the CLI; pages and metrics never ask)."""
        return self._backend.kind

    def close(self) -> None:
        """Let go of idle server connections (a DuckDB file is closed by its last user anyway)."""
        self._backend.close()

    # -- connections -------------------------------------------------------------------------
    @contextmanager
    def connect(self) -> Iterator:
        """A connection speaking DuckDB's SQL with ``?`` placeholders (``execute(sql, params)``,
        ``.fetchall()``, ``.df()``): a cursor on this process's one instance of the file (see
        rbdash.duckfile), opened on demand and closed when its last user leaves, or a pooled
        PostgreSQL connection.  Driver errors come out as the project's.

        Inside ``session()`` the session's connection is reused instead.
        """
        held = getattr(self._local, "con", None)
        if held is not None:
            yield held
            return
        with self._backend.cursor(self.busy_timeout) as con:
            yield con

    @contextmanager
    def session(self) -> Iterator["Store"]:
        """Keep one connection open for a batch on this thread (opening a DuckDB file and
        checkpointing it on close costs ~30 ms, more than importing a plan).  Callers release it
        every few seconds so other processes get their turn."""
        with self._backend.write_lock, self.connect() as con:
            self._local.con, self._local.ids = con, {}
            try:
                yield self
            finally:
                self._local.con = self._local.ids = None

    def next_id(self, con, table, n=1):
        """First of ``n`` fresh ids.  Writers are serialised (DuckDB: the file lock across processes
        and the file's write lock within one; PostgreSQL: an advisory lock held by each write
        transaction), so max(id) + 1 is safe and a block of ids is contiguous.  The counters are
        kept in memory for as long as nobody else can write: a transaction, and a DuckDB session.
        A rolled-back transaction only leaves a gap."""
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
    def transaction(self) -> Iterator:
        """BEGIN..COMMIT; ROLLBACK on any error so nothing half-lands.  One writer at a time: per
        process by the file's write lock and across processes by DuckDB's file lock, or by the
        server's advisory lock on PostgreSQL."""
        with self._backend.write_lock, self.connect() as con:
            saved = getattr(self._local, "ids", None)
            if saved is None or not self._backend.ids_outlive_transactions:
                self._local.ids = {}  # counters for this transaction (a batch takes several ids per table)
            try:
                with self._backend.transaction(con):
                    yield con
            finally:
                self._local.ids = saved

    def insert_rows(self, con, table, arrow_table) -> None:
        """Bulk insert an Arrow table whose columns are the table's, in order."""
        self._backend.insert(con, table, arrow_table)

    def grown(self, con, added) -> None:
        """Tables that just grew by ``added`` rows ({table: rows}): see Backend.grown."""
        self._backend.grown(con, added)

    def query_df(self, sql: str, params: list | None = None) -> "pd.DataFrame":
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def data_version(self) -> str:
        """Changes whenever the stored data changes (any audited write)."""
        database, newest = self.version()
        return f"{database}:{newest}"

    def version(self, year: int | None = None, satker: str | None = None, plans: bool = False) -> tuple[str, int]:
        """The version of a part of the data: (the database's identity -- when its first migration
        ran, its schema version and the backend's identity (a DuckDB file's inode: a restored file is
        another database) --, the newest audit entry of the writes of ``year`` (None: every
        year) and of ``satker`` (None: every office), only imports and restored versions when
        ``plans`` (what plan coverage depends on)).  Every write is audited with its office and year,
        so it grows exactly when that part changes: readers keyed by it see every write at their next
        call, and keep their results through writes elsewhere and through failed logins (not audited).

        One index lookup on PostgreSQL; on a DuckDB file answered from memory while its stat is
        unchanged (a failed login changes the file, not the versions), and after a write the versions
        of every year read in one scan of the log (``_years_versions``)."""
        scope = (year, satker, bool(plans))
        stamp = self._backend.stamp()
        memo_stamp, memo = self._versions
        if stamp is not None and stamp == memo_stamp and scope in memo:
            return memo[scope]
        if stamp is not None and satker is None:
            memo = {**(memo if stamp == memo_stamp else {}), **self._years_versions()}
            value = memo.get(scope) or (memo[(None, None, False)][0], 0)   # a year nobody wrote
            self._versions = (stamp, {**memo, scope: value})
            return value
        where, params = ["TRUE"], []
        for column, value in (("year", year), ("satker", satker)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if plans:
            where.append("action IN ('import', 'restore_version')")
        with self.connect() as con:
            newest, schema, born = one(con, f"""
                SELECT (SELECT max(id) FROM audit_log WHERE {' AND '.join(where)}),
                       (SELECT max(version) FROM migrations), (SELECT min(applied_at) FROM migrations)""", params)
        value = (f"{born}:{schema}:{self._backend.identity()}", int(newest or 0))
        if stamp is not None:
            self._versions = (stamp, {**(memo if stamp == memo_stamp else {}), scope: value})
        return value

    def _years_versions(self) -> dict:
        """``version``'s answers for every year and for all years, plans or any write, from one scan
        of the audit log: a DuckDB file has no index to look the newest entry up, and a page run asks
        three or four of these after every save anywhere."""
        with self.connect() as con:
            rows = con.execute("""
                SELECT m.schema, m.born, a.year, a.newest, a.plans
                FROM (SELECT max(version) AS schema, min(applied_at) AS born FROM migrations) m
                LEFT JOIN (SELECT year, max(id) AS newest,
                                  max(id) FILTER (WHERE action IN ('import', 'restore_version')) AS plans
                           FROM audit_log GROUP BY year) a ON TRUE""").fetchall()
        database = f"{rows[0][1]}:{rows[0][0]}:{self._backend.identity()}"
        found = {}
        for _, _, year, newest, plans in rows:   # every year's, and the newest of all (year None too)
            if newest is not None:
                for key, value in (((year, None, False), newest), ((year, None, True), plans or 0),
                                   ((None, None, False), newest), ((None, None, True), plans or 0)):
                    found[key] = (database, max(int(value), found.get(key, (None, 0))[1]))
        found.setdefault((None, None, False), (database, 0))   # an empty log
        found.setdefault((None, None, True), (database, 0))
        return found

    def written_since(self, year: int, after: int) -> tuple[str, int, list[str] | None]:
        """``version(year)`` and the offices written since audit entry ``after`` up to it (as
        ``offices_written``) in one round trip: what a process holding a year's counts asks at the
        first figure of every visit while offices save (rbdash.tally).  ``after`` must be a version
        of this database (the identity returned says which database was asked)."""
        stamp = self._backend.stamp()
        memo_stamp, memo = self._versions
        if stamp is not None and stamp == memo_stamp and (year, None, False) in memo:
            database, newest = memo[(year, None, False)]
            return database, newest, [] if newest <= after else self.offices_written(year, after, newest)
        with self.connect() as con:
            rows = con.execute("""
                SELECT m.schema, m.born, m.newest, a.id, a.satker
                FROM (SELECT max(version) AS schema, min(applied_at) AS born,
                             (SELECT max(id) FROM audit_log WHERE year = ?) AS newest FROM migrations) m
                LEFT JOIN audit_log a ON a.year = ? AND a.id > ? AND a.id <= m.newest""",
                               [int(year), int(year), int(after)]).fetchall()
        database = f"{rows[0][1]}:{rows[0][0]}:{self._backend.identity()}"
        names = {r[4] for r in rows if r[3] is not None}
        return database, int(rows[0][2] or 0), None if None in names else sorted(names)

    def offices_written(self, year: int, after: int, upto: int) -> list[str] | None:
        """The offices with a write of ``year`` audited after entry ``after`` up to ``upto`` (the
        newest of two versions of the year), or None when one of those writes names no office (its
        change may touch any)."""
        with self.connect() as con:
            names = [r[0] for r in con.execute(
                "SELECT DISTINCT satker FROM audit_log WHERE id > ? AND id <= ? AND year = ?",
                [int(after), int(upto), int(year)]).fetchall()]
        return None if any(n is None for n in names) else names

    def revert_change(self, audit_id: int, actor) -> int:
        """Undo the change recorded as audit entry ``audit_id`` (Riwayat's one undo button): a progress
        change (``revert_progress``), a monthly report sent or taken back (``revert_report``) or a
        province's check of months, or its undo (``revert_verification``)."""
        with self.connect() as con:
            entry = one(con, "SELECT action FROM audit_log WHERE id = ?", [audit_id])
        if entry is not None and entry[0] in (REPORT, WITHDRAW):
            return self.revert_report(audit_id, actor)
        if entry is not None and entry[0] in CHECKS:
            return self.revert_verification(audit_id, actor)
        return self.revert_progress(audit_id, actor)

    # -- schema ---------------------------------------------------------------------------------
    def migrate(self, until=None) -> None:
        """Run the migrations not yet run, up to version ``until`` (default: all)."""
        with self.transaction() as con:
            run(con, """CREATE TABLE IF NOT EXISTS migrations (
                version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)""")
            done = {r[0] for r in con.execute("SELECT version FROM migrations").fetchall()}
            for version, description, statements in MIGRATIONS:
                if version in done or until is not None and version > until:
                    continue
                for sql in self._backend.before_migration(version):
                    run(con, sql)
                for sql in statements:
                    run(con, self._backend.ddl(sql))
                for sql in self._backend.after_migration(version):
                    run(con, sql)
                run(con, "INSERT INTO migrations VALUES (?, ?, ?)", [version, description, _now()])

    def schema_version(self) -> int:
        with self.connect() as con:
            return one(con, "SELECT max(version) FROM migrations")[0]

    # -- audit and counts -------------------------------------------------------------------------
    def audit(self, con, user, action, satker, year, pv_id, activity_id, detail) -> None:
        """Record one change in the audit trail, in the caller's transaction."""
        run(con, "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            list(self.audit_row(con, user, action, satker, year, pv_id, activity_id, detail).values()))

    def audit_row(self, con, user, action, satker, year, pv_id, activity_id, detail, when=None) -> dict:
        """One audit_log row, by column in the table's order (inserted alone by ``audit``, or with
        others in one insert by a batch import)."""
        return {"id": self.next_id(con, "audit_log"), "logged_at": when or _now(), "actor": user.username,
                "action": action, "satker": satker, "year": year, "plan_version_id": pv_id,
                "activity_id": activity_id, "detail": json.dumps(detail, ensure_ascii=False, default=str)}

    def counts(self) -> dict[str, int]:
        with self.connect() as con:
            return {table: one(con, f"SELECT count(*) FROM {table}")[0] for table in TABLES}


def default_db_path() -> str | Path:
    value = os.environ.get("RBDASH_DB") or DEFAULT_DB
    return value if is_server_url(value) else Path(value)


def is_server_url(location) -> bool:
    """True for a postgresql:// (or postgres://) URL: the store then lives on that server."""
    return is_url(str(location))


def check_db_path(path: str | Path) -> Path | str:
    """The database location, refused (StoreError) before anything is created when it cannot be
    used: a ``postgresql://`` URL is returned as it is (parsed, not contacted); any other URL, a
    folder, something that is not a regular file (``/dev/null``, a pipe), an empty file, a file
    that is not DuckDB's, or a path the system refuses (too long) is refused; else the DuckDB
    file's Path."""
    text = str(path)
    if is_server_url(text):
        from rbdash.store.pg import check_url
        return check_url(text)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        raise StoreError("db_url", path=where(text))
    p = Path(text)
    try:
        info = p.stat() if text else None
    except (FileNotFoundError, NotADirectoryError):
        info = None
    except OSError as exc:  # too long, no permission on a parent folder, a loop of links
        raise StoreError("db_path", path=shown_path(text), detail=exc.strerror or type(exc).__name__) from None
    if info is None:
        return p
    if stat.S_ISDIR(info.st_mode):
        raise StoreError("db_path", path=shown_path(text), detail="it is a folder")
    if not stat.S_ISREG(info.st_mode):
        raise StoreError("db_not_file", path=shown_path(text))
    if info.st_size == 0:
        raise StoreError("db_empty_file", path=shown_path(text))
    head = DuckFile.of(p).head(16)
    if head is not None and (len(head) < 12 or head[8:12] != b"DUCK"):
        raise StoreError("db_not_duckdb", path=shown_path(text))
    return p


def shown_path(text: str, width: int = 120) -> str:
    """A path as a message shows it: at most ``width`` characters (a 5,000-character --db stays one
    readable line)."""
    return text if len(text) <= width else text[:width - 1] + "…"
