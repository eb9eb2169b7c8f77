"""Virus scanning of uploads with ClamAV's daemon, clamd, over its INSTREAM protocol
(issue 19, item 4; docs/security.md "ClamAV").

Configured by `CLAMD_URL` (`tcp://clamav:3310` or `unix:///run/clamav/clamd.ctl`); without it
nothing is scanned and the verdict is "" (not scanned). The protocol: send `zINSTREAM\\0`, then the
file in chunks, each prefixed with its length as a 4-byte big-endian integer, then a zero length;
clamd answers `stream: OK`, `stream: <signature> FOUND` or `<message> ERROR`, ended by a NUL.
"""

import logging
import socket
import struct
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger("portal.security")

CLEAN, INFECTED, ERROR, NOT_SCANNED = "clean", "infected", "error", ""
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Verdict:
    status: str  # CLEAN, INFECTED, ERROR or NOT_SCANNED
    detail: str = ""  # the signature found, or what went wrong


def _connect(url, timeout):
    parts = urlsplit(url)
    if parts.scheme == "unix":
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(parts.path)
        return sock
    if parts.scheme != "tcp" or not parts.hostname:
        raise ValueError(f"CLAMD_URL must be tcp://host:port or unix:///path, not {url!r}")
    return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)


def _answer(sock):
    data = b""
    while not data.endswith(b"\0"):
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan_stream(stream, *, url=None, timeout=None):
    """The verdict of clamd on the bytes of `stream` (a file object, read from its start)."""
    url = url if url is not None else getattr(settings, "CLAMD_URL", "")
    if not url:
        return Verdict(NOT_SCANNED)
    timeout = timeout if timeout is not None else getattr(settings, "CLAMD_TIMEOUT", 30)
    stream.seek(0)
    try:
        with _connect(url, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack(">I", len(chunk)) + chunk)
            sock.sendall(struct.pack(">I", 0))
            answer = _answer(sock)
    except (OSError, ValueError) as error:
        logger.error("clamd unreachable at %s: %s", url, error)
        return Verdict(ERROR, str(error)[:200])
    finally:
        stream.seek(0)
    if answer.endswith("FOUND"):
        return Verdict(INFECTED, answer.removeprefix("stream:").removesuffix("FOUND").strip()[:200])
    if answer.endswith("OK"):
        return Verdict(CLEAN)
    logger.error("clamd answered %r", answer)
    return Verdict(ERROR, answer[:200])
