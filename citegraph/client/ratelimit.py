"""The client's rate limiter: requests spaced evenly just under OpenAlex's per-second limit,
shared by all worker threads. Only requests that go over the wire wait; cache hits never do.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any


class _RateLimiter:
    """Smooth spacing shared by all threads: each request reserves the next free slot.

    ``slot = max(now, next); next = slot + 1/rate``: no bursts, so a crawl sits just under
    OpenAlex's per-second limit instead of bouncing off it with 429s. Only requests that go
    over the wire pass through here; cache hits never wait.
    """

    #: Aim 5% under the limit. A server counting requests in a sliding one-second window sees
    #: requests k and k+r exactly one second apart at the full rate, so any network delay of
    #: request k would make it refuse k+r with a 429. At 95% they are ~1.05 s apart.
    MARGIN = 0.95
    #: A thread can wake from its sleep late (a busy GIL, a loaded machine) and send its
    #: request on top of the next one; so the actual send times are kept too, and no more than
    #: ``floor(rate)`` requests leave within any ``1 s + GUARD``.
    GUARD = 0.01

    def __init__(self, rate: float) -> None:
        usable = rate is not None and 0 < rate < float("inf")
        self.interval = 1.0 / (rate * self.MARGIN) if usable else 0.0
        self._window = int(rate) if usable and rate >= 1 else 0
        self._sent: deque[float] = deque(maxlen=self._window or 1)
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, sleep: Callable[[float], Any] = time.sleep) -> None:
        """Block until this thread may send; ``sleep`` lets a worker wake early when told to stop."""
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            sleep(slot - now)
        while True:
            with self._lock:
                now = time.monotonic()
                if not self._window or len(self._sent) < self._window or now - self._sent[0] >= 1.0 + self.GUARD:
                    self._sent.append(now)
                    return
                late = self._sent[0] + 1.0 + self.GUARD - now
            sleep(late)

    def hold(self, seconds: float) -> None:
        """Nobody sends before ``seconds`` from now (after a 429 with ``Retry-After``)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)
