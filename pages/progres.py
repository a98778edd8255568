"""Progres: tick realised months per activity with an evidence link and a note, and send the monthly
report ("laporan bulan Sep dikirim"): a month counts in the office's completion once it is reported.

The editor shows a snapshot taken when it was opened, and each changed row is saved with the
revision of that snapshot: if someone saved the same activity meanwhile the store refuses
(ConflictError) instead of silently overwriting their work.  A user who may not change the
office's progress (a viewer, a visitor once accounts exist, another office's operator) gets no
editor: the reason, then the same grid read-only.
"""

import streamlit as st

from pages._ui import by_office, empty_state, loader, md, start, table, write_refusal
from pages._auth import current_user
from rbdash import grids, validate, wording
from rbdash.areas import SHORT
from rbdash.charts import truncate
from rbdash.errors import RbdashError
from rbdash.schedule import months_to_mask
from rbdash.views import progress as editor
from rbdash.views import verification
from rbdash.wording import DONE_MARK, MONTHS, PLANNED_MARK

TEXT_COLUMNS = (wording.AREA, wording.KEGIATAN, wording.INDIKATOR, wording.SCHEDULE, wording.SOURCE)
# the schedule is read off the month cells (○ planned), so the Jadwal text, Kegiatan and Sumber stay out of
# the editor (they are in the Gantt's table)
COLUMN_ORDER = (wording.AREA, wording.INDIKATOR, *MONTHS, editor.EVIDENCE, editor.NOTE)
# an editable column's header starts with the grid's pencil icon (18 px and a gap): its three-letter month
# names ("Jun", "Jul") must fit beside it, not be cut to "Ju" (issue 21.4); at 1366 px with the sidebar the
# editor then scrolls sideways to Bukti dukung and Catatan, the area and the indikator pinned
EDIT_ICON_PX = 23
MONTH_PX = max(grids.text_px(m) for m in MONTHS) + EDIT_ICON_PX


@loader(by_office)
def load(_store, key, satker, year, area_nos):
    return editor.plan(_store, satker, year, area_nos)


@loader(by_office)
def load_rejections(_store, key, satker, year):
    return verification.rejections(_store, satker, year)


def show_rejections(store, key, satker, year, acts):
    """Issue 23.2: the months the province rejected, with its reasons, above the grid (the row as the
    save messages name it); saving the activity again resubmits it."""
    rejected = load_rejections(store, key, satker, year)
    lines = [f"{wording.ROW} {i + 1} ({truncate(ind, 60)}): {wording.rejected_note(rejected[aid])}"
             for i, (aid, ind) in enumerate(zip(acts["id"].astype(int), acts["indikator"].fillna(acts["sub_kegiatan"])))
             if aid in rejected]
    if lines:
        st.warning("\n\n".join(md(line) for line in [wording.rejected_rows(len(lines)), *lines]),
                   icon=":material/report:")


def snapshot(editor_key, acts):
    """The table as loaded for this editor (frame + revisions), taken once per editor key."""
    snap = st.session_state.get("prog_snapshot")
    if snap is None or snap["editor"] != editor_key:
        snap = {"editor": editor_key, "frame": editor.progress_frame(acts),
                "revision": dict(zip(acts["id"].astype(int), acts["revision"].astype(int)))}
        st.session_state.prog_snapshot = snap
    return snap


def row_label(frame, position, act_id):
    """'Baris 2 (the indikator, cut at 60 characters)': an edited row as the messages name it."""
    return f"{wording.ROW} {position[act_id]} ({truncate(frame.at[act_id, wording.INDIKATOR], 60)})"


def save(store, snap, edited, actor):
    """Save each changed row with the snapshot's revision; returns (saved count, error lines)."""
    saved, errors = 0, []
    frame = snap["frame"]
    position = {act_id: i + 1 for i, act_id in enumerate(frame.index)}
    for act_id, months, evidence, note in editor.progress_changes(frame, edited):
        label = row_label(frame, position, act_id)
        try:
            snap["revision"][act_id] = store.save_progress(act_id, months, evidence, note,
                                                           expected_revision=snap["revision"][act_id], actor=actor)
        except RbdashError as exc:
            errors.append(f"{label}: {exc.message_id}")
            continue
        saved += 1
        marks = editor.month_marks([frame.at[act_id, editor.PLAN]], [months_to_mask(months)])[0]
        for name, mark in zip(MONTHS, marks):
            frame.at[act_id, name] = mark
        frame.at[act_id, editor.EVIDENCE], frame.at[act_id, editor.NOTE] = evidence, note
    return saved, errors


