"""The meeting deck (issue 7.4), opened with python-pptx: slide count and titles computed from the data,
figures against hand-computed expectations, the CLI contract (exit 2 and one line on bad input)."""

import datetime as dt
import io
import math
import subprocess
import sys

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor

from app_fixtures import make_plan
from conftest import ROOT, needs_soffice
from rbdash import regions, report, submission
from rbdash.schedule import ALL_MONTHS, MONTHS
from rbdash.store import Store

YEAR, AS_OF = 2024, 3
# satker, reports realisation, [(area, planned months, realised months)]
PLANS = [
    ("KPU Provinsi Jawa Timur", True, [(1, [1, 2, 3], [1, 2])]),            # 2 of 3 due by Mar
    ("KPU Kota Malang", True, [(2, [1, 2], [2]), (3, [5], [])]),            # 1 of 2
    ("KPU KAB. GRESIK", False, [(1, [1], [])]),                             # no data (official: Gresik)
    ("KPU Kota Banjarbaru", True, [(1, [3], [])]),                          # 0 of 1
    ("KPU Kota Fiktif", False, [(1, [1], [])]),                             # matches no official office
]


@pytest.fixture
def deck_db(tmp_path):
    store = Store(tmp_path / "deck.duckdb")
    for satker, has, rows in PLANS:
        store.import_plan(make_plan(satker, YEAR, [(a, "K", f"I{i}", p, r) for i, (a, p, r) in enumerate(rows)],
                                    has_realization=has, as_of=AS_OF), actor="test")
    return store


def due_done(name):
    """By hand: (month-kegiatan due by AS_OF, of them realised on schedule)."""
    rows = next(r for n, _, r in PLANS if n == name)
    return (sum(sum(m <= AS_OF for m in p) for _, p, _ in rows),
            sum(sum(m <= AS_OF and m in r for m in p) for _, p, r in rows))


def rate(name):
    due, done = due_done(name)
    return done / due


def pooled(names):
    """Completion pooled over the offices with data."""
    with_data = [n for n, has, _ in PLANS if has and n in names]
    return sum(due_done(n)[1] for n in with_data) / sum(due_done(n)[0] for n in with_data)


def pct(x):
    return f"{x * 100:.1f}%".replace(".", ",")


def titles(prs):
    return [next((sh.text_frame.text.split("\n")[0] for sh in s.shapes if sh.has_text_frame and sh.text_frame.text), "")
            for s in prs.slides]


def tables(slide):
    return [[[c.text for c in row.cells] for row in sh.table.rows] for sh in slide.shapes if sh.has_table]


def expected_titles(national, scope, heat_rows, missing_rows, offices):
    month = MONTHS[AS_OF - 1]
    level = "provinsi" if national else "satker"
    pages = lambda title, n: [title if math.ceil(n / 15) == 1 else f"{title} ({i + 1}/{math.ceil(n / 15)})"  # noqa: E731
                              for i in range(max(1, math.ceil(n / 15)))]
    return [f"Rencana Aksi Reformasi Birokrasi KPU {YEAR}", f"Ringkasan: {scope}",
            *pages(f"Capaian per {level} dan area s.d. {month}", heat_rows), f"Tren capaian {YEAR}: {scope}",
            *(["Provinsi di bawah median"] if national else []), "Satker di bawah median",
            *pages("Belum mengirim", missing_rows), *[f"Gantt: {o}" for o in offices]]


