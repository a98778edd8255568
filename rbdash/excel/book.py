"""What every container reader gives the parser: a Book of Sheets (cell values, merged ranges,
visibility) and a styles object answering for fills and fonts.

The plan is read from these alone, whatever the file was: .xlsx/.xlsm and .xls here (values from
python-calamine), and the other containers in their own modules.  A reader that is not a
spreadsheet (a Word table, a PDF page) says where each row came from in ``Sheet.origins`` so every
activity keeps a provenance the user can find in the original.
"""

import io
import re
from dataclasses import dataclass, field
from typing import Protocol

from rbdash.errors import UnreadableFile
from rbdash.excel import extent
from rbdash.excel.container import _short, check_container
from rbdash.model import make_warning


class Styles(Protocol):
    """Fill colours (RRGGBB or None) and font names of cells, asked only for the sheets and cells
    whose schedule needs them (a grid drawn in colour, symbol-font ticks)."""

    def fills_for(self, sheet: str, first_row: int, last_row: int, cols) -> dict: ...

    def fonts_for(self, sheet: str, first_row: int, last_row: int, cols) -> dict: ...

    def close(self) -> None: ...


class NoStyles:
    """For containers that carry no fills or fonts of their own."""

    def fills_for(self, sheet, first_row, last_row, cols):
        return {}

    def fonts_for(self, sheet, first_row, last_row, cols):
        return {}

    def close(self):
        pass


@dataclass
class Sheet:
    """One sheet's cell values: ``rows`` is a list of rows of values (None for an empty cell),
    ``merges`` its merged ranges ((r1, c1), (r2, c2)), 0-based and inclusive.  ``origins``, when
    given, is (where, row number) for each row: the provenance shown to users for documents whose
    rows are not spreadsheet rows (``("Tabel 1", 14)``, ``("hal. 3", 5)``)."""
    name: str
    rows: list | None
    merges: list = field(default_factory=list)
    visible: bool = True
    origins: list | None = None

    def where(self, r: int) -> tuple[str, int]:
        """The (sheet, row) provenance of 0-based row ``r``."""
        if self.origins is not None and r < len(self.origins):
            return self.origins[r]
        return self.name, r + 1


@dataclass
class Book:
    """A container's sheets in order, its styles, and warnings met while opening it.  ``texts``
    are lines of a document outside its tables (a decree's opening and closing): where the office
    and the year are named."""
    sheets: list
    styles: Styles
    warnings: list = field(default_factory=list)
    texts: list = field(default_factory=list)
    footers: list = field(default_factory=list)
    names: list = field(default_factory=list)  # every sheet's name, chart sheets too (a year may be there)

    def close(self):
        self.styles.close()


def open_book(data: bytes, name: str) -> Book:
    """Read the container in ``data`` (after the safety checks of ``check_container``)."""
    found = check_container(data)
    if found.kind in ("xlsx", "xls"):
        return open_spreadsheet(data, found.parts)
    if found.kind == "pdf":
        from rbdash.excel.pdf import open_pdf
        return open_pdf(data)
    raise UnreadableFile("plain_zip")


def open_spreadsheet(data, parts):
    """An .xlsx/.xlsm (``parts`` = its worksheet XML) or a legacy .xls (``parts`` is None): values
    from python-calamine, fills and fonts from the package XML or xlrd."""
    from rbdash.excel.styles import _Styles
    from rbdash.excel.xls import XlsStyles
    import python_calamine as pc

    legacy = parts is None
    readable, strays = (data, {}) if legacy else extent.trim(data, parts)
    damaged = "xls_damaged" if legacy else "unreadable"
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(readable))
        metas = list(wb.sheets_metadata)
    except Exception as exc:  # calamine raises its own error types for every damage kind
        if legacy and re.search(r"password|encrypt", str(exc), re.I):
            raise UnreadableFile("encrypted") from None
        raise UnreadableFile(damaged, detail=_short(exc)) from None
    warnings = [make_warning("stray_cells", sheet, row, col, count=count, cell=ref)
                for sheet, (count, row, col, ref) in strays.items()]
    sheets = []
    for meta in metas:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != pc.SheetVisibleEnum.Visible:
            sheets.append(Sheet(meta.name, None, visible=False))
            continue
        try:
            ws = wb.get_sheet_by_name(meta.name)
            rows = ws.to_python(skip_empty_area=False)
            merges = list(ws.merged_cell_ranges or ())
        except Exception as exc:
            raise UnreadableFile(damaged, detail=_short(exc)) from None
        sheets.append(Sheet(meta.name, [[None if v == "" else v for v in row] for row in rows], merges))
    return Book(sheets, XlsStyles(data) if legacy else _Styles(data), warnings,
                names=[meta.name for meta in metas])
