"""rbdash dashboard: page router and the shared sidebar filters.

Run: ``streamlit run app.py`` (database from $RBDASH_DB, default data/rbdash.duckdb; created from
the sample workbooks in data/samples/ on first start).

The filters (tahun, provinsi, satker, area, kondisi s.d. bulan) are widgets with fixed session-state
keys drawn here on every run; their values are also mirrored in ``_sticky`` because Streamlit drops
widget values on st.switch_page.  A session's first run reads them from the URL query string and
every run writes them back, so a copied link reproduces the view.  Pages read the resulting
``queries.View`` and the ``Store`` from st.session_state (see pages/_ui.py).
"""

import os

import streamlit as st

from pages._ui import ALL_PROVINCES, url_params
from rbdash import queries
from rbdash.areas import AREAS, area_label
from rbdash.charts import MONTHS
from rbdash.samples import SAMPLES_DIR, ensure_database
from rbdash.store import Store, default_db_path

# Widget values that must outlive what Streamlit keeps: "fokus" is drawn only on some pages, and
# st.switch_page starts the next page without any widget value.  They are mirrored in _sticky.
STICKY = ("f_year", "f_province", "f_satker", "f_area", "f_as_of", "petugas", "fokus")
FOCUS_PAGES = ("gantt", "progres")

st.set_page_config(page_title="Dasbor Reformasi Birokrasi KPU", page_icon=":material/leaderboard:", layout="wide")


@st.cache_resource(show_spinner="Menyiapkan basis data (pertama kali dapat memakan waktu)…")
def get_store(path):
    """One Store per database path; it hands out short-lived connections, never holds one."""
    ensure_database(path, os.environ.get("RBDASH_SAMPLES") or SAMPLES_DIR)
    return Store(path)


@st.cache_data(show_spinner=False)
def load_offices(_store, key):
    return queries.offices(_store)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def init_filters(office_rows):
    """A session's first run: filters from the URL (a shared link), else defaults."""
    if st.session_state.get("_filters_ready"):
        return
    qp = st.query_params
    years = sorted(office_rows["year"].unique().tolist(), reverse=True)
    year = _int(qp.get("tahun"))
    year = year if year in years else (years[0] if years else None)
    st.session_state.f_year = year
    st.session_state.f_province = qp.get("provinsi") or ALL_PROVINCES
    st.session_state.f_satker = qp.get_all("satker")
    st.session_state.f_area = [a for a in map(_int, qp.get_all("area")) if a in AREAS]
    as_of = _int(qp.get("bulan"))
    st.session_state.f_as_of = as_of if as_of in range(1, 13) else queries.default_as_of(office_rows, year)
    if qp.get("fokus"):
        st.session_state.fokus = qp.get("fokus")
    st.session_state._filters_ready = True


def sidebar(office_rows):
    """Draw the shared filters and return the View every page renders from."""
    years = sorted(office_rows["year"].unique().tolist(), reverse=True)
    if st.session_state.get("f_year") not in years:
        st.session_state.f_year = years[0] if years else None
    rows = office_rows[office_rows["year"] == st.session_state.f_year]
    provinces = sorted(rows["province"].dropna().unique().tolist())
    if st.session_state.get("f_province") not in [ALL_PROVINCES, *provinces]:
        st.session_state.f_province = ALL_PROVINCES
    with st.sidebar:
        st.selectbox("Tahun", years, key="f_year", placeholder="belum ada data")
        if provinces:
            st.selectbox("Provinsi", [ALL_PROVINCES, *provinces], key="f_province")
        province = st.session_state.f_province
        if province != ALL_PROVINCES:
            rows = rows[rows["province"] == province]
        names = rows["satker"].tolist()
        province_of = dict(zip(rows["satker"], rows["province"]))
        st.session_state.f_satker = [s for s in st.session_state.get("f_satker", []) if s in province_of]
        st.multiselect("Satker", names, key="f_satker", placeholder="Semua satker",
                       help="Kosongkan untuk semua satker; ketik nama atau provinsi untuk mencari.",
                       format_func=lambda s: f"{s} · {province_of[s]}" if isinstance(province_of.get(s), str) else s)
        st.multiselect("Area perubahan", list(AREAS), key="f_area", format_func=area_label,
                       placeholder="Semua area")
        st.select_slider("Kondisi s.d. bulan", options=list(range(1, 13)), key="f_as_of",
                         format_func=lambda m: MONTHS[m - 1])
        st.divider()
        st.text_input("Nama petugas", key="petugas", max_chars=80, placeholder="nama Anda (untuk jejak audit)",
                      help="Dicatat pada riwayat setiap impor dan perubahan progres.")
    selected = st.session_state.f_satker
    satkers = tuple(selected) if selected else (tuple(names) if province != ALL_PROVINCES else None)
    return queries.View(year=st.session_state.f_year, satkers=satkers,
                        areas=tuple(sorted(st.session_state.f_area)) or None,
                        as_of=int(st.session_state.f_as_of),
                        province=None if province == ALL_PROVINCES else province,
                        actor=(st.session_state.get("petugas") or "").strip())


def restore_sticky():
    """Before any widget is drawn: put back values Streamlit dropped, apply a page's requests.

    ``_pending`` holds values another page asked for when switching here (pages/_ui.switch_to).
    """
    pending = st.session_state.pop("_pending", {})
    for key, value in {**st.session_state.get("_sticky", {}), **pending}.items():
        if key in pending or key not in st.session_state:
            st.session_state[key] = value


def remember_sticky():
    st.session_state._sticky = {k: st.session_state[k] for k in STICKY if k in st.session_state}


def sync_url(page):
    """Mirror the filters in the query string (only when they differ, to avoid needless messages)."""
    s = st.session_state
    want = {"tahun": [str(s.f_year)] if s.get("f_year") else [],
            "provinsi": [s.f_province] if s.get("f_province", ALL_PROVINCES) != ALL_PROVINCES else [],
            "satker": list(s.get("f_satker", [])),
            "area": [str(a) for a in sorted(s.get("f_area", []))],
            "bulan": [str(s.f_as_of)] if s.get("f_as_of") else [],
            "fokus": [s.fokus] if page in FOCUS_PAGES and s.get("fokus") else []}
    want = {k: v for k, v in want.items() if v}
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if current != want:
        st.query_params.from_dict({k: v if len(v) > 1 else v[0] for k, v in want.items()})


def main():
    restore_sticky()
    store = get_store(str(default_db_path()))
    office_rows = load_offices(store, queries.cache_key(store))
    init_filters(office_rows)
    pages = [
        st.Page("pages/beranda.py", title="Beranda", icon=":material/home:", default=True),
        st.Page("pages/impor.py", title="Impor", icon=":material/upload_file:"),
        st.Page("pages/gantt.py", title="Gantt", icon=":material/calendar_month:"),
        st.Page("pages/cakupan.py", title="Cakupan Area", icon=":material/grid_view:"),
        st.Page("pages/perbandingan.py", title="Perbandingan", icon=":material/leaderboard:"),
        st.Page("pages/progres.py", title="Progres", icon=":material/task_alt:"),
    ]
    page = st.navigation(pages, position="top")
    deep_link = st.session_state.pop("_deep_link", None)
    if deep_link:  # see pages/_ui.py: a first request that bypassed app.py
        st.switch_page(deep_link, query_params=url_params())
    st.session_state.store = store
    st.session_state.offices = office_rows
    st.session_state.view = sidebar(office_rows)
    st.session_state._app_ran = True  # pages/_ui.context(): this run went through app.py
    remember_sticky()
    page.run()
    remember_sticky()
    sync_url(page.url_path)


main()
