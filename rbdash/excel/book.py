"""What every container reader gives the parser: a Book of Sheets (cell values, merged ranges,
visibility) and a styles object answering for fills and fonts.

The plan is read from these alone, whatever the file was: .xlsx/.xlsm here (values from
python-calamine), .xls in ``xls``, and the other containers in their own modules.  A reader that is not a
spreadsheet (a Word table, a PDF page) says where each row came from in ``Sheet.origins`` so every
activity keeps a provenance the user can find in the original.
"""

import io
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol

from rbdash.errors import UnreadableFile
from rbdash.excel import extent
from rbdash.excel.container import detail_of, check_container


class Styles(Protocol):
    """Fill colours (RRGGBB or None) and font names of cells, asked only for the sheets and cells
    whose schedule needs them (a grid drawn in colour, symbol-font ticks)."""

    def fills_for(self, sheet: str, first_row: int, last_row: int, cols) -> dict: ...

    def fonts_for(self, sheet: str, first_row: int, last_row: int, cols) -> dict: ...

    def indents_for(self, sheet: str, first_row: int, last_row: int, cols) -> dict:
        """{row: {col: indent level}} (Excel's "Increase Indent"): an outline's levels in one column."""
        ...

    def close(self) -> None: ...


class NoStyles:
    """For containers that carry no fills, fonts or indents of their own (a reader whose container
    has some of them may subclass this and answer those)."""

    def fills_for(self, sheet, first_row, last_row, cols):
        return {}

    def fonts_for(self, sheet, first_row, last_row, cols):
        return {}

    def indents_for(self, sheet, first_row, last_row, cols):
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
    if found.kind == "xlsx":
        return open_spreadsheet(found.package or data, found.parts)
    if found.kind == "xls":
        from rbdash.excel.xls import open_xls
        return open_xls(data, found.stream)
    if found.kind == "ods":
        from rbdash.excel.ods import open_ods
        return open_ods(found)
    if found.kind == "docx":
        from rbdash.excel.docx import open_docx
        return open_docx(found)
    if found.kind == "pdf":
        from rbdash.excel.pdf import open_pdf
        return open_pdf(data)
    raise UnreadableFile("plain_zip")


def open_spreadsheet(data, parts):
    """An .xlsx/.xlsm (``parts`` = its worksheet XML by path): cells far from the plan trimmed
    away (``extent``), values from python-calamine, fills and fonts from the package XML."""
    from rbdash.excel.styles import PackageStyles

    readable, strays = extent.trim(data, parts)
    warnings = [o.warning(sheet) for sheet, o in strays.items()]
    sheets, names = read_calamine(readable, "unreadable")
    return Book(sheets, PackageStyles(data), warnings, names=names)


def read_calamine(data, damaged):
    """(sheets, every sheet's name) of a workbook read by python-calamine: each worksheet's values
    and merged ranges (hidden ones without their cells); a failure is refused as ``damaged``."""
    import python_calamine as pc

    with calamine_errors(damaged):
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = list(wb.sheets_metadata)
    sheets = []
    for meta in metas:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        if meta.visible != pc.SheetVisibleEnum.Visible:
            sheets.append(Sheet(meta.name, None, visible=False))
            continue
        with calamine_errors(damaged):
            ws = wb.get_sheet_by_name(meta.name)
            rows = ws.to_python(skip_empty_area=False)
            merges = list(ws.merged_cell_ranges or ())
        sheets.append(Sheet(meta.name, [[None if v == "" else v for v in row] for row in rows], merges))
    return sheets, [meta.name for meta in metas]


@contextmanager
def calamine_errors(code):
    """calamine's failures as the refusal ``code``: its own error types for every damage kind
    (a password as ``encrypted``), and a Rust panic inside it, which pyo3 raises as
    ``PanicException`` — a BaseException that ``except Exception`` lets through, so it is caught
    here by name (the worker pool would otherwise only see a parse that died)."""
    import python_calamine as pc
    try:
        yield
    except pc.PasswordError:
        raise UnreadableFile("encrypted") from None
    except Exception as exc:
        raise UnreadableFile(code, detail=detail_of(exc)) from None
    except BaseException as exc:
        if type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit
        raise UnreadableFile(code, detail=detail_of(exc)) from None
