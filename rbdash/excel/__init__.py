"""Parse hand-made RB action-plan workbooks into activities with provenance.

Values are read with python-calamine (an order of magnitude faster than openpyxl); fill colours are
read from the package XML only for sheets whose schedule is drawn in colour with no text marks.

The parser looks for the plan table anywhere on each visible sheet: a header row naming the
hierarchy columns, a month row (1-12, Jan..Des, dates) or Mulai/Selesai columns, optional T/R
sub-columns (monev).  Below it every row with a schedule is an activity; rows without one are
area sections, kegiatan headings, or detail lines that belong to the activity above.  A file holds
one plan per office and year its sheets name (``parse_plans``): most hold one, some a sheet per year
or per office of a province.
"""

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from rbdash import areas, validate
from rbdash.errors import NoPlanFound
from rbdash.excel.book import Book, Sheet, open_book  # noqa: F401 - the container readers' interface
from rbdash.excel.cells import month_of, split_packed, strip_numbering  # noqa: F401 - public helpers
from rbdash.excel.container import MAX_FILE_MB, MAX_UNPACKED_MB, check_container  # noqa: F401
from rbdash.excel.office import find_as_of, find_satker, find_year, sheet_satker, signature_satker
from rbdash.excel.sheet import RECAP_SHEET, SheetParser, area_of_sheet, infer_areas, title_texts
from rbdash.excel.table import find_table
from rbdash.model import Activity, PlanWarning, Plan, make_warning  # noqa: F401 - re-exported
from rbdash.text import fold


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".docx", ".pdf")


def workbook_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the plan files (WORKBOOK_SUFFIXES) under folders named (recursively, sorted;
    Office's ~$ lock files skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in WORKBOOK_SUFFIXES
                              and not q.name.startswith("~$"))
        else:
            yield p


def preload() -> None:
    """Load now what parsing loads at its first use -- python-calamine, the styles reader and its XML
    parser, the catalogue's indexes, the offices' names -- so that processes forked afterwards (the
    parse workers, forked by rbdash.workers' zygote) share them instead of each building its own."""
    import python_calamine  # noqa: F401
    from defusedxml import ElementTree  # noqa: F401

    from rbdash import regions
    from rbdash.excel import styles  # noqa: F401
    areas.load_indexes()
    regions.office_named("")


def read_bytes(source: str | Path | bytes | BinaryIO) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if hasattr(source, "read"):
        return source.read()
    return Path(source).read_bytes()


def parse_plans(source: str | Path | bytes | BinaryIO, name: str | None = None, *,
                allow_non_rb: bool = False) -> list[Plan]:
    """Parse a file (path, bytes or file object) into its plans, one per office and year (most files
    hold one); raise UnreadableFile/NoPlanFound.  ``allow_non_rb``: keep a plan that does not look
    like an RB action plan (an admin's "import anyway"), with a warning, instead of refusing it."""
    data = read_bytes(source)
    if name is None:
        name = Path(source).name if isinstance(source, (str, Path)) else "upload.xlsx"
    book = open_book(data, name)
    try:
        return parse_book(book, name, hashlib.sha256(data).hexdigest(), allow_non_rb=allow_non_rb)
    finally:
        book.close()


def parse_workbook(source: str | Path | bytes | BinaryIO, name: str | None = None, *,
                   allow_non_rb: bool = False) -> Plan:
    """The one plan of a file, for callers that handle one (tests, benchmarks); a file holding several
    is refused by name (NoPlanFound "several_plans") rather than cut to its first: read it with
    ``parse_plans``."""
    plans = parse_plans(source, name, allow_non_rb=allow_non_rb)
    if len(plans) > 1:
        raise NoPlanFound("several_plans", count=len(plans),
                          plans=", ".join(f"{p.satker} {p.year}" for p in plans))
    return plans[0]


@dataclass
class _PlanSheet:
    """A sheet holding a plan table, with what its own title says and, once read, its activities."""
    sheet: Sheet
    table: object
    titles: list
    warnings: list = field(default_factory=list)  # the warnings met reading it
    activities: list = field(default_factory=list)
    footer: list = field(default_factory=list)
    has_real: bool = False
    year: int | None = None
    satker: str | None = None
    satker_source: str | None = None  # where the office was read: title | signature | filename


def _inherit(own: list, default):
    """Each sheet's own value, else the nearest sheet's before it, else after it, else ``default``: a
    sheet that names no office or year belongs with its neighbours (one sheet per area)."""
    out, last = [], None
    for v in own:
        last = v if v is not None else last
        out.append(last)
    nxt = next((v for v in own if v is not None), default)
    return [v if v is not None else nxt for v in out]


