"""Processes taking turns on one DuckDB file: how many acknowledged commits are lost, DuckDB alone
against rbdash.duckfile (issue 12, and why the turn lock exists).

    .venv/bin/python bench/stress_turns.py --rounds 20 --processes 5 --commits 40

Each round: a fresh file, then ``--processes`` processes each making ``--commits`` short commits,
opening and closing the file around every one (as the app and the CLI do), retrying while another
process has it.  ``duckdb`` opens it with ``duckdb.connect`` (DuckDB's lock only); ``rbdash`` through
``rbdash.duckfile`` (our turn lock first).  The modes alternate round by round.  Afterwards every
acknowledged commit is looked for; the lost ones are counted.
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]

WRITER = r"""
import json, sys, time
from contextlib import contextmanager
import duckdb
from rbdash.duckfile import DuckFile, is_lock_error
db, tag, n, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


@contextmanager
def duckdb_alone():
    while True:
        try:
            con = duckdb.connect(db)
            break
        except duckdb.Error as exc:
            if not is_lock_error(exc):
                raise
            time.sleep(0.01)
    try:
        yield con
    finally:
        con.close()


acks = []
for k in range(n):
    with (DuckFile.of(db).cursor() if mode == "rbdash" else duckdb_alone()) as con:
        con.execute("BEGIN"); con.execute("INSERT INTO t VALUES (?, ?)", [tag, k]); con.execute("COMMIT")
    acks.append(k)
print(json.dumps(acks))
"""


def one_round(mode, processes, commits, folder):
    db = Path(folder) / f"{mode}.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t (tag VARCHAR, k INTEGER)")
    con.close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), f"p{i}", str(commits), mode], cwd=ROOT,
                                stdout=subprocess.PIPE, text=True) for i in range(processes)]
    acked = set()
    for i, w in enumerate(writers):
        acked |= {(f"p{i}", k) for k in json.loads(w.communicate()[0])}
    con = duckdb.connect(str(db))
    stored = set(con.execute("SELECT tag, k FROM t").fetchall())
    con.close()
    return len(acked), len(acked - stored)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--processes", type=int, default=5)
    ap.add_argument("--commits", type=int, default=40)
    args = ap.parse_args()
    totals = {m: [0, 0, 0, 0.0] for m in ("duckdb", "rbdash")}  # rounds, acked, lost, seconds
    for r in range(args.rounds):
        for mode in (("duckdb", "rbdash") if r % 2 == 0 else ("rbdash", "duckdb")):
            with tempfile.TemporaryDirectory() as folder:
                started = time.perf_counter()
                acked, lost = one_round(mode, args.processes, args.commits, folder)
            t = totals[mode]
            t[0], t[1], t[2], t[3] = t[0] + 1, t[1] + acked, t[2] + lost, t[3] + time.perf_counter() - started
        print(f"round {r + 1}: " + ", ".join(f"{m} lost {t[2]} of {t[1]}" for m, t in totals.items()), flush=True)
    print("\n| opened through | rounds | commits acknowledged | lost | seconds per round |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for mode, (rounds, acked, lost, seconds) in totals.items():
        name = "duckdb.connect (DuckDB's lock only)" if mode == "duckdb" else "rbdash.duckfile (turn lock)"
        print(f"| {name} | {rounds} | {acked} | {lost} | {seconds / rounds:.1f} |")


if __name__ == "__main__":
    main()
