"""End to end in a real browser: upload a workbook on Impor, open its Gantt, read the comparison
heatmap's values out of the plotly chart and check them against the database."""

from conftest import NEW_OFFICE, sample_truth
from e2e_fixtures import ARTIFACTS, app_url, browser, needs_chromium, page, plotly_figures, wait_idle  # noqa: F401

pytestmark = needs_chromium


def test_upload_then_gantt_then_comparison(app_url, page):
    url, db = app_url
    page.goto(f"{url}/impor")
    wait_idle(page, "Impor rencana aksi")
    page.screenshot(path=ARTIFACTS / "01_impor.png", full_page=True)
    page.set_input_files('[data-testid="stFileUploader"] input[type=file]', str(NEW_OFFICE))
    page.get_by_text("KPU Kabupaten Kotabaru").first.wait_for()
    page.get_by_role("button", name="Impor 1 file").click()
    page.get_by_text("Hasil impor").wait_for()
    wait_idle(page)
    page.screenshot(path=ARTIFACTS / "02_impor_hasil.png", full_page=True)
    # the result table is a canvas grid; its text is in a hidden accessible copy that is filled a moment
    # after it is drawn: wait for the outcome to be attached rather than count at once (failed under load)
    page.get_by_text("berhasil", exact=True).first.wait_for(state="attached", timeout=15000)

    page.goto(f"{url}/gantt?tahun=2023&fokus=KPU+Kabupaten+Kotabaru")
    wait_idle(page, "Gantt rencana aksi")
    figures = plotly_figures(page)
    page.screenshot(path=ARTIFACTS / "03_gantt.png", full_page=True)
    hover = " ".join(str(t.get("customdata", "")) + str(t.get("text", "")) + str(t.get("hovertext", ""))
                     for fig in figures for t in fig["data"])
    records = sample_truth(NEW_OFFICE)["records"]
    first_area = [r for r in records if r["area_no"] == records[0]["area_no"]]
    # the expanded first area's chart carries every activity of that area, with its source row
    for r in first_area:
        assert f"baris {r['row']}" in hover.lower()

    page.goto(f"{url}/perbandingan?tahun=2023&bulan=9")
    wait_idle(page, "Perbandingan antar satker")
    heat = plotly_figures(page)[0]
    page.screenshot(path=ARTIFACTS / "04_perbandingan.png", full_page=True)
    values = heat["data"][-1]  # the coloured layer; offices without data sit in a grey layer below
    sat = "KPU Provinsi Kalimantan Selatan"
    from rbdash.charts import office_label
    rows = [r for r in heat["layout"]["yaxis"]["ticktext"]]
    from rbdash import metrics
    from rbdash.store import Store
    expected = metrics.completion(Store(db), 9, year=2023, by=("satker",)).set_index("satker")
    i = rows.index(office_label(sat))
    assert values["text"][i][-1] == f"{expected.loc[sat, 'rate'] * 100:.1f}%".replace(".", ",")  # Total column
    no_data = [s for s in expected.index if not expected.loc[s, "has_data"]]
    assert no_data and all(values["text"][rows.index(office_label(s))][-1] == "" for s in no_data)


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
    assert plotly_figures(page)  # the next request is served as usual
