"""The synthetic workbook generator: every family writes a readable workbook whose truth matches it."""
import json
import re

import openpyxl
import pytest

from rbdash import demo

TRUTH_KEYS = {"file", "satker", "year", "layout", "as_of_month", "records"}
RECORD_KEYS = {"sheet", "row", "area_no", "kegiatan", "sub_kegiatan", "indikator", "planned_months"}
REALISED = {"monev", "rowpairs"}
TEXT_SCHEDULE = {"text"}


def _path(tmp_path, stem, family):
    return tmp_path / f"{stem}{demo.file_suffix(family)}"


def _norm(s) -> str:
    return " ".join(str(s).split())


class _XlsBook:
    """Just enough of an openpyxl workbook over a .xls (values via python-calamine) for _check_workbook."""

    class _Sheet:
        def __init__(self, rows, visible):
            self.rows, self.sheet_state, self.max_row = rows, "visible" if visible else "hidden", len(rows)

        def row_values(self, r):
            return self.rows[r - 1]

        def cell(self, r, c):
            row = self.rows[r - 1] if r <= len(self.rows) else []
            value = row[c - 1] if c <= len(row) else None
            return type("Cell", (), {"value": None if value == "" else value})()

    def __init__(self, path):
        from python_calamine import CalamineWorkbook
        wb = CalamineWorkbook.from_path(str(path))
        self.sheets = {m.name: self._Sheet(wb.get_sheet_by_name(m.name).to_python(skip_empty_area=False),
                                           str(m.visible).endswith("Visible") and "Hidden" not in str(m.visible)) for m in wb.sheets_metadata}

    def __getitem__(self, name):
        return self.sheets[name]

    @property
    def worksheets(self):
        return [type("WS", (), {"title": n, "sheet_state": s.sheet_state})() for n, s in self.sheets.items()]

    @property
    def sheetnames(self):
        return list(self.sheets)


def _row_values(ws, r):
    return ws.row_values(r) if hasattr(ws, "row_values") else [c.value for c in ws[r]]


def _check_workbook(path, truth, family):
    assert set(truth) == TRUTH_KEYS
    assert truth["file"] == path.name and truth["layout"] == family
    assert truth["records"], "a plan without records"
    assert (truth["as_of_month"] is not None) == (family in REALISED)
    wb = _XlsBook(path) if path.suffix == ".xls" else openpyxl.load_workbook(path)
    for rec in truth["records"]:
        extra = {"realized_months"} if family in REALISED else set()
        extra |= {"schedule_text"} if family in TEXT_SCHEDULE else set()
        assert set(rec) == RECORD_KEYS | extra
        ws = wb[rec["sheet"]]
        assert ws.sheet_state == "visible"
        assert 1 <= rec["row"] <= ws.max_row
        values = _row_values(ws, rec["row"])
        texts = [_norm(v) for v in values if isinstance(v, str) and v.strip()]
        assert any(_norm(rec["indikator"]) in t for t in texts), (rec, texts)
        assert 1 <= rec["area_no"] <= 8
        assert rec["sub_kegiatan"] and (rec["kegiatan"] is None) == (family == "flat")
        planned = rec["planned_months"]
        if family in TEXT_SCHEDULE:  # the text is in the row as written; unreadable text plans nothing
            assert rec["schedule_text"] in values
            assert planned or rec["schedule_text"] in demo.UNREADABLE
            planned = planned or [1]
        assert planned and planned == sorted(set(planned)) and set(planned) <= set(range(1, 13))
        if family in REALISED:
            real = rec["realized_months"]
            assert real == sorted(set(real)) and all(1 <= m <= truth["as_of_month"] for m in real)
    rows = [(r["sheet"], r["row"]) for r in truth["records"]]
    assert len(rows) == len(set(rows)), "two records on one row"
    return wb


@pytest.mark.parametrize("family", demo.ALL_FAMILIES)
@pytest.mark.parametrize("seed", [1, 2])
def test_family_generates_readable_workbook(tmp_path, family, seed):
    path = _path(tmp_path, f"{family}_{seed}", family)
    truth = demo.generate(path, family, "KPU Kabupaten Tanah Bumbu", 2023, seed)
    _check_workbook(path, truth, family)
    assert truth["satker"] == "KPU Kabupaten Tanah Bumbu" and truth["year"] == 2023


