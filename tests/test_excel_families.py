"""Issue 6: the plan layouts offices really send, read without ../shared.

Generated workbooks of every family (rbdash.demo, truth in code) are parsed and compared with their
truth by the shared scorer's rules (demo.compare); one small workbook per quirk pins the exact reading.
Expected values come from the generator's truth or from the rule being tested, never from a parse.
"""

import datetime as dt
import json

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.cell_range import CellRange

from rbdash import demo
from rbdash.errors import RbdashError
from rbdash.excel import parse_workbook

SEEDS = (1, 2, 3)
UNREADABLE_WARNING = "schedule_text_unreadable"


def _parsed(path):
    """The `parse --json` dict of a workbook (round-tripped through JSON like the CLI)."""
    return json.loads(json.dumps(parse_workbook(path).to_dict()))


def _assert_matches_truth(path, truth):
    out = _parsed(path)
    ok, n, extra, fails, meta = demo.compare(truth, out)
    assert (ok, extra, fails, meta) == (n, 0, {}, []), f"{ok}/{n} right, {extra} extra, {fails}, {meta}"
    # text that says no month: the activity is there, its schedule empty, and a located warning says why
    unreadable = {(r["sheet"], r["row"]) for r in truth["records"] if "schedule_text" in r and not r["planned_months"]}
    warned = {(w["sheet"], w["row"]) for w in out["warnings"] if w["type"] == UNREADABLE_WARNING}
    assert unreadable <= warned, sorted(unreadable - warned)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("family", demo.NEW_FAMILIES)
def test_family_parses_to_its_truth(tmp_path, family, seed):
    """An unseen office of each family, variations drawn from the seed; the file name never names the
    office (it must come from the workbook)."""
    names = demo.office_names()
    satker = names[(demo.NEW_FAMILIES.index(family) * 13 + seed * 37) % 500]
    path = tmp_path / f"rencana_aksi_{seed}{demo.file_suffix(family)}"
    truth = demo.generate(path, family, satker, 2024 + seed % 2, seed=200 + seed)
    _assert_matches_truth(path, truth)


# Each family combined with other variation (offsets, hidden/recap sheets, areas as section rows or
# merged columns, fills vs marks, labels, extra columns, totals) and with the .xls container.
COMBINATIONS = [
    ("weekly", ".xlsx", {"grid_mark": "mark", "week_labels": "minggu", "offset": (3, 2), "hidden_sheet": True}),
    ("weekly", ".xlsx", {"grid_mark": "fill", "week_labels": "numbers", "hierarchy": "sections", "legend": True}),
    ("symbols", ".xlsx", {"symbol": "wingdings_thorn", "symbol_decoy": True, "extras": "after", "legend": True}),
    ("symbols", ".xls", {"symbol": "wingdings2_p", "symbol_decoy": True, "hierarchy": "merged"}),
    ("text", ".xlsx", {"text_header": "TARGET WAKTU", "text_upper": True, "unreadable_text": True,
                       "extras": "split", "hierarchy": "sections"}),
    ("text", ".xlsx", {"text_header": "WAKTU", "unreadable_text": True, "total_row": True, "notes": True,
                       "recap_sheet": True}),
    ("dates", ".xlsx", {"date_format": "text", "date_headers": 2, "durasi": True, "offset": (2, 1)}),
    ("dates", ".xlsx", {"date_format": "date", "date_headers": 1, "durasi": True, "extras": "between"}),
    ("quarterly", ".xlsx", {"quarter_labels": "triwulan", "grid_mark": "fill", "header_fill": True}),
    ("quarterly", ".xlsx", {"quarter_labels": "q", "grid_mark": "mark", "total_row": True}),
    ("month_labels", ".xlsx", {"month_header": "roman", "grid_mark": "mark"}),
    ("month_labels", ".xlsx", {"month_header": "english", "grid_mark": "fill", "hierarchy": "merged"}),
    ("bars", ".xlsx", {"bar_fill": "first", "hierarchy": "sections"}),
    ("bars", ".xls", {"bar_fill": "all"}),
    ("signature_office", ".xlsx", {"satker_place": "signature", "extras": "between"}),
    ("signature_office", ".xlsx", {"satker_place": "unit_kerja", "offset": (1, 1)}),
    ("extra_columns", ".xlsx", {"extras": "after", "grid_mark": "fill", "total_row": True, "notes": True}),
    ("extra_columns", ".xlsx", {"extras": "split", "grid_mark": "mark", "mark": 1, "total_row": True}),
    ("gantt_sheet", ".xlsx", {"sheet_name": "Gantt Chart RB", "recap_sheet": True}),
    ("gantt_sheet", ".xlsx", {"sheet_name": "Jadwal", "grid_mark": "mark"}),
    ("xls_shaded", ".xls", {"hidden_sheet": True, "fill": "theme"}),
    ("xls_ticks", ".xls", {"offset": (2, 1), "legend": True}),
    ("checks", ".xls", {"satker_place": "signature"}),
    ("sections", ".xlsx", {"satker_place": "unit_kerja", "sheet_name": "Jadwal"}),
]


