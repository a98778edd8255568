"""Parse hand-made RB action-plan workbooks into activities with provenance.

Values are read with python-calamine (an order of magnitude faster than openpyxl); fill colours are
read from the package XML only for sheets whose schedule is drawn in colour with no text marks.

The parser looks for the plan table anywhere on each visible sheet: a header row naming the
hierarchy columns, a month row (1-12, Jan..Des, dates) or Mulai/Selesai columns, optional T/R
sub-columns (monev).  Below it every row with a schedule is an activity; rows without one are
area sections, kegiatan headings, or detail lines that belong to the activity above.
"""

import colorsys
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from xml.etree.ElementTree import ParseError as ET_ParseError
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rbdash import areas
from rbdash.errors import NoPlanFound, UnreadableFile
from rbdash.model import Activity, Issue, Plan, make_issue  # noqa: F401 - re-exported

MAX_FILE_MB = 25
MAX_UNPACKED_MB = 400

MONTHS = {
    "jan": 1, "januari": 1, "january": 1, "feb": 2, "februari": 2, "pebruari": 2, "peb": 2, "february": 2,
    "mar": 3, "maret": 3, "march": 3, "apr": 4, "april": 4, "mei": 5, "may": 5, "jun": 6, "juni": 6,
    "june": 6, "jul": 7, "juli": 7, "july": 7, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "agustus": 8,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "oct": 10,
    "october": 10, "nov": 11, "nop": 11, "november": 11, "nopember": 11, "des": 12, "desember": 12,
    "dec": 12, "december": 12,
}
# A cell in the month grid counts as scheduled when it holds one of these (or a positive number).
MARKS = {"√", "✓", "✔", "☑", "✅", "v", "x", "✗", "✘", "×", "*", "•", "●", "■", "▪", "o", "y", "ya",
         "ok", "+", "#", "yes", "1"}
PLAN_WORDS = {"t", "target", "rencana", "renc", "rcn", "p", "plan", "jadwal"}
REAL_WORDS = {"r", "realisasi", "real", "rea", "realisasi kegiatan", "capaian"}
RECAP_SHEET = re.compile(r"rekap|ringkas|summary|resume|grafik|chart|dashboard|petunjuk|instruksi|"
                         r"panduan|cara\s+pengisian|referensi|daftar\s+isian", re.I)
LEGEND = re.compile(r"^\s*(keterangan|ket|legenda?|catatan|note)\s*[:.\-]|\s=\s|^=", re.I)
SIGNATURE = re.compile(r"^\s*(ditetapkan|mengetahui|menyetujui|ttd\.?\s*$|nip[\s.:]|dibuat\s+oleh|"
                       r"disusun\s+oleh|plh\.?\s|plt\.?\s|a\.?\s?n\.?\s|salinan\s+sesuai|"
                       r"[A-Z][\w .]+,\s*\d{1,2}\s+\w+\s+20\d\d)", re.I)
ROLE_RULES = [
    ("no", re.compile(r"^(no|no\.|nomor|nmr|#)$")),
    ("ket", re.compile(r"^ket\b|keterangan|catatan")),
    ("start", re.compile(r"^(bulan\s+|waktu\s+)?(mulai|awal|start)\b")),
    ("end", re.compile(r"^(bulan\s+|waktu\s+)?(selesai|akhir|berakhir|end|finish)\b")),
    ("pic", re.compile(r"penanggung|^pic\b|^pj\b|pelaksana$|^unit|koordinator|^bagian")),
    ("capaian", re.compile(r"capaian|progres|persentase|^%")),
    ("evidence", re.compile(r"bukti|link|tautan|evidence|data\s+dukung|dokumen\s+pendukung")),
    ("kind", re.compile(r"^(jenis|t\s*/\s*r|rencana\s*/\s*realisasi|status|uraian)$")),
    ("sub_kegiatan", re.compile(r"sub\s*-?\s*kegiatan|rencana\s+aksi|^aksi\b|uraian\s+kegiatan|tahapan|langkah")),
    ("indikator", re.compile(r"indikator|output|keluaran|ukuran\s+keberhasilan")),
    ("area", re.compile(r"^area|area\s+perubahan|^program")),
    ("kegiatan", re.compile(r"kegiatan")),
]
TEXT_ROLES = ("area", "kegiatan", "sub_kegiatan", "indikator")
_SATKER = re.compile(
    r"\b(?:KPU|KOMISI\s+PEMILIHAN\s+UMUM)\s+(?:(?P<ri>RI|REPUBLIK\s+INDONESIA)\b|"
    r"(?P<level>PROVINSI|PROV\.?|KABUPATEN|KAB\.?|KOTA)\s+(?P<name>[A-Za-z][A-Za-z'\-]*(?:\s+[A-Za-z][A-Za-z'\-]*){0,3}))",
    re.I)
