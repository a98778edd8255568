"""The 8 standard RB change areas, their many spellings, and the catalogue of standard kegiatan.

Offices name areas freely ("Pengawasan", "Deregulasi Kebijakan", "PENATAAN SISTEM MANAJEMEN SDM
APARATUR", "II"); everything is mapped to numbers 1-8 in the standard order.  Rows whose file gives
no area at all are classified against the catalogue (built from the seed decrees) by text similarity.
"""

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from rbdash.text import fold

AREAS = {
    1: "Manajemen Perubahan",
    2: "Penataan Peraturan Perundang-undangan",
    3: "Penataan dan Penguatan Organisasi",
    4: "Penataan Tata Laksana",
    5: "Penataan Sistem Manajemen SDM Aparatur",
    6: "Penguatan Akuntabilitas Kinerja",
    7: "Penguatan Pengawasan",
    8: "Peningkatan Kualitas Pelayanan Publik",
}
SHORT = {1: "Manajemen Perubahan", 2: "Deregulasi", 3: "Organisasi", 4: "Tata Laksana",
         5: "SDM Aparatur", 6: "Akuntabilitas", 7: "Pengawasan", 8: "Pelayanan Publik"}

# Keyword rules, checked in order: the first whose every word occurs wins.  "manajemen sdm" must be
# tested before "manajemen perubahan", "pelayanan" last because other names mention it.
_KEYWORDS = [
    (5, ("sdm",)), (5, ("sumber daya manusia",)), (5, ("kepegawaian",)), (5, ("aparatur",)),
    (1, ("manajemen", "perubahan")), (1, ("mindset",)), (1, ("culture set",)),
    (2, ("deregulasi",)), (2, ("peraturan",)), (2, ("perundang",)), (2, ("regulasi",)),
    (3, ("organisasi",)), (3, ("kelembagaan",)),
    (4, ("tata laksana",)), (4, ("tatalaksana",)), (4, ("ketatalaksanaan",)),
    (6, ("akuntabilitas",)),
    (7, ("pengawasan",)),
    (8, ("pelayanan publik",)), (8, ("kualitas pelayanan",)), (8, ("pelayanan",)),
]
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
_PREFIX = re.compile(r"^\s*(?:area\s+perubahan\s*[:\-]?\s*|area\s*[:\-]?\s*)?"
                     r"(?:(?P<num>[1-8])(?:\.\d*)*\.?\)?|(?P<roman>viii|vii|vi|iv|v|iii|ii|i)[.)]?)?\s+",
                     re.I)


def _strip_prefix(text):
    text = str(text).strip()
    m = _PREFIX.match(text + " ")
    num = None
    if m:
        if m.group("num"):
            num = int(m.group("num"))
        elif m.group("roman"):
            num = _ROMAN[m.group("roman").lower()]
        text = (text + " ")[m.end():].strip()
    return num, text


@lru_cache(maxsize=8192)
def match_area(text, strict=False, exact=False):
    """Area number for an area label, or None.

    ``strict`` is for free-standing section rows and titles, where a kegiatan heading such as
    "Pelaksanaan Pengendalian Gratifikasi" must not pass for an area: the label must then be short
    and made of area-name words (one other word allowed, none with ``exact``).
    """
    if text is None:
        return None
    raw = str(text).strip()
    if not raw:
        return None
    num, rest = _strip_prefix(raw)
    folded = fold(rest)
    found = None
    for no, words in _KEYWORDS:
        if all(w in folded for w in words):
            found = no
            break
    if strict:
        # the label must be (close to) an area name: few words beyond the area's own vocabulary
        if found is None or len(folded.split()) > 8 or _unknown_words(folded) > (0 if exact else 1):
            return None
        return found
    if found is None and num is not None and not rest:
        return num
    return found


_AREA_VOCAB = set(fold(" ".join(AREAS.values()) + " perubahan peraturan perundang undangan deregulasi "
                        "kebijakan organisasi kelembagaan tata laksana tatalaksana ketatalaksanaan sistem "
                        "manajemen sumber daya manusia sdm aparatur akuntabilitas kinerja pengawasan "
                        "peningkatan kualitas pelayanan publik penguatan penataan dan area").split())


def _unknown_words(folded):
    return sum(1 for w in folded.split() if w not in _AREA_VOCAB)


# --- catalogue -------------------------------------------------------------------------------

CATALOGUE_PATH = Path(__file__).with_name("data") / "catalogue.json"
_STOP = set("dan di yang untuk dengan atas dalam ke dari pada oleh atau serta bagi kpu kota kabupaten "
            "provinsi lingkungan satker satuan kerja tahun ri republik indonesia".split())
_SATKER_IN_TEXT = re.compile(r"\b(kpu|komisi pemilihan umum)\s+(kota|kabupaten|kab|provinsi|prov)\s+"
                             r"([a-z]+(\s+[a-z]+)?)", re.I)


def tokens(text):
    """Content words of a text, office names removed, so plans of different offices compare."""
    text = _SATKER_IN_TEXT.sub(" ", str(text or "").replace("{satker}", " "))
    return [w for w in fold(text).split() if len(w) > 2 and w not in _STOP and not w.isdigit()]


