"""Impor: upload workbooks, see what was read, confirm; bad files are refused one by one."""

import pandas as pd
import streamlit as st

from pages._ui import ALL_PROVINCES, context, md, switch_to
from rbdash import queries
from rbdash.samples import import_parsed, parse_upload, preview_frames

STATUS = {"baru": "baru", "versi": "versi baru (menggantikan versi {v})",
          "duplikat": "sudah pernah diimpor (akan dilewati)"}
RESULT_LABEL = {"berhasil": "berhasil", "duplikat": "duplikat dilewati", "ditolak": "ditolak"}


@st.cache_data(show_spinner="Membaca workbook…", max_entries=64)
def load(name, data):
    """Parse once per file content: reruns (each widget click) reuse the result."""
    parsed = parse_upload(name, data)
    return parsed, (preview_frames(parsed.plan) if parsed.plan else None)


def show_preview(store, parsed, frames):
    plan = parsed.plan
    state, version = queries.plan_status(store, plan.satker, plan.year, plan.sha256)
    with st.container(border=True):
        st.markdown(f":material/description: **{md(parsed.name)}**")
        st.markdown(f"**{md(plan.satker)}** · tahun **{plan.year}** · **{len(plan.activities)}** kegiatan · "
                    f"{STATUS[state].format(v=version)}")
        if plan.has_realization:
            st.caption(f"Berisi realisasi s.d. bulan ke-{plan.as_of_month or '?'}.")
        left, right = st.columns([1, 2])
        left.dataframe(frames["per_area"], hide_index=True, width="stretch",
                       column_config={"kegiatan": st.column_config.NumberColumn("kegiatan", width="small")})
        if len(frames["issues"]):
            right.warning(f"{len(frames['issues'])} peringatan (tidak menghentikan impor):")
            right.dataframe(frames["issues"], hide_index=True, width="stretch")
        else:
            right.success("Tidak ada peringatan.")
        st.caption("Baris pertama yang terbaca (lembar dan nomor baris di file asli):")
        st.dataframe(frames["head"], hide_index=True, width="stretch")


def show_results(results):
    st.subheader("Hasil impor")
    st.dataframe(pd.DataFrame({
        "File": [r["file"] for r in results], "Hasil": [RESULT_LABEL[r["status"]] for r in results],
        "Satker": [r["satker"] or "" for r in results], "Tahun": [str(r["year"] or "") for r in results],
        "Keterangan": [r["detail"] for r in results]}), hide_index=True, width="stretch")
    for i, r in enumerate(r for r in results if r["status"] == "berhasil"):
        if st.button(f"Buka Gantt {r['satker']} {r['year']}", icon=":material/calendar_month:", key=f"gantt_{i}"):
            switch_to("pages/gantt.py", fokus=r["satker"], f_year=r["year"], f_satker=[], f_province=ALL_PROVINCES)


def render():
    store, _, view = context()
    st.title("Impor rencana aksi")
    st.caption("Unggah satu atau beberapa workbook Excel (.xlsx / .xlsm). Periksa hasil bacaan, lalu konfirmasi.")
    generation = st.session_state.setdefault("upload_generation", 0)
    files = st.file_uploader("Workbook rencana aksi", type=["xlsx", "xlsm"], accept_multiple_files=True,
                             key=f"upload_{generation}")
    if not files:
        if st.session_state.get("import_results"):  # the batch just imported, until the next upload
            show_results(st.session_state.import_results)
        else:
            st.info("Belum ada file dipilih. Batas ukuran per file mengikuti konfigurasi server (25 MB).")
        return
    st.session_state.pop("import_results", None)
    parsed = []
    for f in files:
        p, frames = load(f.name, f.getvalue())
        parsed.append(p)
        if p.plan is None:
            st.error(f"{md(f.name)}: {md(p.error)}", icon=":material/block:")
        else:
            show_preview(store, p, frames)
    good = [p for p in parsed if p.plan is not None]
    if not view.actor:
        st.caption("Isi **Nama petugas** di panel samping agar impor tercatat atas nama Anda.")
    if st.button(f"Impor {len(good)} file", type="primary", disabled=not good, key="confirm_import"):
        with st.spinner("Menyimpan…"):
            results = import_parsed(store, parsed, view.actor or "anonim")
        st.session_state.import_results = results
        st.session_state.upload_generation = generation + 1
        st.cache_data.clear()
        st.rerun()


render()
