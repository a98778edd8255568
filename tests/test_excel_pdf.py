"""The decree as PDF: generated decrees (rbdash.demo.pdf, truth in code) of several offices, years and
surfaces read exactly, with their provenance (page, row); bad PDFs refused with one line; the plans3
decrees score 1.000 (skipped without ../shared)."""

import difflib
import io
import json
import subprocess
import sys
import zlib

import pytest

from conftest import HAVE_SHARED, NO_SHARED, ROOT, SCORE_TOOL, SHARED, plan_rows
from rbdash import demo
from rbdash.demo.pdf import decree_pdf
from rbdash.errors import NoPlanFound, UnreadableFile
from rbdash.excel import parse_workbook, workbook_files

pytest.importorskip("reportlab")

# (office, year, seed, variation): every surface at least once; the rest drawn from the seed
VARIANTS = [
    ("KPU Kota Palu", 2024, 1, {"marks": "tick", "break_rows": True, "numbering": True, "borders": "lines"}),
    ("KPU Kabupaten Poso", 2025, 2, {"marks": "fill", "stacked": True, "break_rows": True, "borders": "rects",
                                     "header_fill": True, "month_names": True}),
    ("KPU Provinsi Sulawesi Tengah", 2023, 3, {"marks": "symbol", "per_indicator": True, "break_rows": True}),
    ("KPU Kota Bandar Lampung", 2026, 4, {"marks": "dingbat", "break_rows": False, "numbering": False}),
    ("KPU Kabupaten Kotawaringin Timur", 2025, 5, {"marks": "fill", "stacked": False, "per_indicator": True,
                                                   "break_rows": True, "page": "f4"}),
    ("KPU Kabupaten Hulu Sungai Selatan", 2024, 6, {"marks": "letter", "satker_style": "komisi"}),
    ("KPU Kota Banjarbaru", 2027, 7, {}),
    ("KPU Kabupaten Tapin", 2023, 8, {}),
]


def _decree(office, year, seed, variation):
    return decree_pdf(office, year, seed, variation={"coverage": 0.6, **variation})


@pytest.mark.parametrize("office,year,seed,variation", VARIANTS, ids=[f"{v[0]}-{v[2]}" for v in VARIANTS])
def test_generated_decree_is_read_exactly(office, year, seed, variation):
    """Every activity with its area, texts and months at its page and row; the office and year from
    the decree's heading, never the years its Mengingat cites."""
    data, truth = _decree(office, year, seed, variation)
    plan = parse_workbook(data, "keputusan.pdf")
    assert demo.compare(truth, plan.to_dict()) == (len(truth["records"]), len(truth["records"]), 0, {}, [])
    assert (plan.satker, plan.year) == (office, year)
    if variation.get("break_rows"):
        assert truth["cut_rows"], "the variant must break a row across a page"


def test_rows_keep_their_page_and_row():
    data, truth = _decree(*VARIANTS[0])
    plan = parse_workbook(data, "keputusan.pdf")
    got = [(a.sheet, a.row) for a in plan.activities]
    assert got == [(t["sheet"], t["row"]) for t in truth["records"]]
    # the table starts on page 2 under a 3-row header (titles, months, column numbers)
    assert got[0] == ("hal. 2", 4) and len({s for s, _ in got}) >= 3


def test_a_row_broken_across_a_page_is_one_activity():
    """The rest of a cut row (top of the next page, merged cells empty there) joins its first part:
    its text is whole and its months are those of one row."""
    data, truth = _decree(*VARIANTS[1])
    plan = parse_workbook(data, "keputusan.pdf")
    by_place = {(a.sheet, a.row): a for a in plan.activities}
    cut = [tuple(c) for c in truth["cut_rows"]]
    assert cut
    for t in truth["records"]:
        if (t["sheet"], t["row"]) in cut:
            a = by_place[(t["sheet"], t["row"])]
            assert " ".join(t["indikator"].split()) in " ".join(a.indikator_text().split())
            assert a.planned_months == t["planned_months"]
    assert len(plan.activities) == len(truth["records"])


