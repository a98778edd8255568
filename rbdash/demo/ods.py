"""Generated workbooks as OpenDocument spreadsheets (.ods), the way LibreOffice Calc saves them, so
every layout family can be read as .ods against the same ground truth.

An openpyxl workbook from ``rbdash.demo`` is converted with odfpy: values (dates as date values,
numbers, booleans, text as paragraphs), formulas (no cached value, like openpyxl's own .xlsx),
merged cells (spans and covered cells), solid fills as automatic cell styles, fonts through font
face declarations (symbol fonts with their charset), hidden sheets through the table style.  Like
LibreOffice, identical adjacent cells and empty rows are written once with a repeat count and every
sheet is padded to 16,384 columns x 1,048,576 rows.  Conditional formatting is not carried (the
startend family shades its grid that way; its dates hold the schedule).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl.styles.colors import COLOR_INDEX

from rbdash.demo.xls import FIXED_TIME, THEME_RGB

SHEET_ROWS, SHEET_COLS = 1_048_576, 16_384


def ods_bytes(wb, *, symbol_spans: bool = False) -> bytes:
    """The openpyxl workbook ``wb`` as .ods bytes that depend only on its content.
    ``symbol_spans``: a symbol-font character is written in a text span of that font inside a cell
    of the default font, as LibreOffice stores a character inserted with Insert > Special Character."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import FontFace, Style, TableProperties, TextProperties
    from odf.table import Table, TableColumn

    doc = OpenDocumentSpreadsheet()
    writer = _Writer(doc, symbol_spans)
    default = Style(name="Default", family="table-cell")
    default.addElement(TextProperties(fontname=writer.face("Calibri")))
    doc.styles.addElement(default)
    for hidden in (False, True):
        st = Style(name=f"ta{int(hidden) + 1}", family="table")
        st.addElement(TableProperties(display="false" if hidden else "true"))
        doc.automaticstyles.addElement(st)
    for ws in wb.worksheets:
        table = Table(name=ws.title, stylename="ta2" if ws.sheet_state != "visible" else "ta1")
        table.addElement(TableColumn(numbercolumnsrepeated=SHEET_COLS, defaultcellstylename="Default"))
        writer.rows(table, ws)
        doc.spreadsheet.addElement(table)
    for name, charset in writer.faces.items():
        doc.fontfacedecls.addElement(FontFace(name=name, fontfamily=name, **({"fontcharset": charset}
                                                                               if charset else {})))
    for st in writer.cell_styles.values():
        doc.automaticstyles.addElement(st)
    raw = io.BytesIO()
    doc.write(raw)
    return _fixed_times(raw.getvalue())


