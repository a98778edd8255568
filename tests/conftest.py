"""Shared fixtures: workbooks generated with their ground truth (``rbdash.demo``), the shared/ fixture
workbooks when ../shared is there, a tiny workbook builder for quirks, temp stores."""

import atexit
import functools
import json
import os
import shutil
import tempfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLANS = SHARED / "fixtures" / "plans"
TRUTHS = sorted(PLANS.glob("*.truth.json"))
NO_SHARED = "../shared (the real-style fixture workbooks) is not beside this clone; CI has it"
PLANS2 = SHARED / "fixtures" / "plans2"   # issue 6 families (weekly, symbols, text, dates, .xls ...)
TRUTHS2 = sorted(PLANS2.glob("*.truth.json"))
SCORE_TOOL = SHARED / "tools" / "score_parse.py"
HAVE_SHARED = SCORE_TOOL.is_file() and PLANS.is_dir()


@functools.cache
def generated() -> tuple[Path, Path]:
    """The app's sample workbooks (one per family, each with NAME.truth.json) and, apart, one more
    office that is not among them (an upload that is new to a sample database): written on first
    use, once per process (each pytest-xdist worker writes its own), so a module that never uses
    them (tests/test_schedule.py) does not wait for them."""
    from rbdash import demo
    root = Path(tempfile.mkdtemp(prefix="rbdash-tests-"))
    atexit.register(shutil.rmtree, root, True)
    demo.write_samples(root / "samples")
    extra = root / "extra" / "kpu_kabupaten_kotabaru_2023.xlsx"
    t = demo.generate(extra, "startend", "KPU Kabupaten Kotabaru", 2023, 41)
    extra.with_suffix(".truth.json").write_text(json.dumps(t), encoding="utf-8")
    return root / "samples", extra


@pytest.fixture(scope="session")
def samples() -> Path:
    """The folder of generated sample workbooks (see ``generated``)."""
    return generated()[0]


@pytest.fixture(scope="session")
def new_office() -> Path:
    """A generated workbook of an office that is not among the samples."""
    return generated()[1]


class LazyPath(os.PathLike):
    """A path whose file is generated when first used: ``SAMPLES / name``, ``SAMPLES.glob(...)``,
    ``str()``, ``open()``, subprocess arguments.  For the names imported at module level
    (``from conftest import SAMPLES``); importing them generates nothing, so collecting a module
    costs no workbooks.  Tests may as well take the ``samples`` / ``new_office`` fixtures."""

    def __init__(self, which: int):
        self._which = which

    def path(self) -> Path:
        return generated()[self._which]

    def __fspath__(self):
        return str(self.path())

    def __str__(self):
        return str(self.path())

    def __truediv__(self, other):
        return self.path() / other

    def __getattr__(self, name):  # glob, with_suffix, read_bytes ...
        return getattr(self.path(), name)

    def __repr__(self):
        return f"LazyPath({self._which})"


SAMPLES, NEW_OFFICE = LazyPath(0), LazyPath(1)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist may be absent or disabled (-p no:xdist)
def pytest_xdist_make_scheduler(config, log):
    """Units of work for pytest-xdist (``./dev test`` runs ``-n 2 --dist loadgroup``): a test module
    stays on one worker, so its module fixtures are built once; the browser modules form one unit,
    so only one Streamlit server and one Chromium run at a time.  A scheduler of our own rather than
    ``xdist_group`` marks: xdist 3.8 tags grouped tests by setting ``item._nodeid``, which pytest 9
    no longer reads, so the marks silently grouped nothing."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return "browser" if Path(module).name.startswith("test_e2e") else module

    return ModuleScheduling(config, log)


MONEV = "kpu_provinsi_kalimantan_selatan_2023"   # the sample with realisation (T/R columns)


def sample_truth(name):
    """Ground truth of a generated workbook (a stem in SAMPLES, or a path)."""
    path = Path(name) if Path(name).suffix else SAMPLES / f"{name}.xlsx"
    return json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))

def truth_completion(name, as_of):
    """(planned, done) month-kegiatan of a generated monitoring workbook up to ``as_of``, straight from
    its ground truth: the months it reports are 1..its as-of month (docs/completion.md)."""
    t = sample_truth(name)
    last = min(as_of, t["as_of_month"] or 0)
    planned = sum(len([m for m in r["planned_months"] if m <= last]) for r in t["records"])
    done = sum(len([m for m in r["planned_months"] if m <= last and m in r["realized_months"]]) for r in t["records"])
    return planned, done


HEADER = ["NO", "AREA PERUBAHAN", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR KEBERHASILAN"]


def truth(name):
    return json.loads((PLANS / f"{name}.truth.json").read_text(encoding="utf-8"))


def build_workbook(path, rows, *, title="RENCANA AKSI REFORMASI BIROKRASI KPU KOTA CONTOH TAHUN 2024",
                   sheet="Renaksi", fills=None, extra_sheets=(), origin=(1, 1)):
    """Write a one-table workbook: title, then ``rows`` (lists) starting at ``origin`` (row, col).

    ``fills`` maps (row, col) 1-based *within rows* to a Color or "RRGGBB"; ``extra_sheets`` is a list
    of (name, rows, state) for hidden or recap sheets.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    r0, c0 = origin
    if title:
        ws.cell(r0, c0, title)
        r0 += 2
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(r0 + i, c0 + j, v)
    for (i, j), color in (fills or {}).items():
        color = color if isinstance(color, Color) else Color(rgb="FF" + color)
        ws.cell(r0 + i - 1, c0 + j - 1).fill = PatternFill("solid", fgColor=color)
    for name, srows, state in extra_sheets:
        ws2 = wb.create_sheet(name)
        ws2.sheet_state = state
        for i, row in enumerate(srows):
            for j, v in enumerate(row):
                if v is not None:
                    ws2.cell(1 + i, 1 + j, v)
    wb.save(path)
    return path


