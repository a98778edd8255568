"""Issue 19: OpenDocument spreadsheets (.ods, LibreOffice Calc) read by one container reader more.

Every layout family is generated as .ods (rbdash.demo.ods: the openpyxl workbook converted with
odfpy, padded with LibreOffice's repeated filler rows and cells) and compared with its truth in code;
small hand-written content.xml files pin the exact values; quirk files check the safety .xlsx has
(stray cells far away, entities, damaged members).  The LibreOffice-saved plans3 fixtures are
scored when ../shared is there.
"""

import datetime as dt
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app_fixtures import empty_db, warm_server  # noqa: F401 (fixtures)
from conftest import HAVE_SHARED, NO_SHARED, ROOT, SCORE_TOOL, SHARED
from rbdash import demo
from rbdash.demo.layouts import LAYOUTS
from rbdash.demo.ods import ods_bytes
from rbdash.errors import UnreadableFile
from rbdash.excel import WORKBOOK_SUFFIXES, open_book, parse_workbook, workbook_files
from rbdash.store import Store
from app_fixtures import start
from test_excel_container import damaged_copies, measured_parse, rewrite

ODS_FAMILIES = tuple(f for f in demo.ALL_FAMILIES if LAYOUTS[f].container == "xlsx")
# the families whose schedule lives in what .ods stores its own way: fills, fonts, merges, dates
MORE_SEEDS = ("merged_fill", "checks", "symbols", "dates", "bars", "weekly", "monev")
CASES = [(f, 1) for f in ODS_FAMILIES] + [(f, 2) for f in MORE_SEEDS]
PLANS3 = SHARED / "fixtures" / "plans3"
ODS_FIXTURES = ("kpu_kota_pekanbaru_2025", "kpu_kota_dumai_2024", "kpu_kota_binjai_2026")


def _parsed(source, name=None):
    return json.loads(json.dumps(parse_workbook(source, name).to_dict()))


def _assert_matches(out, truth):
    ok, n, extra, fails, meta = demo.compare(truth, out)
    assert (ok, extra, fails, meta) == (n, 0, {}, []), f"{ok}/{n} right, {extra} extra, {fails}, {meta}"


@pytest.mark.parametrize("family, seed", CASES)
def test_family_as_ods_parses_to_its_truth(tmp_path, family, seed):
    """An unseen office of each family saved as .ods; the file name never names the office."""
    names = demo.office_names()
    satker = names[(ODS_FAMILIES.index(family) * 17 + seed * 41) % 500]
    path = tmp_path / f"rencana_aksi_{seed}.ods"
    truth = demo.generate(path, family, satker, 2024 + seed % 3, seed=500 + seed)
    assert zipfile.ZipFile(path).read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    _assert_matches(_parsed(path), truth)


@pytest.mark.parametrize("family, variation", [
    ("merged_fill", {"hidden_sheet": True, "recap_sheet": True, "fill": "theme", "offset": (2, 1)}),
    ("symbols", {"symbol": "wingdings2_p", "symbol_decoy": True, "hidden_sheet": True}),
    ("dates", {"date_format": "date", "durasi": True, "legend": True}),
    ("extra_columns", {"extras": "after", "total_row": True, "notes": True, "grid_mark": "fill"}),
])
def test_the_same_plan_reads_the_same_from_ods_and_xlsx(tmp_path, family, variation):
    """Activities and warnings (hidden sheet, recap sheet, inferred areas ...) are what the .xlsx
    of the same workbook gives, sheet and row provenance included."""
    got = {}
    for suffix in (".xlsx", ".ods"):
        path = tmp_path / f"rencana{suffix}"
        demo.generate(path, family, "KPU Kabupaten Sigi", 2025, 7, variation=variation)
        out = _parsed(path)
        got[suffix] = (out["satker"], out["year"], out["activities"], out["warnings"])
    assert got[".ods"] == got[".xlsx"]
    assert got[".ods"][2]


