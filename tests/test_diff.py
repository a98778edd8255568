"""Plan diff between versions (issue 23.3): what a revised plan added, removed and changed, matched
the way the realisation is carried over; realisation on a removed activity listed, never dropped.
The store on both backends, the import's outcome, the CLI (`diff`, the import line) and the pages
(Riwayat's diff, Impor's result)."""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app_fixtures import start, warm_server  # noqa: F401 (fixtures)
from conftest import ROOT, build_workbook, plan_rows
from rbdash import diff, importing, metrics, wording
from rbdash.errors import ValidationError
from rbdash.importing import Parsed, Status
from rbdash.model import Activity, Plan
from rbdash.schedule import mask_to_months
from rbdash.store import Store

SATKER = "KPU Kota Malang"

# (area, kegiatan, sub kegiatan, indikator, planned months, keterangan)
V1 = [(1, "Penyusunan Rencana", "Rapat tim", "Notula rapat", [1, 2, 3], None),       # rescheduled in v2
      (2, "Evaluasi", "Kajian", "Laporan kajian", [4], None),                         # case/punctuation, keterangan
      (3, "Evaluasi", "Kajian", "Laporan organisasi", [5], None),                     # moved to area 4
      (5, "Pengembangan SDM", "Pelatihan", "Sertifikat", [6], None),                  # removed
      (6, "Akuntabilitas", "Penyusunan", "Laporan kinerja", [7], None),               # reworded
      (7, "Pengawasan", "Reviu", "Laporan reviu", [8], None)]                         # unchanged
V2 = [(1, "Penyusunan Rencana", "Rapat tim", "Notula rapat", [1, 2, 3, 4], None),
      (2, "evaluasi", "KAJIAN", "Laporan kajian.", [4], "SK"),
      (4, "Evaluasi", "Kajian", "Laporan organisasi", [5], None),
      (6, "Akuntabilitas", "Penyusunan", "Laporan kinerja tahunan", [7], None),
      (7, "Pengawasan", "Reviu", "Laporan reviu", [8], None),
      (8, "Pelayanan Publik", "Survei", "Indeks kepuasan", [9, 10], None)]             # added
# realisation recorded on version 1 (by row of V1): months, evidence, note
RECORDED = {0: ([1, 2], "https://bukti.go.id/a", None), 2: ([5], "https://bukti.go.id/c", "selesai"),
            4: ([7], None, None), 5: ([8], None, None)}


def plan(rows, source):
    acts = [Activity(sheet="Renaksi", row=10 + i, area_no=area, kegiatan=keg, sub_kegiatan=sub, indikator=ind,
                     planned_months=list(planned), keterangan=ket)
            for i, (area, keg, sub, ind, planned, ket) in enumerate(rows)]
    return Plan(satker=SATKER, year=2024, activities=acts, warnings=[], source_name=source,
                sha256=hashlib.sha256(repr(rows).encode()).hexdigest(), as_of_month=None, has_realization=False)


def entry(rows, i, **extra):
    area, keg, sub, ind, planned, _ = rows[i]
    return {"area_no": area, "kegiatan": keg, "sub_kegiatan": sub, "indikator": ind, "sheet": "Renaksi",
            "row": 10 + i, **extra}


def realised(i):
    months, url, note = RECORDED.get(i, ([], None, None))
    return {"realised": months, "evidence_url": url, "note": note}


EXPECTED = {
    "satker": SATKER, "year": 2024, "from_version": 1, "to_version": 2,
    "added": [entry(V2, 2, planned=[5]), entry(V2, 3, planned=[7]), entry(V2, 5, planned=[9, 10])],
    "removed": [entry(V1, 2, planned=[5], **realised(2)), entry(V1, 3, planned=[6], **realised(3)),
                entry(V1, 4, planned=[7], **realised(4))],
    "changed": [
        entry(V2, 0, changes=["schedule"], planned_before=[1, 2, 3], planned_after=[1, 2, 3, 4], area_before=1,
              area_after=1, text_before={}, text_after={}),
        entry(V2, 1, changes=["text"], planned_before=[4], planned_after=[4], area_before=2, area_after=2,
              text_before={"kegiatan": "Evaluasi", "sub_kegiatan": "Kajian", "indikator": "Laporan kajian",
                           "keterangan": None},
              text_after={"kegiatan": "evaluasi", "sub_kegiatan": "KAJIAN", "indikator": "Laporan kajian.",
                          "keterangan": "SK"})],
    "summary": {"added": 3, "removed": 3, "changed": 2, "rescheduled": 1, "reworded": 1, "moved": 0,
                "removed_with_realisation": 2}}
