"""Writing one plan into an openpyxl workbook: header blocks, the table, schedules (marks, fills,
symbols, dates, text), totals, legends, notes and signatures.  Style objects are module constants."""

from __future__ import annotations

import random
import math
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Color, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

from rbdash.demo.content import (
    CHAIRS,
    DATE_HEADERS,
    DETAIL_LINES,
    ENGLISH_MONTHS,
    EXTRA_COLUMNS,
    LONG_MONTHS,
    NOTES,
    PICS,
    ROMAN,
    SEATS,
    SHORT_MONTHS,
    SIGNERS,
    SYMBOLS,
    TEXT_HEADERS,
    UNREADABLE,
    letter_of,
    month_runs,
    schedule_phrase,
    split_satker,
    styled_area,
    styled_satker,
)
from openpyxl import Workbook

from rbdash.demo.content import Act, Row
from rbdash.demo.layouts import Layout, generic_title


# Style objects are created once: openpyxl de-duplicates them, creating them per cell is the slow part.
BOLD = Font(bold=True)
CALIBRI = Font(name="Calibri")
SYMBOL_FONTS = {name: Font(name=name) for name in ("Wingdings", "Wingdings 2")}
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
GREY = PatternFill("solid", fgColor="FFD9D9D9")
WHITE = PatternFill("solid", fgColor="FFFFFFFF")
MARK_FILLS = {
    "rgb": tuple(PatternFill("solid", fgColor=c, bgColor=c)
                 for c in ("FF92D050", "FFFFC000", "FF00B0F0", "FFFFFF00", "FF5B9BD5", "FFF4B084")),
    "theme": tuple(PatternFill("solid", fgColor=Color(theme=t, tint=tint), bgColor=Color(theme=t, tint=tint))
                   for t, tint in ((9, 0.4), (4, 0.6), (5, 0.0), (6, 0.4), (8, -0.25), (7, 0.0))),
    "indexed": tuple(PatternFill("solid", fgColor=Color(indexed=i), bgColor=Color(indexed=i))
                     for i in (11, 13, 50, 51, 17, 42)),
}
DATE_FMT = "mmm"


@dataclass
@dataclass
class Ctx:
    """Everything one workbook's writers share."""
    rng: random.Random
    satker: str
    styled: str
    year: int
    var: dict
    lay: Layout
    as_of: int | None
    mark_fill: PatternFill
    records: list = field(default_factory=list)
    styles: dict = field(default_factory=dict)  # style cache of the workbook being written
    # derived from lay + var (issue 6 keys): effective hierarchy, schedule kind and column list
    hierarchy: str = ""
    sched: str = ""
    columns: tuple = ()

    def __post_init__(self):
        self.hierarchy = self.var.get("hierarchy") or self.lay.hierarchy
        self.sched = self.var.get("grid_mark", "mark") if self.lay.schedule == "grid" else self.lay.schedule
        self.columns = _columns(self.lay, self.var, self.hierarchy)


def _columns(lay: Layout, var: dict, hierarchy: str) -> tuple[tuple[str, str], ...]:
    """The layout's columns as this workbook writes them: header words, DURASI and extra columns."""
    cols = list(lay.columns)
    if hierarchy == "sections" and lay.hierarchy != "sections":
        cols = [x for x in cols if x[0] != "area"]
    labels = {"text": var.get("text_header") or TEXT_HEADERS[0]}
    labels["start"], labels["end"] = DATE_HEADERS[int(var.get("date_headers") or 0)]
    if lay.schedule in ("text", "dates"):
        cols = [(k, labels.get(k, label)) for k, label in cols]
    keys = [k for k, _ in cols]
    if lay.schedule == "dates" and var.get("durasi"):
        cols.insert(keys.index("end") + 1, ("durasi", "DURASI"))
        keys = [k for k, _ in cols]
    extras = var.get("extras") or "none"
    if extras != "none":
        ex = [x for x in EXTRA_COLUMNS if not (x[0] == "pj" and "pic" in keys)]
        sched = [i for i, k in enumerate(keys) if k in ("months", "text", "start", "end", "durasi")]
        first, last = sched[0], sched[-1]
        if extras == "between":
            cols[first:first] = ex
        elif extras == "after":
            cols[last + 1:last + 1] = ex
        else:  # split: some before the schedule, the rest after it
            cols[last + 1:last + 1] = ex[2:]
            cols[first:first] = ex[:2]
    return tuple(cols)


