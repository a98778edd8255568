"""Container checks: refuse bytes that are not a sane workbook package before any reader sees them."""

import io
import zipfile
import zlib
from xml.etree.ElementTree import ParseError as ET_ParseError

from rbdash.errors import UnreadableFile

MAX_FILE_MB = 25
MAX_UNPACKED_MB = 400

# What a damaged package raises from zipfile, zlib or the XML parser.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, ET_ParseError)


def check_container(data):
    """Refuse bytes that are not a sane .xlsx before any parser sees them."""
    if not data:
        raise UnreadableFile("empty")
    if len(data) > MAX_FILE_MB * 1024 * 1024:
        raise UnreadableFile("too_large", size_mb=len(data) / 1048576, limit_mb=MAX_FILE_MB)
    head = data[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        encrypted = "EncryptionInfo".encode("utf-16-le") in data or b"EncryptedPackage" in data \
            or "EncryptedPackage".encode("utf-16-le") in data
        raise UnreadableFile("encrypted" if encrypted else "legacy_xls")
    for magic, kind in ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"BM", "BMP")):
        if head.startswith(magic):
            raise UnreadableFile("picture", kind=kind)
    if head.startswith(b"%PDF"):
        raise UnreadableFile("pdf")
    if not head.startswith(b"PK"):
        raise UnreadableFile("not_excel")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except _DAMAGED as exc:
        raise UnreadableFile("truncated", detail=_short(exc)) from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise UnreadableFile("plain_zip")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise UnreadableFile("zip_bomb", size_mb=unpacked / 1048576, limit_mb=MAX_UNPACKED_MB)
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            with zf.open(info) as fh:
                head = fh.read(4096)
        except _DAMAGED as exc:
            raise UnreadableFile("truncated", detail=_short(exc)) from None
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise UnreadableFile("xml_entities", part=info.filename)


def _short(exc):
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]
