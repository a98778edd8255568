"""DuckDB storage: schema and migrations, transactional imports with versions, progress edits,
accounts, history with undo, backup.  One module per concern, composed into ``Store``:

- ``schema``   the migrations;
- ``plans``    imports, versions (realisation carried over), restoring an earlier version;
- ``progress`` progress edits with revisions, reverting one;
- ``users``    accounts (argon2 hashes) and logins;
- ``backup``   consistent snapshots and restores.

DuckDB lets one process at a time open a database file.  So nobody holds the file for long: it is
opened on demand and closed when the last user of this process is done (rbdash.duckfile: one
instance per file per process, shared by threads), and the running app and the CLI take turns.
Readers in the app are cached by ``Store.data_version()``, a stat of the files that changes with
every commit, so pages pick up imports made elsewhere without a restart.  Every write checks the
acting user's role (rbdash.accounts) inside its transaction.

Months are stored as 12-bit masks (bit m-1 = month m, rbdash.schedule): completion rates are then
bit_count() arithmetic inside DuckDB instead of joins over month rows.
"""

import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from rbdash.duckfile import DuckFile, translate
from rbdash.errors import StoreError
from rbdash.store.common import as_user, one, run  # noqa: F401 - re-exported
from rbdash.store.common import now as _now
from rbdash.store.plans import PlansMixin
from rbdash.store.progress import ProgressMixin
from rbdash.store.schema import MIGRATIONS
from rbdash.store.users import UsersMixin

DEFAULT_DB = Path("data") / "rbdash.duckdb"
TABLES = ("satker", "plan_versions", "activities", "progress", "audit_log", "users")


class Store(PlansMixin, ProgressMixin, UsersMixin):
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
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
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
    def session(self) -> Iterator["Store"]:
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
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
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

    def query_df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params or []).df()

    def data_version(self) -> str:
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
    def migrate(self) -> None:
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

    def schema_version(self) -> int:
        with self.connect() as con:
            return one(con, "SELECT max(version) FROM migrations")[0]

    # -- audit and counts -------------------------------------------------------------------------
    def _audit(self, con, user, action, satker, year, pv_id, activity_id, detail):
        run(con, "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self._ids(con, "audit_log"), _now(), user.username, action, satker, year, pv_id, activity_id,
             json.dumps(detail, ensure_ascii=False, default=str)])

    def counts(self) -> dict[str, int]:
        with self.connect() as con:
            return {table: one(con, f"SELECT count(*) FROM {table}")[0] for table in TABLES}


def default_db_path() -> Path:
    return Path(os.environ.get("RBDASH_DB", DEFAULT_DB))


def check_db_path(path: str | Path) -> Path:
    """The database location as a Path, refused (StoreError) before anything is created when it
    cannot be an embedded DuckDB file: a server URL, a directory, a file that is not DuckDB's."""
    text = str(path)
    if re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        raise StoreError("db_url", path=text.split("@")[-1] if "@" in text else text)
    p = Path(text)
    if p.is_dir():
        raise StoreError("db_path", path=text, detail="it is a folder")
    if p.is_file() and p.stat().st_size:
        head = DuckFile.of(p).head(16)
        if head is not None and (len(head) < 12 or head[8:12] != b"DUCK"):
            raise StoreError("db_not_duckdb", path=text)
    return p
