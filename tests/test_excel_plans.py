"""Issue 19: several plans in one file (two years of one office; a province's compilation, one sheet
per office), the outline hierarchy in one column, and header words in any order.

Generated files with their truth in code (rbdash.demo.bundles, rbdash.demo.outline) are parsed and
scored by the shared scorer's rules (plans paired by office and year); small hand-made workbooks pin
single rules.  The ../shared plans3 fixtures of these families are checked when ../shared is there.
"""

import itertools
import json

import openpyxl
import pytest

from conftest import HAVE_SHARED, NO_SHARED, SHARED
from rbdash import demo, regions
from rbdash.demo import bundles
from rbdash.demo.outline import INDENTS, NUMBERINGS, SCHEDULES, generate_outline
from rbdash.errors import NoPlanFound
from rbdash.excel import parse_plans, parse_workbook

MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]


def _parsed(path):
    """What `parse --json` prints: one object for one plan, an array for several (JSON round trip)."""
    out = [json.loads(json.dumps(p.to_dict())) for p in parse_plans(path)]
    return out[0] if len(out) == 1 else out


def _assert_matches(truth, path):
    ok, n, extra, fails, meta = bundles.compare_plans(truth, _parsed(path))
    assert (ok, extra, fails, meta) == (n, 0, {}, []), f"{ok}/{n} right, {extra} extra, {fails}, {meta}"


# --------------------------------------------------------------------------------- several plans

@pytest.mark.parametrize("seed", (1, 2, 3, 4))
def test_two_years_of_one_office_are_two_plans(tmp_path, seed):
    satker = demo.office_names()[seed * 41 % 500]
    path = tmp_path / f"renaksi_{seed}.xlsx"
    truth = bundles.two_years(path, satker, (2024, 2025), seed)
    out = _parsed(path)
    assert [(p["satker"], p["year"]) for p in out] == [(satker, 2024), (satker, 2025)]
    _assert_matches(truth, path)


def test_each_year_is_read_in_its_own_year(tmp_path):
    """Dates and month texts are read in the year of their own sheet (a 2024 date on the 2025 sheet
    would lie outside its year)."""
    path = tmp_path / "jadwal.xlsx"
    truth = bundles.two_years(path, "KPU Kota Malang", (2024, 2025), 7, families=("dates", "text"))
    _assert_matches(truth, path)
    assert not [w for p in _parsed(path) for w in p["warnings"] if w["type"] == "dates_outside_year"]


@pytest.mark.parametrize("seed, names, own, recap", [
    (1, "place", False, "counts"), (2, "office", False, "listing"), (3, "numbered", True, "counts"),
    (4, "place", True, "listing"), (5, "numbered", False, "listing"), (6, "office", True, "counts")])
def test_a_province_compilation_is_one_plan_per_office(tmp_path, seed, names, own, recap):
    """One sheet per kabupaten/kota office, each of a family drawn from the seed, a cover and a recap
    (counts, or every office's activities listed again): a plan per office, the province office
    only when a sheet is its own."""
    province = list(regions.regions())[seed * 7 % 38]
    path = tmp_path / f"kompilasi_{seed}.xlsx"
    truth = bundles.compilation(path, province, 2025, seed, sheet_names=names, own_sheet=own, recap=recap)
    out = _parsed(path)
    assert [p["satker"] for p in out] == [p["satker"] for p in truth["plans"]]
    assert (f"KPU Provinsi {province}" in {p["satker"] for p in out}) == own
    _assert_matches(truth, path)
    sheet = "Rekap" if recap == "counts" else "Rekap Kompilasi"
    for plan in out:  # the cover and the recap are the file's: said on every plan
        assert {("not_a_plan_sheet", "Sampul"), ("recap_sheet", sheet)} <= {(w["type"], w["sheet"])
                                                                          for w in plan["warnings"]}


