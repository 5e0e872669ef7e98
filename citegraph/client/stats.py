"""Counting what the client did: requests, cache hits, retries, cost and faults, behind one lock.

Worker threads count at the same time, so :class:`Stats` owns its lock and nobody else takes
it; readers get a :class:`ClientStats` snapshot that no later request changes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ClientStats", "Stats"]


@dataclass
class ClientStats:
    """What the client had done when the snapshot was taken (``OpenAlexClient.stats``).

    ``requests`` counts HTTP requests sent over the wire, retries included; ``by_kind`` splits
    them into ``singleton``, ``list``, ``search`` and ``group_by``. ``faults`` counts failed
    attempts by cause: ``5xx``, ``connection``, ``truncated``, ``malformed``.
    """

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    cost_usd: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    rate_limited: int = 0
    faults: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for summaries and progress lines."""
        return {
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "cost_usd": self.cost_usd,
            "by_kind": dict(self.by_kind),
            "rate_limited": self.rate_limited,
            "faults": dict(self.faults),
        }

    def copy(self) -> "ClientStats":
        return ClientStats(self.requests, self.cache_hits, self.retries, self.cost_usd,
                           dict(self.by_kind), self.rate_limited, dict(self.faults))


class Stats:
    """The client's running counts; every method is safe to call from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = ClientStats()

    def request_sent(self, kind: str) -> None:
        with self._lock:
            self._counts.requests += 1
            self._counts.by_kind[kind] = self._counts.by_kind.get(kind, 0) + 1

    def retry(self) -> None:
        with self._lock:
            self._counts.retries += 1

    def cache_hit(self) -> None:
        with self._lock:
            self._counts.cache_hits += 1

    def cost(self, usd: float) -> None:
        with self._lock:
            self._counts.cost_usd += usd

    def rate_limited(self) -> None:
        with self._lock:
            self._counts.rate_limited += 1

    def fault(self, cause: str) -> None:
        with self._lock:
            self._counts.faults[cause] = self._counts.faults.get(cause, 0) + 1

    def snapshot(self) -> ClientStats:
        with self._lock:
            return self._counts.copy()

    def as_dict(self) -> dict[str, Any]:
        return self.snapshot().as_dict()
