"""Issue 12, part 1 — private files.

Every ``FileField`` of every model gets one stored object; its download URL is
requested as anonymous, as a user with no unit and as an officer of another
commune (403/404 each), then as the right user (200, attachment unless a PDF the
portal rendered, ``nosniff``). ``/media/<the stored name>`` is 404 with DEBUG on
and off. Uploads are checked by content: an ``.html`` renamed ``.pdf`` is refused.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client, override_settings
from django.urls import clear_url_caches, reverse

from core.uploads import EVIDENCE_TYPES, UploadRefused, check_upload, content_matches
from tests.awards import conftest as awards_conftest
from tests.contests import conftest as contests_conftest
from tests.par_index import conftest as par_conftest

TamNong = awards_conftest.TamNong
# The apps' own fixtures, shared here: the Tam Nông demo world, a district contest,
# a small commune PAR framework.
tn = awards_conftest.tn
contest = contests_conftest.contest
framework = par_conftest.framework

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


@dataclass
class Stored:
    """One stored file: the object, the field, the URL that serves it (None: no URL
    serves it at all, e.g. an import's staging data), who may get it, and who is the
    officer of another commune."""

    obj: models.Model
    field_name: str
    url: str | None
    right_user: Any = None
    other_commune: Any = None
    inline_pdf: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def stored_name(self) -> str:
        return getattr(self.obj, self.field_name).name


def _file_fields() -> set[str]:
    """``app_label.Model.field`` of every FileField (ImageField included) in the project."""
    return {
        f"{m._meta.app_label}.{m.__name__}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.FileField)
    }


# --- one object per model with a file ------------------------------------------------------


def _awards(tn: TamNong) -> list[Stored]:
    from awards import services
    from awards.choices import DocumentKind, DocumentStatus
    from awards.models import GeneratedDocument

    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    nomination = tn.nominate(tn.officer_pc, person=person)
    attachment = services.add_attachment(nomination, actor=tn.officer_pc, kind="initiative", title="Công nhận sáng kiến",
                                         file=SimpleUploadedFile("Sáng kiến của Nguyễn Thị Hoa.pdf", PDF))
    doc = GeneratedDocument(round=tn.round, kind=DocumentKind.REPORT, nomination=nomination, status=DocumentStatus.DONE,
                            file_name=f"bao-cao-thanh-tich-{nomination.pk}.pdf")
    doc.file.save(doc.file_name, ContentFile(PDF), save=False)
    doc.save()
    # The scanned decision of a higher level (an upward Tờ trình's answer): staff of the round only.
    decision = services.create_decision(tn.round, actor=tn.staff, proposal_date=date(2023, 7, 13), proposal_number="5")
    decision.scan.save("qd-cap-tren.pdf", ContentFile(PDF), save=False)
    decision.scan_name = "QĐ của UBND tỉnh.pdf"
    decision.save()
    return [
        Stored(decision, "scan", reverse("awards:decision_scan", args=[decision.pk]), tn.staff, tn.officer_pc),
        Stored(attachment, "file", reverse("awards:attachment_download", args=[nomination.pk, attachment.pk]),
               tn.officer_pc, tn.officer_al),
        Stored(doc, "file", reverse("awards:document_download", args=[doc.pk]), tn.officer_pc, tn.officer_al,
               inline_pdf=True),
    ]


def _par_index(framework: Any, tree: dict, officer_a: Any, officer_b: Any) -> list[Stored]:
    from par_index import services
    from tests.par_index.conftest import answers_by_code

    assessment = services.start_assessment(framework, tree["commune_a"], actor=officer_a)
    answer = answers_by_code(assessment)["1.1.1"]
    evidence = services.add_evidence(answer, actor=officer_a, file=ContentFile(PDF, name="Kế hoạch CCHC xã A.pdf"))
    return [Stored(evidence, "file", reverse("par_index:evidence_download", args=[evidence.pk]), officer_a, officer_b)]


def _onestop(tree: dict, officer_a: Any, officer_b: Any) -> list[Stored]:
    from scoring.onestop import services
    from scoring.onestop.choices import ImportKind
    from tests.onestop.helpers import dossier_file, dossier_row, upload

    data = dossier_file([dossier_row("000.00.01.H01-230301-0001", unit="XA-A")])
    batch = services.create_batch(tree["commune_a"], ImportKind.DOSSIERS, upload(data, "Hồ sơ tháng 3 xã A.xlsx"),
                                  actor=officer_a, enqueue=False)
    batch.staging_file.save("staging.bin", ContentFile(b"\x00normalised rows"), save=True)
    return [
        Stored(batch, "file", reverse("onestop:batch_file", args=[batch.pk]), officer_a, officer_b),
        Stored(batch, "staging_file", None),  # internal: read back by the confirmation only
    ]


def _contests(contest: Any, tree: dict, officer_a: Any, officer_b: Any) -> list[Stored]:
    from contests import services
    from contests.choices import EntryFormat
    from tests.contests.conftest import AUTHOR, article

    entry = services.create_entry(contest, actor=officer_a, unit=tree["commune_a"], title="Một cửa thân thiện",
                                  fmt=EntryFormat.ARTICLE, upload=article(1200), authors=[AUTHOR])
    services.submit_entry(entry, actor=officer_a)  # staff see submitted entries only
    stored = [Stored(entry, "file", reverse("contests:entry_file", args=[contest.code, entry.pk]), officer_a, officer_b)]
    if hasattr(entry, "original_file"):
        # The original with its metadata is the contest managers' only.
        from organization.choices import Role
        from tests.conftest import make_user

        manager = make_user("thidua_cuoc_thi", tree["district"], Role.STAFF)
        stored.append(Stored(entry, "original_file", reverse("contests:entry_original", args=[contest.code, entry.pk]),
                             manager, officer_b, extra={"refused_for_entrant": officer_a}))
    return stored


@pytest.fixture
def stored_files(tree, officer_a, officer_b, framework, contest) -> list[Stored]:
    tn = TamNong()
    return (_awards(tn) + _par_index(framework, tree, officer_a, officer_b) + _onestop(tree, officer_a, officer_b)
            + _contests(contest, tree, officer_a, officer_b))


def _users(item: Stored, no_unit_user: Any) -> list[tuple[str, Any]]:
    wrong = [("ẩn danh", None), ("chưa gán đơn vị", no_unit_user), ("cán bộ xã khác", item.other_commune)]
    if "refused_for_entrant" in item.extra:
        wrong.append(("đơn vị dự thi (tệp gốc)", item.extra["refused_for_entrant"]))
    return wrong


def test_every_file_field_is_covered(stored_files):
    """A new FileField without a row here fails: its files must get a checked view."""
    covered = {f"{s.obj._meta.app_label}.{type(s.obj).__name__}.{s.field_name}" for s in stored_files}
    assert covered == _file_fields()


def test_wrong_users_get_403_or_404_and_the_right_user_gets_the_file(stored_files, no_unit_user):
    for item in stored_files:
        if item.url is None:
            continue
        for who, user in _users(item, no_unit_user):
            client = Client()
            if user is not None:
                client.force_login(user)
            response = client.get(item.url)
            if user is None:  # anonymous: sent to sign in, never the file
                assert response.status_code == 302 and "/dang-nhap/" in response["Location"], (item.url, who)
            else:
                assert response.status_code in (403, 404), (item.url, who, response.status_code)
            assert not hasattr(response, "streaming_content"), (item.url, who)
        client = Client()
        client.force_login(item.right_user)
        response = client.get(item.url)
        assert response.status_code == 200, item.url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body == getattr(item.obj, item.field_name).open("rb").read(), item.url
        assert response["X-Content-Type-Options"] == "nosniff"
        disposition = response["Content-Disposition"]
        if item.inline_pdf:
            assert disposition.startswith("inline") and response["Content-Type"] == "application/pdf", item.url
        else:
            assert disposition.startswith("attachment"), (item.url, disposition)
            if item.obj._meta.app_label != "contests":  # contests serve through their own view (12C)
                assert "sandbox" in response["Content-Security-Policy"], item.url


@pytest.mark.parametrize("debug", [True, False])
def test_media_urls_are_404_in_every_mode(stored_files, debug, officer_a, settings):
    """Not even the right user gets a file by its storage path, DEBUG on or off."""
    import importlib

    import cchc_portal.urls

    settings.DEBUG = debug
    importlib.reload(cchc_portal.urls)  # the URLconf is built once: rebuild it under this DEBUG
    clear_url_caches()
    try:
        client = Client()
        client.force_login(officer_a)
        for item in stored_files:
            name = item.stored_name
            assert name, item
            for url in (f"/media/{name}", f"{settings.MEDIA_URL}{name}"):
                assert client.get(url).status_code == 404, url
            client.force_login(item.right_user or officer_a)
    finally:
        importlib.reload(cchc_portal.urls)
        clear_url_caches()


def test_stored_names_are_not_guessable(stored_files):
    """Files of the apps of part 1 are stored as <folder>/<uuid4>.<ext>: no person,
    unit or original name on disk; the original name is what the user downloads."""
    import re

    for item in stored_files:
        assert re.fullmatch(r"[a-z0-9_/-]+/[0-9a-f]{32}\.[a-z0-9]+", item.stored_name), item.stored_name


def test_original_name_comes_back_on_download(stored_files):
    attachment = next(s for s in stored_files if type(s.obj).__name__ == "NominationAttachment")
    client = Client()
    client.force_login(attachment.right_user)
    disposition = client.get(attachment.url)["Content-Disposition"]
    assert "S%C3%A1ng%20ki%E1%BA%BFn%20c%E1%BB%A7a%20Nguy%E1%BB%85n%20Th%E1%BB%8B%20Hoa.pdf" in disposition


# --- uploads by content ------------------------------------------------------------------------


def test_html_renamed_pdf_is_refused_by_content():
    upload = SimpleUploadedFile("quyet-dinh.pdf", HTML_AS_PDF, content_type="application/pdf")
    with pytest.raises(UploadRefused, match=r"“quyet-dinh.pdf” có đuôi .pdf nhưng nội dung không phải PDF"):
        check_upload(upload, allowed=EVIDENCE_TYPES)


def test_nomination_attachment_html_as_pdf_refused_on_the_page(tn, client):
    from awards.models import NominationAttachment

    person = tn.people("DT-TAMNONG-PHUCUONG", 1)[0]
    nomination = tn.nominate(tn.officer_pc, person=person)
    client.force_login(tn.officer_pc)
    page = client.post(reverse("awards:nomination_attach", args=[nomination.pk]),
                       {"kind": "evidence", "title": "Bằng khen", "file": SimpleUploadedFile("bang-khen.pdf", HTML_AS_PDF)},
                       follow=True).content.decode()
    assert "nội dung không phải PDF" in page
    assert not NominationAttachment.objects.filter(nomination=nomination).exists()


def test_par_evidence_svg_as_png_refused(framework, tree, officer_a, client):
    from par_index import services
    from par_index.models import Evidence
    from tests.par_index.conftest import answers_by_code

    assessment = services.start_assessment(framework, tree["commune_a"], actor=officer_a)
    answer = answers_by_code(assessment)["1.1.1"]
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    client.force_login(officer_a)
    page = client.post(reverse("par_index:evidence_upload", args=[assessment.pk, answer.pk]),
                       {"file": SimpleUploadedFile("anh.png", svg)}, follow=True).content.decode()
    assert "nội dung không phải ảnh PNG" in page
    assert not Evidence.objects.exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(("name", "data", "ok"), [
    ("a.pdf", PDF, True),
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, True),
    ("a.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 32, True),
    ("a.docx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), True),
    ("a.docx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), False),  # an xlsx
    ("a.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}), True),
    ("a.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), True),
    ("a.ods", _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), False),
    ("a.zip", _zip({"readme.txt": b"x"}), True),
    ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, True),
    ("a.xls", PDF, False),
    ("a.txt", "Biên bản kiểm tra, ngày 05/01/2024.".encode(), True),
    ("a.txt", b"<html><script>alert(1)</script></html>", False),
    ("a.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, False),
    ("a.pdf", b"", False),
])
def test_content_signature_per_type(name, data, ok):
    upload = SimpleUploadedFile(name, data)
    assert content_matches(upload, name.rsplit(".", 1)[1]) is ok
    assert upload.tell() == 0  # the check leaves the file ready to be stored


def test_extension_outside_the_allowed_list_is_refused():
    with pytest.raises(UploadRefused, match=r"“trang.html” không đúng định dạng cho phép \(.doc, .docx"):
        check_upload(SimpleUploadedFile("trang.html", HTML_AS_PDF), allowed=EVIDENCE_TYPES)


# --- production: the web server sends the bytes -------------------------------------------------


@pytest.mark.parametrize(("server", "header"), [("nginx", "X-Accel-Redirect"), ("sendfile", "X-Sendfile")])
def test_web_server_sends_the_file_after_the_check(stored_files, server, header, no_unit_user):
    evidence = next(s for s in stored_files if type(s.obj).__name__ == "Evidence")
    with override_settings(PRIVATE_FILES_SERVER=server, PRIVATE_FILES_INTERNAL_URL="/_private_files/"):
        client = Client()
        client.force_login(no_unit_user)
        refused = client.get(evidence.url)
        assert refused.status_code == 404 and header not in refused
        client.force_login(evidence.right_user)
        response = client.get(evidence.url)
    assert response.status_code == 200 and response.content == b""
    if server == "nginx":
        assert response[header] == f"/_private_files/{evidence.stored_name}"
    else:
        assert response[header].endswith(evidence.stored_name) and response[header].startswith("/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_admin_links_each_file_to_its_checked_view(stored_files):
    """The back office shows a stored file as a link to the view that checks the user,
    never as a /media/ link (which serves nothing): the same URL the pages use."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    admin_user = get_user_model().objects.create_superuser("quantri-tep", password="matkhau-thu-nghiem-123")
    client = Client()
    client.force_login(admin_user)
    for item in stored_files:
        meta = item.obj._meta
        page = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.obj.pk]))
        assert page.status_code == 200, meta.label
        html = page.content.decode()
        assert settings.MEDIA_URL not in html and item.stored_name not in html, meta.label
        if item.url is not None:
            assert f'href="{item.url}"' in html, (meta.label, item.field_name, item.url)
            assert client.get(item.url).status_code == 200, item.url
