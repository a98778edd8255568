"""Unseen-file campaign for the plans3 families (issue 19): files the project has never seen, made
for other offices and years with other surface choices, scored against their generated truth.

    python bench/unseen.py OUT [--n 6] [--families outline,header_words,...] [--no-lo] [--score-only]

Each family's variants are written by the in-repo generators (rbdash.demo: outline, bundles, the
table writer with other header words and column orders, decrees as .docx and .pdf) with surface
changes real offices make (ticks, month labels, offices and years), then, when LibreOffice is
installed (``soffice``; not in CI), saved again by it as real offices do: .xlsx -> .ods / .xls /
.xlsx (formulas get their cached results), .docx -> .pdf.  Every file is parsed in-process and
scored with ../shared/tools/score_parse.py's rules; the last lines list accuracy per family and
every file that is not perfect.  Nothing here is a test: it is how failure classes are found.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402
from openpyxl.styles import Font  # noqa: E402

from rbdash import demo  # noqa: E402
from rbdash.demo import bundles  # noqa: E402
from rbdash.demo.content import ENGLISH_MONTHS, LONG_MONTHS, SHORT_MONTHS  # noqa: E402
from rbdash.demo.docx import generate_decree  # noqa: E402
from rbdash.demo.layouts import LAYOUTS  # noqa: E402
from rbdash.demo.outline import generate_outline  # noqa: E402
from rbdash.demo.pdf import write_decree_pdf  # noqa: E402
from rbdash.excel import grid as grids  # noqa: E402

SCORER = ROOT.parent / "shared" / "tools" / "score_parse.py"
OFFICES = [n for n in demo.office_names() if "Contoh" not in n]
YEARS = (2023, 2024, 2025, 2026, 2027)

# --- surface changes on a generated workbook (truth unchanged) -----------------------------------------

TICKS = (("√", None), ("✓", None), ("✔", None), ("v", None), ("V", None), ("x", None), ("X", None),
         ("●", None), (1, None), ("ü", "Wingdings"), ("þ", "Wingdings"), ("P", "Wingdings 2"))
MONTH_STYLES = ("numbers", "text_numbers", "short", "upper_short", "long", "upper_long", "english", "dates")


def swap_ticks(wb, tick, font=None, old=("√",)):
    """Every tick cell written as ``old`` becomes ``tick`` (in ``font``)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in old:
                    cell.value = tick
                    if font:
                        cell.font = Font(name=font)


def relabel_months(wb, style, year):
    """The month header row(s) written in another style."""
    labels = {"numbers": list(range(1, 13)), "text_numbers": [str(m) for m in range(1, 13)],
              "short": list(SHORT_MONTHS), "upper_short": [m.upper() for m in SHORT_MONTHS],
              "long": list(LONG_MONTHS), "upper_long": [m.upper() for m in LONG_MONTHS],
              "english": list(ENGLISH_MONTHS), "dates": [datetime(year, m, 1) for m in range(1, 13)]}[style]
    for ws in wb.worksheets:
        for row in ws.iter_rows(max_row=min(ws.max_row, 400)):
            values = [c.value for c in row]
            cols = grids.month_row(values)
            if not cols or any(len(m) != 1 for m in cols.values()):
                continue
            firsts = {}
            for c in sorted(cols):
                firsts.setdefault(cols[c][0], c)
            for m, c in firsts.items():
                if values[c] in (None, ""):
                    continue
                row[c].value = labels[m - 1]
                row[c].number_format = "mmm" if style == "dates" else "General"


LIGHT_FILLS = ("FFF2CC", "E2EFDA", "DDEBF7", "FCE4D6", "FFFF99", "CCFFCC", "C6E0B4", "BDD7EE")


def lighten_fills(wb, rng):
    """Every solid fill that is not grey or white becomes one light colour (a pale mark)."""
    from openpyxl.styles import PatternFill
    light = rng.choice(LIGHT_FILLS)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                f = cell.fill
                rgb = f.fgColor.rgb if f is not None and f.fill_type == "solid" and f.fgColor.type == "rgb" else None
                if f is not None and f.fill_type == "solid" and rgb not in ("FFD9D9D9", "FFFFFFFF", "00000000"):
                    cell.fill = PatternFill("solid", fgColor="FF" + light)
    return f"fill={light}"


