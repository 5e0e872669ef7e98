"""Breadth-first crawl over references and/or citing works; resumable through the cache.

The crawler knows nothing of HTTP: it is handed ``fetch_works(ids) -> {id: raw record}`` and
``fetch_citing(id, limit) -> [raw record]``. Every frontier is sorted before it is fetched,
so a rerun asks for exactly the same things in the same order; since the client caches each
response the moment it arrives, an interrupted crawl resumes by simply running again, and
nothing it had is fetched twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from .errors import InputError
from .progress import LevelDone, Progress
from .model import Work
from .records import MalformedRecord, slim_record
from .versions import Aliases, redirect_references

__all__ = ["CrawlOptions", "CrawlResult", "crawl", "DIRECTIONS", "MAX_DEPTH", "MAX_WORKS"]

log = logging.getLogger("citegraph")

DIRECTIONS = ("refs", "citing", "both")
MAX_DEPTH = 6
MAX_WORKS = 2_000_000

FetchWorks = Callable[[Sequence[str]], Mapping[str, Mapping[str, Any]]]
FetchCiting = Callable[[str, int | None], Iterable[Mapping[str, Any]]]


@dataclass(frozen=True)
class CrawlOptions:
    """How far to go. ``max_citing`` caps the citing works taken per work (famous papers have 100k+)."""

    direction: str = "refs"
    depth: int = 2
    max_works: int = 5000
    max_citing: int | None = 200

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise InputError(f"unknown --direction {self.direction!r}; use one of {', '.join(DIRECTIONS)}")
        if not 0 <= self.depth <= MAX_DEPTH:
            raise InputError(f"--depth must be between 0 and {MAX_DEPTH}, got {self.depth}")
        if not 1 <= self.max_works <= MAX_WORKS:
            raise InputError(f"--max-works must be between 1 and {MAX_WORKS:,}, got {self.max_works}")
        if self.max_citing is not None and self.max_citing < 1:
            raise InputError(f"--max-citing must be at least 1, got {self.max_citing}")


@dataclass
class CrawlResult:
    """Plain data: slim records, each work's depth, and what could not be fetched."""

    seeds: list[str]
    seed_names: dict[str, str]
    records: dict[str, Work] = field(default_factory=dict)
    depths: dict[str, int] = field(default_factory=dict)
    dangling: dict[str, list[str]] = field(default_factory=dict)
    skipped_by_budget: int = 0
    merged_versions: dict[str, str] = field(default_factory=dict)
    levels: list[dict[str, Any]] = field(default_factory=list)

    @property
    def budget_reached(self) -> bool:
        return self.skipped_by_budget > 0


def _slim_with_aliases(raw: Mapping[str, Any], aliases: Aliases) -> Work:
    """Slim record whose references to a merged twin point at the seed it was merged into."""
    record = slim_record(raw)
    return redirect_references(record, aliases) if aliases else record


def _prioritised(candidates: list[str], wanted_by: Counter[str], room: int) -> tuple[list[str], int]:
    """The ``room`` candidates cited most often from inside the graph (ties by id), sorted."""
    if len(candidates) <= room:
        return candidates, 0
    ranked = sorted(candidates, key=lambda work: (-wanted_by[work], work))
    return sorted(ranked[:room]), len(candidates) - room


