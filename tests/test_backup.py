"""Backup and restore: a snapshot taken while writes go on, restored into a new file with every
table's row count and content checksum equal; damaged or mismatching backups never replace a DB."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from app_fixtures import make_plan
from conftest import ROOT, db_snapshot
from rbdash.errors import PermissionDenied, StoreError
from rbdash.store import Store, counts
from rbdash.store import backup as snapshot
from rbdash.store.schema import MIGRATIONS

PY = sys.executable


def rbdash(*args):
    return subprocess.run([PY, "-m", "rbdash", *map(str, args)], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch):
    """The key comes from the file beside the database unless a test sets RBDASH_BACKUP_KEY."""
    monkeypatch.delenv("RBDASH_BACKUP_KEY", raising=False)


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
    assert snapshot.table_digests(restored, manifest["tables"]) == manifest["tables"]
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
    assert snapshot.table_digests(r, manifest["tables"]) == manifest["tables"]


def test_restore_refuses_to_overwrite_and_checks_the_manifest(filled, tmp_path):
    snapshot.backup(filled, tmp_path / "b")
    p = rbdash("restore", tmp_path / "b", "--db", filled.path)
    assert p.returncode == 2 and "already exists; restore into a new file, or pass --replace" in p.stderr
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["tables"]["progress"]["rows"] += 1  # a backup that does not match its manifest
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    assert refusal(tmp_path / "b", tmp_path / "x.duckdb").startswith(f"'{tmp_path / 'b'}' was changed after it was made")
    key, _ = snapshot.backup_key(filled.path)  # the same, signed by the key holder (a bug): the tables are checked
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(snapshot.sign(manifest, key)))
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
    assert snapshot.table_digests(Store(filled.path), manifest["tables"]) == manifest["tables"]



def test_a_restored_file_is_read_again_by_the_apps_caches(filled, tmp_path):
    """Issue 22.2: the app's cached figures are kept by the version of what they read (the newest
    audit entry); a backup's audit log is shorter than the file it replaces, so a restore under a
    running app must be another version, not an older one its cached results still cover."""
    from rbdash import views
    snapshot.backup(filled, tmp_path / "b")
    aid, rev = filled.query_df("SELECT activity_id, revision FROM progress ORDER BY activity_id DESC LIMIT 1").iloc[0]
    filled.save_progress(int(aid), [3], None, "sesudah cadangan", int(rev), "ani")
    before = views.cache_key(filled).year(2024)
    snapshot.restore(tmp_path / "b", filled.path, replace=True)
    after = views.cache_key(filled).year(2024)
    assert after.newest < before.newest and not before.covers(after)


# ------------------------------------------------------------------------ trust: what a forged folder cannot do

def refusal(source, db, replace=False) -> str:
    """The one line of a refused restore (the CLI prints it after "error: ", exit code 2)."""
    with pytest.raises(StoreError) as refused:
        snapshot.restore(source, db, replace=replace)
    return str(refused.value)


def attackers_backup(filled, tmp_path):
    """A backup made elsewhere (the attacker's machine, its own key) of a copy of the database with an
    admin of the attacker's own: consistent in every file, row count and checksum."""
    home = tmp_path / "penyerang"
    home.mkdir()
    for part in (filled.path, f"{filled.path}.wal"):
        if Path(part).exists():
            shutil.copy(part, home / Path(part).name)
    theirs = Store(home / filled.path.name)
    theirs.add_user("mallory", "curang-12345", "admin", actor="cli")
    snapshot.backup(theirs, home / "palsu")
    return home / "palsu"


def mallory_got_in(db):
    try:
        Store(db).authenticate("mallory", "curang-12345")
    except PermissionDenied:
        return False
    return True


def test_sql_in_the_folder_is_never_run(filled, tmp_path):
    """A COPY … TO prepended to schema.sql (the old format's schema) writes nothing, whatever the outcome:
    the schema comes from the code's migrations and only the tables' Parquet files are read."""
    snapshot.backup(filled, tmp_path / "b")
    written = tmp_path / "geschrieben.csv"
    schema = tmp_path / "b" / "schema.sql"
    old = schema.read_text() if schema.exists() else ""
    schema.write_text(f"COPY (SELECT 'pwned' AS x) TO '{written}' (FORMAT csv);\n" + old)
    (tmp_path / "b" / "load.sql").write_text(f"COPY (SELECT 'pwned' AS x) TO '{written}' (FORMAT csv);\n")
    try:
        snapshot.restore(tmp_path / "b", tmp_path / "r.duckdb")
    finally:
        assert not written.exists()
    # the folder's data is genuine: it restores, the extra files ignored
    assert db_snapshot(Store(tmp_path / "r.duckdb")) == db_snapshot(filled)


@pytest.mark.parametrize("signature", ["kept", "dropped"])
def test_a_forged_admin_with_a_recomputed_manifest_is_refused(filled, tmp_path, signature):
    """The attacker's users.parquet (with their admin) swapped into a genuine backup, every size and
    checksum of the manifest recomputed; without the key the signature is stale or missing."""
    forged = attackers_backup(filled, tmp_path)
    b = tmp_path / "b"
    snapshot.backup(filled, b)
    before = db_snapshot(filled)
    shutil.copy(forged / "users.parquet", b / "users.parquet")
    manifest = json.loads((b / "manifest.json").read_text())
    manifest["tables"]["users"] = json.loads((forged / "manifest.json").read_text())["tables"]["users"]
    if "files" in manifest:
        blob = (b / "users.parquet").read_bytes()
        manifest["files"]["users.parquet"] = {"bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
    if signature == "dropped":
        manifest.pop("mac", None)
        manifest.pop("key_id", None)
    (b / "manifest.json").write_text(json.dumps(manifest))
    assert refusal(b, filled.path, replace=True) == {
        "kept": f"'{b}' was changed after it was made (its manifest does not match its signature); "
                "nothing was restored: use another copy",
        "dropped": f"'{b}' is not signed (a backup made before rbdash signed its backups, or not made by rbdash); "
                   "refused: if you trust it, restore it with the rbdash version that made it, then make a new "
                   "backup"}[signature]
    assert db_snapshot(Store(filled.path)) == before
    assert not mallory_got_in(filled.path)  # (her refused login is counted: after the snapshot)


def test_a_backup_made_with_another_key_is_refused(filled, tmp_path):
    forged = attackers_backup(filled, tmp_path)
    snapshot.backup(filled, tmp_path / "b")  # this machine's key exists
    assert refusal(forged, tmp_path / "r.duckdb") == (
        f"'{forged}' was signed with another backup key than {tmp_path / 'rbdash-backup.key'}; set RBDASH_BACKUP_KEY "
        "to the key it was made with (the content of rbdash-backup.key beside the database it came from); nothing "
        "was restored")
    assert not (tmp_path / "r.duckdb").exists() and not mallory_got_in(tmp_path / "r.duckdb")


@pytest.mark.parametrize("kind", ["link", "fifo"])
def test_a_table_file_that_is_not_a_file_of_the_folder_is_refused(filled, tmp_path, kind):
    """The Parquet files are opened by the restore itself, as files of the folder: a link (which could point
    anywhere) is refused even when the content it points to is the genuine one, and a FIFO is refused
    rather than waited on forever (through the CLI: a hang ends at its timeout)."""
    snapshot.backup(filled, tmp_path / "b")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "b" / "users.parquet").rename(tmp_path / "elsewhere" / "users.parquet")
    if kind == "link":
        (tmp_path / "b" / "users.parquet").symlink_to(tmp_path / "elsewhere" / "users.parquet")
    else:
        os.mkfifo(tmp_path / "b" / "users.parquet")
    p = rbdash("restore", tmp_path / "b", "--db", tmp_path / "r.duckdb")
    assert p.returncode == 2
    assert p.stderr == (f"error: 'users.parquet' in '{tmp_path / 'b'}' is a link or not a plain file; a backup folder "
                        "holds its own files only (copy it with cp -rL); nothing was restored\n")
    assert not (tmp_path / "r.duckdb").exists()


def test_arrow_reads_a_copy_of_its_own_never_the_bytes_python_read(filled, tmp_path, monkeypatch):
    """Arrow lets go of a Parquet read's input on its own threads, at times after the read returned; memory
    lent by a Python object is let go under the GIL, and a thread asking for it while the interpreter shuts
    down dies inside a C++ destructor: the refusal above, now and then under load, printed its line and then
    aborted ("terminate called without an active exception", exit -6).  So every input Arrow is given is a
    copy it owns: wiping the bytes read from the folder, once the restore is done, leaves each one intact."""
    snapshot.backup(filled, tmp_path / "b")
    read_member, lent, given = snapshot._read_member, [], []

    def read_into_bytearray(source, name, limit):
        blob = read_member(source, name, limit)
        lent.append(bytearray(blob))
        return lent[-1]

    def buffer_reader(data):
        given.append((data, hashlib.sha256(data).hexdigest()))
        return reader(data)
    reader = pa.BufferReader
    monkeypatch.setattr(snapshot, "_read_member", read_into_bytearray)
    monkeypatch.setattr(pa, "BufferReader", buffer_reader)
    snapshot.restore(tmp_path / "b", tmp_path / "r.duckdb")
    for blob in lent:
        blob[:] = bytes(len(blob))
    assert len(given) == len(lent) - 1  # every table file, not the manifest
    assert [hashlib.sha256(data).hexdigest() for data, _ in given] == [digest for _, digest in given]


def test_the_key_lives_beside_the_database_and_travels_by_hand(filled, tmp_path, monkeypatch):
    """The first backup creates the key (0600) beside the database and says where it is; a restore on a
    machine without it is refused until RBDASH_BACKUP_KEY carries it."""
    p = rbdash("backup", "--db", filled.path, tmp_path / "b")
    key = tmp_path / "rbdash-backup.key"
    assert p.stdout.endswith(f"signed with the backup key in {key}: keep a copy apart from the backups, "
                             "restoring needs it\n")
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_text().strip()) == 64
    assert (tmp_path / "b" / "manifest.json").stat().st_mode & 0o777 == 0o600
    fresh = tmp_path / "neu" / "pulih.duckdb"
    assert refusal(tmp_path / "b", fresh) == (
        f"no backup key in {fresh.parent} to check the backup with: set RBDASH_BACKUP_KEY to the key it was made "
        "with, or copy its rbdash-backup.key there; nothing was restored")
    assert not fresh.parent.exists()
    monkeypatch.setenv("RBDASH_BACKUP_KEY", key.read_text())
    snapshot.restore(tmp_path / "b", fresh)
    assert db_snapshot(Store(fresh)) == db_snapshot(filled)