def mutate(path, rng, year, *, ticks=True, months=True, truth=None):
    """Ticks, month labels, pale fills and the title's office of a generated workbook drawn anew
    (truth unchanged); a note of what."""
    wb = load_workbook(path)
    note = []
    if truth and rng.random() < 0.5:
        sheets = {}
        for plan in truth.get("plans") or [truth]:
            for rec in plan["records"]:
                at = sheets.get(rec["sheet"], (plan["satker"], rec["row"]))
                sheets[rec["sheet"]] = (plan["satker"], min(at[1], rec["row"]))
        note.append(restyle_office(wb, rng, sheets))
    if rng.random() < 0.2:
        note.append(lighten_fills(wb, rng))
    if ticks and rng.random() < 0.7:
        tick, font = rng.choice(TICKS)
        swap_ticks(wb, tick, font)
        note.append(f"tick={tick}{'/' + font if font else ''}")
    if months and rng.random() < 0.6:
        style = rng.choice(MONTH_STYLES)
        relabel_months(wb, style, year)
        note.append(f"months={style}")
    wb.save(path)
    return " ".join(note)


# --- families -------------------------------------------------------------------------------------------

# names that test the office reader: Jakarta's administrative cities, four-word names, hyphens, "dan"
HARD = [o for o in OFFICES if "Jakarta" in o or "Seribu" in o or len(o.split()) >= 5 or "-" in o or " dan " in o]


def _office(rng, kinds=("Kabupaten", "Kota", "Provinsi")):
    pool = HARD if rng.random() < 0.2 else OFFICES
    return rng.choice([o for o in pool if o.split()[1] in kinds] or [o for o in OFFICES if o.split()[1] in kinds])


def office_forms(satker):
    """The ways a title writes ``satker`` ('KPU KAB. X', 'Komisi Pemilihan Umum Kota X', 'KPU KOTA
    ADM. JAKARTA PUSAT' …)."""
    level, place = satker.split(" ", 2)[1:]
    short = {"Kabupaten": "KAB.", "Kota": "KOTA", "Provinsi": "PROV."}[level]
    forms = [f"KPU {level.upper()} {place.upper()}", f"KOMISI PEMILIHAN UMUM {level.upper()} {place.upper()}",
             f"Komisi Pemilihan Umum {level} {place}", f"KPU {short} {place.upper()}", f"KPU {level} {place}"]
    if "Jakarta" in place and level == "Kota" or "Seribu" in place:
        adm = "KOTA" if level == "Kota" else "KABUPATEN"
        forms += [f"KPU {adm} ADM. {place.upper()}", f"KPU {adm} ADMINISTRASI {place.upper()}"]
    return forms


def restyle_office(wb, rng, sheets):
    """The office in each sheet's title rows (above its table: ``sheets`` {sheet: (office, first record
    row)}) written in another form; a note."""
    from rbdash.demo.content import styled_satker
    notes = []
    for ws in wb.worksheets:
        if ws.title not in sheets:
            continue
        satker, first = sheets[ws.title]
        old = sorted({styled_satker(satker, s) for s in ("kpu", "komisi", "abbrev")} | {satker}, key=len, reverse=True)
        new = rng.choice(office_forms(satker))
        notes.append(new)
        for row in ws.iter_rows(max_row=min(8, first - 2)):
            for cell in row:
                if isinstance(cell.value, str):
                    for form in old:
                        if form in cell.value:
                            cell.value = cell.value.replace(form, new)
                            break
    return "office=" + "/".join(dict.fromkeys(notes))


def _slug(satker, year, k, ext):
    return re.sub(r"[^a-z0-9]+", "_", satker.lower()).strip("_") + f"_{year}_{k}{ext}"


