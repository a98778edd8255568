"""Which office (satker), year and as-of month a workbook is about, from its title texts."""

import re

from rbdash import regions
from rbdash.excel.cells import MONTHS

_SATKER = re.compile(
    r"\b(?:KPU|KOMISI\s+PEMILIHAN\s+UMUM)\s+(?:(?P<ri>RI|REPUBLIK\s+INDONESIA)\b|"
    r"(?P<level>PROVINSI|PROV\.?|KABUPATEN|KAB\.?|KOTA)\s+(?:ADMINISTRASI\s+|ADM(?:\.\s*|\s+))?(?P<name>[A-Za-z][A-Za-z'\-]*(?:\s+[A-Za-z][A-Za-z'\-]*){0,3}))",
    re.I)
_NAME_STOP = {"tahun", "th", "ta", "periode", "kondisi", "nomor", "tentang", "di", "pada", "semester",
              "triwulan", "tw", "bulan", "rencana", "reformasi", "laporan", "untuk", "sd", "s"}
_YEAR = re.compile(r"\b(?:TAHUN|TA\.?|TH\.?)\s*(?:ANGGARAN\s*)?(20\d\d)\b", re.I)
_ANY_YEAR = re.compile(r"\b(20[1-4]\d)\b")
# a period ("Road Map 2020-2024", "2025 s.d. 2029") is no plan year
_PERIOD = re.compile(r"\b20\d\d\s*(?:[-–—/]|s\.?\s?d\.?|sampai(?:\s+dengan)?)\s*20\d\d\b", re.I)
_ASOF = re.compile(r"(?:s\.?\s?d\.?|sampai\s+dengan|hingga|per)\s+(?:bulan\s+)?([a-z]+)", re.I)


def _clean_name(name, capitals=False):
    """The office's place name: up to a stop word or a number, and, after a level written in
    ``capitals`` (KABUPATEN), up to the first word that is not in capitals (a letterhead's
    "KABUPATEN GORONTALO" before "Jalan Pemilu …" when a heading's lines are read as one)."""
    words = []
    for w in name.split():
        if w.casefold().strip(".,") in _NAME_STOP or re.match(r"\d", w):
            break
        if capitals and words and not w.isupper():
            break
        words.append(w.strip(".,"))
    if not words:
        return None
    if all(w.isupper() or not w.isalpha() for w in words):
        words = [w if w in ("DKI", "DIY") else w.capitalize() for w in words]
    return " ".join(words)


_UNIT = re.compile(r"^\s*(?:unit\s+kerja|satuan\s+kerja|satker|instansi)\s*:\s*(?:sekretariat\s+)?"
                   r"(?P<rest>(?:provinsi|prov\.?|kabupaten|kab\.?|kota)\s+.+)$", re.I)


# the title of a collection of offices' plans ("KOMPILASI … KPU KABUPATEN/KOTA SE-KALIMANTAN TENGAH",
# "KOMPILASI RENAKSI KPU PROVINSI X"): it names who compiled them, never the office a plan is of
COLLECTION = re.compile(r"\bkompilasi\b|\bse\s*-\s*[a-z]|\bkab(?:upaten)?\.?\s*/\s*kota\b", re.I)


def _offices(texts):
    """Every office named in ``texts``, in reading order (a collection's title passed over)."""
    for text in texts:
        if COLLECTION.search(text):
            continue
        m = _UNIT.match(text)
        if m and not _SATKER.search(text):
            text = "KPU " + m.group("rest")
        for m in _SATKER.finditer(text):
            if m.group("ri"):
                yield "KPU RI"
                continue
            level = regions.level_of(m.group("level"))
            name = _clean_name(m.group("name"), capitals=m.group("level").isupper())
            if name:
                yield f"KPU {level} {name}"


def find_satker(texts: list[str]) -> str | None:
    """The office named in ``texts``: 'KPU <level> <name>' (or KOMISI PEMILIHAN UMUM …), or a
    'Unit Kerja : Kabupaten X' line that leaves out the KPU.  A collection's title is passed over."""
    return next(_offices(texts), None)


_RANK = {"KPU Kabupaten": 0, "KPU Kota": 0, "KPU Provinsi": 1}


def signature_satker(texts: list[str]) -> str | None:
    """The office whose plan a signature block signs: the lowest-level office it names, since the
    others sign as approvers ("Mengetahui, KETUA KPU PROVINSI X" beside "SEKRETARIS KPU KOTA Y")."""
    found = list(_offices(texts))
    return min(found, key=lambda n: _RANK.get(" ".join(n.split()[:2]), 2)) if found else None


def sheet_satker(titles: list[str], sheet_name: str) -> str | None:
    """The office a sheet is of by its own words: its title rows, or its name ("KPU Kab. Kapuas", or
    a compilation's bare "Kapuas" when exactly one official office has that name)."""
    return find_satker(titles + [sheet_name]) or regions.office_named(sheet_name)


def find_year(texts: list[str]) -> int | None:
    """The plan year: 'TAHUN 2024' (TA., TH.) in any text, else any year standing alone; never a
    year of a period ('TAHUN 2020-2024')."""
    texts = [_PERIOD.sub(" ", t) for t in texts]
    for rx in (_YEAR, _ANY_YEAR):
        for text in texts:
            m = rx.search(text)
            if m:
                return int(m.group(1))
    return None


def find_as_of(texts: list[str]) -> int | None:
    for text in texts:
        for m in _ASOF.finditer(text):
            mo = MONTHS.get(m.group(1).casefold())
            if mo:
                return mo
    return None