def test_repeated_numbered_header_does_not_hide_a_schedule_drawn_in_colour(make_wb):
    """The parser fix the PDF reader needed, shown on a workbook: the month numbers of a header block
    repeated at a page break are no marks, so the fills are still read."""
    green = "92D050"
    texts = [("1", "1. Manajemen Perubahan", "1.1. Perencanaan", "a. Pembentukan Tim RB", "SK Tim RB"),
             (None, None, None, "b. Deklarasi RB", "Dokumen deklarasi")]
    rows = plan_rows([(texts[0], {})])
    header = rows[:2]
    rows += header + [list(texts[1]) + [None] * 13]
    fills = {(3, 5 + 3): green, (3, 5 + 4): green, (6, 5 + 12): green}  # 1-based within rows
    plan = parse_workbook(make_wb(rows, fills=fills))
    assert [(a.sub_kegiatan, a.planned_months) for a in plan.activities] == [
        ("Pembentukan Tim RB", [3, 4]), ("Deklarasi RB", [12])]


# ------------------------------------------------------------------------ printed by LibreOffice

DATA = ROOT / "tests" / "data"


def _paired(truth, activities):
    """The truth with each record placed at the (page, row) of the activity whose sub-kegiatan and
    indicator read most alike (a PDF has no Word table rows), for demo.compare."""
    def words(*texts):
        return " ".join(" ".join(str(t) for t in (x if isinstance(x, list) else [x]) if t) for x in texts).split()
    records = []
    for t in truth["records"]:
        best = max(activities, key=lambda a: difflib.SequenceMatcher(
            None, words(t["sub_kegiatan"], t["indikator"]), words(a["sub_kegiatan"], a["indikator"])).ratio())
        records.append({**t, "sheet": best["sheet"], "row": best["row"]})
    return {**truth, "records": records}


def test_a_decree_printed_by_libreoffice_in_narrow_columns_reads_to_its_truth():
    """A LibreOffice print (tests/data, made by ``bench/unseen.py tests/data --lo-sample``) of a decree
    annex on portrait A4: words broken inside by narrow columns ("Januari" a letter a line, "1" / "0"),
    Wingdings checks printed without Wingdings (as OpenSymbol's codes, or as "ü" in a stand-in font;
    "ü" in the text's own font is no check), a row and a merged sub-kegiatan cell going on at the top
    of the next page under a row of its own ("b." after "a."), the office in the letterhead above
    its address."""
    truth = json.loads((DATA / "lo_decree_portrait.truth.json").read_text(encoding="utf-8"))
    plan = parse_workbook(DATA / "lo_decree_portrait.pdf")
    out = json.loads(json.dumps(plan.to_dict()))
    n = len(truth["records"])
    assert demo.compare(_paired(truth, out["activities"]), out) == (n, n, 0, {}, [])
    assert len(out["activities"]) == n == 16
    months = next(a for a in plan.activities if a.indikator_text().endswith("E-MONEV")).planned_months
    assert months == [6]  # the check in June; the "ü" in March is in the text's font


# A plan table over two pages drawn cell by cell, for what happens at a page's top.  A row is
# {column: lines} (column 0-4 NO..INDIKATOR, 5-16 the months, 17 KET); a column given as
# (lines, rows) is a cell merged down over that many rows of the page.
_XS = [40, 55, 120, 200, 300, 400] + [400 + 14 * m for m in range(1, 13)] + [620]
_HEAD = {0: ["NO"], 1: ["AREA"], 2: ["KEGIATAN"], 3: ["SUB KEGIATAN"], 4: ["INDIKATOR"], 17: ["KET"],
         **{4 + m: [str(m)] for m in range(1, 13)}}


