"""OpenDocument spreadsheets (.ods, as LibreOffice Calc saves them) read into a Book: values (cached
formula results included), merged cells, hidden sheets, cell backgrounds, fonts and indents.

One streamed pass over content.xml (after styles.xml, for named and default styles) with the
standard XML parser through defusedxml; odfpy was not used: it builds a DOM of the whole document
with an object per element, several times slower, and would still leave the repeats below to us.
The package was checked by ``check_container`` first (sizes, CRC of every member, no entities).

LibreOffice pads every sheet to its full size with repeated empty rows and cells
(``table:number-rows-repeated="1048506"``, ``number-columns-repeated="16384"``).  Repeats are kept
as runs, never expanded, until the plan block is known; the block is bounded by the stray-cell rule
of ``extent`` (the one .xlsx sheets get), so a value typed far away costs a warning, not memory.
"""

import bisect
import datetime as dt
import re

from rbdash.errors import UnreadableFile
from rbdash.excel import extent
from rbdash.excel.book import Book, NoStyles, Sheet
from rbdash.excel.container import DAMAGED, detail_of

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}


def _q(name):
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


TABLE, ROW, COLUMN = _q("table:table"), _q("table:table-row"), _q("table:table-column")
CELL, COVERED = _q("table:table-cell"), _q("table:covered-table-cell")
NAME, STYLE_NAME, DEFAULT_CELL_STYLE = _q("table:name"), _q("table:style-name"), _q("table:default-cell-style-name")
ROWS_REPEATED, COLS_REPEATED = _q("table:number-rows-repeated"), _q("table:number-columns-repeated")
ROWS_SPANNED, COLS_SPANNED = _q("table:number-rows-spanned"), _q("table:number-columns-spanned")
VALUE_TYPE, VALUE, CALC_TYPE = _q("office:value-type"), _q("office:value"), _q("calcext:value-type")
DATE_VALUE, TIME_VALUE = _q("office:date-value"), _q("office:time-value")
BOOLEAN_VALUE, STRING_VALUE = _q("office:boolean-value"), _q("office:string-value")
P, H, SPAN, S, TAB, BREAK = (_q("text:p"), _q("text:h"), _q("text:span"), _q("text:s"), _q("text:tab"),
                             _q("text:line-break"))
LIST, LIST_ITEM, LIST_HEADER = _q("text:list"), _q("text:list-item"), _q("text:list-header")
TEXT_STYLE, SPACES = _q("text:style-name"), _q("text:c")
# inside a paragraph, text that is not the cell's: footnotes, comments, tracked deletions
_NOT_TEXT = {_q("text:note"), _q("office:annotation"), _q("office:annotation-end"), _q("text:tracked-changes")}
STYLE, DEFAULT_STYLE, FONT_FACE = _q("style:style"), _q("style:default-style"), _q("style:font-face")
S_NAME, S_FAMILY, S_PARENT = _q("style:name"), _q("style:family"), _q("style:parent-style-name")
CELL_PROPS, TEXT_PROPS, TABLE_PROPS = (_q("style:table-cell-properties"), _q("style:text-properties"),
                                       _q("style:table-properties"))
PARA_PROPS, MARGIN_LEFT = _q("style:paragraph-properties"), _q("fo:margin-left")
BACKGROUND, DISPLAY = _q("fo:background-color"), _q("table:display")
FONT_NAME, FONT_FAMILY, SVG_FAMILY = _q("style:font-name"), _q("fo:font-family"), _q("svg:font-family")

MAX_SPACES = 1000  # one <text:s text:c="..."/> never stands for more spaces than this
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(in|cm|mm|pt|pc|px)\s*")
_POINTS = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1.0, "pc": 12.0, "px": 0.75}
INDENT_PT = 10.5  # one indent step of a cell (Excel's "Increase Indent", as LibreOffice stores it: 0.1457in)
_DURATION = re.compile(r"-?PT(\d+)H(\d+)M(\d+)(?:\.\d+)?S")


def open_ods(container) -> Book:
    """The Book of an .ods package that ``check_container`` found (``container.zf``)."""
    zf = container.zf
    names = set(zf.namelist())
    try:
        manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
    except DAMAGED as exc:
        raise UnreadableFile("truncated", detail=detail_of(exc)) from None
    if b"encryption-data" in manifest:
        raise UnreadableFile("encrypted")
    reader = _Reader()
    for part in ("styles.xml", "content.xml"):
        if part in names:
            reader.read(zf, part)
    styles = OdsStyles(reader.styles, reader.fonts, {sh.name: sh for sh in reader.sheets})
    sheets, warnings = [], []
    for runs in reader.sheets:
        if styles.hidden(runs.style):
            sheets.append(Sheet(runs.name, None, visible=False))
            continue
        rows, merges, stray = runs.grid()
        if stray:
            warnings.append(extent.stray_warning(runs.name, *stray))
        sheets.append(Sheet(runs.name, rows, merges))
    return Book(sheets, styles, warnings, names=[sh.name for sh in reader.sheets])


