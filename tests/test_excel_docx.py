"""Issue 19: the decree as Word .docx — its plan table read like a sheet, its office and year from the decree.

Decrees are generated with their truth (rbdash.demo.docx: offices, years, ticks / Wingdings / shading,
column-number rows, split tables, the office broken over two lines, considerations and signature laid
out as tables); the truth names rows as ``table<k>``/row like ../shared/fixtures/plans3, compared here
by (Tabel k, row) so provenance is checked too.  Bad documents are refused with exact one-line messages.
"""

import io
import json
import subprocess
import sys
import time
import zipfile

import pytest

from conftest import ROOT, SCORE_TOOL, SHARED, NO_SHARED
from rbdash import demo
from rbdash.demo.docx import HEADER_WORDS, generate_decree
from rbdash.errors import NoPlanFound, UnreadableFile
from rbdash.excel import open_book, parse_workbook, workbook_files
from rbdash.excel.decree import decree_texts
from rbdash.excel.office import find_satker

PLANS3 = SHARED / "fixtures" / "plans3"
FIXTURE = PLANS3 / "keputusan_kpu_kota_bandar_lampung_renaksi_rb_2025.docx"


def _parsed(path):
    """The `parse --json` dict (round-tripped through JSON like the CLI)."""
    return json.loads(json.dumps(parse_workbook(path).to_dict()))


def _in_tables(truth):
    """The truth with its ``table<k>`` rows named as the reader names them (``Tabel k``)."""
    return {**truth, "records": [{**r, "sheet": r["sheet"].replace("table", "Tabel ")} for r in truth["records"]]}


def _assert_matches(path, truth):
    out = _parsed(path)
    ok, n, extra, fails, meta = demo.compare(_in_tables(truth), out)
    assert (ok, extra, fails, meta) == (n, 0, {}, []), f"{ok}/{n} right, {extra} extra, {fails}, {meta}"
    return out


# --- generated decrees ---------------------------------------------------------------------------------

DECREE = {"document": "decree", "split_office": False, "considerations_table": False, "signature_table": False,
          "split_table": False, "indicator_rows": False, "letterhead": False}
VARIANTS = [
    ("KPU Kota Bandar Lampung", 2025, {**DECREE, "marks": "tick", "tick": "√", "numbering_row": True,
                                       "header_words": 0, "month_labels": "numbers"}),
    ("KPU Kabupaten Poso", 2024, {**DECREE, "marks": "shade", "numbering_row": False, "header_words": 1,
                                  "month_labels": "short", "considerations_table": True, "signature_table": True}),
    ("KPU Provinsi Jawa Timur", 2026, {**DECREE, "marks": "symbol", "split_office": True, "split_table": True,
                                       "header_words": 2, "numbering_row": True, "satker_style": "kpu"}),
    ("KPU Kota Palu", 2023, {**DECREE, "marks": "symbol_font", "indicator_rows": True, "month_labels": "long",
                             "header_words": 3, "numbering_row": False, "letterhead": True}),
    ("KPU Kabupaten Tapin", 2025, {"marks": "tick", "tick": "x", "document": "annex", "split_table": True}),
]


