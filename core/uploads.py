"""Uploads are checked by what they contain, not by what they are called.

A browser trusts the bytes it is given more than the name: an ``.html`` or ``.svg``
renamed ``.pdf`` and later opened from the portal's own origin would run script
there (stored XSS). So every upload must name an allowed extension *and* carry the
signature of that very type, read from its first bytes by the ``filetype`` library
(magic numbers, no system libmagic needed). Office Open XML (docx, xlsx) and
OpenDocument (odt, ods) files are all zip archives to a signature check: their
container is opened with ``zipfile`` and must hold the part that makes it that
kind of document (``word/document.xml``, ``xl/workbook.xml``, the ODF ``mimetype``
entry — ECMA-376 Part 2 §9 and OASIS ODF 1.2 Part 3 §3.3).

Use::

    from core.uploads import check_upload, EVIDENCE_TYPES
    kind = check_upload(upload, allowed=EVIDENCE_TYPES)   # "pdf", "docx", …

``check_upload`` raises ``UploadRefused`` (a ``DomainError``: ``perform`` shows it) with
a Vietnamese sentence naming the file; ``UploadValidator`` is the same check for a
form field.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from .errors import DomainError

#: How many leading bytes the signature check reads (``filetype`` needs 261; the
#: text check looks a little further for markup).
HEAD_BYTES = 8192

#: OLE2 compound document (legacy .doc, .xls): [MS-CFB] §2.2 header signature.
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Extension → what a user reads about it.
LABELS: dict[str, str] = {
    "pdf": "PDF", "doc": "Word 97–2003", "docx": "Word", "xls": "Excel 97–2003", "xlsx": "Excel",
    "odt": "văn bản OpenDocument", "ods": "bảng tính OpenDocument", "jpg": "ảnh JPEG", "jpeg": "ảnh JPEG",
    "png": "ảnh PNG", "zip": "tệp nén ZIP", "txt": "văn bản thuần", "mp4": "video MP4", "mov": "video MOV",
}

#: Types a tài liệu kiểm chứng or a nomination's attachment may have.
EVIDENCE_TYPES: frozenset[str] = frozenset(
    {"pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png", "zip", "txt"}
)
#: A contest entry: a written piece or a video.
ENTRY_TYPES: frozenset[str] = frozenset({"pdf", "docx", "mp4", "mov"})
#: A one-stop-shop export.
SPREADSHEET_TYPES: frozenset[str] = frozenset({"xlsx", "xls", "ods"})

# Markup a browser would render or run if it ever sniffed a "text" file.
_MARKUP = (b"<html", b"<!doctype", b"<script", b"<svg", b"<?xml", b"<iframe", b"<body", b"<head")


class UploadRefused(DomainError):
    """The upload's name or content is not one of the allowed types."""


def extension_of(name: str) -> str:
    """``"Báo cáo.PDF"`` → ``"pdf"``; ``""`` when the name has none."""
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _read_head(file: Any) -> bytes:
    """The first HEAD_BYTES bytes, leaving the file where it was (at 0 for Django)."""
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(position)
    return bytes(head)


def _zip_names(file: IO[bytes]) -> tuple[set[str], bytes]:
    """Entry names of a zip upload and its ``mimetype`` entry (ODF), or an empty set."""
    position = file.tell()
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
            return names, mimetype
    except (zipfile.BadZipFile, OSError, KeyError, EOFError):
        return set(), b""
    finally:
        file.seek(position)


def _looks_like_text(head: bytes) -> bool:
    """UTF-8 (or UTF-16 with a BOM) text without NUL bytes and without HTML/SVG/XML markup."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = head.decode("utf-16")
        except UnicodeDecodeError:
            return False
        sample = text.encode("utf-8")
    else:
        sample = head
        if b"\x00" in sample:
            return False
        try:
            # A cut in the middle of a multi-byte character at the end is fine.
            sample.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:
                return False
    lowered = sample.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    return not any(marker in lowered for marker in _MARKUP)


def content_matches(file: Any, extension: str) -> bool:
    """Whether the bytes of ``file`` are a file of type ``extension`` (lower case, no dot)."""
    head = _read_head(file)
    if not head:
        return False
    guessed = filetype.guess_extension(head)
    if extension == "pdf":
        return guessed == "pdf"
    if extension in ("jpg", "jpeg"):
        return guessed == "jpg"
    if extension == "png":
        return guessed == "png"
    if extension in ("mp4", "mov"):
        # Both are ISO base media files (an ``ftyp`` box); the brand tells them apart
        # but phones write either under either name.
        return guessed in ("mp4", "mov", "m4v")
    if extension in ("doc", "xls"):
        return head.startswith(OLE2_SIGNATURE)
    if extension in ("docx", "xlsx", "odt", "ods", "zip"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        names, mimetype = _zip_names(file)
        if not names:
            return False
        if extension == "docx":
            return "[Content_Types].xml" in names and "word/document.xml" in names
        if extension == "xlsx":
            return "[Content_Types].xml" in names and "xl/workbook.xml" in names
        if extension == "odt":
            return mimetype.strip() == b"application/vnd.oasis.opendocument.text"
        if extension == "ods":
            return mimetype.strip() == b"application/vnd.oasis.opendocument.spreadsheet"
        return True  # a plain zip archive: any valid one
    if extension == "txt":
        return guessed is None and _looks_like_text(head)
    return False


def _allowed_list(allowed: Iterable[str]) -> str:
    return ", ".join(f".{ext}" for ext in sorted(allowed))


def check_upload(file: Any, *, allowed: Iterable[str], what: str = "Tệp") -> str:
    """Refuse an upload whose extension is not allowed or whose content is not that type.

    ``file``: a Django ``UploadedFile`` (or any seekable binary file with ``.name``);
    ``allowed``: lower-case extensions without a dot. Returns the extension.
    Raises ``UploadRefused`` with a Vietnamese sentence naming the file."""
    allowed = frozenset(allowed)
    name = getattr(file, "name", "") or ""
    shown = os.path.basename(name) or "không tên"
    extension = extension_of(name)
    if extension not in allowed:
        raise UploadRefused(
            f"{what} “{shown}” không đúng định dạng cho phép ({_allowed_list(allowed)})."
        )
    if not content_matches(file, extension):
        raise UploadRefused(
            f"{what} “{shown}” có đuôi .{extension} nhưng nội dung không phải {LABELS.get(extension, extension)}: "
            "hệ thống kiểm tra nội dung tệp, không chỉ tên tệp. Hãy tải lên đúng tệp gốc."
        )
    return extension


@deconstructible
class UploadValidator:
    """``check_upload`` as a form/model field validator (raises ``ValidationError``)."""

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = tuple(sorted(allowed))

    def __call__(self, file: Any) -> None:
        try:
            check_upload(file, allowed=self.allowed)
        except UploadRefused as exc:
            raise ValidationError(str(exc), code="upload_type") from exc

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator) and other.allowed == self.allowed
