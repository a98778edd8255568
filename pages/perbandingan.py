"""Perbandingan: completion across offices (per area, per month), a ranking, exports, open a Gantt.

Every figure is one model of rbdash.views (comparison_heatmap, ranking, trend, summary) on
rbdash.metrics; this page caches them, picks the renderer (grid, figure, workbook) and lays out."""

import base64

import streamlit as st

from pages._ui import (arrange_controls, by_anything, by_year, empty_state, loader, md, not_submitted,
                       presentation_toggle, show_grid, start, switch_to, table)
from rbdash import grids, report, views, wording
from rbdash.charts import enlarged, rate_heatmap, trend_realised, trend_svg, years_figure
from rbdash.errors import ExportError, RbdashError
from rbdash.export import comparison_workbook, deck_pdf, figure_png
from rbdash.grids import change_table, rate_columns, rate_grid, ranking_table, trend_table, year_table
from rbdash.wording import LEVELS, REPORTING_CHOICES

VIEWS = {"area": wording.PER_AREA, "month": wording.PER_MONTH, "rank": wording.RANK, "trend": "Tren",
         "yoy": wording.YEAR_OVER_YEAR}
POOLED = ("trend", "yoy")  # views of the whole selection: no provinces, no filtering by reporting
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@loader(by_year)
def load_summary(_store, key, view):
    return views.summary(_store, view)


@loader(by_year)
def load_ranking(_store, key, view, level):
    return views.ranking(_store, view, level)


@loader(by_year)
def load_heatmap(_store, key, view, level, which, reporting, basis="dilaporkan"):
    """One comparison heatmap with a Total column, for the grid on screen and the figure of the PNG and
    presentation view alike.  ``level``: "satker" (the offices shown by their ``reporting``) or
    "provinsi" (38 rows at most); ``basis``: the reported or the verified rate colours it."""
    return views.comparison_heatmap(_store, view, level, which, reporting, basis,
                                    rank=load_ranking(_store, key, view, level))


@loader(by_year, resource=True, max_entries=16)
def figure(_store, key, view, level, which, reporting="semua", basis="dilaporkan"):
    """One heatmap as a plotly figure (the PNG export), built on request and shared rather than
    copied: unpickling big figures costs more than the page."""
    return rate_heatmap(load_heatmap(_store, key, view, level, which, reporting, basis))


@loader(by_year, resource=True, max_entries=16)
def grid(_store, key, view, level, which, reporting="semua", basis="dilaporkan", order="tinggi", query=""):
    """One heatmap as a coloured data grid (rbdash.grids): what the page shows (issue 7.6), coloured by
    the reported or the verified rate (``basis``), its rows in the app's own ``order`` and narrowed to
    a search ``query`` (views.arrange); with each column's width and help."""
    hm = views.arrange(load_heatmap(_store, key, view, level, which, reporting, basis), order, query)
    return rate_grid(hm), len(hm.rows), rate_columns(hm)


@loader(by_year)
def load_trend(_store, key, view):
    return views.trend(_store, view)


@st.cache_resource(show_spinner=False, max_entries=8)
def projector_copy(_fig, *figure_key):
    return enlarged(_fig, PROJECTOR_PX)


def show(fig, chart_key, *figure_key):
    """A plotly figure full-width (the year-over-year bars); in the presentation view a cached copy
    with larger text."""
    if st.session_state.get("presentasi"):
        fig = projector_copy(fig, chart_key, *figure_key)
    st.plotly_chart(fig, key=chart_key, config={"displayModeBar": False}, theme=None)


@loader(by_anything)
def load_years(_store, key, province, areas, as_of, compare):
    """Year over year of the nation or a province (views.year_over_year): the sidebar's year and
    offices play no part."""
    return views.year_over_year(_store, views.View(year=None, satkers=None, areas=areas, as_of=as_of,
                                                   province=province), compare)


@loader(by_anything, resource=True, max_entries=16)
def years_grid(_store, key, province, areas, as_of, compare):
    yoy = load_years(_store, key, province, areas, as_of, compare)
    return rate_grid(yoy.areas), len(yoy.rows), rate_columns(yoy.areas)


@loader(by_anything, resource=True, max_entries=16)
def years_chart(_store, key, province, areas, as_of, compare):
    return years_figure(load_years(_store, key, province, areas, as_of, compare))


