"""Main-path analysis: the backbone of a citation graph by search path count (SPC).

The SPC of a citation is the number of paths, from any work nobody in the graph cites to any
work citing nothing in the graph, that run through it (Hummon & Doreian 1989; Batagelj 2003,
"Efficient algorithms for citation network analysis"). With ``up[u]`` = paths from the uncited
works down to ``u`` and ``down[v]`` = paths from ``v`` down to the works citing nothing,
``SPC(u → v) = up[u] · down[v]``: two passes over a topological order, linear in the edges.

Assumptions: edges run citing → cited. Citation graphs can contain cycles (same-year mutual
citations, data errors); this condenses strongly connected components first, so a cycle counts
as one work, edges inside it get SPC 0, and parallel citations between two components share
the components' SPC. Path counts are exact Python integers; ``spc_share`` divides by the total
number of paths.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import math
from collections import deque
from dataclasses import dataclass
from typing import Any, Sequence

import networkx as nx
import pandas as pd

from .chronology import label, when_key

__all__ = ["spc_weights", "main_path", "key_route_main_path", "main_path_table", "MAINPATH_COLUMNS"]

log = logging.getLogger("citegraph")

MAINPATH_COLUMNS = [
    "kind", "route", "step", "citing", "cited", "spc", "spc_share", "in_cycle", "citing_year", "cited_year",
    "citing_label", "cited_label", "citing_title", "cited_title",
]


@dataclass
class _Flow:
    """The condensed citation DAG with its path counts (components are integers)."""

    comp: dict[str, int]
    members: list[list[str]]
    succ: list[list[int]]
    pred: list[list[int]]
    order: list[int]  # topological: every citing component before the components it cites
    up: list[int]
    down: list[int]
    total: int
    best_down: list[float] | None = None
    best_up: list[float] | None = None

    def __post_init__(self) -> None:
        # Path counts grow exponentially with depth; the main-path searches compare SPC shares
        # as floats computed from logarithms (math.log takes integers of any size), and only
        # the citations reported get their exact integer SPC.
        self.log_up = [math.log(x) for x in self.up]
        self.log_down = [math.log(x) for x in self.down]
        self.log_total = math.log(self.total) if self.total else 0.0

    def spc(self, a: int, b: int) -> int:
        """The exact search path count of the condensed citation a → b."""
        return self.up[a] * self.down[b]

    def share(self, a: int, b: int) -> float:
        """SPC(a → b) / total paths, as a float."""
        return math.exp(self.log_up[a] + self.log_down[b] - self.log_total) if self.total else 0.0

    def starts(self) -> list[int]:
        """Components nobody cites that cite something (the paths' first works)."""
        return [c for c in self.order if not self.pred[c] and self.succ[c]]


def _topological(succ: Sequence[Sequence[int]]) -> list[int] | None:
    """Kahn's order (citing before cited, ties by index), or ``None`` when there is a cycle."""
    indegree = [0] * len(succ)
    for targets in succ:
        for t in targets:
            indegree[t] += 1
    queue = deque(i for i, d in enumerate(indegree) if d == 0)
    order: list[int] = []
    while queue:
        node = queue.popleft()
        order.append(node)
        for t in succ[node]:
            indegree[t] -= 1
            if indegree[t] == 0:
                queue.append(t)
    return order if len(order) == len(succ) else None


def _flow(G: nx.DiGraph) -> _Flow:
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    succ = [[index[v] for v in G.successors(node) if v != node] for node in nodes]
    order = _topological(succ)
    if order is not None:
        comp, members = index, [[node] for node in nodes]
    else:
        components = sorted((sorted(c) for c in nx.strongly_connected_components(G)), key=lambda c: c[0])
        members = [sorted(c, key=lambda n: when_key(n, G.nodes[n]), reverse=True) for c in components]
        comp = {node: i for i, c in enumerate(members) for node in c}
        linked: list[set[int]] = [set() for _ in members]
        for u, v in G.edges():
            if comp[u] != comp[v]:
                linked[comp[u]].add(comp[v])
        succ = [sorted(targets) for targets in linked]
        order = _topological(succ)
        assert order is not None  # a condensation is acyclic
        log.info("main path: condensed %d cyclic groups (%d works)", sum(len(c) > 1 for c in members),
                 sum(len(c) for c in members if len(c) > 1))
    pred: list[list[int]] = [[] for _ in succ]
    for a, targets in enumerate(succ):
        for b in targets:
            pred[b].append(a)
    up = [0] * len(succ)
    for c in order:
        if not pred[c]:
            up[c] = 1
        for t in succ[c]:
            up[t] += up[c]
    down = [0] * len(succ)
    for c in reversed(order):
        down[c] = sum(down[t] for t in succ[c]) if succ[c] else 1
    total = sum(down[c] for c in range(len(succ)) if not pred[c] and succ[c])
    return _Flow(comp, members, succ, pred, order, up, down, total)


def spc_weights(G: nx.DiGraph, *, normalized: bool = False) -> dict[tuple[str, str], Any]:
    """``{(citing, cited): SPC}`` for every edge (0 inside a citation cycle).

    ``normalized=True`` divides by the total number of source-to-sink paths (a share in [0, 1]).
    """
    flow = _flow(G)
    weights: dict[tuple[str, str], Any] = {}
    for u, v in G.edges():
        a, b = flow.comp[u], flow.comp[v]
        value = flow.spc(a, b) if a != b else 0
        weights[(u, v)] = (value / flow.total if flow.total else 0.0) if normalized else value
    return weights


def _best_down(flow: _Flow) -> list[float]:
    """Largest SPC-share sum of a path from each component down to a work citing nothing."""
    if flow.best_down is None:
        best = [0.0] * len(flow.succ)
        exp, log_down, shift = math.exp, flow.log_down, -flow.log_total
        for c in reversed(flow.order):
            targets = flow.succ[c]
            if targets:
                base = flow.log_up[c] + shift
                best[c] = max(exp(base + log_down[t]) + best[t] for t in targets)
        flow.best_down = best
    return flow.best_down


def _best_up(flow: _Flow) -> list[float]:
    """Largest SPC-share sum of a path from an uncited work down to each component."""
    if flow.best_up is None:
        best = [0.0] * len(flow.succ)
        exp, log_up, shift = math.exp, flow.log_up, -flow.log_total
        for c in flow.order:
            sources = flow.pred[c]
            if sources:
                base = flow.log_down[c] + shift
                best[c] = max(best[p] + exp(log_up[p] + base) for p in sources)
        flow.best_up = best
    return flow.best_up


def _follow_down(flow: _Flow, start: int, best: list[float]) -> list[int]:
    path = [start]
    while flow.succ[path[-1]]:
        c = path[-1]
        path.append(max(flow.succ[c], key=lambda t: (flow.share(c, t) + best[t], flow.share(c, t), -t)))
    return path


def _follow_up(flow: _Flow, end: int, best: list[float]) -> list[int]:
    path = [end]
    while flow.pred[path[-1]]:
        c = path[-1]
        path.append(max(flow.pred[c], key=lambda p: (best[p] + flow.share(p, c), flow.share(p, c), -p)))
    return path[::-1]


def _through_cycle(G: nx.DiGraph, members: Sequence[str], entries: Sequence[str], exits: set[str]) -> list[str]:
    """The shortest citation path inside one condensed cycle from an entry to an exit (multi-source BFS)."""
    inside = set(members)
    parent: dict[str, str | None] = {}
    queue: deque[str] = deque()
    for node in entries:
        parent[node] = None
        queue.append(node)
    while queue:
        node = queue.popleft()
        if node in exits:
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for nxt in G.successors(node):
            if nxt in inside and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return [entries[0]]  # unreachable: every member of a strongly connected group reaches every other


def _expand(G: nx.DiGraph, flow: _Flow, path: Sequence[int]) -> list[str]:
    """A path of components as a path of works linked by real citations.

    A condensed cycle is entered at a work the previous one cites and left from a work citing
    the next component, with the shortest citation path between them inside the cycle.
    """
    nodes: list[str] = []
    for i, c in enumerate(path):
        members = flow.members[c]
        if len(members) == 1:
            nodes.append(members[0])
            continue
        entries = [m for m in members if not nodes or G.has_edge(nodes[-1], m)]
        following = set(flow.members[path[i + 1]]) if i + 1 < len(path) else None
        exits = {m for m in members if following is None or any(v in following for v in G.successors(m))}
        nodes.extend(_through_cycle(G, members, entries, exits))
    return nodes


def _global_path(flow: _Flow) -> list[int]:
    starts = flow.starts()
    if not starts:
        return []
    best = _best_down(flow)
    start = max(starts, key=lambda c: (best[c], -c))
    return _follow_down(flow, start, best)


def _local_path(flow: _Flow) -> list[int]:
    starts = flow.starts()
    if not starts:
        return []
    start = max(starts, key=lambda c: (max(flow.share(c, t) for t in flow.succ[c]), -c))
    path = [start]
    while flow.succ[path[-1]]:
        c = path[-1]
        path.append(max(flow.succ[c], key=lambda t: (flow.share(c, t), -t)))
    return path


def main_path(G: nx.DiGraph, *, method: str = "global") -> list[str]:
    """The main path, listed citing → cited (from an uncited work down to one citing nothing).

    ``global``: the path with the largest total SPC (Liu & Lu 2012), a longest-path DP over the
    condensation. ``local``: Hummon & Doreian's forward search — start on the uncited work's
    citation with the largest SPC and keep taking the largest. Works of a condensed cycle are
    listed together, newest first. Empty when the graph has no edges.
    """
    if method not in ("global", "local"):
        raise ValueError(f"method must be 'global' or 'local', not {method!r}")
    flow = _flow(G)
    return _expand(G, flow, _global_path(flow) if method == "global" else _local_path(flow))


def _key_routes(flow: _Flow, k: int) -> list[list[int]]:
    lu, ld = flow.log_up, flow.log_down
    edges = ((lu[a] + ld[b], -a, -b) for a in range(len(flow.succ)) for b in flow.succ[a])
    top = heapq.nlargest(k, edges)
    best_down, best_up = _best_down(flow), _best_up(flow)
    routes: list[list[int]] = []
    for _, a, b in ((x, -na, -nb) for x, na, nb in top):
        route = _follow_up(flow, a, best_up) + _follow_down(flow, b, best_down)
        if route not in routes:
            routes.append(route)
    return routes


def key_route_main_path(G: nx.DiGraph, *, k: int = 10) -> list[list[str]]:
    """Key-route main paths (Liu & Lu 2012): the ``k`` citations with the largest SPC, each
    extended up to an uncited work and down to a work citing nothing by the largest SPC sum.

    One path per key route (duplicates dropped), each listed citing → cited.
    """
    flow = _flow(G)
    return [_expand(G, flow, route) for route in _key_routes(flow, k)]


def _edge_rows(G: nx.DiGraph, flow: _Flow, kind: str, route: int, path: Sequence[int]) -> list[dict[str, Any]]:
    """One row per citation along the expanded path; a step inside a condensed cycle has SPC 0."""
    nodes = _expand(G, flow, path)
    rows: list[dict[str, Any]] = []
    for step, (u, v) in enumerate(itertools.pairwise(nodes), start=1):
        a, b = flow.comp[u], flow.comp[v]
        spc = flow.spc(a, b) if a != b else 0
        cu, cv = G.nodes[u], G.nodes[v]
        rows.append({
            "kind": kind, "route": route, "step": step, "citing": u, "cited": v, "spc": spc,
            "spc_share": round(flow.share(a, b), 6) if a != b else 0.0, "in_cycle": a == b,
            "citing_year": cu.get("year"), "cited_year": cv.get("year"),
            "citing_label": label(u, cu), "cited_label": label(v, cv),
            "citing_title": cu.get("title") or "", "cited_title": cv.get("title") or "",
        })
    return rows


def main_path_table(G: nx.DiGraph, *, k: int = 10) -> pd.DataFrame:
    """The global main path (``kind`` ``global``, route 0) and the key-route main paths
    (``kind`` ``key_route``, routes 1..) as one row per citation, computed from one SPC pass."""
    flow = _flow(G)
    rows = _edge_rows(G, flow, "global", 0, _global_path(flow))
    for number, route in enumerate(_key_routes(flow, k), start=1):
        rows.extend(_edge_rows(G, flow, "key_route", number, route))
    return pd.DataFrame(rows, columns=MAINPATH_COLUMNS)
