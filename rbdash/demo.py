"""Synthetic RB action-plan workbooks with their ground truth.

Serves three needs: the app's sample data, a many-office import benchmark, and tests that the parser
copes with *unseen* workbooks of every layout family.  Each family mimics one fixture in
shared/fixtures/plans (header words, title/signature blocks, column-number rows, repeated header
blocks, detail lines ...), filled with a random subset of the standard catalogue
(rbdash/data/catalogue.json).  `generate` returns the truth in the fixtures' *.truth.json format.

Only openpyxl is needed.  Style objects are module constants, so a workbook costs a few ms.
"""
from __future__ import annotations

import json
import math
import random
import re
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Color, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange

FAMILIES = ("merged_fill", "checks", "sections", "monev", "multisheet", "flat", "startend", "rowpairs")
MARKS = ("√", "✓", "v", "V", "x", "X", 1, "✔")
MONTH_HEADERS = ("numbers", "names_short", "names_long", "dates")
FILLS = ("rgb", "theme", "indexed")
SATKER_STYLES = ("kpu", "komisi", "abbrev")
AREA_NAMINGS = ("canonical", "seed", "deregulasi")

#: Variation keys accepted by `generate`; any key left out is drawn from the seed.
VARIATION_KEYS = {
    "mark": "schedule mark in mark families: one of MARKS",
    "fill": "shade kind in shaded families (merged_fill grid, startend CF): 'rgb' | 'theme' | 'indexed'",
    "month_header": "'numbers' | 'names_short' (Jan..Des) | 'names_long' (Januari..) | 'dates' (datetime, 'mmm')",
    "offset": "(empty rows above, empty columns left) of everything written; (0, 0) = none",
    "hidden_sheet": "add a hidden sheet holding another office's plan (must be ignored)",
    "recap_sheet": "add a visible 'Rekap' sheet of counts per area (not data)",
    "legend": "add a 'Keterangan' legend under the table (in merged_fill: a shaded legend cell)",
    "satker_style": "title form of the office: 'kpu' (KPU KOTA X) | 'komisi' (KOMISI PEMILIHAN UMUM KOTA X)"
                    " | 'abbrev' (KPU Kab. X)",
    "area_names": "area labels: 'canonical' | 'seed' (as in the decrees) | 'deregulasi' (area 2 named so)",
    "header_fill": "shaded families: grey header rows (never a mark)",
    "blank_fill": "merged_fill: unplanned grid cells 'none' or explicitly 'white' (never a mark)",
    "coverage": "fraction 0.6-1.0 of the catalogue kept; 1.0 = the full standard plan",
    "as_of_month": "monev/rowpairs: last month reported (realisation only up to it)",
    "merge_pairs": "rowpairs: merge the text cells of a Rencana/Realisasi pair vertically",
}

SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des")
LONG_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")
# Area labels seen in real plans; the canonical ones come from the catalogue.
SEED_AREAS = ("Manajemen Perubahan", "Penataan Peraturan Perundang-undangan", "Penataan Organisasi/Kelembagaan",
              "Penataan Tata Laksana", "Sistem Manajemen Sumber Daya Manusia", "Penguatan Akuntabilitas",
              "Pengawasan", "Pelayanan Publik")
PICS = ("Sekretaris", "Kasubag KUL", "Kasubag Hukum dan SDM", "Kasubag Rendatin", "Kasubag TP Hupmas")
DETAIL_LINES = (
    ("a) Ketersediaan sarana pendukung;", "b) Ketersediaan petugas pelaksana;"),
    ("a) Ketersediaan sarana pengaduan", "b) Ketersediaan informasi prosedur dan tata cara penyampaian aduan;",
     "c) Ketersediaan pejabat/petugas pengelola aduan;"),
    ("a) Ketersediaan visi dan misi pelayanan", "b) Ketersediaan moto pelayanan"),
)
CHAIRS = ("RAHMAT HIDAYAT", "SITI NURHALIZA", "AHMAD FAUZI", "DEWI LESTARI", "MUHAMMAD RIDWAN", "NAMA KETUA")

# Style objects are created once: openpyxl de-duplicates them, creating them per cell is the slow part.
BOLD = Font(bold=True)
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


# --------------------------------------------------------------------------------------------- catalogue

