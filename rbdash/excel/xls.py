"""Legacy Excel 97-2003 (.xls) workbooks, bounded by the cells they hold like .xlsx.

calamine expands every sheet of an .xls into a dense grid from A1 to its farthest cell as soon as
the file is opened: four cells in the corners of a 65536 x 256 sheet (a 42 KB file) cost 1.35 GB.
So the workbook stream is first walked record by record (``scan``: a few bytes per record, cost
linear in the file) for the positions of the value cells of every sheet, and the ``extent`` rule
that bounds .xlsx sheets draws each sheet's plan block.  A workbook whose sheets are small blocks
is read by calamine as before; one with cells far away from the plan (or a very large grid) is
read by xlrd cell by cell, keeping only the block, with the same ``stray_cells`` warning.  Fills
and fonts (a schedule drawn in colour, symbol-font ticks) come from xlrd with ``formatting_info``.
"""

import datetime as dt
import struct
from array import array
from dataclasses import dataclass

from rbdash.errors import UnreadableFile
from rbdash.excel import extent
from rbdash.excel.container import detail_of

# calamine is given a workbook only when no sheet's grid (A1 to its farthest cell, or what its
# DIMENSIONS record claims) exceeds this many cells: at ~140 bytes a cell (calamine's grid plus the
# Python rows, measured) a parse stays under 200 MB.  A plan table is a few thousand cells.
DENSE_CELLS = 1_000_000

_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS, _MULRK = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200, 0x00BD
# NUMBER, RK, LABEL, LABELSST, BOOLERR, FORMULA, RSTRING: a value (or a formula) at (row, column)
_CELLS = {0x0203, 0x027E, 0x0204, 0x00FD, 0x0205, 0x0006, 0x00D6}
_REC = struct.Struct("<HH")


@dataclass
class SheetScan:
    """One sheet substream of the workbook stream (worksheet, chart, macro sheet: calamine reads
    them all): its value cells as ``row << 16 | column`` (0-based) and the grid its DIMENSIONS
    record claims."""
    name: str
    worksheet: bool
    cells: array
    claimed: int = 0

    def positions(self):
        """The value cells as (row, column), 1-based, for ``extent.outside``."""
        return _Positions(self.cells)

    def grid(self):
        """Cells of the dense grid calamine would build: A1 to the farthest cell, or the claim."""
        if not self.cells:
            return self.claimed
        rows = max(k >> 16 for k in self.cells) + 1
        cols = max(k & 0xFFFF for k in self.cells) + 1
        return max(rows * cols, self.claimed)


class _Positions:
    def __init__(self, cells):
        self.cells = cells

    def __iter__(self):
        return (((k >> 16) + 1, (k & 0xFFFF) + 1) for k in self.cells)


def _records(stream, pos):
    """(type, data) of the BIFF records from ``pos`` on; stops at the end or at a cut record."""
    end = len(stream)
    while pos + 4 <= end:
        typ, size = _REC.unpack_from(stream, pos)
        if pos + 4 + size > end:
            return
        yield typ, stream[pos + 4:pos + 4 + size]
        pos += 4 + size


def scan(stream) -> list[SheetScan]:
    """Every sheet substream's value-cell positions, without reading a value.  A FILEPASS record
    in the workbook globals means the workbook is password-protected (encrypted or XOR-obfuscated:
    its records cannot be read)."""
    sheets, biff8 = [], True
    for typ, data in _records(stream, 0):
        if typ == _FILEPASS:
            raise UnreadableFile("encrypted")
        if typ == _BOF and len(data) >= 2:
            biff8 = struct.unpack_from("<H", data)[0] >= 0x0600
        elif typ == _BOUNDSHEET and len(data) >= 7:
            offset, _, kind = struct.unpack_from("<IBB", data)
            sheets.append((offset, kind == 0, _sheet_name(data, biff8)))
        elif typ == _EOF:
            break
    return [_scan_sheet(stream, offset, worksheet, name) for offset, worksheet, name in sheets]


def _sheet_name(data, biff8):
    n = data[6]
    if not biff8:  # BIFF5: a byte string in the workbook's code page
        return data[7:7 + n].decode("cp1252", "replace")
    if len(data) > 7 and data[7] & 1:  # 16-bit characters
        return data[8:8 + n * 2].decode("utf-16-le", "replace")
    return data[8:8 + n].decode("latin-1")


