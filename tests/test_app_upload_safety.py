"""An upload that kills its reader (a worker dying or hitting its memory cap) is refused on its own,
the other files of the batch import, and the app serves the next request."""

import pytest

from app_fixtures import empty_db, warm_server  # noqa: F401 (fixtures)
from conftest import plan_rows
from rbdash import metrics
from rbdash.store import Store
from app_fixtures import start

pytestmark = pytest.mark.usefixtures("warm_server")
ROWS = plan_rows([(("1", "Manajemen Perubahan", "Penyusunan", "Rapat", "Notula"), {1: "√", 2: "√"})])


def test_a_dying_reader_refuses_only_its_file_and_the_app_goes_on(empty_db, make_wb, monkeypatch):
    monkeypatch.setenv("RBDASH_TEST_CRASH_MARK", "TESTHOOK")
    good = make_wb(ROWS, title="RENCANA AKSI RB KPU KOTA MALANG TAHUN 2024").read_bytes()
    deadly = make_wb(ROWS, title="RENCANA AKSI RB KPU KOTA BLITAR TAHUN 2024").read_bytes()
    at = start("pages/impor.py")
    at.text_input(key="petugas").input("Siti").run()
    at.file_uploader[0].set_value([("malang.xlsx", good, "application/vnd.ms-excel"),
                                   ("blitar_TESTHOOK_crash.xlsx", deadly, "application/vnd.ms-excel")])
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("blitar")
    assert "file terlalu besar atau rusak untuk dibaca dengan aman" in errors[0]
    at.button(key="confirm_import").click().run()
    assert set(metrics.offices(Store(empty_db))["satker"]) == {"KPU Kota Malang"}
    at.switch_page("pages/beranda.py").run()  # the next request is served
    assert not at.exception and [t.value for t in at.title] == ["Rencana Aksi Reformasi Birokrasi"]
