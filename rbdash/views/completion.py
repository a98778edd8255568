"""Completion figures of a view: the summary, rankings, laggards, the comparison heatmaps and the trend.

Each is built by one function from the filters (``View``) and the store, on metrics.completion /
metrics.trend (the one definition of completion); ``completion_cells``, ``heatmap``, ``ranked``,
``laggards_of`` and ``trend_of`` build the same models from frames (no database), for tests.
"""

import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from rbdash import metrics, wording
from rbdash.areas import AREAS
from rbdash.text import fold
from rbdash.views.filters import View, scope_label
from rbdash.views.models import (NO_DATA, NOTHING_DUE, TOTAL, VALUE, Column, Heatmap, Laggards, Ranking, Summary, Trend,
                                 cell_text)

LEVEL_KEY = {"satker": "satker", "provinsi": "province"}  # comparison level -> completion group
GROUP_KEY = {"satker": "satker", "province": "province", "area": "area_no", "month": "month"}  # group -> its column
COMPLETION_COLUMNS = ["planned", "realized", "verified", "has_data", "rate", "verified_rate", "due", "reported",
                      "reported_months", "offices", "offices_with_data"]


def completion(store, view: View, by=("satker",)) -> pd.DataFrame:
    """metrics.completion for the view's year, offices, areas and as-of month, grouped by ``by``;
    offices without a province as '(tanpa provinsi)' when grouped by province."""
    if view.year is None:
        return pd.DataFrame(columns=[GROUP_KEY[g] for g in by] + COMPLETION_COLUMNS)
    df = metrics.completion(store, view.as_of, year=view.year, by=tuple(by), satkers=view.satkers, areas_=view.areas)
    if "province" in df:
        df["province"] = df["province"].fillna(wording.NO_PROVINCE)
    return df


# --------------------------------------------------------------------------------- cells and heatmaps

def _states(has_data, planned, rate):
    has = np.asarray(has_data, dtype=bool)
    due = np.asarray(planned, dtype=float) > 0
    return np.where(~has, NO_DATA, np.where(due & ~np.isnan(np.asarray(rate, dtype=float)), VALUE, NOTHING_DUE))


# what colours a comparison heatmap (Perbandingan's switch): the rate column of the completion rows
BASIS_RATE = {"dilaporkan": "rate", "terverifikasi": "verified_rate"}


def completion_cells(df, row_key, col_key, digits=1, basis="dilaporkan") -> pd.DataFrame:
    """Heatmap cells (row, col, value, state, text, hover) of completion rows (planned, realized,
    has_data, rate, and verified/verified_rate and due/reported when present): an office without
    data is NO_DATA, never 0%; nothing due is NOTHING_DUE; the hover says what the rate rests on.
    ``basis`` (BASIS_RATE): the reported or the verified rate colours the cells."""
    return pd.DataFrame(cell_columns(df, row_key, col_key, digits, basis))


def cell_columns(df, row_key, col_key, digits=1, basis="dilaporkan") -> dict:
    """``completion_cells`` as arrays by column, of a frame or arrays by column (a national heatmap
    is built at every save during a reporting rush: no frame in between)."""
    has = metrics.as_flags(df["has_data"])
    planned = np.nan_to_num(metrics.as_floats(df["planned"])).tolist()
    rate = metrics.as_floats(df[BASIS_RATE[basis]])
    state = _states(has, planned, rate)
    realized = metrics.as_floats(df["realized"]).tolist()
    has = has.tolist()
    hover = [wording.realised_of(r, p) if h and p else "" for r, p, h in zip(realized, planned, has)]
    if "verified" in df:
        verified = metrics.as_floats(df["verified"]).tolist()
        hover = [f"{h}\n{wording.verified_of(v, p)}" if h else h for h, v, p in zip(hover, verified, planned)]
    if "due" in df and "reported" in df:  # reporting coverage next to the rate (issue 13.6)
        extra = [wording.reporting(r, d) if d else ""
                 for r, d in zip(np.asarray(df["reported"]).tolist(), np.asarray(df["due"]).tolist())]
        hover = [f"{h}\n{e}".strip("\n") if e else h for h, e in zip(hover, extra)]
    return {"row": np.asarray(df[row_key]), "col": np.asarray(df[col_key]),
            "value": rate, "state": state, "text": np.array(_cell_texts(state, rate, digits), dtype=object),
            "hover": np.array(hover, dtype=object)}


