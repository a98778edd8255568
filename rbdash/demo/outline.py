"""Plans whose hierarchy lives in one column (the Medan/Siak families of ../shared/fixtures/plans3),
with their ground truth: area rows ("I. MANAJEMEN PERUBAHAN", bold, maybe grey), kegiatan rows
("1. …") and sub-kegiatan rows ("a. …") in one URAIAN KEGIATAN column, told apart by numbering,
by indentation (leading spaces or the cell's indent) or both; the indicators and the schedule (a
month grid, a quarter grid or a WAKTU text) on the sub-kegiatan rows only.

``add_outline_sheet`` writes one such plan as a sheet of an openpyxl workbook (a bundle may mix it
with other families); ``generate_outline`` writes a workbook of its own.  Content comes from the
standard catalogue like every demo plan (``content.plan_content``).
"""

from __future__ import annotations

import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from rbdash.demo.content import ENGLISH_MONTHS, ROMAN, SHORT_MONTHS, catalogue, plan_content, schedule_phrase
from rbdash.demo.content import styled_satker
from rbdash.demo.xls import save

# how area rows are numbered (kegiatan and sub-kegiatan follow); 'subs': only the sub-kegiatan rows ("a.")
NUMBERINGS = ("roman", "letter", "digits", "subs", "none")
INDENTS = ("spaces", "cell", "none")
SCHEDULES = ("grid", "quarter", "text")
OUTLINE_HEADERS = ("URAIAN KEGIATAN", "KEGIATAN / SUB KEGIATAN", "URAIAN KEGIATAN / RENCANA AKSI")
INDICATOR_HEADERS = ("INDIKATOR / OUTPUT", "INDIKATOR KEBERHASILAN", "OUTPUT", "KELUARAN")
_SHAPE = {"grid": None, "quarter": "quarters", "text": "text"}
BOLD = Font(bold=True)
GREY = PatternFill("solid", fgColor="FFD9D9D9")
WRAP = Alignment(vertical="top", wrap_text=True)


def _labels(numbering: str, area_no: int, keg_no: int, sub_no: int) -> tuple[str, str, str]:
    """The numbering prefixes of an area, a kegiatan and a sub-kegiatan row ('' when unnumbered)."""
    if numbering == "none":
        return "", "", ""
    sub = f"{'abcdefghijklmnopqrstuvwxyz'[(sub_no - 1) % 26]}. "
    if numbering == "subs":
        return "", "", sub
    area = {"roman": f"{ROMAN[area_no - 1]}. ", "letter": f"{'ABCDEFGH'[area_no - 1]}. ",
            "digits": f"{area_no}. "}[numbering]
    keg = f"{area_no}.{keg_no}. " if numbering == "digits" else f"{keg_no}. "
    return area, keg, sub


