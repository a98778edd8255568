"""The import service: typed outcomes, one decision of new/version/duplicate, no file for nothing,
the first-start samples, and worker failures that refuse one file while the others import."""

import pytest

from app_fixtures import make_plan, small_store  # noqa: F401 (fixtures)
from conftest import db_snapshot, plan_rows
from rbdash import importing, queries
from rbdash.errors import StoreError, UnreadableFile
from rbdash.importing import Parsed, Status
from rbdash.samples import ensure_database
from rbdash.store import Store

GOOD_ROWS = plan_rows([(("1", "Manajemen Perubahan", "Penyusunan", "Rapat", "Notula"), {1: "√", 2: "√"})])


def test_outcomes_new_duplicate_version_refused(small_store):
    plan = make_plan("KPU Kota Delta", 2024, [(1, "K", "I", [1], [])])
    changed = make_plan("KPU Kota Delta", 2024, [(1, "K", "I", [1, 2], [])])
    bad = Parsed("rusak.xlsx", error=UnreadableFile("not_excel"))
    assert small_store.plan_status(plan.satker, plan.year, plan.sha256) == ("new", None)
    outs = list(importing.import_parsed(small_store, [bad, Parsed("a.xlsx", plan), Parsed("a.xlsx", plan),
                                                      Parsed("b.xlsx", changed)], "uji"))
    assert [o.status for o in outs] == [Status.REFUSED, Status.NEW, Status.DUPLICATE, Status.VERSION]
    assert [o.version for o in outs] == [None, 1, 1, 2]
    assert outs[0].error.message_id.startswith("bukan file Excel")
    assert (outs[1].satker, outs[1].year, outs[1].activities) == ("KPU Kota Delta", 2024, 1)
    assert small_store.plan_status(plan.satker, plan.year, changed.sha256) == ("duplicate", 2)
    assert small_store.plan_status(plan.satker, plan.year, "other") == ("version", 2)


def test_a_batch_that_stores_nothing_creates_no_database(tmp_path):
    db = tmp_path / "baru.duckdb"
    bad = tmp_path / "bukan.xlsx"
    bad.write_bytes(b"bukan excel")
    outs = list(importing.import_sources(lambda: Store(db), [bad], "uji"))
    assert [o.status for o in outs] == [Status.REFUSED]
    assert not db.exists()


def test_import_sources_reads_paths_and_uploads(tmp_path, make_wb):
    path = make_wb(GOOD_ROWS, title="RENCANA AKSI RB KPU KOTA EPSILON TAHUN 2024")
    other = make_wb(GOOD_ROWS, title="RENCANA AKSI RB KPU KOTA ZETA TAHUN 2024")
    store = Store(tmp_path / "r.duckdb")
    outs = list(importing.import_sources(store, [path, ("zeta.xlsx", other.read_bytes())], "uji"))
    assert [(o.status, o.satker) for o in outs] == [(Status.NEW, "KPU Kota Epsilon"), (Status.NEW, "KPU Kota Zeta")]
    assert outs[1].source == "zeta.xlsx"


@pytest.mark.parametrize("mark, reason", [("crash", "the reader stopped"), ("oom", "out of memory")])
def test_a_dying_worker_refuses_only_its_file(tmp_path, make_wb, monkeypatch, mark, reason):
    """A worker that dies (or hits its memory cap) mid-folder: that file is refused in one line, every
    other file is still imported, and the database holds exactly the others."""
    monkeypatch.setenv("RBDASH_TEST_CRASH_MARK", "TESTHOOK")
    files = [make_wb(GOOD_ROWS, name=f"{i}{'_TESTHOOK_' + mark if i == 2 else ''}.xlsx",
                     title=f"RENCANA AKSI RB KPU KOTA {name} TAHUN 2024")
             for i, name in enumerate(["ALFA", "BETA", "GAMMA", "DELTA", "EPSILON"])]
    store = Store(tmp_path / "r.duckdb")
    outs = list(importing.import_sources(store, files, "uji"))
    assert [o.status for o in outs] == [Status.NEW, Status.NEW, Status.REFUSED, Status.NEW, Status.NEW]
    assert str(outs[2].error) == (f"the file is too large or damaged to read safely ({reason}); open it in Excel, "
                                  "check it and save it again")
    names = set(queries.offices(store)["satker"])
    assert names == {"KPU Kota Alfa", "KPU Kota Beta", "KPU Kota Delta", "KPU Kota Epsilon"}


def test_refused_store_write_rolls_back_and_batch_goes_on(tmp_path, monkeypatch):
    store = Store(tmp_path / "r.duckdb")
    plans = [make_plan(f"KPU Kota {n}", 2024, [(1, "K", "I", [1], [])]) for n in ("Satu", "Dua", "Tiga")]
    real = store.import_plan

    def failing(plan, actor):
        if plan.satker == "KPU Kota Dua":
            raise StoreError("db_error", detail="disk full")
        return real(plan, actor)
    monkeypatch.setattr(store, "import_plan", failing)
    outs = list(importing.import_parsed(store, [Parsed(p.satker, p) for p in plans], "uji"))
    assert [o.status for o in outs] == [Status.NEW, Status.REFUSED, Status.NEW]
    assert outs[1].error.message_id == "basis data menolak operasi ini; coba lagi, dan laporkan bila terulang"
    assert str(outs[1].error) == "the database refused the operation (disk full)"


def test_ensure_database_writes_and_imports_samples_once(tmp_path):
    db = tmp_path / "data" / "rbdash.duckdb"
    samples = tmp_path / "data" / "samples"
    outs = ensure_database(db, samples)
    assert db.exists() and len(outs) >= 8
    assert all(o.status is Status.NEW for o in outs)
    assert not list(db.parent.glob("*.building*"))
    assert any(samples.glob("*.xlsx"))
    before = db_snapshot(Store(db))
    assert ensure_database(db, samples) is None
    assert db_snapshot(Store(db)) == before
    offices = queries.offices(Store(db))
    assert {"KPU Kota Banjarmasin", "KPU Kota Pasuruan"} <= set(offices["satker"])
