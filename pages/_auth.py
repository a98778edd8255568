"""Who is using the app: the login box in the sidebar and the session's user.

Without accounts (the zero-setup default) the app is open: the sidebar asks for a name for the audit
trail and says that anyone may change data.  Once any account exists, visitors are viewers until
they log in.  The store checks every write against the user (rbdash.accounts); the page only hides
what would be refused.

A login ends by itself after ``RBDASH_IDLE_MINUTES`` without any action (default 30), and when the
session is reached from another browser than the one that logged in (rbdash.binding, under
``serve.py``).  Failed logins are slowed down in the store, per name and per client address.
"""

import streamlit as st

from rbdash import accounts, binding
from rbdash.accounts import User
from rbdash.errors import RbdashError

IDLE_NOTICE = "Sesi berakhir karena tidak ada aktivitas selama {minutes} menit; silakan masuk lagi."
BROWSER_NOTICE = "Sesi ini dibuka dari peramban lain; silakan masuk lagi."
NO_COOKIE = ("Peramban tidak mengirim cookie sesi aplikasi ini; izinkan cookie untuk alamat ini, muat ulang "
             "halaman, lalu masuk lagi.")


@st.cache_data(show_spinner=False, ttl=30)
def _accounts_enabled(_store, key):
    return _store.accounts_enabled()


def browser_token() -> str | None:
    """The signed browser token the connection carries (None without one, or when no middleware
    issues them: ``streamlit run app.py``)."""
    return binding.token(st.context.cookies.get(binding.COOKIE))


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
        if s.get("auth_user"):
            ended = _ended(s)
            if ended:
                log_out(ended)
        user = store.user(s["auth_user"]) if s.get("auth_user") else None
        if user is None:
            s.pop("auth_user", None)
            _login_form(store)
            return User.anonymous()
        s.auth_seen = accounts.clock()
        st.caption(f":material/account_circle: Masuk sebagai **{user.label}**")
        if st.button("Keluar", icon=":material/logout:", key="logout"):
            log_out()
            st.rerun()
        return user


def _ended(s) -> str | None:
    """Why the session's login is over (idle too long, another browser), else None."""
    idle = accounts.idle_timeout()
    if accounts.clock() - s.get("auth_seen", accounts.clock()) > idle:
        return IDLE_NOTICE.format(minutes=f"{idle.total_seconds() / 60:g}")
    if binding.active() and browser_token() != s.get("auth_browser"):
        return BROWSER_NOTICE
    return None


def log_out(notice: str | None = None):
    for name in ("auth_user", "auth_seen", "auth_browser"):
        st.session_state.pop(name, None)
    if notice:
        st.session_state.auth_notice = notice


def _login_form(store):
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.info(notice, icon=":material/timer_off:")
    with st.form("login", clear_on_submit=True, border=False):
        st.markdown("**Masuk**")
        name = st.text_input("Nama pengguna", key="login_name", max_chars=40)
        password = st.text_input("Kata sandi", type="password", key="login_password", max_chars=200)
        submitted = st.form_submit_button("Masuk", icon=":material/login:")
    if submitted:
        token = browser_token()
        if binding.active() and token is None:
            st.error(NO_COOKIE, icon=":material/cookie:")
            return
        try:
            user = store.authenticate(name, password, client=st.context.ip_address)
        except RbdashError as exc:
            st.error(exc.message_id, icon=":material/block:")
            return
        st.session_state.auth_user = user.username
        st.session_state.auth_seen = accounts.clock()
        st.session_state.auth_browser = token
        if user.satker:
            st.session_state._pending = {**st.session_state.get("_pending", {}), "fokus": user.satker}
        st.rerun()
    st.caption("Tanpa masuk, Anda hanya dapat melihat.")


def current_user() -> User:
    return st.session_state.get("user") or User.anonymous()


if __name__ == "__main__":  # run as a page: only the legacy mode does that
    from pages._ui import leave_legacy_mode
    leave_legacy_mode()