SUMMARY_ID = ("1 kegiatan berubah jadwal, 1 berubah uraian, 3 ditambah, 3 dihapus (realisasi tercatat pada 2, "
              "tetap tersimpan di versi 1)")
SUMMARY_EN = ("1 activity rescheduled, 1 reworded, 3 added, 3 removed (realisation recorded on 2, kept on "
              "version 1)")


def two_versions(store):
    """Version 1 with realisation recorded, then version 2 imported: the outcomes of both imports."""
    first = list(importing.import_parsed(store, [Parsed("v1.xlsx", [plan(V1, "v1.xlsx")])], "ani"))
    ids = metrics.plan_activities(store, SATKER, 2024)["id"].tolist()
    for i, (months, url, note) in RECORDED.items():
        store.save_progress(int(ids[i]), months, url, note, 0, "ani")
    return first + list(importing.import_parsed(store, [Parsed("v2.xlsx", [plan(V2, "v2.xlsx")])], "budi"))


def test_the_diff_lists_what_a_new_version_changed_and_agrees_with_the_carry_over(db_location):
    store = Store(db_location("beda"))
    new, version = two_versions(store)
    assert (new.status, new.changes, new.changes_text) == (Status.NEW, None, None)
    assert version.status is Status.VERSION and version.carried_over == 2
    assert version.changes == diff.Changes(1, 2, added=3, removed=3, changed=2, rescheduled=1, reworded=1, kept=2)
    assert version.changes_text == f"versi 2: {SUMMARY_ID}"
    assert diff.plan_diff(store, SATKER, 2024).to_dict() == EXPECTED
    assert diff.plan_diff(store, "kpu KOTA malang", 2024, from_version=1, to_version=2).to_dict() == EXPECTED

    # the carry-over pairs exactly what the diff does not list as added: realisation went there only
    now = metrics.plan_activities(store, SATKER, 2024)
    assert [mask_to_months(m) for m in now["realized_mask"]] == [[1, 2], [], [], [], [8], []]
    assert now["evidence_url"].tolist()[0] == "https://bukti.go.id/a"
    # a removed activity's realisation stays on version 1, and comes back when it is made current again
    kept = store.query_df("""SELECT a.indikator, p.realized_mask, p.evidence_url FROM activities a
                             JOIN progress p ON p.activity_id = a.id JOIN plan_versions pv ON pv.id = a.plan_version_id
                             WHERE pv.version = 1 AND a.area_no = 3""")
    assert kept.values.tolist() == [["Laporan organisasi", 16, "https://bukti.go.id/c"]]
    assert store.restore_version(SATKER, 2024, 1, "citra") == 3
    back = metrics.plan_activities(store, SATKER, 2024).set_index("indikator")
    assert mask_to_months(back.loc["Laporan organisasi", "realized_mask"]) == [5]

    # the current version (3, a copy of 1) against the one before; any two versions, either way
    current = diff.plan_diff(store, SATKER, 2024)
    assert (current.from_version, current.to_version, len(current.added), len(current.removed)) == (2, 3, 3, 3)
    assert diff.plan_diff(store, SATKER, 2024, 1, 3).changes == diff.Changes(1, 3)
    back = diff.plan_diff(store, SATKER, 2024, 2, 1)
    assert ([a["indikator"] for a in back.added], [r["indikator"] for r in back.removed]) == (
        ["Laporan organisasi", "Sertifikat", "Laporan kinerja"],
        ["Laporan organisasi", "Laporan kinerja tahunan", "Indeks kepuasan"])
    assert [(c["planned_before"], c["planned_after"]) for c in back.changed] == [([1, 2, 3, 4], [1, 2, 3]), ([4], [4])]
    store.close()


