"""Synthetic RB action-plan workbooks with their ground truth.

Serves three needs: the app's sample data, a many-office import benchmark, and tests that the parser
copes with *unseen* workbooks of every layout family.  Each family mimics one fixture in
shared/fixtures/plans (header words, title/signature blocks, column-number rows, repeated header
blocks, detail lines ...), filled with a random subset of the standard catalogue
(rbdash/data/catalogue.json).  `generate` returns the truth in the fixtures' *.truth.json format.

Issue 6 adds the layouts offices really send (NEW_FAMILIES): weekly and quarterly grids, symbol-font
ticks, text and date schedules, English/Roman month labels, merged bars, the office named only in the
signature or a "Unit Kerja" line, extra columns with totals and notes, legacy .xls.  They are the same
table writer driven by more Layout settings and variation keys, not copies of it.

openpyxl writes every workbook; a path ending in .xls is converted to Excel 97-2003 with xlwt.  Style
objects are module constants, so a workbook costs a few ms.
"""
from __future__ import annotations

import json
import math
import random
import re
from copy import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Color, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.cell_range import CellRange

FAMILIES = ("merged_fill", "checks", "sections", "monev", "multisheet", "flat", "startend", "rowpairs")
#: Issue 6 layout families (see ../shared/fixtures/plans2); kept apart so benchmarks and the sample set
#: built on FAMILIES do not change.
NEW_FAMILIES = ("weekly", "symbols", "text", "dates", "quarterly", "month_labels", "bars", "signature_office",
                "extra_columns", "gantt_sheet", "xls_shaded", "xls_ticks")
ALL_FAMILIES = FAMILIES + NEW_FAMILIES
MARKS = ("√", "✓", "v", "V", "x", "X", 1, "✔")
MONTH_HEADERS = ("numbers", "names_short", "names_long", "dates")
# Accepted when given, drawn only by families that list them (old seeds keep their draws).
MORE_MONTH_HEADERS = ("english", "roman")
GRID_MARKS = ("mark", "fill")
WEEK_LABELS = ("numbers", "roman", "minggu")
QUARTER_LABELS = ("tw", "triwulan", "q")
# Insert Symbol ticks: (character, font).  The same letter in a text font is text, never a tick.
SYMBOLS = {"wingdings_u": ("ü", "Wingdings"), "wingdings_thorn": ("þ", "Wingdings"),
           "wingdings2_p": ("P", "Wingdings 2")}
TEXT_HEADERS = ("WAKTU PELAKSANAAN", "JADWAL", "TARGET WAKTU", "WAKTU")
DATE_HEADERS = (("MULAI", "SELESAI"), ("TANGGAL MULAI", "TANGGAL SELESAI"), ("START", "END"))
DATE_FORMATS = ("date", "text")
BAR_FILLS = ("all", "first")
SATKER_PLACES = ("title", "signature", "unit_kerja")
EXTRAS = ("none", "between", "after", "split")
HIERARCHIES = ("first", "merged", "sections")
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
    # issue 6 keys: drawn only by the families whose Layout.varies names them, else the neutral value
    "hierarchy": "new families: 'first' (area/kegiatan on their first row) | 'merged' | 'sections' (area rows)",
    "grid_mark": "new grid families: schedule cells 'mark'ed (var mark) or 'fill'ed (var fill)",
    "week_labels": "weekly grid: week header '1 2 3 4' ('numbers') | 'I II III IV' ('roman') | 'Minggu ke-1'",
    "quarter_labels": "quarterly grid: 'TW I' ('tw') | 'TRIWULAN I' ('triwulan') | 'Q1' ('q')",
    "symbol": f"symbols: tick character and font, one of {sorted(SYMBOLS)}",
    "symbol_decoy": "symbols: the same letter in Calibri in some unplanned grid cells (not a tick)",
    "text_header": f"text schedule column header, one of {TEXT_HEADERS}",
    "text_upper": "text schedules written in upper case",
    "unreadable_text": "text schedules: some rows say e.g. 'menyesuaikan' (truth: no months, never guessed)",
    "date_headers": "dates: index into DATE_HEADERS (MULAI/SELESAI, TANGGAL MULAI/..., START/END)",
    "date_format": "dates: 'date' (real dates) | 'text' ('dd/mm/yyyy', day first)",
    "durasi": "dates: a DURASI column beside start/end (not a schedule)",
    "bar_fill": "bars: fill on 'all' cells of a merged bar or only the 'first'",
    "satker_place": "where the office is named: 'title' | 'signature' (SEKRETARIS KPU ..., title without it)"
                    " | 'unit_kerja' ('Unit Kerja : KPU Kota X' line)",
    "extras": "TARGET/OUTPUT/SATUAN/ANGGARAN/PENANGGUNG JAWAB columns: 'none' | 'between' (indicator and"
              " schedule) | 'after' (the schedule) | 'split' (some before, some after)",
    "total_row": "a JUMLAH/TOTAL row under the table with per-column counts (not an activity)",
    "notes": "a 'Catatan:' block under the table (not activities)",
    "sheet_name": "the plan sheet's name (None = the layout's); e.g. 'Gantt Chart RB', 'Jadwal'",
}

SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des")
LONG_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Schedule texts nobody can turn into months: truth keeps the activity with no planned months.
UNREADABLE = ("menyesuaikan", "Sesuai kebutuhan", "Tentatif", "Menyesuaikan jadwal KPU RI", "Insidentil")
SIGNERS = ("Drs. AHMAD FAUZI, M.Si.", "SITI AMINAH, S.H.", "I GUSTI NGURAH PUTRA, S.E.", "NAMA SEKRETARIS")
EXTRA_COLUMNS = (("target", "TARGET"), ("output", "OUTPUT"), ("satuan", "SATUAN"),
                 ("anggaran", "ANGGARAN (Rp)"), ("pj", "PENANGGUNG JAWAB"))
NOTES = ("Catatan:", "1. Jadwal dapat berubah menyesuaikan kebijakan KPU RI.",
         "2. Anggaran bersumber dari DIPA satuan kerja.",
         "3. Bukti dukung diunggah ke folder bersama paling lambat tanggal 5 bulan berikutnya.")
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


def _quarter_months(qs) -> list[int]:
    return sorted(m for q in qs for m in range(3 * q - 2, 3 * q + 1))


def _shaped(rng: random.Random, shape: str) -> list[int]:
    """A month set for a schedule kind: 'any' grid, a 'run' (start/end), whole 'quarters' (TW grid), the
    shapes text schedules name ('text': quarters, semesters, runs, lists), or 'dates' (runs touching the
    year's edges often, so clipping and Dec-to-Feb ranges occur)."""
    if shape == "run":
        return _run(rng)
    if shape == "quarters":
        return _quarter_months({(m + 2) // 3 for m in _schedule(rng)})
    if shape == "dates":
        k = rng.random()
        if k < 0.15:
            return [1, 2]
        if k < 0.3:
            return list(range(1, rng.randint(2, 12) + 1))
        if k < 0.45:
            return list(range(rng.randint(1, 12), 13))
        return _run(rng)
    if shape == "text":
        k = rng.random()
        if k < 0.15:
            return _quarter_months([rng.randint(1, 4)])
        if k < 0.25:
            return _quarter_months(sorted(rng.sample(range(1, 5), rng.randint(2, 3))))
        if k < 0.35:
            return list(range(1, 7)) if rng.random() < 0.5 else list(range(7, 13))
        if k < 0.45:
            return [rng.randint(1, 12)]
    return _schedule(rng)


def _runs(months: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for m in sorted(months):
        if out and out[-1][1] == m - 1:
            out[-1][1] = m
        else:
            out.append([m, m])
    return [(a, b) for a, b in out]


def schedule_phrase(rng: random.Random, months: list[int], year: int) -> str:
    """Indonesian free text that means exactly `months` (ranges inclusive, Triwulan n = its 3 months,
    Semester I = Jan-Jun), in one of the forms offices write."""
    ms = sorted(months)
    names = rng.choice((LONG_MONTHS, LONG_MONTHS, SHORT_MONTHS))  # SHORT has 'Agt'
    runs = _runs(ms)
    qs = [q for q in range(1, 5) if set(_quarter_months([q])) <= set(ms)]
    opts: list[str] = []
    if ms == list(range(1, 13)):
        opts += ["Januari - Desember", "Setiap bulan", "Sepanjang tahun", "Jan-Des", "Januari s.d. Desember"]
    elif len(runs) == 1 and len(ms) > 1:
        a, b = runs[0]
        opts += [f"{names[a - 1]} - {names[b - 1]}", f"{names[a - 1]} s.d. {names[b - 1]}",
                 f"{names[a - 1]} – {names[b - 1]}", f"{SHORT_MONTHS[a - 1]}-{SHORT_MONTHS[b - 1]}",
                 f"{names[a - 1]} sampai dengan {names[b - 1]}"]
    if ms == list(range(1, 7)):
        opts += ["Semester I"] * 3
    if ms == list(range(7, 13)):
        opts += ["Semester II"] * 3
    if qs and _quarter_months(qs) == ms and len(qs) < 4:
        romans = [ROMAN[q - 1] for q in qs]
        listed = romans[0] if len(romans) == 1 else ", ".join(romans[:-1]) + " dan " + romans[-1]
        opts += [f"Triwulan {listed}"] * 2 + [f"TW {listed}"] * 2
    if len(ms) == 1:
        m = ms[0]
        opts += [names[m - 1], f"{LONG_MONTHS[m - 1]} {year}", f"Minggu ke-{rng.randint(1, 4)} {names[m - 1]}"]
    elif len(runs) > 1:
        if len(ms) == 2:
            opts.append(f"{names[ms[0] - 1]} dan {names[ms[1] - 1]}")
        else:
            listed = [names[m - 1] for m in ms]
            opts += [", ".join(listed), ", ".join(listed[:-1]) + " dan " + listed[-1]]
        if len(runs) == 2 and all(b > a for a, b in runs):
            opts.append(" dan ".join(f"{names[a - 1]} - {names[b - 1]}" for a, b in runs))
    return rng.choice(opts)


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
          pack_sep: str, contiguous: bool = False, as_of: int | None, shape: str | None = None) -> list[Act]:
    """A random subset of the catalogue, office name filled in, with schedules (and realisation).

    `shape` (see _shaped) overrides `contiguous` for the issue 6 families; old families keep their draws."""
    shape = shape or ("run" if contiguous else "any")

    def draw() -> list[int]:
        return _schedule(rng) if shape == "any" else _shaped(rng, shape)

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
                base = _run(rng) if shape == "run" else draw()
                if per_indicator:
                    rows = []
                    for i, it in enumerate(items, 1):
                        sched = base if (i == 1 or rng.random() < 0.7) else draw()
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
    # issue 6 settings
    grid: str = "month"                   # what one grid column is: month | week (4 per month) | quarter
    shape: str | None = None              # month-set shape of the schedules (see _shaped); None = as before
    varies: frozenset = frozenset()       # issue 6 variation keys this family draws from its seed
    defaults: tuple = ()                  # (key, value) overriding the neutral value of issue 6 keys
    container: str = "xlsx"               # xlsx | xls (written with xlwt)
    month_headers: tuple[str, ...] = MONTH_HEADERS  # month labels the seed may draw


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


def _t_generic(c: "Ctx", _a) -> list[str]:
    """Issue 6 families: the office in the title, or (satker_place) only in a Unit Kerja line or the signature."""
    place = c.var["satker_place"]
    if place == "title":
        return c.rng.choice((["RENCANA AKSI REFORMASI BIROKRASI", c.styled, f"TAHUN {c.year}"],
                             [f"RENCANA AKSI REFORMASI BIROKRASI {c.styled} TAHUN {c.year}"],
                             ["MATRIKS RENCANA AKSI REFORMASI BIROKRASI", c.styled, f"TAHUN ANGGARAN {c.year}"]))
    lines = [f"RENCANA AKSI REFORMASI BIROKRASI TAHUN {c.year}"]
    if place == "unit_kerja":
        lines.append(f"Unit Kerja : {c.satker}")
    return lines


def _t_rowpairs(c: "Ctx", _a) -> list[str]:
    return ["RENCANA DAN REALISASI AKSI REFORMASI BIROKRASI", f"DI LINGKUNGAN {c.styled}",
            f"TAHUN {c.year} (S.D. BULAN {LONG_MONTHS[c.as_of - 1].upper()})"]


_M = ("months", "")
_W_TEXT = (("area", 22), ("kegiatan", 30), ("sub", 40), ("indikator", 45))
_HIER = (("no", "NO"), ("area", "AREA PERUBAHAN"), ("kegiatan", "KEGIATAN"), ("sub", "SUB KEGIATAN"),
         ("indikator", "INDIKATOR KEBERHASILAN"))
_COMMON = frozenset({"hierarchy", "satker_place", "extras", "total_row", "notes", "sheet_name"})
_GRID = _COMMON | {"grid_mark"}


def _new(family: str, sheets: tuple[str, ...], schedule_cols: tuple, schedule: str, *, varies=frozenset(),
         **kw) -> Layout:
    """An issue 6 family: the common hierarchy columns, its schedule columns, KET; title via _t_generic."""
    kw.setdefault("grouped_header", True)
    kw.setdefault("merge_header", True)
    kw.setdefault("fmt_sub", "{letter}. {name}")
    return Layout(family, sheets, _t_generic, _HIER + schedule_cols + (("ket", "KET"),), "first", schedule,
                  varies=frozenset(varies), widths=_W_TEXT, **kw)


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
    # ---- issue 6 families (../shared/fixtures/plans2)
    "weekly": _new("weekly", ("Renaksi RB {year}", "Jadwal Mingguan", "Sheet1"), (_M,), "grid", grid="week",
                   varies=_GRID | {"week_labels"}, months_label="JADWAL PELAKSANAAN", month_header="names_long",
                   month_headers=("names_long", "names_short", "english"), defaults=(("grid_mark", "fill"),)),
    "symbols": _new("symbols", ("RENAKSI", "Renaksi RB", "Sheet1"), (_M,), "symbol",
                    varies=_COMMON | {"symbol", "symbol_decoy"}, months_label="BULAN KE-"),
    "text": _new("text", ("Rencana Aksi", "Renaksi", "Sheet1"), (("text", "WAKTU PELAKSANAAN"),), "text",
                 shape="text", grouped_header=False, merge_header=False,
                 varies=_COMMON | {"text_header", "text_upper", "unreadable_text"}),
    "dates": _new("dates", ("Jadwal Renaksi", "Jadwal", "Sheet1"), (("start", "MULAI"), ("end", "SELESAI")),
                  "dates", shape="dates", grouped_header=False, merge_header=False,
                  varies=_COMMON | {"date_headers", "date_format", "durasi"}),
    "quarterly": _new("quarterly", ("RB {year}", "Renaksi", "Sheet1"), (_M,), "grid", grid="quarter",
                      shape="quarters", months_label="TARGET PELAKSANAAN", varies=_GRID | {"quarter_labels"}),
    "month_labels": _new("month_labels", ("Renaksi", "Jadwal Kegiatan RB", "Sheet1"), (_M,), "grid",
                         months_label="SCHEDULE (MONTH)", month_header="english", varies=_GRID,
                         month_headers=("english", "roman")),
    "bars": _new("bars", ("Jadwal Kegiatan RB", "Renaksi", "Sheet1"), (_M,), "bars", shape="run",
                 months_label="JADWAL (BULAN)", varies=_COMMON | {"bar_fill"}),
    "signature_office": _new("signature_office", ("RB {year}", "Renaksi", "Sheet1"), (_M,), "grid",
                             months_label="BULAN", varies=_GRID, defaults=(("satker_place", "signature"),)),
    "extra_columns": _new("extra_columns", ("Renaksi RB", "Rencana Aksi dan Anggaran", "Sheet1"), (_M,), "grid",
                          months_label="JADWAL PELAKSANAAN (BULAN)", varies=_GRID,
                          defaults=(("extras", "between"), ("total_row", True), ("notes", True))),
    "gantt_sheet": _new("gantt_sheet", ("Gantt Chart RB", "Jadwal"), (_M,), "grid",
                        months_label="JADWAL PELAKSANAAN", varies=_GRID, defaults=(("grid_mark", "fill"),)),
}
# Legacy .xls: the seed layouts as Excel 97-2003 files (shading; ticks).
LAYOUTS["xls_shaded"] = replace(LAYOUTS["merged_fill"], family="xls_shaded", container="xls",
                                sheet_names=("Lampiran", "Sheet1"))
LAYOUTS["xls_ticks"] = replace(LAYOUTS["checks"], family="xls_ticks", container="xls")
assert set(LAYOUTS) == set(ALL_FAMILIES)


# --------------------------------------------------------------------------------------------- writing

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
        area_label = lay.fmt_area.format(n=act.area_no, name=_area_label(act.area_no, var["area_names"]))
        keg_label = lay.fmt_keg.format(code=act.keg_code, k=act.keg_no, name=act.kegiatan)
        sub_label = lay.fmt_sub.format(letter=_letter(act.sub_no), s=act.sub_no, name=act.sub)
        if hierarchy == "sections":
            if new_area:
                label = _area_label(act.area_no, var["area_names"]).upper()
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
        for a, b in _runs(row.planned):
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
    _, place = _split_satker(c.satker)
    month = c.rng.randint(1, 2) if c.as_of is None else min(12, c.as_of + 1)
    if c.var.get("satker_place") == "signature":
        role = c.rng.choice(("SEKRETARIS", "SEKRETARIS", "KETUA"))
        lines = [f"{_SEAT.get(place, place)}, {c.rng.randint(1, 28)} {LONG_MONTHS[month - 1]} {c.year}",
                 f"{role} {styled_satker(c.satker, 'kpu')},", None, "ttd", None, c.rng.choice(SIGNERS),
                 f"NIP. 19{c.rng.randint(60, 89)}{c.rng.randint(1, 12):02d}{c.rng.randint(1, 28):02d}"
                 f" {c.rng.randint(1990, 2015)}{c.rng.randint(1, 12):02d} {c.rng.randint(1, 2)} 00{c.rng.randint(1, 9)}"]
    else:
        lines = [f"Ditetapkan di {_SEAT.get(place, place)}",
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


def _fill_sheet(ws, c: Ctx, acts: list[Act], area: str | None = None) -> None:
    """Title block, table, notes, legend and signature of one sheet."""
    lay = c.lay
    dr, dc = c.var["offset"]
    sh = _Sheet(ws, dr, dc, c.styles)
    cols = _Cols(c)
    r = 1
    title = lay.title if c.var.get("satker_place", "title") == "title" else _t_generic
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


def _sheet_name(lay: Layout, c: Ctx, pick: int) -> str:
    if c.var.get("sheet_name"):
        return c.var["sheet_name"]
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


# --------------------------------------------------------------------------------------------- .xls

# Office theme accents (no tint): xlwt has no theme colours, an .xls stores the palette colour.
THEME_RGB = {0: "FFFFFF", 1: "000000", 2: "E7E6E6", 3: "44546A", 4: "4472C4", 5: "ED7D31", 6: "A5A5A5",
             7: "FFC000", 8: "5B9BD5", 9: "70AD47"}


def _save_xls(wb: Workbook, path: Path) -> None:
    """Write the openpyxl workbook as Excel 97-2003 (BIFF8) with xlwt: values, fonts (symbol fonts with
    the symbol charset), solid fills (custom palette entries), number formats, merges, hidden sheets."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    palette: dict[str, int] = {}
    styles: dict[tuple, object] = {}

    def colour(color) -> int | None:
        if color is None:
            return None
        if color.type == "indexed":
            return color.indexed if 8 <= color.indexed < 56 else None
        rgb = THEME_RGB.get(color.theme, "70AD47") if color.type == "theme" else str(color.rgb)[-6:].upper()
        if rgb == "FFFFFF":
            return 1  # palette white
        if rgb not in palette:
            idx = 63 - len(palette)
            book.set_colour_RGB(idx, int(rgb[:2], 16), int(rgb[2:4], 16), int(rgb[4:], 16))
            palette[rgb] = idx
        return palette[rgb]

    def style_of(cell):
        fill = cell.fill if cell.fill is not None and cell.fill.fill_type == "solid" else None
        key = (cell.font.name, bool(cell.font.bold), colour(fill.fgColor) if fill else None, cell.number_format,
               bool(cell.alignment.wrap_text))
        st = styles.get(key)
        if st is None:
            st = xlwt.XFStyle()
            font = xlwt.Font()
            font.name = key[0] or "Calibri"
            font.bold = key[1]
            if font.name.startswith(("Wingdings", "Webdings", "Symbol")):
                font.charset = xlwt.Font.CHARSET_SYMBOL
            st.font = font
            if key[2] is not None:
                pattern = xlwt.Pattern()
                pattern.pattern = xlwt.Pattern.SOLID_PATTERN
                pattern.pattern_fore_colour = key[2]
                st.pattern = pattern
            st.num_format_str = key[3] or "General"
            if key[4]:
                st.alignment.wrap = 1
            styles[key] = st
        return st

    for ws in wb.worksheets:
        xs = book.add_sheet(ws.title, cell_overwrite_ok=True)
        if ws.sheet_state != "visible":
            xs.visibility = 1
        for (r, col), cell in sorted(ws._cells.items()):
            if cell.value is None and not cell.has_style:
                continue
            xs.write(r - 1, col - 1, cell.value, style_of(cell))
        for rng in ws.merged_cells.ranges:
            xs.merge(rng.min_row - 1, rng.max_row - 1, rng.min_col - 1, rng.max_col - 1)
        for letter, dim in ws.column_dimensions.items():
            if dim.width:
                xs.col(column_index_from_string(letter) - 1).width = int(256 * dim.width)
        if ws.conditional_formatting:
            raise ValueError("conditional formatting cannot be written to .xls")
    book.save(str(path))


def save(wb: Workbook, path) -> Path:
    """Save an openpyxl workbook as .xlsx, or as Excel 97-2003 when the path ends in .xls (tests build
    small legacy quirk workbooks with it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xls":
        _save_xls(wb, path)
    else:
        wb.save(path)
    return path


# --------------------------------------------------------------------------------------------- API

# Neutral values of the issue 6 keys: what every family writes unless its Layout draws or sets the key.
NEUTRAL = {"hierarchy": None, "grid_mark": "mark", "week_labels": "numbers", "quarter_labels": "tw",
           "symbol": "wingdings_u", "symbol_decoy": False, "text_header": TEXT_HEADERS[0], "text_upper": False,
           "unreadable_text": False, "date_headers": 0, "date_format": "date", "durasi": False,
           "bar_fill": "all", "satker_place": "title", "extras": "none", "total_row": False, "notes": False,
           "sheet_name": None}
_OPTIONS = {"hierarchy": HIERARCHIES, "grid_mark": GRID_MARKS, "week_labels": WEEK_LABELS,
            "quarter_labels": QUARTER_LABELS, "symbol": tuple(SYMBOLS), "text_header": TEXT_HEADERS,
            "date_headers": tuple(range(len(DATE_HEADERS))), "date_format": DATE_FORMATS, "bar_fill": BAR_FILLS,
            "satker_place": SATKER_PLACES, "extras": EXTRAS}
_CHANCE = {"symbol_decoy": 0.5, "text_upper": 0.2, "unreadable_text": 0.6, "durasi": 0.5, "total_row": 0.4,
           "notes": 0.4}


def _draw_issue6(lay: Layout, seed: int) -> dict:
    """Issue 6 keys: neutral, the layout's defaults, then the seed's draws for the keys it varies (own
    random stream, so old families' variations stay what they were)."""
    out = dict(NEUTRAL)
    out.update(dict(lay.defaults))
    rng = random.Random(f"variation6:{lay.family}:{seed}")
    for key in sorted(lay.varies):
        if key == "sheet_name":
            if rng.random() < 0.15:
                out[key] = rng.choice(("Gantt Chart RB", "Jadwal"))
        elif key == "satker_place":
            if rng.random() < 0.25:
                out[key] = rng.choice(SATKER_PLACES)
        elif key in _OPTIONS:
            if rng.random() < 0.6:
                out[key] = rng.choice(_OPTIONS[key])
        elif key in _CHANCE:
            out[key] = rng.random() < _CHANCE[key] if out[key] is False else rng.random() < 0.8
    return out


def resolve_variation(family: str, seed: int, variation: dict | None = None) -> dict:
    """The full variation `generate` uses: given keys kept, the others drawn from the seed."""
    if family not in LAYOUTS:
        raise ValueError(f"unknown family {family!r}; expected one of {ALL_FAMILIES}")
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
        "month_header": pick(lay.month_header, lay.month_headers),
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
    drawn.update(_draw_issue6(lay, seed))
    drawn.update(given)
    off = drawn["offset"]
    if off is True:
        off = (rng.randint(1, 6), rng.randint(1, 3))
    drawn["offset"] = tuple(off) if off else (0, 0)
    if drawn["mark"] not in MARKS:
        raise ValueError(f"mark {drawn['mark']!r} not in {MARKS}")
    for key, options in (("fill", FILLS), ("month_header", MONTH_HEADERS + MORE_MONTH_HEADERS),
                         ("satker_style", SATKER_STYLES), ("area_names", AREA_NAMINGS), *_OPTIONS.items()):
        if drawn[key] not in options and not (key == "hierarchy" and drawn[key] is None):
            raise ValueError(f"{key} {drawn[key]!r} not in {options}")
    if not 0 < float(drawn["coverage"]) <= 1:
        raise ValueError("coverage must be in (0, 1]")
    if drawn["month_header"] in MORE_MONTH_HEADERS and lay.schedule in ("startend", "monev", "pairs"):
        raise ValueError(f"month_header {drawn['month_header']!r} is not written by {family!r}")
    return drawn


def file_suffix(family: str) -> str:
    """The file extension a family is written with ('.xls' for the legacy families)."""
    return ".xls" if LAYOUTS[family].container == "xls" else ".xlsx"


def generate(path, family: str, satker: str, year: int, seed: int, *, variation: dict | None = None) -> dict:
    """Write one workbook of `family` for `satker`; return its truth (fixtures' *.truth.json format; text
    schedules add `schedule_text` to each record).  A path ending in .xls writes Excel 97-2003."""
    var = resolve_variation(family, seed, variation)
    lay = LAYOUTS[family]
    path = Path(path)
    xls = path.suffix.lower() == ".xls"
    if lay.container == "xls" and not xls:
        raise ValueError(f"family {family!r} is written as .xls; got {path.name!r}")
    if xls and lay.schedule == "startend":
        raise ValueError("startend shades by conditional formatting, which .xls cannot hold")
    rng = random.Random(f"{family}:{satker}:{year}:{seed}")
    realised = lay.schedule in ("monev", "pairs")
    as_of = int(var["as_of_month"]) if realised else None
    mark_fill = rng.choice(MARK_FILLS[var["fill"]])
    if lay.schedule == "dates":
        var["_date_fmt"] = rng.choice(("dd/mm/yyyy", "d mmmm yyyy", "dd-mmm-yy"))
    ctx = Ctx(rng, satker, styled_satker(satker, var["satker_style"]), year, var, lay, as_of, mark_fill)
    # An office named only in a signature or Unit Kerja line is not in the activity texts either.
    named = satker if var["satker_place"] == "title" else "Satker"
    acts = _plan(rng, named, year, float(var["coverage"]), per_indicator=lay.per_indicator,
                 pack_sep=lay.pack_sep, contiguous=lay.schedule == "startend", as_of=as_of, shape=lay.shape)

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
                      contiguous=lay.schedule == "startend", as_of=as_of, shape=lay.shape)
        if family == "multisheet":
            oacts = [a for a in oacts if a.area_no == oacts[0].area_no]
        hidden = wb.create_sheet(rng.choice(("Template", "Contoh", "Lama", "Sheet2")))
        _fill_sheet(hidden, octx, oacts, _area_label(oacts[0].area_no, var["area_names"]))
        hidden.sheet_state = "hidden"
    if var["recap_sheet"]:
        _recap(wb, acts, var["area_names"], 1 if family == "multisheet" else rng.choice((0, len(wb.sheetnames))))

    save(wb, path)
    order = {name: i for i, name in enumerate(wb.sheetnames)}
    records.sort(key=lambda x: (order[x["sheet"]], x["row"]))
    return {"file": path.name, "satker": satker, "year": year, "layout": family, "as_of_month": as_of,
            "records": records}


# --------------------------------------------------------------------------------------------- scoring

_MARK = re.compile(r"(^|\s)(\(?[0-9]{1,2}[.)]|\(?[a-z][.)]|[ivx]+\.|-|•)(?=\s)")


def _norm_text(s) -> str:
    if s is None:
        return ""
    if isinstance(s, list):
        s = " ".join(str(x) for x in s if x)
    s = re.sub(r"<[^>]+>", " ", str(s)).casefold()
    s = re.sub(r"^\s*(\d+\.)+\d*\s*", " ", s)
    s = _MARK.sub(" ", " " + s)
    s = re.sub(r"[^\w%]+", " ", s)
    return " ".join(s.split())


def _same_text(truth, got) -> bool:
    import difflib
    t, g = _norm_text(truth), _norm_text(got)
    return not t or t in g or difflib.SequenceMatcher(None, t, g).ratio() >= 0.9


def _norm_satker(s) -> str:
    s = (s or "").casefold().replace("komisi pemilihan umum", "kpu").replace("kab.", "kabupaten")
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def compare(truth: dict, out: dict):
    """Score a `parse --json` dict against a truth: (ok, n, extra, {field: count}, [satker/year problems]).

    The same rules as ../shared/tools/score_parse.py (records keyed by sheet and row, loose text), kept
    here so a clone without ../shared scores generated workbooks the same way."""
    got: dict = {}
    for a in out.get("activities", []):
        key = (str(a.get("sheet")), int(a.get("row", -1)))
        g = got.setdefault(key, {"area_no": a.get("area_no"), "kegiatan": [], "sub_kegiatan": [],
                                  "indikator": [], "planned": set(), "realized": set()})
        for f in ("kegiatan", "sub_kegiatan", "indikator"):
            v = a.get(f)
            g[f].extend(v if isinstance(v, list) else [v])
        g["planned"] |= set(a.get("planned_months") or [])
        g["realized"] |= set(a.get("realized_months") or [])
    fails: dict[str, int] = {}
    ok = 0
    for t in truth["records"]:
        g = got.get((t["sheet"], t["row"]))
        why = []
        if g is None:
            why.append("missing")
        else:
            if set(t["planned_months"]) != g["planned"]:
                why.append("planned_months")
            if "realized_months" in t and set(t["realized_months"]) != g["realized"]:
                why.append("realized_months")
            if t["area_no"] != g["area_no"]:
                why.append("area_no")
            joined = {f: " ".join(x for x in dict.fromkeys(g[f]) if x) for f in ("kegiatan", "sub_kegiatan", "indikator")}
            if t.get("kegiatan") is None:  # one activity level: either parsed level may hold it
                joined["sub_kegiatan"] = joined["kegiatan"] + " " + joined["sub_kegiatan"]
            for f in ("kegiatan", "sub_kegiatan", "indikator"):
                if t.get(f) is not None and not _same_text(t[f], joined[f]):
                    why.append(f)
        for w in why:
            fails[w] = fails.get(w, 0) + 1
        ok += not why
    extra = len(set(got) - {(t["sheet"], t["row"]) for t in truth["records"]})
    meta = []
    if _norm_satker(out.get("satker")) != _norm_satker(truth["satker"]):
        meta.append(f"satker={out.get('satker')!r}")
    if out.get("year") != truth["year"]:
        meta.append(f"year={out.get('year')!r}")
    return ok, len(truth["records"]), extra, fails, meta


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
