"""Issue 9.3 in a real browser: two `streamlit run app.py` replicas on different ports over one throwaway
PostgreSQL holding the sample plans.  Progress recorded on the Progres page of replica A is seen on
replica B at its next rerun; two editors of one activity, one per replica, loaded at the same revision:
the second save shows the conflict message and the database keeps the first (never a silent overwrite).

Skipped with the reason when PostgreSQL or Debian chromium is not installed; with RBDASH_REQUIRE_PG=1
(./dev test, CI) a PostgreSQL that cannot start fails the run, as in the other PostgreSQL tests."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e_fixtures import (ARTIFACTS, CHROMIUM, Server, browser, edit_cell, needs_chromium, rerun,  # noqa: F401
                          wait_idle)
from rbdash import metrics
from rbdash.store import Store

pytestmark = needs_chromium
YEAR = 2023
NOTE_COLUMN = 15        # Area, Indikator, Jan..Des, Bukti dukung, Catatan (pages/progres.COLUMN_ORDER)


@pytest.fixture(scope="module")
def replicas(sample_pg):
    """(database URL, replica A, replica B): the samples imported once, then two app processes."""
    url = sample_pg
    servers = [Server(RBDASH_DB=url), Server(RBDASH_DB=url)]  # both start at once (2 shared cores)
    try:
        yield url, *[s.wait() for s in servers]
    finally:
        for s in servers:
            s.stop()


@pytest.fixture
def two_people(browser, request):
    """Two separate browser sessions (two people), each with its own cookies; how each page ended is
    kept as a screenshot (test-artifacts/e2e/replicas_<test>_<1|2>.png), passed or failed."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # wide enough for the whole Progres grid: its canvas draws (and mirrors for a test) only the
    # columns in view, and Catatan is the last
    contexts = [browser.new_context(viewport={"width": 2400, "height": 1000}) for _ in range(2)]
    pages = [c.new_page() for c in contexts]
    for p in pages:
        p.set_default_timeout(60_000)
    yield pages
    for i, (c, p) in enumerate(zip(contexts, pages)):
        try:
            p.screenshot(path=ARTIFACTS / f"replicas_{request.node.name[5:40]}_{i + 1}.png", full_page=True)
        finally:
            c.close()


def open_progres(page, server, office, name=None):
    page.goto(f"{server.url}/progres?tahun={YEAR}&fokus={office.replace(' ', '+')}")
    wait_idle(page, "Progres realisasi")
    page.wait_for_selector(f'[data-testid="glide-cell-{NOTE_COLUMN}-0"]', state="attached")
    if name:   # open mode: the audit trail's name, asked in the sidebar before saving
        box = page.get_by_role("textbox", name="Nama petugas")
        box.fill(name)
        with rerun(page):
            box.press("Enter")


def note_cell(page, row=0):
    """The Catatan of a row as the grid holds it (its accessible table mirrors the canvas)."""
    return page.evaluate(f"""() => {{ const c = document.querySelector('[data-testid="glide-cell-{NOTE_COLUMN}-{row}"]');
                                    return c ? c.textContent : null; }}""")


def edit_note(page, text, row=0):
    edit_cell(page, NOTE_COLUMN, text, row)


def save(page):
    with rerun(page):
        page.get_by_role("button", name="Simpan").click()


def expect_text(page, text, shot):
    """Wait for ``text`` on the page; on a timeout keep a screenshot of what was there instead."""
    try:
        page.get_by_text(text).first.wait_for()
    except PlaywrightTimeout:
        page.screenshot(path=ARTIFACTS / f"{shot}_failed.png", full_page=True)
        raise


def first_activity(url, office):
    store = Store(url)
    try:
        acts = metrics.plan_activities(store, office, YEAR)
        return int(acts["id"].iloc[0]), int(acts["revision"].iloc[0])
    finally:
        store.close()