@pytest.mark.parametrize("satker, year, versions, message", [
    ("KPU Kota Batu", 2024, {}, "'KPU Kota Batu' has no plan for 2024"),
    (SATKER, 2023, {}, "'KPU Kota Malang' has no plan for 2023"),
    (SATKER, 2024, {"to_version": 5}, "KPU Kota Malang 2024 has no version 5"),
    (SATKER, 2024, {"from_version": 0}, "KPU Kota Malang 2024 has no version 0"),
    (SATKER, 2024, {"to_version": 1}, "KPU Kota Malang 2024 has no version before version 1 to compare it with"),
])
def test_an_unknown_office_year_or_version_is_refused(tmp_path, satker, year, versions, message):
    store = Store(tmp_path / "r.duckdb")
    store.import_plans([plan(V1, "v1.xlsx")])
    store.import_plans([plan(V2, "v2.xlsx")])
    with pytest.raises(ValidationError) as exc:
        diff.plan_diff(store, satker, year, **versions)
    assert str(exc.value) == message


def test_two_stored_spellings_of_one_office_are_named_not_guessed(tmp_path):
    store = Store(tmp_path / "r.duckdb")
    for name in ("KPU Kota Contoh", "KPU KOTA CONTOH"):
        store.import_plans([Plan(satker=name, year=2024, activities=plan(V1, "a").activities, warnings=[],
                                 source_name="a.xlsx", sha256=name, as_of_month=None, has_realization=False)])
    with pytest.raises(ValidationError) as exc:
        diff.plan_diff(store, "kota contoh", 2024, 1, 1)
    assert str(exc.value) == "'kota contoh' denotes several offices with a plan for 2024 (KPU KOTA CONTOH, " \
                             "KPU Kota Contoh); give the name as stored"
    assert diff.plan_diff(store, "KPU KOTA CONTOH", 2024, 1, 1).satker == "KPU KOTA CONTOH"


def test_the_sentence_of_changes_in_both_languages():
    one = diff.Changes(3, 4, added=1, changed=1, rescheduled=1)
    assert wording.plan_changes(one) == "1 kegiatan berubah jadwal, 1 ditambah"
    assert wording.plan_changes(one, "en") == "1 activity rescheduled, 1 added"
    removed = diff.Changes(1, 2, removed=2, kept=1)
    assert wording.version_changes(removed) == "versi 2: 2 kegiatan dihapus (realisasi tercatat pada 1, tetap " \
                                                "tersimpan di versi 1)"
    assert wording.plan_changes(removed, "en") == "2 activities removed (realisation recorded on 1, kept on version 1)"
    assert wording.plan_changes(diff.Changes(1, 2)) == "tidak ada kegiatan yang berubah"
    assert wording.plan_changes(diff.Changes(1, 2), "en") == "no activity changed"


# --------------------------------------------------------------------------------- the CLI

