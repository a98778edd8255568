"""One DuckDB instance per database file per process, shared by its threads.

Why this exists (issue 12, the acknowledged edit that vanished): DuckDB guards a database file with
a POSIX record lock, and POSIX record locks belong to the *process*: closing any descriptor of the
file drops every lock the process holds on it.  When a second ``duckdb.connect()`` of the same file
runs in a process that already has it open (two threads racing an open against a close), DuckDB
opens a descriptor, finds the file attached ("Unique file handle conflict"), closes the descriptor
-- and thereby silently unlocks the live instance.  Another process can then open the file and
commit, and the live instance's next checkpoint writes its stale pages over that commit.

So every open and close of a file goes through one lock here: at most one instance per file exists
in a process, threads get cursors on it, and it is closed when its last user leaves, so that other
processes (the CLI, another app process) get their turn.  Write transactions of one process are
serialised by ``write_lock`` (DuckDB would otherwise let two of them race for the same new ids).
"""

import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

from rbdash.errors import ConflictError, StoreError

LOCK_ERRORS = ("Could not set lock", "Conflicting lock", "database is locked", "being used by another")


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and any(s in str(exc) for s in LOCK_ERRORS)


def translate(exc: BaseException) -> Exception:
    """The project's error for a DuckDB exception: pages and the CLI never see a raw one."""
    text = str(exc).strip().splitlines()[0][:160] if str(exc).strip() else type(exc).__name__
    if is_lock_error(exc):
        return StoreError("db_busy")
    if isinstance(exc, duckdb.TransactionException) and "onflict" in text:
        return ConflictError("write_conflict")
    if isinstance(exc, duckdb.ConstraintException):
        return ConflictError("write_conflict")
    if isinstance(exc, (duckdb.IOException, duckdb.SerializationException)) or "not a valid DuckDB" in text:
        return StoreError("db_unreadable", detail=text)
    return StoreError("db_error", detail=text)


class DuckFile:
    """The process's handle on one database file (see the module docstring)."""

    _registry: dict = {}
    _registry_lock = threading.Lock()

    @classmethod
    def of(cls, path) -> "DuckFile":
        key = str(Path(path).resolve())
        with cls._registry_lock:
            if key not in cls._registry:
                cls._registry[key] = cls(key)
            return cls._registry[key]

    def __init__(self, path: str):
        self.path = path
        self.write_lock = threading.RLock()
        self._lock = threading.Lock()   # guards _root and _users: every open, cursor and close
        self._root = None
        self._users = 0
        self.opens = 0                  # how often the file was opened (for tests and benchmarks)

    @contextmanager
    def cursor(self, busy_timeout: float = 20.0):
        """A cursor on the shared instance, opening the file if needed (waiting while another
        process holds it, up to ``busy_timeout`` seconds, then StoreError db_busy)."""
        cur = self._acquire(busy_timeout)
        try:
            yield cur
        finally:
            self._release(cur)

    def _acquire(self, busy_timeout):
        deadline = time.monotonic() + busy_timeout
        delay = 0.01
        while True:
            with self._lock:
                if self._root is None:
                    try:
                        self._root = duckdb.connect(self.path)
                        self.opens += 1
                    except duckdb.Error as exc:
                        if not is_lock_error(exc):
                            raise translate(exc) from None
                if self._root is not None:
                    cur = self._root.cursor()
                    self._users += 1
                    return cur
            if time.monotonic() > deadline:
                raise StoreError("db_busy")
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _release(self, cur):
        with self._lock:
            try:
                cur.close()
            finally:
                self._users -= 1
                if self._users == 0:
                    root, self._root = self._root, None
                    root.close()

    def head(self, n: int = 16) -> bytes | None:
        """The file's first bytes, or None while this process has it open: reading them then would
        open and close a second descriptor, and closing any descriptor of a file drops the
        process's POSIX lock on it (the cause of issue 12's lost edit)."""
        with self._lock:
            if self._root is not None:
                return None
            with open(self.path, "rb") as fh:
                return fh.read(n)

    @property
    def is_open(self) -> bool:
        return self._root is not None
