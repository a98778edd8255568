"""Word decrees (.docx) holding a plan as their LAMPIRAN, with ground truth, for the .docx reader's tests.

A decree as offices sign it: the heading (KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA X, NOMOR, TENTANG …
TAHUN Y), Menimbang / Mengingat citing laws, road maps and last year's plan (other years, KPU RI),
MEMUTUSKAN, KESATU …, the signature; then LAMPIRAN and the plan table NO | AREA PERUBAHAN | KEGIATAN |
SUB KEGIATAN | INDIKATOR KEBERHASILAN | 12 months | KET: area and kegiatan cells merged vertically, the
months title spanning its 12 columns, header rows repeated on every page, an optional column-number
row, ticks, Wingdings ticks or shaded cells, several indicators as paragraphs of one cell.  The plan
is demo's (``content.draw_plan``); python-docx writes the document, and the few things it has no API
for (merges, shading, symbols, repeated header rows) are set in its XML.

``generate_decree`` returns the truth in the fixtures' format (../shared/fixtures/plans3:
``match_by: "text"``, ``sheet`` = ``table<k>``, ``row`` = the 1-based row in that Word table).
"""

from __future__ import annotations

import copy
import io
import random
import zipfile
from pathlib import Path

from rbdash.demo.content import (
    CHAIRS,
    LONG_MONTHS,
    PICS,
    SHORT_MONTHS,
    draw_plan,
    given_variation,
    letter_of,
    split_satker,
    styled_area,
    styled_satker,
)
from rbdash.demo.xls import FIXED_TIME

TICKS = ("√", "✓", "v", "V", "x", "X")
MARK_KINDS = ("tick", "symbol", "symbol_font", "shade")
SHADES = ("92D050", "00B050", "FFFF00", "5B9BD5", "FFC000", "A6A6A6")
# (NO, AREA, KEGIATAN, SUB KEGIATAN, INDIKATOR, months title, KET): the words offices head the columns with
HEADER_WORDS = (
    ("NO", "AREA PERUBAHAN", "KEGIATAN", "SUB KEGIATAN", "INDIKATOR KEBERHASILAN", "PELAKSANAAN (BULAN)", "KET"),
    ("NO.", "AREA", "KEGIATAN", "RENCANA AKSI", "INDIKATOR", "JADWAL PELAKSANAAN", "KETERANGAN"),
    ("NO", "AREA PERUBAHAN", "KEGIATAN UTAMA", "TAHAPAN KEGIATAN", "OUTPUT / INDIKATOR", "BULAN", "KET."),
    ("No", "Area Perubahan", "Kegiatan", "Sub Kegiatan", "Ukuran Keberhasilan", "Waktu Pelaksanaan", "Ket"),
)
MONTH_LABELS = ("numbers", "short", "long")

#: Variation keys of ``generate_decree``; any key left out is drawn from the seed.
DOCX_KEYS = {
    "marks": f"schedule cells: one of {MARK_KINDS} ('symbol': a Wingdings check inserted as w:sym; 'symbol_font':"
             " the letter 'ü' in Wingdings, and now and then the same letter in Arial in an unplanned month)",
    "tick": f"the character of 'tick' marks, one of {TICKS}",
    "month_labels": f"month header row: one of {MONTH_LABELS}",
    "numbering_row": "a column-number row 1 2 3 … under the header",
    "header_words": f"index into HEADER_WORDS (0-{len(HEADER_WORDS) - 1})",
    "satker_style": "'komisi' (KOMISI PEMILIHAN UMUM KOTA X) | 'kpu' (KPU KOTA X)",
    "split_office": "the office broken over two lines ('KETUA KOMISI PEMILIHAN UMUM' / 'KOTA X,') in the "
                    "heading, LAMPIRAN and signature, named on one line nowhere",
    "considerations_table": "Menimbang / Mengingat / MEMUTUSKAN laid out as a borderless table",
    "signature_table": "the signature after the plan as a two-column table (not a plan)",
    "split_table": "the plan table broken into two Word tables at a page break (the second without header)",
    "indicator_rows": "one table row per indicator (sub kegiatan merged over them) instead of paragraphs",
    "document": "'decree' (the whole decree) | 'annex' (only the plan under a title without the office, "
                "the office named in the page header's letterhead)",
    "letterhead": "the page header names the office",
    "coverage": "fraction 0.6-1.0 of the catalogue kept",
}


