"""Bound what is read by the cells that exist, not by the farthest cell.

A value reader expands a sheet into a dense grid from A1 to its farthest cell: one character typed
by accident in XFD1048576 (Ctrl+End, a whole-sheet paste) asks for 16,384 x 1,048,576 cells and
aborts the process.  Before any reader sees a sheet, the positions of its value cells are listed
(for .xlsx a regex over the XML, for .xls a walk over the BIFF records: cost linear in the cells
present) and ``outside`` draws the block that holds the plan; cells far away from it are left out
of what is read, and each sheet that lost some gets a located warning.  For .xlsx the reader is
given a trimmed copy of the package; the original bytes (hash, fills) are untouched.
"""

import io
import re
import zipfile
from operator import itemgetter
from typing import NamedTuple

from rbdash.model import make_warning

ROW_GAP = 1000      # this many empty rows end the plan block; whatever lies beyond is stray
COL_GAP = 50        # the same for empty columns
MAX_COLS = 512      # no plan table is wider (a weekly monev grid is ~110 columns)
MAX_ROWS = 100_000  # nor longer

# any letters and digits: a reference past XFD1048576 ("ZZZZ1") is out of the sheet, hence stray
_REF = re.compile(rb'<(?:c|\w+:c)\b[^>]*?\br="([A-Za-z]+)([0-9]+)"[^>]*(?<!/)>')  # not self-closing
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


class Outside(NamedTuple):
    """A sheet whose value cells do not all lie in its plan block: the block's last row and column
    (1-based), how many cells lie beyond it and the first of them (row, column)."""
    max_row: int
    max_col: int
    count: int
    first: tuple

    def warning(self, sheet):
        return stray_warning(sheet, self.count, *self.first)


def outside(cells):
    """The plan block of a sheet from its value cells, given as a re-iterable of (row, column),
    1-based: an ``Outside`` when some lie beyond the block, None when every one lies inside it.
    The block ends at the first run of ROW_GAP empty rows (COL_GAP empty columns) and never
    exceeds MAX_ROWS x MAX_COLS; a row below 1 (a reference no sheet has) is outside."""
    rows, cols = set(), set()
    for r, c in cells:
        rows.add(r)
        cols.add(c)
    if not rows:
        return None
    max_row, max_col = block(sorted(rows), sorted(cols))
    if max(rows) <= max_row and max(cols) <= max_col and min(rows) >= 1:
        return None
    count, first = 0, None
    for r, c in cells:
        if not 1 <= r <= max_row or c > max_col:
            count += 1
            first = (r, c) if first is None else min(first, (r, c))
    return Outside(max_row, max_col, count, first)


def bounds(xml):
    """``outside`` for a worksheet's XML: its value cells are the ``<c>`` elements that are not
    self-closing (an empty styled cell holds no value: readers ignore it).  The block is drawn from
    the distinct rows and column letters (a few dozen, where the cells are thousands); the cells
    are listed one by one only for a sheet that has some beyond it."""
    found = _REF.findall(xml)
    if not found:
        return None
    rows = sorted({int(r) for r in set(map(itemgetter(1), found))})
    cols = sorted({_col_number(c) for c in set(map(itemgetter(0), found))})
    max_row, max_col = block(rows, cols)
    if rows[-1] <= max_row and cols[-1] <= max_col and rows[0] >= 1:
        return None
    return outside([(int(r), _col_number(c)) for c, r in found])


def _trimmed(xml, max_row, max_col):
    def keep(m):
        r = _CELL_R.search(m.group(2))
        if r and not (1 <= int(r.group(2)) <= max_row and _col_number(r.group(1)) <= max_col):
            return b""
        return m.group(0)
    xml = _CELL.sub(keep, xml)
    return _DIMENSION.sub(f'<dimension ref="A1:{_col_letters(max_col)}{max_row}"/>'.encode(), xml, count=1)


def trim(data, parts):
    """(bytes for the reader, {sheet name: ``Outside``}) — ``data`` itself when nothing lies far
    away.  ``parts`` are the worksheet XMLs by path (from ``check_container``)."""
    found = {path: b for path, xml in parts.items() if (b := bounds(xml))}
    if not found:
        return data, {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in found:
                body = _trimmed(body, found[info.filename].max_row, found[info.filename].max_col)
            dst.writestr(info.filename, body)
    names = sheet_names(src)
    return out.getvalue(), {names.get(path, path): o for path, o in found.items()}


def sheet_names(zf):
    """{worksheet part path: sheet name} from the workbook and its relationships."""
    from defusedxml import ElementTree as ET

    from rbdash.excel.container import DAMAGED
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    try:
        wb = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, *DAMAGED):  # the reader refuses a broken workbook part with its own message
        return {}
    targets = {r.get("Id"): (r.get("Target") or "").lstrip("/") for r in rels.findall("rel:Relationship", ns)}
    out = {}
    for sh in wb.findall("m:sheets/m:sheet", ns):
        target = targets.get(sh.get(rid), "")
        out[target if target.startswith("xl/") else f"xl/{target}"] = sh.get("name")
    return out
