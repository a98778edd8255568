"""Read-side queries for the dashboard pages (no streamlit here).

Every function takes a ``Store`` and plain arguments, runs parameterised DuckDB SQL over the latest
plan version per satker and returns pandas frames small enough to render.  Pages cache them with
``st.cache_data`` keyed by ``cache_key(store)``, which changes when the database files change.
"""

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rbdash import areas, metrics, schedule, wording
from rbdash.wording import MONTHS


@dataclass(frozen=True)
class View:
    """What the shared sidebar selected: every page renders from this.

    ``satkers``/``areas`` are None for "all"; ``year`` is None when the database is empty.
    """
    year: int | None
    satkers: tuple | None
    areas: tuple | None
    as_of: int
    province: str | None = None


def cache_key(store):
    """Cache key of the database contents (path + file stamps): cached readers take it as argument."""
    return f"{store.path}|{store.data_version()}"


# --------------------------------------------------------------------------------- sidebar options

def offices(store):
    """Every satker with a plan, per year: year, satker, province, level, as_of_month, has_data."""
    return store.query_df(
        """SELECT lv.year, s.name AS satker, s.province, s.level, lv.as_of_month, lv.has_data
           FROM latest_plans lv JOIN satker s ON s.id = lv.satker_id
           ORDER BY lv.year DESC, s.province NULLS LAST, s.name""")


def default_as_of(office_rows, year, today=None):
    """Latest month the year's monitoring files report; else Des for past years, this month now."""
    today = today or dt.date.today()
    reported = pd.to_numeric(office_rows.loc[office_rows["year"] == year, "as_of_month"], errors="coerce").dropna()
    if len(reported):
        return int(reported.max())
    if year is None or year < today.year:
        return 12
    return today.month if year == today.year else 1


# --------------------------------------------------------------------------------- beranda

def overview(store, view):
    """Counts for the summary tiles, honouring the satker/area filters: offices, activities."""
    row = store.query_df(
        """SELECT count(DISTINCT lv.satker_id) AS offices, count(a.id) AS activities
           FROM latest_versions lv JOIN satker s ON s.id = lv.satker_id
           LEFT JOIN activities a ON a.plan_version_id = lv.id
                AND (?::INTEGER[] IS NULL OR list_contains(?::INTEGER[], a.area_no))
           WHERE lv.year = ? AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], s.name))""",
        [_list(view.areas), _list(view.areas), view.year, _list(view.satkers), _list(view.satkers)]).iloc[0]
    return {k: int(row[k]) for k in ("offices", "activities")}


def _list(values):
    return None if values is None else list(values)


def plans_per_year(store):
    """Year, number of offices with a plan, activities, offices with realisation data."""
    return store.query_df(
        """SELECT lv.year AS tahun, count(*) AS satker, COALESCE(sum(lv.activity_count), 0)::BIGINT AS kegiatan,
                  sum(lv.has_data::INT)::BIGINT AS dengan_realisasi
           FROM latest_plans lv GROUP BY lv.year ORDER BY lv.year DESC""")


def freshness(store):
    """Latest import and latest progress edit: {action: (logged_at, actor, satker)}."""
    df = store.query_df(
        """SELECT action, logged_at, actor, satker FROM audit_log
           WHERE id IN (SELECT max(id) FROM audit_log GROUP BY action)""")
    return {r["action"]: (r["logged_at"], r["actor"], r["satker"]) for r in df.to_dict("records")}


# --------------------------------------------------------------------------------- completion

def completion(store, view: View, by=("satker",)) -> pd.DataFrame:
    """Completion rows grouped by ``by`` (subset of satker/area/month/province) for the view's year,
    offices and areas (metrics.completion: the one definition).  ``rate`` is NaN where there is no
    realisation data or nothing was due."""
    if view.year is None:
        keys = [metrics.GROUPS[g][0].split(" AS ")[-1].split(".")[-1] for g in by]
        return pd.DataFrame(columns=keys + ["planned", "realized", "has_data", "rate"])
    return metrics.completion(store, view.as_of, year=view.year, by=tuple(by), satkers=view.satkers,
                              areas_=view.areas)


NO_PROVINCE_LABEL = wording.NO_PROVINCE


def province_completion(store, view: View, by=()) -> pd.DataFrame:
    """metrics.completion per province (and ``by``), each province pooling its KPU Provinsi and
    kabupaten/kota with the one definition; offices without a province as "(tanpa provinsi)"."""
    df = completion(store, view, by=("province", *by))
    if "province" in df:
        df["province"] = df["province"].fillna(NO_PROVINCE_LABEL)
    return df


def trend(store, view: View, by=()) -> pd.DataFrame:
    """metrics.trend (month by month: planned vs realised, cumulated, rates) for the view's year,
    offices and areas: the nation when no office is selected, else the province or offices chosen."""
    return metrics.trend(store, view.as_of, view.year, by=tuple(by), satkers=view.satkers, areas_=view.areas)


