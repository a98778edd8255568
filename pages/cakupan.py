"""Cakupan Area: which areas each office's plan covers, and the standard kegiatan an office lacks."""

import numpy as np
import pandas as pd
import streamlit as st

from pages._ui import LOADER, empty_state, office_options, show_grid, start, switch_to, table
from rbdash import queries, wording
from rbdash.wording import LEVELS, area_label, area_short, area_title
from rbdash.grids import rate_grid


@st.cache_data(**LOADER)
def load(_store, key, view, _offices):
    """Satker × area grid: activities and share of the catalogue's standard kegiatan covered."""
    return queries.coverage(_store, view, _offices)


def coverage_cells(cov, row_key):
    """Grid cells: the share of the catalogue's standard kegiatan each row's plans cover, per area."""
    return pd.DataFrame({"row": cov[row_key], "col": cov["area_no"], "value": cov["coverage"],
                         "state": np.where(cov["coverage"].notna(), "value", "none")})


@st.cache_resource(show_spinner=False, max_entries=16)
def grid(_store, key, view, _offices):
    """Satker × area coverage as a coloured data grid (issue 7.6: drawn quickly at any number of rows)."""
    cov = load(_store, key, view, _offices)
    cols = sorted(cov["area_no"].unique())
    rows = sorted(cov["satker"].unique())
    return rate_grid(coverage_cells(cov, "satker"), rows, cols, [area_title(n) for n in cols], digits=0), len(rows)


@st.cache_resource(show_spinner=False, max_entries=16)
def province_grid(_store, key, view):
    """Province × area coverage, pooled over each province's offices (38 rows at most)."""
    cov = queries.province_coverage(_store, view)
    cols = sorted(cov["area_no"].unique())
    rows = list(dict.fromkeys(cov["province"]))
    return rate_grid(coverage_cells(cov, "province"), rows, cols, [area_title(n) for n in cols],
                     row_name="Provinsi", digits=0), rows


@st.cache_data(**LOADER)
def load_missing(_store, key, satker, year, area_nos):
    return queries.missing_standard(_store, satker, year, area_nos)


def render():
    page = start("Cakupan area perubahan")
    if page is None:
        return
    store, key, view, _ = page
    cov = load(store, key, view, st.session_state.offices)
    if cov.empty:
        empty_state(wording.NO_OFFICE_FOR_FILTER)
        return
    if st.session_state.get("tingkat") not in LEVELS:
        st.session_state.tingkat = "provinsi" if view.province is None and cov["satker"].nunique() > 40 else "satker"
    level = st.segmented_control("Tingkat", list(LEVELS), format_func=LEVELS.get, key="tingkat", required=True,
                                 label_visibility="collapsed")
    if level == "provinsi":
        styler, provinces = province_grid(store, key, view)
        st.caption(wording.PROVINCE_COVERAGE_CAPTION)
        st.caption("Pilih baris (kotak di kirinya) untuk melihat satker provinsi itu.")
        picked = show_grid(styler, len(provinces), "cakupan_provinsi", pick=True)
        if picked is not None:
            switch_to("pages/cakupan.py", f_province=picked, tingkat="satker", f_satker=[])
        with st.container(border=True):
            left, right = st.columns([3, 1], vertical_alignment="bottom")
            target = left.selectbox("Lihat satker satu provinsi", provinces, key="cakupan_buka_provinsi")
            if right.button("Lihat satker", icon=":material/zoom_in:", key="cakupan_lihat_provinsi"):
                switch_to("pages/cakupan.py", f_province=target, tingkat="satker", f_satker=[])
        return
    styler, n = grid(store, key, view, st.session_state.offices)
    st.caption(wording.COVERAGE_CAPTION)
    show_grid(styler, n, "cakupan_heatmap")
    with st.expander("Tabel jumlah kegiatan per area"):
        counts = cov.pivot(index="satker", columns="area_no", values="activities")
        counts.columns = [area_short(n) for n in counts.columns]
        counts["Total"] = counts.sum(axis=1)
        table(counts.reset_index().rename(columns={"satker": "Satker"}), hide_index=True, width="stretch")
    st.subheader("Kegiatan standar yang belum ada di rencana")
    present = set(cov["satker"])
    options = [s for s in office_options(view) if s in present]
    default = st.session_state.get("fokus")
    satker = st.selectbox("Satker", options, index=options.index(default) if default in options else 0,
                          key="cakupan_satker")
    missing = load_missing(store, key, satker, view.year, view.areas)
    if missing.empty:
        st.success("Semua kegiatan standar pada area terpilih sudah tercakup.")
    else:
        table(pd.DataFrame({"Area": [area_label(n) for n in missing["area_no"]], "Kode": missing["kode"],
                                   "Kegiatan standar": missing["kegiatan"]}), hide_index=True, width="stretch")


render()
