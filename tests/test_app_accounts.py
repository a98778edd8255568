"""Accounts through the pages (AppTest): open mode, login/logout, viewers read only, an office
operator edits only its own office -- and a crafted edit for another office is refused by the store."""

import pytest

from app_fixtures import sample_db, sample_db_file, warm_server  # noqa: F401 (fixtures)
from conftest import db_snapshot
from rbdash import metrics as core
from rbdash.store import Store
from app_fixtures import start

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
    assert read_only(at)


def read_only(at):
    """The Progres page's lock note when it shows the office read-only: the reason above a grid that
    cannot be ticked, and nothing to save with; None when it shows the editor."""
    if at.data_editor:
        assert "simpan_progres" in [b.key for b in at.button]
        return None
    assert "simpan_progres" not in [b.key for b in at.button] and len(at.dataframe) == 1
    shown = list(at.main)
    locks = [e for e in shown if e.type == "caption" and e.value.startswith(":material/lock:")]
    assert len(locks) == 1 and shown.index(locks[0]) < shown.index(at.dataframe[0])
    return locks[0].value.replace("\\", "")


def test_read_only_users_see_progress_they_cannot_tick(accounts_db):
    """Issue 21.3: a visitor and a viewer could tick the Progres grid; only a disabled Simpan below a
    640 px grid said why.  They read the office's progress with the reason above it; the operator of
    the office still edits it."""
    Store(accounts_db).add_user("pantau", PASSWORD, "viewer", actor="cli")
    activities = len(core.plan_activities(Store(accounts_db), OWN, 2023))
    at = start("pages/progres.py", tahun="2023", fokus=OWN)
    assert read_only(at) == (f":material/lock: tamu (pemantau) hanya dapat melihat; masuk dengan akun operator untuk "
                             f"mengubah data {OWN}.")
    assert len(at.dataframe[0].value) == activities and "Jan" in at.dataframe[0].value
    log_in(at, "pantau")
    at.switch_page("pages/progres.py").run()
    assert read_only(at) == (f":material/lock: pantau (pemantau) hanya dapat melihat; masuk dengan akun operator "
                             f"untuk mengubah data {OWN}.")
    at.button(key="logout").click().run()
    log_in(at, "tapin")
    at.switch_page("pages/progres.py").run()
    assert at.selectbox(key="fokus").value == OWN and read_only(at) is None
    assert not at.button(key="simpan_progres").disabled and len(at.data_editor[0].value) == activities


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
    assert read_only(at) == (f":material/lock: tapin (operator satker {OWN}) tidak berwenang mengubah data {OTHER}; "
                             "masuk dengan akun operator satker ini atau provinsinya.")
    at.button(key="logout").click().run()
    assert at.text_input(key="login_name") is not None


def test_a_crafted_save_for_another_office_changes_nothing(accounts_db):
    """The operator opens another office's Progres (read only: no editor, no Simpan) and sends an edit
    and a click anyway, as a crafted request can: nothing is saved.  (Streamlit ignores values of
    widgets the page did not draw; behind it the store refuses any write outside the account's
    office -- tests/test_accounts.py.)"""
    at = start("pages/beranda.py", tahun="2023")
    log_in(at, "tapin")
    at.switch_page("pages/progres.py").run()
    at.selectbox(key="fokus").set_value(OTHER).run()
    assert read_only(at)
    before = db_snapshot(Store(accounts_db))
    version = core.plan_header(Store(accounts_db), OTHER, 2023)["plan_version_id"]
    at.session_state[f"prog_{version}_None_0"] = {"edited_rows": {0: {"Jan": "✓"}}, "added_rows": [],
                                                   "deleted_rows": []}  # the editor the page would draw
    at.session_state["simpan_progres"] = True
    at.run()
    assert not at.exception and not [s for s in at.success if "tersimpan" in s.value]
    assert db_snapshot(Store(accounts_db)) == before


