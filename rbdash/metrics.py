"""The read layer: every figure the pages, the workbook, the deck and the CLI show is read here, in
parameterised SQL over the latest plan version per satker (no streamlit; rbdash.views builds the
pages' models on these functions).  Completion pools the counts per office, area and month that
rbdash.tally holds (kept by the store with every write, re-read per office as offices write).

Completion and coverage measures:

Completion ("realised on schedule") up to month M, over the months each office has *reported*
(rbdash.schedule: a month the office has not reported is "belum dilaporkan", in neither side):
    Σ |planned ∩ realised ∩ reported ∩ {1..M}|  /  Σ |planned ∩ reported ∩ {1..M}|
An office that has reported no month up to M has no data: ``rate`` None (not 0%), left out of
aggregates, so one silent office does not drag a province's figure down; ``reported_months`` says
how many months each rate rests on, ``offices_with_data`` how many offices of a group reported.

Verified completion, beside it (issue 23.2): the same quotient with the numerator restricted to the
months a province (or an admin) verified (rbdash.store.verification) --
    Σ |planned ∩ realised ∩ verified ∩ reported ∩ {1..M}|  /  the same denominator
so ``verified_rate`` <= ``rate`` always, both computed by ``rate_of``.

Reporting coverage, shown next to every rate so partial reporting does not read as failure:
``due`` is Σ |planned ∩ {1..M}| over every office of the group (reported or not) and ``reported``
the part of it in months the office has reported.

The per-office month filter is ``reported_masks`` (the store's monthly_reports: reports sent on
Progres and the months a monitoring import implies, rbdash.store.reports), cut at M.
"""

import json

import numpy as np
import pandas as pd

from rbdash import areas, tally

# what completion groups by: an office, an area, a month, a province, or "all" (the whole selection
# in one row, with an ``all_rows`` column); pooled by rbdash.tally from the counts it holds
GROUPS = ("satker", "area", "month", "province", "all")


def _check(as_of: int, by) -> list:
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    for g in by:
        if g not in GROUPS:
            raise ValueError(f"unknown group {g!r}")
    return [g for g in by if g != "all"]


