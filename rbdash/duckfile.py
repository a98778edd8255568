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
so that other processes (the CLI, another app process) get their turn -- or, in a process that asks
for it (``DuckFile.linger``: the app), once it has been idle that long or as soon as another process
waits for it.  Opening the file and checkpointing it on close cost ~15-20 ms, paid by every query of
a page run when the file is closed in between.  A waiting process says so by a shared ``flock`` on
``<file>.want``, which the holder tests (an exclusive try) when its last user leaves and while it
lingers; a file replaced meanwhile (a restore by another process) is reopened, never reused.  Write transactions of one
process are serialised by ``write_lock`` (DuckDB would otherwise let two of them race for the same
new ids).

The files are private to the account that runs rbdash (issue 18): the database holds the argon2
hashes, and anyone who can open ``<file>.lock`` can hold its flock and stop every writer.  DuckDB
creates the database and its WAL (again after every checkpoint) with the process's umask, so a
process using a database file narrows its umask to 077 (files 0600, folders 0700), as PostgreSQL's
server does; the lock file is created 0600 and narrowed to 0600 when an older one is wider.
"""

import atexit
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


def want_path(path) -> Path:
    """Where a process waiting for the file says so (see the module docstring)."""
    return Path(f"{path}.want")


def companions(path) -> list[Path]:
    """The files kept beside a database file (for removing a temporary database with everything
    that belongs to it)."""
    return [wal_path(path), lock_path(path), want_path(path)]


def _private_open(path: Path) -> int:
    """A descriptor of a lock file beside the database (created 0600; a link planted in its place is
    not followed; an older wider file narrowed)."""
    fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        info = os.fstat(fd)
        if info.st_mode & PRIVATE and info.st_uid == os.geteuid():
            os.fchmod(fd, 0o600)  # a lock file made before issue 18 was readable by everyone
    except OSError:
        pass  # not ours to change: its owner keeps the rights they had
    return fd


class DuckFile:
    """The process's handle on one database file (see the module docstring)."""

    _registry: dict = {}
    _registry_lock = threading.Lock()
    linger = 0.0   # seconds an idle file stays open in this process (the app sets it), unless wanted

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
        self._seen = None               # the file's stat when it went idle (a changed file is not reused)
        self._failed = False            # a use failed since the file was opened: do not linger
        self._idle_since = None         # when the last user left a lingering file
        self._want = None               # descriptor of <file>.want (tested by a holder)
        self._lingering = None          # the thread closing an idle file

    @contextmanager
    def cursor(self, busy_timeout: float = 20.0):
        """A cursor on the shared instance, opening the file if needed (waiting while another
        process holds it, up to ``busy_timeout`` seconds, then StoreError db_busy)."""
        cur = self._acquire(busy_timeout)
        failed = True
        try:
            yield cur
            failed = False
        finally:
            self._release(cur, failed)

    def _acquire(self, busy_timeout):
        deadline = time.monotonic() + busy_timeout
        delay = 0.01
        waiting = None   # our shared flock on <file>.want while another process has the file
        try:
            while True:
                with self._lock:
                    if self._root is not None and self._users == 0 and not self._same_file():
                        self._close()
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
                        self._idle_since = None
                        return cur
                if time.monotonic() > deadline:
                    raise StoreError("db_busy")
                if waiting is None and fcntl is not None:
                    waiting = self._say_waiting()
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        finally:
            if waiting is not None:
                os.close(waiting)

    def _release(self, cur, failed=False):
        """A user leaves; the last one closes the file, or lets it linger unless a use failed (the
        file may be damaged: opened afresh next time) or another process waits for it."""
        with self._lock:
            try:
                cur.close()
            finally:
                self._users -= 1
                self._failed = self._failed or failed
                if self._users == 0:
                    if self.linger > 0 and not self._failed and not self._wanted():
                        self._idle_since = time.monotonic()
                        self._seen = self._file_stamp()
                        self._keep_lingering()
                    else:
                        self._close()

    def _close(self):
        """Close the file and give up the turn (under ``_lock``, no user left)."""
        root, self._root, self._idle_since, self._seen, self._failed = self._root, None, None, None, False
        try:
            root.close()
        finally:
            self._drop_claim()

    def _keep_lingering(self):
        """The thread that closes the file once idle for ``linger`` seconds or wanted elsewhere."""
        if self._lingering is None or not self._lingering.is_alive():
            self._lingering = threading.Thread(target=self._linger_loop, name="rbdash-duckfile", daemon=True)
            self._lingering.start()

    def _linger_loop(self):
        while True:
            time.sleep(0.02)
            with self._lock:
                if self._root is None:
                    return
                if self._users == 0 and self._idle_since is not None and (
                        time.monotonic() - self._idle_since >= self.linger or self._wanted()
                        or not self._same_file()):
                    self._close()
                    return

    def close_idle(self):
        """Close the file now if nobody in this process uses it (a lingering one; at exit)."""
        with self._lock:
            if self._root is not None and self._users == 0:
                self._close()

    def _file_stamp(self):
        try:
            info = os.stat(self.path)
        except OSError:
            return None
        return info.st_ino, info.st_mtime_ns, info.st_size

    def _same_file(self) -> bool:
        """The file at the path is as this process left it when it went idle: not replaced (a
        restore) nor written by anything else (whatever did it, reading it afresh is right)."""
        return self._seen is not None and self._file_stamp() == self._seen

    def _say_waiting(self):
        """Hold a shared flock on <file>.want while waiting for another process's turn to end."""
        try:
            fd = _private_open(want_path(self.path))
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)   # a holder testing it right now: the next round says it
            return None
        return fd

    def _wanted(self) -> bool:
        """Another process waits for the file (holds <file>.want shared)."""
        if fcntl is None:
            return True
        if self._want is None:
            try:
                self._want = _private_open(want_path(self.path))
            except OSError:
                return True    # cannot tell: behave as before (close at once)
        try:
            fcntl.flock(self._want, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(self._want, fcntl.LOCK_UN)
        return False

    def _take_claim(self) -> bool:
        """Take this process's turn on the file (the exclusive flock on ``<file>.lock``); False
        while another process has it."""
        if fcntl is None:
            return True
        try:  # flock needs no write access
            fd = _private_open(lock_path(self.path))
        except OSError as exc:
            raise StoreError("db_path", path=self.path, detail=exc.strerror or type(exc).__name__) from None
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


@atexit.register
def _close_lingering():
    """A process that lingered closes its idle files on exit (checkpointed, as without lingering)."""
    for f in list(DuckFile._registry.values()):
        f.close_idle()
