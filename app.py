"""rbdash dashboard: the page router.

Run: ``streamlit run app.py`` (database from $RBDASH_DB: a DuckDB file, default data/rbdash.duckdb,
created from the sample workbooks in data/samples/ on first start; or a postgresql:// URL).

Every run: the shared filters are restored and read from the URL (pages/_filters.py), the sidebar
is drawn, the chosen page runs with the resulting ``views.View`` and ``Store`` in session state
(see pages/_ui.py), and the filters are written back into the URL so a copied link reproduces it
(one browser history entry per user action, pages/_ui.browser).
A database that cannot be used (a wrong RBDASH_DB, a server that is down, a damaged file) is one
message on whatever page, wherever in the run it shows; nothing failed is cached, so the next run
tries again and the page comes back by itself.
"""

import os

import streamlit as st

from pages import _auth, _filters
from pages._ui import WIDGETS_CSS, browser, by_any_plans, loader, store_unavailable
from rbdash import views
from rbdash.errors import StoreError
from rbdash.samples import SAMPLES_DIR, ensure_database
from rbdash.store import APP_LINGER, Store, default_db_path



@st.cache_resource(show_spinner=False)
def favicon():
    """The tab icon drawn here: a ``:material/…`` or emoji icon is fetched from Google's or a CDN's
    servers by the browser, and the app must work offline (issue 13.9)."""
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (64, 64), "#B91C1C")
    draw = ImageDraw.Draw(img)
    for i, h in enumerate((22, 36, 48)):
        draw.rectangle((10 + i * 16, 56 - h, 20 + i * 16, 56), fill="white")
    return img


st.set_page_config(page_title="Dasbor Reformasi Birokrasi KPU", page_icon=favicon(), layout="wide")

PAGES = [
    st.Page("pages/beranda.py", title="Beranda", icon=":material/home:", default=True),
    st.Page("pages/impor.py", title="Impor", icon=":material/upload_file:"),
    st.Page("pages/gantt.py", title="Gantt", icon=":material/calendar_month:"),
    st.Page("pages/cakupan.py", title="Cakupan Area", icon=":material/grid_view:"),
    st.Page("pages/perbandingan.py", title="Perbandingan", icon=":material/leaderboard:"),
    st.Page("pages/progres.py", title="Progres", icon=":material/task_alt:"),
    st.Page("pages/verifikasi.py", title="Verifikasi", icon=":material/verified:"),
    st.Page("pages/riwayat.py", title="Riwayat", icon=":material/history:"),
]


@st.cache_resource(show_spinner="Menyiapkan basis data (pertama kali dapat memakan waktu)…")
def get_store(path):
    """One Store per database location (a DuckDB file: one instance per process, rbdash.duckfile; a
    postgresql:// URL: a few pooled connections per process)."""
    ensure_database(path, os.environ.get("RBDASH_SAMPLES") or SAMPLES_DIR)
    return Store(path, linger=APP_LINGER)


@loader(by_any_plans)
def load_offices(_store, key):
    return views.offices(_store)


def main():
    page = st.navigation(PAGES, position="top")
    _filters.begin_run(page.url_path)
    notice = st.empty()  # where a store that cannot be used is said, above whatever the page drew
    try:
        store = get_store(str(default_db_path()))
        office_rows = load_offices(store, views.cache_key(store))
        st.session_state.store = store
        st.session_state.offices = office_rows
        st.session_state.view = _filters.sidebar(office_rows)
        st.session_state.user = _auth.sidebar_user(store, views.cache_key(store))
        st.session_state._app_ran = True  # pages/_ui.context(): this run went through app.py (else it reruns)
        st.html(WIDGETS_CSS)  # Streamlit's English controls hidden where the app has its own (issue 21.6)
        page.run()
        browser()
    except StoreError as exc:
        store_unavailable(notice, exc)
        return
    _filters.end_run(page.url_path)


main()
