"""End to end in a real browser: upload a workbook on Impor, open its Gantt, read the comparison
grid's values out of the browser and check them against the database."""

import shutil

import pytest

from app_fixtures import FORMULAS, make_plan, sample_db_file  # noqa: F401 (fixture)
from conftest import NEW_OFFICE, sample_truth
from e2e_fixtures import (ARTIFACTS, Server, app_url, browser, grid_rows, needs_chromium, page,  # noqa: F401
                          rows_of_every_grid, wait_idle)
from rbdash.store import Store

pytestmark = needs_chromium


def test_upload_then_gantt_then_comparison(app_url, page):
    url, db = app_url
    page.goto(f"{url}/impor")
    wait_idle(page, "Impor rencana aksi")
    page.screenshot(path=ARTIFACTS / "01_impor.png", full_page=True)
    page.set_input_files('[data-testid="stFileUploader"] input[type=file]', str(NEW_OFFICE))
    page.get_by_text("KPU Kabupaten Kotabaru").first.wait_for()
    page.get_by_role("button", name="Impor 1 rencana").click()
    page.get_by_text("Hasil impor").wait_for()
    wait_idle(page)
    page.screenshot(path=ARTIFACTS / "02_impor_hasil.png", full_page=True)
    # the result table is a canvas grid; its text is in a hidden accessible copy that is filled a moment
    # after it is drawn: wait for the outcome to be attached rather than count at once (failed under load)
    page.get_by_text("berhasil", exact=True).first.wait_for(state="attached", timeout=15000)

    page.goto(f"{url}/gantt?tahun=2023&fokus=KPU+Kabupaten+Kotabaru")
    wait_idle(page, "Gantt rencana aksi")
    records = sample_truth(NEW_OFFICE)["records"]
    assert len(records) <= 60  # every area starts open (gantt.OPEN_ALL_UP_TO)
    expected = sorted(r["row"] for r in records)

    def source_rows(rows):
        return sorted(int(r[-1].split(" ")[1]) for r in rows if r and r[-1].startswith("baris "))
    rows = rows_of_every_grid(page, lambda rows: source_rows(rows) == expected)
    page.screenshot(path=ARTIFACTS / "03_gantt.png", full_page=True)
    # every activity is in its area's month grid with its source row, and has a mark in every month the
    # workbook plans (the generator's ground truth)
    assert source_rows(rows) == expected
    by_row = {int(r[-1].split(" ")[1]): r for r in rows if r[-1].startswith("baris ")}
    assert all(len(r) == 14 for r in by_row.values())  # label, 12 months, source
    for r in records:
        marked = {m for m in range(1, 13) if by_row[r["row"]][m]}
        assert set(r["planned_months"]) <= marked, (r["row"], r["planned_months"], marked)

    page.goto(f"{url}/perbandingan?tahun=2023&bulan=9")
    wait_idle(page, "Perbandingan antar satker")
    rows = grid_rows(page, min_rows=8)  # header and the 8 offices of 2023
    page.screenshot(path=ARTIFACTS / "04_perbandingan.png", full_page=True)
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    assert header[:2] == ["Satker", "Total"]  # the Total next to the names (a projector's width)
    from rbdash import metrics
    from rbdash.store import Store
    expected = metrics.completion(Store(db), 9, year=2023, by=("satker",)).set_index("satker")
    assert sorted(body) == sorted(expected.index)
    sat = "KPU Provinsi Kalimantan Selatan"
    assert float(body[sat][1]) == pytest.approx(expected.loc[sat, "rate"] * 100)
    no_data = [s for s in expected.index if not expected.loc[s, "has_data"]]
    assert no_data and all(body[s][1] == "" for s in no_data)  # empty and grey, never 0%


def test_an_upload_that_kills_its_reader_leaves_the_app_serving(app_url, page, tmp_path):
    """A file whose parse worker dies is refused with a one-line reason; the server goes on."""
    from rbdash import demo
    deadly = tmp_path / "rusak_TESTHOOK_crash.xlsx"
    demo.generate(deadly, "checks", "KPU Kota Kediri", 2024, seed=3)
    url, _ = app_url
    page.goto(f"{url}/impor")
    wait_idle(page, "Impor rencana aksi")
    page.set_input_files('[data-testid="stFileUploader"] input[type=file]', str(deadly))
    page.get_by_text("file terlalu besar atau rusak untuk dibaca dengan aman").wait_for()
    page.screenshot(path=ARTIFACTS / "05_impor_worker_died.png", full_page=True)
    page.goto(f"{url}/perbandingan?tahun=2023")
    wait_idle(page, "Perbandingan antar satker")
    assert len(grid_rows(page)) > 1  # the next request is served as usual


def toolbar_buttons(page, nth=0):
    """The labels of the ``nth`` grid's own toolbar buttons (shown on hover)."""
    box = page.locator('[data-testid="stElementContainer"]', has=page.locator('[data-testid="stDataFrame"]')).nth(nth)
    box.scroll_into_view_if_needed()
    box.hover()
    box.locator('[data-testid="stElementToolbar"] button').first.wait_for()
    return [b.get_attribute("aria-label") for b in box.locator('[data-testid="stElementToolbar"] button').all()]


def test_grids_offer_no_english_csv_download(sample_db_file, tmp_path, page):
    """Issue 21.6 (and 18.3): the grids' own "Download as CSV" spoke English and wrote what a spreadsheet
    might evaluate; it is off (.streamlit/config.toml: the app's own exports are Indonesian), on the
    coloured month grid and on a plain table alike, while the toolbar is still there.  The values a grid
    holds stay neutralised (test_app_pages.test_no_grid_downloads_a_formula)."""
    db = tmp_path / "formula.duckdb"
    shutil.copy(sample_db_file, db)
    store = Store(db)
    store.import_plan(make_plan("KPU Kota Gamma", 2024, [(1, FORMULAS[0], FORMULAS[1], [1, 2], [1])],
                                has_realization=True, as_of=3), actor="test")
    store.close()
    server = Server(RBDASH_DB=str(db), RBDASH_SAMPLES=str(tmp_path / "no-samples")).wait()
    try:
        page.goto(f"{server.url}/gantt?tahun=2024&fokus=KPU+Kota+Gamma")
        wait_idle(page, "Gantt rencana aksi")
        labels = toolbar_buttons(page, 0)
        assert labels and "Download as CSV" not in labels, labels
        page.get_by_text("Tabel kegiatan", exact=True).click()
        labels = toolbar_buttons(page, 1)
        assert labels and "Download as CSV" not in labels, labels
        page.screenshot(path=ARTIFACTS / "gantt_formula_text.png", full_page=True)
    finally:
        server.stop()
