"""Gantt: one office's plan as a month grid, one collapsible grid per area."""

import pandas as pd
import streamlit as st

from pages._ui import LOADER, empty_state, md, start, table
from rbdash import grids, queries, wording
from rbdash.schedule import mask_text
from rbdash.wording import MONTHS, area_label, date_time, integer, pct

OPEN_ALL_UP_TO = 60  # activities: above this only the first area starts expanded


@st.cache_data(**LOADER)
def load(_store, key, satker, year, as_of, area_nos):
    """Plan header, activities and the office's completion up to the as-of month."""
    header = queries.plan_header(_store, satker, year)
    acts = queries.plan_activities(_store, satker, year, area_nos)
    summary = queries.office_summary(_store, satker, year, as_of, area_nos) if header else None
    return header, acts, summary


@st.cache_resource(show_spinner=False, max_entries=32)
def month_grids(_store, key, satker, year, as_of, area_nos):
    """One month grid per area (rbdash.grids), shared rather than copied."""
    header, acts, _ = load(_store, key, satker, year, as_of, area_nos)
    return {no: grids.gantt_grid(group, as_of, has_data=header["has_data"])
            for no, group in acts.groupby(acts["area_no"].fillna(0).astype(int), sort=True)}


MONTH_PX, LABEL_PX = 40, 300  # twelve months and the labels fit the page's width at 1366 px with the sidebar


def show(styler, key):
    """A month grid: the labels pinned and wide, twelve narrow month columns, the source row last."""
    config = {grids.LABEL: st.column_config.Column(pinned=True, width=LABEL_PX),
              grids.SOURCE: st.column_config.Column(width="medium")}
    config.update({m: st.column_config.Column(width=MONTH_PX, alignment="center") for m in MONTHS})
    table(styler, hide_index=True, width="stretch", height=grids.grid_height(len(styler.data)), key=key,
                 column_config=config)


def render():
    page = start("Gantt rencana aksi", office=True)
    if page is None:
        return
    store, key, view, satker = page
    header, acts, summary = load(store, key, satker, view.year, view.as_of, view.areas)
    if header is None:
        empty_state(f"Belum ada rencana aksi {md(satker)} untuk tahun {view.year}.")
        return
    month = wording.month(view.as_of)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Kegiatan", integer(len(acts)))
    c2.metric(wording.rate_up_to(view.as_of), pct(summary["rate"]) or wording.DASH,
              help=None if header["has_data"] else "Belum ada data realisasi.")
    c3.metric("Bulan-kegiatan terlambat", integer(summary["late"]))
    c4.metric("Versi rencana", header["version"])
    st.caption(f"Sumber: {md(header['source_name'] or wording.DASH)} · diimpor {date_time(header['imported_at'])} "
               f"oleh {md(header['imported_by'] or wording.DASH)}")
    if not header["has_data"]:
        st.info("Satker ini belum melaporkan realisasi: bulan yang sudah lewat ditampilkan sebagai "
                "direncanakan, bukan terlambat.")
    if acts.empty:
        st.info("Tidak ada kegiatan untuk area yang dipilih.")
        return
    counts = acts.groupby(acts["area_no"].fillna(0).astype(int)).size()
    st.caption(f"○ direncanakan · ✓ terealisasi (hijau; ungu = di luar jadwal) · ✗ terlambat (merah) · "
               f"kondisi s.d. {month}. Sumber = lembar dan baris di file aslinya.")
    per_area = month_grids(store, key, satker, view.year, view.as_of, view.areas)
    for i, (no, styler) in enumerate(per_area.items()):
        expanded = len(acts) <= OPEN_ALL_UP_TO or i == 0
        # lazy (issue 7.6): a closed area's grid is neither sent nor drawn until it is opened
        box = st.expander(f"{area_label(no)} · {wording.activities(counts[no])}", expanded=expanded,
                          key=f"gantt_area_{no}", on_change="rerun")
        if box.open:
            with box:
                show(styler, key=f"gantt_{no}")
    with st.expander("Tabel kegiatan"):
        table(pd.DataFrame({
            "Area": acts["area_no"], "Kegiatan": acts["kegiatan"], "Sub kegiatan": acts["sub_kegiatan"],
            "Indikator": acts["indikator"],
            "Jadwal": acts["planned_mask"].map(mask_text),
            "Realisasi": acts["realized_mask"].map(mask_text),
            "Bukti dukung": acts["evidence_url"], "Catatan": acts["note"],
            "Lembar": acts["sheet"], "Baris": acts["row"]}), hide_index=True, width="stretch")


render()
