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
    per_office = {}   # province -> [without a plan, without realisation] (KPU RI has no province)
    for province, status in zip(rows["province"].tolist(), rows["status"].tolist()):
        if status != submission.UNMATCHED:
            per_office.setdefault(province if isinstance(province, str) else regions.RI, [0, 0])[
                0 if status == submission.NO_PLAN else 1] += 1
    order = sorted(per_office, key=lambda p: (-per_office[p][0], -per_office[p][1], p))
    per = pd.DataFrame({"province": pd.Series(order, dtype="str"),
                        submission.NO_PLAN: pd.Series([per_office[p][0] for p in order], dtype=int),
                        submission.NO_REALISATION: pd.Series([per_office[p][1] for p in order], dtype=int)})
    unmatched = rows.loc[rows["status"] == submission.UNMATCHED, "satker"].tolist()
    return NotSubmitted(year=view.year, as_of=view.as_of, province=view.province, rows=rows, counts=counts,
                        official=official, title=title, per_province=per, unmatched=unmatched)
