"""The stand-in's HTTP side: a threading HTTP server, the control endpoints, :class:`StandinServer`.

Per API request: the key check, then the rate window, then the fault draw and latency, then
the answer (from ``query``) and the bill. ``/_standin/log``, ``/_standin/reset`` and
``/_standin/faults`` let a test or a benchmark in another process read and steer it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from .faults import FaultConfig, RequestLog, _FaultSequence, _SlidingWindow, _Spend, _usd, seconds_to_midnight_utc
from .filters import INVALID_PARAMS
from .index import Work, WorkIndex, load_works
from .query import MICRO_USD, NOT_FOUND, Answer, answer, canonical_params, endpoint_kind, ids_in_request

logger = logging.getLogger("citegraph.standin")


# ---------------------------------------------------------------------------- HTTP

_REDACT_KEY = re.compile(r"(?i)(api[_-]key=)[^&]*")


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP glue: everything it decides is asked of ``self.server.standin``."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a real client session expects
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server_version = "citegraph-standin/1"
    timeout = 60

    def do_GET(self) -> None:
        if self.path.startswith("/_standin/"):
            self.server.standin._control(self, "GET")  # type: ignore[attr-defined]
        else:
            self.server.standin._serve_api(self)  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        if self.path.startswith("/_standin/"):
            self.server.standin._control(self, "POST")  # type: ignore[attr-defined]
        else:
            self.send_json(405, {"error": "Method Not Allowed", "message": "The API only answers GET."})

    def send_json(self, status: int, body: dict[str, Any] | bytes,
                  headers: Mapping[str, str] | None = None, fault: str | None = None) -> None:
        """Send a JSON answer; ``truncate`` and ``malformed`` break it on the way out."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if fault == "malformed":
            data = data[: max(1, len(data) // 2)]  # a cut JSON document never parses
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if fault == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
            data = data[: len(data) // 2]
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        # The request line carries the api_key: redact it, as the request log does.
        logger.debug("%s %s", self.address_string(), _REDACT_KEY.sub(r"\1***", format % args))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], standin: StandinServer) -> None:
        super().__init__(address, _Handler)
        self.standin = standin

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s failed", client_address, exc_info=True)


class StandinServer:
    """The stand-in: ``start()`` serves in a daemon thread and returns the base URL.

    ``works_or_path``: records, a ``WorkIndex``, or a ``.jsonl[.gz]`` path. ``api_key``: when
    set, a request carrying another key gets 401; one carrying none is served (small budget on
    OpenAlex) unless ``require_key``. ``merged_ids`` answer 404 as merged works do.
    """

    def __init__(self, works_or_path: Iterable[Work] | WorkIndex | str | os.PathLike[str],
                 api_key: str | None = None, require_key: bool = False,
                 faults: FaultConfig = FaultConfig(), merged_ids: Iterable[str] = (),
                 host: str = "127.0.0.1", port: int = 0) -> None:
        if require_key and not api_key:
            raise ValueError("require_key=True needs an api_key")
        if isinstance(works_or_path, WorkIndex):
            self.index = works_or_path
        elif isinstance(works_or_path, (str, os.PathLike)):
            self.index = WorkIndex(load_works(works_or_path), merged_ids)
        else:
            self.index = WorkIndex(works_or_path, merged_ids)
        self.api_key = api_key
        self.require_key = require_key
        self.log = RequestLog()
        self._address = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._spend = _Spend()
        self.set_faults(faults)

    # -- lifecycle
    def start(self) -> str:
        if self._httpd is None:
            self._httpd = _HTTPServer(self._address, self)
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                            name="citegraph-standin", daemon=True)
            self._thread.start()
            logger.info("stand-in serving %d works at %s", len(self.index), self.url)
        return self.url

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the stand-in is not started: call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> StandinServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- runtime control
    @property
    def faults(self) -> FaultConfig:
        return self._faults

    def set_faults(self, faults: FaultConfig) -> None:
        """Switch faults now; the fault sequence restarts from the seed, spend is kept."""
        self._faults = faults
        self._sequence = _FaultSequence(faults)
        self._window = _SlidingWindow(faults.rate_limit) if faults.rate_limit else None

    def reset(self) -> None:
        """Forget the log and today's spend, restart the fault sequence and the rate window."""
        self.log.reset()
        self._spend = _Spend()
        self.set_faults(self._faults)

    @property
    def spent_usd(self) -> float:
        return self._spend.spent / MICRO_USD

    # -- request handling
    def _budget_limit(self) -> int | None:
        usd = self._faults.daily_budget_usd
        return None if usd is None else round(usd * MICRO_USD)

    def _key_refused(self, handler: _Handler, params: Mapping[str, str]) -> bool:
        auth = handler.headers.get("Authorization", "")
        given = params.get("api_key") or (auth[7:].strip() if auth.lower().startswith("bearer ") else None)
        if self.api_key is None:
            return False
        return given != self.api_key if given else self.require_key

    def _serve_api(self, handler: _Handler) -> None:
        """Auth, then rate limit, then the fault draw and latency, then the answer and the bill."""
        started = time.perf_counter()
        path, _, query = handler.path.partition("?")
        params = canonical_params(parse_qsl(query, keep_blank_values=True))
        entry: dict[str, Any] = {
            "time": time.time(), "method": "GET", "path": path, "query": _REDACT_KEY.sub(r"\1***", query),
            "kind": endpoint_kind(path, params), "ids": ids_in_request(path, params),
            "cost_usd": 0.0, "fault": None, "delay_ms": 0.0}
        fault, price, reply = None, 0, None
        if self._key_refused(handler, params):
            reply = Answer(401, {"error": "Invalid or missing API key",
                                 "message": "Provide a valid API key (api_key=... or Authorization: Bearer ...)."})
        elif self._window is not None and not self._window.admit():
            fault, reply = "rate_limit", self._rate_limited_answer()
        else:
            fault, delay = self._sequence.next()
            entry["delay_ms"] = round(delay * 1000, 3)
            time.sleep(delay)
            if fault == "drop":
                handler.close_connection = True
            elif fault in ("error_500", "error_503"):
                reply = _server_error_answer(int(fault[-3:]))
            else:
                reply = answer(self.index, path, query)
                price = reply.price if reply.status == 200 else 0
                if not self._spend.try_charge(price, self._budget_limit()):
                    fault, price, reply = "budget", 0, self._budget_answer(reply.price)
        entry.update(status=reply.status if reply else None, fault=fault, cost_usd=price / MICRO_USD,
                     duration_ms=round((time.perf_counter() - started) * 1000, 3))
        self.log.add(entry)  # before sending: whoever holds the response can already see its entry
        if reply is not None:
            handler.send_json(reply.status, reply.body, {**reply.headers, **self._budget_headers(price)}, fault)

    def _budget_headers(self, price: int) -> dict[str, str]:
        limit = self._budget_limit()
        if limit is None:
            return {}
        return {"X-RateLimit-Limit-USD": _usd(limit),
                "X-RateLimit-Remaining-USD": _usd(max(0, limit - self._spend.spent)),
                "X-RateLimit-Cost-USD": _usd(price),
                "X-RateLimit-Reset": str(seconds_to_midnight_utc())}

    def _budget_answer(self, required: int) -> Answer:
        wait = seconds_to_midnight_utc()
        limit = self._budget_limit() or 0
        message = (f"Daily budget of ${_usd(limit)} exhausted: ${_usd(self._spend.spent)} spent, this "
                   f"request costs ${_usd(required)}. The budget resets at midnight UTC, in {wait} seconds.")
        return Answer(429, {"error": "Rate limit exceeded", "message": message, "retryAfter": wait},
                      headers={"Retry-After": str(wait), "X-RateLimit-Cost-Required-USD": _usd(required)})

    def _rate_limited_answer(self) -> Answer:
        limit = self._faults.rate_limit
        message = f"You have exceeded the rate limit of {limit} requests per second. Please try again later."
        return Answer(429, {"error": "Rate limit exceeded", "message": message, "retryAfter": 1},
                      headers={"Retry-After": "1", "RateLimit-Limit": str(limit),
                               "RateLimit-Remaining": "0", "RateLimit-Reset": "1"})

    def _control(self, handler: _Handler, method: str) -> None:
        """``GET /_standin/log``, ``POST /_standin/reset``, ``GET|POST /_standin/faults``."""
        path = handler.path.partition("?")[0].rstrip("/")
        if method == "GET" and path == "/_standin/log":
            handler.send_json(200, {"entries": self.log.entries, "summary": self.log.summary()})
        elif method == "POST" and path == "/_standin/reset":
            self.reset()
            handler.send_json(200, {"reset": True})
        elif path == "/_standin/faults":
            if method == "POST":
                length = int(handler.headers.get("Content-Length") or 0)
                try:
                    self.set_faults(FaultConfig(**json.loads(handler.rfile.read(length) or b"{}")))
                except (ValueError, TypeError) as exc:
                    handler.send_json(400, {"error": INVALID_PARAMS, "message": str(exc)})
                    return
            handler.send_json(200, {"faults": asdict(self._faults)})
        else:
            handler.send_json(404, dict(NOT_FOUND))


def _server_error_answer(status: int) -> Answer:
    if status == 503:
        return Answer(503, {"error": "Service Unavailable", "message": "The server is temporarily "
                            "unable to handle the request (injected by the stand-in)."},
                      headers={"Retry-After": "1"})
    return Answer(500, {"error": "Internal Server Error", "message": "The server encountered an "
                        "internal error (injected by the stand-in)."})
