"""The words the dashboard, the workbook and the meeting deck show about plans and figures, and the
formatters of numbers, percentages and dates in Indonesian: one catalogue, beside errors.MESSAGES
(which holds the messages of refusals and failures).

Why one catalogue: the same phrase ("belum ada data", "dilaporkan 3 dari 140 bulan-kegiatan") was
written in three to seven modules, so a page, a workbook and a slide could say the same figure in
different words.  A recurring phrase is a constant here; a sentence with figures in it is a function
here that takes the figures; pages and renderers (rbdash.charts, grids, export, report) take their
text from it.  One formatter each for a percentage (97,1%), an integer (47.810), a date.  No
streamlit, no database: plain text in, plain text out (escaping for HTML or markdown is the
renderer's business).
"""

import sys
from functools import lru_cache

# --------------------------------------------------------------------------------- months

MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_LONG = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember")


def month(m) -> str:
    """3 -> 'Mar'."""
    return MONTHS[int(m) - 1]


def month_long(m) -> str:
    """3 -> 'Maret'."""
    return MONTHS_LONG[int(m) - 1]


# --------------------------------------------------------------------------------- formatters

DASH = "–"  # a missing number in a table


def missing(value) -> bool:
    """None, NaN, NaT or pd.NA (a missing figure, date or mask) -- without loading pandas: the parse
    workers and the import use this module and rbdash.schedule, and a pandas missing value can only
    exist once something else loaded it.  Plain numbers and texts are answered first: a national
    figure asks it thousands of times."""
    if value is None:
        return True
    if isinstance(value, float):  # numpy's float64 too: NaN is the one value unequal to itself
        return value != value
    if isinstance(value, (int, str)):
        return False
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.integer):  # counts out of numpy arrays
        return False
    pd = sys.modules.get("pandas")
    return pd.isna(value) if pd is not None else value != value  # NaT differs from itself


def pct(rate, digits=1) -> str:
    """0.875 -> '87,5%' (Indonesian decimal comma); None/NaN -> ''."""
    if missing(rate):
        return ""
    return f"{rate * 100:.{digits}f}%".replace(".", ",")


def integer(n) -> str:
    """12345 -> '12.345' (Indonesian thousands separator); None/NaN -> '–'."""
    if missing(n):
        return DASH
    return _grouped(int(n))


@lru_cache(maxsize=4096)   # the same counts are written thousands of times per national figure
def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def decimal(x, digits=1) -> str:
    """12.34 -> '12,3', 1234.5 -> '1.234,5' (Indonesian separators); None/NaN -> '–'."""
    if missing(x):
        return DASH
    return f"{float(x):,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def date_time(ts) -> str:
    """'23 Nov 2025 18:52' with Indonesian month abbreviations; '' when missing."""
    if missing(ts):
        return ""
    import pandas as pd
    ts = pd.Timestamp(ts)
    return f"{ts.day} {month(ts.month)} {ts.year} {ts:%H:%M}"


def long_date(day) -> str:
    """28 November 2026."""
    return f"{day.day} {month_long(day.month)} {day.year}"


@lru_cache(maxsize=16384)   # rankings and heatmaps write the same pairs at every national visit
def of(part, whole) -> str:
    """'3 dari 1.400'."""
    return f"{integer(part)} dari {integer(whole)}"


# --------------------------------------------------------------------------------- the unit and the measures

UNIT = "bulan-kegiatan"  # an activity in one of its months: what completion counts
NO_DATA = "belum dilaporkan"  # an office (or group, or month) not reported (rbdash.schedule): never 0%
NOTHING_DUE = DASH  # a cell where nothing was due yet
NO_PROVINCE = "(tanpa provinsi)"  # offices that match no official office (and KPU RI)
NO_AREA = "Tanpa area"
NO_DESCRIPTION = "(tanpa uraian)"
DEFINITION = "bulan-kegiatan terealisasi sesuai jadwal ÷ yang dijadwalkan"
NATIONAL = "Nasional"
NATIONAL_COMPARISON = "Perbandingan nasional"

# labels of figures, tables and widgets
RATE, COVERAGE, TOTAL, REALISED, REPORTED, REPORTING = (
    "Capaian", "Cakupan", "Total", "Terealisasi", "Dilaporkan", "Pelaporan")