def add_outline_sheet(wb, satker: str, year: int, seed: int, *, numbering: str = "roman", indent: str = "spaces",
                      schedule: str = "grid", sheet_name: str = "Renaksi RB", grey: bool = True,
                      indicator_first: bool = True, number_column: bool = False) -> list[dict]:
    """Write one office's plan as an outline sheet of `wb`; return its truth records.  ``numbering``
    'none' needs an indentation (the levels must be told apart somehow); ``number_column`` writes
    the numbering in a NO column before the outline instead of in its text."""
    if numbering not in NUMBERINGS or indent not in INDENTS or schedule not in SCHEDULES:
        raise ValueError(f"numbering in {NUMBERINGS}, indent in {INDENTS}, schedule in {SCHEDULES}")
    if numbering == "none" and indent == "none":
        raise ValueError("an outline without numbering needs an indentation")
    rng = random.Random(f"outline:{satker}:{year}:{seed}")
    acts = plan_content(rng, satker, year, shape=_SHAPE[schedule], coverage=rng.uniform(0.6, 1.0))
    ws = wb.create_sheet(sheet_name)
    for line in ("RENCANA AKSI REFORMASI BIROKRASI", styled_satker(satker, rng.choice(("kpu", "komisi"))),
                 f"TAHUN {year}"):
        ws.append([line])
        ws.cell(ws.max_row, 1).font = BOLD
    ws.append([])
    # columns: the outline, the indicator and the schedule in either order, then who is responsible
    n_sched = {"grid": 12, "quarter": 4, "text": 1}[schedule]
    order = ["outline", "indikator", "schedule"] if indicator_first else ["outline", "schedule", "indikator"]
    order = ["no"] * number_column + order
    pos, col = {}, 1
    for key in order + ["pic"]:
        pos[key] = col
        col += n_sched if key == "schedule" else 1
    head = ws.max_row + 1
    heads = {"outline": rng.choice(OUTLINE_HEADERS), "indikator": rng.choice(INDICATOR_HEADERS),
             "pic": rng.choice(("PENANGGUNG JAWAB", "KET")), **({"no": "NO"} if number_column else {})}
    for key, text in heads.items():
        ws.cell(head, pos[key], text).font = BOLD
    if schedule == "text":
        ws.cell(head, pos["schedule"], rng.choice(("WAKTU PELAKSANAAN", "JADWAL", "TARGET WAKTU"))).font = BOLD
        first = head + 1
    else:
        ws.cell(head, pos["schedule"], "JADWAL PELAKSANAAN" if schedule == "grid" else "TARGET PELAKSANAAN")
        labels = ([f"TW {ROMAN[q]}" for q in range(4)] if schedule == "quarter"
                  else list(rng.choice((SHORT_MONTHS, ENGLISH_MONTHS, range(1, 13)))))
        for k, label in enumerate(labels):
            ws.cell(head + 1, pos["schedule"] + k, label).font = BOLD
        ws.merge_cells(start_row=head, start_column=pos["schedule"], end_row=head,
                       end_column=pos["schedule"] + n_sched - 1)
        first = head + 2
    step, dotless = rng.choice((3, 4)), rng.random() < 0.5
    records, r = [], first
    areas = catalogue()["areas"]
    prev_area = prev_keg = None

    def put(level: int, label: str, text: str, bold: bool = False) -> None:
        spaces = " " * (step * level) if indent == "spaces" else ""
        if number_column:
            ws.cell(r, pos["no"], (label.strip().rstrip(".") if dotless else label.strip()) or None)
            label = ""
        cell = ws.cell(r, pos["outline"], spaces + label + text)
        cell.alignment = Alignment(indent=level, vertical="top", wrap_text=True) if indent == "cell" else WRAP
        if bold:
            cell.font = BOLD
            if grey:
                for c in range(1, col):
                    ws.cell(r, c).fill = GREY

    for act in acts:
        a_label, k_label, s_label = _labels(numbering, act.area_no, act.keg_no, act.sub_no)
        if act.area_no != prev_area:
            put(0, a_label, areas[act.area_no - 1]["name"].upper(), bold=True)
            r += 1
        if (act.area_no, act.keg_no) != prev_keg:
            put(1, k_label, act.kegiatan)
            r += 1
        prev_area, prev_keg = act.area_no, (act.area_no, act.keg_no)
        row = act.rows[0]
        put(2, s_label, act.sub)
        ws.cell(r, pos["indikator"], row.text).alignment = WRAP
        rec = {"sheet": sheet_name, "row": r, "area_no": act.area_no, "kegiatan": act.kegiatan,
               "sub_kegiatan": act.sub, "indikator": row.indikator, "planned_months": list(row.planned)}
        if schedule == "text":
            text = schedule_phrase(rng, row.planned, year)
            ws.cell(r, pos["schedule"], text)
            rec["schedule_text"] = text
        else:
            for c in sorted({(m - 1) // 3 if schedule == "quarter" else m - 1 for m in row.planned}):
                ws.cell(r, pos["schedule"] + c, "√")
        if rng.random() < 0.5:
            ws.cell(r, pos["pic"], rng.choice(("Sekretaris", "Kasubbag Hukum dan SDM", "Kasubbag KUL")))
        records.append(rec)
        r += 1
    place = satker.split(" ", 2)[-1]
    for i, line in enumerate((f"{place}, {rng.randint(2, 28)} Januari {year}", f"KETUA {styled_satker(satker, 'kpu')},",
                              "ttd", "NAMA KETUA")):
        ws.cell(r + 2 + i, pos["pic"], line)
    ws.column_dimensions["A"].width = 60
    return records


def generate_outline(path, satker: str, year: int, seed: int, **options) -> dict:
    """A workbook holding one outline plan; its truth (fixtures' *.truth.json format)."""
    wb = Workbook()
    wb.remove(wb.active)
    records = add_outline_sheet(wb, satker, year, seed, **options)
    save(wb, Path(path))
    return {"file": Path(path).name, "satker": satker, "year": year, "layout": "outline", "as_of_month": None,
            "records": records}