def scope_label(view: View) -> str:
    """What a view covers, in words: 'Nasional', 'Provinsi Jawa Timur', an office's name, 'n satker'."""
    if view.satkers is not None and len(view.satkers) == 1:
        return view.satkers[0]
    if view.province and view.satkers is not None:
        return wording.province_office(view.province)
    if view.satkers is not None:
        return wording.SELECTED.format(n=len(view.satkers))
    return wording.NATIONAL


def province_ranking(per_province):
    """Provinces best-first by pooled completion; provinces where no office has data last (rank empty)."""
    df = per_province.sort_values(["has_data", "rate", "province"], ascending=[False, False, True],
                                  na_position="last", kind="stable").reset_index(drop=True)
    rank = pd.Series(range(1, len(df) + 1), dtype="Int64")
    df["rank"] = rank.where(df["has_data"].to_numpy(dtype=bool) & df["rate"].notna().to_numpy(), pd.NA)
    return df


def ranking(per_satker, office_rows=None):
    """Offices best-first by completion; offices without data last (rank empty)."""
    df = per_satker.copy()
    if office_rows is not None:
        df = df.merge(office_rows[["satker", "province"]].drop_duplicates("satker"), on="satker", how="left")
    df["_nodata"] = ~df["has_data"].fillna(False).astype(bool)
    df = df.sort_values(["_nodata", "rate", "satker"], ascending=[True, False, True], na_position="last",
                        kind="stable").drop(columns="_nodata").reset_index(drop=True)
    rank = pd.Series(range(1, len(df) + 1), dtype="Int64")
    df["rank"] = rank.where(df["has_data"].to_numpy(dtype=bool) & df["rate"].notna().to_numpy(), pd.NA)
    return df


def overall(per_satker):
    """Pooled completion of the offices with data: (rate or None, offices with data, offices)."""
    has = per_satker["has_data"].fillna(False).astype(bool)
    planned = per_satker.loc[has, "planned"].sum()
    realized = pd.to_numeric(per_satker.loc[has, "realized"], errors="coerce").sum()
    return (realized / planned if planned else None), int(has.sum()), len(per_satker)


def reporting(df):
    """(reported, due) month-kegiatan summed over completion rows (metrics.completion's columns)."""
    if df.empty or "due" not in df:
        return 0, 0
    return int(df["reported"].sum()), int(df["due"].sum())


REPORTING = wording.REPORTING_CHOICES


def filter_reporting(df, which):
    """Rows of a completion frame by reporting: 'lengkap' (everything due reported), 'belum', else all."""
    if which not in ("lengkap", "belum") or df.empty:
        return df
    complete = df["reported"] >= df["due"]
    return df[complete if which == "lengkap" else ~complete]


def laggards(rank, limit=5):
    """Offices with data whose rate is below the median rate of the offices with data, worst first.

    Returns (frame of at most ``limit`` rows, median or None).  With one reporting office nobody
    lags; the best office is never a laggard."""
    rated = rank[rank["rank"].notna()]
    if rated.empty:
        return rated, None
    median = float(rated["rate"].median())
    below = rated[rated["rate"] < median].sort_values(["rate", "satker"], kind="stable")
    return below.head(limit), median


# --------------------------------------------------------------------------------- one office

def plan_header(store, satker, year):
    """The latest plan version of one office/year, or None."""
    df = store.query_df(
        """SELECT lv.id AS plan_version_id, lv.version, lv.source_name, lv.imported_at, lv.imported_by,
                  lv.as_of_month, lv.activity_count, lv.warnings_json, lv.has_data
           FROM latest_plans lv JOIN satker s ON s.id = lv.satker_id WHERE s.name = ? AND lv.year = ?""",
        [satker, year])
    if df.empty:
        return None
    rec = df.iloc[0].to_dict()
    rec["warnings"] = json.loads(rec.pop("warnings_json") or "[]")
    return rec


def plan_activities(store, satker, year, area_nos=None):
    """Activities of an office's latest plan with their progress (revision 0 = never saved)."""
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


# --------------------------------------------------------------------------------- coverage

def coverage(store, view, office_rows):
    """Full satker × area grid (filtered): activities, standard kegiatan covered/total, coverage."""
    cols = ["satker", "area_no", "activities", "standard_covered", "standard_total", "coverage"]
    if view.year is None:
        return pd.DataFrame(columns=cols)
    df = metrics.coverage(store, view.year)
    df = df[df["area_no"].notna()].astype({"area_no": int})
    names = office_rows.loc[office_rows["year"] == view.year, "satker"]
    if view.satkers is not None:
        names = names[names.isin(view.satkers)]
    area_list = list(view.areas) if view.areas is not None else list(areas.AREAS)
    grid = pd.MultiIndex.from_product([sorted(names.unique()), area_list], names=["satker", "area_no"])
    df = df.set_index(["satker", "area_no"]).reindex(grid).reset_index()
    df["standard_total"] = df["area_no"].map(areas.standard_totals()).fillna(0).astype(int)
    df["activities"] = df["activities"].fillna(0).astype(int)
    df["standard_covered"] = df["standard_covered"].fillna(0).astype(int)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["coverage"] = np.where(df["standard_total"] > 0, df["standard_covered"] / df["standard_total"], np.nan)
    return df[cols]


