"""A plan kept as a Word decree (.docx): its tables as sheets, its running text as titles and footers.

Offices often send the signed decree itself: the opening text (KEPUTUSAN … TENTANG … TAHUN Y,
Menimbang, Mengingat, MEMUTUSKAN, the signature), then LAMPIRAN and the plan as a Word table.  Each
table that holds a plan header becomes one Sheet ("Tabel k") whose rows are the table's rows, so the
spreadsheet parser reads it unchanged: horizontal merges (w:gridSpan) are spread over the grid columns
they cover and vertical ones (w:vMerge) recorded as merged ranges with the value top-left, like Excel;
the paragraphs of a cell are joined by newlines (several indicators in one cell stay apart); cell
shading (w:shd) answers ``fills_for`` and the font of a Wingdings/Symbol tick (w:sym, w:rFonts)
``fonts_for``.  Every row keeps its provenance ("Tabel 1", 14).

The XML is read directly (the standard ElementTree, guarded by defusedxml like the other readers)
rather than through python-docx: python-docx repeats a merged cell once per grid column and per
merged row and hides w:sym and shading, which is exactly what the plan needs, and the direct walk
reads a whole decree in a few milliseconds.

Tables without a plan header (the Menimbang/Mengingat laid out as a borderless table, a signature
table) are not sheets: their text is running text, so they never become a plan nor a warning.  A
table without a header right after a plan table, with the same columns (a table split at a page
break), continues it.  The running text before the first plan table goes through
``decree.decree_texts`` (the heading and LAMPIRAN name the office and year, never the citations of
laws and road maps of other years); the signature lines after it are footers; the page headers and
footers (letterhead) are titles of last resort.
"""

import re
from xml.etree.ElementTree import ParseError

from rbdash.errors import NoPlanFound, UnreadableFile
from rbdash.excel.book import Book, NoStyles, Sheet
from rbdash.excel.decree import decree_texts, join_office_lines
from rbdash.excel.extent import MAX_COLS, MAX_ROWS
from rbdash.excel.sheet import OFFICIAL
from rbdash.excel.table import find_table

MAIN = "word/document.xml"
_PAGE_PARTS = re.compile(r"word/(header|footer)\d*\.xml$")
_HEX = re.compile(r"^[0-9A-Fa-f]{6}$")
# parts of a paragraph that hold no text of their own: properties, deleted text, field codes, and the
# fallback copy of a drawing (its text box is read once, from mc:Choice)
_SKIP = {"pPr", "rPr", "tcPr", "trPr", "tblPr", "sectPr", "Fallback", "delText", "instrText", "del",
         "moveFrom"}


def open_docx(found) -> Book:
    """The Book of a checked .docx container (``check_container``'s result)."""
    try:
        body = _root(found.zf, MAIN)
        doc = _Document(body.tag)
        book = doc.read(body.find(doc.w("body")))
        book.texts.extend(doc.page_lines(found.zf))  # letterheads: titles of last resort
    except (ParseError, ValueError, RecursionError) as exc:
        # every member was inflated and CRC-checked already: what is left to break is the XML itself
        # (malformed, or nested beyond any document's depth)
        raise UnreadableFile("truncated", detail=str(exc).strip()[:120] or type(exc).__name__) from None
    return book


def _root(zf, name):
    from defusedxml import ElementTree as ET
    return ET.fromstring(zf.read(name))


def _local(el):
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Styles(NoStyles):
    """Fills and fonts per sheet, collected while the tables were read: {sheet: {row: {col: value}}}."""

    def __init__(self):
        self.fills, self.fonts = {}, {}

    @staticmethod
    def _pick(cells, first_row, last_row, cols):
        return {r: {c: v for c, v in row.items() if c in cols}
                for r, row in cells.items() if first_row <= r <= last_row}

    def fills_for(self, sheet, first_row, last_row, cols):
        return self._pick(self.fills.get(sheet, {}), first_row, last_row, cols)

    def fonts_for(self, sheet, first_row, last_row, cols):
        return self._pick(self.fonts.get(sheet, {}), first_row, last_row, cols)

    def close(self):
        pass


class _Table:
    """One Word table as a grid: values, merged ranges, fills and fonts by (row, col), 0-based."""

    def __init__(self):
        self.rows, self.merges, self.fills, self.fonts = [], [], {}, {}

    @property
    def width(self):
        return max((len(r) for r in self.rows), default=0)


