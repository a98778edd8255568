"""The meeting deck (issue 7.4): a PowerPoint a chair can present without the app (no streamlit here).

    deck_bytes(store, year=2024, as_of=9, province="Jawa Timur", offices=["KPU Kota Malang"])

Slides, in Bahasa Indonesia with projector-sized text (titles 32 pt, figures 40 pt, tables 14-18 pt):

1. title: scope, year, as-of month, the date it was made;
2. summary figures: offices with a plan of the official list, completion (metrics' one definition),
   offices with realisation data, reporting coverage, who has not submitted;
3. the heatmap of completion per area with a Total column -- provinces at national level, the
   province's offices otherwise -- as native tables coloured on the charts' scale, 15 rows a slide;
4. the trend (S-curve and monthly rates) as an image (kaleido with the system Chromium, as the PNG
   export);
5. the laggards (below the median, worst first) with their numbers: provinces and offices at
   national level, offices at provincial level;
6. who has not submitted (rbdash.submission): counts per province at national level, the offices
   at provincial level, 15 rows a slide;
7. one slide per selected office: its figures and its Gantt as an image.

Every text is placed as plain text in a text frame (nothing is interpreted as markup).  ``outline``
returns the slide titles without drawing anything, so a caller can say what the deck will hold.
"""

import datetime as dt
import io

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from rbdash import charts, export, queries, regions, submission, wording
from rbdash.areas import AREAS
from rbdash.errors import ExportError, RbdashError, ValidationError
from rbdash.schedule import LATE, cell_states
from rbdash.wording import MONTHS

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
    """(the View of the deck, the offices with a plan (queries.offices rows of the year), the offices
    asked for by their stored names).  A province and an office may be given in any spelling of
    their name (regions.key: 'kalimantan selatan', 'KPU Kab. Tapin')."""
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    rows = queries.offices(store)
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
    return queries.View(year=int(year), satkers=satkers, areas=None, as_of=int(as_of), province=province), rows, named


def _chunks(df, n=ROWS_PER_SLIDE):
    return [df.iloc[i:i + n] for i in range(0, len(df), n)] or [df]


def _numbered(title, i, n):
    return title if n == 1 else f"{title} ({i + 1}/{n})"


def collect(store, year, as_of, province=None, offices=()):
    """Everything the deck shows, as frames: the one place the deck reads the database."""
    view, rows, offices = _view(store, year, as_of, province, list(offices))
    national = province is None
    province = view.province
    per_satker = queries.completion(store, view, by=("satker",))
    rank = queries.ranking(per_satker, rows)
    data = {"view": view, "national": national, "offices": list(offices), "scope": province or "Nasional",
            "per_satker": per_satker, "rank": rank,
            "missing": submission.missing(store, view.year, province=province, as_of=view.as_of),
            "trend": queries.trend(store, view)}
    if national:
        per = queries.province_completion(store, view)
        data["grid_rank"] = queries.province_ranking(per)
        data["grid_area"] = queries.province_completion(store, view, by=("area",))
        data["grid_key"] = "province"
    else:
        data["grid_rank"] = rank
        data["grid_area"] = queries.completion(store, view, by=("satker", "area"))
        data["grid_key"] = "satker"
    official = [o for o in regions.official_offices() if province is None or o.province == province]
    data["official"] = len(official)
    return data


def _laggard_sets(data):
    """[(title, frame with a 'name' column)] of the laggard slides."""
    out = []
    if data["national"]:
        prov = data["grid_rank"].rename(columns={"province": "satker"})
        lag, median = queries.laggards(prov, LAGGARDS)
        out.append(("Provinsi di bawah median", lag.assign(name=lag["satker"]), median))
    lag, median = queries.laggards(data["rank"], LAGGARDS)
    out.append(("Satker di bawah median", lag.assign(name=lag["satker"]), median))
    return out