def link_problems(frame, edited):
    """One line per edited evidence link that may not be stored, with the reason (before saving)."""
    position = {act_id: i + 1 for i, act_id in enumerate(frame.index)}
    out = []
    for act_id, _, evidence, _ in editor.progress_changes(frame, edited):
        try:
            validate.evidence_url(evidence)
        except RbdashError as exc:
            out.append(f"{row_label(frame, position, act_id)}: "
                       f"{exc.message_id}. Tautan ini tidak akan disimpan; perbaiki sebelum klik Simpan.")
    return out


LEGEND = (f"{PLANNED_MARK} = bulan yang direncanakan, {DONE_MARK} = terealisasi; bulan bertanda "
          f"{wording.UNREPORTED_MARK} = {wording.NO_DATA}.")


def column_config(editable, unreported=()):
    """The grid's columns, for the editor (``editable``: a month cell is a choice of the marks) or the
    read-only grid (the same widths and pinning, so both read alike); a month of ``unreported`` (not
    reported, due) is headed with the grey state's mark and says so."""
    month_help = (f"{DONE_MARK} terealisasi · {PLANNED_MARK} direncanakan, belum terealisasi · "
                  "kosong: tidak direncanakan")
    config = {}
    for m, name in enumerate(MONTHS, start=1):
        label, help_ = name, month_help
        if m in unreported:
            label, help_ = f"{name} {wording.UNREPORTED_MARK}", f"{wording.UNREPORTED_LABEL}: {wording.REPORTS_RULE}"
        width = max(MONTH_PX, grids.text_px(label) + EDIT_ICON_PX)  # the name whole beside the edit icon
        config[name] = (st.column_config.SelectboxColumn(label, width=width, options=[DONE_MARK, PLANNED_MARK],
                                                         help=help_)
                        if editable else st.column_config.TextColumn(label, width=width, help=help_))
    config.update({
        wording.AREA: st.column_config.NumberColumn(wording.AREA, width=grids.text_px(wording.AREA), pinned=True,
                                                    help=" · ".join(f"{n} {s}" for n, s in SHORT.items())),
        wording.INDIKATOR: st.column_config.TextColumn(wording.INDIKATOR, width=160, pinned=True,
                                                  help="Arahkan kursor untuk teks lengkap; kegiatan dan sumber baris "
                                                       "ada di tabel halaman Gantt"),
        # no browser-side ``validate``: the grid would drop a refused link silently on Enter; the
        # page checks it below and says why (issue 13.3)
        editor.EVIDENCE: st.column_config.TextColumn(editor.EVIDENCE, width=grids.text_px(editor.EVIDENCE) + EDIT_ICON_PX,
                                                      max_chars=validate.EVIDENCE_URL_MAX,
                                                      help="Alamat lengkap http:// atau https://"),
        editor.NOTE: st.column_config.TextColumn(editor.NOTE, width=grids.text_px(editor.NOTE) + EDIT_ICON_PX,
                                                  max_chars=validate.NOTE_MAX),
    })
    return config


def grid_height(frame):
    return min(38 + 35 * len(frame), 640)


def lock_note(user, refusal):
    """Why this user may not change this office's progress: errors.py's words (what the store would
    refuse a save with), and for an operator of another office where to go instead."""
    return f":material/lock: {md(refusal)}" + (".", "; masuk dengan akun operator satker ini atau "
                                                    "provinsinya.")[user.role != "viewer"]


def read_only(acts, user, refusal, unreported):
    """Issue 21.3: a user who may not change this office's progress (a viewer, a visitor once
    accounts exist, another office's operator) reads it -- the reason first, then a grid that cannot
    be ticked, and no Simpan."""
    st.caption(lock_note(user, refusal))
    st.caption(LEGEND)
    frame = editor.progress_frame(acts)
    table(frame, hide_index=True, column_order=COLUMN_ORDER, column_config=column_config(False, unreported),
          width="stretch", placeholder="", height=grid_height(frame), key="progres_baca")


