"""Parse hand-made RB action-plan workbooks into activities with provenance.

Values are read with python-calamine (an order of magnitude faster than openpyxl); fill colours are
read from the package XML only for sheets whose schedule is drawn in colour with no text marks.

The parser looks for the plan table anywhere on each visible sheet: a header row naming the
hierarchy columns, a month row (1-12, Jan..Des, dates) or Mulai/Selesai columns, optional T/R
sub-columns (monev).  Below it every row with a schedule is an activity; rows without one are
area sections, kegiatan headings, or detail lines that belong to the activity above.
"""

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from rbdash import areas, validate
from rbdash.errors import NoPlanFound
from rbdash.excel.book import Book, Sheet, open_book  # noqa: F401 - the container readers' interface
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
from rbdash.excel.table import find_table
from rbdash.model import Activity, PlanWarning, Plan, make_warning  # noqa: F401 - re-exported


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".pdf")


def workbook_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and plan files (WORKBOOK_SUFFIXES) under folders named (recursively, sorted;
    Excel's ~$ lock files skipped)."""
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
    book = open_book(data, name)
    try:
        return parse_book(book, name, hashlib.sha256(data).hexdigest())
    finally:
        book.close()


def parse_book(book: Book, name: str, sha256: str) -> Plan:
    """The plan held by an opened container: every visible sheet's table, the office and the year
    from the titles (then the signature block, then the file name)."""
    warnings, activities, titles = list(book.warnings), [], list(book.texts)
    visible, empty_table, has_real, sheets = 0, None, False, []
    for sh in book.sheets:  # first every sheet's table and title: the plan year comes from the titles
        if not sh.visible:
            warnings.append(make_warning("hidden_sheet", sh.name))
            continue
        visible += 1
        rows = sh.rows
        table = find_table(rows, merges=sh.merges)
        title_texts = _title_texts(rows, table.header_row if table else min(len(rows), 8))
        if table is None:
            if rows and not RECAP_SHEET.search(sh.name):
                warnings.append(make_warning("not_a_plan_sheet", sh.name))
            continue
        titles.extend(title_texts)
        if RECAP_SHEET.search(sh.name) and not _plan_like(rows, table):
            warnings.append(make_warning("recap_sheet", sh.name))
            continue
        sheets.append((sh, table, title_texts))
    year, year_from_file = find_year(titles + book.names), None
    if year is None:
        year = year_from_file = find_year([Path(name).stem.replace("_", " ")])
    footers = list(book.footers)
    for sh, table, title_texts in sheets:
        parser = _SheetParser(sh, table, book.styles, warnings, _sheet_area(sh.name, title_texts), year)
        acts = parser.parse()
        footers.extend(parser.footer)
        if not acts:
            empty_table = empty_table or sh.where(table.header_row)
            continue
        has_real = has_real or parser.has_real
        _infer_areas(sh.name, acts, warnings)
        activities.extend(acts)
    if not visible:
        raise NoPlanFound("no_sheets")
    if not activities:
        if empty_table:
            raise NoPlanFound("no_rows", sheet=empty_table[0], row=empty_table[1])
        raise NoPlanFound("no_table")
    for a in activities:
        a.catalogue_code = areas.match_kegiatan(a.area_no, a.kegiatan, a.sub_kegiatan)
        _check_evidence(a, warnings)
    titles.extend(book.names)
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
                sha256=sha256, as_of_month=find_as_of(titles), has_realization=has_real)


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
