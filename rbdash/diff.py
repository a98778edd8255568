"""What changed between two versions of an office's plan: activities added, removed and changed.

**The one matching.**  An activity of one version is the same activity in another when their match
keys are equal (``match_keys``: area, kegiatan, sub kegiatan and indikator, each folded -- case,
spacing and punctuation -- numbered #1, #2 ... when the same words repeat in a plan).  The store
computes the key with ``match_keys`` when it stores a plan and carries the realisation of the
previous version over with ``matches`` (rbdash/store/plans.py); restoring a version joins on the
same stored key.  The diff pairs activities with the same ``matches``, so it can never say an
activity was kept while its realisation stayed behind, or the other way round.

What follows from it: a change of wording beyond case, spacing and punctuation, or of the area, is
a *different* activity -- the diff lists it as removed and added, as the carry-over treats it (its
realisation is not carried to the new activity).  "changed" is a matched pair whose schedule
(planned months), text (the wording as written, keterangan, PIC) or area differ.

Realisation recorded on a removed activity is never dropped: it stays on the activity of the older
version (progress rows belong to one activity of one version; nothing is deleted) and comes back
when that version is made current again.  The diff lists such activities with their realised
months, evidence link and note.

No streamlit; the CLI (``diff``), the Riwayat page (rbdash.views) and the import service read it.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from rbdash import regions
from rbdash.errors import ValidationError
from rbdash.schedule import mask_to_months
from rbdash.text import fold

TEXT_FIELDS = ("kegiatan", "sub_kegiatan", "indikator", "keterangan", "pic")
# what a changed entry can differ in, in the order sentences list them
KINDS = ("schedule", "text", "area")


def match_keys(rows) -> list[str]:
    """The key each activity of a plan is matched by across versions, in order; ``rows`` are
    (area_no, kegiatan, sub_kegiatan, indikator text).  Equal words in one plan are numbered."""
    keys, seen = [], {}
    for area, kegiatan, sub, indikator in rows:
        # folded part by part: kegiatan and sub kegiatan repeat down a plan, so their folds come
        # from fold's cache (this runs for every activity of every import)
        key = " ".join(filter(None, (fold(str(area)), fold(str(kegiatan)), fold(str(sub)), fold(str(indikator)))))
        seen[key] = seen.get(key, 0) + 1
        keys.append(f"{key}#{seen[key]}")
    return keys


def matches(old_keys, new_keys) -> list[tuple[int, int]]:
    """(index in the old version, index in the new) of each activity the two versions share."""
    where = {key: i for i, key in enumerate(old_keys)}
    return [(where[key], j) for j, key in enumerate(new_keys) if key in where]


@dataclass(frozen=True)
class Changes:
    """The counts of a diff: what an import's outcome and the sentences (rbdash.wording.plan_changes)
    say.  An activity changed in schedule and text counts in both ``rescheduled`` and ``reworded``;
    ``kept`` = removed activities with realisation recorded (it stays on ``from_version``)."""
    from_version: int
    to_version: int
    added: int = 0
    removed: int = 0
    changed: int = 0
    rescheduled: int = 0
    reworded: int = 0
    moved: int = 0
    kept: int = 0

    def to_dict(self) -> dict:
        return {"added": self.added, "removed": self.removed, "changed": self.changed,
                "rescheduled": self.rescheduled, "reworded": self.reworded, "moved": self.moved,
                "removed_with_realisation": self.kept}


@dataclass(frozen=True)
class PlanDiff:
    """Two versions of one office's plan compared (see the module's docstring for what matches).

    ``added`` / ``removed``: {area_no, kegiatan, sub_kegiatan, indikator, sheet, row, planned} (the
    row in its own version's file); a removed one also {realised, evidence_url, note}: the
    realisation recorded on it (``realised`` [] and the others None when there is none).
    ``changed``: {area_no, kegiatan, sub_kegiatan, indikator, sheet, row (as in ``to_version``),
    changes (what differs, in KINDS' order), planned_before, planned_after, area_before, area_after,
    text_before, text_after (the TEXT_FIELDS that differ)}.  Months are numbers 1-12."""
    satker: str
    year: int
    from_version: int
    to_version: int
    added: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    changed: list = field(default_factory=list)

    @property
    def with_realisation(self) -> list:
        """The removed activities that carry realisation (kept on ``from_version``)."""
        return [r for r in self.removed if recorded(r)]

    @property
    def changes(self) -> Changes:
        kinds = [c["changes"] for c in self.changed]
        return Changes(self.from_version, self.to_version, added=len(self.added), removed=len(self.removed),
                       changed=len(self.changed), rescheduled=sum("schedule" in k for k in kinds),
                       reworded=sum("text" in k for k in kinds), moved=sum("area" in k for k in kinds),
                       kept=len(self.with_realisation))

    def to_dict(self) -> dict:
        """The ``diff --json`` contract."""
        return {"satker": self.satker, "year": self.year, "from_version": self.from_version,
                "to_version": self.to_version, "added": self.added, "removed": self.removed,
                "changed": self.changed, "summary": self.changes.to_dict()}


def recorded(removed: dict) -> bool:
    """Whether realisation was recorded on a removed activity (months, evidence or a note)."""
    return bool(removed["realised"] or removed["evidence_url"] or removed["note"])


# --------------------------------------------------------------------------------- reading the store

_COLUMNS = ("plan_version_id", "seq", "sheet", "row", "area_no", "kegiatan", "sub_kegiatan", "indikator",
            "keterangan", "pic", "match_key", "planned_mask", "realized_mask", "evidence_url", "note")


def _activities(store, pv_ids) -> dict:
    """{plan version id: [activity dict in plan order]} with the realisation recorded on each."""
    out = {pv_id: [] for pv_id in pv_ids}
    with store.connect() as con:
        rows = con.execute(
            """SELECT a.plan_version_id, a.seq, a.sheet, a."row", a.area_no, a.kegiatan, a.sub_kegiatan, a.indikator,
                      a.keterangan, a.pic, a.match_key, a.planned_mask, COALESCE(p.realized_mask, 0), p.evidence_url,
                      p.note
               FROM activities a LEFT JOIN progress p ON p.activity_id = a.id
               WHERE a.plan_version_id IN (SELECT unnest(CAST(? AS INTEGER[]))) ORDER BY a.plan_version_id, a.seq""",
            [list(pv_ids)]).fetchall()
    for row in rows:
        out[row[0]].append(dict(zip(_COLUMNS, row)))
    return out


def compare(satker, year, from_version, to_version, before, after) -> PlanDiff:
    """The diff of two versions' activities (dicts as ``_activities`` reads them)."""
    pairs = matches([a["match_key"] for a in before], [a["match_key"] for a in after])
    kept_old, kept_new = {i for i, _ in pairs}, {j for _, j in pairs}
    changed = []
    for i, j in sorted(pairs, key=lambda p: p[1]):
        old, new = before[i], after[j]
        kinds = [kind for kind, differs in zip(KINDS, (
            old["planned_mask"] != new["planned_mask"], any(old[f] != new[f] for f in TEXT_FIELDS),
            old["area_no"] != new["area_no"])) if differs]
        if kinds:
            changed.append({**_describe(new, planned=False), "changes": kinds,
                            "planned_before": _months(old["planned_mask"]),
                            "planned_after": _months(new["planned_mask"]),
                            "area_before": old["area_no"], "area_after": new["area_no"],
                            "text_before": {f: old[f] for f in TEXT_FIELDS if old[f] != new[f]},
                            "text_after": {f: new[f] for f in TEXT_FIELDS if old[f] != new[f]}})
    added = [_describe(a) for j, a in enumerate(after) if j not in kept_new]
    removed = [{**_describe(a), "realised": _months(a["realized_mask"]), "evidence_url": a["evidence_url"],
                "note": a["note"]} for i, a in enumerate(before) if i not in kept_old]
    return PlanDiff(satker, year, from_version, to_version, added, removed, changed)


def _months(mask) -> list[int]:
    """A stored month mask as month numbers (a fresh list: entries are the caller's to keep)."""
    return list(_month_tuple(mask or 0))


@lru_cache(maxsize=4096)
def _month_tuple(mask) -> tuple:
    return tuple(mask_to_months(mask))


def _describe(a, planned=True) -> dict:
    """An activity as a diff entry names it (its row in its own version's file)."""
    entry = {"area_no": a["area_no"], "kegiatan": a["kegiatan"], "sub_kegiatan": a["sub_kegiatan"],
             "indikator": a["indikator"], "sheet": a["sheet"], "row": a["row"]}
    return {**entry, "planned": _months(a["planned_mask"])} if planned else entry


def versions(store, satker, year) -> tuple[str, dict]:
    """The stored name of an office (any common spelling: regions.key) with a plan for ``year``,
    and its versions {version: plan version id}; an office without one is refused (unknown_satker)."""
    with store.connect() as con:
        rows = con.execute(
            """SELECT s.name, pv.version, pv.id FROM plan_versions pv JOIN satker s ON s.id = pv.satker_id
               WHERE pv.year = ? ORDER BY s.name, pv.version""", [int(year)]).fetchall()
    wanted = regions.key(satker)
    named = [(name, v, pv_id) for name, v, pv_id in rows if name == satker] or \
        [(name, v, pv_id) for name, v, pv_id in rows if regions.key(name) == wanted]
    names = sorted({name for name, _, _ in named})
    if not names:
        raise ValidationError("unknown_satker", name=satker, year=year)
    if len(names) > 1:  # two spellings of one office stored apart (names outside the official list)
        raise ValidationError("ambiguous_satker", name=satker, year=year, names=", ".join(names))
    return names[0], {v: pv_id for _, v, pv_id in named}


def plan_diff(store, satker, year, from_version=None, to_version=None) -> PlanDiff:
    """The diff of two versions of an office's plan for a year: by default the current version (the
    latest: making an older one current again stores it as a new version) against the one before.
    An unknown office, year or version is refused with a named error."""
    name, known = versions(store, satker, year)
    to_version = max(known) if to_version is None else int(to_version)
    if to_version not in known:
        raise ValidationError("unknown_version", satker=name, year=year, version=to_version)
    if from_version is None:
        if to_version - 1 not in known:
            raise ValidationError("no_earlier_version", satker=name, year=year, version=to_version)
        from_version = to_version - 1
    from_version = int(from_version)
    if from_version not in known:
        raise ValidationError("unknown_version", satker=name, year=year, version=from_version)
    acts = _activities(store, {known[from_version], known[to_version]})
    return compare(name, int(year), from_version, to_version, acts[known[from_version]], acts[known[to_version]])


def import_changes(store, pv_ids) -> dict:
    """{plan version id: Changes against the version before it} for newly imported versions (one
    query for their versions, one for their activities: the import service asks once per batch)."""
    with store.connect() as con:
        found = con.execute(
            """SELECT n.id, n.version, o.id, o.version, s.name, n.year FROM plan_versions n
               JOIN plan_versions o ON o.satker_id = n.satker_id AND o.year = n.year AND o.version = n.version - 1
               JOIN satker s ON s.id = n.satker_id
               WHERE n.id IN (SELECT unnest(CAST(? AS INTEGER[])))""", [list(pv_ids)]).fetchall()
    acts = _activities(store, {pv for row in found for pv in (row[0], row[2])})
    return {new_id: compare(name, year, old_v, new_v, acts[old_id], acts[new_id]).changes
            for new_id, new_v, old_id, old_v, name, year in found}
