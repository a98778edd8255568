"""Cell fills and fonts read straight from the package XML (theme + tint and indexed colours resolved):
a schedule drawn in colour, and ticks typed in a symbol font (Wingdings "ü" is a check mark)."""

import colorsys
import io
import re
import zipfile
from functools import lru_cache
from xml.parsers import expat

from rbdash.errors import UnreadableFile
from rbdash.excel.container import DAMAGED, detail_of

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
       "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


@lru_cache(maxsize=16)
def _theme_colors(theme_xml):
    """Theme colour list in Excel's index order (lt1, dk1, lt2, dk2, accent1..6, hlink, folHlink).
    Kept per theme part: most workbooks carry Office's default theme, byte for byte."""
    if not theme_xml:
        return ()
    from defusedxml import ElementTree as ET
    scheme = ET.fromstring(theme_xml).find(".//a:clrScheme", _NS)
    if scheme is None:
        return ()
    by_name = {}
    for child in scheme:
        if len(child):
            el = child[0]
            by_name[child.tag.split("}")[-1]] = (el.get("lastClr") or el.get("val") or "")[-6:]
    order = ["lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5",
             "accent6", "hlink", "folHlink"]
    return tuple(by_name.get(k) for k in order)


def _tint(rgb, tint):
    """Excel's tint: lighten (tint > 0) or darken (tint < 0) the luminance in HLS space."""
    if not tint:
        return rgb
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, l, s = colorsys.rgb_to_hls(r, g, b)
    l = l * (1 + tint) if tint < 0 else l * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, max(0, min(1, l)), s)
    return "".join(f"{round(x * 255):02X}" for x in (r, g, b))


@lru_cache(maxsize=1024)  # asked for every grid cell of a schedule drawn in colour; a sheet has few colours
def is_white(rgb):
    return rgb is None or all(int(rgb[i:i + 2], 16) >= 0xF8 for i in (0, 2, 4))


def _int(text):
    try:
        return max(0, int(text or 0))
    except ValueError:
        return 0


