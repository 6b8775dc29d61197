"""Measuring entry files: words of an article (.docx, .pdf) and a video's duration.

The video duration is read from the MP4/QuickTime ``mvhd`` box in pure Python, so
no ffmpeg is needed on the server and a multi-gigabyte file is never read into
memory: only box headers are read and ``mdat`` is skipped with ``seek``.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

ARTICLE_EXTENSIONS = ("docx", "pdf")
VIDEO_EXTENSIONS = ("mp4", "m4v", "mov")


def duration_text(seconds: int) -> str:
    """"4 phút 05 giây": a video's length as the plan states its limits."""
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} phút {rest:02d} giây"


class MeasureError(Exception):
    """The file could not be read; the message is shown to the user."""


def count_words(text: str) -> int:
    """Words as a word processor counts them: whitespace-separated tokens that
    contain a letter or digit (Vietnamese writes one syllable per token, and
    "chữ" in the plan means exactly these tokens; a lone "–" is not a word)."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def docx_text(fileobj: BinaryIO) -> str:
    from docx import Document

    try:
        document = Document(fileobj)
    except Exception as exc:  # python-docx raises several types for a damaged file
        raise MeasureError("Không đọc được tệp .docx (tệp hỏng hoặc không đúng định dạng Word).") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def pdf_text(fileobj: BinaryIO) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(fileobj)
        return "\n".join((page.extract_text() or "") for page in reader.pages)
    except Exception as exc:
        raise MeasureError("Không đọc được tệp .pdf (tệp hỏng hoặc được mã hóa).") from exc


def article_words(fileobj: BinaryIO, ext: str) -> int:
    ext = ext.lower()
    if ext == "docx":
        return count_words(docx_text(fileobj))
    if ext == "pdf":
        words = count_words(pdf_text(fileobj))
        if words == 0:
            raise MeasureError("Tệp .pdf không có chữ đọc được (có thể là bản quét ảnh); hãy nộp tệp .docx hoặc PDF có chữ.")
        return words
    raise MeasureError("Bài viết phải là tệp .docx hoặc .pdf.")


_CONTAINERS = {b"moov"}


def mp4_duration_seconds(fileobj: BinaryIO) -> float:
    """Duration from the movie header (``moov/mvhd``): duration ÷ timescale."""
    fileobj.seek(0, 2)
    end = fileobj.tell()
    fileobj.seek(0)
    return _find_mvhd(fileobj, 0, end)


def _find_mvhd(f: BinaryIO, start: int, end: int) -> float:
    pos = start
    while pos + 8 <= end:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            break
        size, box_type = struct.unpack(">I4s", header)
        header_len = 8
        if size == 1:  # 64-bit "largesize" follows the type
            large = f.read(8)
            if len(large) < 8:
                break
            size = struct.unpack(">Q", large)[0]
            header_len = 16
        elif size == 0:  # box runs to the end of the file
            size = end - pos
        if size < header_len:
            break
        if box_type in _CONTAINERS:
            return _find_mvhd(f, pos + header_len, min(pos + size, end))
        if box_type == b"mvhd":
            body = f.read(min(size - header_len, 32))
            if len(body) < 20:
                break
            version = body[0]
            if version == 1:
                if len(body) < 32:
                    break
                timescale, duration = struct.unpack(">IQ", body[20:32])
            else:
                timescale, duration = struct.unpack(">II", body[12:20])
            if timescale == 0:
                raise MeasureError("Tệp video có thông số thời gian không hợp lệ (timescale = 0).")
            return duration / timescale
        pos += size
    raise MeasureError("Không đọc được thời lượng video: tệp không phải MP4/MOV hợp lệ (thiếu khối moov/mvhd).")