@pytest.mark.parametrize("symbol", ["wingdings_u", "wingdings2_p"])
def test_a_symbol_inserted_in_a_font_span_is_a_tick(tmp_path, symbol):
    """LibreOffice's Insert > Special Character sets the symbol font on a text span inside a cell
    of the default font: the span's font makes the letter a tick; the decoys (the same letter in
    Calibri) stay text."""
    xlsx = tmp_path / "rencana.xlsx"
    truth = demo.generate(xlsx, "symbols", "KPU Kota Ternate", 2024, 3,
                          variation={"symbol": symbol, "symbol_decoy": True})
    data = ods_bytes(openpyxl.load_workbook(xlsx), symbol_spans=True)
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    cell_styles = re.findall(r'<style:style style:name="ce\d+".*?</style:style>', content)
    assert cell_styles and not any("Wingdings" in st for st in cell_styles)  # the font is on the spans only
    assert '<text:span text:style-name="T1">' in content
    _assert_matches(_parsed(data, "rencana.ods"), truth)


# --- values, merges, styles read exactly --------------------------------------------------------

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
      'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
      'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')


def ods_package(body, automatic="", styles="", fonts="", manifest=None):
    """A minimal .ods: ``body`` is the office:spreadsheet content."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.3">'
               f"<office:font-face-decls>{fonts}</office:font-face-decls>"
               f"<office:automatic-styles>{automatic}</office:automatic-styles>"
               f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body>"
               f"</office:document-content>")
    style_part = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}>'
                  f"<office:styles>{styles}</office:styles></office:document-styles>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", style_part)
        zf.writestr("META-INF/manifest.xml", manifest or
                    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>')
    return out.getvalue()


def cell(inner="", **attrs):
    a = " ".join(f'{k.replace("__", ":").replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<table:table-cell {a}>{inner}</table:table-cell>"


FILLER_COLS = '<table:table-cell table:number-columns-repeated="16380"/>'


def test_values_as_the_parser_expects_them():
    """Numbers as float, dates as date/datetime, booleans, text with its spaces, breaks and
    paragraphs; a formula's cached result; comments left out; covered cells empty."""
    row1 = "".join([
        cell("<text:p>7</text:p>", office__value_type="float", office__value="7"),
        cell("<text:p>50%</text:p>", office__value_type="percentage", office__value="0.5"),
        cell("<text:p>Rp 1.500.000</text:p>", office__value_type="currency", office__value="1500000"),
        cell("<text:p>10/01/2026</text:p>", office__value_type="date", office__date_value="2026-01-10"),
        cell("<text:p>10/01/2026 08:30</text:p>", office__value_type="date",
             office__date_value="2026-01-10T08:30:00"),
        cell("<text:p>08:30</text:p>", office__value_type="time", office__time_value="PT08H30M00S"),
        cell("<text:p>TRUE</text:p>", office__value_type="boolean", office__boolean_value="true"),
    ])
    row2 = "".join([
        cell('<text:p>a<text:s text:c="3"/>b<text:tab/>c</text:p><text:p>d<text:line-break/>'
             '<text:span text:style-name="T1">e</text:span><text:note><text:note-body><text:p>catatan kaki'
             '</text:p></text:note-body></text:note></text:p>', office__value_type="string"),
        cell('<office:annotation><text:p>komentar</text:p></office:annotation><text:p>isi</text:p>',
             office__value_type="string"),
        cell("<text:p>√</text:p>", table__formula="of:=IF([.F2]&lt;=3;&quot;√&quot;;&quot;&quot;)", office__value_type="string",
             calcext__value_type="string"),
        cell("<text:p/>", table__formula="of:=IF([.F2]&lt;=1;&quot;√&quot;;&quot;&quot;)", office__value_type="string",
             calcext__value_type="string"),
        cell("<text:p>4</text:p>", table__formula="of:=2+2", office__value_type="float", office__value="4",
             calcext__value_type="float"),
        cell("<text:p>#DIV/0!</text:p>", table__formula="of:=1/0", office__value_type="float",
             office__value="0", calcext__value_type="error"),
        cell("", table__formula="of:=1+1"),
    ])
    merged = (cell("<text:p>PELAKSANAAN</text:p>", office__value_type="string",
                   table__number_columns_spanned="3", table__number_rows_spanned="2")
              + '<table:covered-table-cell table:number-columns-repeated="2"/>'
              + cell("<text:p>x</text:p>", office__value_type="string", table__number_columns_repeated="2"))
    under = ('<table:covered-table-cell table:number-columns-repeated="2"/>'
             '<table:covered-table-cell office:value-type="string"><text:p>kept hidden</text:p>'
             "</table:covered-table-cell>" + cell("<text:p>y</text:p>", office__value_type="string"))
    body = (f'<table:table table:name="Lembar 1"><table:table-column table:number-columns-repeated="16384"/>'
            f"<table:table-row>{row1}{FILLER_COLS}</table:table-row>"
            f"<table:table-row>{row2}{FILLER_COLS}</table:table-row>"
            f"<table:table-row>{merged}{FILLER_COLS}</table:table-row>"
            f"<table:table-row>{under}{FILLER_COLS}</table:table-row>"
            f'<table:table-row table:number-rows-repeated="2">{cell("<text:p>z</text:p>", office__value_type="string")}'
            f"{FILLER_COLS}</table:table-row>"
            f'<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
            f'table:number-columns-repeated="16384"/></table:table-row></table:table>')
    book = open_book(ods_package(body), "nilai.ods")
    (sheet,) = book.sheets
    assert sheet.name == "Lembar 1" and sheet.visible and book.warnings == []
    assert sheet.rows == [
        [7.0, 0.5, 1500000.0, dt.date(2026, 1, 10), dt.datetime(2026, 1, 10, 8, 30), dt.time(8, 30), True],
        ["a   b\tc\nd\ne", "isi", "√", None, 4.0, "#DIV/0!", None],
        ["PELAKSANAAN", None, None, "x", "x", None, None],
        [None, None, None, "y", None, None, None],
        ["z", None, None, None, None, None, None],
        ["z", None, None, None, None, None, None],
    ]
    assert sheet.merges == [((2, 0), (3, 2))]


