"""Decree PDFs (a Keputusan with its LAMPIRAN plan table) with their ground truth, drawn with reportlab.

They stand for what offices print from Word or LibreOffice (../shared/fixtures/plans3: the Palu and
Poso decrees): the decree's pages (heading naming the office and the year, Menimbang/Mengingat citing
laws and road maps of other years, the decision, the signature), then the LAMPIRAN heading and the
plan table over several pages: NO | AREA PERUBAHAN | KEGIATAN | SUB KEGIATAN | INDIKATOR KEBERHASILAN
| 12 months | KET, its header repeated on every page, area and kegiatan cells merged down their rows,
months as ticks (√ in a text font; √ in Symbol or ✔ in ZapfDingbats, glyphs a PDF carries without a
Unicode name or under another letter; "v"/"x" letters) or as filled cell backgrounds only (sometimes two or three stacked
rectangles per cell), borders as drawn lines or as thin filled rectangles (as Word draws them), and
rows that may break across a page: their rest goes on at the top of the next page, under the repeated
header, with the merged area/kegiatan cells empty.

The truth is in the fixtures' format (``match_by: text``); each record's ``sheet``/``row`` is where the
row begins, ("hal. N", its row in that page's table, header rows counted), the provenance the reader
gives.  reportlab is a development dependency: the app never draws PDFs.
"""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass

from rbdash.demo.content import (CHAIRS, LONG_MONTHS, SHORT_MONTHS, draw_plan, given_variation, styled_area,
                                  styled_satker)

MARK_KINDS = ("tick", "symbol", "dingbat", "letter", "fill")
PAGE_SIZES = {"a4": (595.28, 841.89), "f4": (609.45, 935.43)}  # portrait (width, height), points
FILL_COLOURS = ((0.573, 0.816, 0.314), (1.0, 1.0, 0.0), (0.0, 0.69, 0.94), (1.0, 0.75, 0.0), (0.9, 0.2, 0.2))
HEADER_GREY = (0.85, 0.85, 0.85)
#: Variation keys of `decree_pdf`; any key left out is drawn from the seed.
VARIATION_KEYS = {
    "marks": f"how months are shown: one of {MARK_KINDS} (symbol = √ in Symbol, dingbat = ✔ in ZapfDingbats)",
    "stacked": "fill marks: some cells drawn as 2-3 stacked rectangles",
    "break_rows": "a row that does not fit breaks across the page (else it moves whole to the next page)",
    "numbering": "a column-number row (1 2 3 … 18) under the month row",
    "month_names": "months labelled Jan … Des instead of 1 … 12",
    "per_indicator": "one row per indicator, the sub-kegiatan merged down its rows",
    "borders": "'lines' (drawn lines) or 'rects' (thin filled rectangles, as Word draws them)",
    "header_fill": "grey header background (never a month mark)",
    "page": f"paper, one of {sorted(PAGE_SIZES)} (the table pages in landscape)",
    "satker_style": "'kpu' (KPU KOTA X) or 'komisi' (KOMISI PEMILIHAN UMUM KOTA X) in the LAMPIRAN title",
    "coverage": "share 0.6-1.0 of the catalogue kept",
    "font_size": "table text size in points",
}

_WIDTHS = {"no": 0.03, "area": 0.10, "kegiatan": 0.15, "sub": 0.20, "indikator": 0.20, "month": 0.022, "ket": 0.056}
_MARGIN = 42.0
_PAD = 2.5


