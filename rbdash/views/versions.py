"""What changed between two versions of an office's plan, as the Riwayat page shows it (rbdash.diff)."""

import pandas as pd

from rbdash import diff, wording
from rbdash.schedule import months_text
from rbdash.views.models import VersionDiff

CHANGE, BEFORE, AFTER, WORDS_BEFORE, RECORDED = (
    "Perubahan", "Jadwal sebelum", "Jadwal sesudah", "Sebelumnya", "Realisasi tercatat")
COLUMNS = (CHANGE, wording.AREA, wording.KEGIATAN, wording.SUB_KEGIATAN, wording.INDIKATOR, BEFORE, AFTER,
           WORDS_BEFORE, RECORDED, wording.ROW)
FIELD_LABELS = {"kegiatan": wording.KEGIATAN, "sub_kegiatan": wording.SUB_KEGIATAN, "indikator": wording.INDIKATOR,
                "keterangan": wording.REMARK, "pic": "PIC"}


def version_diff(store, satker, year, from_version=None, to_version=None) -> VersionDiff:
    """Versions ``from_version`` and ``to_version`` of the office's plan compared (by default the
    current one against the one before): changed activities first (in the newer version's order),
    then added, then removed."""
    found = diff.plan_diff(store, satker, year, from_version, to_version)
    rows = [_row(", ".join(wording.CHANGE_LABELS[k] for k in c["changes"]), c, c["planned_before"],
                 c["planned_after"], _words_before(c)) for c in found.changed]
    rows += [_row(wording.CHANGE_LABELS["added"], a, [], a["planned"]) for a in found.added]
    rows += [_row(wording.CHANGE_LABELS["removed"], r, r["planned"], [], recorded=wording.realisation(
        r["realised"], r["evidence_url"], r["note"]) if diff.recorded(r) else "") for r in found.removed]
    changes = found.changes
    kept = None
    if changes.kept:
        kept = (f"{wording.activities(changes.kept)} yang dihapus di versi {changes.to_version} memiliki realisasi "
                f"tercatat: realisasinya tidak dibawa ke versi {changes.to_version} dan tetap tersimpan di versi "
                f"{changes.from_version} (lihat kolom {RECORDED}).")
    return VersionDiff(found.from_version, found.to_version, wording.versions_compared(changes),
                       pd.DataFrame(rows, columns=list(COLUMNS)), kept)


def _words_before(changed) -> str:
    """'Indikator: indikator tiga; Area: 2. Deregulasi': what a changed activity said before."""
    parts = [f"{FIELD_LABELS[f]}: {text or wording.DASH}" for f, text in changed["text_before"].items()]
    if "area" in changed["changes"]:
        parts.append(f"{wording.AREA}: {wording.area_short(changed['area_before'])}")
    return "; ".join(parts)


def _row(change, entry, before, after, words_before="", recorded="") -> list:
    return [change, wording.area_short(entry["area_no"]), entry["kegiatan"] or "", entry["sub_kegiatan"] or "",
            entry["indikator"] or "", months_text(before), months_text(after), words_before, recorded,
            wording.row_source(entry["sheet"], entry["row"])]
