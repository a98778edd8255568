"""Impor: upload workbooks, see every plan read (a file may hold several: two years, a province's
offices), confirm; bad files are refused one by one, plans of offices the account may not write by name."""

import hashlib

import pandas as pd
import streamlit as st

from pages._filters import ALL_PROVINCES
from pages._auth import current_user
from pages._ui import context, md, switch_to, table
from rbdash import importing, regions, wording
from rbdash.errors import PermissionDenied
from rbdash.excel import MAX_FILE_MB
from rbdash.importing import Status

PREVIEW = {"new": "baru", "version": "versi baru (menggantikan versi {v})",
           "duplicate": "sudah pernah diimpor (akan dilewati)"}
RESULT = {Status.NEW: "berhasil", Status.VERSION: "berhasil", Status.DUPLICATE: "duplikat dilewati",
          Status.REFUSED: "ditolak"}
KEEP_PARSED = 64  # parsed uploads kept per session, so reruns (each widget click) do not parse again


def parse_uploads(files):
    """(Parsed, preview frames per plan) per uploaded file, parsing only those not seen in this
    session (all of them in one batch of capped worker processes)."""
    cache = st.session_state.setdefault("parsed_uploads", {})
    keys = [(f.name, hashlib.sha256(f.getvalue()).hexdigest()) for f in files]
    todo = [(key, f) for key, f in zip(keys, files) if key not in cache]
    if todo:
        with st.spinner(f"Membaca {len(todo)} workbook…"):
            parsed = importing.parse_sources([(f.name, f.getvalue()) for _, f in todo])
            for (key, _), p in zip(todo, parsed):
                cache[key] = (p, [importing.preview_frames(plan) for plan in p.plans])
        for old in list(cache)[:-KEEP_PARSED]:
            del cache[old]
    return [cache[key] for key in keys]


def parse_anyway(f):
    """An admin's "Impor tetap" for a file refused as not an RB action plan: parsed again keeping
    the plan (with a warning saying so), through the same workers and parser."""
    key = (f.name, hashlib.sha256(f.getvalue()).hexdigest())
    parsed = next(importing.parse_sources([(f.name, f.getvalue())], allow_non_rb=True))
    st.session_state["parsed_uploads"][key] = (parsed, [importing.preview_frames(plan) for plan in parsed.plans])


def show_preview(parsed, k, frames, status, version):
    """The k-th plan of an uploaded file (0-based) as read, and what importing it would do."""
    plan = parsed.plans[k]
    with st.container(border=True):
        part = f" · rencana {k + 1} dari {len(parsed.plans)}" if len(parsed.plans) > 1 else ""
        st.markdown(f":material/description: **{md(parsed.name)}**{part}")
        st.markdown(f"**{md(plan.satker)}** · tahun **{plan.year}** · **{len(plan.activities)}** kegiatan · "
                    f"{PREVIEW[status].format(v=version)}")
        if plan.has_realization:
            st.caption(f"Berisi realisasi s.d. bulan ke-{plan.as_of_month or '?'}.")
        left, right = st.columns([1, 2])
        with left:
            table(frames["per_area"], hide_index=True, width="stretch",
                  column_config={"kegiatan": st.column_config.NumberColumn("kegiatan", width="small")})
        if len(frames["warnings"]):
            right.warning(f"{len(frames['warnings'])} peringatan (tidak menghentikan impor):")
            with right:
                table(frames["warnings"], hide_index=True, width="stretch")
        else:
            right.success("Tidak ada peringatan.")
        st.caption("Baris pertama yang terbaca (lembar dan nomor baris di file asli):")
        table(frames["head"], hide_index=True, width="stretch")


def show_results(results):
    st.subheader("Hasil impor")
    table(pd.DataFrame({
        "File": [r["file"] for r in results], "Hasil": [r["label"] for r in results],
        wording.SATKER: [r["satker"] or "" for r in results], wording.YEAR: [str(r["year"] or "") for r in results],
        wording.REMARK: [r["detail"] for r in results]}), hide_index=True, width="stretch")
    for i, r in enumerate(r for r in results if r["imported"]):
        if st.button(f"{wording.OPEN_GANTT} {r['satker']} {r['year']}", icon=":material/calendar_month:", key=f"gantt_{i}"):
            switch_to("pages/gantt.py", fokus=r["satker"], f_year=r["year"], f_satker=[], f_province=ALL_PROVINCES)