def render_years(store, key, view):
    """Issue 23.4: did the nation (or the province) do better than last year?  Each year up to the
    same month, per area, and the offices that improved or fell most between two years."""
    present = views.years_present(store, view.province, st.session_state.offices)
    compare = None
    if len(present) > 1:
        left, right, _ = st.columns([1, 1, 3])
        if st.session_state.get("yoy_dari") not in present or st.session_state.get("yoy_ke") not in present:
            st.session_state.yoy_dari, st.session_state.yoy_ke = present[-2], present[-1]
        compare = (left.selectbox(wording.FROM_YEAR, present, key="yoy_dari"),
                   right.selectbox(wording.TO_YEAR, present, key="yoy_ke"))
    try:
        yoy = load_years(store, key, view.province, view.areas, view.as_of, compare)
    except RbdashError as exc:  # the same year twice
        st.error(exc.message_id, icon=":material/warning:")
        return
    st.caption(yoy.areas.caption)
    if len(yoy.years) == 1:
        st.info(wording.one_year_only(yoy.years[0]), icon=":material/info:")
    request = (key, view.province, view.areas, view.as_of, compare)
    show(years_chart(store, *request), "yoy_chart", *request)
    styler, n, columns = years_grid(store, *request)
    show_grid(styler, n, key="yoy_grid", columns=columns)
    table(year_table(yoy), hide_index=True, width="stretch", key="yoy_table")
    if yoy.from_year is None:
        return
    st.caption(wording.offices_compared(len(yoy.changes), yoy.from_year, yoy.to_year) + ".")
    for title, rows, name in ((wording.IMPROVED, yoy.improved, "yoy_naik"), (wording.FELL, yoy.fell, "yoy_turun")):
        st.markdown(f"**{title} {yoy.from_year} → {yoy.to_year}**")
        if rows.empty:
            st.caption(wording.NOBODY_CHANGED)
        else:
            table(change_table(yoy, rows, province=view.province is None), hide_index=True, width="stretch", key=name)


PROJECTOR_PX = 20  # chart text in the presentation view
# the trend drawing's (text px, width px): drawn as wide as the page shows it at 1366 px, so its text
# is seen at its size -- beside the sidebar, and full width without it in the presentation view
TREND_SCREEN, TREND_PROJECTOR = (14, 900), (PROJECTOR_PX, 1300)


def drawing(svg, alt):
    """An SVG of rbdash.charts shown as an image at its drawn size (at most the page's width): a data
    URL in Markdown, ``alt`` escaped (md).  Not st.image: its fullscreen wrapper sizes itself again once
    the image is in, ~0.2 s more in a fresh tab (alternated visits, issue 21.9), and its button is English."""
    st.markdown(f"![{md(alt)}](data:image/svg+xml;base64,{base64.b64encode(svg.encode()).decode()})")


def render_trend(store, key, view):
    """Issue 7.3: are we catching up month by month?  The selection's S-curve and monthly rates as one
    drawing (charts.trend_svg), larger in the presentation view; the figures per month in a table
    opened on request.  Issue 21.9: the drawing is an image and the table is sent only once opened,
    so a fresh tab loads no chart or grid code (plotly.js took 2 s, Vega-Lite and the grid 0.5-1 s each)."""
    st.caption("Kurva S: bulan-kegiatan yang direncanakan dan yang terealisasi sesuai jadwal, dijumlahkan dari "
               f"Januari; realisasi dari file monev dan dari halaman Progres, s.d. {wording.month(view.as_of)}. "
               "Pilih provinsi atau satu satker di panel kiri untuk melihat trennya.")
    trend = load_trend(store, key, view)
    size, width = TREND_PROJECTOR if st.session_state.get("presentasi") else TREND_SCREEN
    with st.container(key="trend_chart"):
        drawing(trend_svg(trend, size, width), ". ".join(filter(None, (trend.title, trend_realised(trend)))))
    box = st.expander(wording.TREND_TABLE, icon=":material/table_view:", key="tren_tabel", on_change="rerun")
    if box.open:  # lazy, as not_submitted: the grid's code and rows only once asked for
        with box:
            months = trend_table(trend)
            table(months, hide_index=True, width="stretch", placeholder="", key="trend_table",
                  height=grids.grid_height(len(months.styler.data)))


