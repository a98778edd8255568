"""Walking one sheet's plan table: activities, hierarchy context, sections, legends, signatures."""

import re
from functools import lru_cache
from typing import NamedTuple

from rbdash import areas
from rbdash.excel import when
from rbdash.excel.cells import (
    PLAN_WORDS,
    REAL_WORDS,
    cell_number,
    cell_text,
    is_mark,
    is_symbol_tick,
    kind_word,
    month_of,
    split_packed,
    strip_numbering,
    symbol_char,
)
from rbdash.excel.grid import is_grid_header
from rbdash.excel.styles import is_white
from rbdash.excel.table import TEXT_ROLES, numbering_row, settle_program
from rbdash.model import Activity, make_warning
from rbdash.text import fold

RECAP_SHEET = re.compile(r"rekap|ringkas|summary|resume|grafik|chart|dashboard|petunjuk|instruksi|"
                         r"panduan|cara\s+pengisian|referensi|daftar\s+isian", re.I)
LEGEND = re.compile(r"^\s*(keterangan|ket|legenda?|catatan|note)\s*[:.\-]|\s=\s|^=", re.I)
SIGNATURE = re.compile(r"^\s*(ditetapkan|mengetahui|menyetujui|ttd\.?\s*$|nip[\s.:]|dibuat\s+oleh|"
                       r"disusun\s+oleh|plh\.?\s|plt\.?\s|a\.?\s?n\.?\s|salinan\s+sesuai|"
                       r"[A-Z][\w .]+,\s*\d{1,2}\s+\w+\s+20\d\d)", re.I)
# where and when a plan was signed: a signature's first line, even when it stands in a text column
SIGNED = re.compile(r"^\s*(ditetapkan\s+di\b|[A-Z][\w .'-]*,\s*\d{1,2}\s+[A-Za-z]+\s+20\d\d\s*$)", re.I)
# who signs: the office is named after the position ("SEKRETARIS KPU KABUPATEN X,"), never in notes
OFFICIAL = re.compile(r"^\s*(?:a\.?\s?n\.?\s+|plh\.?\s+|plt\.?\s+)?(?:sekretaris|ketua|kepala|sekretariat|"
                      r"kpu|komisi\s+pemilihan)\b", re.I)
# a totals row (its numbers are counts, never ticks) and the notes block that ends a table
TOTAL = re.compile(r"^\s*(jumlah|total|sub\s*-?\s*total|grand\s+total|jml\.?|rekapitulasi)\b\s*:?", re.I)
NOTES = re.compile(r"^\s*(catatan|keterangan|ket|note|notes|nb)\s*[:.]?\s*$|^\s*catatan\s*:", re.I)
# The numbering of a row in an outline column, as (class, depth), smaller = higher in the outline:
# roman I./II. and capital A./B. (areas), 1. / 1.1. (kegiatan, deeper with each group), a. (sub-kegiatan)
_OUTLINE = ((re.compile(r"^[IVX]{1,4}[.)]\s*(?=\S)"), lambda m: (0, 0)),
            (re.compile(r"^[A-H][.)]\s*(?=\S)"), lambda m: (0, 1)),
            (re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.\s*(?=[^\d\s])|^(\d{1,2}(?:\.\d{1,2})+)\s+(?=\S)"),
             lambda m: (1, (m.group(1) or m.group(2)).count(".") + 1)),
            (re.compile(r"^[a-z][.)]\s+(?=\S)"), lambda m: (2, 0)))
INDENT_SPACES = 3  # one indent step of a cell ("Increase Indent") is about three leading spaces


def outline_number(text):
    """(class, depth) of a row's numbering in an outline column, or None when it has none."""
    for rx, key in _OUTLINE:
        m = rx.match(text)
        if m:
            return key(m)
    return None


class _Line(NamedTuple):
    """A row of an outline column: its numbering (see outline_number), indentation in spaces, whether
    it carries a schedule, its text, and the first character of its numbering ("a" restarts a level)."""
    key: tuple | None
    indent: int
    scheduled: bool
    text: str
    mark: str