def fam_outline(out, k, rng, *, schedule=None):
    from rbdash.demo.outline import INDENTS, NUMBERINGS
    satker, year = _office(rng), rng.choice(YEARS)
    numbering = rng.choice(NUMBERINGS)
    indent = rng.choice([i for i in INDENTS if not (numbering == "none" and i == "none")])
    schedule = schedule or rng.choice(("grid", "grid", "quarter", "text"))
    path = out / _slug(satker, year, k, ".xlsx")
    truth = generate_outline(path, satker, year, k, numbering=numbering, indent=indent, schedule=schedule,
                             grey=rng.random() < 0.5, indicator_first=rng.random() < 0.6,
                             number_column=rng.random() < 0.3)
    note = mutate(path, rng, year, months=schedule == "grid", truth=truth) if schedule != "text" else ""
    return path, truth, f"{numbering}/{indent}/{schedule} {note}"


# header words offices use for each column (the parser's synonyms table must read them all)
WORDS = {
    "no": ("NO", "NO.", "No", "NOMOR"),
    "area": ("AREA PERUBAHAN", "AREA", "Area Perubahan", "AREA PERUBAHAN RB"),
    "kegiatan": ("KEGIATAN", "PROGRAM", "KEGIATAN UTAMA", "PROGRAM / KEGIATAN", "Kegiatan", "NAMA KEGIATAN"),
    "sub": ("SUB KEGIATAN", "RENCANA AKSI", "TAHAPAN KEGIATAN", "LANGKAH KEGIATAN", "Sub Kegiatan",
            "RINCIAN KEGIATAN", "SUB-KEGIATAN", "AKSI"),
    "indikator": ("INDIKATOR", "INDIKATOR KEBERHASILAN", "OUTPUT", "KELUARAN", "UKURAN KEBERHASILAN",
                  "OUTPUT / INDIKATOR", "INDIKATOR KINERJA", "TARGET OUTPUT", "Output/Keluaran"),
    "pic": ("PENANGGUNG JAWAB", "PIC", "PELAKSANA", "UNIT PELAKSANA", "PJ"),
    "ket": ("KET", "KETERANGAN", "Ket."),
}
MONTH_TITLES = ("BULAN", "JADWAL PELAKSANAAN", "WAKTU PELAKSANAAN", "BULAN PELAKSANAAN", "TIMELINE",
                "JADWAL PELAKSANAAN TAHUN {year}", "TARGET WAKTU PENYELESAIAN")


def fam_header_words(out, k, rng):
    """Other header words, other column order (the Deli Serdang family)."""
    satker, year = _office(rng), rng.choice(YEARS)
    hierarchy = rng.choice(("sections", "first", "merged"))
    text = ["kegiatan", "sub", "indikator"]
    rng.shuffle(text)
    if hierarchy != "sections":
        text.insert(rng.randrange(len(text) + 1) if rng.random() < 0.3 else 0, "area")
    keys = (["no"] if hierarchy == "sections" or rng.random() < 0.7 else []) + text
    extra = [x for x in ("pic",) if rng.random() < 0.6]
    after = ["months"] + extra + (["ket"] if rng.random() < 0.7 else [])
    if extra and rng.random() < 0.5:  # the PIC before the schedule (Deli Serdang)
        keys, after = keys + extra, ["months"] + after[2:]
    words = {key: rng.choice(WORDS[key]) for key in WORDS}
    if words["kegiatan"] == "PROGRAM" and "area" in keys and rng.random() < 0.5:
        words["kegiatan"] = "KEGIATAN"
    columns = tuple((key, words.get(key, "")) for key in keys + after)
    family = f"hw{k}"
    LAYOUTS[family] = replace(LAYOUTS["sections"], family=family, columns=columns, hierarchy=hierarchy,
                              months_label=rng.choice(MONTH_TITLES).format(year=year),
                              grouped_header=True, merge_header=rng.random() < 0.5,
                              number_row=rng.random() < 0.3, fmt_keg="{code}. {name}" if rng.random() < 0.5
                              else "{name}", fmt_sub="{letter}. {name}" if rng.random() < 0.5 else "{name}",
                              mark="√", month_header=rng.choice(("numbers", "names_short", "names_long")))
    path = out / _slug(satker, year, k, ".xlsx")
    try:
        truth = demo.generate(path, family, satker, year, k, variation={"mark": "√", "hidden_sheet": False})
    finally:
        LAYOUTS.pop(family)
    note = mutate(path, rng, year, truth=truth)
    return path, truth, f"{hierarchy} {' | '.join(w for _, w in columns)} {note}"


