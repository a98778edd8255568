"""CLI contract: parse --json shape, import lines and versions, completion, bad input (exit 2, one line,
database unchanged), against a real DuckDB file in a subprocess."""

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, SAMPLES, damage_blocks, db_snapshot, plan_rows, sample_truth

PY = sys.executable


def rbdash(*args, check=None):
    p = subprocess.run([PY, "-m", "rbdash", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def test_parse_json_contract():
    out = json.loads(rbdash("parse", "--json", SAMPLES / "kpu_provinsi_kalimantan_selatan_2023.xlsx",
                            check=0).stdout)
    assert {"satker", "year", "activities", "warnings"} <= out.keys()
    a = out["activities"][0]
    assert {"sheet", "row", "area_no", "kegiatan", "sub_kegiatan", "indikator", "planned_months",
            "realized_months", "keterangan"} <= a.keys()
    t = sample_truth("kpu_provinsi_kalimantan_selatan_2023")["records"][0]
    assert (a["sheet"], a["row"], a["planned_months"], a["realized_months"]) == (
        t["sheet"], t["row"], t["planned_months"], t["realized_months"])


def test_parse_prints_every_plan_of_a_file_an_array_in_json(tmp_path):
    """One JSON object for a one-plan file (above), a JSON array for a file of several; the text form
    one block per plan."""
    from rbdash.demo import bundles
    path = tmp_path / "kompilasi.xlsx"
    truth = bundles.compilation(path, "Kalimantan Tengah", 2025, 2, families=("merged_fill", "sections", "outline"),
                                cover=False, recap=False)
    out = json.loads(rbdash("parse", "--json", path, check=0).stdout)
    assert isinstance(out, list)
    assert [(p["satker"], p["year"], len(p["activities"])) for p in out] == [
        (t["satker"], 2025, len(t["records"])) for t in truth["plans"]]
    lines = rbdash("parse", path, check=0).stdout.splitlines()
    assert lines == [f"{t['satker']} 2025: {len(t['records'])} activities" for t in truth["plans"]]


def test_import_gives_each_plan_of_a_file_its_own_line(tmp_path):
    from rbdash.demo import bundles
    path = tmp_path / "kompilasi.xlsx"
    truth = bundles.compilation(path, "Kalimantan Tengah", 2025, 2, families=("merged_fill", "sections", "outline"),
                                cover=False, recap=False)
    db = tmp_path / "r.duckdb"
    p = rbdash("import", "--db", db, path, check=0)
    assert p.stdout.splitlines() == [f"{path}: ok: {t['satker']} 2025 version 1, {len(t['records'])} activities, "
                                     "0 warnings" for t in truth["plans"]]
    p = rbdash("import", "--db", db, path, check=0)
    assert p.stdout.splitlines() == [f"{path}: skipped: duplicate of {t['satker']} 2025 version 1"
                                     for t in truth["plans"]]


def test_import_directory_then_duplicates_then_new_version(tmp_path):
    db = tmp_path / "r.duckdb"
    p = rbdash("import", "--db", db, SAMPLES, check=0)
    lines = p.stdout.strip().splitlines()
    assert len(lines) == len(list(SAMPLES.glob("*.xlsx"))) and all(": ok: " in line for line in lines)
    n = len(sample_truth("kpu_kota_pasuruan_2022")["records"])
    assert f"kpu_kota_pasuruan_2022.xlsx: ok: KPU Kota Pasuruan 2022 version 1, {n} activities, 0 warnings" \
        in p.stdout
    p = rbdash("import", "--db", db, SAMPLES / "kpu_kota_pasuruan_2022.xlsx", check=0)
    assert p.stdout.strip().endswith(
        "kpu_kota_pasuruan_2022.xlsx: skipped: duplicate of KPU Kota Pasuruan 2022 version 1")
    changed = tmp_path / "pasuruan_revisi.xlsx"
    first = sample_truth("kpu_kota_pasuruan_2022")["records"][0]
    wb = openpyxl.load_workbook(SAMPLES / "kpu_kota_pasuruan_2022.xlsx")
    cell = next(c for c in wb[first["sheet"]][first["row"]] if isinstance(c.value, str))
    cell.value += " (revisi)"  # one activity's text changes
    wb.save(changed)
    p = rbdash("import", "--db", db, changed, check=0)
    assert f"ok: KPU Kota Pasuruan 2022 version 2, {n} activities" in p.stdout


def _completion_from_truths(as_of):
    """Expected figures computed straight from the generated workbooks' ground truth: every 2023
    office that reports realisation, over the months its workbook reports (1..its as-of month)."""
    rows = {}
    for path in sorted(SAMPLES.glob("*.truth.json")):
        t = sample_truth(path.with_suffix("").with_suffix(".xlsx"))
        if t["year"] != 2023 or t["as_of_month"] is None:
            continue
        last = min(as_of, t["as_of_month"])
        planned = sum(len([m for m in r["planned_months"] if m <= last]) for r in t["records"])
        done = sum(len([m for m in r["planned_months"] if m <= last and m in r["realized_months"]])
                   for r in t["records"])
        rows[t["satker"]] = (planned, done, last)
    return rows


@pytest.mark.parametrize("as_of", [3, 9, 12])
def test_completion_json_matches_ground_truth(tmp_path, as_of):
    db = tmp_path / "r.duckdb"
    rbdash("import", "--db", db, SAMPLES, check=0)
    rows = json.loads(rbdash("completion", "--db", db, "--as-of", as_of, "--year", 2023, "--json",
                             check=0).stdout)
    by_satker = {r["satker"]: r for r in rows}
    expected = _completion_from_truths(as_of)
    for satker, (planned, done, months) in expected.items():
        r = by_satker[satker]
        assert (r["planned"], r["realized"], r["rate"], r["reported_months"]) == (
            planned, done, round(done / planned, 4), months)
    # plans without any realisation data are "no data", not 0%
    assert by_satker["KPU Kabupaten Banjar"]["realized"] is None
    assert by_satker["KPU Kabupaten Banjar"]["rate"] is None
    assert "KPU Kota Pasuruan" not in by_satker  # 2022 plan, filtered by --year


def test_completion_by_area_and_month_keys(tmp_path):
    db = tmp_path / "r.duckdb"
    rbdash("import", "--db", db, SAMPLES / "kpu_provinsi_kalimantan_selatan_2023.xlsx", check=0)
    rows = json.loads(rbdash("completion", "--db", db, "--as-of", 6, "--by", "area", "--by", "month",
                             "--json", check=0).stdout)
    assert set(rows[0]) == {"area_no", "month", "planned", "realized", "rate", "reported_months", "verified",
                            "verified_rate"}
    assert {r["month"] for r in rows} == set(range(1, 7))
    t = sample_truth("kpu_provinsi_kalimantan_selatan_2023")["records"]
    a1m3 = [r for r in rows if (r["area_no"], r["month"]) == (1, 3)][0]
    assert a1m3["planned"] == sum(1 for r in t if r["area_no"] == 1 and 3 in r["planned_months"])
    assert a1m3["realized"] == sum(1 for r in t if r["area_no"] == 1 and 3 in r["planned_months"]
                                  and 3 in r["realized_months"])


# --- bad input -------------------------------------------------------------------------------------

def _xlsx_bytes(rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with_entity_bomb():
    src = io.BytesIO(_xlsx_bytes(plan_rows([(("1", "Manajemen Perubahan", "a", "b", "c"), {1: "√"})])))
    out = io.BytesIO()
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode() + (data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data)
            zout.writestr(item, data)
    return out.getvalue()


def _plain_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("catatan.txt", "bukan excel")
    return out.getvalue()


def _encrypted():
    """A real password-protected workbook, as Excel writes it (agile encryption in an OLE2 box)."""
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    with open(SAMPLES / "kpu_kabupaten_tapin_2023.xlsx", "rb") as src:
        OOXMLFile(src).encrypt("rahasia", out)
    return out.getvalue()


def _damaged_xls():
    """The OLE2 signature of an Excel 97-2003 file and nothing of a workbook after it."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024


def _truncated():
    """The first half of a sample workbook."""
    data = (SAMPLES / "kpu_kota_banjarmasin_2022.xlsx").read_bytes()
    return data[: len(data) // 2]


NO_TABLE = _xlsx_bytes([["Daftar hadir rapat"], ["Nama", "Jabatan"], ["Budi", "Staf"]])
HEADER_ONLY = _xlsx_bytes([["RENCANA AKSI KPU KOTA CONTOH TAHUN 2024"]] + plan_rows([]))

# (name, the bytes or a function making them from a sample when the test runs, the refusal)
BAD = [
    ("empty", b"", "the file is empty (0 bytes); export the workbook again"),
    ("csv", b"NO;KEGIATAN\n1;Rapat\n", "this is a text (CSV) file saved with an Excel name, not a workbook; "
                                      "open it in Excel and save it as 'Excel Workbook (.xlsx)'"),
    ("html", b"<html><body><table><tr><td>NO</td><td>KEGIATAN</td></tr></table></body></html>",
     "this is a web page (HTML) saved with an Excel name, as other systems export it, not a workbook; open it in "
     "Excel and save it as 'Excel Workbook (.xlsx)'"),
    ("unknown", b"\x00\x01\x02garbage" * 40, "not an Excel workbook (.xlsx, .xlsm or .xls; unknown content); "
                                                "save the plan as .xlsx"),
    ("truncated", _truncated,
     "the file is truncated or damaged (File is not a zip file); copy or download it again"),
    ("encrypted", _encrypted, "the file is password-protected; open it in Excel or Word, remove the password "
                               "(File > Info > Protect Workbook or Protect Document) and save again"),
    ("damaged_xls", _damaged_xls(), "the .xls (Excel 97-2003) workbook is damaged or not a workbook (bytes length "
                                    "not a multiple of item size); open it in Excel and save it again as .xlsx"),
    ("plain_zip", _plain_zip(), "this is a plain ZIP archive, not an Excel workbook; extract it and upload "
                                "the .xlsx inside"),
    ("picture", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "this is a PNG picture renamed to .xlsx, not a workbook"),
    ("no_table", NO_TABLE, "no action-plan table found: expected a header row with KEGIATAN/INDIKATOR columns "
                           "and 12 month columns (numbers 1-12, Jan..Des or Mulai/Selesai)"),
    ("header_only", HEADER_ONLY, "the plan table on sheet 'Sheet' (header at row 2) has no scheduled activity "
                                 "below it"),
    ("entity_bomb", _with_entity_bomb(), "the workbook contains XML entity declarations in "
                                         "xl/worksheets/sheet1.xml (possible XML bomb); refused"),
]


@pytest.fixture(scope="module")
def bad_import(tmp_path_factory):
    """One real `rbdash import` process over every bad file and a good one, into a database that
    already holds a plan: (folder, the process, the database before, after)."""
    from rbdash.store import Store
    root = tmp_path_factory.mktemp("bad")
    db = root / "r.duckdb"
    rbdash("import", "--db", db, SAMPLES / "kpu_kabupaten_tapin_2023.xlsx", check=0)
    before = db_snapshot(Store(db))
    for name, data, _ in BAD:
        (root / f"{name}.xlsx").write_bytes(data() if callable(data) else data)
    p = rbdash("import", "--db", db, *[root / f"{name}.xlsx" for name, _, _ in BAD],
               SAMPLES / "kpu_kabupaten_banjar_2023.xlsx", check=2)
    return root, p, before, db_snapshot(Store(db))


def test_bad_input_import_keeps_the_database_and_stores_the_good_file(bad_import):
    _, p, before, after = bad_import
    assert "Traceback" not in p.stdout + p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == len(BAD) + 1 and "ok: KPU Kabupaten Banjar 2023 version 1" in lines[-1]
    for table, rows in before.items():
        if table in ("satker", "plan_versions", "activities", "audit_log"):
            assert [r for r in after[table] if r in rows] == rows  # nothing lost, nothing altered
    assert len(after["plan_versions"]) == len(before["plan_versions"]) + 1


@pytest.mark.parametrize("name, message", [(b[0], b[2]) for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_refused_with_one_line(bad_import, name, message):
    """Each bad file: its own line in the import, and `parse` exits 2 with the same one line (in
    process through click: the import above is the real process)."""
    from click.testing import CliRunner
    from rbdash.cli import main
    root, p, _, _ = bad_import
    bad = root / f"{name}.xlsx"
    assert f"{bad}: refused: {message}" in p.stdout.splitlines()
    res = CliRunner().invoke(main, ["parse", "--json", str(bad)])
    assert (res.exit_code, res.stdout, res.stderr) == (2, "", f"error: {bad}: {message}\n")


def test_missing_file_and_missing_db(tmp_path):
    p = rbdash("parse", "--json", tmp_path / "nope.xlsx", check=2)
    assert p.stderr == f"error: {tmp_path / 'nope.xlsx'}: no such file\n"
    p = rbdash("completion", "--db", tmp_path / "nope.duckdb", "--as-of", 3, check=2)
    assert p.stderr == f"error: {tmp_path / 'nope.duckdb'}: no such database\n"
    assert not (tmp_path / "nope.duckdb").exists()


def test_import_waits_for_a_busy_database(tmp_path):
    """The app and the CLI both write: a writer that finds the file locked retries instead of failing."""
    db = tmp_path / "r.duckdb"
    rbdash("import", "--db", db, SAMPLES / "kpu_kabupaten_tapin_2023.xlsx", check=0)
    holder = subprocess.Popen([PY, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(2)")
        , str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    p = rbdash("import", "--db", db, SAMPLES / "kpu_kabupaten_banjar_2023.xlsx", check=0)
    holder.wait()
    assert "ok: KPU Kabupaten Banjar 2023 version 1" in p.stdout


def test_killed_folder_import_leaves_no_process_and_a_consistent_database(tmp_path):
    """kill -9 in the middle of a folder import: no worker survives it, every stored plan is whole
    (its activities and audit row with it), and running the import again completes the rest."""
    import signal
    import time
    from rbdash import demo
    from rbdash.store import Store
    folder = tmp_path / "plans"
    folder.mkdir()
    names = demo.office_names()
    files = 6  # stored as a batch while the hanging file below is still being parsed (importing.BATCH_WAIT)
    for i in range(files):
        demo.generate(folder / f"{i:02d}.xlsx", demo.FAMILIES[i % len(demo.FAMILIES)], names[i], 2024, seed=i)
    # the last file keeps its worker busy (the workers' test hook), so workers are alive at the kill
    # however fast the other files are parsed (they had all exited once, under load, before the kill)
    hang = folder / "zz_TESTHOOK_hang.xlsx"
    shutil.copy(folder / "00.xlsx", hang)
    db = tmp_path / "r.duckdb"
    proc = subprocess.Popen([PY, "-m", "rbdash", "import", "--db", str(db), str(folder)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "RBDASH_TEST_CRASH_MARK": "TESTHOOK"})
    first = proc.stdout.readline()  # a batch is stored: the import is in full flight
    assert ": ok: " in first
    workers = [int(x) for x in subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True,
                                              text=True).stdout.split()]
    assert workers
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()]
    whole = Store(db).query_df("""
        SELECT pv.id, pv.activity_count, (SELECT count(*) FROM activities a WHERE a.plan_version_id = pv.id) AS n,
               (SELECT count(*) FROM audit_log l WHERE l.plan_version_id = pv.id AND l.action = 'import') AS audited
        FROM plan_versions pv""")
    assert len(whole) >= 1
    assert (whole["activity_count"] == whole["n"]).all() and (whole["audited"] == 1).all()
    hang.unlink()
    p = rbdash("import", "--db", db, folder, check=0)
    assert p.stdout.count(": ok: ") + p.stdout.count("skipped: duplicate") == files
    assert p.stdout.count("skipped: duplicate") == len(whole)


@pytest.mark.parametrize("command", [["import"], ["completion", "--as-of", "3"], ["user", "list"], ["backup"]])
@pytest.mark.parametrize("url, message", [
    ("postgresql://rb:rahasia@127.0.0.1:1/rbdash",   # nothing listens on port 1
     "cannot reach the PostgreSQL database 127.0.0.1:1/rbdash (Connection refused); check the address, the "
     "password and that the server is running"),
    ("mysql://rb:rahasia@db.example:3306/rbdash",
     "'db.example:3306/rbdash' is not a database rbdash can use: give a DuckDB file path or a postgresql:// URL"),
])
def test_an_unusable_db_url_is_one_line_and_creates_nothing(tmp_path, command, url, message):
    args = command + ["--db", url] + ([str(tmp_path)] if command in (["import"], ["backup"]) else [])
    if command == ["backup"]:
        args[-1] = str(tmp_path / "cadangan")
    p = subprocess.run([PY, "-m", "rbdash", *args], capture_output=True, text=True, cwd=tmp_path, timeout=60,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr == f"error: {message}\n"
    assert "rahasia" not in p.stderr
    assert list(tmp_path.iterdir()) == []


def test_an_import_opens_the_database_file_once_and_another_process_gets_it_at_once(tmp_path, monkeypatch):
    """Issue 22.4: the file an import creates stays open from its migrations through the batches
    (opening and checkpointing it again cost ~20 ms, a few percent of a 120-office import), and a
    process that wants it meanwhile or afterwards gets it without waiting out the linger."""
    from click.testing import CliRunner
    from rbdash import duckfile
    from rbdash.cli import main
    opened = []
    connect = duckfile.duckdb.connect
    monkeypatch.setattr(duckfile.duckdb, "connect", lambda *a, **kw: (opened.append(a), connect(*a, **kw))[1])
    db = tmp_path / "r.duckdb"
    res = CliRunner().invoke(main, ["import", "--db", str(db), str(SAMPLES)])
    assert res.exit_code == 0 and res.output.count(": ok: ") == len(list(SAMPLES.glob("*.xlsx")))
    assert len(opened) == 1
    p = rbdash("completion", "--db", db, "--as-of", 12, "--year", 2023, "--json", check=0)   # another process
    assert json.loads(p.stdout)


def test_an_import_that_stores_nothing_creates_no_database(tmp_path):
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"bukan excel")
    db = tmp_path / "baru.duckdb"
    p = rbdash("import", "--db", db, bad, check=2)
    assert p.stdout == (f"{bad}: refused: not an Excel workbook (.xlsx, .xlsm or .xls; unknown content); save the "
                        "plan as .xlsx\n")
    assert not db.exists()


# --- national and provincial meetings (issue 7) -----------------------------------------------------

def _province_db(tmp_path):
    """Jawa Timur: KPU Provinsi (3 due by Mar, 2 done) and Kota Malang (2 due, 1 done) report; Gresik does
    not.  Kalimantan Selatan: Banjarbaru reports 0 of 1.  'KPU Kota Fiktif' matches no official office."""
    from app_fixtures import make_plan
    from rbdash.store import Store
    db = tmp_path / "prov.duckdb"
    store = Store(db)
    for satker, rows, has in [
        ("KPU Provinsi Jawa Timur", [(1, "K", "I1", [1, 2, 3], [1, 2])], True),
        ("KPU Kota Malang", [(2, "K", "I2", [1, 2], [2]), (3, "K", "I3", [5], [])], True),
        ("KPU KAB. GRESIK", [(1, "K", "I4", [1], [])], False),  # a spelling variant of the official name
        ("KPU Kota Banjarbaru", [(1, "K", "I5", [3], [])], True),
        ("KPU Kota Fiktif", [(1, "K", "I6", [1], [])], False),
    ]:
        store.import_plan(make_plan(satker, 2024, rows, has_realization=has, as_of=3), actor="test")
    return db


def test_completion_by_province_pools_offices_with_data(tmp_path):
    """... and every row gains the verified count and rate (issue 23.2): Jawa Timur's province verified
    February of its KPU Provinsi, 1 of the 5 month-kegiatan its rate divides by."""
    from rbdash.accounts import User
    from rbdash.store import Store
    db = _province_db(tmp_path)
    store = Store(db)
    aid = int(store.query_df("SELECT a.id FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id "
                             "JOIN satker s ON s.id = pv.satker_id WHERE s.name = 'KPU Provinsi Jawa Timur'")["id"][0])
    store.verify([(aid, 2, 1)], User("jatim", "province", province="Jawa Timur"))
    del store
    rows = json.loads(rbdash("completion", "--db", db, "--as-of", 3, "--year", 2024, "--by", "province", "--json",
                             check=0).stdout)
    assert rows == [
        {"province": "Jawa Timur", "planned": 5, "realized": 3, "rate": 0.6, "reported_months": 6, "verified": 1,
         "verified_rate": 0.2, "offices": 3, "offices_with_data": 2},
        {"province": "Kalimantan Selatan", "planned": 1, "realized": 0, "rate": 0.0, "reported_months": 3,
         "verified": 0, "verified_rate": 0.0, "offices": 1, "offices_with_data": 1},
        {"province": None, "planned": 1, "realized": None, "rate": None, "reported_months": 0, "verified": None,
         "verified_rate": None, "offices": 1, "offices_with_data": 0},
    ]
    text = rbdash("completion", "--db", db, "--as-of", 3, "--year", 2024, "--by", "province", check=0).stdout
    assert "Jawa Timur: 3/5 60.0%, verified 1/5 20.0% (3 offices, 2 reporting)" in text
    assert "(no province): -/1 no data (1 offices, 0 reporting)" in text


def test_completion_and_missing_count_reported_months_not_ticks(tmp_path):
    """Issue 23.1: Gresik's operator ticks its due month but sends no report: still no data, still
    missing; once it reports Jan, it is rated on that month and no longer missing."""
    from click.testing import CliRunner
    from rbdash.cli import main
    from rbdash.store import Store
    db = _province_db(tmp_path)
    store = Store(db)
    gresik = int(store.query_df("SELECT a.id FROM activities a WHERE a.indikator = 'I4'").iloc[0, 0])
    store.save_progress(gresik, [1], None, None, 0, "admin")

    def cli(*args):  # in process: the subprocess start is most of a command's time
        res = CliRunner().invoke(main, [str(a) for a in args])
        assert res.exit_code == 0, res.output
        return res.stdout

    def gresik_now():
        rows = json.loads(cli("completion", "--db", db, "--as-of", 3, "--year", 2024, "--json"))
        missing = json.loads(cli("missing", "--db", db, "--year", 2024, "--province", "Jawa Timur", "--as-of", 3,
                                 "--json"))
        return ([r for r in rows if r["satker"] == "KPU KAB. GRESIK"][0],
                [r["status"] for r in missing if r["satker"] == "KPU Kabupaten Gresik"])
    assert gresik_now() == ({"satker": "KPU KAB. GRESIK", "planned": 1, "realized": None, "rate": None,
                             "reported_months": 0, "verified": None, "verified_rate": None}, ["no_realisation"])
    store.submit_report("KPU KAB. GRESIK", 2024, 1, "admin")
    assert gresik_now() == ({"satker": "KPU KAB. GRESIK", "planned": 1, "realized": 1, "rate": 1.0,
                             "reported_months": 1, "verified": 0, "verified_rate": 0.0}, [])
    text = cli("completion", "--db", db, "--as-of", 3, "--year", 2024)
    assert "KPU KAB. GRESIK: 1/1 100.0%, verified 0/1 0.0% (1 months reported)" in text
    assert "KPU Kota Malang: 1/2 50.0%, verified 0/2 0.0% (3 months reported)" in text


def test_missing_lists_offices_without_plan_or_realisation_and_unmatched_names(tmp_path):
    from rbdash import regions
    db = _province_db(tmp_path)
    rows = json.loads(rbdash("missing", "--db", db, "--year", 2024, "--province", "Jawa Timur", "--as-of", 3,
                             "--json", check=0).stdout)
    units = regions.regions()["Jawa Timur"]
    official = ["KPU Provinsi Jawa Timur", *(f"KPU Kabupaten {n}" for n in units["kabupaten"]),
                *(f"KPU Kota {n}" for n in units["kota"])]
    submitted = {"KPU Provinsi Jawa Timur", "KPU Kota Malang"}  # plans with realisation
    expected = [{"satker": n, "province": "Jawa Timur", "status": "no_plan"} for n in official
                if n not in submitted and n != "KPU Kabupaten Gresik"]
    gresik = {"satker": "KPU Kabupaten Gresik", "province": "Jawa Timur", "status": "no_realisation",
              "imported_as": "KPU KAB. GRESIK"}
    assert sorted(rows, key=lambda r: r["satker"]) == sorted(expected + [gresik], key=lambda r: r["satker"])
    everything = json.loads(rbdash("missing", "--db", db, "--year", 2024, "--as-of", 3, "--json", check=0).stdout)
    assert len(everything) == len(regions.official_offices()) - 4 + 1 + 1  # 4 imported; Gresik; the unmatched
    assert everything[-1] == {"satker": "KPU Kota Fiktif", "province": None, "status": "unmatched"}
    assert {"satker": "KPU RI", "province": None, "status": "no_plan"} in everything
    text = rbdash("missing", "--db", db, "--year", 2024, "--province", "Jawa Timur", "--as-of", 3, check=0).stdout
    assert "KPU Kabupaten Gresik · Jawa Timur: no_realisation (imported as KPU KAB. GRESIK)" in text
    assert text.strip().endswith(f"{len(rows)} offices: {len(expected)} no_plan, 1 no_realisation, 0 unmatched")
    bad = rbdash("missing", "--db", db, "--year", 2024, "--province", "Atlantis", check=2)
    assert bad.stderr.strip() == "error: 'Atlantis' is not a province of the official list"


# --- the same commands on a PostgreSQL server (issue 9) ------------------------------------------------

def test_the_same_commands_give_the_same_answers_on_postgresql(tmp_path, pg_cluster):
    """import / completion / missing / user on a postgresql:// --db answer exactly as on a DuckDB file;
    backup says in one line that it is for DuckDB files."""
    url, db = pg_cluster.fresh(), tmp_path / "r.duckdb"
    out = {}
    for where in (db, url):
        first = rbdash("import", "--db", where, SAMPLES, check=0).stdout
        again = rbdash("import", "--db", where, SAMPLES, check=0).stdout
        assert again.count("skipped: duplicate") == len(first.splitlines())
        out[str(where)] = [first] + [rbdash(*cmd, "--db", where, check=0).stdout for cmd in (
            ["completion", "--as-of", "9", "--year", "2023", "--by", "satker", "--by", "area", "--json"],
            ["completion", "--as-of", "6", "--by", "province", "--json"],
            ["completion", "--as-of", "12", "--by", "month"],
            ["missing", "--year", "2023", "--province", "Kalimantan Selatan", "--json"])]
    assert out[str(db)] == out[url]
    p = rbdash("backup", "--db", url, tmp_path / "cadangan", check=2)
    assert p.stderr == "error: 'backup' works on a DuckDB file; on PostgreSQL use the server's own tools (pg_dump -Fc)\n"
    assert not (tmp_path / "cadangan").exists()


@pytest.fixture(scope="module")
def damaged_db(tmp_path_factory):
    """The sample plans in a DuckDB file damaged in its data blocks (headers intact), and its bytes."""
    db = tmp_path_factory.mktemp("damaged") / "rusak.duckdb"
    rbdash("import", "--db", db, SAMPLES, check=0)
    damage_blocks(db)
    return db, db.read_bytes()


@pytest.mark.parametrize("command", [
    ["completion", "--as-of", "9"], ["missing", "--year", "2023"], ["user", "list"],
    ["report", "--year", "2023", "--as-of", "9", "--no-images", "--out", "{tmp}/rapat.pptx"],
    ["import", "{samples}/kpu_kota_pasuruan_2022.xlsx"]])
def test_a_damaged_database_file_is_one_line_and_exit_2(damaged_db, tmp_path, command):
    """Issue 18.5: every command on a file damaged in its data blocks says so in one line (what, and
    restore from a backup), exit 2, no traceback; the file is left as it was."""
    db, damaged = damaged_db
    p = rbdash(*[a.format(tmp=tmp_path, samples=SAMPLES) for a in command], "--db", db)
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr.startswith("error: the database file cannot be read (Corrupt database file: ")
    assert p.stderr.endswith("); restore it from a backup\n") and p.stderr.count("\n") == 1
    assert db.read_bytes() == damaged and list(tmp_path.iterdir()) == []


def test_a_store_error_no_command_caught_is_one_line(tmp_path, monkeypatch):
    """A database failing halfway through a command that does not catch it (here: the accounts query)
    is still one line and exit 2 (rbdash.cli.Commands), never a traceback."""
    from click.testing import CliRunner
    from rbdash.cli import main
    from rbdash.errors import StoreError
    from rbdash.store import Store

    def down(self):
        raise StoreError("db_unreadable", detail="Corrupt database file: checksum")
    Store(tmp_path / "r.duckdb").close()
    monkeypatch.setattr(Store, "users", down)
    res = CliRunner().invoke(main, ["user", "list", "--db", str(tmp_path / "r.duckdb")])
    assert res.exit_code == 2 and res.exception is not None and isinstance(res.exception, SystemExit)
    assert res.output == "error: the database file cannot be read (Corrupt database file: checksum); " \
                         "restore it from a backup\n"


def test_import_help_says_what_an_import_does():
    """Issue 20.4: the help is true to the behaviour -- an outcome per plan, and the batch size the
    import service uses (it once said 'one transaction per file')."""
    from click.testing import CliRunner
    from rbdash import importing
    from rbdash.cli import main
    text = " ".join(CliRunner().invoke(main, ["import", "--help"]).output.split())
    assert f"batches of up to {importing.BATCH} per transaction" in text
    assert "Each plan a file holds (one per office and year) is stored or refused on its own" in text
    assert all(outcome in text for outcome in ("ok (", "skipped: duplicate", "refused: <reason>"))
    assert "transaction per file" not in text


def test_the_cli_starts_without_loading_the_core():
    """--help and parse stay quick (0.06 s, not 0.9 s): the choices taken from the core (roles,
    --by groups) are read when an option needs them, not when the CLI is imported."""
    code = "import sys, rbdash.cli; print(sorted(m for m in ('pandas', 'argon2', 'rbdash.metrics') if m in sys.modules))"
    p = subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.stdout.strip() == "[]", p.stdout + p.stderr


def test_an_import_starts_its_parse_workers_before_loading_pandas():
    """The import service and the store load without pandas (0.3 s): an import's parse workers start
    first and parse while the importing process loads it (for its first insert)."""
    code = ("import sys, rbdash.cli, rbdash.importing, rbdash.store, rbdash.store.plans; "
            "print(sorted(m for m in ('pandas',) if m in sys.modules))")
    p = subprocess.run([PY, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert p.stdout.strip() == "[]", p.stdout + p.stderr


def test_a_folder_import_skips_documents_without_a_plan_table(tmp_path):
    """Evidence kept beside the plans (a letter as PDF) is skipped with a line when a folder is walked,
    and refused when named itself."""
    from reportlab.pdfgen import canvas
    folder = tmp_path / "kalsel"
    folder.mkdir()
    shutil.copy(SAMPLES / "kpu_kabupaten_tapin_2023.xlsx", folder)
    letter = canvas.Canvas(str(folder / "surat_pengantar.pdf"))
    letter.drawString(72, 760, "SURAT PENGANTAR KPU KABUPATEN TAPIN TAHUN 2023")
    letter.save()
    reason = ("the PDF has text but no ruled table, so no plan table (KEGIATAN/INDIKATOR and 12 months) was found; "
              "upload the decree with its LAMPIRAN table, or the original Word/Excel file")
    p = rbdash("import", "--db", tmp_path / "rb.duckdb", folder, check=0)
    assert p.stdout.splitlines()[1] == f"{folder / 'surat_pengantar.pdf'}: skipped: not a plan: {reason}"
    assert p.stdout.splitlines()[0].startswith(f"{folder / 'kpu_kabupaten_tapin_2023.xlsx'}: ok: KPU Kabupaten Tapin")
    p = rbdash("import", "--db", tmp_path / "rb.duckdb", folder / "surat_pengantar.pdf", check=2)
    assert p.stdout == f"{folder / 'surat_pengantar.pdf'}: refused: {reason}\n"


def test_rbdash_lang_id_speaks_the_cores_refusals_in_indonesian(tmp_path):
    """Issue 21.6: the core's messages exist in both languages (errors.MESSAGES); RBDASH_LANG=id prints the
    Indonesian one, the one the pages show; anything else English.  Still one line and exit code 2."""
    from click.testing import CliRunner
    from rbdash.cli import main
    from rbdash.errors import MESSAGES
    empty = tmp_path / "kosong.xlsx"
    empty.write_bytes(b"")
    for lang, text in (("id", MESSAGES["empty"][1]), ("en", MESSAGES["empty"][0]), ("", MESSAGES["empty"][0])):
        res = CliRunner(env={"RBDASH_LANG": lang}).invoke(main, ["parse", str(empty)])
        assert (res.exit_code, res.stderr) == (2, f"error: {empty}: {text}\n"), lang
    res = CliRunner(env={"RBDASH_LANG": "id"}).invoke(main, ["import", "--db", str(tmp_path / "x.duckdb"), str(empty)])
    assert f"{empty}: refused: {MESSAGES['empty'][1]}" in res.stdout.splitlines() and res.exit_code == 2
    rbdash("import", "--db", tmp_path / "x.duckdb", SAMPLES / "kpu_provinsi_kalimantan_selatan_2023.xlsx", check=0)
    p = subprocess.run([PY, "-m", "rbdash", "report", "--db", tmp_path / "x.duckdb", "--year", "2023", "--as-of", "3",
                        "--province", "Atlantis", "--out", tmp_path / "r.pptx"], capture_output=True, text=True,
                       cwd=ROOT, timeout=120, env={**os.environ, "RBDASH_LANG": "id"})
    assert (p.returncode, p.stderr) == (2, "error: 'Atlantis' bukan provinsi dalam daftar resmi\n")


def test_a_deck_needs_no_image_renderer(tmp_path, monkeypatch):
    """Issue 22.6: the deck draws its trend as PowerPoint charts, so a renderer that cannot start
    (Chromium missing: plotly's image export raises) no longer stops it -- issue 21.9 made that one
    error line; now the deck is written, its trend slide holding the charts."""
    import plotly.graph_objects as go
    from click.testing import CliRunner
    from pptx import Presentation
    from rbdash.cli import main

    def fails(*a, **k):
        raise RuntimeError("BrowserFailedError")
    db, out = tmp_path / "r.duckdb", tmp_path / "rapat.pptx"
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--db", str(db), str(SAMPLES / "kpu_kota_banjarbaru_2023.xlsx")]).exit_code == 0
    monkeypatch.setattr(go.Figure, "to_image", fails)
    res = runner.invoke(main, ["report", "--db", str(db), "--year", "2023", "--as-of", "9", "--out", str(out)])
    assert (res.exit_code, res.stderr) == (0, "")
    trend = [s for s in Presentation(out).slides if any(sh.has_chart for sh in s.shapes)]
    assert [sh.text_frame.text for s in trend for sh in s.shapes if sh.has_text_frame][0].startswith("Tren capaian 2023")
