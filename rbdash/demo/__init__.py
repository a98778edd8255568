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
import random
import re
from pathlib import Path

from openpyxl import Workbook

from rbdash.demo.content import (
    ALL_FAMILIES,
    AREA_NAMINGS,
    BAR_FILLS,
    DATE_FORMATS,
    DATE_HEADERS,
    EXTRAS,
    FILLS,
    GRID_MARKS,
    HIERARCHIES,
    MARKS,
    MONTH_HEADERS,
    MORE_MONTH_HEADERS,
    QUARTER_LABELS,
    SATKER_PLACES,
    SATKER_STYLES,
    SYMBOLS,
    TEXT_HEADERS,
    VARIATION_KEYS,
    WEEK_LABELS,
    all_office_names,
    draw_plan,
    given_variation,
    styled_area,
    styled_satker,
)
from rbdash.demo.layouts import LAYOUTS, Layout
from rbdash.demo.writer import MARK_FILLS, Ctx, area_sheet_name, fill_sheet, plan_sheet_name, write_recap
from rbdash.demo.xls import save

# the public face of rbdash.demo (tests, benchmarks, samples), re-exported from its modules
from rbdash.demo.compare import compare
from rbdash.demo.content import (
    ENGLISH_MONTHS,
    FAMILIES,
    LONG_MONTHS,
    NEW_FAMILIES,
    ROMAN,
    UNREADABLE,
    catalogue,
    office_names,
    schedule_phrase,
)


__all__ = ["ALL_FAMILIES", "add_plan_sheet", "DATE_HEADERS", "ENGLISH_MONTHS", "FAMILIES", "LONG_MONTHS", "NEUTRAL", "NEW_FAMILIES",
           "ROMAN", "SYMBOLS", "TEXT_HEADERS", "UNREADABLE", "catalogue", "compare", "file_suffix", "generate",
           "office_names", "resolve_variation", "save", "schedule_phrase", "write_samples"]

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
    given = given_variation(variation, VARIATION_KEYS)
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
    schedules add `schedule_text` to each record).  A path ending in .xls writes Excel 97-2003, .ods
    OpenDocument (rbdash.demo.ods)."""
    var = resolve_variation(family, seed, variation)
    lay = LAYOUTS[family]
    path = Path(path)
    xls = path.suffix.lower() == ".xls"
    if lay.container == "xls" and not xls:
        raise ValueError(f"family {family!r} is written as .xls; got {path.name!r}")
    if xls and lay.schedule == "startend":
        raise ValueError("startend shades by conditional formatting, which .xls cannot hold")
    rng, ctx, acts, as_of, mark_fill = _office_plan(family, satker, year, seed, var)

    wb = Workbook()
    wb.remove(wb.active)
    if family == "multisheet":
        ws = wb.create_sheet("Petunjuk")
        for line in ("PETUNJUK PENGISIAN", "1. Isi kolom kegiatan, sub kegiatan dan indikator sesuai Juknis RB.",
                     f"2. Beri tanda {var['mark']} pada bulan pelaksanaan."):
            ws.append([line])
        for n in sorted({a.area_no for a in acts}):
            ws = wb.create_sheet(area_sheet_name(n, var["area_names"]))
            fill_sheet(ws, ctx, [a for a in acts if a.area_no == n], styled_area(n, var["area_names"]))
    else:
        pick = 0 if rng.random() < 0.6 else rng.randrange(len(lay.sheet_names))
        ws = wb.create_sheet(plan_sheet_name(lay, ctx, pick))
        fill_sheet(ws, ctx, acts)
    records = ctx.records

    if var["hidden_sheet"]:
        others = [n for n in all_office_names()[:100] if n != satker]
        other = others[rng.randrange(len(others))]
        octx = Ctx(rng, other, styled_satker(other, "kpu"), year - 1, var, lay, as_of, mark_fill,
                   styles=ctx.styles)
        oacts = draw_plan(rng, other, year - 1, 0.6, per_indicator=lay.per_indicator, pack_sep=lay.pack_sep,
                      contiguous=lay.schedule == "startend", as_of=as_of, shape=lay.shape)
        if family == "multisheet":
            oacts = [a for a in oacts if a.area_no == oacts[0].area_no]
        hidden = wb.create_sheet(rng.choice(("Template", "Contoh", "Lama", "Sheet2")))
        fill_sheet(hidden, octx, oacts, styled_area(oacts[0].area_no, var["area_names"]))
        hidden.sheet_state = "hidden"
    if var["recap_sheet"]:
        write_recap(wb, acts, var["area_names"], 1 if family == "multisheet" else rng.choice((0, len(wb.sheetnames))))

    save(wb, path)
    order = {name: i for i, name in enumerate(wb.sheetnames)}
    records.sort(key=lambda x: (order[x["sheet"]], x["row"]))
    return {"file": path.name, "satker": satker, "year": year, "layout": family, "as_of_month": as_of,
            "records": records}


def _office_plan(family: str, satker: str, year: int, seed: int, var: dict):
    """(rng, writer context, activities, as-of month, mark fill) of one office's plan of `family`."""
    lay = LAYOUTS[family]
    rng = random.Random(f"{family}:{satker}:{year}:{seed}")
    realised = lay.schedule in ("monev", "pairs")
    as_of = int(var["as_of_month"]) if realised else None
    mark_fill = rng.choice(MARK_FILLS[var["fill"]])
    if lay.schedule == "dates":
        var["_date_fmt"] = rng.choice(("dd/mm/yyyy", "d mmmm yyyy", "dd-mmm-yy"))
    ctx = Ctx(rng, satker, styled_satker(satker, var["satker_style"]), year, var, lay, as_of, mark_fill)
    # An office named only in a signature or Unit Kerja line is not in the activity texts either.
    named = satker if var["satker_place"] == "title" else "Satker"
    acts = draw_plan(rng, named, year, float(var["coverage"]), per_indicator=lay.per_indicator,
                 pack_sep=lay.pack_sep, contiguous=lay.schedule == "startend", as_of=as_of, shape=lay.shape)
    return rng, ctx, acts, as_of, mark_fill


