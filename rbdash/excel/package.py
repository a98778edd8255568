"""An Office Open XML package however its parts are named.

Excel finds a package's parts through its relationships, case-insensitively; exporters rely on
that: part names written with backslashes (``xl\\workbook.xml``), ``[content_types].xml`` and
``sharedstrings.xml`` in lower case, the workbook outside ``xl/`` (a minimal package with
``workbook.xml`` at the root, a folder named ``wtf/``), Excel 4.0 macro sheets and dialog sheets
beside the worksheets, a sheet whose relationship is missing or whose state is ``show``.  The
readers (python-calamine, the fills reader, the extent check) expect the usual names, so
``canonical`` gives them a copy that has them; the original bytes (hash) are untouched.
"""

import html
import io
import posixpath
import re
import zipfile
from urllib.parse import quote, unquote

MAIN_TYPES = (  # the main part's content type -> what the package is
    ("spreadsheetml.sheet.main", "xlsx"), ("spreadsheetml.template.main", "xlsx"),
    ("ms-excel.sheet.macroenabled.main", "xlsx"), ("ms-excel.template.macroenabled.main", "xlsx"),
    ("ms-excel.sheet.binary.macroenabled.main", "xlsb"),
    ("wordprocessingml.document.main", "docx"), ("wordprocessingml.template.main", "docx"),
    ("ms-word.document.macroenabled.main", "docx"), ("ms-word.template.macroenabledtemplate.main", "docx"),
    ("presentationml", "pptx"), ("ms-powerpoint", "pptx"),
    ("ms-visio.drawing", "vsdx"), ("ms-visio.template", "vsdx"), ("ms-visio.stencil", "vsdx"),
)
READ_SHEETS = ("/worksheet", "/chartsheet")  # the sheet relationships calamine reads; others are dropped
_PACKAGE_PARTS = ("[content_types].xml", "_rels/.rels")
_PACKAGE_FOLDERS = ("docprops/", "customxml/")
_SMALL = 50 << 20  # a relationship, content-type or workbook part larger than this is not read

_REL = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*>')
_ATTR = re.compile(rb'\b(Id|Type|Target|TargetMode)="([^"]*)"')
_PART_NAME = re.compile(rb'(\bPartName=")([^"]*)(")')
_CT = re.compile(rb'<(?:\w+:)?(Override|Default)\b[^>]*>')
_CT_ATTR = re.compile(rb'\b(PartName|Extension|ContentType)="([^"]*)"')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?/>|<(?:\w+:)?sheet\b[^>]*?>.*?</(?:\w+:)?sheet>', re.S)
_SHEET_RID = re.compile(rb'\s(?:\w+:)?id="([^"]*)"')
_SHEET_STATE = re.compile(rb'\sstate="([^"]*)"')


def normal(name):
    """A part name as a path: forward slashes, no leading slash."""
    return name.replace("\\", "/").lstrip("/")


class Package:
    """The members of a ZIP package by part name, found case-insensitively."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self.members = {}  # lower-case part name -> ZipInfo
        self.inflated = {}  # ZipInfo -> its bytes, for the members inflated already (``remember``)
        for info in zf.infolist():
            name = normal(info.filename)
            if name and not name.endswith("/"):
                self.members.setdefault(name.lower(), info)

    def remember(self, info, body):
        """Keep a member's bytes inflated and checked elsewhere (the container check), so that
        ``read`` does not inflate it again (a workbook's relationships are read three times)."""
        self.inflated[info] = body

    def name(self, part):
        """The member's own spelling of ``part``, or None."""
        info = self.members.get(normal(part).lower())
        return info.filename if info else None

    def read(self, part):
        """A small part's bytes, or None (absent, too large, damaged: the container check refuses
        damage on its own)."""
        info = self.members.get(normal(part).lower())
        if info is None or info.file_size > _SMALL:
            return None
        if info in self.inflated:
            return self.inflated[info]
        try:
            return self.zf.read(info)
        except Exception:  # noqa: BLE001 - zipfile and zlib raise many types for a damaged member
            return None

    def relationships(self, part):
        """[(Id, Type, target part name or None for an external one)] of ``part`` ('' for the
        package itself)."""
        name = self.name(_rels_part(part)) if part else self.name("_rels/.rels")
        return [(attrs.get("Id", ""), attrs.get("Type", ""), target) for attrs, target in self.rels_of(name)]

    def rels_of(self, rels):
        """(attributes, target part name or None for an external one) of each relationship in
        the relationships member ``rels``."""
        folder = _source_folder(rels or "")
        for m in _REL.finditer((self.read(rels) if rels else None) or b""):
            attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _ATTR.findall(m.group(0))}
            external = attrs.get("TargetMode", "").lower() == "external"
            yield attrs, None if external else resolve(folder, attrs.get("Target", ""))

    def content_types(self):
        """({part name lower-case: type}, {extension lower-case: type}) of [Content_Types].xml."""
        overrides, defaults = {}, {}
        for m in _CT.finditer(self.read("[Content_Types].xml") or b""):
            attrs = {k.decode(): v.decode("utf-8", "replace") for k, v in _CT_ATTR.findall(m.group(0))}
            if m.group(1) == b"Override" and "PartName" in attrs:
                overrides[normal(attrs["PartName"]).lower()] = attrs.get("ContentType", "")
            elif "Extension" in attrs:
                defaults[attrs["Extension"].lower()] = attrs.get("ContentType", "")
        return overrides, defaults

    def main_part(self):
        """(part name, kind) of the package's main part as Office finds it: the officeDocument
        relationship, else the part whose content type is a main document's; (None, None)."""
        overrides, defaults = self.content_types()

        def kind_of(part):
            ctype = overrides.get(part.lower()) or defaults.get(part.rsplit(".", 1)[-1].lower(), "")
            return next((kind for key, kind in MAIN_TYPES if key in ctype.lower()), None)

        for _, typ, target in self.relationships(""):
            if typ.endswith("/officeDocument") and target and self.name(target):
                return target, kind_of(target) or ("xlsx" if target.lower().endswith("workbook.xml") else None)
        for part in overrides:
            if (kind := kind_of(part)) and self.name(part):
                return part, kind
        return None, None

    def worksheets(self, workbook):
        """The member names of the workbook's worksheet parts."""
        return {name for _, typ, target in self.relationships(workbook)
                if typ.endswith("/worksheet") and target and (name := self.name(target))}


