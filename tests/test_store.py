"""Store: migrations, versions with realisation carried over, rollback, progress edits and conflicts."""

import json

import pytest

from conftest import MONEV, SAMPLES, db_snapshot, sample_truth
from rbdash import metrics
from rbdash import store as store_mod
from rbdash.errors import ConflictError, StoreError, ValidationError
from rbdash.excel import parse_workbook
from rbdash.model import make_warning
from rbdash.schedule import mask_to_months, months_to_mask
from rbdash.store import Store, counts


def test_migrations_are_recorded_and_idempotent(db_location):
    path = db_location("m")
    Store(path)
    s = Store(path)
    # applied by number: the newest is the schema version, whatever gaps the numbering has
    assert s.schema_version() == store_mod.MIGRATIONS[-1][0]
    assert s.query_df("SELECT count(*) AS n FROM migrations")["n"][0] == len(store_mod.MIGRATIONS)


def test_migration_4_renames_issues_json_and_keeps_the_warnings(db_location, monkeypatch):
    """A database written before 'warnings' was the one word keeps its plans' warnings after the rename
    (the views over plan_versions are rebuilt with it)."""
    path = db_location("old")
    plan = parse_workbook(SAMPLES / "kpu_kota_pasuruan_2022.xlsx")
    plan.warnings.append(make_warning("year_from_filename"))
    monkeypatch.setattr(store_mod, "MIGRATIONS", store_mod.MIGRATIONS[:3])
    monkeypatch.setattr(counts, "rebuild", lambda con, pv_ids=None: None)  # written before the counts (migration 7)
    Store(path).import_plan(plan)
    monkeypatch.undo()
    s = Store(path)
    assert s.schema_version() == store_mod.MIGRATIONS[-1][0]
    header = metrics.plan_header(s, plan.satker, plan.year)
    assert [w["type"] for w in header["warnings"]] == [w.type for w in plan.warnings]


@pytest.mark.parametrize("months, mask", [([], 0), ([1], 1), ([12], 2048), ([1, 3, 12], 0b100000000101)])
def test_month_masks_round_trip(months, mask):
    assert months_to_mask(months) == mask
    assert mask_to_months(mask) == months


def first_activity(store, satker, version=None):
    sql = """SELECT a.id, a.planned_mask, p.realized_mask, p.evidence_url, p.note, p.revision, pv.version
             FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id JOIN satker s ON s.id = pv.satker_id
             LEFT JOIN progress p ON p.activity_id = a.id
             WHERE s.name = ? AND (? IS NULL OR pv.version = ?) ORDER BY pv.version DESC, a.seq LIMIT 1"""
    return store.query_df(sql, [satker, version, version]).iloc[0]


def test_latest_plans_has_data_as_defined(store):
    """The joined view (migration 5) says what the EXISTS definition said: an office has data when
    its file carried realisation or anyone recorded progress on its latest version."""
    for name in ("kpu_kota_pasuruan_2022.xlsx", "kpu_kabupaten_tapin_2023.xlsx", MONEV + ".xlsx"):
        store.import_plan(parse_workbook(SAMPLES / name))
    store.save_progress(int(first_activity(store, "KPU Kota Pasuruan").id), [1], None, None, 0, "ani")
    got = store.query_df("SELECT id, has_data FROM latest_plans ORDER BY id")
    want = store.query_df("""SELECT lv.id, (lv.has_realization OR EXISTS (
                                 SELECT 1 FROM activities a JOIN progress p ON p.activity_id = a.id
                                 WHERE a.plan_version_id = lv.id)) AS has_data
                             FROM latest_versions lv ORDER BY lv.id""")
    assert got.to_dict("records") == want.to_dict("records")
    assert sorted(got["has_data"].tolist()) == [False, True, True]