def add_plan_sheet(wb, family: str, satker: str, year: int, seed: int, *, variation: dict | None = None,
                   sheet_name: str | None = None) -> list[dict]:
    """Write one office's plan of `family` as a new sheet of the openpyxl workbook `wb` (files holding
    several plans: rbdash.demo.bundles); return its truth records.  Hidden and recap sheets of the
    variation are not written (a bundle adds its own)."""
    if family == "multisheet":
        raise ValueError("a multisheet plan takes a workbook of its own")
    var = resolve_variation(family, seed, variation)
    _, ctx, acts, _, _ = _office_plan(family, satker, year, seed, var)
    ws = wb.create_sheet(sheet_name or plan_sheet_name(LAYOUTS[family], ctx, 0))
    fill_sheet(ws, ctx, acts)
    return ctx.records


SAMPLES = (
    ("KPU Kota Banjarmasin", 2022, "merged_fill", 3,
     {"coverage": 1.0, "offset": (0, 0), "hidden_sheet": False, "recap_sheet": False, "legend": False,
      "fill": "rgb", "month_header": "numbers", "satker_style": "kpu", "area_names": "seed",
      "header_fill": False, "blank_fill": "none"}),
    ("KPU Kota Pasuruan", 2022, "checks", 0,
     {"coverage": 1.0, "offset": (0, 0), "hidden_sheet": False, "recap_sheet": False, "legend": False,
      "mark": "√", "month_header": "numbers", "satker_style": "kpu", "area_names": "seed"}),
    # the year before for two offices with realisation: the year-over-year view has something to compare
    ("KPU Provinsi Kalimantan Selatan", 2022, "monev", 23, {"as_of_month": 9, "hidden_sheet": False}),
    ("KPU Kabupaten Barito Kuala", 2022, "monev", 24, {"as_of_month": 9, "hidden_sheet": False}),
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