def monthly_report(store, satker, view, header, user, may_send):
    """Issue 23.1: the months reported so far and, for who may record this office's progress, the
    button that sends one more month's report (the store checks the same permission and audits it;
    Riwayat undoes it)."""
    st.subheader(wording.REPORTS_TITLE, anchor=False)
    reported, open_months, first = editor.report_choices(header["reported_mask"], view.as_of)
    st.caption(f"{wording.reported_so_far(reported)}. {wording.REPORTS_RULE}")
    sent = st.session_state.pop("prog_report_msg", None)
    if sent:
        (st.success if sent[0] == "ok" else st.error)(md(sent[1]), icon=":material/check_circle:" if sent[0] == "ok"
                                                      else ":material/block:")
    if not may_send or not open_months:
        return
    left, right = st.columns([1, 2], vertical_alignment="bottom")
    month = left.selectbox(wording.MONTH, open_months, index=first, format_func=wording.month_long,
                           key="laporan_bulan")
    if right.button(wording.report_button(month), icon=":material/send:", disabled=user.needs_name,
                    key="kirim_laporan"):
        try:
            store.submit_report(satker, view.year, month, user)
        except RbdashError as exc:
            st.session_state.prog_report_msg = ("error", exc.message_id)
        else:
            st.session_state.prog_report_msg = ("ok", wording.report_sent(month))
            st.session_state.pop("laporan_bulan", None)
        st.rerun()


def reload():
    st.session_state.prog_gen = st.session_state.get("prog_gen", 0) + 1
    st.session_state.pop("prog_result", None)


def render():
    page = start("Progres realisasi", office=True)
    if page is None:
        return
    store, key, view, satker = page
    header, acts = load(store, key, satker, view.year, view.areas)
    if header is None or acts.empty:
        empty_state(f"Belum ada kegiatan {md(satker)} untuk tahun {view.year} pada filter ini.")
        return
    user = current_user()
    refusal = write_refusal(user, satker)
    show_rejections(store, key, satker, view.year, acts)
    unreported = editor.unreported_due(header["reported_mask"], view.as_of)
    if refusal:
        read_only(acts, user, refusal, unreported)
        monthly_report(store, satker, view, header, user, may_send=False)
        return
    editor_key = f"prog_{header['plan_version_id']}_{view.areas}_{st.session_state.get('prog_gen', 0)}"
    snap = snapshot(editor_key, acts)

    result = st.session_state.get("prog_result")
    if result and result["satker"] == satker:
        if result["saved"]:
            st.success(f"{result['saved']} kegiatan tersimpan.", icon=":material/check_circle:")
        for line in result["errors"]:
            st.error(md(line), icon=":material/block:")
        if not result["errors"]:
            del st.session_state.prog_result  # a success note is shown once; errors stay until reload
    current = dict(zip(acts["id"].astype(int), acts["revision"].astype(int)))
    stale = sum(current.get(i) != r for i, r in snap["revision"].items())
    if stale:
        st.warning(f"{stale} kegiatan telah diubah orang lain sejak tabel ini dibuka. Muat ulang untuk melihat "
                   "data terbaru; menyimpan kegiatan tersebut akan ditolak.", icon=":material/warning:")
    st.caption(f"{LEGEND} Klik dua kali sel bulan lalu pilih {DONE_MARK} (atau kosongkan untuk membatalkan); isi "
               "tautan bukti dukung (http/https) dan catatan, lalu klik Simpan.")
    # the read-only columns as rbdash.grids shows any table (no formula in the editor's own CSV download);
    # the links and notes stay as typed: they are what is being edited
    edited = st.data_editor(grids.downloadable(snap["frame"], TEXT_COLUMNS), key=editor_key, num_rows="fixed",
                            hide_index=True, column_order=COLUMN_ORDER, disabled=list(TEXT_COLUMNS),
                            column_config=column_config(True, unreported), width="stretch", placeholder="",
                            height=grid_height(snap["frame"]))
    for line in link_problems(snap["frame"], edited):
        st.error(md(line), icon=":material/link_off:")
    left, right = st.columns([1, 4])
    clicked = left.button("Simpan", type="primary", icon=":material/save:", disabled=user.needs_name,
                          key="simpan_progres")
    right.button("Muat ulang data", icon=":material/refresh:", key="muat_ulang_progres", on_click=reload)
    if user.needs_name:
        st.caption(wording.NAME_NEEDED)
    monthly_report(store, satker, view, header, user, may_send=True)
    if clicked:
        saved, errors = save(store, snap, edited, user)
        if not saved and not errors:
            st.info("Tidak ada perubahan untuk disimpan.")
            return
        if not errors:
            reload()  # everything landed: reopen the editor on the fresh data
        st.session_state.prog_result = {"satker": satker, "saved": saved, "errors": errors}
        st.rerun()  # the saves are a new version of this office: its loaders read them (pages/_ui.loader)


render()
