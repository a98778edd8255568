"""Who is using the app: the login box in the sidebar and the session's user.

Without accounts (the zero-setup default) the app is open: the sidebar asks for a name for the audit
trail and says that anyone may change data.  Once an admin account exists, visitors are viewers
until they log in.  The store checks every write against the user (rbdash.accounts); the page only
hides what would be refused.
"""

import streamlit as st

from rbdash.accounts import User
from rbdash.errors import RbdashError


@st.cache_data(show_spinner=False, ttl=30)
def _accounts_enabled(_store, key):
    return _store.accounts_enabled()


def sidebar_user(store, key) -> User:
    """Draw the login box (or the open-mode name field) and return the acting user."""
    s = st.session_state
    with st.sidebar:
        st.divider()
        if not _accounts_enabled(store, key):
            st.text_input("Nama petugas", key="petugas", max_chars=80, placeholder="nama Anda (untuk jejak audit)",
                          help="Dicatat pada riwayat setiap impor dan perubahan progres.")
            st.caption(":material/lock_open: Mode terbuka: belum ada akun, siapa pun dapat mengimpor dan mengubah "
                       "data. Admin dapat membuat akun dengan `python -m rbdash user add`.")
            return User.open(s.get("petugas"))
        user = store.user(s["auth_user"]) if s.get("auth_user") else None
        if user is None:
            s.pop("auth_user", None)
            _login_form(store)
            return User.anonymous()
        st.caption(f":material/account_circle: Masuk sebagai **{user.label}**")
        if st.button("Keluar", icon=":material/logout:", key="logout"):
            s.pop("auth_user", None)
            st.rerun()
        return user


def _login_form(store):
    with st.form("login", clear_on_submit=True, border=False):
        st.markdown("**Masuk**")
        name = st.text_input("Nama pengguna", key="login_name", max_chars=40)
        password = st.text_input("Kata sandi", type="password", key="login_password", max_chars=200)
        submitted = st.form_submit_button("Masuk", icon=":material/login:")
    if submitted:
        try:
            user = store.authenticate(name, password)
        except RbdashError as exc:
            st.error(exc.message_id, icon=":material/block:")
            return
        st.session_state.auth_user = user.username
        if user.satker:
            st.session_state._pending = {**st.session_state.get("_pending", {}), "fokus": user.satker}
        st.rerun()
    st.caption("Tanpa masuk, Anda hanya dapat melihat.")


def current_user() -> User:
    return st.session_state.get("user") or User.anonymous()
