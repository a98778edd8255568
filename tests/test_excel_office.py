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
])
def test_find_satker(texts, satker):
    assert find_satker(texts) == satker