@lru_cache(maxsize=256)
def folds_into(words):
    """A test that a case-folded text may fold (``text.fold`` keeping "%/") into one of ``words``,
    themselves folded: that text is those words and nothing but punctuation around and between
    them.  (Folding every text of every row to compare it costs far more than this anchored
    match, which most texts fail at their first letters.)"""
    gap = r"[^\w%/]"
    alternatives = sorted((f"{gap}+".join(map(re.escape, w.split())) for w in words), key=len, reverse=True)
    return re.compile(f"{gap}*(?:{'|'.join(alternatives)}){gap}*").fullmatch


_NO_MARKS = (frozenset(), frozenset())
_NOWHERE = 1 << 30  # the column of a role the table lacks: beyond every row
_KIND_TEXT = folds_into(frozenset(PLAN_WORDS | REAL_WORDS))  # what kind_word answers for


def _mode(values):
    values = [v for v in values if v is not None]
    return max(set(values), key=lambda v: (values.count(v), v)) if values else None


class SheetParser:
    """One sheet's table walked row by row; ``year`` is the plan's (dates and text are read in it),
    the sheet's merged ranges mark every month a bar merged over months covers."""

    def __init__(self, sheet, table, styles, warnings, sheet_area, year=None):
        self.name, self.rows, self.t, self.styles, self.warnings = sheet.name, sheet.rows, table, styles, warnings
        self.where = sheet.where  # (sheet, row) a user finds the row at
        self.sheet_area, self.year = sheet_area, year
        self.spans = {(r1, c1): c2 for (r1, c1), (r2, c2) in sheet.merges if c2 > c1 and r1 >= table.data_start}
        # what each row is, worked out once (the walk asks several times): its non-empty cells, and
        # whether it repeats the header or stands as an area section
        self._index_rows()
        self._header_rows, self._sections = {}, {}
        if "program" in table.roles:  # (the sections found stand: PROGRAM's role plays no part in them)
            self.t = settle_program(table, sheet_area is not None or self._has_sections())
        roles = self.t.roles
        self._signature_rx = folds_into(frozenset(self.t.signature))
        self._role_cols = tuple(roles.values())
        self._text_cols = tuple(roles[k] for k in TEXT_ROLES if k in roles)
        self._detail_cols = tuple(roles[k] for k in ("sub_kegiatan", "indikator") if k in roles)
        self._named_cols = tuple(roles[k] for k in ("kegiatan", "sub_kegiatan", "indikator") if k in roles)
        self._indikator_cols = tuple(roles[k] for k in ("indikator",) if k in roles)
        self.outline = {}  # row -> (level, text) when the hierarchy lives in one column
        self.footer = []  # texts of the signature block, where the office may be named
        self.kind_col = self._find_kind_col()
        self.has_real = self.kind_col is not None or any(k == "real" for _, k in table.grid.values())

    def _has_sections(self):
        """Whether area section rows stand in the table (areas shown outside its columns)."""
        return any(self._section_area(r, None) for r in range(self.t.data_start, min(len(self.rows),
                                                                                  self.t.data_start + 400)))

    def _index_rows(self):
        """Every row's non-empty cells as (col, value) (``self.cells[r]``), those holding text
        (``self.strings[r]``) and the texts (not blank) outside the schedule grid
        (``self.beside[r]``), listed once: the rows are mostly empty grid cells, and every test of
        a row looks at its values only, many tests at each row.  Only the rows from the table's
        first data row are listed (no test looks above it); the others stay empty."""
        grid = self.t.grid
        start = min(self.t.data_start, len(self.rows))
        self.cells, self.strings, self.beside = [()] * start, [()] * start, [()] * start
        for row in self.rows[start:]:
            cells = [(c, v) for c, v in enumerate(row) if v is not None and v != ""]
            texts = [cv for cv in cells if isinstance(cv[1], str)]
            self.cells.append(cells)
            self.strings.append(texts)
            self.beside.append([(c, v) for c, v in texts if c not in grid and not v.isspace()] if texts else texts)

    def _outline(self, body, marks, unread):
        """The hierarchy of a table that keeps it in one column: area rows ("I. MANAJEMEN
        PERUBAHAN", "A. …"), kegiatan rows ("1. …") and the sub-kegiatan rows under them ("a. …",
        with the indicators and the schedule), told apart by their numbering or, without one, by
        their indentation (leading spaces or the cell's indent); the numbering may stand in the NO
        column instead.  A row without a schedule above the scheduled rows' level is a heading, and
        so is an unnumbered one whose next row restarts the lettering ("a."): an area when it is at
        the top of two heading levels (or numbered I./A.) and names one, otherwise a kegiatan.
        {row: (level, text)}; {} for a table that is not such an outline (the other rows keep the
        walk's usual reading)."""
        cols = [self.t.roles[k] for k in ("area", "kegiatan", "sub_kegiatan") if k in self.t.roles]
        if len(cols) != 1:
            return {}
        col = cols[0]
        found = [(r, self.rows[r][col]) for r in body if col < len(self.rows[r]) and cell_text(self.rows[r][col])
                 and not (self._is_header_like(r) or self._is_legend(r))]
        if not found or all(marks[r][0] or marks[r][1] or r in unread for r, _ in found):
            return {}
        cell_indents = self.styles.indents_for(self.name, found[0][0], found[-1][0], {col})
        lines = {}
        for r, raw in found:
            text, no = cell_text(raw), cell_text(self.cell(self.rows[r], "no"))
            numbered = text if outline_number(text) else no.rstrip(".)") + ". x" if no else ""
            lead = len(raw) - len(raw.lstrip()) if isinstance(raw, str) else 0
            lines[r] = _Line(outline_number(numbered), (cell_indents.get(r, {}).get(col) or 0) * INDENT_SPACES + lead,
                             bool(marks[r][0] or marks[r][1]) or r in unread, text, numbered[:1])
        leaves = [x for x in lines.values() if x.scheduled]
        if not leaves:
            return {}
        leaf_key, leaf_indent = _mode([x.key for x in leaves]), _mode([x.indent for x in leaves])
        heads, order = {}, list(lines)
        for k, (r, x) in enumerate(lines.items()):
            if x.scheduled or cell_text(self.cell(self.rows[r], "indikator")):
                continue
            if x.key is not None and leaf_key is not None:
                higher = x.key < leaf_key
            else:
                after = lines[order[k + 1]] if k + 1 < len(order) else None
                restarts = (after is not None and after.scheduled and leaf_key == (2, 0) == after.key
                            and after.mark == "a" and self._section_area(r, None) is None)
                higher = x.indent < leaf_indent or (x.key is not None and x.key[0] < 2) or restarts
            if higher:
                heads[r] = x.key or (-1, x.indent)
        if not heads:
            return {}
        top, two_levels = min(heads.values()), len(set(heads.values())) > 1
        out = {}
        for r, key in heads.items():
            text = lines[r].text
            area = areas.match_area(strip_numbering(text), strict=True) \
                if (key == top and two_levels) or key[0] == 0 else None
            out[r] = ("area", area) if area else ("kegiatan", text)
        kegiatan_heads = any(level == "kegiatan" for level, _ in out.values())
        for r, x in lines.items():
            if r not in out:
                above = x.key is not None and leaf_key is not None and x.key < leaf_key
                own = not kegiatan_heads and x.key is not None and x.key[0] == 1  # "1." rows are the kegiatan
                out[r] = ("kegiatan" if x.scheduled and (above or own) else "sub", x.text)
        return out

    def _find_kind_col(self):
        if "kind" in self.t.roles:
            return self.t.roles["kind"]
        counts = {}
        for r in range(self.t.data_start, min(len(self.rows), self.t.data_start + 400)):
            for c, v in self.beside[r]:
                if _KIND_TEXT(v.casefold()) and len(v.strip()) > 1:  # (a plan's texts fail at once)
                    counts.setdefault(c, set()).add(kind_word(v))
        for c, kinds in counts.items():
            if kinds == {"plan", "real"}:
                return c
        return None

    def cell(self, row, role):
        c = self.t.roles.get(role)
        if c is None or c >= len(row):
            return None
        return row[c]

    def _spread(self, r, c, months):
        """Months of grid cell (r, c) and, when it opens a merged bar, of every column it covers."""
        stop = self.spans.get((r, c))
        if stop is None:
            return months
        out = set(months)
        for cc in range(c + 1, stop + 1):
            if cc in self.t.grid and self.t.grid[cc][1] == self.t.grid[c][1]:
                out.update(self.t.grid[cc][0])
        return out

    def value_marks(self, r, ticks=frozenset()):
        planned, realized = set(), set()
        grid, spans = self.t.grid, self.spans
        for c, v in self.cells[r]:
            g = grid.get(c)
            if g is not None and (is_mark(v) or (r, c) in ticks):
                months, kind = g
                (planned if kind == "plan" else realized).update(
                    self._spread(r, c, months) if spans and (r, c) in spans else months)
        return planned, realized

    def _symbol_ticks(self, first, last):
        """Grid cells holding a check glyph in a symbol font (Wingdings "ü", Wingdings 2 "P")."""
        grid, strings = self.t.grid, self.strings
        cells = {(r, c) for r in range(first, last) for c, v in strings[r] if c in grid and symbol_char(v)}
        if not cells:
            return frozenset()
        fonts = self.styles.fonts_for(self.name, min(r for r, _ in cells), max(r for r, _ in cells),
                                      {c for _, c in cells})
        return frozenset((r, c) for r, c in cells
                         if is_symbol_tick(symbol_char(self.rows[r][c]), fonts.get(r, {}).get(c)))

    def parse(self):
        t, rows = self.t, self.rows
        last = len(rows)
        strings = self.strings
        for r in range(t.data_start, len(rows)):
            if strings[r] and (self._is_signature(r) or self._is_notes(r)):  # (both need a text)
                last = r
                break
        sign = next((r for r in range(last, len(rows)) if self._is_signature(r)), len(rows))
        self.footer = [v.strip() for row in rows[sign:] for v in row if isinstance(v, str) and OFFICIAL.match(v)]
        # a JUMLAH row's counts are not marks (they must not hide a schedule drawn in colour), nor a row;
        # nor are the month numbers and column numbers of a header block repeated at a page break
        totals = {r for r in range(t.data_start, last) if self._is_total(r)}
        body = [r for r in range(t.data_start, last) if r not in totals and not self._is_header_like(r)]
        unread = set()
        ticks = self._symbol_ticks(t.data_start, last) if t.grid else frozenset()
        if t.schedule == "grid":
            marks = {r: self.value_marks(r, ticks) for r in body}
            if not any(p or q for p, q in marks.values()) and last > t.data_start:
                marks = self._fill_marks(t.data_start, last - 1)
        else:
            read = self._date_range if t.schedule == "dates" else self._text_months
            marks = {}
            for r in body:
                months = self.value_marks(r, ticks)[0] or read(rows[r], r)
                if months is None:
                    unread.add(r)
                marks[r] = (months or set(), set())
        self.outline = self._outline(body, marks, unread)
        return self._walk(body, marks, unread)

    def _fill_marks(self, first, last):
        text_cols = [c for role, c in self.t.roles.items() if role in TEXT_ROLES or role == "no"]
        cols = set(self.t.grid) | set(text_cols)
        fills = self.styles.fills_for(self.name, first, last, cols)
        out = {}
        for r in range(first, last + 1):
            row_fills = fills.get(r, {})
            base = [row_fills.get(c) for c in text_cols]
            base_set = {b for b in base if b}
            planned, realized = set(), set()
            for c, (months, kind) in self.t.grid.items():
                rgb = row_fills.get(c)
                if rgb and not is_white(rgb) and rgb not in base_set:
                    (planned if kind == "plan" else realized).update(self._spread(r, c, months))
            out[r] = (planned, realized)
        return out

    def _any_text(self, r, cols):
        """Whether row ``r`` has text in any of the columns ``cols``."""
        row = self.rows[r]
        n = len(row)
        for c in cols:
            # what cell_text(v) is not None says, without building the text: any value but a blank text
            if c < n and (v := row[c]) is not None and (not isinstance(v, str) or v and not v.isspace()):
                return True
        return False

    def _is_notes(self, r):
        """A 'Catatan:' line under the table: what follows are notes, not activities."""
        if self._any_text(r, self._detail_cols):
            return False
        return any(NOTES.match(v) for _, v in self.strings[r])

    def _is_total(self, r):
        """A JUMLAH/TOTAL row: its per-month numbers are counts, not ticks."""
        texts = self.beside[r]
        return bool(texts) and TOTAL.match(texts[0][1]) is not None and not self._any_text(r, self._detail_cols)

    def _is_signature(self, r):
        """A signature block's first line.  Under a narrow table it may stand in a text column (the
        indicator's): then it is the row's only text and says where and when the plan was signed."""
        if self._any_text(r, self._named_cols):
            texts = self.beside[r]
            return len(texts) == 1 and SIGNED.match(texts[0][1]) is not None
        return any(SIGNATURE.match(v) for _, v in self.strings[r])

    def _is_header_like(self, r):
        """A repeated header block (page-break copy), its month row or its column-number row."""
        found = self._header_rows.get(r)
        if found is None:
            found = self._header_rows[r] = self._header_like(r)
        return found

    def _header_like(self, r):
        row = self.rows[r]
        n = len(row)
        texts = [v for c in self._role_cols if c < n and isinstance(v := row[c], str)]
        # two header words again: only texts the signature's pattern takes can fold into it
        maybe = [v for v in texts if self._signature_rx(v.casefold())] if len(texts) >= 2 else ()
        if len(maybe) >= 2 and len({fold(v, "%/") for v in maybe} & self.t.signature) >= 2:
            return True
        if any(c < n and isinstance(row[c], str) for c in self._text_cols):
            return False  # a data row: no need for the costlier month/numbering checks
        if len(self.cells[r]) < 4:
            return False  # a numbering, month or quarter row has four labels or more
        # asked of the row's values alone, in order: the answer is the same without its empty
        # cells (each test skips them), and a grid row is mostly empty cells
        values = [v for _, v in self.cells[r]]
        return numbering_row(values) or is_grid_header(values)

    def _is_legend(self, r):
        if self._any_text(r, self._indikator_cols):
            return False
        ket = self.t.roles.get("ket")
        return any(LEGEND.search(v) for c, v in self.beside[r] if c != ket)

    def _section_area(self, r, ctx_area):
        """Area number when row ``r`` is a free-standing area section heading."""
        found = self._sections.get(r, False)
        if found is False:
            found = self._sections[r] = self._section_label(r)
        if found is None:
            return None
        a, label, explicit = found
        if explicit or (a != ctx_area and areas.match_area(label, strict=True, exact=True)):
            return a
        return None

    def _section_label(self, r):
        """(area, label, explicit) when row ``r``'s one text names an area, else None; whether it
        stands as a section depends on the area above it (``_section_area``)."""
        grid = self.t.grid
        texts = [(c, s) for c, v in self.cells[r] if c not in grid and (s := cell_text(v))]
        no_col = self.t.roles.get("no")
        body = [(c, s) for c, s in texts if c != no_col]
        notes = {self.t.roles.get(role) for role in ("ket", "pic", "evidence", "capaian")} - {None}
        if len(body) != 1 or body[0][0] in notes:  # a note's rest ("SDM" of "Kasubag Hukum dan SDM")
            return None
        label = body[0][1]
        row = self.rows[r]
        no = cell_text(row[no_col]) if no_col is not None and no_col < len(row) else None
        if no and re.fullmatch(r"[IVX]{1,4}\.?", no.strip()):
            label = f"{no.strip().rstrip('.')}. {label}"
        a = areas.match_area(label, strict=True)
        if a is None:
            return None
        # An area row announces itself (AREA/roman prefix, capitals) or names another area in pure
        # area words; "Pelaksanaan Manajemen Perubahan" under area 1 is a kegiatan heading.
        explicit = bool(re.match(r"\s*(area\b|[ivx]{1,4}[.)]?\s)", label + " ", re.I)) or label.isupper()
        return a, label, explicit

    def _walk(self, row_range, marks, unread):
        acts = []
        ctx = {"area": self.sheet_area, "area_src": "sheet" if self.sheet_area else None,
               "kegiatan": None, "sub": None}
        current = None
        cells, roles = self.cells, self.t.roles
        text_cols = [(role, roles[role]) for role in TEXT_ROLES if role in roles]
        no_text = dict.fromkeys(TEXT_ROLES)
        ket, pic, evidence, capaian = (roles.get(k, _NOWHERE) for k in ("ket", "pic", "evidence", "capaian"))
        for r in row_range:
            row = self.rows[r]
            if not cells[r]:
                continue
            planned, realized = marks.get(r, _NO_MARKS)
            if self._is_legend(r):  # (the body holds no header-like row)
                continue
            kind = kind_word(row[self.kind_col]) if self.kind_col is not None and self.kind_col < len(row) else None
            if kind == "real":
                if current is not None:
                    current.realized_months = sorted(set(current.realized_months) | planned | realized)
                continue
            n = len(row)
            txt = no_text.copy()  # every text role, None where the row has no text (or the table no column)
            for role, c in text_cols:
                if c < n and (v := row[c]) is not None:
                    txt[role] = cell_text(v)
            level, label = self.outline.get(r, (None, None))
            if level == "area":
                ctx.update(area=label, area_src="section", kegiatan=None, sub=None)
                current = None
                continue
            if not (planned or realized) and level != "kegiatan":
                a = self._section_area(r, ctx["area"])
                if a:
                    ctx.update(area=a, area_src="section", kegiatan=None, sub=None)
                    current = None
                    continue
            if level:  # the outline column's text is the level its place in the outline says
                txt.update(area=None, kegiatan=None, sub_kegiatan=None)
                txt["kegiatan" if level == "kegiatan" else "sub_kegiatan"] = label
            if txt["area"]:
                a = areas.match_area(txt["area"])
                if a and a != ctx["area"]:
                    ctx.update(kegiatan=None, sub=None)
                if a:
                    ctx.update(area=a, area_src="column")
            if not (planned or realized or r in unread):
                current = self._no_schedule_row(r, txt, row, ctx, current)
                continue
            if not (txt["kegiatan"] or txt["sub_kegiatan"] or txt["indikator"]):
                if current is not None:
                    current.planned_months = sorted(set(current.planned_months) | planned)
                    current.realized_months = sorted(set(current.realized_months) | realized)
                    self.warnings.append(make_warning("marks_without_text", *self.where(r)))
                    continue
            if txt["kegiatan"]:
                ctx.update(kegiatan=strip_numbering(txt["kegiatan"]), sub=None)
            if txt["sub_kegiatan"]:
                ctx["sub"] = strip_numbering(txt["sub_kegiatan"])
            sheet, row_no = self.where(r)
            current = Activity(
                sheet=sheet, row=row_no, area_no=ctx["area"], kegiatan=ctx["kegiatan"],
                sub_kegiatan=ctx["sub"], indikator=split_packed(txt["indikator"]),
                planned_months=sorted(planned), realized_months=sorted(realized),
                keterangan=cell_text(row[ket]) if ket < n else None, pic=cell_text(row[pic]) if pic < n else None,
                evidence=cell_text(row[evidence]) if evidence < n else None,
                capaian=cell_number(row[capaian]) if capaian < n else None,
                area_source=ctx["area_src"] if ctx["area"] else None)
            acts.append(current)
        return acts

    def _no_schedule_row(self, r, txt, row, ctx, current):
        keg, sub, ind = txt["kegiatan"], txt["sub_kegiatan"], txt["indikator"]
        if keg and not sub and not ind:
            ctx.update(kegiatan=strip_numbering(keg), sub=None)
            return None
        if sub and not keg and not ind:
            if current is not None:
                current.sub_kegiatan = f"{current.sub_kegiatan}\n{sub}" if current.sub_kegiatan else sub
                return current
            ctx["sub"] = strip_numbering(sub)
            return None
        if ind and not keg and not sub:
            if current is not None:
                base = current.indikator_text()
                current.indikator = split_packed(f"{base}\n{ind}" if base else ind)
                return current
            self.warnings.append(make_warning("orphan_text", *self.where(r)))
            return None
        if keg or sub:
            if keg:
                ctx.update(kegiatan=strip_numbering(keg), sub=None)
            if sub:
                ctx["sub"] = strip_numbering(sub)
            if ind:
                self.warnings.append(make_warning("no_schedule", *self.where(r)))
            return None
        ket = cell_text(self.cell(row, "ket"))
        if ket and current is not None:
            current.keterangan = f"{current.keterangan}\n{ket}" if current.keterangan else ket
            return current
        return current

    def _date_range(self, row, r):
        """MULAI/SELESAI as dates (real or dd/mm/yyyy text, clipped to the plan year) or as months;
        None when a value is there but cannot be read."""
        sv, ev = self.cell(row, "start"), self.cell(row, "end")
        ds, de = when.as_date(sv), when.as_date(ev)
        if ds or de:
            months = when.date_months(ds or de, de or ds, self.year or (ds or de).year)
            if not months:
                self._warn("dates_outside_year", r, "start", value=f"{cell_text(sv)} - {cell_text(ev)}")
                return None
            return months
        s, e = month_of(sv), month_of(ev)
        bad = False
        for v, m, role in ((sv, s, "start"), (ev, e, "end")):
            if v not in (None, "") and m is None:
                self._warn("bad_month", r, role, value=cell_text(v))
                bad = True
        if s is None and e is None:
            return None if bad else set()
        s = s or e
        e = e or s
        if e < s:
            self._warn("end_before_start", r, "start")
            s, e = e, s
        return set(range(s, e + 1))

    def _text_months(self, row, r):
        """The WAKTU PELAKSANAAN text read as months; None (and a located warning) when unreadable."""
        text = cell_text(self.cell(row, "when"))
        if text is None:
            return set()
        months = when.text_months(text, self.year)
        if months is None:
            self._warn("schedule_text_unreadable", r, "when", value=text)
        return months

    def _warn(self, code, r, role, **params):
        col = self.t.roles.get(role)
        self.warnings.append(make_warning(code, *self.where(r), None if col is None else col + 1, **params))


def title_texts(rows, upto):
    out = []
    for row in rows[:upto]:
        out.extend(v.strip() for v in row if isinstance(v, str) and v.strip())
    return out


def area_of_sheet(sheet, titles):
    for t in titles:
        if re.match(r"\s*area\b", t, re.I):
            a = areas.match_area(re.sub(r"^\s*area(\s+perubahan)?\s*[:\-]?\s*", "", t, flags=re.I), strict=True)
            if a:
                return a
    return areas.match_area(sheet, strict=True)


def infer_areas(sheet, acts, warnings):
    missing = [a for a in acts if a.area_no is None]
    for a in missing:
        a.area_no, _, _ = areas.classify(a.kegiatan, a.sub_kegiatan, a.indikator_text())
        a.area_source = "catalogue"
    if missing:
        warnings.append(make_warning("area_inferred", sheet, count=len(missing)))