def test_a_key_from_the_environment_signs_and_checks(filled, tmp_path, monkeypatch):
    monkeypatch.setenv("RBDASH_BACKUP_KEY", "k" * 40)
    p = rbdash("backup", "--db", filled.path, tmp_path / "b")
    assert p.returncode == 0 and p.stdout.endswith("signed with the backup key in RBDASH_BACKUP_KEY: keep a copy "
                                                   "apart from the backups, restoring needs it\n")
    assert not (tmp_path / "rbdash-backup.key").exists()
    monkeypatch.setenv("RBDASH_BACKUP_KEY", "j" * 40)
    assert refusal(tmp_path / "b", tmp_path / "r.duckdb").startswith(
        f"'{tmp_path / 'b'}' was signed with another backup key than RBDASH_BACKUP_KEY; ")
    monkeypatch.setenv("RBDASH_BACKUP_KEY", "short")
    assert refusal(tmp_path / "b", tmp_path / "r.duckdb") == (
        "the backup key in RBDASH_BACKUP_KEY is not usable (5 characters; at least 32 are needed, e.g. the 64 of an "
        "rbdash-backup.key file)")
    monkeypatch.setenv("RBDASH_BACKUP_KEY", "k" * 40)
    snapshot.restore(tmp_path / "b", tmp_path / "r.duckdb")


