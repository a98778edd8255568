"""Leaks and odd inputs (issue 18.7): a server password never shown, database files private to their
user, the lock nobody else can hold, odd --db values refused in one line, invisible controls in
evidence links, and the CLI named in the audit trail by the operating-system user that ran it."""

import os
import pwd
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app_fixtures import make_plan
from conftest import ROOT, SAMPLES, db_snapshot
from rbdash.duckfile import lock_path, wal_path
from rbdash.errors import StoreError, ValidationError
from rbdash.store import Store
from rbdash.store.pg import redact, where

PASSWORD = "jeruk-manis-42"
OS_USER = pwd.getpwuid(os.geteuid()).pw_name


def rbdash(*args, env=None, check=None):
    """The CLI in a process that starts with the usual umask 022 (what a shell gives it)."""
    p = subprocess.run([sys.executable, "-m", "rbdash", *map(str, args)], capture_output=True, text=True,
                       cwd=ROOT, timeout=120, env={**os.environ, **(env or {})},
                       preexec_fn=lambda: os.umask(0o022))
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def mode(path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


# --- the password of a server URL --------------------------------------------------------------------

@pytest.mark.parametrize("url, shown, location", [
    ("postgresql://rb:rahasia@db:5432/x", "postgresql://rb:***@db:5432/x", "db:5432/x"),
    # unencoded '@', ':', '/' and '#' in the password: the credentials end at the last '@'
    ("postgresql://rb:p@ss:w/rd#1@db.internal:5432/rbdash", "postgresql://rb:***@db.internal:5432/rbdash",
     "db.internal:5432/rbdash"),
    ("postgresql://db/rbdash?sslmode=require&password=rahasia", "postgresql://db/rbdash", "db/rbdash"),
    ("postgresql://rb@db/rbdash", "postgresql://rb@db/rbdash", "db/rbdash"),
    ("mysql://rb:p@ss@db.example:3306/rbdash", "mysql://rb:***@db.example:3306/rbdash", "db.example:3306/rbdash"),
])
def test_a_server_password_is_never_shown(url, shown, location):
    assert (redact(url), where(url)) == (shown, location)


def test_a_malformed_url_with_an_odd_password_is_refused_without_it():
    with pytest.raises(StoreError) as exc:
        Store("postgresql://rb:p@ss:w/rd#1@127.0.0.1:notaport/rbdash")
    assert str(exc.value) == ("'postgresql://rb:***@127.0.0.1:notaport/rbdash' is not a valid PostgreSQL URL "
                              "(postgresql://user:password@host:port/database)")


# --- files private to their user -------------------------------------------------------------------

@pytest.fixture
def umask_022():
    """The umask a shell gives (the process may have narrowed it already: rbdash.duckfile)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_database_files_are_private(tmp_path, umask_022):
    """The folder Store creates is 0700; the database, its WAL and its lock are 0600 (the WAL is made
    again after every checkpoint, so it is the umask that makes it private)."""
    db = tmp_path / "data" / "rb.duckdb"
    store = Store(db)
    with store.session():
        store.import_plan(make_plan("KPU Kota Malang", 2024, [(1, "K", "I", [1], [])]), actor="test")
        assert wal_path(db).exists()
        assert {p.name: oct(mode(p)) for p in (db, wal_path(db), lock_path(db))} == {
            p.name: "0o600" for p in (db, wal_path(db), lock_path(db))}
    assert oct(mode(db.parent)) == "0o700"


def test_an_old_lock_file_is_made_private(tmp_path, umask_022):
    """A lock file made before (0644) could be opened, and flock-ed, by any local user: every writer would
    then wait for them.  The next use narrows it to 0600."""
    db = tmp_path / "rb.duckdb"
    Store(db).close()
    lock_path(db).chmod(0o644)
    Store(db).counts()
    assert oct(mode(lock_path(db))) == "0o600"


def test_the_cli_creates_private_files_and_backups(tmp_path):
    """From a shell's umask 022: the database, the backup folder and its files (users.parquet holds the
    password hashes) and a restored database are private."""
    db, backup, restored = tmp_path / "data" / "rb.duckdb", tmp_path / "cadangan", tmp_path / "data" / "pulih.duckdb"
    rbdash("import", "--db", db, SAMPLES / "kpu_kota_banjarmasin_2022.xlsx", check=0)
    rbdash("user", "add", "admin", "--role", "admin", "--db", db, env={"RBDASH_PASSWORD": PASSWORD}, check=0)
    rbdash("backup", "--db", db, backup, check=0)
    rbdash("restore", backup, "--db", restored, check=0)
    files = [db, lock_path(db), db.parent / "rbdash-backup.key", *backup.iterdir(), restored]
    assert (backup / "users.parquet") in files
    assert {str(p): oct(mode(p)) for p in files} == {str(p): "0o600" for p in files}
    assert (oct(mode(db.parent)), oct(mode(backup))) == ("0o700", "0o700")


# --- odd --db values -----------------------------------------------------------------------------------

def test_odd_db_paths_are_one_line_and_create_nothing(tmp_path):
    long = "a" * 5000
    p = rbdash("user", "list", "--db", long, check=2)
    assert p.stderr == f"error: cannot use '{long[:119]}…' as the database file (File name too long)\n"
    null_lock_before = Path("/dev/null.lock").exists()
    p = rbdash("import", "--db", "/dev/null", SAMPLES / "kpu_kota_banjarmasin_2022.xlsx", check=2)
    assert p.stderr == ("error: '/dev/null' is not a regular file (a device, a pipe or a socket); give a DuckDB "
                        "file path\n") and p.stdout == ""
    assert Path("/dev/null.lock").exists() == null_lock_before
    empty = tmp_path / "kosong.duckdb"
    empty.touch()
    for command in (["user", "list"], ["import", SAMPLES / "kpu_kota_banjarmasin_2022.xlsx"]):
        p = rbdash(*command, "--db", empty, check=2)
        assert p.stderr == (f"error: '{empty}' is an empty file (0 bytes), not a DuckDB database; remove it to "
                            "create a new database there, or choose another file\n")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["kosong.duckdb"] and empty.stat().st_size == 0


def test_a_db_path_the_system_refuses_is_a_named_error(tmp_path):
    with pytest.raises(StoreError) as exc:
        Store(tmp_path / ("b" * 300) / "rb.duckdb")
    assert exc.value.code == "db_path" and "File name too long" in str(exc.value)
    assert list(tmp_path.iterdir()) == []


# --- invisible controls in evidence links (both backends) ---------------------------------------------------

@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200e", "\u200f", "\u061c",
                                     "\u200b"])
def test_evidence_links_with_invisible_controls_are_refused(store, control):
    """A right-to-left override makes 'https://drive.go.id/\u202efdp.exe' read as '...exe.pdf': such links
    are refused with a reason whose quoted link shows the control as text."""
    store.import_plan(make_plan("KPU Kota Tautan", 2024, [(1, "K", "I", [1], [])]))
    aid = int(store.query_df("SELECT id FROM activities")["id"][0])
    before = db_snapshot(store)
    with pytest.raises(ValidationError) as exc:
        store.save_progress(aid, [1], f"https://drive.go.id/{control}fdp.exe", None, 0, "x")
    escaped = f"\\u{ord(control):04x}"
    assert exc.value.message_id == (f"tautan bukti dukung 'https://drive.go.id/{escaped}fdp.exe' berisi karakter "
                                    "kendali tak terlihat (misalnya penanda arah kanan-ke-kiri) yang dapat "
                                    "menyamarkan tujuannya; ketik ulang alamatnya")
    assert db_snapshot(store) == before


def test_evidence_links_with_controls_from_a_workbook_are_not_stored(store):
    plan = make_plan("KPU Kota Tautan", 2024, [(1, "K", "I", [1], [1])], has_realization=True)
    plan.activities[0].evidence = "https://drive.go.id/\u202efdp.exe"
    store.import_plan(plan)
    assert store.query_df("SELECT evidence_url FROM progress")["evidence_url"].tolist() == [None]


# --- the CLI acts as an admin and is named by its operating-system user ---------------------------------------

def test_cli_changes_record_the_operating_system_user_and_keep_the_last_admin(tmp_path):
    """The CLI acts as an admin named cli:<operating-system user> in the audit trail; it may not disable
    the last admin nor set a weak password (one line, exit 2, database unchanged)."""
    db = tmp_path / "rb.duckdb"
    rbdash("import", "--db", db, SAMPLES / "kpu_kota_banjarmasin_2022.xlsx", check=0)
    rbdash("user", "add", "admin", "--role", "admin", "--db", db, env={"RBDASH_PASSWORD": PASSWORD}, check=0)
    log = Store(db).query_df("SELECT actor, action FROM audit_log ORDER BY id")
    assert log.values.tolist() == [[f"cli:{OS_USER}", "import"], [f"cli:{OS_USER}", "account"]]
    before = db_snapshot(Store(db))
    p = rbdash("user", "disable", "admin", "--db", db, check=2)
    assert p.stdout == ""
    assert p.stderr == ("error: 'admin' is the last active admin: without one the app could not be managed; add or "
                        "enable another admin first\n")
    p = rbdash("user", "passwd", "admin", "--db", db, env={"RBDASH_PASSWORD": "12345678"}, check=2)
    assert p.stderr == "error: the password must have at least 10 characters, not only spaces\n"
    assert db_snapshot(Store(db)) == before