_NAME_STOP = {"tahun", "th", "ta", "periode", "kondisi", "nomor", "tentang", "di", "pada", "semester",
              "triwulan", "tw", "bulan", "rencana", "reformasi", "laporan", "untuk", "sd", "s"}
_YEAR = re.compile(r"\b(?:TAHUN|TA\.?|TH\.?)\s*(?:ANGGARAN\s*)?(20\d\d)\b", re.I)
_ANY_YEAR = re.compile(r"\b(20[1-4]\d)\b")
_ASOF = re.compile(r"(?:s\.?\s?d\.?|sampai\s+dengan|hingga|per)\s+(?:bulan\s+)?([a-z]+)", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zA-Z][.)]|\(?[a-z0-9]{1,3}\)|[ivx]{1,4}[.)]|[-•])\s+")
_PACKED = re.compile(r"(?:(?<=\s)|^)(\d{1,2})[).]\s+")


# What a damaged package raises from zipfile, zlib or the XML parser.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, ET_ParseError)


# --- container checks --------------------------------------------------------------------------

def check_container(data):
    """Refuse bytes that are not a sane .xlsx before any parser sees them."""
    if not data:
        raise UnreadableFile("empty")
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise UnreadableFile("too_large", size_mb=len(data) / 1048576, limit_mb=MAX_FILE_MB)
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        encrypted = "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data \
            or "EncryptedPackage".encode("utf-16-le") in data
        raise UnreadableFile("encrypted" if encrypted else "legacy_xls")
    for magic, kind in ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP")):
        if head.startswith(magic):
            raise UnreadableFile("picture", kind=kind)
    if head.startswith(b"%PDF"):
        raise UnreadableFile("pdf")
    if not head.startswith(b"PK"):
        raise UnreadableFile("not_excel")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _DAMAGED as exc:
        raise UnreadableFile("truncated", detail=_short(exc)) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise UnreadableFile("plain_zip")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise UnreadableFile("zip_bomb", size_mb=unpacked / 1048576, limit_mb=MAX_UNPACKED_MB)
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            with zf.open(info) as fh:
                head = fh.read(4096)
        except _DAMAGED as exc:
            raise UnreadableFile("truncated", detail=_short(exc)) from None
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise UnreadableFile("xml_entities", part=info.filename)