def test_fills_and_fonts_come_from_cell_row_and_column_styles():
    """A cell's own automatic style, else its row's and then its column's default cell style, each
    resolved through its parent named style to the default style; "transparent" is no fill; a font
    name is the face declaration's family."""
    fonts = ('<style:font-face style:name="Wingdings" svg:font-family="Wingdings" style:font-charset="x-symbol"/>'
             "<style:font-face style:name=\"Liberation Sans\" svg:font-family=\"'Liberation Sans'\"/>")
    styles = ('<style:default-style style:family="table-cell"><style:text-properties '
              'style:font-name="Liberation Sans"/></style:default-style>'
              '<style:style style:name="Default" style:family="table-cell"/>'
              '<style:style style:name="Jadwal" style:family="table-cell" style:parent-style-name="Default">'
              '<style:table-cell-properties fo:background-color="#92d050"/></style:style>')
    automatic = ('<style:style style:name="ce1" style:family="table-cell" style:parent-style-name="Jadwal"/>'
                 '<style:style style:name="ce2" style:family="table-cell" style:parent-style-name="Default">'
                 '<style:table-cell-properties fo:background-color="transparent"/>'
                 '<style:text-properties style:font-name="Wingdings"/></style:style>'
                 '<style:style style:name="ce3" style:family="table-cell" style:parent-style-name="Default">'
                 '<style:table-cell-properties fo:background-color="#FFC000"/></style:style>')
    body = ('<table:table table:name="A">'
            '<table:table-column table:default-cell-style-name="Default"/>'
            '<table:table-column table:default-cell-style-name="ce3"/>'
            '<table:table-column table:number-columns-repeated="16382" table:default-cell-style-name="Default"/>'
            '<table:table-row><table:table-cell table:style-name="ce1" table:number-columns-repeated="2"/>'
            '<table:table-cell table:style-name="ce2" office:value-type="string"><text:p>ü</text:p>'
            '</table:table-cell><table:table-cell table:number-columns-repeated="16381"/></table:table-row>'
            '<table:table-row table:default-cell-style-name="ce1" table:number-rows-repeated="2">'
            '<table:table-cell office:value-type="float" office:value="1"/>'
            '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
            '<table:table-row><table:table-cell/><table:table-cell/><table:table-cell office:value-type="string">'
            '<text:p>a</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16381"/>'
            "</table:table-row></table:table>")
    book = open_book(ods_package(body, automatic, styles, fonts), "gaya.ods")
    cols = {0, 1, 2, 3}
    assert book.styles.fills_for("A", 0, 3, cols) == {
        0: {0: "92D050", 1: "92D050", 2: None, 3: None},
        1: {0: "92D050", 1: "92D050", 2: "92D050", 3: "92D050"},
        2: {0: "92D050", 1: "92D050", 2: "92D050", 3: "92D050"},
        3: {0: None, 1: "FFC000", 2: None, 3: None},
    }
    assert book.styles.fonts_for("A", 0, 0, {0, 2}) == {0: {0: "Liberation Sans", 2: "Wingdings"}}


