"""Widgets shared by several pages (app.py routes explicitly, so this file is never a page)."""

import functools
import pickle

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from rbdash import grids, regions, submission, views, wording
from rbdash.errors import PermissionDenied
from rbdash.latest import Latest

EMPTY = "Belum ada data. Unggah rencana aksi di halaman Impor."


def md(text):
    """User text inside a markdown element (st.markdown, alerts): every markup character escaped."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch for ch in str(text))


def context():
    """(store, cache key, view) as prepared by app.py for this run."""
    if not st.session_state.pop("_app_ran", False):  # app.py marks each run it makes
        leave_legacy_mode()
    store = st.session_state.store
    return store, views.cache_key(store), st.session_state.view


def start(title, office=False):
    """Every page's preamble: context, title, and the empty states for no data / no office.

    Returns (store, cache key, view, satker) — satker only with ``office`` — or None when an empty
    state was drawn and the page has nothing more to show.
    """
    store, key, view = context()
    st.title(title)
    if view.year is None:
        empty_state()
        return None
    satker = None
    if office:
        satker = pick_satker(view)
        if satker is None:
            empty_state(wording.NO_OFFICE_FOR_FILTER)
            return None
        # the office in focus, impossible to miss: progress is recorded against it
        st.subheader(f":material/apartment: {md(satker)} · tahun {view.year}", anchor=False)
    return store, key, view, satker


STORE_DOWN = ("Data tidak dapat dimuat: {reason}. Halaman ini tampil kembali begitu basis data dapat dipakai lagi; "
              "muat ulang sebentar lagi.")


def store_unavailable(where, exc):
    """The one message of a run whose database failed (a StoreError from any read or write the page
    did not handle itself): what happened and what to do, in Indonesian, never a traceback or a
    server path.  Nothing failed is cached (Streamlit keeps no exception, and the Store is cached
    only once it opened), so the next run tries again."""
    where.error(STORE_DOWN.format(reason=exc.message_id), icon=":material/database:")


def url_params():
    """The query string as {key: [values]} (repeated keys kept), for st.switch_page."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def leave_legacy_mode():
    """Run this request again through app.py, and leave Streamlit's legacy pages-directory mode.

    A folder named pages/ beside app.py starts each Streamlit process in that mode, until
    st.navigation has run once (streamlit/runtime/pages_manager.py): the first request of a fresh
    process runs the file of pages/ it names alone -- without app.py's sidebar, store and filters,
    and for /ui, /auth or /filters an internal module.  Such a run switches the mode off for the
    whole process and reruns at once: the same page (a file's legacy page and app.py's st.Page of it
    share their url path, hence their hash; anything else falls back to Beranda) with the same query
    string and widget values.  The mode's own list of the files in pages/ is never drawn:
    .streamlit/config.toml hides it (client.showSidebarNavigation).
    """
    PagesManager.uses_pages_directory = False
    st.rerun()


def switch_to(page, **state):
    """Open a new view: another page, or this page at another level, with some filters/widgets set
    (e.g. fokus, f_year); it opens at its top (``browser``).

    Widgets already drawn in this run cannot be changed any more, so app.py applies ``state``
    at the start of the next run, before drawing them.
    """
    st.session_state._pending = state
    st.session_state._new_view = st.session_state.get("_views_opened", 0) + 1
    st.switch_page(page, query_params=url_params())


