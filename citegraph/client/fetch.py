"""Getting answers: from the cache or over the wire, in batches of ids on daemon worker threads,
each GET with retries, backoff and the shared rate limiter, and a short error when it gives up.
"""

from __future__ import annotations

import http.client
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from typing import Any

import diskcache
import requests

from ..errors import CacheError, NetworkError, OfflineMissError
from .responses import _Failure
from .scrub import _one_line

log = logging.getLogger("citegraph")

#: Most values OpenAlex accepts in one OR filter (``openalex:W1|W2|...``).
BATCH_SIZE = 100


class _Stopped(Exception):
    """The client was closed (after Ctrl-C): a worker drops what it was doing (internal)."""


class _WorkerPool:
    """``workers`` daemon threads running submitted calls: a small ThreadPoolExecutor whose
    threads the interpreter does not wait for at exit.

    Why: after Ctrl-C the CLI must exit at once, not after every request in flight has run
    out its timeout and retries (ThreadPoolExecutor joins its threads at exit). An answer
    abandoned that way was never cached, so the rerun fetches it again, as after a kill;
    a cache write cut off mid-way is a rolled-back SQLite transaction.
    """

    def __init__(self, workers: int) -> None:
        self._tasks: queue.SimpleQueue[tuple[Future, Callable[..., Any], tuple[Any, ...]] | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"citegraph-fetch-{n}", daemon=True)
                         for n in range(workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._tasks.put((future, fn, args))
        return future

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, fn, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self) -> None:
        """Let the threads end once their current call returns (without waiting for them)."""
        for _ in self._threads:
            self._tasks.put(None)


# Words in a connection error that say why the server could not be reached.
_UNREACHABLE = (
    ("name resolution failed", ("nameresolutionerror", "failed to resolve", "name or service not known",
                                "nodename nor servname", "temporary failure in name resolution",
                                "no address associated", "getaddrinfo failed")),
    ("connection refused", ("connection refused", "connectionrefusederror")),
    ("network unreachable", ("network is unreachable", "no route to host")),
)
#: Attempts made when the API has never answered and cannot be reached at all (no DNS, nothing
#: listening): retrying seven times only makes a user without network wait.
UNREACHABLE_ATTEMPTS = 2


def _connection_reason(exc: BaseException) -> str:
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