def fam_formula_grid(out, k, rng):
    """MULAI/SELESAI month numbers (or dates) and month cells holding formulas (the Kampar family); the
    file must be saved by LibreOffice for the formulas to carry their results."""
    satker, year = _office(rng), rng.choice(YEARS)
    path = out / _slug(satker, year, k, ".xlsx")
    style = rng.choice(("numbers", "numbers", "dates", "names_long"))
    dates = style == "dates"
    truth = demo.generate(path, "startend", satker, year, k, variation={
        "month_header": style, "hidden_sheet": False, "recap_sheet": False})
    wb = load_workbook(path)
    ws = wb[truth["records"][0]["sheet"]]
    head = next(r for r in range(1, 40) if any(isinstance(c.value, str) and c.value.strip().upper() in
                                               ("MULAI", "START") for c in ws[r]))
    start = next(c.column for c in ws[head] if isinstance(c.value, str) and c.value.strip().upper() in ("MULAI", "START"))
    helper = head - 1
    grid = [c.column for c in ws[helper] if isinstance(c.value, int)]
    tick = rng.choice(("√", "√", "v", "x", "1", "●"))
    use_col = rng.random() < 0.5
    from openpyxl.utils import get_column_letter as L
    s, e = L(start), L(start + 1)
    for rec in truth["records"]:
        r = rec["row"]
        names = "{" + ";".join(f'"{m}"' for m in LONG_MONTHS) + "}"
        lo, hi = ((f"MONTH(${s}{r})", f"MONTH(${e}{r})") if dates else
                  (f"MATCH(${s}{r},{names},0)", f"MATCH(${e}{r},{names},0)") if style == "names_long" else
                  (f"${s}{r}", f"${e}{r}"))
        for m, c in enumerate(grid, 1):
            here = f"COLUMN()-{grid[0] - 1}" if use_col else f"{L(c)}${helper}"
            ws.cell(r, c).value = f'=IF(AND({here}>={lo},{here}<={hi}),"{tick}","")'
    ws.conditional_formatting = type(ws.conditional_formatting)()
    if rng.random() < 0.5:  # the helper month row kept as the visible month header
        pass
    wb.save(path)
    return path, truth, f"start/end={style} col={use_col} tick={tick}"


def fam_two_years(out, k, rng):
    satker = _office(rng)
    first = rng.choice(YEARS[:-1])
    years = tuple(range(first, first + (3 if rng.random() < 0.3 else 2)))
    years = tuple(y for y in years if y <= 2027) or (first,)
    names = rng.choice(("RENAKSI {year}", "{year}", "Renaksi RB {year}", "TA {year}", "RB TAHUN {year}",
                        "Renaksi {year}"))
    path = out / _slug(satker, years[0], k, ".xlsx")
    families = tuple(rng.choice(bundles.SHEET_FAMILIES) for _ in years) if rng.random() < 0.5 else None
    if families is None:
        f = rng.choice(bundles.SHEET_FAMILIES)
        families = (f,) * len(years)
    truth = bundles.two_years(path, satker, years, k, families=families, sheet_names=names)
    note = mutate(path, rng, years[0], months=False, truth=truth)
    return path, truth, f"{years} {families} {names} {note}"


