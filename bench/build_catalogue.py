"""One-off builder of rbdash/data/catalogue.json from the seed decrees.

The app ships the JSON, never the seeds: run this only when the catalogue has to be rebuilt.

    python bench/build_catalogue.py ../shared/seeds [-o rbdash/data/catalogue.json]

The Banjarmasin decree is the complete standard plan table and gives the skeleton.  The Pasuruan
decree is partial and its text conversion is garbled (cells shifted between columns), so its few
genuinely new indicators are merged from the curated list PASURUAN_EXTRA; every entry is checked
against the seed text so the list cannot drift from its source.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

AREAS = (
    "Manajemen Perubahan",
    "Penataan Peraturan Perundang-undangan",
    "Penataan dan Penguatan Organisasi",
    "Penataan Tata Laksana",
    "Penataan Sistem Manajemen SDM Aparatur",
    "Penguatan Akuntabilitas Kinerja",
    "Penguatan Pengawasan",
    "Peningkatan Kualitas Pelayanan Publik",
)
SATKER = "{satker}"
# The seeds' own office names; longest forms first so "satuan kerja KPU ..." wins over "KPU ...".
OFFICE_RE = re.compile(r"(?:satuan kerja )?KPU (?:Kota|Kabupaten) (?:Banjarmasin|Pasuruan)")
PREFIX_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.|\d+\)|[a-zA-Z][.)]\)?|\d+(?=\s+[A-Z]))\s*")
AREA_RE = re.compile(r"^(\d)\.\s")

# (kegiatan code, start of the Banjarmasin sub_kegiatan, indicators found only in the Pasuruan seed)
PASURUAN_EXTRA = (
    ("1.3", "Melakukan monitoring",
     ["Tersedianya dokumen monitoring dan evaluasi Rencana Aksi RB dan Rencana Aksi Agen Perubahan."]),
    ("1.3", "Melakukan Evaluasi",
     ["Tersedianya dokumen tindak lanjut dari hasil evaluasi Rencana Aksi Agen Perubahan di lingkungan kerja"]),
    ("7.3", "Pembangunan Whistle Blowing System",
     ["Tersedianya aplikasi WBS yang bisa diakses oleh publik", "Adanya Pengelola WBS"]),
    ("7.4", "Identifikasi Benturan Kepentingan",
     ["Potensi-potensi yang dapat menimbulkan benturan kepentingan dari pelaksanaan tugas dan fungsi"
      " di lingkungan unit/satuan kerja."]),
)


def clean(text: str) -> str:
    """Drop italics tags and collapse whitespace; keep the seed's wording (typos included)."""
    return re.sub(r"\s+", " ", re.sub(r"</?i>", "", text)).strip()


def neutral(text: str) -> str:
    return OFFICE_RE.sub(SATKER, text)


def strip_prefix(text: str) -> str:
    return PREFIX_RE.sub("", text, count=1).strip()


def split_indicators(text: str) -> list[str]:
    """'lead: 1) a 2) b' -> ['lead:', 'a', 'b']; only a consecutive 1), 2), ... run is split."""
    cuts, expected = [], 1
    for m in re.finditer(r"(?:^|(?<=\s))(\d+)\)\s", text):
        if int(m.group(1)) == expected:
            cuts.append(m)
            expected += 1
    if not cuts:
        return [text]
    items = [text[: cuts[0].start()].strip()] if cuts[0].start() else []
    for m, nxt in zip(cuts, cuts[1:] + [None]):
        items.append(text[m.end(): nxt.start() if nxt else len(text)].strip())
    return [i for i in items if i]


def table_rows(text: str):
    """Yield the [area, kegiatan, sub, indikator] cells of the plan table, skipping repeated headers."""
    started = False
    for line in text.splitlines():
        if line.startswith("AREA PERUBAHAN\t"):
            started = True
            continue
        if not started or "\t" not in line:
            if started and line.startswith("Ditetapkan"):
                return
            continue
        cells = [clean(c) for c in line.split("\t")] + [""] * 4
        if all(re.fullmatch(r"\d*", c) for c in cells):  # month-number / column-number rows
            continue
        yield cells[:4]


def parse_banjarmasin(text: str) -> list[dict]:
    areas = [{"no": i + 1, "name": n, "kegiatan": []} for i, n in enumerate(AREAS)]
    area = keg = sub = None
    for a, k, s, ind in table_rows(text):
        if a:
            area = areas[int(AREA_RE.match(a).group(1)) - 1]
        if k:  # renumber sequentially: fixes area 3's "1.1"/"1.2" and area 5's missing number
            keg = {"code": f"{area['no']}.{len(area['kegiatan']) + 1}", "name": strip_prefix(k),
                   "sub_kegiatan": []}
            area["kegiatan"].append(keg)
            sub = None
        cont_ind = re.match(r"(\d+)\)", ind)
        if sub is not None and not k and (not s or (cont_ind and int(cont_ind.group(1)) > 1)):
            # page break split the previous record: continue its sub-kegiatan and indicator text
            if s:
                sub["_s"] += " " + s
            sub["_i"] += " " + ind
            continue
        if s.startswith("a. ") and " b. " in s:  # "a. X b. Y" in one cell = two sub-kegiatan
            for part in re.split(r"\s(?=[b-z]\.\s)", s):
                keg["sub_kegiatan"].append({"_s": part, "_i": ind})
            sub = keg["sub_kegiatan"][-1]
            continue
        sub = {"_s": s, "_i": ind}
        keg["sub_kegiatan"].append(sub)
    for area in areas:
        for keg in area["kegiatan"]:
            keg["sub_kegiatan"] = [
                {"name": neutral(strip_prefix(x["_s"])), "indikator": split_indicators(neutral(x["_i"]))}
                for x in keg["sub_kegiatan"]]
    return areas


def merge_pasuruan(areas: list[dict], text: str) -> None:
    flat = neutral(clean(text))
    by_code = {k["code"]: k for a in areas for k in a["kegiatan"]}
    for code, sub_start, extra in PASURUAN_EXTRA:
        sub = next(s for s in by_code[code]["sub_kegiatan"] if s["name"].startswith(sub_start))
        for ind in extra:
            if ind not in flat:
                raise SystemExit(f"PASURUAN_EXTRA drifted from the seed: {ind!r}")
            if ind not in sub["indikator"]:
                sub["indikator"].append(ind)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("seeds", nargs="+", type=Path, help="seed .txt files or a folder holding them")
    ap.add_argument("-o", "--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "rbdash" / "data" / "catalogue.json")
    args = ap.parse_args(argv)
    files = [f for p in args.seeds for f in (sorted(p.glob("*.txt")) if p.is_dir() else [p])]
    texts = {f: f.read_text(encoding="utf-8") for f in files}
    base = next((t for t in texts.values() if "KOTA BANJARMASIN" in t), None)
    if base is None:
        ap.error("the Banjarmasin decree (complete plan table) is required")
    areas = parse_banjarmasin(base)
    for t in texts.values():
        if "KOTA PASURUAN" in t:
            merge_pasuruan(areas, t)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"areas": areas}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    n_keg = sum(len(a["kegiatan"]) for a in areas)
    n_sub = sum(len(k["sub_kegiatan"]) for a in areas for k in a["kegiatan"])
    print(f"{args.out}: {len(areas)} areas, {n_keg} kegiatan, {n_sub} sub_kegiatan", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
