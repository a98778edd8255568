"""What the shared sidebar selected (``View``), and the choices that follow from it."""

import datetime as dt
import time
from dataclasses import dataclass

import pandas as pd

from rbdash import metrics, wording
from rbdash.latest import Version

# offices in a view: above this many, Perbandingan and Cakupan open on provinces (a 550-row grid
# helps nobody)
PROVINCE_LEVEL_ABOVE = 40


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


class DataKey(str):
    """What a run's cached readers are keyed by (issue 22.2): the versions (rbdash.latest.Version) of
    the parts of the data a reader reads -- ``year`` (a year's figures), ``plans`` (a year's plans:
    coverage), ``office`` (one office's year), ``everything`` -- each Store.version with the store's
    location, asked at most once per run; as a string, the version of everything.  A save in one
    office keeps the other offices' pages and other years' figures, and a failed login (not audited)
    keeps everything.  ``asked``: when the run began (time.monotonic(), before any version was read):
    a result computed after it holds every write the run must see (rbdash.latest); ``since``: when
    one part's version was read."""

    def __new__(cls, store):
        asked = time.monotonic()
        everything = _version(store)
        key = super().__new__(cls, str(everything))
        key._store, key._parts, key.asked = store, {(None, None, False): (everything, asked)}, asked
        return key

    def _part(self, year, satker=None, plans=False) -> Version:
        scope = (year, satker, plans)
        if scope not in self._parts:
            before = time.monotonic()
            self._parts[scope] = (_version(self._store, year, satker, plans), before)
        return self._parts[scope][0]

    def since(self, version: Version) -> float:
        """When ``version`` (one this key gave) was read: data read after it holds every write the
        version covers (rbdash.latest's Reading)."""
        return next((at for part, at in self._parts.values() if part is version), self.asked)

    def everything(self) -> Version:
        return self._part(None)

    def year(self, year) -> Version:
        return self._part(year)

    def plans(self, year) -> Version:
        return self._part(year, plans=True)

    def office(self, satker, year) -> Version:
        return self._part(year, satker)


def _version(store, year=None, satker=None, plans=False) -> Version:
    database, newest = store.version(year, satker, plans)
    return Version(f"{store.path}|{store.scope}|{database}", newest)


def cache_key(store) -> DataKey:
    """The run's cache key (DataKey): cached readers take the part of it they read."""
    return DataKey(store)


def offices(store) -> pd.DataFrame:
    """The offices with a plan, per year, that the sidebar offers (metrics.offices): year, satker,
    province, level, as_of_month -- what imports and restored versions change, not progress saves
    (so the app keeps them by the plans' version: not ``has_data``, which a first save changes)."""
    return metrics.offices(store).drop(columns="has_data")


def default_year(office_rows) -> int | None:
    """The year most offices have a plan for (a tie: the later year); None without any plan.

    Not the latest year any plan names: one office importing next year's plan would otherwise move
    every visitor onto a year with one office in it (issue 21.1)."""
    per_year = offices_per_year(office_rows)
    return max(per_year, key=lambda year: (per_year[year], year)) if per_year else None


def offices_per_year(office_rows) -> dict:
    """{year: offices with a plan for it}, the latest year first (the year selector's order)."""
    counts = office_rows.groupby("year")["satker"].nunique()
    return {int(year): int(n) for year, n in sorted(counts.items(), reverse=True)}


def default_as_of(office_rows, year, today=None) -> int:
    """Latest month the year's monitoring files report; else Des for past years, this month now."""
    today = today or dt.date.today()
    reported = pd.to_numeric(office_rows.loc[office_rows["year"] == year, "as_of_month"], errors="coerce").dropna()
    if len(reported):
        return int(reported.max())
    if year is None or year < today.year:
        return 12
    return today.month if year == today.year else 1


def scope_label(view: View) -> str:
    """What a view covers, in words: 'Nasional', 'Provinsi Jawa Timur', an office's name, 'n satker'."""
    if view.satkers is not None and len(view.satkers) == 1:
        return view.satkers[0]
    if view.province and view.satkers is not None:
        return wording.province_office(view.province)
    if view.satkers is not None:
        return wording.SELECTED.format(n=len(view.satkers))
    return wording.NATIONAL


def opening_level(view: View, offices: int) -> str:
    """The level a comparison opens on: provinces ("provinsi") when a large national list of
    ``offices`` is not narrowed to a province, else the offices ("satker")."""
    return "provinsi" if view.province is None and offices > PROVINCE_LEVEL_ABOVE else "satker"