def fam_compilation(out, k, rng):
    from rbdash.regions import regions
    province = rng.choice([p for p, u in regions().items() if len(u["kabupaten"]) + len(u["kota"]) >= 6])
    year = rng.choice(YEARS)
    offices = bundles.province_offices(province, rng.randint(3, 6), k)
    path = out / f"kompilasi_{re.sub(r'[^a-z0-9]+', '_', province.lower())}_{year}_{k}.xlsx"
    kw = dict(offices=offices, own_sheet=rng.random() < 0.25,
              sheet_names=rng.choice(("place", "office", "numbered")), cover=rng.random() < 0.6,
              recap=rng.choice(("counts", "listing", None)),
              satker_place="signature" if rng.random() < 0.2 else "title")
    if kw["sheet_names"] == "numbered" and kw["satker_place"] == "signature":
        kw["satker_place"] = "title"
    truth = bundles.compilation(path, province, year, k, **kw)
    note = mutate(path, rng, year, months=False, truth=truth)
    return path, truth, f"{province} {len(offices)} {kw} {note}"


PAPERS = {"a4": (11906, 16838), "f4": (12189, 18709), "legal": (12240, 20160), "letter": (12240, 15840)}
# the plan table's column widths as offices set them (twips at A4 landscape): NO, AREA, KEGIATAN, SUB,
# INDIKATOR, 12 months, KET
WIDTHS = (567, 1701, 2268, 3197, 3606) + (397,) * 12 + (907,)
MORE_CITED = (
    "Undang-Undang Nomor 5 Tahun 2014 tentang Aparatur Sipil Negara (Lembaran Negara Tahun 2014 Nomor 6);",
    "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara;",
    "Peraturan Pemerintah Nomor 60 Tahun 2008 tentang Sistem Pengendalian Intern Pemerintah;",
    "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah;",
    "Peraturan Menteri PANRB Nomor 3 Tahun 2023 tentang Perubahan atas Peraturan Menteri PANRB Nomor 25 "
    "Tahun 2020 tentang Road Map Reformasi Birokrasi 2020-2024;",
    "Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2019 tentang Tata Kerja KPU, KPU Provinsi dan KPU "
    "Kabupaten/Kota sebagaimana telah diubah dengan Peraturan KPU Nomor 21 Tahun 2023;",
    "Keputusan KPU Nomor 1546 Tahun 2022 tentang Pedoman Teknis Pelaksanaan Reformasi Birokrasi di "
    "Lingkungan KPU Tahun 2022-2024;",
    "Keputusan Sekretaris Jenderal KPU Nomor 234 Tahun 2021 tentang Road Map RB 2021-2025;",
)


