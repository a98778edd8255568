"""The counts of a year's latest plans per office, area and month, kept in memory by each process and
brought up to date office by office (issue 22): metrics.completion and metrics.trend pool these rows,
the one definition of completion.

Why.  During a reporting rush every save is a new version of its year, so every national figure is
asked for again at nearly every visit.  Reading the nation's counts again each time (offices x areas
x 12 rows, joined to the reported months and the checked ones) cost PostgreSQL ~30-60 ms per figure
and five figures per visit; here a save costs its own office's rows (a hundred, one small query)
and the figures are numpy over the rows held.  Every write is audited with its office and year
(Store.version), so the offices written since the rows were read are exactly those with a newer
audit entry of the year: re-read them, keep the rest.  The rows are read after the version they
are stamped with, so they hold at least every write that version covers.
"""

import contextlib
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

import numpy as np
import pandas as pd

from rbdash import latest, schedule
from rbdash.store.verification import VERIFIED

# the checked month is still planned and realised (a check outlives neither)
CHECKED_DONE = schedule.sql_in_month("(a.planned_mask & p.realized_mask)", "v.month")
# one row per latest plan version of the years asked for (of the offices asked for), area and
# month: the activities planned in the month, of them realised in it (``done``) and checked by a
# province (``verified``: a checked month still planned and realised), with the office's reported
# months; the office by its id (``read`` names it: a name per row cost twice the query, issue 22.6)
_ROWS = """
WITH lv AS (
    SELECT lp.id, lp.year, lp.satker_id, COALESCE(r.mask, 0) AS reported_mask
    FROM latest_versions lp JOIN satker s ON s.id = lp.satker_id
    LEFT JOIN reported_masks r ON r.satker_id = lp.satker_id AND r.year = lp.year
    WHERE (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], lp.year))
      AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
), checked AS (
    SELECT a.plan_version_id, a.area_no, v.month, count(*) AS verified
    FROM verifications v JOIN activities a ON a.id = v.activity_id JOIN lv ON lv.id = a.plan_version_id
    JOIN progress p ON p.activity_id = a.id
    WHERE v.state = ? AND {checked_done} = 1
    GROUP BY a.plan_version_id, a.area_no, v.month
)
SELECT lv.year, lv.satker_id, lv.reported_mask, c.area_no, c.month,
       c.planned, c.done, COALESCE(k.verified, 0) AS verified
FROM month_counts c JOIN lv ON lv.id = c.plan_version_id
LEFT JOIN checked k ON k.plan_version_id = c.plan_version_id AND k.area_no IS NOT DISTINCT FROM c.area_no
     AND k.month = c.month
"""
_ROWS = _ROWS.format(checked_done=CHECKED_DONE)

# past this many offices written since the rows were read, reading the whole year is cheaper
WHOLE_YEAR_AFTER = 64
KEPT_YEARS = 16   # (database, year) pairs kept per process, least recently used dropped
SELECTIONS_KEPT = 16   # Counts.selected: selections kept with one year's counts
_MONTHS_IN = np.array([bin(m).count("1") for m in range(1 << 12)], dtype=np.int64)  # months in each 12-bit mask


ROW_COLUMNS = ("year", "satker_id", "reported_mask", "area_no", "month", "planned", "done", "verified")  # _ROWS's
NUMBERS = ("reported_mask", "month", "planned", "done", "verified")


