"""Issue 22.1: the counts kept per plan version, area and month (rbdash.store.counts) give exactly the
figures recomputed from scratch -- the SQL over every activity and progress row that metrics ran
before them, kept here as the reference -- after random saves, stale saves, undos, new versions,
duplicates, restored versions, monthly reports and verifications (issue 23.2: the verified count
rides on the counts), on DuckDB and PostgreSQL."""

import random

import numpy as np
import pandas as pd
import pytest

from app_fixtures import make_plan
from rbdash import metrics, schedule
from rbdash.errors import ConflictError, RbdashError
from rbdash.store import counts


def lst(values):
    return None if values is None else list(values)

# ------------------------------------------------------------------------------ the reference

# the latest version of each office and year, and whether it has data, from the source tables alone
REFERENCE_PLANS = """
    SELECT pv.*, (pv.has_realization OR EXISTS (
        SELECT 1 FROM activities a JOIN progress p ON p.activity_id = a.id WHERE a.plan_version_id = pv.id)) AS has_data
    FROM plan_versions pv
    WHERE pv.version = (SELECT max(version) FROM plan_versions p2 WHERE p2.satker_id = pv.satker_id AND p2.year = pv.year)
"""
# metrics' completion before the counts: the mask arithmetic over every activity and progress row,
# each office's months filtered by the months it reported (reported_masks, cut at M); the verified
# months (issue 23.2) as a mask per activity, ANDed into the realised one
REFERENCE_GROUPS = {"satker": ["s.name AS satker"], "area": ["c.area_no"], "month": ["m.month"],
                    "province": ["s.province"], "all": ["TRUE AS all_rows"]}
REFERENCE_BASE = """
WITH lv AS (
    SELECT lp.id, lp.satker_id, lp.year, COALESCE(r.mask, 0) & ? AS reported_mask
    FROM latest_versions lp JOIN satker s ON s.id = lp.satker_id
    LEFT JOIN reported_masks r ON r.satker_id = lp.satker_id AND r.year = lp.year
    WHERE (? IS NULL OR lp.year = ?) AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))
), checked AS (
    SELECT activity_id, bit_or(1 << (month - 1)) AS verified_mask FROM verifications
    WHERE state = 'terverifikasi' GROUP BY activity_id
), cells AS (
    SELECT a.id, a.plan_version_id, a.area_no, {scheduled} AS scheduled, {due} AS planned, {done} AS done,
           {verified} AS verified
    FROM activities a JOIN lv ON lv.id = a.plan_version_id
    LEFT JOIN progress p ON p.activity_id = a.id
    LEFT JOIN checked v ON v.activity_id = a.id
    WHERE (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], a.area_no))
)
""".format(scheduled=schedule.sql_due("a.planned_mask", "?"), due=schedule.sql_due("a.planned_mask", "lv.reported_mask"),
           done=schedule.sql_done("a.planned_mask", "COALESCE(p.realized_mask, 0)", "lv.reported_mask"),
           verified=schedule.sql_done("a.planned_mask", "(COALESCE(p.realized_mask, 0) & COALESCE(v.verified_mask, 0))",
                                      "lv.reported_mask"))