def _cells(c, y, rows, xs=_XS):
    """Draw ``rows`` (see above) from ``y`` down in columns ``xs``, each row as tall as its longest
    cell; returns the y below them."""
    lead, pad, size = 8.4, 2.5, 7
    heights = [max(len(v[0] if isinstance(v, tuple) else v) for v in row.values()) * lead + 2 * pad for row in rows]
    tops = [y]
    for h in heights:
        tops.append(tops[-1] - h)
    covered = set()
    for i, row in enumerate(rows):
        for col in range(len(xs) - 1):
            if (i, col) in covered:
                continue
            lines, span = row.get(col, []), 1
            if isinstance(lines, tuple):
                lines, span = lines
            covered |= {(i + k, col) for k in range(span)}
            x0, x1, top, bottom = xs[col], xs[col + 1], tops[i], tops[i + span]
            c.setLineWidth(0.5)
            c.rect(x0, bottom, x1 - x0, top - bottom, stroke=1, fill=0)
            c.setFont("Helvetica", size)
            for k, line in enumerate(lines):
                c.drawString(x0 + pad, top - pad - size * 0.85 - k * lead, line)
    return tops[-1]


def _two_pages(first, second, repeat=True, xs=_XS, heads=([_HEAD], [_HEAD])):
    """A decree's annex: the title, then the table's header rows (``heads`` of each page) and
    ``first`` on page 1, the header repeated (unless not ``repeat``) and ``second`` on page 2."""
    def draw(c, i):
        c.setFont("Helvetica", 10)
        if i == 0:
            c.drawString(40, 570, "RENCANA AKSI REFORMASI BIROKRASI KPU KOTA CONTOH TAHUN 2025")
        top = _cells(c, 550, heads[i], xs) if i == 0 or repeat else 550
        _cells(c, top, first if i == 0 else second, xs)
    return _canvas(draw, pages=2, pagesize=(842, 595))


def test_a_list_announced_by_its_cell_goes_on_at_the_next_pages_top():
    """A sub-kegiatan ending 'Integritas:' and its indicator list cut after '1)': the '1.' of the
    announced list and '2)' at the next page's top are that row's rest, not a new row."""
    first = [{0: ["1"], 1: ["1. Manajemen", "Perubahan"], 2: ["1.1. Perencanaan"], 3: ["a. Pembentukan Tim"],
              4: ["SK Tim RB"], 6: ["√"]},
             {3: ["b. Penyelenggaraan", "Integritas:"], 4: ["1) Persentase pakta", "integritas"], 8: ["√"]}]
    second = [{3: ["1. Penandatanganan", "Pakta Integritas"], 4: ["2) Persentase LHKPN"]},
              {3: ["c. Internalisasi nilai"], 4: ["Nilai tersampaikan"], 10: ["√"]}]
    plan = parse_workbook(_two_pages(first, second), "keputusan.pdf")
    got = [(a.sub_kegiatan, a.indikator, a.planned_months) for a in plan.activities]
    assert got == [("Pembentukan Tim", "SK Tim RB", [2]),
                   ("Penyelenggaraan Integritas:\n1. Penandatanganan Pakta Integritas",
                    ["1) Persentase pakta integritas", "2) Persentase LHKPN"], [4]),
                   ("Internalisasi nilai", "Nilai tersampaikan", [6])]
    assert not plan.warnings


def test_a_note_ending_in_a_conjunction_goes_on_at_the_next_pages_top():
    """'Kasubag Hukum dan' / 'SDM': a text ending in 'dan' goes on, even with a capital after it."""
    first = [{0: ["1"], 1: ["1. Manajemen"], 2: ["1.1. Perencanaan"], 3: ["a. Pembentukan Tim"], 4: ["SK Tim RB"],
              6: ["√"], 17: ["Kasubag", "Hukum dan"]}]
    second = [{17: ["SDM"]}, {3: ["b. Deklarasi RB"], 4: ["Dokumen deklarasi"], 9: ["√"]}]
    plan = parse_workbook(_two_pages(first, second), "keputusan.pdf")
    assert [(a.sub_kegiatan, a.keterangan) for a in plan.activities] == [
        ("Pembentukan Tim", "Kasubag Hukum dan SDM"), ("Deklarasi RB", None)]


