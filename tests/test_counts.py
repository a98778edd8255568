"""Issue 22.1: the counts kept per plan version, area and month (rbdash.store.counts) give exactly the
figures recomputed from scratch -- the SQL over every activity and progress row that metrics ran
before them, kept here as the reference -- after random saves, stale saves, undos, new versions,
duplicates and restored versions, on DuckDB and PostgreSQL."""

import random

import numpy as np
import pandas as pd
import pytest

from app_fixtures import make_plan
from rbdash import metrics
from rbdash.errors import ConflictError, RbdashError
from rbdash.store import counts

# ------------------------------------------------------------------------------ the reference

# the latest version of each office and year, and whether it has data, from the source tables alone
REFERENCE_PLANS = """
    SELECT pv.*, (pv.has_realization OR EXISTS (
        SELECT 1 FROM activities a JOIN progress p ON p.activity_id = a.id WHERE a.plan_version_id = pv.id)) AS has_data
    FROM plan_versions pv
    WHERE pv.version = (SELECT max(version) FROM plan_versions p2 WHERE p2.satker_id = pv.satker_id AND p2.year = pv.year)
"""
REFERENCE_GROUPS = {"satker": ["s.name AS satker"], "area": ["c.area_no"], "month": ["m.month"],
                    "province": ["s.province"], "all": ["TRUE AS all_rows"]}
REFERENCE_BASE = f"""
WITH lv AS (
    SELECT lp.id, lp.satker_id, lp.year, lp.has_data, lp.has_realization FROM ({REFERENCE_PLANS}) lp
    JOIN satker s ON s.id = lp.satker_id
    WHERE (? IS NULL OR lp.year = ?) AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
), cells AS (
    SELECT a.id, a.plan_version_id, a.area_no, (a.planned_mask & ?) AS planned,
           (a.planned_mask & COALESCE(p.realized_mask, 0) & ?) AS done,
           (lv.has_realization OR p.activity_id IS NOT NULL) AS reported
    FROM activities a JOIN lv ON lv.id = a.plan_version_id
    LEFT JOIN progress p ON p.activity_id = a.id
    WHERE (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], a.area_no))
)
"""