def _short(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


# --- cell helpers ------------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _fold_str(v):
    return " ".join(re.sub(r"[^\w%/]+", " ", v.casefold()).split())


def _fold(v):
    if isinstance(v, str):
        return _fold_str(v)
    return " ".join(re.sub(r"[^\w%/]+", " ", str(v).casefold()).split())


def _text(v):
    """Cell value as clean display text, or None."""
    if v is None or v == "":
        return None
    if isinstance(v, float):
        v = int(v) if v.is_integer() else v
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()[:10]
    s = str(v).replace("\r", "").replace("\xa0", " ").strip()
    s = "\n".join(" ".join(line.split()) for line in s.split("\n") if line.strip())
    return s or None


def _is_mark(v):
    if v is None or v == "" or isinstance(v, bool) and not v:
        return False
    if isinstance(v, bool):
        return True
    if isinstance(v, (int, float)):
        return v > 0
    s = str(v).strip().casefold()
    if not s:
        return False
    if s in MARKS:
        return True
    try:
        return float(s.replace(",", ".")) > 0
    except ValueError:
        return False


def month_of(v):
    """Month number of a header or start/end cell: 3, '3', 'Mar', 'Maret', a date; else None."""
    if v is None or v == "":
        return None
    if isinstance(v, (dt.datetime, dt.date)):
        return v.month
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return int(v) if float(v).is_integer() and 1 <= v <= 12 else None
    s = _fold(v).replace(".", "")
    if s.isdigit():
        n = int(s)
        return n if 1 <= n <= 12 else None
    m = re.match(r"^(?:bulan\s+)?([a-z]+)(?:\s+\d{2,4})?$", s)
    if m and m.group(1) in MONTHS:
        return MONTHS[m.group(1)]
    return None


def strip_numbering(s):
    if not s:
        return s
    out = _NUMBERING.sub("", s, count=1).strip()
    return out or s


def split_packed(s):
    """'1) a 2) b' -> ['1) a', '2) b'] when the numbers run 1, 2, 3...; preamble kept first."""
    if not s:
        return s
    found = list(_PACKED.finditer(s))
    seq, start = [], 1
    for m in found:
        if int(m.group(1)) == start:
            seq.append(m)
            start += 1
    if len(seq) < 2:
        return s
    parts = []
    pre = s[:seq[0].start()].strip()
    if pre:
        parts.append(pre)
    for i, m in enumerate(seq):
        end = seq[i + 1].start() if i + 1 < len(seq) else len(s)
        parts.append(" ".join(s[m.start():end].split()))
    return parts


# --- header detection ----------------------------------------------------------------------------

def _role_of(text):
    t = _fold(text)
    if not t or len(t.split()) > 6:
        return None
    for role, rx in ROLE_RULES:
        if rx.search(t):
            return role
    return None


def _month_row(row):
    """{col: month} when the row is a month header (1..12 without 13, names or dates)."""
    found = {}
    numbers = []
    for c, v in enumerate(row):
        if v is None or v == "":
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            numbers.append((c, v))
            continue
        if isinstance(v, str) and v.strip().isdigit():
            numbers.append((c, int(v.strip())))
            continue
        m = month_of(v)
        if m and not isinstance(v, (int, float)):
            found.setdefault(m, c)
    if len(found) >= 10:
        return {c: m for m, c in found.items()}
    if numbers and all(float(n).is_integer() and 1 <= n <= 12 for _, n in numbers):
        cols = {}
        expect = 1
        for c, n in numbers:
            if int(n) == expect:
                cols[c] = expect
                expect += 1
        if expect == 13:
            return cols
    return None


def _numbering_row(row):
    vals = [v for v in row if v not in (None, "")]
    if len(vals) < 4:
        return False
    try:
        nums = [int(float(v)) for v in vals]
    except (TypeError, ValueError):
        return False
    return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] in (0, 1)


def _kind_word(v):
    s = _fold(v).replace(".", "") if v not in (None, "") else ""
    if s in PLAN_WORDS:
        return "plan"
    if s in REAL_WORDS:
        return "real"
    return None


@dataclass
class Table:
    header_row: int          # 0-based
    data_start: int          # 0-based first data row
    roles: dict              # role -> col
    grid: dict               # col -> (month, "plan"|"real")
    signature: set           # folded header texts, to spot repeated header blocks