# how the rows of ``per_office`` pool into a group, in SQL (rbdash.tally pools them in numpy): the
# offices that reported a month are the group's figures; a group where none did keeps its due months
# with no rate
REFERENCE_POOLING = """
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


def reference_sql(as_of: int, by, year, satkers, areas_):
    """The completion query (SQL, params, key columns) -- the one definition, shared by completion
    and trend.  Months after ``as_of`` count 0 (the masks are cut at as_of).  ``by`` empty: one row
    pooling the whole selection.  Counted per office first (its reported months), then per group."""
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    by = list(by) or ["all"]
    for g in by:
        if g not in REFERENCE_GROUPS:
            raise ValueError(f"unknown group {g!r}")
    mask = schedule.due_mask(as_of)
    select = [c for g in by for c in REFERENCE_GROUPS[g]]
    keys = [c.split(" AS ")[-1].split(".")[-1] for c in select]
    month_join = "CROSS JOIN generate_series(1, 12) m(month)" if "month" in by else ""
    columns = ("c.scheduled", "c.planned", "c.done", "c.verified", "lv.reported_mask")
    if "month" in by:  # the masks are already cut at as_of: later months count 0 and are dropped
        due, planned, done, verified, months = (schedule.sql_in_month(c, "m.month") for c in columns)
    else:
        due, planned, done, verified, months = (schedule.sql_count(c) for c in columns)
    office = schedule.sql_count("lv.reported_mask")  # the office's months, whichever month the row is
    sql = REFERENCE_BASE + f"""
    , per_office AS (
        SELECT {', '.join(select)}, sum({due}) AS due, sum({planned}) AS planned,
               sum({done}) AS done, sum({verified}) AS verified, max({months}) AS reported_months,
               max({office}) AS office_months
        FROM cells c JOIN lv ON lv.id = c.plan_version_id
        JOIN satker s ON s.id = lv.satker_id {month_join}
        GROUP BY {', '.join(str(i + 1) for i in range(len(select)))}, lv.satker_id
    )
    """ + REFERENCE_POOLING.format(keys=", ".join(keys))
    params = [mask, year, year, lst(satkers), lst(satkers), mask, lst(areas_), lst(areas_)]
    return sql, params, keys


def typed(df):
    """Completion columns with their types; ``rate`` = realized / planned and ``verified_rate`` =
    verified / planned where there is data."""
    df = df.assign(planned=df["planned"].fillna(0).astype(int), due=df["due"].fillna(0).astype(int),
                   reported=df["reported"].fillna(0).astype(int), offices=df["offices"].astype(int),
                   reported_months=df["reported_months"].fillna(0).astype(int),
                   offices_with_data=df["offices_with_data"].fillna(0).astype(int),
                   realized=pd.to_numeric(df["realized"], errors="coerce").astype(float),
                   verified=pd.to_numeric(df["verified"], errors="coerce").astype(float),
                   has_data=df["has_data"].fillna(False).astype(bool))
    with np.errstate(divide="ignore", invalid="ignore"):
        df["rate"] = np.where(df["has_data"] & (df["planned"] > 0), df["realized"] / df["planned"], np.nan)
        df["verified_rate"] = np.where(df["has_data"] & (df["planned"] > 0), df["verified"] / df["planned"], np.nan)
    df.loc[~df["has_data"], ["realized", "verified"]] = np.nan
    return df


def reference_completion(store, as_of: int, year: int | None = None, by=("satker",), satkers=None,
               areas_=None) -> pd.DataFrame:
    """Rows of planned / realized / has_data / rate / due / reported / offices / offices_with_data,
    grouped by any of satker, area, month, province (``by`` empty: one row, the whole selection),
    for the offices ``satkers`` and areas ``areas_`` (None: all).

    A group pools the offices that have realisation data: their due months are the denominator,
    and offices without data are left out so they do not drag the group down.  A group in which no
    office has data keeps its due months as ``planned`` with ``realized``/``rate`` None.
    """
    sql, params, _ = reference_sql(as_of, by, year, satkers, areas_)
    df = store.query_df(sql, params)
    if "month" in list(by):
        df = df[df["month"] <= int(as_of)]
    if not list(by):  # one row of the whole selection, also when it holds nothing
        df = df.drop(columns="all_rows").reindex([0]) if df.empty else df.drop(columns="all_rows")
        df["offices"] = df["offices"].fillna(0)
    return typed(df.drop(columns="scheduled")).reset_index(drop=True)


def reference_trend(store, as_of: int, year: int, by=(), satkers=None, areas_=None) -> pd.DataFrame:
    """metrics.trend over the reference query's monthly rows (its S-curve shaping is metrics.trend_from)."""
    sql, params, keys = reference_sql(12, [*by, "month"], year, satkers, areas_)
    return metrics.trend_from(store.query_df(sql, params), keys, as_of)


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
    kind = rng.choices(["save", "stale", "revert", "version", "duplicate", "restore", "office", "report", "check"],
                       [10, 2, 3, 2, 1, 2, 1, 3, 10])[0]
    try:
        if kind == "report":  # a monthly report sent, or one taken back (issue 23.1: a filter on read)
            satker, year = rng.choice(sorted(plans))
            with store.connect() as con:
                sent = [r[0] for r in con.execute(
                    "SELECT id FROM audit_log WHERE action = 'report' AND satker = ? AND year = ?",
                    [satker, year]).fetchall()]
            if sent and rng.random() < 0.3:
                store.revert_change(rng.choice(sent), "uji")
            elif satker != SILENT:
                store.submit_report(satker, year, rng.randint(1, 12), "uji")
        elif kind in ("save", "stale"):
            aid = rng.choice(activity_ids(store))
            rev = revision(store, aid) + (1 if kind == "stale" else 0)
            store.save_progress(aid, random_months(rng), None, f"n{rng.randrange(99)}", rev, "uji")
        elif kind == "check":  # a province's check of realised months (issue 23.2): verified or rejected
            with store.connect() as con:  # mostly the current versions' (the figures read those)
                done = con.execute(
                    """SELECT p.activity_id, p.realized_mask, p.revision, a.planned_mask FROM progress p
                       JOIN activities a ON a.id = p.activity_id
                       LEFT JOIN latest_versions lv ON lv.id = a.plan_version_id
                       WHERE p.realized_mask <> 0 AND (lv.id IS NOT NULL OR ?) ORDER BY 1""",
                    [rng.random() < 0.2]).fetchall()
            if done:
                aid, mask, rev, planned = rng.choice(done)
                if mask & planned and rng.random() < 0.7:  # mostly months realised on schedule
                    mask &= planned
                months = [m for m in range(1, 13) if mask >> (m - 1) & 1]
                items = [(aid, m, rev) for m in rng.sample(months, rng.randint(1, len(months)))]
                if rng.random() < 0.1:  # a month not realised, or a stale revision: refused, nothing changes
                    items.append((aid, rng.randint(1, 12), rev + rng.randint(0, 1)))
                if rng.random() < 0.7:
                    store.verify(items, "uji")
                else:
                    store.reject(items, "bukti kosong", "uji")
        elif kind == "revert":  # Riwayat's undo: of a progress change or of a check
            with store.connect() as con:
                ids = [r[0] for r in con.execute(
                    """SELECT id FROM audit_log
                       WHERE action IN ('progress', 'revert', 'verification', 'verification_revert')""").fetchall()]
            if ids:
                store.revert_change(rng.choice(ids), "uji")
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
    imports, restored versions, new offices, monthly reports and checks (verified, rejected, undone);
    after every batch the kept counts equal the counts derived from scratch and every figure equals
    the reference."""
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
        # the history left checked months the figures count (and others they must not: unplanned,
        # unreported), so the verified column above was compared on something
        assert metrics.completion(store, 12, None, ()).iloc[0]["verified"] > 0


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


def imported_with_a_replica(store, rng, n):
    """Random plans of ``n`` offices imported (by office), and a second Store on the same database:
    another replica, whose writes reach ``store`` only through the database."""
    from rbdash.store import Store
    plans = {}
    for key in OFFICES[:n]:
        plans[key] = random_plan(rng, *key)
        store.import_plan(plans[key][1], "uji")
    return plans, Store(store._backend.url if store.backend == "postgresql" else store.path)


def test_figures_held_in_memory_follow_every_office_written(store, monkeypatch):
    """Issue 22.1: rbdash.tally holds a year's counts per process and re-reads only the offices written
    since; whichever way it catches up -- office by office, or the whole year when many offices wrote
    (WHOLE_YEAR_AFTER) -- and whichever store object wrote (another replica's writes reach this one
    through the database), the next figure equals the reference."""
    from rbdash import tally
    rng = random.Random(5)
    plans, other = imported_with_a_replica(store, rng, 5)
    for whole_year_after in (64, 1, 0):
        monkeypatch.setattr(tally, "WHOLE_YEAR_AFTER", whole_year_after)
        same(metrics.completion(store, 12, 2024, ("satker",)), reference_completion(store, 12, 2024, ("satker",)), "before")
        for _ in range(6):
            step(other, rng, plans)
        for by in (("satker",), ("province", "area"), ()):
            same(metrics.completion(store, 12, 2024, by), reference_completion(store, 12, 2024, by),
                 (whole_year_after, by))
        same(metrics.trend(store, 9, 2024, ("province",)), reference_trend(store, 9, 2024, ("province",)),
             (whole_year_after, "trend"))


def test_written_since_is_the_years_version_and_the_offices_written_since(store):
    """Issue 22: the first figure of a visit asks the year's version and the offices written since the
    counts it holds in one round trip (Store.written_since): the same answer as ``version`` and
    ``offices_written`` asked one after the other, before and after another replica's writes."""
    rng = random.Random(11)
    plans, other = imported_with_a_replica(store, rng, 4)
    database, after = store.version(2024)
    assert store.written_since(2024, after) == (database, after, [])   # nothing written since
    for _ in range(8):
        step(other, rng, plans)
        got, want = store.written_since(2024, after), store.version(2024)
        written = store.offices_written(2024, after, want[1])
        assert got == (*want, None if written is None else sorted(written))
    assert got[1] > after and got[2]   # something was written in 2024 by those eight steps
    assert store.written_since(2024, store.version(2024)[1])[2] == []
    assert store.written_since(2031, 0) == (database, 0, [])   # a year nobody wrote
    # an entry of another database (a file restored in its place): this one's version all the same
    assert store.written_since(2024, 10 ** 9)[:2] == store.version(2024)


