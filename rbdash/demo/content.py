"""What the generated plans say: the families and their variation keys, office names from the
region list, catalogue activities, schedules and the phrases that write them in words."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from rbdash.areas import catalogue
from rbdash.regions import regions



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

SEATS = {"Banjar": "Martapura", "Kalimantan Selatan": "Banjarbaru", "Tanah Laut": "Pelaihari", "Tapin": "Rantau"}
MIN_OFFICES = 600


@lru_cache(maxsize=1)
def all_office_names() -> tuple[str, ...]:
    names: list[str] = []
    for prov, units in regions().items():
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
    return list(all_office_names())


def split_satker(satker: str) -> tuple[str, str]:
    m = re.match(r"KPU (Provinsi|Kabupaten|Kota) (.+)$", satker)
    return (m.group(1), m.group(2)) if m else ("", satker.removeprefix("KPU ").strip())


def styled_satker(satker: str, style: str) -> str:
    """The office as a title block writes it ('KPU KOTA X', 'KOMISI PEMILIHAN UMUM KOTA X', 'KPU Kab. X')."""
    kind, place = split_satker(satker)
    if style == "komisi":
        return f"KOMISI PEMILIHAN UMUM {kind} {place}".upper()
    if style == "abbrev":
        return f"KPU Kab. {place}" if kind == "Kabupaten" else satker
    return satker.upper()


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


def letter_of(i: int) -> str:
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


def month_runs(months: list[int]) -> list[tuple[int, int]]:
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
    runs = month_runs(ms)
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


def draw_plan(rng: random.Random, satker: str, year: int, coverage: float, *, per_indicator: bool,
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
                        rows.append(Row(f"{letter_of(i)}. {it}" if len(items) > 1 else it, it, sched))
                else:
                    packed = _pack(items, pack_sep)
                    rows = [Row(packed, packed.replace("\n", " "), base)]
                if as_of is not None:
                    for row in rows:
                        row.realized = _realize(rng, row.planned, as_of)
                acts.append(Act(area["no"], kn, f"{area['no']}.{kn}", keg["name"], sn, text(sub["name"]), rows))
    return acts


def styled_area(area_no: int, naming: str) -> str:
    if naming == "seed":
        return SEED_AREAS[area_no - 1]
    if naming == "deregulasi" and area_no == 2:
        return "Deregulasi Kebijakan"
    return catalogue()["areas"][area_no - 1]["name"]




def plan_content(rng: random.Random, satker: str, year: int, *, shape: str | None = None,
                 coverage: float = 1.0) -> list[Act]:
    """A plan's catalogue content for writers other than the table writer (rbdash.demo.outline): one
    row per sub-kegiatan, its indicators packed on lines."""
    return draw_plan(rng, satker, year, coverage, per_indicator=False, pack_sep="\n", as_of=None, shape=shape)


def given_variation(variation: dict | None, known) -> dict:
    """The variation keys a caller fixed (the others are drawn from the seed); an unknown key is
    refused by name, so a typo never silently falls back to a drawn value."""
    given = dict(variation or {})
    unknown = set(given) - set(known)
    if unknown:
        raise ValueError(f"unknown variation keys {sorted(unknown)}; known: {sorted(known)}")
    return given
