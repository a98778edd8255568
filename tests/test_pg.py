"""What only the PostgreSQL store has: the SQL placeholder translation, several app processes (replicas)
over one server seeing each other's writes, two writing processes at once, driver errors translated.
The behaviour shared with DuckDB is tested on both backends by the store tests (conftest.BACKENDS)."""

import json
import subprocess
import sys

import pandas as pd
import psycopg
import pytest

from app_fixtures import make_plan, warm_server  # noqa: F401 (fixture)
from conftest import ROOT
from rbdash import metrics, regions, views
from rbdash.errors import ConflictError, StoreError
from rbdash.store import Store
from rbdash.store import pg
from rbdash.store.pg import pyformat, redact, translate


@pytest.mark.parametrize("sql, expected", [
    ("SELECT ? + ?", "SELECT %s + %s"),
    ("SELECT '?', \"a?b\", ? -- why?\n", "SELECT '?', \"a?b\", %s -- why?\n"),
    ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
    ("SELECT '100%', ? /* 5% ? */", "SELECT '100%%', %s /* 5%% ? */"),
    ("SELECT $$ ? $$, $f$?$f$, ?", "SELECT $$ ? $$, $f$?$f$, %s"),
    ("SELECT 7 % ?", "SELECT 7 %% %s"),
])
def test_placeholders_are_translated_outside_literals(sql, expected):
    assert pyformat(sql) == expected


def test_values_are_bound_not_spliced(pg_cluster):
    store = Store(pg_cluster.fresh())
    hostile = "x'); DROP TABLE satker; --"
    got = store.query_df("SELECT ? AS a, ? IS NULL AS b, '100%' AS c, list_contains(?::VARCHAR[], ?) AS d",
                         [hostile, None, [hostile, "y"], hostile])
    assert got.values.tolist() == [[hostile, True, "100%", True]]
    assert store.counts()["satker"] == 0
    store.close()


def test_the_password_never_appears(pg_cluster):
    assert redact("postgresql://rb:rahasia@db:5432/x") == "postgresql://rb:***@db:5432/x"
    with pytest.raises(StoreError) as exc:
        Store("postgresql://rb:rahasia@127.0.0.1:1/x")
    assert "rahasia" not in str(exc.value) + exc.value.message_id


@pytest.mark.parametrize("error, cls, code", [
    (psycopg.errors.SerializationFailure, ConflictError, "write_conflict"),
    (psycopg.errors.UniqueViolation, ConflictError, "write_conflict"),
    (psycopg.errors.DeadlockDetected, ConflictError, "write_conflict"),
    (psycopg.errors.AdminShutdown, StoreError, "db_unreachable"),
    (psycopg.errors.UndefinedTable, StoreError, "db_error"),
])
def test_driver_errors_become_the_projects(error, cls, code):
    out = translate(error("boom"), "postgresql://u:p@h:5432/d")
    assert type(out) is cls and out.code == code


SATKER = "KPU Kota Replika"


def _office(url):
    store = Store(url)
    store.import_plan(make_plan(SATKER, 2024, [(1, "K1", "I1", [1, 2, 3], []), (2, "K2", "I2", [4], [])]), "ani")
    return store


def test_replicas_see_each_others_writes_and_conflicts(pg_cluster):
    """Two app processes over one server are two Stores on one URL: a write through one changes the other's
    data version (its cache key) and is read there; two editors of one activity on different replicas get
    the conflict message, never a silent overwrite."""
    url = pg_cluster.fresh()
    a, b = _office(url), Store(url)
    key = views.cache_key(b)
    acts_b = metrics.plan_activities(b, SATKER, 2024)
    aid, rev = int(acts_b["id"][0]), int(acts_b["revision"][0])
    assert a.save_progress(aid, [1], None, "replika a", rev, "ani") == 1
    assert views.cache_key(b) != key
    assert metrics.plan_activities(b, SATKER, 2024)["note"][0] == "replika a"
    with pytest.raises(ConflictError) as exc:
        b.save_progress(aid, [1, 2], None, "replika b", rev, "budi")   # b's editor loaded revision 0
    assert exc.value.code == "conflict" and "ani" in exc.value.message_id
    key = views.cache_key(a)
    b.import_plan(make_plan("KPU Kota Malang", 2024, [(1, "K", "I", [5], [])]), "budi")
    assert views.cache_key(a) != key
    assert "KPU Kota Malang" in metrics.offices(a)["satker"].tolist()
    a.close(), b.close()