def find_table(rows, start=0, limit=80):
    """Locate the first plan table at or below ``start``; None if the sheet has none."""
    n = len(rows)
    for r in range(start, min(n, start + limit)):
        row = rows[r]
        roles = {}
        for c, v in enumerate(row):
            if isinstance(v, str):
                role = _role_of(v)
                if role and role not in roles:
                    roles[role] = c
        if len(roles) < 2 or not ({"kegiatan", "sub_kegiatan", "indikator"} & roles.keys()):
            continue
        months, mrow = None, None
        for k in range(r, min(n, r + 4)):
            months = _month_row(rows[k])
            if months:
                mrow = k
                break
        if not months and not ({"start", "end"} <= roles.keys()):
            # roles may sit one row lower (multi-row header): retry with the union of two rows
            continue
        last = r if mrow is None else mrow
        grid = {}
        if months:
            tr = rows[mrow + 1] if mrow + 1 < n else []
            kinds = {c: _kind_word(v) for c, v in enumerate(tr) if _kind_word(v)}
            month_cols = sorted(months)
            if kinds and set(kinds.values()) == {"plan", "real"}:
                last = mrow + 1
                width = max(len(tr), max(month_cols) + 2)
                for i, c in enumerate(month_cols):
                    stop = month_cols[i + 1] if i + 1 < len(month_cols) else min(width, c + 2)
                    for cc in range(c, stop):
                        if cc in kinds:
                            grid[cc] = (months[c], kinds[cc])
            else:
                grid = {c: (m, "plan") for c, m in months.items()}
        # roles named in any header-block row (multi-row headers), month columns excluded
        full = {}
        for k in range(r, last + 1):
            for c, v in enumerate(rows[k]):
                if c in grid or not isinstance(v, str):
                    continue
                role = _role_of(v)
                if role and role not in full and c not in full.values():
                    full[role] = c
        for role, c in roles.items():
            if c not in grid:
                full.setdefault(role, c)
        if "program" in _fold(rows[r][full["area"]] if "area" in full else "") and "kegiatan" not in full:
            full["kegiatan"] = full.pop("area")
        data_start = last + 1
        while data_start < n and _numbering_row(rows[data_start]):
            data_start += 1
        signature = {_fold(rows[k][c]) for k in range(r, last + 1) for c in full.values()
                     if c < len(rows[k]) and isinstance(rows[k][c], str) and rows[k][c].strip()}
        return Table(r, data_start, full, grid, signature)
    return None


# --- fills -------------------------------------------------------------------------------------

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
       "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _theme_colors(theme_xml):
    """Theme colour list in Excel's index order (lt1, dk1, lt2, dk2, accent1..6, hlink, folHlink)."""
    if not theme_xml:
        return []
    from defusedxml import ElementTree as ET
    scheme = ET.fromstring(theme_xml).find(".//a:clrScheme", _NS)
    if scheme is None:
        return []
    by_name = {}
    for child in scheme:
        if len(child):
            el = child[0]
            by_name[child.tag.split("}")[-1]] = (el.get("lastClr") or el.get("val") or "")[-6:]
    order = ["lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5",
             "accent6", "hlink", "folHlink"]
    return [by_name.get(k) for k in order]


def _tint(rgb, tint):
    """Excel's tint: lighten (tint > 0) or darken (tint < 0) the luminance in HLS space."""
    if not tint:
        return rgb
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    h, l, s = colorsys.rgb_to_hls(r, g, b)
    l = l * (1 + tint) if tint < 0 else l * (1 - tint) + tint
    r, g, b = colorsys.hls_to_rgb(h, max(0, min(1, l)), s)
    return "".join(f"{round(x * 255):02X}" for x in (r, g, b))


def _is_white(rgb):
    return rgb is None or all(int(rgb[i:i + 2], 16) >= 0xF8 for i in (0, 2, 4))


def _col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


