"""One matcher for the names of offices and provinces (rbdash.regions.key): the same spellings are
accepted wherever a name is compared -- workbooks, the deck, who has not submitted, the command line."""

import json
import subprocess
import sys

import pytest

from app_fixtures import make_plan
from conftest import ROOT
from rbdash import regions, report, submission
from rbdash.errors import ValidationError
from rbdash.excel.office import find_satker
from rbdash.store import Store


@pytest.mark.parametrize("spelling, official", [
    ("KPU Kab. Banjar", "KPU Kabupaten Banjar"), ("kpu kabupaten banjar", "KPU Kabupaten Banjar"),
    ("KOMISI PEMILIHAN UMUM KABUPATEN BANJAR", "KPU Kabupaten Banjar"), ("Kab Banjar", "KPU Kabupaten Banjar"),
    ("KPU KOTA ADM. JAKARTA PUSAT", "KPU Kota Jakarta Pusat"), ("Kota Administrasi Jakarta Pusat", "KPU Kota Jakarta Pusat"),
    ("KPU Kotamadya Banjarbaru", "KPU Kota Banjarbaru"), ("KPU Prov. Kalimantan Selatan", "KPU Provinsi Kalimantan Selatan"),
    ("kpu propinsi kalimantan  selatan", "KPU Provinsi Kalimantan Selatan"), ("KPU RI", "KPU RI"),
    ("Komisi Pemilihan Umum Republik Indonesia", "KPU RI"), ("KPU Kab. Hulu Sungai Selatan", "KPU Kabupaten Hulu Sungai Selatan")])
def test_office_spellings_match_the_official_name(spelling, official):
    assert regions.office(spelling).name == official
    assert regions.same_name(spelling, official)


@pytest.mark.parametrize("spelling", ["KPU Kota Fiktif", "KPU Kabupaten Banjarbaru", "Banjar", "", None])
def test_other_names_match_no_office(spelling):
    assert regions.office(spelling) is None


@pytest.mark.parametrize("spelling, official", [
    ("Kalimantan Selatan", "Kalimantan Selatan"), ("kalimantan selatan", "Kalimantan Selatan"),
    ("KALIMANTAN SELATAN", "Kalimantan Selatan"), ("Prov. Kalimantan Selatan", "Kalimantan Selatan"),
    ("Provinsi Kalimantan Selatan", "Kalimantan Selatan"), ("KPU PROVINSI KALIMANTAN SELATAN", "Kalimantan Selatan"),
    (" dki jakarta ", "DKI Jakarta"), ("Daerah Istimewa Yogyakarta", "Daerah Istimewa Yogyakarta"),
    ("papua barat daya", "Papua Barat Daya")])
def test_province_spellings(spelling, official):
    assert regions.province(spelling) == official
    assert spelling in regions.regions() and regions.regions()[spelling] is regions.regions()[official]


@pytest.mark.parametrize("spelling", ["Atlantis", "Kota Banjarbaru", "KPU RI", "Kalimantan", "", "  ", None])
def test_other_words_are_no_province(spelling):
    assert regions.province(spelling) is None and spelling not in regions.regions()


def test_the_province_list_iterates_its_official_names():
    provinces = regions.regions()
    assert len(provinces) == 38 and list(provinces)[0] == "Aceh" and "Kalimantan Selatan" in list(provinces)
    assert dict(provinces.items())["Jawa Timur"] == provinces["jawa timur"]


@pytest.mark.parametrize("word, level", [("KAB.", "Kabupaten"), ("kab", "Kabupaten"), ("Prov.", "Provinsi"),
                                         ("PROVINSI", "Provinsi"), ("Kota", "Kota"), ("Kota Adm.", "Kota"),
                                         ("desa", None)])
def test_level_words(word, level):
    assert regions.level_of(word) == level


def test_a_workbook_title_names_the_office_with_the_same_level_words():
    assert find_satker(["RENCANA AKSI RB KPU KAB. TAPIN TAHUN 2024"]) == "KPU Kabupaten Tapin"
    assert find_satker(["KOMISI PEMILIHAN UMUM PROV. KALIMANTAN SELATAN"]) == "KPU Provinsi Kalimantan Selatan"


