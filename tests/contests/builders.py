"""Files for contest tests: .docx articles with an exact word count and tiny MP4
containers whose ``mvhd`` box states a given duration."""

from __future__ import annotations

import io
import struct

WORDS = "cải cách hành chính là nhiệm vụ trọng tâm của chính quyền các cấp".split()


def docx_bytes(n_words: int, title: str = "") -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.author = "Nguyễn Văn Tác"  # blind downloads must strip this
    words = [WORDS[i % len(WORDS)] for i in range(n_words)]
    # Several paragraphs, as a real article has.
    for start in range(0, n_words, 100):
        doc.add_paragraph(" ".join(words[start:start + 100]))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def ftyp_box() -> bytes:
    return box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")


def moov_box(seconds: float, timescale: int = 1000, version: int = 0) -> bytes:
    duration = int(round(seconds * timescale))
    if version == 1:
        mvhd = bytes([1, 0, 0, 0]) + struct.pack(">QQIQ", 0, 0, timescale, duration) + b"\0" * 80
    else:
        mvhd = bytes([0, 0, 0, 0]) + struct.pack(">IIII", 0, 0, timescale, duration) + b"\0" * 80
    # One (empty) video track, as every real file has: the metadata stripper (mutagen)
    # reads the track's handler.
    mdhd = bytes(4) + struct.pack(">IIIIHH", 0, 0, timescale, duration & 0xFFFFFFFF, 0x55C4, 0)
    hdlr = bytes(4) + struct.pack(">I4s12s", 0, b"vide", bytes(12)) + b"VideoHandler\0"
    trak = box(b"trak", box(b"tkhd", bytes(84)) + box(b"mdia", box(b"mdhd", mdhd) + box(b"hdlr", hdlr)))
    return box(b"moov", box(b"mvhd", mvhd) + trak)


def mp4_bytes(seconds: float, timescale: int = 1000, version: int = 0, mdat_size: int = 64,
              moov_first: bool = False) -> bytes:
    moov = moov_box(seconds, timescale, version)
    mdat = box(b"mdat", b"\0" * mdat_size)
    return ftyp_box() + (moov + mdat if moov_first else mdat + moov)
