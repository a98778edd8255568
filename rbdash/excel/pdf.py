"""The decree as PDF: a Keputusan with its LAMPIRAN plan table, printed from Word or LibreOffice.

pdfplumber (on pdfminer.six) gives what a page draws: characters with their font and place, ruling
lines, and filled rectangles with their colour.  From these the reader builds the same Book a
workbook gives, so one parser reads both:

- each ruled table is a grid of cells (pdfplumber's line-based table finder, fed the rules only: a
  cell's fill, however it is drawn, never splits the cell); a cell merged over rows or columns keeps
  its text in its first slot and is recorded as a merge, as Excel does;
- a table that runs over several pages with the same columns is ONE Sheet: its pages' rows in order,
  the repeated header rows included (the parser skips repeated header blocks as in workbooks), each
  row with ("hal. N", its row on that page) as the provenance users see;
- a row broken across a page (its rest at the top of the next page, under the repeated header) is
  joined back to its first part (``_SheetBuilder._continues``: by geometry, never by wording);
- filled rectangles under a cell are its fill (several stacked rectangles count once) and the font of
  its text is kept: the parser's own fill and symbol-tick rules read them through the Styles protocol;
- the text outside tables (the decree's heading, the LAMPIRAN heading, the signature) names the
  office and the year (``decree.decree_texts``).

Refused with one line each: a damaged or truncated file, a password, no text layer (a scan: there
is no OCR), no ruled table, more than MAX_PAGES pages.
"""

import bisect
import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rbdash.errors import UnreadableFile
from rbdash.excel.book import Book, Sheet
from rbdash.excel.cells import SYMBOL_TICKS
from rbdash.excel.container import MAX_UNPACKED_MB
from rbdash.excel.decree import decree_texts

MAX_PAGES = 60       # a decree with its annex is a few pages; a longer file is not a plan decree
_TOL = 2.0           # points: edges closer than this are one rule
_THIN = 2.0          # a filled rectangle thinner than this is a drawn rule (a border), not a cell fill
_COVER = 0.5         # a cell is filled when fills cover at least this share of it
_TABLES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_WORDS = {"x_tolerance_ratio": 0.15, "y_tolerance": 3}  # a gap of 0.15 em parts words (fonts space ~0.25 em)
# a line starting like this begins a new item of a list, never the rest of the line above
_ITEM = re.compile(r"^\s*(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]|\(?[a-zA-Z][.)]|[ivxIVX]{1,4}[.)]|[-•●▪–])\s")
_CID = re.compile(r"^\(cid:(\d+)\)$")
_INTEGER = re.compile(r"^\d{1,9}$")


def open_pdf(data: bytes) -> Book:
    """The plan tables, fills, fonts and running text of a PDF (see the module docstring)."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError

    if b"%%EOF" not in data[-2048:]:
        raise UnreadableFile("pdf_damaged", detail="no %%EOF at its end")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfplumber wraps every pdfminer error in its own exception
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFEncryptionError):
            raise UnreadableFile("pdf_encrypted") from None
        raise UnreadableFile("pdf_damaged", detail=_detail(cause)) from None
    with pdf:
        try:
            return _read(pdf)
        except UnreadableFile:
            raise
        except Exception as exc:  # pdfminer raises many kinds of errors on a damaged file
            raise UnreadableFile("pdf_damaged", detail=_detail(exc)) from None


def _detail(exc):
    """The first line of what pdfminer said, for the refusal."""
    text = str(exc).strip()
    return text.splitlines()[0][:120] if text else type(exc).__name__


def _read(pdf):
    declared = _declared_pages(pdf.doc)  # before pdfplumber makes an object of every page
    if declared > MAX_PAGES:
        raise UnreadableFile("pdf_too_many_pages", pages=declared, limit=MAX_PAGES)
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise UnreadableFile("pdf_too_many_pages", pages=len(pages), limit=MAX_PAGES)
    _check_streams(pdf.doc)
    grids, lines, chars, pictured = [], [], 0, 0
    for n, page in enumerate(pages, 1):
        page_grids, outside, count = _read_page(page, n, grids[-1] if grids else None)
        grids.extend(page_grids)
        lines.extend(line[0] for line in _lines(outside))
        chars += count
        pictured += any((i["x1"] - i["x0"]) * (i["bottom"] - i["top"]) >= 0.5 * page.width * page.height
                        for i in page.images)
        page.close()  # pdfplumber keeps each page's objects until closed
    # a scan: no text at all, or pictures of whole pages with a scanner's stamp for text
    if not chars or (not grids and 2 * pictured >= len(pages) and chars < 100 * len(pages)):
        raise UnreadableFile("pdf_scanned")
    if not grids:
        raise UnreadableFile("pdf_no_table")
    _lost_symbol_fonts(grids)
    tables = []  # a table's pages: consecutive grids with the same columns
    for g in grids:
        if tables and _same_columns(tables[-1][0], g):
            tables[-1].append(g)
        else:
            tables.append([g])
    builders = [_SheetBuilder(f"Tabel {i}", pages) for i, pages in enumerate(tables, 1)]
    titles, footers = decree_texts(lines)
    # A heading may wrap the office's name over two lines: the whole heading is searched first.
    texts = [" ".join(titles)] + titles if titles else []
    sheets = [b.sheet() for b in builders]
    styles = PdfStyles({b.name: b.fills for b in builders}, {b.name: b.fonts for b in builders})
    return Book(sheets, styles, texts=texts, footers=footers)


def _declared_pages(doc):
    """The page count the document's page tree declares (0 when it says none)."""
    from pdfminer.pdftypes import resolve1

    count = resolve1(resolve1(doc.catalog.get("Pages")) or {}).get("Count") if doc.catalog else None
    return count if isinstance(count, int) else 0