# What the browser must do that Streamlit does not offer (issue 21.2, 21.8).  Constant scripts: no
# text of a user or the data ever goes into them (the only value is a run counter, an integer).
#
# One history entry per user action: Streamlit pushes one entry when a run opens another page
# (with the query string it had) and another when the run then writes the page's filters into the
# query string (pages/_filters.end_run) -- two entries per step, the first with an address that
# does not describe the view.  So an entry is pushed only for the first address change after a
# click or a key press; later changes of the same action replace it (the address then ends up
# holding the whole view).  Going back and forward (popstate) never pushes: Streamlit replaces then.
HISTORY_JS = """<script>
(() => {
  if (window.rbOneEntryPerAction) return;
  window.rbOneEntryPerAction = true;
  let acted = false;
  for (const kind of ["pointerdown", "keydown"]) window.addEventListener(kind, () => { acted = true; }, true);
  window.addEventListener("popstate", () => { acted = false; }, true);
  const push = history.pushState.bind(history), replace = history.replaceState.bind(history);
  history.pushState = (state, title, url) => {
    if (!acted) return replace(state, title, url);
    acted = false;
    return push(state, title, url);
  };
})();
</script>"""
# A new view (a drill, "Buka Gantt") opens at its heading: Streamlit keeps the scroll position when
# a run stays on the same page.  The counter makes each new view's script a new element (run once).
TO_TOP_JS = """<script data-view="{n}">
for (const el of [document.querySelector('[data-testid="stMain"]'), document.scrollingElement])
  if (el) el.scrollTo(0, 0);
</script>"""


def browser():
    """The scripts above, at the end of every run (a new view's scroll once, after its content)."""
    n = st.session_state.pop("_new_view", None)
    if n:
        st.session_state._views_opened = n
    body = HISTORY_JS + (TO_TOP_JS.replace("{n}", str(int(n))) if n else "")
    st.html(body, unsafe_allow_javascript=True)


def empty_state(message=EMPTY):
    st.info(message, icon=":material/info:")
    st.page_link("pages/impor.py", label="Buka halaman Impor", icon=":material/upload_file:")


def office_options(view):
    """Offices a one-office page can show: the sidebar selection, else every office of the year."""
    if view.satkers is not None:
        return list(view.satkers)
    rows = st.session_state.offices
    return rows.loc[rows["year"] == view.year, "satker"].tolist()


def pick_satker(view):
    """The office of a one-office page (Gantt, Progres).

    Kept in ``fokus`` across pages and in the URL; Perbandingan's "Buka Gantt" sets it; when it
    is not among the options the first satker selected in the sidebar is taken.
    """
    options = office_options(view)
    if not options:
        return None
    if st.session_state.get("fokus") not in options:
        st.session_state.fokus = options[0]
    return st.selectbox(wording.SATKER, options, key="fokus")


# the loaders' options unless given (``loader``)
LOADER = {"show_spinner": False, "max_entries": 64}
_KEPT = {}   # (file, function name) -> rbdash.latest.Latest: every loader's results, see ``loader``


def loader(part, resource=False, **options):
    """A page loader ``fn(_store, key, *args)`` kept per process by the version of the part of the data
    it reads (issue 22.2): ``part(key, *args)`` picks it from the run's views.DataKey -- ``by_year``
    for a year's figures, ``by_office`` for one office's, ``by_plans`` for a year's plans,
    ``by_any_plans`` for every year's, ``by_anything`` -- so a save in one office keeps the other offices' pages and other years'
    figures.  One computation at a time per arguments, serving every reader who asked before it
    began or whose run began before it did (rbdash.latest: while saves arrive, readers of a
    national figure share its computations instead of each making one).  Results are copies (as
    st.cache_data), or with ``resource`` one shared object (as st.cache_resource); ``show_spinner``: a text shown while computing;
    ``max_entries`` (64).  A loader called inside another's gets that one's part, as it is."""
    spinner = options.get("show_spinner") or None

    def decorate(fn):
        # a page script runs again at every rerun, defining its loaders again: what they keep lives
        # here, in a module imported once per process, by the function's file and name
        where = (fn.__code__.co_filename, fn.__qualname__)
        kept = _KEPT.get(where) or _KEPT.setdefault(
            where, Latest(options.get("max_entries", LOADER["max_entries"]), copy=not resource))

        @functools.wraps(fn)
        def load(first, key, *args):
            if isinstance(key, views.DataKey):
                need = part(key, *args)
                asked, since = key.asked, key.since(need)
            else:
                need, asked, since = key, None, None

            def compute():
                if spinner is None:
                    return fn(first, need, *args)
                with st.spinner(spinner):
                    return fn(first, need, *args)
            return kept.get(pickle.dumps((getattr(first, "scope", ""), args)), need, compute, asked, since)
        load.clear = kept.clear
        return load
    return decorate


