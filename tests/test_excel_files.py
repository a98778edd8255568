"""Files nobody here wrote (issue 18): a legacy .xls is bounded by the cells it holds like an .xlsx;
a refusal names what the file really is; a package whose parts are named unusually is read as Excel
reads it.

Every file is made here, one small file per quirk: plans from ``rbdash.demo`` (ground truth in code),
saved as .xls with xlwt, repacked, or hand-made bytes.  Nothing needs ../shared.
"""

import io
import re
import struct
import zipfile

import olefile
import openpyxl
import pytest

from rbdash import demo
from rbdash.errors import MESSAGES, UnreadableFile
from rbdash.excel import parse_workbook
from test_excel_container import measured_parse


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    """A plan drawn in colour (fills read from the styles) as .xlsx, and the same saved as .xls."""
    folder = tmp_path_factory.mktemp("files")
    path = folder / "kpu_kabupaten_tapin_2024.xlsx"
    demo.generate(path, "merged_fill", "KPU Kabupaten Tapin", 2024, 3)
    demo.save(openpyxl.load_workbook(path), folder / "kpu_kabupaten_tapin_2024.xls")
    return path


def activities(plan):
    return [a.to_dict() for a in plan.activities]


def refusal(data, name="rencana.xlsx"):
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(data, name=name)
    return exc.value


# --- .xls bounded by its cells ----------------------------------------------------------------------

def _corners(ws):
    for ref in ("A1", "IV1", "A65536", "IV65536"):
        ws[ref] = "sudut"


@pytest.mark.parametrize("case, sheet, warnings", [
    ("one stray cell at IV65536", "Lampiran",
     [["stray_cells", "Lampiran", 65536, "1 cell(s) far outside the plan table ignored on sheet 'Lampiran' "
       "(first at IV65536); delete them in Excel if they are not meant to be there"]]),
    ("two sheets with a stray cell", "Catatan",
     [["stray_cells", "Lampiran", 65536, "1 cell(s) far outside the plan table ignored on sheet 'Lampiran' "
       "(first at IV65536); delete them in Excel if they are not meant to be there"],
      ["stray_cells", "Catatan", 65536, "1 cell(s) far outside the plan table ignored on sheet 'Catatan' "
       "(first at IV65536); delete them in Excel if they are not meant to be there"],
      ["not_a_plan_sheet", "Catatan", None, "sheet 'Catatan' has no plan table (skipped)"]]),
    ("four corners of a sheet", "Sudut",
     [["stray_cells", "Sudut", 1, "3 cell(s) far outside the plan table ignored on sheet 'Sudut' (first at IV1); "
       "delete them in Excel if they are not meant to be there"],
      ["not_a_plan_sheet", "Sudut", None, "sheet 'Sudut' has no plan table (skipped)"]]),
])
def test_xls_cells_far_away_cost_nothing_and_are_reported(plan, tmp_path, case, sheet, warnings):
    """calamine expanded every .xls sheet to its farthest cell when the file was opened: one stray
    cell cost 1.68 GB, two such sheets 2.33 GB (refused as "too large or damaged" under the worker's
    cap), four corner cells 1.32 GB.  The sheets are now read by their used cells, like .xlsx: the
    plan block only (values, merges and fills), the same plan as the .xlsx it was saved from."""
    wb = openpyxl.load_workbook(plan)
    if case != "four corners of a sheet":
        wb["Lampiran"]["IV65536"] = "x"
    if case == "two sheets with a stray cell":
        notes = wb.create_sheet(sheet)
        notes["A1"], notes["IV65536"] = "catatan", "x"
    if case == "four corners of a sheet":
        _corners(wb.create_sheet(sheet))
    path = tmp_path / "stray.xls"
    demo.save(wb, path)
    clean = measured_parse(plan.with_suffix(".xls"))
    got = measured_parse(path)
    assert got["activities"] == clean["activities"]
    assert [a["planned_months"] for a in got["activities"]] == [a.planned_months for a in
                                                                parse_workbook(plan).activities]
    assert got["warnings"] == warnings
    assert got["peak_mb"] < 300  # before: 1683, 2334 and 1318 MB