class _Styles:
    """Cell fill colours read straight from the package XML, only for sheets that draw their
    schedule in colour.  (openpyxl would take ~150 ms per workbook plus ~0.5 s to import; this
    reads styles.xml, the theme and one sheet in a few ms.)  Theme colours + tint and indexed
    colours are resolved to RRGGBB; "no fill" is None."""

    def __init__(self, data):
        self.data = data
        self.zf = None

    def _load(self):
        from defusedxml import ElementTree as ET
        self.ET = ET
        self.zf = zipfile.ZipFile(io.BytesIO(self.data))
        names = set(self.zf.namelist())
        theme = next((n for n in sorted(names) if n.startswith("xl/theme/")), None)
        self.theme = _theme_colors(self.zf.read(theme)) if theme else []
        self.indexed = _default_indexed()
        self.xf_fill = []
        self.fills = []
        if "xl/styles.xml" in names:
            root = ET.fromstring(self.zf.read("xl/styles.xml"))
            custom = root.findall("m:colors/m:indexedColors/m:rgbColor", _NS)
            if custom:
                self.indexed = [c.get("rgb", "")[-6:] for c in custom]
            for fill in root.findall("m:fills/m:fill", _NS):
                self.fills.append(self._fill_rgb(fill.find("m:patternFill", _NS)))
            for xf in root.findall("m:cellXfs/m:xf", _NS):
                self.xf_fill.append(int(xf.get("fillId", 0)))
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
        try:
            return self._fills_for(sheet, first_row, last_row, cols)
        except _DAMAGED as exc:  # calamine read the values, but the styles or the sheet XML are broken
            raise UnreadableFile("truncated", detail=_short(exc)) from None

    def _fills_for(self, sheet, first_row, last_row, cols):
        if self.zf is None:
            self._load()
        path = self.sheet_paths.get(sheet)
        out = {}
        if not path:
            return out
        with self.zf.open(path) as fh:
            for _, el in self.ET.iterparse(fh):
                if not el.tag.endswith("}c"):
                    if el.tag.endswith("}row"):
                        el.clear()
                    continue
                m = _CELL_REF.match(el.get("r", ""))
                if not m:
                    continue
                r, c = int(m.group(2)) - 1, _col_index(m.group(1))
                if first_row <= r <= last_row and c in cols:
                    xf = int(el.get("s", 0))
                    fill = self.fills[self.xf_fill[xf]] if xf < len(self.xf_fill) else None
                    out.setdefault(r, {})[c] = fill
        return out

    def close(self):
        if self.zf is not None:
            self.zf.close()


# Excel's default 64-colour palette for indexed colours (styles.xml may override it).
_INDEXED = ("000000 FFFFFF FF0000 00FF00 0000FF FFFF00 FF00FF 00FFFF 000000 FFFFFF FF0000 00FF00 0000FF "
            "FFFF00 FF00FF 00FFFF 800000 008000 000080 808000 800080 008080 C0C0C0 808080 9999FF 993366 "
            "FFFFCC CCFFFF 660066 FF8080 0066CC CCCCFF 000080 FF00FF FFFF00 00FFFF 800080 800000 008080 "
            "0000FF 00CCFF CCFFFF CCFFCC FFFF99 99CCFF FF99CC CC99FF FFCC99 3366FF 33CCCC 99CC00 FFCC00 "
            "FF9900 FF6600 666699 969696 003366 339966 003300 333300 993300 993366 333399 333333").split()


def _default_indexed():
    return list(_INDEXED)


# --- sheet parsing -------------------------------------------------------------------------------

