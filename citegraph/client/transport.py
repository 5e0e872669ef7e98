"""The wire: one GET through the requests session, inside the limits a hostile server cannot stretch.

:meth:`Transport.get` returns a :class:`WireAnswer` (status, headers, decoded body bytes) or
raises :class:`AttemptFailed` (worth another attempt) or a :class:`NetworkError` (not worth
one). The limits, each from :class:`~citegraph.config.Settings`:

* ``deadline``: the whole request, redirects and body included. Socket timeouts bound one read
  only, so a server sending a byte a second never trips them; a timer shuts the socket down.
* ``max_body_bytes``: counted while inflating, a chunk at a time, so a gzip bomb costs one
  chunk of memory before it is refused (and nothing of it is cached).
* Redirects are followed by hand, only within the API's host: the API key is in the query,
  and requests would carry it to any host a ``Location`` names.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import logging
import socket
import threading
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
import urllib3

from ..config import Settings
from ..errors import NetworkError
from .scrub import _one_line
from .urls import ApiUrls, origin

log = logging.getLogger("citegraph")

#: Redirects followed for one request (OpenAlex redirects an id form once).
MAX_REDIRECTS = 5
#: Compressed bytes read at a time; deflate inflates at most ~1032x, and decompression is
#: bounded separately, so this only sets how often the limits are checked.
_CHUNK = 16 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)

# Words in a connection error that say why the server could not be reached.
_UNREACHABLE = (
    ("name resolution failed", ("nameresolutionerror", "failed to resolve", "name or service not known",
                                "nodename nor servname", "temporary failure in name resolution",
                                "no address associated", "getaddrinfo failed")),
    ("connection refused", ("connection refused", "connectionrefusederror")),
    ("network unreachable", ("network is unreachable", "no route to host")),
)
UNREACHABLE_REASONS = frozenset(reason for reason, _ in _UNREACHABLE)


class AttemptFailed(Exception):
    """One attempt failed in a way another attempt may not (internal).

    ``cause`` is a ``stats.faults`` key (``connection``, ``truncated``, ``malformed``, ``5xx``);
    ``reason`` a few words for the give-up message; ``charged`` whether the server did (and
    billed) the work before the answer broke; ``overdue`` that the deadline cut it off.
    """

    def __init__(self, cause: str, detail: str, *, reason: str = "", charged: bool = False,
                 overdue: bool = False) -> None:
        super().__init__(detail)
        self.cause = cause
        self.detail = detail
        self.reason = reason or detail
        self.charged = charged
        self.overdue = overdue


@dataclass(frozen=True)
class WireAnswer:
    """A complete answer: status, reason phrase, headers and the decoded body."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes


class _Deadline:
    """Shuts down the sockets of one request when its time is up, whatever they are doing.

    The sockets come from :class:`_GuardedConnection` through a thread-local: the request and
    its connection are handled on the thread that made it. One :class:`_Watchdog` thread
    serves every deadline (a timer thread per request would add its start-up to each send).
    """

    _active = threading.local()

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.done = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def __enter__(self) -> "_Deadline":
        _Deadline._active.current = self
        _WATCHDOG.add(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self.done = True
            self._sockets.clear()
        _Deadline._active.current = None

    @classmethod
    def watch(cls, sock: socket.socket | None) -> None:
        """Put ``sock`` under the current thread's deadline (if any)."""
        deadline = getattr(cls._active, "current", None)
        if deadline is None or sock is None:
            return
        with deadline._lock:
            deadline._sockets.append(sock)
            expired = deadline.expired
        if expired:
            _shut(sock)

    def expire(self) -> None:
        with self._lock:
            if self.done:
                return
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


class _Watchdog:
    """One daemon thread expiring deadlines in time order (started on first use)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Deadline]] = []
        self._count = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, deadline: _Deadline) -> None:
        with self._wake:
            heapq.heappush(self._heap, (time.monotonic() + deadline.seconds, next(self._count), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="citegraph-deadlines", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                when, _, deadline = self._heap[0]
                late = when - time.monotonic()
                if late > 0:
                    self._wake.wait(late)
                    continue
                heapq.heappop(self._heap)
            deadline.expire()


_WATCHDOG = _Watchdog()


def _shut(sock: socket.socket) -> None:
    """Wake a blocked recv with EOF (``close()`` from another thread would not). The plain
    socket's ``shutdown`` even for TLS: ``SSLSocket.shutdown`` drops its SSL object under
    the reading thread's feet; this way that thread sees an ordinary SSL EOF error."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _GuardedConnection(urllib3.connection.HTTPConnection):
    def getresponse(self):  # type: ignore[no-untyped-def]
        _Deadline.watch(self.sock)
        return super().getresponse()


class _GuardedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def getresponse(self):  # type: ignore[no-untyped-def]
        _Deadline.watch(self.sock)
        return super().getresponse()


class _GuardedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _GuardedConnection


class _GuardedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose connections report their socket to the request's :class:`_Deadline`."""

    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):  # type: ignore[no-untyped-def]
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}
        return manager


