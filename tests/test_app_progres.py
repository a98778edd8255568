"""AppTest of Progres: edits saved with their revision, refused links explained, conflicts never
overwrite, the officer's name, typed text beside neutralised columns."""

import pytest

from app_fixtures import FORMULAS, formula_db, sample_db, sample_db_file, start, warm_server  # noqa: F401 (fixtures)
from rbdash import metrics as core, wording
from rbdash.store import Store

pytestmark = pytest.mark.usefixtures("warm_server")


def open_progress(satker="KPU Kabupaten Tapin"):
    at = start("pages/progres.py", tahun="2023", fokus=satker)
    at.text_input(key="petugas").input("Budi").run()
    editor = at.data_editor[0]
    return at, editor.key, editor.value


def edit(at, key, rows):
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.button(key="simpan_progres").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_progress_edit_persists(sample_db):
    at, key, _ = open_progress()
    first = int(core.plan_activities(Store(sample_db), "KPU Kabupaten Tapin", 2023)["id"][0])
    edit(at, key, {0: {"Jan": "✓", "Mar": "✓", "Bukti dukung": "https://drive.example.go.id/bukti",
                       "Catatan": "selesai"}})
    assert any("1 kegiatan tersimpan" in s.value for s in at.success)
    row = Store(sample_db).query_df("SELECT realized_mask, evidence_url, note, revision, updated_by "
                                    "FROM progress WHERE activity_id = ?", [first]).iloc[0]
    assert row["realized_mask"] == 0b101 and row["evidence_url"] == "https://drive.example.go.id/bukti"
    assert row["note"] == "selesai" and row["updated_by"] == "Budi" and row["revision"] == 1
    audit = Store(sample_db).query_df("SELECT actor FROM audit_log WHERE action = 'progress'")
    assert audit["actor"].tolist() == ["Budi"]
    # the editor reloads from the DB and shows the saved months; a second edit builds on revision 1
    frame = at.data_editor[0].value
    assert frame["Jan"].iloc[0] == "✓" and frame["Mar"].iloc[0] == "✓"
    edit(at, at.data_editor[0].key, {0: {"Feb": "✓"}})
    assert Store(sample_db).query_df("SELECT revision FROM progress WHERE activity_id = ?", [first]).iloc[0, 0] == 2


def test_progress_invalid_url_is_refused_with_reason(sample_db):
    at, key, _ = open_progress()
    edit(at, key, {1: {"Bukti dukung": "javascript:alert(1)"}})
    assert any("bukan tautan bukti dukung yang sah" in e.value for e in at.error)
    assert Store(sample_db).query_df("SELECT count(*) FROM audit_log WHERE action = 'progress'").iloc[0, 0] == 0


def test_progress_invalid_url_is_explained_before_saving(sample_db):
    """Issue 13.3: the grid used to drop a refused link silently on Enter; now the page says why."""
    at, key, _ = open_progress()
    indikator = at.data_editor[0].value["Indikator"].iloc[1]
    at.session_state[key] = {"edited_rows": {1: {"Bukti dukung": "javascript:alert(1)"}}, "added_rows": [],
                             "deleted_rows": []}
    at.run()
    expected = (f"Baris 2 ({indikator[:59].rstrip() + '…' if len(indikator) > 60 else indikator}): "
                "'javascript:alert(1)' bukan tautan bukti dukung yang sah; gunakan alamat lengkap http(s)://. "
                "Tautan ini tidak akan disimpan; perbaiki sebelum klik Simpan.")
    assert [e.value.replace("\\", "") for e in at.error] == [expected]


def test_progress_conflict_never_overwrites(sample_db):
    at, key, _ = open_progress()
    store = Store(sample_db)
    act = int(core.plan_activities(store, "KPU Kabupaten Tapin", 2023)["id"][0])
    store.save_progress(act, [2], None, "diisi orang lain", expected_revision=0, actor="Ani")
    edit(at, key, {0: {"Jan": True, "Catatan": "punya saya"}})
    at_ = store.query_df("SELECT updated_at FROM progress WHERE activity_id = ?", [act]).iloc[0, 0]
    months = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    when = f"{at_.day} {months[at_.month - 1]} {at_.year} {at_:%H:%M}"
    # no internal activity id; the time as the app writes it elsewhere (issue 13.9)
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and errors[0].endswith(
        f": kegiatan ini sudah diubah oleh Ani pada {when} sejak Anda membukanya; muat ulang lalu ulangi perubahan")
    assert errors[0].startswith("Baris 1 (") and str(act) not in errors[0]
    row = store.query_df("SELECT realized_mask, note, updated_by FROM progress WHERE activity_id = ?", [act]).iloc[0]
    assert (row["realized_mask"], row["note"], row["updated_by"]) == (0b10, "diisi orang lain", "Ani")


def test_progress_needs_officer_name(sample_db):
    at = start("pages/progres.py", tahun="2023", fokus="KPU Kabupaten Tapin")
    assert at.button(key="simpan_progres").disabled


def test_progress_saves_beside_neutralised_columns(formula_db):
    """The editor's read-only columns are neutralised, its typed columns are not: a note starting with
    '=' is stored as typed, the workbook's text is unchanged."""
    at = start("pages/progres.py", tahun="2024", fokus="KPU Kota Gamma")
    at.text_input(key="petugas").input("Budi").run()
    key = at.data_editor[0].key
    at.session_state[key] = {"edited_rows": {0: {"Feb": "✓", "Catatan": "=1+1 sudah"}}, "added_rows": [],
                             "deleted_rows": []}
    at.button(key="simpan_progres").click().run()
    assert not at.exception and any("1 kegiatan tersimpan" in s.value for s in at.success)
    acts = core.plan_activities(Store(formula_db), "KPU Kota Gamma", 2024)
    assert acts["indikator"].tolist() == [FORMULAS[1], FORMULAS[4]] and acts["note"].iloc[0] == "=1+1 sudah"
    assert acts["realized_mask"].iloc[0] == 0b11


def test_progress_sends_the_monthly_report(sample_db):
    """Issue 23.1: the office says which months it has reported; the button sends one more, audited under
    the officer's name, and the month leaves the choice."""
    at, _, _ = open_progress()
    assert any(c.value.startswith("Bulan yang sudah dilaporkan: belum ada. Capaian dihitung hanya pada bulan yang "
                                  "sudah dilaporkan") for c in at.caption)
    choice = at.selectbox(key="laporan_bulan")
    assert choice.options == [wording.month_long(m) for m in range(1, 13)] and choice.value == 1
    choice.set_value(9).run()
    button = at.button(key="kirim_laporan")
    assert button.label == "Kirim laporan bulan Sep"
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value.replace("\\", "") for s in at.success] == ["Laporan bulan Sep dikirim."]
    store = Store(sample_db)
    assert store.query_df("SELECT r.month, r.source, r.reported_by FROM monthly_reports r JOIN satker s "
                          "ON s.id = r.satker_id WHERE s.name = 'KPU Kabupaten Tapin'").values.tolist() == [
        [9, "report", "Budi"]]
    assert store.query_df("SELECT actor FROM audit_log WHERE action = 'report'")["actor"].tolist() == ["Budi"]
    assert 9 not in at.selectbox(key="laporan_bulan").options and at.selectbox(key="laporan_bulan").value == 1
    assert any(c.value.startswith("Bulan yang sudah dilaporkan: Sep.") for c in at.caption)