def resign(folder, key_home):
    """Rewrite the manifest of ``folder`` for its current files and sign it with the genuine key (a bug or a
    key holder's mistake, not an attacker): what the restore then checks is the data itself."""
    manifest = json.loads((folder / "manifest.json").read_text())
    for name in manifest["files"]:
        blob = (folder / name).read_bytes()
        manifest["files"][name] = {"bytes": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}
    key, _ = snapshot.backup_key(key_home / "x.duckdb")
    (folder / "manifest.json").write_text(json.dumps(snapshot.sign(manifest, key)))


@pytest.mark.parametrize("change, detail", [
    (lambda t: t.set_column(t.schema.get_field_index("capaian"), "capaian", pa.array(["x"] * t.num_rows)),
     "capaian is string, not double"),
    (lambda t: t.rename_columns([{"note": "catatan"}.get(n, n) for n in t.column_names]),
     "missing note; unexpected catatan"),
    (lambda t: t.drop_columns(["source"]), "missing source"),
    (lambda t: t.set_column(0, "activity_id", pa.array([None] * t.num_rows, pa.int64())),
     "Constraint Error: NOT NULL constraint failed: progress.activity_id"),
], ids=["type", "renamed", "missing", "null key"])
def test_parquet_that_does_not_fit_the_schema_is_refused(filled, tmp_path, change, detail):
    b = tmp_path / "b"
    snapshot.backup(filled, b)
    before = db_snapshot(filled)
    pq.write_table(change(pq.read_table(b / "progress.parquet")), b / "progress.parquet")
    resign(b, tmp_path)
    files = sorted(tmp_path.iterdir())
    assert refusal(b, filled.path, replace=True) == (
        f"'progress.parquet' in '{b}' does not fit table progress ({detail}); nothing was restored")
    assert sorted(tmp_path.iterdir()) == files  # no temporary database left behind
    assert db_snapshot(Store(filled.path)) == before


