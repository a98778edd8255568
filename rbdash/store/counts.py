"""Figures kept per plan version, area and month, so that national and provincial completion reads
a few rows per office instead of every activity and progress row (issue 22).  They are derived from
activities, progress and plan_versions and changed in the transaction of every write that changes
those (an import, a restored version, a progress edit or its undo), so they are never stale:

- ``month_counts``: for every plan version and area having an activity (area_no NULL: activities
  without an area), twelve rows, one per month, counting activities: ``planned`` in that month, of
  them ``done`` in it (realised on schedule) and ``reported`` (their realisation is known: the
  version's file carried realisation, or a progress row exists); and the same through that month
  (``planned_cum``, ``done_cum``, ``reported_cum``: months 1..month).  Completion reads only the
  in-month ``planned`` and ``done`` (rbdash.tally, per office and month, so the months an office
  reported are a filter on the month): the ``reported`` and ``*_cum`` columns, from before that
  rule, are still kept by every write but read by nothing.
- ``area_counts``: activities per plan version and area (how many a selection of areas holds);
- ``version_counts``: per plan version, its activities with a progress row (``recorded``): a
  version "has data" when its file carried realisation or anything was recorded on it (the
  ``latest_plans`` view: one row per version to join, where an EXISTS over every activity and
  progress row was the slowest part of every national figure).

Neither table is backed up or copied between stores: ``rebuild`` derives them again (the migration
that made them, a restore, a copy).  tests/test_counts.py checks them against the figures
recomputed from scratch after random saves, versions and undos, on both backends.
"""

from rbdash.schedule import sql_count, sql_in_month, sql_through
from rbdash.store.common import run

TABLES = ("month_counts", "area_counts", "version_counts")

CREATE = [
    """CREATE TABLE month_counts (
        plan_version_id INTEGER NOT NULL, area_no INTEGER, month INTEGER NOT NULL,
        planned INTEGER NOT NULL, done INTEGER NOT NULL, reported INTEGER NOT NULL,
        planned_cum INTEGER NOT NULL, done_cum INTEGER NOT NULL, reported_cum INTEGER NOT NULL)""",
    """CREATE TABLE area_counts (
        plan_version_id INTEGER NOT NULL, area_no INTEGER, activities INTEGER NOT NULL)""",
    """CREATE TABLE version_counts (plan_version_id INTEGER PRIMARY KEY, recorded INTEGER NOT NULL)""",
]


def _counted(mask):
    """The in-month and through-month counts of a mask, summed over activities (SQL)."""
    return (f"CAST(sum({sql_in_month(mask, 'm.month')}) AS INTEGER)",
            f"CAST(sum({sql_count(sql_through(mask, 'm.month'))}) AS INTEGER)")


_PLANNED = "a.planned_mask"
_DONE = "(a.planned_mask & COALESCE(p.realized_mask, 0))"
_REPORTED = "(CASE WHEN pv.has_realization OR p.activity_id IS NOT NULL THEN a.planned_mask ELSE 0 END)"
_MONTHS = f"""INSERT INTO month_counts
    SELECT a.plan_version_id, a.area_no, m.month, {_counted(_PLANNED)[0]}, {_counted(_DONE)[0]},
           {_counted(_REPORTED)[0]}, {_counted(_PLANNED)[1]}, {_counted(_DONE)[1]}, {_counted(_REPORTED)[1]}
    FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id
    LEFT JOIN progress p ON p.activity_id = a.id
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


def _moved(column, mask_param):
    """SQL: how much ``column``'s count moves for the activity months in the mask parameter."""
    cum = column.endswith("_cum")
    return sql_count(sql_through(mask_param, "month")) if cum else sql_in_month(mask_param, "month")


_MOVE = ", ".join(
    f"{col} = {col} + {_moved(col, 'CAST(? AS INTEGER)')}" + (f" - {_moved(col, 'CAST(? AS INTEGER)')}"
                                                               if col.startswith("done") else "")
    for col in ("done", "done_cum", "reported", "reported_cum"))


def progress_written(con, pv_id, area_no, planned_mask, has_realization, before, after) -> None:
    """Move the counts of one activity's progress write, in the writer's transaction: ``before`` is
    the realised mask its progress row held (None: there was no row), ``after`` the one written.
    Changes the twelve rows of one version and area (and its version's row for a first one)."""
    planned = int(planned_mask or 0)
    done_before, done_after = planned & int(before or 0), planned & int(after or 0)
    newly_reported = planned if before is None and not has_realization else 0
    if done_before != done_after or newly_reported:
        run(con, f"""UPDATE month_counts SET {_MOVE}
                     WHERE plan_version_id = ? AND area_no IS NOT DISTINCT FROM CAST(? AS INTEGER)""",
            [done_after, done_before, done_after, done_before, newly_reported, newly_reported, pv_id, area_no])
    if before is None:
        run(con, "UPDATE version_counts SET recorded = recorded + 1 WHERE plan_version_id = ?", [pv_id])