class _Reader:
    """Styles, font faces and the tables of the package's XML parts, streamed."""

    def __init__(self):
        self.styles = {}   # (family, name) -> {"parent", "bg", "font", "display"}; (family, None) = default
        self.fonts = {}    # font-face name -> font family
        self.sheets = []

    def read(self, zf, part):
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import iterparse
        try:
            with zf.open(part) as fh:
                self._scan(iterparse(fh, events=("start", "end"), forbid_dtd=True))
        except DefusedXmlException:
            raise UnreadableFile("xml_entities", part=part) from None
        except DAMAGED as exc:
            raise UnreadableFile("unreadable", detail=f"{part}: {detail_of(exc)}") from None

    def _scan(self, events):
        stack, depth, runs = [], 0, None
        for event, el in events:
            if event == "start":
                stack.append(el)
                if el.tag == TABLE:
                    depth += 1
                    if depth == 1:
                        runs = _Runs(el.get(NAME) or f"Sheet{len(self.sheets) + 1}", el.get(STYLE_NAME))
                continue
            stack.pop()
            tag = el.tag
            if tag == ROW and depth == 1:
                runs.row(el)
                if stack and len(stack[-1]) and stack[-1][-1] is el:
                    del stack[-1][-1]  # a row read is dropped: memory stays one row deep
            elif tag == COLUMN and depth == 1:
                runs.column(el)
            elif tag == TABLE:
                depth -= 1
                if depth == 0:
                    self.sheets.append(runs)
                    el.clear()
            elif tag in (STYLE, DEFAULT_STYLE):
                self._style(el)
            elif tag == FONT_FACE:
                family = (el.get(SVG_FAMILY) or "").strip().strip("'\"")
                self.fonts[el.get(S_NAME)] = family or el.get(S_NAME)

    def _style(self, el):
        rec = {"parent": el.get(S_PARENT)}
        for child in el:
            if child.tag == CELL_PROPS and child.get(BACKGROUND):
                rec["bg"] = child.get(BACKGROUND)
            elif child.tag == TEXT_PROPS:
                if child.get(FONT_NAME):
                    rec["font"] = ("face", child.get(FONT_NAME))
                elif child.get(FONT_FAMILY):
                    rec["font"] = ("family", child.get(FONT_FAMILY))
            elif child.tag == TABLE_PROPS and child.get(DISPLAY):
                rec["display"] = child.get(DISPLAY)
            elif child.tag == PARA_PROPS and child.get(MARGIN_LEFT):
                m = _LENGTH.fullmatch(child.get(MARGIN_LEFT))
                rec["indent"] = round(float(m.group(1)) * _POINTS[m.group(2)] / INDENT_PT) if m else 0
        name = el.get(S_NAME) if el.tag == STYLE else None
        self.styles[(el.get(S_FAMILY), name)] = rec


def _count(v, default=1):
    """A repeat or span count: a positive integer, else ``default``."""
    if v and v.isdigit():
        n = int(v)
        return n if n > 0 else default
    return default