def _check_streams(doc):
    """pdfminer reads a damaged compressed stream as empty or cut short, silently: every Flate stream
    (after the text encodings that may wrap it) is inflated strictly first, output discarded, so a
    damaged file is refused, never read with text missing."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode
    from pdfminer.pdftypes import LITERALS_ASCII85_DECODE, LITERALS_ASCIIHEX_DECODE, LITERALS_FLATE_DECODE, PDFStream

    wrappers = {**dict.fromkeys(LITERALS_ASCII85_DECODE, ascii85decode),
                **dict.fromkeys(LITERALS_ASCIIHEX_DECODE, asciihexdecode)}
    budget = MAX_UNPACKED_MB * 1024 * 1024
    for objid in {objid for xref in doc.xrefs for objid in xref.get_objids()}:
        try:
            obj = doc.getobj(objid)
        except Exception:  # a dangling xref entry: pdfminer skips it when reading too
            continue
        if not isinstance(obj, PDFStream) or obj.rawdata is None:
            continue
        filters = [f for f, _ in obj.get_filters()]
        flate = next((i for i, f in enumerate(filters) if f in LITERALS_FLATE_DECODE), None)
        if flate is None or any(f not in wrappers for f in filters[:flate]):
            continue
        data = obj.rawdata
        if obj.decipher:
            data = obj.decipher(obj.objid, obj.genno, data, obj.attrs)
        try:
            for f in filters[:flate]:
                data = wrappers[f](data)
            budget -= _inflated(data, budget)
        except (zlib.error, ValueError) as exc:
            raise UnreadableFile("pdf_damaged", detail=f"object {objid}: {exc}") from None


def _inflated(data, budget):
    """Bytes ``data`` inflates to, checked to the end; refused past ``budget``."""
    inflate, out, step = zlib.decompressobj(), 0, 1 << 20
    for i in range(0, len(data), step):
        out += len(inflate.decompress(data[i:i + step], budget - out + 1))
        while inflate.unconsumed_tail and out <= budget:
            out += len(inflate.decompress(inflate.unconsumed_tail, budget - out + 1))
        if out > budget:
            raise UnreadableFile("unsafe_file")
    out += len(inflate.flush())
    if not inflate.eof:
        raise zlib.error("incomplete or truncated stream")
    return out


# ------------------------------------------------------------------------------------------ one page

@dataclass
class _Cell:
    """One drawn cell: slots (r1, c1)..(r2, c2) of its grid, its text and font, and where its text
    ends."""
    r1: int
    c1: int
    r2: int
    c2: int
    bbox: tuple
    chars: list = field(default_factory=list)
    text: str | None = None
    font: str | None = None
    last: float = 0.0     # bottom of its last text line
    height: float = 0.0   # height of that line's characters
    tail: tuple = ()      # (its last line, where that line ends, where the cell's text must end)
    lead: tuple = ()      # (its first line, the width of that line's first character)


@dataclass
class _Grid:
    """One ruled table on one page: column edges ``xs``, row edges ``ys``, its cells, and the fill of
    each slot {(r, c): "RRGGBB"}."""
    page: int
    xs: list
    ys: list
    cells: list
    owner: dict                      # (r, c) -> index of the cell covering that slot
    fills: dict = field(default_factory=dict)

    @property
    def nrows(self):
        return len(self.ys) - 1

    def slot(self, x, y):
        c = bisect.bisect_right(self.xs, x) - 1
        r = bisect.bisect_right(self.ys, y) - 1
        if 0 <= c < len(self.xs) - 1 and 0 <= r < len(self.ys) - 1:
            return r, c
        return None


def _read_page(page, n, before=None):
    """(grids, characters outside them, characters on the page) of page ``n``; ``before`` is the last
    table of the pages before (a lone row of cells at the page's top in its columns is its last
    row: a table without a repeated header ending on a page of its own)."""
    chars = page.chars
    shapes = page.rects + [o for o in page.curves if _boxlike(o)]
    fills = [(o["x0"], o["top"], o["x1"], o["bottom"], rgb) for o in shapes if (rgb := _fill_colour(o))]
    found = page.filter(_is_rule).find_tables(_TABLES) if (page.lines or page.rects or page.curves) else []
    grids = [g for t in found if (g := _grid(t.cells, n))]
    grids = [g for i, g in enumerate(grids) if g.nrows > 1 or i == 0 and before is not None and _same_columns(before, g)]
    outside = []
    for ch in chars:
        ch = _decoded(ch)
        x, y = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        for g in grids:
            s = g.slot(x, y)
            if s is not None and s in g.owner:
                g.cells[g.owner[s]].chars.append(ch)
                break
        else:
            outside.append(ch)
    for g in grids:
        for cell in g.cells:
            _finish_cell(cell)
        g.fills = _slot_fills(g, fills)
    return grids, outside, len(chars)


def _is_rule(obj):
    """What the table finder may take for a rule: everything but a filled, unstroked shape wider and
    taller than a border (a cell's background, perhaps drawn as several stacked pieces)."""
    if obj.get("object_type") not in ("rect", "curve"):
        return True
    return bool(obj.get("stroke")) or min(obj["width"], obj["height"]) < _THIN


def _boxlike(curve):
    """A path drawn as a rectangle (every point on its bounding box), as some writers draw a cell's
    background."""
    pts = curve.get("pts") or []
    on_edge = [min(abs(x - curve["x0"]), abs(x - curve["x1"])) < 0.5 or
               min(abs(y - curve["top"]), abs(y - curve["bottom"])) < 0.5 for x, y in pts]
    return 4 <= len(pts) <= 6 and all(on_edge)


def _fill_colour(obj):
    """"RRGGBB" of a filled rectangle that can be a cell's background, else None (white is given
    too: the parser's fill rule knows it is no mark)."""
    if not obj.get("fill") or min(obj["width"], obj["height"]) < _THIN:
        return None
    return _rgb(obj.get("non_stroking_color"))


def _rgb(colour):
    """A PDF fill colour (grey, RGB or CMYK components in 0..1) as "RRGGBB"; None for patterns."""
    if isinstance(colour, (int, float)):
        colour = (colour,)
    if not isinstance(colour, (tuple, list)) or not all(isinstance(v, (int, float)) for v in colour):
        return None
    if len(colour) == 1:
        rgb = colour * 3
    elif len(colour) == 3:
        rgb = colour
    elif len(colour) == 4:
        c, m, y, k = colour
        rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        return None
    return "".join(f"{round(min(1.0, max(0.0, float(v))) * 255):02X}" for v in rgb)


def _cluster(values):
    """Sorted distinct positions, values within _TOL of the previous one taken as the same."""
    out = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= _TOL:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _nearest(edges, v):
    i = bisect.bisect_left(edges, v)
    if i == len(edges) or (i > 0 and v - edges[i - 1] < edges[i] - v):
        i -= 1
    return i


def _grid(boxes, page):
    """The table's cells on a grid of its distinct column and row edges; None for a lone box or a
    single column (not a table)."""
    xs = _cluster([x for b in boxes for x in (b[0], b[2])])
    ys = _cluster([y for b in boxes for y in (b[1], b[3])])
    if len(xs) < 3 or len(ys) < 2:
        return None
    cells, owner = [], {}
    for b in sorted(boxes, key=lambda b: (b[1], b[0])):
        c1, c2 = _nearest(xs, b[0]), _nearest(xs, b[2]) - 1
        r1, r2 = _nearest(ys, b[1]), _nearest(ys, b[3]) - 1
        if c2 < c1 or r2 < r1:
            continue
        slots = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        if any(s in owner for s in slots):
            continue
        for s in slots:
            owner[s] = len(cells)
        cells.append(_Cell(r1, c1, r2, c2, b))
    return _Grid(page, xs, ys, cells, owner)


def _decoded(ch):
    """A glyph without a Unicode mapping comes as "(cid:N)": in a simple (symbol) font N is the
    character code, which the parser's symbol-font rules know (Symbol's radical is code 214, "Ö")."""
    text = ch["text"]
    if text.startswith("(cid:"):
        m = _CID.match(text)
        if m and 32 <= int(m.group(1)) <= 255:
            return {**ch, "text": chr(int(m.group(1)))}
    return ch


# fonts printed in place of a symbol font the printing machine lacked (URW's Symbol on Linux)
_STAND_INS = {"standardsymbolsps": "symbol", "standardsyml": "symbol"}


@lru_cache(maxsize=256)
def _font_family(name):
    """'ABCDEF+Wingdings-Regular' -> 'Wingdings', 'Wingdings2' -> 'Wingdings 2': the names the
    symbol-tick rules use; other fonts by their base name."""
    base = re.sub(r"^[A-Z]{6}\+", "", name or "")
    compact = re.sub(r"[^a-z0-9]", "", base.casefold())
    compact = next((v for k, v in _STAND_INS.items() if compact.startswith(k)), compact)
    for family in sorted(SYMBOL_TICKS, key=len, reverse=True):
        if compact.startswith(family.replace(" ", "")):
            return family.title()
    return re.split(r"[-,]", base)[0] or None


def _lost_symbol_fonts(grids):
    """A Wingdings check printed by a machine without Wingdings comes out as its letter ("ü", "þ")
    in whatever font stood in for it: a lone such letter in a font that is not the tables' text font
    is that symbol font's tick (the same letter in the text's own font stays text)."""
    weight = Counter()
    for g in grids:
        for cell in g.cells:
            if cell.font and cell.text is not None:
                weight[cell.font] += len(str(cell.text))
    if not weight:
        return
    body = weight.most_common(1)[0][0]
    for g in grids:
        for cell in g.cells:
            if cell.text in _WINGDINGS_TICKS and cell.font not in (body, None) and cell.font not in _SYMBOL_FAMILIES:
                cell.font = "Wingdings"


_WINGDINGS_TICKS = SYMBOL_TICKS["wingdings"]
_SYMBOL_FAMILIES = {f.title() for f in SYMBOL_TICKS}


def _lines(chars):
    """Text lines of ``chars`` top to bottom: (text, x0, x1, width of its first word, width of its
    first character) each."""
    if not chars:
        return []
    from pdfplumber.utils import extract_words

    words = sorted(extract_words(chars, return_chars=True, **_WORDS), key=lambda w: (round(w["top"]), w["x0"]))
    rows = []
    for w in words:
        if rows and abs(w["top"] - rows[-1][0]) <= max(2.0, 0.4 * (w["bottom"] - w["top"])):
            rows[-1][1].append(w)
        else:
            rows.append((w["top"], [w]))
    out = []
    for _, ws in rows:
        ws.sort(key=lambda w: w["x0"])
        letter = ws[0]["chars"][0]
        out.append((" ".join(w["text"] for w in ws), ws[0]["x0"], ws[-1]["x1"], ws[0]["x1"] - ws[0]["x0"],
                    letter["x1"] - letter["x0"]))
    return out


def _finish_cell(cell):
    """Text, font and fullness of a cell from its characters.  A line break is kept where the next
    line begins a list item or its first word would have fitted on the line above (a paragraph
    ended there); elsewhere the line was wrapped by the page and the words are joined, without a
    space where a word too long for the cell was broken inside (it fills its line alone: a narrow
    column's "Menyempur" / "nakan", "J" / "a" / "n", "1" / "0"; see ``_broken_word``)."""
    chars = cell.chars
    if not chars:
        return
    lines = _lines(chars)
    if not lines:
        return
    right = max(line[2] for line in lines)
    space = max(1.0, 0.25 * max(ch["size"] for ch in chars))
    limit = cell.bbox[2] - max(0.0, min(line[1] for line in lines) - cell.bbox[0])  # the text's right margin
    text = lines[0][0]
    for (prev, _, prev_x1, _, _), (line, _, _, width, letter) in zip(lines, lines[1:]):
        if _ITEM.match(line) or prev_x1 + space + width < right - space:
            text += "\n" + line
        elif prev.endswith("/") or (prev.endswith("-") and prev[-2:-1].isalpha()) or (
                prev_x1 + letter > limit and _broken_word(prev, line)):
            text += line  # "perundang-" / "undangan", "Organisasi/" / "Kelembagaan": broken after the sign
        else:
            text += " " + line
    text = text.strip()
    # a cell holding a whole number is a number, as a spreadsheet gives it (column numbers, months, NO)
    cell.text = int(text) if _INTEGER.match(text) else text or None
    fonts = Counter(_font_family(ch.get("fontname")) for ch in chars if not ch["text"].isspace())
    cell.font = fonts.most_common(1)[0][0] if fonts else None
    cell.last = max(ch["bottom"] for ch in chars)
    cell.height = max(ch["bottom"] - ch["top"] for ch in chars if ch["bottom"] >= cell.last - 1)
    cell.tail, cell.lead = (lines[-1][0], lines[-1][2], limit), (lines[0][0], lines[0][4])


# words that stand alone: a line that begins with one was wrapped before it, never broken inside a word
_SHORT_WORDS = frozenset("dan di ke yang atau serta untuk dari pada dengan dalam oleh bagi terhadap tentang "
                         "sesuai secara melalui antara setiap".split())


def _broken_word(prev, line):
    """Whether a line that filled the cell to its edge alone (``prev``, one word) and the next line
    are one word broken by the cell's width rather than two words: not when the next line begins
    a word that stands alone ("dan", "di", "yang" …) or a capital after small letters ("Pembangunan"
    / "Zona")."""
    word = line.split()[0]
    if " " in prev or not prev[-1:].isalnum() or word.casefold().strip(".,;:") in _SHORT_WORDS:
        return False
    return not (prev[-1].islower() and word[0].isupper())


def _slot_fills(grid, rects):
    """{(r, c): "RRGGBB"} of the slots filled rectangles cover: the colour seen (the last drawn at
    the slot's centre), when rectangles of that colour cover at least _COVER of the slot together
    (stacked pieces count once)."""
    pieces = {}
    xs, ys = grid.xs, grid.ys
    for x0, top, x1, bottom, rgb in rects:  # in drawing order
        c_lo, c_hi = max(0, bisect.bisect_right(xs, x0 + _TOL) - 1), bisect.bisect_left(xs, x1 - _TOL)
        r_lo, r_hi = max(0, bisect.bisect_right(ys, top + _TOL) - 1), bisect.bisect_left(ys, bottom - _TOL)
        for r in range(r_lo, min(r_hi, len(ys) - 1)):
            for c in range(c_lo, min(c_hi, len(xs) - 1)):
                box = (max(x0, xs[c]), max(top, ys[r]), min(x1, xs[c + 1]), min(bottom, ys[r + 1]))
                if box[2] > box[0] and box[3] > box[1]:
                    pieces.setdefault((r, c), []).append((box, rgb))
    out = {}
    for (r, c), found in pieces.items():
        cx, cy = (xs[c] + xs[c + 1]) / 2, (ys[r] + ys[r + 1]) / 2
        seen = [rgb for (a, b, x, y), rgb in found if a <= cx <= x and b <= cy <= y]
        rgb = seen[-1] if seen else found[-1][1]
        area = (xs[c + 1] - xs[c]) * (ys[r + 1] - ys[r])
        if area > 0 and _union_area([box for box, colour in found if colour == rgb]) >= _COVER * area:
            out[(r, c)] = rgb
    return out


def _union_area(boxes):
    """Area of the union of a few rectangles (coordinate compression)."""
    if len(boxes) == 1:
        a, b, x, y = boxes[0]
        return (x - a) * (y - b)
    xs = sorted({v for b in boxes for v in (b[0], b[2])})
    ys = sorted({v for b in boxes for v in (b[1], b[3])})
    total = 0.0
    for i in range(len(xs) - 1):
        for j in range(len(ys) - 1):
            cx, cy = (xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2
            if any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes):
                total += (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j])
    return total


