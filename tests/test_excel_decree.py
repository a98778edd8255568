"""A decree's office and plan year come from its heading and LAMPIRAN, never from the years it cites."""

import pytest

from rbdash.excel.decree import decree_texts
from rbdash.excel.office import find_satker, find_year

HEADING = ["KOMISI PEMILIHAN UMUM", "KOTA PASURUAN", "KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA PASURUAN",
           "NOMOR : 3/HK.03.1/3575/2022", "TENTANG", "RENCANA AKSI REFORMASI BIROKRASI",
           "DI LINGKUNGAN KOMISI PEMILIHAN UMUM KOTA PASURUAN", "TAHUN 2022",
           "KETUA KOMISI PEMILIHAN UMUM KOTA PASURUAN,"]
CITING = ["Menimbang : a. bahwa untuk melaksanakan tugas Tim Reformasi Birokrasi;",
          "Mengingat : 1. Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum;",
          "2. Peraturan Presiden Nomor 81 Tahun 2010 tentang Grand Design Reformasi Birokrasi Tahun 2010-2025;",
          "3. Keputusan KPU Provinsi Jawa Timur tentang Road Map Reformasi Birokrasi Tahun 2020-2024;"]
DECIDING = ["MEMUTUSKAN:", "Menetapkan : KEPUTUSAN TENTANG RENCANA AKSI REFORMASI BIROKRASI",
            "KESATU : Rencana aksi sesuai Road Map Tahun 2020-2024.", "Ditetapkan di Pasuruan",
            "pada tanggal 10 Januari 2022", "KETUA KOMISI PEMILIHAN UMUM KOTA PASURUAN,"]
ANNEX = ["LAMPIRAN", "KEPUTUSAN KOMISI PEMILIHAN UMUM KOTA PASURUAN", "NOMOR 3/HK.03.1/3575/2022"]


@pytest.mark.parametrize("lines, satker, year", [
    (HEADING + CITING + DECIDING + ANNEX, "KPU Kota Pasuruan", 2022),
    # the heading lost (a LAMPIRAN kept alone): its own heading names the office; the year is in the title
    (CITING + DECIDING + ANNEX + ["RENCANA AKSI REFORMASI BIROKRASI TAHUN 2023"], "KPU Kota Pasuruan", 2023),
    (["RENCANA AKSI RB KPU KABUPATEN POSO TAHUN 2025"], "KPU Kabupaten Poso", 2025),
])
def test_office_and_year_from_the_heading_not_the_citations(lines, satker, year):
    titles, footers = decree_texts(lines)
    assert find_year(titles) == year
    assert find_satker(titles) == satker


def test_citations_and_decision_are_left_out_and_the_signature_is_a_footer():
    titles, footers = decree_texts(HEADING + CITING + DECIDING + ANNEX)
    assert not any("2017" in t or "2020-2024" in t for t in titles)
    assert footers == ["Ditetapkan di Pasuruan", "KETUA KOMISI PEMILIHAN UMUM KOTA PASURUAN,"]
