"""Year over year (issue 23.4): each year's figure equals that year's completion computed on its own (by
hand from the plans below, and as views.summary of that year), every year up to the same month; the
offices that improved or fell most; the CLI's `completion --by year`."""

import json

import pytest
from click.testing import CliRunner

from app_fixtures import make_plan
from rbdash import tally, views
from rbdash.cli import main
from rbdash.errors import ValidationError
from rbdash.store import Store
from rbdash.views import View
from rbdash.views.completion import completion as completion_of

# year -> satker -> (reports realisation, [(area, planned months, realised months)])
PLANS = {
    2023: {"KPU Provinsi Jawa Timur": (True, [(1, [1, 2, 3], [1]), (2, [4, 10], [4])]),
           "KPU Kota Malang": (True, [(1, [1, 2], [1, 2])]),
           "KPU Kota Banjarbaru": (True, [(3, [1, 2, 3, 4], [])])},
    2024: {"KPU Provinsi Jawa Timur": (True, [(1, [1, 2, 3, 4], [1, 2, 3, 4])]),
           "KPU Kota Malang": (True, [(1, [2, 3, 9], [2])]),
           "KPU Kabupaten Gresik": (False, [(1, [1], [])]),
           "KPU Kota Banjarbaru": (True, [(3, [1], [1])])},
    2025: {"KPU Kota Malang": (True, [(2, [1, 2], [1])])},
}
EAST_JAVA = ("KPU Provinsi Jawa Timur", "KPU Kota Malang", "KPU Kabupaten Gresik")


@pytest.fixture(scope="module")
def years_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("years") / "years.duckdb"
    store = Store(db)
    for year, plans in PLANS.items():
        for satker, (has, rows) in plans.items():
            store.import_plan(make_plan(satker, year, [(a, "K", f"I{i}", p, r) for i, (a, p, r) in enumerate(rows)],
                                        has_realization=has, as_of=4), actor="test")
    yield db
    store.close()


@pytest.fixture
def store(years_db):
    s = Store(years_db)
    yield s
    s.close()


def by_hand(year, as_of, offices=None, area=None):
    """(realised on schedule, due) pooled over the offices with data, by hand from PLANS."""
    done = due = 0
    for satker, (has, rows) in PLANS[year].items():
        if not has or (offices is not None and satker not in offices):
            continue
        for a, planned, realised in rows:
            if area is None or a == area:
                due += sum(m <= as_of for m in planned)
                done += sum(m <= as_of and m in realised for m in planned)
    return done, due


def test_each_years_figure_is_that_years_completion_on_its_own(store):
    for as_of in (2, 4):
        yoy = views.year_over_year(store, View(year=2024, satkers=None, areas=None, as_of=as_of))
        assert yoy.years == (2023, 2024, 2025) and yoy.scope == "Nasional" and yoy.as_of == as_of
        rows = yoy.rows.set_index("year")
        for year in yoy.years:
            done, due = by_hand(year, as_of)
            assert (rows.loc[year, "realized"], rows.loc[year, "planned"]) == (done, due)
            assert rows.loc[year, "rate"] == pytest.approx(done / due)
            if as_of == 4:  # the year computed on its own, as Beranda's figure
                alone = views.summary(store, View(year=year, satkers=None, areas=None, as_of=as_of))
                assert rows.loc[year, "rate"] == pytest.approx(alone.rate)
        assert rows.loc[2024, "offices"] == 4 and rows.loc[2024, "offices_with_data"] == 3
    assert rows.loc[2023, "text"] == "40,0%" and rows.loc[2024, "text"] == "85,7%"  # 4/10 and 6/7 up to Apr