class _Sheet:
    """A worksheet seen through the offset: callers use logical rows/columns starting at 1.

    Styling goes through a per-workbook cache of finished style arrays: assigning Font/Fill objects
    makes openpyxl hash them on every cell, which was a third of the generation time.  A styled put
    replaces the cell's style as a whole (no cell is styled twice here).
    """

    def __init__(self, ws, dr: int, dc: int, styles: dict):
        self.ws, self.dr, self.dc, self.styles = ws, dr, dc, styles

    def put(self, r: int, c: int, value=None, *, font=None, fill=None, align=None, fmt=None):
        cell = self.ws.cell(r + self.dr, c + self.dc)
        if value is not None:
            cell.value = value
        if font is None and fill is None and align is None and fmt is None:
            return cell
        key = (id(font), id(fill), id(align), fmt)
        style = self.styles.get(key)
        if style is None:
            if font is not None:
                cell.font = font
            if fill is not None:
                cell.fill = fill
            if align is not None:
                cell.alignment = align
            if fmt is not None:
                cell.number_format = fmt
            self.styles[key] = copy(cell._style)
        else:
            cell._style = copy(style)
        return cell

    def merge(self, r1: int, c1: int, r2: int, c2: int):
        """Record a merged range; cells under it are left as they are (what Excel keeps too)."""
        if (r1, c1) != (r2, c2):
            self.ws.merged_cells.add(CellRange(min_row=r1 + self.dr, min_col=c1 + self.dc,
                                               max_row=r2 + self.dr, max_col=c2 + self.dc))

    def col(self, c: int) -> str:
        return get_column_letter(c + self.dc)


class _Cols:
    """Logical column numbers of a workbook's keys.  The schedule grid ("months") is 12 columns, 24 in
    monev (T/R pairs), 48 in a weekly grid (4 per month), 4 in a quarterly one."""

    def __init__(self, c: Ctx):
        lay = c.lay
        self.grid = lay.grid
        self.width = 2 if lay.schedule == "monev" else 4 if lay.grid == "week" else 1
        self.n_grid = 4 if lay.grid == "quarter" else 12 * self.width
        self.pos: dict[str, int] = {}
        col = 1
        for key, _ in c.columns:
            self.pos[key] = col
            col += self.n_grid if key == "months" else 1
        self.last = col - 1

    def month(self, m: int) -> int:
        """The (first) grid column of month m."""
        if self.grid == "quarter":
            return self.pos["months"] + (m - 1) // 3
        return self.pos["months"] + (m - 1) * self.width

    def grid_cols(self) -> range:
        return range(self.pos["months"], self.pos["months"] + self.n_grid) if "months" in self.pos else range(0)


def _month_values(style: str, year: int, as_text: bool) -> list[tuple[object, str | None]]:
    if style == "names_short":
        return [(m, None) for m in SHORT_MONTHS]
    if style == "names_long":
        return [(m, None) for m in LONG_MONTHS]
    if style == "english":
        return [(m, None) for m in ENGLISH_MONTHS]
    if style == "roman":
        return [(m, None) for m in ROMAN]
    if style == "dates":
        return [(datetime(year, m, 1), DATE_FMT) for m in range(1, 13)]
    return [(str(m) if as_text else m, None) for m in range(1, 13)]


def _unit_labels(c: Ctx) -> list:
    """Labels of the sub-month/super-month grid units: weeks of a month, or quarters."""
    if c.lay.grid == "week":
        style = c.var["week_labels"]
        return [k if style == "numbers" else ROMAN[k - 1] if style == "roman" else f"Minggu ke-{k}"
                for k in range(1, 5)]
    style = c.var["quarter_labels"]
    return [f"TW {ROMAN[q - 1]}" if style == "tw" else f"TRIWULAN {ROMAN[q - 1]}" if style == "triwulan"
            else f"Q{q}" for q in range(1, 5)]


