"""Getting workbooks into the store: the first-start sample database and batch imports.

One mechanism serves both the embedded default (``ensure_database``: no DB file yet -> create it and
import ``data/samples/``) and the Impor page (``parse_upload`` per file, then ``import_parsed``):
each file parses and imports on its own, so one bad file never stops the others, and every
failure is reduced to its one-line Indonesian reason.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rbdash.areas import SHORT, area_label
from rbdash.errors import RbdashError
from rbdash.store import Store

SAMPLES_DIR = Path(__file__).resolve().parents[1] / "data" / "samples"
SAMPLE_ACTOR = "sampel"


@dataclass
class Parsed:
    """One uploaded file: its parsed plan, or the reason it was refused."""
    name: str
    plan: object = None
    error: str | None = None


def parse_upload(name, data):
    """Parse one workbook (bytes or path); never raises: errors become an Indonesian reason."""
    from rbdash.excel import parse_workbook
    try:
        return Parsed(name, plan=parse_workbook(data, name=name))
    except RbdashError as exc:
        return Parsed(name, error=exc.message_id)
    except Exception as exc:  # a parser bug must be one line for the user, not a traceback
        return Parsed(name, error=f"kesalahan tak terduga saat membaca file ({type(exc).__name__})")


def import_parsed(store, parsed, actor):
    """Import each parsed file in its own transaction; one result dict per file.

    ``status`` is "berhasil", "duplikat" (identical file imported before: skipped) or "ditolak"
    (with the reason in ``detail``).
    """
    results = []
    for p in parsed:
        base = {"file": p.name, "satker": None, "year": None, "version": None, "activities": None}
        if p.plan is None:
            results.append({**base, "status": "ditolak", "detail": p.error})
            continue
        base.update(satker=p.plan.satker, year=p.plan.year)
        try:
            res = store.import_plan(p.plan, actor=actor or "anonim")
        except RbdashError as exc:
            results.append({**base, "status": "ditolak", "detail": exc.message_id})
            continue
        except Exception as exc:  # the transaction rolled back; report and carry on with the next file
            results.append({**base, "status": "ditolak",
                            "detail": f"kesalahan tak terduga saat menyimpan ({type(exc).__name__})"})
            continue
        if res["status"] == "duplicate":
            results.append({**base, "status": "duplikat", "version": res["version"],
                            "detail": f"sama persis dengan versi {res['version']} yang sudah ada; dilewati"})
        else:
            carried = f", realisasi {res['carried_over']} kegiatan dibawa dari versi sebelumnya" \
                if res.get("carried_over") else ""
            results.append({**base, "status": "berhasil", "version": res["version"],
                            "activities": res["activities"],
                            "detail": f"versi {res['version']}, {res['activities']} kegiatan, "
                                      f"{len(p.plan.issues)} peringatan{carried}"})
    return results


def workbooks(folder):
    from rbdash.excel import workbook_files
    return list(workbook_files([folder])) if Path(folder).is_dir() else []


def ensure_database(db_path, samples_dir=None):
    """First start: when ``db_path`` does not exist, build it from the sample workbooks.

    The samples are written by ``rbdash.demo`` when the folder is empty.  The database is built
    under a temporary name and renamed into place, so a crash or a second process starting at the
    same moment never leaves a half-loaded file.  Returns the import results (None if it existed).
    """
    db_path = Path(db_path)
    if db_path.exists():
        return None
    samples_dir = Path(samples_dir) if samples_dir else SAMPLES_DIR
    files = workbooks(samples_dir)
    if not files:
        from rbdash import demo
        demo.write_samples(samples_dir, truth=False)
        files = workbooks(samples_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=db_path.name + ".", suffix=".building", dir=db_path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB wants to create the file itself
    try:
        store = Store(tmp)
        results = import_parsed(store, [parse_upload(p.name, p) for p in files], SAMPLE_ACTOR)
        with store.connect() as con:
            con.execute("CHECKPOINT").fetchall()
        if not db_path.exists():
            os.replace(tmp, db_path)
        return results
    finally:
        for leftover in (Path(tmp), Path(tmp + ".wal")):
            leftover.unlink(missing_ok=True)


# --------------------------------------------------------------------------------- previews

def preview_frames(plan, first=10):
    """What the Impor page shows before confirming: counts per area, warnings, the first rows."""
    from rbdash.charts import months_text
    acts = pd.DataFrame({
        "area_no": [a.area_no for a in plan.activities],
        "sheet": [a.sheet for a in plan.activities],
        "row": [a.row for a in plan.activities],
    })
    per_area = (acts.assign(area_no=acts["area_no"].fillna(0).astype(int))
                .groupby("area_no").size().rename("kegiatan").reset_index())
    per_area.insert(0, "area", [f"{n}. {SHORT[n]}" if n in SHORT else "Tanpa area" for n in per_area["area_no"]])
    per_area = per_area.drop(columns="area_no")
    issues = pd.DataFrame([{"lembar": i.sheet or "", "baris": str(i.row or ""), "peringatan": i.message_id}
                           for i in plan.issues], columns=["lembar", "baris", "peringatan"])
    head = pd.DataFrame([{
        "lembar": a.sheet, "baris": a.row, "area": area_label(a.area_no), "kegiatan": a.kegiatan or "",
        "sub kegiatan": a.sub_kegiatan or "", "indikator": a.indikator_text() or "",
        "jadwal": months_text(a.planned_months), "realisasi": months_text(a.realized_months),
    } for a in plan.activities[:first]])
    return {"per_area": per_area, "issues": issues, "head": head}
