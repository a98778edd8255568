"""Where a decree (Keputusan) names its office and plan year.

A plan kept as a signed decree opens with its heading (KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA X,
NOMOR …, TENTANG RENCANA AKSI … TAHUN Y), then its considerations (Menimbang, Mengingat, …) that cite
laws and road maps of other years ("Undang-Undang Nomor 7 Tahun 2017", "Road Map … Tahun
2020-2024"), the decision (MEMUTUSKAN, KESATU …), the signature, and the LAMPIRAN heading above the
plan table.  Only the heading, the LAMPIRAN heading and the signature say which office and year the
plan is; the citations never do.
"""

import re

_CITING = re.compile(r"^\W*(menimbang|mengingat|memperhatikan|membaca)\b", re.I)
_DECIDES = re.compile(r"^\W*(memutuskan|menetapkan)\b", re.I)
_ANNEX = re.compile(r"^\W*lampiran\b", re.I)
_SIGNS = re.compile(r"^\W*(ditetapkan|ketua|sekretaris|kepala|a\.?\s?n\.?\s|plh\.?\s|plt\.?\s)", re.I)
# "KETUA KOMISI PEMILIHAN UMUM" over "KOTA BANDAR LAMPUNG,": a heading or signature breaks the office
# name after the commission; the next line starts with its level
_COMMISSION_END = re.compile(r"\b(komisi\s+pemilihan\s+umum|kpu)\s*$", re.I)
_LEVEL_START = re.compile(r"^\W*(kota|kabupaten|kab\.|provinsi|prov\.)\s", re.I)


def join_office_lines(lines: list[str]) -> list[str]:
    """Stripped, non-empty lines, a line ending in KOMISI PEMILIHAN UMUM (or KPU) joined with the next
    when that one starts with the office's level (KOTA, KABUPATEN, PROVINSI)."""
    out = []
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and _COMMISSION_END.search(out[-1]) and _LEVEL_START.match(line):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def decree_texts(lines: list[str]) -> tuple[list[str], list[str]]:
    """(titles, footers) of a decree's running text, in reading order: ``titles`` are the heading
    (up to Menimbang/Mengingat) and the LAMPIRAN heading; ``footers`` the signature lines.  A
    document without considerations gives all its lines as titles.  An office name broken over two
    lines is one line here (``join_office_lines``)."""
    titles, footers = [], []
    state = "heading"
    for line in join_office_lines(lines):
        if _ANNEX.match(line):
            state = "annex"
        elif state == "heading" and _CITING.match(line):
            state = "citing"
        elif state == "citing" and _DECIDES.match(line):
            state = "deciding"
        if state in ("heading", "annex"):
            titles.append(line)
        elif state == "deciding" and _SIGNS.match(line):
            footers.append(line)
    return titles, footers