def by_year(key, *args):
    """The version of the year of the first View among the arguments (else of the first argument, a
    year): national, provincial and selection figures."""
    return key.year(next((a.year for a in args if isinstance(a, views.View)), args[0]))


def by_plans(key, view, *_):
    """The version of a year's plans (imports and restored versions): what coverage reads."""
    return key.plans(view.year)


def by_any_plans(key, *_):
    """The version of every year's plans (imports and restored versions): the sidebar's offices."""
    return key.plans(None)


def by_office(key, satker, year, *_):
    """The version of one office's year: its plan, progress and history."""
    return key.office(satker, year)


def by_anything(key, *_):
    """The version of everything: any audited write (the offices of every year, the latest changes)."""
    return key.everything()


@loader(by_year)
def load_not_submitted(_store, key, year, province, as_of):
    """Keyed by what the list depends on (not the offices or areas selected)."""
    return views.not_submitted(_store, views.View(year=year, satkers=None, areas=None, as_of=as_of, province=province))


def not_submitted(store, key, view):
    """Who has not submitted (issue 7.2): official offices of the year (and province) without a plan or
    without realisation by the as-of month, and imported names that match no official office."""
    ns = load_not_submitted(store, key, view.year, view.province, view.as_of)
    counts, title = ns.counts, ns.title
    # lazy (issue 7.6): the list (up to ~550 offices nationally) is sent only once the expander is opened
    box = st.expander(title, icon=":material/assignment_late:", key="belum_buka", on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption(f"Menurut daftar resmi satker KPU (KPU RI, 38 provinsi, 514 kabupaten/kota), tahun {view.year}, "
                   f"realisasi s.d. {wording.month(view.as_of)}. Satker yang belum memiliki pekerjaan jatuh tempo "
                   "tidak dihitung belum melaporkan.")
        if ns.rows.empty:
            st.success(wording.ALL_SUBMITTED)
            return
        choice = st.segmented_control(wording.STATUS, list(submission.STATUS_TEXT), key="belum_status",
                                      format_func=lambda s: f"{submission.STATUS_TEXT[s]} ({counts[s]})",
                                      default=None, label_visibility="collapsed")
        table(grids.not_submitted_table(ns, choice), hide_index=True, width="stretch", height=320)


def write_refusal(user, satker):
    """Why ``user`` may not change ``satker``'s data, in errors.py's words (the store refuses a write
    with the same message), or None when it may."""
    try:
        user.check_write(satker, regions.level_and_province(satker)[1])
    except PermissionDenied as exc:
        return exc.message_id
    return None


def table(data, column_config=None, **kwargs):
    """st.dataframe of a DataFrame, an rbdash.grids Styler or a grids.Shown (its columns as wide as
    their texts), through grids.downloadable: the grid's own "Download as CSV" never writes text a
    spreadsheet would evaluate; the cells show it as written."""
    config = dict(column_config or {})
    if isinstance(data, grids.Shown):
        for name, px in data.widths.items():
            column = config.get(name) or st.column_config.Column()
            column = dict(column) if isinstance(column, dict) else {"label": column}
            config[name] = {**column, "width": column.get("width") or px}
        data = data.styler
    return st.dataframe(grids.downloadable(data), column_config=config or None, **kwargs)


def show_grid(styler, n_rows, key, pick=False, columns=None, own_search=False):
    """A coloured grid of rbdash.grids: full width, the row labels first and the Total next to them
    (a projector at 1366 px does not show nine areas and a Total at the end), empty cells empty
    (grids.PLACEHOLDER).  ``columns``: grids.rate_columns, each column's width and help.  Whole up to
    grids.FULL_ROWS rows (the page scrolls, not the grid); in the presentation view as tall as the
    screen, so the grid's own header stays in view while its rows scroll, with larger rows.  With
    ``pick`` a row can be chosen (the box on its left): returns that row's label, else None.
    ``own_search``: the page offers its own order and search (arrange_controls), so the grid's English
    toolbar (Search, Fullscreen) is hidden (WIDGETS_CSS)."""
    if own_search:  # key: a code identifier, never user text
        st.html(NO_TOOLBAR_CSS % key)
    cols = styler.data.columns.tolist()
    first = cols[0]
    total = wording.TOTAL
    order = [first, *([total] if total in cols else []), *[c for c in cols[1:] if c != total]]
    config = {name: st.column_config.Column(width=px, help=help_) for name, (px, help_) in (columns or {}).items()}
    presenting = st.session_state.get("presentasi")
    height = grids.grid_height(n_rows, PRESENTATION_ROW_PX, PRESENTATION_GRID_PX) if presenting \
        else grids.grid_height(n_rows)
    event = table(styler, hide_index=True, width="stretch", height=height, key=key,
                  placeholder=grids.PLACEHOLDER, column_order=order, column_config=config,
                  row_height=PRESENTATION_ROW_PX if presenting else None,
                  on_select="rerun" if pick else "ignore", selection_mode="single-row")
    rows = event.selection.rows if pick else []
    return styler.data.iloc[rows[0], 0] if rows else None


def arrange_controls(what, key):
    """The app's own order and search of a grid's rows (wording.ORDERS; rows without data stay last
    either way), instead of the grid's own, whose English menu puts them first one way and whose
    search leaves a hit below the fold: returns (order, search text) for views.arrange."""
    left, right = st.columns([1, 1], vertical_alignment="bottom")
    order = left.segmented_control(wording.ORDER_LABEL, list(wording.ORDERS), format_func=wording.ORDERS.get,
                                   default="tinggi", required=True, key=f"{key}_urut")
    query = right.text_input(f"{wording.SEARCH_LABEL} {what}", key=f"{key}_cari", help=wording.SEARCH_HELP,
                             placeholder=wording.SEARCH_HELP)
    return order or "tinggi", " ".join(query.split())


# Streamlit's own controls speak English, and 1.67 cannot translate them (issue 21.6).  Where the app has
# its own, the English one is hidden: a grid's column menu ('Sort ascending', 'Pin column' ...; the rows'
# order is the page's, rows without data last) and, beside the app's own search, the grid's toolbar
# ('Search', 'Fullscreen'; show_grid); the file uploader's 'Upload' button is 'Pilih file' and its
# '25MB per file' line gives way to the page's own caption.  Constant CSS only (app.py, every page).
WIDGETS_CSS = """<style>
div[data-baseweb="popover"]:has([data-testid="stDataFrameColumnMenu"]) { display: none !important; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]
  { display: none; }
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] span[data-has-shortcut]::after
  { content: "%s"; }
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
</style>""" % wording.UPLOAD_BUTTON
NO_TOOLBAR_CSS = "<style>.st-key-%s [data-testid='stElementToolbar'] { display: none; }</style>"


PRESENTATION_GRID_PX = 600  # a grid in the presentation view: within 768 px below the top bar, header in view
PRESENTATION_ROW_PX = 44  # and its rows, for the larger text


# Presentation view (issue 7.5): constant CSS only -- no user text ever goes through unsafe HTML.
PRESENTATION_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
  { display: none !important; }
html { font-size: 20px; }
.block-container, [data-testid="stMainBlockContainer"] { max-width: 100% !important; padding-left: 1.5rem !important;
  padding-right: 1.5rem !important; padding-top: 3.5rem !important; }
h1 { font-size: 2.4rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stMarkdownContainer"] p { font-size: 1.05rem !important; }
</style>"""


def presentation_toggle():
    """A switch for the projector view, kept in the URL (``presentasi=1``); True when it is on."""
    on = st.toggle("Presentasi", key="presentasi", help="Layar penuh dengan huruf besar untuk proyektor; "
                   "panel kiri disembunyikan (matikan untuk mengubah filter).")
    if on:
        st.html(PRESENTATION_CSS)
    return bool(on)


if __name__ == "__main__":  # run as a page: only the legacy mode does that
    leave_legacy_mode()