def test_a_replicas_cached_figures_show_another_replicas_save_at_its_next_run(pg_cluster):
    """Issue 22.2: a replica keeps its pages' figures by the version of what they read; a save on the
    other replica is a new version of that office and year, so the next run here reads it -- the
    office's page and the year's national figure -- while another year's figures stay cached."""
    from pages._ui import by_office, by_year, loader
    url = pg_cluster.fresh()
    a, b = _office(url), Store(url)
    a.import_plan(make_plan(SATKER, 2023, [(1, "K1", "I1", [1], [])]), "ani")
    runs = []

    @loader(by_office)
    def office_page(_store, key, satker, year):
        runs.append("office")
        return metrics.plan_activities(_store, satker, year)["note"].tolist()

    @loader(by_year)
    def national(_store, key, view):
        runs.append(view.year)
        return views.summary(_store, view).reported

    def run_on_b():
        key = views.cache_key(b)   # once per run, as pages/_ui.context
        view = views.View(year=2024, satkers=None, areas=None, as_of=3)
        return (office_page(b, key, SATKER, 2024), national(b, key, view),
                national(b, key, views.View(year=2023, satkers=None, areas=None, as_of=3)))
    before = run_on_b()
    assert run_on_b() == before and runs == ["office", 2024, 2023]
    aid = int(metrics.plan_activities(a, SATKER, 2024)["id"][0])
    a.submit_report(SATKER, 2024, 1, "ani")   # ticks count once their month is reported (issue 23.1)
    a.save_progress(aid, [1, 2], None, "dari replika a", 0, "ani")
    notes, reported, _ = run_on_b()
    assert "dari replika a" in notes and reported > before[1]
    assert runs[3:] == ["office", 2024]
    a.close(), b.close()


def test_an_import_into_a_fresh_database_gives_the_planner_its_statistics(pg_cluster):
    """Right after the first import the planner took the tables for empty (autovacuum analyses up to a
    minute later) and the national figures cost 5x: the import analyses what it grew by much, the
    kept counts with the plans; a small import into a large table leaves it to autovacuum."""
    store = _office(pg_cluster.fresh())

    def estimates():
        with store.connect() as con:
            return {t: con.execute("SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)", [t]).fetchone()[0]
                    for t in ("activities", "plan_versions", "month_counts", "version_counts")}
    assert estimates() == {"activities": 2, "plan_versions": 1, "month_counts": 24, "version_counts": 1}
    store.import_plan(make_plan("KPU Kota Malang", 2024, [(1, "K", f"I{i}", [5], []) for i in range(40)]), "ani")
    assert estimates()["activities"] == 42
    store.import_plan(make_plan("KPU Kota Batu", 2024, [(1, "K", "I", [5], [])]), "ani")
    assert estimates()["activities"] == 42   # 1 row more than 42: not worth an ANALYZE
    store.close()