def test_new_version_keeps_old_and_carries_realisation(store, tmp_path):
    plan = parse_workbook(SAMPLES / "kpu_kota_pasuruan_2022.xlsx")
    first = store.import_plan(plan)
    assert (first["status"], first["version"]) == ("new", 1)
    a1 = first_activity(store, "KPU Kota Pasuruan")
    rev = store.save_progress(int(a1.id), [2, 3], "https://drive.example.go.id/bukti/1", "rapat selesai", 0, "ani")
    assert rev == 1

    changed = parse_workbook(SAMPLES / "kpu_kota_pasuruan_2022.xlsx")
    changed.activities[0].planned_months = list(range(1, 13))   # the revised file plans all year
    changed.sha256 = "f" * 64
    result = store.import_plan(changed)
    assert (result["status"], result["version"]) == ("version", 2)
    assert result["carried_over"] >= 1

    v1 = first_activity(store, "KPU Kota Pasuruan", 1)
    v2 = first_activity(store, "KPU Kota Pasuruan", 2)
    assert mask_to_months(v1.realized_mask) == [2, 3]          # the old version is kept as it was
    assert mask_to_months(v2.planned_mask) == list(range(1, 13))
    assert mask_to_months(v2.realized_mask) == [2, 3]          # carried over
    assert v2.evidence_url == "https://drive.example.go.id/bukti/1"
    counts = store.counts()
    assert (counts["plan_versions"], counts["activities"]) == (2, 2 * len(plan.activities))
    latest = store.query_df("SELECT version FROM latest_versions")
    assert latest["version"].tolist() == [2]


def test_identical_reimport_is_a_noop(store):
    plan = parse_workbook(SAMPLES / "kpu_kabupaten_banjar_2023.xlsx")
    store.import_plan(plan)
    before = db_snapshot(store)
    assert store.import_plan(parse_workbook(SAMPLES / "kpu_kabupaten_banjar_2023.xlsx"))["status"] == "duplicate"
    assert db_snapshot(store) == before


def test_failed_import_rolls_back_everything(store, monkeypatch):
    store.import_plan(parse_workbook(SAMPLES / "kpu_kabupaten_tapin_2023.xlsx"))
    before = db_snapshot(store)

    written = []
    real_insert = Store.insert_rows

    def insert(self, con, table, rows):
        if table == "audit_log":  # the last insert: satker, plan_versions, activities, progress, reports are in
            raise RuntimeError("disk full")
        written.append(table)
        real_insert(self, con, table, rows)
    monkeypatch.setattr(Store, "insert_rows", insert)
    with pytest.raises(RuntimeError):
        store.import_plans([parse_workbook(SAMPLES / f) for f in ("kpu_kabupaten_banjar_2023.xlsx",
                                                                  "kpu_provinsi_kalimantan_selatan_2023.xlsx")])
    assert written == ["satker", "plan_versions", "activities", "progress", "monthly_reports"]
    assert db_snapshot(store) == before


def test_monev_import_creates_progress_with_evidence(store):
    store.import_plan(parse_workbook(SAMPLES / "kpu_provinsi_kalimantan_selatan_2023.xlsx"))
    a = first_activity(store, "KPU Provinsi Kalimantan Selatan")
    first = sample_truth(MONEV)["records"][0]
    assert first["realized_months"]
    assert mask_to_months(a.realized_mask) == first["realized_months"]
    assert a.evidence_url == "https://drive.example.go.id/rb/1"   # the generator links record n to /rb/n


def test_progress_conflict_is_refused_not_overwritten(store):
    store.import_plan(parse_workbook(SAMPLES / "kpu_kabupaten_tapin_2023.xlsx"))
    aid = int(first_activity(store, "KPU Kabupaten Tapin").id)
    store.save_progress(aid, [1], None, "oleh budi", 0, "budi")
    with pytest.raises(ConflictError) as exc:
        store.save_progress(aid, [1, 2], None, "oleh ani", 0, "ani")  # ani loaded revision 0 too
    assert exc.value.message_id.startswith("kegiatan ini sudah diubah oleh budi pada ")
    a = first_activity(store, "KPU Kabupaten Tapin")
    assert (mask_to_months(a.realized_mask), a.note, a.revision) == ([1], "oleh budi", 1)
    assert store.save_progress(aid, [1, 2], None, "oleh ani", 1, "ani") == 2
    audit = store.query_df("SELECT actor, detail FROM audit_log WHERE action = 'progress' ORDER BY id")
    assert audit["actor"].tolist() == ["budi", "ani"]
    assert json.loads(audit["detail"][1])["before"]["realized_months"] == [1]
    assert json.loads(audit["detail"][1])["after"]["realized_months"] == [1, 2]


