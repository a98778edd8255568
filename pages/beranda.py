"""Beranda: the one-screen summary a newcomer sees first (offices, completion, laggards, freshness)."""

import streamlit as st

from pages._filters import address
from pages._ui import by_anything, by_year, loader, md, not_submitted, show_grid, start, table
from rbdash import grids, views, wording
from rbdash.wording import integer, pct

LAGGARDS = 5


@loader(by_year)
def load_figures(_store, key, view):
    """The year's figures: one model of rbdash.views per figure."""
    return {"summary": views.summary(_store, view), "laggards": views.laggards(_store, view, "satker", LAGGARDS),
            "per_area": views.area_heatmap(_store, view)}


@loader(by_anything)
def load_state(_store, key):
    """Plans per year and the latest changes: read again after any change."""
    return {"per_year": views.plans_per_year(_store), "fresh": views.freshness(_store)}


def load(store, key, view):
    """Everything the page shows."""
    return {**load_figures(store, key, view), **load_state(store, key)}


def render():
    page = start("Rencana Aksi Reformasi Birokrasi")
    if page is None:
        return
    store, key, view, _ = page
    data = load(store, key, view)
    summary = data["summary"]
    scope, way_in = st.columns([3, 1], vertical_alignment="center")
    scope.caption(f"{md(views.scope_label(view))} · {wording.YEAR} {view.year} · "
                  f"kondisi s.d. {wording.month(view.as_of)}")
    # issue 21.8: the way into the national comparison (provinces -> a province's offices -> an
    # office's Gantt), whatever the sidebar narrowed here
    way_in.page_link("pages/perbandingan.py", label=wording.NATIONAL_COMPARISON, icon=":material/leaderboard:",
                     query_params=address("perbandingan", f_year=view.year, f_as_of=view.as_of, tingkat="provinsi"),
                     help="Capaian per provinsi; pilih provinsi untuk melihat satkernya, lalu satker untuk "
                          "membuka Gantt-nya.")
    c1, c2, c3, c3v, c4 = st.columns(5)
    c1.metric(wording.SATKER, integer(summary.offices))
    c2.metric(wording.KEGIATAN, integer(summary.activities))
    c3.metric(wording.rate_up_to(view.as_of), pct(summary.rate) or wording.NO_DATA,
              help=wording.RATE_HELP)
    # issue 23.2: what the provinces verified, over the same denominator, beside what offices reported
    c3v.metric(wording.VERIFIED_RATE, pct(summary.verified_rate) or wording.NO_DATA,
               help=f"{wording.VERIFIED_DEFINITION}: yang sama dengan capaian di sebelahnya, hanya bulan yang "
                    "sudah diverifikasi provinsi.")
    c4.metric(wording.OFFICES_REPORTING, wording.of(summary.rated, summary.counted))
    # partial reporting must not read as failure: say how much of the due work the rate rests on
    c3.caption(wording.reporting(summary.reported, summary.due).capitalize())
    if summary.verified is not None:
        c3v.caption(wording.verified_of(summary.verified, summary.planned).capitalize())

    left, right = st.columns(2)
    with left:
        st.subheader("Satker tertinggal")
        lag = data["laggards"]
        if lag.median is None:
            st.info(wording.NOBODY_REPORTS.format(what="satker"))
        else:
            st.caption(f"Satker yang melaporkan realisasi dengan capaian di bawah median ({pct(lag.median)}); "
                       f"{wording.LAGGARDS_ORDER.format(limit=LAGGARDS)}.")
            if lag.rows.empty:
                st.success(wording.NOBODY_BELOW.format(what="satker"))
            else:
                # half a page at 1366 px: the name short, the rate and what it rests on (issue 21.4)
                table(grids.formatted(grids.laggard_table(lag, compact=True), short=[wording.SATKER]),
                      hide_index=True, width="stretch",
                      column_config={wording.REPORTED: st.column_config.TextColumn(
                          wording.REPORTED, help="Bulan-kegiatan jatuh tempo yang sudah dilaporkan")})
    with right:
        st.subheader("Capaian per area")
        per_area = data["per_area"]
        if per_area.empty:
            st.info("Belum ada data realisasi untuk filter ini.")
        else:
            show_grid(grids.rate_grid(per_area), len(per_area.rows), key="beranda_area",
                      columns=grids.rate_columns(per_area))

    not_submitted(store, key, view)

    left, right = st.columns(2)
    with left:
        st.subheader("Rencana per tahun")
        per_year = data["per_year"]  # counts written 16.500, not 16500 (issue 21.5); the year as it is
        table(grids.formatted(per_year, {c: grids.count_text for c in per_year.columns if c != wording.YEAR}),
              hide_index=True, width="stretch")
    with right:
        st.subheader("Kesegaran data")
        for line in data["fresh"]:
            st.text(line)


render()