def test_per_area_across_the_years_and_a_province(store):
    yoy = views.year_over_year(store, View(year=2024, satkers=EAST_JAVA, areas=None, as_of=4, province="Jawa Timur"),
                               compare=(2023, 2024))
    assert yoy.years == (2023, 2024, 2025) and yoy.scope == "Provinsi Jawa Timur"
    hm = yoy.areas
    assert list(hm.rows) == [2023, 2024, 2025] and [c.key for c in hm.columns] == [*range(1, 9), "total"]
    for i, year in enumerate(hm.rows):
        for j, area in enumerate(range(1, 9)):
            done, due = by_hand(year, 4, EAST_JAVA, area)
            if due:
                assert hm.value[i, j] == pytest.approx(done / due), (year, area)
            else:
                assert hm.state[i, j] == views.NOTHING_DUE
        done, due = by_hand(year, 4, EAST_JAVA)
        assert hm.value[i, -1] == pytest.approx(done / due)
    assert hm.text[0, 0] == "60,0%" and hm.text[0, 2] == "–"  # 2023 area 1: Prov 1 of 3, Malang 2 of 2
    # the province's offices only (Banjarbaru, Kalimantan Selatan, improved too)
    assert yoy.improved["satker"].tolist() == ["KPU Provinsi Jawa Timur"]
    assert yoy.fell["satker"].tolist() == ["KPU Kota Malang"]


def test_offices_that_improved_or_fell_most(store):
    yoy = views.year_over_year(store, View(year=2024, satkers=None, areas=None, as_of=4))
    assert (yoy.from_year, yoy.to_year) == (2024, 2025)  # the last two years present
    assert yoy.changes["satker"].tolist() == ["KPU Kota Malang"] and yoy.improved.empty and yoy.fell.empty
    chosen = views.year_over_year(store, View(year=2024, satkers=None, areas=None, as_of=4), compare=(2023, 2024))
    assert chosen.improved["satker"].tolist() == ["KPU Kota Banjarbaru", "KPU Provinsi Jawa Timur"]
    assert chosen.improved["change_text"].tolist() == ["+100,0 poin", "+50,0 poin"]
    assert chosen.fell["satker"].tolist() == ["KPU Kota Malang"]
    fell = chosen.fell.iloc[0]
    assert (fell["text_from"], fell["text_to"], fell["change_text"]) == ("100,0%", "50,0%", "-50,0 poin")
    assert "KPU Kabupaten Gresik" not in chosen.changes["satker"].tolist()  # no data in 2024, no plan in 2023
    with pytest.raises(ValidationError) as exc:
        views.year_over_year(store, View(year=2024, satkers=None, areas=None, as_of=4), compare=(2021, 2024))
    assert str(exc.value) == "there is no plan for 2021 (Indonesia)"


def cli(*args):
    return CliRunner().invoke(main, ["completion", *map(str, args)])


def test_cli_completion_by_year(years_db):
    out = cli("--db", years_db, "--as-of", 4, "--by", "year")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "Nasional, as of month 4"
    assert "2023: 4/10 40.0% (3 offices, 3 reporting)" in lines
    assert "2024: 6/7 85.7% (4 offices, 3 reporting)" in lines
    assert "2023 area 3: 0/4 0.0%" in lines
    assert "improved 2024 -> 2025: none" in lines and "fell 2024 -> 2025: none" in lines
    out = cli("--db", years_db, "--as-of", 4, "--by", "year", "--province", "jawa timur", "--compare", 2023, 2024,
              "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["scope"], data["province"], data["as_of"], data["from_year"], data["to_year"]) == (
        "Provinsi Jawa Timur", "Jawa Timur", 4, 2023, 2024)
    years = {row["year"]: row for row in data["years"]}
    assert set(years) == {2023, 2024, 2025}
    assert {k: years[2023][k] for k in ("planned", "realized", "rate", "offices", "offices_with_data")} == {
        "planned": 6, "realized": 4, "rate": round(4 / 6, 4), "offices": 2, "offices_with_data": 2}
    assert years[2023]["areas"][0] == {"area_no": 1, "planned": 5, "realized": 3, "rate": 0.6}
    assert data["improved"] == [{"satker": "KPU Provinsi Jawa Timur", "province": "Jawa Timur", "rate_from": 0.5,
                                 "rate_to": 1.0, "change": 0.5}]
    assert [r["satker"] for r in data["fell"]] == ["KPU Kota Malang"]


def test_cli_completion_by_year_refuses_bad_input(years_db):
    for args, message in [
        (("--by", "year", "--by", "satker"), "error: --by year is used alone"),
        (("--by", "year", "--compare", 2021, 2024), "error: there is no plan for 2021 (Indonesia)"),
        (("--by", "year", "--province", "Atlantis"), "error: 'Atlantis' is not a province of the official list"),
        (("--by", "year", "--compare", 2024, 2024), "error: compare two different years, not 2024 with itself"),
        (("--compare", 2023, 2024), "error: --compare goes with --by year"),
    ]:
        out = CliRunner().invoke(main, ["completion", "--db", str(years_db), "--as-of", "4", *map(str, args)])
        assert out.exit_code == 2 and out.output.strip().splitlines()[-1] == message, out.output


