"""Fuzzed imports: seeded mutations of generated workbooks, parsed the way users' files are (in the
capped worker processes) and stored.  Every case must end as a plan stored whole or a named, one-line
refusal with the database unchanged — never a crash, a timeout, an "unexpected error" or a raw
exception.  Seeded, so a failure names the case that reproduces it (``FUZZ_CASES`` raises the count).
"""

import io
import os
import random
import re
import zipfile

import pytest

from rbdash import demo
from rbdash.errors import RbdashError
from rbdash.importing import Status, import_parsed, parse_sources
from rbdash.store import Store

CASES = int(os.environ.get("FUZZ_CASES", "320"))
# refusals that name a real problem of the file; "unexpected" and unsafe_* mean a reader bug or a crash
EXPECTED = {"truncated", "unreadable", "plain_zip", "not_excel", "no_table", "no_rows", "no_satker",
            "no_year", "no_sheets", "xml_entities", "zip_bomb", "empty"}

WEIRD_VALUES = [b"1e308", b"-1", b"NaN", b"", b"99999999999999999999", b"0.5", b"13", b"-0", b"inf",
                b"45000", b"2958466", b"1E-300"]
WEIRD_TEXT = ["", " ", "\u202e\u0000x", "=cmd|' /C calc'!A0", "<script>alert(1)</script>", "√" * 5000,
              "Januari - Desember", "TW V", "KPU KOTA " + "A" * 300, "AREA PERUBAHAN", "\t\n\r", "ü", "13",
              "Triwulan I dan III", "31/02/2024", "KEGIATAN", "JUMLAH", "x", "1)2)3)", "<![CDATA[x]]>"]


def _esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\u0000", "")


def _mutate_sheet(xml, rng):
    cells = list(re.finditer(rb'<c\b[^>]*?r="([A-Z]+)(\d+)"[^>]*?(?:/>|>.*?</c>)', xml, re.S))
    if not cells:
        return xml
    m = cells[rng.randrange(len(cells))]
    ref = m.group(1) + m.group(2)
    kind = rng.randrange(9)
    if kind == 0:
        new = b'<c r="%s"><v>%s</v></c>' % (ref, rng.choice(WEIRD_VALUES))
    elif kind == 1:
        new = b'<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, _esc(rng.choice(WEIRD_TEXT)).encode())
    elif kind == 2:
        new = b'<c r="%s" t="s"><v>%d</v></c>' % (ref, rng.choice([-1, 10 ** 6, 2 ** 40]))
    elif kind == 3:
        new = b'<c r="%s" s="%d"><v>1</v></c>' % (ref, rng.choice([9999, -3, 2 ** 31]))
    elif kind == 4:
        new = b'<c r="%s" t="%s"><v>%s</v></c>' % (ref, rng.choice([b"b", b"e", b"d", b"str", b"zz"]),
                                                   rng.choice([b"2", b"#N/A", b"2024-13-45", b"x"]))
    elif kind == 5:  # the cell moves somewhere else, maybe far away or off the sheet
        far = rng.choice([b"XFD1048576", b"A1048576", b"XFD1", b"ZZZZ1", b"A0", b"B%d" % rng.randrange(1, 400)])
        new = m.group(0).replace(b'r="%s"' % ref, b'r="%s"' % far, 1)
    elif kind == 6:
        new = b""
    elif kind == 7:  # a formula cell
        new = b'<c r="%s"><f>SUM(A1:XFD1048576)</f><v>%s</v></c>' % (ref, rng.choice(WEIRD_VALUES))
    else:
        new = m.group(0) * rng.randint(2, 5)  # the same cell repeated
    return xml[:m.start()] + new + xml[m.end():]