def test_a_merged_numbered_cells_rest_goes_on_though_its_text_ended_above_the_pages_end():
    """A sub-kegiatan merged down over its indicator rows, cut by the page: LibreOffice may carry its
    last words to the next page even when its text ended above the row's lowest line."""
    first = [{0: ["4"], 1: ["4. Tata Laksana"], 2: ["4.1. SPBE"], 3: [f"{k}. Kegiatan {k}"], 4: [f"Dokumen {k}"],
              6: ["√"]} for k in "abcde"]
    for row in first[1:]:
        for col in (0, 1, 2):
            row.pop(col)
    first += [{3: (["f. Pemanfaatan aplikasi", "SPBE di KPU"], 2), 4: ["a. Layanan", "Pengaduan", "Publik"], 5: ["√"]},
              {4: ["b. Layanan JDIH", "dan Informasi", "Hukum"], 5: ["√"]}]
    second = [{3: ["Kabupaten Bungo"], 4: ["c. Layanan Kepemiluan"], 5: ["√"]},
              {3: ["g. Evaluasi SPBE"], 4: ["Laporan evaluasi"], 7: ["√"]}]
    plan = parse_workbook(_two_pages(first, second), "keputusan.pdf")
    assert [(a.sub_kegiatan, a.indikator_text()) for a in plan.activities][5:] == [
        ("Pemanfaatan aplikasi SPBE di KPU Kabupaten Bungo", "a. Layanan Pengaduan Publik"),
        ("Pemanfaatan aplikasi SPBE di KPU Kabupaten Bungo", "b. Layanan JDIH dan Informasi Hukum"),
        ("Pemanfaatan aplikasi SPBE di KPU Kabupaten Bungo", "c. Layanan Kepemiluan"),
        ("Evaluasi SPBE", "Laporan evaluasi")]


def test_a_cut_indicator_goes_on_with_a_capital_at_the_next_pages_top():
    """'… di lingkungan KPU Kabupaten' / 'Kepulauan Sangihe': the rest of one cut cell, alone at the
    top of the next page, goes on whatever its first letter."""
    first = [{0: ["1"], 1: ["1. Manajemen"], 2: ["1.1. Perencanaan"], 3: ["a. Pembentukan Tim"],
              4: ["SK Tim di lingkungan KPU", "Kabupaten"], 6: ["√"]}]
    second = [{4: ["Kepulauan Sangihe"]}, {3: ["b. Deklarasi RB"], 4: ["Dokumen deklarasi"], 9: ["√"]}]
    plan = parse_workbook(_two_pages(first, second), "keputusan.pdf")
    assert [(a.indikator, a.planned_months) for a in plan.activities] == [
        ("SK Tim di lingkungan KPU Kabupaten Kepulauan Sangihe", [2]), ("Dokumen deklarasi", [5])]


