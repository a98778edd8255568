"""A login belongs to its browser (issue 18.6), in Chromium against ``streamlit run serve.py``: a second
browser that presents the first one's session id -- the replay that used to take over the logged-in
session (``streamlit run app.py`` still shows it logged in there) -- finds it logged out; the first
browser's cookie is HttpOnly."""

import pytest
from playwright.sync_api import expect

from app_fixtures import make_plan
from e2e_fixtures import (ARTIFACTS, WATCH_JS, Server, browser, edit_cell, grid_rows, needs_chromium,  # noqa: F401
                          pick_row, rerun, wait_idle)
from rbdash.store import Store

pytestmark = needs_chromium
PASSWORD = "jeruk-manis-42"

# Keeps every websocket and the subprotocols it was opened with; with window.__rbReplay set, opens
# them with that session id, as Streamlit's frontend does when it reconnects to its own session.
SOCKETS_JS = """(() => {
  const Native = window.WebSocket;
  window.__rbSockets = []; window.__rbProtocols = [];
  function Wrapped(url, protocols) {
    let p = protocols === undefined ? [] : [].concat(protocols);
    if (window.__rbReplay) p = [p[0] || 'streamlit', p[1] || '', window.__rbReplay];
    const ws = new Native(url, p);
    window.__rbSockets.push(ws); window.__rbProtocols.push(p);
    return ws;
  }
  Wrapped.prototype = Native.prototype;
  Object.assign(Wrapped, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Wrapped;
})();"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sesi")
    store = Store(tmp / "sesi.duckdb")
    store.add_user("admin", PASSWORD, "admin", actor="test")
    store.add_user("tapin", PASSWORD, "office", actor="test", satker="KPU Kabupaten Tapin")
    store.add_user("kalsel", PASSWORD, "province", actor="test", province="Kalimantan Selatan")
    store.import_plan(make_plan("KPU Kabupaten Tapin", 2024, [
        (area, f"Kegiatan {area}.{i}", f"Indikator {area}.{i}", [i, i + 3], [i]) for area in range(1, 9)
        for i in range(1, 4)], has_realization=True, as_of=6), actor="test")
    server = Server(script="serve.py", RBDASH_DB=str(tmp / "sesi.duckdb"), RBDASH_SAMPLES=str(tmp / "none")).wait()
    yield server
    server.stop()


def test_a_session_id_replayed_from_another_browser_is_logged_out(served, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    mine = browser.new_context(viewport={"width": 1400, "height": 900})
    theirs = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = mine.new_page()
        page.set_default_timeout(30_000)
        page.add_init_script(SOCKETS_JS)
        page.goto(served.url)
        wait_idle(page, "Rencana Aksi Reformasi Birokrasi")
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_label("Nama pengguna").fill("tapin")
        sidebar.get_by_label("Kata sandi").fill(PASSWORD)
        sidebar.get_by_role("button", name="Masuk").click()
        sidebar.get_by_text("Masuk sebagai").wait_for()
        cookie = next(c for c in mine.cookies() if c["name"] == "rbdash_browser")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        assert "rbdash_browser" not in page.evaluate("document.cookie")  # page scripts cannot read it
        # the page reconnects to its own session (as after a network blip): still logged in
        page.evaluate("window.__rbSockets.at(-1).close()")
        page.wait_for_function("window.__rbProtocols.length > 1 && window.__rbProtocols.at(-1).length === 3")
        session_id = page.evaluate("window.__rbProtocols.at(-1)[2]")
        wait_idle(page)
        sidebar.get_by_text("Masuk sebagai").wait_for()
        # the tab is closed (its session waits on the server to be resumed); were it open, the two
        # browsers would take the session from each other at every reconnect
        page.close()

        other = theirs.new_page()
        other.set_default_timeout(30_000)
        other.add_init_script(f"window.__rbReplay = {session_id!r};")
        other.add_init_script(SOCKETS_JS)
        other.goto(served.url)
        wait_idle(other)
        other_sidebar = other.locator('[data-testid="stSidebar"]')
        other_sidebar.get_by_text("Sesi ini dibuka dari peramban lain; silakan masuk lagi.").wait_for()
        other_sidebar.get_by_label("Nama pengguna").wait_for()
        wait_idle(other)
        other.screenshot(path=str(ARTIFACTS / "session_replay.png"))
        assert other.evaluate("window.__rbProtocols[0][2]") == session_id
        assert other_sidebar.get_by_text("Masuk sebagai").count() == 0
    finally:
        mine.close()
        theirs.close()


def test_a_visitor_reads_progress_with_the_reason_in_sight(served, browser):  # noqa: F811
    """Issue 21.3 at 1366x768: a visitor (accounts exist) opening an office's Progres sees why it cannot
    change it above the grid, without scrolling, and the grid without Simpan (it used to be an
    editable grid with a disabled Simpan below 640 px of it)."""
    (ARTIFACTS / "1366").mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1366, "height": 768})
    ctx.add_init_script(WATCH_JS)
    try:
        page = ctx.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{served.url}/progres?tahun=2024&fokus=KPU+Kabupaten+Tapin")
        wait_idle(page, "Progres realisasi")
        note = page.get_by_text("tamu (pemantau) hanya dapat melihat; masuk dengan akun operator untuk mengubah data "
                                "KPU Kabupaten Tapin.")
        grid = page.locator('[data-testid="stDataFrame"]')
        assert note.bounding_box()["y"] + note.bounding_box()["height"] <= min(768, grid.bounding_box()["y"])
        assert page.get_by_role("button", name="Simpan").count() == 0
        page.screenshot(path=str(ARTIFACTS / "1366" / "progres_baca.png"))
    finally:
        ctx.close()


def log_in(ctx, url, name):
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    wait_idle(page, "Rencana Aksi Reformasi Birokrasi")
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_label("Nama pengguna").fill(name)
    sidebar.get_by_label("Kata sandi").fill(PASSWORD)
    with rerun(page):
        sidebar.get_by_role("button", name="Masuk").click()
    sidebar.get_by_text("Masuk sebagai").wait_for()
    return page


def open_page(page, link, heading):
    """Another page by its link in the top bar (a new address would be a new session: logged out)."""
    with rerun(page, heading):
        page.get_by_role("link", name=link, exact=True).click()


def see_rates(page, reported, verified):
    """Beranda shows the reported and the verified completion as given: waited for (the metrics are
    redrawn after the page settles on a loaded machine), never read once."""
    open_page(page, "Beranda", "Rencana Aksi Reformasi Birokrasi")
    for label, value in (("Capaian s.d. Jun", reported), ("Capaian terverifikasi", verified)):
        expect(page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")).to_have_text(
            value, timeout=30_000)


def pick(page, rows, button):
    """Tick ``rows`` of the Verifikasi grid, each once the grid has drawn it, and return ``button``
    once its label counts them and it is enabled (the run the last tick started is over)."""
    for i in rows:
        grid_rows(page, min_rows=i + 1)
        with rerun(page):
            pick_row(page, i)
    target = page.get_by_role("button", name=button, exact=True)
    expect(target).to_be_enabled()
    return target


def test_a_province_verifies_and_rejects_the_office_resubmits_and_both_rates_move(served, browser):  # noqa: F811
    """Issue 23.2 in the browser: Tapin reported 24 of its 48 month-kegiatan due by June (50%), nothing
    verified.  Kalimantan Selatan's operator verifies two reported months and rejects a third with a
    reason; Tapin's operator sees the rejection on Progres, corrects the evidence and ticks June of that
    activity (resubmits): both months await the province again.  Each rate moves exactly: reported 24 ->
    25 of 48, verified 0 -> 2 of 48.  The plan is a monitoring import as of June: months 1-6 are
    reported (issue 23.1), so every due month counts on both sides.  Every step waits for what it
    expects to see (a rerun, a text, a value), never for a time."""
    province = browser.new_context(viewport={"width": 1400, "height": 1000})
    office = browser.new_context(viewport={"width": 1400, "height": 1000})
    for ctx in (province, office):
        ctx.add_init_script(WATCH_JS)
    try:
        checker = log_in(province, served.url, "kalsel")
        see_rates(checker, "50,0%", "0,0%")
        open_page(checker, "Verifikasi", "Verifikasi laporan realisasi")
        checker.get_by_text("24 bulan-kegiatan menunggu verifikasi").wait_for()
        with rerun(checker):
            pick(checker, (0, 1), "Verifikasi (2)").click()
        checker.get_by_text("2 bulan-kegiatan terverifikasi.").wait_for()
        checker.get_by_text("22 bulan-kegiatan menunggu verifikasi").wait_for()  # the queue without them
        pick(checker, (0,), "Tolak (1)")
        reason = checker.get_by_label("Alasan penolakan (wajib, dibaca satker)")
        reason.fill("Tautan bukti tidak dapat dibuka")
        reason.press("Enter")  # commits the text: the run it starts enables Tolak (waited for below, not the
        # run itself: a run that ends before it is watched was once waited for in vain under load)
        expect(reason).to_have_value("Tautan bukti tidak dapat dibuka")
        reject = checker.get_by_role("button", name="Tolak (1)", exact=True)
        expect(reject).to_be_enabled()
        wait_idle(checker)
        with rerun(checker):
            reject.click()
        checker.get_by_text("1 bulan-kegiatan ditolak.").wait_for()
        checker.get_by_text("21 bulan-kegiatan menunggu verifikasi").wait_for()

        clerk = log_in(office, served.url, "tapin")
        open_page(clerk, "Progres", "Progres realisasi")
        clerk.get_by_text("Baris 3 (Indikator 1.3): Ditolak provinsi: Mar (Tautan bukti tidak dapat dibuka)").wait_for()
        clerk.screenshot(path=str(ARTIFACTS / "verifikasi_ditolak.png"))
        edit_cell(clerk, 14, "https://bukti.example.go.id/1-3", row=2)   # Bukti dukung
        edit_cell(clerk, 7, "\u2713", row=2)                             # Jun: ticked
        with rerun(clerk):
            clerk.get_by_role("button", name="Simpan", exact=True).click()
        clerk.get_by_text("1 kegiatan tersimpan.").wait_for()
        expect(clerk.get_by_text("Ditolak provinsi")).to_have_count(0)

        open_page(checker, "Verifikasi", "Verifikasi laporan realisasi")
        checker.get_by_text("23 bulan-kegiatan menunggu verifikasi").wait_for()  # Mar again, and Jun
        see_rates(checker, "52,1%", "4,2%")
    finally:
        for ctx, who in ((province, "provinsi"), (office, "satker")):
            for n, pg in enumerate(ctx.pages):
                pg.screenshot(path=str(ARTIFACTS / f"verifikasi_{who}_{n}.png"), full_page=True)
            ctx.close()
