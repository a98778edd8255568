"""Coverage of the standard catalogue by the plans of a view: the heatmap per office or province,
the activities per area, the standard kegiatan an office lacks (metrics.coverage: one definition)."""

import numpy as np
import pandas as pd

from rbdash import metrics, wording
from rbdash.views.completion import area_columns, heatmap
from rbdash.views.filters import View
from rbdash.views.models import NOTHING_DUE, VALUE, Heatmap, cell_text

DIGITS = 0  # coverage is shown in whole percent


def coverage_heatmap(store, view: View, level="satker") -> Heatmap:
    """The share of the catalogue's standard kegiatan covered, per office (``level`` "satker", by
    name) or per province ("provinsi", pooled over its offices; '(tanpa provinsi)' last) × area."""
    if view.year is None:
        return heatmap(pd.DataFrame(columns=["row", "col", "value", "state"]), (), ())
    by = "satker" if level == "satker" else "province"
    cov = metrics.coverage(store, view.year, by=by, satkers=view.satkers, areas_=view.areas)
    if by == "province":
        cov["province"] = cov["province"].fillna(wording.NO_PROVINCE)
        rows = list(dict.fromkeys(cov["province"]))
    else:
        rows = sorted(cov["satker"].unique())
    state = np.where(cov["coverage"].notna(), VALUE, NOTHING_DUE)
    cells = pd.DataFrame({"row": cov[by], "col": cov["area_no"], "value": cov["coverage"], "state": state,
                          "text": [cell_text(s, v, DIGITS) for s, v in zip(state, cov["coverage"])]})
    columns = area_columns(sorted(cov["area_no"].unique()))
    return heatmap(cells, rows, columns, row_name=wording.SATKER if by == "satker" else wording.PROVINCE,
                   legend=wording.COVERAGE, digits=DIGITS,
                   caption=wording.COVERAGE_CAPTION if by == "satker" else wording.PROVINCE_COVERAGE_CAPTION)


def activity_counts(store, view: View) -> pd.DataFrame:
    """Activities per office × area of the view, with a Total column."""
    cov = metrics.coverage(store, view.year, satkers=view.satkers, areas_=view.areas)
    counts = cov.pivot(index="satker", columns="area_no", values="activities")
    counts.columns = [wording.area_short(n) for n in counts.columns]
    counts[wording.TOTAL] = counts.sum(axis=1)
    return counts.reset_index().rename(columns={"satker": wording.SATKER})


def missing_standard(store, satker, year, area_nos=None) -> pd.DataFrame:
    """The catalogue's standard kegiatan of the areas ``area_nos`` (None: all) that the office's plan
    does not cover: area, code, name."""
    rows = metrics.missing_standard(store, satker, year, area_nos)
    return pd.DataFrame({wording.AREA: [wording.area_label(no) for no, _, _ in rows],
                         "Kode": [code for _, code, _ in rows], "Kegiatan standar": [name for _, _, name in rows]})