def test_a_sheet_hidden_by_its_table_style_is_not_read():
    automatic = ('<style:style style:name="ta1" style:family="table"><style:table-properties '
                 'table:display="true"/></style:style><style:style style:name="ta2" style:family="table">'
                 '<style:table-properties table:display="false"/></style:style>')
    row = '<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
    body = (f'<table:table table:name="Terlihat" table:style-name="ta1">{row}</table:table>'
            f'<table:table table:name="Lama" table:style-name="ta2">{row}</table:table>')
    book = open_book(ods_package(body, automatic), "lembar.ods")
    assert [(s.name, s.visible, s.rows) for s in book.sheets] == [("Terlihat", True, [["x"]]),
                                                                  ("Lama", False, None)]
    assert book.names == ["Terlihat", "Lama"]


# --- safety: what .xlsx gets ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("ods") / "kpu_kota_tidore_kepulauan_2024.ods"
    demo.generate(path, "merged_fill", "KPU Kota Tidore Kepulauan", 2024, 5,
                  variation={"hidden_sheet": False, "recap_sheet": False})
    return path


def activities(plan):
    return [a.to_dict() for a in plan.activities]


def _content(change):
    return lambda name, body: change(body) if name == "content.xml" else body


def _last_filler(body):
    """(start, end, repeat) of the sheet's final filler row."""
    tail = body.rindex(b"<table:table-row table:number-rows-repeated=")
    end = body.index(b"</table:table-row>", tail) + len(b"</table:table-row>")
    repeat = int(body[tail:end].split(b'"')[1])
    return tail, end, repeat


def _value_row(cells, repeat=1):
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>".encode()


def _x(repeat=1):
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    return f'<table:table-cell office:value-type="string"{rep}><text:p>x</text:p></table:table-cell>'


def _filler(n):
    return _value_row('<table:table-cell table:number-columns-repeated="16384"/>', n)


def _stray_at_end(kind):
    """Values after the sheet's content, where LibreOffice writes its filler."""
    def change(body):
        start, end, repeat = _last_filler(body)
        first = 1048577 - repeat  # the filler's first row
        empty = '<table:table-cell table:number-columns-repeated="16383"/>'
        new = {
            "XFD1048576": lambda: _filler(repeat - 1) + _value_row(empty + _x()),
            "A1048576": lambda: _filler(repeat - 1) + _value_row(_x() + empty),
            "full row 20000": lambda: (_filler(20000 - first) + _value_row(_x(16384))
                                       + _filler(repeat - (20000 - first) - 1)),
            "column A filled down after a gap": lambda: _filler(1500) + _value_row(_x() + empty, repeat - 1500),
            "column A filled down under the plan": lambda: _value_row(_x() + empty, repeat),
        }[kind]()
        return body[:start] + new + body[end:]
    return change


@pytest.fixture(scope="module")
def clean(base):
    return measured_parse(base)


@pytest.mark.parametrize("kind", ["XFD1048576", "A1048576", "full row 20000", "column A filled down after a gap",
                                  "column A filled down under the plan"])
def test_values_far_away_cost_nothing_and_are_reported(base, clean, tmp_path, kind):
    """The stray-cell rule of .xlsx (extent.block): repeats are never expanded beyond the plan block,
    which ends 1,000 empty rows after its last value or at 100,000 rows."""
    path = tmp_path / "jauh.ods"
    path.write_bytes(rewrite(base.read_bytes(), _content(_stray_at_end(kind))))
    got = measured_parse(path)
    assert got["activities"] == clean["activities"]
    _, _, repeat = _last_filler(zipfile.ZipFile(base).read("content.xml"))
    first_filler = 1048577 - repeat
    count, first = {
        "XFD1048576": (1, "XFD1048576"),
        "A1048576": (1, "A1048576"),
        "full row 20000": (16384, "A20000"),
        "column A filled down after a gap": (repeat - 1500, f"A{first_filler + 1500}"),
        "column A filled down under the plan": (1048576 - 100_000, "A100001"),
    }[kind]
    name = open_book(base.read_bytes(), base.name).sheets[0].name
    row = int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    message = (f"{count} cell(s) far outside the plan table ignored on sheet '{name}' (first at {first}); "
               "delete them in Excel if they are not meant to be there")
    assert got["warnings"] == [*clean["warnings"], ["stray_cells", name, row, message]]
    assert got["cpu_seconds"] < clean["cpu_seconds"] + 1.0
    assert got["peak_mb"] < 200