# ------------------------------------------------------------------------- a table over many pages

_MARKER = re.compile(r"(?:^|(?<=\s))\(?(\d{1,2}|[a-zA-Z])[.)](?=\s)")


def _item_no(text):
    """The number of the list item ``text`` begins with ("3)" -> 3, "c." -> 3), else None."""
    m = _MARKER.match(text.lstrip())
    if not m:
        return None
    v = m.group(1)
    return int(v) if v.isdigit() else ord(v.lower()) - ord("a") + 1


def _items(text):
    """(offset, number) of every list item marker in ``text``."""
    out = []
    for m in _MARKER.finditer(text):
        v = m.group(1)
        out.append((m.start(), int(v) if v.isdigit() else ord(v.lower()) - ord("a") + 1))
    return out


def _lists_lines(text):
    """Whether a cell is a numbered list from its first line: 1), 2), … (or a., b., …), each item at
    the start of a line and no other item marker in it."""
    items = _items(text)
    return (len(items) >= 2 and [n for _, n in items] == list(range(1, len(items) + 1))
            and all(at == 0 or text[at - 1] == "\n" for at, _ in items))


def _joined(text, more, tail=(), lead=()):
    """The rest of a cell continued on the next page, joined as a wrapped line would be: without a
    space when the page broke a word the cell's width had broken ("Organis" / "asi"; ``tail`` and
    ``lead`` of the two parts' cells, see _Cell)."""
    if text is None:
        return more
    text, more = str(text), str(more)
    if _ITEM.match(more):
        return f"{text}\n{more}"
    if tail and lead and tail[1] + lead[1] > tail[2] and _broken_word(tail[0], lead[0]):
        return text + more
    return f"{text} {more}"


