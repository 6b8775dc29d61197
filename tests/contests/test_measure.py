"""Word counting of .docx/.pdf articles and MP4 durations read from the file."""

from __future__ import annotations

import io

import pytest

from contests import measure

from .builders import docx_bytes, ftyp_box, moov_box, mp4_bytes


def test_count_words_counts_vietnamese_syllables_and_skips_punctuation():
    assert measure.count_words("Cải cách hành chính – nhiệm vụ trọng tâm.\n\nNăm 2020: 1.000 chữ") == 12


@pytest.mark.parametrize("n", [800, 1000, 2000])
def test_docx_word_count_is_read_from_the_text(n):
    assert measure.article_words(io.BytesIO(docx_bytes(n)), "docx") == n


def test_docx_tables_are_counted():
    from docx import Document

    doc = Document()
    doc.add_paragraph("một hai ba")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "bốn năm"
    table.cell(0, 1).text = "sáu"
    buf = io.BytesIO()
    doc.save(buf)
    assert measure.article_words(io.BytesIO(buf.getvalue()), "docx") == 6


def test_pdf_word_count(tmp_path):
    from weasyprint import HTML

    words = " ".join(["thủ tục hành chính"] * 50)  # 200 words
    pdf = HTML(string=f"<html><body><p>{words}</p></body></html>").write_pdf()
    assert measure.article_words(io.BytesIO(pdf), "pdf") == 200


def test_damaged_docx_is_refused_with_a_message():
    with pytest.raises(measure.MeasureError, match="Không đọc được tệp .docx"):
        measure.article_words(io.BytesIO(b"not a zip"), "docx")


@pytest.mark.parametrize("version", [0, 1])
@pytest.mark.parametrize("moov_first", [True, False])
def test_mp4_duration_from_mvhd(version, moov_first):
    data = mp4_bytes(300, timescale=90000, version=version, moov_first=moov_first, mdat_size=5000)
    assert measure.mp4_duration_seconds(io.BytesIO(data)) == pytest.approx(300)


def test_mp4_64bit_box_size_is_followed():
    import struct

    # An mdat written with a 64-bit "largesize" header, as large recordings are.
    payload = b"\0" * 100
    mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + len(payload)) + payload
    data = ftyp_box() + mdat + moov_box(245.5, timescale=600)
    assert measure.mp4_duration_seconds(io.BytesIO(data)) == pytest.approx(245.5)


def test_not_an_mp4_is_refused():
    with pytest.raises(measure.MeasureError, match="moov/mvhd"):
        measure.mp4_duration_seconds(io.BytesIO(b"RIFF0000AVI LIST" + b"\0" * 64))