class _Crawl:
    """The state of one breadth-first crawl (kept in a class so each step is a small method)."""

    def __init__(self, seeds: Sequence[Any], options: CrawlOptions, fetch_works: FetchWorks,
                 fetch_citing: FetchCiting | None, on_progress: Progress | None) -> None:
        if options.direction != "refs" and fetch_citing is None:
            raise InputError(f"--direction {options.direction} needs a source of citing works")
        self.options = options
        self.fetch_works = fetch_works
        self.fetch_citing = fetch_citing
        self.on_progress = on_progress or (lambda event: None)
        self.aliases = {twin: seed.id for seed in seeds for twin in getattr(seed, "twins", ())}
        self.result = CrawlResult(seeds=[s.id for s in seeds], seed_names={s.id: s.name for s in seeds})
        self.seen: set[str] = set(self.aliases)
        for seed in seeds:
            self._add(_slim_with_aliases(seed.record, self.aliases), 0)
            codes = [w.code for w in seed.warnings if w.code not in self.result.records[seed.id].warnings]
            if codes:
                record = self.result.records[seed.id]
                self.result.records[seed.id] = replace(record, warnings=(*record.warnings, *dict.fromkeys(codes)))

    def _add(self, record: Work, depth: int) -> None:
        self.result.records[record.id] = record
        self.result.depths[record.id] = depth
        self.seen.add(record.id)

    def _room(self) -> int:
        return max(0, self.options.max_works - len(self.result.records))

    def _reference_frontier(self, level: list[str]) -> tuple[list[str], Counter[str]]:
        wanted_by: Counter[str] = Counter()
        for work in level:
            for ref in self.result.records[work].references:
                if ref not in self.seen:
                    wanted_by[ref] += 1
        return sorted(wanted_by), wanted_by

    def _fetch_references(self, level: list[str], depth: int) -> list[str]:
        candidates, wanted_by = self._reference_frontier(level)
        frontier, skipped = _prioritised(candidates, wanted_by, self._room())
        self.result.skipped_by_budget += skipped
        found = self.fetch_works(frontier) if frontier else {}
        added: list[str] = []
        for work in frontier:
            record = self._slimmed(work, found.get(work))
            if record is None:  # no answer, or one naming no work: dangling, with the works citing it
                self.result.dangling[work] = sorted(w for w in level if work in self.result.records[w].references)
                self.seen.add(work)
                continue
            if record.id in self.seen:  # merged id answered with a work we already hold
                self.aliases[work] = record.id
                self.seen.add(work)
                continue
            self._add(record, depth)
            added.append(record.id)
        self.on_progress(LevelDone("refs", depth, len(added), frontier=len(frontier)))
        return added

    def _slimmed(self, work: str, raw: Mapping[str, Any] | None) -> Work | None:
        """The work a reference answered with, or ``None`` when it answered nothing usable."""
        if raw is None:
            return None
        try:
            return _slim_with_aliases(raw, self.aliases)
        except MalformedRecord as exc:  # names no work: as good as no answer
            log.warning("%s answered %s; counted as dangling", work, exc)
            return None

    def _fetch_citing(self, level: list[str], depth: int) -> list[str]:
        assert self.fetch_citing is not None
        added: list[str] = []
        for work in level:
            if self._room() == 0:
                self.result.skipped_by_budget += 1
                continue
            for raw in self.fetch_citing(work, self.options.max_citing):
                try:
                    record = _slim_with_aliases(raw, self.aliases)
                except MalformedRecord as exc:
                    log.warning("a work citing %s is unusable: %s", work, exc)
                    continue
                if record.id in self.seen:
                    continue
                if self._room() == 0:
                    self.result.skipped_by_budget += 1
                    break
                self._add(record, depth)
                added.append(record.id)
            self.on_progress(LevelDone("citing", depth, len(added), work=work))
        return sorted(added)

    def run(self) -> CrawlResult:
        level = sorted(self.result.records)
        for depth in range(1, self.options.depth + 1):
            if not level:
                break
            added: list[str] = []
            if self.options.direction in ("refs", "both"):
                added += self._fetch_references(level, depth)
            if self.options.direction in ("citing", "both"):
                added += self._fetch_citing(level, depth)
            self.result.levels.append({"depth": depth, "works": len(added), "dangling": len(self.result.dangling)})
            level = sorted(set(added))
        self._drop_alias_references()
        return self.result

    def _drop_alias_references(self) -> None:
        """Point references at merged ids to the work they were merged into."""
        if self.aliases:
            self.result.records = {work: redirect_references(record, self.aliases)
                                   for work, record in self.result.records.items()}


def crawl(seeds: Sequence[Any], fetch_works: FetchWorks, *, options: CrawlOptions = CrawlOptions(),
          fetch_citing: FetchCiting | None = None, on_progress: Progress | None = None) -> CrawlResult:
    """Breadth-first crawl from resolved seeds (objects with ``id``, ``name``, ``record``, ``twins``).

    Level ``d`` holds the works first reached ``d`` hops from a seed. Each reference frontier
    is fetched as one sorted list (the client splits it into batches of 100), so a level costs
    ``ceil(frontier / 100)`` requests. A frontier larger than what ``max_works`` leaves room
    for keeps the works cited most often from inside the graph. References that come back
    from no request are dangling: counted with the works that cite them, never fatal.
    """
    return _Crawl(seeds, options, fetch_works, fetch_citing, on_progress).run()

