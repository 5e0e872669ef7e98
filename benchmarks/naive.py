"""The naive crawler citegraph is compared with: one ``/works/{id}`` request per work.

This is the loop most scripts write (a simple pyalex loop: ``Works()[id]`` for every
reference): breadth-first, sequential, one singleton request per work, the whole record (no
``select``). To be a fair opponent rather than a straw man it is given the two courtesies a
careful script has: sleep-based pacing at the rate limit (``rate`` requests/s; ``None`` for
none) and a retry on 429 that honours ``Retry-After`` (as pyalex's urllib3 ``Retry`` does).
Level ``d`` holds the works first reached ``d`` hops from a seed, exactly as citegraph's
crawler defines it, so both fetch the same works.

``max_requests`` time-boxes a run: the crawl stops after that many requests and reports
``complete: False``; the caller extrapolates (and says so).
"""

from __future__ import annotations

import time
from typing import Any, Sequence

import requests

from citegraph.records import try_work_id

__all__ = ["naive_crawl"]

MAX_RETRIES = 10


def _short(value: str) -> str:
    """``W123`` from any OpenAlex id form (citegraph's own normaliser)."""
    return try_work_id(value) or str(value)


class _Pacer:
    """Start requests at most ``rate`` per second (``None``: no pacing)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self.next = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if self.next > now:
            time.sleep(self.next - now)
            now = self.next
        self.next = now + self.interval


def naive_crawl(api_url: str, seeds: Sequence[str], *, depth: int = 2, rate: float | None = 10.0,
                max_requests: int | None = None, timeout: float = 30.0) -> dict[str, Any]:
    """Crawl references breadth-first with one request per work; returns counts and wall time."""
    base = api_url.rstrip("/")
    session = requests.Session()
    pacer = _Pacer(rate)
    sent = rate_limited = found = dangling = 0
    levels: list[dict[str, int]] = []
    started = time.monotonic()
    complete = True

    def fetch(work: str) -> dict[str, Any] | None:
        nonlocal sent, rate_limited
        for _ in range(MAX_RETRIES + 1):
            pacer.wait()
            sent += 1
            response = session.get(f"{base}/works/{work}", timeout=timeout)
            if response.status_code == 429:
                rate_limited += 1
                time.sleep(float(response.headers.get("Retry-After") or 1))
                continue
            if response.status_code == 404:
                return None
            response.raise_for_status()
            return response.json()
        raise RuntimeError(f"naive crawler: {work} still rate-limited after {MAX_RETRIES} retries")

    level = list(dict.fromkeys(_short(s) for s in seeds))
    seen = set(level)
    try:
        for d in range(depth + 1):
            next_refs: dict[str, None] = {}
            added = 0
            for work in level:
                if max_requests is not None and sent >= max_requests:
                    complete = False
                    break
                record = fetch(work)
                if record is None:
                    dangling += 1
                    continue
                found += 1
                added += 1
                if d < depth:
                    for ref in record.get("referenced_works") or ():
                        short = _short(ref)
                        if short not in seen:
                            next_refs.setdefault(short, None)
            levels.append({"depth": d, "asked": len(level), "found": added})
            if not complete:
                break
            level = sorted(next_refs)
            seen.update(level)
            if not level:
                break
    finally:
        session.close()
    return {
        "requests": sent,
        "works": found,
        "dangling": dangling,
        "rate_limited": rate_limited,
        "wall_s": round(time.monotonic() - started, 3),
        "complete": complete,
        "levels": levels,
    }
