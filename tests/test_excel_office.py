"""Which office a workbook is about: title texts, 'Unit Kerja' lines, the signature block; never a person."""

import pytest

from rbdash.excel.office import find_satker


@pytest.mark.parametrize("texts, satker", [
    (["RENCANA AKSI RB KPU KABUPATEN BANJAR TAHUN 2023"], "KPU Kabupaten Banjar"),
    (["KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN BANYUWANGI"], "KPU Kabupaten Banyuwangi"),
    (["Unit Kerja : Kabupaten Sleman"], "KPU Kabupaten Sleman"),
    (["Unit Kerja: KPU Kota Yogyakarta"], "KPU Kota Yogyakarta"),
    (["Satker : Kota Adm. Jakarta Selatan"], "KPU Kota Jakarta Selatan"),
    (["KPU KOTA ADMINISTRASI JAKARTA PUSAT TAHUN 2024"], "KPU Kota Jakarta Pusat"),
    (["Mangupura, 17 Januari 2024", "SEKRETARIS KPU KABUPATEN BADUNG,", "ttd", "NAMA SEKRETARIS"],
     "KPU Kabupaten Badung"),
    (["Drs. I Made Suparta, M.Si", "NIP. 19780312 200312 1 004"], None),
    (["Kabupaten Sleman"], None),  # a place name alone is not an office
    # a PDF heading read as one text: the letterhead's address line follows the name in capitals
    (["KOMISI PEMILIHAN UMUM KABUPATEN GORONTALO Jalan Pemilu Nomor 40, Gorontalo KEPUTUSAN"],
     "KPU Kabupaten Gorontalo"),
    (["KPU KOTA BAU-BAU Jl. Betoambari"], "KPU Kota Bau-bau"),
    (["KPU Provinsi DKI Jakarta"], "KPU Provinsi DKI Jakarta"),  # capitals inside a name written in mixed case
    (["KPU KABUPATEN PENUKAL ABAB LEMATANG ILIR"], "KPU Kabupaten Penukal Abab Lematang Ilir"),
])
def test_find_satker(texts, satker):
    assert find_satker(texts) == satker