def _scan_sheet(stream, offset, worksheet, name):
    cells, claimed, depth = array("I"), 0, 0
    for typ, data in _records(stream, offset):
        if typ == _BOF:
            depth += 1
        elif typ == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif depth > 1:
            continue  # a chart embedded in the sheet
        elif typ in _CELLS and len(data) >= 4:
            row, col = struct.unpack_from("<HH", data)
            cells.append(row << 16 | col)
        elif typ == _MULRK and len(data) >= 6:
            row, first = struct.unpack_from("<HH", data)
            last = struct.unpack_from("<H", data, len(data) - 2)[0]
            cells.extend(row << 16 | c for c in range(first, min(last, first + (len(data) - 6) // 6 - 1) + 1))
        elif typ == _DIMENSIONS:
            fmt = "<IIHH" if len(data) >= 12 else "<HHHH"
            if len(data) >= struct.calcsize(fmt):
                r1, r2, c1, c2 = struct.unpack_from(fmt, data)
                claimed = max(0, r2 - r1) * max(0, c2 - c1)
    return SheetScan(name, worksheet, cells, claimed)


def open_xls(data, stream):
    """The Book of an .xls: ``data`` the file, ``stream`` its workbook stream (from the OLE
    container).  calamine reads it when every sheet is a small block; xlrd when some sheet holds
    cells far away or a large grid, or when calamine cannot read the file (xlrd reads a few
    files calamine cannot, such as a Quattro Pro export)."""
    from rbdash.excel.book import Book, read_calamine
    scans = scan(stream)
    found = {i: o for i, s in enumerate(scans) if s.worksheet and (o := extent.outside(s.positions()))}
    warnings = [o.warning(scans[i].name) for i, o in found.items()]
    refused = None
    if not found and all(s.grid() <= DENSE_CELLS for s in scans):
        try:
            sheets, names = read_calamine(data, "xls_damaged")
            return Book(sheets, XlsStyles(stream), warnings, names=names)
        except UnreadableFile as exc:
            if exc.code != "xls_damaged":
                raise
            refused = exc
    try:
        book = _xlrd_book(stream)
    except UnreadableFile as exc:
        raise (refused or exc) from None
    worksheets = [i for i, s in enumerate(scans) if s.worksheet]
    sheets = [_xlrd_sheet(book, n, found.get(i), scans[i]) for n, i in enumerate(worksheets) if n < book.nsheets]
    return Book(sheets, XlsStyles(stream, book), warnings, names=[s.name for s in scans])


def _xlrd_book(stream):
    import xlrd
    try:
        return xlrd.open_workbook(file_contents=stream, formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=_QUIET)
    except Exception as exc:  # xlrd raises its own errors (and assertions) for every damage kind
        raise UnreadableFile("xls_damaged", detail=detail_of(exc)) from None


def _xlrd_sheet(book, index, bounds, scanned):
    """A worksheet read cell by cell, only its plan block (``bounds``; the whole sheet when None)."""
    from rbdash.excel.book import Sheet
    try:
        sh = book.sheet_by_index(index)
        if sh.visibility:
            return Sheet(sh.name, None, visible=False)
        if bounds is None:
            cells = scanned.cells
            max_row = max((k >> 16 for k in cells), default=-1) + 1
            max_col = max((k & 0xFFFF for k in cells), default=-1) + 1
        else:
            max_row, max_col = bounds.max_row, bounds.max_col
        rows = [[None] * max_col for _ in range(max_row)]
        for r in range(min(max_row, sh.nrows)):
            types, values = sh.row_types(r), sh.row_values(r)
            for c in range(min(max_col, len(types))):
                rows[r][c] = _value(types[c], values[c], book.datemode)
        merges = [((r1, c1), (r2 - 1, c2 - 1)) for r1, r2, c1, c2 in sh.merged_cells
                  if r1 < max_row and c1 < max_col]
        book.unload_sheet(index)
    except Exception as exc:
        raise UnreadableFile("xls_damaged", detail=detail_of(exc)) from None
    return Sheet(sh.name, rows, merges)


def _value(typ, v, datemode):
    """An xlrd cell as calamine gives it: text, float, bool, date/datetime/time; None for empty,
    blank and error cells."""
    if typ == 1:
        return v or None
    if typ == 2:
        return float(v)
    if typ == 4:
        return bool(v)
    if typ == 3:
        import xlrd
        try:
            when = xlrd.xldate.xldate_as_datetime(v, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return float(v)
        if v < 1:
            return when.time()
        return when.date() if when.time() == dt.time() else when
    return None


class _Quiet:
    def write(self, *_):
        pass


_QUIET = _Quiet()


class XlsStyles:
    """The .xls counterpart of ``styles.PackageStyles``: same two questions, answered by xlrd from the
    workbook stream (opened only when a sheet needs colours or fonts, unless the values were read
    with xlrd already)."""

    def __init__(self, stream, book=None):
        self.stream = stream
        self.book = book

    def _sheet(self, name):
        if self.book is None:
            self.book = _xlrd_book(self.stream)
        try:
            return self.book.sheet_by_name(name)
        except Exception as exc:  # xlrd raises its own errors for every damage kind
            raise UnreadableFile("xls_damaged", detail=detail_of(exc)) from None

    def _read(self, sheet, first_row, last_row, cols, pick):
        sh = self._sheet(sheet)
        out = {}
        for r in range(first_row, min(last_row + 1, sh.nrows)):
            row = out.setdefault(r, {})
            for c in cols:
                if c < sh.row_len(r):
                    row[c] = pick(self.book.xf_list[sh.cell_xf_index(r, c)])
        return out

    def _fill(self, xf):
        bg = xf.background
        if not bg.fill_pattern:
            return None
        rgb = self.book.colour_map.get(bg.pattern_colour_index)
        return "".join(f"{x:02X}" for x in rgb) if rgb else None

    def _font(self, xf):
        return self.book.font_list[xf.font_index].name if xf.font_index < len(self.book.font_list) else None

    def _indent(self, xf):
        return xf.alignment.indent_level if xf.alignment is not None else 0

    def fills_for(self, sheet, first_row, last_row, cols):
        return self._read(sheet, first_row, last_row, cols, self._fill)

    def fonts_for(self, sheet, first_row, last_row, cols):
        return self._read(sheet, first_row, last_row, cols, self._font)

    def indents_for(self, sheet, first_row, last_row, cols):
        return self._read(sheet, first_row, last_row, cols, self._indent)

    def close(self):
        if self.book is not None:
            self.book.release_resources()
