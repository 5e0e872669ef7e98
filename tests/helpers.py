"""Test helpers imported by the tests themselves (never by the library): reading recorded data
and the reference breadth-first search every crawl test compares against.

The reference BFS is written once, here, as plainly as possible, so that a test of the crawler
compares it with an independent implementation rather than with itself.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import networkx as nx


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def reference_bfs(works: dict[str, dict[str, Any]], seeds: list[str], depth: int) -> tuple[dict[str, int], list[int]]:
    """The one reference BFS the crawl tests compare with: over raw works ``{short id: record}``,
    the depth of each work reachable from the seeds along ``referenced_works`` (dangling
    references left out), and each level's frontier size (dangling included)."""
    from citegraph.records import work_id

    seen: dict[str, int] = {s: 0 for s in seeds}
    level, frontiers = list(seeds), []
    for d in range(1, depth + 1):
        frontier = sorted({work_id(r) for w in level for r in works[w]["referenced_works"]} - set(seen))
        frontiers.append(len(frontier))
        for ref in frontier:
            seen[ref] = d
        level = [r for r in frontier if r in works]
    return {w: d for w, d in seen.items() if w in works}, frontiers


def build_demo_graph(works: list[dict[str, Any]], seeds: dict[str, Any], depth: int = 2) -> nx.DiGraph:
    """The reference neighbourhood of the three demo seeds, as ``crawl --depth N`` collects it."""
    from citegraph.graph import build_graph
    from citegraph.records import slim_record, work_id

    records = {r.id: r for r in map(slim_record, works)}
    names = {work_id(seeds[name]): name for name in ("bert", "gpt1", "ulmfit")}
    depths, _ = reference_bfs({work_id(w["id"]): w for w in works}, list(names), depth)
    return build_graph({w: records[w] for w in depths}, seeds=list(names), depths=depths, seed_names=names,
                       crawl_info={"direction": "refs", "depth": depth})
