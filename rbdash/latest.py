"""Figures computed once for many readers (issue 22.2): per key, the newest result with the version of
the data it covers, and at most one computation at a time.

A page asks for a figure with the version its run read (views.DataKey: the newest audited change of a
year, an office ...).  Any result computed from data at least that new will do: it holds every write
acknowledged before the run began.  So when saves arrive faster than a national figure is computed,
the readers of one process do not each compute it for their own version: the first starts, and those
who ask meanwhile wait for the next computation, which starts when the running one ends and covers all
of them (they read their versions before it began).  A reader waits at most about two computations,
whatever the rate of saves; a reader whose version the kept result already covers does not wait.

No streamlit here: pages/_ui.loader puts the pages' loaders on it.
"""

import pickle
import threading
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


class _Slot:
    __slots__ = ("cond", "value", "version", "running", "waiting", "readers")

    def __init__(self):
        self.cond = threading.Condition()
        self.value = self.version = self.waiting = None
        self.running = False
        self.readers = 0   # waiting for the next computation


class Latest:
    """Results by key, each with the Version it covers (see the module docstring).  ``copy``: keep
    results pickled and give each reader its own copy (as st.cache_data), else share the object
    (as st.cache_resource).  At most ``max_entries`` keys are kept (the least recently used go)."""

    def __init__(self, max_entries: int = 64, copy: bool = True):
        self.max_entries, self.copy = max_entries, copy
        self._slots: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, need: Version, compute):
        """The result for ``key`` covering ``need``: the kept one if it does, else the result of a
        computation that began after this call (``compute()``, run by one reader at a time; an
        exception is raised to that reader and kept by nobody)."""
        slot = self._slot(key)
        with slot.cond:
            while not (slot.version is not None and slot.version.covers(need)):
                if not slot.running:
                    slot.running = True
                    covered = _newer(need, slot.waiting)   # everyone waiting asked before this computation
                    slot.waiting = None
                    break
                slot.waiting = _newer(need, slot.waiting)
                slot.readers += 1
                slot.cond.wait()
                slot.readers -= 1
            else:
                return self._out(slot.value)
        try:
            value = compute()
        except BaseException:
            with slot.cond:
                slot.running = False
                slot.cond.notify_all()
            raise
        kept = pickle.dumps(value, pickle.HIGHEST_PROTOCOL) if self.copy else value
        with slot.cond:
            slot.running = False
            if slot.version is None or not slot.version.covers(covered):
                slot.value, slot.version = kept, covered
            slot.cond.notify_all()
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
                idle = [k for k, s in self._slots.items() if not s.running and k != key]
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
