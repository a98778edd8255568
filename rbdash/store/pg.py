"""The PostgreSQL backend: the same store on a database server, for several app replicas.

Route (b) of issue 9: psycopg 3 talking to PostgreSQL directly (DuckDB's postgres extension exists
only for duckdb 1.4.x and copies whole tables into DuckDB for every query).  The store's SQL is
written once; what differs is kept here:

- placeholders: the code writes ``?``; ``pyformat`` turns them into ``%s`` outside string
  literals, quoted identifiers and comments (and doubles ``%``), and values are bound client-side
  by psycopg (``ClientCursor``: properly quoted literals), so an untyped ``? IS NULL`` works as in
  DuckDB;
- DDL: ``DOUBLE`` is ``DOUBLE PRECISION`` and text columns sort byte-wise (``COLLATE "C"``, as
  DuckDB does) whatever the server's locale;
- the two DuckDB functions the read queries use, ``bit_count(int)`` and ``list_contains(list, x)``,
  exist as SQL functions (created by the first migration, inlined by the planner), plus the index
  PostgreSQL needs for the ``latest_plans`` view (without it: 6.9 s instead of ~35 ms);
- bulk inserts use ``COPY``; frames are built from rows with the dtypes DuckDB gives pandas.

Writers are serialised by a transaction-scoped advisory lock taken first in every write transaction
(as DuckDB's file lock serialises them): ids stay ``max(id) + 1`` and contiguous per import, the
revision check of a progress edit cannot race, and readers are never blocked (MVCC).  The versions
replicas key their caches on (Store.version) are the newest audit entry of a year, of one office's
year, or of all -- every write is audited -- one index lookup each per rerun.
"""

import functools
import os
import re
import threading
import time
from contextlib import contextmanager, nullcontext

import numpy as np
import pandas as pd

from rbdash.errors import ConflictError, StoreError
from rbdash.store import counts
from rbdash.store.base import Backend
from rbdash.store.common import is_url, redact, where  # noqa: F401 - messages name the server, never the password

try:
    import psycopg
    from psycopg import ClientCursor
    from psycopg.types.numeric import IntDumper
    from psycopg.types.bool import BoolDumper
except ImportError:  # pragma: no cover - psycopg is in requirements.txt
    psycopg = None

WRITE_LOCK_KEY = 0x7262_6461_7368  # "rbdash": pg_advisory_xact_lock key shared by every writer
CONNECT_TIMEOUT = 5
IDLE_CONNECTIONS = 4
# every connection's settings: no JIT (it compiled a national figure's ~10 ms query for 60 ms: the
# planner's costs are high, the rows few), and room to sort a year's month counts in memory
SESSION = ["SET jit = off", "SET work_mem = '16MB'"]
CHECK_IDLE_AFTER = 2.0  # seconds: an idle connection older than this is pinged before use (~0.1 ms on a LAN)

# OIDs of the column types whose pandas dtype matters (as DuckDB's .df() gives them)
_INT4, _INT8, _INT2, _BOOL = 23, 20, 21, 16
_FLOATS = (700, 701, 1700)
_TIMESTAMPS = (1114, 1184)


def check_url(url: str) -> str:
    """The URL if psycopg can use it (parsed, nothing contacted), else StoreError db_url_bad."""
    if psycopg is None:
        raise StoreError("db_no_driver")
    try:
        parts = psycopg.conninfo.conninfo_to_dict(str(url))
    except psycopg.Error:
        raise StoreError("db_url_bad", path=redact(url)) from None
    if not all(p.strip().isdigit() for p in str(parts.get("port") or "5432").split(",")):
        raise StoreError("db_url_bad", path=redact(url))
    return str(url)


# --------------------------------------------------------------------------------- SQL dialect

@functools.lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """``?`` placeholders as ``%s`` (and ``%`` doubled) outside literals, identifiers and comments."""
    out, i, n = [], 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in "'\"":
            j = i + 1
            while j < n:
                if sql[j] == ch:
                    if j + 1 < n and sql[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1].replace("%", "%%"))
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif ch == "$" and (m := re.match(r"\$([A-Za-z_]\w*)?\$", sql[i:])):
            tag = m.group(0)
            j = sql.find(tag, i + len(tag))
            j = n if j < 0 else j + len(tag)
            out.append(sql[i:j].replace("%", "%%"))
            i = j
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def ddl(sql: str) -> str:
    """A migration statement in PostgreSQL's words (types only; the statements are shared)."""
    if re.match(r"\s*(CREATE|ALTER)\s+TABLE", sql, re.I):
        sql = re.sub(r"\bDOUBLE\b(?!\s+PRECISION)", "DOUBLE PRECISION", sql)
        sql = re.sub(r"\bVARCHAR\b", 'VARCHAR COLLATE "C"', sql)
    return sql


