"""Serving stored files: only ever through a view that has checked who may see them."""

import mimetypes

from django.http import FileResponse


def private_file_response(stored, *, name):
    """Stream a DossierFile (or any row with `file` and `content_type`) inline, never cached by
    proxies, with a download name chosen by the portal rather than by the uploader."""
    extension = mimetypes.guess_extension(stored.content_type) or ""
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Content-Disposition"] = f'inline; filename="{name}{extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