def test_provincial_deck_slides_titles_and_figures(deck_db):
    from rbdash.accounts import User
    aid = int(deck_db.query_df("SELECT a.id FROM activities a JOIN plan_versions pv ON pv.id = a.plan_version_id "
                               "JOIN satker s ON s.id = pv.satker_id WHERE s.name = 'KPU Provinsi Jawa Timur'")["id"][0])
    deck_db.verify([(aid, 1, 1)], User("jatim", "province", province="Jawa Timur"))  # 1 of the 5 due months
    data = report.deck_bytes(deck_db, YEAR, AS_OF, province="Jawa Timur", offices=["KPU Kota Malang"],
                             today=dt.date(2026, 11, 28), images=False)
    prs = Presentation(io.BytesIO(data))
    jatim = [n for n, _, _ in PLANS if regions.province_of(n) == "Jawa Timur"]
    official = [o for o in regions.official_offices() if o.province == "Jawa Timur"]
    # missing: official offices without a plan, and Gresik (a plan, nothing reported)
    missing_rows = len(official) - len(jatim) + 1
    assert titles(prs) == expected_titles(False, "Jawa Timur", len(jatim), missing_rows, ["KPU Kota Malang"])
    first = "\n".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    assert "Kondisi s.d. Maret 2024" in first and "Dibuat 28 November 2026" in first
    # summary: pooled completion of the offices with data, by hand
    summary = "\n".join(sh.text_frame.text for sh in prs.slides[1].shapes if sh.has_text_frame)
    assert pct(pooled(jatim)) in summary
    assert f"terverifikasi provinsi: {pct(1 / 5)}" in summary  # issue 23.2: beside it, the same denominator
    assert f"{len(jatim)} dari {len(official)}" in summary and "2 dari 3" in summary
    # heatmap table: offices best first, Total column
    heat = tables(prs.slides[2])[0]
    assert heat[0][0] == "Satker" and heat[0][-1] == "Total"
    assert [r[0] for r in heat[1:]] == ["Prov. Jawa Timur", "Kota Malang", "KPU KAB. GRESIK"]
    assert heat[1][-1] == pct(rate("KPU Provinsi Jawa Timur"))
    # an office without data: one grey cell across the areas and Total, the words once (never 0%)
    cell = [sh for sh in prs.slides[2].shapes if sh.has_table][0].table.cell(3, 1)
    assert cell.is_merge_origin and cell.span_width == len(heat[0]) - 1 and heat[3][1] == "belum dilaporkan"
    # laggards: below the median of the offices with data (Jatim 2/3, Malang 1/2): Malang
    lag = tables(prs.slides[4])[0]
    assert [r[0] for r in lag[1:]] == ["KPU Kota Malang"]
    assert lag[1][2:4] == [pct(rate("KPU Kota Malang")), "{1} dari {0}".format(*due_done("KPU Kota Malang"))]
    # not submitted, 15 rows a slide
    rows = [r for s in prs.slides if titles_of(s).startswith("Belum mengirim") for t in tables(s) for r in t[1:]]
    assert len(rows) == missing_rows
    assert ["KPU Kabupaten Gresik", submission.STATUS_TEXT["no_realisation"], "KPU KAB. GRESIK"] in rows
    assert_fits(prs)
    last = "\n".join(sh.text_frame.text for sh in prs.slides[-1].shapes if sh.has_text_frame)
    assert pct(rate("KPU Kota Malang")) in last
    assert "{1} dari {0} bulan-kegiatan".format(*due_done("KPU Kota Malang")) in last


def assert_fits(prs):
    """Everything inside the slide; no text under 14 pt (a projector at the back of a room)."""
    for slide in prs.slides:
        for sh in slide.shapes:
            assert sh.left >= 0 and sh.top >= 0 and sh.left + sh.width <= prs.slide_width, sh.name
            assert sh.top + sh.height <= prs.slide_height, (titles_of(slide), sh.name)
            frames = [sh.text_frame] if sh.has_text_frame else \
                [c.text_frame for row in sh.table.rows for c in row.cells] if sh.has_table else []
            sizes = [r.font.size.pt for f in frames for p in f.paragraphs for r in p.runs if r.text]
            assert min(sizes, default=14) >= 14, (titles_of(slide), sizes)


def titles_of(slide):
    return titles(type("P", (), {"slides": [slide]}))[0]


