"""What reaches the readers: whole-package integrity (CRC, sizes, entities) and a sheet's extent.

Every workbook is built here from ``rbdash.demo`` (ground truth in code); nothing needs ../shared.
"""

import io
import json
import random
import struct
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from conftest import ROOT
from rbdash import demo
from rbdash.errors import UnreadableFile
from rbdash.excel import parse_workbook


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("container") / "kpu_kota_malang_2024.xlsx"
    demo.generate(path, "checks", "KPU Kota Malang", 2024, 1)
    return path


def activities(plan):
    return [a.to_dict() for a in plan.activities]


def rewrite(data, change, *, stored=False):
    """A copy of the package with ``change(name, body) -> body`` applied to every member."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out.getvalue()


def member_data_span(data, name):
    """(offset, length) of a member's compressed bytes inside the package."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[off + 26:off + 30])
    start = off + 30 + name_len + extra_len
    return start, info.compress_size


def damaged_copies(data, members, seed, per_member, stored):
    """Copies of the package with one member's bytes damaged: one flipped bit (deflated) or four
    replaced letters (stored) at a random place inside each of ``members``, ``per_member`` times."""
    rng = random.Random(seed)
    for member in members:
        start, length = member_data_span(data, member)
        for _ in range(per_member):
            b = bytearray(data)
            pos = start + rng.randrange(length)
            if stored:
                b[pos:pos + 4] = bytes(rng.randrange(97, 123) for _ in range(4))
                if b == data:
                    continue
            else:
                b[pos] ^= 1 << rng.randrange(8)
            yield member, bytes(b)


# --- stray cells far away -------------------------------------------------------------------------

def _stray(ws, where):
    if where == "full row 20000":
        for c in range(1, 16385):
            ws.cell(20000, c, 1)
    elif where == "full row inside the table":
        for c in range(41, 16385):
            ws.cell(10, c, "x")
    else:
        ws[where] = "x"


PEAK = r"""
import json, re, sys, time
from rbdash.excel import parse_workbook
t = time.process_time()  # CPU seconds: what the parse costs, not how long it waited for a busy machine
plan = parse_workbook(sys.argv[1])
# VmHWM: this process image's peak (ru_maxrss would carry the parent's peak across exec)
hwm = re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read())
print(json.dumps({"cpu_seconds": time.process_time() - t,
                  "peak_mb": int(hwm.group(1)) / 1024,
                  "activities": [a.to_dict() for a in plan.activities],
                  "warnings": [[i.type, i.sheet, i.row, i.message] for i in plan.warnings]}))
"""


