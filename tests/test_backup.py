"""Backup and restore: a snapshot taken while writes go on, restored into a new file with every
table's row count and content checksum equal; damaged or mismatching backups never replace a DB."""

import json
import subprocess
import sys
import threading
import time

import pytest

from app_fixtures import make_plan
from conftest import ROOT, db_snapshot
from rbdash.store import Store
from rbdash.store import backup as snapshot

PY = sys.executable


def rbdash(*args):
    return subprocess.run([PY, "-m", "rbdash", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture
def filled(tmp_path):
    store = Store(tmp_path / "asli.duckdb")
    for i, name in enumerate(("KPU Kota Satu", "KPU Kota Dua", "KPU Kota Tiga")):
        store.import_plan(make_plan(name, 2024, [(1, "K", f"I{j}", [1, 2, 3], [1] if j else []) for j in range(20)],
                                    has_realization=bool(i)), actor="cli")
    aid = int(store.query_df("SELECT min(id) AS id FROM activities")["id"][0])
    store.save_progress(aid, [1, 2], "https://bukti.go.id/x", "catatan 'kutip'", 0, "ani")
    store.add_user("admin", "jeruk-manis-42", "admin", actor="cli")
    return store


def test_round_trip_keeps_every_table(filled, tmp_path):
    p = rbdash("backup", "--db", filled.path, tmp_path / "cadangan")
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith(f"backup written to {tmp_path / 'cadangan'}: ")
    manifest = json.loads((tmp_path / "cadangan" / "manifest.json").read_text())
    assert manifest["tables"]["activities"]["rows"] == 60 and manifest["tables"]["users"]["rows"] == 1
    (tmp_path / "cadangan").rename(tmp_path / "dipindah")  # a backup folder can be moved
    p = rbdash("restore", tmp_path / "dipindah", "--db", tmp_path / "pulih.duckdb")
    assert p.returncode == 0, p.stderr
    restored = Store(tmp_path / "pulih.duckdb")
    assert db_snapshot(restored) == db_snapshot(filled)
    assert snapshot.table_digests(restored) == manifest["tables"]
    assert restored.query_df("SELECT count(*) AS n FROM latest_plans")["n"][0] == 3  # views work
    assert restored.authenticate("admin", "jeruk-manis-42").role == "admin"


def test_backup_while_writes_go_on_is_consistent(filled, tmp_path):
    """Edits run in another thread during the backup: the snapshot is one consistent state (each
    progress row has its audit row), and restoring it gives exactly that state."""
    ids = filled.query_df("SELECT id FROM activities ORDER BY id")["id"].tolist()[1:]
    stop = threading.Event()

    def edit():
        for aid in ids:
            if stop.is_set():
                return
            filled.save_progress(int(aid), [3], None, None, 0 if aid not in done else 1, "budi")
    done = set(filled.query_df("SELECT activity_id FROM progress")["activity_id"])
    worker = threading.Thread(target=edit)
    worker.start()
    manifest = snapshot.backup(filled, tmp_path / "b")
    stop.set()
    worker.join()
    snapshot.restore(tmp_path / "b", tmp_path / "r.duckdb")
    r = Store(tmp_path / "r.duckdb")
    edits = r.query_df("SELECT count(*) AS n FROM progress WHERE updated_by = 'budi'")["n"][0]
    audited = r.query_df("SELECT count(*) AS n FROM audit_log WHERE actor = 'budi'")["n"][0]
    assert edits == audited
    assert snapshot.table_digests(r) == manifest["tables"]


def test_restore_refuses_to_overwrite_and_checks_the_manifest(filled, tmp_path):
    snapshot.backup(filled, tmp_path / "b")
    p = rbdash("restore", tmp_path / "b", "--db", filled.path)
    assert p.returncode == 2 and "already exists; restore into a new file, or pass --replace" in p.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["tables"]["progress"]["rows"] += 1  # a backup that does not match its manifest
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    p = rbdash("restore", tmp_path / "b", "--db", tmp_path / "x.duckdb")
    assert p.returncode == 2 and p.stderr.startswith("error: the restored data differs from the backup's manifest in: "
                                                     "progress; nothing was replaced")
    assert not (tmp_path / "x.duckdb").exists()
    p = rbdash("restore", tmp_path, "--db", tmp_path / "y.duckdb")
    assert p.returncode == 2 and "is not a complete rbdash backup" in p.stderr
    p = rbdash("backup", "--db", filled.path, tmp_path / "b")
    assert p.returncode == 2 and "already exists and is not empty" in p.stderr


def test_restore_waits_for_a_process_that_has_the_database_open(filled, tmp_path):
    """A process holding the database (the app in the middle of a save) finishes before the restore
    swaps the file: otherwise its commit would land in the replaced file and an acknowledged write
    would be lost.  The restored database is then exactly the backup."""
    manifest = snapshot.backup(filled, tmp_path / "b")
    holder = subprocess.Popen([PY, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(1.5); "
        "c.execute(\"UPDATE progress SET note = 'late'\"); c.close(); print(time.time(), flush=True)"),
        str(filled.path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    snapshot.restore(tmp_path / "b", filled.path, replace=True)
    restored_at = time.time()
    closed_at = float(holder.stdout.readline())
    assert holder.wait(timeout=30) == 0
    assert closed_at <= restored_at
    assert snapshot.table_digests(Store(filled.path)) == manifest["tables"]