def rate_of(df, part: str) -> np.ndarray:
    """The one definition of a completion rate: ``part`` (month-kegiatan realised, or realised and
    verified) ÷ ``planned`` where the group has data and something is due, else NaN.  ``rate`` and
    ``verified_rate`` both come from here, so they always share one denominator."""
    planned = np.asarray(df["planned"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(df["has_data"], dtype=bool) & (planned > 0),
                        np.asarray(df[part], dtype=float) / planned, np.nan)


COUNTED = ("planned", "due", "reported", "reported_months", "offices", "offices_with_data")


def as_floats(values) -> np.ndarray:
    """A column (a frame's, or an array) as floats: NaN where missing or not a number (text: what
    SQL may give).  Numbers already numbers are taken as they are: figures are typed at every
    national visit."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "biuf":
        return values.astype(float, copy=False)
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype.kind not in "biuf":
        series = pd.to_numeric(series, errors="coerce")
    return series.to_numpy(dtype=float, na_value=np.nan)


def as_flags(values) -> np.ndarray:
    """A column of flags as booleans, False where missing."""
    if isinstance(values, np.ndarray) and values.dtype == bool:
        return values
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype=object)
    return series.to_numpy() if series.dtype == bool else series.fillna(False).to_numpy(dtype=bool)


def _typed(df) -> dict:
    """Completion columns (of a frame, or arrays by column) with their types: counts 0 where
    missing; ``realized`` and ``verified`` NaN where the group has no data; ``rate`` = realized /
    planned and ``verified_rate`` = verified / planned where there is data (``rate_of``)."""
    has = as_flags(df["has_data"])
    typed = {c: np.nan_to_num(as_floats(df[c])).astype(np.int64) for c in COUNTED}
    typed.update(has_data=has, realized=np.where(has, as_floats(df["realized"]), np.nan),
                 verified=np.where(has, as_floats(df["verified"]), np.nan))
    columns = {c: typed[c] if c in typed else (df[c].array if isinstance(df, pd.DataFrame) else df[c]) for c in df}
    columns.update(rate=rate_of(typed, "realized"), verified_rate=rate_of(typed, "verified"))
    return columns


def completion(store, as_of: int, year: int | None = None, by=("satker",), satkers=None,
               areas_=None) -> pd.DataFrame:
    """Rows of planned / realized / verified / has_data / rate / verified_rate / due / reported /
    reported_months / offices / offices_with_data,
    grouped by any of satker, area, month, province (``by`` empty: one row, the whole selection),
    for the offices ``satkers`` and areas ``areas_`` (None: all).

    A group pools the offices that have realisation data: their due months are the denominator,
    and offices without data are left out so they do not drag the group down.  A group in which no
    office has data keeps its due months as ``planned`` with ``realized``/``rate`` None.
    """
    keys = _check(as_of, by)
    columns = tally.pooled_columns(tally.counts(store, year), int(as_of), keys, satkers, areas_)
    del columns["scheduled"]
    if not keys:  # one row of the whole selection, also when it holds nothing
        if not len(columns["offices"]):
            columns = {c: np.array([False if c == "has_data" else 0 if c in COUNTED else np.nan]) for c in columns}
        if list(by):
            columns = {"all_rows": np.array([True]), **columns}
    return pd.DataFrame(_typed(columns))


def read_years(store, years) -> None:
    """Bring the counts ``completion`` pools for each of ``years`` up to date at once: the years not
    held yet read in one query (year over year asks for every year; issue 22.6), then each year's
    ``completion`` is that year's as ever."""
    tally.counts_of(store, years)


TREND_GROUPS = ("satker", "province")


def trend(store, as_of: int, year: int, by=(), satkers=None, areas_=None) -> pd.DataFrame:
    """Month by month, Jan..Des: planned vs realised month-kegiatan, each month and cumulated (the
    S-curve), and the completion rate of the month and up to the month.

    The monthly rows are ``completion(by=(*by, "month"))`` over the whole year (the same pooling:
    offices without realisation data are left out of the group), cumulated per group, so the
    cumulated rate at month m is exactly ``completion(as_of=m)`` of the group (its reported months: a
    month nobody in the group reported has ``has_data`` False and nothing in the rate).  ``planned``
    and ``planned_cum`` are the plan line: every scheduled month of the offices that reported any
    month (of all offices when none did), reported or not.  Realisation counts
    only up to ``as_of`` (``realized``, ``realized_cum``, ``rate``, ``rate_cum`` are NaN after it);
    the plan runs to December.  ``by``: () for the whole selection (one office, a province or the
    nation, as chosen by ``satkers``), or ``satker`` / ``province`` for one curve each.  Both kinds
    of realisation count: read from a monitoring workbook and recorded on the Progres page (both
    live in ``progress.realized_mask``).

    Columns: [by keys], month, planned, realized, planned_cum, realized_cum, rate, rate_cum,
    has_data, due, reported, offices, offices_with_data.
    """
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    by = list(by)
    for g in by:
        if g not in TREND_GROUPS:
            raise ValueError(f"unknown trend group {g!r}")
    monthly = tally.pooled(tally.counts(store, year), 12, [*by, "month"], satkers, areas_)
    return trend_from(monthly, [tally.KEYS[g] for g in (*by, "month")], as_of)


def trend_from(monthly: pd.DataFrame, keys, as_of: int) -> pd.DataFrame:
    """The S-curve of pooled monthly completion rows (``trend``; tests/test_counts.py shapes its
    reference rows with it): cumulated per group by month, realisation cut after ``as_of``."""
    df = monthly.reset_index(drop=True)
    part = [k for k in keys if k != "month"]
    group = df.groupby(part, sort=False, dropna=False).ngroup().to_numpy() if part else np.zeros(len(df), int)
    later = df["month"].to_numpy() > int(as_of)
    has = df["has_data"].fillna(False).astype(bool).to_numpy()
    realized = pd.to_numeric(df["realized"], errors="coerce").to_numpy(dtype=float)
    realized = np.where(later, np.nan, realized)

    def running(values):
        return pd.Series(values).groupby(group).cumsum().to_numpy()
    df["planned_cum"] = running(pd.to_numeric(df["scheduled"]).fillna(0).to_numpy(dtype=np.int64))
    rated_cum = running(np.where(has, pd.to_numeric(df["planned"]).fillna(0).to_numpy(dtype=float), 0.0))
    seen = running(~np.isnan(realized)) > 0  # a running sum is NULL until its first value (SQL's sum)
    # a month nobody reported keeps the months before; none after as_of
    df["realized_cum"] = np.where(seen & ~later, running(np.nan_to_num(realized)), np.nan)
    df = pd.DataFrame(_typed(df), index=df.index)
    df["planned"] = df.pop("scheduled").fillna(0).astype(int)  # the plan line; the rates are over reported months
    df.loc[later, ["realized", "rate", "verified", "verified_rate"]] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):  # over the reported months: completion(as_of=m)
        df["rate_cum"] = np.where(rated_cum > 0, df["realized_cum"] / rated_cum, np.nan)
    return df.reset_index(drop=True)