@lru_cache(maxsize=1)
def catalogue():
    """The shipped catalogue: {"areas": [{"no", "name", "kegiatan": [{"code", "name", "sub_kegiatan": [...]}]}]}."""
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


def standard_kegiatan():
    """Flat list of (area_no, code, name) for coverage measures."""
    return [(a["no"], k["code"], k["name"]) for a in catalogue()["areas"] for k in a["kegiatan"]]


@lru_cache(maxsize=1)
def standard_totals() -> dict:
    """Number of standard kegiatan per area: the denominator of area coverage."""
    totals = {}
    for no, _, _ in standard_kegiatan():
        totals[no] = totals.get(no, 0) + 1
    return totals


class _Index:
    """IDF-weighted cosine over token bags, with an inverted index so a query only touches the
    documents that share a word with it: good enough to tell the 8 areas apart from content."""

    def __init__(self, docs):
        self.payloads = [p for p, _ in docs]
        df = Counter()
        for _, bag in docs:
            df.update(set(bag))
        n = len(docs)
        self.idf = {w: math.log(1 + n / c) for w, c in df.items()}
        self.postings = {}
        self.norms = []
        for i, (_, bag) in enumerate(docs):
            self.norms.append(math.sqrt(sum((self.idf[w] * c) ** 2 for w, c in bag.items())) or 1.0)
            for w, c in bag.items():
                self.postings.setdefault(w, []).append((i, self.idf[w] ** 2 * c))

    def best(self, text_tokens, allowed=None):
        q = Counter(text_tokens)
        qn = math.sqrt(sum((self.idf.get(w, 0) * c) ** 2 for w, c in q.items())) or 1.0
        dots = {}
        for w, c in q.items():
            for i, weight in self.postings.get(w, ()):
                dots[i] = dots.get(i, 0.0) + weight * c
        best, best_score = None, 0.0
        for i, dot in dots.items():
            if allowed is not None and self.payloads[i][0] not in allowed:
                continue
            score = dot / (qn * self.norms[i])
            if score > best_score or (score == best_score and best is not None and i < best):
                best, best_score = i, score
        return (self.payloads[best], best_score) if best is not None else (None, 0.0)


@lru_cache(maxsize=1)
def _sub_index():
    docs = []
    for a in catalogue()["areas"]:
        for k in a["kegiatan"]:
            for s in k.get("sub_kegiatan", []):
                text = " ".join([k["name"], s["name"], " ".join(s.get("indikator", []))])
                docs.append(((a["no"], k["code"]), Counter(tokens(text))))
            docs.append(((a["no"], k["code"]), Counter(tokens(k["name"]))))
    return _Index(docs)


@lru_cache(maxsize=1)
def _kegiatan_index():
    docs = []
    for a in catalogue()["areas"]:
        for k in a["kegiatan"]:
            subs = " ".join(s["name"] for s in k.get("sub_kegiatan", []))
            docs.append(((a["no"], k["code"]), Counter(tokens(k["name"] + " " + k["name"] + " " + subs))))
    return _Index(docs)


def load_indexes() -> None:
    """Build the catalogue's indexes now rather than at the first activity matched: a process that
    forks parsers (rbdash.workers' zygote) builds them once for all of them."""
    _kegiatan_index()
    _sub_index()


@lru_cache(maxsize=8192)
def classify(kegiatan=None, sub_kegiatan=None, indikator=None):
    """Best (area_no, kegiatan_code, score) for an activity whose file gives no area."""
    # the activity's own name decides when it is clear: an indicator like "Layanan WBS" under
    # "Pemanfaatan aplikasi SPBE" must not pull the row into Pengawasan
    text = " ".join(x for x in (kegiatan, sub_kegiatan, sub_kegiatan, indikator) if x)
    own = " ".join(x for x in (kegiatan, sub_kegiatan) if x)
    payload, score = _best_sub(tuple(tokens(own))) if own else (None, 0.0)
    if score < 0.5:
        payload, score = _best_sub(tuple(tokens(text)))
    if payload is None:
        return None, None, 0.0
    return payload[0], payload[1], score


# Offices write the catalogue's texts with their own numbering, case, punctuation and office names:
# 19,685 different texts over 550 offices come to 1,066 different words, so the scores are kept by
# words (in order: the order sums them).
@lru_cache(maxsize=8192)
def _best_sub(words):
    return _sub_index().best(words)


@lru_cache(maxsize=1 << 15)
def match_kegiatan(area_no, kegiatan=None, sub_kegiatan=None, threshold=0.35):
    """Catalogue code of the standard kegiatan an activity belongs to (within its area), or None."""
    text = " ".join(x for x in (kegiatan, kegiatan, sub_kegiatan) if x)
    if not text:
        return None
    return _kegiatan_by_words(area_no, tuple(tokens(text)), threshold)


@lru_cache(maxsize=8192)
def _kegiatan_by_words(area_no, words, threshold):
    allowed = {area_no} if area_no else None
    payload, score = _kegiatan_index().best(words, allowed)
    return payload[1] if payload and score >= threshold else None