class _SheetParser:
    def __init__(self, name, rows, table, styles, issues, sheet_area):
        self.name, self.rows, self.t, self.styles, self.issues = name, rows, table, styles, issues
        self.sheet_area = sheet_area
        self.kind_col = self._find_kind_col()
        self.has_real = self.kind_col is not None or any(k == "real" for _, k in table.grid.values())

    def _find_kind_col(self):
        if "kind" in self.t.roles:
            return self.t.roles["kind"]
        counts = {}
        for row in self.rows[self.t.data_start:self.t.data_start + 400]:
            for c, v in enumerate(row):
                if c in self.t.grid or not isinstance(v, str):
                    continue
                k = _kind_word(v)
                if k and len(v.strip()) > 1:
                    counts.setdefault(c, set()).add(k)
        for c, kinds in counts.items():
            if kinds == {"plan", "real"}:
                return c
        return None

    def cell(self, row, role):
        c = self.t.roles.get(role)
        if c is None or c >= len(row):
            return None
        return row[c]

    def value_marks(self, row):
        planned, realized = set(), set()
        n = len(row)
        for c, (m, kind) in self.t.grid.items():
            if c < n and row[c] is not None and _is_mark(row[c]):
                (planned if kind == "plan" else realized).add(m)
        return planned, realized

    def parse(self):
        t, rows = self.t, self.rows
        last = len(rows)
        for r in range(t.data_start, len(rows)):
            if self._is_signature(rows[r]):
                last = r
                break
        marks = {r: self.value_marks(rows[r]) for r in range(t.data_start, last)}
        uses_dates = "start" in t.roles and "end" in t.roles
        if t.grid and not uses_dates and not any(p or q for p, q in marks.values()) and last > t.data_start:
            marks = self._fill_marks(t.data_start, last - 1)
        return self._walk(range(t.data_start, last), marks, uses_dates)

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
            for c, (m, kind) in self.t.grid.items():
                rgb = row_fills.get(c)
                if rgb and not _is_white(rgb) and rgb not in base_set:
                    (planned if kind == "plan" else realized).add(m)
            out[r] = (planned, realized)
        return out

    def _is_signature(self, row):
        if any(_text(self.cell(row, role)) for role in ("kegiatan", "sub_kegiatan", "indikator")):
            return False
        return any(isinstance(v, str) and SIGNATURE.match(v) for v in row)

    def _is_header_like(self, row):
        """A repeated header block (page-break copy), its month row or its column-number row."""
        texts = [self.cell(row, role) for role in self.t.roles]
        texts = [v for v in texts if isinstance(v, str)]
        if len({_fold(v) for v in texts} & self.t.signature) >= 2:
            return True
        if any(isinstance(self.cell(row, role), str) for role in TEXT_ROLES):
            return False  # a data row: no need for the costlier month/numbering checks
        return _numbering_row(row) or bool(_month_row(row))

    def _is_legend(self, row):
        if _text(self.cell(row, "indikator")):
            return False
        ket = self.t.roles.get("ket")
        return any(isinstance(v, str) and LEGEND.search(v) for c, v in enumerate(row) if c != ket
                   and c not in self.t.grid)

    def _section_area(self, row, ctx_area):
        """Area number when the row is a free-standing area section heading."""
        texts = [(c, _text(v)) for c, v in enumerate(row) if _text(v) and c not in self.t.grid]
        no_col = self.t.roles.get("no")
        body = [s for c, s in texts if c != no_col]
        if len(body) != 1:
            return None
        label = body[0]
        no = _text(row[no_col]) if no_col is not None and no_col < len(row) else None
        if no and re.fullmatch(r"[IVX]{1,4}\.?", no.strip()):
            label = f"{no.strip().rstrip('.')}. {label}"
        a = areas.match_area(label, strict=True)
        if a is None:
            return None
        # An area row announces itself (AREA/roman prefix, capitals) or names another area in pure
        # area words; "Pelaksanaan Manajemen Perubahan" under area 1 is a kegiatan heading.
        explicit = bool(re.match(r"\s*(area\b|[ivx]{1,4}[.)]?\s)", label + " ", re.I)) or label.isupper()
        if explicit or (a != ctx_area and areas.match_area(label, strict=True, exact=True)):
            return a
        return None

    def _walk(self, row_range, marks, uses_dates):
        acts = []
        ctx = {"area": self.sheet_area, "area_src": "sheet" if self.sheet_area else None,
               "kegiatan": None, "sub": None}
        current = None
        for r in row_range:
            row = self.rows[r]
            if not any(v not in (None, "") for v in row):
                continue
            planned, realized = marks.get(r, (set(), set()))
            if self._is_header_like(row) or self._is_legend(row):
                continue
            kind = _kind_word(row[self.kind_col]) if self.kind_col is not None and self.kind_col < len(row) else None
            if kind == "real":
                if current is not None:
                    current.realized_months = sorted(set(current.realized_months) | planned | realized)
                continue
            if uses_dates and not planned:
                planned = self._date_range(row, r)
            txt = {role: _text(self.cell(row, role)) for role in TEXT_ROLES}
            if not (planned or realized):
                a = self._section_area(row, ctx["area"])
                if a:
                    ctx.update(area=a, area_src="section", kegiatan=None, sub=None)
                    current = None
                    continue
            if txt["area"]:
                a = areas.match_area(txt["area"])
                if a and a != ctx["area"]:
                    ctx.update(kegiatan=None, sub=None)
                if a:
                    ctx.update(area=a, area_src="column")
            if not (planned or realized):
                current = self._no_schedule_row(r, txt, row, ctx, current)
                continue
            if not (txt["kegiatan"] or txt["sub_kegiatan"] or txt["indikator"]):
                if current is not None:
                    current.planned_months = sorted(set(current.planned_months) | planned)
                    current.realized_months = sorted(set(current.realized_months) | realized)
                    self.issues.append(make_issue("marks_without_text", self.name, r + 1))
                    continue
            if txt["kegiatan"]:
                ctx.update(kegiatan=strip_numbering(txt["kegiatan"]), sub=None)
            if txt["sub_kegiatan"]:
                ctx["sub"] = strip_numbering(txt["sub_kegiatan"])
            current = Activity(
                sheet=self.name, row=r + 1, area_no=ctx["area"], kegiatan=ctx["kegiatan"],
                sub_kegiatan=ctx["sub"], indikator=split_packed(txt["indikator"]),
                planned_months=sorted(planned), realized_months=sorted(realized),
                keterangan=_text(self.cell(row, "ket")), pic=_text(self.cell(row, "pic")),
                evidence=_text(self.cell(row, "evidence")), capaian=_number(self.cell(row, "capaian")),
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
            self.issues.append(make_issue("orphan_text", self.name, r + 1))
            return None
        if keg or sub:
            if keg:
                ctx.update(kegiatan=strip_numbering(keg), sub=None)
            if sub:
                ctx["sub"] = strip_numbering(sub)
            if ind:
                self.issues.append(make_issue("no_schedule", self.name, r + 1))
            return None
        ket = _text(self.cell(row, "ket"))
        if ket and current is not None:
            current.keterangan = f"{current.keterangan}\n{ket}" if current.keterangan else ket
            return current
        return current

    def _date_range(self, row, r):
        sv, ev = self.cell(row, "start"), self.cell(row, "end")
        s, e = month_of(sv), month_of(ev)
        for v, m in ((sv, s), (ev, e)):
            if v not in (None, "") and m is None:
                self.issues.append(make_issue("bad_month", self.name, r + 1, value=_text(v)))
        if s is None and e is None:
            return set()
        s = s or e
        e = e or s
        if e < s:
            self.issues.append(make_issue("end_before_start", self.name, r + 1))
            s, e = e, s
        return set(range(s, e + 1))


def _number(v):
    if v in (None, ""):
        return None
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).strip().replace("%", "").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


