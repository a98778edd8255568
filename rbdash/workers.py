"""Parse workbooks in child processes with a memory cap and a time limit.

Why: a workbook is untrusted input read partly by native code (python-calamine).  A reader failure
we do not foresee can abort the whole process (a Rust allocation failure is not an exception), and
in the app that process serves every user.  So uploads, CLI parses and folder imports parse in
worker processes: each worker caps its own address space (``RLIMIT_AS``), the parent kills a worker
that exceeds the time limit, and a worker that dies turns into a one-line refusal for *its* file
while a fresh worker takes the next one.

Workers are plain ``python -m rbdash.workers`` processes talking length-prefixed JSON frames over
their stdin/stdout (a file's plans cross back as ``Plan.to_wire()`` JSON, never as a pickle of
objects built from an untrusted file).  A worker exits when its stdin closes or its parent disappears, so
killing an import never leaves workers behind.
"""

import io
import json
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from pathlib import Path

from rbdash.errors import RbdashError, UnreadableFile, error_from_dict, error_to_dict

MEMORY_MB = int(os.environ.get("RBDASH_PARSE_MEMORY_MB", 2048))
TIMEOUT_S = float(os.environ.get("RBDASH_PARSE_TIMEOUT_S", 60))
STOP_POLL_S = 0.2  # how soon the pool's thread notices it is asked to stop
# Files named by path queued per worker: the next one is in its pipe when it finishes one, however
# late the pool's thread reads the result.  An upload's bytes go only to an idle worker: a large
# frame each way would fill both pipes and stall both sides.
DEPTH = 2
ROOT = Path(__file__).resolve().parents[1]
_HEAD = struct.Struct("!II")   # header length, payload length

# A test hook: a file whose name contains this marker makes the worker die (os._exit) or hang.
_CRASH_MARK = os.environ.get("RBDASH_TEST_CRASH_MARK")


def _write_frame(fh, header: dict, payload: bytes = b""):
    head = json.dumps(header, ensure_ascii=False).encode()
    fh.write(_HEAD.pack(len(head), len(payload)) + head + payload)
    fh.flush()