def resolve_variation(seed: int, variation: dict | None = None) -> dict:
    """The variation `decree_pdf` uses: given keys kept, the others drawn from the seed."""
    given = given_variation(variation, VARIATION_KEYS)
    rng = random.Random(f"pdf-variation:{seed}")
    out = {
        "marks": rng.choice(MARK_KINDS),
        "stacked": rng.random() < 0.5,
        "break_rows": rng.random() < 0.6,
        "numbering": rng.random() < 0.6,
        "month_names": rng.random() < 0.3,
        "per_indicator": rng.random() < 0.3,
        "borders": rng.choice(("lines", "rects")),
        "header_fill": rng.random() < 0.4,
        "page": rng.choice(sorted(PAGE_SIZES)),
        "satker_style": rng.choice(("kpu", "komisi")),
        "coverage": round(rng.uniform(0.6, 1.0), 2),
        "font_size": rng.choice((7.0, 7.5, 8.0)),
    }
    out.update(given)
    if out["marks"] not in MARK_KINDS:
        raise ValueError(f"marks {out['marks']!r} not in {MARK_KINDS}")
    return out


@dataclass
class _Line:
    """A row of the table as drawn on one page: its top/bottom, the text lines of each column drawn
    there, the months it marks, and which area/kegiatan/sub run it belongs to (merged columns)."""
    top: float
    bottom: float
    lines: dict
    months: list
    ticks: bool
    runs: dict