def test_a_dropped_connection_is_one_error_then_the_store_recovers(pg_cluster):
    url = pg_cluster.fresh()
    store = _office(url)
    store.counts()  # leaves an idle pooled connection
    with psycopg.connect(pg_cluster.url(), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE application_name = 'rbdash' AND pid <> pg_backend_pid()")
    with pytest.raises(StoreError) as exc:
        store.counts()
    assert exc.value.code in ("db_unreachable", "db_error")
    assert store.counts()["activities"] == 2
    store.close()


WRITER = r"""
import json, sys
from rbdash.errors import ConflictError, RbdashError
from rbdash.store import Store
sys.path.insert(0, "tests")
from app_fixtures import make_plan, warm_server  # noqa: F401 (fixture)
url, offices, shared, tag = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
store, out = Store(url), {"imports": [], "acks": [], "conflicts": 0, "raw": []}
def edit(aid):
    try:
        with store.connect() as con:
            rev = con.execute("SELECT COALESCE(max(revision), 0) FROM progress WHERE activity_id = ?", [aid]).fetchone()[0]
        out["acks"].append([aid, store.save_progress(aid, [1, 2], None, tag, rev, "cli")])
    except ConflictError:
        out["conflicts"] += 1
    except RbdashError as exc:
        out["raw"].append("refused: " + exc.code)
    except Exception as exc:
        out["raw"].append(type(exc).__name__ + ": " + str(exc)[:100])
for i, name in enumerate(offices):
    try:
        res = store.import_plan(make_plan(name, 2024, [(1 + k % 8, f"K{k}", f"I{k} {tag}", [1 + k % 12], [1] if k % 3 == 0 else [])
                                                  for k in range(40)], has_realization=True), "cli")
        out["imports"].append(res["plan_version_id"])
    except Exception as exc:
        out["raw"].append(type(exc).__name__ + ": " + str(exc)[:100])
    for aid in shared[i::len(offices)]:
        edit(aid)
print(json.dumps(out))
"""


def test_two_writing_processes_lose_nothing_and_never_share_an_id(pg_cluster):
    """Two processes import 12 offices each while both edit the same 24 activities with the revision they
    just read: every import is stored with its own ids, and every acknowledged edit is in the database (the
    final revision of an activity is the number of acknowledged edits of it, each audited)."""
    url = pg_cluster.fresh()
    seed = Store(url)
    seed.import_plan(make_plan(SATKER, 2024, [(1, f"K{k}", f"I{k}", [1, 2], []) for k in range(24)]), "cli")
    shared = [int(i) for i in metrics.plan_activities(seed, SATKER, 2024)["id"]]
    names = [o.name for o in regions.official_offices()][:24]
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, json.dumps(names[k::2]), json.dumps(shared), f"w{k}"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}) for k in range(2)]
    results = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        assert p.returncode == 0, stderr[-2000:]
        results.append(json.loads(stdout))
    assert [r["raw"] for r in results] == [[], []]
    assert sorted(len(r["imports"]) for r in results) == [12, 12]
    counts = seed.counts()
    assert counts["plan_versions"] == 25 and counts["activities"] == 24 + 24 * 40
    ids = seed.query_df("SELECT count(DISTINCT id) AS n, count(*) AS m FROM activities")
    assert ids["n"][0] == ids["m"][0]
    per = seed.query_df("SELECT plan_version_id, count(*) AS n, min(id) AS lo, max(id) AS hi FROM activities "
                        "GROUP BY plan_version_id")
    assert (per["hi"] - per["lo"] + 1 == per["n"]).all()   # each import's ids contiguous, no one else's inside
    acks = [a for r in results for a in r["acks"]]
    assert len(acks) + sum(r["conflicts"] for r in results) == 2 * len(shared)
    final = seed.query_df("SELECT activity_id, revision FROM progress WHERE activity_id IN (SELECT unnest(?::INTEGER[]))",
                          [shared]).set_index("activity_id")["revision"].to_dict()
    for aid in shared:
        mine = sorted(rev for a, rev in acks if a == aid)
        assert mine == list(range(1, len(mine) + 1)) and final.get(aid, 0) == len(mine)
    audited = seed.query_df("SELECT count(*) AS n FROM audit_log WHERE action = 'progress'")["n"][0]
    assert audited == len(acks)
    seed.close()


# --------------------------------------------------------------------------------- the app on the server

@pytest.mark.usefixtures("warm_server")
@pytest.mark.parametrize("page", ["pages/beranda.py", "pages/gantt.py", "pages/cakupan.py", "pages/perbandingan.py",
                                  "pages/progres.py", "pages/riwayat.py", "pages/impor.py"])