def _header(sh: _Sheet, c: Ctx, cols: _Cols, r: int) -> int:
    """Write the header block at logical row r; return the first row after it."""
    lay, var = c.lay, c.var
    fill = GREY if var.get("header_fill") else None
    depth = 1 + lay.grouped_header + (lay.schedule == "monev") + (lay.grid == "week")
    months = _month_values(var["month_header"], c.year, lay.numbers_as_text)
    if lay.schedule == "startend":  # helper month numbers the CF formula reads
        for m in range(1, 13):
            sh.put(r, cols.month(m), m)
        r += 1
    for key, label in c.columns:
        cc = cols.pos[key]
        if key != "months":
            sh.put(r, cc, label, font=BOLD, fill=fill, align=CENTER if lay.merge_header else None)
            for k in range(1, depth):
                if fill:
                    sh.put(r + k, cc, fill=fill)
            if lay.merge_header:
                sh.merge(r, cc, r + depth - 1, cc)
            continue
        mrow = r + 1 if lay.grouped_header else r
        if lay.grouped_header:
            top = "BULAN KE-" if var["month_header"] == "roman" else lay.months_label
            sh.put(r, cc, top, font=BOLD, fill=fill, align=CENTER if lay.merge_header else None)
            if lay.merge_header:
                sh.merge(r, cc, r, cc + cols.n_grid - 1)
            elif fill:
                for k in range(1, cols.n_grid):
                    sh.put(r, cc + k, fill=fill)
        if lay.grid == "quarter":
            for q, value in enumerate(_unit_labels(c)):
                sh.put(mrow, cc + q, value, font=BOLD, fill=fill, align=CENTER)
            continue
        for m, (value, fmt) in enumerate(months, 1):
            sh.put(mrow, cols.month(m), value, font=None if lay.grouped_header else BOLD, fill=fill, fmt=fmt)
            if lay.grid == "week":  # month merged over its 4 weeks, week labels below
                for k, week in enumerate(_unit_labels(c)):
                    if k:
                        sh.put(mrow, cols.month(m) + k, fill=fill)
                    sh.put(mrow + 1, cols.month(m) + k, week, fill=fill)
                sh.merge(mrow, cols.month(m), mrow, cols.month(m) + 3)
            elif cols.width == 2:
                sh.put(mrow, cols.month(m) + 1, fill=fill)
                sh.merge(mrow, cols.month(m), mrow, cols.month(m) + 1)
                sh.put(mrow + 1, cols.month(m), "T", fill=fill)
                sh.put(mrow + 1, cols.month(m) + 1, "R", fill=fill)
    r += depth
    if lay.number_row:
        for k in range(1, cols.last + 1):
            sh.put(r, k, k, fill=fill)
        r += 1
    return r


def _extra_values(rng: random.Random) -> dict:
    """One row's TARGET/OUTPUT/SATUAN/ANGGARAN/PENANGGUNG JAWAB (numbers here are never ticks)."""
    return {"target": rng.choice(("1 Dokumen", "100%", "12 Kali", "2 Kegiatan", 1, 4, 12)),
            "output": rng.choice(("Dokumen", "Laporan", "Kegiatan", "SK", "Berita Acara")),
            "satuan": rng.choice(("Dokumen", "Kali", "Persen", "Laporan")),
            "anggaran": rng.choice((2_500_000, 5_000_000, 7_500_000, 12_000_000, 0, "-")),
            "pj": rng.choice(PICS)}


