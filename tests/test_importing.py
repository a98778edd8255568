"""The import service: typed outcomes, one decision of new/version/duplicate, no file for nothing,
the first-start samples, and worker failures that refuse one file while the others import."""

import pytest

from app_fixtures import make_plan, small_store  # noqa: F401 (fixtures)
from conftest import db_snapshot, plan_rows
from rbdash import importing, metrics
from rbdash.errors import RbdashError, StoreError, UnreadableFile
from rbdash.importing import Parsed, Status
from rbdash.samples import ensure_database
from rbdash.store import Store

GOOD_ROWS = plan_rows([(("1", "Manajemen Perubahan", "Penyusunan", "Rapat", "Notula"), {1: "√", 2: "√"})])


def test_outcomes_new_duplicate_version_refused(small_store):
    plan = make_plan("KPU Kota Delta", 2024, [(1, "K", "I", [1], [])])
    changed = make_plan("KPU Kota Delta", 2024, [(1, "K", "I", [1, 2], [])])
    bad = Parsed("rusak.xlsx", error=UnreadableFile("not_excel"))
    assert small_store.plan_status(plan.satker, plan.year, plan.sha256) == ("new", None)
    outs = list(importing.import_parsed(small_store, [bad, Parsed("a.xlsx", [plan]), Parsed("a.xlsx", [plan]),
                                                      Parsed("b.xlsx", [changed])], "uji"))
    assert [o.status for o in outs] == [Status.REFUSED, Status.NEW, Status.DUPLICATE, Status.VERSION]
    assert [o.version for o in outs] == [None, 1, 1, 2]
    assert outs[0].error.message_id.startswith("bukan file Excel")
    assert (outs[1].satker, outs[1].year, outs[1].activities) == ("KPU Kota Delta", 2024, 1)
    assert small_store.plan_status(plan.satker, plan.year, changed.sha256) == ("duplicate", 2)
    assert small_store.plan_status(plan.satker, plan.year, "other") == ("version", 2)


def test_plans_parsed_before_a_slow_file_are_stored_while_it_is_parsed(small_store, monkeypatch):
    """The parse pool's None (no file finished for a while) stores the batch waiting: plans parsed
    before a slow file are committed and reported, not held until it is done."""
    monkeypatch.setattr(importing, "BATCH_WAIT", 0.0)
    stored_during_pause = []

    def parsed():
        yield Parsed("a.xlsx", [make_plan("KPU Kota Delta", 2024, [(1, "K", "I", [1], [])])])
        yield Parsed("b.xlsx", [make_plan("KPU Kota Epsilon", 2024, [(1, "K", "I", [1], [])])])
        yield None  # the next file is slow
        stored_during_pause.append(small_store.plan_status("KPU Kota Epsilon", 2024, "x")[0])
        yield Parsed("c.xlsx", [make_plan("KPU Kota Zeta", 2024, [(1, "K", "I", [1], [])])])
    outs = list(importing.import_parsed(small_store, parsed(), "uji"))
    assert [o.status for o in outs] == [Status.NEW] * 3
    assert stored_during_pause == ["version"]  # Epsilon was committed before the slow file came back


def test_the_database_is_opened_as_the_first_plan_comes_not_when_its_batch_is_stored(tmp_path):
    """Creating the database (its migrations) overlaps the parse of the next files: an import of a
    hundred files no longer waits for it after the last one is parsed."""
    db = tmp_path / "baru.duckdb"
    created_while_parsing = []

    def parsed():
        yield Parsed("a.xlsx", [make_plan("KPU Kota Delta", 2024, [(1, "K", "I", [1], [])])])
        created_while_parsing.append(db.exists())
        yield Parsed("b.xlsx", [make_plan("KPU Kota Epsilon", 2024, [(1, "K", "I", [1], [])])])
    outs = list(importing.import_parsed(lambda: Store(db), parsed(), "uji"))
    assert [o.status for o in outs] == [Status.NEW] * 2
    assert created_while_parsing == [True]


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
    names = set(metrics.offices(store)["satker"])
    assert names == {"KPU Kota Alfa", "KPU Kota Beta", "KPU Kota Delta", "KPU Kota Epsilon"}


def test_refused_store_write_rolls_back_and_batch_goes_on(tmp_path, monkeypatch):
    """A batch that fails as a whole is stored again one plan per transaction: only the plan that
    fails is refused, with the project's message."""
    store = Store(tmp_path / "r.duckdb")
    plans = [make_plan(f"KPU Kota {n}", 2024, [(1, "K", "I", [1], [])]) for n in ("Satu", "Dua", "Tiga")]
    real, calls = store.import_plans, []

    def failing(batch, actor):
        calls.append([p.satker.split()[-1] for p in batch])
        if any(p.satker == "KPU Kota Dua" for p in batch):
            raise StoreError("db_error", detail="disk full")
        return real(batch, actor)
    monkeypatch.setattr(store, "import_plans", failing)
    outs = list(importing.import_parsed(store, [Parsed(p.satker, [p]) for p in plans], "uji"))
    assert calls == [["Satu", "Dua", "Tiga"], ["Satu"], ["Dua"], ["Tiga"]]
    assert [o.status for o in outs] == [Status.NEW, Status.REFUSED, Status.NEW]
    assert outs[1].error.message_id == "basis data menolak operasi ini; coba lagi, dan laporkan bila terulang"
    assert str(outs[1].error) == "the database refused the operation (disk full)"
    assert set(metrics.offices(store)["satker"]) == {"KPU Kota Satu", "KPU Kota Tiga"}


