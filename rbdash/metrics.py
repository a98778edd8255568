"""The read layer: every figure the pages, the workbook, the deck and the CLI show is read here, in
parameterised SQL over the latest plan version per satker (no streamlit; rbdash.views builds the
pages' models on these functions).

Completion and coverage measures, computed in SQL:

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

from rbdash import areas, schedule
from rbdash.store.verification import VERIFIED

GROUPS = {"satker": ["s.name AS satker"], "area": ["c.area_no"], "month": ["c.month"],
          "province": ["s.province"], "all": ["TRUE AS all_rows"]}  # "all": the whole selection, one row

# How the rows of ``per_office`` (one per office and group: due, planned and done in its reported
# months, verified, reported_months, office_months) pool into a group: the offices that reported a
# month are the group's figures; a group where none did keeps its due months with no rate.
GROUP_POOLING = """
SELECT {keys},
       (CASE WHEN bool_or(reported_months > 0) THEN sum(planned) FILTER (WHERE reported_months > 0)
             ELSE sum(due) END)::BIGINT AS planned,
       (CASE WHEN bool_or(reported_months > 0) THEN sum(done) FILTER (WHERE reported_months > 0) END)::BIGINT
           AS realized,
       (CASE WHEN bool_or(reported_months > 0) THEN sum(verified) FILTER (WHERE reported_months > 0) END)::BIGINT
           AS verified,
       bool_or(reported_months > 0) AS has_data,
       sum(due)::BIGINT AS due,
       sum(planned)::BIGINT AS reported,
       sum(reported_months)::BIGINT AS reported_months,
       (CASE WHEN bool_or(office_months > 0) THEN sum(due) FILTER (WHERE office_months > 0)
             ELSE sum(due) END)::BIGINT AS scheduled,
       count(*) AS offices,
       count(*) FILTER (WHERE reported_months > 0) AS offices_with_data
FROM per_office GROUP BY {keys} ORDER BY {keys}
"""

# Read from the counts kept per plan version, area and month (rbdash.store.counts, changed by every
# write), not from every activity: a national figure reads offices x 9 areas x M rows.  Each row holds
# the activities planned in that month and, of them, those realised (``planned``, ``done``): the mask
# arithmetic of rbdash.schedule counted ahead, so the per-office month filter (the months it
# reported, ``reported_masks`` cut at M) is a condition on the row's month.  Summed per office first,
# then per group: an office counts once in a group (also across years), without a DISTINCT aggregate.
# The verified months (issue 23.2) are few rows (one per checked month): counted per version, area and
# month from the verifications of the selected versions whose month is still planned and realised
# (a check outlives neither), and joined to the count rows, so the same month filter applies.
_PER_OFFICE = """
WITH lv AS (
    SELECT lp.id, lp.satker_id, COALESCE(r.mask, 0) & ? AS reported_mask
    FROM latest_versions lp JOIN satker s ON s.id = lp.satker_id
    LEFT JOIN reported_masks r ON r.satker_id = lp.satker_id AND r.year = lp.year
    WHERE (? IS NULL OR lp.year = ?) AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
), checked AS (
    SELECT a.plan_version_id, a.area_no, v.month, count(*) AS verified
    FROM verifications v JOIN activities a ON a.id = v.activity_id JOIN lv ON lv.id = a.plan_version_id
    JOIN progress p ON p.activity_id = a.id
    WHERE v.state = ? AND {checked_done} = 1
    GROUP BY a.plan_version_id, a.area_no, v.month
), per_office AS (
    SELECT {select}, sum(c.planned) AS due,
           sum(CASE WHEN {in_reported} = 1 THEN c.planned ELSE 0 END) AS planned,
           sum(CASE WHEN {in_reported} = 1 THEN c.done ELSE 0 END) AS done,
           sum(CASE WHEN {in_reported} = 1 THEN COALESCE(k.verified, 0) ELSE 0 END) AS verified,
           max({months}) AS reported_months, max({office}) AS office_months
    FROM month_counts c JOIN lv ON lv.id = c.plan_version_id JOIN satker s ON s.id = lv.satker_id
    LEFT JOIN checked k ON k.plan_version_id = c.plan_version_id AND k.area_no IS NOT DISTINCT FROM c.area_no
         AND k.month = c.month
    WHERE c.month <= ? AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], c.area_no))
    GROUP BY {groups}, lv.satker_id
)
""" + GROUP_POOLING



def _completion_sql(as_of: int, by, year, satkers, areas_):
    """The completion query (SQL, params, key columns) -- the one definition, shared by completion
    and trend.  Months after ``as_of`` are left out.  ``by`` empty: one row pooling the whole
    selection.  Counted per office first (its reported months), then per group."""
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    by = list(by) or ["all"]
    for g in by:
        if g not in GROUPS:
            raise ValueError(f"unknown group {g!r}")
    select = [c for g in by for c in GROUPS[g]]
    keys = [c.split(" AS ")[-1].split(".")[-1] for c in select]
    in_reported = schedule.sql_in_month("lv.reported_mask", "c.month")
    office = schedule.sql_count("lv.reported_mask")  # the office's months, whichever month the row is
    # by month: 1 when that month is reported; else the months reported up to as_of
    months = in_reported if "month" in by else office
    checked_done = schedule.sql_in_month("(a.planned_mask & p.realized_mask)", "v.month")
    sql = _PER_OFFICE.format(select=", ".join(select), groups=", ".join(str(i + 1) for i in range(len(select))),
                             keys=", ".join(keys), in_reported=in_reported, months=months, office=office,
                             checked_done=checked_done)
    params = [schedule.due_mask(as_of), year, year, _list(satkers), _list(satkers), VERIFIED, int(as_of),
              _list(areas_), _list(areas_)]
    return sql, params, keys


def rate_of(df, part: str) -> np.ndarray:
    """The one definition of a completion rate: ``part`` (month-kegiatan realised, or realised and
    verified) ÷ ``planned`` where the group has data and something is due, else NaN.  ``rate`` and
    ``verified_rate`` both come from here, so they always share one denominator."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(df["has_data"] & (df["planned"] > 0), df[part] / df["planned"], np.nan)