def _missing_table(data):
    """National: per province, how many offices have not uploaded / not reported; provincial: the offices."""
    df = data["missing"]
    if data["national"]:
        known = df[df["status"] != submission.UNMATCHED]
        known = known.assign(province=known["province"].fillna(regions.RI), n=1)  # KPU RI has no province
        counts = (known.pivot_table(index="province", columns="status", values="n", aggfunc="sum", fill_value=0)
                  .reindex(columns=[submission.NO_PLAN, submission.NO_REALISATION], fill_value=0))
        counts = counts.reset_index().rename(columns={"province": "Provinsi"})
        counts = counts.sort_values([submission.NO_PLAN, submission.NO_REALISATION, "Provinsi"],
                                    ascending=[False, False, True], kind="stable")
        table = pd.DataFrame({"Provinsi": counts["Provinsi"],
                              "Belum mengunggah rencana": counts[submission.NO_PLAN].astype(int),
                              "Belum melaporkan realisasi": counts[submission.NO_REALISATION].astype(int)})
        unmatched = df[df["status"] == submission.UNMATCHED]
        if len(unmatched):
            table = pd.concat([table, pd.DataFrame({
                "Provinsi": [f"Nama tidak cocok: {n}" for n in unmatched["satker"]],
                "Belum mengunggah rencana": "", "Belum melaporkan realisasi": ""})], ignore_index=True)
        return table.reset_index(drop=True)
    return pd.DataFrame({"Satker": df["satker"], "Status": df["status"].map(submission.STATUS_TEXT),
                         "Nama di workbook": df["imported_as"].fillna("")}).reset_index(drop=True)


def outline(data):
    """The deck's slide titles, in order (what ``build`` draws)."""
    view, month = data["view"], MONTHS[data["view"].as_of - 1]
    titles = [f"Rencana Aksi Reformasi Birokrasi KPU {view.year}", f"Ringkasan: {data['scope']}"]
    level = "provinsi" if data["national"] else "satker"
    heat = _chunks(data["grid_rank"])
    titles += [_numbered(f"Capaian per {level} dan area s.d. {month}", i, len(heat)) for i in range(len(heat))]
    titles.append(f"Tren capaian {view.year}: {data['scope']}")
    titles += [title for title, _, _ in _laggard_sets(data)]
    missing = _chunks(_missing_table(data))
    titles += [_numbered("Belum mengirim", i, len(missing)) for i in range(len(missing))]
    titles += [f"Gantt: {name}" for name in data["offices"][:MAX_OFFICES]]
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
    scope = "Nasional: 38 provinsi" if data["national"] else f"Provinsi {data['scope']}"
    _text(slide, MARGIN, Inches(3.3), WIDE - 2 * MARGIN, Inches(2.5), [
        (f"Evaluasi capaian · {scope}", 28, False, INK),
        (f"Kondisi s.d. {wording.month_long(view.as_of)} {view.year}", 28, True, INK),
        (f"Dibuat {wording.long_date(today)}", 20, False, MUTED)])


