"""The official list of KPU offices: KPU RI, 38 KPU Provinsi and their 514 KPU Kabupaten/Kota,
loaded once from rbdash/data/regions.json, and the matching of satker names to it.

Workbooks spell offices in many ways ("KPU Kab. Banjar", "KOMISI PEMILIHAN UMUM KOTA ADM. JAKARTA
PUSAT"); ``office`` maps such a spelling to the list's office, so a province's roll-up and
its "not submitted" list find every office, and an office that matches nothing is visible as such.
"""

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rbdash.text import fold

REGIONS_PATH = Path(__file__).with_name("data") / "regions.json"
RI = "KPU RI"


@dataclass(frozen=True)
class Office:
    name: str            # "KPU Kabupaten Banjar"
    level: str           # "RI" | "Provinsi" | "Kabupaten" | "Kota"
    province: str | None


@lru_cache(maxsize=1)
def regions() -> dict:
    """Province -> {"kabupaten": [...], "kota": [...]}."""
    return json.loads(REGIONS_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def official_offices() -> tuple[Office, ...]:
    """KPU RI, then per province its KPU Provinsi and kabupaten/kota, in the list's order."""
    out = [Office(RI, "RI", None)]
    for province, units in regions().items():
        out.append(Office(f"KPU Provinsi {province}", "Provinsi", province))
        out += [Office(f"KPU Kabupaten {n}", "Kabupaten", province) for n in units["kabupaten"]]
        out += [Office(f"KPU Kota {n}", "Kota", province) for n in units["kota"]]
    return tuple(out)


_LEVEL_WORDS = [
    (re.compile(r"^(?:komisi pemilihan umum|kpu)\s+"), ""),
    (re.compile(r"^(?:republik indonesia|ri|pusat)$"), "ri"),
    (re.compile(r"^(?:provinsi|prov|propinsi)\s+"), "provinsi "),
    (re.compile(r"^(?:kabupaten administrasi|kab adm|kabupaten adm|kabupaten|kab)\s+"), "kabupaten "),
    (re.compile(r"^(?:kota administrasi|kota adm|kotamadya|kota)\s+"), "kota "),
]


def _key(name) -> str:
    """'KPU Kab. Hulu Sungai Selatan' -> 'kabupaten hulu sungai selatan'."""
    text = fold(name)
    for rx, repl in _LEVEL_WORDS:
        text = rx.sub(repl, text)
    return text


@lru_cache(maxsize=1)
def _by_key() -> dict:
    return {_key(o.name): o for o in official_offices()}


def office(name) -> Office | None:
    """The official office a satker name denotes (any common spelling), or None."""
    return _by_key().get(_key(name)) if name else None


def province_of(name) -> str | None:
    """Province of a KPU Provinsi/Kabupaten/Kota name (None for KPU RI and unknown names)."""
    found = office(name)
    return found.province if found else None


def level_and_province(name) -> tuple[str | None, str | None]:
    """(level, province) of a satker name: from the official list, else from its words."""
    found = office(name)
    if found:
        return found.level, found.province
    for level in ("Provinsi", "Kabupaten", "Kota"):
        if name.startswith(f"KPU {level} "):
            return level, name.removeprefix("KPU Provinsi ") if level == "Provinsi" else None
    return ("RI", None) if name == RI else (None, None)


@lru_cache(maxsize=1)
def _by_place() -> dict:
    out = {}
    for o in official_offices():
        if o.level != "RI":
            out.setdefault(_key(o.name).split(" ", 1)[1], []).append(o.name)
    return out


def office_named(place) -> str | None:
    """The official office a bare place name denotes ("Kapuas" -> "KPU Kabupaten Kapuas", a
    compilation's sheet named after its office), when exactly one office has that name ("Bekasi"
    is a kabupaten and a kota: None)."""
    found = _by_place().get(fold(place or "").strip())
    return found[0] if found and len(found) == 1 else None
