"""Accounts and roles through the store API: each role's allowed and refused writes, logins, and
account management -- the checks live in the store, so a crafted request cannot pass them."""

import json
import shutil

import pytest

from app_fixtures import make_plan
from conftest import BACKENDS, db_snapshot
from rbdash.accounts import User
from rbdash.errors import PermissionDenied, ValidationError
from rbdash.store import Store

PASSWORD = "jeruk-manis-42"
# Kalimantan Selatan offices (and one of Jawa Timur) from the official list
BANJAR, TAPIN, MALANG = "KPU Kabupaten Banjar", "KPU Kabupaten Tapin", "KPU Kota Malang"
PROV_KALSEL = "KPU Provinsi Kalimantan Selatan"


@pytest.fixture(scope="module", params=BACKENDS)
def accounts_template(request, tmp_path_factory):
    """Four offices and four accounts, built once per backend (argon2 is slow on purpose), with each
    account logged in once."""
    if request.param == "duckdb":
        store = Store(tmp_path_factory.mktemp("akun") / "akun.duckdb")
    else:
        store = Store(request.getfixturevalue("pg_cluster").fresh_database())
    for name in (BANJAR, TAPIN, MALANG, PROV_KALSEL):
        store.import_plan(make_plan(name, 2024, [(1, "K", "I", [1, 2, 3], [])]), actor="cli")
    store.add_user("admin", PASSWORD, "admin", actor="cli")
    store.add_user("kalsel", PASSWORD, "province", actor="cli", province="kalimantan selatan")
    store.add_user("banjar", PASSWORD, "office", actor="cli", satker="KPU Kab. Banjar")
    store.add_user("tamu", PASSWORD, "viewer", actor="cli")
    users = {name: store.authenticate(name, PASSWORD) for name in ALLOWED}
    store.close()  # a PostgreSQL template database must have no connections
    return request.param, (store._backend.url if request.param == "postgresql" else store.path), users


@pytest.fixture
def accounts_store(accounts_template, tmp_path, request):
    backend, location, _ = accounts_template
    if backend == "duckdb":
        shutil.copy(location, tmp_path / "akun.duckdb")
        store = Store(tmp_path / "akun.duckdb")
    else:
        store = Store(request.getfixturevalue("pg_cluster").clone(location))
    yield store
    store.close()


@pytest.fixture
def users(accounts_template):
    return accounts_template[2]


def activity(store, satker):
    return int(store.query_df("""SELECT a.id FROM activities a JOIN latest_versions lv ON lv.id = a.plan_version_id
                                 JOIN satker s ON s.id = lv.satker_id WHERE s.name = ?""", [satker])["id"][0])


ALLOWED = {  # role account -> offices it may write
    "admin": {BANJAR, TAPIN, MALANG, PROV_KALSEL},
    "kalsel": {BANJAR, TAPIN, PROV_KALSEL},
    "banjar": {BANJAR},
    "tamu": set(),
}


@pytest.mark.parametrize("account", list(ALLOWED))
@pytest.mark.parametrize("satker", [BANJAR, TAPIN, MALANG, PROV_KALSEL])
def test_progress_edit_allowed_only_where_the_role_reaches(accounts_store, users, account, satker):
    user = users[account]
    aid = activity(accounts_store, satker)
    if satker in ALLOWED[account]:
        assert accounts_store.save_progress(aid, [1], None, None, 0, user) == 1
        log = accounts_store.query_df("SELECT actor FROM audit_log WHERE action = 'progress'")
        assert log["actor"].tolist() == [account]
    else:
        before = db_snapshot(accounts_store)
        with pytest.raises(PermissionDenied) as exc:
            accounts_store.save_progress(aid, [1], None, None, 0, user)
        assert satker in exc.value.message_id and account in exc.value.message_id
        assert db_snapshot(accounts_store) == before


@pytest.mark.parametrize("account", list(ALLOWED))
@pytest.mark.parametrize("satker", [BANJAR, MALANG, "KPU Kabupaten Balangan"])  # Balangan: new, in Kalsel
def test_import_allowed_only_where_the_role_reaches(accounts_store, users, account, satker):
    user = users[account]
    plan = make_plan(satker, 2024, [(1, "K", "I baru", [4], [])])
    may = satker in ALLOWED[account] or (satker == "KPU Kabupaten Balangan" and account in ("admin", "kalsel"))
    if may:
        assert accounts_store.import_plan(plan, user)["status"] in ("new", "version")
    else:
        before = db_snapshot(accounts_store)
        with pytest.raises(PermissionDenied):
            accounts_store.import_plan(plan, user)
        assert db_snapshot(accounts_store) == before