def _summary_slide(prs, data):
    view = data["view"]
    month = MONTHS[view.as_of - 1]
    slide = _slide(prs, f"Ringkasan: {data['scope']}", wording.year_as_of(view.year, view.as_of, long=True))
    rate, with_data, n = queries.overall(data["per_satker"])
    reported, due = queries.reporting(data["per_satker"])
    counts = submission.summary(data["missing"])
    tiles = [
        (wording.pct(rate) or wording.NO_DATA, wording.rate_up_to(view.as_of),
         f"{wording.DEFINITION} (satker dengan data)"),
        (wording.of(n, data['official']), "Satker dengan rencana aksi",
         "dibandingkan daftar resmi satker KPU"),
        (wording.of(with_data, n), "Satker dengan data realisasi", ""),
        (wording.pct(reported / due, 0) if due else wording.DASH, wording.REPORTING,
         wording.reporting(reported, due)),
        (wording.integer(counts[submission.NO_PLAN]), "Belum mengunggah rencana", "satker dalam daftar resmi"),
        (wording.integer(counts[submission.NO_REALISATION]), "Belum melaporkan realisasi",
         f"punya rencana, belum ada realisasi s.d. {month}"),
    ]
    w, h = (WIDE - 2 * MARGIN) / 3, Inches(2.7)
    for k, (value, label, note) in enumerate(tiles):
        left, top = MARGIN + int(w * (k % 3)), Inches(1.55) + int(h * (k // 3))
        _text(slide, left, top, int(w) - Inches(0.2), h, [(value, 40, True, INK), (label, 22, True, INK),
                                                          (note, 15, False, MUTED)])


def _heatmap_slides(prs, data):
    view, key = data["view"], data["grid_key"]
    month = MONTHS[view.as_of - 1]
    level = "provinsi" if data["national"] else "satker"
    rank = data["grid_rank"]
    area = data["grid_area"]
    areas_ = list(view.areas or AREAS)
    cols = [wording.area_title(no) for no in areas_]  # number, then the short name on narrow lines
    for i, part in enumerate(_chunks(rank)):
        names = part[key].tolist()
        cells = area[area[key].isin(names)].set_index([key, "area_no"])
        values, fills = [], []
        for rec in part.to_dict("records"):
            row, fill = [wording.office_label(rec[key])], [None]
            for no in areas_:
                c = cells.loc[(rec[key], no)] if (rec[key], no) in cells.index else None
                row.append(_rate_cell(c))
                fill.append(_rate_fill(c))
            row.append(_rate_cell(rec))
            fill.append(_rate_fill(rec))
            values.append(row)
            fills.append(fill)
        first = "Provinsi" if data["national"] else "Satker"
        df = pd.DataFrame(values, columns=[first, *cols, "Total"])
        slide = _slide(prs, _numbered(f"Capaian per {level} dan area s.d. {month}", i, len(_chunks(rank))),
                       wording.HEATMAP_CAPTION)
        table = _table(slide, df, widths=[2.2] + [1.15] * len(cols) + [1.1], fills=pd.DataFrame(fills), size=14)
        for i, rec in enumerate(part.to_dict("records"), start=1):
            if not bool(rec["has_data"]) and len(cols) > 1:  # the words once per row, as the heatmap does
                first = table.cell(i, 1)
                first.merge(table.cell(i, len(cols) + 1))
                _cell(first, wording.NO_DATA, 14, fill=_rgb("FF" + charts.NO_DATA_COLOR[1:]))


def _rate_cell(rec):
    if rec is None:
        return wording.NOTHING_DUE
    return charts.rate_text(rec["rate"], bool(rec["has_data"]), rec["planned"])


def _rate_fill(rec):
    if rec is None:
        return "FF" + charts.NOT_SCHEDULED_COLOR[1:]
    if not bool(rec["has_data"]):
        return "FF" + charts.NO_DATA_COLOR[1:]
    if not rec["planned"] or pd.isna(rec["rate"]):
        return "FF" + charts.NOT_SCHEDULED_COLOR[1:]
    return export.rate_color(rec["rate"])


def _trend_slide(prs, data, images):
    view = data["view"]
    slide = _slide(prs, f"Tren capaian {view.year}: {data['scope']}",
                   "Bulan-kegiatan rencana dan realisasi dijumlahkan dari Januari (kurva S); capaian tiap bulan "
                   "dan kumulatif")
    df = data["trend"]
    if images:
        fig = charts.enlarged(charts.trend_figure(df, view.as_of))
        _picture(slide, export.figure_png(fig, width=1200, height=640, scale=1.5), MARGIN, Inches(1.45),
                 WIDE - 2 * MARGIN, HIGH - Inches(1.6))
        return
    shown = df[df["month"] <= view.as_of]
    _table(slide, pd.DataFrame({
        "Bulan": [MONTHS[m - 1] for m in shown["month"]],
        "Rencana kumulatif": [wording.integer(v) for v in shown["planned_cum"]],
        "Realisasi kumulatif": [wording.integer(v) for v in shown["realized_cum"]],
        "Capaian bulan itu": [wording.pct(v) for v in shown["rate"]],
        "Capaian kumulatif": [wording.pct(v) for v in shown["rate_cum"]]}))


def _laggard_slides(prs, data):
    for title, lag, median in _laggard_sets(data):
        what = "provinsi" if title.startswith("Provinsi") else "satker"
        if median is None:
            slide = _slide(prs, title)
            _text(slide, MARGIN, Inches(1.6), WIDE - 2 * MARGIN, Inches(1), f"Belum ada {what} yang melaporkan realisasi.")
            continue
        slide = _slide(prs, title, f"{what.capitalize()} dengan data realisasi yang capaiannya di bawah median "
                                   f"({wording.pct(median)}); paling rendah dahulu, paling banyak {LAGGARDS}")
        if lag.empty:
            _text(slide, MARGIN, Inches(1.6), WIDE - 2 * MARGIN, Inches(1), f"Tidak ada {what} di bawah median.")
            continue
        df = pd.DataFrame({
            what.capitalize(): lag["name"],
            **({} if what == "provinsi" else {"Provinsi": lag["province"].fillna("–")}),
            "Capaian": [wording.pct(r) for r in lag["rate"]],
            "Terealisasi": [wording.of(r, p) for r, p in zip(lag["realized"], lag["planned"])],
            "Dilaporkan": [wording.units_of(r, d) for r, d in
                           zip(lag["reported"], lag["due"])]})
        lead = 2 if what == "satker" else 1  # name (and province) before the rate column
        _table(slide, df, widths=[3, 2, 1.2, 1.8, 3] if what == "satker" else [3, 1.2, 1.8, 3],
               fills=pd.DataFrame([[None] * lead + [export.rate_color(r), None, None] for r in lag["rate"]]), size=18)


def _missing_slides(prs, data):
    view = data["view"]
    counts = submission.summary(data["missing"])
    table = _missing_table(data)
    parts = _chunks(table)
    note = wording.not_submitted_counts(counts[submission.NO_PLAN], counts[submission.NO_REALISATION],
                                        counts[submission.UNMATCHED], up_to=view.as_of) + " (daftar resmi satker KPU)"
    for i, part in enumerate(parts):
        slide = _slide(prs, _numbered("Belum mengirim", i, len(parts)), note)
        if table.empty:
            _text(slide, MARGIN, Inches(1.6), WIDE - 2 * MARGIN, Inches(1), wording.ALL_SUBMITTED)
            continue
        _table(slide, part, widths=[4, 2, 2] if data["national"] else [3.8, 4.4, 3], size=16)


def _office_slides(prs, data, store, images):
    view = data["view"]
    for name in data["offices"][:MAX_OFFICES]:
        slide = _slide(prs, f"Gantt: {name}", wording.year_as_of(view.year, view.as_of, long=True))
        s = queries.office_summary(store, name, view.year, view.as_of)
        header = queries.plan_header(store, name, view.year)
        lines = [(wording.pct(s["rate"]) or wording.NO_DATA, 40, True, INK),
                 (wording.rate_up_to(view.as_of), 20, True, INK),
                 (f"{wording.units_of(s['realized'], s['planned'])} terealisasi sesuai jadwal", 18, False, INK)]
        if s["late"] is not None:
            lines.append((f"{wording.integer(s['late'])} {wording.UNIT} {wording.LATE_LABEL.lower()}", 18, False, INK))
        lines.append((f"{wording.integer(header['activity_count'] if header else 0)} kegiatan dalam rencana", 18,
                      False, MUTED))
        acts = queries.plan_activities(store, name, view.year)
        has_data = bool(header and header["has_data"])
        shown, what = gantt_rows_for_slide(acts, view.as_of, has_data)
        lines.append((what, 16, False, MUTED))
        _text(slide, MARGIN, Inches(1.5), Inches(3.6), Inches(5.5), lines)
        if images and len(shown):
            fig = charts.enlarged(charts.gantt_figure(shown, view.as_of, has_data=has_data, label_width=40), size=16)
            png = export.figure_png(fig, width=1300, scale=1)
            _picture(slide, png, MARGIN + Inches(3.8), Inches(1.45), WIDE - 2 * MARGIN - Inches(3.8),
                     HIGH - Inches(1.55))


GANTT_ROWS = 12  # activities on an office's slide: more cannot be read from the back of a room


def gantt_rows_for_slide(acts, as_of, has_data):
    """The activities an office's slide shows, and the sentence saying which: those with a late month
    (schedule.cell_states, the Gantt's own rule) in plan order, else the first ones of the plan; at
    most GANTT_ROWS -- the whole Gantt is on the app's Gantt page."""
    if acts.empty:
        return acts, "Tidak ada kegiatan."
    late = (cell_states(acts["planned_mask"], acts["realized_mask"], as_of, has_data) == LATE).any(axis=1)
    n = len(acts)
    if late.any():
        shown = acts[late].head(GANTT_ROWS)
        return shown, (f"Gantt: {len(shown)} dari {int(late.sum())} kegiatan yang terlambat"
                       f" (semua {n} kegiatan di halaman Gantt)")
    shown = acts.head(GANTT_ROWS)
    return shown, f"Gantt: {len(shown)} kegiatan pertama dari {n} (semua di halaman Gantt)"


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
    _laggard_slides(prs, data)
    _missing_slides(prs, data)
    _office_slides(prs, data, store, images)
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
