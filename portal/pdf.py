"""PDF rendering with WeasyPrint from templates under templates/pdf/, and QR codes.

Slips are regenerated from data every time: a PDF is never the only copy of a fact. The HTML is
rendered on every request; the PDF made from it is kept in the cache under the hash of that
HTML, so a reprint of an unchanged slip skips WeasyPrint (about 100 ms) and any change to the
data, the template or the fonts makes a new one. Fonts are
the bundled Be Vietnam Pro TrueType files (static/fonts), embedded in every PDF, so Vietnamese
diacritics print and extract exactly on any machine.
"""

import base64
import hashlib
import io
import threading
from functools import lru_cache
from pathlib import Path

import qrcode
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify

FONT_FILES = {
    "regular": "fonts/BeVietnamPro_400Regular.ttf",
    "italic": "fonts/BeVietnamPro_400Regular_Italic.ttf",
    "semibold": "fonts/BeVietnamPro_600SemiBold.ttf",
    "bold": "fonts/BeVietnamPro_700Bold.ttf",
}


@lru_cache(maxsize=1)
def font_urls():
    """file:// URLs of the bundled fonts, for @font-face rules in templates/pdf/base.html."""
    urls = {}
    for key, relative in FONT_FILES.items():
        found = finders.find(relative)
        if not found:
            raise FileNotFoundError(f"bundled font {relative} is missing from static/")
        urls[key] = Path(found).resolve().as_uri()
    return urls


@lru_cache(maxsize=1)
def _font_config():
    # WeasyPrint (and pango behind it) is loaded by the first PDF, not by every process that
    # imports the views: most requests never print (no cycle involved).
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


# WeasyPrint's text stack (pango, fontconfig, and the FontConfiguration shared above) is not
# safe in two threads of one process at once: under gunicorn's threaded workers, concurrent
# receipts made GLib report "corrupted double-linked list" (bench/run, receipt scenario). One
# PDF at a time per process; processes still render in parallel.
_RENDER_LOCK = threading.Lock()


# PDFs kept per HTML for an hour (a receipt is reprinted right after reception, if at all), and
# only slips (reports with charts run to megabytes and are rarely asked twice). Redis keeps the
# queue too and must not fill up: 1-3 thousand receipts a day of ~50 KB stay under 20 MB.
PDF_CACHE_SECONDS = 3600
PDF_CACHE_MAX_BYTES = 512 * 1024


def render_pdf(template_name, context, *, request=None):
    """Render `template_name` (a templates/pdf/ page extending pdf/base.html) to PDF bytes."""
    # Without the request: a slip needs none of the page context processors (menus, unread
    # notifications), only the absolute base URL of its images.
    html = render_to_string(template_name, {**context, "pdf_fonts": font_urls()})
    base_url = request.build_absolute_uri("/") if request is not None else None
    key = "pdf:" + hashlib.sha256(f"{base_url}\n{html}".encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = html_to_pdf(html, base_url=base_url)
        if len(pdf) <= PDF_CACHE_MAX_BYTES:
            cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf


def html_to_pdf(html, *, base_url=None):
    from weasyprint import HTML  # loaded by the first PDF, see _font_config

    with _RENDER_LOCK:
        return HTML(string=html, base_url=base_url).write_pdf(font_config=_font_config())


def pdf_response(pdf, *, filename, inline=True):
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    safe_name = slugify(Path(filename).stem) or "document"
    response["Content-Disposition"] = f'{disposition}; filename="{safe_name}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@lru_cache(maxsize=2048)
def qr_data_uri(text, *, box_size=8, border=1):
    """A QR code of `text` as an inline 1-bit PNG data URI. PNG rather than SVG: WeasyPrint
    draws an SVG QR path point by point, which was half of a slip's rendering time; at 8 px
    per module a 19 mm code prints at over 300 dpi."""
    image = qrcode.make(text, box_size=box_size, border=border, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
