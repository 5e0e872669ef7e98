"""How the stand-in misbehaves on purpose, and what it saw.

:class:`FaultConfig` (latency, rate limit, daily budget, 5xx, drops, truncated and malformed
bodies), the seeded per-request fault sequence, the sliding one-second rate window, today's
spend in micro-USD, and :class:`RequestLog`, the record tests and benchmarks read.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .query import MICRO_USD


# ---------------------------------------------------------------------------- faults and limits

@dataclass(frozen=True)
class FaultConfig:
    """How the stand-in misbehaves. Rates are shares of requests (their sum at most 1).

    * latency: every API request waits ``latency_ms`` plus a uniform share of ``jitter_ms``.
    * ``rate_limit``: requests per second (sliding 1 s window); beyond it 429 + ``Retry-After: 1``.
    * ``daily_budget_usd``: spend allowed per UTC day at OpenAlex prices; a priced request that
      does not fit gets 429 with ``Retry-After`` = seconds to midnight UTC. Singletons are free
      and never refused, as on OpenAlex.
    * ``error_rate`` (500 or 503), ``drop_rate`` (socket closed, no response),
      ``truncate_rate`` (Content-Length promises more than is sent), ``malformed_rate`` (200 with
      a cut JSON body). Truncated and malformed answers are charged (the work was done); 5xx and
      drops are not.
    * ``seed``: faults are drawn from ``random.Random(seed)``, three draws per admitted request
      in arrival order, so a sequential test sees the same faults every run.
    * ``fault_first_n``: only the first N admitted requests (since the config was set) may get
      an injected fault: "fail, then succeed".
    """

    latency_ms: float = 0
    jitter_ms: float = 0
    rate_limit: int | None = None
    daily_budget_usd: float | None = None
    error_rate: float = 0.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    malformed_rate: float = 0.0
    seed: int = 0
    fault_first_n: int | None = None

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.drop_rate, self.truncate_rate, self.malformed_rate)
        if any(not 0 <= r <= 1 for r in rates) or sum(rates) > 1 + 1e-9:
            raise ValueError(f"fault rates must be within 0..1 and sum to at most 1: {rates}")
        if self.latency_ms < 0 or self.jitter_ms < 0:
            raise ValueError("latency_ms and jitter_ms must not be negative")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError("rate_limit must be at least 1 request per second (or None)")
        if self.daily_budget_usd is not None and self.daily_budget_usd < 0:
            raise ValueError("daily_budget_usd must not be negative (or None)")
        if self.fault_first_n is not None and self.fault_first_n < 0:
            raise ValueError("fault_first_n must not be negative (or None)")


class _FaultSequence:
    """Per-request fault decisions in a fixed order from a seeded generator."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._drawn = 0
        self._lock = threading.Lock()

    def next(self) -> tuple[str | None, float]:
        """(fault or None, delay in seconds) for the next admitted request."""
        with self._lock:
            roll, pick, jitter = self._rng.random(), self._rng.random(), self._rng.random()
            number = self._drawn
            self._drawn += 1
        cfg = self.config
        delay = (cfg.latency_ms + jitter * cfg.jitter_ms) / 1000
        if cfg.fault_first_n is not None and number >= cfg.fault_first_n:
            return None, delay
        for fault, rate in (("error", cfg.error_rate), ("drop", cfg.drop_rate),
                            ("truncate", cfg.truncate_rate), ("malformed", cfg.malformed_rate)):
            if roll < rate:
                return (("error_500" if pick < 0.5 else "error_503") if fault == "error" else fault), delay
            roll -= rate
        return None, delay


class _SlidingWindow:
    """At most ``limit`` admitted requests in any one second (the proxy's own algorithm)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._times and now - self._times[0] >= 1.0:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False
            self._times.append(now)
            return True


def seconds_to_midnight_utc(now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
    return max(1, math.ceil((midnight - now).total_seconds()))


class _Spend:
    """Money spent today (UTC), in micro-USD; resets when the UTC date changes."""

    def __init__(self) -> None:
        self._day = datetime.now(timezone.utc).date()
        self.spent = 0
        self._lock = threading.Lock()

    def try_charge(self, price: int, limit: int | None) -> bool:
        with self._lock:
            today = datetime.now(timezone.utc).date()
            if today != self._day:
                self._day, self.spent = today, 0
            if limit is not None and price and self.spent + price > limit:
                return False
            self.spent += price
            return True


def _usd(micro: int) -> str:
    return f"{micro / MICRO_USD:.6f}".rstrip("0").rstrip(".") or "0"


# ---------------------------------------------------------------------------- the request log

class RequestLog:
    """Every API request the stand-in saw, for tests and benchmarks (thread-safe).

    An entry: ``seq, time, method, path, query`` (api_key redacted), ``kind`` (single, list,
    group_by, other), ``status`` (None for a dropped connection), ``cost_usd`` (charged),
    ``fault`` (error_500, error_503, drop, truncate, malformed, rate_limit, budget or None),
    ``ids`` (works asked for by id), ``delay_ms`` (injected latency), ``duration_ms``.
    """

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = len(self._entries)
            self._entries.append(entry)

    @property
    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def count(self, kind: str | None = None, status: int | None = None) -> int:
        return sum(1 for e in self.entries
                   if (kind is None or e["kind"] == kind) and (status is None or e["status"] == status))

    @property
    def cost_usd(self) -> float:
        return round(sum(e["cost_usd"] for e in self.entries), 6)

    @property
    def faults(self) -> Counter[str]:
        return Counter(e["fault"] for e in self.entries if e["fault"])

    @property
    def ids_requested(self) -> int:
        """Ids asked for over all requests, retries and refused requests included."""
        return sum(e["ids"] for e in self.entries)

    def summary(self) -> dict[str, Any]:
        entries = self.entries
        return {"requests": len(entries), "by_kind": dict(Counter(e["kind"] for e in entries)),
                "by_status": {str(k): v for k, v in Counter(e["status"] for e in entries).items()},
                "cost_usd": self.cost_usd, "faults": dict(self.faults),
                "ids_requested": self.ids_requested}

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
