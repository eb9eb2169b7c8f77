"""A small clamd on loopback for the tests: the real INSTREAM protocol (command, length-prefixed
chunks, a zero length, a NUL-terminated answer), finding the EICAR test string."""

import socketserver
import struct
import threading
from contextlib import contextmanager

# The EICAR anti-virus test file: harmless, recognised by every scanner as "infected".
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class _Handler(socketserver.BaseRequestHandler):
    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def handle(self):
        command = b""
        while not command.endswith((b"\0", b"\n")):
            command += self._read(1)
        self.server.commands.append(command)
        if command.rstrip(b"\0\n") not in (b"zINSTREAM", b"nINSTREAM"):
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        received = b""
        while True:
            (length,) = struct.unpack(">I", self._read(4))
            if length == 0:
                break
            received += self._read(length)
        self.server.streams.append(received)
        answer = b"stream: Eicar-Test-Signature FOUND" if EICAR in received else b"stream: OK"
        self.request.sendall(answer + b"\0")


class ClamdServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.commands, self.streams = [], []

    @property
    def url(self):
        return f"tcp://127.0.0.1:{self.server_address[1]}"


@contextmanager
def clamd_server():
    server = ClamdServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
