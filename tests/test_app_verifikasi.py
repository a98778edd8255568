"""AppTest of Verifikasi (issue 23.2): a province operator checks its own offices' reported months,
oldest first, verifies and rejects several rows at once; an office operator may not check, and sees
on Progres which months were rejected and why."""

import json
import re

import pytest

from app_fixtures import grids, make_plan, start, warm_server  # noqa: F401 (fixtures)
from rbdash.store import Store

pytestmark = pytest.mark.usefixtures("warm_server")
PASSWORD = "jeruk-manis-42"
BANJAR, SLEMAN = "KPU Kabupaten Banjar", "KPU Kabupaten Sleman"


@pytest.fixture
def verify_db(tmp_path, monkeypatch):
    """2024 as of Mar: Banjar (Kalimantan Selatan) reported Jan-Feb of one activity and Mar of another
    on Progres; Sleman (DI Yogyakarta) reported Jan; each sent its monthly reports for Jan-Mar (issue 23.1:
    a month counts in the rates once reported).  Accounts: kalsel (province), banjar (office)."""
    db = tmp_path / "verify.duckdb"
    store = Store(db)
    store.import_plan(make_plan(BANJAR, 2024, [(1, "K1", "Indikator satu", [1, 2, 3], []),
                                               (2, "K2", "Indikator dua", [3], [])], as_of=3), actor="test")
    store.import_plan(make_plan(SLEMAN, 2024, [(1, "K", "Indikator Sleman", [1], [])], as_of=3), actor="test")
    ids = store.query_df("SELECT a.id, s.name FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id "
                         "JOIN satker s ON s.id = pv.satker_id ORDER BY a.id")["id"].tolist()
    store.save_progress(ids[0], [1, 2], "https://bukti.test/satu", None, 0, "banjar")
    store.save_progress(ids[2], [1], "https://bukti.test/sleman", None, 0, "sleman")
    store.save_progress(ids[1], [3], "https://bukti.test/dua", None, 0, "banjar")
    for satker in (BANJAR, SLEMAN):
        for month in (1, 2, 3):
            store.submit_report(satker, 2024, month, "test")
    store.add_user("kalsel", PASSWORD, "province", actor="cli", province="Kalimantan Selatan")
    store.add_user("banjar", PASSWORD, "office", actor="cli", satker=BANJAR)
    store.close()
    monkeypatch.setenv("RBDASH_DB", str(db))
    monkeypatch.setenv("RBDASH_SAMPLES", str(tmp_path / "no-samples"))
    return db


def log_in(at, name):
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(PASSWORD)
    next(b for b in at.button if b.label == "Masuk").click().run()
    assert not at.exception, [e.value for e in at.exception]


def pick(at, rows):
    at.session_state[at.dataframe[0].key] = {"selection": {"rows": rows, "columns": []}}
    at.run()