def random_plans(seed):
    """Six years of random plans: offices of two provinces (and one matching none) that come and go,
    report realisation or not, with random planned and realised months in random areas."""
    import random
    rng = random.Random(seed)
    offices = ["KPU Provinsi Jawa Timur", "KPU Kota Malang", "KPU Kabupaten Gresik", "KPU Kota Banjarbaru",
               "KPU Kabupaten Tapin", "KPU Kota Fiktif"]
    plans = []
    for year in range(2019, 2025):
        for satker in rng.sample(offices, rng.randint(2, len(offices))):
            rows = []
            for i in range(rng.randint(1, 6)):
                planned = sorted(rng.sample(range(1, 13), rng.randint(1, 6)))
                rows.append((rng.randint(1, 8), "K", f"I{i}", planned,
                             [m for m in range(1, 13) if rng.random() < (0.7 if m in planned else 0.1)]))
            plans.append(make_plan(satker, year, rows, has_realization=rng.random() < 0.8, as_of=rng.randint(1, 12)))
    return plans


def test_every_year_is_read_at_once_with_each_years_own_figures(tmp_path, monkeypatch):
    """Issue 22.6: year over year reads the counts of all its years in one query (it read each year
    separately: ~50 ms a year of ten), and its figures -- per year, per area, per office -- equal each
    year's completion read on its own (a second database of the same plans, whose years are read one
    by one), on random plans."""
    stores = []
    for name in ("at_once", "one_by_one"):
        store = Store(tmp_path / f"{name}.duckdb")
        store.import_plans(random_plans(seed=1), "test")
        stores.append(store)
    at_once, alone = stores
    reads = []
    read = tally.read   # each call: one query of month_counts

    def counted(store, years, satkers=None, **kw):
        if store is at_once:
            reads.append(years)
        return read(store, years, satkers, **kw)
    monkeypatch.setattr(tally, "read", counted)
    def same(province):
        rows = views.offices(alone)
        satkers = None if province is None else tuple(sorted(set(rows.loc[rows["province"] == province, "satker"])))
        view = View(year=2024, satkers=None, areas=None, as_of=6, province=province)
        yoy = views.year_over_year(at_once, view)
        assert len(yoy.years) == 6
        for year in yoy.years:
            one = View(year=year, satkers=satkers, areas=None, as_of=view.as_of)
            expected = completion_of(alone, one, ()).assign(year=year)
            got = yoy.rows[yoy.rows["year"] == year]
            for column in ("planned", "realized", "rate", "due", "reported", "offices", "offices_with_data"):
                assert got[column].tolist() == pytest.approx(expected[column].tolist(), nan_ok=True), (year, column)
            area = completion_of(alone, one, ("area",))
            mine = yoy.per_area[yoy.per_area["year"] == year]
            assert mine["area_no"].tolist() == area["area_no"].tolist()
            assert mine["rate"].tolist() == pytest.approx(area["rate"].tolist(), nan_ok=True)
        pair = [completion_of(alone, View(year=y, satkers=satkers, areas=None, as_of=view.as_of))
                for y in yoy.years[-2:]]
        rated = [p[p["has_data"] & p["rate"].notna()].set_index("satker")["rate"] for p in pair]
        both = sorted(set(rated[0].index) & set(rated[1].index))
        assert yoy.changes["satker"].tolist() == both
        assert yoy.changes["change"].tolist() == pytest.approx([rated[1][s] - rated[0][s] for s in both])
    same(None)
    same("Jawa Timur")
    assert len(reads) == 1   # every year's rows at once, kept for the province's slide
    later = make_plan("KPU Kota Malang", 2021, [(4, "K", "New", [1, 2, 3, 6], [1, 3, 6])], has_realization=True)
    for store in stores:     # a year written since: its office re-read, the other years kept
        store.import_plan(later, actor="test")
    same(None)
    assert len(reads) == 2
    for store in stores:
        store.close()