# run before migration 1 / after it on PostgreSQL only (no PostgreSQL database predates them)
SHIMS = [
    """CREATE OR REPLACE FUNCTION bit_count(integer) RETURNS bigint
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT pg_catalog.bit_count($1::bit(32))'""",
    """CREATE OR REPLACE FUNCTION list_contains(anycompatiblearray, anycompatible) RETURNS boolean
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT $2 = ANY($1)'""",
]
# run after a migration on PostgreSQL only, by its version
INDEXES = {
    1: ["CREATE INDEX IF NOT EXISTS activities_plan_version ON activities (plan_version_id)",
        "CREATE INDEX IF NOT EXISTS audit_log_satker_year ON audit_log (satker, year)"],
    # the counts of one version (a progress write moves them); the newest change of a year, of a year's
    # plans and of one office's year (the keys the app's caches are read by: Store.version)
    7: ["CREATE INDEX IF NOT EXISTS month_counts_version ON month_counts (plan_version_id)",
        "CREATE INDEX IF NOT EXISTS area_counts_version ON area_counts (plan_version_id)",
        "CREATE INDEX IF NOT EXISTS audit_log_year_id ON audit_log (year, id)",
        "CREATE INDEX IF NOT EXISTS audit_log_plans ON audit_log (year, id) WHERE action IN ('import', 'restore_version')",
        "CREATE INDEX IF NOT EXISTS audit_log_satker_year_id ON audit_log (satker, year, id)",
        "DROP INDEX IF EXISTS audit_log_satker_year"],
    # month_counts made again: its index, and its statistics now (a planner that took it for empty
    # chose nested loops for every national figure until autovacuum came by)
    11: ["CREATE INDEX IF NOT EXISTS month_counts_version ON month_counts (plan_version_id)",
         "ANALYZE month_counts"],
}


# --------------------------------------------------------------------------------- results

class Result:
    """What DuckDB's ``execute`` returns, as far as the store uses it: fetchall/fetchone/df."""

    def __init__(self, cur):
        self._cur = cur

    @property
    def description(self):
        return self._cur.description

    def fetchall(self):
        return self._cur.fetchall() if self._cur.description is not None else []

    def fetchone(self):
        return self._cur.fetchone() if self._cur.description is not None else None

    def df(self) -> pd.DataFrame:
        desc = self._cur.description or []
        rows = self.fetchall()
        cols = list(zip(*rows)) if rows else [()] * len(desc)
        return pd.DataFrame({d.name: _series(values, d.type_code) for d, values in zip(desc, cols)},
                            columns=[d.name for d in desc])


def _series(values, oid) -> pd.Series:
    """A column with the dtype DuckDB's .df() gives pandas for the same SQL type."""
    values = list(values)
    has_null = any(v is None for v in values)
    if oid in (_INT4, _INT2, _INT8):
        bits = 64 if oid == _INT8 else 32
        return pd.Series(values, dtype=f"Int{bits}" if has_null else f"int{bits}")
    if oid == _BOOL:
        return pd.Series(values, dtype="boolean" if has_null else bool)
    if oid in _FLOATS:
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if oid in _TIMESTAMPS:
        return pd.Series(pd.to_datetime(values), dtype="datetime64[us]") if values else \
            pd.Series([], dtype="datetime64[us]")
    return pd.Series(values, dtype=object if not values or all(v is None for v in values) else None)


class Connection:
    """A psycopg connection speaking the store's dialect: ``execute(sql with ?, params)``."""

    def __init__(self, raw):
        self.raw = raw

    def execute(self, sql, params=None):
        cur = self.raw.cursor()
        cur.execute(pyformat(sql), list(params or []))
        return Result(cur)

    def copy_rows(self, table, rows):
        """COPY rows holding every column of ``table`` in its order (as DuckDB's INSERT .. SELECT *)."""
        with self.raw.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


# --------------------------------------------------------------------------------- errors

def translate(exc, url) -> Exception:
    """The project's error for a psycopg exception: pages and the CLI never see a raw one."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:160]
    state = getattr(exc, "sqlstate", None)
    if state in ("40001", "40P01", "23505"):
        return ConflictError("write_conflict")
    if state in ("57P01", "57P02", "57P03", "53300") or isinstance(exc, psycopg.OperationalError) and state is None:
        return StoreError("db_unreachable", path=where(url), detail=_connect_detail(text))
    if state in ("28000", "28P01", "3D000"):
        return StoreError("db_unreachable", path=where(url), detail=_connect_detail(text))
    return StoreError("db_error", detail=text)


def _connect_detail(text):
    """libpq's reason, shortened: 'Connection refused', 'role "x" does not exist' ..."""
    if "FATAL:" in text:
        return text.split("FATAL:", 1)[1].strip()[:100]
    return text.rsplit(": ", 1)[-1].strip()[:100]


