"""Parser: the shared fixture families, one small workbook per quirk, satker/year normalisation.

Tests on ../shared (the real-style fixtures and their scorer) skip with conftest.NO_SHARED when it is
not beside the clone; everything else builds its own workbooks.
"""

import datetime as dt
import importlib.util
import json
import subprocess
import sys

import pytest
from openpyxl.styles.colors import Color

from conftest import HAVE_SHARED, HEADER, NO_SHARED, PLANS, PLANS2, ROOT, SAMPLES, SCORE_TOOL, TRUTHS, TRUTHS2, plan_rows
from rbdash import demo
from rbdash.excel import find_satker, find_year, month_of, parse_workbook, split_packed

needs_shared = pytest.mark.skipif(not HAVE_SHARED, reason=NO_SHARED)


def _score_parse():
    """The shared scorer as a module (only called when ../shared is there)."""
    spec = importlib.util.spec_from_file_location("score_parse", SCORE_TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_FIXTURES = [pytest.param(t, id=f"{t.parent.name}/{t.name.removesuffix('.truth.json')}") for t in TRUTHS + TRUTHS2]


@needs_shared
@pytest.mark.parametrize("truth_file", _FIXTURES or [pytest.param(None, id="shared-absent")])
def test_fixture_scores_perfectly(truth_file):
    """Each shared fixture scores perfectly, and demo.compare (the scorer for generated workbooks)
    agrees with the shared scorer on it."""
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    out = json.loads(json.dumps(parse_workbook(truth_file.parent / truth["file"]).to_dict()))
    ok, n, extra, fails, meta = _score_parse().score_file(truth, out)
    assert demo.compare(truth, out) == (ok, n, extra, fails, meta)
    assert (ok, extra, fails, meta) == (n, 0, {}, [])


@needs_shared
@pytest.mark.parametrize("plans", [PLANS, PLANS2], ids=["plans", "plans2"])
def test_score_tool_reports_full_accuracy(plans):
    """The contract other tools rely on: the CLI, run by the shared scorer, scores 1.000 on both sets."""
    p = subprocess.run([sys.executable, str(SCORE_TOOL), str(plans), "--",
                        sys.executable, "-m", "rbdash", "parse", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert "record accuracy 1.000" in p.stdout, p.stdout + p.stderr
    assert "satker/year wrong or unreadable in 0 files" in p.stdout, p.stdout
    assert p.returncode == 0


def acts(path):
    return parse_workbook(path).activities


TEXTS = ("1", "1. Manajemen Perubahan", "1.1. Perencanaan Reformasi Birokrasi",
         "a. Pembentukan Tim Reformasi Birokrasi", "SK Tim RB")


@pytest.mark.parametrize("mark", ["√", "✓", "✔", "v", "V", "x", "X", 1, "1", "ya", "•"])
def test_any_tick_like_mark_schedules_a_month(make_wb, mark):
    path = make_wb(plan_rows([(TEXTS, {2: mark, 5: mark})]))
    (a,) = acts(path)
    assert a.planned_months == [2, 5]


@pytest.mark.parametrize("not_mark", ["-", "0", 0, "ttd", "tidak"])
def test_non_marks_are_not_scheduled(make_wb, not_mark):
    path = make_wb(plan_rows([(TEXTS, {1: "√", 3: not_mark})]))
    assert acts(path)[0].planned_months == [1]


@pytest.mark.parametrize("months, expected", [
    (["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"], [3, 12]),
    (["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
      "November", "Desember"], [3, 12]),
    ([dt.datetime(2024, m, 1) for m in range(1, 13)], [3, 12]),
    ([f"{m}" for m in range(1, 13)], [3, 12]),
])
def test_month_headers_as_numbers_names_or_dates(make_wb, months, expected):
    path = make_wb(plan_rows([(TEXTS, {3: "√", 12: "√"})], months=months))
    assert acts(path)[0].planned_months == expected


def test_table_found_anywhere_with_column_number_row(make_wb):
    rows = plan_rows([(TEXTS, {4: "√"})])
    rows.insert(2, list(range(1, 19)))  # 1..18 column numbers under the header: not months
    path = make_wb(rows, origin=(6, 3))
    (a,) = acts(path)
    assert (a.row, a.planned_months, a.area_no) == (6 + 2 + 3, [4], 1)


@pytest.mark.parametrize("color, expected", [
    ("92D050", [2, 3]),                                   # rgb green
    (Color(theme=9, tint=0.3999755851924192), [2, 3]),    # theme accent + tint
    (Color(indexed=10), [2, 3]),                          # indexed red
    ("FFFFFF", []),                                       # white is no mark
])
def test_fill_colour_schedules(make_wb, color, expected):
    rows = plan_rows([(TEXTS, {})])
    fills = {(3, 5 + m): color for m in (2, 3)}
    path = make_wb(rows, fills=fills)
    if expected:
        assert acts(path)[0].planned_months == expected
    else:
        with pytest.raises(Exception, match="no scheduled activity"):
            parse_workbook(path)


def test_shaded_section_row_is_not_a_schedule(make_wb):
    rows = plan_rows([(("I", "MANAJEMEN PERUBAHAN", None, None, None), {}), (TEXTS, {})])
    fills = {(3, c): "D9D9D9" for c in range(1, 19)}
    fills.update({(4, 6): "92D050"})
    (a,) = acts(make_wb(rows, fills=fills))
    assert (a.row, a.planned_months) == (6, [1])


def test_sections_headings_and_detail_lines(make_wb):
    header = ["No", "Kegiatan", "Rencana Aksi", "Output / Indikator"]
    rows = plan_rows([
        (("II", "DEREGULASI KEBIJAKAN", None, None), {}),
        (("1", "Pengelolaan JDIIH", None, None), {}),
        (("1.1", None, "Pembangunan JDIIH", "Dapat diaksesnya JDIIH"), {1: "x"}),
        ((None, None, "a) Ketersediaan sarana pendukung;", None), {}),
        (("1.2", None, "Pengelolaan JDIIH", "Updatenya data JDIIH"), {2: "x"}),
        (("VII", "PENGUATAN PENGAWASAN", None, None), {}),
        (("1", "Pengelolaan SPIP", None, None), {}),
        (("1.1", None, "Pelaksanaan SPIP", "Terselenggaranya SPIP"), {3: "x"}),
    ], header=header)
    got = [(a.area_no, a.kegiatan, a.sub_kegiatan, a.planned_months) for a in acts(make_wb(rows))]
    assert got == [
        (2, "Pengelolaan JDIIH", "Pembangunan JDIIH\na) Ketersediaan sarana pendukung;", [1]),
        (2, "Pengelolaan JDIIH", "Pengelolaan JDIIH", [2]),
        (7, "Pengelolaan SPIP", "Pelaksanaan SPIP", [3]),
    ]


def test_repeated_header_blocks_legend_and_signature_are_not_data(make_wb):
    rows = plan_rows([(TEXTS, {1: "√"})])
    rows += [HEADER + ["PELAKSANAAN (BULAN)"] + [None] * 11 + ["KET"], [None] * 5 + list(range(1, 13))]
    rows += [(("2", "2. Penataan Peraturan Perundang-undangan", "2.1. Pengelolaan JDIIH", "a. JDIIH", "Data JDIIH")
              + tuple("√" if m == 6 else None for m in range(1, 13)))]
    rows += [[None], ["Keterangan:", None, None, None, None, "√", "= jadwal pelaksanaan"],
             [None] * 12 + ["Ditetapkan di Kota Contoh"], [None] * 12 + ["ttd"]]
    got = [(a.area_no, a.planned_months) for a in acts(make_wb(rows))]
    assert got == [(1, [1]), (2, [6])]


@pytest.mark.parametrize("first", ["Ditetapkan di Kota Contoh", "Kota Contoh, 2 Januari 2024"])
def test_a_signature_under_the_indicator_column_ends_the_table(make_wb, first):
    """In a narrow table the signature block may stand under the indicator column: it is no more
    indicator text, and it names the office when the title does not."""
    rows = plan_rows([(TEXTS, {1: "√"})])
    rows += [[None], [None] * 4 + [first], [None] * 4 + ["KETUA KPU KOTA CONTOH,"], [None] * 4 + ["ttd"],
             [None] * 4 + ["NAMA KETUA"]]
    plan = parse_workbook(make_wb(rows, title="RENCANA AKSI REFORMASI BIROKRASI TAHUN 2024"))
    assert [a.indikator for a in plan.activities] == ["SK Tim RB"]
    assert plan.satker == "KPU Kota Contoh"


def test_a_note_alone_on_its_row_is_no_area_section(make_wb):
    """'SDM' alone in the KET column (the rest of 'Kasubag Hukum dan SDM') names no area."""
    rows = plan_rows([(TEXTS, {1: "√"}),
                      (("2", "7. Penguatan Pengawasan", "7.1. Pengelolaan SPIP", "a. Pelaksanaan SPIP", "Laporan"),
                       {2: "√"}),
                      ((None,) * 5, {})])
    rows[-2][-1] = "Kasubag Hukum dan"
    rows[-1][-1] = "SDM"
    rows += plan_rows([((None, None, None, "b. Monev SPIP", "Laporan monev"), {3: "√"})])[2:]
    assert [(a.area_no, a.sub_kegiatan) for a in acts(make_wb(rows))] == [
        (1, "Pembentukan Tim Reformasi Birokrasi"), (7, "Pelaksanaan SPIP"), (7, "Monev SPIP")]


def test_start_end_months(make_wb):
    header = ["No", "Area Perubahan", "Kegiatan", "Sub Kegiatan", "Indikator", "Mulai", "Selesai"]
    rows = [header,
            [1, "7. Pengawasan", "Pengelolaan SPIP", "Pelaksanaan SPIP", "Laporan", "Maret", "Juni"],
            [2, "7. Pengawasan", "Pengelolaan SPIP", "Monev SPIP", "Laporan", 11, 9],
            [3, "7. Pengawasan", "Pengelolaan SPIP", "Monev SPIP", "Laporan", dt.datetime(2024, 2, 1), "Feb"]]
    plan = parse_workbook(make_wb(rows))
    assert [a.planned_months for a in plan.activities] == [[3, 4, 5, 6], [9, 10, 11], [2]]
    assert [(i.type, i.row) for i in plan.warnings] == [("end_before_start", 5)]


def test_monev_target_realisation_subcolumns(make_wb):
    header = HEADER + ["JADWAL DAN REALISASI"] + [None] * 23 + ["CAPAIAN (%)", "BUKTI DUKUNG"]
    months = [None] * 5 + [v for m in range(1, 13) for v in (m, None)]
    tr = [None] * 5 + ["T", "R"] * 12
    row = list(TEXTS) + [None] * 24 + [50, "https://contoh.go.id/bukti"]
    for m, col in ((1, 5), (2, 7)):
        row[col] = "√"
    row[6] = "√"  # realised in January
    plan = parse_workbook(make_wb([header, months, tr, row]))
    (a,) = plan.activities
    assert (a.planned_months, a.realized_months, a.capaian, a.evidence) == (
        [1, 2], [1], 50.0, "https://contoh.go.id/bukti")
    assert plan.has_realization


def test_rencana_realisasi_row_pairs(make_wb):
    header = HEADER + ["Uraian"]
    rows = [header + ["PELAKSANAAN"] + [None] * 11, [None] * 6 + list(range(1, 13))]
    rows.append(list(TEXTS) + ["Rencana"] + ["√" if m in (1, 2, 3) else None for m in range(1, 13)])
    rows.append([None] * 5 + ["Realisasi"] + ["√" if m in (1, 3) else None for m in range(1, 13)])
    (a,) = acts(make_wb(rows))
    assert (a.planned_months, a.realized_months) == ([1, 2, 3], [1, 3])


def test_hidden_and_recap_sheets_are_skipped_with_a_warning(make_wb):
    """A recap is skipped for what it holds (counts under the plan's headers), not for its name."""
    other = plan_rows([(TEXTS, {7: "√"})])
    recap = [HEADER + list(range(1, 13))] + [[n, name, 2, 3, 4] + [1] * 12
                                              for n, name in ((1, "Manajemen Perubahan"), (2, "Penataan Tata Laksana"))]
    path = make_wb(plan_rows([(TEXTS, {1: "√"})]),
                   extra_sheets=[("Lama", [["RENCANA AKSI KPU KOTA LAIN TAHUN 2020"]] + other, "hidden"),
                                 ("Rekap", recap, "visible")])
    plan = parse_workbook(path)
    assert [(a.sheet, a.planned_months) for a in plan.activities] == [("Renaksi", [1])]
    assert [i.type for i in plan.warnings] == ["hidden_sheet", "recap_sheet"]
    assert plan.warnings[0].message_id == "lembar tersembunyi 'Lama' dilewati"
    assert plan.satker == "KPU Kota Contoh"


@pytest.mark.parametrize("name", ["Rekap Renaksi", "Gantt Chart RB", "Jadwal"])
def test_a_plan_is_read_whatever_its_sheet_is_called(make_wb, name):
    path = make_wb(plan_rows([(TEXTS, {3: "√"})]), extra_sheets=[(name, plan_rows([(TEXTS, {7: "√"})]), "visible")])
    plan = parse_workbook(path)
    assert [(a.sheet, a.planned_months) for a in plan.activities] == [("Renaksi", [3]), (name, [7])]


def test_areas_inferred_from_content_when_file_has_none(make_wb):
    header = ["No", "Kegiatan", "Indikator Kinerja"]
    rows = plan_rows([
        ((1, "Penyampaian LHKPN", "Persentase yang sudah menyampaikan LHKPN"), {1: "v"}),
        ((2, "Pembangunan JDIIH KPU Kota Contoh", "Dapat diaksesnya JDIIH"), {2: "v"}),
        ((3, "Pengukuran Kinerja Individu", "Seluruh Pegawai memiliki Sasaran Kinerja Pegawai"), {3: "v"}),
    ], header=header)
    plan = parse_workbook(make_wb(rows))
    assert [(a.area_no, a.area_source) for a in plan.activities] == [(7, "catalogue"), (2, "catalogue"),
                                                                      (5, "catalogue")]
    assert plan.warnings[0].type == "area_inferred"


@pytest.mark.parametrize("title, satker, year", [
    ("RENCANA AKSI RB KPU KOTA BANJARBARU TAHUN 2023", "KPU Kota Banjarbaru", 2023),
    ("KOMISI PEMILIHAN UMUM KABUPATEN HULU SUNGAI SELATAN TAHUN 2024", "KPU Kabupaten Hulu Sungai Selatan", 2024),
    ("Rencana Aksi KPU Kab. Tapin Th. 2025", "KPU Kabupaten Tapin", 2025),
    ("RENCANA AKSI KPU PROV. JAWA TIMUR TA 2024", "KPU Provinsi Jawa Timur", 2024),
    ("RENCANA AKSI REFORMASI BIROKRASI KPU RI TAHUN 2023", "KPU RI", 2023),
    ("DI LINGKUNGAN KPU KOTA PASURUAN, 2022", "KPU Kota Pasuruan", 2022),
])
def test_satker_and_year_from_title(title, satker, year):
    assert (find_satker([title]), find_year([title])) == (satker, year)


@pytest.mark.parametrize("value, month", [
    ("Januari", 1), ("agt", 8), ("Nopember", 11), (12, 12), (12.0, 12), ("13", None),
    (dt.date(2024, 5, 1), 5), ("bulan Mei", 5), (None, None), ("x", None)])
def test_month_of(value, month):
    assert month_of(value) == month


@pytest.mark.parametrize("text, expected", [
    ("1) Data A 2) Data B", ["1) Data A", "2) Data B"]),
    ("Pelaporan berupa dokumen:\n1) SK Tim\n2) Rencana Aksi", ["Pelaporan berupa dokumen:", "1) SK Tim",
                                                               "2) Rencana Aksi"]),
    ("Perpres 16 Tahun 2018", "Perpres 16 Tahun 2018"),
    ("2) only one", "2) only one"),
])
def test_packed_indicators_split(text, expected):
    assert split_packed(text) == expected


def test_provenance_points_at_the_source_row(make_wb):
    rows = plan_rows([(TEXTS, {1: "√"}), ((None, None, None, "b. Pembangunan komitmen", "Deklarasi"), {2: "√"})])
    got = [(a.sheet, a.row, a.sub_kegiatan) for a in acts(make_wb(rows, sheet="Lampiran I"))]
    # title at row 1, header rows 3-4, data from row 5
    assert got == [("Lampiran I", 5, "Pembentukan Tim Reformasi Birokrasi"),
                   ("Lampiran I", 6, "Pembangunan komitmen")]


def test_generated_unseen_workbooks_score_perfectly(tmp_path):
    """Other offices, content and variations of every seed family, written by the demo generator (the
    issue 6 families are in test_excel_families.py)."""
    total = ok_all = 0
    failures = []
    for i, family in enumerate(demo.FAMILIES):
        for seed in range(3):
            name = demo.office_names()[(i * 7 + seed * 31) % 500]
            path = tmp_path / f"{family}_{seed}.xlsx"
            truth = demo.generate(path, family, name, 2024 + seed % 2, seed=1000 + seed * 17 + i)
            out = json.loads(json.dumps(parse_workbook(path).to_dict()))
            ok, n, extra, fails, meta = demo.compare(truth, out)
            total += n + extra
            ok_all += ok
            if ok != n or extra or meta:
                failures.append((family, seed, ok, n, extra, fails, meta))
    assert not failures
    assert ok_all == total


def test_damaged_bytes_are_refused_never_crash():
    """Seeded corruption of a shaded workbook (flipped bytes, cut tails): every outcome is a parse or a
    named refusal; zlib, zip and XML errors never escape as tracebacks."""
    import random

    from rbdash.errors import RbdashError
    rng = random.Random(20261123)
    data = (SAMPLES / "kpu_kota_banjarmasin_2022.xlsx").read_bytes()  # fills: the styles XML is read too
    codes = set()
    for _ in range(120):
        b = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        if rng.random() < 0.3:
            b = b[:rng.randrange(len(b))]
        try:
            parse_workbook(bytes(b), name="rusak.xlsx")
        except RbdashError as exc:
            codes.add(exc.code)
    assert "truncated" in codes and codes <= {"truncated", "unreadable", "plain_zip", "not_excel", "no_table",
                                              "no_rows", "no_satker", "no_year", "zip_bomb"}