@lru_cache(maxsize=1)
def catalogue() -> dict:
    """The shipped standard kegiatan catalogue (built by bench/build_catalogue.py)."""
    return json.loads((Path(__file__).with_name("data") / "catalogue.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------- offices

def _regions() -> dict:
    """Province -> {"kabupaten": [...], "kota": [...]}, shared with the store's province lookup."""
    return json.loads((Path(__file__).with_name("data") / "regions.json").read_text(encoding="utf-8"))


_SEAT = {"Banjar": "Martapura", "Kalimantan Selatan": "Banjarbaru", "Tanah Laut": "Pelaihari", "Tapin": "Rantau"}
MIN_OFFICES = 600


@lru_cache(maxsize=1)
def _office_names() -> tuple[str, ...]:
    names: list[str] = []
    for prov, units in _regions().items():
        names.append(f"KPU Provinsi {prov}")
        names += [f"KPU Kabupaten {n}" for n in units["kabupaten"]]
        names += [f"KPU Kota {n}" for n in units["kota"]]
    names = list(dict.fromkeys(names))
    i = 1
    while len(names) < MIN_OFFICES:  # synthetic padding so benchmarks can go past the real ~550
        names.append(f"KPU Kabupaten Contoh {i}")
        i += 1
    return tuple(names)


def office_names() -> list[str]:
    """Real KPU satker names (38 provinces, their kabupaten/kota), padded with synthetic ones."""
    return list(_office_names())


def _split_satker(satker: str) -> tuple[str, str]:
    m = re.match(r"KPU (Provinsi|Kabupaten|Kota) (.+)$", satker)
    return (m.group(1), m.group(2)) if m else ("", satker.removeprefix("KPU ").strip())


def styled_satker(satker: str, style: str) -> str:
    """The office as a title block writes it ('KPU KOTA X', 'KOMISI PEMILIHAN UMUM KOTA X', 'KPU Kab. X')."""
    kind, place = _split_satker(satker)
    if style == "komisi":
        return f"KOMISI PEMILIHAN UMUM {kind} {place}".upper()
    if style == "abbrev":
        return f"KPU Kab. {place}" if kind == "Kabupaten" else satker
    return satker.upper()


# --------------------------------------------------------------------------------------------- plan model

@dataclass
class Row:
    """One schedule-bearing line = one truth record."""
    text: str             # indikator cell text as written
    indikator: str        # as the truth states it
    planned: list[int]
    realized: list[int] | None = None


@dataclass
class Act:
    """One sub-kegiatan with its rows (one packed row, or one row per indicator)."""
    area_no: int
    keg_no: int           # position of the kegiatan within its area, as written ("1.", "2.")
    keg_code: str
    kegiatan: str
    sub_no: int           # position within the kegiatan ("a.", "1)")
    sub: str
    rows: list[Row]


def _letter(i: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[(i - 1) % 26]


def _schedule(rng: random.Random) -> list[int]:
    """Month sets shaped like real plans: all year, quarterly, semester, a run, a few months."""
    k = rng.random()
    if k < 0.18:
        return list(range(1, 13))
    if k < 0.33:
        return [3, 6, 9, 12]
    if k < 0.43:
        return [6, 12]
    if k < 0.75:
        return _run(rng)
    return sorted(rng.sample(range(1, 13), rng.randint(1, 3)))


def _run(rng: random.Random) -> list[int]:
    s = rng.randint(1, 12)
    return list(range(s, rng.randint(s, min(12, s + 8)) + 1))


def _realize(rng: random.Random, planned: list[int], as_of: int) -> list[int]:
    due = [m for m in planned if m <= as_of]
    keep = rng.choice((1.0, 1.0, 1.0, 0.75, 0.5, 0.0))
    real = {m for m in due if rng.random() < keep}
    if rng.random() < 0.05:  # done in a month that was not planned
        real.add(rng.randint(1, as_of))
    return sorted(real)


def _pack(items: list[str], sep: str) -> str:
    """Several indicators in one cell, numbered '1) ..'; a lead-in ending in ':' stays unnumbered."""
    if len(items) == 1:
        return items[0]
    out, n = [], 0
    for it in items:
        if it.endswith(":") and not out:
            out.append(it)
            continue
        n += 1
        out.append(f"{n}) {it}")
    return sep.join(out)


def _plan(rng: random.Random, satker: str, year: int, coverage: float, *, per_indicator: bool,
          pack_sep: str, contiguous: bool, as_of: int | None) -> list[Act]:
    """A random subset of the catalogue, office name filled in, with schedules (and realisation)."""
    def text(s: str) -> str:
        return s.replace("{satker}", satker).replace("Tahun 2022", f"Tahun {year}")

    def keep(seq: list, p: float) -> list:
        kept = [x for x in seq if rng.random() < p]
        return kept or seq[:1]

    # Overall about `coverage` of the sub-kegiatan survive (kegiatan and sub-kegiatan each keep sqrt of
    # it); whole areas are dropped only now and then, as few real plans skip an area.
    areas = catalogue()["areas"]
    n_areas = len(areas)
    if coverage < 1 and rng.random() < 0.3:
        n_areas = rng.randint(math.ceil(0.6 * len(areas)), len(areas))
    p = math.sqrt(coverage)
    acts: list[Act] = []
    for ai in sorted(rng.sample(range(len(areas)), n_areas)):
        area = areas[ai]
        for kn, keg in enumerate(keep(area["kegiatan"], p), 1):
            for sn, sub in enumerate(keep(keg["sub_kegiatan"], p), 1):
                items = sub["indikator"]
                if len(items) > 1:
                    items = keep(items, coverage)
                    if len(items) == 1 and items[0].endswith(":"):  # a lead-in alone says nothing
                        items = sub["indikator"][:2]
                items = [text(i) for i in items]
                base = _run(rng) if contiguous else _schedule(rng)
                if per_indicator:
                    rows = []
                    for i, it in enumerate(items, 1):
                        sched = base if (i == 1 or rng.random() < 0.7) else _schedule(rng)
                        rows.append(Row(f"{_letter(i)}. {it}" if len(items) > 1 else it, it, sched))
                else:
                    packed = _pack(items, pack_sep)
                    rows = [Row(packed, packed.replace("\n", " "), base)]
                if as_of is not None:
                    for row in rows:
                        row.realized = _realize(rng, row.planned, as_of)
                acts.append(Act(area["no"], kn, f"{area['no']}.{kn}", keg["name"], sn, text(sub["name"]), rows))
    return acts


def _area_label(area_no: int, naming: str) -> str:
    if naming == "seed":
        return SEED_AREAS[area_no - 1]
    if naming == "deregulasi" and area_no == 2:
        return "Deregulasi Kebijakan"
    return catalogue()["areas"][area_no - 1]["name"]


# --------------------------------------------------------------------------------------------- layouts

@dataclass(frozen=True)
class Layout:
    """How one family writes a plan: the single table writer below is driven by these settings."""
    family: str
    sheet_names: tuple[str, ...]          # first = the fixture's; "{year}"/"{q}" are filled in
    title: Callable[["Ctx", str | None], list[str]]
    columns: tuple[tuple[str, str], ...]  # (key, header); key "months" = the month grid
    hierarchy: str                        # merged | first | sections | repeat | flat
    schedule: str                         # fill | mark | monev | startend | pairs
    no: str = "running"                   # what the "no" column holds: running | area
    per_indicator: bool = False
    pack_sep: str = " "
    fmt_area: str = "{n}. {name}"
    fmt_keg: str = "{code}. {name}"
    fmt_sub: str = "{letter}. {name}"
    grouped_header: bool = False          # a label over the month numbers (2nd header row)
    merge_header: bool = False
    months_label: str = "PELAKSANAAN (BULAN)"
    number_row: bool = False              # column-number row 1..N under the header
    repeat_header: bool = False           # header block repeated at page breaks
    detail_lines: bool = False            # unscheduled detail rows under some sub-kegiatan
    signature_month: int | None = 7       # column (month) where the signature block sits; None = none
    title_merge: bool = True
    blank_after_title: int = 1
    mark: object = "√"
    month_header: str = "numbers"
    numbers_as_text: bool = False
    area_names: str = "seed"
    widths: tuple[tuple[str, float], ...] = ()


def _t_merged_fill(c: "Ctx", _a) -> list[str]:
    return ["LAMPIRAN", f"KEPUTUSAN {styled_satker(c.satker, 'komisi')}",
            f"NOMOR {c.rng.randint(1, 40)}/HK.03.1/{c.year}", "TENTANG",
            f"RENCANA AKSI REFORMASI BIROKRASI {c.styled} TAHUN {c.year}"]


def _t_checks(c: "Ctx", _a) -> list[str]:
    return ["RENCANA AKSI REFORMASI BIROKRASI", f"DI LINGKUNGAN {c.styled}", f"TAHUN {c.year}"]


def _t_sections(c: "Ctx", _a) -> list[str]:
    return [f"MATRIKS RENCANA AKSI REFORMASI BIROKRASI TAHUN {c.year}", c.styled]


def _t_monev(c: "Ctx", _a) -> list[str]:
    return ["LAPORAN MONITORING DAN EVALUASI RENCANA AKSI REFORMASI BIROKRASI", f"{c.styled} TAHUN {c.year}",
            f"KONDISI S.D. BULAN {LONG_MONTHS[c.as_of - 1].upper()}"]


def _t_multisheet(c: "Ctx", area: str | None) -> list[str]:
    return [f"RENCANA AKSI RB {c.styled} TAHUN {c.year}", f"AREA PERUBAHAN: {(area or '').upper()}"]


def _t_flat(c: "Ctx", _a) -> list[str]:
    return [f"Rencana Aksi Reformasi Birokrasi {c.styled} Tahun {c.year}"]


def _t_startend(c: "Ctx", _a) -> list[str]:
    return [f"JADWAL RENCANA AKSI REFORMASI BIROKRASI {c.styled} TAHUN {c.year}"]


def _t_rowpairs(c: "Ctx", _a) -> list[str]:
    return ["RENCANA DAN REALISASI AKSI REFORMASI BIROKRASI", f"DI LINGKUNGAN {c.styled}",
            f"TAHUN {c.year} (S.D. BULAN {LONG_MONTHS[c.as_of - 1].upper()})"]


_M = ("months", "")
_W_TEXT = (("area", 22), ("kegiatan", 30), ("sub", 40), ("indikator", 45))
LAYOUTS = {
    "merged_fill": Layout(
        "merged_fill", ("Lampiran", "Renaksi RB", "Sheet1"), _t_merged_fill,
        (("area", "AREA PERUBAHAN"), ("kegiatan", "KEGIATAN"), ("sub", "SUB KEGIATAN"),
         ("indikator", "INDIKATOR KEBERHASILAN"), _M, ("ket", "KET")),
        "merged", "fill", pack_sep="\n", grouped_header=True, merge_header=True, number_row=True,
        widths=_W_TEXT),
    "checks": Layout(
        "checks", ("Sheet1", "Renaksi", "RB {year}"), _t_checks,
        (("no", "NO"), ("area", "PROGRAM KEGIATAN"), ("kegiatan", "KEGIATAN"), ("sub", "SUB KEGIATAN"),
         ("indikator", "INDIKATOR KEBERHASILAN"), _M, ("ket", "KET")),
        "first", "mark", no="area", per_indicator=True, fmt_area="{name}", fmt_keg="{k}. {name}",
        fmt_sub="{s}) {name}", grouped_header=True, number_row=True, repeat_header=True, detail_lines=True,
        widths=_W_TEXT),
    "sections": Layout(
        "sections", ("Renaksi RB {year}", "Matriks RB", "Sheet1"), _t_sections,
        (("no", "No"), ("kegiatan", "Kegiatan"), ("sub", "Rencana Aksi"), ("indikator", "Output / Indikator"), _M,
         ("pic", "Penanggung Jawab"), ("ket", "Keterangan")),
        "sections", "mark", blank_after_title=2, mark="x", month_header="names_short", area_names="deregulasi",
        fmt_keg="{name}", fmt_sub="{name}", widths=(("kegiatan", 30), ("sub", 45), ("indikator", 45))),
    "monev": Layout(
        "monev", ("Monev TW{q}", "Monev RB", "Realisasi TW{q}"), _t_monev,
        (("no", "NO"), ("area", "AREA PERUBAHAN"), ("kegiatan", "KEGIATAN"), ("sub", "SUB KEGIATAN"),
         ("indikator", "INDIKATOR KEBERHASILAN"), _M, ("capaian", "CAPAIAN (%)"), ("bukti", "BUKTI DUKUNG"),
         ("ket", "KET")),
        "first", "monev", grouped_header=True, merge_header=True,
        months_label="JADWAL DAN REALISASI PELAKSANAAN (BULAN)", signature_month=5, widths=_W_TEXT),
    "multisheet": Layout(
        "multisheet", ("{n}. {area}",), _t_multisheet,
        (("kegiatan", "Kegiatan"), ("sub", "Sub Kegiatan"), ("indikator", "Indikator Keberhasilan"), _M,
         ("ket", "Ket")),
        "first", "mark", signature_month=None, title_merge=False, numbers_as_text=True,
        widths=(("kegiatan", 30), ("sub", 40), ("indikator", 45))),
    "flat": Layout(
        "flat", ("Rencana Aksi", "Renaksi", "Sheet1"), _t_flat,
        (("no", "No"), ("sub", "Kegiatan"), ("indikator", "Indikator Kinerja"), _M, ("ket", "Ket")),
        "flat", "mark", fmt_sub="{name}", signature_month=None, title_merge=False, mark="v",
        month_header="names_short", widths=(("sub", 45), ("indikator", 45))),
    "startend": Layout(
        "startend", ("Gantt RB", "Jadwal RB", "Timeline"), _t_startend,
        (("no", "No"), ("area", "Area Perubahan"), ("kegiatan", "Kegiatan"), ("sub", "Sub Kegiatan"),
         ("indikator", "Indikator"), ("start", "Mulai"), ("end", "Selesai"), _M, ("pic", "PIC")),
        "repeat", "startend", fmt_keg="{name}", fmt_sub="{name}", signature_month=None, title_merge=False,
        blank_after_title=0, month_header="names_short", widths=_W_TEXT),
    "rowpairs": Layout(
        "rowpairs", ("Realisasi TW{q}", "Monev RB", "Sheet1"), _t_rowpairs,
        (("no", "NO"), ("area", "PROGRAM KEGIATAN"), ("kegiatan", "KEGIATAN"), ("sub", "SUB KEGIATAN"),
         ("indikator", "INDIKATOR KEBERHASILAN"), ("uraian", "URAIAN"), _M, ("ket", "KET")),
        "first", "pairs", no="area", per_indicator=True, fmt_area="{name}", fmt_keg="{k}. {name}",
        fmt_sub="{s}) {name}", grouped_header=True, number_row=True, repeat_header=True, widths=_W_TEXT),
}


# --------------------------------------------------------------------------------------------- writing

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
    """Logical column numbers of a layout's keys; the month grid is 12 columns (24 in monev: T/R pairs)."""

    def __init__(self, lay: Layout):
        self.pos: dict[str, int] = {}
        c = 1
        for key, _ in lay.columns:
            self.pos[key] = c
            c += 24 if (key == "months" and lay.schedule == "monev") else 12 if key == "months" else 1
        self.last = c - 1
        self.width = 2 if lay.schedule == "monev" else 1

    def month(self, m: int) -> int:
        return self.pos["months"] + (m - 1) * self.width


def _month_values(style: str, year: int, as_text: bool) -> list[tuple[object, str | None]]:
    if style == "names_short":
        return [(m, None) for m in SHORT_MONTHS]
    if style == "names_long":
        return [(m, None) for m in LONG_MONTHS]
    if style == "dates":
        return [(datetime(year, m, 1), DATE_FMT) for m in range(1, 13)]
    return [(str(m) if as_text else m, None) for m in range(1, 13)]


def _header(sh: _Sheet, c: Ctx, cols: _Cols, r: int) -> int:
    """Write the header block at logical row r; return the first row after it."""
    lay, var = c.lay, c.var
    fill = GREY if var.get("header_fill") else None
    depth = 1 + lay.grouped_header + (lay.schedule == "monev")
    months = _month_values(var["month_header"], c.year, lay.numbers_as_text)
    if lay.schedule == "startend":  # helper month numbers the CF formula reads
        for m in range(1, 13):
            sh.put(r, cols.month(m), m)
        r += 1
    for key, label in lay.columns:
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
            sh.put(r, cc, lay.months_label, font=BOLD, fill=fill, align=CENTER if lay.merge_header else None)
            if lay.merge_header:
                sh.merge(r, cc, r, cc + 12 * cols.width - 1)
            elif fill:
                for k in range(1, 12 * cols.width):
                    sh.put(r, cc + k, fill=fill)
        for m, (value, fmt) in enumerate(months, 1):
            sh.put(mrow, cols.month(m), value, font=None if lay.grouped_header else BOLD, fill=fill, fmt=fmt)
            if cols.width == 2:
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


def _write_table(sh: _Sheet, c: Ctx, acts: list[Act], r: int, sheet_title: str) -> int:
    """Header + body of one plan table from logical row r; truth records go to c.records."""
    lay, rng, var = c.lay, c.rng, c.var
    cols = _Cols(lay)
    pos = cols.pos
    r = _header(sh, c, cols, r)
    mark, mark_fill = var["mark"], c.mark_fill
    page_size, on_page = rng.randint(15, 22), 0
    spans: dict[str, list[list[int]]] = {"area": [], "kegiatan": []}
    prev_area = prev_keg = None
    running = 0
    first_data = r
    for act in acts:
        new_area = act.area_no != prev_area
        new_keg = new_area or act.keg_code != prev_keg
        prev_area, prev_keg = act.area_no, act.keg_code
        if lay.repeat_header and on_page >= page_size:
            r = _header(sh, c, cols, r + 1)
            on_page = 0
        area_label = lay.fmt_area.format(n=act.area_no, name=_area_label(act.area_no, var["area_names"]))
        keg_label = lay.fmt_keg.format(code=act.keg_code, k=act.keg_no, name=act.kegiatan)
        sub_label = lay.fmt_sub.format(letter=_letter(act.sub_no), s=act.sub_no, name=act.sub)
        if lay.hierarchy == "sections":
            if new_area:
                label = _area_label(act.area_no, var["area_names"]).upper()
                sh.put(r, pos["no"], ROMAN[act.area_no - 1], font=BOLD, fill=GREY)
                sh.put(r, pos["kegiatan"], label, font=BOLD, fill=GREY)
                sh.merge(r, pos["kegiatan"], r, cols.last)
                r += 1
            if new_keg:
                sh.put(r, pos["no"], act.keg_no)
                sh.put(r, pos["kegiatan"], act.kegiatan, font=BOLD)
                r += 1
        start = r
        for i, row in enumerate(act.rows):
            first = i == 0
            height = 2 if lay.schedule == "pairs" else 1
            running += 1
            texts = {}
            if lay.hierarchy == "merged":
                texts = {"area": area_label if new_area and first else None,
                         "kegiatan": keg_label if new_keg and first else None,
                         "sub": sub_label if first else None}
            elif lay.hierarchy == "first":
                texts = {"area": area_label if new_area and first else None,
                         "kegiatan": keg_label if new_keg and first else None,
                         "sub": sub_label if first else None,
                         "no": (act.area_no if new_area and first else None) if lay.no == "area" else running}
            elif lay.hierarchy == "sections":
                texts = {"no": f"{act.keg_no}.{act.sub_no}", "sub": sub_label,
                         "pic": rng.choice(PICS)}
            elif lay.hierarchy == "repeat":
                texts = {"no": running, "area": area_label, "kegiatan": keg_label, "sub": sub_label}
            else:  # flat
                texts = {"no": running, "sub": sub_label}
            texts["indikator"] = row.text
            for key, value in texts.items():
                if key in pos and value is not None:
                    sh.put(r, pos[key], value, align=WRAP if key != "no" else None)
                    if height == 2 and var.get("merge_pairs"):
                        sh.merge(r, pos[key], r + 1, pos[key])
            if lay.hierarchy == "merged":  # grow the vertical merges of area and kegiatan
                for key in spans:
                    if texts[key] is not None:
                        spans[key].append([r, r])
                    spans[key][-1][1] = r
            _write_schedule(sh, c, cols, r, row, mark, mark_fill)
            rec = {"sheet": sheet_title, "row": r + sh.dr, "area_no": act.area_no,
                   "kegiatan": None if lay.hierarchy == "flat" else act.kegiatan, "sub_kegiatan": act.sub,
                   "indikator": row.indikator, "planned_months": list(row.planned)}
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
    return r


def _write_schedule(sh: _Sheet, c: Ctx, cols: _Cols, r: int, row: Row, mark, mark_fill) -> None:
    lay, var = c.lay, c.var
    planned = set(row.planned)
    if lay.schedule == "fill":
        white = var.get("blank_fill") == "white"
        for m in range(1, 13):
            if m in planned:
                sh.put(r, cols.month(m), fill=mark_fill)
            elif white:
                sh.put(r, cols.month(m), fill=WHITE)
    elif lay.schedule == "mark":
        for m in row.planned:
            sh.put(r, cols.month(m), mark)
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
    """'Keterangan' block under the table: text, and in merged_fill a shaded sample cell."""
    lay = c.lay
    sh.put(r, 1, "Keterangan:", font=BOLD)
    if lay.schedule == "fill":
        sh.put(r + 1, 2, fill=c.mark_fill)
        sh.put(r + 1, 3, "= jadwal pelaksanaan kegiatan")
    elif lay.schedule == "monev":
        sh.put(r + 1, 1, "T = Target (jadwal), R = Realisasi")
    elif lay.schedule == "startend":
        sh.put(r + 1, 1, "Sel berwarna = jadwal pelaksanaan (otomatis dari kolom Mulai/Selesai)")
    else:
        sh.put(r + 1, 1, f"{c.var['mark']} = jadwal pelaksanaan")
    return r + 3


def _signature(sh: _Sheet, c: Ctx, cols: _Cols, r: int) -> int:
    col = cols.month(c.lay.signature_month)
    _, place = _split_satker(c.satker)
    month = c.rng.randint(1, 2) if c.as_of is None else min(12, c.as_of + 1)
    lines = [f"Ditetapkan di {_SEAT.get(place, place)}",
             f"pada tanggal {c.rng.randint(1, 28)} {LONG_MONTHS[month - 1]} {c.year}",
             f"KETUA {styled_satker(c.satker, 'kpu')},", None, "ttd", None, c.rng.choice(CHAIRS)]
    for i, line in enumerate(lines):
        if line:
            sh.put(r + i, col, line)
    return r + len(lines)


def _fill_sheet(ws, c: Ctx, acts: list[Act], area: str | None = None) -> None:
    """Title block, table, legend and signature of one sheet."""
    lay = c.lay
    dr, dc = c.var["offset"]
    sh = _Sheet(ws, dr, dc, c.styles)
    cols = _Cols(lay)
    r = 1
    for line in lay.title(c, area):
        sh.put(r, 1, line, font=BOLD, align=CENTER if lay.title_merge else None)
        if lay.title_merge:
            sh.merge(r, 1, r, cols.last)
        r += 1
    r = _write_table(sh, c, acts, r + lay.blank_after_title, ws.title)
    if c.var.get("legend"):
        r = _legend(sh, c, r + 1)
    if lay.signature_month:
        _signature(sh, c, cols, r + 1)
    for key, width in lay.widths:
        if key in cols.pos:
            ws.column_dimensions[sh.col(cols.pos[key])].width = width


def _sheet_name(lay: Layout, c: Ctx, pick: int) -> str:
    q = math.ceil((c.as_of or 12) / 3)
    return lay.sheet_names[pick].format(year=c.year, q=q)


def _area_sheet_name(area_no: int, naming: str) -> str:
    return f"{area_no}. {_area_label(area_no, naming)}".replace("/", "-")[:31]


def _recap(wb: Workbook, acts: list[Act], naming: str, index: int) -> None:
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
        ws.append([n, _area_label(n, naming), *row])
    ws.append([None, "JUMLAH", *tot])


# --------------------------------------------------------------------------------------------- API

def resolve_variation(family: str, seed: int, variation: dict | None = None) -> dict:
    """The full variation `generate` uses: given keys kept, the others drawn from the seed."""
    if family not in LAYOUTS:
        raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")
    given = dict(variation or {})
    unknown = set(given) - set(VARIATION_KEYS)
    if unknown:
        raise ValueError(f"unknown variation keys {sorted(unknown)}; known: {sorted(VARIATION_KEYS)}")
    lay = LAYOUTS[family]
    rng = random.Random(f"variation:{family}:{seed}")
    def pick(default, options, p_default=0.5):
        return default if rng.random() < p_default else rng.choice(options)
    drawn = {
        "mark": pick(lay.mark, MARKS),
        "fill": rng.choices(FILLS, (5, 3, 2))[0],
        "month_header": pick(lay.month_header, MONTH_HEADERS),
        "offset": (rng.randint(1, 6), rng.randint(0, 3)) if rng.random() < 0.35 else (0, 0),
        "hidden_sheet": rng.random() < 0.15,
        "recap_sheet": rng.random() < 0.15,
        "legend": rng.random() < 0.3,
        "satker_style": rng.choices(SATKER_STYLES, (6, 3, 1))[0],
        "area_names": pick(lay.area_names, AREA_NAMINGS),
        "header_fill": rng.random() < 0.5,
        "blank_fill": "white" if rng.random() < 0.25 else "none",
        "coverage": round(rng.uniform(0.6, 1.0), 2),
        "as_of_month": rng.choice((3, 6, 9, 12, rng.randint(1, 12))),
        "merge_pairs": rng.random() < 0.5,
    }
    drawn.update(given)
    off = drawn["offset"]
    if off is True:
        off = (rng.randint(1, 6), rng.randint(1, 3))
    drawn["offset"] = tuple(off) if off else (0, 0)
    if drawn["mark"] not in MARKS:
        raise ValueError(f"mark {drawn['mark']!r} not in {MARKS}")
    for key, options in (("fill", FILLS), ("month_header", MONTH_HEADERS), ("satker_style", SATKER_STYLES),
                         ("area_names", AREA_NAMINGS)):
        if drawn[key] not in options:
            raise ValueError(f"{key} {drawn[key]!r} not in {options}")
    if not 0 < float(drawn["coverage"]) <= 1:
        raise ValueError("coverage must be in (0, 1]")
    return drawn


def generate(path, family: str, satker: str, year: int, seed: int, *, variation: dict | None = None) -> dict:
    """Write one workbook of `family` for `satker`; return its truth (fixtures' *.truth.json format)."""
    var = resolve_variation(family, seed, variation)
    lay = LAYOUTS[family]
    rng = random.Random(f"{family}:{satker}:{year}:{seed}")
    realised = lay.schedule in ("monev", "pairs")
    as_of = int(var["as_of_month"]) if realised else None
    mark_fill = rng.choice(MARK_FILLS[var["fill"]])
    ctx = Ctx(rng, satker, styled_satker(satker, var["satker_style"]), year, var, lay, as_of, mark_fill)
    acts = _plan(rng, satker, year, float(var["coverage"]), per_indicator=lay.per_indicator,
                 pack_sep=lay.pack_sep, contiguous=lay.schedule == "startend", as_of=as_of)

    wb = Workbook()
    wb.remove(wb.active)
    if family == "multisheet":
        ws = wb.create_sheet("Petunjuk")
        for line in ("PETUNJUK PENGISIAN", "1. Isi kolom kegiatan, sub kegiatan dan indikator sesuai Juknis RB.",
                     f"2. Beri tanda {var['mark']} pada bulan pelaksanaan."):
            ws.append([line])
        for n in sorted({a.area_no for a in acts}):
            ws = wb.create_sheet(_area_sheet_name(n, var["area_names"]))
            _fill_sheet(ws, ctx, [a for a in acts if a.area_no == n], _area_label(n, var["area_names"]))
    else:
        ws = wb.create_sheet(_sheet_name(lay, ctx, 0 if rng.random() < 0.6 else rng.randrange(len(lay.sheet_names))))
        _fill_sheet(ws, ctx, acts)
    records = ctx.records

    if var["hidden_sheet"]:
        others = [n for n in _office_names()[:100] if n != satker]
        other = others[rng.randrange(len(others))]
        octx = Ctx(rng, other, styled_satker(other, "kpu"), year - 1, var, lay, as_of, mark_fill,
                   styles=ctx.styles)
        oacts = _plan(rng, other, year - 1, 0.6, per_indicator=lay.per_indicator, pack_sep=lay.pack_sep,
                      contiguous=lay.schedule == "startend", as_of=as_of)
        if family == "multisheet":
            oacts = [a for a in oacts if a.area_no == oacts[0].area_no]
        hidden = wb.create_sheet(rng.choice(("Template", "Contoh", "Lama", "Sheet2")))
        _fill_sheet(hidden, octx, oacts, _area_label(oacts[0].area_no, var["area_names"]))
        hidden.sheet_state = "hidden"
    if var["recap_sheet"]:
        _recap(wb, acts, var["area_names"], 1 if family == "multisheet" else rng.choice((0, len(wb.sheetnames))))

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    order = {name: i for i, name in enumerate(wb.sheetnames)}
    records.sort(key=lambda x: (order[x["sheet"]], x["row"]))
    return {"file": path.name, "satker": satker, "year": year, "layout": family, "as_of_month": as_of,
            "records": records}


# The app's sample set: the two seed offices as their decrees look, plus demo offices of other families.
SAMPLES = (
    ("KPU Kota Banjarmasin", 2022, "merged_fill", 3,
     {"coverage": 1.0, "offset": (0, 0), "hidden_sheet": False, "recap_sheet": False, "legend": False,
      "fill": "rgb", "month_header": "numbers", "satker_style": "kpu", "area_names": "seed",
      "header_fill": False, "blank_fill": "none"}),
    ("KPU Kota Pasuruan", 2022, "checks", 0,
     {"coverage": 1.0, "offset": (0, 0), "hidden_sheet": False, "recap_sheet": False, "legend": False,
      "mark": "√", "month_header": "numbers", "satker_style": "kpu", "area_names": "seed"}),
    ("KPU Provinsi Kalimantan Selatan", 2023, "monev", 11, {"as_of_month": 9, "hidden_sheet": False}),
    ("KPU Kabupaten Banjar", 2023, "sections", 12, {"hidden_sheet": False}),
    ("KPU Kota Banjarbaru", 2023, "multisheet", 13, {"hidden_sheet": False, "recap_sheet": True}),
    ("KPU Kabupaten Tapin", 2023, "flat", 14, {"hidden_sheet": False}),
    ("KPU Kabupaten Tanah Laut", 2023, "startend", 15, {"hidden_sheet": False}),
    ("KPU Kabupaten Barito Kuala", 2023, "rowpairs", 16, {"as_of_month": 6, "hidden_sheet": False}),
    ("KPU Kabupaten Hulu Sungai Selatan", 2023, "monev", 17, {"as_of_month": 6, "hidden_sheet": False}),
)


def sample_file_name(satker: str, year: int) -> str:
    return re.sub(r"[^a-z0-9]+", "_", satker.lower()).strip("_") + f"_{year}.xlsx"


def write_samples(folder, *, truth: bool = True) -> list[Path]:
    """Write the app's deterministic sample workbooks (and NAME.truth.json beside each when `truth`)."""
    folder = Path(folder)
    paths = []
    for satker, year, family, seed, variation in SAMPLES:
        path = folder / sample_file_name(satker, year)
        t = generate(path, family, satker, year, seed, variation=variation)
        if truth:
            path.with_suffix(".truth.json").write_text(json.dumps(t, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
        paths.append(path)
    return paths
