"""The shared sidebar filters, declared once.

Each filter is one row of ``FILTERS``: its session-state key (the widget key), its name in the URL,
how its text is read and written, on which pages it belongs in the URL.  That one table drives
reading a shared link, writing the URL back after every run, and keeping values across page
switches.  Adding a filter means adding a row (and drawing its widget).

Why the values are re-assigned on every run: a value set by a widget belongs to that page's widget;
the same key on the next page is a new widget that would start from its default -- the first office
instead of the one in focus.  And Streamlit drops widget values on ``st.switch_page``, so they are
mirrored in ``_sticky``.

The URL wins only when it changed outside the app (a shared link, the browser's back and forward
buttons, an edited address).  Then it is the whole view (issue 21.2): the filters it names are
applied, and this page's filters it does not name go back to their defaults -- going back from a
province's offices to the national grid must not keep the province.  Only an address without any
filter keeps every value: the top bar opens a page without a query string.  Going back to such an
address (the first one of a visit, opened without filters) is the view of the defaults.

A visit's first run leaves the address as it was opened: written there, the app's complete address
would be a second history entry of the same view (one more press of the back button for nothing).
The address is written from the next run on, by then as one entry per user action
(pages/_ui.browser).
"""

from dataclasses import dataclass
from typing import Callable

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from pages._ui import leave_legacy_mode
from rbdash import views, wording
from rbdash.areas import AREAS
from rbdash.wording import LEVELS, NO_PROVINCE, area_label

ALL_PROVINCES = "Semua provinsi"  # the province filter's "no filter" choice


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Filter:
    key: str                               # session_state / widget key
    url: str | None                        # query-string name; None: not in the URL
    parse: Callable = str                  # URL text -> value (None: ignore)
    dump: Callable = str                   # value -> URL text
    multi: bool = False                    # several values (repeated in the URL)
    pages: tuple | None = None             # pages whose URL carries it; None: every page
    omit: Callable = lambda v: v in (None, "", [])  # values left out of the URL

    def from_url(self, qp):
        if self.multi:
            values = [self.parse(v) for v in qp.get_all(self.url)]
            return [v for v in values if v is not None]
        return self.parse(qp.get(self.url))

    def to_url(self, value):
        if self.omit(value):
            return []
        return [self.dump(v) for v in value] if self.multi else [self.dump(value)]

    def on(self, page):
        """Whether the URL of ``page`` (its url path) carries this filter."""
        return self.url is not None and (self.pages is None or page in self.pages)


FILTERS = (
    Filter("f_year", "tahun", parse=_int),
    Filter("f_province", "provinsi", omit=lambda v: v in (None, "", ALL_PROVINCES)),
    Filter("f_satker", "satker", multi=True),
    Filter("f_area", "area", parse=lambda t: _int(t) if _int(t) in AREAS else None, multi=True),
    Filter("f_as_of", "bulan", parse=lambda t: _int(t) if _int(t) in range(1, 13) else None),
    Filter("fokus", "fokus", pages=("gantt", "progres", "riwayat")),
    Filter("tampilan", "tampilan", pages=("perbandingan",)),
    Filter("tingkat", "tingkat", parse=lambda t: t if t in LEVELS else None, pages=("perbandingan", "cakupan")),
    Filter("pelaporan", "pelaporan", parse=lambda t: t if t in wording.REPORTING_CHOICES else None,
           pages=("perbandingan",), omit=lambda v: v in (None, "", "semua")),
    Filter("presentasi", "presentasi", parse=lambda t: True if t == "1" else None, dump=lambda v: "1",
           pages=("perbandingan",), omit=lambda v: not v),
    Filter("petugas", None),
)
FILTER_KEYS = {f.key for f in FILTERS}


def begin_run(page):
    """Before any widget is drawn: sticky values back, a page's requests applied, URL changes read."""
    s = st.session_state
    pending = s.pop("_pending", {})
    sticky = s.get("_sticky", {})
    from_url, defaults = {}, set()
    current = _query()
    if current != s.get("_url_written"):
        named = [f for f in FILTERS if f.url and f.url in current]
        for f in named:
            value = f.from_url(st.query_params)
            if value not in (None, []):
                from_url[f.key] = value
        if named or _went_back():  # the whole view: what it does not name is the default
            defaults = {f.key for f in FILTERS if f.on(page) and f.url not in current}
    for f in FILTERS:
        if f.key in pending:
            s[f.key] = pending[f.key]
        elif f.key in from_url:
            s[f.key] = from_url[f.key]
        elif f.key in defaults:
            s.pop(f.key, None)
        elif f.key in s:
            s[f.key] = s[f.key]
        elif f.key in sticky:
            s[f.key] = sticky[f.key]
    for key, value in pending.items():
        if key not in FILTER_KEYS:
            s[key] = value


