"""Parse workbooks in child processes with a memory cap and a time limit.

Why: a workbook is untrusted input read partly by native code (python-calamine).  A reader failure
we do not foresee can abort the whole process (a Rust allocation failure is not an exception), and
in the app that process serves every user.  So uploads, CLI parses and folder imports parse in
worker processes: each worker caps its own address space (``RLIMIT_AS``), the parent kills a worker
that exceeds the time limit, and a worker that dies turns into a one-line refusal for *its* file
while a fresh worker takes the next one.

Workers are plain ``python -m rbdash.workers`` processes talking length-prefixed JSON frames over
their stdin/stdout (a file's plans cross back as ``Plan.to_dict()`` JSON, never as a pickle of
objects built from an untrusted file).  A worker exits when its stdin closes or its parent disappears, so
killing an import never leaves workers behind.
"""

import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from rbdash.errors import RbdashError, UnreadableFile, error_from_dict, error_to_dict

MEMORY_MB = int(os.environ.get("RBDASH_PARSE_MEMORY_MB", 2048))
TIMEOUT_S = float(os.environ.get("RBDASH_PARSE_TIMEOUT_S", 60))
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
        return {"ok": True, "plans": [plan.to_dict() for plan in plans]}
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
        self.task = None      # (index, started)

    def send(self, index, item, allow_non_rb=False):
        name, path, data, _ = item
        self.task = (index, time.monotonic())
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
    """

    def __init__(self, workers: int = 2, memory_mb: int = MEMORY_MB, timeout: float = TIMEOUT_S,
                 allow_non_rb: bool = False):
        self.size = max(1, workers)
        self.memory_mb, self.timeout, self.allow_non_rb = memory_mb, timeout, allow_non_rb
        self._workers: list[_Worker] = []
        self.restarts = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        for w in self._workers:
            w.kill()
        self._workers = []

    def parse(self, items):
        items = [_item(x) for x in items]
        if not items:
            return
        while len(self._workers) < min(self.size, len(items)):
            self._workers.append(_Worker(self.memory_mb))
        done, next_item, next_out = {}, 0, 0
        idle = list(self._workers)
        while next_out < len(items):
            while idle and next_item < len(items):
                idle.pop().send(next_item, items[next_item], self.allow_non_rb)
                next_item += 1
            busy = [w for w in self._workers if w.task is not None]
            now = time.monotonic()
            wait = max(0.0, min(w.task[1] + self.timeout - now for w in busy)) if busy else 0
            ready, _, _ = select.select([w.proc.stdout for w in busy], [], [], wait + 0.01)
            for w in busy:
                index, started = w.task
                if w.proc.stdout in ready:
                    frame = _read_frame(w.proc.stdout)
                    if frame is not None and frame[0].get("id") == index:
                        done[index] = _result(frame[0])
                        w.task = None
                        idle.append(w)
                        continue
                    done[index] = (None, UnreadableFile("unsafe_file"))
                elif time.monotonic() - started > self.timeout:
                    done[index] = (None, UnreadableFile("unsafe_file_timeout", seconds=f"{self.timeout:g}"))
                else:
                    continue
                idle.append(self._replace(w))
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
        return [Plan.from_dict(p) for p in header["plans"]], None
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
