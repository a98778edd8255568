"""History and undo: every change listed with who/when/before/after; reverting a progress change and
restoring an earlier plan version are new audited changes, and nothing is deleted."""

import pytest

from app_fixtures import make_plan, sample_db, sample_db_file, warm_server  # noqa: F401 (fixtures)
from rbdash import history, metrics
from rbdash.errors import ConflictError
from rbdash.schedule import mask_to_months
from rbdash.store import Store
from app_fixtures import start

SATKER = "KPU Kota Riwayat"


@pytest.fixture
def office(db_location):
    store = Store(db_location("riwayat"))
    store.import_plan(make_plan(SATKER, 2024, [(1, "K1", "Indikator satu", [1, 2, 3], []),
                                               (2, "K2", "Indikator dua", [4], [])]), actor="ani")
    return store


def first_id(store):
    return int(metrics.plan_activities(store, SATKER, 2024)["id"][0])


def test_revert_puts_back_what_a_change_replaced(office):
    aid = first_id(office)
    office.save_progress(aid, [1], "https://bukti.go.id/1", "awal", 0, "ani")
    office.save_progress(aid, [1, 2], None, "salah ketik", 1, "budi")
    log = history.changes(office, SATKER, 2024)
    assert log[["actor", "action"]].values.tolist()[:2] == [["budi", "progress"], ["ani", "progress"]]
    assert log["before"].iloc[0] == "Jan; bukti: https://bukti.go.id/1; catatan: awal"
    assert log["after"].iloc[0] == "Jan–Feb; catatan: salah ketik"
    office.revert_progress(int(log["id"].iloc[0]), "citra")
    row = metrics.plan_activities(office, SATKER, 2024).iloc[0]
    assert (mask_to_months(row["realized_mask"]), row["evidence_url"], row["note"], row["revision"]) == \
        ([1], "https://bukti.go.id/1", "awal", 3)
    log = history.changes(office, SATKER, 2024)
    assert log[["actor", "action"]].values.tolist()[0] == ["citra", "revert"]
    assert len(log[log["action"] == "progress"]) == 2  # the undone change is still in the history


def test_revert_refuses_when_the_activity_changed_since(office):
    aid = first_id(office)
    office.save_progress(aid, [1], None, None, 0, "ani")
    office.save_progress(aid, [1, 2], None, None, 1, "budi")
    older = int(history.changes(office, SATKER, 2024, actions=["progress"])["id"].iloc[1])
    with pytest.raises(ConflictError) as exc:
        office.revert_progress(older, "citra")
    assert exc.value.code == "revert_stale"


def test_restore_version_keeps_all_versions_and_realisation(office):
    aid = first_id(office)
    office.save_progress(aid, [1, 2], None, "dari v1", 0, "ani")
    office.import_plan(make_plan(SATKER, 2024, [(1, "K1", "Indikator satu", [1, 2, 3, 4], []),
                                                (3, "K3", "Indikator baru", [5], [])]), actor="budi")
    assert office.restore_version(SATKER, 2024, 1, "citra") == 3
    vers = history.versions(office, SATKER, 2024)
    assert vers["version"].tolist() == [3, 2, 1] and vers["current"].tolist() == [True, False, False]
    acts = metrics.plan_activities(office, SATKER, 2024)
    assert acts["indikator"].tolist() == ["Indikator satu", "Indikator dua"]  # version 1's activities
    assert acts["row"].tolist() == [10, 11]                                 # with their provenance
    assert mask_to_months(acts["realized_mask"].iloc[0]) == [1, 2] and acts["note"].iloc[0] == "dari v1"
    log = history.changes(office, SATKER, 2024)
    assert log["action"].tolist()[0] == "restore_version"
    assert log["after"].iloc[0] == "versi 3 (salinan versi 1)" and log["before"].iloc[0] == "versi 2"
    # re-importing version 2's file makes it current again (it is not a duplicate of the current one)
    again = office.import_plan(make_plan(SATKER, 2024, [(1, "K1", "Indikator satu", [1, 2, 3, 4], []),
                                                        (3, "K3", "Indikator baru", [5], [])]), actor="budi")
    assert (again["status"], again["version"]) == ("version", 4)


def test_history_filters(office):
    aid = first_id(office)
    office.save_progress(aid, [1], None, None, 0, "ani")
    assert history.changes(office, SATKER, 2024, actions=["import"])["action"].tolist() == ["import"]
    assert history.changes(office, SATKER, 2024, actor="ani")["action"].tolist() == ["progress", "import"]
    assert history.changes(office, SATKER, 2024, actor="nobody").empty


@pytest.mark.usefixtures("warm_server")
def test_riwayat_page_undoes_a_progress_change(sample_db):
    store = Store(sample_db)
    aid = int(metrics.plan_activities(store, "KPU Kabupaten Tapin", 2023)["id"][0])
    rev = int(metrics.plan_activities(store, "KPU Kabupaten Tapin", 2023)["revision"][0])
    store.save_progress(aid, [5], None, "keliru", rev, "budi")
    at = start("pages/riwayat.py", tahun="2023", fokus="KPU Kabupaten Tapin")
    at.text_input(key="petugas").input("Siti").run()
    table = at.dataframe[0].value
    assert table["Oleh"].iloc[0] == "budi" and table["Sesudah"].iloc[0].endswith("catatan: keliru")
    at.session_state["riwayat_tabel"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key="batalkan").click().run()
    assert not at.exception
    assert any("Perubahan dibatalkan" in s.value for s in at.success)
    now = metrics.plan_activities(store, "KPU Kabupaten Tapin", 2023).iloc[0]
    assert now["note"] != "keliru" and 5 not in mask_to_months(now["realized_mask"])
    assert at.dataframe[0].value["Jenis"].iloc[0] == "pembatalan progres"
