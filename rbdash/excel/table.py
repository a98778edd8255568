"""Finding the plan table on a sheet: its header row, column roles and schedule (a grid of months,
weeks or quarters; MULAI/SELESAI dates; or a free-text WAKTU column)."""

import re
from dataclasses import dataclass

from rbdash.excel import grid as grids
from rbdash.excel.cells import _kind_word
from rbdash.text import fold

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
    ("sub_kegiatan", re.compile(r"sub\s*-?\s*kegiatan|rencana\s+aksi|^aksi\b|uraian\s+kegiatan|tahapan|langkah")),
    ("indikator", re.compile(r"indikator|output|keluaran|ukuran\s+keberhasilan")),
    ("area", re.compile(r"^area|area\s+perubahan|^program")),
    ("kegiatan", re.compile(r"kegiatan")),
]
TEXT_ROLES = ("area", "kegiatan", "sub_kegiatan", "indikator")


def _role_of(text):
    t = fold(text, "%/")
    if not t or len(t.split()) > 6:
        return None
    for role, rx in ROLE_RULES:
        if rx.search(t):
            return role
    return None


def _numbering_row(row):
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
        roles = {}
        for c, v in enumerate(row):
            if isinstance(v, str):
                role = _role_of(v)
                if role and role not in roles:
                    roles[role] = c
        if len(roles) < 2 or not ({"kegiatan", "sub_kegiatan", "indikator"} & roles.keys()):
            continue
        mrow, months = _grid_header(rows, r, merges)
        if not months and not ({"start", "end"} <= roles.keys()) and "when" not in roles:
            continue
        last = r if mrow is None else mrow
        grid = {}
        if months:
            tr = rows[mrow + 1] if mrow + 1 < n else []
            kinds = {c: _kind_word(v) for c, v in enumerate(tr) if _kind_word(v)}
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
        full = {}
        for k in range(r, last + 1):
            for c, v in enumerate(rows[k]):
                if c in grid or not isinstance(v, str):
                    continue
                role = _role_of(v)
                if role and role not in full and c not in full.values():
                    full[role] = c
        for role, c in roles.items():
            if c not in grid:
                full.setdefault(role, c)
        if grid or {"start", "end"} <= full.keys():
            full.pop("when", None)  # "JADWAL PELAKSANAAN" over a grid is the grid's title
        if "program" in fold(rows[r][full["area"]] if "area" in full else "", "%/") and "kegiatan" not in full:
            full["kegiatan"] = full.pop("area")
        data_start = last + 1
        while data_start < n and _numbering_row(rows[data_start]):
            data_start += 1
        signature = {fold(rows[k][c], "%/") for k in range(r, last + 1) for c in full.values()
                     if c < len(rows[k]) and isinstance(rows[k][c], str) and rows[k][c].strip()}
        return Table(r, data_start, full, grid, signature)
    return None