def _cell_key(value):
    """A cell's row or column key as a dict key: None when missing (pd.NA cannot be compared)."""
    return None if wording.missing(value) else value


def heatmap(cells, rows, columns, *, title=None, row_name=wording.SATKER, legend=wording.RATE, caption="", digits=1,
            provinces=None) -> Heatmap:
    """The one reading of heatmap cells: ``cells`` (a frame or arrays by column: row, col, value,
    state, and optionally text and hover) laid out on ``rows`` × ``columns`` (Column); a cell without a row in ``cells`` is NOTHING_DUE,
    and a row without data in any cell is NO_DATA across, also where nothing is due."""
    rows, columns = tuple(rows), tuple(columns)
    shape = (len(rows), len(columns))
    at_row = {r: i for i, r in enumerate(rows)}
    at_col = {c.key: j for j, c in enumerate(columns)}
    value = np.full(shape, np.nan)
    state = np.full(shape, NOTHING_DUE, dtype=object)
    texts = "text" in cells
    text = np.full(shape, wording.NOTHING_DUE, dtype=object) if texts else None
    hover = np.full(shape, "", dtype=object)
    i = [at_row.get(_cell_key(r)) for r in list(cells["row"])]
    j = [at_col.get(_cell_key(c)) for c in list(cells["col"])]
    at = [k for k, (r, c) in enumerate(zip(i, j)) if r is not None and c is not None]
    if at:
        where = (np.array([i[k] for k in at]), np.array([j[k] for k in at]))

        def given(column, empty):   # the cells' values laid out; missing ones as ``empty``
            values = list(cells[column])
            return [empty if wording.missing(v) else v for v in (values[k] for k in at)]
        value[where] = np.array(given("value", np.nan), dtype=float)
        state[where] = [s if isinstance(s, str) else NOTHING_DUE for s in given("state", NOTHING_DUE)]
        if texts:
            text[where] = [str(t) for t in given("text", wording.NOTHING_DUE)]
        if "hover" in cells:
            hover[where] = [str(h) for h in given("hover", "")]
    whole = ((state != VALUE).all(axis=1) & (state == NO_DATA).any(axis=1)) if state.size else np.zeros(len(rows), bool)
    state[whole] = NO_DATA
    value = np.where(state == VALUE, value, np.nan)
    if not texts:
        text = np.array(_cell_texts(state.ravel(), value.ravel(), digits), dtype=object).reshape(shape)
    text[whole] = wording.NO_DATA
    return Heatmap(title=title, row_name=row_name, rows=rows, columns=columns, value=value, state=state, text=text,
                   hover=hover, no_data=np.asarray(whole, dtype=bool), legend=legend, caption=caption, digits=digits,
                   provinces=None if provinces is None else tuple(provinces))


def area_columns(area_nos) -> list:
    return [Column(no, wording.area_title(no), wording.area_short(no), wording.area_header(no)) for no in area_nos]


def month_columns(as_of) -> list:
    return [Column(m, wording.month(m), wording.month(m)) for m in range(1, int(as_of) + 1)]


TOTAL_COLUMN = Column(TOTAL, wording.TOTAL, wording.TOTAL)


def comparison_heatmap(store, view: View, level="satker", which="area", reporting="semua",
                       basis="dilaporkan", rank=None) -> Heatmap:
    """Completion per office (``level`` "satker") or province ("provinsi") × area (``which`` "area")
    or month ("month", up to the as-of month), and a Total column (the ranking's rate); rows in
    ranking order, offices shown by their ``reporting`` (wording.REPORTING_CHOICES); cells coloured
    by the reported or the verified rate (``basis``, BASIS_RATE).  ``rank``: the view's ``ranking``
    at ``level`` when the caller has it already (a page's cached one)."""
    per = completion(store, view, (LEVEL_KEY[level], "area" if which == "area" else "month"))
    return comparison_of(ranking(store, view, level) if rank is None else rank, per, which, view.areas or AREAS,
                         reporting, basis)


