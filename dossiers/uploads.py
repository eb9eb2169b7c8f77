"""Validation of uploaded files by their content, never by their name or declared type; the
antivirus scan; the upload quotas (issue 19, items 3 and 4)."""

import hashlib
import logging
from typing import NamedTuple

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import antivirus
from portal.active_content import markup_polyglot, pdf_active_content
from portal.permissions import is_staff_member

logger = logging.getLogger("portal.security")


class CheckedUpload(NamedTuple):
    content_type: str
    size: int
    sha256: str
    scan_verdict: str  # portal.antivirus: "clean", "error" (let in by CLAMD_FAIL_OPEN) or "" (no scanner)

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
    verdict = scan(upload, name=name)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(allowed[kind.extension], size, digest.hexdigest(), verdict)


def scan(upload, *, name):
    """The antivirus verdict on `upload` (nothing when no CLAMD_URL). An infected file is refused
    and discarded (its temporary file deleted now, nothing stored); when clamd cannot be asked
    the file is refused too, unless CLAMD_FAIL_OPEN lets it in with the verdict "error"."""
    verdict = antivirus.scan_stream(upload)
    if verdict.status == antivirus.INFECTED:
        logger.warning("upload refused: %s infected (%s)", name, verdict.detail)
        upload.close()  # a temporary upload file is deleted on close
        raise ValidationError(
            _("Tệp “%(name)s” bị phát hiện có mã độc (%(signature)s) và đã bị hủy; hệ thống không nhận tệp này.")
            % {"name": name, "signature": verdict.detail},
            code="infected",
        )
    if verdict.status == antivirus.ERROR and not getattr(settings, "CLAMD_FAIL_OPEN", False):
        raise ValidationError(
            _("Chưa kiểm tra được virus cho tệp “%(name)s” (dịch vụ kiểm tra tạm thời không trả lời). "
              "Vui lòng thử lại sau ít phút.") % {"name": name},
            code="scan_unavailable",
        )
    return verdict.status


# --- quotas -------------------------------------------------------------------------------------

QUOTA_DEFAULTS = {
    "draft_files": 40, "draft_bytes": 200 * 1024 * 1024,  # one online draft
    "dossier_files": 100, "dossier_bytes": 500 * 1024 * 1024,  # one dossier (or one counter form)
    "daily_files": 200, "daily_bytes": 1024 * 1024 * 1024,  # one citizen account, per day
    "staff_daily_files": 3000, "staff_daily_bytes": 20 * 1024 * 1024 * 1024,  # a counter scans for many
}


def quota(name):
    return {**QUOTA_DEFAULTS, **getattr(settings, "UPLOAD_QUOTAS", {})}[name]


def _quota_message(scope):
    if scope == "draft":
        return _("Hồ sơ đang soạn đã có %(files)s tệp, %(bytes)s; mỗi hồ sơ nhận tối đa %(max_files)s tệp, "
                 "%(max_bytes)s. Tệp “%(name)s” chưa được nhận; các tệp đã tải lên vẫn được giữ nguyên.")
    return _("Hồ sơ đã có %(files)s tệp, %(bytes)s; mỗi hồ sơ nhận tối đa %(max_files)s tệp, %(max_bytes)s. "
             "Tệp “%(name)s” chưa được nhận; các tệp đã tải lên vẫn được giữ nguyên.")


def quota_check(*, scope, files, size, name):
    """Refuse one more file of `size` bytes where `files` (a queryset of the draft's or the
    dossier's files) are already stored. `scope`: "draft" or "dossier"."""
    counted = files.aggregate(total=Sum("size"))["total"] or 0
    count = files.count()
    max_files, max_bytes = quota(f"{scope}_files"), quota(f"{scope}_bytes")
    if count + 1 > max_files or counted + size > max_bytes:
        raise ValidationError(_quota_message(scope) % {
            "files": count, "bytes": filesizeformat(counted), "max_files": max_files,
            "max_bytes": filesizeformat(max_bytes), "name": name}, code=f"quota_{scope}")


def daily_quota_take(*, user, size, name):
    """Count one accepted upload of `user` today, or refuse it when the day's quota is used up.
    The count is one conditional UPDATE, so parallel uploads cannot overrun it; inside the
    caller's transaction, so a file refused later is not counted."""
    from .models import UploadDay

    prefix = "staff_daily" if (user.is_staff or is_staff_member(user)) else "daily"
    max_files, max_bytes = quota(f"{prefix}_files"), quota(f"{prefix}_bytes")
    row, _created = UploadDay.objects.get_or_create(user=user, day=timezone.localdate())
    if UploadDay.objects.filter(pk=row.pk, files__lt=max_files, bytes__lte=max_bytes - size).update(
            files=F("files") + 1, bytes=F("bytes") + size):
        return
    row.refresh_from_db()
    raise ValidationError(
        _("Hôm nay tài khoản của bạn đã tải lên %(files)s tệp, %(bytes)s; mỗi ngày tối đa %(max_files)s tệp, "
          "%(max_bytes)s. Tệp “%(name)s” chưa được nhận; các tệp đã tải lên vẫn được giữ nguyên. Vui lòng "
          "thử lại vào ngày mai hoặc nộp tại bộ phận một cửa.")
        % {"files": row.files, "bytes": filesizeformat(row.bytes), "max_files": max_files,
           "max_bytes": filesizeformat(max_bytes), "name": name}, code="quota_daily")


def upload_days_purge(*, before):
    """Forget the daily counts of days before `before`."""
    from .models import UploadDay

    return UploadDay.objects.filter(day__lt=before).delete()[0]