def test_two_databases_with_the_same_history_keep_their_own_figures(db_location):
    """Two databases whose writes match one for one (the same audit ids, migrated in the same second;
    on PostgreSQL two schemas of one server database, which the shown path does not tell apart) keep
    their own figures in memory: a save in one is never read from the other."""
    from rbdash.store import Store
    a, b = Store(db_location()), Store(db_location())
    plan = make_plan("KPU Kota Malang", 2024, [(1, "K", "I", [1, 2, 3], [])])
    for s in (a, b):
        s.import_plan(plan, "uji")
        s.submit_report("KPU Kota Malang", 2024, 1, "uji")
    aid = int(a.query_df("SELECT id FROM activities")["id"][0])
    assert metrics.completion(a, 3, 2024, ()).iloc[0]["realized"] == metrics.completion(b, 3, 2024, ()).iloc[0]["realized"] == 0
    a.save_progress(aid, [1], None, None, 0, "uji")
    b.save_progress(aid, [2], None, None, 0, "uji")   # the same audit id as a's save, another month
    assert metrics.completion(a, 3, 2024, ()).iloc[0]["realized"] == 1   # January reported and done
    assert metrics.completion(b, 3, 2024, ()).iloc[0]["realized"] == 0   # February done but not reported


def test_a_visits_figures_share_one_reading_of_the_year_and_the_next_run_sees_a_write(store, monkeypatch):
    """Issue 22: the five national figures of one visit, each a computation of its own (as pages/_ui's
    loaders), read the year's version and rows once -- the later ones use the rows the first read,
    which were read after the visit's version was -- and a run begun after another replica's save
    reads again and shows it."""
    from rbdash import views
    from rbdash.latest import Latest
    rng = random.Random(7)
    _, other = imported_with_a_replica(store, rng, 4)
    asked_years = []
    version, written_since = type(store).version, type(store).written_since
    monkeypatch.setattr(type(store), "version", lambda s, year=None, *a, **kw: (
        asked_years.append(year), version(s, year, *a, **kw))[1])
    monkeypatch.setattr(type(store), "written_since", lambda s, year, after: (   # the version, with what changed
        asked_years.append(year), written_since(s, year, after))[1])
    figures = {"satker": ("satker",), "provinces": ("province",), "whole": (), "heatmap": ("province", "area")}
    kept = {name: Latest() for name in figures}

    def visit():
        key = views.cache_key(store)
        need = key.year(2024)
        asked_years.clear()
        got = {name: kept[name].get(name, need, lambda by=by: metrics.completion(store, 12, 2024, by),
                                    asked=key.asked, since=key.since(need))
               for name, by in figures.items()}
        return got, asked_years.count(2024)
    ids = activity_ids(store)
    for _ in range(3):
        before = version(store, 2024)
        while version(store, 2024) == before:   # a save elsewhere (not a no-op): every figure computed again
            aid = rng.choice(ids)
            other.save_progress(aid, random_months(rng), None, None, revision(store, aid), "uji")
        got, reads = visit()
        assert reads == 1, f"the year's version was read once for the visit's figures, not {reads}: {asked_years}"
        for name, by in figures.items():
            same(got[name], reference_completion(store, 12, 2024, by), name)