@pytest.mark.parametrize("family", demo.ALL_FAMILIES)
def test_variations_are_honoured(tmp_path, family):
    variation = {"offset": (4, 2), "hidden_sheet": True, "recap_sheet": True, "legend": True,
                 "month_header": "dates", "mark": 1, "fill": "theme", "satker_style": "komisi",
                 "header_fill": True, "blank_fill": "white", "merge_pairs": True}
    path = _path(tmp_path, family, family)
    truth = demo.generate(path, family, "KPU Kota Banjarbaru", 2024, 7, variation=variation)
    wb = _check_workbook(path, truth, family)
    hidden = [ws.title for ws in wb.worksheets if ws.sheet_state == "hidden"]
    assert len(hidden) == 1 and "Rekap" in wb.sheetnames
    assert not {r["sheet"] for r in truth["records"]} & {"Rekap", *hidden}
    first = truth["records"][0]
    assert first["row"] > 4, "offset rows not applied"
    data_sheet = wb[first["sheet"]]
    assert all(data_sheet.cell(r, c).value is None for r in range(1, 5) for c in range(1, 20))
    assert all(data_sheet.cell(r, c).value is None for r in range(1, data_sheet.max_row + 1) for c in (1, 2))


def test_same_seed_same_workbook_content(tmp_path):
    for family in demo.FAMILIES:
        a = demo.generate(tmp_path / "a.xlsx", family, "KPU Kota Medan", 2023, 11)
        b = demo.generate(tmp_path / "b.xlsx", family, "KPU Kota Medan", 2023, 11)
        a.pop("file"), b.pop("file")
        assert a == b
        va = [[c for c in ws.iter_rows(values_only=True)] for ws in openpyxl.load_workbook(tmp_path / "a.xlsx")]
        vb = [[c for c in ws.iter_rows(values_only=True)] for ws in openpyxl.load_workbook(tmp_path / "b.xlsx")]
        assert va == vb


def test_bad_family_or_variation_is_refused(tmp_path):
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "x.xlsx", "nope", "KPU Kota Medan", 2023, 1)
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "x.xlsx", "checks", "KPU Kota Medan", 2023, 1, variation={"colour": "red"})
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "x.xlsx", "checks", "KPU Kota Medan", 2023, 1, variation={"mark": "*"})


