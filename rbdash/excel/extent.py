"""Bound what is read by the cells that exist, not by the farthest cell.

A value reader expands a sheet into a dense grid from A1 to its farthest cell: one character typed
by accident in XFD1048576 (Ctrl+End, a whole-sheet paste) asks for 16,384 x 1,048,576 cells and
aborts the process.  Before any reader sees a sheet, its cell references are scanned (a regex over
the XML, cost linear in the cells present); cells far away from the block that holds the plan are
dropped from a copy of the package given to the reader, and each sheet that lost some gets a
located warning.  The original bytes (hash, fills) are untouched.
"""

import io
import re
import zipfile

from rbdash.model import make_warning

ROW_GAP = 1000      # this many empty rows end the plan block; whatever lies beyond is stray
COL_GAP = 50        # the same for empty columns
MAX_COLS = 512      # no plan table is wider (a weekly monev grid is ~110 columns)
MAX_ROWS = 100_000  # nor longer

# any letters and digits: a reference past XFD1048576 ("ZZZZ1") is out of the sheet, hence stray
_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Za-z]+)([0-9]+)"[^>]*?(/?)>')
_CELL = re.compile(rb'<((?:\w+:)?c)\b([^>]*?)(?:/>|>.*?</\1>)', re.S)
_CELL_R = re.compile(rb'\br="([A-Za-z]+)([0-9]+)"')
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?/>')


def _col_number(letters):
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _col_letters(n):
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _limit(values, gap, cap):
    """The last value of the first run of ``values`` (sorted) without a gap wider than ``gap``."""
    last = values[0]
    for v in values[1:]:
        if v - last > gap or v > cap:
            break
        last = v
    return min(last, cap)


def block(rows, cols):
    """(max_row, max_col) of the plan block of a sheet whose value cells lie in ``rows`` and ``cols``
    (1-based, sorted, distinct).  Every reader bounds its sheets by this one rule; a reader that
    never expands a repeated cell may pass MAX_ROWS + 1 / MAX_COLS + 1 for any coordinate beyond the
    caps (the rule stops at the first of them)."""
    return _limit(rows, ROW_GAP, MAX_ROWS), _limit(cols, COL_GAP, MAX_COLS)


def stray_warning(sheet, count, row, col):
    """The located warning for ``count`` value cells left out of ``sheet``, the first at 1-based
    (``row``, ``col``)."""
    return make_warning("stray_cells", sheet, row, col, count=count, cell=f"{_col_letters(col)}{row}")


def bounds(xml):
    """(max_row, max_col, [(row, col) of value cells beyond]) of a worksheet's plan block, or None
    when every value cell lies inside it."""
    rows, cols = set(), set()
    for m in _REF.finditer(xml):
        if not m.group(3):  # a self-closing cell holds no value: readers ignore it
            rows.add(int(m.group(2)))
            cols.add(_col_number(m.group(1)))
    if not rows:
        return None
    max_row, max_col = block(sorted(rows), sorted(cols))
    if max(rows) <= max_row and max(cols) <= max_col and min(rows) >= 1:
        return None
    stray = [(int(m.group(2)), _col_number(m.group(1))) for m in _REF.finditer(xml) if not m.group(3)]
    stray = [(r, c) for r, c in stray if not 1 <= r <= max_row or c > max_col]
    return max_row, max_col, stray


def _trimmed(xml, max_row, max_col):
    def keep(m):
        r = _CELL_R.search(m.group(2))
        if r and not (1 <= int(r.group(2)) <= max_row and _col_number(r.group(1)) <= max_col):
            return b""
        return m.group(0)
    xml = _CELL.sub(keep, xml)
    return _DIMENSION.sub(f'<dimension ref="A1:{_col_letters(max_col)}{max_row}"/>'.encode(), xml, count=1)


def trim(data, parts):
    """(bytes for the reader, {sheet name: (count, row, column) of the first stray cell}) — ``data``
    itself when nothing lies far away.  ``parts`` are the worksheet XMLs by path (from ``check_container``)."""
    found = {path: b for path, xml in parts.items() if (b := bounds(xml))}
    if not found:
        return data, {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in found:
                max_row, max_col, _ = found[info.filename]
                body = _trimmed(body, max_row, max_col)
            dst.writestr(info.filename, body)
    names = sheet_names(src)
    strays = {}
    for path, (_, _, cells) in found.items():
        r, c = min(cells)
        strays[names.get(path, path)] = (len(cells), r, c)
    return out.getvalue(), strays


def sheet_names(zf):
    """{worksheet part path: sheet name} from the workbook and its relationships."""
    from defusedxml import ElementTree as ET

    from rbdash.excel.container import _DAMAGED
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, *_DAMAGED):  # the reader refuses a broken workbook part with its own message
        return {}
    targets = {r.get("Id"): (r.get("Target") or "").lstrip("/") for r in rels.findall("rel:Relationship", ns)}
    out = {}
    for sh in wb.findall("m:sheets/m:sheet", ns):
        target = targets.get(sh.get(rid), "")
        out[target if target.startswith("xl/") else f"xl/{target}"] = sh.get("name")
    return out