def connection_reason(exc: BaseException) -> str:
    """A few words for why a connection failed: name resolution, refused, timed out, dropped."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    text = f"{type(exc).__name__} {exc}".lower()
    for reason, marks in _UNREACHABLE:
        if any(mark in text for mark in marks):
            return reason
    if any(mark in text for mark in ("remotedisconnected", "connection aborted", "reset by peer", "broken pipe")):
        return "connection dropped"
    return "connection failed"


class _Inflater:
    """Content-Encoding undone a chunk at a time, never more than ``room`` bytes per call."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        # 32 + MAX_WBITS: a gzip or a zlib header, found by looking (HTTP "deflate" is zlib).
        self._z = zlib.decompressobj(32 + zlib.MAX_WBITS) if encoding in ("gzip", "x-gzip", "deflate") else None

    def feed(self, data: bytes, room: int) -> list[bytes]:
        """Decoded pieces of ``data``; stops once more than ``room`` bytes came out."""
        if self._z is None:
            return [data]
        pieces, made = [], 0
        while data and made <= room:
            try:
                piece = self._z.decompress(data, room + 1 - made)
            except zlib.error as exc:
                raise AttemptFailed("malformed", f"undecodable {self.encoding} body ({exc})", charged=True) from None
            pieces.append(piece)
            made += len(piece)
            data = self._z.unconsumed_tail
            if self._z.eof and self._z.unused_data:  # a second gzip member
                data, self._z = self._z.unused_data, zlib.decompressobj(32 + zlib.MAX_WBITS)
            elif not piece:
                break
        return pieces


class Transport:
    """The requests session and the limits it runs under, for one API host."""

    def __init__(self, settings: Settings, urls: ApiUrls, *, user_agent: str, auth: tuple[str, str] | None,
                 pool_size: int) -> None:
        self._settings = settings
        self._urls = urls
        self._home = origin(urls.base)
        self._session = requests.Session()
        self._session.auth = auth
        # Only encodings whose inflating citegraph can bound (requests would add br and zstd).
        self._session.headers.update({"User-Agent": user_agent, "Accept": "application/json",
                                      "Accept-Encoding": "gzip, deflate"})
        adapter = _GuardedAdapter(pool_connections=4, pool_maxsize=pool_size)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    def get(self, url: str, label: str) -> WireAnswer:
        """GET ``url`` (a wire URL), following redirects within the API host, within the deadline."""
        with _Deadline(self._settings.deadline) as deadline:
            for _ in range(MAX_REDIRECTS + 1):
                response = self._send(url, deadline, label)
                try:
                    target = self._redirect_target(response, url, label)
                    if target is None:
                        return self._read(response, deadline, label)
                finally:
                    response.close()
                url = target
        raise NetworkError(f"too many redirects for {label}; check --api-url")

    def close(self) -> None:
        self._session.close()

    def _send(self, url: str, deadline: _Deadline, label: str) -> requests.Response:
        try:
            return self._session.get(url, timeout=self._settings.timeout, stream=True, allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout) as exc:
            if deadline.expired:
                raise self._overdue() from None
            reason = connection_reason(exc)
            raise AttemptFailed("connection", _one_line(self._urls.scrub(f"{type(exc).__name__}: {exc}")),
                                reason=reason) from None
        except requests.RequestException as exc:  # not worth retrying (a bad URL, say)
            log.debug("%s failed: %s", label, _one_line(self._urls.scrub(exc)))
            raise NetworkError(f"{label} failed ({type(exc).__name__}); check --api-url") from None

    def _overdue(self) -> AttemptFailed:
        seconds = f"{self._settings.deadline:g}"
        return AttemptFailed("connection", f"no complete answer within the {seconds} s deadline",
                             reason=f"no complete answer within the {seconds} s deadline", overdue=True)

    def _redirect_target(self, response: requests.Response, url: str, label: str) -> str | None:
        """Where a redirect points, if it is one, and only if it stays on the API's host."""
        location = response.headers.get("Location")
        if response.status_code not in _REDIRECTS or not location:
            return None
        target = urljoin(url, location)
        scheme, host, port = origin(target)
        home_scheme, home_host, home_port = self._home
        upgrade = (home_scheme, scheme) == ("http", "https") and (home_port, port) == (80, 443)
        if host != home_host or (port != home_port and not upgrade) or (scheme != home_scheme and not upgrade):
            where = self._urls.scrub(f"{scheme}://{host}" + (f":{port}" if port else ""))
            raise NetworkError(f"the server redirected {label} to another host ({_one_line(where, 80)}); "
                               f"not followed, so the API key and the cache stay with {self._urls.short(self._urls.base)}: "
                               "check --api-url")
        log.debug("%s: %d, following to the same host", label, response.status_code)
        return target

    def _read(self, response: requests.Response, deadline: _Deadline, label: str) -> WireAnswer:
        """The whole body, decoded and counted as it arrives; :class:`AttemptFailed` when cut off."""
        limit = self._settings.max_body_bytes
        charged = response.status_code == 200  # the server did the work, and (as OpenAlex does) billed it
        inflater = _Inflater(response.headers.get("Content-Encoding", "").strip().lower())
        raw_bytes, body = 0, bytearray()
        try:
            for chunk in response.raw.stream(_CHUNK, decode_content=False):
                raw_bytes += len(chunk)
                for piece in inflater.feed(chunk, limit - len(body)):
                    body += piece
                if len(body) > limit:
                    raise NetworkError(
                        f"the answer to {label} is over {limit:,} bytes "
                        f"decoded ({raw_bytes:,} bytes received); refused, nothing of it cached: check --api-url")
                if deadline.expired:
                    raise self._overdue()
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as exc:
            if deadline.expired:
                raise self._overdue() from None
            raise AttemptFailed("truncated", _one_line(self._urls.scrub(f"truncated body ({type(exc).__name__}: {exc})")),
                                reason="truncated body", charged=charged) from None
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and raw_bytes < int(declared):
            raise AttemptFailed("truncated", f"truncated body ({raw_bytes} of {declared} bytes)", charged=charged)
        return WireAnswer(response.status_code, response.reason or "", response.headers, bytes(body))