# --------------------------------------------------------------------------------- the backend

class PgBackend(Backend):
    """One PostgreSQL database; a few idle connections kept per process (a connection costs ~20 ms)."""

    kind = "postgresql"
    ids_outlive_transactions = False   # other processes write between our transactions
    write_lock = nullcontext()         # writers are serialised in the server (advisory lock)

    def __init__(self, url):
        self.url = check_url(url)
        self.path = redact(self.url)   # what the store shows and keys caches with
        self._idle, self._lock, self._pid = [], threading.Lock(), os.getpid()

    # connections
    def _connect(self):
        try:
            raw = psycopg.connect(self.url, autocommit=True, cursor_factory=ClientCursor,
                                  connect_timeout=CONNECT_TIMEOUT, application_name="rbdash")
        except psycopg.Error as exc:
            raise translate(exc, self.url) from None
        for t in (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64):
            raw.adapters.register_dumper(t, IntDumper)
        raw.adapters.register_dumper(np.bool_, BoolDumper)
        try:
            for sql in SESSION:
                raw.execute(sql)
        except psycopg.Error as exc:
            raw.close()
            raise translate(exc, self.url) from None
        return Connection(raw)

    def _get(self):
        with self._lock:
            if self._pid != os.getpid():   # a forked child never reuses its parent's sockets
                self._idle, self._pid = [], os.getpid()
            con, since = self._idle.pop() if self._idle else (None, None)
        if con is not None and time.monotonic() - since > CHECK_IDLE_AFTER:
            try:   # the server may have restarted meanwhile: its socket is dead although nothing says so yet
                con.execute("SELECT 1").fetchall()
            except psycopg.Error:
                con.raw.close()
                self.close()  # the other idle ones went with it
                con = None
        return con if con is not None else self._connect()

    def _put(self, con):
        raw = con.raw
        if raw.closed or raw.broken or raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            raw.close()
            return
        with self._lock:
            if len(self._idle) < IDLE_CONNECTIONS and self._pid == os.getpid():
                self._idle.append((con, time.monotonic()))
                return
        raw.close()

    @contextmanager
    def cursor(self, busy_timeout=20.0):
        con = self._get()
        try:
            yield con
        except (psycopg.Error, StoreError) as exc:  # a transaction has translated its error already
            err = translate(exc, self.url) if isinstance(exc, psycopg.Error) else exc
            if err.code == "db_unreachable":
                self.close()  # the server went away: the idle connections are dead too; the next use connects anew
            if err is exc:
                raise
            raise err from None
        finally:
            self._put(con)

    @contextmanager
    def transaction(self, con):
        """BEGIN, the writers' lock, COMMIT; ROLLBACK on any error."""
        try:
            con.execute("BEGIN")
            con.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK_KEY]).fetchall()
            yield con
            con.execute("COMMIT")
        except BaseException as exc:
            try:
                if not con.raw.closed:
                    con.raw.execute("ROLLBACK")
            except psycopg.Error:
                pass
            if isinstance(exc, psycopg.Error):
                raise translate(exc, self.url) from None
            raise

    def close(self):
        with self._lock:
            idle, self._idle = self._idle, []
        for con, _ in idle:
            con.raw.close()

    # dialect
    def ddl(self, sql):
        return ddl(sql)

    def before_migration(self, version):
        return SHIMS if version == 1 else []

    def after_migration(self, version):
        return INDEXES.get(version, [])

    def insert(self, con, table, arrow_table):
        con.copy_rows(table, zip(*(c.to_pylist() for c in arrow_table.columns)))

    def grown(self, con, added) -> None:
        """ANALYZE the tables that grew by more than a tenth (or were never analysed) -- with the
        counts derived from them when plan versions were added -- in the writer's transaction.
        Autovacuum would, but up to a minute later: meanwhile the planner took a fresh database's
        tables for empty and chose nested loops, and every national figure cost 5x (165 against
        30 ms at 511 offices)."""
        def estimate(table):   # None: no such table (a database not yet migrated to the counts)
            row = con.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)", [table]).fetchone()
            return None if row is None or row[0] is None else row[0]
        grew = [t for t, rows in added.items() if rows and (e := estimate(t)) is not None and (e < 0 or rows * 10 > e)]
        if "plan_versions" in grew:
            grew += [t for t in counts.TABLES if t not in grew and estimate(t) is not None]
        for table in grew:   # names from the code (the store's tables), not from data
            con.execute(f"ANALYZE {table}").fetchall()

    def identity(self) -> str:
        return ""

    def stamp(self):
        """None: other replicas commit without a trace here, so the store asks the database."""
        return None
