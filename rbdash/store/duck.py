"""The embedded backend (the zero-setup default): one DuckDB file, opened on demand through
rbdash.duckfile (one instance per file per process) and closed when its last user leaves."""

from contextlib import contextmanager
from pathlib import Path

import duckdb

from rbdash.duckfile import DuckFile, translate, wal_path
from rbdash.store.base import Backend


class DuckBackend(Backend):
    kind = "duckdb"
    ids_outlive_transactions = True    # a session holds the file: nobody else can write meanwhile

    def __init__(self, path: Path, linger: float = 0.0):
        self.path = path
        self._db = DuckFile.of(path)
        if linger:
            self._db.linger = linger
        self.write_lock = self._db.write_lock

    @contextmanager
    def cursor(self, busy_timeout=20.0):
        with self._db.cursor(busy_timeout) as con:
            try:
                yield con
            except duckdb.Error as exc:
                raise translate(exc) from None

    @contextmanager
    def transaction(self, con):
        try:
            con.execute("BEGIN TRANSACTION").fetchall()
            yield con
            con.execute("COMMIT").fetchall()
        except BaseException as exc:
            try:
                con.execute("ROLLBACK").fetchall()
            except duckdb.Error:
                pass  # a failed COMMIT has already ended the transaction
            if isinstance(exc, duckdb.Error):
                raise translate(exc) from None
            raise

    def close(self):
        """Close the file now if it lingers idle (rbdash.duckfile): before it is moved or replaced."""
        self._db.close_idle()

    # dialect: the store's SQL is DuckDB's
    def ddl(self, sql):
        return sql

    def before_migration(self, version):
        return []

    def after_migration(self, version):
        return []

    def insert(self, con, table, arrow_table):
        """Bulk insert an Arrow table (DuckDB finds ``arrow_rows`` among this frame's locals; half the
        cost of register/unregister)."""
        arrow_rows = arrow_table  # noqa: F841 - read by DuckDB's replacement scan
        con.execute(f"INSERT INTO {table} SELECT * FROM arrow_rows").fetchall()

    def grown(self, con, added) -> None:
        """Nothing: DuckDB keeps its statistics as rows are written."""

    def identity(self) -> str:
        """The file's inode: a restored file is another database for the readers' versions."""
        try:
            return str(self.path.stat().st_ino)
        except FileNotFoundError:
            return ""

    def stamp(self) -> str:
        """A stat of the database files (and which file it is: a restore puts another in place):
        changes with every commit of any process, costs no query."""
        parts = []
        for p in (self.path, wal_path(self.path)):
            try:
                st = p.stat()
                parts.append((st.st_ino, st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                parts.append(None)
        return str(parts)