def test_a_whole_sheet_of_shaded_filler_costs_nothing(base, clean, tmp_path):
    """Every one of the 16,384 x 1M filler cells carries a background (a whole sheet coloured)."""
    def change(body):
        start, end, repeat = _last_filler(body)
        row = (f'<table:table-row table:number-rows-repeated="{repeat}"><table:table-cell table:style-name="ceX" '
               'table:number-columns-repeated="16384"/></table:table-row>').encode()
        style = (b'<style:style style:name="ceX" style:family="table-cell"><style:table-cell-properties '
                 b'fo:background-color="#FF0000"/></style:style></office:automatic-styles>')
        body = body[:start] + row + body[end:]
        return body.replace(b"</office:automatic-styles>", style, 1)
    path = tmp_path / "latar.ods"
    path.write_bytes(rewrite(base.read_bytes(), _content(change)))
    got = measured_parse(path)
    assert (got["activities"], got["warnings"]) == (clean["activities"], clean["warnings"])
    assert got["cpu_seconds"] < clean["cpu_seconds"] + 1.0
    assert got["peak_mb"] < 200


@pytest.mark.parametrize("part", ["content.xml", "styles.xml", "META-INF/manifest.xml"])
def test_an_entity_declaration_is_refused(base, part):
    def inject(name, body):
        if name != part:
            return body
        head_end = body.index(b"?>") + 2
        return body[:head_end] + b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>' + body[head_end:]
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(rewrite(base.read_bytes(), inject), name="entitas.ods")
    assert str(exc.value) == (f"the workbook contains XML entity declarations in {part} (possible XML bomb); "
                              "refused")


@pytest.mark.parametrize("stored", [False, True], ids=["deflated", "stored"])
def test_a_damaged_member_is_refused(base, stored):
    """A flipped bit (compressed) or 4 replaced bytes (stored) in content.xml or styles.xml: the CRC
    no longer matches, the file is refused as damaged, never read with other text."""
    data = rewrite(base.read_bytes(), lambda n, b: b, stored=stored)
    for member, damaged in damaged_copies(data, ("content.xml", "styles.xml"), 19, 6, stored):
        with pytest.raises(UnreadableFile) as exc:
            parse_workbook(damaged, name="rusak.ods")
        assert exc.value.code == "truncated", member
        assert exc.value.message_id == "file terpotong atau rusak; salin atau unduh ulang file aslinya"


