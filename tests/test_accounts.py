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

PASSWORD = "rahasia-123"
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
