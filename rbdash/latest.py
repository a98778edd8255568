"""Figures computed once for many readers (issue 22.2): per key, the newest result with the version of
the data it covers, and at most one computation at a time.

A page asks for a figure with the version its run read (views.DataKey: the newest audited change of a
year, an office ...).  Any result computed from data at least that new will do: it holds every write
acknowledged before the run began.  So when saves arrive faster than a national figure is computed,
the readers of one process do not each compute it for their own version: the first starts, and those
who ask meanwhile wait for the next computation, which starts when the running one ends and covers all
of them (they read their versions before it began).  A reader waits at most about two computations,
whatever the rate of saves; a reader whose version the kept result already covers does not wait.

A reader may also say when its run began (``asked``, time.monotonic(), taken before it read its
versions): a computation that began later reads every write acknowledged before that, whatever
version it was asked for, so the reader takes its result -- kept, or still running -- instead of
waiting for the next.  A page asks for several figures one after the other within one run, and
while saves arrive the later ones are mostly computed after the run began.

A computation may also use data another one read, when it was read after the version its reader
needs was (``since``): rbdash.tally keeps a year's rows, and a visit's five national figures share
the rows its first figure read instead of each reading them again.  Each computation has a
``Reading`` (``reading()`` finds it) where such data says when it was read; the result is then
stamped with the earliest of those times instead of when the computation began, so it serves only
the readers whose runs began before that.

No streamlit here: pages/_ui.loader puts the pages' loaders on it.
"""

import contextvars
import pickle
import threading
import time
from collections import OrderedDict
from typing import NamedTuple


class Version(NamedTuple):
    """The version of a part of the data: which database (its location and identity) and the newest
    audited change of the part.  Versions of one database are ordered; of two databases, never."""
    database: str
    newest: int

    def covers(self, other: "Version") -> bool:
        return self.database == other.database and self.newest >= other.newest

    def __str__(self) -> str:
        return f"{self.database}|{self.newest}"


class Reading:
    """What a running computation may use and what it used: data read since ``since`` holds every
    write the version its reader needs covers (it was read after that version), and ``read_at`` is
    when the oldest data it used was read (None: all of it read during the computation)."""
    __slots__ = ("since", "read_at")

    def __init__(self, since: float):
        self.since, self.read_at = since, None

    def used(self, read_at: float) -> None:
        """The computation used data read at ``read_at`` (time.monotonic())."""
        self.read_at = read_at if self.read_at is None else min(self.read_at, read_at)


_READING: contextvars.ContextVar = contextvars.ContextVar("rbdash_latest_reading", default=None)


def reading() -> Reading | None:
    """The Reading of the computation running in this thread (None outside one)."""
    return _READING.get()


class _Slot:
    __slots__ = ("cond", "value", "version", "began", "running", "waiting", "readers")

    def __init__(self):
        self.cond = threading.Condition()
        self.value = self.version = self.waiting = None
        self.began = None     # since when the kept value's data was read (time.monotonic)
        self.running = None   # when the running computation began, None when none runs
        self.readers = 0      # waiting for a computation

    def fresh_for(self, need, asked) -> bool:
        """The kept value does for a reader of version ``need`` whose run began at ``asked``."""
        return self.version is not None and (
            self.version.covers(need) or (asked is not None and self.began >= asked))


class Latest:
    """Results by key, each with the Version it covers (see the module docstring).  ``copy``: keep
    results pickled and give each reader its own copy (as st.cache_data), else share the object
    (as st.cache_resource).  At most ``max_entries`` keys are kept (the least recently used go)."""

    def __init__(self, max_entries: int = 64, copy: bool = True):
        self.max_entries, self.copy = max_entries, copy
        self._slots: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, need: Version, compute, asked: float | None = None, since: float | None = None):
        """The result for ``key`` covering ``need``: the kept one if it does (or its data was read
        after ``asked``, when the reader's run began), else the result of a computation that began
        after this call -- or after ``asked`` -- (``compute()``, run by one reader at a time; an
        exception is raised to that reader and kept by nobody).  ``since``: when ``need`` was read
        (the computation's Reading; default: when it begins).  A get inside another's computation
        reads the same part of the data, and tells that computation's Reading what it gave."""
        slot = self._slot(key)
        outer = _READING.get()
        with slot.cond:
            while not slot.fresh_for(need, asked):
                if slot.running is None:
                    slot.running = began = time.monotonic()
                    covered = _newer(need, slot.waiting)   # everyone waiting asked before this computation
                    slot.waiting = None
                    break
                if asked is None or slot.running < asked:   # the running one may miss this reader's writes
                    slot.waiting = _newer(need, slot.waiting)
                slot.readers += 1
                slot.cond.wait()
                slot.readers -= 1
            else:
                if outer is not None:
                    outer.used(slot.began)
                return self._out(slot.value)
        run = Reading(began if since is None else since)
        token = _READING.set(run)
        try:
            value = compute()
        except BaseException:
            with slot.cond:
                slot.running = None
                slot.cond.notify_all()
            raise
        finally:
            _READING.reset(token)
        # data read before the computation began covers the computing reader's version when read
        # after it, and no waiting reader's
        read_at = began if run.read_at is None else min(began, run.read_at)
        version = covered if read_at >= began else need if read_at >= run.since else Version(need.database, -1)
        kept = pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if self.copy else value
        with slot.cond:
            slot.running = None
            if slot.version is None or slot.began <= read_at:   # the newest data's result is kept
                slot.value, slot.version, slot.began = kept, _newer(version, slot.version), read_at
            slot.cond.notify_all()
        if outer is not None:
            outer.used(read_at)
        return value

    def waiting(self, key) -> int:
        """How many readers of ``key`` wait for a computation (for tests and benchmarks)."""
        with self._lock:
            slot = self._slots.get(key)
        return slot.readers if slot is not None else 0

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()

    def _slot(self, key) -> _Slot:
        with self._lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = _Slot()
                idle = [k for k, s in self._slots.items() if s.running is None and k != key]
                for k in idle[:max(0, len(self._slots) - self.max_entries)]:
                    del self._slots[k]
            else:
                self._slots.move_to_end(key)
            return slot

    def _out(self, value):
        return pickle.loads(value) if self.copy else value


def _newer(need: Version, other: Version | None) -> Version:
    """The newer of two versions of one database (``need`` when they are of different ones)."""
    return other if other is not None and other.covers(need) else need
