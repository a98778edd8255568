"""Year over year (issue 23.4): completion of the nation or a province in each year present, every
year up to the same month, per area across the years, and the offices that improved or fell most
between two years.

Each year's figures are ``views.completion`` of that year's View -- the one definition of
completion (metrics.completion), with only the year changed -- so a year's figure here is exactly
that year's completion computed on its own, and follows any change of the definition.  The counts
of every year are read at once first (metrics.read_years: one query, not one per year).
"""

import pandas as pd

from rbdash import metrics, wording
from rbdash.areas import AREAS
from rbdash.errors import ValidationError
from rbdash.views.completion import TOTAL_COLUMN, area_columns, completion, completion_cells, heatmap
from rbdash.views.filters import View
from rbdash.views.models import YearOverYear

# what `completion --by` offers: metrics' groups, and "year" (this module)
COMPLETION_GROUPS = (*metrics.GROUPS, "year")
YEAR_COLUMNS = ["year", "state", "rate", "text", "has_data", "planned", "realized", "due", "reported", "reported_text",
                "offices", "offices_with_data"]
AREA_COLUMNS = ["year", "area_no", "planned", "realized", "has_data", "rate"]
CHANGE_COLUMNS = ["satker", "province", "rate_from", "rate_to", "change", "text_from", "text_to", "change_text"]


def years_present(store, province=None, office_rows=None) -> list:
    """The years with a plan of any office (of ``province``, None: the nation), ascending;
    ``office_rows``: metrics.offices, when already read."""
    rows = metrics.offices(store) if office_rows is None else office_rows
    if province is not None:
        rows = rows[rows["province"] == province]
    return sorted(int(y) for y in rows["year"].unique())


def scope_offices(store, province, office_rows=None):
    """The offices of ``province`` in any year (None: the nation, no filter).  An office's province
    is its own, the same every year, so one list serves every year."""
    if province is None:
        return None
    rows = metrics.offices(store) if office_rows is None else office_rows
    return tuple(sorted(set(rows.loc[rows["province"] == province, "satker"])))


def year_over_year(store, view: View, compare=None, limit=5) -> YearOverYear:
    """Completion of ``view.province`` (None: the nation) in the areas ``view.areas`` up to
    ``view.as_of`` in every year present (``view.year`` and ``view.satkers`` play no part: the
    scope is the nation or the province, whichever offices it had each year), and the offices that
    changed most between the two years ``compare`` (from, to), by default the last two present.
    A year of ``compare`` without plans in the scope is a ValidationError ("no_plans")."""
    office_rows = metrics.offices(store)
    years = years_present(store, view.province, office_rows)
    pair = _pair(years, compare, view.province)
    satkers = scope_offices(store, view.province, office_rows)
    metrics.read_years(store, years)
    frames, per_area = [], []
    for year in years:
        one = View(year=year, satkers=satkers, areas=view.areas, as_of=view.as_of, province=view.province)
        frames.append(completion(store, one, ()).assign(year=year))
        per_area.append(completion(store, one, ("area",)).assign(year=year))
    rows = _year_rows(frames)
    per_area = pd.concat(per_area, ignore_index=True) if per_area else pd.DataFrame(columns=AREA_COLUMNS)
    changes = (_changes(store, pair, satkers, view, office_rows) if pair[0] is not None
               else pd.DataFrame(columns=CHANGE_COLUMNS))
    scope = wording.province_office(view.province) if view.province else wording.NATIONAL
    return YearOverYear(scope=scope, province=view.province, as_of=view.as_of, years=tuple(years), rows=rows,
                        areas=_area_heatmap(rows, per_area, view, scope),
                        per_area=per_area.reindex(columns=AREA_COLUMNS),
                        from_year=pair[0], to_year=pair[1], changes=changes, limit=limit)


def _pair(years, compare, province):
    """The two years compared: ``compare`` (each must have plans in the scope, and differ), else the
    last two present; (None, None) with fewer than two years."""
    if compare is None:
        return tuple(years[-2:]) if len(years) > 1 else (None, None)
    pair = tuple(int(y) for y in compare)
    for year in pair:
        if year not in years:
            raise ValidationError("no_plans", year=year, scope=province or "Indonesia")
    if pair[0] == pair[1]:
        raise ValidationError("same_years", year=pair[0])
    return pair


def _year_rows(frames) -> pd.DataFrame:
    """One row per year (YEAR_COLUMNS): the year's completion with its state and words."""
    if not frames:
        return pd.DataFrame(columns=YEAR_COLUMNS)
    df = pd.concat(frames, ignore_index=True)
    cells = completion_cells(df.assign(col=0), "year", "col")
    df["state"], df["text"] = cells["state"].to_numpy(), cells["text"].to_numpy()
    df["reported_text"] = [wording.units_of(r, d) for r, d in zip(df["reported"], df["due"])]
    return df[YEAR_COLUMNS]


def _area_heatmap(rows, per_area, view, scope):
    """Years (rows) × areas and the year's rate as a Total column: the same cells as the comparison
    heatmaps (completion_cells), so a grid or a slide colours them alike."""
    cells = pd.concat([completion_cells(rows.assign(col=TOTAL_COLUMN.key), "year", "col"),
                       completion_cells(per_area, "year", "area_no")], ignore_index=True)
    title = wording.YOY_TITLE.format(month=wording.month(view.as_of), scope=scope)
    return heatmap(cells, list(rows["year"]), [*area_columns(view.areas or AREAS), TOTAL_COLUMN], title=title,
                   row_name=wording.YEAR, caption=wording.YOY_CAPTION.format(month=wording.month(view.as_of)))


def _changes(store, pair, satkers, view, office_rows) -> pd.DataFrame:
    """The offices with a rate in both years of ``pair``: each year's per-office completion."""
    rates = []
    for year in pair:
        df = completion(store, View(year=year, satkers=satkers, areas=view.areas, as_of=view.as_of))
        rated = df[df["has_data"] & df["rate"].notna()]
        rates.append(rated.set_index("satker")["rate"])
    both = pd.concat(rates, axis=1, keys=["rate_from", "rate_to"], join="inner").reset_index()
    both["change"] = both["rate_to"] - both["rate_from"]
    offices = office_rows.drop_duplicates("satker").set_index("satker")["province"]
    both["province"] = both["satker"].map(offices)
    both["text_from"] = [wording.pct(r) for r in both["rate_from"]]
    both["text_to"] = [wording.pct(r) for r in both["rate_to"]]
    both["change_text"] = [wording.points(c) for c in both["change"]]
    return both.sort_values("satker", kind="stable").reset_index(drop=True)[CHANGE_COLUMNS]
