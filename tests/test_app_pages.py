"""AppTest of what every page shares: each renders on the sample and on an empty database, a cold
first request, user text shown literally, no grid downloading a formula, one message when the
database is down."""

import json

import pyarrow as pa
import pytest

from app_fixtures import (BOLD, FORMULAS, HOSTILE_OFFICE, PAGES, XSS, charts, cold, empty_db,  # noqa: F401 (fixtures)
                          formula_cells, formula_db, grids, sample_db, sample_db_file, start, texts, warm_server,
                          xss_db)
from conftest import ROOT, damage_blocks
from rbdash import metrics as core
from rbdash.errors import StoreError

pytestmark = pytest.mark.usefixtures("warm_server")


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_sample_db(sample_db, page):
    at = start(page)
    assert at.title, "page title missing"
    assert at.selectbox(key="f_year").value == 2023
    assert at.select_slider(key="f_as_of").value == 9  # the samples' monitoring files report up to Sep
    assert not [e for e in at.error], [e.value for e in at.error]


@pytest.mark.parametrize("page", [p for p in PAGES if p != "pages/impor.py"])
def test_page_renders_on_empty_db(empty_db, page):
    at = start(page)
    assert any("Belum ada data" in str(i.value) for i in at.info)


def test_cold_deep_link_goes_through_app(sample_db, monkeypatch):
    """Issue 18.1: a page asked for first comes with the sidebar and the URL's filters, and a widget
    changed on a cold run is kept (a bounce through app.py used to drop it)."""
    at = cold(monkeypatch)
    at.query_params.update(tahun="2022", fokus="KPU Kota Pasuruan")
    at.switch_page("pages/gantt.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Gantt rencana aksi"]
    assert at.selectbox(key="f_year").value == 2022
    assert at.selectbox(key="fokus").value == "KPU Kota Pasuruan"
    at.selectbox(key="fokus").set_value("KPU Kota Banjarmasin").run()
    assert not at.exception
    assert at.selectbox(key="fokus").value == "KPU Kota Banjarmasin"
    assert "KPU Kota Banjarmasin" in at.subheader[0].value


@pytest.mark.parametrize("module", ["pages/_ui.py", "pages/_filters.py", "pages/_auth.py"])
def test_cold_private_module_is_never_a_page(sample_db, monkeypatch, module):
    """A first request for /ui, /filters or /auth (the legacy mode makes every file of pages/ a page) opens
    the app's default page with its sidebar, as on a warm server, instead of running the module."""
    at = cold(monkeypatch)
    at.switch_page(module).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Rencana Aksi Reformasi Birokrasi"]
    assert at.selectbox(key="f_year").value == 2023


def test_html_in_cells_is_shown_literally(xss_db):
    at = start("pages/gantt.py", fokus="KPU Kota Gamma")
    labels = [t.strip("\u2003") for values, _, _ in grids(at) for t in values["Kegiatan / indikator"]]
    assert XSS in labels and BOLD in labels  # drawn as text on the grid's canvas, never as markup
    assert not [c for _, _, css in grids(at) for c in css.values() if "<" in c]
    table = at.dataframe[-1].value  # the "Tabel kegiatan" below the grids
    assert XSS in table["Indikator"].tolist() and BOLD in table["Kegiatan"].tolist()
    assert all("<b>" not in t or "\\<b\\>" in t for t in texts(at))
    at.switch_page("pages/progres.py").run()
    assert XSS in at.data_editor[0].value["Indikator"].tolist()
    for view in ("area", "month"):
        at.switch_page("pages/perbandingan.py").run()
        at.radio(key="tampilan").set_value(view).run()
        values, shown, css = grids(at)[0]  # a grid cell is drawn as text on a canvas: kept as it is
        assert HOSTILE_OFFICE in values["Satker"].tolist() and HOSTILE_OFFICE in shown["Satker"].tolist()
        assert not [c for c in css.values() if "Ganda" in c]
    at.toggle(key="presentasi").set_value(True).run()  # the presentation view draws the plotly figure
    spec = json.dumps(charts(at))
    assert "<i>Ganda" not in spec and "KPU Kota &lt;i&gt;Ganda&lt;/i&gt;" in spec
    at.toggle(key="presentasi").set_value(False).run()
    at.radio(key="tampilan").set_value("rank").run()
    assert HOSTILE_OFFICE in at.dataframe[0].value["Satker"].tolist()  # a table cell: text, shown as is


@pytest.mark.parametrize("page", PAGES)
def test_no_grid_downloads_a_formula(formula_db, page):
    """Every table on every page holds neutralised text, which is what its own CSV download writes."""
    at = start(page, tahun="2024", fokus="KPU Kota Gamma")
    if page in ("pages/beranda.py", "pages/perbandingan.py"):
        at.session_state["belum_buka"] = True  # who has not submitted: the imported names, as written
        at.run()
    assert (at.dataframe or at.data_editor) or page == "pages/impor.py"
    assert formula_cells(at) == []