SATKER, PROVINCE, AREA, YEAR, MONTH, LEVEL = "Satker", "Provinsi", "Area", "Tahun", "Bulan", "Tingkat"
DUE, RANK, REMARK, ROW, OFFICES_WITH_DATA = "Jatuh tempo", "Peringkat", "Keterangan", "Baris", "Melapor"
ALL_OFFICES, OFFICES_REPORTING = "Semua satker", "Satker yang melapor"
REPORTED_MONTHS = "Bulan dilaporkan"
PLAN_VERSION, PER_AREA, PER_MONTH = "Versi rencana", "Per area", "Per bulan"
OPEN_GANTT, SEE_OFFICES = "Buka Gantt", "Lihat satker"

def year_offices(year, offices) -> str:
    """'2024 · 550 satker': a year as the year selector offers it, with the offices it covers (a year
    only one office has a plan for must not look like the year everyone reports in)."""
    return f"{year} · {integer(offices)} {SATKER.lower()}"


def rate_up_to(m) -> str:
    """'Capaian s.d. Sep': the completion up to the as-of month."""
    return f"{RATE} s.d. {month(m)}"


def year_as_of(year, m, long=False) -> str:
    """'Tahun 2023, kondisi s.d. Sep' (or '… s.d. September')."""
    return f"Tahun {year}, kondisi s.d. {month_long(m) if long else month(m)}"


def realised_of(realized, planned) -> str:
    """'7 dari 8 bulan-kegiatan terealisasi'."""
    return f"{of(realized, planned)} {UNIT} {REALISED.lower()}"


def units_of(part, whole) -> str:
    """'3 dari 1.400 bulan-kegiatan' (e.g. a Dilaporkan cell)."""
    return f"{of(part, whole)} {UNIT}"


def months_reported(n, as_of) -> str:
    """'6 dari 9 bulan': the months up to the as-of month an office has reported (what its rate rests on)."""
    return f"{of(n, as_of)} {MONTH.lower()}"


def offices_reported(reporting_offices, offices) -> str:
    """'1 dari 6 satker melapor': how many of a province's offices its rate rests on."""
    return f"{of(reporting_offices, offices)} {SATKER.lower()} melapor"


def reporting(reported, due) -> str:
    """'dilaporkan 3 dari 1.400 bulan-kegiatan': how much of the due work a rate rests on."""
    return f"{REPORTED.lower()} {units_of(reported, due)}"


# --------------------------------------------------------------------------------- schedule states (the Gantt)

PLANNED_LABEL, DONE_LABEL, LATE_LABEL, OUTSIDE_LABEL, UNREPORTED_LABEL = (
    "Direncanakan", REALISED, "Terlambat", "Terealisasi di luar jadwal", "Belum dilaporkan")
# the Progres editor's month cells: the planned months are visible where one ticks (issue 13.2); a
# month the office has not reported is '?' in a grid read without colour
DONE_MARK, PLANNED_MARK, LATE_MARK, UNREPORTED_MARK = "✓", "○", "✗", "?"


# --------------------------------------------------------------------------------- monthly reports (Progres)

REPORTS_TITLE = "Laporan bulanan"
REPORTS_RULE = ("Capaian dihitung hanya pada bulan yang sudah dilaporkan; bulan yang belum dilaporkan berwarna abu-abu "
                "(bukan terlambat). Impor workbook monitoring s.d. bulan tertentu berarti bulan 1 s.d. bulan itu "
                "dilaporkan.")


def report_button(m) -> str:
    """'Kirim laporan bulan Sep'."""
    return f"Kirim laporan bulan {month(m)}"


def report_sent(m) -> str:
    """'Laporan bulan Sep dikirim.'"""
    return f"Laporan bulan {month(m)} dikirim."


def report_state(m, sent) -> str:
    """'Sep: dilaporkan' / 'Sep: belum dilaporkan': a month's report before or after a change (Riwayat)."""
    return f"{month(m)}: {REPORTED.lower() if sent else NO_DATA}"


def nothing_reported(m) -> str:
    """What an office that reported no month up to ``m`` shows instead of a rate."""
    return (f"Satker ini belum melaporkan bulan mana pun s.d. {month(m)}: bulan-bulan itu berwarna abu-abu "
            f"({NO_DATA}), bukan terlambat, dan belum ada capaian.")


def reported_so_far(months) -> str:
    """'Bulan yang sudah dilaporkan: Jan–Jun, Sep' ('belum ada' when none)."""
    from rbdash.schedule import months_text
    return f"Bulan yang sudah dilaporkan: {months_text(months) or 'belum ada'}"