def test_an_office_cannot_revert_or_restore_another_office(accounts_store, users):
    admin, banjar = users["admin"], users["banjar"]
    aid = activity(accounts_store, TAPIN)
    accounts_store.save_progress(aid, [1, 2], None, "oleh admin", 0, admin)
    change = int(accounts_store.query_df("SELECT max(id) AS id FROM audit_log WHERE action = 'progress'")["id"][0])
    with pytest.raises(PermissionDenied):
        accounts_store.revert_progress(change, banjar)
    accounts_store.import_plan(make_plan(TAPIN, 2024, [(1, "K", "I", [1, 2, 3, 4], [])]), admin)
    with pytest.raises(PermissionDenied):
        accounts_store.restore_version(TAPIN, 2024, 1, banjar)


def test_logins(accounts_store):
    assert accounts_store.accounts_enabled()
    assert accounts_store.authenticate("banjar", PASSWORD) == User("banjar", "office", "Kalimantan Selatan", BANJAR)
    for name, password in (("banjar", "salah-sekali"), ("tidakada", PASSWORD), ("", "")):
        with pytest.raises(PermissionDenied) as exc:
            accounts_store.authenticate(name, password)
        assert exc.value.code == "login_failed"
    accounts_store.set_active("banjar", False, "cli")
    with pytest.raises(PermissionDenied):
        accounts_store.authenticate("banjar", PASSWORD)
    assert accounts_store.user("banjar") is None
    accounts_store.set_active("banjar", True, "cli")
    accounts_store.set_password("banjar", "kata-sandi-baru", "cli")
    assert accounts_store.authenticate("banjar", "kata-sandi-baru").satker == BANJAR
    with pytest.raises(PermissionDenied):
        accounts_store.authenticate("banjar", PASSWORD)


def test_passwords_are_hashed_and_never_logged(accounts_store):
    with accounts_store.connect() as con:
        hashes = [r[0] for r in con.execute("SELECT password_hash FROM users").fetchall()]
        details = " ".join(r[0] for r in con.execute("SELECT detail FROM audit_log").fetchall())
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    assert PASSWORD not in details
    accounts_store.set_password("tamu", "sandi-rahasia-baru", "cli")
    assert "sandi-rahasia-baru" not in json.dumps(db_snapshot(accounts_store), default=str)


def test_only_an_admin_manages_accounts(accounts_store, users):
    for account in ("kalsel", "banjar", "tamu"):
        with pytest.raises(PermissionDenied) as exc:
            accounts_store.add_user("baru", PASSWORD, "viewer", actor=users[account])
        assert exc.value.code == "forbidden_admin"
    admin = users["admin"]
    assert accounts_store.add_user("baru", PASSWORD, "viewer", actor=admin).role == "viewer"


@pytest.mark.parametrize("kwargs, code", [
    ({"username": "A b"}, "bad_username"),
    ({"username": "admin"}, "user_exists"),
    ({"password": "pendek"}, "weak_password"),
    ({"role": "superuser"}, "bad_role"),
    ({"role": "office"}, "role_needs_satker"),
    ({"role": "office", "satker": "KPU Kota Atlantis"}, "unknown_office"),
    ({"role": "province"}, "role_needs_province"),
    ({"role": "province", "province": "Atlantis"}, "unknown_province"),
])
def test_account_validation(accounts_store, kwargs, code):
    args = {"username": "baru", "password": PASSWORD, "role": "viewer", "actor": "cli", **kwargs}
    with pytest.raises(ValidationError) as exc:
        accounts_store.add_user(**args)
    assert exc.value.code == code


def test_no_accounts_means_open(db_location):
    store = Store(db_location("terbuka"))
    assert not store.accounts_enabled()
    store.import_plan(make_plan(MALANG, 2024, [(1, "K", "I", [1], [])]), User.open("Siti"))
    assert store.query_df("SELECT actor FROM audit_log")["actor"].tolist() == ["Siti"]