def test_broken_xml_with_a_good_crc_is_refused_in_one_line(base):
    """content.xml cut short and zipped again (the CRC matches what is there)."""
    bad = rewrite(base.read_bytes(), _content(lambda body: body[:len(body) // 2]))
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(bad, name="terpotong.ods")
    assert exc.value.code == "unreadable"
    assert str(exc.value).startswith("the workbook cannot be read (content.xml: ")
    assert "\n" not in str(exc.value)


def test_a_password_protected_ods_is_refused_as_encrypted(base):
    """LibreOffice encrypts content.xml and styles.xml and says so in the manifest."""
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                b'"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path='
                b'"content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type='
                b'"SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" '
                b'manifest:initialisation-vector="x"/></manifest:encryption-data></manifest:file-entry>'
                b"</manifest:manifest>")
    noise = bytes(random.Random(5).randrange(256) for _ in range(4000)).replace(b"<", b"(")

    def encrypt(name, body):
        return manifest if name == "META-INF/manifest.xml" else noise if name in ("content.xml", "styles.xml") \
            else body
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(rewrite(base.read_bytes(), encrypt), name="terkunci.ods")
    assert exc.value.code == "encrypted"


# --- formulas with cached results, as LibreOffice saves them --------------------------------------

def test_ticks_and_numbers_from_formulas_are_their_cached_results(tmp_path):
    """Every tick is an IF formula whose cached result is the tick, every NO a ROW() formula with
    its cached number; the formulas themselves are never evaluated."""
    path = tmp_path / "rumus.ods"
    truth = demo.generate(path, "checks", "KPU Kota Bitung", 2025, 4, variation={"mark": "√"})

    def formulas(body):
        body = body.decode()
        body, ticks = re.subn(r'<table:table-cell office:value-type="string"([^>]*)><text:p>√</text:p>',
                              r'<table:table-cell table:formula="of:=IF(1;&quot;√&quot;;&quot;&quot;)" '
                              r'office:value-type="string"\1><text:p>√</text:p>', body)
        body, numbers = re.subn(r'<table:table-cell office:value-type="float"',
                                '<table:table-cell table:formula="of:=ROW()-7" office:value-type="float"', body)
        assert ticks > 20 and numbers > 20
        return body.encode()
    data = rewrite(path.read_bytes(), _content(formulas))
    _assert_matches(_parsed(data, "rumus.ods"), truth)


# --- where .ods is accepted -------------------------------------------------------------------------

def test_folder_imports_take_ods_files(tmp_path):
    for name in ("a.ods", "b.ODS", "c.xlsx", "d.odt", "~$e.ods"):
        (tmp_path / name).write_bytes(b"x")
    assert ".ods" in WORKBOOK_SUFFIXES
    assert [p.name for p in workbook_files([tmp_path])] == ["a.ods", "b.ODS", "c.xlsx"]


def test_cli_parses_and_imports_ods_plans(base, tmp_path):
    """`parse` reads an .ods; `import` of a folder takes its .ods files (a damaged one refused in one
    line, exit 2) and leaves other OpenDocument files alone."""
    p = subprocess.run([sys.executable, "-m", "rbdash", "parse", "--json", str(base)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert (out["satker"], out["year"], out["source_name"]) == ("KPU Kota Tidore Kepulauan", 2024, base.name)
    folder = tmp_path / "kiriman"
    folder.mkdir()
    (folder / base.name).write_bytes(base.read_bytes())
    (folder / "rusak.ods").write_bytes(base.read_bytes()[:5000])
    (folder / "surat.odt").write_bytes(b"not read")
    p = subprocess.run([sys.executable, "-m", "rbdash", "import", "--db", str(tmp_path / "rb.duckdb"), str(folder)],
                       cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    lines = p.stdout.splitlines()
    assert p.returncode == 2 and len(lines) == 2, (p.stdout, p.stderr)
    assert lines[0].startswith(f"{folder / base.name}: ok: KPU Kota Tidore Kepulauan 2024 version 1, ")
    assert lines[1].startswith(f"{folder / 'rusak.ods'}: refused: the file is truncated or damaged (")
    assert "Traceback" not in p.stderr


def test_the_upload_page_takes_an_ods_plan(empty_db, warm_server, base):  # noqa: F811 (fixtures)
    at = start("pages/impor.py")
    assert "ods" in {t.lstrip(".") for t in at.file_uploader[0].allowed_type}
    assert any("LibreOffice Calc (.ods)" in c.value for c in at.caption)
    at.text_input(key="petugas").input("Siti")
    at.file_uploader[0].set_value([(base.name, base.read_bytes(), "application/vnd.oasis.opendocument.spreadsheet")])
    at.run()
    assert not at.exception and not at.error
    assert any("KPU Kota Tidore Kepulauan" in m.value and "tahun **2024**" in m.value for m in at.markdown)
    at.button(key="confirm_import").click().run()
    assert at.dataframe[0].value.set_index("File")["Hasil"].to_dict() == {base.name: "berhasil"}
    assert Store(empty_db).counts()["plan_versions"] == 1


# --- the LibreOffice-saved fixtures ---------------------------------------------------------------

@pytest.mark.skipif(not HAVE_SHARED or not PLANS3.is_dir(), reason=NO_SHARED)
def test_plans3_ods_fixtures_score_one():
    """Pekanbaru (shaded Banjarmasin layout), Dumai (ticks and extra columns), Binjai (MULAI/SELESAI
    dates), scored by the shared scorer."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in ODS_FIXTURES:
            for suffix in (".ods", ".truth.json"):
                (Path(tmp) / f"{name}{suffix}").write_bytes((PLANS3 / f"{name}{suffix}").read_bytes())
        p = subprocess.run([sys.executable, str(SCORE_TOOL), tmp, "--", sys.executable, "-m", "rbdash", "parse",
                            "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert p.returncode == 0, p.stderr
    assert "record accuracy 1.000 over 172 records" in p.stdout, p.stdout