def test_write_samples_is_deterministic(tmp_path):
    first = demo.write_samples(tmp_path / "a")
    second = demo.write_samples(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    names = {p.name for p in first}
    assert {"kpu_kota_banjarmasin_2022.xlsx", "kpu_kota_pasuruan_2022.xlsx"} <= names
    assert len(first) >= 8
    layouts = {}
    for a, b in zip(first, second):
        ta, tb = a.with_suffix(".truth.json"), b.with_suffix(".truth.json")
        assert ta.read_bytes() == tb.read_bytes()
        truth = json.loads(ta.read_text(encoding="utf-8"))
        layouts[a.name] = truth["layout"]
        _check_workbook(a, truth, truth["layout"])
    assert layouts["kpu_kota_banjarmasin_2022.xlsx"] == "merged_fill"
    assert layouts["kpu_kota_pasuruan_2022.xlsx"] == "checks"
    assert sum(v in REALISED for v in layouts.values()) >= 3
    assert len(set(layouts.values())) >= 7


def test_office_names():
    names = demo.office_names()
    assert len(names) >= 550 and len(set(names)) == len(names)
    assert all(re.match(r"KPU (Provinsi|Kabupaten|Kota) \S", n) for n in names)
    real = [n for n in names if "Contoh" not in n]
    assert len(real) >= 500
    for n in ("KPU Provinsi Kalimantan Selatan", "KPU Kota Banjarmasin", "KPU Kabupaten Tapin", "KPU Kota Pasuruan"):
        assert n in names


def test_catalogue_shape():
    areas = demo.catalogue()["areas"]
    assert [a["no"] for a in areas] == list(range(1, 9))
    assert areas[0]["name"] == "Manajemen Perubahan" and areas[7]["name"] == "Peningkatan Kualitas Pelayanan Publik"
    text = json.dumps(areas, ensure_ascii=False)
    assert "{satker}" in text and "<i>" not in text
    assert "Banjarmasin" not in text and "Pasuruan" not in text
    for a in areas:
        assert a["kegiatan"]
        for i, k in enumerate(a["kegiatan"], 1):
            assert k["code"] == f"{a['no']}.{i}"
            assert not re.match(r"\d", k["name"])
            for s in k["sub_kegiatan"]:
                assert s["name"] and not re.match(r"[a-z]\.\s", s["name"])
                assert s["indikator"] and all(not re.match(r"\d+\)", i) for i in s["indikator"])


# ------------------------------------------------------------------------------------ issue 6 families

def _issue6(family, seed, **variation):
    """Resolved variation with the issue 6 keys given, for tests that need one setting for sure."""
    return {**demo.resolve_variation(family, seed), **variation}


def test_old_families_draw_no_issue6_settings():
    """The sample set and benchmarks are built on FAMILIES: the new keys stay neutral there."""
    for family in demo.FAMILIES:
        for seed in range(5):
            var = demo.resolve_variation(family, seed)
            assert {k: var[k] for k in demo.NEUTRAL} == demo.NEUTRAL


def test_weekly_grid_has_month_over_four_weeks(tmp_path):
    path = tmp_path / "w.xlsx"
    truth = demo.generate(path, "weekly", "KPU Kabupaten Lamongan", 2024, 4,
                          variation={"week_labels": "roman", "offset": (0, 0), "hierarchy": "first"})
    ws = openpyxl.load_workbook(path).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    header = next(r for r in range(1, 15) if ws.cell(r, 6).value == "Januari")
    assert f"F{header}:I{header}" in merged
    assert [ws.cell(header + 1, c).value for c in range(6, 10)] == ["I", "II", "III", "IV"]
    rec = truth["records"][0]
    shaded = {(c - 6) // 4 + 1 for c in range(6, 54) if ws.cell(rec["row"], c).fill.fill_type == "solid"}
    assert shaded == set(rec["planned_months"])


def test_quarterly_truth_is_whole_quarters(tmp_path):
    truth = demo.generate(tmp_path / "q.xlsx", "quarterly", "KPU Kota Denpasar", 2025, 2)
    for rec in truth["records"]:
        qs = {(m + 2) // 3 for m in rec["planned_months"]}
        assert rec["planned_months"] == [m for q in sorted(qs) for m in range(3 * q - 2, 3 * q + 1)]


def test_symbol_ticks_carry_their_font_and_decoys_are_calibri(tmp_path):
    path = tmp_path / "s.xlsx"
    var = {"symbol": "wingdings2_p", "symbol_decoy": True, "offset": (0, 0), "extras": "none",
           "hierarchy": "first", "legend": False}
    truth = demo.generate(path, "symbols", "KPU Kota Kediri", 2025, 3, variation=var)
    ws = openpyxl.load_workbook(path).active
    ticks = decoys = 0
    for rec in truth["records"]:
        for c in range(6, 18):
            cell = ws.cell(rec["row"], c)
            if cell.value == "P":
                planned = c - 5 in rec["planned_months"]
                assert cell.font.name == ("Wingdings 2" if planned else "Calibri")
                ticks += planned
                decoys += not planned
    assert ticks and decoys


def test_text_records_carry_the_text_and_unreadable_ones_plan_nothing(tmp_path):
    truth = demo.generate(tmp_path / "t.xlsx", "text", "KPU Kabupaten Jember", 2024, 4,
                          variation={"unreadable_text": True})
    unreadable = [r for r in truth["records"] if not r["planned_months"]]
    assert unreadable and all(r["schedule_text"] in demo.UNREADABLE for r in unreadable)


@pytest.mark.parametrize("months, allowed", [
    ([4, 5, 6], {"April - Juni", "April s.d. Juni", "April – Juni", "Apr-Jun", "April sampai dengan Juni",
                 "Apr - Jun", "Apr s.d. Jun", "Apr – Jun", "Apr sampai dengan Jun", "Triwulan II", "TW II"}),
    ([1, 2, 3, 7, 8, 9], {"Triwulan I dan III", "TW I dan III", "Januari - Maret dan Juli - September",
                          "Jan - Mar dan Jul - Sep", "Januari, Februari, Maret, Juli, Agustus, September",
                          "Januari, Februari, Maret, Juli, Agustus dan September",
                          "Jan, Feb, Mar, Jul, Agt, Sep", "Jan, Feb, Mar, Jul, Agt dan Sep"}),
    ([6, 12], {"Juni dan Desember", "Jun dan Des"}),
    ([8], {"Agustus", "Agt", "Agustus 2025"} | {f"Minggu ke-{k} {m}" for k in range(1, 5) for m in ("Agustus", "Agt")}),
    (list(range(1, 7)), {"Semester I", "Januari - Juni", "Januari s.d. Juni", "Januari – Juni", "Jan-Jun",
                         "Januari sampai dengan Juni", "Jan - Jun", "Jan s.d. Jun", "Jan – Jun",
                         "Jan sampai dengan Jun", "Triwulan I dan II", "TW I dan II"}),
    (list(range(1, 13)), {"Januari - Desember", "Setiap bulan", "Sepanjang tahun", "Jan-Des",
                          "Januari s.d. Desember", "Triwulan I, II, III dan IV", "TW I, II, III dan IV"}),
])
def test_schedule_phrase_says_exactly_its_months(months, allowed):
    import random
    seen = {demo.schedule_phrase(random.Random(i), months, 2025) for i in range(300)}
    assert seen <= allowed, seen - allowed
    assert len(seen) >= 2


def test_dates_are_clipped_to_the_plan_year(tmp_path):
    import datetime as dt
    path = tmp_path / "d.xlsx"
    var = {"date_format": "date", "offset": (0, 0), "extras": "none", "durasi": True, "hierarchy": "first",
           "date_headers": 0}
    truth = demo.generate(path, "dates", "KPU Provinsi Bali", 2025, 5, variation=var)
    ws = openpyxl.load_workbook(path).active
    header = next(r for r in range(1, 10) if ws.cell(r, 6).value == "MULAI")
    assert [ws.cell(header, c).value for c in (6, 7, 8)] == ["MULAI", "SELESAI", "DURASI"]
    across = 0
    for rec in truth["records"]:
        start, end = ws.cell(rec["row"], 6).value, ws.cell(rec["row"], 7).value
        lo = 1 if start.year < 2025 else start.month
        hi = 12 if end.year > 2025 else end.month
        assert rec["planned_months"] == list(range(lo, hi + 1))
        across += start.year < 2025 or end.year > 2025
        assert isinstance(start, dt.datetime)
    assert across


def test_bars_are_merged_over_their_months(tmp_path):
    path = tmp_path / "b.xlsx"
    truth = demo.generate(path, "bars", "KPU Kabupaten Tabanan", 2024, 2,
                          variation={"bar_fill": "first", "offset": (0, 0), "extras": "none", "hierarchy": "first"})
    ws = openpyxl.load_workbook(path).active
    rec = next(r for r in truth["records"] if len(r["planned_months"]) > 1)
    a, b = rec["planned_months"][0], rec["planned_months"][-1]
    from openpyxl.utils import get_column_letter as col
    assert f"{col(5 + a)}{rec['row']}:{col(5 + b)}{rec['row']}" in {
        str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(rec["row"], 5 + a).fill.fill_type == "solid"
    assert ws.cell(rec["row"], 5 + b).fill.fill_type is None


def test_signature_office_names_the_office_only_in_the_signature(tmp_path):
    path = tmp_path / "rencana_aksi_rb_2024_final.xlsx"
    truth = demo.generate(path, "signature_office", "KPU Kabupaten Badung", 2024, 1,
                          variation={"satker_place": "signature"})
    texts = [str(v) for ws in openpyxl.load_workbook(path) for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]
    named = [t for t in texts if "BADUNG" in t.upper() and "KPU" in t.upper()]
    assert len(named) == 1 and named[0].startswith(("SEKRETARIS KPU KABUPATEN", "KETUA KPU KABUPATEN"))
    assert truth["satker"] == "KPU Kabupaten Badung"


def test_extra_columns_total_row_and_notes_are_not_records(tmp_path):
    path = tmp_path / "e.xlsx"
    truth = demo.generate(path, "extra_columns", "KPU Kota Madiun", 2025, 2, variation={"offset": (0, 0)})
    ws = openpyxl.load_workbook(path).active
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "NO")
    labels = [ws.cell(header, c).value for c in range(1, 11)]
    assert labels[5:10] == ["TARGET", "OUTPUT", "SATUAN", "ANGGARAN (Rp)", "PENANGGUNG JAWAB"]
    rows = {r["row"] for r in truth["records"]}
    total = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, 1).value in ("JUMLAH", "TOTAL", "Jumlah"))
    notes = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, 2).value == "Catatan:")
    assert total not in rows and notes not in rows and total == max(rows) + 1
    assert any(isinstance(ws.cell(total, c).value, int) for c in range(11, 23))