def result_row(out):
    """One outcome as the results table shows it (Indonesian)."""
    if out.status is Status.REFUSED:
        detail = out.error.message_id
    elif out.status is Status.DUPLICATE:
        detail = f"sama persis dengan versi {out.version} yang sudah ada; dilewati"
    else:
        carried = f", realisasi {out.carried_over} kegiatan dibawa dari versi sebelumnya" if out.carried_over else ""
        counts = f"{out.activities} kegiatan, {out.warnings} peringatan{carried}"
        detail = f"{out.changes_text}; {counts}" if out.changes_text else f"versi {out.version}, {counts}"
    return {"file": out.source, "label": RESULT[out.status], "satker": out.satker, "year": out.year,
            "detail": detail, "imported": out.imported}


def render():
    store, _, view = context()
    user = current_user()
    st.title("Impor rencana aksi")
    if not user.may_write_any:
        st.info("Anda belum masuk atau masuk sebagai pemantau: hanya dapat melihat. Masuk dengan akun operator "
                "di panel samping untuk mengimpor rencana aksi.", icon=":material/lock:")
        return
    st.caption("Unggah satu atau beberapa rencana aksi: workbook Excel (.xlsx, .xlsm atau .xls), "
               "LibreOffice Calc (.ods), atau keputusan (SK) dengan tabel rencana aksi di lampirannya sebagai "
               "dokumen Word (.docx) atau PDF (.pdf dari Word/LibreOffice, bukan hasil pindaian). Yang dibaca: "
               "isi sel, sel gabungan, warna latar sel, tanda centang (juga huruf Wingdings), hasil rumus yang "
               "tersimpan, dan tanggal. Periksa hasil bacaan, lalu konfirmasi.")
    generation = st.session_state.setdefault("upload_generation", 0)
    files = st.file_uploader("File rencana aksi", type=["xlsx", "xlsm", "xls", "ods", "docx", "pdf"],
                             accept_multiple_files=True, key=f"upload_{generation}",
                             help=f"Seret file ke sini atau klik untuk memilih. Batas {MAX_FILE_MB} MB per file.")
    if not files:
        if st.session_state.get("import_results"):  # the batch just imported, until the next upload
            show_results(st.session_state.import_results)
        else:
            st.info(f"Belum ada file dipilih. Batas ukuran {MAX_FILE_MB} MB per file.")
        return
    st.session_state.pop("import_results", None)
    items = parse_uploads(files)
    to_import = 0
    for i, (f, (parsed, frames)) in enumerate(zip(files, items)):
        if parsed.error is not None:
            st.error(f"{md(parsed.name)}: {md(parsed.error.message_id)}", icon=":material/block:")
            if parsed.error.code == "not_rb_plan" and user.role == "admin":
                if st.button("Impor tetap", key=f"anyway_{i}", icon=":material/warning:",
                             help="Baca file ini sebagai rencana aksi walaupun tidak dikenali sebagai rencana "
                                  "aksi RB (khusus admin); hasilnya ditampilkan dulu sebelum diimpor."):
                    with st.spinner("Membaca ulang…"):
                        parse_anyway(f)
                    st.rerun()
            continue
        for k, (plan, plan_frames) in enumerate(zip(parsed.plans, frames)):
            try:  # the store checks again on import: a plan the account may not write is refused there too
                user.check_write(plan.satker, regions.level_and_province(plan.satker)[1])
            except PermissionDenied as exc:
                st.error(f"{md(parsed.name)}: {md(exc.message_id)}", icon=":material/block:")
                continue
            status, version = store.plan_status(plan.satker, plan.year, plan.sha256)
            to_import += status != "duplicate"
            show_preview(parsed, k, plan_frames, status, version)
    if user.needs_name:
        st.caption("Isi **Nama petugas** di panel samping agar impor tercatat atas nama Anda.")
    label = f"Impor {to_import} rencana" if to_import else "Tidak ada rencana baru untuk diimpor"
    if st.button(label, type="primary", disabled=not to_import, key="confirm_import"):
        with st.spinner("Menyimpan…"):
            outcomes = list(importing.import_parsed(store, [p for p, _ in items], user))
        st.session_state.import_results = [result_row(o) for o in outcomes]
        st.session_state.upload_generation = generation + 1
        years = {o.year for o in outcomes if o.imported}
        if len(years) == 1 and years != {view.year}:
            st.session_state._pending = {"f_year": years.pop()}  # show what was just imported
        st.rerun()  # the import is a new version of its years: the loaders read it (pages/_ui.loader)


render()