@pytest.mark.parametrize("satker, year, variation", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_generated_decree_parses_to_its_truth(tmp_path, satker, year, variation):
    """The file name names neither office nor year: both come from the decree, never from the years it
    cites (laws of 2017, road maps 2020-2024, last year's plan) nor KPU RI; tables that are not the plan
    (considerations, signature) give no warning."""
    path = tmp_path / "keputusan.docx"
    out = _assert_matches(path, generate_decree(path, satker, year, 7, variation=variation))
    assert out["warnings"] == []


@pytest.mark.parametrize("seed", (1, 2, 3))
def test_unseen_decrees_parse_to_their_truth(tmp_path, seed):
    """Offices, years and every variation drawn from the seed."""
    satker = demo.office_names()[(seed * 131) % 500]
    path = tmp_path / f"sk_renaksi_{seed}.docx"
    _assert_matches(path, generate_decree(path, satker, 2022 + seed, 300 + seed))


def test_rows_keep_their_word_table_and_row(tmp_path):
    """Provenance is the Word table and its row: the considerations table is Tabel 1, the plan Tabel 2
    under three header rows; a table split at a page break goes on as Tabel 3 from its row 1."""
    path = tmp_path / "keputusan.docx"
    truth = generate_decree(path, "KPU Kota Malang", 2024, 1, variation={
        **DECREE, "considerations_table": True, "numbering_row": True, "split_table": True})
    acts = parse_workbook(path).activities
    assert (acts[0].sheet, acts[0].row) == ("Tabel 2", 4)
    second = [a for a in acts if a.sheet == "Tabel 3"]
    assert second and second[0].row == 1
    assert len(acts) == len(truth["records"])


def test_word_cells_become_a_sheet_with_merges(tmp_path):
    """gridSpan spreads over its columns and vMerge becomes a merged range, the value top-left like
    Excel; a cell's paragraphs are joined by newlines."""
    path = tmp_path / "lampiran.docx"
    truth = generate_decree(path, "KPU Kota Malang", 2024, 2, variation={
        "document": "annex", "split_table": False, "numbering_row": False, "header_words": 0, "marks": "tick",
        "indicator_rows": False})
    sheet = open_book(path.read_bytes(), path.name).sheets[0]
    assert sheet.name == "Tabel 1"
    assert sheet.rows[0][:7] == list(HEADER_WORDS[0][:6]) + [None]
    assert ((0, 5), (0, 16)) in sheet.merges and ((0, 1), (1, 1)) in sheet.merges
    first_area = [r for r in truth["records"] if r["area_no"] == truth["records"][0]["area_no"]]
    if len(first_area) > 1:
        assert ((2, 1), (1 + len(first_area), 1)) in sheet.merges
        assert sheet.rows[3][1] is None
    packed = next(r for r in truth["records"] if "1) " in r["indikator"])
    cell = sheet.rows[packed["row"] - 1][4]
    assert cell.startswith("1) ") and "\n2) " in cell


def test_an_office_named_only_in_the_letterhead(tmp_path):
    """Only the plan under a title without the office: the page header's letterhead names it."""
    path = tmp_path / "lampiran.docx"
    truth = generate_decree(path, "KPU Kabupaten Hulu Sungai Selatan", 2024, 5, variation={"document": "annex"})
    out = _assert_matches(path, truth)
    assert out["satker"] == "KPU Kabupaten Hulu Sungai Selatan" and out["warnings"] == []


def test_an_office_broken_over_two_lines_is_one_name():
    """'KETUA KOMISI PEMILIHAN UMUM' over 'KOTA BANDAR LAMPUNG,': the heading and the signature name the
    office on two lines."""
    titles, footers = decree_texts(["KEPUTUSAN KOMISI PEMILIHAN UMUM", "KOTA BANDAR LAMPUNG", "TENTANG",
                                    "Menimbang : a. bahwa Komisi Pemilihan Umum Republik Indonesia ...",
                                    "MEMUTUSKAN:", "KETUA KOMISI PEMILIHAN UMUM", "KOTA BANDAR LAMPUNG,"])
    assert titles == ["KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA BANDAR LAMPUNG", "TENTANG"]
    assert footers == ["KETUA KOMISI PEMILIHAN UMUM KOTA BANDAR LAMPUNG,"]
    assert find_satker(footers) == "KPU Kota Bandar Lampung"


def test_a_docx_plan_parses_in_well_under_a_second(tmp_path):
    """Issue 19 item 7: a whole-catalogue decree in < 1 s (CPU time of the parse, in process)."""
    path = tmp_path / "keputusan.docx"
    generate_decree(path, "KPU Kota Malang", 2024, 3, variation={"coverage": 1.0, "document": "decree"})
    start = time.process_time()
    plan = parse_workbook(path)
    assert time.process_time() - start < 1.0 and len(plan.activities) > 60


def test_folders_give_their_word_documents(tmp_path):
    for name in ("a.docx", "b.XLSX", "c.txt", "~$a.docx", "sub/d.docx"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in workbook_files([tmp_path])] == [
        "a.docx", "b.XLSX", "sub/d.docx"]


# --- documents that hold no readable plan -----------------------------------------------------------

NO_PLAN_EN = ("the document has no plan table: no table with KEGIATAN/INDIKATOR columns and month columns (1-12, "
              "Jan..Des or Mulai/Selesai) was found, and a table pasted as a picture or scanned cannot be read; "
              "put the plan (the LAMPIRAN) in the document as a Word table, or upload the plan's Excel workbook")
NO_PLAN_ID = ("dokumen tidak berisi tabel rencana aksi: tidak ada tabel dengan kolom KEGIATAN/INDIKATOR dan kolom "
              "bulan (1-12, Jan..Des, atau Mulai/Selesai), dan tabel berupa gambar atau hasil pindaian tidak dapat "
              "dibaca; masukkan rencana aksi (LAMPIRAN) ke dokumen sebagai tabel Word, atau unggah workbook "
              "Excel-nya")
WORD_97_EN = ("this is a Word 97-2003 document (.doc), which is not read; open it in Word, save it as 'Word "
              "Document (.docx)' and upload that")
WORD_97_ID = ("file ini dokumen Word 97-2003 (.doc) yang tidak dapat dibaca; buka di Word, simpan sebagai 'Word "
              "Document (.docx)', lalu unggah file itu")
ENCRYPTED_EN = ("the file is password-protected; open it in Excel or Word, remove the password (File > Info > "
                "Protect Workbook or Protect Document) and save again")


def _docx(build):
    from docx import Document
    doc = Document()
    build(doc)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _decree_without_plan(doc):
    for line in ("KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA MALANG", "TENTANG TIM REFORMASI BIROKRASI TAHUN 2024",
                 "Menimbang : a. bahwa ...", "MEMUTUSKAN:"):
        doc.add_paragraph(line)
    table = doc.add_table(rows=2, cols=4)  # a list of members: no months, not a plan
    for c, text in enumerate(("NO", "NAMA", "JABATAN DALAM TIM", "KETERANGAN")):
        table.rows[0].cells[c].text = text
    doc.add_paragraph("KETUA KOMISI PEMILIHAN UMUM KOTA MALANG,")


def _scanned(doc):
    from PIL import Image
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(picture, "PNG")
    picture.seek(0)
    doc.add_picture(picture)


def _stored(data):
    """The package rewritten without compression (so one flipped byte is a CRC error, not a zlib one)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
    return out.getvalue()


def _flip_in(data, member):
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    pos = start + info.compress_size // 2
    return data[:pos] + bytes([data[pos] ^ 0x20]) + data[pos + 1:]


BROKEN_XML = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def _with_member(data, member, body):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, body if info.filename == member else src.read(info.filename))
    return out.getvalue()


def _encrypted(data):
    from msoffcrypto.format.ooxml import OOXMLFile
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt("rahasia", out)
    return out.getvalue()


def _word_97(tmp_path):
    """An OLE2 compound file whose main stream is WordDocument (what Word 97-2003 saves as .doc): a
    generated .xls with its Workbook stream renamed in the directory."""
    path = tmp_path / "ticks.xls"
    demo.generate(path, "xls_ticks", "KPU Kota Malang", 2024, 1)
    data = path.read_bytes()
    old, new = ("Workbook\0".encode("utf-16-le"), "WordDocument\0".encode("utf-16-le"))
    at = next(i for i in range(0, len(data), 128) if data[i:i + len(old)] == old)
    return data[:at] + new.ljust(64, b"\0") + len(new).to_bytes(2, "little") + data[at + 66:]


@pytest.fixture(scope="module")
def decree_bytes(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "keputusan.docx"
    generate_decree(path, "KPU Kota Malang", 2024, 4, variation={"coverage": 0.6})
    return path.read_bytes()


def test_a_document_without_a_plan_table_is_refused_saying_what_to_do():
    for data in (_docx(_decree_without_plan), _docx(_scanned), _docx(lambda doc: None)):
        with pytest.raises(NoPlanFound) as exc:
            parse_workbook(data, "keputusan.docx")
        assert (str(exc.value), exc.value.message_id) == (NO_PLAN_EN, NO_PLAN_ID)


@pytest.mark.parametrize("damage, message", [
    (lambda d: d[:len(d) // 2], "the file is truncated or damaged (File is not a zip file); copy or download it again"),
    (lambda d: _flip_in(_stored(d), "word/document.xml"),
     "the file is truncated or damaged (Bad CRC-32 for file 'word/document.xml'); copy or download it again"),
    (lambda d: _with_member(d, "word/document.xml", BROKEN_XML),
     "the file is truncated or damaged (no element found: line 1, column 112); copy or download it again"),
    (_encrypted, ENCRYPTED_EN),
], ids=["truncated", "crc", "broken_xml", "encrypted"])
def test_a_damaged_or_locked_docx_is_refused(decree_bytes, damage, message):
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(damage(decree_bytes), "keputusan.docx")
    assert str(exc.value) == message


def test_a_word_97_document_is_refused_asking_for_docx(tmp_path):
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(_word_97(tmp_path), "keputusan.doc")
    assert (str(exc.value), exc.value.message_id) == (WORD_97_EN, WORD_97_ID)


def test_parse_cli_reads_a_docx_and_refuses_a_bad_one_in_one_line(tmp_path, decree_bytes):
    from click.testing import CliRunner
    from rbdash.cli import main
    good, bad = tmp_path / "keputusan.docx", tmp_path / "kosong.docx"
    good.write_bytes(decree_bytes)
    bad.write_bytes(_docx(_decree_without_plan))
    res = CliRunner().invoke(main, ["parse", "--json", str(good)])
    out = json.loads(res.stdout)
    assert res.exit_code == 0 and (out["satker"], out["year"]) == ("KPU Kota Malang", 2024)
    assert {a["sheet"] for a in out["activities"]} <= {"Tabel 1", "Tabel 2", "Tabel 3"}
    res = CliRunner().invoke(main, ["parse", "--json", str(bad)])
    assert (res.exit_code, res.stdout, res.stderr) == (2, "", f"error: {bad}: {NO_PLAN_EN}\n")


# --- the real-style fixture ------------------------------------------------------------------------------

@pytest.mark.skipif(not FIXTURE.is_file(), reason=NO_SHARED)
def test_bandar_lampung_decree_reads_to_its_truth(tmp_path):
    """Every record at its table row, the office and year from the decree; the shared scorer (pairing
    by text) agrees: accuracy 1.000."""
    truth = json.loads(FIXTURE.with_suffix(".truth.json").read_text(encoding="utf-8"))
    out = _assert_matches(FIXTURE, truth)
    assert out["warnings"] == []
    (tmp_path / FIXTURE.name).symlink_to(FIXTURE)
    (tmp_path / FIXTURE.with_suffix(".truth.json").name).symlink_to(FIXTURE.with_suffix(".truth.json"))
    p = subprocess.run([sys.executable, str(SCORE_TOOL), str(tmp_path), "--", sys.executable, "-m", "rbdash",
                        "parse", "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.stdout.strip().splitlines()[-1] == "record accuracy 1.000 over 61 records", p.stdout + p.stderr


# --- fuzzed Word tables ----------------------------------------------------------------------------------

DOCX_FUZZ = int(__import__("os").environ.get("DOCX_FUZZ_CASES", "20"))
_WEIRD_ATTRS = [b'w:gridSpan w:val="%s"', b'w:vMerge w:val="%s"', b'w:gridBefore w:val="%s"',
                b'w:sym w:font="Wingdings" w:char="%s"', b'w:shd w:val="%s" w:fill="%s"']
_WEIRD = [b"0", b"-1", b"999999999", b"restart", b"continue", b"x", b"", b"FFFFFFFF", b"F0FC", b"auto", b"nil",
          b"solid", b"92D050", b"1e9"]


def _fuzzed(xml, rng):
    """One seeded mutation of document.xml: a weird span/merge/symbol/shading, a cell or row dropped or
    doubled, or a table nested in a cell."""
    import re
    cells = list(re.finditer(rb"<w:tc>.*?</w:tc>", xml, re.S))
    rows = list(re.finditer(rb"<w:tr>.*?</w:tr>", xml, re.S))
    kind = rng.randrange(5)
    if kind == 0 and cells:
        m = rng.choice(cells)
        attr = rng.choice(_WEIRD_ATTRS)
        el = b"<" + (attr % tuple(rng.choice(_WEIRD) for _ in range(attr.count(b"%s")))) + b"/>"
        new = m.group(0).replace(b"<w:tcPr>", b"<w:tcPr>" + el, 1) if b"sym" not in el else \
            m.group(0).replace(b"<w:p>", b"<w:p><w:r>" + el + b"</w:r>", 1)
        return xml[:m.start()] + new + xml[m.end():]
    if kind == 1 and cells:
        m = rng.choice(cells)
        return xml[:m.start()] + xml[m.end():]
    if kind == 2 and rows:
        m = rng.choice(rows)
        return xml[:m.start()] + m.group(0) * rng.choice((0, 2, 3)) + xml[m.end():]
    if kind == 3 and cells and rows:
        m, row = rng.choice(cells), rng.choice(rows)
        nested = b"<w:tbl>" + row.group(0) + b"</w:tbl><w:p/>"
        return xml[:m.end() - 7] + nested + xml[m.end() - 7:]
    pos = rng.randrange(len(xml))
    return xml[:pos] + bytes([rng.randrange(32, 127)]) + xml[pos + 1:]


def test_fuzzed_word_tables_are_read_or_refused_by_name(decree_bytes):
    """Seeded mutations of the plan table's XML: each is a plan or a named refusal, never a crash."""
    import random
    from rbdash.errors import RbdashError
    xml = zipfile.ZipFile(io.BytesIO(decree_bytes)).read("word/document.xml")
    outcomes = {}
    for case in range(DOCX_FUZZ):
        rng = random.Random(f"docx-fuzz:{case}")
        body = xml
        for _ in range(rng.randint(1, 4)):
            body = _fuzzed(body, rng)
        try:
            plan = parse_workbook(_with_member(decree_bytes, "word/document.xml", body), "keputusan.docx")
            outcome = "plan" if plan.activities else "empty plan"
        except RbdashError as exc:
            outcome = exc.code
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert set(outcomes) <= {"plan", "truncated", "no_plan_table_document", "no_rows"}, outcomes
    assert outcomes.get("plan", 0) > DOCX_FUZZ // 2, outcomes