def plan_rows(marks_by_row, header=HEADER, months=list(range(1, 13))):
    """Header + month row + data rows; ``marks_by_row`` = [(texts, {month: mark})]."""
    rows = [header + ["PELAKSANAAN (BULAN)"] + [None] * 11 + ["KET"],
            [None] * len(header) + list(months) + [None]]
    for texts, marks in marks_by_row:
        rows.append(list(texts) + [marks.get(m) for m in range(1, 13)] + [None])
    return rows


@pytest.fixture
def make_wb(tmp_path):
    counter = iter(range(10_000))

    def make(rows, name=None, **kw):
        return build_workbook(tmp_path / (name or f"wb{next(counter)}.xlsx"), rows, **kw)
    return make


# --------------------------------------------------------------------------------- both backends
# Store tests run against the embedded DuckDB file and a real PostgreSQL server (issue 9): the
# ``backend`` parameter, and ``db_location`` giving a fresh empty database on it.  The server is a
# throwaway cluster started once per run (tests/pgcluster.py).  Without PostgreSQL installed those
# cases are skipped with the reason -- unless RBDASH_REQUIRE_PG=1 (set by ./dev test, hence CI),
# where a cluster that cannot start fails the run loudly.
BACKENDS = ["duckdb", "postgresql"]


def start_cluster():
    """A throwaway cluster (tests/pgcluster.py), or the test skipped saying why (failed under RBDASH_REQUIRE_PG=1)."""
    import os
    import pgcluster
    why = pgcluster.available()
    required = os.environ.get("RBDASH_REQUIRE_PG") == "1"
    if why:
        if required:
            pytest.fail(f"RBDASH_REQUIRE_PG=1 but {why}", pytrace=False)
        pytest.skip(why)
    try:
        return pgcluster.Cluster()
    except Exception as exc:  # noqa: BLE001 - reported, never silently skipped in CI
        if required:
            pytest.fail(f"could not start a throwaway PostgreSQL: {exc}", pytrace=False)
        pytest.skip(f"could not start a throwaway PostgreSQL: {exc}")


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def sample_pg(pg_cluster, samples):
    """The sample plans (as the first start loads them into a DuckDB file) in a fresh PostgreSQL
    database of their own for each test module."""
    from rbdash import importing
    from rbdash.store import Store
    url = pg_cluster.fresh()
    store = Store(url)
    outcomes = list(importing.import_sources(store, importing.find_files([samples]), "sampel"))
    assert outcomes and all(o.status.value == "new" for o in outcomes)
    store.close()
    return url


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def locations(backend, tmp_path, request):
    """A function returning a fresh, empty database location per call on ``backend``."""
    if backend == "duckdb":
        counter = iter(range(1000))
        return lambda name="test": tmp_path / f"{name}{next(counter) or ''}.duckdb"
    cluster = request.getfixturevalue("pg_cluster")
    return lambda name="test": cluster.fresh()


@pytest.fixture
def db_location(backend, tmp_path, request):
    return locations(backend, tmp_path, request)


@pytest.fixture
def store(db_location):
    from rbdash.store import Store
    s = Store(db_location())
    yield s
    s.close()


def damage_blocks(path):
    """Garble every data block of a DuckDB file (all but each block's checksum), its headers intact:
    DuckDB still recognises the file and fails reading it (issue 18.5).  Returns the bytes it had."""
    good = Path(path).read_bytes()
    header, block = 3 * 4096, 256 * 1024    # DuckDB's file and database headers, then fixed-size blocks
    bad = bytearray(good)
    for start in range(header, len(bad) - block + 1, block):
        bad[start + 8:start + block] = b"\xa5" * (block - 8)
    Path(path).write_bytes(bytes(bad))
    return good


def db_snapshot(store):
    """Every row of every table: 'the database is unchanged' is asserted on this."""
    with store.connect() as con:
        tables = [r[0] for r in con.execute(
            """SELECT table_name FROM information_schema.tables
               WHERE table_type = 'BASE TABLE' AND table_schema = current_schema() ORDER BY 1""").fetchall()]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}


def needs_soffice():
    """LibreOffice is installed by ./dev test (which sets RBDASH_REQUIRE_SOFFICE=1: then it must be there)."""
    if shutil.which("soffice"):
        return
    if os.environ.get("RBDASH_REQUIRE_SOFFICE") == "1":
        pytest.fail("RBDASH_REQUIRE_SOFFICE=1 but LibreOffice (soffice) is not installed", pytrace=False)
    pytest.skip("LibreOffice (soffice) is not installed; ./dev test installs it")
