"""Checking uploaded dossier files by their content, not by their name.

Accepted: PDF, JPEG, PNG, DOCX, XLSX (the formats a commune office scans or writes). The extension must agree with
the content, so a renamed executable or an HTML page called ``giay-phep.pdf`` is refused. Size is limited by
``settings.UPLOAD_MAX_BYTES`` (20 MB by default).
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

EXTENSIONS = {".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG, ".docx": DOCX, ".xlsx": XLSX}
ACCEPT_ATTRIBUTE = ",".join(sorted(EXTENSIONS)) + "," + ",".join(sorted(set(EXTENSIONS.values())))
# What the officer reads in help texts and error messages.
ALLOWED_LABEL = "PDF, JPEG, PNG, DOCX, XLSX"


class UploadRejected(Exception):
    """The message is for the officer, Vietnamese first."""


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    original_name: str


def max_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def sniff(head: bytes, file) -> str | None:
    """The content type the bytes really are, among the accepted ones; None otherwise."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return None


def check_upload(uploaded) -> CheckedUpload:
    """Refuse anything but the five formats, a mismatching extension, an empty or oversized file."""
    name = os.path.basename(uploaded.name or "").strip() or "tep"
    extension = os.path.splitext(name)[1].lower()
    limit = max_bytes()
    if uploaded.size == 0:
        raise UploadRejected(_("Tệp “%(name)s” rỗng.") % {"name": name})
    if uploaded.size > limit:
        raise UploadRejected(
            _("Tệp “%(name)s” có dung lượng %(size)s, vượt giới hạn %(limit)s.")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": filesizeformat(limit)}
        )
    if extension not in EXTENSIONS:
        raise UploadRejected(
            _("Tệp “%(name)s”: chỉ nhận các định dạng %(allowed)s.") % {"name": name, "allowed": ALLOWED_LABEL}
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type = sniff(head, uploaded)
    if content_type is None:
        raise UploadRejected(
            _("Tệp “%(name)s” không phải tệp %(ext)s hợp lệ (nội dung không đúng định dạng). Chỉ nhận %(allowed)s.")
            % {"name": name, "ext": extension[1:].upper(), "allowed": ALLOWED_LABEL}
        )
    if EXTENSIONS[extension] != content_type:
        raise UploadRejected(
            _("Tệp “%(name)s”: phần mở rộng %(ext)s không khớp với nội dung của tệp.")
            % {"name": name, "ext": extension}
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(
        content_type=content_type,
        extension=".jpg" if extension == ".jpeg" else extension,
        size=uploaded.size,
        sha256=digest.hexdigest(),
        original_name=name[:255],
    )
