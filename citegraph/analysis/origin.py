"""Origin: the earliest works using the term, and how the term reached each seed.

Assumptions: the graph's edges run citing → cited, ``uses`` is the graph's
:class:`~citegraph.terms.TermUses`, and "adopter" means a work whose title or abstract uses
the term (use ``title``/``abstract``). Works without a year cannot be placed in time:
they are left out of the earliest adopters and counted instead.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from typing import Any, Iterable, Sequence

import networkx as nx
import pandas as pd

from ..terms import TermUses
from .chronology import is_earlier, label, real_date, when_key

__all__ = ["adopters", "earliest_adopters", "adoption_chains", "CHAIN_COLUMNS", "EARLIEST_COLUMNS"]

log = logging.getLogger("citegraph")

EARLIEST_COLUMNS = [
    "rank", "id", "year", "date", "label", "title", "first_author", "venue", "use", "where", "forms",
    "collocations", "snippet", "cited_by_count", "cited_in_graph", "is_seed", "seed_name", "depth",
]
CHAIN_COLUMNS = [
    "seed", "seed_name", "seed_use", "chain", "kind", "hops", "target", "target_year", "chronological",
    "path", "years", "labels", "note",
]


def adopters(G: nx.DiGraph, uses: TermUses, *, term: str | None = None) -> list[str]:
    """Every work using the term (title or abstract), in graph order."""
    hits = uses.of(term)
    return [node for node in G if node in hits and hits[node].adopts]


def earliest_adopters(G: nx.DiGraph, uses: TermUses, *, term: str | None = None, limit: int = 10) -> pd.DataFrame:
    """The first ``limit`` adopters by year, then real date, then id, with their evidence.

    Adopters without a year are excluded (count them with :func:`~.coverage.term_coverage`).
    ``snippet`` is the keyword-in-context quote; ``cited_in_graph`` counts citing works in the graph.
    """
    of_term = uses.of(term)
    dated = [(node, G.nodes[node]) for node in adopters(G, uses, term=term) if G.nodes[node].get("year") is not None]
    dated.sort(key=lambda item: when_key(*item))
    rows = []
    for rank, (node, attrs) in enumerate(dated[:limit], start=1):
        hit = of_term[node]
        rows.append({
            "rank": rank, "id": node, "year": attrs.get("year"), "date": real_date(attrs) or "",
            "label": label(node, attrs), "title": attrs.get("title") or "", "first_author": attrs.get("first_author") or "",
            "venue": attrs.get("venue") or "", "use": hit.use, "where": list(hit.where or [hit.use]),
            "forms": list(hit.forms), "collocations": list(hit.collocations), "snippet": hit.snippet,
            "cited_by_count": attrs.get("cited_by_count"), "cited_in_graph": G.in_degree(node),
            "is_seed": bool(attrs.get("is_seed")), "seed_name": attrs.get("seed_name") or "", "depth": attrs.get("depth"),
        })
    frame = pd.DataFrame(rows, columns=EARLIEST_COLUMNS)
    return frame.astype({"year": "Int64", "cited_by_count": "Int64", "depth": "Int64"})


# --- chains ---------------------------------------------------------------------------------


def _shortest_dag(G: nx.DiGraph, source: str, allowed: set[str]) -> tuple[dict[str, int], dict[str, list[str]]]:
    """BFS from ``source`` along citations inside ``allowed``: distances and all shortest-path parents."""
    dist = {source: 0}
    parents: dict[str, list[str]] = {source: []}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for nxt in G.successors(node):
            if nxt not in allowed:
                continue
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                parents[nxt] = [node]
                queue.append(nxt)
            elif dist[nxt] == dist[node] + 1:
                parents[nxt].append(node)
    return dist, parents


def _shortest_paths(parents: dict[str, list[str]], target: str, cap: int) -> list[list[str]]:
    """Up to ``cap`` shortest paths source → target, read back through the BFS parents."""
    paths: list[list[str]] = []
    stack: list[tuple[str, list[str]]] = [(target, [target])]
    while stack and len(paths) < cap:
        node, tail = stack.pop()
        if not parents[node]:
            paths.append(tail[::-1])
            continue
        for parent in sorted(parents[node], reverse=True):
            stack.append((parent, tail + [parent]))
    return paths


def _chronological(G: nx.DiGraph, path: Sequence[str]) -> bool:
    """True when no step cites a work that surely appeared later."""
    return not any(is_earlier(G.nodes[u], G.nodes[v]) for u, v in itertools.pairwise(path))


def _informative(G: nx.DiGraph, path: Sequence[str]) -> tuple[Any, ...]:
    """Rank shortest paths: chronological first, then intermediates known to the graph better
    (more citations inside the graph), then ids for a stable order."""
    middle = path[1:-1]
    return (not _chronological(G, path), -sum(G.in_degree(n) for n in middle), tuple(path))


def _stepwise_path(G: nx.DiGraph, source: str, target: str, allowed: set[str], max_hops: int) -> list[str] | None:
    """The longest path source → target (at most ``max_hops``) whose every step cites a work that
    surely appeared earlier; such steps form a DAG, so this is a linear dynamic programme."""

    def steps(node: str) -> Iterable[str]:
        attrs = G.nodes[node]
        return (n for n in G.successors(node) if n in allowed and is_earlier(G.nodes[n], attrs))

    # Works that can still reach the target by such steps, with the fewest steps (reverse BFS).
    fewest = {target: 0}
    queue = deque([target])
    while queue:
        node = queue.popleft()
        for prev in G.predecessors(node):
            if prev in allowed and prev not in fewest and is_earlier(G.nodes[node], G.nodes[prev]):
                fewest[prev] = fewest[node] + 1
                queue.append(prev)
    if source not in fewest or fewest[source] > max_hops:
        return None
    # Most steps to the target, over the same sub-DAG, in order of time (earlier works first).
    most: dict[str, int] = {target: 0}
    for node in sorted(fewest, key=lambda n: when_key(n, G.nodes[n])):
        if node == target:
            continue
        options = [most[n] + 1 for n in steps(node) if n in most]
        if options:
            most[node] = max(options)
    path, node, budget = [source], source, max_hops
    while node != target:
        candidates = [n for n in steps(node) if n in fewest and fewest[n] <= budget - 1]
        node = max(candidates, key=lambda n: (min(most.get(n, 0), budget - 1), when_key(n, G.nodes[n])))
        path.append(node)
        budget -= 1
    return path


def _chain_row(G: nx.DiGraph, seed: str, chain: int, kind: str, path: Sequence[str], seed_use: str,
               note: str = "") -> dict[str, Any]:
    seed_attrs = G.nodes[seed]
    target = path[-1]
    return {
        "seed": seed, "seed_name": seed_attrs.get("seed_name") or G.graph.get("seed_names", {}).get(seed) or seed,
        "seed_use": seed_use, "chain": chain, "kind": kind, "hops": len(path) - 1,
        "target": target if len(path) > 1 else "", "target_year": G.nodes[target].get("year") if len(path) > 1 else None,
        "chronological": _chronological(G, path), "path": list(path),
        "years": [G.nodes[n].get("year") for n in path], "labels": [label(n, G.nodes[n]) for n in path], "note": note,
    }


def adoption_chains(
    G: nx.DiGraph,
    uses: TermUses,
    *,
    term: str | None = None,
    seeds: Sequence[str] | None = None,
    max_targets: int = 3,
    max_hops: int = 8,
    max_chains: int = 6,
    candidates: int = 50,
) -> pd.DataFrame:
    """For each seed, chains of adopters citing adopters from the seed back to the earliest
    adopters it can reach.

    Works in the sub-graph of adopters plus the seed itself (so a seed whose own text is
    ``unknown``, like BERT's real record, still shows where its cited adopters lead). A BFS from
    the seed finds the reachable adopters; the ``max_targets`` earliest of them (year, date) are
    the targets. Per target: the most informative ``shortest`` chain (chronological, through
    well-cited works; among the first ``candidates`` shortest paths) and a ``stepwise`` chain,
    the longest one (up to ``max_hops``) whose every step goes back in time — it shows the
    intermediate adopters a direct citation skips. At most ``max_chains`` chains per seed; a seed
    with no chain gets one row of ``kind`` ``none`` saying why. ``path`` runs seed → target, each
    work citing the next. Cost: one BFS per seed plus linear work per target.
    """
    seed_list = [s for s in (seeds if seeds is not None else G.graph.get("seeds") or []) if s in G]
    adopter_set = set(adopters(G, uses, term=term))
    rows: list[dict[str, Any]] = []
    for seed in seed_list:
        seed_use = uses.get(seed, term).use
        allowed = adopter_set | {seed}
        dist, parents = _shortest_dag(G, seed, allowed)
        reached = [n for n in dist if n != seed and G.nodes[n].get("year") is not None]
        if not reached:
            why = "the seed is not in the graph's adopter network" if not dist else "cites no work using the term (directly or via adopters)"
            rows.append(_chain_row(G, seed, 0, "none", [seed], seed_use, note=why))
            continue
        reached.sort(key=lambda n: when_key(n, G.nodes[n]))
        chains: list[tuple[str, list[str]]] = []
        for target in reached[:max_targets]:
            shortest = min(_shortest_paths(parents, target, candidates), key=lambda p: _informative(G, p))
            chains.append(("shortest", shortest))
            stepwise = _stepwise_path(G, seed, target, allowed, max_hops)
            if stepwise and stepwise != shortest and len(stepwise) > len(shortest):
                chains.append(("stepwise", stepwise))
        for number, (kind, path) in enumerate(chains[:max_chains], start=1):
            note = f"{len(reached)} dated adopters reachable from the seed"
            rows.append(_chain_row(G, seed, number, kind, path, seed_use, note=note))
    log.info("adoption chains: %d rows for %d seeds", len(rows), len(seed_list))
    return pd.DataFrame(rows, columns=CHAIN_COLUMNS).astype({"target_year": "Int64"})
