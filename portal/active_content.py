"""Active content in an uploaded file: the one rule, applied by the upload validator
(`dossiers.uploads.inspect_upload`) to every scan and upload, whichever screen it comes through.

- a PDF naming /JavaScript, /JS or /Launch (in the clear or in compressed object streams) could
  run code in a PDF reader that honours it;
- a file whose bytes also read as HTML or SVG (a "polyglot": a valid JPEG or PDF with a page in
  it) could run a script in the portal's origin if a browser ever rendered it as markup.
Both are refused at upload (issue 19, item 3); files are also served as sandboxed attachments
(`dossiers.files.private_file_response`), a second fence should one slip through.
"""

import re
import zlib

# Name objects as written in PDF syntax; `#xx` escapes are normalised before matching.
_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch)(?![A-Za-z0-9])")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
MAX_INFLATED = 64 * 1024 * 1024


def _names(data):
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def pdf_active_content(upload) -> bool:
    """True when the file's objects, in the clear or inside compressed (object) streams,
    name /JavaScript, /JS or /Launch."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if _ACTIVE.search(_names(data)):
        return True
    budget = MAX_INFLATED
    for match in _STREAM.finditer(data):
        # Only object streams hold objects; font and image streams are binary data where
        # three bytes may spell /JS by chance.
        head = data[max(0, match.start() - 512):match.start()]
        if b"/ObjStm" not in head[head.rfind(b" obj"):]:
            continue
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        if _ACTIVE.search(_names(inflated)):
            return True
        if budget <= 0:
            break
    return False


# Browsers sniff markup in the first bytes of a response; anywhere in the file, only tags that
# start a page or a script count, so that the random bytes of a compressed image stay clear.
_MARKUP_HEAD = re.compile(rb"<(!doctype|html|head|body|script|svg|iframe|object|embed|\?xml)[\s>/]", re.I)
_MARKUP_ANYWHERE = re.compile(rb"<(!doctype\s+html|html|script|svg|iframe)[\s>/]", re.I)
HEAD_BYTES = 1024


def markup_polyglot(upload) -> bool:
    """True when the file reads as HTML or SVG too: a tag starting a page, a script or an SVG
    image in its first kilobyte, or a page, script or SVG tag anywhere in its bytes."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return bool(_MARKUP_HEAD.search(data[:HEAD_BYTES]) or _MARKUP_ANYWHERE.search(data))
