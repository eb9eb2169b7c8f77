"""The private S3 storage of STORAGE_URL (portal/object_storage.py); imported only when used."""

from botocore.exceptions import ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


class PrivateS3Storage(S3Storage):
    """S3Storage that can only be private: no ACL on any object (the bucket's private one
    applies), signed requests, never overwriting a file of the same name (Django's own
    semantics: a second form template "to-khai.pdf" gets a new name), and no URL that reaches
    the bytes: `url()` is the unrouted MEDIA_URL path, as on the local disk."""

    def __init__(self, **options):
        options.update(default_acl=None, querystring_auth=True, file_overwrite=False)
        super().__init__(**options)

    def _get_write_parameters(self, name, content=None):
        params = super()._get_write_parameters(name, content)
        params.pop("ACL", None)
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        return f"{settings.MEDIA_URL}{name}"

    def open_stream(self, name):
        """(the object's bytes as a stream, its length): a download read from the storage in
        blocks as it is sent, not fetched whole into memory first as `open()` does."""
        try:
            response = self.bucket.Object(self._normalize_name(clean_name(name))).get(
                **self._filtered_download_parameters(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(f"File does not exist: {name}") from None
            raise
        return response["Body"], response.get("ContentLength")

    def _filtered_download_parameters(self, name):
        # Only what a GET accepts (SSE-C keys), not the upload's parameters (ServerSideEncryption).
        return {k: v for k, v in self.get_object_parameters(name).items() if k.startswith("SSECustomer")}