# --- satker / year -------------------------------------------------------------------------------

def _clean_name(name):
    words = []
    for w in name.split():
        if w.casefold().strip(".,") in _NAME_STOP or re.match(r"\d", w):
            break
        words.append(w.strip(".,"))
    if not words:
        return None
    if all(w.isupper() or not w.isalpha() for w in words):
        words = [w if w in ("DKI", "DIY") else w.capitalize() for w in words]
    return " ".join(words)


def find_satker(texts):
    for text in texts:
        for m in _SATKER.finditer(text):
            if m.group("ri"):
                return "KPU RI"
            level = m.group("level").casefold().rstrip(".")
            level = {"prov": "Provinsi", "provinsi": "Provinsi", "kab": "Kabupaten",
                     "kabupaten": "Kabupaten", "kota": "Kota"}[level]
            name = _clean_name(m.group("name"))
            if name:
                return f"KPU {level} {name}"
    return None


def find_year(texts):
    for rx in (_YEAR, _ANY_YEAR):
        for text in texts:
            m = rx.search(text)
            if m:
                return int(m.group(1))
    return None


def find_as_of(texts):
    for text in texts:
        for m in _ASOF.finditer(text):
            mo = MONTHS.get(m.group(1).casefold())
            if mo:
                return mo
    return None