# --- refusals that name the file ---------------------------------------------------------------------

def _xls(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    demo.save(wb, tmp_path / "x.xls")
    return (tmp_path / "x.xls").read_bytes()


def _ole_named(xls, name):
    """An OLE2 file whose one stream is called ``name``: what a Word, PowerPoint, Visio, Publisher or
    Outlook file looks like from outside (its directory entry renamed in place)."""
    b = bytearray(xls)
    i = b.index("Workbook".encode("utf-16-le") + b"\0\0")
    entry = name.encode("utf-16-le") + b"\0\0"
    b[i:i + 64] = entry.ljust(64, b"\0")
    struct.pack_into("<H", b, i + 64, len(entry))
    return bytes(b)


def _password_xls(tmp_path):
    """An .xls whose workbook globals carry a FILEPASS record (XOR obfuscation), as Excel writes a
    workbook saved with a password: xlwt's WRITEACCESS record is split into FILEPASS + a shorter
    one, so the stream keeps its size."""
    data = _xls(tmp_path)
    stream = olefile.OleFileIO(io.BytesIO(data)).openstream("Workbook").read()
    i = stream.index(struct.pack("<HH", 0x005C, 112))
    new = stream[:i] + struct.pack("<HHHHH", 0x002F, 6, 0, 0x1234, 0x5678) \
        + struct.pack("<HH", 0x005C, 102) + stream[i + 4:i + 106] + stream[i + 116:]
    path = tmp_path / "sandi.xls"
    path.write_bytes(data)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        ole.write_stream("Workbook", new)
    return path.read_bytes()


def _package(main, content_type):
    """A minimal Office Open XML package whose main part is ``main``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>')
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   f'officeDocument" Target="{main}"/></Relationships>')
        z.writestr(main, "<x/>")
    return out.getvalue()


EXCEL_2 = (struct.pack("<HHHH", 0x0009, 4, 0x0002, 0x0010)  # BOF of an Excel 2.0 worksheet
           + struct.pack("<HHHH", 0x0004, 13, 0, 0) + b"\0\0\0\x05RENAK"  # LABEL "RENAK" in A1
           + struct.pack("<HH", 0x000A, 0))
XML_2003 = (b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Sheet1"><Table><Row>'
            b'<Cell><Data ss:Type="String">KEGIATAN</Data></Cell></Row></Table></Worksheet></Workbook>')
UPLOAD = "unggah workbook Excel (.xlsx) rencana aksinya"


@pytest.mark.parametrize("kind, make, code, english, indonesian", [
    ("password .xls", _password_xls, "encrypted",
     "the file is password-protected; open it in Excel or Word, remove the password (File > Info > Protect "
     "Workbook or Protect Document) and save again",
     "file dikunci kata sandi; buka di Excel atau Word, hapus kata sandi (File > Info > Protect Workbook atau "
     "Protect Document), simpan, lalu unggah lagi"),
    ("Word .doc", lambda t: _ole_named(_xls(t), "WordDocument"), "word_97",
     "this is a Word 97-2003 document (.doc), which is not read; open it in Word, save it as 'Word Document "
     "(.docx)' and upload that",
     "file ini dokumen Word 97-2003 (.doc) yang tidak dapat dibaca; buka di Word, simpan sebagai 'Word Document "
     "(.docx)', lalu unggah file itu"),
    ("PowerPoint .ppt", lambda t: _ole_named(_xls(t), "PowerPoint Document"), "powerpoint",
     "this is a PowerPoint presentation, not a workbook; upload the action plan's Excel workbook (.xlsx)",
     f"file ini presentasi PowerPoint, bukan workbook Excel; {UPLOAD}"),
    ("Visio .vsd", lambda t: _ole_named(_xls(t), "VisioDocument"), "visio",
     "this is a Visio drawing, not a workbook; upload the action plan's Excel workbook (.xlsx)",
     f"file ini gambar Visio, bukan workbook Excel; {UPLOAD}"),
    ("Publisher .pub", lambda t: _ole_named(_xls(t), "Quill"), "publisher",
     "this is a Publisher document, not a workbook; upload the action plan's Excel workbook (.xlsx)",
     f"file ini dokumen Publisher, bukan workbook Excel; {UPLOAD}"),
    ("Outlook .msg", lambda t: _ole_named(_xls(t), "__properties_version1.0"), "outlook",
     "this is an Outlook e-mail message (.msg), not a workbook; save the workbook attached to it and upload that",
     "file ini pesan e-mail Outlook (.msg), bukan workbook Excel; simpan workbook yang dilampirkan di dalamnya "
     "lalu unggah file itu"),
    ("another OLE file", lambda t: _ole_named(_xls(t), "Contents"), "other_office",
     "this is an Office 97-2003 file that holds no workbook; upload the action plan's Excel workbook (.xlsx)",
     f"file ini file Office 97-2003 yang tidak berisi workbook; {UPLOAD}"),
    ("PowerPoint .pptx", lambda t: _package("ppt/presentation.xml", "application/vnd.openxmlformats-"
                                            "officedocument.presentationml.presentation.main+xml"), "powerpoint",
     "this is a PowerPoint presentation, not a workbook; upload the action plan's Excel workbook (.xlsx)",
     f"file ini presentasi PowerPoint, bukan workbook Excel; {UPLOAD}"),
    ("Visio .vsdx", lambda t: _package("visio/document.xml", "application/vnd.ms-visio.drawing.main+xml"), "visio",
     "this is a Visio drawing, not a workbook; upload the action plan's Excel workbook (.xlsx)",
     f"file ini gambar Visio, bukan workbook Excel; {UPLOAD}"),
    ("Excel .xlsb", lambda t: _package("xl/workbook.bin", "application/vnd.ms-excel.sheet.binary.macroEnabled.main"),
     "xlsb",
     "this is an Excel Binary Workbook (.xlsb), which rbdash does not read; open it in Excel and save it as "
     "'Excel Workbook (.xlsx)'",
     "file ini Excel Binary Workbook (.xlsb) yang tidak dapat dibaca rbdash; buka di Excel lalu simpan sebagai "
     "'Excel Workbook (.xlsx)'"),
    ("XML Spreadsheet 2003", lambda t: XML_2003, "spreadsheetml",
     "this is an Excel 2003 XML spreadsheet (XML Spreadsheet 2003), which rbdash does not read; open it in Excel "
     "and save it as 'Excel Workbook (.xlsx)'",
     "file ini spreadsheet XML Excel 2003 (XML Spreadsheet 2003) yang tidak dapat dibaca rbdash; buka di Excel "
     "lalu simpan sebagai 'Excel Workbook (.xlsx)'"),
    ("Excel 2.0", lambda t: EXCEL_2, "excel_2_4",
     "this is an Excel 2.0-4.0 file (before Excel 97), which rbdash does not read; open it in Excel and save it as "
     "'Excel Workbook (.xlsx)'",
     "file ini file Excel 2.0-4.0 (sebelum Excel 97) yang tidak dapat dibaca rbdash; buka di Excel lalu simpan "
     "sebagai 'Excel Workbook (.xlsx)'"),
])
def test_a_refusal_names_what_the_file_is(tmp_path, kind, make, code, english, indonesian):
    """Before: a password-protected .xls and every Office 97-2003 file renamed .xlsx were "a damaged
    .xls", a .pptx/.vsdx/.xlsb "a plain ZIP archive", XML Spreadsheet 2003 "a web page" and Excel
    2.0 "not an Excel workbook"."""
    exc = refusal(make(tmp_path))
    assert (exc.code, str(exc), exc.message_id) == (code, english, indonesian)


def test_no_indonesian_message_ends_with_a_library_text():
    """``{detail}`` is a library's English text: the Indonesian line never ends with it."""
    assert [code for code, (_, id_) in MESSAGES.items() if re.search(r"\{detail\}\)?$", id_)] == []


def test_a_calamine_panic_is_refused_where_calamine_is_called(plan, monkeypatch):
    """A Rust panic inside calamine reaches Python as pyo3's PanicException, a BaseException that
    ``except Exception`` lets through: it is caught by name at the call, one line for the file."""
    import python_calamine

    class PanicException(BaseException):
        pass

    def panics(*_):
        raise PanicException("range end index 64 out of range for slice of length 1")
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", panics)
    exc = refusal(plan.read_bytes())
    assert (exc.code, str(exc)) == ("unreadable", "the workbook cannot be read (range end index 64 out of range for "
                                                  "slice of length 1); open it in Excel and save it again as .xlsx")


# --- packages with unusual part names ----------------------------------------------------------------

def repack(data, rename=lambda n: n, change=lambda n, b: b, add=()):
    """The package with members renamed, rewritten (by their original name) and added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(rename(info.filename), change(info.filename, src.read(info.filename)))
        for name, body in add:
            dst.writestr(name, body)
    return out.getvalue()


def _moved(folder):
    """The workbook's folder renamed (``folder`` = "" puts it at the root, as a minimal package)."""
    def rename(n):
        return folder + n[3:] if n.startswith("xl/") else n

    def change(n, b):
        if n in ("_rels/.rels", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
            return b.replace(b'"xl/', f'"{folder}'.encode()).replace(b'"/xl/', f'"/{folder}'.encode())
        return b
    return dict(rename=rename, change=change)


MACRO_REL = b'<Relationship Type="http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet" ' \
            b'Target="macrosheets/sheet1.xml" Id="rId9"/></Relationships>'


@pytest.mark.parametrize("quirk, how", [
    ("backslashes in part names", dict(rename=lambda n: n.replace("/", "\\"))),
    ("part names in another case", dict(rename=lambda n: {"[Content_Types].xml": "[content_types].xml",
                                                         "xl/styles.xml": "xl/Styles.xml"}.get(n, n))),
    ("a minimal package: the workbook at the root", _moved("")),
    ("the workbook in a folder of its own", _moved("wtf/")),
    ("an Excel 4.0 macro sheet", dict(
        change=lambda n, b: b.replace(b"</sheets>", b'<sheet name="Macro1" sheetId="9" r:id="rId9" xmlns:r="http://'
                                      b'schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets>')
        if n == "xl/workbook.xml" else b.replace(b"</Relationships>", MACRO_REL)
        if n == "xl/_rels/workbook.xml.rels" else b,
        add=[("xl/macrosheets/sheet1.xml", '<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/'
                                          'main"><sheetData/></xm:macrosheet>')])),
    ("a sheet whose state is 'show'", dict(
        change=lambda n, b: b.replace(b'state="visible"', b'state="show"') if n == "xl/workbook.xml" else b)),
    ("a sheet without its part", dict(
        change=lambda n, b: b.replace(b"</sheets>", b'<sheet name="Modul" sheetId="8" r:id="" xmlns:r="http://'
                                      b'schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets>')
        if n == "xl/workbook.xml" else b)),
])
def test_a_package_with_unusual_part_names_is_read_as_excel_reads_it(plan, quirk, how):
    """Before: refused as "a plain ZIP archive" (no xl/workbook.xml) or "Cannot detect file format"."""
    got = parse_workbook(repack(plan.read_bytes(), **how), name=plan.name)
    assert activities(got) == activities(parse_workbook(plan))
    assert got.warnings == parse_workbook(plan).warnings
