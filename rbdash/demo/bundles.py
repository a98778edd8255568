"""Files that hold several plans, with their ground truth in the ``plans: [...]`` convention of
../shared/fixtures/plans3: two years of one office on two sheets, and a province's compilation with
one sheet per office, each laid out as that office sent it (any demo family, or an outline), with a
cover and a recap sheet that are no plan, and optionally the province office's own sheet.

The sheets are the demo families' own writers (``demo.add_plan_sheet``, ``outline.add_outline_sheet``);
this module only puts them together.  ``compare_plans`` scores a ``parse --json`` output (one object
or an array) against such a truth with the shared scorer's rules, pairing plans by office and year.
"""

from __future__ import annotations

import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from rbdash.demo import add_plan_sheet, compare, office_names
from rbdash.demo.compare import scorer_name
from rbdash.demo.outline import add_outline_sheet
from rbdash.demo.xls import save
from rbdash.regions import regions

# families a bundle's sheets are drawn from (one sheet each; multisheet takes a workbook of its own)
SHEET_FAMILIES = ("merged_fill", "checks", "sections", "flat", "weekly", "symbols", "text", "dates",
                  "quarterly", "month_labels", "bars", "extra_columns", "outline")
_PLAIN = {"hidden_sheet": False, "recap_sheet": False, "satker_place": "title", "sheet_name": None}
BOLD = Font(bold=True)


def _sheet(wb, family: str, satker: str, year: int, seed: int, sheet_name: str, variation: dict | None = None):
    """One plan as a sheet of `wb`, of a demo family or an outline; its truth records."""
    if family == "outline":
        rng = random.Random(f"bundle-outline:{satker}:{year}:{seed}")
        return add_outline_sheet(wb, satker, year, seed, sheet_name=sheet_name,
                                 numbering=rng.choice(("roman", "letter", "digits")),
                                 indent=rng.choice(("spaces", "cell", "none")),
                                 schedule=rng.choice(("grid", "quarter", "text")))
    return add_plan_sheet(wb, family, satker, year, seed, variation={**_PLAIN, **(variation or {})},
                          sheet_name=sheet_name)


def two_years(path, satker: str, years: tuple[int, ...], seed: int, *, families: tuple[str, ...] | None = None,
              sheet_names: str = "RENAKSI {year}") -> dict:
    """One office's plans for several years in one workbook, a sheet per year (each a family drawn
    from the seed unless given); its truth with ``plans``."""
    rng = random.Random(f"two_years:{satker}:{seed}")
    families = families or tuple(rng.choice(SHEET_FAMILIES) for _ in years)
    wb = Workbook()
    wb.remove(wb.active)
    plans = []
    for k, (year, family) in enumerate(zip(years, families)):
        name = sheet_names.format(year=year)
        plans.append({"satker": satker, "year": year, "records": _sheet(wb, family, satker, year, seed + k, name)})
    save(wb, Path(path))
    return {"file": Path(path).name, "family": "two_years_one_file", "plans": plans}


def province_offices(province: str, count: int, seed: int) -> list[str]:
    """`count` kabupaten/kota offices of a province of the official list, drawn from the seed."""
    units = regions()[province]
    names = [f"KPU Kabupaten {n}" for n in units["kabupaten"]] + [f"KPU Kota {n}" for n in units["kota"]]
    return random.Random(f"offices:{province}:{seed}").sample(names, count)