def test_a_damaged_file_is_refused(filled, tmp_path):
    snapshot.backup(filled, tmp_path / "b")
    with open(tmp_path / "b" / "activities.parquet", "r+b") as f:
        f.seek(100)
        byte = f.read(1)[0]
        f.seek(100)
        f.write(bytes([byte ^ 1]))  # one bit flipped
    assert refusal(tmp_path / "b", tmp_path / "r.duckdb") == (
        f"'activities.parquet' in '{tmp_path / 'b'}' is missing or damaged (its size or SHA-256 differs from the "
        "signed manifest); nothing was restored: use another copy of the backup")
    assert not (tmp_path / "r.duckdb").exists()


def test_a_backup_of_an_older_schema_is_restored_then_migrated(tmp_path, monkeypatch):
    """The tables are loaded into the schema of the backup's own version, then the later migrations run."""
    monkeypatch.setattr("rbdash.store.plans.implied_months", lambda plan: 0)  # rbdash before monthly reports
    old = Store(tmp_path / "alt.duckdb", schema_version=4)
    monkeypatch.setattr(counts, "rebuild", lambda con, pv_ids=None: None)  # written before the counts (migration 7)
    old.import_plan(make_plan("KPU Kota Satu", 2024, [(1, "K", "I", [1, 2], [1])], has_realization=True), actor="cli")
    monkeypatch.undo()
    manifest = snapshot.backup(old, tmp_path / "b")
    monkeypatch.undo()
    assert manifest["schema_version"] == 4
    snapshot.restore(tmp_path / "b", tmp_path / "r.duckdb")
    restored = Store(tmp_path / "r.duckdb")
    assert restored.schema_version() == MIGRATIONS[-1][0]  # numbered: a gap (7, 8 elsewhere) is fine
    assert db_snapshot(restored)["plan_versions"] == db_snapshot(old)["plan_versions"]
    assert restored.query_df("SELECT has_data FROM latest_plans")["has_data"].tolist() == [True]
    # migration 9 gives a stored monitoring import its months (no as-of month: up to its last realised one)
    assert restored.query_df("SELECT month, source, reported_by FROM monthly_reports").values.tolist() == [
        [1, "import", "cli"]]


def test_a_backup_made_before_the_month_counts_lost_columns_is_restored(tmp_path):
    """A backup of schema 10 (month_counts still had the reported and cumulative columns; derived tables
    are not backed up) is loaded into schema 10 and migrated: the counts are derived again, in today's shape."""
    old = Store(tmp_path / "alt.duckdb", schema_version=10)
    old.import_plan(make_plan("KPU Kota Satu", 2024, [(a, "K", f"I{a}", [1, 2], []) for a in (1, 2)]), actor="cli")
    old.save_progress(int(old.query_df("SELECT min(id) AS id FROM activities")["id"][0]), [2], None, None, 0, "ani")
    assert snapshot.backup(old, tmp_path / "b")["schema_version"] == 10
    snapshot.restore(tmp_path / "b", tmp_path / "r.duckdb")
    restored = Store(tmp_path / "r.duckdb")
    assert restored.schema_version() == MIGRATIONS[-1][0] == 11
    same = [{t: rows for t, rows in db_snapshot(s).items() if t != "migrations"} for s in (restored, old)]
    assert same[0] == same[1]
    rows = "SELECT * FROM month_counts WHERE planned > 0 ORDER BY area_no, month"
    assert restored.query_df(rows).drop(columns="plan_version_id").values.tolist() == [
        [1, 1, 1, 0], [1, 2, 1, 1], [2, 1, 1, 0], [2, 2, 1, 0]]


def test_a_backup_of_a_newer_schema_is_refused(filled, tmp_path):
    snapshot.backup(filled, tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    manifest["schema_version"] = MIGRATIONS[-1][0] + 1
    key, _ = snapshot.backup_key(filled.path)
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(snapshot.sign(manifest, key)))
    assert refusal(tmp_path / "b", tmp_path / "r.duckdb") == (
        f"'{tmp_path / 'b'}' was made by a newer rbdash (schema version {MIGRATIONS[-1][0] + 1}; this one knows up "
        f"to {MIGRATIONS[-1][0]}); update rbdash to restore it")