def comparison_of(rank: Ranking, per, which="area", area_nos=tuple(AREAS), reporting="semua",
                  basis="dilaporkan") -> Heatmap:
    """The comparison heatmap of a Ranking and its completion rows ``per`` by (satker or province,
    area_no or month): see ``comparison_heatmap``."""
    level, key = rank.level, LEVEL_KEY[rank.level]
    shown = filter_reporting(rank, reporting) if level == "satker" else rank
    if which == "area":
        col_key, columns = "area_no", area_columns(area_nos)
    else:
        col_key, columns = "month", month_columns(rank.as_of)
    totals = {**rank.rows, "col": np.full(len(rank.rows), TOTAL, dtype=object)}
    parts = (cell_columns(per, key, col_key, basis=basis), cell_columns(totals, "name", "col", basis=basis))
    cells = {c: np.concatenate([p[c].astype(object) for p in parts]) for c in parts[0]}
    title = wording.HEATMAP_TITLES[level, which].format(month=wording.month(rank.as_of), year=rank.year)
    verified = basis == "terverifikasi"
    return heatmap(cells, shown.names, [*columns, TOTAL_COLUMN],
                   title=f"{title} ({wording.VERIFIED.lower()})" if verified else title,
                   row_name=wording.SATKER if level == "satker" else wording.PROVINCE,
                   legend=wording.VERIFIED if verified else wording.RATE,
                   caption=wording.VERIFIED_CAPTION if verified else wording.HEATMAP_CAPTION,
                   provinces=shown.rows["province"].tolist())


def arrange(hm: Heatmap, order="tinggi", query="") -> Heatmap:
    """The heatmap's rows in ``order`` (wording.ORDERS: "tinggi" highest rate first, "rendah" lowest
    first, "nama" by name) and, with a ``query``, only the rows whose name holds it (case and
    punctuation folded).  The rate is the Total column's, or the row's mean without one; rows
    without a rate stay last in either direction (a grid's own sort puts them first one way: issue
    21.7).  Ties keep the heatmap's order (its ranking)."""
    keep = np.arange(len(hm.rows))
    if query:
        needle = fold(query)
        keep = np.array([i for i, r in enumerate(hm.rows) if needle in fold(r)], dtype=int)
    totals = [j for j, c in enumerate(hm.columns) if c.key == TOTAL]
    value = hm.value[keep]
    if totals:
        rate = value[:, totals[0]]
    else:
        with warnings.catch_warnings():  # a row without any rate: NaN, said by numpy as a warning
            warnings.simplefilter("ignore", RuntimeWarning)
            rate = np.nanmean(value, axis=1) if value.size else np.full(len(keep), np.nan)
    if order == "nama":
        pos = sorted(range(len(keep)), key=lambda k: fold(hm.rows[keep[k]]))
    else:
        sign = -1 if order == "tinggi" else 1
        pos = sorted(range(len(keep)), key=lambda k: (bool(np.isnan(rate[k])), 0 if np.isnan(rate[k])
                                                      else sign * rate[k]))
    idx = keep[np.asarray(pos, dtype=int)] if len(keep) else keep
    return replace(hm, rows=tuple(hm.rows[i] for i in idx), value=hm.value[idx], state=hm.state[idx],
                   text=hm.text[idx], hover=hm.hover[idx], no_data=hm.no_data[idx],
                   provinces=tuple(hm.provinces[i] for i in idx) if hm.provinces is not None else None)


def area_heatmap(store, view: View) -> Heatmap:
    """Completion per area of the selection up to the as-of month, the areas where offices with data
    had work due (one column)."""
    per = completion(store, view, ("area",))
    per = per[per["has_data"].astype(bool) & per["planned"].gt(0)]
    labels = [wording.area_label(a) for a in per["area_no"]]
    column = wording.rate_up_to(view.as_of)
    cells = completion_cells(per.assign(area=labels, col=column), "area", "col")
    return heatmap(cells, labels, [Column(column, column, column)], row_name=wording.AREA)


