"""A hostile HTTP server on loopback: the answers a misbehaving or malicious API host could give.

Each test says how the server answers (``server.answer = some_function``); the helpers below
write the classic attacks: HTML instead of JSON, a body or headers trickled a byte at a time,
redirects to another host, a gzip bomb, junk ``Retry-After`` values, JSON nested thousands
deep. It listens on 127.0.0.x only, every loop in it is bounded (by the body's length, or a
deadline, or the server stopping), and it records what it was asked.
"""

from __future__ import annotations

import json
import struct
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

Answer = Callable[["Handler"], None]

#: A trickle never runs longer than this, whatever the client does.
TRICKLE_LIMIT_S = 30.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        self.server.hostile.requests.append({"path": path, "query": query, "params": dict(parse_qsl(query)),
                                             "headers": dict(self.headers.items())})
        self.server.hostile.answer(self)

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest's output clean
        pass

    # -- the answers tests compose
    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
             content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.send(status, json.dumps(body).encode(), headers)

    def trickle(self, data: bytes, interval: float) -> None:
        """Write ``data`` a byte per ``interval`` seconds; stops when the client hangs up, the
        server stops, or after ``TRICKLE_LIMIT_S``."""
        ends = time.monotonic() + TRICKLE_LIMIT_S
        for byte in data:
            if self.server.hostile.stopping.is_set() or time.monotonic() > ends:
                break
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                break
            time.sleep(interval)
        self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], hostile: "HostileServer") -> None:
        super().__init__(address, Handler)
        self.hostile = hostile

    def handle_error(self, request: Any, client_address: Any) -> None:  # a client hanging up is expected
        pass


class HostileServer:
    """``start()`` serves in a daemon thread on ``host`` (a loopback address) and returns its URL."""

    def __init__(self, answer: Answer | None = None, host: str = "127.0.0.1") -> None:
        if not host.startswith("127."):
            raise ValueError("the hostile server listens on loopback only")
        self.answer: Answer = answer or empty_list
        self.requests: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        self._server = _Server((host, 0), self)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.url = f"http://{host}:{self._server.server_address[1]}"

    def start(self) -> str:
        self._thread.start()
        return self.url

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "HostileServer":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------------------- answers

def work(num: int) -> dict[str, Any]:
    return {"id": f"https://openalex.org/W{num}", "title": f"Work {num}", "display_name": f"Work {num}",
            "publication_year": 2020, "referenced_works": [], "referenced_works_count": 0}


def list_body(results: list[Any]) -> dict[str, Any]:
    return {"meta": {"count": len(results), "page": 1, "per_page": 100, "next_cursor": None}, "results": results}


def empty_list(handler: Handler) -> None:
    handler.send_json(200, list_body([]))


def valid(handler: Handler) -> None:
    """A well-formed answer: a work for ``/works/W1``, the asked works for an ``openalex:`` batch."""
    request = handler.server.hostile.requests[-1]
    if request["path"].startswith("/works/W"):
        handler.send_json(200, work(int(request["path"].rsplit("W", 1)[1])))
        return
    batch = request["params"].get("filter", "").partition("openalex:")[2]
    handler.send_json(200, list_body([work(int(w[1:])) for w in batch.split("|") if w[1:].isdigit()]))


def html(handler: Handler) -> None:
    handler.send(200, b"<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>", content_type="text/html")


def trickled_body(interval: float = 0.2) -> Answer:
    def answer(handler: Handler) -> None:
        data = json.dumps(list_body([work(n) for n in range(1, 40)])).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.flush()
        handler.trickle(data, interval)
    return answer


def trickled_headers(interval: float = 0.2) -> Answer:
    def answer(handler: Handler) -> None:
        handler.trickle(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Slow-%d: %s\r\n" % (n, b"y" * 20) for n in range(200)),
                        interval)
    return answer


def redirect_to(location: str, status: int = 302) -> Answer:
    def answer(handler: Handler) -> None:
        handler.send(status, b"", {"Location": location})
    return answer


def gzip_bomb(inflated_mib: int = 1024) -> bytes:
    """A gzip body of ``inflated_mib`` MiB of zeros in about 1 KB per MiB, built in milliseconds:
    one full-flushed deflate segment repeated (each segment starts with an empty dictionary)."""
    zeros = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated_mib):
        crc = zlib.crc32(zeros, crc)
    final_block = b"\x03\x00"  # an empty final block with fixed codes
    return first + again * (inflated_mib - 1) + final_block + struct.pack("<II", crc, (inflated_mib << 20) & 0xFFFFFFFF)


def gzipped(body: bytes) -> Answer:
    def answer(handler: Handler) -> None:
        handler.send(200, body, {"Content-Encoding": "gzip"})
    return answer


def rate_limited(retry_after: str, times: int, then: Answer = valid) -> Answer:
    """429 with ``Retry-After: retry_after`` for the first ``times`` requests, then ``then``."""
    def answer(handler: Handler) -> None:
        if len(handler.server.hostile.requests) <= times:
            handler.send_json(429, {"error": "Rate limit exceeded"}, {"Retry-After": retry_after})
        else:
            then(handler)
    return answer


def deeply_nested(depth: int) -> Answer:
    def answer(handler: Handler) -> None:
        handler.send(200, b'{"meta": {"count": 1}, "results": [' + b"[" * depth + b"]" * depth + b"]}")
    return answer
