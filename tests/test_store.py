"""Store: migrations, versions with realisation carried over, rollback, progress edits and conflicts."""

import json

import openpyxl
import pytest

from conftest import PLANS, db_snapshot
from rbdash import store as store_mod
from rbdash.errors import ConflictError, ValidationError
from rbdash.excel import parse_workbook
from rbdash.schedule import mask_to_months, months_to_mask
from rbdash.store import Store


def test_migrations_are_recorded_and_idempotent(tmp_path):
    path = tmp_path / "m.duckdb"
    Store(path)
    s = Store(path)
    assert s.schema_version() == len(store_mod.MIGRATIONS)
    assert s.query_df("SELECT count(*) AS n FROM migrations")["n"][0] == len(store_mod.MIGRATIONS)


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


def test_new_version_keeps_old_and_carries_realisation(store, tmp_path):
    plan = parse_workbook(PLANS / "kpu_kota_pasuruan_2022.xlsx")
    first = store.import_plan(plan)
    assert (first["status"], first["version"]) == ("new", 1)
    a1 = first_activity(store, "KPU Kota Pasuruan")
    rev = store.save_progress(int(a1.id), [2, 3], "https://drive.example.go.id/bukti/1", "rapat selesai", 0, "ani")
    assert rev == 1

    changed = tmp_path / "pasuruan_v2.xlsx"
    wb = openpyxl.load_workbook(PLANS / "kpu_kota_pasuruan_2022.xlsx")
    wb.active["F8"] = "√"
    wb.save(changed)
    result = store.import_plan(parse_workbook(changed))
    assert (result["status"], result["version"]) == ("version", 2)
    assert result["carried_over"] >= 1

    v1 = first_activity(store, "KPU Kota Pasuruan", 1)
    v2 = first_activity(store, "KPU Kota Pasuruan", 2)
    assert mask_to_months(v1.realized_mask) == [2, 3]          # the old version is kept as it was
    assert mask_to_months(v2.planned_mask) == list(range(1, 13))
    assert mask_to_months(v2.realized_mask) == [2, 3]          # carried over
    assert v2.evidence_url == "https://drive.example.go.id/bukti/1"
    counts = store.counts()
    assert (counts["plan_versions"], counts["activities"]) == (2, 266)
    latest = store.query_df("SELECT version FROM latest_versions")
    assert latest["version"].tolist() == [2]


def test_identical_reimport_is_a_noop(store):
    plan = parse_workbook(PLANS / "kpu_kabupaten_banjar_2023.xlsx")
    store.import_plan(plan)
    before = db_snapshot(store)
    assert store.import_plan(parse_workbook(PLANS / "kpu_kabupaten_banjar_2023.xlsx"))["status"] == "duplicate"
    assert db_snapshot(store) == before


def test_failed_import_rolls_back_everything(store, monkeypatch):
    store.import_plan(parse_workbook(PLANS / "kpu_kabupaten_tapin_2023.xlsx"))
    before = db_snapshot(store)

    def boom(*a, **k):
        raise RuntimeError("disk full")
    monkeypatch.setattr(Store, "_audit", boom)  # fails after plan_versions and activities were inserted
    with pytest.raises(RuntimeError):
        store.import_plan(parse_workbook(PLANS / "kpu_kabupaten_banjar_2023.xlsx"))
    assert db_snapshot(store) == before


def test_monev_import_creates_progress_with_evidence(store):
    store.import_plan(parse_workbook(PLANS / "kpu_provinsi_kalimantan_selatan_2023_monev.xlsx"))
    a = first_activity(store, "KPU Provinsi Kalimantan Selatan")
    assert mask_to_months(a.realized_mask) == [1, 2, 3]
    assert a.evidence_url == "https://drive.example.go.id/rb/1"


def test_progress_conflict_is_refused_not_overwritten(store):
    store.import_plan(parse_workbook(PLANS / "kpu_kabupaten_tapin_2023.xlsx"))
    aid = int(first_activity(store, "KPU Kabupaten Tapin").id)
    store.save_progress(aid, [1], None, "oleh budi", 0, "budi")
    with pytest.raises(ConflictError) as exc:
        store.save_progress(aid, [1, 2], None, "oleh ani", 0, "ani")  # ani loaded revision 0 too
    assert exc.value.message_id.startswith(f"kegiatan {aid} sudah diubah oleh budi pada ")
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
    store.import_plan(parse_workbook(PLANS / "kpu_kabupaten_tapin_2023.xlsx"))
    aid = int(first_activity(store, "KPU Kabupaten Tapin").id)
    before = db_snapshot(store)
    with pytest.raises(ValidationError) as exc:
        store.save_progress(aid, months, url, None, 0, "ani")
    assert exc.value.message_id == message
    assert db_snapshot(store) == before


def test_satker_levels_and_provinces(store):
    for f in ("kpu_kota_banjarmasin_2022", "kpu_provinsi_kalimantan_selatan_2023_monev"):
        store.import_plan(parse_workbook(PLANS / f"{f}.xlsx"))
    df = store.query_df("SELECT name, level, province FROM satker ORDER BY name")
    assert df.values.tolist()[1] == ["KPU Provinsi Kalimantan Selatan", "Provinsi", "Kalimantan Selatan"]
    assert df.values.tolist()[0] == ["KPU Kota Banjarmasin", "Kota", "Kalimantan Selatan"]