def shown(elements):
    """The texts of alerts as the reader sees them (the markdown escapes taken off)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in elements]


def states(db):
    df = Store(db).query_df("SELECT month, state, reason, checked_by FROM verifications ORDER BY activity_id, month")
    return [tuple(None if v != v else v for v in r) for r in df.itertuples(index=False)]


def test_a_province_verifies_and_rejects_its_offices_months_oldest_first(verify_db):
    at = start("pages/verifikasi.py")
    log_in(at, "kalsel")
    at.switch_page("pages/verifikasi.py").run()
    table = at.dataframe[0].value
    assert table["Satker"].tolist() == [BANJAR] * 3  # its own province only
    assert table[["Bulan", "Indikator", "Bukti dukung"]].values.tolist() == [
        ["Jan", "Indikator satu", "https://bukti.test/satu"], ["Feb", "Indikator satu", "https://bukti.test/satu"],
        ["Mar", "Indikator dua", "https://bukti.test/dua"]]  # oldest report first
    config = json.loads(at.dataframe[0].proto.columns)  # the evidence is a link column (a new tab), never HTML
    assert config["Bukti dukung"]["type_config"]["type"] == "link"
    assert "3 bulan-kegiatan menunggu verifikasi" in [m.value.strip("*") for m in at.markdown]
    pick(at, [0, 2])
    at.button(key="verifikasi").click().run()
    assert shown(at.success) == ["2 bulan-kegiatan terverifikasi."]
    assert at.dataframe[0].value["Bulan"].tolist() == ["Feb"]
    pick(at, [0])
    at.button(key="tolak").click().run()
    assert shown(at.error) == ["penolakan memerlukan alasan agar satker dapat memperbaikinya"]
    pick(at, [0])
    at.text_input(key="verif_alasan").input("tautan bukti tidak dapat dibuka").run()
    at.button(key="tolak").click().run()
    assert shown(at.success) == ["1 bulan-kegiatan ditolak."]
    assert states(verify_db) == [(1, "terverifikasi", None, "kalsel"),
                                 (2, "ditolak", "tautan bukti tidak dapat dibuka", "kalsel"),
                                 (3, "terverifikasi", None, "kalsel")]
    assert any(i.value == "Tidak ada laporan yang menunggu verifikasi untuk filter ini." for i in at.info)
    # both rates, side by side (Beranda's are read in the browser test, tests/test_e2e_session.py):
    # Banjar 3 of 4 due month-kegiatan realised, 2 of them verified
    at.switch_page("pages/perbandingan.py").run()
    at.radio(key="tampilan").set_value("rank").run()
    ranking = at.dataframe[0].value.set_index("Satker")
    assert ranking.loc[BANJAR, ["Capaian", "Terverifikasi"]].tolist() == [75.0, 50.0]
    at.radio(key="tampilan").set_value("area").run()
    at.segmented_control(key="dasar").set_value("terverifikasi").run()
    values = grids(at)[0][0].set_index("Satker")
    assert values.loc[BANJAR, "Total"] == 50.0


def test_an_office_may_not_verify_and_sees_its_rejections_on_progres(verify_db):
    ids = Store(verify_db).query_df("SELECT id FROM activities ORDER BY id")["id"].tolist()
    from rbdash.accounts import User
    Store(verify_db).reject([(ids[0], 2, 1)], "bukti [Februari] kosong", User("kalsel", "province",
                                                                                  province="Kalimantan Selatan"))
    at = start("pages/verifikasi.py")
    log_in(at, "banjar")
    at.switch_page("pages/verifikasi.py").run()
    assert not at.dataframe
    assert shown(at.info) == ["banjar (operator satker KPU Kabupaten Banjar) tidak berwenang memverifikasi laporan "
                              "(khusus operator provinsi dan admin)."]
    at.switch_page("pages/progres.py").run()
    assert shown(at.warning) == ["1 kegiatan ditolak provinsi: perbaiki lalu Simpan untuk mengirim ulang.\n\n"
                                 "Baris 1 (Indikator satu): Ditolak provinsi: Feb (bukti [Februari] kosong)"]


def test_riwayat_undoes_a_check_through_the_one_undo_button(verify_db):
    """A province's check is undone on Riwayat like any change (Store.revert_change): January of
    Banjar's first activity awaits a check again, as a new audited change."""
    from rbdash.accounts import User
    aid = int(Store(verify_db).query_df("SELECT min(id) AS id FROM activities")["id"][0])
    Store(verify_db).verify([(aid, 1, 1)], User("kalsel", "province", province="Kalimantan Selatan"))
    at = start(tahun="2024", fokus=BANJAR)
    log_in(at, "kalsel")
    at.switch_page("pages/riwayat.py").run()
    table = at.dataframe[0].value
    assert table[["Jenis", "Oleh", "Sebelum", "Sesudah"]].iloc[0].tolist() == [
        "verifikasi", "kalsel", "Jan: menunggu verifikasi", "Jan: terverifikasi"]
    at.session_state["riwayat_tabel"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key="batalkan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert shown(at.success) == ["Perubahan dibatalkan: nilai sebelumnya dipulihkan sebagai perubahan baru."]
    assert states(verify_db) == []
    assert at.dataframe[0].value[["Jenis", "Sesudah"]].iloc[0].tolist() == [
        "pembatalan verifikasi", "Jan: menunggu verifikasi"]