class _Fetching:
    """Fetching: a part of :class:`~citegraph.client.OpenAlexClient`, using its ``settings``,
    ``_session``, ``_cache``, ``_limiter``, ``_stats`` (with ``_stats_lock``), ``_workers`` and
    ``_pool`` (with ``_pool_lock``), ``_stop``, ``_answered``, ``_random`` and the other parts'
    methods."""

    def _get(self, path: str, params: Mapping[str, str], *, allow_404: bool = False) -> dict:
        url = self._canonical(path, params)
        kind = self._kind(path, params)
        entry = self._cached(url, kind=kind)
        if entry is not None and (entry["status"] == 200 or (allow_404 and entry["status"] == 404)):
            return entry
        if self.settings.offline:
            raise OfflineMissError(f"no cached response for {url}; run without --offline (network needed)")
        status, body = self._fetch(url, kind, params, allow_404=allow_404)
        return self._cache_write(url, status, body)

    def _run_batches(self, batches: list[list[str]], fields: str) -> Iterator[list[dict]]:
        """Fetch the batches (on the pool when there are several); yields their records in order."""
        if len(batches) <= 1 or self._workers == 1:
            for batch in batches:
                yield self._fetch_batch(batch, fields)
            return
        pool = self._executor()
        futures: list[Future] = [pool.submit(self._fetch_batch, batch, fields) for batch in batches]
        results: list[list[dict]] = []
        error: BaseException | None = None
        try:
            for future in futures:
                if error is not None:
                    future.cancel()
                    continue
                try:
                    results.append(future.result())
                except Exception as exc:  # noqa: BLE001 - re-raised below once the others settle
                    error = exc
            if error is not None:
                # Batches already running finish and are cached (a budget stop keeps them all).
                for future in futures:
                    if not future.cancelled():
                        try:
                            future.result()
                        except Exception:  # noqa: BLE001 - the first error is the one reported
                            pass
        except BaseException:
            # Ctrl-C while waiting: do not wait for requests in flight; the rerun refetches them.
            self._stop.set()
            for future in futures:
                future.cancel()
            raise
        if error is not None:
            raise error
        yield from results

    def _executor(self) -> _WorkerPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = _WorkerPool(self._workers)
            return self._pool

    def _pause(self, seconds: float) -> None:
        """Sleep, or stop early with :class:`_Stopped` once the client is closing (after Ctrl-C)."""
        if threading.current_thread() is threading.main_thread():
            time.sleep(seconds)  # Ctrl-C interrupts the main thread's sleep by itself
        elif self._stop.wait(seconds):
            raise _Stopped()

    def _fetch_batch(self, batch: list[str], fields: str) -> list[dict]:
        params = {"filter": "openalex:" + "|".join(batch), "per_page": str(BATCH_SIZE)}
        if fields:
            params["select"] = fields
        url = self._canonical("/works", params)
        _, body = self._fetch(url, "list", params)
        records = [r for r in body["results"] if isinstance(r, dict)]
        returned: set[str] = set()
        try:
            with self._cache.transact(retry=True):  # one answer, one transaction
                for record in records:
                    short = self._record_id(record, "")
                    if short:
                        returned.add(short)
                        self._cache_write(self._work_url(short, fields), 200, record)
                for short in batch:
                    if short not in returned:
                        self._cache_write(self._work_url(short, fields), 404, {"error": "not in the answer to an openalex: filter"})
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
            raise CacheError(f"cannot write the cache at {self.settings.cache_dir}: {_one_line(str(exc), 120)}") from None
        return records

    def _fetch(self, url: str, kind: str, params: Mapping[str, str], *, allow_404: bool = False) -> tuple[int, Any]:
        """GET ``url`` over the wire with retries; returns ``(status, parsed body)`` for 200/404.

        A server that cannot be reached at all (no DNS answer, nothing listening) before it
        has ever answered gets only ``UNREACHABLE_ATTEMPTS``; once it has answered, every
        failure is taken for a transient one and retried ``settings.max_retries`` times.
        """
        settings = self.settings
        attempts = max(0, int(settings.max_retries)) + 1
        wire = self._wire_url(url)
        worker = threading.current_thread() is not threading.main_thread()
        last, unreachable = "no attempt made", ""
        for attempt in range(attempts):
            if worker and self._stop.is_set():
                raise _Stopped()
            if attempt:
                with self._stats_lock:
                    self._stats.retries += 1
            self._limiter.wait(self._pause)
            if worker and self._stop.is_set():  # Ctrl-C came while this worker waited for its slot
                raise _Stopped()
            with self._stats_lock:
                self._stats.requests += 1
                self._stats.by_kind[kind] = self._stats.by_kind.get(kind, 0) + 1
            started = time.monotonic()
            delay: float | None = None
            unreachable = ""
            try:
                response = self._session.get(wire, timeout=settings.timeout)
                self._answered = True
                status = response.status_code
                log.debug("GET %s -> %s in %.3fs (attempt %d)", self._short_url(url), status, time.monotonic() - started, attempt + 1)
                if status == 200:
                    body = self._parse(response, url, kind)
                    self._add_cost(body, kind, params)
                    self._notify(url, kind, status, from_cache=False)
                    return status, body
                if status == 404 and allow_404:
                    self._notify(url, kind, status, from_cache=False)
                    return status, self._error_body(response)
                if status == 429:
                    delay = self._on_429(response, url)
                    last = "429 Too Many Requests"
                elif status >= 500:
                    raise _Failure("5xx", f"{status} {response.reason or 'server error'}")
                else:
                    self._notify(url, kind, status, from_cache=False)
                    self._raise_for_client_error(response, url)
            except _Failure as failure:
                last = failure.detail
                if failure.cause in ("truncated", "malformed"):
                    self._add_cost({}, kind, params, header=response.headers.get("X-RateLimit-Cost-USD"))
                self._count_fault(failure.cause, url, last, attempt, attempts)
            except requests.TooManyRedirects:
                message = f"too many redirects for GET {self._brief_url(url)}; check --api-url"
                break
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError, http.client.IncompleteRead) as exc:
                last = "truncated body"
                # The server did the work and, as OpenAlex does, charged for it.
                self._add_cost({}, kind, params)
                self._count_fault("truncated", url, _one_line(self._scrub(f"{last} ({type(exc).__name__}: {exc})")), attempt, attempts)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = _connection_reason(exc)
                self._count_fault("connection", url, _one_line(self._scrub(f"{type(exc).__name__}: {exc}")), attempt, attempts)
                if any(last == reason for reason, _ in _UNREACHABLE):
                    unreachable = last
                    if not self._answered and attempt + 1 >= UNREACHABLE_ATTEMPTS:
                        message = self._gave_up(url, attempt + 1, last, unreachable)
                        break
            except requests.RequestException as exc:  # not worth retrying (a bad URL, say)
                message = f"GET {self._brief_url(url)} failed ({type(exc).__name__}); check --api-url"
                log.debug("GET %s failed: %s", self._short_url(url), _one_line(self._scrub(exc)))
                break
            if attempt + 1 < attempts:
                if delay is None:
                    cap = min(settings.backoff_max, settings.backoff_base * (2**attempt))
                    delay = self._random.uniform(0, max(0.0, cap))
                if delay > 0:
                    self._pause(delay)
        else:
            message = self._gave_up(url, attempts, last, unreachable)
        log.debug("%s", message)
        raise NetworkError(message)

    def _gave_up(self, url: str, attempts: int, last: str, unreachable: str) -> str:
        """The one line a :class:`NetworkError` says: what failed, and what to do next."""
        tries = f"{attempts} attempt" + ("" if attempts == 1 else "s")
        base = self._short_url(self._base)
        if unreachable and not self._answered:
            return (f"cannot reach {base} ({unreachable}, {tries}); check the network or --api-url, "
                    "or use --demo (bundled demo dataset) or --offline (cache only)")
        if unreachable:
            return (f"lost the connection to {base} ({unreachable}) after {tries}; everything fetched so far "
                    "is cached: check the network and rerun the same command to resume")
        return (f"OpenAlex request failed after {tries}: GET {self._brief_url(url)}; last failure: {last}; "
                "everything fetched so far is cached: rerun later to resume")

    def _count_fault(self, cause: str, url: str, detail: str, attempt: int, attempts: int) -> None:
        with self._stats_lock:
            self._stats.faults[cause] = self._stats.faults.get(cause, 0) + 1
        log.debug("GET %s failed: %s (attempt %d of %d)", self._short_url(url), detail, attempt + 1, attempts)