# --- issue 18: waits said on screen, idle logins end, a login belongs to its browser ----------------

@pytest.fixture
def clock(monkeypatch):
    """The accounts' clock (idle timeout, login waits), moved by hand in minutes."""
    import datetime as dt

    from rbdash import accounts

    class Clock:
        now = dt.datetime(2026, 11, 30, 8, 0, 0)

        def wait(self, minutes=0, seconds=0):
            self.now += dt.timedelta(minutes=minutes, seconds=seconds)

    c = Clock()
    monkeypatch.setattr(accounts, "clock", lambda: c.now)
    return c


@pytest.fixture
def browser(monkeypatch):
    """What the browser's connection carries (st.context.cookies and ip_address), as a real server
    would give it: AppTest's own client has no cookies and no address."""
    from streamlit.runtime.context import ContextProxy

    sent = {"cookies": {}, "ip": None}
    monkeypatch.setattr(ContextProxy, "cookies", property(lambda self: sent["cookies"]))
    monkeypatch.setattr(ContextProxy, "ip_address", property(lambda self: sent["ip"]))
    return sent


def test_failed_logins_are_slowed_down_on_screen(accounts_db, clock, browser):
    """The 5th wrong password says how long to wait, the right one is refused during the wait, and it
    works once the wait is over; the failures were counted for the client's address too."""
    browser["ip"] = "10.1.2.3"
    at = start("pages/beranda.py")
    for _ in range(4):
        log_in(at, "tapin", "salah-sekali")
    log_in(at, "tapin", "salah-sekali")
    assert [e.value for e in at.error] == ["terlalu banyak percobaan masuk yang gagal; coba lagi dalam 5 detik"]
    clock.wait(seconds=2)
    log_in(at, "tapin")
    assert [e.value for e in at.error] == ["terlalu banyak percobaan masuk yang gagal; coba lagi dalam 3 detik"]
    clock.wait(seconds=3)
    log_in(at, "tapin")
    assert any("Masuk sebagai" in c.value for c in at.caption)
    failures = Store(accounts_db).query_df("SELECT subject, failures FROM login_failures")
    assert failures.values.tolist() == [["client:10.1.2.3", 5]]


def test_an_idle_login_ends(accounts_db, clock, monkeypatch):
    """A login lasts RBDASH_IDLE_MINUTES (default 30) without any action; every run counts as one."""
    at = start("pages/beranda.py")
    log_in(at, "tapin")
    clock.wait(minutes=29)
    at.run()
    assert any("Masuk sebagai" in c.value for c in at.caption)
    clock.wait(minutes=29)  # 58 minutes after the login, 29 after the last action
    at.run()
    assert any("Masuk sebagai" in c.value for c in at.caption)
    clock.wait(minutes=30, seconds=1)
    at.run()
    assert not any("Masuk sebagai" in c.value for c in at.caption)
    assert [i.value for i in at.info if "Sesi" in i.value] == [
        "Sesi berakhir karena tidak ada aktivitas selama 30 menit; silakan masuk lagi."]
    assert at.text_input(key="login_name") is not None
    monkeypatch.setenv("RBDASH_IDLE_MINUTES", "5")
    log_in(at, "tapin")
    clock.wait(minutes=5, seconds=1)
    at.run()
    assert [i.value for i in at.info if "Sesi" in i.value] == [
        "Sesi berakhir karena tidak ada aktivitas selama 5 menit; silakan masuk lagi."]


@pytest.fixture
def served():
    """The process as serve.py runs it: browser tokens signed with the server's secret."""
    from rbdash import binding
    binding.use_secret("rahasia-server-uji")
    yield binding
    binding.use_secret(None)