class _Document:
    """The walk over one document's XML; ``ns`` is the WordprocessingML namespace it uses
    (transitional, or strict as Word's "Strict Open XML" writes it)."""

    def __init__(self, root_tag):
        self.ns = root_tag[:root_tag.index("}") + 1] if root_tag.startswith("{") else ""

    def w(self, name):
        return self.ns + name

    def attr(self, el, name, default=None):
        return default if el is None else el.get(self.ns + name, default)

    # --- the body ----------------------------------------------------------------------------------

    def read(self, body):
        """The Book of the document body: a sheet per plan table, the running text as titles and footers."""
        if body is None:
            raise NoPlanFound("no_plan_table_document")
        styles = _Styles()
        sheets, before, after = [], [], []
        last = None  # the sheet of the table just read when it was a plan (a split table may go on in it)
        k = 0
        for kind, item in self._blocks(body):
            if kind == "p":
                (after if sheets else before).extend(item)
                continue
            k += 1
            table = self._table(item)
            if table.rows and find_table(table.rows, merges=table.merges) is not None:
                last = Sheet(f"Tabel {k}", [], origins=[])
                sheets.append(last)
            elif last is None or table.width != len(last.rows[0]):
                (after if sheets else before).extend(
                    line for row in table.rows for v in row if v for line in v.split("\n"))
                last = None
                continue
            self._append(last, table, f"Tabel {k}", styles)
        if not sheets:
            raise NoPlanFound("no_plan_table_document")
        titles, footers = decree_texts(before)
        footers.extend(line for line in join_office_lines(after) if OFFICIAL.match(line))
        return Book(sheets, styles, texts=titles, footers=footers, names=[s.name for s in sheets])

    def _append(self, sheet, table, where, styles):
        """The rows of Word table ``where`` added under ``sheet``, with their merges, fills, fonts and
        provenance."""
        base = len(sheet.rows)
        sheet.rows.extend(table.rows)
        sheet.origins.extend((where, i + 1) for i in range(len(table.rows)))
        sheet.merges.extend(((r1 + base, c1), (r2 + base, c2)) for (r1, c1), (r2, c2) in table.merges)
        for src, dst in ((table.fills, styles.fills), (table.fonts, styles.fonts)):
            cells = dst.setdefault(sheet.name, {})
            for (r, c), v in src.items():
                cells.setdefault(r + base, {})[c] = v

    def _blocks(self, parent):
        """("p", lines) and ("tbl", element) in reading order; content controls and custom XML
        around paragraphs or tables are looked through."""
        for child in parent:
            tag = _local(child)
            if tag == "p":
                yield "p", [" ".join(line.split()) for line in self._text(child).split("\n")]
            elif tag == "tbl":
                yield "tbl", child
            elif tag in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
                yield from self._blocks(child)

    def page_lines(self, zf):
        """Lines of the page headers and footers (a letterhead may name the office)."""
        out = []
        for name in sorted(n for n in zf.namelist() if _PAGE_PARTS.match(n)):
            root = _root(zf, name)
            for kind, item in self._blocks(root):
                if kind == "p":
                    out.extend(line for line in item if line)
                else:
                    out.extend(line for row in self._table(item).rows for v in row if v for line in v.split("\n"))
        return out

    # --- text ----------------------------------------------------------------------------------------

    def _text(self, el):
        """The text of a paragraph (or any element): runs, tabs, breaks and symbols; a paragraph
        nested in it (a text box) on its own line."""
        out = []
        self._collect(el, out, top=True)
        return "".join(out)

    def _collect(self, el, out, top=False):
        tag = _local(el)
        if tag in _SKIP:
            return
        if tag == "t":
            out.append(el.text or "")
        elif tag == "tab":
            out.append("\t")
        elif tag in ("br", "cr"):
            out.append("\n")
        elif tag == "noBreakHyphen":
            out.append("-")
        elif tag == "sym":
            ch = self._sym(el)
            if ch:
                out.append(ch)
        elif tag == "p" and not top:
            out.append("\n")
        for child in el:
            self._collect(child, out)

    def _sym(self, el):
        """The character of a w:sym (Insert Symbol: Wingdings "F0FC" is a check mark)."""
        try:
            code = int(self.attr(el, "char", ""), 16)
        except ValueError:
            return None
        return chr(code) if 0 < code < 0x110000 else None

    def _font(self, tc):
        """The font of a cell's first symbol or first run with text: a check typed in Wingdings is
        the letter "ü" in that font."""
        for run in tc.iter(self.w("r")):
            sym = run.find(self.w("sym"))
            if sym is not None:
                return self.attr(sym, "font")
            if not "".join(t.text or "" for t in run.iter(self.w("t"))).strip():
                continue
            fonts = run.find(f"{self.w('rPr')}/{self.w('rFonts')}")
            return next((self.attr(fonts, a) for a in ("ascii", "hAnsi", "cs", "eastAsia")
                         if self.attr(fonts, a)), None)
        return None

    def _fill(self, tc):
        """The shading of a cell (w:shd of the cell, else of its paragraphs) as RRGGBB, or None."""
        shd = tc.find(f"{self.w('tcPr')}/{self.w('shd')}")
        if shd is None:
            shd = next((s for s in tc.iter(self.w("shd"))), None)
        if shd is None:
            return None
        val, fill, color = (self.attr(shd, a, "") for a in ("val", "fill", "color"))
        if val == "nil":
            return None
        if val == "solid" and _HEX.match(color):
            return color.upper()
        if _HEX.match(fill):
            return fill.upper()
        if val.startswith("pct") and _HEX.match(color):
            return color.upper()
        return None

    def _cell_text(self, tc):
        """A cell's paragraphs joined by newlines; a table nested in it flattened, a line per row."""
        lines = []
        for kind, item in self._blocks(tc):
            if kind == "p":
                lines.append("\n".join(item))
            else:
                nested = self._table(item)
                lines.extend(" ".join(v for v in row if v) for row in nested.rows)
        text = "\n".join(line for line in lines if line.strip())
        return text or None

    # --- tables --------------------------------------------------------------------------------------

    def _children(self, el, want):
        """The ``want`` children (w:tr of a table, w:tc of a row), also those wrapped in content
        controls, custom XML or tracked insertions."""
        for child in el:
            tag = _local(child)
            if tag == want:
                yield child
            elif tag in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
                yield from self._children(child, want)

    def _int(self, el, default):
        try:
            return max(0, int(self.attr(el, "val", default)))
        except (TypeError, ValueError):
            return default

    def _table(self, tbl):
        """The grid of a table: a gridSpan spread over its columns (value in the first), the cells that
        continue a vMerge left empty, each merged area recorded as a range from its first cell."""
        t = _Table()
        groups, open_v = [], {}  # [first row, last row, first col, last col]; open vertical merges by column
        for tr in self._children(tbl, "tr"):
            r = len(t.rows)
            if r >= MAX_ROWS:
                break
            tr_pr = tr.find(self.w("trPr"))
            col = min(self._int(tr_pr.find(self.w("gridBefore")) if tr_pr is not None else None, 0), MAX_COLS)
            row = [None] * col
            for tc in self._children(tr, "tc"):
                if col >= MAX_COLS:
                    break
                pr = tc.find(self.w("tcPr"))
                span = self._int(pr.find(self.w("gridSpan")) if pr is not None else None, 1)
                span = min(max(span, 1), MAX_COLS - col)
                vm = pr.find(self.w("vMerge")) if pr is not None else None
                text = self._cell_text(tc)
                row.extend([None] * span)
                group = open_v.get(col)
                if vm is not None and self.attr(vm, "val", "continue") != "restart" and group and group[1] == r - 1:
                    group[1] = r
                    if text:  # Word shows a continue cell's text inside the merged cell: keep it there
                        top = t.rows[group[0]]
                        top[col] = f"{top[col]}\n{text}" if top[col] else text
                else:
                    row[col] = text
                    open_v.pop(col, None)
                    if vm is not None or span > 1:
                        groups.append([r, r, col, col + span - 1])
                        if vm is not None:
                            open_v[col] = groups[-1]
                fill = self._fill(tc)
                if fill:
                    for c in range(col, col + span):
                        t.fills[(r, c)] = fill
                if text and len(text.strip()) == 1:
                    font = self._font(tc)
                    if font:
                        t.fonts[(r, col)] = font
                col += span
            t.rows.append(row)
        t.merges = [((r1, c1), (r2, c2)) for r1, r2, c1, c2 in groups if r2 > r1 or c2 > c1]
        width = t.width
        t.rows = [row + [None] * (width - len(row)) for row in t.rows]
        return t