def compilation(path, province: str, year: int, seed: int, *, offices: list[str] | None = None,
                families: tuple[str, ...] | None = None, own_sheet: bool = False, sheet_names: str = "place",
                cover: bool = True, recap: str | None = "counts", satker_place: str = "title") -> dict:
    """A province's compilation: a cover naming the compiling office, one sheet per kabupaten/kota
    office (3-5 drawn from the province unless given; ``sheet_names`` 'place' names each sheet
    after its place, 'office' after the office, 'numbered' 'Lampiran k'), each of a family drawn from
    the seed unless given, a recap sheet (``recap`` 'counts' per office and month, or 'listing':
    every office's activities again in one table), and with ``own_sheet`` the province office's own
    plan too.  ``satker_place`` 'signature' names each office only in its sheet's
    signature block (outline sheets keep their title).  Its truth with ``plans`` (the province office
    only with ``own_sheet``)."""
    rng = random.Random(f"compilation:{province}:{year}:{seed}")
    offices = offices or province_offices(province, rng.randint(3, 5), seed)
    if own_sheet:
        offices = [f"KPU Provinsi {province}"] + list(offices)
    families = families or tuple(rng.choice(SHEET_FAMILIES) for _ in offices)
    wb = Workbook()
    wb.remove(wb.active)
    if cover:
        ws = wb.create_sheet("Sampul")
        for line in ("KOMPILASI RENCANA AKSI REFORMASI BIROKRASI", f"KPU KABUPATEN/KOTA SE-{province.upper()}",
                     f"TAHUN {year}", "", f"KPU PROVINSI {province.upper()}"):
            ws.append([line])
    plans = []
    for k, (satker, family) in enumerate(zip(offices, families)):
        place = satker.split(" ", 2)[-1]
        name = {"place": place, "office": satker.replace("Kabupaten", "Kab."), "numbered": f"Lampiran {k + 1}"}[
            sheet_names][:31]
        records = _sheet(wb, family, satker, year, seed * 100 + k, name, {"satker_place": satker_place})
        plans.append({"satker": satker, "year": year, "records": records})
    if recap:
        (_listing if recap == "listing" else _recap)(wb, province, year, plans)
    save(wb, Path(path))
    return {"file": Path(path).name, "family": "province_bundle", "plans": plans}


def _recap(wb, province: str, year: int, plans: list[dict]) -> None:
    """A recap of counts per office and month: it has a plan-like header, but it is no plan."""
    ws = wb.create_sheet("Rekap")
    ws.append([f"REKAPITULASI RENCANA AKSI RB KPU PROVINSI {province.upper()} TAHUN {year}"])
    ws.append([])
    ws.append(["NO", "SATKER", "JUMLAH KEGIATAN", "JUMLAH INDIKATOR", *range(1, 13)])
    for c in range(1, 17):
        ws.cell(3, c).font = BOLD
    for k, plan in enumerate(plans, 1):
        per_month = [sum(m in r["planned_months"] for r in plan["records"]) for m in range(1, 13)]
        ws.append([k, plan["satker"], len({r["kegiatan"] for r in plan["records"]}), len(plan["records"]),
                   *per_month])


def _listing(wb, province: str, year: int, plans: list[dict]) -> None:
    """A recap listing every office's activities in one table (texts and ticks): it repeats the
    plans, it is none of them."""
    ws = wb.create_sheet("Rekap Kompilasi")
    ws.append([f"REKAPITULASI RENCANA AKSI RB KPU KABUPATEN/KOTA SE-{province.upper()} TAHUN {year}"])
    ws.append([])
    ws.append(["NO", "SATKER", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR", *range(1, 13)])
    k = 0
    for plan in plans:
        for r in plan["records"]:
            if r["planned_months"]:
                k += 1
                ws.append([k, plan["satker"], r["kegiatan"], r["sub_kegiatan"], r["indikator"],
                           *("√" if m in r["planned_months"] else None for m in range(1, 13))])


def demo_offices(count: int, seed: int) -> list[str]:
    """Offices for tests that need any, drawn from the demo's office list."""
    names = office_names()
    return random.Random(f"demo_offices:{seed}").sample(names[:500], count)


def compare_plans(truth: dict, out) -> tuple:
    """Score a parse (one plan object or an array of them) against a truth with ``plans`` (or one
    plan): (right, records, extra, {field: count}, [problems]).  Plans pair by office and year; a
    truth plan without a partner counts its records missing, a parsed plan without one its
    activities as extra, and both are named in the problems."""
    outs = out if isinstance(out, list) else [out]
    truths = truth["plans"] if "plans" in truth else [truth]
    key = _plan_key
    got = {key(o["satker"], o["year"]): o for o in outs}
    ok = n = extra = 0
    fails: dict[str, int] = {}
    meta = []
    for t in truths:
        o = got.pop(key(t["satker"], t["year"]), None)
        if o is None:
            n += len(t["records"])
            fails["missing_plan"] = fails.get("missing_plan", 0) + len(t["records"])
            meta.append(f"missing plan {t['satker']} {t['year']}")
            continue
        right, count, more, why, problems = compare({**t, "file": truth.get("file")}, o)
        ok, n, extra = ok + right, n + count, extra + more
        for f, c in why.items():
            fails[f] = fails.get(f, 0) + c
        meta += problems
    for o in got.values():
        extra += len(o.get("activities", []))
        meta.append(f"extra plan {o['satker']} {o['year']}")
    return ok, n, extra, fails, meta


def _plan_key(satker, year):
    """Office and year as the scorer pairs plans (compare.scorer_name)."""
    return scorer_name(satker), year
