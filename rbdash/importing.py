"""The one import service: find workbooks, parse them in capped worker processes, store them in
batches (one transaction each), and report typed outcomes.  The CLI, the Impor page and the first start only
format these outcomes; none of them runs its own batch loop.

A file may hold several plans (one per office and year: two years of one office, a province's
compilation of its offices).  The plan, not the file, is the unit of an import: each gets its own
outcome and version and is stored or refused on its own, because roles, versions and duplicates are
all about one office's plan for one year -- a province operator's compilation may hold an office the
account may not write, and one transaction for the file would keep every office's plan back for it.
A plan is a duplicate when the same bytes were imported before for its office and year (decided in
rbdash/store/plans.py), so importing a file again after a partial refusal or failure is safe.

One bad file never stops the others: a file that cannot be read becomes one REFUSED outcome
carrying the named error (English and Indonesian message), a plan that cannot be stored one REFUSED
outcome of its own, and the database is unchanged for them.
"""

import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from rbdash import diff, wording
from rbdash.diff import Changes
from rbdash.errors import RbdashError, StoreError
from rbdash.model import Plan


class Status(str, Enum):
    NEW = "new"              # first plan of this satker and year
    VERSION = "version"      # a changed plan: stored as the next version, realisation carried over
    DUPLICATE = "duplicate"  # the same bytes were imported before: nothing changes
    REFUSED = "refused"      # unreadable, no plan, or the store refused it: nothing changes


@dataclass
class Parsed:
    """One input file: its Plans (one per office and year it holds), or the named error that refused it."""
    source: object                 # the path or upload name as given
    plans: list = field(default_factory=list)
    error: RbdashError | None = None

    @property
    def name(self) -> str:
        return Path(str(self.source)).name


@dataclass
class Outcome:
    """What importing one plan did (or one file, when it could not be read: ``plan`` is then None)."""
    source: object
    status: Status
    plan: Plan | None = None
    error: RbdashError | None = None
    version: int | None = None
    activities: int = 0
    carried_over: int = 0
    changes: Changes | None = None  # a VERSION's changes against the version before it (rbdash.diff)

    @property
    def changes_text(self) -> str | None:
        """'versi 2: 3 kegiatan berubah jadwal, 1 ditambah' for a new version, else None."""
        return wording.version_changes(self.changes) if self.changes is not None else None

    @property
    def satker(self):
        return self.plan.satker if self.plan else None

    @property
    def year(self):
        return self.plan.year if self.plan else None

    @property
    def warnings(self) -> int:
        return len(self.plan.warnings) if self.plan else 0

    @property
    def imported(self) -> bool:
        return self.status in (Status.NEW, Status.VERSION)


# Refusals saying a document holds no plan table at all.  A folder of plans also holds the evidence
# beside them (letters and reports as PDF or Word): found by walking a folder, such a document is
# skipped with a line saying so; named itself (or uploaded), it is refused.
NOT_A_PLAN = frozenset({"pdf_no_table", "no_plan_table_document"})


def stray_document(outcome: "Outcome", named) -> bool:
    """Whether a refused outcome is a document without a plan table that a folder walk found
    (``named``: the paths given themselves, not folders)."""
    return (outcome.status is Status.REFUSED and outcome.error is not None
            and outcome.error.code in NOT_A_PLAN and Path(str(outcome.source)) not in named)


def find_files(paths) -> list[Path]:
    """Files named, and the workbooks under folders named (recursively, sorted)."""
    from rbdash.excel import workbook_files
    return list(workbook_files(paths))


def parse_sources(sources, workers: int = 2, allow_non_rb: bool = False, idle: float | None = None):
    """Parsed per source (paths or ``(name, bytes)`` pairs), in order, each parsed in a worker
    process with a memory cap and a time limit (rbdash.workers).  ``allow_non_rb``: an admin's
    "import anyway" for files refused as not an RB action plan.  With ``idle`` seconds, None
    whenever the next file took that long (``import_parsed`` then stores what it holds)."""
    from rbdash.workers import ParserPool
    sources = list(sources)
    with ParserPool(workers=min(workers, len(sources)) or 1, allow_non_rb=allow_non_rb) as pool:
        for found in pool.parse(sources, idle):
            if found is None:
                yield None
                continue
            source, plans, error = found
            yield Parsed(source[0] if isinstance(source, tuple) else source, plans or [], error)


# plans stored per transaction: one commit, one insert per table and one derivation of the counts for
# all of them, 30-60 ms a batch whatever its size (a 550-office import's SQL: 1.4 s in batches of 25,
# 0.6 s in batches of 100)
BATCH = 100
BATCH_WAIT = 0.5  # seconds: a batch is stored by then, even while a slow file is parsed, so progress keeps moving


