"""Legacy Excel 97-2003 (.xls) workbooks: values come from python-calamine like .xlsx; fills and
fonts (a schedule drawn in colour, symbol-font ticks) from xlrd with ``formatting_info``."""

from rbdash.errors import UnreadableFile
from rbdash.excel.container import _short

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class XlsStyles:
    """The .xls counterpart of ``styles._Styles``: same questions, answered by xlrd (loaded only
    when a sheet needs colours or fonts)."""

    def __init__(self, data):
        self.data = data
        self.book = None

    def _sheet(self, name):
        import xlrd
        try:
            if self.book is None:
                self.book = xlrd.open_workbook(file_contents=self.data, formatting_info=True, on_demand=True)
            return self.book.sheet_by_name(name)
        except Exception as exc:  # xlrd raises its own errors for every damage kind
            raise UnreadableFile("xls_damaged", detail=_short(exc)) from None

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
