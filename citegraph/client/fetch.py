"""One API call over the wire with retries: attempt, classify the outcome, back off, give up in one line.

:class:`Fetcher` ties the parts together for a single call: the rate limiter and the daily
budget say when it may go, the :class:`~.transport.Transport` sends it, ``classify`` says what
the answer means (done, retry after a wait, or an error to raise), and the stats count it all.
It does not touch the cache: callers decide what is stored.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..config import Settings
from ..errors import NetworkError
from .budget import DailyBudget, retry_after_seconds
from .ratelimit import _RateLimiter
from .responses import answer_cost, checked_body, client_error, error_body, price
from .stats import Stats
from .transport import UNREACHABLE_REASONS, AttemptFailed, Transport, WireAnswer
from .urls import ApiUrls

log = logging.getLogger("citegraph")

#: Attempts made when the API has never answered and cannot be reached at all (no DNS, nothing
#: listening): retrying seven times only makes a user without network wait.
UNREACHABLE_ATTEMPTS = 2
#: Attempts cut off by the deadline before giving up: a server that trickles its answer does so
#: again, and seven full deadlines would hold a crawl for minutes.
OVERDUE_ATTEMPTS = 2


class Stopped(Exception):
    """The client was closed (after Ctrl-C): a worker drops what it was doing (internal)."""


@dataclass(frozen=True)
class Call:
    """One API call: its canonical URL (the cache key), what it is priced as, its parameters."""

    url: str
    kind: str
    params: Mapping[str, str]
    allow_404: bool = False


@dataclass(frozen=True)
class _Retry:
    """An attempt that failed but may be tried again: why, and how long the server asked to wait."""

    why: str
    wait: float | None = None
    unreachable: str = ""
    overdue: bool = False


Notify = Callable[[str, str, int], None]


class Fetcher:
    """Sends calls with retries; shared by every thread of one client."""

    def __init__(self, settings: Settings, transport: Transport, urls: ApiUrls, stats: Stats,
                 limiter: _RateLimiter, budget: DailyBudget, stop: threading.Event, notify: Notify) -> None:
        self._settings = settings
        self._transport = transport
        self._urls = urls
        self._stats = stats
        self._limiter = limiter
        self._budget = budget
        self._stop = stop
        self._notify = notify
        self._random = random.Random()
        self._answered = False  # the API has answered at least once (so it is reachable)

    def fetch(self, call: Call) -> tuple[int, Any]:
        """``(status, parsed body)`` for a 200 (or an allowed 404), else a :class:`CitegraphError`.

        A server that cannot be reached at all (no DNS answer, nothing listening) before it has
        ever answered gets only ``UNREACHABLE_ATTEMPTS``; once it has answered, every failure
        is taken for a transient one and retried ``settings.max_retries`` times.
        """
        attempts = max(0, int(self._settings.max_retries)) + 1
        retry, overdue = _Retry("no attempt made"), 0
        for attempt in range(attempts):
            self._wait_for_slot(call, retry=attempt > 0)
            outcome = self._attempt(call, attempt, attempts)
            if not isinstance(outcome, _Retry):
                return outcome
            retry, overdue = outcome, overdue + outcome.overdue
            hopeless = retry.unreachable and not self._answered and attempt + 1 >= UNREACHABLE_ATTEMPTS
            if hopeless or overdue >= OVERDUE_ATTEMPTS:
                raise self._gave_up(call, attempt + 1, retry)
            if attempt + 1 < attempts:
                self._back_off(attempt, retry.wait)
        raise self._gave_up(call, attempts, retry)

    def pause(self, seconds: float) -> None:
        """Sleep, or stop early with :class:`Stopped` once the client is closing (after Ctrl-C)."""
        if threading.current_thread() is threading.main_thread():
            time.sleep(seconds)  # Ctrl-C interrupts the main thread's sleep by itself
        elif self._stop.wait(seconds):
            raise Stopped()

    # ------------------------------------------------------------------ the steps of one attempt

    def _check_stopped(self) -> None:
        if threading.current_thread() is not threading.main_thread() and self._stop.is_set():
            raise Stopped()

    def _wait_for_slot(self, call: Call, *, retry: bool) -> None:
        """Wait for the rate limiter's slot; stop if closing, or if the budget cannot pay (as
        last heard, which may be after the wait: other threads' answers came meanwhile)."""
        self._check_stopped()
        if retry:
            self._stats.retry()
        self._limiter.wait(self.pause)
        self._check_stopped()  # Ctrl-C came while this worker waited for its slot
        self._budget.check(price(call.kind, call.params))

    def _attempt(self, call: Call, attempt: int, attempts: int) -> tuple[int, Any] | _Retry:
        """Send once; the answer, or a :class:`_Retry` saying why not (errors are raised)."""
        self._stats.request_sent(call.kind)
        started = time.monotonic()
        what = f"GET {self._urls.brief(call.url)}"
        try:
            answer = self._transport.get(self._urls.wire(call.url), what)
            self._answered = True
            log.debug("GET %s -> %s in %.3fs (attempt %d)", self._urls.short(call.url), answer.status,
                      time.monotonic() - started, attempt + 1)
            self._budget.observe(answer.headers)
            return self._classify(call, answer)
        except AttemptFailed as failure:
            return self._failed(call, failure, attempt, attempts)

    def _classify(self, call: Call, answer: WireAnswer) -> tuple[int, Any] | _Retry:
        """What an answer means: done (200, allowed 404), wait and retry (429, 5xx), or an error."""
        status = answer.status
        if status == 200:
            body = checked_body(answer, call.kind, secret=self._settings.api_key)
            self._stats.cost(answer_cost(body, call.kind, call.params, answer.headers.get("X-RateLimit-Cost-USD")))
            self._notify(call.url, call.kind, status)
            return status, body
        if status == 404 and call.allow_404:
            self._notify(call.url, call.kind, status)
            return status, error_body(answer, self._settings.api_key)
        if status == 429:
            return _Retry("429 Too Many Requests", self._rate_limited(call, answer))
        if status >= 500:
            raise AttemptFailed("5xx", f"{status} {answer.reason or 'server error'}")
        self._notify(call.url, call.kind, status)
        raise client_error(answer, self._urls.brief(call.url), secret=self._settings.api_key, scrub=self._urls.scrub)

    def _rate_limited(self, call: Call, answer: WireAnswer) -> float | None:
        """Seconds a 429 asks to wait (held for every thread), or the budget error for a long wait."""
        self._stats.rate_limited()
        wait = retry_after_seconds(answer.headers.get("Retry-After"))
        if wait is not None and wait > self._settings.max_retry_after:
            error = self._budget.long_wait(wait)
            log.debug("%s", error)  # the CLI prints the error itself: one line, not two
            raise error
        log.debug("GET %s: 429, Retry-After %s", self._urls.short(call.url), wait)
        if wait is not None:
            self._limiter.hold(wait)
        return wait

    def _failed(self, call: Call, failure: AttemptFailed, attempt: int, attempts: int) -> _Retry:
        """Count a failed attempt (and charge it when the server did the work)."""
        if failure.charged:
            self._stats.cost(price(call.kind, call.params))
        self._stats.fault(failure.cause)
        log.debug("GET %s failed: %s (attempt %d of %d)", self._urls.short(call.url), failure.detail, attempt + 1, attempts)
        unreachable = failure.reason if failure.reason in UNREACHABLE_REASONS else ""
        return _Retry(failure.reason, unreachable=unreachable, overdue=failure.overdue)

    def _back_off(self, attempt: int, wait: float | None) -> None:
        """Sleep what the server asked for, else a random share of an exponential backoff."""
        if wait is None:
            cap = min(self._settings.backoff_max, self._settings.backoff_base * (2**attempt))
            wait = self._random.uniform(0, max(0.0, cap))
        if wait > 0:
            self.pause(wait)

    def _gave_up(self, call: Call, attempts: int, retry: _Retry) -> NetworkError:
        """The one line a :class:`NetworkError` says: what failed, and what to do next."""
        tries = f"{attempts} attempt" + ("" if attempts == 1 else "s")
        base = self._urls.short(self._urls.base)
        if retry.unreachable and not self._answered:
            message = (f"cannot reach {base} ({retry.unreachable}, {tries}); check the network or --api-url, "
                       "or use --demo (bundled demo dataset) or --offline (cache only)")
        elif retry.unreachable:
            message = (f"lost the connection to {base} ({retry.unreachable}) after {tries}; everything fetched "
                       "so far is cached: check the network and rerun the same command to resume")
        else:
            message = (f"OpenAlex request failed after {tries}: GET {self._urls.brief(call.url)}; last failure: "
                       f"{retry.why}; everything fetched so far is cached: rerun later to resume")
        log.debug("%s", message)
        return NetworkError(message)
