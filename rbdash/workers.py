"""Parse workbooks in child processes with a memory cap and a time limit.

Why: a workbook is untrusted input read partly by native code (python-calamine).  A reader failure
we do not foresee can abort the whole process (a Rust allocation failure is not an exception), and
in the app that process serves every user.  So uploads, CLI parses and folder imports parse in
worker processes: each worker caps its own address space (``RLIMIT_AS``), the parent kills a worker
that exceeds the time limit, and a worker that dies turns into a one-line refusal for *its* file
while a fresh worker takes the next one.

Workers are forked by a zygote: one ``python -m rbdash.workers`` process per importing process,
started (fork and exec, safe from the app's threads) at its first parse, which loads the parser
once and then only forks -- single-threaded, so forking it is safe.  A worker so costs a fork
instead of an interpreter start and the parser's import (~0.1 CPU-s each, the largest part of a
small import).  A worker talks length-prefixed JSON frames over two pipes (a file's plans cross
back as ``Plan.to_wire()`` JSON, never as a pickle of objects built from an untrusted file).  A
worker exits when its pipe closes or its parent (the zygote) disappears, and the zygote kills its
workers and exits when the importing process goes, so killing an import never leaves workers
behind.
"""

import atexit
import gc
import io
import json
import os
import queue
import select
import signal
import socket
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
ANSWER_S = 30  # the zygote answers a request (a fork, a kill) at once: longer means it is stuck
ROOT = Path(__file__).resolve().parents[1]
_HEAD = struct.Struct("!II")   # header length, payload length

# A test hook: a file whose name contains this marker (read from the environment when the worker
# starts) makes the worker die (os._exit) or hang.
CRASH_MARK_VAR = "RBDASH_TEST_CRASH_MARK"


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
        mark = os.environ.get(CRASH_MARK_VAR)
        if mark and mark in name:
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


def worker_main(requests, replies):
    """A worker's life: a file per frame read from ``requests``, its result written to ``replies``."""
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    _limit_memory(int(os.environ.get("RBDASH_WORKER_MEMORY_MB", MEMORY_MB)))
    while True:
        frame = _read_frame(requests)
        if frame is None:
            return
        header, payload = frame
        _write_frame(replies, {"id": header["id"], **_parse(header, payload)})


def zygote_main(fd: int):
    """The zygote: load the parser, then fork a worker per request on the socket ``fd``.

    A request is JSON with two file descriptors attached: ``{"fork": memory_mb, "env": {...}}``
    with the worker's two pipe ends (the reply is its pid), or ``{"kill": pid}`` (killed and
    reaped, so its pid is never reused while the parent may still name it).  The socket's end
    (the importing process gone) kills every worker and ends the zygote."""
    sock = socket.socket(fileno=fd)
    from rbdash.excel import preload
    preload()  # once here, for every worker
    gc.freeze()  # the loaded modules' objects stay shared with the workers, not copied by the collector
    children = set()
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 65536, 2)
        except OSError:
            data, fds = b"", []
        if not data:
            break
        request = json.loads(data)
        if "fork" in request and len(fds) == 2:
            try:
                pid = os.fork()
            except OSError:  # no memory or processes left: the parent is told (0), the zygote goes on
                pid = None
            if pid == 0:
                _become_worker(sock, fds, request)
            if pid:
                children.add(pid)
            reply = pid or 0
        else:
            pid = request.get("kill")
            if pid in children:
                _end(pid)
                children.discard(pid)
            reply = 0
        for f in fds:
            os.close(f)
        for pid in [p for p in children if os.waitpid(p, os.WNOHANG)[0]]:  # ended on their own
            children.discard(pid)
        try:
            sock.send(str(reply).encode())
        except OSError:
            break  # the parent is gone
    for pid in children:
        _end(pid)


def _become_worker(sock, fds, request):
    """In a freshly forked child of the zygote: be a worker with the parent's RBDASH_ settings as
    of the fork; never return into the zygote's loop."""
    try:
        sock.close()
        # a session of its own, as each worker had when started by Popen: with the kernel's
        # autogroups a session is what shares the CPU, and two workers in the zygote's one session
        # got one share between them on a busy machine
        os.setsid()
        for name in [n for n in os.environ if n.startswith("RBDASH_")]:
            del os.environ[name]
        os.environ.update(request["env"], RBDASH_WORKER_MEMORY_MB=str(request["fork"]))
        with open(fds[0], "rb") as requests, open(fds[1], "wb") as replies:
            worker_main(requests, replies)
    finally:
        os._exit(0)


