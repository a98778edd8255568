"""Impor with files holding several plans (AppTest): every plan is previewed; a province account
imports its own offices of a compilation, an office account only its own, and each plan of another
office is refused by name (the store's own PermissionDenied message)."""

import re

import pytest

from app_fixtures import empty_db, warm_server  # noqa: F401 (fixtures)
from rbdash import metrics
from rbdash.demo import bundles
from rbdash.store import Store
from app_fixtures import start
from test_app_accounts import PASSWORD, log_in

pytestmark = pytest.mark.usefixtures("warm_server")
OFFICES = ["KPU Kota Malang", "KPU Kota Bandung", "KPU Kabupaten Jember"]  # Bandung is in Jawa Barat


@pytest.fixture
def compilation(empty_db, tmp_path):
    """The database with a province and an office account, and a Jawa Timur compilation's bytes."""
    store = Store(empty_db)
    store.add_user("admin", PASSWORD, "admin", actor="cli")
    store.add_user("jatim", PASSWORD, "province", actor="cli", province="Jawa Timur")
    store.add_user("malang", PASSWORD, "office", actor="cli", satker="KPU Kota Malang")
    path = tmp_path / "kompilasi.xlsx"
    bundles.compilation(path, "Jawa Timur", 2025, 5, offices=OFFICES, families=("sections", "text", "outline"))
    return empty_db, path.read_bytes()


def _upload(user, data):
    at = start("pages/impor.py")
    log_in(at, user)
    at.file_uploader[0].set_value(("kompilasi.xlsx", data, "application/vnd.ms-excel"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _plain(markdown):
    return re.sub(r"\\(.)", r"\1", markdown)


def _results(at):
    at.button(key="confirm_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    return list(zip(table["Satker"], table["Hasil"]))


def test_a_province_account_imports_its_offices_and_is_told_which_it_may_not(compilation):
    db, data = compilation
    at = _upload("jatim", data)
    assert [_plain(e.value) for e in at.error] == [
        "kompilasi.xlsx: jatim (operator provinsi Jawa Timur) tidak berwenang mengubah data KPU Kota Bandung"]
    previews = [_plain(m.value) for m in at.markdown if "rencana" in m.value and "dari 3" in m.value]
    assert previews == [f":material/description: **kompilasi.xlsx** · rencana {k} dari 3" for k in (1, 3)]
    assert any("**KPU Kabupaten Jember** · tahun **2025**" in _plain(m.value) for m in at.markdown)
    assert at.button(key="confirm_import").label == "Impor 2 rencana"
    assert _results(at) == [("KPU Kota Malang", "berhasil"), ("KPU Kota Bandung", "ditolak"),
                            ("KPU Kabupaten Jember", "berhasil")]
    assert set(metrics.offices(Store(db))["satker"]) == {"KPU Kota Malang", "KPU Kabupaten Jember"}


def test_an_office_account_imports_only_its_own_plan_of_a_compilation(compilation):
    db, data = compilation
    at = _upload("malang", data)
    assert [_plain(e.value) for e in at.error] == [
        f"kompilasi.xlsx: malang (operator satker KPU Kota Malang) tidak berwenang mengubah data {other}"
        for other in ("KPU Kota Bandung", "KPU Kabupaten Jember")]
    assert at.button(key="confirm_import").label == "Impor 1 rencana"
    assert _results(at) == [("KPU Kota Malang", "berhasil"), ("KPU Kota Bandung", "ditolak"),
                            ("KPU Kabupaten Jember", "ditolak")]
    assert set(metrics.offices(Store(db))["satker"]) == {"KPU Kota Malang"}
