"""The meeting deck (issue 7.4): a PowerPoint a chair can present without the app (no streamlit here).

    deck_bytes(store, year=2024, as_of=9, province="Jawa Timur", offices=["KPU Kota Malang"])

Slides, in Bahasa Indonesia with projector-sized text (titles 32 pt, figures 40 pt, tables 14-18 pt):

1. title: scope, year, as-of month, the date it was made;
2. summary figures: offices with a plan of the official list, completion (metrics' one definition),
   offices with realisation data, reporting coverage, who has not submitted;
3. the heatmap of completion per area with a Total column -- provinces at national level, the
   province's offices otherwise -- as native tables coloured on the charts' scale, 15 rows a slide;
4. the trend (S-curve and monthly rates) as an image (kaleido with the system Chromium, as the PNG
   export); year over year when the scope has plans of more than one year: each year up to the same
   month per area (coloured as the heatmap), and the offices that improved or fell most;
5. the laggards (below the median, worst first) with their numbers: provinces and offices at
   national level, offices at provincial level;
6. who has not submitted (rbdash.submission): counts per province at national level, the offices
   at provincial level, 15 rows a slide;
7. one slide per selected office: its figures and its Gantt as an image.

``collect`` gathers the models of rbdash.views (Summary, the comparison Heatmap, Trend,
YearOverYear, Laggards, NotSubmitted, OfficeSummary and GanttView) -- the same ones the pages
show -- and the slides only draw them.  Every text is placed as plain text in a text frame
(nothing is interpreted as markup).  ``outline`` returns the slide titles without drawing anything,
so a caller can say what the deck will hold.
"""

import datetime as dt
import io

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from rbdash import charts, export, grids, regions, submission, views, wording
from rbdash.errors import ExportError, RbdashError, ValidationError

ROWS_PER_SLIDE = 15
LAGGARDS = 10
MAX_OFFICES = 30  # office slides in one deck
WIDE, HIGH = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.45)
INK = RGBColor(0x11, 0x18, 0x27)
MUTED = RGBColor(0x4B, 0x55, 0x63)
HEADER = RGBColor(0x1F, 0x3A, 0x5F)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
TITLE_PT, BODY_PT, TABLE_PT = 32, 20, 16
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


# --------------------------------------------------------------------------------- the data

def _view(store, year, as_of, province, offices):
    """(the View of the deck, the offices with a plan (views.offices rows of the year), the offices
    asked for by their stored names).  A province and an office may be given in any spelling of
    their name (regions.key: 'kalimantan selatan', 'KPU Kab. Tapin')."""
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    rows = views.offices(store)
    rows = rows[rows["year"] == int(year)]
    if province is not None:
        if regions.province(province) is None:
            raise ValidationError("unknown_province", name=province)
        province = regions.province(province)
        rows = rows[rows["province"] == province]
    if rows.empty:
        raise ValidationError("no_plans", year=year, scope=province or "Indonesia")
    known = {regions.key(name): name for name in rows["satker"]}
    named = []
    for name in offices:
        if regions.key(name) not in known:
            raise ValidationError("unknown_satker", name=name, year=year)
        named.append(known[regions.key(name)])
    satkers = tuple(rows["satker"]) if province is not None else None
    return views.View(year=int(year), satkers=satkers, areas=None, as_of=int(as_of), province=province), rows, named


def _chunks(rows, n=ROWS_PER_SLIDE):
    """Slices of ``rows`` (a frame or a sequence), ``n`` a slide; one (empty) slice when there are none."""
    part = rows.iloc if isinstance(rows, pd.DataFrame) else rows
    return [part[i:i + n] for i in range(0, len(rows), n)] or [part[0:0]]


def _numbered(title, i, n):
    return title if n == 1 else f"{title} ({i + 1}/{n})"


def collect(store, year, as_of, province=None, offices=()):
    """Everything the deck shows, as models of rbdash.views: the one place the deck reads the database."""
    view, _, offices = _view(store, year, as_of, province, list(offices))
    national = view.province is None
    rank = views.ranking(store, view, "satker")
    laggards = [views.laggards(store, view, "provinsi", LAGGARDS)] if national else []
    return {"view": view, "national": national, "offices": list(offices), "scope": view.province or wording.NATIONAL,
            "summary": views.summary(store, view),
            "heatmap": views.comparison_heatmap(store, view, "provinsi" if national else "satker", "area"),
            "trend": views.trend(store, view),
            "years": views.year_over_year(store, view),
            "laggards": [*laggards, views.laggards_of(rank, LAGGARDS)],
            "not_submitted": views.not_submitted(store, view),
            "office_slides": [(views.office_summary(store, name, view.year, view.as_of),
                               *views.gantt_excerpt(store, name, view.year, view.as_of))
                              for name in offices[:MAX_OFFICES]]}


