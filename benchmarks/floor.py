"""The physical floor of a crawl: the fewest requests (and seconds, and dollars) it can take.

Computed from the data file alone, independently of citegraph: a breadth-first walk over
``referenced_works`` with the crawler's semantics (level ``d`` asks for every id referenced by
the works found at level ``d - 1`` that was not asked for before; ids missing from the data are
dangling, asked for once and never followed; the last level's references are not followed).

A request carries at most 100 ids (OpenAlex's OR-filter limit), so a level of ``F`` ids costs
at least ``ceil(F / 100)`` requests. Two floors for the seeds:

* ``requests``: one resolution request per seed (what "resolving" the seeds needs when each is
  looked up and verified on its own, as ``citegraph crawl --seed ...`` does) + the levels;
* ``requests_strict``: all seeds fetched in one batched request + the levels (the absolute
  minimum).

Time floors at ``rate`` requests/s: ``time_s = requests / rate`` (R requests at the rate limit:
the figure the targets use) and ``time_s_strict = (requests_strict - 1) / rate + latency``
(the first request leaves at t = 0 and the last must still be answered). Dollars at OpenAlex
prices: singletons are free, every list call is $0.0001, so the floor plan costs
``level requests x $0.0001`` (the naive crawler, all singletons, pays $0 and is rate-bound).
"""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from citegraph.records import try_work_id

__all__ = ["BATCH", "LIST_PRICE_USD", "read_references", "bfs_levels", "crawl_floor", "short_id"]

BATCH = 100
LIST_PRICE_USD = 0.0001


def short_id(value: str) -> str:
    """``W123`` from any OpenAlex id form (citegraph's own normaliser)."""
    return try_work_id(value) or str(value)


def read_references(path: str | Path) -> dict[str, list[str]]:
    """``{work id: [referenced ids]}`` from a ``.jsonl`` / ``.jsonl.gz`` of OpenAlex works."""
    source = Path(path)
    opener = gzip.open if source.suffix == ".gz" else open
    refs: dict[str, list[str]] = {}
    with opener(source, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                work = json.loads(line)
                refs[short_id(work["id"])] = [short_id(r) for r in work.get("referenced_works") or ()]
    return refs


def bfs_levels(references: Mapping[str, Sequence[str]], seeds: Iterable[str], depth: int) -> list[dict[str, Any]]:
    """Per level: ``asked`` (ids requested), ``found`` (in the data), ``dangling``; level 0 = seeds."""
    asked = list(dict.fromkeys(short_id(s) for s in seeds))
    seen = set(asked)
    found = [w for w in asked if w in references]
    levels = [{"depth": 0, "asked": len(asked), "found": len(found), "dangling": len(asked) - len(found)}]
    for d in range(1, depth + 1):
        frontier = sorted({r for w in found for r in references[w] if r not in seen and r != w})
        seen.update(frontier)
        found = [w for w in frontier if w in references]
        levels.append({"depth": d, "asked": len(frontier), "found": len(found), "dangling": len(frontier) - len(found)})
        if not found:
            break
    return levels


def crawl_floor(levels: Sequence[Mapping[str, Any]], *, rate: float | None, latency_s: float = 0.0) -> dict[str, Any]:
    """Request, time and dollar floors of the crawl whose :func:`bfs_levels` are ``levels``."""
    seeds = levels[0]["asked"]
    level_requests = [math.ceil(level["asked"] / BATCH) for level in levels[1:]]
    requests = seeds + sum(level_requests)
    strict = math.ceil(seeds / BATCH) + sum(level_requests)
    return {
        "seeds": seeds,
        "frontier": [level["asked"] for level in levels[1:]],
        "level_requests": level_requests,
        "works": sum(level["found"] for level in levels),
        "ids_asked": sum(level["asked"] for level in levels),
        "dangling": sum(level["dangling"] for level in levels),
        "requests": requests,
        "requests_strict": strict,
        "time_s": round(requests / rate, 3) if rate else None,
        "time_s_strict": round((strict - 1) / rate + latency_s, 3) if rate else None,
        "cost_usd": round(sum(level_requests) * LIST_PRICE_USD, 6),
        "naive_requests": sum(level["asked"] for level in levels),
    }
