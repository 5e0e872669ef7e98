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


def build_demo_graph(works: list[dict[str, Any]], seeds: dict[str, Any], depth: int = 2) -> nx.DiGraph:
    """The reference neighbourhood of the three demo seeds, as ``crawl --depth N`` collects it."""
    from citegraph.graph import build_graph
    from citegraph.records import slim_record, work_id

    records = {r.id: r for r in map(slim_record, works)}
    names = {work_id(seeds[name]): name for name in ("bert", "gpt1", "ulmfit")}
    depths = dict.fromkeys(names, 0)
    level = list(names)
    for d in range(1, depth + 1):
        level = [ref for work in level for ref in records[work].references
                 if ref in records and ref not in depths and depths.setdefault(ref, d) == d]
    return build_graph({w: records[w] for w in depths}, seeds=list(names), depths=depths, seed_names=names,
                       crawl_info={"direction": "refs", "depth": depth})