def _list(values):
    return None if values is None else list(values)


def missing_standard(store, satker, year, areas_=None):
    """Standard kegiatan (area, code, name) of the areas ``areas_`` (None: all) that the satker's
    latest plan does not cover."""
    have = set(store.query_df(
        """SELECT DISTINCT a.catalogue_code FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           JOIN activities a ON a.plan_version_id = lv.id
           WHERE s.name = ? AND lv.year = ? AND a.catalogue_code IS NOT NULL""", [satker, year])["catalogue_code"])
    return [(no, code, name) for no, code, name in areas.standard_kegiatan()
            if code not in have and (areas_ is None or no in areas_)]


COVERAGE_COLUMNS = ["satker", "province", "area_no", "offices", "activities", "standard_covered", "standard_total",
                    "coverage"]


def coverage(store, year, by="satker", satkers=None, areas_=None) -> pd.DataFrame:
    """Share of the catalogue's standard kegiatan the latest plans cover, per area: every office with
    a plan for ``year`` (of ``satkers``, None: all) × every area (``areas_``, None: the 8), an office
    whose plan has nothing in an area covering none of it.

    ``by="province"`` pools each province's offices: Σ standard kegiatan covered / (offices ×
    standard kegiatan of the area) -- the same definition, an office being a province of one.
    ``province`` is None for offices that match no official office (and KPU RI), listed last.
    Columns: COVERAGE_COLUMNS (``satker`` only by satker)."""
    df = store.query_df(
        """WITH o AS (
               SELECT lv.id, s.name AS satker, s.province FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
               WHERE lv.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
           )
           SELECT o.satker, o.province, a.area_no, count(a.id) AS activities,
                  count(DISTINCT a.catalogue_code) AS standard_covered
           FROM o LEFT JOIN activities a ON a.plan_version_id = o.id AND a.area_no IS NOT NULL
           GROUP BY 1, 2, 3""", [year, _list(satkers), _list(satkers)])
    offices = df.drop_duplicates("satker").set_index("satker")["province"].sort_index()
    area_list = list(areas_) if areas_ is not None else list(areas.AREAS)
    grid = pd.MultiIndex.from_product([offices.index, area_list], names=["satker", "area_no"])
    counts = df.dropna(subset=["area_no"]).astype({"area_no": int}).set_index(["satker", "area_no"])
    df = counts[["activities", "standard_covered"]].reindex(grid, fill_value=0).reset_index()
    df["province"] = df["satker"].map(offices)
    df["offices"] = 1
    if by == "province":
        df = (df.groupby([df["province"].fillna("\0"), "area_no"], sort=True)
              .agg(offices=("satker", "nunique"), activities=("activities", "sum"),
                   standard_covered=("standard_covered", "sum")).reset_index())
        df["province"] = df["province"].where(df["province"] != "\0", None)
        df = df.sort_values(["province", "area_no"], na_position="last", kind="stable")
    elif by != "satker":
        raise ValueError(f"unknown coverage group {by!r}")
    df["standard_total"] = df["area_no"].map(areas.standard_totals()).fillna(0).astype(int) * df["offices"]
    with np.errstate(divide="ignore", invalid="ignore"):
        df["coverage"] = np.where(df["standard_total"] > 0, df["standard_covered"] / df["standard_total"], np.nan)
    df = df.astype({"activities": int, "standard_covered": int, "offices": int})
    columns = COVERAGE_COLUMNS if by == "satker" else COVERAGE_COLUMNS[1:]
    return df[columns].reset_index(drop=True)


# --------------------------------------------------------------------------------- plans and offices

def offices(store) -> pd.DataFrame:
    """Every satker with a plan, per year: year, satker, province, level, as_of_month, has_data."""
    return store.query_df(
        """SELECT lv.year, s.name AS satker, s.province, s.level, lv.as_of_month, lv.has_data
           FROM latest_plans lv JOIN satker s ON s.id = lv.satker_id
           ORDER BY lv.year DESC, s.province NULLS LAST, s.name""")


