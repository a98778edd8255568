"""Parse hand-made RB action-plan workbooks into activities with provenance.

Values are read with python-calamine (an order of magnitude faster than openpyxl); fill colours are
read from the package XML only for sheets whose schedule is drawn in colour with no text marks.

The parser looks for the plan table anywhere on each visible sheet: a header row naming the
hierarchy columns, a month row (1-12, Jan..Des, dates) or Mulai/Selesai columns, optional T/R
sub-columns (monev).  Below it every row with a schedule is an activity; rows without one are
area sections, kegiatan headings, or detail lines that belong to the activity above.
"""

import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from rbdash import areas, validate
from rbdash.errors import NoPlanFound, UnreadableFile
from rbdash.excel import extent
from rbdash.excel.cells import month_of, split_packed, strip_numbering  # noqa: F401 - public helpers
from rbdash.excel.container import MAX_FILE_MB, MAX_UNPACKED_MB, _short, check_container  # noqa: F401
from rbdash.excel.office import find_as_of, find_satker, find_year
from rbdash.excel.sheet import (
    RECAP_SHEET,
    _infer_areas,
    _sheet_area,
    _SheetParser,
    _title_texts,
)
from rbdash.excel.styles import _Styles
from rbdash.excel.table import find_table
from rbdash.excel.xls import XlsStyles
from rbdash.model import Activity, PlanWarning, Plan, make_warning  # noqa: F401 - re-exported


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")


def workbook_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and .xlsx/.xlsm/.xls files under folders named (recursively, sorted; Excel's ~$
    lock files skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in WORKBOOK_SUFFIXES
                              and not q.name.startswith("~$"))
        else:
            yield p


def read_bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if hasattr(source, "read"):
        return source.read()
    return Path(source).read_bytes()


def parse_workbook(source: str | Path | bytes | BinaryIO, name: str | None = None) -> Plan:
    """Parse a workbook (path, bytes or file object) into a Plan; raise UnreadableFile/NoPlanFound."""
    data = read_bytes(source)
    if name is None:
        name = Path(source).name if isinstance(source, (str, Path)) else "upload.xlsx"
    parts = check_container(data)
    legacy = parts is None
    readable, strays = (data, {}) if legacy else extent.trim(data, parts)
    import python_calamine as pc
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(readable))
        metas = list(wb.sheets_metadata)
    except Exception as exc:  # calamine raises its own error types for every damage kind
        if legacy and re.search(r"password|encrypt", str(exc), re.I):
            raise UnreadableFile("encrypted") from None
        raise UnreadableFile("xls_damaged" if legacy else "unreadable", detail=_short(exc)) from None
    warnings, activities, titles = [], [], []
    for sheet, (count, row, col, ref) in strays.items():
        warnings.append(make_warning("stray_cells", sheet, row, col, count=count, cell=ref))
    styles = XlsStyles(data) if legacy else _Styles(data)
    visible, empty_table, has_real, sheets = 0, None, False, []
    try:
        for meta in metas:  # first every sheet's table and title: the plan year comes from the titles
            sheet = meta.name
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != pc.SheetVisibleEnum.Visible:
                warnings.append(make_warning("hidden_sheet", sheet))
                continue
            visible += 1
            try:
                ws = wb.get_sheet_by_name(sheet)
                rows = ws.to_python(skip_empty_area=False)
                merges = ws.merged_cell_ranges or ()
            except Exception as exc:
                raise UnreadableFile("xls_damaged" if legacy else "unreadable", detail=_short(exc)) from None
            rows = [[None if v == "" else v for v in row] for row in rows]
            table = find_table(rows, merges=merges)
            title_texts = _title_texts(rows, table.header_row if table else min(len(rows), 8))
            if table is None:
                if rows and not RECAP_SHEET.search(sheet):
                    warnings.append(make_warning("not_a_plan_sheet", sheet))
                continue
            titles.extend(title_texts)
            if RECAP_SHEET.search(sheet) and not _plan_like(rows, table):
                warnings.append(make_warning("recap_sheet", sheet))
                continue
            sheets.append((sheet, rows, table, merges, title_texts))
        year, year_from_file = find_year(titles + [meta.name for meta in metas]), None
        if year is None:
            year = year_from_file = find_year([Path(name).stem.replace("_", " ")])
        footers = []
        for sheet, rows, table, merges, title_texts in sheets:
            parser = _SheetParser(sheet, rows, table, styles, warnings, _sheet_area(sheet, title_texts),
                                  year, merges)
            acts = parser.parse()
            footers.extend(parser.footer)
            if not acts:
                empty_table = empty_table or (sheet, table.header_row + 1)
                continue
            has_real = has_real or parser.has_real
            _infer_areas(sheet, acts, warnings)
            activities.extend(acts)
    finally:
        styles.close()
    if not visible:
        raise NoPlanFound("no_sheets")
    if not activities:
        if empty_table:
            raise NoPlanFound("no_rows", sheet=empty_table[0], row=empty_table[1])
        raise NoPlanFound("no_table")
    for a in activities:
        a.catalogue_code = areas.match_kegiatan(a.area_no, a.kegiatan, a.sub_kegiatan)
        _check_evidence(a, warnings)
    titles.extend(meta.name for meta in metas)
    satker = find_satker(titles)
    if satker is None:
        satker = find_satker(footers)
        if satker:
            warnings.append(make_warning("satker_from_signature"))
    if satker is None:
        satker = find_satker([Path(name).stem.replace("_", " ")])
        if satker:
            warnings.append(make_warning("satker_from_filename"))
    if year_from_file:
        warnings.append(make_warning("year_from_filename"))
    if satker is None:
        raise NoPlanFound("no_satker")
    if year is None:
        raise NoPlanFound("no_year")
    return Plan(satker=satker, year=year, activities=activities, warnings=warnings, source_name=name,
                sha256=hashlib.sha256(data).hexdigest(), as_of_month=find_as_of(titles),
                has_realization=has_real)


_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|\\\\)", re.I)


def _plan_like(rows, table):
    """A sheet named like a recap ("Gantt Chart RB", "Rekap") is still read when its rows are a plan:
    sub-kegiatan or indicator text (a recap of formulas has counts beside area names), or, in a
    list with neither column, several kegiatan texts."""
    detail = [c for role, c in table.roles.items() if role in ("sub_kegiatan", "indikator")]
    cols = detail or [table.roles[r] for r in ("kegiatan",) if r in table.roles]
    texts = sum(1 for row in rows[table.data_start:table.data_start + 60] for c in cols
                if c < len(row) and isinstance(row[c], str) and len(row[c].strip()) > 12)
    return texts >= (1 if detail else 3)


def _check_evidence(a, warnings):
    """Evidence read from a workbook passes the rule of edits (``validate``): a link that fails is
    not stored as a link and gets a located warning; a plain description ("SK Tim RB") moves to
    the activity's KET so no text of the file is lost; hostile schemes are dropped."""
    code = validate.evidence_url_problem(a.evidence)
    if code is None:
        return
    text, a.evidence = a.evidence, None
    plain = code == "invalid_url" and not _SCHEME.match(text)
    if plain:
        a.keterangan = f"{a.keterangan}\nBukti dukung: {text}" if a.keterangan else f"Bukti dukung: {text}"
    warnings.append(make_warning("evidence_kept_as_text" if plain else "evidence_refused", a.sheet, a.row,
                             value=validate.shown(text)))