def reference_sql(as_of, by, year, satkers, areas_):
    """metrics' completion query before the counts (bit arithmetic over every activity)."""
    by = list(by) or ["all"]
    mask = (1 << as_of) - 1
    select = [c for g in by for c in REFERENCE_GROUPS[g]]
    keys = [c.split(" AS ")[-1].split(".")[-1] for c in select]
    month_join = "CROSS JOIN generate_series(1, 12) m(month)" if "month" in by else ""
    if "month" in by:
        planned, done = "((c.planned >> (m.month - 1)) & 1)", "((c.done >> (m.month - 1)) & 1)"
    else:
        planned, done = "bit_count(c.planned)", "bit_count(c.done)"
    sql = REFERENCE_BASE + f"""
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
    lst = (lambda v: None if v is None else list(v))
    return sql, [year, year, lst(satkers), lst(satkers), mask, mask, lst(areas_), lst(areas_)], keys


def typed(df):
    df = df.assign(planned=df["planned"].fillna(0).astype(int), due=df["due"].fillna(0).astype(int),
                   reported=df["reported"].fillna(0).astype(int), offices=df["offices"].astype(int),
                   offices_with_data=df["offices_with_data"].fillna(0).astype(int),
                   realized=pd.to_numeric(df["realized"], errors="coerce").astype(float),
                   has_data=df["has_data"].fillna(False).astype(bool))
    with np.errstate(divide="ignore", invalid="ignore"):
        df["rate"] = np.where(df["has_data"] & (df["planned"] > 0), df["realized"] / df["planned"], np.nan)
    df.loc[~df["has_data"], "realized"] = np.nan
    return df


def reference_completion(store, as_of, year=None, by=("satker",), satkers=None, areas_=None):
    sql, params, _ = reference_sql(as_of, by, year, satkers, areas_)
    df = store.query_df(sql, params)
    if "month" in list(by):
        df = df[df["month"] <= int(as_of)]
    if not list(by):
        df = df.drop(columns="all_rows").reindex([0]) if df.empty else df.drop(columns="all_rows")
        df["offices"] = df["offices"].fillna(0)
    return typed(df).reset_index(drop=True)


def reference_trend(store, as_of, year, by=(), satkers=None, areas_=None):
    sql, params, keys = reference_sql(12, [*by, "month"], year, satkers, areas_)
    part = ", ".join(k for k in keys if k != "month")
    window = f"(PARTITION BY {part} ORDER BY month)" if part else "(ORDER BY month)"
    df = store.query_df(
        f"""SELECT *, sum(planned) OVER {window} AS planned_cum,
                      sum(CASE WHEN month <= ? THEN realized END) OVER {window} AS realized_cum
            FROM ({sql}) t ORDER BY {', '.join(keys)}""", [int(as_of), *params])
    df = typed(df)
    later = df["month"] > int(as_of)
    df.loc[later, ["realized", "rate"]] = np.nan
    df["planned_cum"] = df["planned_cum"].fillna(0).astype(int)
    df["realized_cum"] = pd.to_numeric(df["realized_cum"], errors="coerce").astype(float)
    df.loc[later | ~df["has_data"], "realized_cum"] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        df["rate_cum"] = np.where(df["planned_cum"] > 0, df["realized_cum"] / df["planned_cum"], np.nan)
    return df.reset_index(drop=True)


def reference_overview(store, year, satkers=None, areas_=None):
    lst = (lambda v: None if v is None else list(v))
    row = store.query_df(
        f"""SELECT count(DISTINCT lv.satker_id) AS offices, count(a.id) AS activities
            FROM ({REFERENCE_PLANS}) lv JOIN satker s ON s.id = lv.satker_id
            LEFT JOIN activities a ON a.plan_version_id = lv.id
                 AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], a.area_no))
            WHERE lv.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))""",
        [lst(areas_), lst(areas_), year, lst(satkers), lst(satkers)]).iloc[0]
    return {k: int(row[k]) for k in ("offices", "activities")}


def reference_offices(store):
    return store.query_df(
        f"""SELECT lv.year, s.name AS satker, s.province, s.level, lv.as_of_month, lv.has_data
            FROM ({REFERENCE_PLANS}) lv JOIN satker s ON s.id = lv.satker_id
            ORDER BY lv.year DESC, s.province NULLS LAST, s.name""")


def same(got, want, what):
    """Equal frames, column by column (dtypes of nullable integers aside)."""
    assert list(got.columns) == list(want.columns), what
    assert len(got) == len(want), (what, got, want)
    for col in got.columns:
        a, b = got[col].to_numpy(dtype=object), want[col].to_numpy(dtype=object)
        for x, y in zip(a, b):
            if pd.isna(x) and pd.isna(y):
                continue
            assert x == y or (isinstance(x, float) and abs(x - y) < 1e-12), (what, col, got, want)


# ------------------------------------------------------------------------------ random history

OFFICES = [("KPU Kota Malang", 2024), ("KPU Kabupaten Gresik", 2024), ("KPU Kota Banjarbaru", 2023),
           ("KPU Provinsi Jawa Timur", 2024), ("KPU Kota Contoh Tanpa Provinsi", 2024),
           ("KPU Kota Malang", 2023)]
AREAS = [1, 2, 3, 5, 8, None]


def random_months(rng, k=None):
    return sorted(rng.sample(range(1, 13), rng.randint(0, 5) if k is None else k))


SILENT = "KPU Kabupaten Gresik"   # never reports: an office without data throughout


def random_plan(rng, satker, year, base=None):
    """A plan of 3-7 activities, with realisation columns (a monitoring workbook) or without; a later
    version keeps some of ``base``'s rows (their realisation is carried over) and changes the rest."""
    has = satker != SILENT and rng.random() < 0.4
    rows = [r[:4] + ((r[4] if has else []),) for r in (base or []) if rng.random() < 0.6]
    while len(rows) < rng.randint(3, 7):
        n = rng.randrange(1000)
        rows.append((rng.choice(AREAS), f"Kegiatan {n}", f"Indikator {n}", random_months(rng),
                     random_months(rng) if has else []))
    return rows, make_plan(satker, year, rows, has_realization=has, as_of=rng.randint(1, 12) if has else None)


def activity_ids(store):
    """Activities of every version (an undo may reach an older one), but the silent office's."""
    with store.connect() as con:
        return [r[0] for r in con.execute(
            """SELECT a.id FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id
               JOIN satker s ON s.id = pv.satker_id WHERE s.name <> ? ORDER BY a.id""", [SILENT]).fetchall()]


def revision(store, aid):
    with store.connect() as con:
        row = con.execute("SELECT revision FROM progress WHERE activity_id = ?", [aid]).fetchone()
    return row[0] if row else 0