def test_a_word_broken_by_a_narrow_column_and_by_the_page_is_one_word():
    """An area column too narrow for 'Kelembagaan': LibreOffice breaks it where the line is full,
    and here the page breaks there too ('Kelemba' / 'gaan' on the next page): one word again, so
    the area is read."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    xs = [40, 55, 85] + _XS[3:]  # the area column 30 points wide: 25 for its text
    word = "Kelembagaan"
    cut = max(k for k in range(1, len(word)) if 57.5 + stringWidth(word[:k], "Helvetica", 7) <= 82.5)
    first = [{0: ["1"], 1: ["1."], 2: ["1.1. Perencanaan"], 3: ["a. Pembentukan Tim"], 4: ["SK Tim RB"], 6: ["√"]},
             {0: ["3"], 1: ["3.", "Tata", word[:cut]], 2: ["3.1. Evaluasi"], 3: ["a. Evaluasi", "organisasi"],
              4: ["Dokumen", "evaluasi"], 9: ["√"]}]
    second = [{1: [word[cut:]]}, {3: ["b. Penyesuaian SOTK"], 4: ["Dokumen SOTK"], 10: ["√"]}]
    plan = parse_workbook(_two_pages(first, second, xs=xs), "keputusan.pdf")
    assert [(a.area_no, a.sub_kegiatan) for a in plan.activities][1:] == [
        (3, "Evaluasi organisasi"), (3, "Penyesuaian SOTK")]


def test_a_repeated_header_clipped_by_libreoffice_is_still_the_header():
    """LibreOffice repeats a header row at the first page's height and clips what no longer fits:
    'KETERA' for 'KETERANGAN', its 'N' showing in the column-number row under it ('N18').  Those
    rows are the header still, not an activity of column numbers."""
    numbers = {c: [str(c + 1)] for c in range(18)}
    heads = ([{**_HEAD, 17: ["KETERANGAN"]}, numbers], [{**_HEAD, 17: ["KETERA"]}, {**numbers, 17: ["N18"]}])
    first = [{0: ["1"], 1: ["1. Manajemen", "Perubahan"], 2: ["1.1. Perencanaan"], 3: ["a. Pembentukan Tim"],
              4: ["SK Tim RB"], 6: ["√"]}]
    second = [{3: ["b. Deklarasi RB"], 4: ["Dokumen deklarasi"], 9: ["√"]}]
    plan = parse_workbook(_two_pages(first, second, heads=heads), "keputusan.pdf")
    assert [(a.area_no, a.kegiatan, a.sub_kegiatan, a.planned_months) for a in plan.activities] == [
        (1, "Perencanaan", "Pembentukan Tim", [2]), (1, "Perencanaan", "Deklarasi RB", [5])]


def test_a_tables_last_row_alone_on_a_page_without_a_repeated_header():
    """A Word table whose header rows are not repeated, ending with one row on a page of its own:
    that lone row of cells in the table's columns is its last row, not a box to pass over."""
    first = [{0: ["1"], 1: ["1. Manajemen"], 2: ["1.1. Perencanaan"], 3: ["a. Pembentukan Tim"], 4: ["SK Tim RB"],
              6: ["√"]}]
    second = [{3: ["b. Deklarasi RB"], 4: ["Dokumen deklarasi"], 9: ["√"]}]
    plan = parse_workbook(_two_pages(first, second, repeat=False), "keputusan.pdf")
    assert [(a.sheet, a.sub_kegiatan, a.planned_months) for a in plan.activities] == [
        ("hal. 1", "Pembentukan Tim", [2]), ("hal. 2", "Deklarasi RB", [5])]


def test_a_numbered_columns_text_without_its_number_at_a_pages_top_goes_on_in_the_cell_above():
    """The sub-kegiatan column numbers its entries (a., b., …): 'Puncak' at the next page's top is the
    rest of the cell above, merged down over the indicators, while 'b.' with its own check is a new
    row of that sub-kegiatan."""
    first = [{0: ["7"], 1: ["7. Pengawasan"], 2: ["7.1. Zona", "Integritas"], 3: [f"{k}. Kegiatan {k}"],
              4: [f"Dokumen {k}"], 6: ["√"]} for k in "abcde"]
    for row in first[1:]:
        for col in (0, 1, 2):
            row.pop(col)
    first.append({3: ["f. Pencanaan Zona", "Integritas di KPU", "Kabupaten"], 4: ["a. Piagam", "ditandatangani"],
                  16: ["√"]})
    second = [{3: ["Puncak"], 4: ["b. Piagam diunggah"], 15: ["√"]},
              {3: ["g. Evaluasi ZI"], 4: ["Laporan evaluasi"], 7: ["√"]}]
    plan = parse_workbook(_two_pages(first, second), "keputusan.pdf")
    assert [(a.sub_kegiatan, a.indikator, a.planned_months) for a in plan.activities][5:] == [
        ("Pencanaan Zona Integritas di KPU Kabupaten Puncak", "a. Piagam ditandatangani", [12]),
        ("Pencanaan Zona Integritas di KPU Kabupaten Puncak", "b. Piagam diunggah", [11]),
        ("Evaluasi ZI", "Laporan evaluasi", [3])]


# ----------------------------------------------------------------------------------- refusals

def _canvas(draw, pages=1, **kw):
    from reportlab.pdfgen import canvas
    buf = io.BytesIO()
    c = canvas.Canvas(buf, **kw)
    for i in range(pages):
        draw(c, i)
        c.showPage()
    c.save()
    return buf.getvalue()


def _text(c, i):
    c.setFont("Helvetica", 11)
    c.drawString(72, 760, f"KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA CONTOH NOMOR {i + 1} TAHUN 2024")


def _scan(c, i):
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    c.drawImage(ImageReader(Image.new("L", (300, 400), 200)), 40, 40, 500, 700)