def _fixed_times(data: bytes) -> bytes:
    """The package with every member stamped FIXED_TIME (odfpy stamps the current time), mimetype
    first and stored as the format asks."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _rgb(color) -> str | None:
    if color is None:
        return None
    if color.type == "theme":
        return THEME_RGB.get(color.theme, "70AD47")
    if color.type == "indexed":
        return COLOR_INDEX[color.indexed][-6:] if color.indexed < 64 else None
    return str(color.rgb)[-6:].upper() if isinstance(color.rgb, str) else None


class _Writer:
    """Cell styles and font faces shared by a workbook's sheets, and the rows of each sheet."""

    def __init__(self, doc, symbol_spans):
        self.doc, self.symbol_spans = doc, symbol_spans
        self.faces: dict[str, str | None] = {}
        self.cell_styles: dict[tuple, object] = {}
        self.span_styles: dict[str, str] = {}
        self.seen: dict[tuple, tuple] = {}

    def face(self, name: str) -> str:
        symbol = name.startswith(("Wingdings", "Webdings", "Symbol", "Marlett"))
        self.faces.setdefault(name, "x-symbol" if symbol else None)
        return name

    def style(self, cell) -> tuple[str | None, str | None]:
        """(cell style name, text style name of a symbol span) for an openpyxl cell."""
        if not getattr(cell, "has_style", False):
            return None, None
        key = (tuple(cell._style), isinstance(cell.value, str))  # openpyxl's style getters are slow
        if key not in self.seen:
            self.seen[key] = self._style(cell)
        return self.seen[key]

    def _style(self, cell):
        fill = cell.fill if cell.fill is not None and cell.fill.fill_type == "solid" else None
        rgb = _rgb(fill.fgColor) if fill else None
        font = cell.font.name or "Calibri"
        span = None
        if self.symbol_spans and self.faces.get(self.face(font)) and isinstance(cell.value, str):
            span, font = self._span_style(font), "Calibri"
        key = (rgb, font, bool(cell.font.bold), bool(cell.alignment.wrap_text), int(cell.alignment.indent or 0))
        if key == (None, "Calibri", False, False, 0):
            return None, span
        if key not in self.cell_styles:
            from odf.style import ParagraphProperties, Style, TableCellProperties, TextProperties
            st = Style(name=f"ce{len(self.cell_styles) + 1}", family="table-cell", parentstylename="Default")
            props = {"backgroundcolor": f"#{rgb}"} if rgb else {}
            if key[3]:
                props["wrapoption"] = "wrap"
            if props:
                st.addElement(TableCellProperties(**props))
            if key[4]:  # a cell's indent, as LibreOffice saves Excel's: its paragraphs' left margin
                st.addElement(ParagraphProperties(marginleft=f"{0.1457 * key[4]:.4f}in"))
            st.addElement(TextProperties(fontname=self.face(font), **({"fontweight": "bold"} if key[2] else {})))
            self.cell_styles[key] = st
        return self.cell_styles[key].getAttribute("name"), span

    def _span_style(self, font: str) -> str:
        if font not in self.span_styles:
            from odf.style import Style, TextProperties
            name = f"T{len(self.span_styles) + 1}"
            st = Style(name=name, family="text")
            st.addElement(TextProperties(fontname=self.face(font)))
            self.doc.automaticstyles.addElement(st)
            self.span_styles[font] = name
        return self.span_styles[font]

    def rows(self, table, ws):
        from odf.table import TableRow
        merged = {}
        for rng in ws.merged_cells.ranges:
            merged[(rng.min_row, rng.min_col)] = (rng.max_col - rng.min_col + 1, rng.max_row - rng.min_row + 1)
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        merged[(r, c)] = None
        by_row: dict[int, dict[int, object]] = {}
        for (r, c), cell in ws._cells.items():
            by_row.setdefault(r, {})[c] = cell
        for r, c in merged:
            by_row.setdefault(r, {}).setdefault(c, None)
        last = max(by_row, default=0)
        empty = 0  # empty rows not yet written
        for r in range(1, last + 1):
            cells = self._cells(by_row.get(r, {}), merged, r)
            if not cells:
                empty += 1
                continue
            if empty:
                table.addElement(_filler_row(empty))
                empty = 0
            row = TableRow()
            used = 0
            for spec, count in cells:
                row.addElement(self._element(spec, count))
                used += count
            row.addElement(_empty_cell(SHEET_COLS - used))
            table.addElement(row)
        table.addElement(_filler_row(SHEET_ROWS - last + empty))

    def _cells(self, row: dict, merged: dict, r: int) -> list[tuple[tuple, int]]:
        """[(cell spec, repeat)] of one row up to its last written cell; identical neighbours merged
        into one repeated cell (merge tops never are)."""
        specs = []
        for c in range(1, max(row, default=0) + 1):
            cell = row.get(c)
            value = getattr(cell, "value", None)
            kind = getattr(cell, "data_type", None)
            style, span = self.style(cell) if cell is not None else (None, None)
            spec = ("covered" if merged.get((r, c), 0) is None else "cell", value, kind, style, span,
                    merged.get((r, c)))
            if spec == ("cell", None, kind, None, None, None):
                spec = ("cell", None, None, None, None, None)
            if specs and specs[-1][0] == spec and spec[5] is None:
                specs[-1] = (spec, specs[-1][1] + 1)
            else:
                specs.append((spec, 1))
        while specs and specs[-1][0] == ("cell", None, None, None, None, None):
            specs.pop()
        return specs

    def _element(self, spec, count):
        from odf.table import CoveredTableCell, TableCell
        what, value, kind, style, span, spanned = spec
        attrs = {"numbercolumnsrepeated": count} if count > 1 else {}
        if style:
            attrs["stylename"] = style
        if what == "covered":
            return CoveredTableCell(**attrs)
        if spanned:
            attrs.update(numbercolumnsspanned=spanned[0], numberrowsspanned=spanned[1])
        if value is None:
            return TableCell(**attrs)
        if kind == "f":
            return TableCell(formula=f"of:{value}", **attrs)  # no cached value: openpyxl never computes one
        if isinstance(value, bool):
            cell = TableCell(valuetype="boolean", booleanvalue="true" if value else "false", **attrs)
            text = "TRUE" if value else "FALSE"
        elif isinstance(value, (int, float)):
            cell = TableCell(valuetype="float", value=value, **attrs)
            text = f"{value:g}"
        elif isinstance(value, (dt.datetime, dt.date)):
            day = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
            cell = TableCell(valuetype="date", datevalue=day.isoformat(), **attrs)
            text = day.strftime("%d/%m/%Y")
        elif isinstance(value, dt.time):
            cell = TableCell(valuetype="time", timevalue=value.strftime("PT%HH%MM%SS"), **attrs)
            text = value.strftime("%H:%M:%S")
        else:
            cell = TableCell(valuetype="string", **attrs)
            text = str(value)
        _paragraphs(cell, text, span)
        return cell


def _paragraphs(cell, text: str, span: str | None) -> None:
    """One text:p per line, runs of spaces as text:s (odfpy's teletype), optionally inside a span."""
    from odf import teletype
    from odf.text import P, Span
    for line in text.split("\n"):
        p = P()
        holder = Span(stylename=span) if span else p
        teletype.addTextToElement(holder, line)
        if span:
            p.addElement(holder)
        cell.addElement(p)


def _empty_cell(count: int):
    from odf.table import TableCell
    return TableCell(numbercolumnsrepeated=count) if count > 1 else TableCell()


def _filler_row(count: int):
    from odf.table import TableRow
    row = TableRow(numberrowsrepeated=count) if count > 1 else TableRow()
    row.addElement(_empty_cell(SHEET_COLS))
    return row