class _Runs:
    """One table as read: value cells, spans and cell styles as runs of repeated rows and cells
    (1-based, inclusive), expanded only inside the plan block."""

    def __init__(self, name, style):
        self.name, self.style = name, style
        self.next_row = 1
        self.values = []    # (r0, r1, c0, c1, value)
        self.row_runs = []  # (r0, r1) of every row element
        self.spans = []     # (r0, r1, c0, c1, columns spanned, rows spanned)
        self.styled = []    # (r0, r1, row default style, [(c0, c1, cell style, text style)])
        self.columns = []   # (c0, c1, default cell style)
        self.next_col = 1
        self._starts = None

    def column(self, el):
        n = _count(el.get(COLS_REPEATED))
        style = el.get(DEFAULT_CELL_STYLE)
        if style:
            self.columns.append((self.next_col, self.next_col + n - 1, style))
        self.next_col += n

    def row(self, el):
        m = _count(el.get(ROWS_REPEATED))
        r0, r1 = self.next_row, self.next_row + m - 1
        self.next_row += m
        self.row_runs.append((r0, r1))
        c, styled = 1, []
        for cell in el:
            tag = cell.tag
            if tag != CELL and tag != COVERED:
                continue
            n = _count(cell.get(COLS_REPEATED))
            style, text_style = cell.get(STYLE_NAME), None
            if tag == CELL and (len(cell) or cell.get(VALUE_TYPE) is not None):
                value, text_style = _value(cell)
                if value is not None:
                    self.values.append((r0, r1, c, c + n - 1, value))
            if tag == CELL and (cell.get(COLS_SPANNED) or cell.get(ROWS_SPANNED)):
                cs, rs = _count(cell.get(COLS_SPANNED)), _count(cell.get(ROWS_SPANNED))
                if cs > 1 or rs > 1:
                    self.spans.append((r0, r1, c, c + n - 1, cs, rs))
            if style or text_style:
                styled.append((c, c + n - 1, style, text_style))
            c += n
        default = el.get(DEFAULT_CELL_STYLE)
        if styled or default:
            self.styled.append((r0, r1, default, styled))

    def grid(self):
        """(rows, merges, stray) inside the plan block: rows of values from A1 to the block's last
        value cell, merged ranges 0-based, and (count, row, col) of the first value cell left out,
        or None.  The rows of one repeated row element are one list (readers never change rows):
        a value filled down a million rows costs one row, not a million."""
        if not self.values:
            return [], [], None
        rows = _distinct([(r0, r1) for r0, r1, _, _, _ in self.values], extent.MAX_ROWS)
        cols = _distinct([(c0, c1) for _, _, c0, c1, _ in self.values], extent.MAX_COLS)
        max_row, max_col = extent.block(rows, cols)
        lines = {}  # r0 of a row element -> its row
        count, first = 0, None
        for r0, r1, c0, c1, value in self.values:
            cc = min(c1, max_col)
            if r0 <= max_row and c0 <= cc:
                line = lines.setdefault(r0, [None] * max_col)
                line[c0 - 1:cc] = [value] * (cc - c0 + 1)
            inside = max(0, min(r1, max_row) - r0 + 1) * max(0, cc - c0 + 1)
            out = (r1 - r0 + 1) * (c1 - c0 + 1) - inside
            if out:
                count += out
                at = (r0, c0) if r0 > max_row else (r0, max(c0, max_col + 1)) if c1 > max_col else \
                    (max_row + 1, c0)
                first = at if first is None else min(first, at)
        grid = []
        for r0, r1 in self.row_runs:
            if r0 > max_row:
                break
            line = lines.get(r0) or [None] * max_col
            grid.extend([line] * (min(r1, max_row) - r0 + 1))
        merges = []
        for r0, r1, c0, c1, cs, rs in self.spans:
            for r in range(r0, min(r1, max_row) + 1):
                for c in range(c0, min(c1, max_col) + 1):
                    r2, c2 = min(r + rs - 1, max_row), min(c + cs - 1, max_col)
                    if (r2, c2) != (r, c):
                        merges.append(((r - 1, c - 1), (r2 - 1, c2 - 1)))
        return grid, merges, (count, *first) if count else None

    def styles_at(self, r):
        """(row default style, [(c0, c1, cell style, text style)]) of 1-based row ``r``."""
        if self._starts is None:
            self._starts = [run[0] for run in self.styled]
        i = bisect.bisect_right(self._starts, r) - 1
        if i >= 0 and self.styled[i][1] >= r:
            return self.styled[i][2], self.styled[i][3]
        return None, ()

    def column_style(self, c):
        for c0, c1, style in self.columns:
            if c0 <= c <= c1:
                return style
        return None


def _distinct(spans, cap):
    """The sorted distinct numbers the inclusive ``spans`` cover, each past ``cap`` given as cap + 1."""
    out, upto = [], 0
    for a, b in sorted(spans):
        a, b = max(min(a, cap + 1), upto + 1), min(b, cap + 1)
        if a <= b:
            out.extend(range(a, b + 1))
            upto = b
    return out


def _value(cell):
    """(value, text style holding all of its text or None) of a table:table-cell: numbers as float,
    dates as date/datetime, booleans, text (paragraphs joined by newlines); a formula's value is
    its cached result, which the cell carries like any other."""
    text, style = _cell_text(cell)
    kind = cell.get(VALUE_TYPE)
    value = None
    if kind in ("float", "percentage", "currency"):
        if cell.get(CALC_TYPE) != "error":
            try:
                value = float(cell.get(VALUE))
            except (TypeError, ValueError):
                pass
    elif kind == "date":
        value = _date(cell.get(DATE_VALUE))
    elif kind == "time":
        value = _time(cell.get(TIME_VALUE))
    elif kind == "boolean" and cell.get(BOOLEAN_VALUE) is not None:
        value = cell.get(BOOLEAN_VALUE).strip().lower() in ("true", "1")
    elif kind == "string" and cell.get(STRING_VALUE) is not None:
        value = cell.get(STRING_VALUE)
    if value is None:
        value = text
    return (None if value == "" else value), style


def _date(s):
    try:
        d = dt.datetime.fromisoformat((s or "").strip())
    except ValueError:
        return None
    d = d.replace(tzinfo=None)
    return d.date() if d.time() == dt.time() else d