def basis_choice():
    """Issue 23.2: what colours the heatmap -- the reported rate or the verified rate (same denominator)."""
    if st.session_state.get("dasar") not in wording.RATE_BASES:
        st.session_state.dasar = "dilaporkan"
    return st.segmented_control(wording.RATE, list(wording.RATE_BASES), format_func=wording.RATE_BASES.get,
                                key="dasar", required=True,
                                help=f"{wording.REPORTED}: {wording.DEFINITION}. {wording.VERIFIED}: "
                                     f"{wording.VERIFIED_DEFINITION}.")


def show_heatmap(store, key, view, level, which, reporting="semua"):
    """A comparison heatmap as a coloured data grid (fast at any number of rows), its rows in the
    app's own order and search; in the presentation view as tall as the screen with larger rows."""
    chart_key = f"{'prov_' if level == 'provinsi' else ''}heatmap_{which}"
    basis = basis_choice()
    order, query = arrange_controls("provinsi" if level == "provinsi" else "satker", chart_key)
    styler, n, columns = grid(store, key, view, level, which, reporting, basis, order, query)
    if not n and query:
        st.info(wording.NO_MATCH.format(what="provinsi" if level == "provinsi" else "satker", text=query))
        return
    st.caption(f"{GREY} Pilih baris (kotak di kirinya) untuk "
               + ("melihat satker provinsi itu." if level == "provinsi" else "membuka Gantt satker itu."))
    picked = show_grid(styler, n, key=f"{chart_key}_grid", pick=True, columns=columns, own_search=True)
    if picked is not None:  # a row chosen: into that province's offices, or that office's Gantt
        if level == "provinsi":
            switch_to("pages/perbandingan.py", f_province=picked, tingkat="satker", f_satker=[])
        else:
            switch_to("pages/gantt.py", fokus=picked)


@loader(by_year, show_spinner="Membuat gambar PNG…", max_entries=8)
def png(_fig, key, which, view, reporting):
    """PNG bytes of a heatmap; a failure raises ExportError and is not cached, so a retry retries."""
    return figure_png(_fig)


@loader(by_year, show_spinner="Membuat file Excel…", max_entries=8)
def xlsx(_store, key, view):
    """The comparison workbook's bytes; any failure becomes ExportError (Indonesian on screen)."""
    rank = load_ranking(_store, key, view, "satker")
    by_area, by_month = (load_heatmap(_store, key, view, "satker", which, "semua") for which in ("area", "month"))
    try:
        return comparison_workbook(rank, by_area, by_month,
                                   note=wording.province_office(view.province) if view.province else None)
    except Exception as exc:  # openpyxl or memory: the page says so in Indonesian, no English detail
        raise ExportError("xlsx_failed", detail=type(exc).__name__) from exc


@loader(by_anything, show_spinner="Membuat file PowerPoint…", max_entries=4)
def pptx(_store, key, year, as_of, province, offices):
    """The meeting deck's bytes (rbdash.report); failures are ExportError/ValidationError, not cached.
    Kept by any write: its year-over-year slide reads every year."""
    return report.deck_bytes(_store, year, as_of, province=province, offices=offices)


@loader(by_anything, show_spinner="Membuat file PDF…", max_entries=4)
def pdf(_store, key, year, as_of, province, offices):
    """The same deck as PDF (LibreOffice); ExportError when it is not installed or fails, not cached."""
    return deck_pdf(pptx(_store, key, year, as_of, province, offices))


def deck_export(store, key, view):
    """Issue 7.4: the meeting deck, made on request into bytes (as the Excel and PNG exports)."""
    offices = tuple(st.session_state.get("f_satker") or ())[:report.MAX_OFFICES]
    where = f"provinsi {view.province}" if view.province else "nasional"
    with st.container(border=True):
        st.markdown("**Bahan rapat (PowerPoint atau PDF)**")
        st.caption(f"Slide {where}: ringkasan, heatmap capaian, tren, tahun ke tahun, satker tertinggal, yang belum "
                   "mengirim"
                   + (f", dan Gantt {len(offices)} satker terpilih." if offices
                      else ". Pilih satker di panel kiri untuk menambah slide Gantt-nya."))
        request = (key, view.year, view.as_of, view.province, offices)
        name = f"rapat_rb_{view.year}_sd_{wording.month(view.as_of).lower()}"
        for column, (kind, label, make, mime, icon) in zip(st.columns(2), (
                ("pptx", "PowerPoint", pptx, report.PPTX_MIME, ":material/slideshow:"),
                ("pdf", "PDF", pdf, "application/pdf", ":material/picture_as_pdf:"))):
            if column.button(f"Siapkan {label}", icon=icon, key=f"siapkan_{kind}"):
                st.session_state[f"{kind}_request"] = request
            if st.session_state.get(f"{kind}_request") == request:
                try:
                    data = make(store, key, view.year, view.as_of, view.province, offices)
                except RbdashError as exc:
                    column.error(exc.message_id, icon=":material/warning:")
                else:
                    column.download_button(f"Unduh {label}", data=data, icon=":material/download:", mime=mime,
                                           key=f"unduh_{kind}", on_click="ignore", file_name=f"{name}.{kind}")


