"""Who has not submitted, for the view's year, province and as-of month (rbdash.submission)."""

import pandas as pd

from rbdash import regions, submission, wording
from rbdash.views.filters import View
from rbdash.views.models import NotSubmitted


def not_submitted(store, view: View) -> NotSubmitted:
    """Official offices of the view's year (and province) without a plan or without realisation by
    the as-of month, imported names that match no official office, their counts, and the national
    table of counts per province."""
    rows = submission.missing(store, view.year, province=view.province, as_of=view.as_of)
    counts = submission.summary(rows)
    where = f"provinsi {view.province}" if view.province else "seluruh Indonesia"
    title = f"Belum mengirim ({where}): " + wording.not_submitted_counts(
        counts[submission.NO_PLAN], counts[submission.NO_REALISATION], counts[submission.UNMATCHED])
    official = sum(1 for o in regions.official_offices() if view.province is None or o.province == view.province)
    known = rows[rows["status"] != submission.UNMATCHED]
    known = known.assign(province=known["province"].fillna(regions.RI), n=1)  # KPU RI has no province
    per = (known.pivot_table(index="province", columns="status", values="n", aggfunc="sum", fill_value=0)
           .reindex(columns=[submission.NO_PLAN, submission.NO_REALISATION], fill_value=0))
    per = per.reset_index().sort_values([submission.NO_PLAN, submission.NO_REALISATION, "province"],
                                        ascending=[False, False, True], kind="stable")
    per = pd.DataFrame({"province": per["province"], submission.NO_PLAN: per[submission.NO_PLAN].astype(int),
                        submission.NO_REALISATION: per[submission.NO_REALISATION].astype(int)}).reset_index(drop=True)
    unmatched = rows.loc[rows["status"] == submission.UNMATCHED, "satker"].tolist()
    return NotSubmitted(year=view.year, as_of=view.as_of, province=view.province, rows=rows, counts=counts,
                        official=official, title=title, per_province=per, unmatched=unmatched)