def _laggard_title(lag):
    what = "provinsi" if lag.level == "provinsi" else "satker"
    return wording.LAGGARDS_TITLE.format(What=what.capitalize()), what


def _missing_table(data):
    """National: per province, how many offices have not uploaded / not reported; provincial: the offices."""
    ns = data["not_submitted"]
    if data["national"]:
        per = ns.per_province
        table = pd.DataFrame({wording.PROVINCE: per["province"],
                              "Belum mengunggah rencana": per[submission.NO_PLAN],
                              "Belum melaporkan realisasi": per[submission.NO_REALISATION]})
        if ns.unmatched:
            table = pd.concat([table, pd.DataFrame({
                wording.PROVINCE: [f"Nama tidak cocok: {n}" for n in ns.unmatched],
                "Belum mengunggah rencana": "", "Belum melaporkan realisasi": ""})], ignore_index=True)
        return table.reset_index(drop=True)
    return grids.not_submitted_table(ns, province=False).reset_index(drop=True)


def outline(data):
    """The deck's slide titles, in order (what ``build`` draws)."""
    view, month = data["view"], wording.month(data["view"].as_of)
    titles = [f"Rencana Aksi Reformasi Birokrasi KPU {view.year}", f"Ringkasan: {data['scope']}"]
    level = "provinsi" if data["national"] else "satker"
    heat = _chunks(data["heatmap"].rows)
    titles += [_numbered(f"Capaian per {level} dan area s.d. {month}", i, len(heat)) for i in range(len(heat))]
    titles.append(wording.TREND_TITLE.format(year=view.year, scope=data["scope"]))
    if len(data["years"].years) > 1:
        titles.append(data["years"].areas.title)
    titles += [_laggard_title(lag)[0] for lag in data["laggards"]]
    missing = _chunks(_missing_table(data))
    titles += [_numbered("Belum mengirim", i, len(missing)) for i in range(len(missing))]
    titles += [f"Gantt: {s.satker}" for s, _, _ in data["office_slides"]]
    return titles


# --------------------------------------------------------------------------------- drawing helpers

def _text(slide, left, top, width, height, lines, size=BODY_PT, bold=False, color=INK, align=None):
    """A text box of plain-text lines (str, or (text, size, bold, colour))."""
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate([lines] if isinstance(lines, str) else lines):
        text, sz, bd, col = (line, size, bold, color) if isinstance(line, str) else line
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = str(text)
        run.font.size, run.font.bold, run.font.color.rgb = Pt(sz), bd, col
    return box


def _slide(prs, title, subtitle=None):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank: every text placed by us
    _text(slide, MARGIN, Inches(0.25), WIDE - 2 * MARGIN, Inches(0.8), title, size=TITLE_PT, bold=True)
    slide.name = title[:250]
    if subtitle:
        _text(slide, MARGIN, Inches(0.95), WIDE - 2 * MARGIN, Inches(0.4), subtitle, size=14, color=MUTED)
    return slide


def _rgb(argb):
    return RGBColor.from_string(argb[-6:])


def _table(slide, df, top=Inches(1.45), widths=None, fills=None, size=TABLE_PT):
    """A native table of ``df`` (header row dark); ``fills`` a same-shape frame of ARGB strings or None."""
    n_rows, n_cols = len(df) + 1, len(df.columns)
    width = WIDE - 2 * MARGIN
    row_h = Inches(0.36 if size >= 16 else 0.3)
    shape = slide.shapes.add_table(n_rows, n_cols, MARGIN, top, width, row_h * n_rows)
    table = shape.table
    widths = widths or [1] * n_cols
    total = sum(widths)
    for j, w in enumerate(widths):
        table.columns[j].width = Emu(int(width * w / total))
    for j, col in enumerate(df.columns):
        _cell(table.cell(0, j), col, size, bold=True, color=WHITE, fill=HEADER)
    values = df.to_numpy(dtype=object)
    for i in range(len(df)):
        for j in range(n_cols):
            fill = fills.iat[i, j] if fills is not None else None
            _cell(table.cell(i + 1, j), values[i, j], size, fill=_rgb(fill) if fill else WHITE,
                  align=PP_ALIGN.LEFT if j == 0 else PP_ALIGN.CENTER)
    return table


