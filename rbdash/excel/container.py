"""Container checks: refuse bytes that are not a sane workbook package before any reader sees them."""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError as ET_ParseError

from rbdash.errors import UnreadableFile

MAX_FILE_MB = 25
MAX_UNPACKED_MB = 400

# What a damaged package raises from zipfile, zlib or the XML parser.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, ET_ParseError)


@dataclass
class Container:
    """What ``check_container`` found: ``kind`` is "xlsx" (also .xlsm), "xls", "ods", "docx" or "pdf";
    ``zf`` the opened package of a ZIP container (every member inflated and CRC-checked, XML
    searched for entity declarations); ``parts`` the worksheet XML of an .xlsx by path."""
    kind: str
    zf: zipfile.ZipFile | None = None
    parts: dict | None = None


ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"


def check_container(data) -> Container:
    """Refuse bytes that are not a sane workbook or plan document before any reader sees them."""
    if not data:
        raise UnreadableFile("empty")
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise UnreadableFile("too_large", size_mb=len(data) / 1048576, limit_mb=MAX_FILE_MB)
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        encrypted = "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data \
            or "EncryptedPackage".encode("utf-16-le") in data
        if encrypted:
            raise UnreadableFile("encrypted")
        if ole_kind(data) == "doc":
            raise UnreadableFile("word_97")
        return Container("xls")
    for magic, kind in ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP")):
        if head.startswith(magic):
            raise UnreadableFile("picture", kind=kind)
    if head.startswith(b"%PDF"):
        return Container("pdf")
    if not head.startswith(b"PK"):
        raise UnreadableFile(_text_kind(data) or "not_excel")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _DAMAGED as exc:
        raise UnreadableFile("truncated", detail=_short(exc)) from None
    names = {i.filename for i in infos}
    kind = _zip_kind(zf, names)
    if kind is None:
        raise UnreadableFile("plain_zip")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise UnreadableFile("zip_bomb", size_mb=unpacked / 1048576, limit_mb=MAX_UNPACKED_MB)
    parts = {info.filename: part for info in infos if (part := _verified(zf, info)) is not None}
    return Container(kind, zf, parts)


# The main stream of each document Office 97-2003 writes in an OLE2 compound file.
_OLE_STREAMS = {"Workbook": "xls", "Book": "xls", "WordDocument": "doc", "PowerPoint Document": "ppt"}


def ole_kind(data) -> str | None:
    """Which Office 97-2003 document an OLE2 file is ("xls", "doc", "ppt"), by the streams at the top
    of its directory (xlrd's compound-file reader; an object embedded in it, such as a workbook in a
    Word document, sits deeper and does not count); None when unknown or damaged."""
    from xlrd.compdoc import CompDoc
    try:
        doc = CompDoc(data, logfile=io.StringIO())
        top = {doc.dirlist[i].name for i in doc.dirlist[0].children}
    except Exception:  # a damaged directory: the .xls reader says so in its own words
        return None
    return next((kind for name, kind in _OLE_STREAMS.items() if name in top), None)


def _zip_kind(zf, names):
    """Which package a ZIP is, by the parts it holds."""
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names and "mimetype" in names:
        try:
            mime = zf.read("mimetype")[:100].strip()
        except _DAMAGED:
            return None
        if mime == ODS_MIME:
            return "ods"
    return None


_ENTITY = re.compile(rb"<!(?i:doctype|entity)|<\x00!\x00(?i:d\x00o\x00c|e\x00n\x00t)")
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")


def _verified(zf, info):
    """Inflate one member in full, streamed: zipfile stops at the declared size and checks the CRC
    at the end, so a flipped bit or a member that inflates beyond what it declares is refused as
    damaged (never read with altered text).  XML parts are searched end to end for DTD/entity
    declarations.  Returns the worksheet XML (the extent check reads it), else None."""
    xml = info.filename.endswith((".xml", ".rels", ".vml"))
    keep = WORKSHEET.match(info.filename) is not None
    chunks, tail = [], b""
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(1 << 20):
                if xml:
                    if _ENTITY.search(tail + chunk):
                        raise UnreadableFile("xml_entities", part=info.filename)
                    tail = chunk[-24:]
                if keep:
                    chunks.append(chunk)
    except (*_DAMAGED, RuntimeError) as exc:  # RuntimeError: an encrypted member
        raise UnreadableFile("truncated", detail=_short(exc)) from None
    return b"".join(chunks) if keep else None


_HTML = re.compile(rb"<\s*(!doctype\s+html|html|table|head|body|meta)\b|<\?xml[^>]*>\s*(<\?mso[^>]*>\s*)?<workbook",
                   re.I)


def _text_kind(data):
    """'html_as_excel' or 'csv_as_excel' for the text files other systems export with an Excel name."""
    head = data[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):].replace(b"\x00", b"") if bom != b"\xef\xbb\xbf" else head[len(bom):]
    if _HTML.search(head[:1024]):
        return "html_as_excel"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("latin-1")
    lines = [ln for ln in text.splitlines()[:20] if ln.strip()]
    printable = all(ch.isprintable() or ch in "\t\r\n" for ch in text[:2000])
    if printable and lines and all(any(sep in ln for sep in ",;\t") for ln in lines[:5]):
        return "csv_as_excel"
    return None


def _short(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


# Public names for the container readers of other modules (excel/ods.py, ...).
DAMAGED = _DAMAGED
detail_of = _short