def rbdash(*args, check=None):
    p = subprocess.run([sys.executable, "-m", "rbdash", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    if check is not None:
        assert p.returncode == check, p.stdout + p.stderr
    return p


def test_cli_diff_text_json_and_refusals(tmp_path):
    db = tmp_path / "r.duckdb"
    store = Store(db)
    two_versions(store)
    store.close()
    assert json.loads(rbdash("diff", "--db", db, "--satker", "kota malang", "--year", 2024, "--json",
                             check=0).stdout) == EXPECTED
    assert rbdash("diff", "--db", db, "--satker", SATKER, "--year", 2024, "--from", 1, "--to", 2,
                  check=0).stdout.splitlines() == [
        f"KPU Kota Malang 2024, version 1 -> 2: {SUMMARY_EN}",
        "added: area 4 | Evaluasi | Kajian | Laporan organisasi | planned 5",
        "added: area 6 | Akuntabilitas | Penyusunan | Laporan kinerja tahunan | planned 7",
        "added: area 8 | Pelayanan Publik | Survei | Indeks kepuasan | planned 9,10",
        "removed: area 3 | Evaluasi | Kajian | Laporan organisasi | planned 5 | realised 5, evidence "
        "https://bukti.go.id/c, note selesai (kept on version 1)",
        "removed: area 5 | Pengembangan SDM | Pelatihan | Sertifikat | planned 6",
        "removed: area 6 | Akuntabilitas | Penyusunan | Laporan kinerja | planned 7 | realised 7 (kept on version 1)",
        "changed: area 1 | Penyusunan Rencana | Rapat tim | Notula rapat | schedule 1,2,3 -> 1,2,3,4",
        "changed: area 2 | evaluasi | KAJIAN | Laporan kajian. | kegiatan 'Evaluasi' -> 'evaluasi' | sub_kegiatan "
        "'Kajian' -> 'KAJIAN' | indikator 'Laporan kajian' -> 'Laporan kajian.' | keterangan '' -> 'SK'"]
    refused = rbdash("diff", "--db", db, "--satker", SATKER, "--year", 2024, "--to", 7, check=2)
    assert (refused.stdout, refused.stderr) == ("", "error: KPU Kota Malang 2024 has no version 7\n")
    refused = rbdash("diff", "--db", db, "--satker", "KPU Kota Batu", "--year", 2024, check=2)
    assert refused.stderr == "error: 'KPU Kota Batu' has no plan for 2024\n"
    refused = rbdash("diff", "--db", tmp_path / "none.duckdb", "--satker", SATKER, "--year", 2024, check=2)
    assert refused.stderr == f"error: {tmp_path / 'none.duckdb'}: no such database\n"


TITLE = "RENCANA AKSI REFORMASI BIROKRASI KPU KOTA MALANG TAHUN 2024"
WB1 = [(("1", "Manajemen Perubahan", "Penyusunan Rencana", "Rapat tim", "Notula rapat"), {1: "√", 2: "√"}),
       (("2", "Deregulasi", "Evaluasi", "Kajian", "Laporan kajian"), {4: "√"}),
       (("3", "Penataan Organisasi", "Evaluasi", "Kajian", "Laporan organisasi"), {5: "√"})]
WB2 = [WB1[0][:1] + ({1: "√", 2: "√", 3: "√"},), WB1[2],
       (("8", "Pelayanan Publik", "Survei", "Kepuasan", "Indeks kepuasan"), {9: "√"})]
IMPORTED_ID = ("versi 2: 1 kegiatan berubah jadwal, 1 ditambah, 1 dihapus (realisasi tercatat pada 1, tetap "
               "tersimpan di versi 1); 3 kegiatan, 0 peringatan, realisasi 1 kegiatan dibawa dari versi sebelumnya")


def revised_plan(tmp_path):
    """(database holding workbook 1 with realisation on the activity workbook 2 removes, workbook 2)."""
    v1 = build_workbook(tmp_path / "v1.xlsx", plan_rows(WB1), title=TITLE)
    v2 = build_workbook(tmp_path / "v2.xlsx", plan_rows(WB2), title=TITLE)
    db = tmp_path / "r.duckdb"
    store = Store(db)
    assert [o.status for o in importing.import_sources(store, [v1], "ani")] == [Status.NEW]
    ids = metrics.plan_activities(store, SATKER, 2024)["id"].tolist()
    store.save_progress(int(ids[0]), [1], None, None, 0, "ani")
    store.save_progress(int(ids[1]), [4], "https://bukti.go.id/kajian", None, 0, "ani")
    store.close()
    return db, v2


def test_cli_import_line_says_what_the_new_version_changed(tmp_path):
    db, v2 = revised_plan(tmp_path)
    assert rbdash("import", "--db", db, v2, check=0).stdout == (
        f"{v2}: ok: KPU Kota Malang 2024 version 2, 3 activities, 0 warnings, 1 carried over; changes: "
        "1 activity rescheduled, 1 added, 1 removed (realisation recorded on 1, kept on version 1)\n")


# --------------------------------------------------------------------------------- the pages

@pytest.fixture
def revised_db(tmp_path, monkeypatch):
    db, v2 = revised_plan(tmp_path)
    monkeypatch.setenv("RBDASH_DB", str(db))
    monkeypatch.setenv("RBDASH_SAMPLES", str(tmp_path / "no-samples"))
    return db, v2


@pytest.mark.usefixtures("warm_server")
def test_impor_result_says_what_the_new_version_changed(revised_db):
    _, v2 = revised_db
    at = start("pages/impor.py")
    at.text_input(key="petugas").input("Siti")
    at.file_uploader[0].set_value(("revisi.xlsx", Path(v2).read_bytes(), "application/vnd.ms-excel"))
    at.run()
    at.button(key="confirm_import").click().run()
    assert not at.exception
    result = at.dataframe[0].value
    assert (result["Hasil"].tolist(), result[wording.REMARK].tolist()) == (["berhasil"], [IMPORTED_ID])


@pytest.mark.usefixtures("warm_server")
def test_riwayat_shows_the_diff_of_any_two_versions(tmp_path, monkeypatch):
    db = tmp_path / "r.duckdb"
    store = Store(db)
    two_versions(store)
    store.close()
    monkeypatch.setenv("RBDASH_DB", str(db))
    monkeypatch.setenv("RBDASH_SAMPLES", str(tmp_path / "no-samples"))
    at = start("pages/riwayat.py", tahun="2024", fokus=SATKER)
    assert (at.selectbox(key="beda_ke").value, at.selectbox(key="beda_dari").value) == (2, 1)
    texts = [m.value.replace("\\", "") for m in at.markdown]
    assert f"Versi 1 → versi 2: {SUMMARY_ID}" in texts
    assert [w.value.replace("\\", "") for w in at.warning] == [
        "2 kegiatan yang dihapus di versi 2 memiliki realisasi tercatat: realisasinya tidak dibawa ke versi 2 dan "
        "tetap tersimpan di versi 1 (lihat kolom Realisasi tercatat)."]
    rows = at.dataframe[-1].value
    assert rows[["Perubahan", "Area", "Indikator", "Jadwal sebelum", "Jadwal sesudah", "Sebelumnya",
                 "Realisasi tercatat"]].values.tolist() == [
        ["berubah jadwal", "1. Manajemen Perubahan", "Notula rapat", "Jan–Mar", "Jan–Apr", "", ""],
        ["berubah uraian", "2. Deregulasi", "Laporan kajian.", "Apr", "Apr",
         "Kegiatan: Evaluasi; Sub kegiatan: Kajian; Indikator: Laporan kajian; Keterangan: –", ""],
        ["ditambah", "4. Tata Laksana", "Laporan organisasi", "", "Mei", "", ""],
        ["ditambah", "6. Akuntabilitas", "Laporan kinerja tahunan", "", "Jul", "", ""],
        ["ditambah", "8. Pelayanan Publik", "Indeks kepuasan", "", "Sep–Okt", "", ""],
        ["dihapus", "3. Organisasi", "Laporan organisasi", "Mei", "", "", "Mei; bukti: https://bukti.go.id/c; "
                                                                             "catatan: selesai"],
        ["dihapus", "5. SDM Aparatur", "Sertifikat", "Jun", "", "", ""],
        ["dihapus", "6. Akuntabilitas", "Laporan kinerja", "Jul", "", "", "Jul"]]
    # the other way round: version 1 against version 2
    at.selectbox(key="beda_ke").set_value(1)
    at.selectbox(key="beda_dari").set_value(2).run()
    assert not at.exception
    texts = [m.value.replace("\\", "") for m in at.markdown]
    assert ("Versi 2 → versi 1: 1 kegiatan berubah jadwal, 1 berubah uraian, 3 ditambah, 3 dihapus") in texts
    assert not at.warning
    # making version 1 current again says what that changed, and the comparison shows it
    at.text_input(key="petugas").input("Siti").run()
    at.selectbox(key="pulihkan_versi").set_value(1)
    at.button(key="pulihkan").click().run()
    assert not at.exception
    assert [m.value.replace("\\", "") for m in at.success] == [
        "Versi 1 dipulihkan sebagai versi aktif yang baru (versi 3). Versi 2 → versi 3: 1 kegiatan berubah jadwal, "
        "1 berubah uraian, 3 ditambah, 3 dihapus"]
    assert (at.selectbox(key="beda_ke").value, at.selectbox(key="beda_dari").value) == (3, 2)
