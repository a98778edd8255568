"""Finding the plan table on a sheet: its header row, column roles and schedule (a grid of months,
weeks or quarters; MULAI/SELESAI dates; or a free-text WAKTU column)."""

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rbdash.excel import grid as grids
from rbdash.excel.cells import kind_word
from rbdash.text import fold

# The header words of every layout, in one table: (role, words).  Earlier rules are stronger: when two
# columns claim a role (INDIKATOR and OUTPUT in one header), the stronger words win wherever the columns
# stand; between equals the leftmost.  PROGRAM is settled per table by ``settle_program``.
ROLE_RULES = [
    ("no", re.compile(r"^(no|no\.|nomor|nmr|#)$")),
    ("ket", re.compile(r"^ket\b|keterangan|catatan")),
    ("start", re.compile(r"^(bulan\s+|waktu\s+)?(mulai|awal|start)\b")),
    ("end", re.compile(r"^(bulan\s+|waktu\s+)?(selesai|akhir|berakhir|end|finish)\b")),
    ("start", re.compile(r"^(tanggal|tgl)\s+(mulai|awal)\b")),
    ("end", re.compile(r"^(tanggal|tgl)\s+(selesai|akhir|berakhir)\b")),
    ("when", re.compile(r"^(waktu|jadwal|bulan|target\s+waktu|jangka\s+waktu|target)\s+(pelaksanaan|kegiatan)$|"
                        r"^(waktu|jadwal|target\s+waktu|jangka\s+waktu|time\s*line|schedule)$")),
    ("pic", re.compile(r"penanggung|^pic\b|^pj\b|pelaksana$|^unit|koordinator|^bagian")),
    ("capaian", re.compile(r"capaian|progres|persentase|^%")),
    ("evidence", re.compile(r"bukti|link|tautan|evidence|data\s+dukung|dokumen\s+pendukung")),
    ("kind", re.compile(r"^(jenis|t\s*/\s*r|rencana\s*/\s*realisasi|status|uraian)$")),
    ("sub_kegiatan", re.compile(r"sub\s*-?\s*kegiatan|rencana\s+aksi|^aksi\b|(uraian|rincian)\s+kegiatan|tahapan|"
                                r"langkah")),
    ("indikator", re.compile(r"indikator|ukuran\s+keberhasilan")),
    ("indikator", re.compile(r"output|keluaran")),
    ("program", re.compile(r"^program")),
    ("area", re.compile(r"^area|area\s+perubahan")),
    ("kegiatan", re.compile(r"kegiatan")),
]
TEXT_ROLES = ("area", "kegiatan", "sub_kegiatan", "indikator")


@lru_cache(maxsize=8192)
def _rule_of(text):
    """(strength, role) of a header text (lower strength is stronger), or None."""
    t = fold(text, "%/")
    if not t or len(t.split()) > 6:
        return None
    for strength, (role, rx) in enumerate(ROLE_RULES):
        if rx.search(t):
            return strength, role
    return None


def _assign(cells):
    """{role: col} of header cells ((col, text) in reading order): one role per column, each role to
    the column its strongest words name (the first of equals)."""
    best = {}
    for c, v in cells:
        found = _rule_of(v) if isinstance(v, str) else None
        if found and (found[1] not in best or found[0] < best[found[1]][0]):
            best[found[1]] = (found[0], c)
    roles = {}
    for role, (_, c) in sorted(best.items(), key=lambda kv: kv[1]):
        if c not in roles.values():
            roles[role] = c
    return roles


def settle_program(table: "Table", areas_elsewhere: bool) -> "Table":
    """PROGRAM is the kegiatan level when the file shows its areas elsewhere (an AREA column, area
    section rows, the sheet's own area) and has no KEGIATAN column; otherwise it is the area level
    (the Pasuruan seed's PROGRAM KEGIATAN beside KEGIATAN)."""
    if "program" not in table.roles:
        return table
    roles = dict(table.roles)
    c = roles.pop("program")
    elsewhere = areas_elsewhere or "area" in roles
    roles.setdefault("kegiatan" if elsewhere and "kegiatan" not in roles else "area", c)
    return replace(table, roles=roles)


