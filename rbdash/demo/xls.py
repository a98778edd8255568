"""Saving generated workbooks: .xlsx with bytes that depend only on the content, and legacy .xls (an
openpyxl workbook converted cell by cell with xlwt: values, fills, fonts, merges), as offices still
save Excel 97-2003 files."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import column_index_from_string



# Office theme accents (no tint): xlwt has no theme colours, an .xls stores the palette colour.
THEME_RGB = {0: "FFFFFF", 1: "000000", 2: "E7E6E6", 3: "44546A", 4: "4472C4", 5: "ED7D31", 6: "A5A5A5",
             7: "FFC000", 8: "5B9BD5", 9: "70AD47"}


def _save_xls(wb: Workbook, path: Path) -> None:
    """Write the openpyxl workbook as Excel 97-2003 (BIFF8) with xlwt: values, fonts (symbol fonts with
    the symbol charset), solid fills (custom palette entries), number formats, merges, hidden sheets."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    palette: dict[str, int] = {}
    styles: dict[tuple, object] = {}

    def colour(color) -> int | None:
        if color is None:
            return None
        if color.type == "indexed":
            return color.indexed if 8 <= color.indexed < 56 else None
        rgb = THEME_RGB.get(color.theme, "70AD47") if color.type == "theme" else str(color.rgb)[-6:].upper()
        if rgb == "FFFFFF":
            return 1  # palette white
        if rgb not in palette:
            idx = 63 - len(palette)
            book.set_colour_RGB(idx, int(rgb[:2], 16), int(rgb[2:4], 16), int(rgb[4:], 16))
            palette[rgb] = idx
        return palette[rgb]

    def style_of(cell):
        fill = cell.fill if cell.fill is not None and cell.fill.fill_type == "solid" else None
        key = (cell.font.name, bool(cell.font.bold), colour(fill.fgColor) if fill else None, cell.number_format,
               bool(cell.alignment.wrap_text), int(cell.alignment.indent or 0))
        st = styles.get(key)
        if st is None:
            st = xlwt.XFStyle()
            font = xlwt.Font()
            font.name = key[0] or "Calibri"
            font.bold = key[1]
            if font.name.startswith(("Wingdings", "Webdings", "Symbol")):
                font.charset = xlwt.Font.CHARSET_SYMBOL
            st.font = font
            if key[2] is not None:
                pattern = xlwt.Pattern()
                pattern.pattern = xlwt.Pattern.SOLID_PATTERN
                pattern.pattern_fore_colour = key[2]
                st.pattern = pattern
            st.num_format_str = key[3] or "General"
            if key[4]:
                st.alignment.wrap = 1
            st.alignment.inde = min(15, key[5])  # an outline's levels (Excel's "Increase Indent")
            styles[key] = st
        return st

    for ws in wb.worksheets:
        xs = book.add_sheet(ws.title, cell_overwrite_ok=True)
        if ws.sheet_state != "visible":
            xs.visibility = 1
        for (r, col), cell in sorted(ws._cells.items()):
            if cell.value is None and not cell.has_style:
                continue
            xs.write(r - 1, col - 1, cell.value, style_of(cell))
        for rng in ws.merged_cells.ranges:
            xs.merge(rng.min_row - 1, rng.max_row - 1, rng.min_col - 1, rng.max_col - 1)
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                xs.col(column_index_from_string(letter) - 1).width = int(256 * dim.width)
        if ws.conditional_formatting:
            raise ValueError("conditional formatting cannot be written to .xls")
    book.save(str(path))


def save(wb: Workbook, path) -> Path:
    """Save an openpyxl workbook as .xlsx, as Excel 97-2003 when the path ends in .xls (tests build
    small legacy quirk workbooks with it), as OpenDocument when it ends in .ods (rbdash.demo.ods)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xls":
        _save_xls(wb, path)
    elif path.suffix.lower() == ".ods":
        from rbdash.demo.ods import ods_bytes
        path.write_bytes(ods_bytes(wb))
    else:
        path.write_bytes(_xlsx_bytes(wb))
    return path


FIXED_TIME = datetime(2024, 1, 2, 8, 0, 0)


def _xlsx_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes that depend only on its content: openpyxl's ``save`` stamps the
    document properties and every zip member with the current time, which made tests that damage
    random bytes of a generated workbook see different files from one run to the next."""
    from openpyxl.writer.excel import ExcelWriter
    wb.properties.created = wb.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


