"""Completion and coverage measures, computed in SQL over the latest plan version per satker.

Completion ("realised on schedule") up to month M:
    Σ |planned ∩ realised ∩ {1..M}|  /  Σ |planned ∩ {1..M}|
Offices with no realisation data at all are reported with ``rate`` None (not 0%) and left out of
aggregates by area or month, so one silent office does not drag a province's figure down.

Reporting coverage, shown next to every rate so partial reporting does not read as failure:
``due`` is Σ |planned ∩ {1..M}| over every office of the group (with or without data) and
``reported`` the part of it belonging to activities whose realisation is known -- read from a
monitoring workbook (the whole plan) or recorded on the Progres page (that activity).
"""

import numpy as np
import pandas as pd

from rbdash import areas, schedule

GROUPS = {"satker": ["s.name AS satker"], "area": ["c.area_no"], "month": ["m.month"],
          "province": ["s.province"]}

_BASE = """
WITH lv AS (
    SELECT lp.id, lp.satker_id, lp.year, lp.has_data, lp.has_realization FROM latest_plans lp JOIN satker s ON s.id = lp.satker_id
    WHERE (? IS NULL OR lp.year = ?) AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
), cells AS (
    SELECT a.id, a.plan_version_id, a.area_no, {due} AS planned, {done} AS done,
           (lv.has_realization OR p.activity_id IS NOT NULL) AS reported
    FROM activities a JOIN lv ON lv.id = a.plan_version_id
    LEFT JOIN progress p ON p.activity_id = a.id
    WHERE (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], a.area_no))
)
""".format(due=schedule.sql_due("a.planned_mask", "?"),
           done=schedule.sql_done("a.planned_mask", "COALESCE(p.realized_mask, 0)", "?"))


def _completion_sql(as_of: int, by, year, satkers, areas_):
    """The completion query (SQL, params, key columns) -- the one definition, shared by completion
    and trend.  Months after ``as_of`` count 0 (the masks are cut at as_of)."""
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    by = list(by) or ["satker"]
    for g in by:
        if g not in GROUPS:
            raise ValueError(f"unknown group {g!r}")
    mask = schedule.due_mask(as_of)
    select = [c for g in by for c in GROUPS[g]]
    keys = [c.split(" AS ")[-1].split(".")[-1] for c in select]
    month_join = "CROSS JOIN generate_series(1, 12) m(month)" if "month" in by else ""
    if "month" in by:  # the masks are already cut at as_of: later months count 0 and are dropped
        planned, done = schedule.sql_in_month("c.planned", "m.month"), schedule.sql_in_month("c.done", "m.month")
    else:
        planned, done = schedule.sql_count("c.planned"), schedule.sql_count("c.done")
    sql = _BASE + f"""
    SELECT {', '.join(select)},
           (CASE WHEN bool_or(lv.has_data) THEN sum({planned}) FILTER (WHERE lv.has_data)
                 ELSE sum({planned}) END)::BIGINT AS planned,
           (CASE WHEN bool_or(lv.has_data) THEN sum({done}) FILTER (WHERE lv.has_data) END)::BIGINT AS realized,
           bool_or(lv.has_data) AS has_data,
           sum({planned})::BIGINT AS due,
           COALESCE(sum({planned}) FILTER (WHERE c.reported), 0)::BIGINT AS reported,
           count(DISTINCT lv.satker_id) AS offices,
           count(DISTINCT lv.satker_id) FILTER (WHERE lv.has_data) AS offices_with_data
    FROM cells c JOIN lv ON lv.id = c.plan_version_id
    JOIN satker s ON s.id = lv.satker_id {month_join}
    GROUP BY {', '.join(str(i + 1) for i in range(len(select)))} ORDER BY {', '.join(keys)}
    """
    params = [year, year, _list(satkers), _list(satkers), mask, mask, _list(areas_), _list(areas_)]
    return sql, params, keys


def _typed(df):
    """Completion columns with their types; ``rate`` = realized / planned where there is data."""
    df = df.assign(planned=df["planned"].fillna(0).astype(int), due=df["due"].fillna(0).astype(int),
                   reported=df["reported"].fillna(0).astype(int), offices=df["offices"].astype(int),
                   offices_with_data=df["offices_with_data"].fillna(0).astype(int),
                   realized=pd.to_numeric(df["realized"], errors="coerce").astype(float),
                   has_data=df["has_data"].fillna(False).astype(bool))
    with np.errstate(divide="ignore", invalid="ignore"):
        df["rate"] = np.where(df["has_data"] & (df["planned"] > 0), df["realized"] / df["planned"], np.nan)
    df.loc[~df["has_data"], "realized"] = np.nan
    return df


def completion(store, as_of: int, year: int | None = None, by=("satker",), satkers=None,
               areas_=None) -> pd.DataFrame:
    """Rows of planned / realized / has_data / rate / due / reported / offices / offices_with_data,
    grouped by any of satker, area, month, province,
    for the offices ``satkers`` and areas ``areas_`` (None: all).

    A group pools the offices that have realisation data: their due months are the denominator,
    and offices without data are left out so they do not drag the group down.  A group in which no
    office has data keeps its due months as ``planned`` with ``realized``/``rate`` None.
    """
    sql, params, _ = _completion_sql(as_of, by, year, satkers, areas_)
    df = store.query_df(sql, params)
    if "month" in list(by):
        df = df[df["month"] <= int(as_of)]
    return _typed(df).reset_index(drop=True)


