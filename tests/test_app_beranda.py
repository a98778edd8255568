"""AppTest of Beranda: its figures follow the filters, laggards below the median, reporting, completion
per area, who has not submitted."""

from urllib.parse import parse_qs

import numpy as np
import pytest

from app_fixtures import (background, charts, grids, meeting_db, metrics, sample_db,  # noqa: F401 (fixtures)
                          sample_db_file, start, warm_server)
from rbdash import views
from rbdash.charts import rate_hex
from rbdash.store import Store
from rbdash.views.completion import completion
from conftest import truth_completion
from rbdash.wording import area_label, pct as fmt_pct

pytestmark = pytest.mark.usefixtures("warm_server")


def test_filters_change_beranda_figures(sample_db):
    at = start()
    assert metrics(at)["Satker"] == "7"
    at.multiselect(key="f_satker").set_value(["KPU Kabupaten Barito Kuala"]).run()
    assert metrics(at)["Satker"] == "1"
    planned, done = truth_completion("kpu_kabupaten_barito_kuala_2023", 9)  # its workbook reports Jan..Jun
    assert metrics(at)["Capaian s.d. Sep"] == fmt_pct(done / planned)
    at.select_slider(key="f_as_of").set_value(3).run()
    planned, done = truth_completion("kpu_kabupaten_barito_kuala_2023", 3)
    assert metrics(at)["Capaian s.d. Mar"] == fmt_pct(done / planned)
    at.multiselect(key="f_satker").set_value([]).run()
    at.selectbox(key="f_year").set_value(2022).run()
    assert metrics(at)["Satker"] == "4" and metrics(at)["Satker yang melapor"] == "2 dari 4"


def test_beranda_laggards_are_below_the_median_and_reporting_is_shown(sample_db):
    store = Store(sample_db)
    at = start()
    per = completion(store, views.View(2023, None, None, 9))
    rates = sorted(per.loc[per["has_data"], "rate"])
    median = float(np.median(rates))
    expected = per[per["has_data"] & (per["rate"] < median)].sort_values("rate")["satker"].tolist()[:5]
    lag = at.dataframe[0].value
    assert lag["Satker"].tolist() == expected and len(expected) < len(rates)
    assert any(c.value.startswith(f"Satker yang melaporkan realisasi dengan capaian di bawah median "
                                  f"({median * 100:.1f}%)".replace(".", ",")) for c in at.caption)
    # hand count: every due month-kegiatan, and those in the months the monitoring workbooks report
    # (Jan..their as-of month: docs/completion.md)
    acts = store.query_df("""SELECT a.id, a.planned_mask, lv.has_realization, lv.as_of_month, s.name FROM activities a
                             JOIN latest_versions lv ON lv.id = a.plan_version_id JOIN satker s ON s.id = lv.satker_id
                             WHERE lv.year = 2023 ORDER BY a.seq""")
    due = [bin(m & 0x1FF).count("1") for m in acts["planned_mask"]]
    reported = sum(bin(m & ((1 << int(last)) - 1) & 0x1FF).count("1")
                   for m, r, last in zip(acts["planned_mask"], acts["has_realization"], acts["as_of_month"]) if r)
    assert f"Dilaporkan {reported:,} dari {sum(due):,} bulan-kegiatan".replace(",", ".") in [c.value for c in at.caption]
    # three activities ticked for an office without data: nothing is reported until it sends its report
    # for Jan; then the due work of Jan of all its activities is
    tapin = acts[acts["name"] == "KPU Kabupaten Tapin"]
    for act_id in tapin["id"].head(3):
        store.save_progress(int(act_id), [1], None, None, 0, "tester")
    at = start()
    assert f"Dilaporkan {reported:,} dari {sum(due):,} bulan-kegiatan".replace(",", ".") in [c.value for c in at.caption]
    store.submit_report("KPU Kabupaten Tapin", 2023, 1, "tester")
    at = start()
    more = sum(m & 1 for m in tapin["planned_mask"])
    assert more and f"Dilaporkan {reported + more:,} dari {sum(due):,} bulan-kegiatan".replace(",", ".") in \
        [c.value for c in at.caption]