def _cell(cell, value, size, bold=False, color=INK, fill=None, align=PP_ALIGN.CENTER):
    cell.text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    for para in cell.text_frame.paragraphs:
        para.alignment = align
        for run in para.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, color
    cell.margin_top = cell.margin_bottom = Inches(0.03)
    cell.margin_left = cell.margin_right = Inches(0.04)
    if fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = fill


def _picture(slide, png, left, top, max_w, max_h):
    """A PNG fitted into the box (aspect kept), centred horizontally."""
    from PIL import Image
    w, h = Image.open(io.BytesIO(png)).size
    scale = min(max_w / w, max_h / h)
    width, height = int(w * scale), int(h * scale)
    slide.shapes.add_picture(io.BytesIO(png), left + (max_w - width) // 2, top, width, height)


# --------------------------------------------------------------------------------- the slides

def _title_slide(prs, data, today):
    view = data["view"]
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    title = f"Rencana Aksi Reformasi Birokrasi KPU {view.year}"
    slide.name = title
    _text(slide, MARGIN, Inches(2.0), WIDE - 2 * MARGIN, Inches(1.2), title, size=40, bold=True)
    scope = f"{wording.NATIONAL}: 38 provinsi" if data["national"] else wording.province_office(data["scope"])
    _text(slide, MARGIN, Inches(3.3), WIDE - 2 * MARGIN, Inches(2.5), [
        (f"Evaluasi capaian · {scope}", 28, False, INK),
        (f"Kondisi s.d. {wording.month_long(view.as_of)} {view.year}", 28, True, INK),
        (f"Dibuat {wording.long_date(today)}", 20, False, MUTED)])


def _summary_slide(prs, data):
    view, summary, ns = data["view"], data["summary"], data["not_submitted"]
    slide = _slide(prs, f"Ringkasan: {data['scope']}", wording.year_as_of(view.year, view.as_of, long=True))
    tiles = [
        (wording.pct(summary.rate) or wording.NO_DATA, wording.rate_up_to(view.as_of),
         f"{wording.DEFINITION} (satker dengan data); {wording.verified_rate_note(summary.verified_rate)}"),
        (wording.of(summary.counted, ns.official), "Satker dengan rencana aksi",
         "dibandingkan daftar resmi satker KPU"),
        (wording.of(summary.rated, summary.counted), wording.OFFICES_REPORTING, ""),
        (wording.pct(summary.reporting, 0) or wording.DASH, wording.REPORTING,
         wording.reporting(summary.reported, summary.due)),
        (wording.integer(ns.counts[submission.NO_PLAN]), "Belum mengunggah rencana", "satker dalam daftar resmi"),
        (wording.integer(ns.counts[submission.NO_REALISATION]), "Belum melaporkan realisasi",
         f"punya rencana, belum ada realisasi s.d. {wording.month(view.as_of)}"),
    ]
    w, h = (WIDE - 2 * MARGIN) / 3, Inches(2.7)
    for k, (value, label, note) in enumerate(tiles):
        left, top = MARGIN + int(w * (k % 3)), Inches(1.55) + int(h * (k // 3))
        _text(slide, left, top, int(w) - Inches(0.2), h, [(value, 40, True, INK), (label, 22, True, INK),
                                                          (note, 15, False, MUTED)])


def _argb(state, value):
    return "FF" + charts.cell_colour(state, value)[1:]


def _heatmap_slides(prs, data):
    """The comparison heatmap (a views.Heatmap) as native tables, ROWS_PER_SLIDE rows a slide."""
    view, hm = data["view"], data["heatmap"]
    level = "provinsi" if data["national"] else "satker"
    columns = [c.title for c in hm.columns]  # number, then the short name on narrow lines; Total last
    parts = _chunks(range(len(hm.rows)))
    for k, part in enumerate(parts):
        values = [[wording.office_label(hm.rows[i]), *hm.text[i]] for i in part]
        fills = [[None, *[_argb(st, v) for st, v in zip(hm.state[i], hm.value[i])]] for i in part]
        df = pd.DataFrame(values, columns=[hm.row_name, *columns])
        slide = _slide(prs, _numbered(f"Capaian per {level} dan area s.d. {wording.month(view.as_of)}", k, len(parts)),
                       hm.caption)
        table = _table(slide, df, widths=[2.2] + [1.15] * (len(columns) - 1) + [1.1], fills=pd.DataFrame(fills),
                       size=14)
        for r, i in enumerate(part, start=1):
            if hm.no_data[i] and len(columns) > 2:  # the words once per row, as the heatmap does
                first = table.cell(r, 1)
                first.merge(table.cell(r, len(columns)))
                _cell(first, wording.NO_DATA, 14, fill=_rgb(_argb(views.NO_DATA, None)))


def _trend_slide(prs, data, images):
    view, trend = data["view"], data["trend"]
    slide = _slide(prs, wording.TREND_TITLE.format(year=view.year, scope=data["scope"]),
                   "Bulan-kegiatan rencana dan realisasi dijumlahkan dari Januari (kurva S); capaian tiap bulan "
                   "dan kumulatif")
    if images:
        fig = charts.enlarged(charts.trend_figure(trend, titled=False))
        _picture(slide, export.figure_png(fig, width=1200, height=640, scale=1.5), MARGIN, Inches(1.45),
                 WIDE - 2 * MARGIN, HIGH - Inches(1.6))
        return
    shown = trend.shown
    _table(slide, pd.DataFrame({
        wording.MONTH: shown["label"],
        wording.PLAN_CUM_COLUMN: [wording.integer(v) for v in shown["planned_cum"]],
        wording.REALISED_CUM_COLUMN: [wording.integer(v) for v in shown["realized_cum"]],
        wording.RATE_OF_MONTH: [wording.pct(v) for v in shown["rate"]],
        wording.RATE_CUM: [wording.pct(v) for v in shown["rate_cum"]]}))


def _years_slide(prs, data):
    """Year over year (views.YearOverYear), when there is more than one year: years × areas and the
    year's Total as a coloured table, then the offices that improved and fell most, side by side."""
    yoy = data["years"]
    if len(yoy.years) < 2:
        return
    hm = yoy.areas
    slide = _slide(prs, hm.title, hm.caption)
    df = pd.DataFrame([[str(year), *hm.text[i]] for i, year in enumerate(hm.rows)],
                      columns=[hm.row_name, *[c.title for c in hm.columns]])
    fills = pd.DataFrame([[None, *[_argb(st, v) for st, v in zip(hm.state[i], hm.value[i])]]
                          for i in range(len(hm.rows))])
    _table(slide, df, widths=[1.2] + [1.15] * (len(hm.columns) - 1) + [1.1], fills=fills, size=14)
    top = Inches(1.6) + Inches(0.3) * (len(hm.rows) + 2) + Inches(0.5)
    half = (WIDE - 2 * MARGIN) // 2
    note = wording.offices_compared(len(yoy.changes), yoy.from_year, yoy.to_year)
    _text(slide, MARGIN, top - Inches(0.5), WIDE - 2 * MARGIN, Inches(0.4), note, size=14, color=MUTED)
    for k, (title, rows) in enumerate(((wording.IMPROVED, yoy.improved), (wording.FELL, yoy.fell))):
        lines = [(f"{title} {yoy.from_year} → {yoy.to_year}", 18, True, INK)]
        lines += [(f"{wording.office_label(r['satker'])}: {r['text_from']} → {r['text_to']} ({r['change_text']})",
                   16, False, INK) for r in rows.to_dict("records")] or [(wording.NOBODY_CHANGED, 16, False, MUTED)]
        _text(slide, MARGIN + half * k, top, half - Inches(0.2), HIGH - top - Inches(0.2), lines)


def _laggard_slides(prs, data):
    for lag in data["laggards"]:
        title, what = _laggard_title(lag)
        if lag.median is None:
            slide = _slide(prs, title)
            _text(slide, MARGIN, Inches(1.6), WIDE - 2 * MARGIN, Inches(1), wording.NOBODY_REPORTS.format(what=what))
            continue
        slide = _slide(prs, title, f"{what.capitalize()} yang sudah melapor dengan capaian di bawah median "
                                   f"({wording.pct(lag.median)}); {wording.LAGGARDS_ORDER.format(limit=lag.limit)}")
        if lag.rows.empty:
            _text(slide, MARGIN, Inches(1.6), WIDE - 2 * MARGIN, Inches(1), wording.NOBODY_BELOW.format(what=what))
            continue
        df = grids.laggard_table(lag, province=what == "satker")
        lead = 2 if what == "satker" else 1  # name (and province) before the rate column
        _table(slide, df, widths=[3, 2, 1.2, 1.6, 1.6, 2.6] if what == "satker" else [3, 1.2, 1.6, 2.2, 2.6],
               fills=pd.DataFrame([[None] * lead + [_argb(st, r), None, None, None]
                                   for st, r in zip(lag.rows["state"], lag.rows["rate"])]), size=18)


def _missing_slides(prs, data):
    view, ns = data["view"], data["not_submitted"]
    table = _missing_table(data)
    parts = _chunks(table)
    note = wording.not_submitted_counts(ns.counts[submission.NO_PLAN], ns.counts[submission.NO_REALISATION],
                                        ns.counts[submission.UNMATCHED], up_to=view.as_of) + " (daftar resmi satker KPU)"
    for i, part in enumerate(parts):
        slide = _slide(prs, _numbered("Belum mengirim", i, len(parts)), note)
        if table.empty:
            _text(slide, MARGIN, Inches(1.6), WIDE - 2 * MARGIN, Inches(1), wording.ALL_SUBMITTED)
            continue
        _table(slide, part, widths=[4, 2, 2] if data["national"] else [3.8, 4.4, 3], size=16)


def _office_slides(prs, data, images):
    view = data["view"]
    for s, gantt, what in data["office_slides"]:
        slide = _slide(prs, f"Gantt: {s.satker}", wording.year_as_of(view.year, view.as_of, long=True))
        lines = [(wording.pct(s.rate) or wording.NO_DATA, 40, True, INK),
                 (wording.rate_up_to(view.as_of), 20, True, INK),
                 (f"{wording.units_of(s.realized, s.planned)} terealisasi sesuai jadwal", 18, False, INK)]
        if s.late is not None:
            lines.append((f"{wording.integer(s.late)} {wording.UNIT} {wording.LATE_LABEL.lower()}", 18, False, INK))
        lines.append((f"{wording.integer(s.plan_activities)} kegiatan dalam rencana", 18, False, MUTED))
        lines.append((what, 16, False, MUTED))
        _text(slide, MARGIN, Inches(1.5), Inches(3.6), Inches(5.5), lines)
        if images and gantt.activities:
            fig = charts.enlarged(charts.gantt_figure(gantt, label_width=40), size=16)
            png = export.figure_png(fig, width=1300, scale=1)
            _picture(slide, png, MARGIN + Inches(3.8), Inches(1.45), WIDE - 2 * MARGIN - Inches(3.8),
                     HIGH - Inches(1.55))


def build(store, year, as_of, province=None, offices=(), today=None, images=True) -> Presentation:
    """The deck as a python-pptx Presentation (see the module docstring).  ``images=False`` puts the
    trend as a table and leaves the Gantt images out (no Chromium needed)."""
    data = collect(store, year, as_of, province, offices)
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDE, HIGH
    _title_slide(prs, data, today or dt.date.today())
    _summary_slide(prs, data)
    _heatmap_slides(prs, data)
    _trend_slide(prs, data, images)
    _years_slide(prs, data)
    _laggard_slides(prs, data)
    _missing_slides(prs, data)
    _office_slides(prs, data, images)
    return prs


def deck_bytes(store, year, as_of, province=None, offices=(), today=None, images=True) -> bytes:
    """The deck's .pptx bytes; a failure to draw becomes ExportError (its message in Indonesian)."""
    try:
        prs = build(store, year, as_of, province, offices, today, images)
        buf = io.BytesIO()
        prs.save(buf)
    except RbdashError:
        raise
    except Exception as exc:  # python-pptx, PIL or memory: one named error, no traceback on screen
        raise ExportError("pptx_failed", detail=type(exc).__name__) from exc
    return buf.getvalue()


def slide_titles(pptx_bytes) -> list[str]:
    """The titles of a deck's slides (the first text of each), e.g. to list a deck's contents."""
    prs = Presentation(io.BytesIO(pptx_bytes))
    out = []
    for slide in prs.slides:
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text]
        out.append(texts[0].split("\n")[0] if texts else "")
    return out
