"""One DuckDB instance per database file per process, shared by its threads, and one process at a
time on the file, by a lock of our own.

Why this exists (issue 12, the acknowledged edit that vanished).  Two ways DuckDB (2.0) lets a
commit be overwritten when processes take turns on one file, both measured here:

1. Its lock is a POSIX record lock, and those belong to the *process*: closing any descriptor of
   the file drops every lock the process holds on it.  A second ``duckdb.connect()`` of a file the
   process already has open opens and closes a descriptor ("Unique file handle conflict") and so
   silently unlocks the live instance.  Hence at most one instance per file per process, threads
   get cursors on it, and nothing else in rbdash opens the file while it is open (``head``).
2. ``duckdb.connect()`` reads the file's headers *before* it takes that lock.  When another process
   checkpoints and closes in between, the new instance starts from the previous checkpoint and its
   own checkpoint writes over the other's last commit (strace: headers read at t, the other's
   header written and its lock released at t+2 ms, the lock taken at t+8 ms, headers not read
   again).  Five processes taking turns (bench/stress_turns.py): DuckDB alone lost 10 of 4,000
   acknowledged commits, rbdash 0.  Hence our own lock: a process takes an exclusive ``flock`` on
   ``<file>.lock`` before it opens the file and releases it only after closing it, so no process
   even reads the headers while another has the file open.  ``flock`` locks belong to the open
   file description, so no other descriptor anywhere can drop them.  DuckDB's lock stays as the
   guard against tools outside rbdash (the ``duckdb`` shell), which are only waited for.

Every open and close goes through one lock here, and the file is closed when its last user leaves,
so that other processes (the CLI, another app process) get their turn.  Write transactions of one
process are serialised by ``write_lock`` (DuckDB would otherwise let two of them race for the same
new ids).

The files are private to the account that runs rbdash (issue 18): the database holds the argon2
hashes, and anyone who can open ``<file>.lock`` can hold its flock and stop every writer.  DuckDB
creates the database and its WAL (again after every checkpoint) with the process's umask, so a
process using a database file narrows its umask to 077 (files 0600, folders 0700), as PostgreSQL's
server does; the lock file is created 0600 and narrowed to 0600 when an older one is wider.
"""

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb

try:
    import fcntl
except ImportError:  # Windows: DuckDB's own lock there is a mandatory one, dropped by no other handle
    fcntl = None

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
    if isinstance(exc, (duckdb.IOException, duckdb.SerializationException)) or any(
            s in text for s in ("not a valid DuckDB", "Corrupt database file")):  # a damaged block: checksum
        return StoreError("db_unreadable", detail=text)
    return StoreError("db_error", detail=text)


PRIVATE = 0o077   # umask bits: nothing for group and others


def private_files() -> None:
    """Create this process's files for its user only from now on (umask 077, keeping any stricter
    bits).  One call narrows it at once, so no thread ever sees a wider umask in between."""
    old = os.umask(PRIVATE)
    if old & ~PRIVATE:
        os.umask(old | PRIVATE)


def wal_path(path) -> Path:
    """DuckDB's write-ahead log beside a database file."""
    return Path(f"{path}.wal")


def lock_path(path) -> Path:
    """The turn lock beside a database file (see the module docstring)."""
    return Path(f"{path}.lock")


def companions(path) -> list[Path]:
    """The files kept beside a database file (for removing a temporary database with everything
    that belongs to it)."""
    return [wal_path(path), lock_path(path)]


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
        private_files()
        self.path = path
        self.write_lock = threading.RLock()
        self._lock = threading.Lock()   # guards _root and _users: every open, cursor and close
        self._root = None
        self._claim = None              # descriptor of <file>.lock, flock-ed while the file is open
        self._users = 0

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
                if self._root is None and self._take_claim():
                    try:
                        self._root = duckdb.connect(self.path)
                    except duckdb.Error as exc:
                        self._drop_claim()
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
                    try:
                        root.close()
                    finally:
                        self._drop_claim()

    def _take_claim(self) -> bool:
        """Take this process's turn on the file (the exclusive flock on ``<file>.lock``); False
        while another process has it."""
        if fcntl is None:
            return True
        try:  # flock needs no write access; a link planted in the lock's place is not followed
            fd = os.open(lock_path(self.path), os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        except OSError as exc:
            raise StoreError("db_path", path=self.path, detail=exc.strerror or type(exc).__name__) from None
        try:
            info = os.fstat(fd)
            if info.st_mode & PRIVATE and info.st_uid == os.geteuid():
                os.fchmod(fd, 0o600)  # a lock file made before issue 18 was readable by everyone
        except OSError:
            pass  # not ours to change: its owner keeps the rights they had
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._claim = fd
        return True

    def _drop_claim(self):
        fd, self._claim = self._claim, None
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the flock

    def head(self, n: int = 16) -> bytes | None:
        """The file's first bytes, or None while this process has it open: reading them then would
        open and close a second descriptor, and closing any descriptor of a file drops the
        process's POSIX lock on it (the cause of issue 12's lost edit)."""
        with self._lock:
            if self._root is not None:
                return None
            with open(self.path, "rb") as fh:
                return fh.read(n)
