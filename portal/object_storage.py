"""Where uploaded files live: the local disk (the default, MEDIA_ROOT) or a private bucket of an
S3-compatible object storage (MinIO, Ceph, a cloud's S3) named by STORAGE_URL (issue 22).

    STORAGE_URL=s3://motcua-files/portal?endpoint_url=http://minio:9000&region=us-east-1

The bucket's name is the URL's host, an optional key prefix its path; the query may carry
`endpoint_url` (empty: the cloud's own S3), `region`, `addressing_style` (path | virtual | auto;
path by default, what MinIO and most S3-compatible servers want), `signature_version` (s3v4),
`verify` (false, or the path of a CA bundle) and `sse` (server-side encryption, e.g. AES256).
The keys come from STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY (never in the URL, which
is printed in logs and error pages); without them boto3 looks for its usual credentials (the
AWS_* variables, an instance role).

Files are never public. Objects are written with no ACL (they inherit the bucket's: private;
docs/operations.md says how to block public access on the bucket), and no page ever links to
the storage: every file is read by the portal and streamed by the view that has checked who may
see it (dossiers/files.py), with the same attachment, nosniff and sandbox headers as from the
local disk. `url()` therefore gives the same unrouted MEDIA_URL path as the local disk does, not
a signed URL that would reach the bytes without the portal's check.
"""

import logging
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
PRIVATE_S3 = "portal.s3.PrivateS3Storage"
logger = logging.getLogger("portal.storage")
URL_OPTIONS = {"endpoint_url", "region", "addressing_style", "signature_version", "verify", "sse"}


def storage_from_url(url, *, access_key="", secret_key="", default_backend=FILESYSTEM):
    """The STORAGES["default"] entry for STORAGE_URL (empty: `default_backend`, the local disk)."""
    if not url:
        return {"BACKEND": default_backend}
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured(f"STORAGE_URL must start with s3:// (got {parts.scheme or 'no scheme'}://).")
    if "@" in parts.netloc:
        raise ImproperlyConfigured("STORAGE_URL must not carry credentials: set STORAGE_ACCESS_KEY_ID and "
                                   "STORAGE_SECRET_ACCESS_KEY instead.")
    bucket = parts.netloc
    if not bucket:
        raise ImproperlyConfigured("STORAGE_URL names no bucket: s3://BUCKET[/PREFIX]?endpoint_url=…")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(query) - URL_OPTIONS)
    if unknown:
        raise ImproperlyConfigured(f"STORAGE_URL: unknown option(s) {', '.join(unknown)} "
                                   f"(known: {', '.join(sorted(URL_OPTIONS))}).")
    options = {
        "bucket_name": bucket,
        "location": parts.path.strip("/"),
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region") or None,
        "addressing_style": query.get("addressing_style") or "path",
        "signature_version": query.get("signature_version") or "s3v4",
    }
    if options["addressing_style"] not in ("path", "virtual", "auto"):
        raise ImproperlyConfigured("STORAGE_URL: addressing_style is path, virtual or auto.")
    verify = query.get("verify")
    if verify:
        options["verify"] = False if verify.lower() in ("0", "false", "no") else verify
    if query.get("sse"):
        options["object_parameters"] = {"ServerSideEncryption": query["sse"]}
    if access_key or secret_key:
        if not (access_key and secret_key):
            raise ImproperlyConfigured("Set both STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY, or neither.")
        options.update(access_key=access_key, secret_key=secret_key)
    return {"BACKEND": PRIVATE_S3, "OPTIONS": options}


def open_for_download(fieldfile):
    """(a file-like object to stream, its length or None) for a stored file, whatever the storage:
    the private bucket streams block by block; the disk opens the file. FileNotFoundError when
    it is missing."""
    storage = fieldfile.storage
    if hasattr(storage, "open_stream"):
        return storage.open_stream(fieldfile.name)
    return storage.open(fieldfile.name, "rb"), None


def storage_errors():
    """The exceptions a storage raises when it does not answer: the disk's, and boto's when the
    object storage is used (imported here, not at start-up)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is in requirements.txt
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


def store_upload(fieldfile, name, content):
    """Write `content` to `fieldfile`'s storage (not saving the row). A storage that does not
    answer (the object storage down, the disk full) becomes a ValidationError the upload form
    shows, so the caller's transaction rolls back and no row points to a missing file."""
    try:
        fieldfile.save(name, content, save=False)
    except storage_errors() as error:
        logger.error("could not store upload %r: %s", name, error)
        raise ValidationError(
            _("Chưa lưu được tệp “%(name)s” (kho lưu trữ tệp tạm thời không trả lời). Vui lòng thử lại sau ít phút.")
            % {"name": name},
            code="storage_unavailable",
        ) from None