# --- entry point ---------------------------------------------------------------------------------

def workbook_files(paths):
    """Files named, and .xlsx/.xlsm files under folders named (recursively, sorted; Excel's ~$ lock
    files skipped)."""
    for p in map(Path, paths):
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in (".xlsx", ".xlsm")
                              and not q.name.startswith("~$"))
        else:
            yield p


def read_bytes(source):
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if hasattr(source, "read"):
        return source.read()
    return Path(source).read_bytes()


def parse_workbook(source, name=None):
    """Parse a workbook (path, bytes or file object) into a Plan; raise UnreadableFile/NoPlanFound."""
    data = read_bytes(source)
    if name is None:
        name = Path(source).name if isinstance(source, (str, Path)) else "upload.xlsx"
    check_container(data)
    import python_calamine as pc
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        metas = list(wb.sheets_metadata)
    except Exception as exc:  # calamine raises its own error types for every damage kind
        raise UnreadableFile("unreadable", detail=_short(exc)) from None
    issues, activities, titles = [], [], []
    styles = _Styles(data)
    visible, empty_table, has_real = 0, None, False
    try:
        for meta in metas:
            sheet = meta.name
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                continue
            if meta.visible != pc.SheetVisibleEnum.Visible:
                issues.append(make_issue("hidden_sheet", sheet))
                continue
            visible += 1
            try:
                rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception as exc:
                raise UnreadableFile("unreadable", detail=_short(exc)) from None
            rows = [[None if v == "" else v for v in row] for row in rows]
            table = find_table(rows)
            title_texts = _title_texts(rows, table.header_row if table else min(len(rows), 8))
            if table is None:
                if rows and not RECAP_SHEET.search(sheet):
                    issues.append(make_issue("not_a_plan_sheet", sheet))
                continue
            titles.extend(title_texts)
            if RECAP_SHEET.search(sheet):
                issues.append(make_issue("recap_sheet", sheet))
                continue
            sheet_area = _sheet_area(sheet, title_texts)
            parser = _SheetParser(sheet, rows, table, styles, issues, sheet_area)
            acts = parser.parse()
            if not acts:
                empty_table = empty_table or (sheet, table.header_row + 1)
                continue
            has_real = has_real or parser.has_real
            _infer_areas(sheet, acts, issues)
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
    titles.extend(meta.name for meta in metas)
    satker = find_satker(titles)
    if satker is None:
        satker = find_satker([Path(name).stem.replace("_", " ")])
        if satker:
            issues.append(make_issue("satker_from_filename"))
    year = find_year(titles)
    if year is None:
        year = find_year([Path(name).stem.replace("_", " ")])
        if year:
            issues.append(make_issue("year_from_filename"))
    if satker is None:
        raise NoPlanFound("no_satker")
    if year is None:
        raise NoPlanFound("no_year")
    return Plan(satker=satker, year=year, activities=activities, issues=issues, source_name=name,
                sha256=hashlib.sha256(data).hexdigest(), as_of_month=find_as_of(titles),
                has_realization=has_real)


def _title_texts(rows, upto):
    out = []
    for row in rows[:upto]:
        out.extend(v.strip() for v in row if isinstance(v, str) and v.strip())
    return out


def _sheet_area(sheet, titles):
    for t in titles:
        if re.match(r"\s*area\b", t, re.I):
            a = areas.match_area(re.sub(r"^\s*area(\s+perubahan)?\s*[:\-]?\s*", "", t, flags=re.I), strict=True)
            if a:
                return a
    return areas.match_area(sheet, strict=True)


def _infer_areas(sheet, acts, issues):
    missing = [a for a in acts if a.area_no is None]
    for a in missing:
        a.area_no, _, _ = areas.classify(a.kegiatan, a.sub_kegiatan, a.indikator_text())
        a.area_source = "catalogue"
    if missing:
        issues.append(make_issue("area_inferred", sheet, count=len(missing)))