def test_every_page_renders_from_postgresql(sample_pg, monkeypatch, page):
    from app_fixtures import start
    monkeypatch.setenv("RBDASH_DB", sample_pg)
    at = start(page)
    assert at.title and at.selectbox(key="f_year").value == 2023 and at.select_slider(key="f_as_of").value == 9
    assert not [e for e in at.error], [e.value for e in at.error]


@pytest.mark.usefixtures("warm_server")
def test_an_unreachable_server_is_one_indonesian_message_in_the_app(monkeypatch):
    from streamlit.testing.v1 import AppTest
    from app_fixtures import APP
    monkeypatch.setenv("RBDASH_DB", "postgresql://rb:rahasia@127.0.0.1:1/rbdash")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [UNREACHABLE.format(detail="Connection refused")]


UNREACHABLE = ("Data tidak dapat dimuat: server basis data PostgreSQL tidak dapat dihubungi ({detail}); admin perlu "
               "memeriksa alamat, kata sandi, dan apakah server berjalan. Halaman ini tampil kembali begitu basis data "
               "dapat dipakai lagi; muat ulang sebentar lagi.")


@pytest.fixture(scope="module")
def own_cluster():
    """A cluster of this module's own, to stop and start again (the shared one serves the other tests)."""
    from conftest import start_cluster
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.mark.usefixtures("warm_server")
def test_a_server_that_goes_down_is_one_message_on_every_page_then_the_app_recovers(own_cluster, monkeypatch):
    """Issue 18.5: the server stops while the app runs (its store open, cached, connections pooled): every
    page says so in one Indonesian line, no traceback; the CLI in one English line, exit 2.  Started
    again, every page works on the next run, without restarting the app."""
    from app_fixtures import start
    from app_fixtures import PAGES
    url = own_cluster.fresh_database()
    store = Store(url)
    store.import_plan(make_plan(SATKER, 2024, [(1, "K1", "I1", [1, 2], [1])], has_realization=True, as_of=2), "budi")
    store.close()
    monkeypatch.setenv("RBDASH_DB", url)
    at = start(tahun="2024", fokus=SATKER)
    own_cluster.pause()
    try:
        for i, page in enumerate(PAGES):
            at.switch_page(page).run()
            assert not at.exception, page
            errors = [e.value for e in at.error]
            if i == 0:   # the pooled connection learns first that the server went away, in libpq's words
                assert len(errors) == 1 and errors[0].startswith(UNREACHABLE.split("{")[0]), errors
            else:        # then nobody listens any more
                assert errors == [UNREACHABLE.format(detail="Connection refused")], page
        cli = subprocess.run([sys.executable, "-m", "rbdash", "completion", "--as-of", "2", "--db", url],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
        host = url.split("@")[1]
        assert (cli.returncode, cli.stdout) == (2, "")
        assert cli.stderr == (f"error: cannot reach the PostgreSQL database {host} (Connection refused); check the "
                              "address, the password and that the server is running\n")
    finally:
        own_cluster.resume()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception and not at.error and at.title, page
    # restarted between two runs, so no run saw it down: the pooled connections are dead without knowing
    # it; one idle for longer than pg.CHECK_IDLE_AFTER (2 s; here: any) is checked before use
    monkeypatch.setattr(pg, "CHECK_IDLE_AFTER", 0.0)
    own_cluster.pause()
    own_cluster.resume()
    at.run()
    assert not at.exception and not at.error and at.title


def test_migrate_store_round_trip_keeps_every_row(pg_cluster, tmp_path):
    """An embedded database (versions, carried realisation, progress edits, accounts, audit) copied into
    PostgreSQL and back: row counts and checksums equal at every step; a non-empty target is refused."""
    from conftest import ROOT as root
    from rbdash.store.backup import table_digests
    db, url, back = tmp_path / "asal.duckdb", pg_cluster.fresh(), tmp_path / "kembali.duckdb"
    office = _office(db)
    aid = int(metrics.plan_activities(office, SATKER, 2024)["id"][0])
    office.save_progress(aid, [1, 2], "https://bukti.go.id/1", "catatan 'kutip' 100%", 0, "ani")
    office.import_plan(make_plan(SATKER, 2024, [(1, "K1", "I1", [1, 2, 3, 4], []), (3, "K3", "I3", [5], [])]), "budi")
    office.add_user("admin", "jeruk-manis-42", "admin", actor="cli")
    want = table_digests(office)
    run = lambda *a: subprocess.run([sys.executable, "-m", "rbdash", "migrate-store", *map(str, a)],  # noqa: E731
                                    capture_output=True, text=True, cwd=root, timeout=120)
    p = run("--from", db, "--to", url)
    assert p.returncode == 0, p.stderr
    assert p.stdout.endswith("every table checked\n") and "plan_versions 2, activities 4, progress 2, monthly_reports 0, audit_log 4, users 1, verifications 0;" in p.stdout
    assert table_digests(Store(url)) == want
    assert run("--from", url, "--to", back).returncode == 0
    assert table_digests(Store(back)) == want
    again = run("--from", db, "--to", url)
    assert again.returncode == 2 and again.stdout == ""
    assert again.stderr.startswith("error: 'postgresql://postgres@127.0.0.1:") and \
        again.stderr.endswith("already holds data; migrate into an empty database\n")
    moved = Store(url)
    assert moved.authenticate("admin", "jeruk-manis-42").role == "admin"
    acts = metrics.plan_activities(moved, SATKER, 2024)
    assert acts["note"][0] == "catatan 'kutip' 100%" and int(acts["revision"][0]) == 1
    for by in (("satker",), ("area", "month")):   # the counts are derived again where the rows arrive
        pd.testing.assert_frame_equal(metrics.completion(moved, 12, 2024, by), metrics.completion(office, 12, 2024, by),
                                      check_dtype=False)


def test_a_backup_reaches_postgresql_through_a_restored_file(pg_cluster, tmp_path, monkeypatch):
    """backup/restore are for DuckDB files; a backup goes to a server by restoring it into a file and
    copying that (migrate-store): every row arrives, logins work."""
    from rbdash.store import backup as snapshot
    monkeypatch.delenv("RBDASH_BACKUP_KEY", raising=False)
    office = _office(tmp_path / "asal.duckdb")
    office.add_user("admin", "jeruk-manis-42", "admin", actor="cli")
    snapshot.backup(office, tmp_path / "b")
    snapshot.restore(tmp_path / "b", tmp_path / "pulih.duckdb")
    url = pg_cluster.fresh()
    snapshot.copy_store(Store(tmp_path / "pulih.duckdb"), Store(url))
    server = Store(url)
    assert snapshot.table_digests(server) == snapshot.table_digests(office)
    assert server.authenticate("admin", "jeruk-manis-42").role == "admin"
    server.close()


def test_shared_sql_avoids_duckdb_only_constructs():
    """The read and write SQL runs on both backends: constructs PostgreSQL lacks are caught here, before a
    page fails on a server (GROUP BY ALL: list the columns; arg_max: ORDER BY … LIMIT 1 or
    (array_agg(x ORDER BY v DESC))[1]; range(a, b) m(x): generate_series(a, b - 1) m(x))."""
    import re
    from conftest import ROOT as root
    bad = re.compile(r"GROUP BY ALL|ORDER BY ALL|\barg_(max|min)\(|\brange\(\s*\d+\s*,\s*\d+\s*\)\s+\w+\(|\blist_\w+\((?<!list_contains\()"
                     r"|\bSELECT \* FROM arrow_rows")
    found = []
    for path in [*root.glob("rbdash/*.py"), *root.glob("rbdash/store/*.py")]:
        if path.name == "duck.py":  # DuckDB-only by design (bulk insert)
            continue
        for block in re.findall(r'"""(.*?)"""', path.read_text(encoding="utf-8"), re.S):
            if re.search(r"\b(SELECT|INSERT|UPDATE)\b", block) and bad.search(block):
                found.append(f"{path.name}: {bad.search(block).group(0)}")
    assert not found, found
