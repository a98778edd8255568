"""Accounts through the pages (AppTest): open mode, login/logout, viewers read only, an office
operator edits only its own office -- and a crafted edit for another office is refused by the store."""

import pytest

from app_fixtures import sample_db, sample_db_file, warm_server  # noqa: F401 (fixtures)
from conftest import db_snapshot
from rbdash.store import Store
from test_app import start

pytestmark = pytest.mark.usefixtures("warm_server")
PASSWORD = "jeruk-manis-42"
OWN, OTHER = "KPU Kabupaten Tapin", "KPU Kabupaten Banjar"


@pytest.fixture
def accounts_db(sample_db):
    store = Store(sample_db)
    store.add_user("admin", PASSWORD, "admin", actor="cli")
    store.add_user("tapin", PASSWORD, "office", actor="cli", satker=OWN)
    return sample_db


def log_in(at, name, password=PASSWORD):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "Masuk").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_open_mode_says_so_and_asks_for_a_name(sample_db):
    at = start("pages/beranda.py")
    assert any("Mode terbuka" in c.value for c in at.caption)
    assert at.text_input(key="petugas") is not None
    with pytest.raises(KeyError):
        at.text_input(key="login_name")


def test_visitors_are_viewers_once_an_admin_exists(accounts_db):
    at = start("pages/impor.py")
    assert not at.file_uploader  # no upload for a viewer
    assert any("hanya dapat melihat" in i.value for i in at.info)
    at.switch_page("pages/progres.py").run()
    assert at.button(key="simpan_progres").disabled


def test_wrong_password_is_refused_in_indonesian(accounts_db):
    at = start("pages/beranda.py")
    log_in(at, "tapin", "salah-sekali")
    assert [e.value for e in at.error] == ["nama pengguna atau kata sandi salah, atau akun dinonaktifkan"]
    assert at.text_input(key="login_name") is not None


def test_office_operator_edits_own_office_only_and_logs_out(accounts_db):
    at = start("pages/beranda.py", tahun="2023")
    log_in(at, "tapin")
    assert any("tapin (operator satker KPU Kabupaten Tapin)" in c.value for c in at.caption)
    at.switch_page("pages/progres.py").run()
    assert at.selectbox(key="fokus").value == OWN  # a login opens the operator's own office
    assert not at.button(key="simpan_progres").disabled
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: {"Jan": "✓"}}, "added_rows": [], "deleted_rows": []}
    at.button(key="simpan_progres").click().run()
    log = Store(accounts_db).query_df("SELECT actor, satker FROM audit_log WHERE action = 'progress'")
    assert log.values.tolist() == [["tapin", OWN]]  # the account, not a typed name
    at.selectbox(key="fokus").set_value(OTHER).run()
    assert at.button(key="simpan_progres").disabled
    at.button(key="logout").click().run()
    assert at.text_input(key="login_name") is not None


def test_a_crafted_save_for_another_office_changes_nothing(accounts_db):
    """The operator opens another office's Progres (Save is disabled) and sends the click anyway, as
    a crafted request can: nothing is saved.  (Streamlit discards values of disabled widgets; behind
    it the store refuses any write outside the account's office -- tests/test_accounts.py.)"""
    at = start("pages/beranda.py", tahun="2023")
    log_in(at, "tapin")
    at.switch_page("pages/progres.py").run()
    at.selectbox(key="fokus").set_value(OTHER).run()
    button = at.button(key="simpan_progres")
    assert button.disabled
    before = db_snapshot(Store(accounts_db))
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: {"Jan": "✓"}}, "added_rows": [], "deleted_rows": []}
    button._value = True  # what a crafted websocket message does: bypasses the browser's disabled button
    at.run()
    assert not at.exception and not [s for s in at.success if "tersimpan" in s.value]
    assert db_snapshot(Store(accounts_db)) == before