def test_offices_named_only_in_their_signatures_are_told_apart(tmp_path):
    path = tmp_path / "kompilasi.xlsx"
    truth = bundles.compilation(path, "Jawa Timur", 2024, 11, sheet_names="numbered", satker_place="signature",
                                families=("checks", "text", "quarterly"))
    _assert_matches(truth, path)
    assert all("satker_from_signature" in {w["type"] for w in p["warnings"]} for p in _parsed(path))


def test_the_compiling_office_in_every_title_is_not_the_plans_office(tmp_path):
    """'KOMPILASI … KPU PROVINSI X' above each office's own title names who compiled, not whose plan."""
    path = tmp_path / "kompilasi.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for place in ("Kapuas", "Katingan"):
        ws = wb.create_sheet(place)
        for line in ("KOMPILASI RENCANA AKSI RB KPU PROVINSI KALIMANTAN TENGAH",
                     f"RENCANA AKSI RB KPU KABUPATEN {place.upper()} TAHUN 2025", None,
                     ["NO", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR", *MONTHS],
                     [1, "Perencanaan Reformasi Birokrasi", "Pembentukan Tim RB", "SK Tim RB", "√"]):
            ws.append(line if isinstance(line, list) else [line])
    wb.save(path)
    assert [(p["satker"], p["year"]) for p in _parsed(path)] == [
        ("KPU Kabupaten Kapuas", 2025), ("KPU Kabupaten Katingan", 2025)]


def _two_sheets(path, first_rows, second_rows, hidden=False):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for year, rows in ((2024, first_rows), (2025, second_rows)):
        ws = wb.create_sheet(f"RENAKSI {year}")
        for line in ("RENCANA AKSI REFORMASI BIROKRASI KPU KOTA MALANG", f"TAHUN {year}", None,
                     ["NO", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR", "WAKTU PELAKSANAAN"], *rows):
            ws.append(line if isinstance(line, list) else [line])
    if hidden:
        wb.create_sheet("Lama").sheet_state = "hidden"
    wb.save(path)


def test_a_period_in_the_title_is_no_year_the_sheet_names_are(tmp_path):
    """'TAHUN 2024-2025' over both sheets names a period; the sheets '2024' and '2025' name the years."""
    path = tmp_path / "renaksi.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for year in (2024, 2025):
        ws = wb.create_sheet(str(year))
        for line in ("RENCANA AKSI RB KPU KOTA MALANG TAHUN 2024-2025", None,
                     ["NO", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR", *MONTHS],
                     [1, "Perencanaan", f"Pembentukan Tim RB {year}", "SK Tim", "√"]):
            ws.append(line if isinstance(line, list) else [line])
    wb.save(path)
    assert [(p["year"], p["activities"][0]["sub_kegiatan"]) for p in _parsed(path)] == [
        (2024, "Pembentukan Tim RB 2024"), (2025, "Pembentukan Tim RB 2025")]


def test_warnings_land_on_the_plan_whose_sheet_they_concern(tmp_path):
    path = tmp_path / "dua_tahun.xlsx"
    _two_sheets(path, [[1, "Perencanaan", "Pembentukan Tim RB", "SK Tim", "Maret s.d. Juni"]],
                [[1, "Perencanaan", "Pembentukan Tim RB", "SK Tim", "Menyesuaikan"],
                 [2, "Pelaksanaan", "Sosialisasi RB", "Media sosial", "Triwulan II"]], hidden=True)
    first, second = _parsed(path)
    assert [(w["type"], w["sheet"], w["row"]) for w in first["warnings"]] == [
        ("hidden_sheet", "Lama", None), ("area_inferred", "RENAKSI 2024", None)]
    assert [(w["type"], w["sheet"], w["row"]) for w in second["warnings"]] == [
        ("hidden_sheet", "Lama", None), ("schedule_text_unreadable", "RENAKSI 2025", 5),
        ("area_inferred", "RENAKSI 2025", None)]
    assert [a["planned_months"] for a in second["activities"]] == [[], [4, 5, 6]]


def test_a_one_plan_reader_refuses_a_file_of_several_by_name(tmp_path):
    path = tmp_path / "dua_tahun.xlsx"
    row = [[1, "Perencanaan", "Pembentukan Tim RB", "SK Tim", "Maret"]]
    _two_sheets(path, row, row)
    with pytest.raises(NoPlanFound) as exc:
        parse_workbook(path)
    assert str(exc.value) == ("the file holds 2 plans (KPU Kota Malang 2024, KPU Kota Malang 2025), where one was "
                              "expected; read it with parse_plans")
    assert exc.value.message_id == ("file berisi 2 rencana aksi (KPU Kota Malang 2024, KPU Kota Malang 2025), "
                                    "padahal yang diharapkan satu")


def test_an_approver_in_the_signature_is_not_the_plans_office(tmp_path):
    path = tmp_path / "renaksi.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in ("RENCANA AKSI REFORMASI BIROKRASI TAHUN 2024", None,
                 ["NO", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR", *MONTHS],
                 [1, "Perencanaan", "Pembentukan Tim RB", "SK Tim", None, "√"], None,
                 [None] * 5 + ["Mengetahui,", None, None, None, "Malang, 2 Januari 2024"],
                 [None] * 5 + ["KETUA KPU PROVINSI JAWA TIMUR,", None, None, None, "SEKRETARIS KPU KOTA MALANG,"]):
        ws.append(line if isinstance(line, list) else [line])
    wb.save(path)
    out = _parsed(path)
    assert out["satker"] == "KPU Kota Malang"
    assert [w["type"] for w in out["warnings"]] == ["area_inferred", "satker_from_signature"]


# --------------------------------------------------------------------------------- outline

OUTLINES = [(n, i, s) for n, i, s in itertools.product(NUMBERINGS, INDENTS, SCHEDULES) if (n, i) != ("none", "none")]


@pytest.mark.parametrize("numbering, indent, schedule", OUTLINES)
def test_outline_in_one_column_parses_to_its_truth(tmp_path, numbering, indent, schedule):
    """Areas, kegiatan and sub-kegiatan in one URAIAN KEGIATAN column, told apart by numbering (in
    the text or in a NO column; only the sub-kegiatan lettered), leading spaces or the cell's indent,
    with a month grid, a quarter grid or WAKTU text."""
    k = OUTLINES.index((numbering, indent, schedule))
    satker = demo.office_names()[k * 13 % 500]
    path = tmp_path / "renaksi.xlsx"
    truth = generate_outline(path, satker, 2025, k, numbering=numbering, indent=indent, schedule=schedule,
                             indicator_first=k % 2 == 0, number_column=k % 3 == 1)
    _assert_matches(truth, path)


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_outline_by_cell_indent_in_a_legacy_xls_or_an_ods(tmp_path, suffix):
    """The levels told by the cells' indent alone, as Excel 97-2003 and OpenDocument (a left margin
    of the cell's paragraphs, as LibreOffice saves an indent) keep it."""
    path = tmp_path / f"renaksi{suffix}"
    truth = generate_outline(path, "KPU Kota Medan", 2025, 5, numbering="none", indent="cell", schedule="grid")
    _assert_matches(truth, path)


# --------------------------------------------------------------------------------- header words

def _table(path, header, rows, title="RENCANA AKSI RB KPU KOTA CONTOH TAHUN 2024"):
    wb = openpyxl.Workbook()
    ws = wb.active
    for line in (title, None, header, *rows):
        ws.append(line if isinstance(line, list) else [line])
    wb.save(path)
    return parse_workbook(path).activities


def test_program_is_the_kegiatan_when_sections_show_the_areas(tmp_path):
    acts = _table(tmp_path / "a.xlsx", ["NO", "OUTPUT", "PROGRAM", "RENCANA AKSI", *MONTHS],
                  [["I", "MANAJEMEN PERUBAHAN"], [1, "SK Tim", "Perencanaan RB", "Pembentukan Tim RB", "√"]])
    assert [(a.area_no, a.kegiatan, a.sub_kegiatan, a.indikator) for a in acts] == [
        (1, "Perencanaan RB", "Pembentukan Tim RB", "SK Tim")]


def test_program_is_the_area_when_nothing_else_shows_it(tmp_path):
    for header in (["PROGRAM", "RENCANA AKSI", "INDIKATOR", *MONTHS],
                   ["PROGRAM KEGIATAN", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR", *MONTHS]):
        row = ["Manajemen Perubahan", *(["Perencanaan RB"] if len(header) == 16 else []), "Pembentukan Tim RB",
               "SK Tim", "√"]
        (act,) = _table(tmp_path / "b.xlsx", header, [row])
        assert (act.area_no, act.area_source, act.sub_kegiatan) == (1, "column", "Pembentukan Tim RB")


@pytest.mark.parametrize("words", ["RINCIAN KEGIATAN", "URAIAN KEGIATAN", "TAHAPAN KEGIATAN", "RENCANA AKSI"])
def test_the_sub_kegiatan_named_in_other_words_beside_kegiatan(tmp_path, words):
    """Words offices head the sub-kegiatan column with, next to a KEGIATAN column: neither may take
    the other's place (RINCIAN KEGIATAN once read as a second KEGIATAN column)."""
    acts = _table(tmp_path / "w.xlsx", ["NO", "AREA PERUBAHAN", "NAMA KEGIATAN", words, "INDIKATOR KINERJA", *MONTHS],
                  [[1, "Manajemen Perubahan", "Perencanaan RB", "Pembentukan Tim RB", "SK Tim", "√"]])
    assert [(a.kegiatan, a.sub_kegiatan, a.indikator) for a in acts] == [("Perencanaan RB", "Pembentukan Tim RB", "SK Tim")]


@pytest.mark.parametrize("header", [["OUTPUT", "KEGIATAN", "INDIKATOR KEBERHASILAN", *MONTHS],
                                    ["KEGIATAN", "INDIKATOR KEBERHASILAN", "OUTPUT", *MONTHS]])
def test_indikator_beats_output_wherever_they_stand(tmp_path, header):
    row = {"OUTPUT": "Dokumen", "KEGIATAN": "Pembentukan Tim RB", "INDIKATOR KEBERHASILAN": "SK Tim terbit"}
    (act,) = _table(tmp_path / "c.xlsx", header, [[row.get(h) for h in header[:3]] + ["√"]])
    assert (act.kegiatan, act.indikator) == ("Pembentukan Tim RB", "SK Tim terbit")


# --------------------------------------------------------------------------------- ../shared plans3

PLANS3 = SHARED / "fixtures" / "plans3"
FIXTURES3 = ["kpu_kabupaten_lampung_selatan_2024_2025", "kompilasi_renaksi_rb_kabkota_kalimantan_tengah_2025",
             "kpu_kota_medan_2025", "kpu_kabupaten_siak_2025", "kpu_kabupaten_deli_serdang_2024"]


@pytest.mark.skipif(not (HAVE_SHARED and PLANS3.is_dir()), reason=NO_SHARED)
@pytest.mark.parametrize("name", FIXTURES3)
def test_plans3_fixture_parses_to_its_truth(name):
    truth = json.loads((PLANS3 / f"{name}.truth.json").read_text(encoding="utf-8"))
    _assert_matches(truth, PLANS3 / truth["file"])


def test_a_sheet_named_after_a_place_names_its_office_only_when_one_office_has_that_name():
    assert [regions.office_named(n) for n in ("Kapuas", "kotawaringin timur", "Kalimantan Tengah", "Bekasi",
                                               "Renaksi", "Sheet1")] == [
        "KPU Kabupaten Kapuas", "KPU Kabupaten Kotawaringin Timur", "KPU Provinsi Kalimantan Tengah", None, None, None]