KEGIATAN, SUB_KEGIATAN, INDIKATOR, SCHEDULE = "Kegiatan", "Sub kegiatan", "Indikator", "Jadwal"
EVIDENCE, NOTE, SOURCE = "Bukti dukung", "Catatan", "Sumber"


def source_row(sheet, row) -> str:
    """'lembar Renaksi baris 7': where an activity stands in its workbook."""
    return f"lembar {sheet} baris {int(row)}"


def row_source(sheet, row) -> str:
    """'baris 7 · Renaksi': the row first, so a narrow column cuts the sheet's name, not the row."""
    return f"baris {int(row)} · {sheet}"


def activities(n) -> str:
    """'12 kegiatan'."""
    return f"{n} kegiatan"


# --------------------------------------------------------------------------------- areas and offices

# heatmap column titles that fit a 1366 px projector at 14 px: nine columns of ~75 px
_AREA_TITLES = {1: "Manajemen\nPerubahan", 2: "Deregu-\nlasi", 3: "Organi-\nsasi", 4: "Tata\nLaksana",
                5: "SDM\nAparatur", 6: "Akunta-\nbilitas", 7: "Penga-\nwasan", 8: "Pelayanan\nPublik"}


def area_label(no) -> str:
    """'1. Manajemen Perubahan' (the area's full name); 'Tanpa area'."""
    from rbdash.areas import AREAS
    return f"{no}. {AREAS[no]}" if no in AREAS else NO_AREA


def area_short(no) -> str:
    """'2. Deregulasi' (the area's short name: table headers, previews); 'Tanpa area'."""
    from rbdash.areas import SHORT
    return f"{no}. {SHORT[no]}" if no in SHORT else NO_AREA


def area_header(no) -> str:
    """'Area 7': an area as a data grid's column header, which has one short line (the name is its help)."""
    return f"{AREA} {no}"


def area_title(no) -> str:
    """A narrow heatmap column title: the number, then the short name on lines below."""
    from rbdash.areas import SHORT
    return f"{no}\n" + _AREA_TITLES[no] if no in _AREA_TITLES else f"{no}\n{SHORT[no]}"


def office_label(name) -> str:
    """A short row label: 'KPU Kabupaten Banjar' -> 'Kab. Banjar', 'KPU Kota X' -> 'Kota X',
    'KPU Provinsi X' -> 'Prov. X' (every row is a KPU office; hover and tables keep the full name)."""
    text = str(name)
    for prefix, short in (("KPU Kabupaten ", "Kab. "), ("KPU Kota ", "Kota "), ("KPU Provinsi ", "Prov. ")):
        if text.startswith(prefix):
            return short + text[len(prefix):]
    return text


def province_office(province) -> str:
    """'Provinsi Jawa Timur': a province as a scope."""
    return f"{PROVINCE} {province}"


# --------------------------------------------------------------------------------- levels and filters

LEVELS = {"provinsi": "Per provinsi", "satker": "Per satker"}  # comparison level (issue 7.1)
# the order of a grid's rows (the app's own: rows without data stay last in either direction, issue 21.7)
ORDERS = {"tinggi": "Capaian tertinggi", "rendah": "Capaian terendah", "nama": "Nama A–Z"}
ORDER_LABEL, SEARCH_LABEL = "Urutkan", "Cari"
UPLOAD_BUTTON = "Pilih file"  # the file uploader's button (Streamlit writes 'Upload')
UPLOAD_LIMITS = "Seret file ke kotak ini atau klik {button} · batas {mb} MB per file · {types}"
SEARCH_HELP = "Ketik sebagian nama; baris yang cocok tampil paling atas"
NO_MATCH = "Tidak ada {what} yang namanya memuat “{text}”."
REPORTING_CHOICES = {"semua": ALL_OFFICES, "lengkap": "Pelaporan lengkap", "belum": "Pelaporan belum lengkap"}
NO_OFFICE_FOR_FILTER = "Tidak ada satker untuk filter ini."
SELECTED = "{n} satker terpilih"

# comparison heatmaps: (level, columns) -> title
HEATMAP_TITLES = {("satker", "area"): "Capaian per area s.d. {month} {year}",
                  ("satker", "month"): "Capaian per bulan {year} (Total = s.d. {month})",
                  ("provinsi", "area"): "Capaian per provinsi dan area s.d. {month} {year}",
                  ("provinsi", "month"): "Capaian per provinsi per bulan {year} (Total = s.d. {month})"}