def _end(pid):
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


# --------------------------------------------------------------------------------- parent side

class _Zygote:
    """The parent's handle on its zygote (see the module's docstring): one per process, shared by
    every pool and thread, started at the first worker and again if it has died."""

    lock = threading.Lock()
    current = None

    def __init__(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        with theirs:
            self.proc = subprocess.Popen([sys.executable, "-m", "rbdash.workers", str(theirs.fileno())],
                                         pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT,
                                         start_new_session=True)
        self.sock = ours
        self.sock.settimeout(ANSWER_S)
        atexit.register(self.close)

    @classmethod
    def ask(cls, request: dict, fds=(), start=True) -> int:
        """Send a request, starting the zygote if there is none or it has died (unless not
        ``start``: the reply is then 0); its reply."""
        with cls.lock:
            for _ in range(2):  # the second time with a fresh zygote
                if cls.current is None:
                    if not start:
                        return 0
                    cls.current = cls()
                try:
                    socket.send_fds(cls.current.sock, [json.dumps(request).encode()], list(fds))
                    reply = cls.current.sock.recv(64)
                    if reply:
                        return int(reply)
                except OSError:
                    pass
                cls.current.close()
                cls.current = None
            raise OSError("the parse workers' zygote does not answer")

    @classmethod
    def forget(cls):
        """In a forked copy of this process: the zygote, and the lock perhaps held by a thread that
        was not copied, are the original's; this copy starts its own when it parses."""
        cls.lock, cls.current = threading.Lock(), None

    def close(self):
        """End it: it kills and reaps its workers first, so the CPU they used counts as this process's
        children's (a benchmark's getrusage sees it)."""
        self.sock.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def cpu_seconds(self) -> float:
        """CPU time of the zygote and of the workers it has reaped (Linux's /proc), for benchmarks: a
        zygote outlives an import, so getrusage does not count its workers until it ends."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


os.register_at_fork(after_in_child=_Zygote.forget)


def zygote_cpu_seconds() -> float:
    """CPU seconds of this process's zygote and of the workers it has reaped so far (0 without one)."""
    zygote = _Zygote.current
    return zygote.cpu_seconds() if zygote is not None else 0.0


class _Worker:
    def __init__(self, memory_mb):
        requests, to_worker = os.pipe()
        replies, from_worker = os.pipe()
        try:
            self.pid = _Zygote.ask({"fork": memory_mb, "env": {
                k: v for k, v in os.environ.items() if k.startswith("RBDASH_")}}, (requests, from_worker))
            if not self.pid:
                raise OSError("cannot start a parse worker (no memory or processes left)")
        except BaseException:
            os.close(to_worker)
            os.close(replies)
            raise
        finally:  # the worker's ends are its own: a worker that dies is then an end of file here
            os.close(requests)
            os.close(from_worker)
        self.stdin = open(to_worker, "wb")
        # results are read unbuffered: a frame left in a read buffer is one select() does not see
        self.fd = replies
        self.reader = io.FileIO(replies, "rb")
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
            _write_frame(self.stdin, {"id": index, "name": name, "path": str(path) if path else None,
                                           "allow_non_rb": allow_non_rb}, data or b"")
        except (BrokenPipeError, OSError):
            pass  # it died: the read side reports it

    def kill(self):
        """Kill and reap it (through the zygote) and close its pipes."""
        try:
            _Zygote.ask({"kill": self.pid}, start=False)
        except OSError:
            pass  # no zygote: it killed its workers as it ended
        for fh in (self.stdin, self.reader):
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
    """(name, path, bytes, original item) for a path or a (name, bytes) pair; the path absolute: a
    worker's working folder is the project's, not the caller's."""
    if isinstance(x, (str, os.PathLike)):
        return (Path(x).name, Path(x).absolute(), None, x)
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
    zygote_main(int(sys.argv[1]))