@pytest.mark.parametrize("months, url, message", [
    ([13], None, "bulan 13 di luar rentang 1-12"),
    ([0], None, "bulan 0 di luar rentang 1-12"),
    ([1], "javascript:alert(1)", "'javascript:alert(1)' bukan tautan bukti dukung yang sah; gunakan alamat "
                                 "lengkap http(s)://"),
    ([1], "drive.google.com/x", "'drive.google.com/x' bukan tautan bukti dukung yang sah; gunakan alamat "
                                "lengkap http(s)://"),
])
def test_progress_validation(store, months, url, message):
    store.import_plan(parse_workbook(SAMPLES / "kpu_kabupaten_tapin_2023.xlsx"))
    aid = int(first_activity(store, "KPU Kabupaten Tapin").id)
    before = db_snapshot(store)
    with pytest.raises(ValidationError) as exc:
        store.save_progress(aid, months, url, None, 0, "ani")
    assert exc.value.message_id == message
    assert db_snapshot(store) == before


def test_satker_levels_and_provinces(store):
    for f in ("kpu_kota_banjarmasin_2022", "kpu_provinsi_kalimantan_selatan_2023"):
        store.import_plan(parse_workbook(SAMPLES / f"{f}.xlsx"))
    df = store.query_df("SELECT name, level, province FROM satker ORDER BY name")
    assert df.values.tolist()[1] == ["KPU Provinsi Kalimantan Selatan", "Provinsi", "Kalimantan Selatan"]
    assert df.values.tolist()[0] == ["KPU Kota Banjarmasin", "Kota", "Kalimantan Selatan"]


# --- edge cases at the store's edge: one line, a named error, nothing created ---------------------