def measured_parse(path):
    """Parse in a child process under a 3 GB address-space cap (a regression aborts the child, not
    the suite) and report its CPU time and peak memory."""
    p = subprocess.run([sys.executable, "-c", "import resource; resource.setrlimit(resource.RLIMIT_AS, "
                        "(3 << 30, 3 << 30)); exec(open(0).read())", str(path)], input=PEAK, cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    return json.loads(p.stdout)


@pytest.mark.parametrize("where, count, first", [
    ("XFD1048576", 1, "XFD1048576"),
    ("A1048576", 1, "A1048576"),
    ("XFD1", 1, "XFD1"),
    ("full row 20000", 16384, "A20000"),
    ("full row inside the table", 16384 - 512, "SS10"),
])
def test_stray_cells_far_away_cost_nothing_and_are_reported(base, tmp_path, where, count, first):
    wb = openpyxl.load_workbook(base)
    _stray(wb.active, where)
    path = tmp_path / "stray.xlsx"
    wb.save(path)
    clean = measured_parse(base)
    got = measured_parse(path)
    assert got["activities"] == clean["activities"]
    row = int(first.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    assert got["warnings"] == [["stray_cells", wb.active.title, row,
                              f"{count} cell(s) far outside the plan table ignored on sheet '{wb.active.title}' "
                              f"(first at {first}); delete them in Excel if they are not meant to be there"]]
    assert got["cpu_seconds"] < clean["cpu_seconds"] + 1.0  # before the fix: up to 3.9 s and 813 MB
    assert got["peak_mb"] < 200


def test_a_dimension_claiming_the_whole_sheet_changes_nothing(base):
    data = base.read_bytes()
    huge = rewrite(data, lambda n, b: b.replace(b'<dimension ref="', b'<dimension ref="A1:XFD1048576" x="')
                   if n == "xl/worksheets/sheet1.xml" else b)
    assert activities(parse_workbook(huge, name=base.name)) == activities(parse_workbook(base))
    assert parse_workbook(huge, name=base.name).warnings == []


# --- integrity of the package -------------------------------------------------------------------

@pytest.mark.parametrize("stored", [False, True], ids=["deflated", "stored"])
def test_a_damaged_member_is_refused_never_read_with_other_text(base, stored):
    """Flip one bit (compressed) or replace 4 bytes (stored) inside a worksheet or the styles:
    the CRC no longer matches, so the file is refused as damaged — before, 4 of 18 such files were
    imported with altered words ("implementasi" -> "ile.gmentasi")."""
    data = rewrite(base.read_bytes(), lambda n, b: b, stored=stored)
    for _, damaged in damaged_copies(data, ("xl/worksheets/sheet1.xml", "xl/styles.xml"), 12, 9, stored):
        with pytest.raises(UnreadableFile) as exc:
            parse_workbook(damaged, name="rusak.xlsx")
        assert exc.value.code == "truncated"
        assert exc.value.message_id == "file terpotong atau rusak; salin atau unduh ulang file aslinya"


def test_a_member_that_inflates_beyond_its_declared_size_is_refused(base):
    """A part no reader looks at (a picture) declares 1,000 bytes and inflates to 50 MB."""
    data = rewrite(base.read_bytes(), lambda n, b: b)
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/media/image1.png", b"\x89PNG" + bytes(50 << 20))
    b = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(b))).getinfo("xl/media/image1.png")
    b[info.header_offset + 22:info.header_offset + 26] = struct.pack("<I", 1000)   # local header
    cd = bytes(b).rindex(b"PK\x01\x02", 0, bytes(b).rindex(b"PK\x05\x06"))
    while not bytes(b[cd + 46:cd + 46 + 19]).startswith(b"xl/media/image1.png"):
        cd = bytes(b).rindex(b"PK\x01\x02", 0, cd)
    b[cd + 24:cd + 28] = struct.pack("<I", 1000)                                   # central directory
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(bytes(b), name="bom.xlsx")
    assert exc.value.code == "truncated"


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/worksheets/sheet1.xml", "docProps/app.xml"])
def test_an_entity_declaration_is_refused_wherever_it_sits(base, part):
    """Behind a comment longer than the 4 KB the old check read, in any part."""
    def inject(name, body):
        if name != part:
            return body
        head_end = body.index(b"?>") + 2 if body.startswith(b"<?xml") else 0
        return (body[:head_end] + b"<!--" + b"x" * 8000 + b"-->"
                + b'<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]>' + body[head_end:])
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(rewrite(base.read_bytes(), inject), name="entitas.xlsx")
    assert exc.value.code == "xml_entities"
    assert str(exc.value) == (f"the workbook contains XML entity declarations in {part} (possible XML bomb); "
                              "refused")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_an_entity_declaration_in_a_utf16_part_is_refused(base, encoding):
    """The search for declarations looks for "<!" before it runs the full pattern: in UTF-16 it is
    "<\0!" (or "\0<\0!"), which must still be found."""
    def inject(name, body):
        if name != "docProps/app.xml":
            return body
        text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">]><r>&a;</r>'
        return text.encode(encoding)
    with pytest.raises(UnreadableFile) as exc:
        parse_workbook(rewrite(base.read_bytes(), inject), name="entitas.xlsx")
    assert exc.value.code == "xml_entities"


@pytest.mark.parametrize("ref", ["ZZZZ1", "A0", "a1048577"])
def test_a_reference_outside_any_sheet_is_stray_not_a_crash(base, ref):
    """Found by the fuzz test: "ZZZZ1" lies past column XFD and aborted the reader."""
    def move(name, body):
        if name != "xl/worksheets/sheet1.xml":
            return body
        return body.replace(b"</sheetData>", b'<row r="2"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>'
                            b"</sheetData>" % ref.encode(), 1)
    plan = parse_workbook(rewrite(base.read_bytes(), move), name=base.name)
    assert activities(plan) == activities(parse_workbook(base))
    assert [i.type for i in plan.warnings] == ["stray_cells"]