def province_coverage(store, view):
    """Province × area coverage (metrics.coverage_by_province) for the view's offices and areas."""
    cols = ["province", "area_no", "offices", "activities", "standard_covered", "standard_total", "coverage"]
    if view.year is None:
        return pd.DataFrame(columns=cols)
    df = metrics.coverage_by_province(store, view.year, view.satkers)
    if view.areas is not None:
        df = df[df["area_no"].isin(view.areas)]
    df["province"] = df["province"].fillna(NO_PROVINCE_LABEL)
    return df.reset_index(drop=True)


def missing_standard(store, satker, year, area_nos=None):
    """The catalogue's standard kegiatan missing from an office's plan, as a frame."""
    rows = metrics.missing_standard(store, satker, year)
    df = pd.DataFrame(rows, columns=["area_no", "kode", "kegiatan"])
    if area_nos is not None:
        df = df[df["area_no"].isin(area_nos)]
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------------- one office's figures

def office_summary(store, satker: str, year: int, as_of: int, area_nos=None) -> dict:
    """One office's activity-months up to ``as_of``: planned (due), realised on schedule, late, rate
    -- from metrics.completion, so the Gantt's figures are the comparison's figures."""
    df = metrics.completion(store, as_of, year=year, by=("satker",), satkers=[satker], areas_=area_nos)
    if df.empty:
        return {"planned": 0, "realized": None, "late": None, "rate": None}
    row = df.iloc[0]
    has = bool(row["has_data"])
    planned = int(row["planned"])
    realized = int(row["realized"]) if has else None
    return {"planned": planned, "realized": realized, "late": planned - realized if has else None,
            "rate": float(row["rate"]) if has and planned else None}


# --------------------------------------------------------------------------------- progress editor

MONTH_COLUMNS = MONTHS
EVIDENCE, NOTE = "Bukti dukung", "Catatan"
# month cells of the Progres editor: the planned months are visible where one ticks (issue 13.2)
DONE_MARK, PLANNED_MARK = wording.DONE_MARK, wording.PLANNED_MARK
PLAN = "_plan"  # hidden column: the planned mask, to redraw the marks after a save


def month_marks(planned_masks, realized_masks):
    """n×12 cell values: '✓' realised, '○' planned and not (yet) realised, '' neither."""
    planned, realized = schedule.mask_bits(planned_masks), schedule.mask_bits(realized_masks)
    return np.where(realized == 1, DONE_MARK, np.where(planned == 1, PLANNED_MARK, "")).astype(object)


def _done(values):
    """Realised cells of an editor column: the done mark (or True from a checkbox-style edit)."""
    return np.array([v is True or v == DONE_MARK for v in values], dtype=bool)


def progress_frame(acts):
    """The Progres editor's table: context columns, one checkbox per month, evidence, note.

    Indexed by activity id, so an edited copy maps back to activities whatever the display order.
    """
    marks = month_marks(acts["planned_mask"], acts["realized_mask"]).reshape(len(acts), 12)
    df = pd.DataFrame({
        "Area": acts["area_no"].astype("Int64").to_numpy(), "Kegiatan": acts["kegiatan"].to_numpy(),
        "Indikator": acts["indikator"].fillna(acts["sub_kegiatan"]).to_numpy(),
        "Jadwal": [schedule.mask_text(m) for m in acts["planned_mask"]],
        "Sumber": [wording.source_row(s, r) for s, r in zip(acts["sheet"], acts["row"])],
    }, index=pd.Index(acts["id"].to_numpy(), name="id"))
    for m, name in enumerate(MONTH_COLUMNS):
        df[name] = marks[:, m]
    df[PLAN] = acts["planned_mask"].astype(int).to_numpy()
    df[EVIDENCE] = acts["evidence_url"].fillna("").to_numpy(dtype=object)
    df[NOTE] = acts["note"].fillna("").to_numpy(dtype=object)
    return df


def _norm_text(series):
    return series.fillna("").astype(str).str.strip()


def progress_changes(base, edited):
    """Rows of ``edited`` whose months, evidence or note differ from ``base`` (vectorised).

    Returns (activity id, realised months list, evidence, note) tuples; the editor only runs
    browser-side checks, so values are normalised here and validated by Store.save_progress.
    """
    edited = edited.reindex(base.index)
    cols = list(MONTH_COLUMNS)
    b = np.column_stack([_done(base[c]) for c in cols])
    e = np.column_stack([_done(edited[c]) for c in cols])
    changed = (b != e).any(axis=1)
    for col in (EVIDENCE, NOTE):
        changed |= (_norm_text(base[col]) != _norm_text(edited[col])).to_numpy()
    out = []
    ev, note = _norm_text(edited[EVIDENCE]), _norm_text(edited[NOTE])
    for i in np.flatnonzero(changed):
        out.append((int(base.index[i]), [m + 1 for m in np.flatnonzero(e[i])], ev.iloc[i], note.iloc[i]))
    return out
