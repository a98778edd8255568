"""Year over year (issue 23.4): each year's figure equals that year's completion computed on its own (by
hand from the plans below, and as views.summary of that year), every year up to the same month; the
offices that improved or fell most; the CLI's `completion --by year`."""

import json

import pytest
from click.testing import CliRunner

from app_fixtures import make_plan
from rbdash import views
from rbdash.cli import main
from rbdash.errors import ValidationError
from rbdash.store import Store
from rbdash.views import View

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
