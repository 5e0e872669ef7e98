"""The progress a run reports while it works: small typed events for the CLI to show.

The library never prints; it hands these to an optional ``on_progress`` callback. Each event
carries ``stats``, the client's running counts at that moment (``requests``, ``cache_hits``,
``cost_usd`` ...), so a status line needs nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

__all__ = ["LevelDone", "SeedsResolved", "RequestAnswered", "Event", "Progress"]


@dataclass(frozen=True)
class LevelDone:
    """The crawl fetched one level's references (``kind="refs"``) or one work's citing works
    (``kind="citing"``, ``work`` set) at ``depth``; ``added`` works joined the graph."""

    kind: str
    depth: int
    added: int
    frontier: int | None = None
    work: str | None = None
    stats: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SeedsResolved:
    """Every seed was resolved: ``seeds`` are the ``ResolvedSeed`` values, in the order given."""

    seeds: tuple[Any, ...]
    stats: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RequestAnswered:
    """One call was answered, from the cache or over the wire (for a live status line)."""

    kind: str
    from_cache: bool
    stats: Mapping[str, Any] = field(default_factory=dict)


Event = LevelDone | SeedsResolved | RequestAnswered
Progress = Callable[[Event], None]