def numbering_row(row):
    vals = [v for v in row if v not in (None, "")]
    if len(vals) < 4:
        return False
    try:
        nums = [int(float(v.strip().strip("()[]")) if isinstance(v, str) else v) for v in vals]
    except (TypeError, ValueError, OverflowError):  # inf, nan
        return False
    return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] in (0, 1)


@dataclass
class Table:
    header_row: int          # 0-based
    data_start: int          # 0-based first data row
    roles: dict              # role -> col
    grid: dict               # col -> (months, "plan"|"real")
    signature: set           # folded header texts, to spot repeated header blocks

    @property
    def schedule(self):
        """How this table writes its schedule: 'grid', 'dates' (MULAI/SELESAI) or 'text' (WAKTU)."""
        if {"start", "end"} <= self.roles.keys():
            return "dates"  # a grid beside them is drawn from the dates (often by conditional formatting)
        return "grid" if self.grid else "text"


def _grid_header(rows, r, merges):
    """(row index, {col: months}) of the grid header at rows r..r+3, or (None, None)."""
    for k in range(r, min(len(rows), r + 4)):
        cols = grids.month_row(rows[k]) or grids.quarter_row(rows[k])
        if cols:
            return k, grids.widen(cols, merges, k)
    return None, None


def find_table(rows: list[list], start: int = 0, limit: int = 80, merges=()) -> "Table | None":
    """Locate the first plan table at or below ``start``; None if the sheet has none.  ``merges``
    are the sheet's merged ranges ((r1, c1), (r2, c2)), 0-based inclusive."""
    n = len(rows)
    for r in range(start, min(n, start + limit)):
        row = rows[r]
        roles = _assign(enumerate(row))
        if len(roles) < 2 or not ({"kegiatan", "sub_kegiatan", "indikator"} & roles.keys()):
            continue
        mrow, months = _grid_header(rows, r, merges)
        if not months and not ({"start", "end"} <= roles.keys()) and "when" not in roles:
            continue
        last = r if mrow is None else mrow
        grid = {}
        if months:
            tr = rows[mrow + 1] if mrow + 1 < n else []
            kinds = {c: kind_word(v) for c, v in enumerate(tr) if kind_word(v)}
            weeks = grids.week_row(tr, months) if len(months) >= 12 else None
            month_cols = sorted(months)
            if kinds and set(kinds.values()) == {"plan", "real"}:
                last = mrow + 1
                width = max(len(tr), max(month_cols) + 2)
                for i, c in enumerate(month_cols):
                    stop = month_cols[i + 1] if i + 1 < len(month_cols) else min(width, c + 2)
                    for cc in range(c, stop):
                        if cc in kinds:
                            grid[cc] = (months[c], kinds[cc])
            elif weeks:
                last = mrow + 1
                grid = {c: (m, "plan") for c, m in {**months, **weeks}.items()}
            else:
                grid = {c: (m, "plan") for c, m in months.items()}
        # roles named in any header-block row (multi-row headers), month columns excluded
        full = _assign((c, v) for k in range(r, last + 1) for c, v in enumerate(rows[k]) if c not in grid)
        for role, c in roles.items():
            if c not in grid and c not in full.values():
                full.setdefault(role, c)
        if grid or {"start", "end"} <= full.keys():
            full.pop("when", None)  # "JADWAL PELAKSANAAN" over a grid is the grid's title
        data_start = last + 1
        while data_start < n and numbering_row(rows[data_start]):
            data_start += 1
        signature = {fold(rows[k][c], "%/") for k in range(r, last + 1) for c in full.values()
                     if c < len(rows[k]) and isinstance(rows[k][c], str) and rows[k][c].strip()}
        return Table(r, data_start, full, grid, signature)
    return None