def test_national_deck_with_images(deck_db):
    data = report.deck_bytes(deck_db, YEAR, AS_OF, offices=["KPU Kota Banjarbaru"], images=True)
    prs = Presentation(io.BytesIO(data))
    missing = submission.missing(deck_db, YEAR, as_of=AS_OF)
    provinces_missing = missing.loc[missing["status"] != "unmatched", "province"].fillna("KPU RI").nunique()
    unmatched = int((missing["status"] == "unmatched").sum())
    heat_rows = 3  # Jawa Timur, Kalimantan Selatan, (tanpa provinsi)
    assert titles(prs) == expected_titles(True, "Nasional", heat_rows, provinces_missing + unmatched,
                                          ["KPU Kota Banjarbaru"])
    assert_fits(prs)
    heat = tables(prs.slides[2])[0]
    assert [r[0] for r in heat[1:]] == ["Jawa Timur", "Kalimantan Selatan", "(tanpa provinsi)"]
    assert heat[1][-1] == pct(pooled([n for n, _, _ in PLANS if regions.province_of(n) == "Jawa Timur"]))
    lag = tables(prs.slides[4])[0]   # provinces: Jatim 60%, Kalsel 0% -> median 30%
    assert [r[0] for r in lag[1:]] == ["Kalimantan Selatan"]
    lag = tables(prs.slides[5])[0]   # offices: 2/3, 1/2, 0/1 -> median 1/2
    assert [r[0] for r in lag[1:]] == ["KPU Kota Banjarbaru"]
    # the trend is two native charts (issue 22.6), no picture; the office's Gantt a table (issue 21.4)
    assert [titles_of(s) for s in prs.slides if any(sh.has_chart for sh in s.shapes)] == [titles(prs)[3]]
    assert not [sh for s in prs.slides for sh in s.shapes if sh.shape_type == 13]
    gantt = tables(prs.slides[-1])[0]
    assert gantt[0] == ["Kegiatan / indikator", *MONTHS] and [r[0] for r in gantt[1:]] == ["K", "I0"]
    assert gantt[2][1:4] == ["", "", "✗"]  # Banjarbaru: planned March, not realised: late


def charts_of(slide):
    return [sh.chart for sh in slide.shapes if sh.has_chart]


def test_the_trend_is_drawn_as_charts_of_the_trend_without_a_browser(deck_db, monkeypatch):
    """Issue 22.6: the trend slide holds two PowerPoint charts (no image: kaleido and Chromium took
    ~3 s of a deck) whose series are the Trend model's -- by hand for the nation: planned Jan-Mar 2,
    2, 2 and May 1 of the offices that report (Jatim, Malang, Banjarbaru), realised 1 and 2 -- each
    bar on its rate's colour labelled with the model's words, the cumulative rate a line."""
    from rbdash import charts, export
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")    # no browser to start
    monkeypatch.setattr(export, "figure_png", lambda *a, **k: pytest.fail("an image was drawn"))
    prs = Presentation(io.BytesIO(report.deck_bytes(deck_db, YEAR, AS_OF, images=True)))
    trend = report.collect(deck_db, YEAR, AS_OF)["trend"]
    slide = prs.slides[titles(prs).index(f"Tren capaian {YEAR}: Nasional")]
    counts, rates = charts_of(slide)
    assert list(counts.plots[0].categories) == list(MONTHS) == list(rates.plots[0].categories)
    planned, realised = counts.plots[0].series
    assert (planned.name, realised.name) == ("Rencana (kumulatif)", "Realisasi (kumulatif)")
    assert list(planned.values) == [2, 4, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7] == list(trend.months["planned_cum"])
    assert list(realised.values) == [1, 3, 3] + [None] * 9   # up to the as-of month only
    assert list(realised.values)[:AS_OF] == list(trend.shown["realized_cum"])
    bars, cumulative = rates.plots[0].series[0], rates.plots[1].series[0]
    assert (bars.name, cumulative.name) == ("Capaian bulan itu", "Capaian kumulatif")
    assert list(bars.values) == [0.5, 1.0, 0.0] + [None] * 9 and list(bars.values)[:AS_OF] == list(trend.shown["rate"])
    assert list(cumulative.values) == [0.5, 0.75, 0.5] + [None] * 9
    assert [bars.points[i].data_label.text_frame.text for i in range(AS_OF)] == ["50%", "100%", "0%"]
    assert [bars.points[i].format.fill.fore_color.rgb for i in range(AS_OF)] == [
        RGBColor.from_string(charts.rate_hex(r)[1:]) for r in (0.5, 1.0, 0.0)]
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert "s.d. Mar: 3 dari 6 bulan-kegiatan terealisasi (50,0%)" in text
    assert_fits(prs)