class _Doc:
    """A reportlab canvas with the decree's page layout and the table writer."""

    def __init__(self, var, rng, encrypt=None):
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont
        from reportlab.pdfgen import canvas

        if "Vera" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))  # bundled with reportlab: has √
            pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
        self.var, self.rng = var, rng
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pageCompression=1, encrypt=encrypt)
        self.portrait = PAGE_SIZES[var["page"]]
        self.page = 0
        self.size = float(var["font_size"])
        self.leading = round(self.size * 1.2, 2)
        self.tick = {"tick": ("Vera", "√"), "letter": ("Helvetica", rng.choice("vVxX")),
                     "symbol": ("Symbol", "√"), "dingbat": ("ZapfDingbats", "✔")}.get(var["marks"])
        self.colour = rng.choice(FILL_COLOURS)
        self.cut = []          # (page, row) of the rows broken across a page
        self.signature = []
        self.names, self.xs = [], {}

    # ------------------------------------------------------------------------------ pages and text
    def new_page(self, landscape):
        if self.page:
            self.end_page()
        self.page += 1
        self.rules = []
        w, h = self.portrait
        self.w, self.h = (h, w) if landscape else (w, h)
        self.c.setPageSize((self.w, self.h))
        return _MARGIN

    def end_page(self):
        """Draw the page's borders, each rule once over its whole length (as office suites do), then
        close the page."""
        for horizontal in (True, False):
            segs = sorted(((round(y0, 2), x0, x1) if horizontal else (round(x0, 2), y0, y1))
                          for x0, y0, x1, y1 in self.rules if (y0 == y1) == horizontal)
            merged = []
            for at, a, b in segs:
                if merged and merged[-1][0] == at and a <= merged[-1][2] + 0.01:
                    merged[-1][2] = max(merged[-1][2], b)
                else:
                    merged.append([at, a, b])
            for at, a, b in merged:
                self.rule(a, at, b, at) if horizontal else self.rule(at, a, at, b)
        self.c.showPage()

    def text(self, y, lines, *, font="Helvetica", size=11.0, centre=False, x=None, width=None):
        """Draw wrapped paragraphs from y (top-down); returns the y below them."""
        x = _MARGIN + 30 if x is None else x
        width = width or self.w - x - _MARGIN - 30
        for para in lines:
            for line in _wrap(para, font, size, width) or [""]:
                self.c.setFont(font, size)
                if centre:
                    self.c.drawCentredString(self.w / 2, self.h - y - size, line)
                else:
                    self.c.drawString(x, self.h - y - size, line)
                y += size * 1.25
        return y

    # --------------------------------------------------------------------------------- the table
    def columns(self):
        names = ["no", "area", "kegiatan", "sub", "indikator"] + [f"m{m}" for m in range(1, 13)] + ["ket"]
        usable = self.w - 2 * _MARGIN
        total = sum(_WIDTHS["month" if n.startswith("m") and n[1:].isdigit() else n] for n in names)
        xs, x = {}, _MARGIN
        for n in names:
            w = usable * _WIDTHS["month" if n.startswith("m") and n[1:].isdigit() else n] / total
            xs[n] = (x, x + w)
            x += w
        return names, xs

    def wrap(self, text, col):
        x0, x1 = self.xs[col]
        return _wrap(str(text), "Helvetica", self.size, x1 - x0 - 2 * _PAD)

    def rule(self, x0, y0, x1, y1):
        """One border (top-down coordinates), as a line or as a thin filled rectangle."""
        c = self.c
        if self.var["borders"] == "lines":
            c.setLineWidth(0.5)
            c.line(x0, self.h - y0, x1, self.h - y1)
        else:
            c.setFillColorRGB(0, 0, 0)
            if y0 == y1:
                c.rect(x0 - 0.25, self.h - y0 - 0.25, x1 - x0 + 0.5, 0.5, stroke=0, fill=1)
            else:
                c.rect(x0 - 0.25, self.h - y1 - 0.25, 0.5, y1 - y0 + 0.5, stroke=0, fill=1)

    def box(self, x0, top, x1, bottom, lines=(), *, font="Helvetica", centre=False, fill=None):
        c = self.c
        if fill:
            c.setFillColorRGB(*fill)
            c.rect(x0, self.h - bottom, x1 - x0, bottom - top, stroke=0, fill=1)
        self.rules += [(x0, top, x1, top), (x0, bottom, x1, bottom), (x0, top, x0, bottom), (x1, top, x1, bottom)]
        if not lines:
            return
        c.setFillColorRGB(0, 0, 0)
        if centre:
            c.setFont(font, self.size)
            for i, line in enumerate(lines):
                c.drawCentredString((x0 + x1) / 2, self.h - top - _PAD - self.size * 0.85 - i * self.leading, line)
            return
        t = c.beginText(x0 + _PAD, self.h - top - _PAD - self.size * 0.85)
        t.setFont(font, self.size, self.leading)
        for line in lines:
            t.textLine(line)
        c.drawText(t)

    def header(self, y):
        """The table header (repeated on every page); returns its bottom and its row count."""
        xs, var = self.xs, self.var
        fill = HEADER_GREY if var["header_fill"] else None
        titles = {"no": "NO", "area": "AREA PERUBAHAN", "kegiatan": "KEGIATAN", "sub": "SUB KEGIATAN",
                  "indikator": "INDIKATOR KEBERHASILAN", "ket": "KET"}
        wrapped = {k: self.wrap(v, k) for k, v in titles.items()}
        h1 = max(len(v) for v in wrapped.values()) * self.leading + 2 * _PAD
        h2 = self.leading + 2 * _PAD
        for k, lines in wrapped.items():
            self.box(xs[k][0], y, xs[k][1], y + h1 + h2, lines, font="Helvetica-Bold", centre=True, fill=fill)
        self.box(xs["m1"][0], y, xs["m12"][1], y + h1, ["PELAKSANAAN (BULAN)"], font="Helvetica-Bold",
                 centre=True, fill=fill)
        for m in range(1, 13):
            label = SHORT_MONTHS[m - 1] if var["month_names"] else str(m)
            self.box(xs[f"m{m}"][0], y + h1, xs[f"m{m}"][1], y + h1 + h2, [label], centre=True, fill=fill)
        y += h1 + h2
        rows = 2
        if var["numbering"]:
            for i, k in enumerate(self.names, 1):
                self.box(xs[k][0], y, xs[k][1], y + h2, [str(i)], centre=True, fill=fill)
            y += h2
            rows += 1
        return y, rows

    def draw_rows(self, rows):
        """One page's rows: own cells per row, and the merged columns as one box per run on the page
        (its text only where the run begins)."""
        xs = self.xs
        for col in ("no", "area", "kegiatan") + (("sub",) if self.var["per_indicator"] else ()):
            i = 0
            while i < len(rows):
                j = i
                while j + 1 < len(rows) and rows[j + 1].runs[col] == rows[i].runs[col]:
                    j += 1
                self.box(xs[col][0], rows[i].top, xs[col][1], rows[j].bottom, rows[i].lines.get(col, ()))
                i = j + 1
        own = ["indikator", "ket"] + ([] if self.var["per_indicator"] else ["sub"])
        for row in rows:
            for col in own:
                self.box(xs[col][0], row.top, xs[col][1], row.bottom, row.lines.get(col, ()))
            for m in range(1, 13):
                x0, x1 = xs[f"m{m}"]
                planned = m in row.months
                if planned and self.var["marks"] == "fill":
                    self.fill(x0, row.top, x1, row.bottom)
                self.box(x0, row.top, x1, row.bottom)
                if planned and row.ticks and self.tick:
                    font, ch = self.tick
                    self.c.setFillColorRGB(0, 0, 0)
                    self.c.setFont(font, self.size)
                    self.c.drawCentredString((x0 + x1) / 2, self.h - row.top - _PAD - self.size * 0.85, ch)

    def fill(self, x0, top, x1, bottom):
        """A month cell's background: one rectangle, the same drawn twice, or 2-3 stacked pieces."""
        c = self.c
        c.setFillColorRGB(*self.colour)
        k = self.rng.choice((1, 2, 2, 3)) if self.var["stacked"] else 1
        if k == 2 and self.rng.random() < 0.5:  # drawn twice over, as in the Poso decree
            for _ in range(2):
                c.rect(x0, self.h - bottom, x1 - x0, bottom - top, stroke=0, fill=1)
            return
        step = (bottom - top) / k
        for i in range(k):
            c.rect(x0, self.h - (top + (i + 1) * step), x1 - x0, step, stroke=0, fill=1)