def _typed(df):
    """Completion columns with their types; ``rate`` = realized / planned and ``verified_rate`` =
    verified / planned where there is data (``rate_of``)."""
    df = df.assign(planned=df["planned"].fillna(0).astype(int), due=df["due"].fillna(0).astype(int),
                   reported=df["reported"].fillna(0).astype(int), offices=df["offices"].astype(int),
                   reported_months=df["reported_months"].fillna(0).astype(int),
                   offices_with_data=df["offices_with_data"].fillna(0).astype(int),
                   realized=pd.to_numeric(df["realized"], errors="coerce").astype(float),
                   verified=pd.to_numeric(df["verified"], errors="coerce").astype(float),
                   has_data=df["has_data"].fillna(False).astype(bool))
    df["rate"] = rate_of(df, "realized")
    df["verified_rate"] = rate_of(df, "verified")
    df.loc[~df["has_data"], ["realized", "verified"]] = np.nan
    return df


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
    sql, params, _ = _completion_sql(as_of, by, year, satkers, areas_)
    df = store.query_df(sql, params)
    if not list(by):  # one row of the whole selection, also when it holds nothing
        df = df.drop(columns="all_rows").reindex([0]) if df.empty else df.drop(columns="all_rows")
        df["offices"] = df["offices"].fillna(0)
    return _typed(df.drop(columns="scheduled")).reset_index(drop=True)


TREND_GROUPS = ("satker", "province")


def trend(store, as_of: int, year: int, by=(), satkers=None, areas_=None) -> pd.DataFrame:
    """Month by month, Jan..Des: planned vs realised month-kegiatan, each month and cumulated (the
    S-curve), and the completion rate of the month and up to the month.

    The monthly rows are ``completion(by=(*by, "month"))`` over the whole year (the same pooling:
    offices without realisation data are left out of the group), cumulated in SQL, so the
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
    return trend_from(store, *_completion_sql(12, [*by, "month"], year, satkers, areas_), as_of)


def trend_from(store, sql, params, keys, as_of: int) -> pd.DataFrame:
    """The S-curve of a completion query's monthly rows (``trend``; tests/test_counts.py runs it on the
    reference query over every activity): cumulated in SQL, realisation cut after ``as_of``."""
    part = ", ".join(k for k in keys if k != "month")
    window = f"(PARTITION BY {part} ORDER BY month)" if part else "(ORDER BY month)"
    df = store.query_df(
        f"""SELECT *, sum(scheduled) OVER {window} AS planned_cum,
                      sum(CASE WHEN has_data THEN planned ELSE 0 END) OVER {window} AS rated_cum,
                      sum(CASE WHEN month <= ? THEN realized END) OVER {window} AS realized_cum
            FROM ({sql}) t ORDER BY {', '.join(keys)}""", [int(as_of), *params])  # the ? above comes first
    df = _typed(df)
    df["planned"] = df.pop("scheduled").fillna(0).astype(int)  # the plan line; the rates are over reported months
    later = df["month"] > int(as_of)
    df.loc[later, ["realized", "rate", "verified", "verified_rate"]] = np.nan
    df["planned_cum"] = df["planned_cum"].fillna(0).astype(int)
    rated_cum = pd.to_numeric(df.pop("rated_cum"), errors="coerce").fillna(0).to_numpy(dtype=float)
    df["realized_cum"] = pd.to_numeric(df["realized_cum"], errors="coerce").astype(float)
    df.loc[later, "realized_cum"] = np.nan  # a month nobody reported keeps the sum of the months before
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
    of the areas ``areas_`` (None: all; an office counts even with no activity in those areas)."""
    row = store.query_df(
        """SELECT count(DISTINCT lv.satker_id) AS offices, COALESCE(sum(c.activities), 0)::BIGINT AS activities
           FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           LEFT JOIN area_counts c ON c.plan_version_id = lv.id
                AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], c.area_no))
           WHERE lv.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))""",
        [_list(areas_), _list(areas_), year, _list(satkers), _list(satkers)]).iloc[0]
    return {k: int(row[k]) for k in ("offices", "activities")}


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