@pytest.fixture
def kalsel(tmp_path):
    store = Store(tmp_path / "kalsel.duckdb")
    store.import_plan(make_plan("KPU Kota Banjarbaru", 2024, [(1, "K", "I", [1, 2], [1])], has_realization=True,
                                as_of=3), actor="test")
    store.import_plan(make_plan("KPU KAB. TAPIN", 2024, [(1, "K", "I", [1], [])]), actor="test")
    yield store
    store.close()


def test_who_has_not_submitted_takes_any_spelling_of_the_province(kalsel):
    official = submission.missing(kalsel, 2024, province="Kalimantan Selatan", as_of=3)
    spelt = submission.missing(kalsel, 2024, province="kalimantan selatan", as_of=3)
    assert len(official) == 1 + 13 - 1 and spelt.equals(official)  # KPU Provinsi + 13 kab/kota, Banjarbaru reports
    assert set(spelt["province"]) == {"Kalimantan Selatan"}
    assert spelt.loc[spelt["satker"] == "KPU Kabupaten Tapin", "imported_as"].item() == "KPU KAB. TAPIN"


def test_the_deck_takes_any_spelling_of_province_and_offices(kalsel):
    data = report.collect(kalsel, 2024, 3, province="KALIMANTAN SELATAN", offices=["kpu kabupaten tapin"])
    assert data["view"].province == "Kalimantan Selatan" and data["offices"] == ["KPU KAB. TAPIN"]
    assert report.outline(data)[1] == "Ringkasan: Kalimantan Selatan" and report.outline(data)[-1] == "Gantt: KPU KAB. TAPIN"
    with pytest.raises(ValidationError, match="'Atlantis' is not a province"):
        report.collect(kalsel, 2024, 3, province="Atlantis")
    with pytest.raises(ValidationError, match="'KPU Kota Banjar' has no plan"):
        report.collect(kalsel, 2024, 3, offices=["KPU Kota Banjar"])


def test_cli_missing_takes_a_province_in_lower_case(kalsel):
    """`user add --province` accepted 'kalimantan selatan' while `missing --province` refused it (exit 2)."""
    path = kalsel.path
    kalsel.close()

    def missing(province):
        p = subprocess.run([sys.executable, "-m", "rbdash", "missing", "--db", str(path), "--year", "2024",
                            "--province", province, "--as-of", "3", "--json"], capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
        assert (p.returncode, p.stderr) == (0, ""), p.stderr
        return json.loads(p.stdout)
    rows = missing("kalimantan selatan")
    assert rows == missing("Kalimantan Selatan") and len(rows) == 13
    assert {r["province"] for r in rows} == {"Kalimantan Selatan"}
    assert {"satker": "KPU Kabupaten Tapin", "province": "Kalimantan Selatan", "status": "no_realisation",
            "imported_as": "KPU KAB. TAPIN"} in rows


def test_an_office_account_writes_its_office_in_any_spelling():
    """The account is bound to the official name; a plan stored under a spelling variant of it is the
    same office (as 'who has not submitted' counts it), another office is not."""
    from rbdash.accounts import User
    from rbdash.errors import PermissionDenied
    tapin = User("tapin", "office", "Kalimantan Selatan", "KPU Kabupaten Tapin")
    assert tapin.may_write("KPU KAB. TAPIN", "Kalimantan Selatan") and tapin.may_write("KPU Kabupaten Tapin", None)
    assert not tapin.may_write("KPU Kabupaten Banjar", "Kalimantan Selatan")
    with pytest.raises(PermissionDenied) as refused:
        tapin.check_write("KPU Kota Tapin", "Kalimantan Selatan")
    assert refused.value.message_id == ("tapin (operator satker KPU Kabupaten Tapin) tidak berwenang mengubah data "
                                        "KPU Kota Tapin")