def _col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class PackageStyles:
    """Cell fill colours read straight from the package XML, only for sheets that draw their
    schedule in colour.  (openpyxl would take ~150 ms per workbook plus ~0.5 s to import; this
    reads styles.xml, the theme and one sheet in a few ms.)  Theme colours + tint and indexed
    colours are resolved to RRGGBB; "no fill" is None."""

    def __init__(self, data):
        self.data = data
        self.zf = None
        self._sheet_cells = {}  # worksheet part -> its cells' (row, col, style), read once

    def _load(self):
        from defusedxml import ElementTree as ET
        self.ET = ET
        self.zf = zipfile.ZipFile(io.BytesIO(self.data))
        names = set(self.zf.namelist())
        theme = next((n for n in sorted(names) if n.startswith("xl/theme/")), None)
        self.theme = _theme_colors(self.zf.read(theme)) if theme else []
        self.indexed = _default_indexed()
        self.xf_fill, self.xf_font, self.xf_indent = [], [], []
        self.fills, self.font_names = [], []
        if "xl/styles.xml" in names:
            root = ET.fromstring(self.zf.read("xl/styles.xml"))
            custom = root.findall("m:colors/m:indexedColors/m:rgbColor", _NS)
            if custom:
                self.indexed = [c.get("rgb", "")[-6:] for c in custom]
            for fill in root.findall("m:fills/m:fill", _NS):
                self.fills.append(self._fill_rgb(fill.find("m:patternFill", _NS)))
            for font in root.findall("m:fonts/m:font", _NS):
                name = font.find("m:name", _NS)
                self.font_names.append(name.get("val") if name is not None else None)
            for xf in root.findall("m:cellXfs/m:xf", _NS):
                self.xf_fill.append(int(xf.get("fillId", 0)))
                self.xf_font.append(int(xf.get("fontId", 0)))
                align = xf.find("m:alignment", _NS)
                self.xf_indent.append(_int(align.get("indent")) if align is not None else 0)
        wb = ET.fromstring(self.zf.read("xl/workbook.xml"))
        rels = ET.fromstring(self.zf.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
        self.sheet_paths = {}
        for sh in wb.findall("m:sheets/m:sheet", _NS):
            target = targets.get(sh.get(f"{{{_NS['r']}}}id"), "")
            target = target.lstrip("/")
            self.sheet_paths[sh.get("name")] = target if target.startswith("xl/") else f"xl/{target}"

    def _color(self, el):
        if el is None:
            return None
        rgb = None
        if el.get("rgb"):
            rgb = el.get("rgb")[-6:]
        elif el.get("theme") is not None:
            i = int(el.get("theme"))
            rgb = self.theme[i] if i < len(self.theme) else None
        elif el.get("indexed") is not None:
            i = int(el.get("indexed"))
            rgb = self.indexed[i] if i < len(self.indexed) else None
        if not rgb:
            return None
        return _tint(rgb.upper(), float(el.get("tint", 0) or 0))

    def _fill_rgb(self, pattern):
        if pattern is None or pattern.get("patternType") in (None, "none"):
            return None
        return self._color(pattern.find("m:fgColor", _NS)) or self._color(pattern.find("m:bgColor", _NS))

    def fills_for(self, sheet, first_row, last_row, cols):
        """{row: {col: RRGGBB or None}} for 0-based rows first..last and the given 0-based columns."""
        return self._read(sheet, first_row, last_row, cols, self._fill_of)

    def fonts_for(self, sheet, first_row, last_row, cols):
        """{row: {col: font name or None}} for 0-based rows first..last and the given 0-based columns."""
        return self._read(sheet, first_row, last_row, cols, self._font_of)

    def indents_for(self, sheet, first_row, last_row, cols):
        """{row: {col: indent level}} for 0-based rows first..last and the given 0-based columns."""
        return self._read(sheet, first_row, last_row, cols, self._indent_of)

    def _indent_of(self, xf):
        return self.xf_indent[xf] if xf < len(self.xf_indent) else 0

    def _fill_of(self, xf):
        return self.fills[self.xf_fill[xf]] if xf < len(self.xf_fill) and self.xf_fill[xf] < len(self.fills) \
            else None

    def _font_of(self, xf):
        return self.font_names[self.xf_font[xf]] if xf < len(self.xf_font) and \
            self.xf_font[xf] < len(self.font_names) else None

    def _read(self, sheet, first_row, last_row, cols, pick):
        try:
            if self.zf is None:
                self._load()
            return self._cells(sheet, first_row, last_row, cols, pick)
        except (*DAMAGED, expat.ExpatError) as exc:  # calamine read the values, but the styles or sheet XML are broken
            raise UnreadableFile("truncated", detail=detail_of(exc)) from None

    def _cells(self, sheet, first_row, last_row, cols, pick):
        path = self.sheet_paths.get(sheet)
        out = {}
        if not path:
            return out
        picked = {}  # style as written -> what it gives: a sheet uses a few styles for thousands of cells
        for r, c, style in self._cell_styles(path):
            if first_row <= r <= last_row and c in cols:
                value = picked.get(style, picked)
                if value is picked:
                    value = picked[style] = pick(int(style))
                out.setdefault(r, {})[c] = value
        return out

    def _cell_styles(self, path):
        """[(row, col, style index as written)] of a worksheet's cells (0-based, in document order),
        read once per sheet by expat with a handler for the cells alone (a tree of every element,
        as ElementTree builds, costs twice as much); entity declarations refused as defusedxml does."""
        found = self._sheet_cells.get(path)
        if found is not None:
            return found
        found, columns = [], {}

        def start(name, attrs):
            if name.endswith("}c"):
                m = _CELL_REF.match(attrs.get("r", ""))
                if m:
                    letters = m.group(1)
                    c = columns.get(letters)
                    if c is None:
                        c = columns[letters] = _col_index(letters)
                    found.append((int(m.group(2)) - 1, c, attrs.get("s", 0)))

        parser = expat.ParserCreate(namespace_separator="}")
        parser.StartElementHandler = start
        parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = _no_entities
        parser.ExternalEntityRefHandler = _no_entities
        with self.zf.open(path) as fh:
            parser.ParseFile(fh)
        self._sheet_cells[path] = found
        return found

    def close(self):
        if self.zf is not None:
            self.zf.close()


def _no_entities(*_):
    raise ValueError("entity declarations are not read")


# Excel's default 64-colour palette for indexed colours (styles.xml may override it).
_INDEXED = ("000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF "
            "FFFF00 FF00FF 00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 "
            "FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 "
            "0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 "
            "FF9900 FF6600 666699 969696 003366 339966 003300 333300 993300 993366 333399 333333").split()


def _default_indexed():
    return list(_INDEXED)