def test_migration_11_keeps_only_the_columns_completion_reads(db_location):
    """A database migrated before 11 holds month_counts with the reported and cumulative columns too
    (appended here as that schema had them, after planned and done); migration 11 leaves planned and
    done, every row as derived from scratch, and a save then moves them (PostgreSQL: the index again)."""
    from rbdash.store import Store
    path = db_location("alt")
    old = Store(path, schema_version=10)
    old.import_plan(make_plan("KPU Kota Satu", 2024, [(a, "K", f"I{a}", [1, 2, 3], []) for a in (1, 2)]), "uji")
    with old.transaction() as con:
        for column in ("reported", "planned_cum", "done_cum", "reported_cum"):
            con.execute(f"ALTER TABLE month_counts ADD COLUMN {column} INTEGER NOT NULL DEFAULT 7").fetchall()
        con.execute("UPDATE month_counts SET done = 5").fetchall()   # not copied: derived again
    old.close()
    store = Store(path)
    assert store.schema_version() == 11
    with store.connect() as con:
        assert [d[0] for d in con.execute("SELECT * FROM month_counts LIMIT 0").description] == [
            "plan_version_id", "area_no", "month", "planned", "done"]
    assert kept_counts(store) == rebuilt_counts(store)
    assert {r[4] for r in kept_counts(store)["month_counts"]} == {0}
    aid = int(store.query_df("SELECT min(id) AS id FROM activities")["id"][0])
    store.save_progress(aid, [1, 3], None, None, 0, "uji")
    assert [r[2:] for r in kept_counts(store)["month_counts"] if r[4]] == [(1, 1, 1), (3, 1, 1)]
    assert kept_counts(store) == rebuilt_counts(store)
    if store.backend == "postgresql":
        indexes = store.query_df("SELECT indexname FROM pg_indexes WHERE tablename = 'month_counts' "
                                 "AND schemaname = current_schema()")
        assert indexes["indexname"].tolist() == ["month_counts_version"]
    store.close()