@pytest.mark.parametrize("location, code", [
    ("postgresql://rb:rahasia@127.0.0.1:1/rbdash", "db_unreachable"),   # nothing listens on port 1
    ("postgres://rb:rahasia@127.0.0.1:1/rbdash", "db_unreachable"),
    ("postgresql://rb:rahasia@127.0.0.1:notaport/rbdash", "db_url_bad"),
    ("duckdb:///x.duckdb", "db_url"),
    ("mysql://rb:rahasia@db.example/rbdash", "db_url"),
    ("sqlite:///data/rbdash.db", "db_url"),
])
def test_unusable_urls_are_refused_before_anything_is_created(tmp_path, monkeypatch, location, code):
    """Only postgresql:// URLs select the server store; an unreachable server or a malformed URL is one
    named error (never the password, never a driver's exception), and no file is created."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError) as exc:
        Store(location)
    assert exc.value.code == code and "rahasia" not in str(exc.value) and "rahasia" not in exc.value.message_id
    assert "\n" not in str(exc.value)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_duckdb_is_refused_untouched(tmp_path):
    other = tmp_path / "catatan.duckdb"
    other.write_bytes(b"bukan basis data" * 10)
    with pytest.raises(StoreError) as exc:
        Store(other)
    assert str(exc.value) == f"'{other}' exists but is not a DuckDB database; choose another file"
    assert other.read_bytes() == b"bukan basis data" * 10


def test_a_damaged_duckdb_file_is_a_store_error_not_a_raw_one(tmp_path):
    db = tmp_path / "rusak.duckdb"
    Store(db)
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the database headers after the magic
    db.write_bytes(bytes(data))
    with pytest.raises(StoreError) as exc:
        Store(db).counts()
    assert exc.value.code in ("db_unreadable", "db_error")
    assert str(exc.value).startswith(("the database file cannot be read", "the database refused"))


def test_stale_revision_on_an_activity_without_progress_is_a_conflict(store):
    from app_fixtures import make_plan
    store.import_plan(make_plan("KPU Kota Sama", 2024, [(1, "K", "I", [1, 2], [])]))
    aid = int(store.query_df("SELECT id FROM activities")["id"][0])
    with pytest.raises(ConflictError) as exc:
        store.save_progress(aid, [1], None, None, expected_revision=3, actor="x")
    assert exc.value.code == "conflict_gone"


@pytest.mark.parametrize("url, note, code", [
    ("javascript:alert(1)", None, "invalid_url"),
    ("data:text/html,<script>alert(1)</script>", None, "invalid_url"),
    ("file:///etc/passwd", None, "invalid_url"),
    ("vbscript:msgbox(1)", None, "invalid_url"),
    ("\\\\server\\share\\bukti.pdf", None, "invalid_url"),
    ("https://contoh.go.id/" + "a" * 600, None, "url_too_long"),
    (None, "n" * 1001, "note_too_long"),
])
def test_progress_limits_are_enforced_in_the_core(store, url, note, code):
    from app_fixtures import make_plan
    store.import_plan(make_plan("KPU Kota Batas", 2024, [(1, "K", "I", [1, 2], [])]))
    aid = int(store.query_df("SELECT id FROM activities")["id"][0])
    before = db_snapshot(store)
    with pytest.raises(ValidationError) as exc:
        store.save_progress(aid, [1], url, note, expected_revision=0, actor="x")
    assert exc.value.code == code
    assert db_snapshot(store) == before


def test_hostile_evidence_links_from_a_workbook_are_never_stored(store):
    from app_fixtures import make_plan
    plan = make_plan("KPU Kota Tautan", 2024, [(1, "K", f"I{i}", [1], [1]) for i in range(3)], has_realization=True)
    for act, link in zip(plan.activities, ["javascript:alert(1)", "file:///etc/passwd", "https://drive.go.id/b"]):
        act.evidence = link
    store.import_plan(plan)
    with store.connect() as con:
        stored = [r[0] for r in con.execute("SELECT evidence_url FROM progress ORDER BY activity_id").fetchall()]
    assert stored == [None, None, "https://drive.go.id/b"]


def test_both_backends_implement_one_interface_with_the_same_signatures():
    """The Store never asks which backend it has (issue 20.5): the DuckDB file's and PostgreSQL's
    implement every method of store.base.Backend with its parameters (``data_version`` once took a
    connection on one and an optional one on the other)."""
    import inspect
    from rbdash.store.base import Backend
    from rbdash.store.duck import DuckBackend
    from rbdash.store.pg import PgBackend

    def params(fn):
        return [(p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()]
    methods = sorted(Backend.__abstractmethods__)
    assert {"cursor", "transaction", "insert", "stamp"} <= set(methods)
    for cls in (DuckBackend, PgBackend):
        assert Backend in cls.__mro__ and not cls.__abstractmethods__
        assert {name: params(getattr(cls, name)) for name in methods} == \
            {name: params(getattr(Backend, name)) for name in methods}, cls.__name__


def test_versions_change_with_what_was_written_and_not_with_a_failed_login(store):
    """Issue 22.2: the cache key's parts change exactly with the writes to their part -- a year's
    figures with any write of that year, an office's page with its own writes, a year's plans with
    imports and restored versions -- and a failed login (a write to login_failures, which changes a
    DuckDB file) changes none of them."""
    from app_fixtures import make_plan
    from rbdash import views
    from rbdash.errors import PermissionDenied
    a, b = "KPU Kota Alpha", "KPU Kota Beta"
    for satker, year in ((a, 2024), (b, 2024), (a, 2023)):
        store.import_plan(make_plan(satker, year, [(1, "K", "I", [1, 2], [])]), "ani")
    store.add_user("admin", "jeruk-manis-42", "admin", actor="cli")

    def parts():
        key = views.cache_key(store)
        return {"all": str(key), "2024": key.year(2024), "2023": key.year(2023), "plans 2024": key.plans(2024),
                "alpha 2024": key.office(a, 2024), "beta 2024": key.office(b, 2024), "alpha 2023": key.office(a, 2023)}

    def changed(before):
        now = parts()
        return sorted(k for k in now if now[k] != before[k])
    before = parts()
    with pytest.raises(PermissionDenied):
        store.authenticate("admin", "salah-sandi-99", client="10.0.0.9")
    assert changed(before) == []
    aid = int(metrics.plan_activities(store, a, 2024)["id"][0])
    before = parts()
    store.save_progress(aid, [1], None, "sudah", 0, "ani")
    assert changed(before) == ["2024", "all", "alpha 2024"]
    before = parts()
    store.import_plan(make_plan(b, 2024, [(1, "K", "I", [1, 2, 3], [])]), "ani")
    assert changed(before) == ["2024", "all", "beta 2024", "plans 2024"]
    before = parts()
    store.restore_version(b, 2024, 1, "ani")
    assert changed(before) == ["2024", "all", "beta 2024", "plans 2024"]

def test_every_years_version_is_the_newest_entry_of_its_part(store):
    """Issue 22: a DuckDB file answers the versions of every year, and of all years, from one scan of
    the audit log after each write (the direct lookups on PostgreSQL): each is the newest audit entry
    of its part, 0 for a year nobody wrote, and entries without a year count only for all years."""
    from app_fixtures import make_plan
    a, b = "KPU Kota Alpha", "KPU Kota Beta"

    def newest(year, plans):
        where = " AND ".join(["TRUE"] + (["year = ?"] if year is not None else []) +
                             (["action IN ('import', 'restore_version')"] if plans else []))
        with store.connect() as con:
            return con.execute(f"SELECT COALESCE(max(id), 0) FROM audit_log WHERE {where}",
                               [year] if year is not None else []).fetchone()[0]

    def check():
        for year in (2023, 2024, 2031, None):
            for plans in (False, True):
                assert store.version(year, plans=plans)[1] == newest(year, plans), (year, plans)
        assert len({store.version(y)[0] for y in (2023, 2024, 2031, None)}) == 1   # one database
    check()
    store.import_plan(make_plan(a, 2024, [(1, "K", "I", [1, 2], [])]), "ani")
    store.import_plan(make_plan(b, 2023, [(1, "K", "I", [3], [])]), "ani")
    check()
    aid = int(metrics.plan_activities(store, a, 2024)["id"][0])
    store.save_progress(aid, [1], None, "sudah", 0, "ani")
    check()
    store.add_user("admin", "jeruk-manis-42", "admin", actor="cli")   # audited without a year
    check()
    assert store.version(None)[1] > store.version(2024)[1] > store.version(2024, plans=True)[1] > 0


# --------------------------------------------------------------------------------- monthly reports (issue 23.1)

def test_a_monthly_report_is_sent_by_who_may_record_progress_audited_and_undone(store):
    from app_fixtures import make_plan
    from rbdash import history
    from rbdash.accounts import User
    from rbdash.errors import PermissionDenied
    office = "KPU Kota Banjarbaru"
    store.import_plan(make_plan(office, 2024, [(1, "K", "I", [1, 9], [])]), actor="cli")
    reports = lambda: store.query_df(  # noqa: E731
        "SELECT month, source, reported_by FROM monthly_reports ORDER BY month").values.tolist()
    assert reports() == []  # a plan without realisation reports nothing
    operator = User("op.banjarbaru", "office", "Kalimantan Selatan", office)
    sent = store.submit_report(office, 2024, 9, operator)
    assert reports() == [[9, "report", "op.banjarbaru"]]
    with pytest.raises(ValidationError) as exc:
        store.submit_report(office, 2024, 9, User("prov", "province", "Kalimantan Selatan"))
    assert str(exc.value) == "KPU Kota Banjarbaru has already reported September 2024"
    assert exc.value.message_id == "laporan bulan September 2024 KPU Kota Banjarbaru sudah tercatat"
    for user, text in ((User("op.malang", "office", "Jawa Timur", "KPU Kota Malang"),
                        "op.malang (operator satker KPU Kota Malang) may not change data of KPU Kota Banjarbaru"),
                       (User("tamu", "viewer"), "tamu (pemantau) may only read; log in with an operator account to change "
                                                "KPU Kota Banjarbaru")):
        with pytest.raises(PermissionDenied) as exc:
            store.submit_report(office, 2024, 8, user)
        assert str(exc.value) == text
    with pytest.raises(ValidationError) as exc:
        store.submit_report(office, 2025, 1, operator)
    assert str(exc.value) == "KPU Kota Banjarbaru has no plan for 2025: a monthly report needs the year's plan first"
    with pytest.raises(ValidationError, match="month 13 is outside 1-12"):
        store.submit_report(office, 2024, 13, operator)
    assert reports() == [[9, "report", "op.banjarbaru"]]

    withdrawn = store.revert_change(sent, operator)  # Riwayat's undo: the report is taken back
    assert reports() == []
    again = store.revert_change(withdrawn, operator)  # and the undo undone: sent again
    assert reports() == [[9, "report", "op.banjarbaru"]]
    with pytest.raises(ConflictError) as exc:
        store.revert_change(withdrawn, operator)  # the month was sent again since
    assert str(exc.value) == ("the report for September was changed again after change "
                              f"{withdrawn}; undo the later change first")
    log = history.changes(store, office, 2024, actions=["report", "unreport"])
    assert log[["id", "action", "actor", "before", "after"]].values.tolist() == [
        [again, "report", "op.banjarbaru", "Sep: belum dilaporkan", "Sep: dilaporkan"],
        [withdrawn, "unreport", "op.banjarbaru", "Sep: dilaporkan", "Sep: belum dilaporkan"],
        [sent, "report", "op.banjarbaru", "Sep: belum dilaporkan", "Sep: dilaporkan"]]
    assert log["undoable"].all()


def test_a_monitoring_import_reports_its_months_once(store):
    """Realisation up to the as-of month reports months 1..M (a later version adds the months after;
    a month already reported keeps its first report); a plan without realisation reports none."""
    from app_fixtures import make_plan
    from rbdash.store.reports import implied_months
    office = "KPU Kota Banjarbaru"
    store.import_plan(make_plan(office, 2024, [(1, "K", "I", [1, 2], [1])], has_realization=True, as_of=3), "a")
    store.submit_report(office, 2024, 5, "b")
    store.import_plan(make_plan(office, 2024, [(1, "K", "I", [1, 2, 6], [1, 6])], has_realization=True, as_of=6), "c")
    assert store.query_df("SELECT month, source, reported_by FROM monthly_reports ORDER BY month").values.tolist() == [
        [1, "import", "a"], [2, "import", "a"], [3, "import", "a"], [4, "import", "c"], [5, "report", "b"],
        [6, "import", "c"]]
    assert implied_months(make_plan(office, 2024, [(1, "K", "I", [1, 2], [2, 4])], has_realization=True)) == 4
    assert implied_months(make_plan(office, 2024, [(1, "K", "I", [1, 2], [])], as_of=9)) == 0


def test_a_duckdb_file_location_is_checked_without_the_postgresql_driver(tmp_path):
    """Telling a DuckDB file from a postgresql:// URL must not import psycopg (~0.1 s of every CLI
    command on a DuckDB file); a URL is still told apart."""
    import subprocess
    import sys
    from pathlib import Path
    code = ("import sys\n"
            "from rbdash.store import check_db_path, is_server_url\n"
            f"check_db_path({str(tmp_path / 'x.duckdb')!r})\n"
            "print('psycopg' in sys.modules, is_server_url('postgresql://u@h/db'), is_server_url('x.duckdb'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[1])
    assert (done.returncode, done.stdout) == (0, "False True False\n"), done.stderr
