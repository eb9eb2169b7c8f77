"""Validation of uploaded files by their content, never by their name or declared type."""

import hashlib

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from portal.active_content import markup_polyglot, pdf_active_content

# What a scan or an upload may be: the kind detected from the first bytes -> MIME type.
ALLOWED = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def inspect_upload(upload, *, allowed=ALLOWED):
    """Return (content_type, size, sha256) of an uploaded file, or raise ValidationError with
    a message naming the file."""
    name = getattr(upload, "name", "")
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” dung lượng %(size)s, vượt quá giới hạn %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in allowed:
        raise ValidationError(
            _("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên tệp).")
            % {"name": name},
            code="bad_type",
        )
    if kind.extension == "pdf" and pdf_active_content(upload):
        raise ValidationError(
            _("Tệp “%(name)s” chứa mã JavaScript hoặc lệnh tự chạy chương trình; không nhận tệp PDF như vậy.")
            % {"name": name},
            code="active_content",
        )
    if markup_polyglot(upload):
        raise ValidationError(
            _("Tệp “%(name)s” chứa mã trang web (HTML, SVG hoặc script); không nhận tệp như vậy.")
            % {"name": name},
            code="polyglot",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return allowed[kind.extension], size, digest.hexdigest()
