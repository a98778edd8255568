"""What a parsed workbook is: a Plan of Activities plus the warnings met while reading it.

Plain dataclasses shared by the parser, the import service and the store.  ``to_dict`` is the
``parse --json`` contract; ``from_dict`` is its inverse.  A plan parsed in a worker process crosses
back to the parent as JSON (never as a pickle of objects built from an untrusted file) in the compact
form of ``to_wire``/``from_wire``.
"""

from dataclasses import dataclass, field, fields

from rbdash.errors import warning_text


@dataclass
class PlanWarning:
    """A problem that does not stop the import (frictionless-style): its type, where it is (sheet, row,
    column) and its parameters as data; ``message``/``message_id`` are those rendered in English/Indonesian."""
    type: str
    sheet: str | None
    row: int | None
    message: str
    message_id: str
    column: int | None = None
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"type": self.type, "sheet": self.sheet, "row": self.row, "column": self.column,
                "params": self.params, "message": self.message, "message_id": self.message_id}

    @classmethod
    def from_dict(cls, d: dict) -> "PlanWarning":
        return cls(d["type"], d.get("sheet"), d.get("row"), d["message"], d["message_id"],
                   d.get("column"), d.get("params") or {})


def make_warning(code: str, sheet: str | None = None, row: int | None = None, column: int | None = None,
                 **params) -> PlanWarning:
    """The one way to report a warning: its code names the message in ``errors.WARNINGS``."""
    en, id_ = warning_text(code, sheet=sheet, row=row, **params)
    return PlanWarning(code, sheet, row, en, id_, column, params)


@dataclass
class Activity:
    """One schedule-bearing row of a plan, with the sheet and first row it came from."""
    sheet: str
    row: int
    area_no: int | None
    kegiatan: str | None
    sub_kegiatan: str | None
    indikator: str | list | None
    planned_months: list
    realized_months: list = field(default_factory=list)
    keterangan: str | None = None
    pic: str | None = None
    evidence: str | None = None
    capaian: float | None = None
    area_source: str | None = None
    catalogue_code: str | None = None

    FIELDS = ("sheet", "row", "area_no", "kegiatan", "sub_kegiatan", "indikator", "planned_months",
              "realized_months", "keterangan", "pic", "evidence", "capaian", "area_source", "catalogue_code")

    def indikator_text(self) -> str | None:
        if isinstance(self.indikator, list):
            return "\n".join(self.indikator)
        return self.indikator

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.FIELDS}

    @classmethod
    def from_dict(cls, d: dict) -> "Activity":
        return cls(**{k: d.get(k) for k in cls.FIELDS if k in d})


@dataclass
class Plan:
    satker: str
    year: int
    activities: list
    warnings: list
    source_name: str
    sha256: str
    as_of_month: int | None = None
    has_realization: bool = False

    def to_dict(self) -> dict:
        return {"satker": self.satker, "year": self.year, "source_name": self.source_name,
                "sha256": self.sha256, "as_of_month": self.as_of_month,
                "has_realization": self.has_realization,
                "activities": [a.to_dict() for a in self.activities],
                "warnings": [i.to_dict() for i in self.warnings]}

    @classmethod
    def from_dict(cls, d: dict) -> "Plan":
        return cls(satker=d["satker"], year=d["year"], source_name=d["source_name"], sha256=d["sha256"],
                   as_of_month=d.get("as_of_month"), has_realization=bool(d.get("has_realization")),
                   activities=[Activity.from_dict(a) for a in d["activities"]],
                   warnings=[PlanWarning.from_dict(i) for i in d.get("warnings", [])])

    def to_wire(self) -> dict:
        """``to_dict`` with each activity as the list of its values (``_WIRE`` order) instead of a
        dict: a third of the bytes, and the parent builds each Activity in one call.  Encoding,
        decoding and rebuilding the dicts cost ~2 ms a file, more than reading its values."""
        return {"satker": self.satker, "year": self.year, "source_name": self.source_name,
                "sha256": self.sha256, "as_of_month": self.as_of_month, "has_realization": self.has_realization,
                "activities": [[getattr(a, k) for k in _WIRE] for a in self.activities],
                "warnings": [i.to_dict() for i in self.warnings]}

    @classmethod
    def from_wire(cls, d: dict) -> "Plan":
        """The Plan of ``to_wire`` (equal to the one encoded)."""
        return cls(satker=d["satker"], year=d["year"], source_name=d["source_name"], sha256=d["sha256"],
                   as_of_month=d.get("as_of_month"), has_realization=bool(d.get("has_realization")),
                   activities=[Activity(*values) for values in d["activities"]],
                   warnings=[PlanWarning.from_dict(i) for i in d.get("warnings", [])])


_WIRE = tuple(f.name for f in fields(Activity))  # Activity's own order: its values build it positionally