RATE_HELP = ("Bulan-kegiatan terealisasi sesuai jadwal ÷ bulan-kegiatan yang dijadwalkan s.d. bulan ini, pada bulan "
             "yang sudah dilaporkan tiap satker (laporan bulanan atau impor workbook monitoring); bulan yang belum "
             "dilaporkan tidak dihitung.")
# Perbandingan's captions: what grey means (rbdash.schedule's "not reported"), how provinces pool
GREY_CAPTION = (f"Abu-abu = {NO_DATA} (bukan 0%, bukan terlambat: tidak dihitung dalam capaian); abu-abu muda = "
                "tidak ada yang dijadwalkan.")
PROVINCES_CAPTION = ("Tiap provinsi menggabungkan KPU Provinsi dan KPU Kabupaten/Kota-nya dengan definisi yang sama; "
                     "capaian tiap satker dihitung pada bulan yang sudah dilaporkannya, satker yang belum melapor tidak "
                     "dihitung ({counted}).")
REPORTED_MONTHS_HELP = ("Capaian satker dihitung hanya pada bulan yang sudah dilaporkannya (laporan bulanan atau impor "
                        "workbook monitoring); provinsi: satker yang sudah melapor")
HEATMAP_CAPTION = (f"{RATE} = {DEFINITION}, pada bulan yang sudah dilaporkan tiap satker; abu-abu = {NO_DATA} "
                   "(bukan 0%); urut dari capaian tertinggi")
COVERAGE_CAPTION = ("Persentase kegiatan standar (katalog) per area yang tercakup rencana aksi satker; jumlah "
                    "kegiatan di rencana ada di tabel di bawahnya.")
PROVINCE_COVERAGE_CAPTION = ("Persentase kegiatan standar (katalog) yang tercakup rencana aksi, dijumlahkan atas "
                             "satker provinsi itu (KPU Provinsi dan Kabupaten/Kota) ÷ (jumlah satker × kegiatan "
                             "standar area).")

# --------------------------------------------------------------------------------- the trend

TREND_TITLE = "Tren capaian {year}: {scope}"
TREND_CUMULATIVE, TREND_RATES = "Bulan-kegiatan kumulatif: rencana dan realisasi", "Capaian per bulan dan kumulatif"
# the curves and bars of the figure, and the columns of the tables
PLANNED_CUM, REALISED_CUM, RATE_OF_MONTH, RATE_CUM = (
    "Rencana (kumulatif)", "Realisasi (kumulatif)", "Capaian bulan itu", "Capaian kumulatif")
PLAN_CUM_COLUMN, REALISED_CUM_COLUMN = "Rencana kumulatif", "Realisasi kumulatif"
TREND_TABLE = "Angka per bulan: rencana, realisasi dan capaian"  # the trend's table, opened on request

# --------------------------------------------------------------------------------- year over year

YEAR_OVER_YEAR = "Tahun ke tahun"
YOY_TITLE = "Capaian tahun ke tahun s.d. {month}: {scope}"
YOY_CAPTION = ("Capaian tiap tahun dihitung s.d. bulan yang sama ({month}), dengan definisi yang sama; "
               "abu-abu = belum ada data realisasi (bukan 0%)")
IMPROVED, FELL, CHANGE = "Paling meningkat", "Paling menurun", "Perubahan"
FROM_YEAR, TO_YEAR = "Dari tahun", "Ke tahun"
NOBODY_CHANGED = "Tidak ada."


def points(delta, digits=1) -> str:
    """0.042 -> '+4,2 poin': a change of a rate in percentage points; None/NaN -> ''."""
    if missing(delta):
        return ""
    return f"{delta * 100:+.{digits}f} poin".replace(".", ",")


def rate_in(year) -> str:
    """'Capaian 2023': a year's rate as a column header."""
    return f"{RATE} {year}"


def one_year_only(year) -> str:
    """Why a year-over-year view has nothing to compare."""
    return (f"Baru ada rencana aksi tahun {year}; perbandingan antar tahun tampil setelah rencana aksi "
            "tahun lain diunggah.")


def offices_compared(n, from_year, to_year) -> str:
    """'4 satker punya data realisasi di 2022 dan 2023': whom the improved/fell lists compare."""
    return f"{integer(n)} {SATKER.lower()} punya data realisasi di {from_year} dan {to_year}"


