"""The synthetic workbook generator: every family writes a readable workbook whose truth matches it."""
import json
import re

import openpyxl
import pytest

from rbdash import demo

TRUTH_KEYS = {"file", "satker", "year", "layout", "as_of_month", "records"}
RECORD_KEYS = {"sheet", "row", "area_no", "kegiatan", "sub_kegiatan", "indikator", "planned_months"}
REALISED = {"monev", "rowpairs"}


def _norm(s) -> str:
    return " ".join(str(s).split())


def _check_workbook(path, truth, family):
    assert set(truth) == TRUTH_KEYS
    assert truth["file"] == path.name and truth["layout"] == family
    assert truth["records"], "a plan without records"
    assert (truth["as_of_month"] is not None) == (family in REALISED)
    wb = openpyxl.load_workbook(path)
    for rec in truth["records"]:
        extra = {"realized_months"} if family in REALISED else set()
        assert set(rec) == RECORD_KEYS | extra
        ws = wb[rec["sheet"]]
        assert ws.sheet_state == "visible"
        assert 1 <= rec["row"] <= ws.max_row
        texts = [_norm(c.value) for c in ws[rec["row"]] if isinstance(c.value, str) and c.value.strip()]
        assert any(_norm(rec["indikator"]) in t for t in texts), (rec, texts)
        assert 1 <= rec["area_no"] <= 8
        assert rec["sub_kegiatan"] and (rec["kegiatan"] is None) == (family == "flat")
        planned = rec["planned_months"]
        assert planned and planned == sorted(set(planned)) and set(planned) <= set(range(1, 13))
        if family in REALISED:
            real = rec["realized_months"]
            assert real == sorted(set(real)) and all(1 <= m <= truth["as_of_month"] for m in real)
    rows = [(r["sheet"], r["row"]) for r in truth["records"]]
    assert len(rows) == len(set(rows)), "two records on one row"
    return wb


@pytest.mark.parametrize("family", demo.FAMILIES)
@pytest.mark.parametrize("seed", [1, 2])
def test_family_generates_readable_workbook(tmp_path, family, seed):
    path = tmp_path / f"{family}_{seed}.xlsx"
    truth = demo.generate(path, family, "KPU Kabupaten Tanah Bumbu", 2023, seed)
    _check_workbook(path, truth, family)
    assert truth["satker"] == "KPU Kabupaten Tanah Bumbu" and truth["year"] == 2023


@pytest.mark.parametrize("family", demo.FAMILIES)
def test_variations_are_honoured(tmp_path, family):
    variation = {"offset": (4, 2), "hidden_sheet": True, "recap_sheet": True, "legend": True,
                 "month_header": "dates", "mark": 1, "fill": "theme", "satker_style": "komisi",
                 "header_fill": True, "blank_fill": "white", "merge_pairs": True}
    path = tmp_path / f"{family}.xlsx"
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