def comparable(store):
    """db_snapshot without the import times (two runs never share them)."""
    snap = db_snapshot(store)
    snap["plan_versions"] = sorted((r[:6] + r[7:] for r in snap["plan_versions"]), key=repr)
    snap["progress"] = sorted((r[:7] + r[8:] for r in snap["progress"]), key=repr)
    snap["audit_log"] = sorted((r[:1] + r[2:] for r in snap["audit_log"]), key=repr)
    snap.pop("migrations"), snap.pop("users")  # salted hashes differ
    return snap


@pytest.mark.parametrize("batch", [1, 2, 25])
def test_batches_store_exactly_what_one_plan_per_transaction_stores(tmp_path, monkeypatch, batch):
    """New offices (one with two years in the same batch), a changed plan whose realisation is
    carried over, a duplicate, an office the acting province may not write for: batches of any
    size leave the same rows as plan by plan."""
    monev = make_plan("KPU Kota Bandung", 2024, [(1, "K", "I", [1, 2], [1]), (2, "L", "J", [3], [])])
    changed = make_plan("KPU Kota Bandung", 2024, [(1, "K", "I", [1, 2, 3], []), (3, "M", "N", [4], [])])
    plans = [monev, make_plan("KPU Kota Bekasi", 2024, [(1, "K", "I", [5], [5])]),
             make_plan("KPU Kota Bekasi", 2023, [(2, "K", "I", [6], [])]), changed, changed,
             make_plan("KPU Kota Bandung", 2023, [(4, "P", "Q", [6], [])]),
             make_plan("KPU Kota Medan", 2024, [(1, "K", "I", [1], [])])]

    def province_user(store):
        store.add_user("jabar", "jeruk-manis-42", "province", actor="cli", province="Jawa Barat")
        return store.authenticate("jabar", "jeruk-manis-42")
    one = Store(tmp_path / "one.duckdb")
    user = province_user(one)
    expected = []
    for plan in plans:
        try:
            expected.append(one.import_plan(plan, user)["status"])
        except RbdashError as exc:
            expected.append(exc.code)
    monkeypatch.setattr(importing, "BATCH", batch)
    many = Store(tmp_path / "many.duckdb")
    outs = list(importing.import_parsed(many, [Parsed(p.satker, [p]) for p in plans], province_user(many)))
    assert [o.error.code if o.error else o.status.value for o in outs] == expected == \
        ["new", "new", "new", "version", "duplicate", "new", "forbidden_office"]
    assert outs[3].carried_over == 1
    assert comparable(many) == comparable(one)


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
    offices = metrics.offices(Store(db))
    assert {"KPU Kota Banjarmasin", "KPU Kota Pasuruan"} <= set(offices["satker"])


# --------------------------------------------------------------------------------- several plans in one file

def test_each_plan_of_a_file_gets_its_own_outcome_and_version(tmp_path):
    """Two years of one office in one workbook: two outcomes from one source, each its own version;
    the same bytes again are a duplicate per plan (same file, office and year); a changed file makes
    each plan a new version."""
    from rbdash.demo import bundles
    path = tmp_path / "renaksi_2024_2025.xlsx"
    bundles.two_years(path, "KPU Kota Malang", (2024, 2025), 3, families=("checks", "outline"))
    store = Store(tmp_path / "r.duckdb")
    outs = list(importing.import_sources(store, [path], "uji"))
    assert [(o.source, o.status, o.satker, o.year, o.version) for o in outs] == [
        (path, Status.NEW, "KPU Kota Malang", 2024, 1), (path, Status.NEW, "KPU Kota Malang", 2025, 1)]
    outs = list(importing.import_sources(store, [path], "uji"))
    assert [(o.status, o.year, o.version) for o in outs] == [(Status.DUPLICATE, 2024, 1), (Status.DUPLICATE, 2025, 1)]
    changed = tmp_path / "renaksi_revisi.xlsx"
    bundles.two_years(changed, "KPU Kota Malang", (2024, 2025), 4, families=("checks", "outline"))
    outs = list(importing.import_sources(store, [changed], "uji"))
    assert [(o.status, o.year, o.version) for o in outs] == [(Status.VERSION, 2024, 2), (Status.VERSION, 2025, 2)]
    versions = store.query_df("SELECT year, version, source_name FROM plan_versions ORDER BY year, version")
    assert versions.values.tolist() == [[2024, 1, path.name], [2024, 2, changed.name],
                                        [2025, 1, path.name], [2025, 2, changed.name]]


def test_a_province_operator_imports_its_offices_of_a_compilation_and_is_refused_another(tmp_path):
    """Each plan is stored or refused alone: the office of another province is refused by name, the
    province's own offices are stored."""
    from rbdash.demo import bundles
    path = tmp_path / "kompilasi_jatim.xlsx"
    offices = ["KPU Kota Malang", "KPU Kota Bandung", "KPU Kabupaten Jember"]
    bundles.compilation(path, "Jawa Timur", 2025, 5, offices=offices, families=("sections", "text", "outline"))
    store = Store(tmp_path / "r.duckdb")
    store.add_user("jatim", "jeruk-manis-42", "province", actor="cli", province="Jawa Timur")
    user = store.authenticate("jatim", "jeruk-manis-42")
    outs = list(importing.import_sources(store, [path], user))
    assert [(o.satker, o.status) for o in outs] == [("KPU Kota Malang", Status.NEW), ("KPU Kota Bandung", Status.REFUSED),
                                                   ("KPU Kabupaten Jember", Status.NEW)]
    assert outs[1].error.message_id == "jatim (operator provinsi Jawa Timur) tidak berwenang mengubah data KPU Kota Bandung"
    assert set(metrics.offices(store)["satker"]) == {"KPU Kota Malang", "KPU Kabupaten Jember"}
