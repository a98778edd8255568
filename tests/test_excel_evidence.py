"""Evidence links read from monitoring workbooks pass the same rule as links typed in the app."""

import openpyxl
import pytest

from rbdash import demo
from rbdash.excel import parse_workbook
from rbdash.store import Store

HOSTILE = "javascript:alert(document.cookie)"


@pytest.mark.parametrize("value, stored, warning, ket", [
    ("https://drive.example.go.id/rb/1", "https://drive.example.go.id/rb/1", None, None),
    (HOSTILE, None, ("evidence_refused", f"baris {{row}}: tautan bukti dukung '{HOSTILE}' bukan alamat http(s); "
                                         "tidak disimpan"), None),
    ("data:text/html,<script>alert(1)</script>", None, ("evidence_refused", None), None),
    ("file:///etc/passwd", None, ("evidence_refused", None), None),
    ("vbscript:msgbox(1)", None, ("evidence_refused", None), None),
    ("\\\\server\\share\\sk.pdf", None, ("evidence_refused", None), None),
    ("https://x.example/" + "a" * 600, None, ("evidence_refused", None), None),
    ("SK Tim RB", None, ("evidence_kept_as_text", "baris {row}: bukti dukung 'SK Tim RB' bukan tautan; "
                                                 "disimpan di KET"), "Bukti dukung: SK Tim RB"),
])
def test_evidence_from_a_workbook(tmp_path, value, stored, warning, ket):
    path = tmp_path / "monev.xlsx"
    demo.generate(path, "monev", "KPU Kota Malang", 2024, 3, variation={"hidden_sheet": False})
    wb = openpyxl.load_workbook(path)
    ws = next(ws for ws in wb.worksheets if ws.sheet_state == "visible")
    cell = next(c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("https://drive.example.go.id/rb/"))
    cell.value = value
    wb.save(path)
    plan = parse_workbook(path)
    act = next(a for a in plan.activities if a.row == cell.row)
    assert act.evidence == stored
    got = [(i.type, i.message_id) for i in plan.warnings if i.type.startswith("evidence") and i.row == cell.row]
    if warning is None:
        assert got == []
    else:
        assert [t for t, _ in got] == [warning[0]]
        if warning[1]:
            assert got[0][1] == warning[1].format(row=cell.row)
    assert (ket in (act.keterangan or "")) if ket else "Bukti dukung" not in (act.keterangan or "")
    store = Store(tmp_path / "rb.duckdb")
    store.import_plan(plan)
    with store.connect() as con:
        urls = {u for (u,) in con.execute("SELECT evidence_url FROM progress WHERE evidence_url IS NOT NULL").fetchall()}
    assert (value in urls) == (stored is not None)
    assert not any(u.lower().startswith(("javascript", "data:", "file:", "vbscript", "\\\\")) for u in urls)
