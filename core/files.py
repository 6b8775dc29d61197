"""Serving a stored file after its object's permission check: the only way files leave.

Nothing is served from ``MEDIA_URL``: each app loads the object through its own
``get_<thing>_for_user`` (404/403 when out of scope) and hands the file field to
``file_response``. That response

- is an attachment (downloaded, never rendered in the portal's origin) unless the
  file is a PDF or an image the portal produced itself (``produced=True``);
- carries ``X-Content-Type-Options: nosniff`` and, for downloads, a sandboxing
  ``Content-Security-Policy`` so that a browser never runs what it holds;
- in production lets the web server send the bytes (``PRIVATE_FILES_SERVER``):
  ``nginx`` → ``X-Accel-Redirect`` to an ``internal`` location
  (``PRIVATE_FILES_INTERNAL_URL``, see the README), ``sendfile`` → ``X-Sendfile``
  with the absolute path (Apache mod_xsendfile, lighttpd); empty → Django streams it.
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

#: Types that may be shown inline when the portal rendered the file itself.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})

#: Types announced as such for downloads; anything else is ``application/octet-stream``
#: (a type the browser will not render, whatever the name says).
KNOWN_TYPES = frozenset({
    "application/pdf", "image/png", "image/jpeg", "application/zip", "text/plain",
    "application/msword", "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "video/mp4", "video/quicktime",
})

#: Sent with every file: no script, no plugin, no form, nothing loaded from the file.
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def unguessable_name(folder: str, filename: str) -> str:
    """``<folder>/<uuid4 hex>.<ext>``: the storage name of an upload or a rendered file.

    The original name says who and what (a person's name, a unit, a year); the disk
    name says nothing and cannot be guessed. Keep the original in a model field
    where the user needs it back. The extension is kept (lower case, letters and
    digits only) so that the web server and the check of contents agree on the type."""
    ext = os.path.splitext(filename or "")[1].lower().lstrip(".")
    ext = ext if ext.isalnum() and len(ext) <= 10 else "bin"
    return f"{folder.strip('/')}/{uuid.uuid4().hex}.{ext}"


def content_type_for(filename: str) -> str:
    """The Content-Type announced for ``filename``: a known type or octet-stream."""
    guessed, _ = mimetypes.guess_type(filename)
    if guessed == "text/plain":
        return "text/plain; charset=utf-8"
    return guessed if guessed in KNOWN_TYPES else "application/octet-stream"


def file_response(field_file: Any, *, filename: str | None = None, produced: bool = False) -> HttpResponse:
    """The HTTP response for one stored file whose object the caller has already checked.

    ``field_file``: a ``FieldFile`` (``obj.file``); ``filename``: the name the user
    sees (default: the stored base name); ``produced``: the portal rendered this file
    (a generated PDF), so a PDF or image may open in the browser. Raises ``Http404``
    when the field is empty or the file is gone from storage."""
    if not field_file:
        raise Http404("Không có tệp.")
    name = filename or os.path.basename(field_file.name)
    content_type = content_type_for(name)
    inline = produced and content_type in INLINE_TYPES
    storage = field_file.storage
    server = getattr(settings, "PRIVATE_FILES_SERVER", "")
    if server and isinstance(storage, FileSystemStorage):
        if not storage.exists(field_file.name):
            raise Http404("Tệp không còn trên máy chủ.")
        response = HttpResponse(content_type=content_type)
        if server == "nginx":
            prefix = settings.PRIVATE_FILES_INTERNAL_URL.rstrip("/") + "/"
            response["X-Accel-Redirect"] = prefix + quote(field_file.name)
        else:  # "sendfile": Apache mod_xsendfile, lighttpd
            response["X-Sendfile"] = storage.path(field_file.name)
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("Tệp không còn trên máy chủ.") from exc
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, name)
    response["X-Content-Type-Options"] = "nosniff"
    if inline:
        # A PDF we rendered, shown by the browser's own viewer: Chromium refuses to
        # run its PDF viewer under a sandbox/object-src policy, so none is sent
        # (``_csp_exempt`` keeps django-csp's page policy off it too).
        response._csp_exempt = True
    else:
        response["Content-Security-Policy"] = FILE_CSP
    response["Cache-Control"] = "private, no-store"
    return response
