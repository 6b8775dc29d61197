"""Blind stays blind (issue 12, acceptance 3): entry files lose every identifying
property when stored, the original is for the contest's managers only, and judges
see units and authors only after publication."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from pypdf import PdfReader, PdfWriter

from contests import services
from contests.choices import ContestStage, EntryFormat
from core.metadata import MetadataError, strip_identifying_metadata, strip_mp4
from organization.choices import Role
from tests.conftest import make_user

from .builders import WORDS, docx_bytes, mp4_bytes
from .conftest import AUTHOR

AUTHOR_NAME = "Nguyễn Văn Tác"
COMPANY = "UBND xã A – Văn phòng"
TITLE = "Bộ phận một cửa xã A thân thiện"
DESCRIPTION = "Bài dự thi của đồng chí Tác, xã A"
#: Every piece of identifying text planted in the files; none may reach a judge.
SECRETS = (AUTHOR_NAME, COMPANY, TITLE, DESCRIPTION, "Trưởng phòng Hành chính", "tuyên truyền xã A")

XMP = f"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:creator><rdf:Seq><rdf:li>{AUTHOR_NAME}</rdf:li></rdf:Seq></dc:creator>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{TITLE}</rdf:li></rdf:Alt></dc:title>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{DESCRIPTION}</rdf:li></rdf:Alt></dc:description>
<pdf:Producer>{COMPANY}</pdf:Producer>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>""".encode()


def identified_docx(n_words: int) -> bytes:
    """A .docx carrying the author, company, manager, title, subject, description and
    keywords in its core and extended properties, and a custom property."""
    document = Document(io.BytesIO(docx_bytes(n_words)))
    props = document.core_properties
    props.author = props.last_modified_by = AUTHOR_NAME
    props.title, props.subject, props.comments = TITLE, TITLE, DESCRIPTION
    props.keywords, props.category = "tuyên truyền xã A", COMPANY
    saved = io.BytesIO()
    document.save(saved)
    # python-docx does not model docProps/app.xml (Company, Manager) nor custom.xml:
    # write them as Word does.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = data.replace(b"</Properties>", f"<Company>{COMPANY}</Company><Manager>Trưởng phòng Hành chính</Manager>"
                                    f"<TitlesOfParts><vt:vector size=\"1\" baseType=\"lpstr\"><vt:lpstr>{TITLE}</vt:lpstr>"
                                    "</vt:vector></TitlesOfParts></Properties>".encode())
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/docProps/custom.xml" ContentType='
                                    b'"application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>')
            if info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                                    b'officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>')
            dst.writestr(info, data)
        dst.writestr("docProps/custom.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/'
            'officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'docPropsVTypes"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Người soạn">'
            f"<vt:lpwstr>{AUTHOR_NAME}</vt:lpwstr></property></Properties>").encode())
    return out.getvalue()