def test_grids_show_formula_text_as_written(formula_db):
    """The values are neutralised; the cells show the workbook's text."""
    at = start("pages/gantt.py", tahun="2024", fokus="KPU Kota Gamma")
    values = [t for v, _, _ in grids(at) for t in v["Kegiatan / indikator"]]
    shown = [t for _, s, _ in grids(at) for t in s["Kegiatan / indikator"]]
    indent = "\u2003\u2003"   # an indikator row starts with its indent: no spreadsheet reads a formula there
    assert values == ["'" + FORMULAS[0], indent + FORMULAS[1], "'- Penyusunan SOP", indent + FORMULAS[4]]
    assert shown == [FORMULAS[0], indent + FORMULAS[1], "- Penyusunan SOP", indent + FORMULAS[4]]
    at.switch_page("pages/progres.py").run()
    editor = at.data_editor[0]
    assert editor.value["Indikator"].tolist() == ["'" + FORMULAS[1], "'" + FORMULAS[4]]
    styler = pa.ipc.open_stream(editor.proto.arrow_data.styler.display_values).read_pandas()
    assert styler["Indikator"].tolist() == [FORMULAS[1], FORMULAS[4]]


COMES_BACK = "Halaman ini tampil kembali begitu basis data dapat dipakai lagi; muat ulang sebentar lagi."


DAMAGED = ("Data tidak dapat dimuat: file basis data rusak atau tidak dapat dibaca; admin perlu memulihkannya dari "
           "cadangan. " + COMES_BACK)


def test_a_damaged_database_file_is_one_message_on_every_page_then_the_app_recovers(sample_db):
    """The file is damaged in its data blocks while the app runs (its store open and cached): every
    page says so in one Indonesian line, no traceback, no path; restored from a backup, every page
    works again without a restart."""
    at = start()
    good = damage_blocks(sample_db)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert [e.value for e in at.error] == [DAMAGED], page
    sample_db.write_bytes(good)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception and not at.error and at.title, page


def test_a_store_error_inside_a_page_is_the_same_one_message(sample_db, monkeypatch):
    """A read failing halfway through a page (not in app.py) is the same one line, shown above what
    the page drew; the next run tries again (a failed computation is kept by no loader)."""

    def down(*args, **kwargs):
        raise StoreError("db_error", detail="Corrupt block at /srv/rbdash/data/rbdash.duckdb")

    real = core.plan_activities
    monkeypatch.setattr(core, "plan_activities", down)
    at = start("pages/gantt.py", tahun="2023", fokus="KPU Kabupaten Tapin")
    assert [e.value for e in at.error] == [
        "Data tidak dapat dimuat: basis data menolak operasi ini; coba lagi, dan laporkan bila terulang. " + COMES_BACK]
    monkeypatch.setattr(core, "plan_activities", real)
    at.run()
    assert not at.exception and not at.error and grids(at)


def test_loaders_are_cached_by_what_they_read(tmp_path):
    """Issue 22.2: a page loader is computed again after a write to what it reads -- its office, its
    year -- and not after a write elsewhere or a failed login; no page clears the caches itself."""
    from pages._ui import by_office, by_year, loader
    from rbdash import views
    from rbdash.errors import PermissionDenied
    from rbdash.store import Store
    from app_fixtures import make_plan
    store = Store(tmp_path / "kunci.duckdb")
    for satker in ("KPU Kota Alpha", "KPU Kota Beta"):
        store.import_plan(make_plan(satker, 2024, [(1, "K", "I", [1, 2], [])]), "ani")
    store.add_user("admin", "jeruk-manis-42", "admin", actor="cli")
    runs = []

    @loader(by_office)
    def office_page(_store, key, satker, year):
        runs.append(("office", satker))

    @loader(by_year)
    def national(_store, key, view):
        runs.append(("national", view.year))

    view = views.View(year=2024, satkers=None, areas=None, as_of=6)

    def visit():
        key = views.cache_key(store)   # once per run (pages/_ui.context)
        office_page(store, key, "KPU Kota Alpha", 2024)
        national(store, key, view)
    visit()
    with pytest.raises(PermissionDenied):
        store.authenticate("admin", "salah-sandi-99", client="10.0.0.9")
    visit()
    assert runs == [("office", "KPU Kota Alpha"), ("national", 2024)]
    beta = int(core.plan_activities(store, "KPU Kota Beta", 2024)["id"][0])
    store.save_progress(beta, [1], None, None, 0, "budi")
    visit()
    assert runs[2:] == [("national", 2024)]      # Alpha's page kept; the year's figures read again
    alpha = int(core.plan_activities(store, "KPU Kota Alpha", 2024)["id"][0])
    store.save_progress(alpha, [1], None, None, 0, "ani")
    visit()
    assert runs[3:] == [("office", "KPU Kota Alpha"), ("national", 2024)]
    pages = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "pages").glob("*.py")}
    assert not [name for name, text in pages.items() if "cache_data.clear()" in text]


def test_a_rerun_of_a_page_reads_its_figures_from_the_loaders(sample_db, monkeypatch):
    """The page scripts run again at every rerun, defining their loaders again: what those keep must
    outlive the run (as st.cache_data does), or every rerun recomputes every national figure."""
    from rbdash import views
    calls, real = [], views.ranking
    monkeypatch.setattr(views, "ranking", lambda *a, **kw: calls.append(a[2]) or real(*a, **kw))
    at = start("pages/perbandingan.py")
    assert calls
    first = len(calls)
    at.run()
    at.run()
    assert not at.exception and len(calls) == first