def read(store, years, satkers=None, names=None) -> dict:
    """The rows from the store, as arrays by column -- ``year``, ``satker``, ``province``,
    ``office`` (a number per office), NUMBERS and ``area_no`` (floats, NaN: no area) -- of ``years``
    (a year, a list of years, None: every year) and the offices ``satkers`` (None: all), each office
    named from its id (a name per row cost twice the query, issue 22.6): by ``names`` ({id: (name,
    province)} of this database, completed here) when it knows every id, else by the satker table.
    A year's rows come as a frame (tens of thousands: read by column); the rows of the few offices
    written since come as tuples, without a frame's cost or a second query (what every save costs
    each process reading the year)."""
    sql_years = None if years is None else [int(y) for y in ([years] if np.isscalar(years) else years)]
    sql_satkers = None if satkers is None else list(satkers)
    params = [sql_years, sql_years, sql_satkers, sql_satkers, VERIFIED]
    names = {} if names is None else names
    with store.connect() as con:
        if satkers is None:
            df = con.execute(_ROWS, params).df()
            columns = {c: df[c].to_numpy(dtype=np.int64) for c in ("year", "satker_id", *NUMBERS)}
            columns["area_no"] = df["area_no"].to_numpy(dtype="float64", na_value=np.nan)
        else:
            rows = con.execute(_ROWS, params).fetchall()
            values = dict(zip(ROW_COLUMNS, list(zip(*rows)) if rows else [()] * len(ROW_COLUMNS)))
            columns = {c: np.array(values[c], dtype=np.int64) for c in ("year", "satker_id", *NUMBERS)}
            columns["area_no"] = np.array([np.nan if a is None else a for a in values["area_no"]], dtype="float64")
        ids, office = np.unique(columns.pop("satker_id"), return_inverse=True)
        ids = ids.tolist()
        if not all(i in names for i in ids):
            names.update((i, (n, p)) for i, n, p in con.execute(
                """SELECT id, name, province FROM satker WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], name)""",
                [sql_satkers, sql_satkers]).fetchall())
    named = np.array([names[i] for i in ids], dtype=object).reshape(-1, 2)
    columns.update(office=office, satker=named[office, 0], province=named[office, 1])
    return columns


def of_year(columns: dict, year: int) -> dict:
    """The rows of ``read`` of one year."""
    keep = columns["year"] == int(year)
    return {c: values[keep] for c, values in columns.items()}


class Office(NamedTuple):
    """One office's rows (its latest plan of the year; of every year when every year is read)."""
    province: str | None
    reported_mask: np.ndarray
    area: np.ndarray          # area numbers as floats, NaN: activities without an area
    month: np.ndarray
    planned: np.ndarray
    done: np.ndarray
    verified: np.ndarray


