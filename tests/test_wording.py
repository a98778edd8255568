"""The catalogue of wording: each formatter input -> the exact Indonesian text, and the sentences built once."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from rbdash import wording


@pytest.mark.parametrize("rate, digits, text", [
    (0.971, 1, "97,1%"), (0.875, 1, "87,5%"), (1, 1, "100,0%"), (0, 1, "0,0%"), (0.5, 0, "50%"), (0.999, 0, "100%"),
    (1 / 3, 1, "33,3%"), (1.5, 1, "150,0%"), (None, 1, ""), (float("nan"), 1, ""), (np.nan, 0, ""), (pd.NA, 1, "")])
def test_percentages(rate, digits, text):
    assert wording.pct(rate, digits) == text


@pytest.mark.parametrize("n, text", [
    (47810, "47.810"), (0, "0"), (7, "7"), (1234567, "1.234.567"), (np.int64(1400), "1.400"), (12.0, "12"),
    (None, "–"), (float("nan"), "–"), (pd.NA, "–")])
def test_integers(n, text):
    assert wording.integer(n) == text


@pytest.mark.parametrize("x, digits, text", [
    (12.34, 1, "12,3"), (1234.56, 1, "1.234,6"), (25.0, 1, "25,0"), (0.05, 2, "0,05"), (None, 1, "–")])
def test_decimals(x, digits, text):
    assert wording.decimal(x, digits) == text


def test_a_files_size_in_a_refusal_is_written_the_indonesian_way():
    """Issue 21.5: the upload page said 'ukuran file 25.3 MB' (the English point) beside 97,1% elsewhere."""
    from rbdash.errors import UnreadableFile
    from rbdash.excel.container import MAX_FILE_MB, check_container
    with pytest.raises(UnreadableFile) as err:
        check_container(b"PK" + b"\0" * int((MAX_FILE_MB + 0.3) * 1048576))
    assert err.value.message_id == f"ukuran file {MAX_FILE_MB},3 MB melebihi batas {MAX_FILE_MB} MB"
    assert str(err.value) == f"the file is {MAX_FILE_MB}.3 MB, above the {MAX_FILE_MB} MB limit"


@pytest.mark.parametrize("ts, text", [
    (pd.Timestamp("2025-11-23 18:52:07"), "23 Nov 2025 18:52"), (dt.datetime(2024, 5, 1, 7, 5), "1 Mei 2024 07:05"),
    ("2023-08-31 23:59", "31 Agu 2023 23:59"), (None, ""), (pd.NaT, "")])
def test_date_times(ts, text):
    assert wording.date_time(ts) == text


@pytest.mark.parametrize("day, text", [(dt.date(2026, 11, 28), "28 November 2026"), (dt.date(2024, 1, 2), "2 Januari 2024"),
                                       (dt.date(2023, 8, 17), "17 Agustus 2023")])
def test_long_dates(day, text):
    assert wording.long_date(day) == text


@pytest.mark.parametrize("m, short, long", [(1, "Jan", "Januari"), (5, "Mei", "Mei"), (8, "Agu", "Agustus"),
                                            (10, "Okt", "Oktober"), (12, "Des", "Desember")])
def test_months(m, short, long):
    assert (wording.month(m), wording.month_long(m)) == (short, long)


@pytest.mark.parametrize("fn, args, text", [
    (wording.of, (3, 1400), "3 dari 1.400"),
    (wording.units_of, (3, 1400), "3 dari 1.400 bulan-kegiatan"),
    (wording.realised_of, (7, 8), "7 dari 8 bulan-kegiatan terealisasi"),
    (wording.reporting, (3, 1400), "dilaporkan 3 dari 1.400 bulan-kegiatan"),
    (wording.reporting, (0, 0), "dilaporkan 0 dari 0 bulan-kegiatan"),
    (wording.rate_up_to, (9,), "Capaian s.d. Sep"),
    (wording.year_as_of, (2023, 9), "Tahun 2023, kondisi s.d. Sep"),
    (wording.year_as_of, (2023, 9, True), "Tahun 2023, kondisi s.d. September"),
    (wording.source_row, ("Renaksi", 7), "lembar Renaksi baris 7"),
    (wording.row_source, ("Renaksi", 7), "baris 7 · Renaksi"),
    (wording.activities, (12,), "12 kegiatan"),
    (wording.province_office, ("Jawa Timur",), "Provinsi Jawa Timur"),
])
def test_sentences_with_figures(fn, args, text):
    assert fn(*args) == text


def test_the_reporting_sentence_is_the_dilaporkan_cell_after_its_verb():
    """One sentence, no cutting back: the table cell is the sentence's object."""
    assert wording.reporting(12, 47810) == f"dilaporkan {wording.units_of(12, 47810)}"


@pytest.mark.parametrize("counts, up_to, text", [
    ((36, 1, 0), None, "36 satker belum mengunggah rencana, 1 belum melaporkan realisasi"),
    ((36, 1, 2), None, "36 satker belum mengunggah rencana, 1 belum melaporkan realisasi, "
                       "2 nama tidak cocok dengan daftar resmi"),
    ((0, 0, 1), 3, "0 satker belum mengunggah rencana, 0 belum melaporkan realisasi s.d. Mar, "
                   "1 nama tidak cocok dengan daftar resmi")])
def test_who_has_not_submitted_in_one_sentence(counts, up_to, text):
    assert wording.not_submitted_counts(*counts, up_to=up_to) == text


@pytest.mark.parametrize("no, label, short, title", [
    (1, "1. Manajemen Perubahan", "1. Manajemen Perubahan", "1\nManajemen\nPerubahan"),
    (2, "2. Penataan Peraturan Perundang-undangan", "2. Deregulasi", "2\nDeregu-\nlasi"),
    (8, "8. Peningkatan Kualitas Pelayanan Publik", "8. Pelayanan Publik", "8\nPelayanan\nPublik"),
    (None, "Tanpa area", "Tanpa area", None), (0, "Tanpa area", "Tanpa area", None)])
def test_area_labels(no, label, short, title):
    assert (wording.area_label(no), wording.area_short(no)) == (label, short)
    if title:
        assert wording.area_title(no) == title


@pytest.mark.parametrize("name, label", [
    ("KPU Kabupaten Banjar", "Kab. Banjar"), ("KPU Kota Banjarbaru", "Kota Banjarbaru"),
    ("KPU Provinsi Jawa Timur", "Prov. Jawa Timur"), ("KPU RI", "KPU RI"), ("KPU KAB. GRESIK", "KPU KAB. GRESIK"),
    ("Jawa Timur", "Jawa Timur")])
def test_office_row_labels(name, label):
    assert wording.office_label(name) == label