def shape_docx(path, rng, *, paper=None, portrait=None, size=None, margin=None, cited=None, no_column=None):
    """Paper, orientation, column widths, font size, a longer Mengingat list and a table without its
    NO column as offices set them (python-docx leaves 18 equal columns, which no office prints),
    drawn from ``rng`` unless given; a note of what."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Pt, Twips
    from docx.text.run import Run

    doc = Document(path)
    paper = paper or rng.choice(sorted(PAPERS))
    portrait = rng.random() < 0.25 if portrait is None else portrait
    w, h = PAPERS[paper]
    for i, sec in enumerate(doc.sections):
        land = i == len(doc.sections) - 1 and not portrait
        sec.orientation = WD_ORIENT.LANDSCAPE if land else WD_ORIENT.PORTRAIT
        sec.page_width, sec.page_height = (Twips(h), Twips(w)) if land else (Twips(w), Twips(h))
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(sec, side, Twips(margin or rng.choice((850, 1134, 1417))))
    sec = doc.sections[-1]
    avail = sec.page_width - sec.left_margin - sec.right_margin
    size = Pt(size or rng.choice((7, 7.5, 8, 9, 10)))
    no_column = rng.random() < 0.25 if no_column is None else no_column
    for table in doc.tables:
        if len(table.columns) != 18:
            continue
        table.autofit = False
        kept = WIDTHS[1:] if no_column else WIDTHS
        if no_column:  # the first cell of every row and the first grid column go
            grid = table._tbl.tblGrid
            grid.remove(grid.gridCol_lst[0])
            for tr in table._tbl.tr_lst:
                tr.remove(tr.tc_lst[0])
                texts = [tc.xpath("string(.)").strip() for tc in tr.tc_lst]
                if texts and texts == [str(n) for n in range(2, len(texts) + 2)]:  # the column numbers again
                    for tc, n in zip(tr.tc_lst, range(1, len(texts) + 1)):
                        tc.xpath(".//w:t")[0].text = str(n)
        scale = avail / Twips(sum(kept))
        widths = [Twips(int(x * scale)) for x in kept]
        for col, width in zip(table.columns, widths):
            col.width = width
        for r in table._tbl.iter(qn("w:r")):
            run = Run(r, None)
            if run.font.size is None:
                run.font.size = size
        for row in table.rows:
            tcs = row._tr.tc_lst
            k = 0
            for tc in tcs:
                span = tc.grid_span
                tc.get_or_add_tcPr().get_or_add_tcW().w = sum(widths[k:k + span])
                k += span
    extra = 0
    if (rng.random() < 0.5) if cited is None else cited:  # a long Mengingat list citing many years
        anchor = next((p for p in doc.paragraphs if "Grand Design" in p.text), None)  # not in a table
        if anchor is not None:
            items = rng.sample(MORE_CITED, rng.randint(3, len(MORE_CITED)))
            for j, text in enumerate(reversed(items)):
                new = anchor.insert_paragraph_before("")
                anchor._p.addnext(new._p)
                new.add_run(f"\t2{'abcdefgh'[len(items) - 1 - j]}.\t{text}")
            extra = len(items)
    doc.save(path)
    return f"paper={paper} portrait={portrait} size={size.pt} cited+={extra} no_column={no_column}"


def lo_sample(out):
    """tests/data/lo_decree_portrait.pdf and its truth: a short decree annex (letterhead naming the
    office, 16 rows, one row per indicator) on portrait A4 with narrow columns, checks typed in
    Wingdings and inserted as symbols (w:sym) in turn, a few text-font "ü" that are no checks;
    printed by LibreOffice on a machine without Wingdings (OpenSymbol / fallback fonts), with rows
    and merged cells broken across its two pages."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lo_decree_portrait.docx"
        truth = generate_decree(path, "KPU Kabupaten Penukal Abab Lematang Ilir", 2026, 5, variation={
            "document": "annex", "letterhead": True, "marks": "symbol_font", "indicator_rows": True,
            "split_table": False, "numbering_row": True, "header_words": 1, "month_labels": "long",
            "coverage": 0.6})
        doc = Document(path)
        table = next(t for t in doc.tables if len(t.columns) == 18)
        head, keep = 3, 16
        for tr in table._tbl.tr_lst[head + keep:]:
            table._tbl.remove(tr)
        for k, tr in enumerate(table._tbl.tr_lst[head:]):
            for r in list(tr.iter(qn("w:r"))) if k % 2 else ():
                if r.xpath("string(.)") == "ü" and r.xpath(".//w:rFonts[@w:ascii='Wingdings']"):
                    for t in r.findall(qn("w:t")):
                        r.remove(t)
                    r.append(OxmlElement("w:sym", {qn("w:font"): "Wingdings", qn("w:char"): "F0FC"}))
        doc.save(path)
        truth["records"] = [r for r in truth["records"] if r["row"] <= head + keep]
        shape_docx(path, random.Random(1), paper="a4", portrait=True, size=8, margin=1134, cited=False,
                   no_column=False)
        convert([path], "pdf", out)
    truth["file"] = "lo_decree_portrait.pdf"
    (out / "lo_decree_portrait.truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n")


def fam_docx(out, k, rng):
    satker, year = _office(rng), rng.choice(YEARS)
    path = out / ("keputusan_" + _slug(satker, year, k, ".docx"))
    truth = generate_decree(path, satker, year, 1000 + k)
    return path, truth, shape_docx(path, rng)


def fam_pdf(out, k, rng):
    satker, year = _office(rng), rng.choice(YEARS)
    path = out / ("sk_" + _slug(satker, year, k, ".pdf"))
    truth = write_decree_pdf(path, satker, year, 2000 + k)
    return path, truth, json.dumps(truth.get("variation"))