@dataclass
class _Last:
    """What the last row of the sheet so far shows in one column: the cell covering it (its sheet
    position, its text, whether the text runs down to the row's lowest line) and whether the cell
    begins on that row."""
    pos: tuple
    text: str | None
    full: bool
    own: bool
    tail: tuple = ()


def _same_row(row, head):
    """Whether a page's row repeats a header row: the same texts, each perhaps cut short (a
    repeated header row keeps the first page's height and clips what no longer fits: "KETERA"),
    and the row under it perhaps showing a letter of that clipped text ("N18" under "KETERA")."""
    return len(row) == len(head) and all(
        a == b or (a and b and (len(a) >= 2 and b.startswith(a) or a.endswith(b)))
        for a, b in zip(row, head))


def _mark_like(text):
    """A cell's text that is a mark or a number ("√", "v", "12"), never cut by a page: not a
    numbering that waits for its text ("3." of "3. Penataan …")."""
    t = str(text).strip()
    return len(t) <= 2 and t[-1:] not in ".)"


def _same_columns(a, b):
    return len(a.xs) == len(b.xs) and all(abs(x - y) <= 2 * _TOL for x, y in zip(a.xs, b.xs))


class _SheetBuilder:
    """One table's pages gathered into one Sheet."""

    def __init__(self, name, pages):
        self.name = name
        self.rows, self.origins, self.merges = [], [], []
        self.fills, self.fonts = {}, {}
        self.head = []    # the first page's leading rows as text: a page repeating them repeats the header
        self.last = {}    # column -> _Last for the last row so far
        self.last_row = None
        # columns whose cells hold numbered lists ("1) …" / "2) …"): there "2)" under "1)" goes on
        self.listing = {cell.c1 for g in pages for cell in g.cells if _lists_lines(str(cell.text))}
        # columns that number their entries ("1.1. …", "a. …"; the header repeated on every page counts
        # once, a cell's rest in small letters at a page's top not at all): there a text without a
        # number at the top of a page is the rest of the cell above
        texts = {}
        for g in pages:
            for cell in g.cells:
                if isinstance(cell.text, str) and len(cell.text) > 3 and (
                        not cell.text[:1].islower() or _ITEM.match(cell.text)):
                    texts.setdefault(cell.c1, set()).add(cell.text)
        self.numbered = {c for c, seen in texts.items()
                         if len(seen) >= 4 and sum(bool(_ITEM.match(t)) for t in seen) >= 0.75 * len(seen)}
        for g in pages:
            self.add(g)

    def add(self, g):
        width = len(g.xs) - 1
        texts = [[None] * width for _ in range(g.nrows)]
        for cell in g.cells:
            texts[cell.r1][cell.c1] = cell.text
        keys = [tuple(" ".join(str(t).split()) if t is not None else "" for t in row) for row in texts]
        if not self.head:
            self.head, self.head_texts = keys[:8], texts[:8]
        skip, start, carried, copy = None, None, set(), 0
        if self.rows:
            start, copy = self._repeated_header(keys)
            for r in range(start):  # a repeated header row reads as the first page's, whatever it clipped
                for cell in g.cells:
                    if cell.r1 == r:
                        cell.text = self.head_texts[copy + r][cell.c1]
            if start < g.nrows:
                cut, carried = self._continues(g, start)
                skip = start if cut else None
        where = {}   # grid row -> sheet row
        for r in range(g.nrows):
            if r == skip:
                where[r] = self.last_row
                continue
            where[r] = len(self.rows)
            self.rows.append([None] * width)
            self.origins.append((f"hal. {g.page}", r + 1))
        pos = {}
        for i, cell in enumerate(g.cells):
            if cell.r1 == skip or (cell.r1 == start and cell.c1 in carried):
                # the rest of a cut row, or of a cell merged down to the page's end: its text goes on
                # in the cell it continues
                above = self.last.get(cell.c1)
                pos[i] = above.pos if above else (self.last_row, cell.c1)
                row, col = pos[i]
                if cell.text is not None:
                    self.rows[row][col] = _joined(self.rows[row][col], cell.text, above.tail if above else (),
                                                  cell.lead)
            else:
                pos[i] = (where[cell.r1], cell.c1)
                self.rows[pos[i][0]][cell.c1] = cell.text
                if cell.font:
                    self.fonts[pos[i]] = cell.font
                if cell.r2 > cell.r1 or cell.c2 > cell.c1:
                    self.merges.append((pos[i], (where[cell.r2], cell.c2)))
        for (r, c), rgb in g.fills.items():
            self.fills.setdefault((where[r], c), rgb)
        last = g.nrows - 1
        self.last_row = where[last]
        self.last = {}
        # A cell cut by the page break runs to the row's lowest line of text (whether the row ends
        # right under it or is drawn down to the page's margin); a cell that ended sooner is whole.
        ending = [g.cells[i] for i in {g.owner.get((last, c)) for c in range(width)} - {None}]
        lowest = max((cell.last for cell in ending if cell.text is not None), default=0.0)
        for c in range(width):
            i = g.owner.get((last, c))
            if i is not None:
                cell = g.cells[i]
                full = cell.text is not None and cell.last >= lowest - 0.5 * cell.height
                self.last[c] = _Last(pos[i], self.rows[pos[i][0]][pos[i][1]], full, cell.r1 == last, cell.tail)

    def _repeated_header(self, keys):
        """(how many leading rows of a new page repeat rows of the table's first page (its header),
        the first of those rows on the first page)."""
        best = (0, 0)
        for j in range(len(self.head)):
            k = 0
            while k < len(keys) and j + k < len(self.head) and _same_row(keys[k], self.head[j + k]) and any(keys[k]):
                k += 1
            best = max(best, (k, j), key=lambda b: b[0])
        return best

    def _continues(self, g, r):
        """(whether row ``r`` of page grid ``g``, the first under the repeated header, is the rest of
        the sheet's last row, cut by the page break; the columns where its text is the rest of a cell
        above: a cell merged down from rows above whose text ran to the page's end, or, in a column
        that numbers its entries, any text without a number).  Such a rest says nothing about the row:
        the other cells decide.  Their text can only
        continue cells whose text runs down to the row's lowest line, never a mark or a number.
        Then the first such text decides: a list item ("d.") begins a new row, unless it goes on
        with a numbered list in that cell ("1) … 2) …" above, "3) …" here; "2)" under a lone "1)"
        where the column's cells hold such lists).  Other text goes on with the row above, except
        when it writes in every column that row could go on in, more than one (a one-line row fills
        all its cells): then only text in lower case, under a cell that is a list item ("c. …") or
        after a word that never ends a text ("dan"), goes on.  A row shaded in other cells than the row above is a row of its own: a cut cell's
        background goes on with it."""
        wrote = {c.c1: c for c in g.cells if c.r1 == r and c.text is not None}
        carried = {c for c, cell in wrote.items() if (last := self.last.get(c)) is not None
                   and not _mark_like(last.text) and not _mark_like(cell.text) and (c in self.numbered and not _ITEM.match(str(cell.text))
                                                      or not last.own and last.full and (
                                                          not _ITEM.match(str(cell.text))
                                                          or self._next_item(str(last.text), str(cell.text), c)))}
        shaded = {c: rgb for (rr, c), rgb in g.fills.items() if rr == r}
        if shaded != {c: rgb for (rr, c), rgb in self.fills.items() if rr == self.last_row}:
            return False, carried
        own = {c: cell for c, cell in wrote.items() if c not in carried}
        for c in own:
            last = self.last.get(c)
            if last is None or not last.full or _mark_like(last.text):
                return False, carried  # not a cell cut off: it ended sooner, or it holds a mark (√, v, 1)
        if not own:
            return True, carried
        c = min(own)
        text, above = str(own[c].text), str(self.last[c].text)
        if _ITEM.match(text):
            return self._next_item(above, text, c), carried
        cut = {c for c, last in self.last.items() if last.own and last.full}
        if len(own) > 1 and set(own) >= cut:  # it writes in every column the row above could go on in
            return (text.lstrip()[:1].islower() or bool(_ITEM.match(above))
                    or above.split()[-1].casefold() in _SHORT_WORDS), carried  # "Kasubag Hukum dan" / "SDM"
        return True, carried

    def _next_item(self, above, text, c):
        """Whether ``text``, a list item at the top of a page, goes on with a list in the cell above
        rather than beginning a new row.  It must be that list's next item (or its first, under a
        lead-in ending in ":"); and when the cell above is a single item from its start ("c. …",
        "d. …" here) the column numbers its rows, unless that item is a first ("1)", "a.") and the
        column's cells hold numbered lists: a cell's list never begins at "b."."""
        items = _items(above)
        if above.rstrip().endswith(":"):  # "Terselenggaranya:" announces a list the cell has not begun
            return _item_no(text) == 1
        if not items:
            return False
        if items[-1][1] + 1 != _item_no(text):
            return False
        if len(items) >= 2 or above[:items[0][0]].strip():
            return True
        return items[0][1] == 1 and c in self.listing

    def sheet(self):
        return Sheet(self.name, self.rows, self.merges, origins=self.origins)


class PdfStyles:
    """Fills and fonts of the PDF's cells, per sheet {(row, col): value}, 0-based like the rows."""

    def __init__(self, fills, fonts):
        self._fills, self._fonts = fills, fonts

    @staticmethod
    def _pick(table, first_row, last_row, cols):
        out = {}
        cols = set(cols)
        for (r, c), v in table.items():
            if first_row <= r <= last_row and c in cols:
                out.setdefault(r, {})[c] = v
        return out

    def fills_for(self, sheet, first_row, last_row, cols):
        return self._pick(self._fills.get(sheet, {}), first_row, last_row, cols)

    def fonts_for(self, sheet, first_row, last_row, cols):
        return self._pick(self._fonts.get(sheet, {}), first_row, last_row, cols)

    def close(self):
        pass