TREND_GROUPS = ("satker", "province")


def trend(store, as_of: int, year: int, by=(), satkers=None, areas_=None) -> pd.DataFrame:
    """Month by month, Jan..Des: planned vs realised month-kegiatan, each month and cumulated (the
    S-curve), and the completion rate of the month and up to the month.

    The monthly rows are ``completion(by=(*by, "month"))`` over the whole year (the same pooling:
    offices without realisation data are left out of the group), cumulated in SQL, so the
    cumulated rate at month m is exactly ``completion(as_of=m)`` of the group.  Realisation counts
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
    sql, params, keys = _completion_sql(12, [*by, "month"], year, satkers, areas_)
    part = ", ".join(k for k in keys if k != "month")
    window = f"(PARTITION BY {part} ORDER BY month)" if part else "(ORDER BY month)"
    df = store.query_df(
        f"""SELECT *, sum(planned) OVER {window} AS planned_cum,
                      sum(CASE WHEN month <= ? THEN realized END) OVER {window} AS realized_cum
            FROM ({sql}) t ORDER BY {', '.join(keys)}""", [int(as_of), *params])  # the ? above comes first
    df = _typed(df)
    later = df["month"] > int(as_of)
    df.loc[later, ["realized", "rate"]] = np.nan
    df["planned_cum"] = df["planned_cum"].fillna(0).astype(int)
    df["realized_cum"] = pd.to_numeric(df["realized_cum"], errors="coerce").astype(float)
    df.loc[later | ~df["has_data"], "realized_cum"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        df["rate_cum"] = np.where(df["planned_cum"] > 0, df["realized_cum"] / df["planned_cum"], np.nan)
    return df.reset_index(drop=True)


def _list(values):
    return None if values is None else list(values)


def coverage(store, year=None):
    """Satker × area: activity counts and share of the catalogue's standard kegiatan covered."""
    df = store.query_df(
        """SELECT s.name AS satker, lv.year, a.area_no, count(*) AS activities,
                  count(DISTINCT a.catalogue_code) AS standard_covered
           FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           JOIN activities a ON a.plan_version_id = lv.id
           WHERE (? IS NULL OR lv.year = ?) GROUP BY 1, 2, 3 ORDER BY satker, area_no""", [year, year])
    df["standard_total"] = df["area_no"].map(areas.standard_totals()).fillna(0).astype(int)
    df["coverage"] = [c / t if t else None for c, t in zip(df["standard_covered"], df["standard_total"])]
    return df


def missing_standard(store, satker, year):
    """Standard kegiatan (area, code, name) that the satker's latest plan does not cover."""
    have = set(store.query_df(
        """SELECT DISTINCT a.catalogue_code FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           JOIN activities a ON a.plan_version_id = lv.id
           WHERE s.name = ? AND lv.year = ? AND a.catalogue_code IS NOT NULL""", [satker, year])["catalogue_code"])
    return [(no, code, name) for no, code, name in areas.standard_kegiatan() if code not in have]


def coverage_by_province(store, year, satkers=None) -> pd.DataFrame:
    """Province × area coverage, pooled over the province's offices with a plan:
    Σ standard kegiatan covered / (offices × standard kegiatan of the area).  An office whose plan
    has nothing in an area counts as covering none of it.  ``province`` is None for offices that
    match no official office (and KPU RI)."""
    df = store.query_df(
        """WITH o AS (
               SELECT lv.id, s.province FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
               WHERE lv.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
           ), per_office AS (
               SELECT o.id, o.province, a.area_no, count(*) AS activities,
                      count(DISTINCT a.catalogue_code) AS standard_covered
               FROM o JOIN activities a ON a.plan_version_id = o.id WHERE a.area_no IS NOT NULL GROUP BY 1, 2, 3
           ), n AS (SELECT province, count(*) AS offices FROM o GROUP BY 1)
           SELECT n.province, p.area_no, n.offices, COALESCE(sum(p.activities), 0)::BIGINT AS activities,
                  COALESCE(sum(p.standard_covered), 0)::BIGINT AS standard_covered
           FROM n LEFT JOIN per_office p ON p.province IS NOT DISTINCT FROM n.province
           GROUP BY 1, 2, 3 ORDER BY n.province NULLS LAST, p.area_no""",
        [year, _list(satkers), _list(satkers)])
    totals = areas.standard_totals()
    grid = []
    for province, group in df.groupby(df["province"].fillna("\0"), sort=False):
        offices = int(group["offices"].iloc[0])
        have = group.dropna(subset=["area_no"]).set_index(group.dropna(subset=["area_no"])["area_no"].astype(int))
        for no in sorted(totals):
            covered = int(have.loc[no, "standard_covered"]) if no in have.index else 0
            grid.append({"province": None if province == "\0" else province, "area_no": no, "offices": offices,
                         "activities": int(have.loc[no, "activities"]) if no in have.index else 0,
                         "standard_covered": covered, "standard_total": totals[no] * offices,
                         "coverage": covered / (totals[no] * offices) if totals[no] and offices else None})
    return pd.DataFrame(grid, columns=["province", "area_no", "offices", "activities", "standard_covered",
                                       "standard_total", "coverage"])