def fam_weekly_symbols(out, k, rng):
    """Weekly grid + Wingdings ticks + office named only in the signature (the Karo combination)."""
    satker, year = _office(rng, ("Kabupaten", "Kota")), rng.choice(YEARS)
    path = out / f"renaksi_rb_{year}_{k}.xlsx"
    truth = demo.generate(path, "weekly", satker, year, k, variation={
        "grid_mark": "mark", "mark": "√", "satker_place": rng.choice(("signature", "signature", "title")),
        "hidden_sheet": False})
    wb = load_workbook(path)
    tick, font = rng.choice((("ü", "Wingdings"), ("þ", "Wingdings"), ("P", "Wingdings 2"), ("√", None)))
    swap_ticks(wb, tick, font)
    wb.save(path)
    return path, truth, f"tick={tick}/{font}"


def fam_text_extras(out, k, rng):
    """Free-text schedule + extra columns + JUMLAH + Catatan (the Metro combination; .xls by LibreOffice)."""
    satker, year = _office(rng), rng.choice(YEARS)
    path = out / _slug(satker, year, k, ".xlsx")
    truth = demo.generate(path, "text", satker, year, k, variation={
        "extras": rng.choice(("between", "after", "split")), "total_row": True, "notes": rng.random() < 0.7,
        "hidden_sheet": False})
    return path, truth, ""


def fam_quarter_outline(out, k, rng):
    return fam_outline(out, k, rng, schedule="quarter")


def fam_dates(out, k, rng):
    satker, year = _office(rng), rng.choice(YEARS)
    path = out / _slug(satker, year, k, ".xlsx")
    truth = demo.generate(path, "dates", satker, year, k, variation={"hidden_sheet": False})
    return path, truth, ""


def fam_ods(out, k, rng):
    """Any demo family, saved as .ods by LibreOffice (the Pekanbaru/Dumai family)."""
    family = rng.choice(("merged_fill", "extra_columns", "checks", "sections", "symbols", "weekly", "quarterly",
                         "bars", "monev", "text", "flat", "month_labels"))
    satker, year = _office(rng), rng.choice(YEARS)
    path = out / _slug(satker, year, k, ".xlsx")
    truth = demo.generate(path, family, satker, year, k, variation={"hidden_sheet": False})
    return path, truth, f"{family} {mutate(path, rng, year, ticks=False, months=False, truth=truth)}"


# family -> (producer, LibreOffice conversions of each produced file, keep the original too)
FAMILIES = {
    "outline": (fam_outline, ("ods", "xls", "xlsx"), True),
    "header_words": (fam_header_words, ("ods", "xlsx"), True),
    "formula_grid": (fam_formula_grid, ("xlsx", "ods", "xls"), False),
    "ods": (fam_ods, ("ods",), False),
    "two_years": (fam_two_years, ("ods",), True),
    "compilation": (fam_compilation, ("ods", "xls", "xlsx"), True),
    "docx": (fam_docx, ("pdf", "docx"), True),
    "pdf": (fam_pdf, (), True),
    "weekly_symbols": (fam_weekly_symbols, ("xls",), True),
    "text_extras": (fam_text_extras, ("xls",), True),
    "quarter_outline": (fam_quarter_outline, (), True),
    "dates_ods": (fam_dates, ("ods",), True),
}
FILTERS = {"ods": "ods", "xls": "xls:MS Excel 97", "xlsx": "xlsx:Calc MS Excel 2007 XML",
           "pdf": "pdf", "docx": "docx:MS Word 2007 XML"}