def resolve_decree(seed: int, variation: dict | None = None) -> dict:
    """The full variation: given keys kept, the others drawn from the seed."""
    given = given_variation(variation, DOCX_KEYS)
    rng = random.Random(f"docx-variation:{seed}")
    var = {
        "marks": rng.choice(MARK_KINDS),
        "tick": rng.choice(TICKS),
        "month_labels": rng.choices(MONTH_LABELS, (6, 3, 1))[0],
        "numbering_row": rng.random() < 0.6,
        "header_words": rng.randrange(len(HEADER_WORDS)),
        "satker_style": rng.choice(("komisi", "komisi", "kpu")),
        "split_office": rng.random() < 0.3,
        "considerations_table": rng.random() < 0.4,
        "signature_table": rng.random() < 0.4,
        "split_table": rng.random() < 0.3,
        "indicator_rows": rng.random() < 0.3,
        "document": "annex" if rng.random() < 0.15 else "decree",
        "letterhead": rng.random() < 0.4,
        "coverage": round(rng.uniform(0.6, 1.0), 2),
    }
    var.update(given)
    for key, options in (("marks", MARK_KINDS), ("tick", TICKS), ("month_labels", MONTH_LABELS),
                         ("satker_style", ("komisi", "kpu")), ("document", ("decree", "annex")),
                         ("header_words", range(len(HEADER_WORDS)))):
        if var[key] not in options:
            raise ValueError(f"{key} {var[key]!r} not in {tuple(options)}")
    if var["document"] == "annex":
        var["letterhead"] = True
    return var


