"""Meeting exports: the comparison tables (a views.Ranking and two views.Heatmap) as a formatted Excel
workbook, charts as PNG, the meeting deck as PDF (no streamlit).

Workbooks leave the app and get opened in Excel, so every text cell is neutralised against formula
injection (a value starting with = + - @ tab or CR gets a leading apostrophe) and rates are written
as numbers with a percent format and a static heatmap fill, which survives any spreadsheet program.
The tables on the pages are neutralised the same way (``safe_frame``, through rbdash.grids): the
browser grid can download them as CSV.
"""

import io
import logging
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
from rbdash.charts import cell_colour, rate_hex
from rbdash.views.models import NOTHING_DUE, Heatmap, Ranking, cell_text
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
        # compared as objects: map() turns an object column of texts into pandas' str dtype, which is
        # no change of what it holds (a copy then made a neutralised frame look unsafe to downloadable)
        if not safe.astype(object).equals(col.astype(object)):
            out = df.copy() if out is None else out
            out.iloc[:, i] = safe
    return df if out is None else out


def rate_color(rate):
    """ARGB fill of a rate 0..1 on the same red-yellow-green scale as the charts (charts.rate_hex)."""
    return "FF" + rate_hex(rate)[1:]


def _fill(argb):
    return PatternFill("solid", fgColor=argb)


def write_sheet(ws, title, df, rate_cols=(), subtitle=None, widths=None, states=None):
    """One formatted table: title rows, header, values; ``rate_cols`` hold 0..1 rates or NaN.

    ``states``: {rate column: the state of each row's cell} (rbdash.views: VALUE, NO_DATA,
    NOTHING_DUE).  A cell without a rate is written as its state's words on its state's colour
    ("belum ada data" on grey, "–" where nothing is due), never as 0%.
    """
    ws.cell(1, 1, safe_text(title)).font = TITLE_FONT
    r0 = 2
    if subtitle:
        ws.cell(2, 1, safe_text(subtitle)).font = Font(italic=True, color="FF555555")
        r0 = 3
    header_row = r0 + 1
    cols = list(df.columns)
    ws.row_dimensions[header_row].height = 32
    for j, col in enumerate(cols, start=1):
        cell = ws.cell(header_row, j, safe_text(col))
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rate_set = set(rate_cols)
    states = states or {}
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
                    state = states[col][i] if col in states else NOTHING_DUE
                    cell.value = cell_text(state, None)
                    cell.fill = _fill("FF" + cell_colour(state, None)[1:])
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
    """Workbook from ``sheets``: list of dicts with name, title, df, and optional rate_cols/subtitle/
    widths/states (see write_sheet)."""
    wb = Workbook()
    wb.remove(wb.active)
    for spec in sheets:
        ws = wb.create_sheet(safe_sheet_name(spec["name"]))
        write_sheet(ws, spec["title"], spec["df"], spec.get("rate_cols", ()), spec.get("subtitle"),
                    spec.get("widths"), spec.get("states"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_sheet_name(name):
    bad = '[]:*?/\\'
    return "".join("_" if ch in bad else ch for ch in str(name))[:31] or "Sheet"


# kaleido, its browser driver choreographer and Chromium's own stderr (logger "browser_proc") log
# through Python's logging; without a handler Python prints their warnings and errors with tracebacks
# (a 'JSONError' the driver recovers from, 'Wait expired' when Chromium does not start) beside the
# one line that says whether the image was drawn (issue 21.9)
RENDERER_LOGGERS = ("choreographer", "kaleido", "logistro", "browser_proc", "chrome_wrapper")


def quiet_renderer():
    """Keep the image renderer's log records to themselves: success or failure is said once, by
    ``figure_png`` (an image, or ExportError)."""
    for name in RENDERER_LOGGERS:
        logger = logging.getLogger(name)
        logger.propagate = False
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def figure_png(fig, width=1400, height=None, scale=2):
    """PNG bytes of a plotly figure via kaleido and the system Chromium; ExportError on failure, the
    renderer's own log kept quiet (``quiet_renderer``)."""
    if "BROWSER_PATH" not in os.environ and os.path.exists(CHROMIUM):
        os.environ["BROWSER_PATH"] = CHROMIUM
    quiet_renderer()
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


def heatmap_sheet(hm: Heatmap):
    """(table, rate columns, states) of a Heatmap for write_sheet: its rows (and their provinces)
    and one rate column per heatmap column, headed by the column's one-line label."""
    labels = [c.label for c in hm.columns]
    df = pd.DataFrame({hm.row_name: list(hm.rows)})
    if hm.provinces is not None:
        df[wording.PROVINCE] = list(hm.provinces)
    for j, label in enumerate(labels):
        df[label] = hm.value[:, j]
    return df, labels, {label: hm.state[:, j] for j, label in enumerate(labels)}


def comparison_workbook(rank: Ranking, by_area: Heatmap, by_month: Heatmap, note=None):
    """The Perbandingan tables as one workbook: per area, per month (rbdash.views' comparison
    heatmaps, offices in ranking order) and the ranking, heatmap-coloured."""
    subtitle = wording.year_as_of(rank.year, rank.as_of) + (f" · {note}" if note else "")
    rows = rank.rows
    ranking = pd.DataFrame({
        wording.RANK: _ints(rows["rank"]), wording.SATKER: rows["name"], wording.PROVINCE: rows["province"],
        f"Direncanakan s.d. {wording.month(rank.as_of)}": _ints(rows["planned"]),
        wording.REALISED: _ints(rows["realized"]), wording.RATE: rows["rate"]})
    sheets = []
    for name, title, hm in ((wording.PER_AREA, "Capaian rencana aksi RB per area", by_area),
                            (wording.PER_MONTH, "Capaian rencana aksi RB per bulan", by_month)):
        df, rate_cols, states = heatmap_sheet(hm)
        sheets.append({"name": name, "title": title, "subtitle": subtitle, "df": df, "rate_cols": rate_cols,
                       "states": states})
    sheets.append({"name": wording.RANK, "title": "Peringkat capaian satker", "subtitle": subtitle, "df": ranking,
                   "rate_cols": [wording.RATE], "states": {wording.RATE: rows["state"].to_numpy()}})
    return workbook_bytes(sheets)