# the numbers are shown as the Styler writes them (Indonesian: 64,2%, 1.419): no printf formats here,
# which the grid would write the English way (issue 21.5); widths from the texts (grids.Shown)
RANK_COLUMNS = {
    wording.RATE: st.column_config.NumberColumn(wording.RATE, help="Bulan-kegiatan terealisasi sesuai jadwal ÷ "
                                                                   "jatuh tempo"),
    wording.VERIFIED: st.column_config.NumberColumn(wording.VERIFIED, help=wording.VERIFIED_DEFINITION),
    wording.REALISED: st.column_config.TextColumn(wording.REALISED, help="Bulan-kegiatan terealisasi sesuai jadwal "
                                                                         "dari yang jatuh tempo"),
    wording.REPORTED_MONTHS: st.column_config.TextColumn(wording.REPORTED_MONTHS, help=wording.REPORTED_MONTHS_HELP),
    wording.REPORTED: st.column_config.TextColumn(wording.REPORTED, help="Bulan-kegiatan jatuh tempo yang sudah "
                                                                         "dilaporkan (terealisasi atau belum)"),
    wording.REPORTING: st.column_config.ProgressColumn(wording.REPORTING, format="%.0f%%", min_value=0, max_value=100,
                                                       width=90, help="Bagian bulan-kegiatan jatuh tempo yang sudah "
                                                                      "dilaporkan"),
}


def exports(store, key, view, reporting):
    """Excel and PNG, each prepared on request into bytes; the download itself does not rerun the
    page (a rerun used to expire the other export's deferred file: issue 13.3)."""
    st.markdown("**Unduh untuk rapat**")
    left, right = st.columns(2)
    if left.button("Siapkan Excel", icon=":material/table_view:", key="siapkan_excel"):
        st.session_state.xlsx_request = (key, view)
    if st.session_state.get("xlsx_request") == (key, view):
        try:
            data = xlsx(store, key, view)
        except ExportError as exc:
            st.error(exc.message_id, icon=":material/warning:")
        else:
            left.download_button("Unduh Excel", data=data, icon=":material/download:", mime=XLSX, key="unduh_excel",
                                 on_click="ignore",
                                 file_name=f"perbandingan_rb_{view.year}_sd_{wording.month(view.as_of).lower()}.xlsx")
    which = st.radio("Gambar heatmap", ["area", "month"], horizontal=True, key="png_which",
                     format_func={"area": "per area", "month": "per bulan"}.get)
    if right.button("Siapkan PNG", icon=":material/image:", key="siapkan_png"):
        st.session_state.png_request = (key, which, view, reporting)
    if st.session_state.get("png_request") == (key, which, view, reporting):
        try:
            image = png(figure(store, key, view, "satker", which, reporting), key, which, view, reporting)
        except ExportError as exc:
            st.error(exc.message_id, icon=":material/warning:")
        else:
            right.download_button("Unduh PNG", data=image, icon=":material/download:", mime="image/png",
                                  key="unduh_png", on_click="ignore", file_name=f"heatmap_{which}_{view.year}.png")


def level_choice(view, n_offices):
    """National (provinces) or office level; opens on provinces when a large list is not narrowed."""
    if st.session_state.get("tingkat") not in LEVELS:
        st.session_state.tingkat = views.opening_level(view, n_offices)
    return st.segmented_control(wording.LEVEL, list(LEVELS), format_func=LEVELS.get, key="tingkat",
                                required=True, label_visibility="collapsed")