def overview(store, year, satkers=None, areas_=None) -> dict:
    """{offices with a plan, their activities} for a year, the offices ``satkers`` and the activities
    of the areas ``areas_`` (None: all; an office counts even with no activity in those areas).
    Kept per process by the year's plans version (imports and restored versions: Store.version):
    progress saves, which come many a second at month-end, leave it."""
    plans = store.version(year, plans=True)
    key = (store.scope, plans, year, None if satkers is None else tuple(satkers),
           None if areas_ is None else tuple(areas_))
    found = _overviews.get(key)
    if found is None:
        row = store.query_df(
            """SELECT count(DISTINCT lv.satker_id) AS offices, COALESCE(sum(c.activities), 0)::BIGINT AS activities
               FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
               LEFT JOIN area_counts c ON c.plan_version_id = lv.id
                    AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], c.area_no))
               WHERE lv.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))""",
            [_list(areas_), _list(areas_), year, _list(satkers), _list(satkers)]).iloc[0]
        found = {k: int(row[k]) for k in ("offices", "activities")}
        if len(_overviews) >= 256:
            _overviews.clear()
        _overviews[key] = found
    return dict(found)


_overviews: dict = {}   # overview's answers by store, plans version and selection


def plans_per_year(store) -> pd.DataFrame:
    """Year, number of offices with a plan, activities, offices that reported a month of the year."""
    return store.query_df(
        """SELECT lv.year AS tahun, count(*) AS satker, COALESCE(sum(lv.activity_count), 0)::BIGINT AS kegiatan,
                  count(r.mask)::BIGINT AS melapor
           FROM latest_versions lv LEFT JOIN reported_masks r ON r.satker_id = lv.satker_id AND r.year = lv.year
           GROUP BY lv.year ORDER BY lv.year DESC""")


def freshness(store) -> dict:
    """Latest import and latest progress edit: {action: (logged_at, actor, satker)}."""
    df = store.query_df(
        """SELECT action, logged_at, actor, satker FROM audit_log
           WHERE id IN (SELECT max(id) FROM audit_log GROUP BY action)""")
    return {r["action"]: (r["logged_at"], r["actor"], r["satker"]) for r in df.to_dict("records")}


def plan_header(store, satker, year) -> dict | None:
    """The latest plan version of one office/year (its warnings as a list) and ``reported_mask``, the
    months the office has reported for the year (schedule.cell_states' filter), or None."""
    df = store.query_df(
        """SELECT lv.id AS plan_version_id, lv.version, lv.source_name, lv.imported_at, lv.imported_by,
                  lv.as_of_month, lv.activity_count, lv.warnings_json, lv.has_data,
                  COALESCE(r.mask, 0) AS reported_mask
           FROM latest_plans lv JOIN satker s ON s.id = lv.satker_id
           LEFT JOIN reported_masks r ON r.satker_id = lv.satker_id AND r.year = lv.year
           WHERE s.name = ? AND lv.year = ?""",
        [satker, year])
    if df.empty:
        return None
    rec = df.iloc[0].to_dict()
    rec["warnings"] = json.loads(rec.pop("warnings_json") or "[]")
    rec["reported_mask"] = int(rec["reported_mask"])
    return rec


def plan_activities(store, satker, year, area_nos=None) -> pd.DataFrame:
    """Activities of an office's latest plan with their progress (revision 0 = never saved), of the
    areas ``area_nos`` (None: all)."""
    df = store.query_df(
        """SELECT a.id, a.seq, a.sheet, a."row", a.area_no, a.kegiatan, a.sub_kegiatan, a.indikator,
                  a.keterangan, a.pic, a.planned_mask, COALESCE(p.realized_mask, 0) AS realized_mask,
                  p.evidence_url, p.note, COALESCE(p.revision, 0) AS revision, p.updated_at, p.updated_by
           FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           JOIN activities a ON a.plan_version_id = lv.id LEFT JOIN progress p ON p.activity_id = a.id
           WHERE s.name = ? AND lv.year = ? ORDER BY a.seq""", [satker, year])
    if area_nos is not None:
        df = df[df["area_no"].isin(area_nos)].reset_index(drop=True)
    return df
