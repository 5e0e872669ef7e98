"""The daily budget: when to stop instead of asking (or waiting), and the one line that says so.

OpenAlex bills in US dollars per day, reset at midnight UTC. Each answer says what is left
(``X-RateLimit-Remaining-USD``, plus ``-Prepaid-Remaining-USD`` on a prepaid plan) and how
long until the reset (``X-RateLimit-Reset``); a request the remainder cannot pay for is not
sent. A 429 whose ``Retry-After`` is longer than ``max_retry_after`` means the same thing.
``Retry-After`` comes from the server, so it is read defensively: anything that is not a
finite positive number of seconds (or an HTTP date) is ignored and normal backoff applies.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from ..errors import BudgetExhaustedError

__all__ = ["DailyBudget", "retry_after_seconds", "seconds_to_midnight_utc"]

_DAY = 86_400.0
#: A ``Retry-After`` longer than this is no wait a server means (``1e308`` is 10^300 years).
_NONSENSE = 366 * _DAY


def seconds_to_midnight_utc(now: datetime | None = None) -> float:
    now = now or datetime.now(timezone.utc)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


def _finite(value: str | None) -> float | None:
    """A finite number from a header, else ``None`` (``inf``, ``nan``, ``1e999`` and junk included)."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` asks for, or ``None`` when it says nothing usable.

    ``None`` for a missing, unparseable, non-finite, zero or negative value, a date in the
    past, or more than a year: those would otherwise mean no wait at all (a retry storm), an
    overflow, or a 300-digit number of hours.
    """
    if not value or not value.strip():
        return None
    seconds = _finite(value)
    if seconds is None and not value.strip().lower().lstrip("+-").startswith(("inf", "nan")):
        try:
            when = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return seconds if seconds is not None and 0 < seconds <= _NONSENSE else None


def budget_spent(seconds: float | None, *, has_key: bool, detail: str = "") -> BudgetExhaustedError:
    """The error that stops a crawl when the day's budget is gone.

    A wait longer than a day is not a budget reset OpenAlex would announce; the reset is
    midnight UTC, so that is what the message says.
    """
    if seconds is None or not 0 < seconds <= _DAY:
        seconds = seconds_to_midnight_utc()
    hours, minutes = int(seconds // 3600), int(seconds % 3600 // 60)
    advice = ("A free API key raises the budget: --api-key." if not has_key
              else "The key's daily budget is spent; a paid plan raises it.")
    return BudgetExhaustedError(
        f"OpenAlex daily budget spent; resets in {hours}h {minutes}m (midnight UTC){detail}. "
        f"Everything fetched so far is cached: rerun then to resume. {advice}",
        retry_after=seconds,
    )


class DailyBudget:
    """What the latest answer said is left of today's budget, shared by all threads."""

    def __init__(self, *, has_key: bool) -> None:
        self._has_key = has_key
        self._lock = threading.Lock()
        self._left: float | None = None
        self._until = 0.0  # monotonic time the figure stops being true (the reset)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Remember what an answer's budget headers say (ignored when absent or junk)."""
        left = _finite(headers.get("X-RateLimit-Remaining-USD"))
        if left is None:
            return
        prepaid = _finite(headers.get("X-RateLimit-Prepaid-Remaining-USD"))
        if prepaid is not None and prepaid > 0:
            left += prepaid
        reset = _finite(headers.get("X-RateLimit-Reset"))
        if reset is None or not 0 < reset <= _DAY:
            reset = seconds_to_midnight_utc()
        with self._lock:
            self._left, self._until = max(0.0, left), time.monotonic() + reset

    def check(self, price: float) -> None:
        """:class:`BudgetExhaustedError` if the last known remainder cannot pay ``price``."""
        if price <= 0:
            return
        with self._lock:
            left, until = self._left, self._until
        now = time.monotonic()
        if left is None or now >= until or left + 1e-12 >= price:
            return
        raise budget_spent(until - now, has_key=self._has_key,
                           detail=f"; ${left:.4f} left, the next request costs ${price:.4f}")

    def long_wait(self, seconds: float) -> BudgetExhaustedError:
        """The error for a 429 that asks for a longer wait than citegraph will sleep through."""
        return budget_spent(seconds, has_key=self._has_key)
