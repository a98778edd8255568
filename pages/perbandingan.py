"""Perbandingan: completion across offices (per area, per month), a ranking, exports, open a Gantt."""

import pandas as pd
import streamlit as st

from pages._ui import empty_state, start, switch_to
from rbdash import queries
from rbdash.areas import AREAS
from rbdash.schedule import MONTHS
from rbdash.charts import NO_DATA_TEXT, area_column, completion_cells, fmt_int, fmt_pct, rate_heatmap
from rbdash.export import ExportError, comparison_workbook, figure_png

TOTAL = "total"
VIEWS = {"area": "Per area", "month": "Per bulan", "rank": "Peringkat"}


@st.cache_data(show_spinner=False)
def load(_store, key, view, _offices):
    """Completion per satker / satker×area / satker×month and the ranking."""
    per_satker = queries.completion(_store, view, by=("satker",))
    rank = queries.ranking(per_satker, _offices[_offices["year"] == view.year])
    area_labels = {no: area_column(no) for no in (view.areas or AREAS)}
    return {"per_satker": per_satker, "rank": rank, "area_labels": area_labels,
            "per_area": queries.completion(_store, view, by=("satker", "area")),
            "per_month": queries.completion(_store, view, by=("satker", "month"))}


@st.cache_resource(show_spinner=False, max_entries=16)
def figures(_store, key, view, _offices):
    """Both heatmaps, shared rather than copied: unpickling big figures costs more than the page."""
    data = load(_store, key, view, _offices)
    rows = data["rank"]["satker"].tolist()
    area_cells = pd.concat([completion_cells(data["per_area"], "satker", "area_no"),
                            completion_cells(data["per_satker"].assign(col=TOTAL), "satker", "col")])
    return {
        "area": rate_heatmap(area_cells, rows, [*data["area_labels"], TOTAL], [*data["area_labels"].values(), "Total"],
                             title=f"Capaian per area s.d. {MONTHS[view.as_of - 1]} {view.year}"),
        "month": rate_heatmap(completion_cells(data["per_month"], "satker", "month"), rows, range(1, view.as_of + 1),
                              MONTHS[:view.as_of], title=f"Capaian per bulan {view.year}"),
    }


@st.cache_data(show_spinner="Membuat gambar PNG…", max_entries=8)
def png(_fig, key, which, view):
    """PNG bytes of a heatmap; a failure raises ExportError and is not cached, so a retry retries."""
    return figure_png(_fig)


def ranking_table(rank):
    return pd.DataFrame({
        "Peringkat": rank["rank"], "Satker": rank["satker"], "Provinsi": rank["province"],
        "Direncanakan": rank["planned"].astype(int),
        "Terealisasi": [fmt_int(r) if h else "–" for r, h in zip(rank["realized"], rank["has_data"])],
        "Capaian": [fmt_pct(r) if h else NO_DATA_TEXT for r, h in zip(rank["rate"], rank["has_data"])]})


def render():
    page = start("Perbandingan antar satker")
    if page is None:
        return
    store, key, view, _ = page
    data = load(store, key, view, st.session_state.offices)
    figs = figures(store, key, view, st.session_state.offices)
    rank = data["rank"]
    if rank.empty:
        empty_state("Tidak ada satker untuk filter ini.")
        return
    st.caption(f"Capaian = bulan-kegiatan terealisasi sesuai jadwal ÷ yang dijadwalkan, s.d. "
               f"{MONTHS[view.as_of - 1]} {view.year}. Abu-abu = satker belum melaporkan realisasi (bukan 0%).")
    # One view at a time (not tabs): with 550 offices each heatmap is ~0.5 MB sent on every run.
    shown = st.radio("Tampilan", list(VIEWS), format_func=VIEWS.get, horizontal=True, key="tampilan",
                     label_visibility="collapsed")
    if shown == "rank":
        st.dataframe(ranking_table(rank), hide_index=True, width="stretch")
    else:
        st.plotly_chart(figs[shown], key=f"heatmap_{shown}", config={"displayModeBar": False})

    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown("**Buka Gantt satker**")
        target = st.selectbox("Satker", rank["satker"].tolist(), key="buka_satker")
        if st.button("Buka Gantt", icon=":material/calendar_month:", key="buka_gantt"):
            switch_to("pages/gantt.py", fokus=target)
    with right, st.container(border=True):
        st.markdown("**Unduh untuk rapat**")
        st.download_button(
            "Excel tabel perbandingan", icon=":material/table_view:", key="unduh_excel",
            file_name=f"perbandingan_rb_{view.year}_sd_{MONTHS[view.as_of - 1].lower()}.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            data=lambda: comparison_workbook(rank, data["per_area"], data["per_month"], view.year, view.as_of,
                                             list(data["area_labels"]),
                                             note=f"Provinsi {view.province}" if view.province else None))
        which = st.radio("Gambar heatmap", ["area", "month"], horizontal=True, key="png_which",
                         format_func={"area": "per area", "month": "per bulan"}.get)
        if st.button("Siapkan PNG", icon=":material/image:", key="siapkan_png"):
            st.session_state.png_request = (key, which, view)
        if st.session_state.get("png_request") == (key, which, view):
            try:
                image = png(figs[which], key, which, view)
            except ExportError as exc:
                st.error(exc.message_id, icon=":material/warning:")
            else:
                st.download_button("Unduh PNG", data=image, icon=":material/download:", mime="image/png",
                                   key="unduh_png", file_name=f"heatmap_{which}_{view.year}.png")


render()