def parse_book(book: Book, name: str, sha256: str, *, allow_non_rb: bool = False) -> list[Plan]:
    """The plans held by an opened container, one per office and year (sheets for two years, one sheet
    per office in a province's compilation).  A sheet belongs to the year its own title (or name)
    names and to the office its title or name names ("Kapuas"), else its signature block (the lowest
    office there: the others sign as approvers); a sheet that names none belongs with the sheet
    before it (after it, for the first); a file whose sheets name none takes them from the workbook:
    the document's text and any title, then the signature block, then the file name, each fallback
    said in a warning.  Recap sheets are never a plan, and the office compiling the others is one
    only when a sheet is its own.  Warnings land on the plan whose sheet they concern; those about
    the file (hidden or skipped sheets) on every plan."""
    early, titles, sheets = list(book.warnings), list(book.texts), []
    visible, empty_table = 0, None
    for sh in book.sheets:  # first every sheet's table and title: the plan year comes from the titles
        if not sh.visible:
            early.append(make_warning("hidden_sheet", sh.name))
            continue
        visible += 1
        rows = sh.rows
        table = find_table(rows, merges=sh.merges)
        sheet_titles = title_texts(rows, table.header_row if table else min(len(rows), 8))
        if table is None:
            if rows and not RECAP_SHEET.search(sh.name):
                early.append(make_warning("not_a_plan_sheet", sh.name))
            continue
        titles.extend(sheet_titles)
        if RECAP_SHEET.search(sh.name) and not _plan_like(rows, table):
            early.append(make_warning("recap_sheet", sh.name))
            continue
        sheets.append(_PlanSheet(sh, table, sheet_titles))
    if not visible:
        raise NoPlanFound("no_sheets")
    stem = Path(name).stem.replace("_", " ")
    own_years = [find_year(s.titles + [s.sheet.name]) for s in sheets]
    default_year = find_year(titles + book.names)
    year_from_file = default_year is None and not any(own_years)
    if year_from_file:
        default_year = find_year([stem])
    for s, year in zip(sheets, _inherit(own_years, default_year)):
        s.year = year
        parser = SheetParser(s.sheet, s.table, book.styles, s.warnings, area_of_sheet(s.sheet.name, s.titles), year)
        s.activities, s.footer, s.has_real = parser.parse(), parser.footer, parser.has_real
        if not s.activities:
            empty_table = empty_table or s.sheet.where(s.table.header_row)
            early.extend(s.warnings)  # a sheet without activities is no plan's: its warnings are the file's
            continue
        infer_areas(s.sheet.name, s.activities, s.warnings)
    sheets = [s for s in sheets if s.activities and not _repeats_others(s, sheets, early)]
    if not sheets:
        if empty_table:
            raise NoPlanFound("no_rows", sheet=empty_table[0], row=empty_table[1])
        raise NoPlanFound("no_table")
    # the office: each sheet's title (or name), else its signature block, else its neighbours'; a file
    # whose sheets name none: the workbook's texts and titles, signatures, then its file name
    own = [(sheet_satker(s.titles, s.sheet.name), "title") for s in sheets]
    own = [(o, src) if o else (signature_satker(s.footer), "signature") for (o, src), s in zip(own, sheets)]
    default = next(((v, src) for v, src in ((find_satker(titles + book.names), "title"),
                                           (signature_satker(list(book.footers)), "signature"),
                                           (find_satker([stem]), "filename")) if v), (None, None))
    for s, (satker, source) in zip(sheets, _inherit([o if o[0] else None for o in own], default)):
        s.satker, s.satker_source = satker, source
    if sheets[0].satker is None:
        raise NoPlanFound("no_satker")
    if sheets[0].year is None:
        raise NoPlanFound("no_year")
    groups = {}
    for s in sheets:
        groups.setdefault((s.satker, s.year), []).append(s)
    plan_sheets = {s.sheet.name for s in sheets}
    plans = []
    for (satker, year), members in groups.items():
        mine = {s.sheet.name for s in members}
        warnings = [w for w in early if w.sheet is None or w.sheet in mine or w.sheet not in plan_sheets]
        activities = []
        for s in members:
            warnings.extend(s.warnings)
            activities.extend(s.activities)
        for a in activities:
            a.catalogue_code = areas.match_kegiatan(a.area_no, a.kegiatan, a.sub_kegiatan)
            _check_evidence(a, warnings)
        if all(s.satker_source != "title" for s in members):
            warnings.append(make_warning(f"satker_from_{members[0].satker_source}"))
        if year_from_file:
            warnings.append(make_warning("year_from_filename"))
        texts = list(book.texts) + [t for s in members for t in s.titles] + \
            (book.names if len(groups) == 1 else [s.sheet.name for s in members])
        plans.append(rb_plan(Plan(satker=satker, year=year, activities=activities, warnings=warnings,
                                  source_name=name, sha256=sha256, as_of_month=find_as_of(texts),
                                  has_realization=any(s.has_real for s in members)), allow_non_rb))
    return plans


def rb_plan(plan: Plan, allow_non_rb: bool = False) -> Plan:
    """``plan``, unless it does not look like an RB action plan: the workbook names no KPU office
    (the office came from the file name) and its activities show no RB change area — none placed
    in an area by the file, fewer than half matching a kegiatan of the standard catalogue (a real
    plan matches 90-100%; a budget-output tracker saved under a KPU plan's name, none).  Then it
    is refused as ``not_rb_plan``, or kept with a warning when an admin imports it anyway."""
    if not any(w.type == "satker_from_filename" for w in plan.warnings):
        return plan
    acts = plan.activities
    matched = sum(1 for a in acts if a.catalogue_code)
    if any(a.area_source != "catalogue" for a in acts) or matched * 2 >= len(acts):
        return plan
    if not allow_non_rb:
        raise NoPlanFound("not_rb_plan", matched=matched, count=len(acts))
    plan.warnings.append(make_warning("not_rb_plan_kept", matched=matched, count=len(acts)))
    return plan


_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|\\\\)", re.I)


def _repeats_others(sheet, sheets, warnings):
    """Whether a sheet named like a recap only repeats activities of the other sheets, texts and months
    (a compilation's offices listed together, the plan drawn again as a Gantt chart): then it is a
    recap (said in a warning), not more activities nor another plan."""
    if not RECAP_SHEET.search(sheet.sheet.name):
        return False

    def key(a):  # the most specific text (detail lines may lengthen a sub-kegiatan) and the months
        return fold(strip_numbering(a.indikator_text() or a.sub_kegiatan or a.kegiatan or "")), tuple(a.planned_months)
    others = {key(a) for s in sheets if not RECAP_SHEET.search(s.sheet.name) for a in s.activities}
    if not others or any(key(a) not in others for a in sheet.activities):
        return False
    warnings.append(make_warning("recap_sheet", sheet.sheet.name))
    return True


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