@pytest.mark.parametrize("family", ["xls_shaded", "xls_ticks", "symbols"])
def test_xls_keeps_fills_and_fonts(tmp_path, family):
    """Checked with xlrd when it is installed (the parser's .xls style reader)."""
    xlrd = pytest.importorskip("xlrd")
    path = tmp_path / f"{family}.xls"
    truth = demo.generate(path, family, "KPU Kota Blitar", 2025, 1, variation={"hidden_sheet": True})
    book = xlrd.open_workbook(str(path), formatting_info=True)
    assert sorted(s.visibility for s in book.sheets()) == [0, 1]
    rec = truth["records"][0]
    sh = book.sheet_by_name(rec["sheet"])
    cells = [sh.cell(rec["row"] - 1, c) for c in range(sh.ncols)]
    xfs = [book.xf_list[c.xf_index] for c in cells]
    if family == "xls_shaded":
        assert sum(x.background.fill_pattern == 1 for x in xfs) >= len(rec["planned_months"])
    elif family == "symbols":
        fonts = {book.font_list[x.font_index].name for c, x in zip(cells, xfs) if c.value in ("ü", "þ", "P")}
        assert fonts & {"Wingdings", "Wingdings 2"}
    else:
        assert sum(bool(str(c.value).strip()) for c in cells) >= len(rec["planned_months"])


def test_xls_family_needs_xls_path_and_startend_cannot_be_xls(tmp_path):
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "x.xlsx", "xls_ticks", "KPU Kota Blitar", 2025, 1)
    with pytest.raises(ValueError):
        demo.generate(tmp_path / "x.xls", "startend", "KPU Kota Blitar", 2025, 1)