def _other_table(c, i):
    _text(c, i)
    for k in range(4):
        c.line(72, 700 - 20 * k, 372, 700 - 20 * k)
    for x in (72, 222, 372):
        c.line(x, 700, x, 640)
    for k, (a, b) in enumerate((("Nama", "Jabatan"), ("Siti", "Ketua"), ("Budi", "Anggota"))):
        c.drawString(76, 686 - 20 * k, a)
        c.drawString(226, 686 - 20 * k, b)


def _refused(data):
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(data, "keputusan.pdf")
    return exc.value


def _stamped_scan(c, i):
    _scan(c, i)
    c.setFont("Helvetica", 7)
    c.drawString(40, 20, "Dipindai dengan CamScanner")


@pytest.mark.parametrize("draw", [_scan, _stamped_scan], ids=["image only", "scanner stamp as text"])
def test_scanned_pdf_is_refused_as_a_scan(draw):
    e = _refused(_canvas(draw, pages=2))
    assert str(e) == ("the PDF has no text layer; this looks like a scan: upload the original Word/Excel file "
                      "(scans are not read: no OCR)")
    assert e.message_id == ("PDF tidak memiliki lapisan teks; tampaknya hasil pindaian (scan): unggah file "
                            "Word/Excel aslinya (hasil pindaian tidak dibaca)")


def test_password_protected_pdf_is_refused():
    from reportlab.lib.pdfencrypt import StandardEncryption
    e = _refused(_canvas(_text, encrypt=StandardEncryption("rahasia", ownerPassword="pemilik", strength=128)))
    assert str(e) == ("the PDF is password-protected; upload it without the password, or the original "
                      "Word/Excel file")
    assert e.message_id == "PDF dikunci kata sandi; unggah PDF tanpa kata sandi, atau file Word/Excel aslinya"