def convert(files, fmt, outdir):
    """LibreOffice converts ``files`` to ``fmt`` into ``outdir`` (one start for them all)."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                        FILTERS[fmt], "--outdir", str(outdir), *map(str, files)],
                       capture_output=True, timeout=60 + 20 * len(files))


# --- scoring --------------------------------------------------------------------------------------------

def _scorer(path=SCORER):
    spec = importlib.util.spec_from_file_location("score_parse", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def parse_json(path):
    from rbdash.errors import RbdashError
    from rbdash.excel import parse_plans
    try:
        plans = parse_plans(path)
    except RbdashError as exc:
        return None, f"refused: {exc}"
    except Exception:  # noqa: BLE001 - a crash is a finding
        return None, "CRASH " + traceback.format_exc(limit=3).replace("\n", " | ")
    out = [json.loads(json.dumps(p.to_dict(), ensure_ascii=False, default=str)) for p in plans]
    return (out[0] if len(out) == 1 else out), None


def score_folder(folder, sp, verbose=True):
    """{family: [ok, n, extra, files, bad files]}, and the lines of imperfect files."""
    fam, bad_lines = defaultdict(lambda: [0, 0, 0, 0, 0]), []
    for tf in sorted(folder.rglob("*.truth.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        path = tf.parent / truth["file"]
        if not path.exists():
            continue
        key = tf.parent.name
        f = fam[key]
        f[3] += 1
        out, err = parse_json(path)
        if out is None:
            n = sp.n_records(truth)
            f[1] += n
            f[4] += 1
            bad_lines.append(f"{key}/{path.name}: {err[:400]}  [{truth.get('note', '')}]")
            continue
        ok, n, extra, fails, meta = sp.score_file(truth, out)
        for i, x in enumerate((ok, n, extra)):
            f[i] += x
        if ok < n or extra or meta:
            f[4] += 1
            bad_lines.append(f"{key}/{path.name}: {ok}/{n} right, {extra} extra; {fails} {' '.join(meta)}"
                             f"  [{truth.get('note', '')}]")
    return fam, bad_lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=6, help="variants per family")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--no-lo", action="store_true", help="skip the LibreOffice conversions")
    ap.add_argument("--score-only", action="store_true", help="score the files already in OUT")
    ap.add_argument("--lo-sample", action="store_true", help="write tests/data's LibreOffice decree sample to OUT")
    ap.add_argument("--scorer", type=Path, default=SCORER, help="../shared/tools/score_parse.py")
    args = ap.parse_args()
    if args.lo_sample:
        return lo_sample(args.out)
    sp = _scorer(args.scorer)
    names = args.families.split(",")
    if not args.score_only:
        lo = shutil.which("soffice") and not args.no_lo
        for name in names:
            make, conversions, keep = FAMILIES[name]
            folder = args.out / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            made = []
            for k in range(args.n):
                rng = random.Random(f"unseen:{name}:{args.seed}:{k}")
                try:
                    path, truth, note = make(folder, k, rng)
                except Exception:  # noqa: BLE001 - a generator limit, not a parser finding
                    print(f"{name} #{k}: generator failed: {traceback.format_exc(limit=-2)}")
                    continue
                if rng.random() < 0.5:  # a name that says nothing: the office and year come from the file
                    path = path.rename(path.with_name(f"renaksi_rb_{name}_{k}{path.suffix}"))
                truth["note"] = note
                truth["file"] = path.name
                made.append((path, truth))
            for fmt in conversions if lo else ():
                sub = args.out / f"{name}.lo_{fmt}"
                shutil.rmtree(sub, ignore_errors=True)
                convert([p for p, _ in made], fmt, sub)
                for path, truth in made:
                    target = sub / (path.stem + "." + fmt)
                    if target.exists():
                        t = {**truth, "file": target.name}
                        if fmt == "pdf":
                            t["match_by"] = "text"
                        (sub / (path.stem + ".truth.json")).write_text(json.dumps(t, ensure_ascii=False))
            for path, truth in made:
                if keep or not lo:
                    path.with_name(path.stem + ".truth.json").write_text(json.dumps(truth, ensure_ascii=False))
                else:
                    path.unlink()
    fam, bad = score_folder(args.out, sp)
    print("\n".join(bad))
    print("by family (folder):")
    for key in sorted(fam):
        ok, n, extra, files, badf = fam[key]
        print(f"  {key}: accuracy {ok / max(1, n + extra):.3f} ({ok}/{n}, {extra} extra) in {files} files, "
              f"{badf} not perfect")
    tot = [sum(v[i] for v in fam.values()) for i in range(5)]
    print(f"TOTAL accuracy {tot[0] / max(1, tot[1] + tot[2]):.3f} over {tot[1]} records, {tot[3]} files, "
          f"{tot[4]} not perfect")


if __name__ == "__main__":
    main()
