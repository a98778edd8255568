"""Container checks: refuse bytes that are not a sane workbook package before any reader sees them."""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError as ET_ParseError

from rbdash import wording
from rbdash.errors import UnreadableFile
from rbdash.excel.package import Package, canonical

MAX_FILE_MB = 25
MAX_UNPACKED_MB = 400

# What a damaged package raises from zipfile, zlib or the XML parser.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, ET_ParseError)


@dataclass
class Container:
    """What ``check_container`` found: ``kind`` is "xlsx" (also .xlsm), "xls", "ods", "docx" or "pdf";
    ``zf`` the opened package of a ZIP container (every member inflated and CRC-checked, XML
    searched for entity declarations); ``parts`` the worksheet XML of an .xlsx by part name;
    ``package`` a copy of an .xlsx with the usual part names when the file's differ (``package``
    module), for the readers; ``stream`` the workbook stream (BIFF records) of an .xls."""
    kind: str
    zf: zipfile.ZipFile | None = None
    parts: dict | None = None
    package: bytes | None = None
    stream: bytes | None = None


ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Files that are not workbooks rbdash reads, recognised by their content (never by their name):
# kind -> the code of the refusal (errors.MESSAGES) that says what the file is and what to do.
REFUSED = {
    "encrypted": "encrypted",          # an OLE box holding an encrypted .xlsx (or a FILEPASS .xls: xls.scan)
    "doc": "word_97", "ppt": "powerpoint", "pptx": "powerpoint", "vsd": "visio", "vsdx": "visio",
    "pub": "publisher", "msg": "outlook", "ole": "other_office",
    "xlsb": "xlsb", "spreadsheetml": "spreadsheetml", "biff2_4": "excel_2_4",
    "html": "html_as_excel", "csv": "csv_as_excel",
}
# A top-level entry of an OLE2 compound file (Office 97-2003) -> what the file is; first match wins.
OLE_KINDS = (("EncryptedPackage", "encrypted"), ("EncryptionInfo", "encrypted"), ("Workbook", "xls"),
             ("Book", "xls"), ("WordDocument", "doc"), ("PowerPoint Document", "ppt"), ("VisioDocument", "vsd"),
             ("Quill", "pub"), ("__properties_version1.0", "msg"))


def check_container(data) -> Container:
    """Refuse bytes that are not a sane workbook or plan document before any reader sees them."""
    if not data:
        raise UnreadableFile("empty")
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise UnreadableFile("too_large", size_mb=len(data) / 1048576, size_mb_id=wording.decimal(len(data) / 1048576),
                             limit_mb=MAX_FILE_MB)
    head = data[:8]
    if head.startswith(OLE_MAGIC):
        return _ole(data)
    for magic, kind in ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP")):
        if head.startswith(magic):
            raise UnreadableFile("picture", kind=kind)
    if head.startswith(b"%PDF"):
        return Container("pdf")
    if len(head) >= 4 and head[0] == 0x09 and head[1] in (0x00, 0x02, 0x04) and head[2] in (4, 6, 8) \
            and head[3] == 0:  # the BOF record an Excel 2.0, 3.0 or 4.0 file starts with (no OLE box)
        raise UnreadableFile(REFUSED["biff2_4"])
    if not head.startswith(b"PK"):
        raise UnreadableFile(REFUSED.get(_text_kind(data), "not_excel"))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except DAMAGED as exc:
        raise UnreadableFile("truncated", detail=detail_of(exc)) from None
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise UnreadableFile("zip_bomb", size_mb=unpacked / 1048576, size_mb_id=wording.integer(unpacked / 1048576),
                             limit_mb=MAX_UNPACKED_MB)
    pkg = Package(zf)
    kind, main = _zip_kind(zf, pkg)
    if kind is None:
        raise UnreadableFile("plain_zip")
    if kind in REFUSED:
        raise UnreadableFile(REFUSED[kind])
    keep = set()
    if kind == "xlsx":
        keep = pkg.worksheets(main) | {i.filename for i in infos if WORKSHEET.match(i.filename)}
    parts = {}
    for info in infos:
        body = _verified(zf, info, info.filename in keep or _small_xml(info))
        if info.filename in keep:
            parts[info.filename] = body
        elif body is not None:
            pkg.remember(info, body)
    if kind != "xlsx":
        return Container(kind, zf, parts)
    fixed = canonical(pkg, main)
    if fixed is not None:  # read the copy's worksheets (its names) for the extent check
        copy = Package(zipfile.ZipFile(io.BytesIO(fixed)))
        parts = {name: copy.zf.read(name) for name in copy.worksheets("xl/workbook.xml")}
    return Container(kind, zf, parts, package=fixed)


