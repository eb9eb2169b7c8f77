"""Serving stored files: only ever through a view that has checked who may see them.

An uploaded file is somebody else's bytes: it is served as an attachment (the browser saves it
rather than rendering it in the portal's origin), with `nosniff` (no guessing HTML out of a
"JPEG") and a sandbox CSP (should a browser render it anyway, it runs no script, submits no
form and reaches nothing). Only PDFs the portal made itself open in the browser tab (issue 19,
item 3). Uploaded images are kept byte for byte (a scan's evidence), not re-encoded, so they are
attachments too.
"""

import mimetypes

from django.http import FileResponse, Http404

from portal.object_storage import open_for_download

# The whole policy of a served file: no origin, no script, nothing loaded.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'"


def served_inline(stored):
    """A PDF the portal generated (a printed declaration) opens in the tab; anything else is a
    download."""
    return stored.content_type == "application/pdf" and bool(getattr(stored, "portal_generated", False))


def harden_file_response(response):
    """Headers every served file carries, uploaded or generated."""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    return response


def private_file_response(stored, *, name):
    """Stream a DossierFile (or any row with `file` and `content_type`), never cached by
    proxies, with a download name chosen by the portal rather than by the uploader."""
    extension = mimetypes.guess_extension(stored.content_type) or ""
    # Read through the storage API (the local disk or the private bucket, portal/object_storage.py)
    # and streamed by this view: the bytes never get a URL of their own.
    try:
        handle, length = open_for_download(stored.file)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=stored.content_type)
    if length is not None:
        response["Content-Length"] = str(length)
    disposition = "inline" if served_inline(stored) else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}{extension}"'
    return harden_file_response(response)