def test_pdf_with_only_an_owner_password_is_read():
    """Restrictions without an opening password (common on published decrees) do not stop reading."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    office, year, seed, variation = VARIANTS[3]
    data, truth = decree_pdf(office, year, seed, variation={"coverage": 0.6, **variation},
                             encrypt=StandardEncryption("", ownerPassword="pemilik", canModify=0, strength=128))
    assert b"/Encrypt" in data
    plan = parse_workbook(data, "keputusan.pdf")
    assert demo.compare(truth, plan.to_dict()) == (len(truth["records"]), len(truth["records"]), 0, {}, [])


def test_text_without_a_table_is_refused():
    e = _refused(_canvas(_text))
    assert str(e) == ("the PDF has text but no ruled table, so no plan table (KEGIATAN/INDIKATOR and 12 months) "
                      "was found; upload the decree with its LAMPIRAN table, or the original Word/Excel file")
    assert e.message_id.startswith("PDF berisi teks tetapi tanpa tabel bergaris")


def test_a_table_that_is_no_plan_is_refused():
    with pytest.raises(NoPlanFound) as exc:
        parse_workbook(_canvas(_other_table), "keputusan.pdf")
    assert exc.value.code == "no_table"


def test_too_many_pages_are_refused():
    e = _refused(_canvas(_text, pages=61))
    assert str(e) == ("the PDF has 61 pages, above the limit of 60 for a plan decree; upload only the decree "
                      "with its LAMPIRAN")


@pytest.mark.parametrize("damage", ["cut", "garbage", "stream"])
def test_damaged_pdf_is_refused_never_read_in_part(damage):
    data, _ = _decree(*VARIANTS[5])
    if damage == "cut":
        bad = data[: len(data) // 2]
    elif damage == "garbage":
        bad = b"%PDF-1.4\n" + b"\x00garbage" * 200 + b"\n%%EOF\n"
    else:  # one byte changed inside a compressed page: pdfminer alone would read that page as empty
        start = data.index(b"stream\n", data.index(b"/FlateDecode")) + 7
        bad = data[:start + 40] + (b"A" if data[start + 40:start + 41] != b"A" else b"B") + data[start + 41:]
    e = _refused(bad)
    assert e.code == "pdf_damaged"
    assert str(e).startswith("the PDF is damaged or cut short (") and str(e).endswith(
        "); copy or download it again, or upload the original Word/Excel file")
    assert e.message_id == "file PDF rusak atau terpotong; salin atau unduh ulang, atau unggah file Word/Excel aslinya"


def _one_page_pdf(content):
    """A minimal PDF whose one page draws ``content`` (Flate-compressed)."""
    stream = zlib.compress(content)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_stream_inflating_beyond_the_budget_is_refused(monkeypatch):
    """A compressed stream is inflated to check it only up to the unpacked-size budget."""
    import rbdash.excel.pdf as pdf_reader
    page = b"BT /F1 11 Tf 72 700 Td (KPU KOTA CONTOH TAHUN 2024) Tj ET\n"
    assert _refused(_one_page_pdf(page)).code == "pdf_no_table"  # the hand-made file itself is sound
    monkeypatch.setattr(pdf_reader, "MAX_UNPACKED_MB", 1)
    assert _refused(_one_page_pdf(page + b" " * (3 << 20))).code == "unsafe_file"


# ----------------------------------------------------------------------------------- wiring

def test_folders_import_pdfs(tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    (tmp_path / "b.xlsx").write_bytes(b"PK")
    (tmp_path / "c.txt").write_text("x")
    assert [p.name for p in workbook_files([tmp_path])] == ["a.pdf", "b.xlsx"]


def test_cli_imports_a_decree_and_refuses_a_scan_in_one_line(tmp_path):
    data, truth = _decree(*VARIANTS[6])
    folder = tmp_path / "sk"
    folder.mkdir()
    (folder / "keputusan.pdf").write_bytes(data)
    (folder / "pindaian.pdf").write_bytes(_canvas(_scan))
    p = subprocess.run([sys.executable, "-m", "rbdash", "import", "--db", tmp_path / "rb.duckdb", folder],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 2, p.stdout + p.stderr
    assert p.stdout.splitlines() == [
        f"{folder / 'keputusan.pdf'}: ok: KPU Kota Banjarbaru 2027 version 1, {len(truth['records'])} activities, "
        "0 warnings",
        f"{folder / 'pindaian.pdf'}: refused: the PDF has no text layer; this looks like a scan: upload the "
        "original Word/Excel file (scans are not read: no OCR)"]
    assert "Traceback" not in p.stderr


# ----------------------------------------------------------------------------------- plans3

PLANS3 = SHARED / "fixtures" / "plans3"
PDF_FIXTURES = ["sk_renaksi_rb_kpu_kota_palu_2024", "lampiran_sk_rb_kpu_kabupaten_poso_2025"]


@pytest.mark.skipif(not (HAVE_SHARED and PLANS3.is_dir()), reason=NO_SHARED)
def test_plans3_decrees_score_perfectly(tmp_path):
    """The shared scorer (text pairing) through the CLI: both decrees 1.000, office and year right."""
    for stem in PDF_FIXTURES:
        for suffix in (".pdf", ".truth.json"):
            (tmp_path / f"{stem}{suffix}").symlink_to(PLANS3 / f"{stem}{suffix}")
    p = subprocess.run([sys.executable, str(SCORE_TOOL), str(tmp_path), "--",
                        sys.executable, "-m", "rbdash", "parse", "--json"],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "record accuracy 1.000 over 124 records" in p.stdout, p.stdout + p.stderr
    assert "satker/year wrong or unreadable in 0 files" in p.stdout, p.stdout


@pytest.mark.skipif(not (HAVE_SHARED and PLANS3.is_dir()), reason=NO_SHARED)
def test_plans3_provenance_and_joined_rows():
    """Poso's rows broken across pages are joined (61 activities, not more), each at its page."""
    plan = parse_workbook(PLANS3 / f"{PDF_FIXTURES[1]}.pdf")
    truth = json.loads((PLANS3 / f"{PDF_FIXTURES[1]}.truth.json").read_text(encoding="utf-8"))
    assert len(plan.activities) == len(truth["records"]) == 61
    first = plan.activities[0]
    assert (first.sheet, first.row) == ("hal. 3", 4)
    assert {a.sheet for a in plan.activities} == {f"hal. {n}" for n in range(3, 8)}
