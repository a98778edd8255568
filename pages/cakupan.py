"""Cakupan Area: which areas each office's plan covers, and the standard kegiatan an office lacks.

The figures are rbdash.views' coverage models (coverage_heatmap, activity_counts, missing_standard)
on metrics.coverage; this page caches them and lays them out."""

import streamlit as st

from pages._ui import by_office, by_plans, empty_state, loader, office_options, show_grid, start, switch_to, table
from rbdash import views, wording
from rbdash.grids import rate_grid
from rbdash.wording import LEVELS


@loader(by_plans)
def load(_store, key, view, level):
    """Office (or province) × area: the share of the catalogue's standard kegiatan covered."""
    return views.coverage_heatmap(_store, view, level)


@loader(by_plans, resource=True, max_entries=16)
def grid(_store, key, view, level):
    """The coverage heatmap as a coloured data grid (issue 7.6: drawn quickly at any number of rows)."""
    return rate_grid(load(_store, key, view, level))


@loader(by_plans)
def load_counts(_store, key, view):
    return views.activity_counts(_store, view)


@loader(by_office)
def load_missing(_store, key, satker, year, area_nos):
    return views.missing_standard(_store, satker, year, area_nos)


def render():
    page = start("Cakupan area perubahan")
    if page is None:
        return
    store, key, view, _ = page
    offices = load(store, key, view, "satker")
    if offices.empty:
        empty_state(wording.NO_OFFICE_FOR_FILTER)
        return
    if st.session_state.get("tingkat") not in LEVELS:
        st.session_state.tingkat = views.opening_level(view, len(offices.rows))
    level = st.segmented_control(wording.LEVEL, list(LEVELS), format_func=LEVELS.get, key="tingkat", required=True,
                                 label_visibility="collapsed")
    if level == "provinsi":
        provinces = load(store, key, view, "provinsi")
        st.caption(provinces.caption)
        st.caption("Pilih baris (kotak di kirinya) untuk melihat satker provinsi itu.")
        picked = show_grid(grid(store, key, view, "provinsi"), len(provinces.rows), "cakupan_provinsi", pick=True)
        if picked is not None:
            switch_to("pages/cakupan.py", f_province=picked, tingkat="satker", f_satker=[])
        with st.container(border=True):
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            target = left.selectbox("Lihat satker satu provinsi", list(provinces.rows), key="cakupan_buka_provinsi")
            if right.button(wording.SEE_OFFICES, icon=":material/zoom_in:", key="cakupan_lihat_provinsi"):
                switch_to("pages/cakupan.py", f_province=target, tingkat="satker", f_satker=[])
        return
    st.caption(offices.caption)
    show_grid(grid(store, key, view, "satker"), len(offices.rows), "cakupan_heatmap")
    with st.expander("Tabel jumlah kegiatan per area"):
        table(load_counts(store, key, view), hide_index=True, width="stretch")
    st.subheader("Kegiatan standar yang belum ada di rencana")
    present = set(offices.rows)
    options = [s for s in office_options(view) if s in present]
    default = st.session_state.get("fokus")
    satker = st.selectbox(wording.SATKER, options, index=options.index(default) if default in options else 0,
                          key="cakupan_satker")
    missing = load_missing(store, key, satker, view.year, view.areas)
    if missing.empty:
        st.success("Semua kegiatan standar pada area terpilih sudah tercakup.")
    else:
        table(missing, hide_index=True, width="stretch")


render()