def _went_back():
    """Whether the browser's back or forward button started this run (Streamlit's run context says
    so; not part of its public API, hence read defensively)."""
    return bool(getattr(get_script_run_ctx(), "is_history_navigation", False))


def end_run(page):
    """After the page: remember the values for the next page, write them into the URL (not on a
    visit's first run: see the module's docstring)."""
    s = st.session_state
    s._sticky = {f.key: s[f.key] for f in FILTERS if f.key in s}
    if "_url_written" not in s:
        s._url_written = _query()
        return
    want = {}
    for f in FILTERS:
        if f.on(page) and f.key in s:
            values = f.to_url(s[f.key])
            if values:
                want[f.url] = values
    if _query() != want:
        st.query_params.from_dict({k: v if len(v) > 1 else v[0] for k, v in want.items()})
    s._url_written = want


def address(page, **values):
    """The query string of a link that opens ``page`` with these filters (by key) and that page's
    other filters at their defaults: what ``end_run`` writes there, so following it is one history
    entry (st.page_link's ``query_params``)."""
    out = {}
    for f in FILTERS:
        if f.on(page) and f.key in values:
            text = f.to_url(values[f.key])
            if text:
                out[f.url] = text if f.multi else text[0]
    return out


def _query():
    return {k: st.query_params.get_all(k) for k in st.query_params}


def sidebar(office_rows):
    """Draw the shared filters (validated against the offices of the chosen year) and return the
    View every page renders from."""
    s = st.session_state
    per_year = views.offices_per_year(office_rows)
    years = list(per_year)
    if s.get("f_year") not in years:
        s.f_year = views.default_year(office_rows)
    rows = office_rows[office_rows["year"] == s.f_year]
    provinces = sorted(rows["province"].dropna().unique().tolist())
    unplaced = rows["province"].isna().any()
    choices = [ALL_PROVINCES, *provinces, *([NO_PROVINCE] if unplaced and provinces else [])]
    if s.get("f_province") not in choices:
        s.f_province = ALL_PROVINCES
    if s.get("f_as_of") not in range(1, 13):
        s.f_as_of = views.default_as_of(office_rows, s.f_year)
    with st.sidebar:
        st.selectbox(wording.YEAR, years, key="f_year", placeholder=wording.NO_DATA,
                     format_func=lambda year: wording.year_offices(year, per_year[year]))
        if provinces:
            st.selectbox(wording.PROVINCE, choices, key="f_province")
        elif len(rows):
            st.caption("Provinsi: satker pada tahun ini belum terpetakan ke provinsi.")
        province = s.f_province
        if province == NO_PROVINCE:
            rows = rows[rows["province"].isna()]
        elif province != ALL_PROVINCES:
            rows = rows[rows["province"] == province]
        names = rows["satker"].tolist()
        province_of = dict(zip(rows["satker"], rows["province"]))
        s.f_satker = [n for n in s.get("f_satker", []) if n in province_of]
        st.multiselect(wording.SATKER, names, key="f_satker", placeholder=wording.ALL_OFFICES, select_all=False,
                       help="Kosongkan untuk semua satker; ketik nama atau provinsi untuk mencari.",
                       format_func=lambda n: f"{n} · {province_of[n]}" if isinstance(province_of.get(n), str) else n)
        s.f_area = [a for a in s.get("f_area", []) if a in AREAS]
        st.multiselect("Area perubahan", list(AREAS), key="f_area", format_func=area_label, placeholder="Semua area",
                       select_all=False)
        st.select_slider("Kondisi s.d. bulan", options=list(range(1, 13)), key="f_as_of",
                         format_func=wording.month)
    selected = s.f_satker
    satkers = tuple(selected) if selected else (tuple(names) if province != ALL_PROVINCES else None)
    return views.View(year=s.f_year, satkers=satkers, areas=tuple(sorted(s.f_area)) or None,
                        as_of=int(s.f_as_of), province=province if province not in (ALL_PROVINCES, NO_PROVINCE) else None)


if __name__ == "__main__":  # run as a page: only the legacy mode does that
    leave_legacy_mode()
