"""The views layer: one model per figure a page shows, each built by one function from the filters
(``View``) and the store, on rbdash.metrics (the read layer).  Pages call one function per figure
and lay the models out; rbdash.grids, charts, export and report only render them.  No streamlit.

    page (pages/perbandingan.py) -> views.comparison_heatmap(store, view, level, which, reporting)
                                 -> metrics.completion (SQL)  -> grids.rate_grid / charts.rate_heatmap

Models (rbdash.views.models): Heatmap, Ranking, Laggards, Summary, Trend, OfficeSummary, GanttView,
NotSubmitted, VersionDiff, YearOverYear; the progress editor's frame (rbdash.views.progress).
"""

from rbdash.views.completion import (area_heatmap, comparison_heatmap, comparison_of, completion_cells,
                                     filter_reporting, heatmap, laggards, laggards_of, ranked, ranking, summary, trend,
                                     trend_of)
from rbdash.views.coverage import activity_counts, coverage_heatmap, missing_standard
from rbdash.views.filters import (PROVINCE_LEVEL_ABOVE, DataKey, View, cache_key, default_as_of, default_year,
                                  offices, offices_per_year, opening_level, scope_label)
from rbdash.views.models import (NO_DATA, NOTHING_DUE, TOTAL, VALUE, Column, GanttView, Heatmap, Laggards, NotSubmitted,
                                 OfficeSummary, Ranking, Summary, Trend, VersionDiff, YearOverYear, cell_text)
from rbdash.views.office import (GANTT_ROWS, gantt, gantt_excerpt, gantt_of, gantt_rows, late_first, office_summary,
                                 plan_table)
from rbdash.views.plans import freshness, plans_per_year
from rbdash.views.submission import not_submitted
from rbdash.views.versions import version_diff
from rbdash.views.years import year_over_year, years_present

__all__ = [
    "View", "DataKey", "cache_key", "offices", "default_as_of", "default_year", "offices_per_year", "scope_label",
    "opening_level", "PROVINCE_LEVEL_ABOVE",
    "Column", "Heatmap", "Ranking", "Laggards", "Summary", "Trend", "OfficeSummary", "GanttView", "NotSubmitted",
    "VALUE", "NO_DATA", "NOTHING_DUE", "TOTAL", "cell_text",
    "summary", "ranking", "filter_reporting", "laggards", "comparison_heatmap", "area_heatmap", "trend",
    "comparison_of", "completion_cells", "heatmap", "ranked", "laggards_of", "trend_of",
    "coverage_heatmap", "activity_counts", "missing_standard",
    "office_summary", "gantt", "gantt_of", "gantt_rows", "gantt_excerpt", "late_first", "plan_table", "GANTT_ROWS",
    "not_submitted", "plans_per_year", "freshness", "VersionDiff", "version_diff",
    "YearOverYear", "year_over_year", "years_present",
]
