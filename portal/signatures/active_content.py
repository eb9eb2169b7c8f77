"""Does a PDF carry JavaScript or a launch action? A stop-gap of the signing work, kept in this
one function so the upload validator of the security work can replace it."""

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