def _write_table(sh: _Sheet, c: Ctx, acts: list[Act], r: int, sheet_title: str) -> int:
    """Header + body of one plan table from logical row r; truth records go to c.records."""
    lay, rng, var = c.lay, c.rng, c.var
    hierarchy = c.hierarchy
    cols = _Cols(c)
    pos = cols.pos
    r = _header(sh, c, cols, r)
    mark, mark_fill = var["mark"], c.mark_fill
    page_size, on_page = rng.randint(15, 22), 0
    spans: dict[str, list[list[int]]] = {"area": [], "kegiatan": []}
    prev_area = prev_keg = None
    running = 0
    first_data = r
    n_records = len(c.records)
    for act in acts:
        new_area = act.area_no != prev_area
        new_keg = new_area or act.keg_code != prev_keg
        prev_area, prev_keg = act.area_no, act.keg_code
        if lay.repeat_header and on_page >= page_size:
            r = _header(sh, c, cols, r + 1)
            on_page = 0
        area_label = lay.fmt_area.format(n=act.area_no, name=styled_area(act.area_no, var["area_names"]))
        keg_label = lay.fmt_keg.format(code=act.keg_code, k=act.keg_no, name=act.kegiatan)
        sub_label = lay.fmt_sub.format(letter=letter_of(act.sub_no), s=act.sub_no, name=act.sub)
        if hierarchy == "sections":
            if new_area:
                label = styled_area(act.area_no, var["area_names"]).upper()
                sh.put(r, pos["no"], ROMAN[act.area_no - 1], font=BOLD, fill=GREY)
                sh.put(r, pos["kegiatan"], label, font=BOLD, fill=GREY)
                sh.merge(r, pos["kegiatan"], r, cols.last)
                r += 1
            if new_keg:
                sh.put(r, pos["no"], act.keg_no)
                sh.put(r, pos["kegiatan"], act.kegiatan if lay.hierarchy == "sections" else keg_label, font=BOLD)
                r += 1
        start = r
        for i, row in enumerate(act.rows):
            first = i == 0
            height = 2 if lay.schedule == "pairs" else 1
            running += 1
            texts = {}
            if hierarchy == "merged":
                texts = {"area": area_label if new_area and first else None,
                         "kegiatan": keg_label if new_keg and first else None,
                         "sub": sub_label if first else None}
            elif hierarchy == "first":
                texts = {"area": area_label if new_area and first else None,
                         "kegiatan": keg_label if new_keg and first else None,
                         "sub": sub_label if first else None,
                         "no": (act.area_no if new_area and first else None) if lay.no == "area" else running}
            elif hierarchy == "sections":
                texts = {"no": f"{act.keg_no}.{act.sub_no}", "sub": sub_label,
                         "pic": rng.choice(PICS)}
            elif hierarchy == "repeat":
                texts = {"no": running, "area": area_label, "kegiatan": keg_label, "sub": sub_label}
            else:  # flat
                texts = {"no": running, "sub": sub_label}
            texts["indikator"] = row.text
            if "target" in pos:
                texts.update(_extra_values(rng))
            for key, value in texts.items():
                if key in pos and value is not None:
                    sh.put(r, pos[key], value, align=WRAP if key != "no" else None,
                           fmt="#,##0" if key == "anggaran" and isinstance(value, int) else None)
                    if height == 2 and var.get("merge_pairs"):
                        sh.merge(r, pos[key], r + 1, pos[key])
            if hierarchy == "merged":  # grow the vertical merges of area and kegiatan
                for key in spans:
                    if key in pos and texts[key] is not None:
                        spans[key].append([r, r])
                    if spans[key]:
                        spans[key][-1][1] = r
            rec = {"sheet": sheet_title, "row": r + sh.dr, "area_no": act.area_no,
                   "kegiatan": None if hierarchy == "flat" else act.kegiatan, "sub_kegiatan": act.sub,
                   "indikator": row.indikator, "planned_months": list(row.planned)}
            rec.update(_write_schedule(sh, c, cols, r, row, mark, mark_fill) or {})
            if row.realized is not None:
                rec["realized_months"] = list(row.realized)
            c.records.append(rec)
            new_area = new_keg = False
            r += height
        if lay.detail_lines and rng.random() < 0.15:
            for line in rng.choice(DETAIL_LINES):
                sh.put(r, pos["sub"], line, align=WRAP)
                r += 1
        on_page += r - start
    for key, ranges in spans.items():
        for r1, r2 in ranges:
            sh.merge(r1, pos[key], r2, pos[key])
    if lay.schedule == "startend" and r > first_data:
        _startend_cf(sh, c, cols, first_data, r - 1, mark_fill)
    if var.get("total_row") and r > first_data:
        r = _total_row(sh, c, cols, r, c.records[n_records:], sheet_title)
    return r


def _total_row(sh: _Sheet, c: Ctx, cols: _Cols, r: int, recs: list[dict], sheet_title: str) -> int:
    """A JUMLAH/TOTAL row: how many activities per grid column and the budget sum; not an activity."""
    pos = cols.pos
    label_col = next(pos[k] for k in ("no", "area", "kegiatan", "sub", "indikator") if k in pos)
    sh.put(r, label_col, c.rng.choice(("JUMLAH", "TOTAL", "Jumlah")), font=BOLD)
    sh.merge(r, label_col, r, pos["indikator"])
    if "months" in pos:
        per_col: dict[int, int] = {}
        for rec in recs:
            for col in {cols.month(m) for m in rec["planned_months"]}:
                per_col[col] = per_col.get(col, 0) + 1
        for col, n in sorted(per_col.items()):
            sh.put(r, col, n, font=BOLD)
    if "anggaran" in pos:
        total = 0
        for rr in range(r - 1, 0, -1):
            v = sh.ws.cell(rr + sh.dr, pos["anggaran"] + sh.dc).value
            if isinstance(v, str) and not v.strip("-"):
                continue
            if not isinstance(v, int):
                break
            total += v
        sh.put(r, pos["anggaran"], total, font=BOLD, fmt="#,##0")
    return r + 1


