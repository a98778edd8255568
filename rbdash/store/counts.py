"""Figures kept per plan version, area and month, so that national and provincial completion reads
a few rows per office instead of every activity and progress row (issue 22).  They are derived from
activities, progress and plan_versions and changed in the transaction of every write that changes
those (an import, a restored version, a progress edit or its undo), so they are never stale:

- ``month_counts``: for every plan version and area having an activity (area_no NULL: activities
  without an area), twelve rows, one per month, counting activities: ``planned`` in that month and
  of them ``done`` in it (realised on schedule).  Completion reads these (rbdash.tally, per office
  and month, so the months an office reported are a filter on the month); the reported and
  cumulative columns kept before that rule, read by nothing, went in migration 11.
- ``area_counts``: activities per plan version and area (how many a selection of areas holds);
- ``version_counts``: per plan version, its activities with a progress row (``recorded``): a
  version "has data" when its file carried realisation or anything was recorded on it (the
  ``latest_plans`` view: one row per version to join, where an EXISTS over every activity and
  progress row was the slowest part of every national figure).

Neither table is backed up or copied between stores: ``rebuild`` derives them again (the migration
that made them, a restore, a copy).  tests/test_counts.py checks them against the figures
recomputed from scratch after random saves, versions and undos, on both backends.
"""

from rbdash.schedule import sql_in_month
from rbdash.store.common import run

TABLES = ("month_counts", "area_counts", "version_counts")

MONTH_COUNTS = """CREATE TABLE month_counts (
        plan_version_id INTEGER NOT NULL, area_no INTEGER, month INTEGER NOT NULL,
        planned INTEGER NOT NULL, done INTEGER NOT NULL)"""
CREATE = [
    MONTH_COUNTS,
    """CREATE TABLE area_counts (
        plan_version_id INTEGER NOT NULL, area_no INTEGER, activities INTEGER NOT NULL)""",
    """CREATE TABLE version_counts (plan_version_id INTEGER PRIMARY KEY, recorded INTEGER NOT NULL)""",
]

_MONTHS = f"""INSERT INTO month_counts
    SELECT a.plan_version_id, a.area_no, m.month,
           CAST(sum({sql_in_month("a.planned_mask", "m.month")}) AS INTEGER),
           CAST(sum({sql_in_month("(a.planned_mask & COALESCE(p.realized_mask, 0))", "m.month")}) AS INTEGER)
    FROM activities a LEFT JOIN progress p ON p.activity_id = a.id
    CROSS JOIN generate_series(1, 12) m(month)
    WHERE {{which}}
    GROUP BY a.plan_version_id, a.area_no, m.month
    ORDER BY a.plan_version_id, a.area_no, m.month"""
_AREAS = """INSERT INTO area_counts
    SELECT a.plan_version_id, a.area_no, CAST(count(*) AS INTEGER) FROM activities a
    WHERE {which}
    GROUP BY a.plan_version_id, a.area_no
    ORDER BY a.plan_version_id, a.area_no"""
_VERSIONS = """INSERT INTO version_counts
    SELECT pv.id, CAST(count(p.activity_id) AS INTEGER)
    FROM plan_versions pv LEFT JOIN activities a ON a.plan_version_id = pv.id
    LEFT JOIN progress p ON p.activity_id = a.id
    WHERE {which}
    GROUP BY pv.id"""
_BUILD = ((_MONTHS, "a.plan_version_id"), (_AREAS, "a.plan_version_id"), (_VERSIONS, "pv.id"))

# every version's counts, into empty tables (the migration that made them); rows of a version are
# written together (ordered), so reading one version touches few pages
REBUILD_ALL = [sql.format(which="TRUE") for sql, _ in _BUILD]
MONTHS_ALL = REBUILD_ALL[0]
# the counts of the versions whose ids are the parameter
REBUILD_SOME = [sql.format(which=f"{version} IN (SELECT unnest(CAST(? AS INTEGER[])))") for sql, version in _BUILD]


def rebuild(con, pv_ids=None) -> None:
    """Derive the counts of the plan versions ``pv_ids`` (None: all) from their activities and
    progress, replacing what was kept: for new versions (an import, a restored version) in the
    writer's transaction, or for the whole store (a restore, a copy)."""
    if pv_ids is None:
        for table in TABLES:
            run(con, f"DELETE FROM {table}")
        for sql in REBUILD_ALL:
            run(con, sql)
        return
    ids = [int(i) for i in pv_ids]
    if not ids:
        return
    for table in TABLES:
        run(con, f"DELETE FROM {table} WHERE plan_version_id IN (SELECT unnest(CAST(? AS INTEGER[])))", [ids])
    for sql in REBUILD_SOME:
        run(con, sql, [ids])


IN_MONTH = sql_in_month("CAST(? AS INTEGER)", "month")   # 1 where the row's month is in a mask given as a parameter
_MOVE = f"""UPDATE month_counts
    SET done = done + {IN_MONTH} - {IN_MONTH}
    WHERE plan_version_id = ? AND area_no IS NOT DISTINCT FROM CAST(? AS INTEGER)
      AND {IN_MONTH} = 1"""


def progress_written(con, pv_id, area_no, planned_mask, before, after) -> None:
    """Move the counts of one activity's progress write, in the writer's transaction: ``before`` is
    the realised mask its progress row held (None: there was no row), ``after`` the one written.
    Changes the rows of the months whose ``done`` moved (of one version and area), and its version's
    row for a first one."""
    planned = int(planned_mask or 0)
    done_before, done_after = planned & int(before or 0), planned & int(after or 0)
    if done_before != done_after:
        run(con, _MOVE, [done_after, done_before, pv_id, area_no, done_before ^ done_after])
    if before is None:
        run(con, "UPDATE version_counts SET recorded = recorded + 1 WHERE plan_version_id = ?", [pv_id])
