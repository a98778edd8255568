"""Gantt: one office's plan as a month grid, one collapsible grid per area.

The figures are rbdash.views' models of one office (office_summary, gantt, plan_table); this page
caches them and lays them out."""

import streamlit as st

from pages._ui import by_office, empty_state, loader, md, start, table
from rbdash import grids, views, wording
from rbdash.wording import MONTHS, date_time, integer, pct

OPEN_ALL_UP_TO = 60  # activities: above this only the first area starts expanded


@loader(by_office)
def load(_store, key, satker, year, as_of, area_nos):
    """The office's plan and figures up to the as-of month (None without a plan)."""
    return views.office_summary(_store, satker, year, as_of, area_nos)


@loader(by_office, resource=True, max_entries=32)
def month_grids(_store, key, satker, year, as_of, area_nos):
    """(title, activities, grid) per area (rbdash.grids of views.gantt), shared rather than copied."""
    return {no: (g.title, g.activities, grids.gantt_grid(g))
            for no, g in views.gantt(_store, satker, year, as_of, area_nos).items()}


@loader(by_office)
def load_table(_store, key, satker, year, area_nos):
    return views.plan_table(_store, satker, year, area_nos)


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
    summary = load(store, key, satker, view.year, view.as_of, view.areas)
    if summary is None:
        empty_state(f"Belum ada rencana aksi {md(satker)} untuk tahun {view.year}.")
        return
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(wording.KEGIATAN, integer(summary.activities))
    c2.metric(wording.rate_up_to(view.as_of), pct(summary.rate) or wording.DASH,
              help=None if summary.has_data else wording.nothing_reported(view.as_of))
    c3.metric("Bulan-kegiatan terlambat", integer(summary.late))
    c4.metric(wording.PLAN_VERSION, summary.version)
    st.caption(f"Sumber: {md(summary.source_name or wording.DASH)} · diimpor {date_time(summary.imported_at)} "
               f"oleh {md(summary.imported_by or wording.DASH)}")
    if not summary.has_data:
        st.info(wording.nothing_reported(view.as_of))
    else:
        st.caption(f"{wording.reported_so_far(summary.reported_months)}. {wording.REPORTS_RULE}")
    if not summary.activities:
        st.info("Tidak ada kegiatan untuk area yang dipilih.")
        return
    st.caption(f"{wording.PLANNED_MARK} direncanakan · {wording.DONE_MARK} terealisasi (hijau; ungu = di luar jadwal) · "
               f"{wording.LATE_MARK} terlambat (merah) · {wording.UNREPORTED_MARK} {wording.NO_DATA} (abu-abu) · "
               f"kondisi s.d. {wording.month(view.as_of)}. "
               "Sumber = lembar dan baris di file aslinya.")
    per_area = month_grids(store, key, satker, view.year, view.as_of, view.areas)
    for i, (no, (title, n, styler)) in enumerate(per_area.items()):
        expanded = summary.activities <= OPEN_ALL_UP_TO or i == 0
        # lazy (issue 7.6): a closed area's grid is neither sent nor drawn until it is opened
        box = st.expander(f"{title} · {wording.activities(n)}", expanded=expanded, key=f"gantt_area_{no}",
                          on_change="rerun")
        if box.open:
            with box:
                show(styler, key=f"gantt_{no}")
    with st.expander("Tabel kegiatan"):
        table(load_table(store, key, satker, view.year, view.areas), hide_index=True, width="stretch")


render()