# --------------------------------------------------------------------------------- ranking

def ranked(df, level, year, as_of) -> Ranking:
    """A Ranking of completion rows (a frame, or arrays by column, with ``reported_months``) with a
    ``name`` (and ``province``) column: best first by rate, those without data last and without a
    rank (ties by name).  Built column by column from arrays into one frame: it is rebuilt for every
    save during a reporting rush."""
    n = len(df["name"])
    has = metrics.as_flags(df["has_data"])
    rate = metrics.as_floats(df["rate"])
    names = np.asarray(df["name"], dtype=object)
    by_name = np.empty(n, dtype=np.int64)
    by_name[np.argsort(names, kind="stable")] = np.arange(n)
    missing = np.isnan(rate)
    # with data first, then rated, then by rate (highest first), then by name
    order = np.lexsort((by_name, np.where(missing, 0.0, -rate), missing, ~has)).astype(np.int64)

    def column(name):
        return np.asarray(df[name])[order]

    def floats(name):   # frames made before verification have no verified columns
        return metrics.as_floats(df[name])[order] if name in df else np.full(n, np.nan)
    has, rate = has[order], rate[order]
    planned, due, reported, offices, with_data = (column(c) for c in ("planned", "due", "reported", "offices",
                                                                     "offices_with_data"))
    verified_rate = floats("verified_rate")
    months = np.nan_to_num(metrics.as_floats(df["reported_months"]))[order].astype(int)
    state = _states(has, planned, rate)
    rated = has & ~np.isnan(rate)
    due_f = due.astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        reporting = np.where(due_f > 0, reported.astype(float) / due_f, np.nan)
    rows = pd.DataFrame({
        "rank": pd.arrays.IntegerArray(np.arange(1, n + 1, dtype=np.int64), ~rated),
        "name": _taken(df["name"], order), "province": _taken(df["province"], order) if "province" in df else None,
        "state": state, "rate": rate, "text": _cell_texts(state, rate),
        "planned": planned, "realized": column("realized"), "has_data": has, "due": due,
        "reported": reported, "reporting": reporting,
        "reported_text": [wording.units_of(r, d) for r, d in zip(reported.tolist(), due.tolist())],
        "reported_months": months,
        # what each rate rests on: an office's months reported, a province's offices reporting
        "basis_text": ([wording.months_reported(m, as_of) for m in months.tolist()] if level == "satker" else
                       [wording.offices_reported(k, m) for k, m in zip(with_data.tolist(), offices.tolist())]),
        "offices": offices, "offices_with_data": with_data,
        "verified": floats("verified"), "verified_rate": verified_rate,
        "verified_text": _cell_texts(_states(has, planned, verified_rate), verified_rate)})
    return Ranking(level=level, year=year, as_of=as_of, rows=rows)


def _taken(values, order):
    """A column's values in ``order``, keeping its type (an extension array stays one)."""
    return values.array.take(order) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)[order]


def _cell_texts(state, rate, digits=1) -> list:
    return [cell_text(s, r, digits) for s, r in zip(state.tolist(), rate.tolist())]


def ranking(store, view: View, level="satker") -> Ranking:
    """Offices (``level`` "satker", each with its province) or provinces ("provinsi": each pooling
    its KPU Provinsi and kabupaten/kota, metrics' one definition) ranked by completion."""
    if level == "satker":  # each office with its province (None: one matching no official office)
        df = metrics.completion(store, view.as_of, year=view.year, by=("satker", "province"), satkers=view.satkers,
                                areas_=view.areas) if view.year is not None else completion(store, view, ("satker",))
        columns = dict(df.items())
        columns["name"] = columns.pop("satker")
        columns["province"] = [p if isinstance(p, str) else None for p in df["province"].tolist()] \
            if "province" in df else [None] * len(df)
    else:
        columns = dict(completion(store, view, (LEVEL_KEY[level],)).items())
        columns["name"] = columns["province"] = columns.pop(LEVEL_KEY[level])
    return ranked(columns, level, view.year, view.as_of)