def test_a_trend_without_data_charts_the_plan_and_says_so(deck_db):
    """A scope where no office reports (Aceh: one office, nothing realised) charts its plan alone --
    no realised curve, no bars, never 0% -- and says 'belum dilaporkan' over the rates."""
    deck_db.import_plan(make_plan("KPU Kabupaten Aceh Besar", YEAR, [(1, "K", "I", [2, 4], [])],
                                  has_realization=False, as_of=AS_OF), actor="test")
    prs = Presentation(io.BytesIO(report.deck_bytes(deck_db, YEAR, AS_OF, province="Aceh", images=True)))
    slide = prs.slides[titles(prs).index(f"Tren capaian {YEAR}: Aceh")]
    counts, rates = charts_of(slide)
    assert [(s.name, list(s.values)) for s in counts.plots[0].series] == [
        ("Rencana (kumulatif)", [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2])]
    assert [list(s.values) for p in rates.plots for s in p.series] == [[None] * 12]
    assert "belum dilaporkan" in [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame]
    assert_fits(prs)


def test_months_not_reported_say_so_in_whole_words(deck_db):
    """Aceh's one office reported January only: February and March are bars of 0 that say 'belum
    dilaporkan' (never 0%) in 14 pt text over their month, broken between the words only."""
    deck_db.import_plan(make_plan("KPU Kabupaten Aceh Besar", YEAR, [(1, "K", "I", [1, 2, 3], [1])],
                                  has_realization=True, as_of=1), actor="test")
    prs = Presentation(io.BytesIO(report.deck_bytes(deck_db, YEAR, AS_OF, province="Aceh", images=True)))
    slide = prs.slides[titles(prs).index(f"Tren capaian {YEAR}: Aceh")]
    bars = charts_of(slide)[1].plots[0].series[0]
    assert list(bars.values)[:AS_OF] == [1.0, 0.0, 0.0]
    words = [sh.text_frame for sh in slide.shapes if sh.has_text_frame and "dilaporkan" in sh.text_frame.text]
    assert [f.text for f in words] == ["belum\ndilaporkan"] * 2
    assert {r.font.size.pt for f in words for p in f.paragraphs for r in p.runs} == {14}
    assert_fits(prs)


def test_bad_input_is_refused_by_name(deck_db):
    from rbdash.errors import ValidationError
    with pytest.raises(ValidationError, match="not a province"):
        report.deck_bytes(deck_db, YEAR, AS_OF, province="Atlantis", images=False)
    with pytest.raises(ValidationError, match="has no plan"):
        report.deck_bytes(deck_db, YEAR, AS_OF, offices=["KPU Kota Tidakada"], images=False)
    with pytest.raises(ValidationError, match="no plan for 2031"):
        report.deck_bytes(deck_db, 2031, AS_OF, images=False)