def identified_pdf(n_words: int) -> bytes:
    """A PDF (WeasyPrint, as the portal makes them) with author, title, subject,
    keywords in /Info, a custom /Company key, and XMP with creator/title/description."""
    from weasyprint import HTML

    words = " ".join(WORDS[i % len(WORDS)] for i in range(n_words))
    html = (f"<html><head><title>{TITLE}</title><meta name='author' content='{AUTHOR_NAME}'>"
            f"<meta name='description' content='{DESCRIPTION}'><meta name='keywords' content='tuyên truyền xã A'>"
            f"</head><body><p>{words}</p></body></html>")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(HTML(string=html).write_pdf())))
    writer.add_metadata({"/Company": COMPANY, "/Subject": DESCRIPTION})
    writer.xmp_metadata = XMP
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _download(client, campaign, entry) -> bytes:
    response = client.get(reverse("contests:entry_file", args=[campaign.code, entry.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


def assert_docx_anonymous(data: bytes) -> None:
    props = Document(io.BytesIO(data)).core_properties
    for field in ("author", "last_modified_by", "title", "subject", "comments", "keywords", "category",
                  "content_status", "identifier", "language", "version"):
        assert getattr(props, field) == "", field
    assert props.created is None and props.modified is None and props.last_printed is None
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        app = z.read("docProps/app.xml").decode()
        custom = z.read("docProps/custom.xml").decode()
        everything = b"".join(z.read(n) for n in z.namelist()).decode("utf-8", "replace")
    assert "<Company>" not in app and "<Manager>" not in app and "TitlesOfParts" not in app
    assert "property" not in custom
    for secret in SECRETS:
        assert secret not in everything, secret


def assert_pdf_anonymous(data: bytes) -> None:
    reader = PdfReader(io.BytesIO(data))
    info = reader.metadata or {}
    for key in ("/Author", "/Title", "/Subject", "/Keywords", "/Company", "/Creator"):
        assert not info.get(key), key
    assert reader.xmp_metadata is None
    assert "/Metadata" not in reader.trailer["/Root"]
    for secret in SECRETS:
        # Neither as UTF-16 text strings nor as XMP (UTF-8) anywhere in the file.
        assert secret.encode("utf-8") not in data and secret.encode("utf-16-be") not in data, secret
    assert sum(len(page.extract_text().split()) for page in reader.pages) == 1200  # the article itself is intact


@pytest.fixture
def judge_b(tree):
    """A judge of commune B: may score commune A's entries."""
    return make_user("giamkhao_xa_b", tree["commune_b"], Role.JUDGE, "Vũ Thị Giang")


def test_judges_download_docx_and_pdf_without_any_identifying_metadata(client, contest, tree, officer_a, staff, judge_b):
    docx_upload = SimpleUploadedFile("Nguyen-Van-Tac-bai-du-thi.docx", identified_docx(1200))
    pdf_upload = SimpleUploadedFile("Nguyen-Van-Tac.pdf", identified_pdf(1200), content_type="application/pdf")
    # The planted metadata is really there before the upload.
    assert Document(io.BytesIO(docx_upload.read())).core_properties.author == AUTHOR_NAME
    docx_upload.seek(0)
    assert PdfReader(io.BytesIO(pdf_upload.read())).metadata["/Company"] == COMPANY
    pdf_upload.seek(0)

    entries = []
    for upload in (docx_upload, pdf_upload):
        entry = services.create_entry(contest, actor=officer_a, unit=tree["commune_a"], title="Bài dự thi",
                                      fmt=EntryFormat.ARTICLE, upload=upload, authors=[AUTHOR])
        entries.append(services.submit_entry(entry, actor=officer_a))
    docx_entry, pdf_entry = entries
    # Stored names are random, never the author's file name.
    for entry in entries:
        for f in (entry.file, entry.original_file):
            assert "Nguyen" not in f.name and len(f.name.rsplit("/", 1)[-1].split(".")[0]) == 32
    services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING)
    for entry in entries:
        services.assign_judge(entry, actor=staff, judge=judge_b)

    client.force_login(judge_b)
    assert_docx_anonymous(_download(client, contest, docx_entry))
    assert_pdf_anonymous(_download(client, contest, pdf_entry))
    # The original is for the contest's managers only: not the judge, not the entrant.
    original = reverse("contests:entry_original", args=[contest.code, docx_entry.pk])
    assert client.get(original).status_code == 403
    client.force_login(officer_a)
    assert client.get(original).status_code == 403
    assert_docx_anonymous(_download(client, contest, docx_entry))
    client.force_login(staff)
    response = client.get(original)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert Document(io.BytesIO(b"".join(response.streaming_content))).core_properties.author == AUTHOR_NAME
    pdf_original = client.get(reverse("contests:entry_original", args=[contest.code, pdf_entry.pk]))
    assert PdfReader(io.BytesIO(b"".join(pdf_original.streaming_content))).metadata["/Company"] == COMPANY
    client.logout()
    assert client.get(original).status_code == 302  # to the sign-in page


def test_identities_appear_to_judges_only_after_publication(client, contest, tree, officer_a, officer_b, staff, judge_b, judge):
    made = []
    for user, unit in ((officer_a, tree["commune_a"]), (officer_b, tree["commune_b"])):
        entry = services.create_entry(contest, actor=user, unit=unit, title=f"Bài dự thi số {len(made) + 1}", fmt=EntryFormat.ARTICLE,
                                      upload=SimpleUploadedFile("a.docx", identified_docx(1200)),
                                      authors=[{**AUTHOR, "workplace": unit.name}])
        made.append(services.submit_entry(entry, actor=user))
    services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.JUDGING)
    a_entry, b_entry = made
    services.assign_judge(a_entry, actor=staff, judge=judge_b)
    services.assign_judge(b_entry, actor=staff, judge=judge)
    criteria = list(services.settings_of(contest).rubric.all())
    from decimal import Decimal
    for entry, j in ((a_entry, judge_b), (b_entry, judge)):
        services.save_scores(entry.assignments.get(judge=j), actor=j, values={c.pk: Decimal("5") for c in criteria})
    detail = reverse("contests:entry_detail", args=[contest.code, a_entry.pk])

    def judge_sees_identity() -> bool:
        client.force_login(judge_b)
        html = client.get(detail).content.decode()
        return AUTHOR["full_name"] in html or "UBND xã A" in html

    assert not judge_sees_identity()
    services.change_stage(services.settings_of(contest), actor=staff, to=ContestStage.CLOSED)
    assert not judge_sees_identity()  # closed is not published
    services.propose_prizes(contest, actor=staff)
    services.confirm_prizes(contest, actor=staff)
    assert not judge_sees_identity()
    services.publish_results(contest, actor=staff)
    assert judge_sees_identity()
    # Published files stay stripped, for the public too.
    client.logout()
    prize_entry = contest.contest_prizes.first().entry
    response = client.get(reverse("contests:public_file", args=[contest.code, prize_entry.pk]))
    assert_docx_anonymous(b"".join(response.streaming_content))


def test_video_container_tags_are_stripped():
    from mutagen.mp4 import MP4

    buffer = io.BytesIO(mp4_bytes(300))
    video = MP4(buffer)
    video.add_tags()
    video.tags["\xa9nam"], video.tags["\xa9ART"], video.tags["\xa9cmt"] = [TITLE], [AUTHOR_NAME], [DESCRIPTION]
    buffer.seek(0)
    video.save(buffer)
    tagged = buffer.getvalue()
    assert AUTHOR_NAME.encode() in tagged
    clean = strip_mp4(tagged)
    for secret in (TITLE, AUTHOR_NAME, DESCRIPTION):
        assert secret.encode() not in clean
    assert not MP4(io.BytesIO(clean)).tags
    assert MP4(io.BytesIO(clean)).info.length == 300


def test_unreadable_or_unknown_files_are_refused():
    with pytest.raises(MetadataError, match="Không đọc được tệp .docx"):
        strip_identifying_metadata(b"not a zip", "docx")
    with pytest.raises(MetadataError, match="Không đọc được tệp .pdf"):
        strip_identifying_metadata(b"%PDF-1.4 broken", "pdf")
    with pytest.raises(MetadataError, match="định dạng không được hỗ trợ"):
        strip_identifying_metadata(b"<html>", "html")


def test_a_video_entry_is_stored_without_its_tags_and_the_original_keeps_them(contest, tree, officer_a):
    from mutagen.mp4 import MP4

    buffer = io.BytesIO(mp4_bytes(300))
    video = MP4(buffer)
    video.add_tags()
    video.tags["\xa9ART"], video.tags["\xa9nam"] = [AUTHOR_NAME], [TITLE]
    buffer.seek(0)
    video.save(buffer)
    entry = services.create_entry(contest, actor=officer_a, unit=tree["commune_a"], title="Video dự thi",
                                  fmt=EntryFormat.VIDEO, upload=SimpleUploadedFile("Tac.mp4", buffer.getvalue()),
                                  authors=[AUTHOR])
    assert entry.duration_seconds == 300
    with entry.file.open("rb") as fh:
        stored = fh.read()
    with entry.original_file.open("rb") as fh:
        original = fh.read()
    assert AUTHOR_NAME.encode() not in stored and TITLE.encode() not in stored and not MP4(io.BytesIO(stored)).tags
    assert original == buffer.getvalue()