def filter_reporting(rank: Ranking, which) -> Ranking:
    """The rows by reporting: 'lengkap' (everything due reported), 'belum', else all."""
    rows = rank.rows
    if which not in ("lengkap", "belum") or rows.empty:
        return rank
    complete = rows["reported"] >= rows["due"]
    rows = rows[complete if which == "lengkap" else ~complete]
    return Ranking(level=rank.level, year=rank.year, as_of=rank.as_of, rows=rows)


def laggards_of(rank: Ranking, limit=5) -> Laggards:
    """Those with data whose rate is below the median rate of those with data, worst first.  With one
    reporting office nobody lags; the best is never a laggard.  Each rate is over the months that
    office reported (metrics.completion), so an office is compared on what it reported."""
    rated = rank.rows[rank.rows["rank"].notna()]
    if rated.empty:
        return Laggards(level=rank.level, median=None, limit=limit, rows=rated)
    median = float(rated["rate"].median())
    below = rated[rated["rate"] < median].sort_values(["rate", "name"], kind="stable")
    return Laggards(level=rank.level, median=median, limit=limit, rows=below.head(limit))


def laggards(store, view: View, level="satker", limit=5) -> Laggards:
    """The offices (or provinces) below the median of the ranking (``laggards_of``)."""
    return laggards_of(ranking(store, view, level), limit)


# --------------------------------------------------------------------------------- summary

def summary(store, view: View) -> Summary:
    """The selection's figures (Summary): metrics.completion pooled over the whole selection."""
    if view.year is None:
        return Summary(None, view.as_of, 0, 0, None, 0, 0, 0, 0, None)
    pooled = metrics.completion(store, view.as_of, year=view.year, by=(), satkers=view.satkers,
                                areas_=view.areas).iloc[0]
    counts = metrics.overview(store, view.year, view.satkers, view.areas)
    rate = float(pooled["rate"]) if pd.notna(pooled["rate"]) else None
    reported, due = int(pooled["reported"]), int(pooled["due"])
    return Summary(year=view.year, as_of=view.as_of, offices=counts["offices"], activities=counts["activities"],
                   rate=rate, rated=int(pooled["offices_with_data"]), counted=int(pooled["offices"]),
                   reported=reported, due=due, reporting=reported / due if due else None,
                   verified=int(pooled["verified"]) if pd.notna(pooled["verified"]) else None,
                   verified_rate=float(pooled["verified_rate"]) if pd.notna(pooled["verified_rate"]) else None,
                   planned=int(pooled["planned"]))


# --------------------------------------------------------------------------------- trend

def trend_of(df, as_of, title="", year=None) -> Trend:
    """A Trend of a metrics.trend frame (one group: month rows 1..12)."""
    df = df.sort_values("month").reset_index(drop=True)
    df["month"] = df["month"].astype(int)
    df["label"] = [wording.month(m) for m in df["month"]]
    has_data = bool(df["has_data"].any()) if len(df) else False
    rate = pd.to_numeric(df["rate"], errors="coerce").to_numpy(dtype=float)
    due = (df["month"].to_numpy() <= int(as_of)) & (df["planned"].to_numpy() > 0)  # later months: not due yet
    reported = df["has_data"].fillna(False).to_numpy(dtype=bool)  # a month nobody reported: belum dilaporkan
    df["state"] = np.where(due, np.where(reported, VALUE, NO_DATA), NOTHING_DUE)
    df["bar_text"] = [cell_text(s, r, 0) for s, r in zip(df["state"], rate)]
    return Trend(title=title, year=year, as_of=int(as_of), has_data=has_data, months=df)


def trend(store, view: View) -> Trend:
    """The selection's S-curve (metrics.trend): the nation when no office is selected, else the
    province or offices chosen."""
    df = metrics.trend(store, view.as_of, view.year, satkers=view.satkers, areas_=view.areas)
    return trend_of(df, view.as_of, title=wording.TREND_TITLE.format(year=view.year, scope=scope_label(view)),
                    year=view.year)