def _ole(data):
    """An OLE2 compound file (Office 97-2003) is whatever its top-level entries say: an .xls has a
    Workbook (Book) stream, a .doc a WordDocument stream, an encrypted .xlsx an EncryptedPackage..."""
    import olefile
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))  # bytes shorter than 1536 would be taken for a file name
        top = {path[0].lower(): path[0] for path in ole.listdir(streams=True, storages=True)}
        kind, name = next(((k, top[n.lower()]) for n, k in OLE_KINDS if n.lower() in top), ("ole", None))
        if kind != "xls":
            raise UnreadableFile(REFUSED[kind])
        stream = ole.openstream(name).read()
    except UnreadableFile:
        raise
    except Exception as exc:  # olefile raises OSError, ValueError, struct.error... for a damaged file
        raise UnreadableFile("xls_damaged", detail=detail_of(exc)) from None
    return Container("xls", stream=stream)


def _zip_kind(zf, pkg):
    """(kind, main part) of a ZIP package, by the parts it holds: the usual names first, then the
    main part as Office finds it (relationships, content types)."""
    if pkg.name("xl/workbook.xml"):
        return "xlsx", "xl/workbook.xml"
    if "word/document.xml" in pkg.members:
        return "docx", "word/document.xml"
    if "content.xml" in pkg.members and "mimetype" in pkg.members:
        try:
            mime = zf.read(pkg.name("mimetype"))[:100].strip()
        except DAMAGED:
            return None, None
        if mime == ODS_MIME:
            return "ods", "content.xml"
    main, kind = pkg.main_part()
    if kind:
        return kind, main
    for part, kind in (("xl/workbook.bin", "xlsb"), ("ppt/presentation.xml", "pptx"), ("visio/document.xml", "vsdx")):
        if part in pkg.members:
            return kind, part
    return None, None


REMEMBERED_KB = 256  # XML parts up to this size are kept as the check inflates them: read again later


def _small_xml(info):
    """A relationships, workbook or content-types part (any small XML part): kept as inflated."""
    return info.file_size <= REMEMBERED_KB * 1024 and info.filename.lower().endswith((".xml", ".rels"))


_ENTITY = re.compile(rb"<!(?i:doctype|entity)|<\x00!\x00(?i:d\x00o\x00c|e\x00n\x00t)")
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")


def _verified(zf, info, keep):
    """Inflate one member in full, streamed: zipfile stops at the declared size and checks the CRC
    at the end, so a flipped bit or a member that inflates beyond what it declares is refused as
    damaged (never read with altered text).  XML parts are searched end to end for DTD/entity
    declarations.  Returns the member's bytes when ``keep`` (a worksheet: the extent check reads
    it), else None."""
    xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    chunks, tail = [], b""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                if xml:
                    window = tail + chunk
                    # every declaration starts "<!" (UTF-16: "<\0!"): a plain search finds none in most parts
                    if (b"<!" in window or b"<\x00!" in window) and _ENTITY.search(window):
                        raise UnreadableFile("xml_entities", part=info.filename)
                    tail = chunk[-24:]
                if keep:
                    chunks.append(chunk)
    except (*DAMAGED, RuntimeError) as exc:  # RuntimeError: an encrypted member
        raise UnreadableFile("truncated", detail=detail_of(exc)) from None
    return b"".join(chunks) if keep else None


_HTML = re.compile(rb"<\s*(!doctype\s+html|html|table|head|body|meta)\b", re.I)
# Excel's "XML Spreadsheet 2003": an XML document, not a package
_SPREADSHEETML = re.compile(rb"<\?mso-application\s[^>]*Excel\.Sheet|<(?:\w+:)?Workbook\b[^>]*"
                            rb"urn:schemas-microsoft-com:office:spreadsheet", re.I)


def _text_kind(data):
    """'spreadsheetml', 'html' or 'csv' for the text files other systems export with an Excel name."""
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):].replace(b"\x00", b"") if bom != b"\xef\xbb\xbf" else head[len(bom):]
    if _SPREADSHEETML.search(head):
        return "spreadsheetml"
    if _HTML.search(head[:1024]):
        return "html"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    printable = all(ch.isprintable() or ch in "\t\r\n" for ch in text[:2000])
    if printable and lines and all(any(sep in ln for sep in ",;\t") for ln in lines[:5]):
        return "csv"
    return None


def detail_of(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