def _read_exact(fh, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = fh.read(left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(fh):
    """(header, payload), or None when the other side is gone (EOF, short frame)."""
    raw = _read_exact(fh, _HEAD.size)
    if raw is None:
        return None
    hlen, plen = _HEAD.unpack(raw)
    head = _read_exact(fh, hlen)
    payload = _read_exact(fh, plen) if plen else b""
    if head is None or payload is None:
        return None
    return json.loads(head), payload


# --------------------------------------------------------------------------------- worker side

def _watch_parent(parent: int):
    """Exit at once when the parent is gone (killed mid-parse: we must not outlive it)."""
    while True:
        if os.getppid() != parent:
            os._exit(3)
        time.sleep(0.2)


def _limit_memory(mb: int):
    try:
        import resource
        limit = mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # not on Linux/macOS: the time limit still holds


def _parse(header: dict, payload: bytes) -> dict:
    from rbdash.excel import parse_plans
    name = header["name"]
    try:
        if _CRASH_MARK and _CRASH_MARK in name:
            _test_hook(name)
        source = header["path"] if header.get("path") else payload
        if header.get("path") and not Path(source).is_file():
            raise UnreadableFile("no_such_file")
        plans = parse_plans(source, name=name, allow_non_rb=bool(header.get("allow_non_rb")))
        return {"ok": True, "plans": [plan.to_wire() for plan in plans]}
    except RbdashError as exc:
        return {"ok": False, "error": error_to_dict(exc)}
    except MemoryError:
        return {"ok": False, "error": error_to_dict(UnreadableFile("unsafe_file_memory"))}
    except OSError as exc:
        return {"ok": False, "error": error_to_dict(UnreadableFile(
            "unreadable_path", detail=exc.strerror or type(exc).__name__))}
    except Exception as exc:  # a parser bug: still one line for the user
        return {"ok": False, "error": error_to_dict(UnreadableFile("unexpected", detail=type(exc).__name__))}


def _test_hook(name):
    """Simulated reader failures for the tests (RBDASH_TEST_CRASH_MARK in the file name)."""
    if "hang" in name:
        time.sleep(3600)
    if "oom" in name:
        bytearray(4 * int(os.environ.get("RBDASH_WORKER_MEMORY_MB", MEMORY_MB)) * 1024 * 1024)  # hits the cap
    os._exit(9)


def worker_main():
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    _limit_memory(int(os.environ.get("RBDASH_WORKER_MEMORY_MB", MEMORY_MB)))
    import rbdash.excel  # noqa: F401 - imported once, before the first file
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames on the pipe
    while True:
        frame = _read_frame(stdin)
        if frame is None:
            return
        header, payload = frame
        _write_frame(stdout, {"id": header["id"], **_parse(header, payload)})


# --------------------------------------------------------------------------------- parent side

class _Worker:
    def __init__(self, memory_mb):
        env = {**os.environ, "RBDASH_WORKER_MEMORY_MB": str(memory_mb), "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        self.proc = subprocess.Popen([sys.executable, "-m", "rbdash.workers"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT,
                                     start_new_session=True)
        # results are read unbuffered: a frame left in a read buffer is one select() does not see
        self.fd = self.proc.stdout.fileno()
        self.reader = io.FileIO(self.fd, "rb", closefd=False)
        self.tasks = deque()  # indexes of the files sent, the first being read
        self.started = 0.0    # when it began the first

    def takes(self, item):
        """Whether the file ``item`` may be sent now (see DEPTH)."""
        return not self.tasks or (len(self.tasks) < DEPTH and item[1] is not None)

    def finished(self):
        """The first file's result was read: it is on the next one now."""
        self.tasks.popleft()
        self.started = time.monotonic()

    def send(self, index, item, allow_non_rb=False):
        name, path, data, _ = item
        if not self.tasks:
            self.started = time.monotonic()
        self.tasks.append(index)
        try:
            _write_frame(self.proc.stdin, {"id": index, "name": name, "path": str(path) if path else None,
                                           "allow_non_rb": allow_non_rb}, data or b"")
        except (BrokenPipeError, OSError):
            pass  # it died: the read side reports it

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        self.proc.wait()
        for fh in (self.proc.stdin, self.proc.stdout):
            try:
                fh.close()
            except OSError:
                pass


class ParserPool:
    """``with ParserPool() as pool: for item, plans, error in pool.parse(items): ...``

    ``items`` are paths or ``(name, bytes)`` pairs; results come back in input order, each with the
    file's Plans (one per office and year it holds) or the RbdashError that refused the file (never
    an exception for a bad file).
    ``allow_non_rb`` keeps plans that do not look like RB action plans (``excel.rb_plan``).

    A thread of the pool hands the files to the workers as they come free, whether or not the
    caller has taken the results yet: the workers keep parsing while the caller stores what they
    gave (an import's database writes used to leave both workers idle).
    """

    def __init__(self, workers: int = 2, memory_mb: int = MEMORY_MB, timeout: float = TIMEOUT_S,
                 allow_non_rb: bool = False):
        self.size = max(1, workers)
        self.memory_mb, self.timeout, self.allow_non_rb = memory_mb, timeout, allow_non_rb
        self._workers: list[_Worker] = []
        self.restarts = 0
        self.pending = 0  # files of the running parse() whose results have not come back from the workers
        self._feeder, self._stop = None, threading.Event()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._halt()
        for w in self._workers:
            w.kill()
        self._workers = []

    def _halt(self):
        """Stop the thread handing out files (within STOP_POLL_S) before the workers are killed: it
        would take a killed worker for a dead one and start another.  A worker still busy with a
        file nobody waits for goes too (its result would be taken for the next parse's)."""
        if self._feeder is not None:
            self._stop.set()
            self._feeder.join()
            self._feeder = None
            for w in [w for w in self._workers if w.tasks]:
                w.kill()
                self._workers.remove(w)

    def parse(self, items, idle: float | None = None):
        """The results, in input order; with ``idle`` seconds, also None whenever no result came
        for that long (a slow file: the caller may use the pause, e.g. store what it holds)."""
        items = [_item(x) for x in items]
        if not items:
            return
        self._halt()  # a previous parse() left unfinished
        self._stop = threading.Event()
        results = queue.SimpleQueue()
        self._feeder = threading.Thread(target=self._dispatch, args=(items, results, self._stop),
                                        name="rbdash-parse", daemon=True)
        self._feeder.start()
        try:
            for _ in items:
                while True:
                    try:
                        found = results.get(timeout=idle)
                        break
                    except queue.Empty:
                        yield None
                if isinstance(found, BaseException):  # a failure of the pool itself, not of a file
                    raise found
                yield found
        finally:
            self._halt()

    def _dispatch(self, items, results, stop):
        """The pool's thread: ``results`` gets (item, plans, error) in input order, or the exception
        that stopped it."""
        try:
            for found in self._run(items, stop):
                results.put(found)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            results.put(exc)

    def _run(self, items, stop):
        while len(self._workers) < min(self.size, len(items)):
            self._workers.append(_Worker(self.memory_mb))
        todo, done, next_out = deque(range(len(items))), {}, 0
        self.pending = len(items)
        while next_out < len(items) and not stop.is_set():
            for depth in range(1, DEPTH + 1):  # every worker one file before any gets a second
                for w in self._workers:
                    if todo and len(w.tasks) < depth and w.takes(items[todo[0]]):
                        index = todo.popleft()
                        w.send(index, items[index], self.allow_non_rb)
            busy = [w for w in self._workers if w.tasks]
            now = time.monotonic()
            wait = max(0.0, min(w.started + self.timeout - now for w in busy)) if busy else 0
            ready, _, _ = select.select([w.fd for w in busy], [], [], min(wait + 0.01, STOP_POLL_S))
            for w in busy:
                index = w.tasks[0]
                if w.fd in ready:
                    frame = _read_frame(w.reader)
                    if frame is not None and frame[0].get("id") == index:
                        done[index] = _result(frame[0])
                        w.finished()
                        continue
                    done[index] = (None, UnreadableFile("unsafe_file"))
                elif time.monotonic() - w.started > self.timeout:
                    done[index] = (None, UnreadableFile("unsafe_file_timeout", seconds=f"{self.timeout:g}"))
                else:
                    continue
                todo.extendleft(reversed(list(w.tasks)[1:]))  # never begun: a fresh worker reads them
                self._replace(w)
            self.pending = len(items) - len(done) - next_out
            while next_out in done:
                plans, error = done.pop(next_out)
                yield items[next_out][3], plans, error
                next_out += 1

    def _replace(self, worker):
        worker.kill()
        fresh = _Worker(self.memory_mb)
        self._workers[self._workers.index(worker)] = fresh
        self.restarts += 1
        return fresh


def _item(x):
    """(name, path, bytes, original item) for a path or a (name, bytes) pair."""
    if isinstance(x, (str, os.PathLike)):
        return (Path(x).name, Path(x), None, x)
    name, data = x
    return (name, None, bytes(data), x)


def _result(header):
    if header.get("ok"):
        from rbdash.model import Plan
        return [Plan.from_wire(p) for p in header["plans"]], None
    return None, error_from_dict(header["error"])


def parse_one(source, name=None, timeout: float = TIMEOUT_S) -> list:
    """Parse one file (path or bytes) in a worker; return its Plans or raise its RbdashError."""
    item = (name or "upload.xlsx", source) if isinstance(source, (bytes, bytearray)) else source
    with ParserPool(workers=1, timeout=timeout) as pool:
        for _, plans, error in pool.parse([item]):
            if error is not None:
                raise error
            return plans


if __name__ == "__main__":
    worker_main()
