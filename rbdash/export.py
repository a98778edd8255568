"""Meeting exports: the comparison tables as a formatted Excel workbook, charts as PNG, the meeting
deck as PDF (no streamlit).

Workbooks leave the app and get opened in Excel, so every text cell is neutralised against formula
injection (a value starting with = + - @ tab or CR gets a leading apostrophe) and rates are written
as numbers with a percent format and a static heatmap fill, which survives any spreadsheet program.
The tables on the pages are neutralised the same way (``safe_frame``, through rbdash.grids): the
browser grid can download them as CSV.
"""

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from rbdash import wording
from rbdash.charts import NO_DATA_COLOR, NOT_SCHEDULED_COLOR, rate_hex
from rbdash.errors import ExportError

CHROMIUM = "/usr/bin/chromium"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="FF1F3A5F")
HEADER_FONT = Font(bold=True, color="FFFFFFFF")
TITLE_FONT = Font(bold=True, size=13)
THIN = Side(style="thin", color="FFD0D0D0")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def safe_text(value):
    """Text that a spreadsheet will never evaluate: formula-like values get a leading apostrophe."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def safe_frame(df, columns=None):
    """``df`` with every text cell a spreadsheet would evaluate neutralised by safe_text (a copy), or
    ``df`` itself when there is none: what the app's tables hold is also what the browser grid's own
    "Download as CSV" writes (issue 18.3).  ``columns``: only these (default: all)."""
    out = None
    for i, name in enumerate(df.columns):
        col = df.iloc[:, i]
        if (columns is not None and name not in columns) or not (
                col.dtype == object or pd.api.types.is_string_dtype(col.dtype)):
            continue
        safe = col.map(lambda v: safe_text(v) if isinstance(v, str) else v, na_action="ignore")
        if not safe.equals(col):
            out = df.copy() if out is None else out
            out.iloc[:, i] = safe
    return df if out is None else out


def rate_color(rate):
    """ARGB fill of a rate 0..1 on the same red-yellow-green scale as the charts (charts.rate_hex)."""
    return "FF" + rate_hex(rate)[1:]


def _fill(argb):
    return PatternFill("solid", fgColor=argb)


def write_sheet(ws, title, df, rate_cols=(), subtitle=None, widths=None):
    """One formatted table: title rows, header, values; ``rate_cols`` hold 0..1 rates or NaN.

    In rate columns a NaN in a row whose ``has_data`` (hidden helper column ``_has_data``) is False
    is written as "belum ada data" on grey, other NaN as "–" (nothing due).
    """
    ws.cell(1, 1, safe_text(title)).font = TITLE_FONT
    r0 = 2
    if subtitle:
        ws.cell(2, 1, safe_text(subtitle)).font = Font(italic=True, color="FF555555")
        r0 = 3
    header_row = r0 + 1
    has_data = df["_has_data"].to_numpy(dtype=bool) if "_has_data" in df else np.ones(len(df), dtype=bool)
    cols = [c for c in df.columns if c != "_has_data"]
    ws.row_dimensions[header_row].height = 32
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(header_row, j, safe_text(col))
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rate_set = set(rate_cols)
    values = df[cols].to_numpy(dtype=object)
    for i in range(len(df)):
        r = header_row + 1 + i
        for j, col in enumerate(cols):
            v = values[i, j]
            cell = ws.cell(r, j + 1)
            cell.border = BORDER
            missing = v is None or (not isinstance(v, str) and pd.isna(v))
            if col in rate_set:
                cell.alignment = Alignment(horizontal="center")
                if missing:
                    cell.value = wording.NO_DATA if not has_data[i] else wording.NOTHING_DUE
                    cell.fill = _fill("FF" + (NO_DATA_COLOR if not has_data[i] else NOT_SCHEDULED_COLOR)[1:])
                    cell.font = Font(italic=True, color="FF555555")
                else:
                    cell.value = float(v)
                    cell.number_format = "0.0%"
                    cell.fill = _fill(rate_color(v))
            elif missing:
                continue
            elif isinstance(v, (bool, np.bool_)):
                cell.value = "ya" if v else "tidak"
            elif isinstance(v, (int, np.integer)):
                cell.value = int(v)
            elif isinstance(v, (float, np.floating)):
                cell.value = float(v)
            else:
                cell.value = safe_text(v)
    for j, col in enumerate(cols, start=1):
        width = (widths or {}).get(col)
        if width is None:
            sample = [len(str(col))] + [len(str(v)) for v in df[col].head(200) if v is not None]
            width = min(max(sample) + 2, 45) if col not in rate_set else 14
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = ws.cell(header_row + 1, 2)
    return ws


def workbook_bytes(sheets):
    """Workbook from ``sheets``: list of dicts with name, title, df, and optional rate_cols/subtitle."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(safe_sheet_name(spec["name"]))
        write_sheet(ws, spec["title"], spec["df"], spec.get("rate_cols", ()), spec.get("subtitle"),
                    spec.get("widths"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_sheet_name(name):
    bad = '[]:*?/\\'
    return "".join("_" if ch in bad else ch for ch in str(name))[:31] or "Sheet"


def figure_png(fig, width=1400, height=None, scale=2):
    """PNG bytes of a plotly figure via kaleido and the system Chromium; ExportError on failure."""
    if "BROWSER_PATH" not in os.environ and os.path.exists(CHROMIUM):
        os.environ["BROWSER_PATH"] = CHROMIUM
    height = height or int(fig.layout.height or 600)
    try:
        png = fig.to_image(format="png", width=width, height=min(height, 8000), scale=scale if height <= 2500 else 1)
    except Exception as exc:  # kaleido/chromium missing or crashed: the page shows the reason, not a traceback
        raise ExportError("png_failed", detail=type(exc).__name__) from exc
    if not png.startswith(b"\x89PNG"):
        raise ExportError("png_failed", detail="not a PNG")
    return png


PDF_TIMEOUT_S = 180


def deck_pdf(pptx_bytes, timeout=PDF_TIMEOUT_S):
    """The PDF of a deck, converted by LibreOffice (``soffice --headless``): the same slides for a chair
    without PowerPoint, or to send round after the meeting.  Each conversion gets its own LibreOffice
    profile, so two at once do not wait on each other's lock.  ExportError when LibreOffice is not
    installed ("pdf_unavailable") or fails ("pdf_failed")."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise ExportError("pdf_unavailable")
    with tempfile.TemporaryDirectory(prefix="rbdash-pdf-") as tmp:
        src = Path(tmp) / "deck.pptx"
        src.write_bytes(pptx_bytes)
        argv = [soffice, f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}", "--headless", "--norestore",
                "--convert-to", "pdf", "--outdir", tmp, str(src)]
        try:
            run = subprocess.run(argv, capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise ExportError("pdf_failed", detail=f"no result after {timeout} s") from exc
        out = Path(tmp) / "deck.pdf"
        pdf = out.read_bytes() if out.exists() else b""
    if run.returncode or not pdf.startswith(b"%PDF"):
        raise ExportError("pdf_failed", detail=f"soffice exit {run.returncode}")
    return pdf


def pdf_pages(pdf_bytes):
    """The number of pages of a PDF (its page objects), e.g. to check it against the deck's slides."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf_bytes))


def _ints(values):
    return [int(v) if pd.notna(v) else None for v in values]


def _wide(df, col_key, labels, ranking):
    """Satker rows (ranking order) × ``col_key`` columns of rates, plus the hidden _has_data flag."""
    wide = df.pivot(index="satker", columns=col_key, values="rate").reindex(columns=list(labels))
    wide.columns = [labels[c] for c in wide.columns]
    out = ranking[["satker", "province"]].rename(columns={"satker": "Satker", "province": "Provinsi"})
    out = out.join(wide, on="Satker")
    out["Total"] = ranking["rate"].to_numpy()
    out["_has_data"] = ranking["has_data"].to_numpy(dtype=bool)
    return out


def comparison_workbook(ranking, per_area, per_month, year, as_of, area_nos, note=None):
    """The Perbandingan tables as one workbook: per area, per month, ranking (heatmap-coloured).

    ``ranking`` as from queries.ranking (best first); ``area_nos`` the area columns to show.
    """
    month = wording.month(as_of)
    subtitle = wording.year_as_of(year, as_of) + (f" · {note}" if note else "")
    by_area = _wide(per_area, "area_no", {no: wording.area_short(no) for no in area_nos}, ranking)
    by_month = _wide(per_month, "month", {m: wording.month(m) for m in range(1, as_of + 1)}, ranking)
    rank = pd.DataFrame({
        "Peringkat": _ints(ranking["rank"]),
        "Satker": ranking["satker"], "Provinsi": ranking["province"],
        f"Direncanakan s.d. {month}": _ints(ranking["planned"]), "Terealisasi": _ints(ranking["realized"]),
        "Capaian": ranking["rate"], "_has_data": ranking["has_data"].to_numpy(dtype=bool)})
    rate_area = [c for c in by_area.columns if c not in ("Satker", "Provinsi", "_has_data")]
    rate_month = [c for c in by_month.columns if c not in ("Satker", "Provinsi", "_has_data")]
    return workbook_bytes([
        {"name": "Per area", "title": "Capaian rencana aksi RB per area", "subtitle": subtitle,
         "df": by_area, "rate_cols": rate_area},
        {"name": "Per bulan", "title": "Capaian rencana aksi RB per bulan", "subtitle": subtitle,
         "df": by_month, "rate_cols": rate_month},
        {"name": "Peringkat", "title": "Peringkat capaian satker", "subtitle": subtitle, "df": rank,
         "rate_cols": ["Capaian"]},
    ])