# Issue 21.10: a caption names only what the figure below it shows -- the province heatmap has no
# "Dengan data" column (the ranking has), the trend no provinces, and only a heatmap has grey cells.
PROVINCES = wording.PROVINCES_CAPTION
GREY = wording.GREY_CAPTION


def render_provinces(store, key, view, shown):
    rank = load_ranking(store, key, view, "provinsi")
    if shown not in POOLED:  # the trend and year over year pool the selection: they show no province
        counted = (f"kolom {wording.OFFICES_WITH_DATA}: satker yang dihitung" if shown == "rank"
                   else f"jumlahnya per provinsi: tampilan {wording.RANK}")
        st.caption(PROVINCES.format(counted=counted))
    if shown == "trend":
        render_trend(store, key, view)
    elif shown == "yoy":
        render_years(store, key, view)
    elif shown == "rank":
        table(ranking_table(rank), hide_index=True, width="stretch", column_config=RANK_COLUMNS, placeholder="")
    else:
        show_heatmap(store, key, view, "provinsi", shown)
    with st.container(border=True):
        st.markdown("**Lihat satker satu provinsi**")
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        target = left.selectbox(wording.PROVINCE, rank.names, key="buka_provinsi")
        if right.button(wording.SEE_OFFICES, icon=":material/zoom_in:", key="lihat_provinsi"):
            switch_to("pages/perbandingan.py", f_province=target, tingkat="satker", f_satker=[])


def render_offices(store, key, view, shown, reporting, rank):
    shown_rank = views.filter_reporting(rank, reporting)
    if shown == "trend":
        render_trend(store, key, view)
    elif shown == "yoy":
        render_years(store, key, view)
    elif shown_rank.empty:
        st.info(f"Tidak ada satker dengan {REPORTING_CHOICES[reporting].lower()} untuk filter ini.")
    elif shown == "rank":
        table(ranking_table(shown_rank, province=view.province is None), hide_index=True, width="stretch",
              column_config=RANK_COLUMNS, placeholder="")
    else:
        show_heatmap(store, key, view, "satker", shown, reporting)

    if st.session_state.get("presentasi"):
        return
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown("**Buka Gantt satker**")
        target = st.selectbox(wording.SATKER, rank.names, key="buka_satker")
        if st.button(wording.OPEN_GANTT, icon=":material/calendar_month:", key="buka_gantt"):
            switch_to("pages/gantt.py", fokus=target)
    with right, st.container(border=True):
        exports(store, key, view, reporting)


def render():
    page = start("Perbandingan antar satker")
    if page is None:
        return
    store, key, view, _ = page
    rank = load_ranking(store, key, view, "satker")
    if rank.empty:
        empty_state(wording.NO_OFFICE_FOR_FILTER)
        return
    summary = load_summary(store, key, view)
    st.caption(f"{wording.RATE} = {wording.DEFINITION}, s.d. "
               f"{wording.month(view.as_of)} {view.year}; {wording.reporting(summary.reported, summary.due)}.")
    c1, c2, c3, c4 = st.columns([2.4, 3.4, 2, 1.6], vertical_alignment="center")
    with c4:
        presenting = presentation_toggle()
    with c1:
        level = level_choice(view, len(rank.rows))
    # One view at a time (not tabs): with 550 offices each heatmap is ~0.5 MB sent on every run.
    shown = c2.radio("Tampilan", list(VIEWS), format_func=VIEWS.get, horizontal=True, key="tampilan",
                     label_visibility="collapsed")
    if level == "provinsi":
        render_provinces(store, key, view, shown)
    else:
        if st.session_state.get("pelaporan") not in REPORTING_CHOICES:
            st.session_state.pelaporan = "semua"
        reporting = st.session_state.pelaporan
        if shown not in POOLED:  # the trend and year over year pool the selection: no filtering by reporting
            reporting = c3.selectbox(wording.REPORTING, list(REPORTING_CHOICES), format_func=REPORTING_CHOICES.get,
                                     key="pelaporan", label_visibility="collapsed",
                                     help="Pelaporan lengkap = semua bulan-kegiatan jatuh tempo sudah dilaporkan")
        if view.province:
            st.caption(f"{wording.province_office(view.province)}: KPU Provinsi dan KPU Kabupaten/Kota-nya.")
        render_offices(store, key, view, shown, reporting, rank)
    if presenting:  # the projector shows the comparison only
        return
    deck_export(store, key, view)
    not_submitted(store, key, view)


render()