def _grid_cells(c: Ctx, cols: _Cols, planned: list[int]) -> list[int]:
    """Grid columns that carry a planned month: the month, one quarter, or some of its 4 weeks."""
    if c.lay.grid == "quarter":
        return sorted({cols.month(m) for m in planned})
    if c.lay.grid == "week":
        out = []
        for m in planned:
            weeks = range(4) if c.rng.random() < 0.4 else sorted(c.rng.sample(range(4), c.rng.randint(1, 3)))
            out += [cols.month(m) + w for w in weeks]
        return out
    return [cols.month(m) for m in planned]


def _write_schedule(sh: _Sheet, c: Ctx, cols: _Cols, r: int, row: Row, mark, mark_fill) -> dict | None:
    """One schedule writer per kind; returns truth fields the kind sets (schedule_text, planned_months)."""
    lay, var, sched = c.lay, c.var, c.sched
    if sched == "fill":
        white = var.get("blank_fill") == "white"
        cells = set(_grid_cells(c, cols, row.planned))
        for col in cols.grid_cols():
            if col in cells:
                sh.put(r, col, fill=mark_fill)
            elif white:
                sh.put(r, col, fill=WHITE)
    elif sched == "mark":
        for col in _grid_cells(c, cols, row.planned):
            sh.put(r, col, mark)
    elif sched == "symbol":
        char, font = SYMBOLS[var["symbol"]]
        for col in _grid_cells(c, cols, row.planned):
            sh.put(r, col, char, font=SYMBOL_FONTS[font])
        free = [m for m in range(1, 13) if m not in row.planned]
        if var["symbol_decoy"] and free and c.rng.random() < 0.3:  # the same letter as text: no tick
            sh.put(r, cols.month(c.rng.choice(free)), char, font=CALIBRI)
    elif sched == "bars":
        for a, b in month_runs(row.planned):
            c1, c2 = cols.month(a), cols.month(b)
            sh.merge(r, c1, r, c2)
            for col in range(c1, c2 + 1) if var["bar_fill"] == "all" else (c1,):
                sh.put(r, col, fill=mark_fill)
    elif sched == "text":
        planned = list(row.planned)
        if var["unreadable_text"] and c.rng.random() < 0.12:
            text, planned = c.rng.choice(UNREADABLE), []
        else:
            text = schedule_phrase(c.rng, row.planned, c.year)
        text = text.upper() if var["text_upper"] else text
        sh.put(r, cols.pos["text"], text, align=WRAP)
        return {"schedule_text": text, "planned_months": planned}
    elif sched == "dates":
        _write_dates(sh, c, cols, r, row.planned)
    elif lay.schedule == "monev":
        for m in row.planned:
            sh.put(r, cols.month(m), mark)
        for m in row.realized:
            sh.put(r, cols.month(m) + 1, mark)
        due = [m for m in row.planned if m <= c.as_of]
        if due:
            done = len(set(row.realized) & set(due))
            sh.put(r, cols.pos["capaian"], min(100, round(100 * done / len(due))))
            if row.realized:
                sh.put(r, cols.pos["bukti"], f"https://drive.example.go.id/rb/{len(c.records) + 1}")
    elif lay.schedule == "pairs":
        sh.put(r, cols.pos["uraian"], "Rencana")
        sh.put(r + 1, cols.pos["uraian"], "Realisasi")
        for m in row.planned:
            sh.put(r, cols.month(m), mark)
        for m in row.realized:
            sh.put(r + 1, cols.month(m), mark)
    elif lay.schedule == "startend":
        style = var["month_header"]
        s, e = row.planned[0], row.planned[-1]
        for key, m in (("start", s), ("end", e)):
            if style == "numbers":
                sh.put(r, cols.pos[key], m)
            elif style == "dates":
                sh.put(r, cols.pos[key], datetime(c.year, m, 1), fmt="mmmm")
            else:
                sh.put(r, cols.pos[key], LONG_MONTHS[m - 1])
    return None