# --- issue 18: the last admin, passwords, throttled logins ----------------------------------------------

def test_the_last_active_admin_cannot_be_disabled(accounts_store, users):
    """Disabling the only active admin is refused inside the store's transaction (so for the CLI and any
    page alike) and the database is unchanged; with a second admin the first may go, the second not."""
    before = db_snapshot(accounts_store)
    with pytest.raises(ValidationError) as exc:
        accounts_store.set_active("admin", False, users["admin"])
    assert str(exc.value) == ("'admin' is the last active admin: without one the app could not be managed; add "
                              "or enable another admin first")
    assert db_snapshot(accounts_store) == before
    accounts_store.add_user("admin2", PASSWORD, "admin", actor="cli")
    accounts_store.set_active("admin", False, "cli")
    with pytest.raises(ValidationError) as exc:
        accounts_store.set_active("admin2", False, "cli")
    assert exc.value.code == "last_admin"
    accounts_store.set_active("admin", True, "cli")
    accounts_store.set_active("admin2", False, "cli")
    assert [u["username"] for u in accounts_store.users() if u["role"] == "admin" and u["active"]] == ["admin"]


def test_open_mode_never_comes_back_once_an_account_exists(db_location):
    """Accounts are enabled by any account, not only by an active admin: disabling accounts never
    reopens the app to everyone."""
    store = Store(db_location("akun"))
    store.add_user("malang", PASSWORD, "office", actor="cli", satker=MALANG)
    assert store.accounts_enabled()
    store.set_active("malang", False, "cli")
    assert store.accounts_enabled()
    store.close()


@pytest.mark.parametrize("password, code", [
    ("12345678", "weak_password"),
    ("password", "weak_password"),
    (" " * 8, "weak_password"),
    (" " * 12, "weak_password"),
    ("123456789", "weak_password"),
    ("1234567890", "common_password"),       # only digits
    ("Password2024!", "common_password"),    # a common word with digits and signs around it
    ("rahasia-123", "common_password"),
    ("qwertyuiop", "common_password"),
    ("bismillah123", "common_password"),
    ("aaaaaaaaaaaa", "common_password"),     # fewer than 4 different characters
    ("jeruk-manis-42", None),
])
def test_password_policy(accounts_store, password, code):
    """At least 10 characters, not only spaces, not common (bundled list), not the user name: the same
    rule for new accounts and new passwords, with the reason in both languages."""
    if code is None:
        assert accounts_store.add_user("baru", password, "viewer", actor="cli").username == "baru"
        return
    before = db_snapshot(accounts_store)
    for change in (lambda: accounts_store.add_user("baru", password, "viewer", actor="cli"),
                   lambda: accounts_store.set_password("tamu", password, "cli")):
        with pytest.raises(ValidationError) as exc:
            change()
        assert exc.value.code == code
    assert db_snapshot(accounts_store) == before
    if code == "weak_password":
        assert str(exc.value) == "the password must have at least 10 characters, not only spaces"
        assert exc.value.message_id == "kata sandi minimal 10 karakter dan tidak boleh hanya spasi"


def test_a_password_is_not_the_user_name(accounts_store):
    with pytest.raises(ValidationError) as exc:
        accounts_store.set_password("tamu", "tamu-2024!!", "cli")
    assert exc.value.code == "common_password"
    accounts_store.set_password("banjar", "tamu-2024!!", "cli")  # someone else's name is no clue


@pytest.fixture
def clock(monkeypatch):
    """The accounts' clock, moved by hand: ``clock.now`` is what it says; ``clock.wait(s)`` moves it."""
    import datetime as dt

    from rbdash import accounts

    class Clock:
        now = dt.datetime(2026, 11, 30, 8, 0, 0)

        def wait(self, seconds):
            self.now += dt.timedelta(seconds=seconds)

    c = Clock()
    monkeypatch.setattr(accounts, "clock", lambda: c.now)
    return c


def login(store, name, password, client=None):
    """The error code and its seconds, or "ok"."""
    try:
        store.authenticate(name, password, client=client)
    except PermissionDenied as exc:
        return exc.code, exc.params.get("seconds")
    return "ok", None