# --------------------------------------------------------------------------------- laggards

LAGGARDS_TITLE = "{What} di bawah median"
LAGGARDS_ORDER = "paling rendah dahulu, paling banyak {limit}"
NOBODY_REPORTS = "Belum ada {what} yang melaporkan realisasi."
NOBODY_BELOW = "Tidak ada {what} di bawah median."

# --------------------------------------------------------------------------------- who has not submitted

NO_PLAN_TEXT = "belum mengunggah rencana aksi"
NO_REALISATION_TEXT = "belum melaporkan realisasi"
UNMATCHED_TEXT = "nama tidak cocok dengan daftar resmi"
ALL_SUBMITTED = "Semua satker sudah mengirim."
NAME_IN_WORKBOOK = "Nama di workbook"
STATUS = "Status"


def not_submitted_counts(no_plan, no_realisation, unmatched, up_to=None) -> str:
    """'36 satker belum mengunggah rencana, 1 belum melaporkan realisasi[ s.d. Mar][, 2 nama tidak
    cocok dengan daftar resmi]': the counts of who has not submitted, as one sentence."""
    text = f"{no_plan} satker belum mengunggah rencana, {no_realisation} {NO_REALISATION_TEXT}"
    text += f" s.d. {month(up_to)}" if up_to else ""
    return text + (f", {unmatched} {UNMATCHED_TEXT}" if unmatched else "")



# --------------------------------------------------------------------------------- what a new plan version changed

NO_REALISATION = "belum ada realisasi"


def realisation(months, evidence_url=None, note=None) -> str:
    """'Jan–Feb; bukti: https://…; catatan: awal': realisation recorded on an activity, on one line."""
    from rbdash.schedule import months_text
    parts = [months_text(months) or NO_REALISATION]
    if evidence_url:
        parts.append(f"bukti: {evidence_url}")
    if note:
        parts.append(f"catatan: {note}")
    return "; ".join(parts)


# how an activity differs between two versions (rbdash.diff.KINDS, added, removed), per language: the
# Impor page and Riwayat say it in Indonesian, the CLI's import line and `diff` in English -- one
# sentence, so both always give the same counts
CHANGE_LABELS = {"schedule": "berubah jadwal", "text": "berubah uraian", "area": "berpindah area",
                 "added": "ditambah", "removed": "dihapus"}
_LABELS = {"id": CHANGE_LABELS,
           "en": {"schedule": "rescheduled", "text": "reworded", "area": "moved to another area", "added": "added",
                  "removed": "removed"}}
_COUNTED = (("schedule", "rescheduled"), ("text", "reworded"), ("area", "moved"), ("added", "added"),
            ("removed", "removed"))  # (label, the rbdash.diff.Changes count)
_UNIT = {"id": ("kegiatan", "kegiatan"), "en": ("activity", "activities")}
_KEPT = {"id": " (realisasi tercatat pada {n}, tetap tersimpan di versi {v})",
         "en": " (realisation recorded on {n}, kept on version {v})"}
_UNCHANGED = {"id": "tidak ada kegiatan yang berubah", "en": "no activity changed"}


def plan_changes(changes, lang="id") -> str:
    """'3 kegiatan berubah jadwal, 1 ditambah, 1 dihapus (realisasi tercatat pada 1, tetap tersimpan
    di versi 1)' -- in English '3 activities rescheduled, 1 added, 1 removed (realisation recorded
    on 1, kept on version 1)': what a plan version changed (an rbdash.diff.Changes).  An activity
    changed in two ways counts in both."""
    parts = []
    for label, count in _COUNTED:
        n = getattr(changes, count)
        if n:
            unit = f" {_UNIT[lang][n != 1]}" if not parts else ""
            parts.append(f"{n}{unit} {_LABELS[lang][label]}")
    if not parts:
        return _UNCHANGED[lang]
    return ", ".join(parts) + (_KEPT[lang].format(n=changes.kept, v=changes.from_version) if changes.kept else "")


def version_changes(changes) -> str:
    """'versi 2: 3 kegiatan berubah jadwal, 1 ditambah': a new version and what it changed."""
    return f"versi {changes.to_version}: {plan_changes(changes)}"