def _write_dates(sh: _Sheet, c: Ctx, cols: _Cols, r: int, planned: list[int]) -> None:
    """Start/end dates whose months, clipped to the plan year, are exactly `planned` (a run): a start in
    the year before when the run begins in January (Dec-to-Feb included), an end in the next year when it
    ends in December; real dates or dd/mm/yyyy text; DURASI in days beside them."""
    rng, y = c.rng, c.year
    s, e = planned[0], planned[-1]
    if planned == [1, 2] and rng.random() < 0.6:
        start = datetime(y - 1, 12, rng.randint(1, 28))
    elif s == 1 and rng.random() < 0.3:
        start = datetime(y - 1, rng.randint(9, 12), rng.randint(1, 28))
    else:
        start = datetime(y, s, rng.randint(1, 28))
    if e == 12 and rng.random() < 0.3:
        end = datetime(y + 1, rng.randint(1, 3), rng.randint(1, 28))
    else:
        low = start.day if (start.year, start.month) == (y, e) else 1
        end = datetime(y, e, rng.randint(low, 28))
    for key, d in (("start", start), ("end", end)):
        if c.var["date_format"] == "text":
            sh.put(r, cols.pos[key], f"{d.day:02d}/{d.month:02d}/{d.year}")
        else:
            sh.put(r, cols.pos[key], d, fmt=c.var["_date_fmt"])
    if "durasi" in cols.pos:
        days = (end - start).days + 1
        sh.put(r, cols.pos["durasi"], rng.choice((f"{days} hari", days)))


def _startend_cf(sh: _Sheet, c: Ctx, cols: _Cols, r1: int, r2: int, fill: PatternFill) -> None:
    """The Gantt grid has no values or fills: only a formula rule shading start..end."""
    first, last = sh.col(cols.month(1)), sh.col(cols.month(12))
    s, e = sh.col(cols.pos["start"]), sh.col(cols.pos["end"])
    row0, helper = r1 + sh.dr, r1 + sh.dr - 2  # helper numbers sit above the header row
    style = c.var["month_header"]
    if style == "numbers":
        lo, hi = f"${s}{row0}", f"${e}{row0}"
    elif style == "dates":
        lo, hi = f"MONTH(${s}{row0})", f"MONTH(${e}{row0})"
    else:
        names = "{" + ",".join(f'"{m}"' for m in LONG_MONTHS) + "}"
        lo, hi = f"MATCH(${s}{row0},{names},0)", f"MATCH(${e}{row0},{names},0)"
    formula = f"AND({first}${helper}>={lo},{first}${helper}<={hi})"
    sh.ws.conditional_formatting.add(f"{first}{row0}:{last}{r2 + sh.dr}", FormulaRule(formula=[formula], fill=fill))


def _legend(sh: _Sheet, c: Ctx, r: int) -> int:
    """'Keterangan' block under the table: text, and in shaded grids a shaded sample cell (a symbol in
    symbol grids)."""
    sched = c.sched
    sh.put(r, 1, "Keterangan:", font=BOLD)
    if sched in ("fill", "bars"):
        sh.put(r + 1, 2, fill=c.mark_fill)
        sh.put(r + 1, 3, "= jadwal pelaksanaan kegiatan")
    elif sched == "symbol":
        char, font = SYMBOLS[c.var["symbol"]]
        sh.put(r + 1, 2, char, font=SYMBOL_FONTS[font])
        sh.put(r + 1, 3, "= waktu pelaksanaan kegiatan")
    elif sched == "monev":
        sh.put(r + 1, 1, "T = Target (jadwal), R = Realisasi")
    elif sched == "startend":
        sh.put(r + 1, 1, "Sel berwarna = jadwal pelaksanaan (otomatis dari kolom Mulai/Selesai)")
    elif sched in ("text", "dates"):
        sh.put(r + 1, 1, "Jadwal dapat disesuaikan dengan kebijakan KPU RI")
    else:
        sh.put(r + 1, 1, f"{c.var['mark']} = jadwal pelaksanaan")
    return r + 3