def test_failed_logins_slow_down_per_account(accounts_store, clock):
    """After 5 failures every further try waits (5 s, doubling, up to 15 min), refused at once without
    the password being checked -- the right password too -- and the count holds for another Store on
    the same database (another replica).  30 wrong passwords made as fast as allowed now take 16,575 s
    (4 h 36 min) instead of seconds; a success resets the count."""
    assert [login(accounts_store, "banjar", "salah-sekali") for _ in range(4)] == [("login_failed", None)] * 4
    assert login(accounts_store, "banjar", "salah-sekali") == ("login_locked", 5)
    assert login(accounts_store, "banjar", PASSWORD) == ("login_locked", 5)   # not even the right one
    clock.wait(3)
    replica = Store(accounts_store._backend.url if accounts_store.backend == "postgresql" else accounts_store.path)
    assert login(replica, "banjar", PASSWORD) == ("login_locked", 2)
    waited = 5
    clock.wait(2)
    for n in range(6, 31):
        code, seconds = login(accounts_store if n % 2 else replica, "banjar", "salah-sekali")
        assert (code, seconds) == ("login_locked", min(5 * 2 ** (n - 5), 900))
        if n in (6, 13, 30):
            assert login(accounts_store, "banjar", "salah-sekali") == ("login_locked", seconds)  # during the wait
        if n < 30:
            clock.wait(seconds)
            waited += seconds
    assert waited == 16_575
    clock.wait(900)
    assert login(accounts_store, "banjar", PASSWORD) == ("ok", None)
    assert [login(accounts_store, "banjar", "salah-sekali") for _ in range(4)] == [("login_failed", None)] * 4
    assert login(accounts_store, "tamu", "salah-sekali") == ("login_failed", None)  # other names untouched
    replica.close()


def test_failed_logins_slow_down_per_client(accounts_store, clock):
    """Failures from one client address count together whatever name they try; another address and
    the names themselves are not held up beyond their own counts.  An hour without failures forgets."""
    names = ["banjar", "kalsel", "tamu", "admin", "tidakada"]
    assert [login(accounts_store, n, "salah-sekali", "10.1.2.3")[0] for n in names] == ["login_failed"] * 4 + [
        "login_locked"]
    assert login(accounts_store, "kalsel", PASSWORD, "10.1.2.3") == ("login_locked", 5)
    assert login(accounts_store, "kalsel", PASSWORD, "10.9.9.9") == ("ok", None)
    clock.wait(3600 + 1)
    assert login(accounts_store, "banjar", "salah-sekali", "10.1.2.3") == ("login_failed", None)


def test_parallel_logins_cannot_slip_past_the_count(accounts_store, clock, monkeypatch):
    """20 wrong passwords sent at the same moment: the count and the wait are checked in the same write
    transaction before any password is, so only 5 passwords are ever checked."""
    from concurrent.futures import ThreadPoolExecutor

    from rbdash import accounts
    checked = []
    verify = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda *a: checked.append(1) or verify(*a))
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: login(accounts_store, "admin", "salah-sekali")[0], range(20)))
    assert len(checked) == 5
    assert codes.count("login_failed") == 4 and codes.count("login_locked") == 16


def test_a_new_password_lifts_the_wait(accounts_store, clock):
    for _ in range(5):
        login(accounts_store, "banjar", "salah-sekali")
    assert login(accounts_store, "banjar", PASSWORD)[0] == "login_locked"
    accounts_store.set_password("banjar", "kata-sandi-baru", "cli")
    assert login(accounts_store, "banjar", "kata-sandi-baru") == ("ok", None)


def test_importing_accounts_hashes_no_password():
    """Every CLI command, parse worker and app process imports rbdash.accounts: the import itself must
    not spend an argon2 hash (~0.3 s of CPU); a failed login for an unknown user still verifies
    against a hash made with the hasher's own parameters."""
    import subprocess
    import sys
    from pathlib import Path
    code = ("import argon2\n"
            "argon2.PasswordHasher.hash = lambda *a, **k: 1 / 0\n"
            "from rbdash import accounts\n"
            "print(accounts.verify_password(None, 'rbdash-no-such-user'),"
            " accounts.PasswordHasher().check_needs_rehash(accounts._DUMMY_HASH))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    assert (done.returncode, done.stdout) == (0, "False False\n"), done.stderr