def _mutate_structure(xml, rng):
    kind = rng.randrange(5)
    if kind == 0:  # a huge merged range
        merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
        return xml.replace(b"</sheetData>", b"</sheetData>" + merge, 1) if b"<mergeCells" not in xml else \
            xml.replace(b"<mergeCells", merge[:-len(b"</mergeCells>")] + b"</mergeCells><mergeCells", 1)
    if kind == 1:  # cut the XML anywhere
        return xml[:rng.randrange(len(xml))]
    if kind == 2:  # drop a random closing tag
        tags = list(re.finditer(rb"</\w+>", xml))
        if tags:
            t = tags[rng.randrange(len(tags))]
            return xml[:t.start()] + xml[t.end():]
        return xml
    if kind == 3:  # rows out of order
        rows = re.findall(rb"<row\b.*?</row>", xml, re.S)
        if len(rows) > 3:
            shuffled = rows[:]
            rng.shuffle(shuffled)
            body = b"".join(shuffled)
            start, end = xml.index(rows[0]), xml.index(rows[-1]) + len(rows[-1])
            return xml[:start] + body + xml[end:]
        return xml
    return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="%s"' % rng.choice(
        [b"A1:XFD1048576", b"", b"Z9:A1", b"foo"]), xml, count=1)


def mutate(data, rng):
    src = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: src.read(i.filename) for i in src.infolist()}
    for _ in range(rng.randint(1, 4)):
        sheets = sorted(n for n in members if n.startswith("xl/worksheets/")) or sorted(members)
        roll = rng.random()
        if roll < 0.6:
            name = rng.choice(sheets)
            members[name] = _mutate_sheet(members[name], rng)
        elif roll < 0.8:
            name = rng.choice(sheets + [n for n in ("xl/styles.xml", "xl/workbook.xml") if n in members])
            members[name] = _mutate_structure(members[name], rng)
        elif roll < 0.9:
            victim = rng.choice(sorted(members))
            members.pop(victim)
        else:
            b = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            return bytes(b)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    out = []
    for i, family in enumerate(demo.FAMILIES):
        path = folder / f"{family}.xlsx"
        demo.generate(path, family, demo.office_names()[i * 11], 2024, 500 + i)
        out.append(path.read_bytes())
    return out


def test_fuzzed_workbooks_are_stored_whole_or_refused_by_name(bases, tmp_path):
    cases = []
    for case in range(CASES):
        rng = random.Random(f"fuzz:{case}")
        cases.append((f"fuzz_{case:04d}.xlsx", mutate(bases[case % len(bases)], rng)))
    store = Store(tmp_path / "fuzz.duckdb")
    outcomes, bad = {}, []
    plans = 0
    for parsed in parse_sources(cases):
        before = store.counts() if parsed.error is not None else None
        plans += max(1, len(parsed.plans))  # an outcome per plan (a mutated title may split a file in two)
        for outcome in import_parsed(store, [parsed], actor="fuzz"):
            key = outcome.status.value if outcome.error is None else outcome.error.code
            outcomes[key] = outcomes.get(key, 0) + 1
            if outcome.status == Status.REFUSED:
                if outcome.error.code not in EXPECTED:
                    bad.append((parsed.source, outcome.error.code, str(outcome.error)))
                assert "\n" not in outcome.error.message_id
                if before is not None:
                    assert store.counts() == before
    print(f"\n{CASES} fuzz cases: {dict(sorted(outcomes.items()))}")
    assert not bad, bad[:10]
    assert sum(outcomes.values()) == plans
    # the mutations are not all fatal: a good share still imports (as a new plan or a new version)
    assert outcomes.get("new", 0) + outcomes.get("version", 0) >= CASES // 10
    with store.connect() as con:   # what was stored is whole: every version has its activities
        empty = con.execute("""SELECT count(*) FROM plan_versions pv
                               WHERE NOT EXISTS (SELECT 1 FROM activities a WHERE a.plan_version_id = pv.id)
                            """).fetchone()[0]
    assert empty == 0


def test_a_refusal_reproduces_outside_the_worker(bases):
    """The same seeded case gives the same outcome in process: failures can be debugged by case number."""
    from rbdash.excel import parse_plans
    rng = random.Random("fuzz:0")
    data = mutate(bases[0], rng)
    try:
        first = [p.to_dict() for p in parse_plans(data, name="fuzz_0000.xlsx")]
    except RbdashError as exc:
        first = exc.code
    (parsed,) = list(parse_sources([("fuzz_0000.xlsx", data)]))
    assert ([p.to_dict() for p in parsed.plans] if parsed.error is None else parsed.error.code) == first
