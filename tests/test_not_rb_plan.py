"""A work plan that is not an RB action plan is refused, not stored as a KPU office's plan (issue 18,
item 10): a statistics office's monthly target tracker (``rbdash.demo.workplan``: budget output
codes as kegiatan, numbers as indikator, counts in the month columns) saved as
``kpu_kabupaten_tapin_2026.xlsx`` was imported as 100 activities of KPU Kabupaten Tapin 2026, the
office and year taken from the file name.  An admin may still import it, explicitly.
"""

import pytest
from click.testing import CliRunner

from app_fixtures import empty_db, sample_db, sample_db_file, warm_server  # noqa: F401 (fixtures)
from conftest import HAVE_SHARED, NO_SHARED, SHARED
from pages._ui import md
from rbdash import demo
from rbdash.cli import main
from rbdash.demo import workplan
from rbdash.errors import NoPlanFound
from rbdash.excel import WORKBOOK_SUFFIXES, parse_plans, parse_workbook, rb_plan
from rbdash.model import make_warning
from rbdash.store import Store
from app_fixtures import start, texts
from test_app_accounts import PASSWORD, log_in

NAME = "kpu_kabupaten_tapin_2026.xlsx"
EN = ("this does not look like an RB action plan: the workbook names no KPU office (only the file name does) and "
      "0 of its {n} activities match a kegiatan of the RB change areas; if it is one, add a title such as "
      "'RENCANA AKSI RB KPU KABUPATEN X TAHUN 2026'")
ID = ("file ini tampaknya bukan rencana aksi RB: workbook tidak menyebut satker KPU (hanya nama file-nya) dan hanya "
      "0 dari {n} kegiatannya yang cocok dengan kegiatan area perubahan RB; bila memang rencana aksi RB, tambahkan "
      "judul seperti 'RENCANA AKSI RB KPU KABUPATEN X TAHUN 2026'")


@pytest.fixture(scope="module")
def tracker(tmp_path_factory):
    path = tmp_path_factory.mktemp("workplan") / NAME
    return path, workplan.generate(path, 0)


@pytest.mark.parametrize("seed", range(6))
def test_a_work_plan_that_is_not_an_rb_plan_is_refused(tmp_path, seed):
    path = tmp_path / NAME
    n = workplan.generate(path, seed)
    with pytest.raises(NoPlanFound) as exc:
        parse_workbook(path)
    assert (exc.value.code, str(exc.value), exc.value.message_id) == ("not_rb_plan", EN.format(n=n), ID.format(n=n))


def test_an_admin_may_import_it_anyway_with_a_warning(tracker):
    path, n = tracker
    plan = parse_workbook(path, allow_non_rb=True)
    assert (plan.satker, plan.year, len(plan.activities)) == ("KPU Kabupaten tapin", 2026, n)
    assert plan.warnings[-1].message_id == ("diimpor atas permintaan admin walaupun tampaknya bukan rencana aksi RB "
                                            f"(workbook tidak menyebut satker KPU, 0 dari {n} kegiatan cocok dengan "
                                            "katalog RB)")


def test_cli_parse_refuses_it_in_one_line(tracker):
    path, n = tracker
    res = CliRunner().invoke(main, ["parse", "--json", str(path)])
    assert (res.exit_code, res.stdout, res.stderr) == (2, "", f"error: {path}: {EN.format(n=n)}\n")


def _as_if_named_by_file_name(plan):
    """The plan as the rule sees it when the workbook names no office (only the file name does)."""
    plan.warnings.append(make_warning("satker_from_filename"))
    return plan


@pytest.mark.parametrize("family", demo.ALL_FAMILIES)
def test_no_generated_rb_plan_trips_the_rule(tmp_path, family):
    """Every layout family, even read as if its office were named by the file name only (a flat list
    whose areas are all inferred included), shows the RB catalogue in its activities."""
    for seed in (1, 2):
        path = tmp_path / f"{family}_{seed}{demo.file_suffix(family)}"
        demo.generate(path, family, "KPU Kota Malang", 2025, seed)
        plan = _as_if_named_by_file_name(parse_workbook(path))
        assert rb_plan(plan) is plan


@pytest.mark.skipif(not HAVE_SHARED, reason=NO_SHARED)
def test_no_fixture_plan_trips_the_rule():
    files = sorted(p for d in ("plans", "plans2", "plans3") for p in (SHARED / "fixtures" / d).glob("*.*")
                   if p.suffix in WORKBOOK_SUFFIXES)
    assert len(files) >= 30
    for path in files:
        for plan in parse_plans(path):
            plan = _as_if_named_by_file_name(plan)
            assert rb_plan(plan) is plan, path.name


# --- the upload page ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("warm_server")
def test_upload_shows_the_reason_and_an_admin_imports_anyway(empty_db, tracker):
    path, n = tracker
    at = start("pages/impor.py")
    at.text_input(key="petugas").input("Siti")
    at.file_uploader[0].set_value((NAME, path.read_bytes(), "application/vnd.ms-excel")).run()
    assert [e.value for e in at.error] == [f"{md(NAME)}: {md(ID.format(n=n))}"]
    assert at.button(key="confirm_import").disabled
    at.button(key="anyway_0").click().run()
    assert not at.exception and not at.error
    assert any("**KPU Kabupaten tapin** · tahun **2026** · **%d** kegiatan" % n in t for t in texts(at))
    at.button(key="confirm_import").click().run()
    assert Store(empty_db).counts()["plan_versions"] == 1


@pytest.mark.usefixtures("warm_server")
def test_an_office_operator_sees_the_reason_without_import_anyway(sample_db, tracker):
    path, n = tracker
    store = Store(sample_db)
    store.add_user("admin", PASSWORD, "admin", actor="cli")
    store.add_user("tapin", PASSWORD, "office", actor="cli", satker="KPU Kabupaten Tapin")
    at = start("pages/impor.py")
    log_in(at, "tapin")
    at.file_uploader[0].set_value((NAME, path.read_bytes(), "application/vnd.ms-excel")).run()
    assert [e.value for e in at.error] == [f"{md(NAME)}: {md(ID.format(n=n))}"]
    assert not [b for b in at.button if b.label == "Impor tetap"]