def step(store, rng, plans):
    """One random write; refusals (conflicts, nothing to undo) are part of the history too."""
    kind = rng.choices(["save", "stale", "revert", "version", "duplicate", "restore", "office"],
                       [10, 2, 3, 2, 1, 2, 1])[0]
    try:
        if kind in ("save", "stale"):
            aid = rng.choice(activity_ids(store))
            rev = revision(store, aid) + (1 if kind == "stale" else 0)
            store.save_progress(aid, random_months(rng), None, f"n{rng.randrange(99)}", rev, "uji")
        elif kind == "revert":
            with store.connect() as con:
                ids = [r[0] for r in con.execute(
                    "SELECT id FROM audit_log WHERE action IN ('progress', 'revert')").fetchall()]
            if ids:
                store.revert_progress(rng.choice(ids), "uji")
        elif kind in ("version", "duplicate"):
            key = rng.choice(sorted(plans))
            if kind == "version":
                plans[key] = random_plan(rng, *key, base=plans[key][0])
            store.import_plan(plans[key][1], "uji")
        elif kind == "restore":
            satker, year = rng.choice(sorted(plans))
            with store.connect() as con:
                latest = con.execute("""SELECT max(pv.version) FROM plan_versions pv JOIN satker s ON s.id = pv.satker_id
                                        WHERE s.name = ? AND pv.year = ?""", [satker, year]).fetchone()[0]
            if latest > 1:
                store.restore_version(satker, year, rng.randint(1, latest - 1), "uji")
        else:
            free = [k for k in OFFICES if k not in plans]
            if free:
                key = rng.choice(free)
                plans[key] = random_plan(rng, *key)
                store.import_plan(plans[key][1], "uji")
    except (ConflictError, RbdashError):
        pass


def kept_counts(store):
    with store.connect() as con:
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in counts.TABLES}


class Rollback(Exception):
    pass


def rebuilt_counts(store):
    """The counts derived from scratch (in a transaction rolled back)."""
    got = {}
    try:
        with store.transaction() as con:
            counts.rebuild(con)
            got.update({t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in counts.TABLES})
            raise Rollback
    except Rollback:
        pass
    return got


GROUPINGS = [(), ("satker",), ("area",), ("month",), ("province",), ("province", "area"), ("satker", "month"),
             ("province", "month"), ("area", "month")]


def check_figures(store, rng):
    """Every figure metrics reads from the counts equals the reference over the source tables."""
    assert kept_counts(store) == rebuilt_counts(store)
    names = sorted({k[0] for k in OFFICES})
    for by in GROUPINGS:   # every grouping once, then random filters
        same(metrics.completion(store, 6, 2024, by), reference_completion(store, 6, 2024, by), by)
    for _ in range(8):
        by = rng.choice(GROUPINGS)
        args = dict(as_of=rng.choice([1, 3, 9, 12]), year=rng.choice([2023, 2024, None]), by=by,
                    satkers=rng.choice([None, rng.sample(names, 2)]), areas_=rng.choice([None, [1, 3], [2, 8]]))
        same(metrics.completion(store, **args), reference_completion(store, **args), args)
    for by in ((), ("satker",), ("province",)):
        args = dict(as_of=rng.choice([2, 7, 12]), year=rng.choice([2023, 2024]), by=by,
                    areas_=rng.choice([None, [1, 3]]))
        same(metrics.trend(store, **args), reference_trend(store, **args), ("trend", args))
    for year in (2023, 2024):
        for areas_ in (None, [1, 2]):
            assert metrics.overview(store, year, None, areas_) == reference_overview(store, year, None, areas_)
    same(metrics.offices(store), reference_offices(store), "offices")


def test_kept_counts_equal_the_figures_recomputed_from_scratch(store):
    """Random saves, stale saves (refused), undos, new versions (realisation carried over), duplicate
    imports, restored versions and new offices; after every batch the kept counts equal the counts
    derived from scratch and every figure equals the reference."""
    rng = random.Random(22)
    plans = {}
    with store.session():  # one connection throughout (a DuckDB file is not reopened per query)
        for key in OFFICES[:4]:
            plans[key] = random_plan(rng, *key)
            store.import_plan(plans[key][1], "uji")
        check_figures(store, rng)
        for _ in range(2):
            for _ in range(25):
                step(store, rng, plans)
            check_figures(store, rng)


def test_a_batch_import_and_a_refused_write_keep_the_counts(store):
    """Plans imported in one batch get their counts in that transaction; a write refused halfway (an
    unknown activity, a conflict) leaves them as they were."""
    rng = random.Random(7)
    batch = [random_plan(rng, satker, year)[1] for satker, year in OFFICES]
    store.import_plans(batch, "uji")
    assert kept_counts(store) == rebuilt_counts(store)
    before = kept_counts(store)
    with pytest.raises(ConflictError):
        store.save_progress(activity_ids(store)[0], [1, 2], None, None, 5, "uji")
    assert kept_counts(store) == before
