"""Beranda: the one-screen summary a newcomer sees first (offices, completion, laggards, freshness)."""

import pandas as pd
import streamlit as st

from pages._ui import LOADER, not_submitted, show_grid, start, table
from rbdash import queries, wording
from rbdash.charts import completion_cells
from rbdash.grids import rate_grid
from rbdash.wording import area_label, date_time, integer, pct

LAGGARDS = 5


@st.cache_data(**LOADER)
def load(_store, key, view):
    """Everything the page shows, from a handful of DuckDB queries."""
    per_satker = queries.completion(_store, view, by=("satker",))
    per_area = queries.completion(_store, view, by=("area",))
    return {"overview": queries.overview(_store, view), "per_satker": per_satker, "per_area": per_area,
            "per_year": queries.plans_per_year(_store), "fresh": queries.freshness(_store)}


def render():
    page = start("Rencana Aksi Reformasi Birokrasi")
    if page is None:
        return
    store, key, view, _ = page
    data = load(store, key, view)
    month = wording.month(view.as_of)
    rate, with_data, n = queries.overall(data["per_satker"])
    reported, due = queries.reporting(data["per_satker"])
    st.caption(f"Tahun {view.year} · kondisi s.d. {month}")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(wording.SATKER, integer(data["overview"]["offices"]))
    c2.metric("Kegiatan", integer(data["overview"]["activities"]))
    c3.metric(wording.rate_up_to(view.as_of), pct(rate) or wording.NO_DATA,
              help="Bulan-kegiatan terealisasi sesuai jadwal ÷ bulan-kegiatan yang dijadwalkan s.d. bulan "
                   "ini, hanya satker yang sudah melaporkan realisasi.")
    c4.metric("Satker dengan data realisasi", wording.of(with_data, n))
    # partial reporting must not read as failure: say how much of the due work the rate rests on
    c3.caption(wording.reporting(reported, due).capitalize())

    left, right = st.columns(2)
    with left:
        st.subheader("Satker tertinggal")
        lag, median = queries.laggards(queries.ranking(data["per_satker"], st.session_state.offices), LAGGARDS)
        if median is None:
            st.info(wording.NOBODY_REPORTS.format(what="satker"))
        else:
            st.caption(f"Satker yang melaporkan realisasi dengan capaian di bawah median ({pct(median)}); "
                       f"paling rendah dahulu, paling banyak {LAGGARDS}.")
            if lag.empty:
                st.success(wording.NOBODY_BELOW.format(what="satker"))
            else:
                table(pd.DataFrame({
                    wording.SATKER: lag["satker"], wording.RATE: [pct(r) for r in lag["rate"]],
                    wording.REALISED: [wording.of(r, p) for r, p in zip(lag["realized"], lag["planned"])],
                    wording.REPORTED: [wording.units_of(r, d) for r, d in zip(lag["reported"], lag["due"])],
                }), hide_index=True, width="stretch")
    with right:
        st.subheader("Capaian per area")
        per_area = data["per_area"]
        per_area = per_area[per_area["has_data"] & per_area["planned"].gt(0)]
        if per_area.empty:
            st.info("Belum ada data realisasi untuk filter ini.")
        else:
            labels = [area_label(a) for a in per_area["area_no"]]
            column = wording.rate_up_to(view.as_of)
            cells = completion_cells(per_area.assign(area=labels, col=column), "area", "col")
            show_grid(rate_grid(cells, labels, [column], row_name="Area"), len(labels), key="beranda_area")

    not_submitted(store, key, view)

    left, right = st.columns(2)
    with left:
        st.subheader("Rencana per tahun")
        table(data["per_year"].rename(columns={"tahun": "Tahun", "satker": "Satker", "kegiatan": "Kegiatan",
                                                      "dengan_realisasi": "Dengan realisasi"}),
                     hide_index=True, width="stretch")
    with right:
        st.subheader("Kesegaran data")
        for action, label in (("import", "Impor terakhir"), ("progress", "Progres terakhir diperbarui")):
            when, who, satker = data["fresh"].get(action, (None, None, None))
            if when is None:
                st.text(f"{label}: belum ada")
            else:
                st.text(f"{label}: {date_time(when)} · {satker or wording.DASH} · oleh {who or wording.DASH}")


render()
