"""Verifikasi: a province operator (or an admin) checks the reported months of its offices against
their evidence -- oldest first, filtered by office and month -- and verifies or rejects many rows at
once.  Layout only: the queue is rbdash.views.verification, the rules and permissions
rbdash.store.verification (the store refuses whoever may not check an office)."""

import streamlit as st

from pages._auth import current_user
from pages._ui import by_year, loader, md, start, table
from rbdash import wording
from rbdash.errors import PermissionDenied, RbdashError
from rbdash.views import verification


@loader(by_year)
def load(_store, key, year, province):
    return verification.queue(_store, year, province)


def scope(user, view):
    """The province whose offices this user checks (None: all), or None with a refusal."""
    if user.role == "province":
        return user.province, None
    if user.role == "admin":
        return view.province, None
    return None, PermissionDenied("forbidden_verify", user=user.label).message_id


def fresh_selection():
    """Rows are picked by position: a new filter or a check done starts a new selection, so a position
    never lands on another row than the one ticked."""
    st.session_state.verif_gen = st.session_state.get("verif_gen", 0) + 1


def act(store, user, rows, reason=None):
    """Verify (``reason`` None) or reject the rows; the outcome is shown after the rerun."""
    try:
        n = store.verify(rows, user) if reason is None else store.reject(rows, reason, user)
    except RbdashError as exc:
        st.session_state.verif_result = ("error", exc.message_id)
    else:
        st.session_state.verif_result = ("success", (wording.verified_done if reason is None
                                                     else wording.rejected_done)(n))
        fresh_selection()
    st.rerun()  # a check is a new version of the year: the queue and the rates read it (pages/_ui.loader)


def render():
    page = start(wording.VERIFY_TITLE)
    if page is None:
        return
    store, key, view, _ = page
    user = current_user()
    province, refusal = scope(user, view)
    if refusal:
        st.info(f"{md(refusal)}.", icon=":material/lock:")
        return
    kind, text = st.session_state.pop("verif_result", (None, None))
    if kind:
        getattr(st, kind)(md(text), icon=":material/check_circle:" if kind == "success" else ":material/block:")
    st.caption(wording.VERIFY_INTRO)
    queue = load(store, key, view.year, province)
    left, right = st.columns([3, 2])
    offices = left.multiselect(wording.SATKER, sorted(queue["satker"].unique()), key="verif_satker",
                               placeholder=wording.ALL_OFFICES, on_change=fresh_selection)
    months = right.multiselect(wording.MONTH, sorted(queue["month"].unique()), key="verif_bulan",
                               format_func=wording.month, placeholder=wording.ALL_MONTHS,
                               on_change=fresh_selection)
    shown = verification.filtered(queue, offices, months)
    st.markdown(f"**{wording.awaiting(len(shown)).capitalize()}**")
    if shown.empty:
        st.info(wording.NOTHING_AWAITS, icon=":material/task_alt:")
        return
    picked = table(verification.queue_table(shown), hide_index=True, width="stretch", on_select="rerun",
                   placeholder=wording.DASH,  # a month reported without an evidence link
                   selection_mode="multi-row", height=min(38 + 35 * len(shown), 520),
                   # the data version too: rows another checker took meanwhile never shift a selection
                   key=f"verif_tabel_{st.session_state.get('verif_gen', 0)}_{key}",
                   column_config={wording.EVIDENCE: st.column_config.LinkColumn(wording.EVIDENCE, width="medium"),
                                  wording.INDIKATOR: st.column_config.TextColumn(wording.INDIKATOR, width="large")})
    rows = verification.items(shown, picked.selection.rows if picked else [])
    if not rows:
        st.caption(wording.PICK_ROWS)
    blocked = not rows or user.needs_name  # open mode: the audit trail needs the checker's name first
    one, two, three = st.columns([1, 3, 1], vertical_alignment="bottom")
    if one.button(f"{wording.VERIFY_BUTTON} ({len(rows)})", type="primary", icon=":material/verified:",
                  disabled=blocked, key="verifikasi"):
        act(store, user, rows)
    reason = two.text_input(wording.REJECT_REASON_HINT, key="verif_alasan", max_chars=500)
    if three.button(f"{wording.REJECT_BUTTON} ({len(rows)})", icon=":material/block:", disabled=blocked,
                    key="tolak"):
        act(store, user, rows, reason)
    if user.needs_name:
        st.caption(wording.NAME_NEEDED)


render()
