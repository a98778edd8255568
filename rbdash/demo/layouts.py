"""The layout families: which columns, headers and schedule kind each writes, as Layout settings
(one table writer, configured; no copies)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from dataclasses import dataclass, replace

from rbdash.demo.content import ALL_FAMILIES, LONG_MONTHS, MONTH_HEADERS, styled_satker

if TYPE_CHECKING:  # the writer's context; the writer imports the layouts
    from rbdash.demo.writer import Ctx


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


def generic_title(c: "Ctx", _a) -> list[str]:
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
    """An issue 6 family: the common hierarchy columns, its schedule columns, KET; title via generic_title."""
    kw.setdefault("grouped_header", True)
    kw.setdefault("merge_header", True)
    kw.setdefault("fmt_sub", "{letter}. {name}")
    return Layout(family, sheets, generic_title, _HIER + schedule_cols + (("ket", "KET"),), "first", schedule,
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