def versions_compared(changes) -> str:
    """'Versi 1 → versi 2: 3 kegiatan berubah jadwal, 1 ditambah' (Riwayat)."""
    return f"Versi {changes.from_version} → versi {changes.to_version}: {plan_changes(changes)}"


# --------------------------------------------------------------------------------- verification (issue 23.2)

# the states of a reported month (rbdash.store.verification.STATES) as the pages say them
VERIFICATION_LABELS = {"dilaporkan": "menunggu verifikasi", "terverifikasi": "terverifikasi", "ditolak": "ditolak"}
VERIFIED, VERIFIED_RATE = "Terverifikasi", "Capaian terverifikasi"
# what colours the comparison heatmap (Perbandingan's switch)
RATE_BASES = {"dilaporkan": REPORTED, "terverifikasi": VERIFIED}
VERIFIED_DEFINITION = "bulan-kegiatan terealisasi sesuai jadwal dan terverifikasi provinsi ÷ yang dijadwalkan"
REASON, REPORTED_AT = "Alasan", "Dilaporkan pada"
# the Verifikasi page
VERIFY_TITLE = "Verifikasi laporan realisasi"
VERIFY_INTRO = ("Bulan-kegiatan yang dilaporkan terealisasi dan belum diperiksa, laporan terlama di atas. Buka "
                "tautan bukti dukung (tab baru), pilih baris, lalu Verifikasi atau Tolak dengan alasan. Satker "
                "melihat penolakan beserta alasannya di halaman Progres.")
VERIFY_BUTTON, REJECT_BUTTON, ALL_MONTHS = "Verifikasi", "Tolak", "Semua bulan"
REJECT_REASON_HINT = "Alasan penolakan (wajib, dibaca satker)"
PICK_ROWS = "Pilih satu baris atau lebih (kotak di kiri) untuk memverifikasi atau menolak."
NAME_NEEDED = "Isi **Nama petugas** di panel samping untuk dapat menyimpan (dicatat di jejak audit)."


def awaiting(n) -> str:
    """'12 bulan-kegiatan menunggu verifikasi'."""
    return f"{integer(n)} {UNIT} {VERIFICATION_LABELS['dilaporkan']}"


def verified_done(n) -> str:
    """'3 bulan-kegiatan terverifikasi.'"""
    return f"{integer(n)} {UNIT} {VERIFIED.lower()}."


def rejected_done(n) -> str:
    """'2 bulan-kegiatan ditolak.'"""
    return f"{integer(n)} {UNIT} {VERIFICATION_LABELS['ditolak']}."


def rejected_rows(n) -> str:
    """'2 kegiatan ditolak provinsi: perbaiki lalu Simpan untuk mengirim ulang.' (Progres)."""
    return f"{n} kegiatan ditolak provinsi: perbaiki lalu Simpan untuk mengirim ulang."
VERIFIED_CAPTION = (f"{VERIFIED_RATE} = {VERIFIED_DEFINITION}; abu-abu = belum ada data realisasi (bukan 0%); "
                    "urut dari capaian dilaporkan tertinggi")
NOTHING_AWAITS = "Tidak ada laporan yang menunggu verifikasi untuk filter ini."


def verification_states(states) -> str:
    """'Jan: terverifikasi; Feb: ditolak (bukti kosong)': the states of some months of an activity
    ({"1": {"state", "reason"} or None}), as Riwayat shows a verification's before and after."""
    parts = []
    for m in sorted(states, key=int):
        st = states[m] or {"state": "dilaporkan"}
        text = VERIFICATION_LABELS.get(st.get("state"), str(st.get("state")))
        parts.append(f"{month(m)}: {text}" + (f" ({st['reason']})" if st.get("reason") else ""))
    return "; ".join(parts)


def verified_rate_note(rate) -> str:
    """'terverifikasi provinsi: 20,0%' (the deck's summary, beside the reported rate)."""
    return f"{VERIFIED.lower()} provinsi: {pct(rate) or NO_DATA}"


def verified_of(verified, planned) -> str:
    """'5 dari 8 bulan-kegiatan terverifikasi'."""
    return f"{of(verified, planned)} {UNIT} {VERIFIED.lower()}"


def rejected_note(months_reasons) -> str:
    """'Ditolak provinsi: Feb (bukti kosong); Mar (tautan mati)': the office's rejected months of an
    activity with the reasons (Progres)."""
    return "Ditolak provinsi: " + "; ".join(f"{month(m)} ({r})" for m, r in months_reasons)