def import_parsed(store, parsed, actor: str, hold: float = 3.0):
    """Store the plans of the Parsed items, a batch of plans per transaction; yield an Outcome per
    plan (one per unreadable file), in order.  A None among the items (``parse_sources``' sign that
    a file is slow) stores the batch waiting, once BATCH_WAIT old.

    A batch is all or nothing; when it fails as a whole (a busy or conflicting database, a
    driver error) its plans are stored again one per transaction, so each plan gets its own
    outcome and one bad plan never takes others with it.  ``store`` is a Store or a callable
    returning one: the database is then created only when a first plan is about to be stored, so
    a run that stores nothing creates no file.  A run keeps its connection at most ``hold``
    seconds at a time, so the running app gets its turn.

    The database is opened (created, for a new file) as soon as a first plan has come, while the
    workers parse the next files, rather than when the first batch is stored: that was what an
    import of a hundred files waited for after the last was parsed.
    """
    session = _Session(store, hold)
    waiting, keys, since = [], set(), 0.0
    try:
        for item in _plan_items(parsed):
            if item is not None and item.plan is not None and session.cm is None:
                session.open()
            if item is None:
                if waiting and time.monotonic() - since > BATCH_WAIT:
                    yield from _store_batch(session, waiting, actor)
                    waiting, keys = [], set()
                continue
            key = (item.plan.satker, item.plan.year) if item.plan is not None else None
            if waiting and (key in keys or len(keys) >= BATCH or time.monotonic() - since > BATCH_WAIT):
                yield from _store_batch(session, waiting, actor)
                waiting, keys = [], set()
            if not waiting:
                since = time.monotonic()
            waiting.append(item)
            if key is not None:
                keys.add(key)
        yield from _store_batch(session, waiting, actor)
    finally:
        session.close()


def _plan_items(parsed):
    """Each plan of each Parsed file as an Outcome-to-be; an unreadable file as its refusal (None,
    a slow file's sign, passed on)."""
    for p in parsed:
        if p is None or p.error is not None:
            yield p if p is None else Outcome(p.source, Status.REFUSED, error=p.error)
            continue
        for plan in p.plans:
            yield Outcome(p.source, Status.REFUSED, plan=plan)


def _store_batch(session, items, actor):
    plans = [o.plan for o in items if o.plan is not None]
    results = []
    if plans:
        try:
            results = session.store().import_plans(plans, actor=actor)
        except RbdashError:  # rolled back as a whole: each plan again on its own
            results = [_one(session, plan, actor) for plan in plans]
    changes = _changes(session, results)
    results = iter(results)
    for o in items:
        if o.plan is None:
            yield o
            continue
        res = next(results)
        if isinstance(res, RbdashError):
            yield Outcome(o.source, Status.REFUSED, plan=o.plan, error=res)
        else:
            yield Outcome(o.source, Status(res["status"]), plan=o.plan, version=res["version"],
                          activities=res.get("activities", 0), carried_over=res.get("carried_over", 0),
                          changes=changes.get(res.get("plan_version_id")) if res["status"] == "version" else None)


def _changes(session, results) -> dict:
    """What each new version of a stored batch changed against the version before it (rbdash.diff),
    read after the commit: versions never change once stored.  The plans are stored whatever
    happens here, so a failure to read leaves the outcomes without the summary, not refused."""
    ids = [r["plan_version_id"] for r in results if isinstance(r, dict) and r["status"] == "version"]
    if not ids:
        return {}
    try:
        return diff.import_changes(session.store(), ids)
    except RbdashError:
        return {}


def _one(session, plan, actor):
    try:
        return session.store().import_plans([plan], actor=actor)[0]
    except RbdashError as exc:  # its transaction rolled back
        return exc


def import_sources(store, sources, actor: str, workers: int = 2):
    """Parse and import files or uploads: the whole service in one call."""
    yield from import_parsed(store, parse_sources(sources, workers=workers, idle=BATCH_WAIT), actor)


class _Session:
    """One database session for a run of files, handed back every ``hold`` seconds."""

    def __init__(self, store, hold):
        self._store, self.hold, self.cm, self.since = store, hold, None, 0.0

    def open(self):
        """Open the session now, if it can be (a failure is met again, and reported, when the
        batch is stored)."""
        try:
            self.store()
        except RbdashError:
            pass

    def store(self):
        if callable(self._store) and not hasattr(self._store, "import_plans"):
            self._store = self._store()
        now = time.monotonic()
        if self.cm is not None and now - self.since > self.hold:
            self.close()
            time.sleep(0.05)
        if self.cm is None:
            self.cm = self._store.session()
            try:
                self.cm.__enter__()
            except RbdashError:
                self.cm = None
                raise
            self.since = time.monotonic()
        return self._store

    def close(self):
        if self.cm is not None:
            cm, self.cm = self.cm, None
            try:
                cm.__exit__(None, None, None)
            except StoreError:
                pass  # closing a session never loses committed work


# --------------------------------------------------------------------------------- preview

def preview_frames(plan: Plan, first: int = 10) -> dict:
    """What the Impor page shows before confirming: counts per area, warnings, the first rows."""
    import pandas as pd

    from rbdash.schedule import months_text
    acts = pd.DataFrame({"area_no": [a.area_no for a in plan.activities]})
    per_area = (acts.assign(area_no=acts["area_no"].fillna(0).astype(int))
                .groupby("area_no").size().rename("kegiatan").reset_index())
    per_area.insert(0, "area", [wording.area_short(n) for n in per_area["area_no"]])
    per_area = per_area.drop(columns="area_no")
    warnings = pd.DataFrame([{"lembar": i.sheet or "", "baris": str(i.row or ""), "peringatan": i.message_id}
                           for i in plan.warnings], columns=["lembar", "baris", "peringatan"])
    head = pd.DataFrame([{
        "lembar": a.sheet, "baris": a.row, "area": wording.area_label(a.area_no), "kegiatan": a.kegiatan or "",
        "sub kegiatan": a.sub_kegiatan or "", "indikator": a.indikator_text() or "",
        "jadwal": months_text(a.planned_months), "realisasi": months_text(a.realized_months),
    } for a in plan.activities[:first]])
    return {"per_area": per_area, "warnings": warnings, "head": head}