def test_beranda_completion_per_area_is_a_coloured_grid_of_the_metric(sample_db):
    at = start()
    assert not charts(at)  # no plotly on the first page: a fresh tab does not wait for plotly.js (issue 7.6)
    values, shown, css = grids(at)[0]
    per_area = completion(Store(sample_db), views.View(2023, None, None, 9), by=("area",))
    per_area = per_area[per_area["has_data"] & per_area["planned"].gt(0)]
    assert values["Area"].tolist() == [area_label(a) for a in per_area["area_no"]]
    assert values["Capaian s.d. Sep"].tolist() == pytest.approx((per_area["rate"] * 100).tolist())
    assert shown["Capaian s.d. Sep"].tolist() == [fmt_pct(r) for r in per_area["rate"]]
    assert [background(css[i, 1]) for i in range(len(values))] == [rate_hex(round(r, 2)) for r in per_area["rate"]]


def test_not_submitted_list_on_beranda_and_perbandingan(meeting_db):
    from rbdash import regions
    n = len(regions.official_offices())
    at = start()
    label = (f"Belum mengirim (seluruh Indonesia): {n - 4} satker belum mengunggah rencana, 1 belum melaporkan "
             "realisasi, 1 nama tidak cocok dengan daftar resmi")
    assert [e.label for e in at.expander] == [label]
    assert not [d for d in at.dataframe if "Status" in d.value.columns]  # lazy: sent once opened (issue 7.6)
    at.session_state["belum_buka"] = True
    at.run()
    table = [d.value for d in at.dataframe if "Status" in d.value.columns][0]
    assert len(table) == n - 4 + 2
    gresik = table[table["Satker"] == "KPU Kabupaten Gresik"].iloc[0]
    assert (gresik["Status"], gresik["Nama di workbook"]) == ("belum melaporkan realisasi", "KPU KAB. GRESIK")
    fiktif = table[table["Satker"] == "KPU Kota Fiktif"].iloc[0]
    assert fiktif["Status"] == "nama tidak cocok dengan daftar resmi"
    at = start("pages/perbandingan.py", provinsi="Jawa Timur")
    jatim = 1 + sum(len(v) for v in regions.regions()["Jawa Timur"].values())
    assert [e.label for e in at.expander] == [
        f"Belum mengirim (provinsi Jawa Timur): {jatim - 3} satker belum mengunggah rencana, "
        "1 belum melaporkan realisasi"]


def test_beranda_leads_into_the_national_comparison(sample_db):
    """Issue 21.8: nothing on the start page said 'Nasional' or led to the comparison.  Beranda names its
    scope, and its 'Perbandingan nasional' link opens Perbandingan per province with the sidebar's
    province and offices cleared (the year and month kept), as one address."""
    at = start(tahun="2023")
    assert at.caption[0].value == "Nasional · Tahun 2023 · kondisi s.d. Sep"
    at.selectbox(key="f_province").set_value("Kalimantan Selatan").run()
    at.multiselect(key="f_satker").set_value(["KPU Kabupaten Tapin"]).run()
    assert at.caption[0].value == "KPU Kabupaten Tapin · Tahun 2023 · kondisi s.d. Sep"
    link = next(link for link in at.page_link if link.value == "Perbandingan nasional")
    assert link.proto.page == "perbandingan"
    query = parse_qs(link.proto.query_string)
    assert query == {"tahun": ["2023"], "bulan": ["9"], "tingkat": ["provinsi"]}
    at.query_params.clear()  # what following the link does: its address, on its page
    at.query_params.update({k: v[0] for k, v in query.items()})
    at.switch_page("pages/perbandingan.py").run()
    assert not at.exception and [t.value for t in at.title] == ["Perbandingan antar satker"]
    assert at.session_state["tingkat"] == "provinsi" and at.selectbox(key="f_province").value == "Semua provinsi"
    assert at.multiselect(key="f_satker").value == [] and grids(at)[0][0]["Provinsi"].tolist() == ["Kalimantan Selatan"]
