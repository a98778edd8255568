"""Work plans that are not RB action plans, as offices' shared folders hold them beside the real ones.

A statistics office's monthly target tracker: the kegiatan are budget output codes
(``2896.BMA.004 PUBLIKASI/LAPORAN STATISTIK KESEJAHTERAAN RAKYAT``), the indikator are numbers, the
month columns hold counts.  The parser finds a plan table in it (KEGIATAN, INDIKATOR, twelve months
with marks), yet nothing in it names a KPU office or an RB change area: saved under a KPU plan's
file name it must be refused, not stored as that office's plan.  ``generate`` varies the title,
the header words, the month labels and the outputs with the seed.
"""

import random
from pathlib import Path

from openpyxl import Workbook

from rbdash.demo.content import LONG_MONTHS

OUTPUTS = (
    ("2886.EBA.956", "LAYANAN BMN"), ("2886.EBA.962", "LAYANAN UMUM"),
    ("2886.EBA.994", "LAYANAN PERKANTORAN"), ("2886.EBD.955", "LAYANAN MANAJEMEN KEUANGAN"),
    ("2896.BMA.004", "PUBLIKASI/LAPORAN STATISTIK KESEJAHTERAAN RAKYAT"),
    ("2897.BMA.008", "PUBLIKASI/LAPORAN STATISTIK KETAHANAN SOSIAL"),
    ("2898.BMA.007", "PUBLIKASI/LAPORAN SENSUS PENDUDUK"),
    ("2900.BMA.005", "PUBLIKASI/LAPORAN STATISTIK PETERNAKAN, PERIKANAN DAN KEHUTANAN"),
    ("2901.BMA.006", "PUBLIKASI/LAPORAN STATISTIK INDUSTRI, PERTAMBANGAN DAN ENERGI"),
    ("2902.BMA.006", "PUBLIKASI/LAPORAN STATISTIK HARGA"),
    ("2903.BMA.009", "PUBLIKASI/LAPORAN STATISTIK KEUANGAN, TEKNOLOGI INFORMASI DAN PARIWISATA"),
    ("2905.BMA.004", "PUBLIKASI/LAPORAN NERACA PRODUKSI"),
    ("2906.BMA.003", "PUBLIKASI/LAPORAN NERACA PENGELUARAN"),
    ("2908.BMA.009", "PUBLIKASI/LAPORAN ANALISIS DAN PENGEMBANGAN STATISTIK"),
    ("2909.BMA.006", "PUBLIKASI/LAPORAN STATISTIK TANAMAN PANGAN"),
    ("2910.BMA.007", "PUBLIKASI/LAPORAN STATISTIK DISTRIBUSI"),
    ("2912.QMA.006", "DATA DAN INFORMASI PUBLIK"),
)
TITLES = ("MONITORING TARGET KEGIATAN BULANAN", "RENCANA KERJA BULANAN TIM STATISTIK",
          "TARGET DAN REALISASI OUTPUT KEGIATAN", "JADWAL DAN TARGET PENYELESAIAN OUTPUT")
HEADERS = (("NO", "KEGIATAN", "INDIKATOR", "SATUAN"), ("No.", "Kegiatan / Output", "Indikator", "Satuan"),
           ("NO", "URAIAN KEGIATAN", "INDIKATOR KINERJA", "SATUAN"))
UNITS = ("Publikasi", "Laporan", "Dokumen", "Kegiatan", "Dokumen", "Layanan")
MONTH_LABELS = ("numbers", "short", "long")
_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def generate(path, seed: int, rows: int = 100) -> int:
    """Write a tracker of ``rows`` output lines to ``path`` (.xlsx); return how many lines carry a
    count in some month (what the parser reads as activities)."""
    rng = random.Random(f"workplan:{seed}")
    wb = Workbook()
    ws = wb.active
    ws.title = rng.choice(("Target", "Sheet1", "Monitoring", "TW"))
    ws.append([rng.choice(TITLES)])
    if rng.random() < 0.5:
        ws.append([rng.choice(("Tim Statistik Sosial", "Subbagian Umum", "Tim Neraca dan Analisis"))])
    ws.append([])
    labels = rng.choice(MONTH_LABELS)
    months = {"numbers": list(range(1, 13)), "short": list(_SHORT), "long": [m.upper() for m in LONG_MONTHS]}[labels]
    ws.append(list(rng.choice(HEADERS)) + months)
    scheduled = 0
    for i in range(rows):
        code, name = OUTPUTS[rng.randrange(len(OUTPUTS))]
        counts = [rng.choice((0, 0, 1, 1, 2, 3)) if rng.random() < 0.6 else None for _ in range(12)]
        scheduled += any(counts)
        ws.append([i + 1, f"{code} {name}", rng.choice((1, 2, 4, 12, 24)), rng.choice(UNITS)] + counts)
    wb.save(Path(path))
    return scheduled
