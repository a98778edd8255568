"""Parsing in capped worker processes: results in order, a hung or dying worker refuses only its
file, plans cross back intact, and workers never outlive their parent."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import ROOT, plan_rows
from rbdash.excel import parse_plans
from rbdash.workers import ParserPool, _Worker, _Zygote, parse_one

ROWS = plan_rows([(("1", "Manajemen Perubahan", "Penyusunan", "Rapat", "Notula"), {3: "√", 4: "√"})])


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split()[2] != "Z"


def test_plan_from_a_worker_equals_the_in_process_plan(make_wb):
    path = make_wb(ROWS)
    assert parse_one(path) == parse_plans(path)


def test_results_come_back_in_input_order_with_errors_in_place(make_wb, tmp_path):
    good = [make_wb(ROWS, title=f"RENCANA AKSI RB KPU KOTA {n} TAHUN 2024") for n in ("SATU", "DUA", "TIGA")]
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 rusak")
    items = [good[0], ("unggahan.xlsx", good[1].read_bytes()), bad, good[2]]
    with ParserPool(workers=2) as pool:
        results = list(pool.parse(items))
    assert [r[0] for r in results] == items
    assert [r[1][0].satker if r[1] else None for r in results] == [
        "KPU Kota Satu", "KPU Kota Dua", None, "KPU Kota Tiga"]
    assert results[2][2].code == "truncated"
    assert results[1][1][0].source_name == "unggahan.xlsx"


def test_a_hung_worker_is_killed_at_the_time_limit(make_wb, monkeypatch):
    monkeypatch.setenv("RBDASH_TEST_CRASH_MARK", "TESTHOOK")
    hung = make_wb(ROWS, name="x_TESTHOOK_hang.xlsx")
    after = make_wb(ROWS, title="RENCANA AKSI RB KPU KOTA SESUDAH TAHUN 2024")
    start = time.monotonic()
    with ParserPool(workers=1, timeout=1.5) as pool:
        (_, p1, e1), (_, p2, e2) = pool.parse([hung, after])
        assert pool.restarts == 1
    assert time.monotonic() - start < 10
    assert p1 is None and str(e1).startswith("the file is too large or damaged to read safely "
                                             "(reading took longer than 1.5 s)")
    assert p2[0].satker == "KPU Kota Sesudah" and e2 is None


def test_the_pool_says_when_a_file_is_slow(make_wb, monkeypatch):
    """With ``idle``, None comes while a file takes longer than that (the import stores what it
    holds meanwhile); the results themselves are unchanged and in order."""
    monkeypatch.setenv("RBDASH_TEST_CRASH_MARK", "TESTHOOK")
    before = make_wb(ROWS, title="RENCANA AKSI RB KPU KOTA SEBELUM TAHUN 2024")
    hung = make_wb(ROWS, name="x_TESTHOOK_hang.xlsx")
    with ParserPool(workers=1, timeout=1.5) as pool:
        found = list(pool.parse([before, hung], idle=0.2))
    first = next(i for i, x in enumerate(found) if x is not None)  # a loaded machine may be slow on it too
    assert found[first][1][0].satker == "KPU Kota Sebelum"
    assert None in found[first + 1:-1] and found[-1][0] == hung and found[-1][1] is None
    assert [x[0] for x in found if x is not None] == [before, hung]


def test_workers_exit_when_their_parent_is_killed(tmp_path):
    """kill -9 of a process using a pool: its workers go too (no orphans holding its pipes)."""
    script = ("import sys, time; "
              "from rbdash.workers import _Worker\n"
              "ws = [_Worker(512) for _ in range(2)]\n"
              "print(' '.join(str(w.pid) for w in ws), flush=True); time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    workers = [int(x) for x in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(_alive(w) for w in workers)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers)


def test_workers_keep_parsing_while_the_caller_holds_a_result(make_wb):
    """The caller storing one result (an import's database write) does not hold the workers back:
    the other files are parsed meanwhile, so they are not even needed any more when it asks."""
    files = [make_wb(ROWS, title=f"RENCANA AKSI RB KPU KOTA {n} TAHUN 2024") for n in ("SATU", "DUA", "TIGA")]
    with ParserPool(workers=1) as pool:
        results = pool.parse(files)
        first = next(results)
        deadline = time.monotonic() + 30
        while pool.pending and time.monotonic() < deadline:
            time.sleep(0.02)  # waiting for a condition, bounded
        for f in files[1:]:
            f.unlink()
        rest = list(results)
    assert [plans[0].satker if plans else error.code for _, plans, error in [first, *rest]] == [
        "KPU Kota Satu", "KPU Kota Dua", "KPU Kota Tiga"]


def test_a_worker_parses_without_loading_pandas(make_wb):
    """Each parse worker starts its own interpreter: pandas (0.3 s of CPU to import) is not needed to
    read a workbook, and loading it in every worker was most of a small import's start-up."""
    path = make_wb(ROWS)
    code = ("import sys; from rbdash.excel import parse_plans; parse_plans(sys.argv[1]); "
            "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))")
    p = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.stdout.strip() == "[]", p.stdout + p.stderr


def test_workers_take_the_settings_of_the_moment_they_start(make_wb, monkeypatch):
    """Workers are forked from a zygote started earlier, with other settings: each still sees the
    RBDASH_ settings of its parent as it starts (here the test hook, set after the zygote began)."""
    before = make_wb(ROWS, title="RENCANA AKSI RB KPU KOTA SEBELUM TAHUN 2024")
    assert parse_one(before)[0].satker == "KPU Kota Sebelum"  # the zygote runs, without the hook
    monkeypatch.setenv("RBDASH_TEST_CRASH_MARK", "TESTHOOK")
    crash = make_wb(ROWS, name="x_TESTHOOK_crash.xlsx")
    with ParserPool(workers=1) as pool:
        (_, p1, e1), (_, p2, e2) = pool.parse([crash, before])
    assert p1 is None and str(e1).startswith("the file is too large or damaged to read safely (the reader stopped)")
    assert p2[0].satker == "KPU Kota Sebelum" and e2 is None


def test_pools_in_threads_fork_from_one_single_threaded_zygote(make_wb, monkeypatch):
    """The app parses from many threads (one per session): their pools share one zygote, which
    stays single-threaded (a fork copies only the forking thread: never fork a threaded process),
    and a worker dying in one pool refuses only its file."""
    monkeypatch.setenv("RBDASH_TEST_CRASH_MARK", "TESTHOOK")
    names = ("SATU", "DUA", "TIGA")
    files = {n: [make_wb(ROWS, title=f"RENCANA AKSI RB KPU KOTA {n} {w} TAHUN 2024") for w in ("ALFA", "BETA")]
             + [make_wb(ROWS, name=f"{n}_TESTHOOK_crash.xlsx")] for n in names}
    found = {}

    def run(name):
        with ParserPool(workers=2) as pool:
            found[name] = [plans[0].satker if plans else error.code for _, plans, error in pool.parse(files[name])]

    threads = [threading.Thread(target=run, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert found == {n: [f"KPU Kota {n.title()} Alfa", f"KPU Kota {n.title()} Beta", "unsafe_file"] for n in names}
    zygote = _Zygote.current.proc.pid
    assert os.listdir(f"/proc/{zygote}/task") == [str(zygote)]


def test_a_killed_zygote_is_started_again(make_wb):
    path = make_wb(ROWS)
    parse_one(path)
    old = _Zygote.current.proc
    old.send_signal(signal.SIGKILL)
    old.wait()
    assert parse_one(path)[0].satker == "KPU Kota Contoh"
    assert _Zygote.current.proc.pid != old.pid


def test_each_worker_has_a_session_of_its_own():
    """With the kernel's autogroups the CPU is shared between sessions: workers forked in the
    zygote's one session got one share between them on a busy machine."""
    workers = [_Worker(512) for _ in range(2)]
    try:
        deadline = time.monotonic() + 10
        while [os.getsid(w.pid) for w in workers] != [w.pid for w in workers] and time.monotonic() < deadline:
            time.sleep(0.01)  # a forked worker takes its session as it starts: waiting for it, bounded
        assert [os.getsid(w.pid) for w in workers] == [w.pid for w in workers]
    finally:
        for w in workers:
            w.kill()


def test_a_relative_path_is_read_from_the_callers_folder(make_wb, tmp_path, monkeypatch):
    """The workers run in the project's folder: a path relative to the caller's was looked for there
    ("rbdash parse plans/x.xlsx" from another folder: no such file)."""
    path = make_wb(ROWS, name="relatif.xlsx")
    monkeypatch.chdir(tmp_path)
    assert parse_one(Path(path.name))[0].satker == "KPU Kota Contoh"
    assert parse_one(path.name)[0].satker == "KPU Kota Contoh"


def test_a_forked_copy_of_the_process_starts_its_own_zygote(make_wb):
    """A copy of the process made by fork (no exec) must not talk to the original's zygote over the
    same socket (their requests and replies would cross): it starts its own."""
    path = make_wb(ROWS)
    parse_one(path)
    first = _Zygote.current.proc.pid
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the copy: parse, say which zygote served it, leave without cleanup
        try:
            os.write(write, f"{parse_one(path)[0].satker}|{_Zygote.current.proc.pid}".encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        satker, zygote = fh.read().split("|")
    os.waitpid(child, 0)
    assert satker == "KPU Kota Contoh" and int(zygote) != first
    assert parse_one(path)[0].satker == "KPU Kota Contoh" and _Zygote.current.proc.pid == first