@pytest.mark.parametrize("seed", range(4))
def test_counts_with_some_offices_changed_pool_as_counts_built_anew(seed):
    """rbdash.tally: after a save the counts are the held ones with the written offices' rows spliced
    in (Counts.with_changed); whatever changed -- rows, an office's province, a new area, an office
    gone -- every pooling equals that of counts built from scratch."""
    from rbdash import tally
    rng = random.Random(seed)
    provinces, area_nos = ["Bali", "Jawa Timur", None, "Papua"], [1, 2, 3, 8, np.nan]

    def block(province, areas):
        n = rng.randint(1, 30)
        ints = [np.array([rng.randint(lo, hi) for _ in range(n)], dtype=np.int64)
                for lo, hi in ((1, 12), (0, 5), (0, 3), (0, 2))]
        return tally.Office(province, np.full(n, rng.randrange(4096), dtype=np.int64),
                            np.array([rng.choice(areas) for _ in range(n)], dtype=float), *ints)
    for _ in range(60):
        offices = {f"KPU {i:03d}": block(rng.choice(provinces), area_nos) for i in range(rng.randint(1, 30))}
        held = tally.Counts(offices)
        changed = rng.sample(sorted(offices), rng.randint(1, min(5, len(offices))))
        now = dict(offices)
        for name in changed:
            now[name] = block(offices[name].province if rng.random() < 0.8 else rng.choice(provinces),
                              area_nos if rng.random() < 0.8 else [*area_nos, 5])
        if rng.random() < 0.1:
            del now[changed[0]]
        spliced, anew = held.with_changed(now, changed), tally.Counts(now)
        for as_of in (3, 12):
            for by in [(), ("satker",), ("province", "area"), ("satker", "month"), ("area", "month")]:
                pd.testing.assert_frame_equal(tally.pooled(spliced, as_of, by), tally.pooled(anew, as_of, by),
                                              check_exact=True)
