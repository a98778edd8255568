"""The state of the data: plans per year, and when the data last changed (Beranda)."""

import pandas as pd

from rbdash import metrics, wording


def plans_per_year(store) -> pd.DataFrame:
    """Per year: offices with a plan, their activities, offices that reported a month (newest first)."""
    return metrics.plans_per_year(store).rename(columns={
        "tahun": wording.YEAR, "satker": wording.SATKER, "kegiatan": wording.KEGIATAN,
        "melapor": wording.OFFICES_WITH_DATA})


FRESHNESS = (("import", "Impor terakhir"), ("progress", "Progres terakhir diperbarui"),
             ("report", "Laporan bulanan terakhir"))


def freshness(store) -> list:
    """One line per kind of change: when the latest import and the latest progress edit happened,
    for which office and by whom ('Impor terakhir: 23 Nov 2025 18:52 · KPU Kota X · oleh budi')."""
    fresh = metrics.freshness(store)
    lines = []
    for action, label in FRESHNESS:
        when, who, satker = fresh.get(action, (None, None, None))
        lines.append(f"{label}: belum ada" if when is None else
                     f"{label}: {wording.date_time(when)} · {satker or wording.DASH} · oleh {who or wording.DASH}")
    return lines
