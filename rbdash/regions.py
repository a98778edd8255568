"""The official list of KPU offices: KPU RI, 38 KPU Provinsi and their 514 KPU Kabupaten/Kota,
loaded once from rbdash/data/regions.json, and the matching of satker names to it.

Workbooks, accounts and the command line spell offices and provinces in many ways ("KPU Kab.
Banjar", "KOMISI PEMILIHAN UMUM KOTA ADM. JAKARTA PUSAT", "kalimantan selatan"): ``key`` is the one
matcher of such names (case, punctuation, the spellings of the level words), ``office`` and
``province`` map a spelling to the list's name, so a province's roll-up and its "not submitted" list
find every office, an account or a command accepts the spelling the other accepts, and an office
that matches nothing is visible as such.
"""

import json
import re
from collections.abc import Mapping
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


class Provinces(Mapping):
    """Province -> {"kabupaten": [...], "kota": [...]}, in the list's order, looked up by any spelling
    of the province (``"kalimantan selatan" in regions()``); iterating gives the official names."""

    def __init__(self, data):
        self._data = data

    def __getitem__(self, name):
        return self._data[province(name) or name]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, name):
        return province(name) is not None


@lru_cache(maxsize=1)
def regions() -> Provinces:
    """The 38 provinces and their kabupaten/kota (see Provinces)."""
    return Provinces(json.loads(REGIONS_PATH.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def official_offices() -> tuple[Office, ...]:
    """KPU RI, then per province its KPU Provinsi and kabupaten/kota, in the list's order."""
    out = [Office(RI, "RI", None)]
    for province, units in regions().items():
        out.append(Office(f"KPU Provinsi {province}", "Provinsi", province))
        out += [Office(f"KPU Kabupaten {n}", "Kabupaten", province) for n in units["kabupaten"]]
        out += [Office(f"KPU Kota {n}", "Kota", province) for n in units["kota"]]
    return tuple(out)


# how workbooks and people spell the level of an office -> the list's word
LEVEL_SPELLINGS = {
    "provinsi": "Provinsi", "prov": "Provinsi", "propinsi": "Provinsi",
    "kabupaten administrasi": "Kabupaten", "kabupaten adm": "Kabupaten", "kab adm": "Kabupaten",
    "kabupaten": "Kabupaten", "kab": "Kabupaten",
    "kota administrasi": "Kota", "kota adm": "Kota", "kotamadya": "Kota", "kota": "Kota",
}
_KPU = re.compile(r"^(?:komisi pemilihan umum|kpu)\s+")
_RI = re.compile(r"^(?:republik indonesia|ri|pusat)$")
_LEVEL = re.compile(r"^(" + "|".join(sorted(map(re.escape, LEVEL_SPELLINGS), key=len, reverse=True)) + r")\s+")


def level_of(word) -> str | None:
    """'KAB.' -> 'Kabupaten', 'Prov' -> 'Provinsi', 'kota adm.' -> 'Kota'; None for another word."""
    return LEVEL_SPELLINGS.get(fold(word))


@lru_cache(maxsize=8192)   # the same few hundred names are matched at every national figure
def key(name) -> str:
    """The one matching key of an office's or a province's name, whatever its spelling: case and
    punctuation folded, 'KPU'/'Komisi Pemilihan Umum' dropped, level words spelled as in the list
    ('KPU Kab. Hulu Sungai Selatan' -> 'kabupaten hulu sungai selatan', 'KOTA ADM. X' -> 'kota x',
    'KPU RI' -> 'ri').  Two names denote the same office when their keys are equal."""
    text = _KPU.sub("", fold(name))
    if _RI.match(text):
        return "ri"
    m = _LEVEL.match(text)
    return f"{LEVEL_SPELLINGS[m.group(1)].lower()} {text[m.end():]}" if m else text


def same_name(a, b) -> bool:
    """Whether two spellings denote the same office or province (``key``)."""
    return key(a) == key(b)


@lru_cache(maxsize=1)
def _by_key() -> dict:
    return {key(o.name): o for o in official_offices()}


def office(name) -> Office | None:
    """The official office a satker name denotes (any common spelling), or None."""
    return _by_key().get(key(name)) if name else None


@lru_cache(maxsize=1)
def _provinces_by_key() -> dict:
    return {key(f"Provinsi {p}"): p for p in regions()}


def province(name) -> str | None:
    """The official province a spelling denotes ('kalimantan selatan', 'Prov. Kalimantan Selatan',
    'KPU PROVINSI KALIMANTAN SELATAN' -> 'Kalimantan Selatan'), or None."""
    if not name or not str(name).strip():
        return None
    text = key(name)
    return _provinces_by_key().get(text if text.startswith("provinsi ") else f"provinsi {text}")


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
            out.setdefault(key(o.name).split(" ", 1)[1], []).append(o.name)
    return out


def office_named(place) -> str | None:
    """The official office a bare place name denotes ("Kapuas" -> "KPU Kabupaten Kapuas", a
    compilation's sheet named after its office), when exactly one office has that name ("Bekasi"
    is a kabupaten and a kota: None)."""
    found = _by_place().get(fold(place or "").strip())
    return found[0] if found and len(found) == 1 else None
