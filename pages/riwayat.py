"""Riwayat: an office's imports, plan versions and progress changes; what changed between any two
versions; undo a progress change or make an earlier plan version current again (each as a new,
audited change: nothing is deleted)."""

import pandas as pd
import streamlit as st

from pages._auth import current_user
from pages._ui import by_office, loader, md, start, table, write_refusal
from rbdash import history, views, wording
from rbdash.wording import date_time
from rbdash.errors import PermissionDenied, RbdashError


@loader(by_office)
def load(_store, key, satker, year, actions, actor):
    return history.changes(_store, satker, year, actions, actor), history.versions(_store, satker, year)


@loader(by_office)
def load_diff(_store, key, satker, year, from_version, to_version):
    return views.version_diff(_store, satker, year, from_version, to_version)


def show_diff(store, key, satker, year, numbers):
    """Two versions picked (by default the one before the current and the current) and what changed."""
    st.subheader("Perbedaan antarversi", anchor=False)
    if len(numbers) < 2:
        st.info("Baru ada satu versi rencana; belum ada yang dapat dibandingkan.", icon=":material/info:")
        return
    left, right = st.columns(2)
    to_version = left.selectbox("Versi", numbers, index=0, key="beda_ke")
    from_version = right.selectbox("Dibandingkan dengan versi", numbers, index=1, key="beda_dari")
    found = load_diff(store, key, satker, year, int(from_version), int(to_version))
    st.markdown(md(found.summary))
    if found.kept:
        st.warning(md(found.kept), icon=":material/warning:")
    if len(found.rows):
        table(found.rows, hide_index=True, width="stretch", key="beda_tabel")


def act(label, fn):
    """Run a write and report it in Indonesian (``label``, or ``label(result)`` when it is a function);
    the next run reads it (a new version of the office: pages/_ui.loader), while other offices' cached
    pages stay.  The comparison of versions goes back to the current one against the one before
    (after a restore: what the restore changed)."""
    try:
        result = fn()
    except RbdashError as exc:
        st.session_state.riwayat_msg = ("error", exc.message_id)
    else:
        st.session_state.riwayat_msg = ("success", label(result) if callable(label) else label)
        for picked in ("beda_ke", "beda_dari"):
            st.session_state.pop(picked, None)
    st.rerun()


def render():
    page = start("Riwayat perubahan", office=True)
    if page is None:
        return
    store, key, view, satker = page
    user = current_user()
    refusal = write_refusal(user, satker)
    may_write = refusal is None and not user.needs_name
    kind, text = st.session_state.pop("riwayat_msg", (None, None))
    if kind:
        getattr(st, kind)(md(text), icon=":material/check_circle:" if kind == "success" else ":material/block:")
    left, right = st.columns(2)
    actions = left.multiselect("Jenis perubahan", list(history.ACTIONS), format_func=history.ACTIONS.get,
                               key="riwayat_aksi", placeholder="Semua jenis", select_all=False)
    actor = right.text_input("Oleh (nama pengguna)", key="riwayat_oleh", max_chars=80).strip() or None
    changes, versions = load(store, key, satker, view.year, tuple(actions) or None, actor)

    st.subheader("Perubahan", anchor=False)
    if changes.empty:
        st.info("Belum ada perubahan yang tercatat untuk filter ini.", icon=":material/info:")
    else:
        changes_table = pd.DataFrame({
            "Waktu": [date_time(t) for t in changes["logged_at"]], "Oleh": changes["actor"],
            "Jenis": changes["action"].map(history.ACTIONS), "Versi": changes["version"].astype("Int64"),
            wording.KEGIATAN: changes["kegiatan"].fillna(""), "Sebelum": changes["before"], "Sesudah": changes["after"]})
        picked = table(changes_table, hide_index=True, width="stretch", on_select="rerun",
                              selection_mode="single-row", key="riwayat_tabel")
        rows = picked.selection.rows if picked else []
        if rows and changes["undoable"].iloc[rows[0]]:
            change = changes.iloc[rows[0]]
            if st.button("Batalkan perubahan ini", icon=":material/undo:", disabled=not may_write,
                         key="batalkan"):
                act("Perubahan dibatalkan: nilai sebelumnya dipulihkan sebagai perubahan baru.",
                    lambda: store.revert_change(int(change["id"]), user))
        elif rows:
            st.caption("Impor dan pemulihan versi dibatalkan dengan memulihkan versi lain di bawah ini.")
        else:
            st.caption("Pilih satu baris progres, laporan bulanan atau verifikasi untuk membatalkannya.")

    st.subheader(wording.PLAN_VERSION, anchor=False)
    table(pd.DataFrame({
        "Versi": versions["version"], "Aktif": ["ya" if c else "" for c in versions["current"]],
        "Diimpor": [date_time(t) for t in versions["imported_at"]], "Oleh": versions["imported_by"],
        "File": versions["source_name"], wording.KEGIATAN: versions["activity_count"]}), hide_index=True, width="stretch")
    older = [int(v) for v, c in zip(versions["version"], versions["current"]) if not c]
    if older:
        col, button = st.columns([1, 2], vertical_alignment="bottom")
        chosen = col.selectbox("Pulihkan versi", older, key="pulihkan_versi")
        if button.button("Jadikan versi aktif", icon=":material/restore:", disabled=not may_write, key="pulihkan"):
            act(lambda version: f"Versi {chosen} dipulihkan sebagai versi aktif yang baru (versi {version}). "
                                f"{views.version_diff(store, satker, view.year).summary}",
                lambda: store.restore_version(satker, view.year, chosen, user))
    if not may_write:
        refusal = refusal or PermissionDenied("forbidden_office", user=user.label, satker=satker).message_id
        st.caption(f":material/lock: {md(refusal)}.")
    show_diff(store, key, satker, view.year, [int(v) for v in versions["version"]])


render()