def offices_of(columns: dict) -> dict:
    """The rows of ``read`` per office name (of every year read, together)."""
    if not len(columns["office"]):
        return {}
    order = np.argsort(columns["office"], kind="stable")   # offices by number: no text sorted
    codes, names, province = columns["office"][order], columns["satker"][order], columns["province"][order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    numbers = {c: columns[c][order] for c in (*NUMBERS, "area_no")}
    return {str(names[a]): Office(province[a] if isinstance(province[a], str) else None,
                                  numbers["reported_mask"][a:b], numbers["area_no"][a:b], numbers["month"][a:b],
                                  numbers["planned"][a:b], numbers["done"][a:b], numbers["verified"][a:b])
            for a, b in zip(starts, ends)}


class Counts:
    """Offices' rows as integer codes, ready for pooling: the offices, provinces and areas each
    numbered in sorted order (a missing province or area last), so groups come out in order.
    Built from the offices' rows (``offices_of``) in a few milliseconds: again after every save."""

    def __init__(self, offices: dict):
        names = sorted(offices)
        self.offices = np.array(names, dtype=object)
        blocks = [offices[n] for n in names]
        self.lengths = np.array([len(b.month) for b in blocks], dtype=np.int64)   # each office's rows, in order
        self.office = np.repeat(np.arange(len(names), dtype=np.int64), self.lengths)
        self.size = len(self.office)
        provinces = sorted({b.province for b in blocks if b.province is not None})
        self.provinces = np.array(provinces, dtype=object)
        numbered = {p: i for i, p in enumerate(provinces)}
        self.office_province = np.array([numbered.get(b.province, len(provinces)) for b in blocks], dtype=np.int64)
        self.province = self.office_province[self.office]

        def joined(field, dtype=np.int64):
            return np.concatenate([getattr(b, field) for b in blocks]) if blocks else np.zeros(0, dtype=dtype)
        self.area_value = joined("area", np.float64)
        known = ~np.isnan(self.area_value)
        nos = self.area_value[known].astype(np.int64)
        self.area = np.full(self.size, 0, dtype=np.int64)
        low, high = (int(nos.min()), int(nos.max())) if len(nos) else (0, -1)
        if high - low < 4096:   # a handful of area numbers among ~50,000 rows: numbered by a table
            seen = np.bincount(nos - low, minlength=high - low + 1) > 0
            self.areas = np.flatnonzero(seen).astype(np.int64) + low
            self.area[known] = (np.cumsum(seen) - 1)[nos - low]
        else:
            self.areas = np.unique(nos)
            self.area[known] = np.searchsorted(self.areas, nos)
        self.area[~known] = len(self.areas)
        self.month, self.reported_mask = joined("month"), joined("reported_mask")
        self.planned, self.done, self.verified = joined("planned"), joined("done"), joined("verified")
        # the names as the frames show them (pandas' text arrays), taken by code when pooling
        self.office_names = pd.array(self.offices, dtype="str")
        self.province_names = pd.array(np.append(self.provinces, None), dtype="str")
        self._selected = {}

    ROWS = ("area_value", "area", "month", "reported_mask", "planned", "done", "verified")   # per row

    def with_changed(self, offices: dict, changed) -> "Counts":
        """These counts with the rows of the offices ``changed`` as ``offices`` (every office's rows)
        holds them now, the others' rows copied in slices: a save re-reads one office, and gathering
        every office's arrays again was a visit's largest cost under load.  Pools as
        ``Counts(offices)`` does, which it is when an office or a province is new or gone, or an area
        new (an area no office has any more stays numbered: pooling shows only groups with rows)."""
        changed = sorted(set(changed))
        at = np.searchsorted(self.offices, np.array(changed, dtype=object)) if changed else np.zeros(0, np.int64)
        if (len(offices) != len(self.offices) or np.any(at >= len(self.offices))
                or any(self.offices[i] != n for i, n in zip(at, changed))):
            return Counts(offices)
        blocks = [offices[n] for n in changed]
        none = len(self.provinces)
        for i, b in zip(at, blocks):
            code = self.office_province[i]
            if (None if code == none else self.provinces[code]) != b.province:
                return Counts(offices)
            known = b.area[~np.isnan(b.area)]
            if not np.isin(known, self.areas).all():
                return Counts(offices)
        new = object.__new__(Counts)
        for shared in ("offices", "provinces", "office_province", "areas", "office_names", "province_names"):
            setattr(new, shared, getattr(self, shared))
        new.lengths = self.lengths.copy()
        new.lengths[at] = [len(b.month) for b in blocks]
        new.office = np.repeat(np.arange(len(new.lengths), dtype=np.int64), new.lengths)
        new.size = len(new.office)
        new.province = new.office_province[new.office]

        def area_codes(b):
            codes = np.full(len(b.area), len(self.areas), dtype=np.int64)
            known = ~np.isnan(b.area)
            codes[known] = np.searchsorted(self.areas, b.area[known].astype(np.int64))
            return codes
        fresh = {"area_value": [b.area for b in blocks], "area": [area_codes(b) for b in blocks],
                 **{f: [getattr(b, f) for b in blocks] for f in ("month", "reported_mask", "planned", "done", "verified")}}
        starts = np.r_[0, np.cumsum(self.lengths)]
        for field in Counts.ROWS:
            old, pieces, pos = getattr(self, field), [], 0
            for k, i in enumerate(at):
                pieces += [old[pos:starts[i]], fresh[field][k]]
                pos = starts[i + 1]
            pieces.append(old[pos:])
            setattr(new, field, np.concatenate(pieces))
        new._selected = {}
        return new

    def selected(self, as_of: int, satkers=None, areas_=None, months=False) -> "Selected":
        """The rows up to ``as_of`` of the offices ``satkers`` and the areas ``areas_`` (None: all),
        counted over each office's reported months and summed per office and area (and month, with
        ``months``): where every pooling starts.  Kept with the counts, as a national visit pools one
        selection four or five ways (ranking, provinces, summary, heatmap, who has not submitted)."""
        key = (int(as_of), None if satkers is None else frozenset(map(str, satkers)),
               None if areas_ is None else frozenset(float(a) for a in areas_), bool(months))
        found = self._selected.get(key)
        if found is None:
            if len(self._selected) >= SELECTIONS_KEPT:
                self._selected.clear()
            found = self._selected[key] = self._select(*key)
        return found

    def _select(self, as_of, satkers, areas_, months) -> "Selected":
        keep = self.month <= as_of
        if satkers is not None:
            keep &= np.isin(self.offices, np.asarray(sorted(satkers), dtype=object))[self.office]
        if areas_ is not None:
            keep &= np.isin(self.area_value, np.asarray(sorted(areas_), dtype=float))
        idx = np.flatnonzero(keep)
        month = self.month[idx]
        mask = self.reported_mask[idx] & ((1 << as_of) - 1)
        in_reported = (mask >> (month - 1)) & 1
        # one code per office and area (and month): the rows of one office's cell summed
        per_office = (len(self.areas) + 1) * (12 if months else 1)
        code = self.office[idx] * (len(self.areas) + 1) + self.area[idx]
        if months:
            code = code * 12 + (month - 1)
        rows = np.bincount(code, minlength=len(self.offices) * per_office)
        present = np.flatnonzero(rows)
        slot = np.zeros(len(rows), dtype=np.int64)
        slot[present] = np.arange(len(present))
        cell = slot[code]

        def total(weights):
            return np.bincount(cell, weights=weights, minlength=len(present)).astype(np.int64)

        def most(values):   # an office's rows of several years (every year read) may differ
            out = np.zeros(len(present), dtype=np.int64)
            np.maximum.at(out, cell, values)
            return out
        planned = self.planned[idx]
        return Selected(office=present // per_office, area=(present // (12 if months else 1)) % (len(self.areas) + 1),
                        month=present % 12 + 1 if months else None, due=total(planned),
                        reported=total(planned * in_reported), done=total(self.done[idx] * in_reported),
                        verified=total(self.verified[idx] * in_reported), office_months=most(_MONTHS_IN[mask]),
                        in_reported=most(in_reported) if months else None)


class Selected(NamedTuple):
    """Counts.selected: per office and area (and month), the area's code (Counts.areas; the last:
    no area), the activity-months due, of them in a reported month, realised and checked in one,
    and the most months any of the rows' offices reported (and whether the month was reported)."""
    office: np.ndarray
    area: np.ndarray
    month: np.ndarray | None
    due: np.ndarray
    reported: np.ndarray
    done: np.ndarray
    verified: np.ndarray
    office_months: np.ndarray
    in_reported: np.ndarray | None


class _Year:
    __slots__ = ("lock", "newest", "offices", "counts", "names")

    def __init__(self):
        self.lock = threading.Lock()
        self.newest, self.offices, self.counts = -1, None, None
        self.names = {}   # {satker id: (name, province)}: an id names its office for good (offices are
        #                   only ever added; a restored file is another database)


_kept: OrderedDict = OrderedDict()
_kept_lock = threading.Lock()
_recent: dict = {}   # (store.scope, year) -> (when read, Counts): the newest counts read here
_last: dict = {}     # (store.scope, year) -> where (a key of _kept) its counts were last brought up to date


def counts(store, year) -> Counts:
    """The counts of ``year``'s latest plans (every year: None), holding every write acknowledged before
    the call: kept per process and database, the offices written since re-read.  Inside a page
    loader's computation (rbdash.latest.reading()), the counts last read here do when they were read
    after the version its reader needs: a visit's figures read the rows once, not once each."""
    if year is None:
        return Counts(offices_of(read(store, None)))
    run, recent = latest.reading(), _recent.get((store.scope, int(year)))
    if run is not None and recent is not None and recent[0] >= run.since:
        run.used(recent[0])
        return recent[1]
    return counts_of(store, [year])[int(year)]


def counts_of(store, years) -> dict:
    """{year: its counts (as ``counts``)} of ``years``: the years not kept yet read in one query
    (year over year asks for every year, issue 22.6), each kept year brought up to date -- its
    version and the offices written since asked in one round trip (Store.written_since)."""
    run = latest.reading()
    read_at = time.monotonic()   # every write acknowledged before this is in the versions read next
    held = []
    for year in sorted({int(y) for y in years}):
        with _kept_lock:
            before = _kept.get(_last.get((store.scope, year)))
        if before is not None and before.offices is not None:
            database, newest, written = store.written_since(year, before.newest)
            since = before.newest
        else:
            (database, newest), written, since = store.version(year), None, None
        where = (store.scope, database, year)   # two copies of a database share their identity
        with _kept_lock:
            kept = _kept.pop(where, None) or _Year()
            _kept[where] = kept
            _last.pop((store.scope, year), None)
            _last[(store.scope, year)] = where
            while len(_kept) > KEPT_YEARS:
                _kept.popitem(last=False)
            while len(_last) > KEPT_YEARS:
                _last.pop(next(iter(_last)))
        held.append((year, newest, kept, (since, written) if kept is before else None))
    with contextlib.ExitStack() as stack:
        for _, _, kept, _ in held:   # taken in year order: two callers never hold each other's
            stack.enter_context(kept.lock)
        unread = [year for year, _, kept, _ in held if kept.offices is None]
        names = next((kept.names for _, _, kept, _ in held if kept.offices is None), None)
        rows = read(store, unread, names=names) if unread else None
        for _, _, kept, _ in held:   # the years of one database name their offices alike
            if kept.offices is None:
                kept.names = names
        found = {year: _fresh(store, year, newest, kept, rows, written) for year, newest, kept, written in held}
    with _kept_lock:
        for year, counted in found.items():
            before = _recent.get((store.scope, year))
            if before is None or before[0] < read_at:
                _recent[(store.scope, year)] = (read_at, counted)
        while len(_recent) > KEPT_YEARS:
            _recent.pop(next(iter(_recent)))
    if run is not None:
        run.used(read_at)
    return found


def _fresh(store, year, newest, kept, rows, written=None):
    """``kept``'s counts of ``year`` up to audit entry ``newest``: from ``rows`` (read for several
    years) when none are kept, else the offices written since re-read (all past WHOLE_YEAR_AFTER).
    ``written``: (an audit entry, the offices written after it up to ``newest``) when asked already
    -- a superset of what the kept rows miss while that entry is not newer than theirs."""
    if kept.offices is None:
        kept.offices, kept.counts = offices_of(of_year(rows, year)), None
    elif kept.newest < newest:
        if written is not None and written[0] <= kept.newest:
            written = written[1]
        else:
            written = store.offices_written(year, kept.newest, newest)
        if written is None or len(written) > WHOLE_YEAR_AFTER:
            kept.offices, kept.counts = offices_of(read(store, year, names=kept.names)), None
        elif written:
            fresh = offices_of(read(store, year, written, names=kept.names))
            kept.offices = {**{n: o for n, o in kept.offices.items() if n not in written}, **fresh}
            kept.counts = None if kept.counts is None else kept.counts.with_changed(kept.offices, written)
    kept.newest = max(kept.newest, newest)
    if kept.counts is None:
        kept.counts = Counts(kept.offices)
    return kept.counts


# --------------------------------------------------------------------------------- pooling

KEYS = {"satker": "satker", "area": "area_no", "month": "month", "province": "province"}



def pooled(c: Counts, as_of: int, by=(), satkers=None, areas_=None) -> pd.DataFrame:
    """``pooled_columns`` as a frame."""
    return pd.DataFrame(pooled_columns(c, as_of, by, satkers, areas_))


def pooled_columns(c: Counts, as_of: int, by=(), satkers=None, areas_=None) -> dict:
    """Completion rows of the counts ``c`` up to month ``as_of``, of the offices ``satkers`` and the
    areas ``areas_`` (None: all), grouped by ``by`` (keys of KEYS; empty: the whole selection in one
    row, none when it is empty), ordered by the keys (a missing province or area last): counted per
    office first over the months it reported (its ``reported_mask`` cut at ``as_of``), then pooled
    into the group -- the offices that reported a month are the group's figures; a group where none
    did keeps its due months with no rate.  Untyped: metrics.completion types it.

    Columns: the keys (named as KEYS), planned, realized, verified, has_data, due, reported,
    reported_months, scheduled (the due months of the offices that reported any month, else all:
    trend's plan line), offices, offices_with_data; as arrays by column (metrics.completion types
    them into the one frame it builds: a frame more per figure cost more than the pooling)."""
    s = c.selected(as_of, satkers, areas_, months="month" in by)
    office = s.office
    # a code per group (the keys, in order), and per office within its group
    sizes = {"satker": len(c.offices), "province": len(c.provinces) + 1, "area": len(c.areas) + 1, "month": 12}
    codes = {"satker": office, "province": c.office_province[office], "area": s.area,
             "month": None if s.month is None else s.month - 1}
    key = np.zeros(len(office), dtype=np.int64)
    n_keys = 1
    for g in by:
        key = key * sizes[g] + codes[g]
        n_keys *= sizes[g]
    spread = 1 if "satker" in by else len(c.offices)   # an office is a group of its own already
    # the office groups present, in order, and each row's (a few thousand rows: sorting is cheap,
    # where numbering every possible group was not: provinces x areas x offices)
    present, group = np.unique(key * spread + office if spread > 1 else key, return_inverse=True)
    n = len(present)

    def per_office(weights):
        return np.bincount(group, weights=weights, minlength=n)

    def most(values):
        out = np.zeros(n, dtype=np.int64)
        np.maximum.at(out, group, values)
        return out
    due, reported, done, verified = (per_office(w) for w in (s.due, s.reported, s.done, s.verified))
    office_all = most(s.office_months)
    months = most(s.in_reported) if "month" in by else office_all
    has, counted = months > 0, office_all > 0
    of = present // spread                    # the group of each office group

    def pool(weights):
        return np.bincount(of, weights=weights, minlength=n_keys)
    n_offices = pool(None)
    shown = np.flatnonzero(n_offices)
    with_data = pool(has)[shown]
    has_data = with_data > 0
    all_due = pool(due)[shown]
    columns = _key_columns(c, by, shown, sizes)
    columns.update(
        planned=np.where(has_data, pool(np.where(has, reported, 0))[shown], all_due).astype(np.int64),
        realized=np.where(has_data, pool(np.where(has, done, 0))[shown], np.nan),
        verified=np.where(has_data, pool(np.where(has, verified, 0))[shown], np.nan),
        has_data=has_data, due=all_due.astype(np.int64), reported=pool(reported)[shown].astype(np.int64),
        reported_months=pool(months)[shown].astype(np.int64),
        scheduled=np.where(pool(counted)[shown] > 0, pool(np.where(counted, due, 0))[shown], all_due).astype(np.int64),
        offices=n_offices[shown].astype(np.int64), offices_with_data=with_data.astype(np.int64))
    return columns


def _key_columns(c: Counts, by, shown, sizes) -> dict:
    """The key columns of the groups ``shown`` (their codes), with the dtypes DuckDB gives them."""
    rest, codes, out = shown, {}, {}
    for g in reversed(list(by)):
        codes[g], rest = rest % sizes[g], rest // sizes[g]
    for g in by:
        code = codes[g]
        if g == "satker":
            out["satker"] = c.office_names.take(code)
        elif g == "province":
            out["province"] = c.province_names.take(code)
        elif g == "area":
            nos = pd.array(np.append(c.areas, 0)[code], dtype="Int32")
            nos[code == len(c.areas)] = pd.NA
            out["area_no"] = nos if nos.isna().any() else nos.astype("int32")
        else:
            out["month"] = (code + 1).astype("int32")
    return out