def generate_decree(path, satker: str, year: int, seed: int, *, variation: dict | None = None) -> dict:
    """Write a decree of ``satker`` for ``year`` with its plan as LAMPIRAN; return the truth."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    var = resolve_decree(seed, variation)
    rng = random.Random(f"docx:{satker}:{year}:{seed}")
    acts = draw_plan(rng, satker, year, float(var["coverage"]), per_indicator=var["indicator_rows"], pack_sep="\n",
                 as_of=None)
    office = styled_satker(satker, var["satker_style"])
    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    if var["letterhead"]:
        header = doc.sections[0].header
        header.paragraphs[0].text = f"KOMISI PEMILIHAN UMUM {' '.join(split_satker(satker)).upper()}"
        header.add_paragraph(f"Jalan Pemilu Nomor {rng.randint(1, 99)}, {split_satker(satker)[1]}")
    if var["document"] == "decree":
        _decree_text(doc, rng, var, satker, office, year)
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _lines(doc, ["LAMPIRAN", *_office_lines(f"KEPUTUSAN {office}", var["split_office"]),
                     f"NOMOR {_number(rng, year)}", "TENTANG",
                     f"RENCANA AKSI REFORMASI BIROKRASI TAHUN {year}", ""])
    else:
        _lines(doc, ["RENCANA AKSI REFORMASI BIROKRASI", f"TAHUN {year}", ""], bold=True)
    section = doc.sections[-1]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    records = _plan_table(doc, rng, var, acts)
    if var["document"] == "decree":
        _signature(doc, rng, var, office, satker)
    raw = io.BytesIO()
    doc.core_properties.created = doc.core_properties.modified = FIXED_TIME
    doc.save(raw)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_fixed_zip(raw.getvalue()))
    return {"file": path.name, "satker": satker, "year": year, "layout": f"docx_{var['marks']}",
            "family": "docx_decree", "as_of_month": None, "match_by": "text", "records": records}


# --- running text ------------------------------------------------------------------------------------

def _number(rng, year):
    return f"{rng.randint(1, 40)}/HK.03.1-Kpt/{rng.randint(1101, 9471)}/{year}"


def _office_lines(text: str, split: bool) -> list[str]:
    """'KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA X' as one line, or broken before the level as decrees do."""
    if not split:
        return [text]
    for level in (" KOTA ", " KABUPATEN ", " PROVINSI "):
        i = text.upper().find(level)
        if i > 0:
            return [text[:i], text[i + 1:]]
    return [text]


def _lines(doc, lines, *, bold=False):
    for line in lines:
        run = doc.add_paragraph().add_run(line)
        run.bold = bold


def _decree_text(doc, rng, var, satker, office, year):
    """Heading, considerations (citing other years, KPU RI, last year's plan) and the decision."""
    split = var["split_office"]
    place = split_satker(satker)[1]
    kpu = "Komisi Pemilihan Umum" if var["satker_style"] == "komisi" else "KPU"
    _lines(doc, [*_office_lines(f"KEPUTUSAN {office}", split), f"NOMOR {_number(rng, year)}", "", "TENTANG", "",
                 "RENCANA AKSI REFORMASI BIROKRASI", *([] if split else [f"DI LINGKUNGAN {office}"]),
                 f"TAHUN {year}", "", "DENGAN RAHMAT TUHAN YANG MAHA ESA", "",
                 *_office_lines(f"KETUA {office},", split), ""], bold=True)
    considering = [
        ("Menimbang", "a.", f"bahwa untuk melaksanakan tugas Tim Reformasi Birokrasi, {kpu} {place} perlu "
                            f"menyusun Rencana Aksi Reformasi Birokrasi Tahun {year};"),
        ("", "b.", "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan Keputusan "
                   "tentang Rencana Aksi Reformasi Birokrasi;"),
        ("Mengingat", "1.", "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (Lembaran Negara Republik "
                            "Indonesia Tahun 2017 Nomor 182);"),
        ("", "2.", "Peraturan Presiden Nomor 81 Tahun 2010 tentang Grand Design Reformasi Birokrasi 2010-2025;"),
        ("", "3.", "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 25 Tahun 2020 "
                   "tentang Road Map Reformasi Birokrasi Tahun 2020-2024;"),
        ("", "4.", "Keputusan Komisi Pemilihan Umum Republik Indonesia Nomor 612/ORT.04-Kpt/05/KPU/XII/2020 tentang "
                   "Road Map Reformasi Birokrasi Komisi Pemilihan Umum Tahun 2020-2024;"),
        ("", "5.", f"Keputusan {office.title()} Nomor {_number(rng, year - 1)} tentang Rencana Aksi Reformasi "
                   f"Birokrasi Tahun {year - 1};"),
        ("MEMUTUSKAN:", "", ""),
        ("Menetapkan", "", f"KEPUTUSAN {office} TENTANG RENCANA AKSI REFORMASI BIROKRASI TAHUN {year}."),
        ("KESATU", "", "Menetapkan Rencana Aksi Reformasi Birokrasi sebagaimana tercantum dalam Lampiran."),
        ("KEDUA", "", f"Segala biaya dibebankan pada DIPA Tahun Anggaran {year}."),
        ("KETIGA", "", "Keputusan ini mulai berlaku pada tanggal ditetapkan."),
    ]
    if var["considerations_table"]:
        table = doc.add_table(rows=0, cols=4)
        for label, mark, text in considering:
            cells = table.add_row().cells
            for cell, value in zip(cells, (label, ":" if label and text else "", mark, text)):
                cell.text = value
        doc.add_paragraph()
    else:
        for label, mark, text in considering:
            doc.add_paragraph("\t".join(x for x in (label, ":" if label and text else "", mark, text) if x))
    _signature_lines(doc, rng, var, office, satker, as_table=False)


def _signature(doc, rng, var, office, satker):
    doc.add_paragraph()
    _signature_lines(doc, rng, var, office, satker, as_table=var["signature_table"])


def _signature_lines(doc, rng, var, office, satker, *, as_table):
    city = split_satker(satker)[1]
    lines = [f"Ditetapkan di {city}", f"pada tanggal {rng.randint(2, 28)} Januari", "",
             *_office_lines(f"KETUA {office},", var["split_office"]), "", "ttd.", "", rng.choice(CHAIRS)]
    if not as_table:
        _lines(doc, lines)
        return
    table = doc.add_table(rows=1, cols=2)
    right = table.rows[0].cells[1]
    right.text = lines[0]
    for line in lines[1:]:
        right.add_paragraph(line)


# --- the plan table ----------------------------------------------------------------------------------

def _plan_table(doc, rng, var, acts):
    """Write the plan as one Word table (or two, split at a page break); return the truth records."""
    from docx.enum.text import WD_BREAK

    words = HEADER_WORDS[var["header_words"]]
    rows = [(a, row) for a in acts for row in a.rows]
    split_at = rng.randrange(len(rows) // 3, 2 * len(rows) // 3) if var["split_table"] and len(rows) > 6 else None
    fill = rng.choice(SHADES)
    table, records, prev = _new_table(doc, words, var, header=True), [], None
    k = len(doc.tables)  # the table's number among the document's tables
    r = len(table.rows)  # the 1-based row in its Word table of the row written last
    for n, (act, row) in enumerate(rows):
        if n == split_at:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            table, k, r = _new_table(doc, words, var, header=False), k + 1, 0
        cells = _add_row(table).cells
        r += 1
        new_area = prev is None or prev.area_no != act.area_no
        new_keg = new_area or prev.keg_code != act.keg_code
        new_sub = prev is None or prev is not act
        _merged(cells[0], str(act.area_no), new_area)
        _merged(cells[1], f"{act.area_no}. {styled_area(act.area_no, 'canonical')}", new_area)
        _merged(cells[2], f"{act.keg_code}. {act.kegiatan}", new_keg)
        # a merge cut by the split goes on as 'continue' cells with nothing above them, as Word leaves it
        _merged(cells[3], f"{letter_of(act.sub_no)}. {act.sub}", new_sub)
        _paragraphs(cells[4], row.text.split("\n"))
        for m in row.planned:
            _mark(cells[4 + m], var, fill)
        free = [m for m in range(1, 13) if m not in row.planned]
        if var["marks"] == "symbol_font" and free and rng.random() < 0.3:  # a text-font 'ü' is no tick
            _font_run(cells[4 + rng.choice(free)], "ü", "Arial")
        if rng.random() < 0.15:
            cells[17].text = rng.choice(PICS)
        records.append({"sheet": f"table{k}", "row": r, "area_no": act.area_no,
                        "kegiatan": act.kegiatan, "sub_kegiatan": act.sub, "indikator": row.indikator,
                        "planned_months": list(row.planned), "marks": var["marks"]})
        prev = act
    return records


def _add_row(table):
    """A blank row added to ``table``: a copy of one blank row made once per table (python-docx's
    add_row rebuilds every cell's width and properties, most of the time a decree took)."""
    from docx.table import _Row

    blank = getattr(table, "_blank_tr", None)
    if blank is None:
        blank = table._blank_tr = copy.deepcopy(table.add_row()._tr)
        table._tbl.remove(table._tbl.tr_lst[-1])
    tr = copy.deepcopy(blank)
    table._tbl.append(tr)
    return _Row(tr, table)


def _new_table(doc, words, var, *, header):
    """A table with the plan's 18 columns; with ``header`` its header rows, repeated on every page."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    table = doc.add_table(rows=0, cols=18)
    table.style = "Table Grid"
    if not header:
        return table
    no, area, keg, sub, ind, months, ket = words
    labels = {"numbers": [str(m) for m in range(1, 13)], "short": list(SHORT_MONTHS),
              "long": list(LONG_MONTHS)}[var["month_labels"]]
    top, second = table.add_row(), table.add_row()
    for c, text in ((0, no), (1, area), (2, keg), (3, sub), (4, ind), (17, ket)):
        _merged(top.cells[c], text, True, bold=True)
        _merged(second.cells[c], "", False)
    for m, text in enumerate(labels):
        _paragraphs(second.cells[5 + m], [text], bold=True, size=Pt(7))
    _paragraphs(top.cells[5], [months], bold=True)
    _span(top, 5, 12)
    header_rows = [top, second]
    if var["numbering_row"]:
        numbers = table.add_row()
        for c in range(18):
            _paragraphs(numbers.cells[c], [str(c + 1)], size=Pt(7))
        header_rows.append(numbers)
    for row in header_rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        if var["marks"] == "shade":  # a grey header is never a mark
            for tc in row._tr.tc_lst:
                _shade(tc, "D9D9D9")
    return table


def _span(row, first, n):
    """The cell at ``first`` spread over ``n`` grid columns (w:gridSpan), the cells it covers removed."""
    tcs = row._tr.tc_lst
    tcs[first].get_or_add_tcPr().grid_span = n
    for tc in tcs[first + 1:first + n]:
        row._tr.remove(tc)


def _merged(cell, text, first, *, bold=False):
    """A vertically merged cell: the first holds the text (w:vMerge restart), the others continue it."""
    tc_pr = cell._tc.get_or_add_tcPr()
    if first:
        tc_pr.vMerge_val = "restart"
        _paragraphs(cell, [text], bold=bold)
    else:
        tc_pr.get_or_add_vMerge()


def _paragraphs(cell, lines, *, bold=False, size=None):
    """One paragraph per line (several indicators in one cell)."""
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold or None
        if size:
            run.font.size = size


def _mark(cell, var, fill):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    if var["marks"] == "tick":
        cell.paragraphs[0].add_run(var["tick"])
    elif var["marks"] == "symbol":
        sym = OxmlElement("w:sym", {qn("w:font"): "Wingdings", qn("w:char"): "F0FC"})
        cell.paragraphs[0].add_run()._r.append(sym)
    elif var["marks"] == "symbol_font":
        _font_run(cell, "ü", "Wingdings")
    else:
        _shade(cell._tc, fill)


def _font_run(cell, text, font):
    """``text`` in ``font`` (ascii and hAnsi: how Word stores a font picked for a run)."""
    run = cell.paragraphs[0].add_run(text)
    run.font.name = font


def _shade(tc, rgb):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd", {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): rgb})
    tc.get_or_add_tcPr().insert_element_before(shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                               "w:vAlign", "w:hideMark")


def _fixed_zip(data: bytes) -> bytes:
    """The package with every member stamped at FIXED_TIME: bytes that depend only on the content."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
