"""Completion and coverage measures, computed in DuckDB over the latest plan version per satker.

Completion ("realised on schedule") up to month M:
    Σ |planned ∩ realised ∩ {1..M}|  /  Σ |planned ∩ {1..M}|
Offices with no realisation data at all are reported with ``rate`` None (not 0%) and left out of
aggregates by area or month, so one silent office does not drag a province's figure down.
"""

from rbdash import areas

GROUPS = {"satker": ["s.name AS satker"], "area": ["c.area_no"], "month": ["m.month"],
          "province": ["s.province"]}

_BASE = """
WITH lv AS (
    SELECT id, satker_id, year, has_data FROM latest_plans WHERE (? IS NULL OR year = ?)
), cells AS (
    SELECT a.id, a.plan_version_id, a.area_no, a.planned_mask & ? AS planned,
           a.planned_mask & COALESCE(p.realized_mask, 0) & ? AS done
    FROM activities a JOIN lv ON lv.id = a.plan_version_id
    LEFT JOIN progress p ON p.activity_id = a.id
)
"""


def completion(store, as_of, year=None, by=("satker",), include_without_data=True):
    """Rows of planned / realized / rate, grouped by any of satker, area, month, province."""
    if not 1 <= int(as_of) <= 12:
        raise ValueError("as_of must be 1-12")
    by = list(by) or ["satker"]
    for g in by:
        if g not in GROUPS:
            raise ValueError(f"unknown group {g!r}")
    mask = (1 << int(as_of)) - 1
    select = [c for g in by for c in GROUPS[g]]
    keys = [c.split(" AS ")[-1].split(".")[-1] for c in select]
    month_join = "CROSS JOIN range(1, 13) m(month)" if "month" in by else ""
    if "month" in by:
        planned = "sum(((c.planned >> (m.month - 1)) & 1) * (m.month <= ?)::INT)"
        done = "sum(((c.done >> (m.month - 1)) & 1) * (m.month <= ?)::INT)"
        extra = [int(as_of), int(as_of)]
    else:
        planned, done, extra = "sum(bit_count(c.planned))", "sum(bit_count(c.done))", []
    data_filter = "" if include_without_data and "satker" in by else "WHERE lv.has_data"
    sql = _BASE + f"""
    SELECT {', '.join(select)}, {planned}::BIGINT AS planned,
           CASE WHEN bool_or(lv.has_data) THEN {done} END::BIGINT AS realized,
           bool_or(lv.has_data) AS has_data
    FROM cells c JOIN lv ON lv.id = c.plan_version_id
    JOIN satker s ON s.id = lv.satker_id {month_join}
    {data_filter}
    GROUP BY ALL ORDER BY {', '.join(keys)}
    """
    params = [year, year, mask, mask] + extra
    df = store.query_df(sql, params)
    if "month" in by:
        df = df[df["month"] <= int(as_of)]
    df["rate"] = [(r / p if p else None) if h else None
                  for r, p, h in zip(df["realized"].fillna(0), df["planned"], df["has_data"])]
    df.loc[~df["has_data"], "realized"] = None
    return df.reset_index(drop=True)


def coverage(store, year=None):
    """Satker × area: activity counts and share of the catalogue's standard kegiatan covered."""
    standard = areas.standard_kegiatan()
    per_area = {}
    for no, _, _ in standard:
        per_area[no] = per_area.get(no, 0) + 1
    df = store.query_df(
        """SELECT s.name AS satker, lv.year, a.area_no, count(*) AS activities,
                  count(DISTINCT a.catalogue_code) AS standard_covered
           FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           JOIN activities a ON a.plan_version_id = lv.id
           WHERE (? IS NULL OR lv.year = ?) GROUP BY ALL ORDER BY satker, area_no""", [year, year])
    df["standard_total"] = df["area_no"].map(per_area).fillna(0).astype(int)
    df["coverage"] = [c / t if t else None for c, t in zip(df["standard_covered"], df["standard_total"])]
    return df


def missing_standard(store, satker, year):
    """Standard kegiatan (area, code, name) that the satker's latest plan does not cover."""
    have = set(store.query_df(
        """SELECT DISTINCT a.catalogue_code FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           JOIN activities a ON a.plan_version_id = lv.id
           WHERE s.name = ? AND lv.year = ? AND a.catalogue_code IS NOT NULL""", [satker, year])["catalogue_code"])
    return [(no, code, name) for no, code, name in areas.standard_kegiatan() if code not in have]