def stored(url, activity_id):
    store = Store(url)
    try:
        with store.connect() as con:
            prog = con.execute("SELECT note, revision, updated_by FROM progress WHERE activity_id = ?",
                               [activity_id]).fetchone()
            audit = con.execute("SELECT actor, detail FROM audit_log WHERE action = 'progress' AND activity_id = ? "
                                "ORDER BY id", [activity_id]).fetchall()
        return prog, audit
    finally:
        store.close()


def test_progress_recorded_on_a_is_seen_on_b_at_its_next_rerun(replicas, two_people):
    url, a, b = replicas
    office, note = "KPU Kabupaten Tapin", "dicatat di replika A"
    on_a, on_b = two_people
    open_progres(on_b, b, office)          # B has read (and cached) the office before A writes
    assert note_cell(on_b) == ""
    open_progres(on_a, a, office, name="Ani")
    edit_note(on_a, note)
    save(on_a)
    expect_text(on_a, "1 kegiatan tersimpan.", "replica_a_save")
    on_a.screenshot(path=ARTIFACTS / "replica_a_saved.png")
    aid, rev = first_activity(url, office)
    prog, audit = stored(url, aid)
    assert prog[0] == note and prog[2] == "Ani" and len(audit) == 1 and audit[0][0] == "Ani"
    # B's next rerun (its own "Muat ulang data" button; no new session, no restart) reads the new data
    on_b.get_by_role("button", name="Muat ulang data").click()
    wait_idle(on_b)
    on_b.wait_for_function(f"""() => {{ const c = document.querySelector('[data-testid="glide-cell-{NOTE_COLUMN}-0"]');
                                      return c && c.textContent === {note!r}; }}""", timeout=30_000)
    on_b.screenshot(path=ARTIFACTS / "replica_b_sees_it.png")
    # and a fresh visit to B shows it as well
    on_b.goto("about:blank")
    open_progres(on_b, b, office)
    assert note_cell(on_b) == note


def test_two_editors_on_two_replicas_second_save_is_refused(replicas, two_people):
    url, a, b = replicas
    office = "KPU Kota Banjarbaru"
    aid, rev = first_activity(url, office)
    ani, budi = two_people
    open_progres(ani, a, office, name="Ani")
    open_progres(budi, b, office, name="Budi")      # both editors loaded revision ``rev``
    assert first_activity(url, office) == (aid, rev)
    edit_note(ani, "versi Ani")
    edit_note(budi, "versi Budi")
    save(ani)
    expect_text(ani, "1 kegiatan tersimpan.", "replica_ani_save")
    save(budi)
    refused = budi.locator('[data-testid="stAlert"]').filter(has_text="sudah diubah oleh Ani")
    refused.wait_for()
    assert "muat ulang lalu ulangi perubahan" in refused.inner_text()
    assert budi.get_by_text("kegiatan tersimpan.").count() == 0
    budi.screenshot(path=ARTIFACTS / "replica_b_conflict.png", full_page=True)
    prog, audit = stored(url, aid)
    assert prog == ("versi Ani", rev + 1, "Ani")        # the first save kept, not overwritten
    assert [actor for actor, _ in audit] == ["Ani"]     # and Budi's refused save left no trace
    # Budi reloads: the grid now shows Ani's note; saving his own on top of it is then allowed
    budi.get_by_role("button", name="Muat ulang data").click()
    wait_idle(budi)
    budi.wait_for_function(f"""() => {{ const c = document.querySelector('[data-testid="glide-cell-{NOTE_COLUMN}-0"]');
                                      return c && c.textContent === 'versi Ani'; }}""", timeout=30_000)
    edit_note(budi, "versi Budi")
    save(budi)
    expect_text(budi, "1 kegiatan tersimpan.", "replica_budi_save_after_reload")
    prog, audit = stored(url, aid)
    assert prog == ("versi Budi", rev + 2, "Budi") and [actor for actor, _ in audit] == ["Ani", "Budi"]