def _wrap(text, font, size, width):
    """Lines of ``text`` within ``width`` as an office suite breaks them: at spaces, after a "/" or
    "-" inside a word, and inside a word longer than the line."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def fits(s):
        return stringWidth(s, font, size) <= width

    out = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            pieces = [p for p in re.split(r"(?<=[/-])(?=\w)", word) if p]
            for i, piece in enumerate(pieces):
                glue = "" if i else " "
                if not line:
                    line = piece
                elif fits(line + glue + piece):
                    line += glue + piece
                else:
                    out.append(line)
                    line = piece
                while not fits(line):  # a word wider than the column is broken where it must be
                    k = max(1, max(j for j in range(1, len(line) + 1) if fits(line[:j]) or j == 1))
                    out.append(line[:k])
                    line = line[k:]
        out.append(line)
    return out


def _decree_text(satker, year, rng, style):
    kind, _, place = satker.removeprefix("KPU ").partition(" ")
    upper = f"{kind} {place}".upper()
    number = f"{rng.randint(1, 120)}/HK.03.1-Kpt/{rng.randint(1100, 9400)}/{year}"
    heading = ["KEPUTUSAN KOMISI PEMILIHAN UMUM", upper, f"NOMOR {number}", "TENTANG",
               "RENCANA AKSI REFORMASI BIROKRASI", f"DI LINGKUNGAN KOMISI PEMILIHAN UMUM {upper}", f"TAHUN {year}",
               "", "DENGAN RAHMAT TUHAN YANG MAHA ESA", "", f"KETUA KOMISI PEMILIHAN UMUM {upper},"]
    body = [
        f"Menimbang : a. bahwa untuk melaksanakan tugas dan tanggung jawab Tim Reformasi Birokrasi, Komisi "
        f"Pemilihan Umum {kind.title()} {place} berkewajiban menyusun Rencana Aksi Reformasi Birokrasi Tahun {year};",
        "Mengingat : 1. Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (Lembaran Negara Republik "
        "Indonesia Tahun 2017 Nomor 182);",
        "2. Peraturan Presiden Nomor 81 Tahun 2010 tentang Grand Design Reformasi Birokrasi 2010-2025;",
        "3. Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 25 Tahun 2020 tentang "
        "Road Map Reformasi Birokrasi 2020-2024;",
        f"4. Keputusan Komisi Pemilihan Umum Nomor {rng.randint(10, 999)} Tahun {year - rng.randint(1, 4)} tentang "
        "Pedoman Teknis Pelaksanaan Reformasi Birokrasi di Lingkungan Komisi Pemilihan Umum;",
        "MEMUTUSKAN:",
        f"Menetapkan : KEPUTUSAN KOMISI PEMILIHAN UMUM {upper} TENTANG RENCANA AKSI REFORMASI BIROKRASI TAHUN {year}.",
        f"KESATU : Menetapkan Rencana Aksi Reformasi Birokrasi di Lingkungan Komisi Pemilihan Umum "
        f"{kind.title()} {place} Tahun {year} sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak "
        "terpisahkan dari Keputusan ini.",
        "KEDUA : Keputusan ini mulai berlaku pada tanggal ditetapkan.",
    ]
    day = f"{rng.randint(2, 28)} {LONG_MONTHS[rng.randint(0, 1)]} {year}"
    signature = [f"Ditetapkan di {place}", f"pada tanggal {day}", "KETUA KOMISI PEMILIHAN UMUM", f"{upper},",
                 "", "ttd.", "", rng.choice(CHAIRS)]
    office = styled_satker(satker, style)
    annex = ["LAMPIRAN", f"KEPUTUSAN KOMISI PEMILIHAN UMUM {upper}", f"NOMOR {number}", "TENTANG",
             f"RENCANA AKSI REFORMASI BIROKRASI DI LINGKUNGAN KOMISI PEMILIHAN UMUM {upper} TAHUN {year}"]
    title = ["RENCANA AKSI REFORMASI BIROKRASI", f"DI LINGKUNGAN {office} TAHUN {year}"]
    return heading, body, signature, annex, title


def decree_pdf(satker: str, year: int, seed: int, *, variation: dict | None = None,
               encrypt=None) -> tuple[bytes, dict]:
    """(PDF bytes, truth) of one decree of `satker` for `year`; ``encrypt`` is a reportlab
    StandardEncryption (a password, or only restrictions)."""
    var = resolve_variation(seed, variation)
    rng = random.Random(f"pdf:{satker}:{year}:{seed}")
    acts = draw_plan(rng, satker, year, float(var["coverage"]), per_indicator=bool(var["per_indicator"]),
                 pack_sep="\n", as_of=None)
    doc = _Doc(var, rng, encrypt)
    heading, body, signature, annex, title = _decree_text(satker, year, rng, var["satker_style"])
    doc.signature = signature

    y = doc.new_page(landscape=False)
    y = doc.text(y, heading, font="Helvetica-Bold", size=11.5, centre=True)
    y = doc.text(y + 12, body, size=11)
    doc.text(y + 12, signature, x=doc.w / 2 + 40, size=11)

    y = doc.new_page(landscape=True)
    y = doc.text(y, annex, size=9, x=doc.w / 2 + 60)
    y = doc.text(y + 8, title, font="Helvetica-Bold", size=10, centre=True) + 6
    doc.names, doc.xs = doc.columns()
    records = _table(doc, acts, y, var)
    doc.end_page()
    doc.c.save()
    data = doc.buf.getvalue()
    truth = {"file": decree_file_name(satker, year), "satker": satker, "year": year, "layout": f"pdf_{var['marks']}",
             "family": "pdf_decree", "as_of_month": None, "match_by": "text", "pages": doc.page,
             "cut_rows": [list(c) for c in doc.cut], "variation": var, "records": records}
    return data, truth


def _table(doc, acts, y, var):
    """Lay out and draw the plan table from y on the current page; the signature after it.  Returns
    the truth records."""
    bottom_limit = doc.h - _MARGIN
    y, row_no = doc.header(y)
    page_rows, records = [], []
    items = []  # (wrapped lines by column, months, runs, truth)
    for i, act in enumerate(acts):
        first_in_area = i == 0 or acts[i - 1].area_no != act.area_no
        first_in_keg = first_in_area or acts[i - 1].keg_code != act.keg_code
        for j, row in enumerate(act.rows):
            texts = {"sub": f"{'abcdefghijklmnopqrstuvwxyz'[(act.sub_no - 1) % 26]}. {act.sub}" if j == 0 else None,
                     "indikator": row.text}
            if j == 0 and first_in_area:
                texts.update(no=str(act.area_no), area=f"{act.area_no}. {styled_area(act.area_no, 'seed')}")
            if j == 0 and first_in_keg:
                texts["kegiatan"] = f"{act.keg_code}. {act.kegiatan}"
            runs = {"no": act.area_no, "area": act.area_no, "kegiatan": act.keg_code, "sub": (act.keg_code, act.sub_no)}
            truth = {"area_no": act.area_no, "kegiatan": act.kegiatan, "sub_kegiatan": act.sub,
                     "indikator": row.indikator, "planned_months": list(row.planned),
                     "marks": "shade" if var["marks"] == "fill" else "tick"}
            items.append(({k: doc.wrap(v, k) for k, v in texts.items() if v}, row.planned, runs, truth))

    def flush():
        doc.draw_rows(page_rows)
        page_rows.clear()

    for lines, months, runs, truth in items:
        total = max(len(v) for v in lines.values())
        need = total * doc.leading + 2 * _PAD
        avail = bottom_limit - y
        must = max([len(lines.get(k, ())) for k in ("no", "area", "kegiatan")] + [1])  # merged texts stay whole
        if need > avail:
            fits = int((avail - 2 * _PAD) // doc.leading)
            if var["break_rows"] and must <= fits < total:
                row_no += 1
                records.append({"sheet": f"hal. {doc.page}", "row": row_no, **truth})
                doc.cut.append((f"hal. {doc.page}", row_no))
                # the cut part ends under its last line (as LibreOffice draws it) or at the margin
                cut = bottom_limit if doc.rng.random() < 0.4 else y + fits * doc.leading + 2 * _PAD
                page_rows.append(_Line(y, cut, {k: v[:fits] for k, v in lines.items()}, months, True, runs))
                flush()
                rest = {k: v[fits:] for k, v in lines.items() if len(v) > fits}
                y = doc.new_page(landscape=True)
                y, row_no = doc.header(y)
                height = max(len(v) for v in rest.values()) * doc.leading + 2 * _PAD
                page_rows.append(_Line(y, y + height, rest, months, False, runs))
                row_no += 1
                y += height
                continue
            flush()
            y = doc.new_page(landscape=True)
            y, row_no = doc.header(y)
        row_no += 1
        records.append({"sheet": f"hal. {doc.page}", "row": row_no, **truth})
        page_rows.append(_Line(y, y + need, lines, months, True, runs))
        y += need
    flush()
    if y + 120 > bottom_limit:
        y = doc.new_page(landscape=True)
    doc.text(y + 20, doc.signature, x=doc.w * 0.62, size=10)
    return records


def decree_file_name(satker: str, year: int) -> str:
    return "sk_renaksi_rb_" + re.sub(r"[^a-z0-9]+", "_", satker.lower()).strip("_") + f"_{year}.pdf"


def write_decree_pdf(path, satker: str, year: int, seed: int, *, variation: dict | None = None) -> dict:
    """Write one decree PDF to `path`; return its truth (with `file` set)."""
    from pathlib import Path

    data, truth = decree_pdf(satker, year, seed, variation=variation)
    path = Path(path)
    path.write_bytes(data)
    truth["file"] = path.name
    return truth
