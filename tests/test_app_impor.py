"""AppTest of Impor: the uploader, previews, imports and refusals (workbooks and a decree PDF)."""

import pytest

from app_fixtures import empty_db, metrics, start, warm_server  # noqa: F401 (fixtures)
from conftest import SAMPLES
from rbdash.store import Store

pytestmark = pytest.mark.usefixtures("warm_server")


def test_impor_page_on_empty_db_shows_uploader(empty_db):
    at = start("pages/impor.py")
    assert at.file_uploader[0].accept_multiple_files
    assert {t.lstrip(".") for t in at.file_uploader[0].allowed_type} >= {"xlsx", "xlsm", "xls", "ods", "docx", "pdf"}
    assert any("PDF" in c.value and "bukan hasil pindaian" in c.value for c in at.caption)
    # issue 21.6: Streamlit's English 'Upload' and '25MB per file • XLSX, …' give way to Indonesian
    css = " ".join(e.proto.body for e in at.get("html"))
    assert '[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }' in css
    assert 'span[data-has-shortcut]::after\n  { content: "Pilih file"; }' in css
    assert "Seret file ke kotak ini atau klik Pilih file · batas 25 MB per file · .xlsx, .xlsm, .xls, .ods, .docx, " \
           ".pdf" in [c.value for c in at.caption]


def test_upload_previews_and_imports_good_files_and_refuses_bad_one(empty_db):
    at = start("pages/impor.py")
    good = (SAMPLES / "kpu_kota_banjarmasin_2022.xlsx").read_bytes()
    at.text_input(key="petugas").input("Siti")
    at.file_uploader[0].set_value([("banjarmasin.xlsx", good, "application/vnd.ms-excel"),
                                   ("rusak.xlsx", b"bukan workbook", "application/vnd.ms-excel")])
    at.run()
    assert not at.exception
    assert any("KPU Kota Banjarmasin" in m.value and "tahun **2022**" in m.value for m in at.markdown)
    assert any(e.value.startswith("rusak") and "bukan file Excel" in e.value for e in at.error)
    head = at.dataframe[-1].value
    assert {"lembar", "baris", "indikator"} <= set(head.columns) and head["baris"].min() > 1
    at.button(key="confirm_import").click().run()
    assert not at.exception
    result = at.dataframe[0].value
    assert result.set_index("File")["Hasil"].to_dict() == {"banjarmasin.xlsx": "berhasil", "rusak.xlsx": "ditolak"}
    assert Store(empty_db).counts()["plan_versions"] == 1
    log = Store(empty_db).query_df("SELECT actor FROM audit_log WHERE action = 'import'")
    assert log["actor"].tolist() == ["Siti"]
    # the other pages see the new data without restart
    at.switch_page("pages/beranda.py").run()
    assert metrics(at)["Satker"] == "1" and at.selectbox(key="f_year").value == 2022
    # straight to the new plan's Gantt
    at.switch_page("pages/impor.py").run()
    at.button(key="gantt_0").click().run()
    assert [t.value for t in at.title] == ["Gantt rencana aksi"]
    assert at.selectbox(key="fokus").value == "KPU Kota Banjarmasin" and at.selectbox(key="f_year").value == 2022
    # the same file again is skipped as a duplicate
    at.switch_page("pages/impor.py").run()
    at.file_uploader[0].set_value(("lagi.xlsx", good, "application/vnd.ms-excel"))
    at.run()
    assert any("sudah pernah diimpor (akan dilewati)" in m.value for m in at.markdown)
    button = at.button(key="confirm_import")
    assert button.disabled and button.label == "Tidak ada rencana baru untuk diimpor"


def test_upload_reads_a_decree_pdf_and_refuses_a_scan(empty_db):
    """A decree printed to PDF is previewed like a workbook (rows at their page); a scan is refused in
    one Indonesian line."""
    import io
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    from rbdash.demo.pdf import decree_pdf
    decree, truth = decree_pdf("KPU Kabupaten Poso", 2025, 2, variation={"coverage": 0.6, "marks": "fill"})
    buf = io.BytesIO()
    scan = canvas.Canvas(buf)
    scan.drawImage(ImageReader(Image.new("L", (200, 280), 190)), 40, 40, 500, 700)
    scan.save()
    at = start("pages/impor.py")
    at.file_uploader[0].set_value([("sk_poso.pdf", decree, "application/pdf"),
                                   ("pindaian.pdf", buf.getvalue(), "application/pdf")])
    at.run()
    assert not at.exception
    assert any("KPU Kabupaten Poso" in m.value and "tahun **2025**" in m.value and
               f"**{len(truth['records'])}** kegiatan" in m.value for m in at.markdown)
    assert [e.value.replace("\\", "") for e in at.error] == [  # shown markdown-escaped
        "pindaian.pdf: PDF tidak memiliki lapisan teks; tampaknya hasil pindaian (scan): unggah file Word/Excel "
        "aslinya (hasil pindaian tidak dibaca)"]
    head = at.dataframe[-1].value
    first = truth["records"][0]
    assert (head["lembar"].iloc[0], head["baris"].iloc[0]) == (first["sheet"], first["row"])