def test_a_login_belongs_to_the_browser_that_made_it(accounts_db, browser, served):
    """Under serve.py every browser carries a signed HttpOnly token (rbdash.binding): the login
    records it, and a run whose connection carries another token, or none -- another browser that
    presented this session's id -- finds the session logged out.  A forged token is no token."""
    binding = served
    mine, theirs = binding.issue(), binding.issue()
    at = start("pages/beranda.py")
    log_in(at, "tapin")  # no cookie: refused with the reason
    assert [e.value for e in at.error] == [("Peramban tidak mengirim cookie sesi aplikasi ini; izinkan cookie untuk "
                                            "alamat ini, muat ulang halaman, lalu masuk lagi.")]
    browser["cookies"] = {binding.COOKIE: mine}
    log_in(at, "tapin")
    assert any("Masuk sebagai" in c.value for c in at.caption)
    at.run()
    assert any("Masuk sebagai" in c.value for c in at.caption)
    for replay in ({binding.COOKIE: theirs}, {}, {binding.COOKIE: mine.split(".")[0] + ".0000"}):
        browser["cookies"] = replay
        at.run()
        assert not any("Masuk sebagai" in c.value for c in at.caption)
        assert [i.value for i in at.info] == ["Sesi ini dibuka dari peramban lain; silakan masuk lagi."]
        browser["cookies"] = {binding.COOKIE: mine}
        log_in(at, "tapin")
        assert any("Masuk sebagai" in c.value for c in at.caption)


def test_the_browser_cookie_middleware():
    """BrowserCookie sets an HttpOnly, SameSite=Lax token cookie on HTTP responses to a browser without
    a valid one (Secure over HTTPS) and leaves websockets and browsers that have one alone."""
    import asyncio

    from rbdash import binding

    async def app(scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
            await send({"type": "http.response.body", "body": b"ok"})

    middleware = binding.BrowserCookie(app, secret="rahasia-server-uji")

    def call(scope):
        sent = []

        async def send(message):
            sent.append(message)
        asyncio.run(middleware({"headers": [], **scope}, None, send))
        return [v.decode() for k, v in (sent[0]["headers"] if sent else []) if k == b"set-cookie"]

    try:
        (cookie,) = call({"type": "http", "scheme": "http"})
        name, _, rest = cookie.partition("=")
        value, _, attributes = rest.partition(";")
        assert name == binding.COOKIE and binding.token(value)
        assert attributes.strip() == "Path=/; HttpOnly; SameSite=Lax"
        assert call({"type": "http", "scheme": "https"})[0].endswith("; Secure")
        assert call({"type": "http", "scheme": "http", "headers": [(b"cookie", f"a=b; {name}={value}".encode())]}) == []
        assert len(call({"type": "http", "scheme": "http", "headers": [(b"cookie", f"{name}=x.y".encode())]})) == 1
        assert call({"type": "websocket", "scheme": "ws"}) == []
    finally:
        binding.use_secret(None)


def test_a_locked_page_says_why_in_the_stores_words(accounts_db):
    """Progres and Riwayat say why a write is locked with errors.py's message for that user -- the
    words the store refuses the write with -- instead of a sentence of their own."""
    def lock(at):
        return [c.value.replace("\\", "") for c in at.caption if c.value.startswith(":material/lock:")]
    at = start("pages/progres.py", tahun="2023", fokus=OTHER)  # a visitor: a viewer
    viewer = f"tamu (pemantau) hanya dapat melihat; masuk dengan akun operator untuk mengubah data {OTHER}"
    assert lock(at) == [f":material/lock: {viewer}."]
    at.switch_page("pages/riwayat.py").run()
    assert lock(at) == [f":material/lock: {viewer}."]
    log_in(at, "tapin")
    at.switch_page("pages/riwayat.py").run()
    at.selectbox(key="fokus").set_value(OTHER).run()
    office = f"tapin (operator satker {OWN}) tidak berwenang mengubah data {OTHER}"
    assert lock(at) == [f":material/lock: {office}."]
    at.switch_page("pages/progres.py").run()
    assert lock(at) == [f":material/lock: {office}; masuk dengan akun operator satker ini atau provinsinya."]