def rbdash(*args):
    return subprocess.run([sys.executable, "-m", "rbdash", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=180)


def test_cli_report_writes_the_deck_and_refuses_bad_input(deck_db, tmp_path):
    out = tmp_path / "rapat.pptx"
    db = deck_db.path
    p = rbdash("report", "--db", db, "--year", YEAR, "--as-of", AS_OF, "--province", "Kalimantan Selatan",
               "--office", "KPU Kota Banjarbaru", "--no-images", "--out", out)
    assert p.returncode == 0, p.stderr
    prs = Presentation(str(out))
    assert p.stdout.strip().endswith(f"{out}: {len(prs.slides)} slides")
    assert titles(prs)[-1] == "Gantt: KPU Kota Banjarbaru"
    for args, message in [
        (["--province", "Atlantis"], "error: 'Atlantis' is not a province of the official list"),
        (["--office", "KPU Kota Tidakada"], f"error: 'KPU Kota Tidakada' has no plan for {YEAR}"),
        (["--out", tmp_path / "nope" / "x.pptx"], f"error: {tmp_path / 'nope'}: no such folder"),
        (["--out", tmp_path / "x.odp"], f"error: {tmp_path / 'x.odp'}: the deck is written as .pptx or .pdf"),
    ]:
        argv = ["report", "--db", db, "--year", YEAR, "--as-of", AS_OF, "--no-images", "--out", out, *args]
        p = rbdash(*argv)
        assert (p.returncode, p.stderr) == (2, message + "\n"), p.stderr


def test_office_slide_shows_the_late_activities_first(deck_db):
    """An office's Gantt slide: the activities with a late month (planned, due, not realised) in plan
    order, at most GANTT_ROWS, said so in words; an office without data shows its first activities."""
    from rbdash import metrics, views
    acts = metrics.plan_activities(deck_db, "KPU Kota Malang", YEAR)
    shown, what = views.late_first(acts, AS_OF, ALL_MONTHS)
    # Malang: I0 planned Jan, Feb realised Feb -> Jan late; I1 planned May: nothing due by Mar
    late = [i for i, (_, p, r) in enumerate(next(r for n, _, r in PLANS if n == "KPU Kota Malang"))
            if any(m <= AS_OF and m not in r for m in p)]
    assert shown["indikator"].tolist() == [f"I{i}" for i in late]
    assert what == f"Gantt: {len(late)} dari {len(late)} kegiatan yang terlambat (semua {len(acts)} kegiatan di halaman Gantt)"
    gresik = metrics.plan_activities(deck_db, "KPU KAB. GRESIK", YEAR)
    shown, what = views.late_first(gresik, AS_OF, 0)  # nothing reported: nothing is "late"
    assert len(shown) == len(gresik) and what.startswith(f"Gantt: {len(gresik)} kegiatan pertama")


# --------------------------------------------------------------------------------- the deck as PDF

def test_cli_report_writes_the_same_deck_as_pdf(deck_db, tmp_path):
    """The same slides, one page each; LibreOffice draws the trend's charts with their words as text
    (issue 22.6)."""
    needs_soffice()
    import pdfplumber
    from rbdash import export
    out = tmp_path / "rapat.pdf"
    p = rbdash("report", "--db", deck_db.path, "--year", YEAR, "--as-of", AS_OF, "--province", "Jawa Timur",
               "--office", "KPU Kota Malang", "--out", out)
    assert p.returncode == 0, p.stderr
    expected = report.outline(report.collect(deck_db, YEAR, AS_OF, "Jawa Timur", ["KPU Kota Malang"]))
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and export.pdf_pages(pdf) == len(expected)  # one page per slide
    assert p.stdout.strip().endswith(f"{out}: {len(expected)} slides ({len(expected)} PDF pages)")
    assert p.stdout.splitlines()[-2].endswith(expected[-1])
    with pdfplumber.open(out) as doc:
        words = doc.pages[expected.index(f"Tren capaian {YEAR}: Jawa Timur")].extract_text()
    for text in ("Bulan-kegiatan kumulatif: rencana dan realisasi", "Rencana (kumulatif)", "Realisasi (kumulatif)",
                 "Capaian per bulan dan kumulatif", "Jan", "Des", "50% 100% 0%"):  # Jatim and Malang
        assert text in words, text


def test_pdf_without_libreoffice_says_so(deck_db, monkeypatch, tmp_path):
    from rbdash import export
    from rbdash.errors import ExportError
    monkeypatch.setattr(export.shutil, "which", lambda name: None)
    with pytest.raises(ExportError) as err:
        export.deck_pdf(report.deck_bytes(deck_db, YEAR, AS_OF, images=False))
    assert err.value.message_id == ("PDF tidak dapat dibuat: LibreOffice belum terpasang di server; "
                                    "unduh file PowerPoint-nya")
    assert str(err.value).startswith("cannot write a PDF: LibreOffice (soffice) is not installed")


def test_a_failing_conversion_is_an_export_error(monkeypatch, tmp_path):
    """LibreOffice that writes nothing (here: a stand-in that exits 1) -> pdf_failed, no traceback."""
    from rbdash import export
    from rbdash.errors import ExportError
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setattr(export.shutil, "which", lambda name: str(fake))
    with pytest.raises(ExportError, match=r"could not convert the deck to PDF \(soffice exit 1\)"):
        export.deck_pdf(b"not a deck")


def test_a_year_over_year_slide_when_the_scope_has_two_years(deck_db):
    """Issue 23.4: with plans of 2023 too, the provincial deck gains a year-over-year slide after the
    trend: each year up to the same month (Mar) per area and in total, by hand, and the offices that
    improved or fell most; a scope with one year has none (the titles of the tests above)."""
    before = {"KPU Provinsi Jawa Timur": [(1, [1, 2, 3], [1])],    # 1 of 3 (2024: 2 of 3: improved)
              "KPU Kota Malang": [(2, [1, 2], [1, 2])]}            # 2 of 2 (2024: 1 of 2: fell)
    for satker, rows in before.items():
        deck_db.import_plan(make_plan(satker, YEAR - 1, [(a, "K", f"J{i}", p, r) for i, (a, p, r) in enumerate(rows)],
                                      has_realization=True, as_of=AS_OF), actor="test")
    prs = Presentation(io.BytesIO(report.deck_bytes(deck_db, YEAR, AS_OF, province="Jawa Timur", images=False)))
    names = titles(prs)
    title = "Capaian tahun ke tahun s.d. Mar: Provinsi Jawa Timur"
    assert names.index(title) == names.index(f"Tren capaian {YEAR}: Jawa Timur") + 1
    slide = prs.slides[names.index(title)]
    table = tables(slide)[0]
    assert [r[0] for r in table] == ["Tahun", str(YEAR - 1), str(YEAR)] and table[0][-1] == "Total"
    assert table[1][-1] == pct(3 / 5) and table[2][-1] == pct(pooled(["KPU Provinsi Jawa Timur", "KPU Kota Malang"]))
    assert table[1][1] == pct(1 / 3) and table[1][2] == pct(1.0)  # 2023 per area: 1 (Prov), 2 (Malang)
    text = "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
    assert f"Paling meningkat {YEAR - 1} → {YEAR}\nProv. Jawa Timur: 33,3% → 66,7% (+33,3 poin)" in text
    assert f"Paling menurun {YEAR - 1} → {YEAR}\nKota Malang: 100,0% → 50,0% (-50,0 poin)" in text
    assert_fits(prs)


# --------------------------------------------------------------------------------- laid out by drawn height

LONG = [o for o in regions.official_offices() if o.level != "RI"]
LONG = sorted(LONG, key=lambda o: -len(o.name))[:24]


@pytest.fixture
def long_names_db(tmp_path):
    """24 offices with the longest official names, realising 0..11 of 12 planned months: 11 below the
    median, a laggards' slide of 10 two-line rows; an office with a long Gantt."""
    store = Store(tmp_path / "long.duckdb")
    for i, office in enumerate(LONG):
        rows = [(1 + k % 8, f"Penyelenggaraan Integritas di lingkungan {office.name} tahap {k}",
                 "Tersedianya dokumen monitoring dan evaluasi pelaksanaan Rencana Aksi Reformasi Birokrasi " * (1 + k % 3),
                 [k % 12 + 1], [k % 12 + 1] if k < i % 12 else []) for k in range(12)]
        store.import_plan(make_plan(office.name, YEAR, rows, has_realization=True, as_of=12), actor="test")
    return store


def needed_lines(text, width_emu, size, bold):
    """Lines ``text`` takes in a cell ``width_emu`` wide at ``size`` pt (Arial's widths, the cell's margins)."""
    from rbdash import measure
    room = (width_emu - 2 * report.CELL_X) / 12700
    return len(measure.wrap(text, room, size, bold))


def test_every_table_slide_fits_by_the_height_its_rows_are_drawn(long_names_db):
    """Issue 21.4: each row of each table is as tall as its wrapped text (Arial, as the deck sets it;
    LibreOffice draws it with Liberation Sans, the same widths), no word broken inside (every column at
    least as wide as its widest word), and a table continues on the next slide before it would run
    past the bottom -- the laggards' slide of 10 two-line rows ran off the page (row 9 cut, 10
    missing) with 15 rows a slide whatever their height.  Captions end above their tables."""
    from rbdash import measure
    data = report.deck_bytes(long_names_db, YEAR, 12, offices=[LONG[0].name], images=False)
    prs = Presentation(io.BytesIO(data))
    assert titles(prs) == report.outline(report.collect(long_names_db, YEAR, 12, offices=[LONG[0].name]))
    assert_fits(prs)
    laggards = [r for s in prs.slides if titles_of(s).startswith("Satker di bawah median")
                for t in tables(s) for r in t[1:]]
    assert len(laggards) == report.LAGGARDS
    assert sum(titles_of(s).startswith("Gantt: ") for s in prs.slides) >= 2  # an office's Gantt over two slides
    for slide in prs.slides:
        shapes = list(slide.shapes)
        for sh in shapes:
            if not sh.has_table:
                continue
            caption_bottom = max(o.top + o.height for o in shapes if o.has_text_frame)
            assert sh.top >= caption_bottom, titles_of(slide)
            table = sh.table
            widths = [c.width for c in table.columns]
            drawn = 0
            for row in table.rows:
                need = 0
                for j, cell in enumerate(row.cells):
                    if cell.is_spanned:
                        continue
                    run = cell.text_frame.paragraphs[0].runs[0] if cell.text else None
                    if run is None:
                        continue
                    size, bold = run.font.size.pt, bool(run.font.bold)
                    assert run.font.name == "Arial"
                    width = sum(widths[j:j + cell.span_width]) - (cell.margin_left - report.CELL_X)
                    for word in cell.text.split():
                        assert measure.width(word, size, bold) * 12700 <= width - 2 * report.CELL_X, (word, titles_of(slide))
                    need = max(need, needed_lines(cell.text, width - (cell.margin_left - report.CELL_X), size, bold)
                               * size * measure.LINE * 12700 + cell.margin_top + cell.margin_bottom)
                assert row.height >= need - 2, (titles_of(slide), [c.text for c in row.cells][:2])
                drawn += row.height
            assert sh.top + drawn <= prs.slide_height - report.BOTTOM, titles_of(slide)


def test_the_deck_as_pdf_shows_every_row_and_whole_words(long_names_db, tmp_path):
    """The same in LibreOffice's drawing of the deck (pdfplumber reads the PDF's words and where they
    stand): every table row's first words are on their page, inside it, and every heading word of the
    heatmap is whole ('Manajemen', not 'Manajem' + 'en')."""
    needs_soffice()
    import pdfplumber
    from rbdash import export
    pptx_bytes = report.deck_bytes(long_names_db, YEAR, 12, offices=[LONG[0].name], images=False)
    prs = Presentation(io.BytesIO(pptx_bytes))
    pdf = export.deck_pdf(pptx_bytes)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) == len(prs.slides)
        for slide, page in zip(prs.slides, doc.pages):
            words = page.extract_words()
            assert all(w["bottom"] <= page.height and w["x1"] <= page.width for w in words), titles_of(slide)
            text = {w["text"] for w in words}
            for t in tables(slide):
                for row in t[1:]:
                    first = row[0].split()[0] if row[0].split() else None
                    assert first is None or first in text, (titles_of(slide), row[0])
                if titles_of(slide).startswith("Capaian per"):
                    heading = {w for cell in t[0] for w in cell.split()}
                    assert heading <= text, (titles_of(slide), heading - text)