def resolve(folder, target):
    """The part a relationship target names (a URI: %20 for a space), relative to the source
    part's ``folder``."""
    target = unquote(html.unescape(target)).replace("\\", "/")
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/") if path else ""


def canonical(pkg: Package, workbook: str):
    """A copy of the package with the usual part names — ``xl/workbook.xml`` its main part, every
    part spelled as the relationships spell it, forward slashes — and only the sheets calamine
    reads listed in the workbook (an Excel 4.0 macro sheet, a dialog sheet or a sheet without its
    part is left out; a state other than hidden/veryHidden is visible); None when the package is
    already so."""
    wb_old = pkg.name(workbook)
    folder = posixpath.dirname(normal(wb_old))
    rename = {info.filename: _moved(normal(info.filename), folder) for info in pkg.members.values()}
    for old in list(rename):
        if old.lower().endswith(".rels"):
            for _, target in pkg.rels_of(old):
                if target and (member := pkg.name(target)) is not None:
                    rename[member] = _moved(target, folder)  # the spelling the references use
    rename[wb_old] = "xl/workbook.xml"
    if (wb_rels := pkg.name(_rels_part(wb_old))) is not None:
        rename[wb_rels] = "xl/_rels/workbook.xml.rels"
    if (types := pkg.name("[Content_Types].xml")) is not None:
        rename[types] = "[Content_Types].xml"
    sheets_xml = _readable_sheets(pkg, wb_old)
    if sheets_xml is None and all(old == new for old, new in rename.items()):
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for old, new in rename.items():
            body = sheets_xml if old == wb_old and sheets_xml is not None else pkg.zf.read(old)
            if new.endswith(".rels"):
                body = _retarget(pkg, old, new, rename, body)
            elif new == "[Content_Types].xml":
                body = _PART_NAME.sub(lambda m: m.group(1) + _renamed(pkg, m.group(2), folder, rename) + m.group(3),
                                      body)
            dst.writestr(new, body)
    return out.getvalue()


def _moved(part, folder):
    """Where a part lands in the copy: the workbook's folder becomes ``xl/`` (everything but the
    package-level parts when the workbook sits at the root)."""
    low = part.lower()
    if folder == "xl" or low in _PACKAGE_PARTS or low.startswith(_PACKAGE_FOLDERS):
        return part
    if not folder:
        return "xl/" + part
    if low.startswith(folder.lower() + "/"):
        return "xl/" + part[len(folder) + 1:]
    return part


def _rels_part(part):
    folder, base = posixpath.split(normal(part))
    return posixpath.join(folder, "_rels", f"{base}.rels")


def _source_folder(rels):
    """The folder of the part a relationships part belongs to ('' for the package)."""
    return posixpath.dirname(posixpath.dirname(normal(rels)))


def _retarget(pkg, old, new, rename, xml):
    """Every relationship target of the copy names its part's new name (absolute targets stay
    absolute, relative ones are relative to the source part's new folder)."""
    src_old, src_new = _source_folder(old), _source_folder(new)

    def fix(m):
        rel = m.group(0)
        attrs = dict(_ATTR.findall(rel))
        target = attrs.get(b"Target")
        if not target or attrs.get(b"TargetMode", b"").lower() == b"external":
            return rel
        member = pkg.name(resolve(src_old, target.decode("utf-8", "replace")))
        if member is None:
            return rel
        part = rename[member]
        text = "/" + part if target.startswith((b"/", b"\\")) else posixpath.relpath(part, src_new or ".")
        uri = html.escape(quote(text, safe="/!$'()*+,;=:@-._~"), quote=True).encode()
        return rel.replace(b'Target="' + target + b'"', b'Target="' + uri + b'"', 1)
    return _REL.sub(fix, xml)


def _renamed(pkg, part_name, folder, rename):
    name = normal(part_name.decode("utf-8", "replace"))
    member = pkg.name(name)
    return ("/" + (rename[member] if member is not None else _moved(name, folder))).encode()


def _readable_sheets(pkg, wb_name):
    """The workbook part with only the sheets calamine reads, or None when nothing changes."""
    xml = pkg.read(wb_name)
    if xml is None:
        return None
    types = {rid: typ for rid, typ, target in pkg.relationships(wb_name) if target and pkg.name(target)}
    changed = False

    def fix(m):
        nonlocal changed
        el = m.group(0)
        rid = _SHEET_RID.search(el)
        if rid is None or not types.get(rid.group(1).decode("utf-8", "replace"), "").endswith(READ_SHEETS):
            changed = True
            return b""
        state = _SHEET_STATE.search(el)
        if state and state.group(1) not in (b"hidden", b"veryHidden", b"visible"):
            changed = True
            return el[:state.start()] + el[state.end():]
        return el
    fixed = _SHEET.sub(fix, xml)
    return fixed if changed else None
