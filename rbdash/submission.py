"""Who has not submitted: the offices of the official list (rbdash.regions) without a plan for a
year, those with a plan but no realisation reported by the as-of month, and imported offices whose
name matches no official office (shown as such, never dropped).  No streamlit here.

"Reported" is metrics.completion's definition (rbdash.schedule): a month the office sent its monthly
report for, or that a monitoring workbook it imported covers; an office that reported no month up to
the as-of month while work was due is missing, one with nothing due yet is not.
"""

import pandas as pd

from rbdash import metrics, regions, wording

NO_PLAN, NO_REALISATION, UNMATCHED = "no_plan", "no_realisation", "unmatched"
STATUS_TEXT = {NO_PLAN: wording.NO_PLAN_TEXT, NO_REALISATION: wording.NO_REALISATION_TEXT,
               UNMATCHED: wording.UNMATCHED_TEXT}
COLUMNS = ["satker", "province", "level", "status", "imported_as"]


def missing(store, year, province=None, as_of=12) -> pd.DataFrame:
    """One row per office that has not submitted (official list order), then the unmatched imports.

    ``satker`` is the official name (the imported name for ``unmatched`` rows); ``imported_as`` the
    name the workbook used when it differs.  ``province`` (any spelling of an official province,
    regions.province) filters both (an unmatched name's province is guessed from its words, else it
    is listed only without a province filter).
    """
    province = regions.province(province) or province if province is not None else None
    per = metrics.completion(store, as_of, year=year, by=("satker",)) if year is not None else None
    imported = {} if per is None else {
        name: (int(months), int(due))
        for name, months, due in zip(per["satker"].tolist(), per["reported_months"].tolist(), per["due"].tolist())}
    matched, unmatched = {}, []
    for name in imported:
        found = regions.office(name)
        if found:
            matched.setdefault(found.name, name)
        else:
            unmatched.append(name)
    rows = []
    for office in regions.official_offices():
        if province is not None and office.province != province:
            continue
        name = matched.get(office.name)
        if name is None:
            rows.append((office.name, office.province, office.level, NO_PLAN, None))
            continue
        months, due = imported[name]
        if due > 0 and months == 0:
            rows.append((office.name, office.province, office.level, NO_REALISATION,
                         name if name != office.name else None))
    for name in sorted(unmatched):
        level, prov = regions.level_and_province(name)
        if province is None or prov == province:
            rows.append((name, prov, level, UNMATCHED, None))
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object)


def summary(df) -> dict:
    """{status: count} with every status present."""
    counts = df["status"].value_counts().to_dict() if len(df) else {}
    return {s: int(counts.get(s, 0)) for s in (NO_PLAN, NO_REALISATION, UNMATCHED)}