def _signature(sh: _Sheet, c: Ctx, cols: _Cols, r: int) -> int:
    """Signature block; with satker_place 'signature' it is the only place naming the office, above a
    person's name and NIP (which are never the office)."""
    if "months" in cols.pos:
        col = cols.month(c.lay.signature_month or 7)
    else:
        col = max(1, cols.last - 2)
    _, place = split_satker(c.satker)
    month = c.rng.randint(1, 2) if c.as_of is None else min(12, c.as_of + 1)
    if c.var.get("satker_place") == "signature":
        role = c.rng.choice(("SEKRETARIS", "SEKRETARIS", "KETUA"))
        lines = [f"{SEATS.get(place, place)}, {c.rng.randint(1, 28)} {LONG_MONTHS[month - 1]} {c.year}",
                 f"{role} {styled_satker(c.satker, 'kpu')},", None, "ttd", None, c.rng.choice(SIGNERS),
                 f"NIP. 19{c.rng.randint(60, 89)}{c.rng.randint(1, 12):02d}{c.rng.randint(1, 28):02d}"
                 f" {c.rng.randint(1990, 2015)}{c.rng.randint(1, 12):02d} {c.rng.randint(1, 2)} 00{c.rng.randint(1, 9)}"]
    else:
        lines = [f"Ditetapkan di {SEATS.get(place, place)}",
                 f"pada tanggal {c.rng.randint(1, 28)} {LONG_MONTHS[month - 1]} {c.year}",
                 f"KETUA {styled_satker(c.satker, 'kpu')},", None, "ttd", None, c.rng.choice(CHAIRS)]
    for i, line in enumerate(lines):
        if line:
            sh.put(r + i, col, line)
    return r + len(lines)


def _notes(sh: _Sheet, r: int) -> int:
    """A 'Catatan:' block: numbered lines under the table that are not activities."""
    for i, line in enumerate(NOTES):
        sh.put(r + i, 2, line, font=BOLD if i == 0 else None)
    return r + len(NOTES) + 1


def fill_sheet(ws, c: Ctx, acts: list[Act], area: str | None = None) -> None:
    """Title block, table, notes, legend and signature of one sheet."""
    lay = c.lay
    dr, dc = c.var["offset"]
    sh = _Sheet(ws, dr, dc, c.styles)
    cols = _Cols(c)
    r = 1
    title = lay.title if c.var.get("satker_place", "title") == "title" else generic_title
    for line in title(c, area):
        sh.put(r, 1, line, font=BOLD, align=CENTER if lay.title_merge else None)
        if lay.title_merge:
            sh.merge(r, 1, r, cols.last)
        r += 1
    r = _write_table(sh, c, acts, r + lay.blank_after_title, ws.title)
    if c.var.get("notes"):
        r = _notes(sh, r + 1)
    if c.var.get("legend"):
        r = _legend(sh, c, r + 1)
    if lay.signature_month or c.var.get("satker_place") == "signature":
        _signature(sh, c, cols, r + 1)
    for key, width in lay.widths:
        if key in cols.pos:
            ws.column_dimensions[sh.col(cols.pos[key])].width = width


def plan_sheet_name(lay: Layout, c: Ctx, pick: int) -> str:
    if c.var.get("sheet_name"):
        return c.var["sheet_name"]
    q = math.ceil((c.as_of or 12) / 3)
    return lay.sheet_names[pick].format(year=c.year, q=q)


def area_sheet_name(area_no: int, naming: str) -> str:
    return f"{area_no}. {styled_area(area_no, naming)}".replace("/", "-")[:31]


def write_recap(wb: Workbook, acts: list[Act], naming: str, index: int) -> None:
    """A summary sheet with numbers only: must never be read as a plan."""
    ws = wb.create_sheet("Rekap", index)
    ws.append(["REKAPITULASI RENCANA AKSI PER AREA PERUBAHAN"])
    ws.append([])
    ws.append(["No", "Area Perubahan", "Jumlah Kegiatan", "Jumlah Sub Kegiatan", "Jumlah Indikator"])
    tot = [0, 0, 0]
    for n in sorted({a.area_no for a in acts}):
        mine = [a for a in acts if a.area_no == n]
        row = [len({a.keg_code for a in mine}), len(mine), sum(len(a.rows) for a in mine)]
        tot = [x + y for x, y in zip(tot, row)]
        ws.append([n, styled_area(n, naming), *row])
    ws.append([None, "JUMLAH", *tot])