def _time(s):
    m = _DURATION.fullmatch((s or "").strip())
    if not m or int(m.group(1)) > 23:
        return None
    return dt.time(int(m.group(1)), min(int(m.group(2)), 59), min(int(m.group(3)), 59))


def _cell_text(cell):
    """(text, style) of a cell's paragraphs joined by newlines; ``style`` is the one text style
    (span or paragraph) that holds every visible character, else None (the cell's own style)."""
    paras, styles = [], set()
    _paragraphs(cell, paras, styles)
    text = "\n".join(paras)
    return text, (next(iter(styles)) if len(styles) == 1 else None)


def _paragraphs(el, paras, styles):
    for child in el:
        if child.tag in (P, H):
            paras.append(_inline(child, styles, child.get(TEXT_STYLE)))
        elif child.tag in (LIST, LIST_ITEM, LIST_HEADER):
            _paragraphs(child, paras, styles)


def _inline(el, styles, style):
    """Text of a paragraph or span: <text:s text:c="n"/> spaces, tabs, line breaks; notes and
    comments left out.  Adds to ``styles`` the text style around each visible run of text."""
    out = []
    if el.text:
        out.append(el.text)
        if el.text.strip():
            styles.add(style)
    for child in el:
        tag = child.tag
        if tag == S:
            out.append(" " * min(_count(child.get(SPACES)), MAX_SPACES))
        elif tag == TAB:
            out.append("\t")
        elif tag == BREAK:
            out.append("\n")
        elif tag not in _NOT_TEXT:
            out.append(_inline(child, styles, child.get(TEXT_STYLE) or style))
        if child.tail:
            out.append(child.tail)
            if child.tail.strip():
                styles.add(style)
    return "".join(out)


class OdsStyles(NoStyles):
    """Fills, fonts and indents of an .ods: a cell's style (else its row's, else its column's default
    cell style) resolved through parent styles to the family default; a text style around all of a
    cell's text gives its font (a symbol inserted in Wingdings inside a Calibri cell); the left
    margin of the cell's paragraphs, in steps of INDENT_PT, its indent (an outline's levels)."""

    def __init__(self, styles, fonts, sheets):
        self.styles, self.fonts, self.sheets = styles, fonts, sheets
        self._memo = {}

    def _prop(self, family, name, key):
        memo = (family, name, key)
        if memo not in self._memo:
            found, seen = None, set()
            while name is not None and name not in seen:
                seen.add(name)
                rec = self.styles.get((family, name))
                if rec is None:
                    break
                if key in rec:
                    found = rec[key]
                    break
                name = rec["parent"]
            if found is None:
                found = self.styles.get((family, None), {}).get(key)
            self._memo[memo] = found
        return self._memo[memo]

    def hidden(self, table_style):
        return (self._prop("table", table_style, "display") or "").strip().lower() == "false"

    def _fill(self, style, text_style):
        m = _HEX.fullmatch((self._prop("table-cell", style, "bg") or "").strip())
        return m.group(1).upper() if m else None  # "transparent" is no fill

    def _font(self, style, text_style):
        font = None
        if text_style:
            font = self._prop("text", text_style, "font") or self._prop("paragraph", text_style, "font")
        font = font or self._prop("table-cell", style, "font")
        if font is None:
            return None
        kind, name = font
        return self.fonts.get(name, name) if kind == "face" else name.strip().strip("'\"")

    def _read(self, sheet, first_row, last_row, cols, pick):
        runs = self.sheets.get(sheet)
        if runs is None:
            return {}
        out = {}
        for r in range(first_row, last_row + 1):
            default, cells = runs.styles_at(r + 1)
            starts = [c0 for c0, _, _, _ in cells]
            row = out.setdefault(r, {})
            for c in cols:
                style = text_style = None
                i = bisect.bisect_right(starts, c + 1) - 1
                if i >= 0 and cells[i][1] >= c + 1:
                    style, text_style = cells[i][2], cells[i][3]
                row[c] = pick(style or default or runs.column_style(c + 1), text_style)
        return out

    def fills_for(self, sheet, first_row, last_row, cols):
        """{row: {col: RRGGBB or None}} for 0-based rows first..last and the given 0-based columns."""
        return self._read(sheet, first_row, last_row, cols, self._fill)

    def fonts_for(self, sheet, first_row, last_row, cols):
        """{row: {col: font name or None}} for 0-based rows first..last and the given 0-based columns."""
        return self._read(sheet, first_row, last_row, cols, self._font)

    def indents_for(self, sheet, first_row, last_row, cols):
        """{row: {col: indent level}} for 0-based rows first..last and the given 0-based columns."""
        return self._read(sheet, first_row, last_row, cols,
                          lambda style, _text: self._prop("table-cell", style, "indent") or 0)

    def close(self):
        pass