@pytest.mark.parametrize("family, suffix, variation", COMBINATIONS,
                         ids=[f"{f}{s}-{'-'.join(map(str, v.values()))}"[:60] for f, s, v in COMBINATIONS])
def test_family_combined_with_other_variation(tmp_path, family, suffix, variation):
    path = tmp_path / f"plan{suffix}"
    truth = demo.generate(path, family, "KPU Kabupaten Hulu Sungai Tengah", 2025, 7, variation=variation)
    _assert_matches_truth(path, truth)


# ------------------------------------------------------------------------------ one workbook per quirk

HEAD = ["NO", "AREA PERUBAHAN", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR KEBERHASILAN"]
AREA1 = ("1", "1. Manajemen Perubahan", "1.1. Perencanaan Reformasi Birokrasi")


def _text(i):
    return (*AREA1, f"{'abcdefgh'[i]}. Sub kegiatan {i + 1}", f"Indikator {i + 1}")


def _quirk(path, rows, *, title=("RENCANA AKSI REFORMASI BIROKRASI KPU KOTA CONTOH TAHUN 2025",),
           sheet="Renaksi", fonts=None, fills=None, merges=(), tail=()):
    """A one-table workbook: title lines, a blank row, `rows` from row len(title)+2, then `tail` rows.

    `fonts`/`fills` map (i, j) 0-based within `rows` to a font name / "RRGGBB"; `merges` are
    (i1, j1, i2, j2) 0-based within `rows`.  Returns (path, first table row)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, line in enumerate(title, 1):
        ws.cell(r, 1, line)
    r0 = len(title) + 2
    for i, row in enumerate(list(rows) + [[]] + list(tail)):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(r0 + i, 1 + j, v)
    for (i, j), name in (fonts or {}).items():
        ws.cell(r0 + i, 1 + j).font = Font(name=name)
    for (i, j), rgb in (fills or {}).items():
        ws.cell(r0 + i, 1 + j).fill = PatternFill("solid", fgColor="FF" + rgb)
    for i1, j1, i2, j2 in merges:  # cells under a merge keep their fills, as Excel keeps them
        ws.merged_cells.add(CellRange(min_row=r0 + i1, min_col=1 + j1, max_row=r0 + i2, max_col=1 + j2))
    return demo.save(wb, path), r0


def _grid_rows(n_rows, label="PELAKSANAAN (BULAN)", months=range(1, 13)):
    return [HEAD + [label] + [None] * 11 + ["KET"], [None] * 5 + list(months) + [None]] + \
        [list(_text(i)) + [None] * 13 for i in range(n_rows)]


def _by_row(path):
    return {a.row: a.planned_months for a in parse_workbook(path).activities}


@pytest.mark.parametrize("key", sorted(demo.SYMBOLS))
@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_symbol_tick_only_in_its_symbol_font(tmp_path, key, suffix):
    """`ü`/`þ` in Wingdings and `P` in Wingdings 2 are ticks; the same letter in Calibri is text."""
    char, font = demo.SYMBOLS[key]
    rows = _grid_rows(2)
    for i, m in ((2, 2), (2, 5), (3, 4), (3, 3)):
        rows[i][4 + m] = char
    fonts = {(2, 6): font, (2, 9): font, (3, 8): font, (3, 7): "Calibri"}
    path, r0 = _quirk(tmp_path / f"sym{suffix}", rows, fonts=fonts)
    assert _by_row(path) == {r0 + 2: [2, 5], r0 + 3: [4]}


TEXTS = [
    ("Januari - Desember", list(range(1, 13))), ("Maret s.d. Juni", [3, 4, 5, 6]), ("April – Mei", [4, 5]),
    ("Triwulan II", [4, 5, 6]), ("TW III", [7, 8, 9]), ("Triwulan I dan III", [1, 2, 3, 7, 8, 9]),
    ("TW I dan III", [1, 2, 3, 7, 8, 9]), ("Semester I", list(range(1, 7))), ("Semester II", list(range(7, 13))),
    ("Setiap bulan", list(range(1, 13))), ("Sepanjang tahun", list(range(1, 13))), ("Juni dan Desember", [6, 12]),
    ("Februari, Mei, Agustus, November", [2, 5, 8, 11]), ("Desember 2025", [12]), ("Minggu ke-2 Februari", [2]),
    ("Jan-Mar", [1, 2, 3]), ("Agt", [8]), ("MARET S.D. JUNI", [3, 4, 5, 6]), ("Okt - Des", [10, 11, 12]),
]


@pytest.mark.parametrize("header", demo.TEXT_HEADERS)
def test_text_schedules_read_exactly(tmp_path, header):
    rows = [HEAD + [header, "KET"]] + [list(_text(i % 8)) + [text] for i, (text, _) in enumerate(TEXTS)]
    path, r0 = _quirk(tmp_path / "text.xlsx", rows)
    assert _by_row(path) == {r0 + 1 + i: months for i, (_, months) in enumerate(TEXTS)}


def test_unreadable_schedule_text_is_a_located_warning_never_a_guess(tmp_path):
    rows = [HEAD + ["WAKTU PELAKSANAAN", "KET"], list(_text(0)) + ["Maret s.d. Juni"],
            list(_text(1)) + ["menyesuaikan"]]
    path, r0 = _quirk(tmp_path / "text.xlsx", rows, sheet="Rencana Aksi")
    plan = parse_workbook(path)
    assert [(a.row, a.planned_months) for a in plan.activities] == [(r0 + 1, [3, 4, 5, 6]), (r0 + 2, [])]
    warned = [w for w in plan.warnings if w.type == UNREADABLE_WARNING]
    assert [(w.sheet, w.row) for w in warned] == [("Rencana Aksi", r0 + 2)]
    assert "menyesuaikan" in json.dumps(warned[0].to_dict(), ensure_ascii=False)


@pytest.mark.parametrize("labels", demo.DATE_HEADERS)
@pytest.mark.parametrize("as_text", [False, True], ids=["dates", "dd/mm/yyyy"])
def test_date_ranges_clip_to_the_plan_year(tmp_path, labels, as_text):
    """Plan year 2025: Dec 2024 to Feb 2025 plans Jan-Feb; day first (03/04 is 3 April); a year-crossing
    end clips to December; DURASI beside the dates is not a schedule."""
    def d(y, m, day):
        return f"{day:02d}/{m:02d}/{y}" if as_text else dt.datetime(y, m, day)
    ranges = [((2024, 12, 15), (2025, 2, 10), [1, 2]), ((2025, 4, 3), (2025, 6, 5), [4, 5, 6]),
              ((2025, 11, 20), (2026, 1, 31), [11, 12]), ((2025, 7, 1), (2025, 7, 31), [7])]
    rows = [HEAD + [*labels, "DURASI", "KET"]]
    for i, (a, b, _) in enumerate(ranges):
        rows.append(list(_text(i)) + [d(*a), d(*b), (dt.date(*b) - dt.date(*a)).days + 1])
    path, r0 = _quirk(tmp_path / "dates.xlsx", rows)
    assert _by_row(path) == {r0 + 1 + i: months for i, (_, _, months) in enumerate(ranges)}


@pytest.mark.parametrize("weeks", [[1, 2, 3, 4], ["I", "II", "III", "IV"], [f"Minggu ke-{k}" for k in range(1, 5)]])
@pytest.mark.parametrize("how", ["fill", "mark"])
def test_weekly_grid_any_week_plans_the_month(tmp_path, weeks, how):
    head = HEAD + ["JADWAL PELAKSANAAN"] + [None] * 47 + ["KET"]
    month_row = [None] * 5 + [m for name in demo.LONG_MONTHS for m in (name, None, None, None)]
    week_row = [None] * 5 + weeks * 12
    rows = [head, month_row, week_row, list(_text(0)) + [None] * 49, list(_text(1)) + [None] * 49]
    cells = {(3, 5 + 4 * 2 + 2), (4, 5 + 4 * 0 + 0), (4, 5 + 4 * 0 + 3), (4, 5 + 4 * 11 + 1)}  # Mar w3; Jan w1+w4, Dec w2
    merges = [(1, 5 + 4 * k, 1, 8 + 4 * k) for k in range(12)] + [(0, 5, 0, 52)]
    fills = {c: "00B050" for c in cells} if how == "fill" else None
    for i, j in cells if how == "mark" else ():
        rows[i][j] = "√"
    path, r0 = _quirk(tmp_path / "weeks.xlsx", rows, fills=fills, merges=merges)
    assert _by_row(path) == {r0 + 3: [3], r0 + 4: [1, 12]}


@pytest.mark.parametrize("labels", [[f"TW {r}" for r in ("I", "II", "III", "IV")],
                                    [f"TRIWULAN {r}" for r in ("I", "II", "III", "IV")], ["Q1", "Q2", "Q3", "Q4"]])
@pytest.mark.parametrize("how", ["fill", "mark"])
def test_quarterly_grid_a_quarter_plans_its_three_months(tmp_path, labels, how):
    rows = [HEAD + ["TARGET PELAKSANAAN", None, None, None, "KET"], [None] * 5 + labels,
            list(_text(0)) + [None] * 5, list(_text(1)) + [None] * 5]
    cells = {(2, 6), (3, 5), (3, 8)}  # TW II; TW I and TW IV
    fills = {c: "FFC000" for c in cells} if how == "fill" else None
    for i, j in cells if how == "mark" else ():
        rows[i][j] = "√"
    path, r0 = _quirk(tmp_path / "tw.xlsx", rows, fills=fills, merges=[(0, 5, 0, 8)])
    assert _by_row(path) == {r0 + 2: [4, 5, 6], r0 + 3: [1, 2, 3, 10, 11, 12]}


@pytest.mark.parametrize("months, label", [(demo.ENGLISH_MONTHS, "SCHEDULE (MONTH)"), (demo.ROMAN, "BULAN KE-")])
def test_english_and_roman_month_labels(tmp_path, months, label):
    rows = _grid_rows(2, label=label, months=months)
    for i, m in ((2, 5), (2, 8), (3, 10), (3, 12), (3, 9)):
        rows[i][4 + m] = "√"
    path, r0 = _quirk(tmp_path / "labels.xlsx", rows)
    assert _by_row(path) == {r0 + 2: [5, 8], r0 + 3: [9, 10, 12]}


@pytest.mark.parametrize("fill_all", [True, False], ids=["fill-every-cell", "fill-first-cell"])
def test_merged_bar_spans_its_months(tmp_path, fill_all):
    rows = _grid_rows(2)
    bars = [(2, 3, 6), (3, 1, 1), (3, 10, 12)]  # row, first month, last month
    merges = [(i, 4 + a, i, 4 + b) for i, a, b in bars if b > a]
    fills = {(i, 4 + m): "4472C4" for i, a, b in bars for m in (range(a, b + 1) if fill_all else [a])}
    path, r0 = _quirk(tmp_path / "bars.xlsx", rows, fills=fills, merges=merges)
    assert _by_row(path) == {r0 + 2: [3, 4, 5, 6], r0 + 3: [1, 10, 11, 12]}


SIGNATURE = [[None] * 12 + ["Mangupura, 17 Januari 2024"], [None] * 12 + ["SEKRETARIS KPU KABUPATEN BADUNG,"],
             [], [None] * 12 + ["ttd"], [], [None] * 12 + ["Drs. AHMAD FAUZI, M.Si."],
             [None] * 12 + ["NIP. 19780312 200312 1 004"]]


def _tick_rows():
    rows = _grid_rows(1)
    rows[2][4 + 6] = "√"
    return rows


def test_office_from_signature_block_not_the_signer(tmp_path):
    path, _ = _quirk(tmp_path / "rencana_aksi_rb_2024_final.xlsx", _tick_rows(),
                     title=("RENCANA AKSI REFORMASI BIROKRASI TAHUN 2024",), tail=SIGNATURE)
    plan = parse_workbook(path)
    assert (plan.satker, plan.year) == ("KPU Kabupaten Badung", 2024)


def test_office_from_unit_kerja_line(tmp_path):
    path, _ = _quirk(tmp_path / "rencana_aksi_final.xlsx", _tick_rows(),
                     title=("RENCANA AKSI REFORMASI BIROKRASI TAHUN 2025", "Unit Kerja : KPU Kota Madiun"))
    plan = parse_workbook(path)
    assert (plan.satker, plan.year) == ("KPU Kota Madiun", 2025)


def test_signer_name_is_never_the_office(tmp_path):
    """No office anywhere but a person's name under 'ttd': refuse (no_satker), never take the name."""
    tail = [row for row in SIGNATURE if "SEKRETARIS" not in str(row)]
    path, _ = _quirk(tmp_path / "rencana_aksi_final.xlsx", _tick_rows(),
                     title=("RENCANA AKSI REFORMASI BIROKRASI TAHUN 2024",), tail=tail)
    with pytest.raises(RbdashError) as exc:
        parse_workbook(path)
    assert exc.value.code == "no_satker"


def test_total_row_extra_columns_and_notes_are_not_activities(tmp_path):
    head = HEAD + ["TARGET", "OUTPUT/SATUAN", "ANGGARAN (Rp)", "PENANGGUNG JAWAB", "JADWAL PELAKSANAAN (BULAN)"] + \
        [None] * 11 + ["KET"]
    rows = [head, [None] * 9 + list(range(1, 13))]
    rows.append(list(_text(0)) + [1, "Dokumen", 7500000, "Sekretaris"] + ["√" if m in (1, 2) else None for m in range(1, 13)])
    rows.append(list(_text(1)) + ["100%", "Laporan", "-", "Kasubbag KUL"] + ["√" if m == 2 else None for m in range(1, 13)])
    rows.append([None, "JUMLAH", None, None, None, None, None, 7500000, None, 1, 2] + [None] * 10)
    tail = [[None, "Catatan:"], [None, "1. Jadwal dapat berubah."], [None, "2. Anggaran dari DIPA."]]
    path, r0 = _quirk(tmp_path / "extra.xlsx", rows, tail=tail)
    assert _by_row(path) == {r0 + 2: [1, 2], r0 + 3: [2]}


@pytest.mark.parametrize("sheet", ["Gantt Chart RB", "Jadwal"])
def test_plan_sheet_is_not_skipped_for_its_name(tmp_path, sheet):
    """A sheet named like a chart or schedule that holds a plan table (text activities, ticks) is read."""
    rows = _grid_rows(3)
    for i, m in ((2, 6), (3, 1), (4, 12)):
        rows[i][4 + m] = "√"
    for i in (2, 3, 4):
        rows[i][3] = f"{'abc'[i - 2]}. Pembentukan Tim Reformasi Birokrasi tahap {i - 1}"
        rows[i][4] = f"SK Tim Reformasi Birokrasi tahap {i - 1}"
    path, r0 = _quirk(tmp_path / "gantt.xlsx", rows, sheet=sheet)
    plan = parse_workbook(path)
    assert [(a.sheet, a.row, a.planned_months) for a in plan.activities] == [
        (sheet, r0 + 2, [6]), (sheet, r0 + 3, [1]), (sheet, r0 + 4, [12])]


@pytest.mark.parametrize("how", ["fill", "mark"])
def test_legacy_xls_with_fills_or_ticks(tmp_path, how):
    rows = _grid_rows(2)
    cells = {(2, 5), (2, 6), (3, 16)}  # Jan+Feb; Dec
    fills = {c: "92D050" for c in cells} if how == "fill" else None
    for i, j in cells if how == "mark" else ():
        rows[i][j] = "√"
    path, r0 = _quirk(tmp_path / "lama.xls", rows, fills=fills)
    plan = parse_workbook(path)
    assert [(a.sheet, a.row, a.planned_months) for a in plan.activities] == [("Renaksi", r0 + 2, [1, 2]),
                                                                              ("Renaksi", r0 + 3, [12])]
    assert (plan.satker, plan.year) == ("KPU Kota Contoh", 2025)
