"""The private S3 storage of STORAGE_URL (portal/object_storage.py); imported only when used."""

from django.conf import settings
from storages.backends.s3 import S3Storage


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
