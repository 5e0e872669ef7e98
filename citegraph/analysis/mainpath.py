"""Main-path analysis: the backbone of a citation graph by search path count (SPC).

The SPC of a citation is the number of paths, from any work nobody in the graph cites to any
work citing nothing in the graph, that run through it (Hummon & Doreian 1989; Batagelj 2003,
"Efficient algorithms for citation network analysis"). With ``up[u]`` = paths from the uncited
works down to ``u`` and ``down[v]`` = paths from ``v`` down to the works citing nothing,
``SPC(u → v) = up[u] · down[v]``: two passes over a topological order, linear in the edges.

Direction: edges run citing → cited, against the knowledge flow (cited → citing) in which the
main-path literature draws its networks. Its "sources" are here the works citing nothing in
the graph (the oldest) and its "sinks" the uncited works (the newest): the forward local search
(:func:`local_main_paths`) starts at the former and walks towards newer works, the backward one
starts at the latter. Paths are always listed citing → cited, newest first.

Assumptions: edges run citing → cited. Citation graphs can contain cycles (same-year mutual
citations, data errors); this condenses strongly connected components first, so a cycle counts
as one work, edges inside it get SPC 0, and parallel citations between two components share
the components' SPC. ``spc_share`` divides by the total number of source-to-sink paths.

How: works become integers and citations two integer arrays, once (the one Python pass over
the citations, besides building ``spc_weights``' dict). The condensation is layered by Kahn's
algorithm (a work's layer is the longest citation chain from an uncited work down to it), and
every pass — path counts, best path sums — is one numpy step per layer over the citations
grouped by layer. So Python's share of the work grows with the number of layers (a few hundred
in citation data, where chains follow publication time), not with the number of citations.
A graph that is one long chain has as many layers as works: ~25 µs per layer (2.5 s for 100k).

Precision: path counts grow exponentially with depth (~10^58 paths among 100k synthetic works),
so they are float64. While the total number of paths is below 2^53 every count and every SPC
is an exact integer and SPCs are returned as Python ``int``; beyond that they are ``float``
(relative error ~1e-13). If the total would pass float64's range (~10^308), counts are kept as
natural logarithms: shares stay accurate, and an SPC too large for a float reads ``inf``. The
path searches compare SPC shares as floats in every case.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ..bulk import positions
from ..graph import CitationGraph
from .chronology import label, when_key

__all__ = ["MAINPATH_COLUMNS", "key_route_main_path", "local_main_paths", "main_path", "main_path_table",
           "spc_weights"]

log = logging.getLogger("citegraph")

MAINPATH_COLUMNS = [
    "kind", "route", "step", "citing", "cited", "spc", "spc_share", "in_cycle", "citing_year", "cited_year",
    "citing_label", "cited_label", "citing_title", "cited_title",
]

EXACT_LIMIT = 2**53  # below this total every path count is an exact float64 integer
LOG_LIMIT = 1e300  # beyond this total the counts are kept as logarithms


# --- works and citations as integer arrays --------------------------------------------------


def _index_edges(G: nx.DiGraph) -> tuple[list[Any], np.ndarray, np.ndarray]:
    """Works numbered 0..n-1 in the graph's order, and the citations in ``G.edges()`` order as
    CSR arrays: work ``i`` cites ``cited[ptr[i]:ptr[i + 1]]``.

    The one pass per citation that has to be Python (:func:`~citegraph.bulk.positions`: a
    built graph's edges hold its nodes' own key strings, found by address), unless the graph
    kept the arrays it was built from (:meth:`~citegraph.graph.CitationGraph.citations`).
    """
    built = G.citations() if isinstance(G, CitationGraph) else None
    if built is not None:
        return built.names, built.ptr, built.cited
    # two passes that keep no (node, neighbours) pairs: a million live tuples set off full
    # garbage collections, each walking the whole graph (this pass: 15 s instead of 8 at 1M works)
    names = [node for node, _ in G.adjacency()]
    targets = [nbrs for _, nbrs in G.adjacency()]
    ptr = np.zeros(len(names) + 1, dtype=np.intp)
    np.cumsum(np.fromiter(map(len, targets), dtype=np.intp, count=len(names)), out=ptr[1:])
    return names, ptr, positions(names, itertools.chain.from_iterable(targets), int(ptr[-1]))


def _compact(positions: np.ndarray, size: int) -> np.ndarray:
    """Citation-sized index arrays as int32 while they fit: at 20M citations each kept array is
    160 MB in int64, and the main path holds five of them at its peak. Indexing reads them the same."""
    return positions.astype(np.int32 if size < 2**31 else np.intp, copy=False)


def _edge_positions(ptr: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Positions, in CSR arrays with row pointers ``ptr``, of the edges of ``nodes`` (in order)."""
    starts = ptr[nodes]
    counts = ptr[nodes + 1] - starts
    shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return shift + np.arange(shift.size, dtype=np.intp)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique, whose hash-based path is ~15x slower here on numpy 2.4)."""
    values = np.sort(values, kind="stable")  # timsort: fast on the nearly sorted keys met here
    return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values


def _first_occurrences(values: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value, ascending."""
    ranked = np.argsort(values, kind="stable")
    ordered = values[ranked]
    return np.sort(ranked[np.r_[True, ordered[1:] != ordered[:-1]]]) if values.size else ranked


def _kahn_levels(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Kahn's algorithm a whole layer at a time: ``level`` is 0 for nodes with no incoming edge,
    else 1 + the largest level among the nodes pointing at them (longest-path layering); -1 for
    nodes on a cycle or reachable only through one, whose in-degree never drops to 0."""
    ptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(src, minlength=n), out=ptr[1:])
    # citations come grouped by citing work (the graph's order): then sorting them is the
    # identity, and skipping it spares two citation-sized arrays at the main path's peak memory
    targets = dst if not src.size or (src[1:] >= src[:-1]).all() else dst[np.argsort(src, kind="stable")]
    indegree = np.bincount(dst, minlength=n)
    level = np.full(n, -1, dtype=np.intp)
    frontier = np.flatnonzero(indegree == 0)
    depth = 0
    while frontier.size:
        level[frontier] = depth
        hit = targets[_edge_positions(ptr, frontier)]
        indegree -= np.bincount(hit, minlength=n)  # as np.subtract.at(indegree, hit, 1), several times faster
        frontier = _distinct(hit[indegree[hit] == 0])
        depth += 1
    return level


# --- condensing citation cycles -------------------------------------------------------------


def _tarjan(count: int, ptr: list[int], targets: list[int]) -> list[list[int]]:
    """Tarjan's strongly connected components, iterative, over CSR lists; only groups of two
    or more nodes are returned. Plain lists of ints (no tuples for the garbage collector to
    track): ~0.2 µs per edge, several times networkx's speed."""
    order, low, on_stack = [0] * count, [0] * count, [False] * count
    next_edge = ptr[:-1]  # per node: the next of its edges to look at
    stack: list[int] = []
    groups: list[list[int]] = []
    visited = 0
    for root in range(count):
        if order[root]:
            continue
        visited += 1
        order[root] = low[root] = visited
        stack.append(root)
        on_stack[root] = True
        work = [root]
        while work:
            node = work[-1]
            i, end, lowest = next_edge[node], ptr[node + 1], low[node]
            while i < end:
                nxt = targets[i]
                i += 1
                if not order[nxt]:
                    break
                if on_stack[nxt] and order[nxt] < lowest:
                    lowest = order[nxt]
            else:  # every edge of node seen: close it
                low[node] = lowest
                work.pop()
                if lowest == order[node]:
                    group = [stack.pop()]
                    on_stack[group[-1]] = False
                    while group[-1] != node:
                        group.append(stack.pop())
                        on_stack[group[-1]] = False
                    if len(group) > 1:
                        groups.append(group)
                if work and lowest < low[work[-1]]:
                    low[work[-1]] = lowest
                continue
            low[node], next_edge[node] = lowest, i
            visited += 1
            order[nxt] = low[nxt] = visited
            stack.append(nxt)
            on_stack[nxt] = True
            work.append(nxt)
    return groups


def _cycle_groups(n: int, src: np.ndarray, dst: np.ndarray, level: np.ndarray) -> list[np.ndarray]:
    """The strongly connected groups of two or more works, each sorted.

    Only works Kahn's pass could not free from either side can lie on a cycle: those below a
    cycle (``level < 0``) that are also above one. Tarjan's algorithm runs on those alone.
    """
    below = level < 0
    inner = below[src] & below[dst]
    core = below & (_kahn_levels(n, dst[inner], src[inner]) < 0)
    keep = core[src] & core[dst]
    local = np.cumsum(core) - 1
    nodes = np.flatnonzero(core)
    ptr = np.zeros(nodes.size + 1, dtype=np.intp)
    np.cumsum(np.bincount(local[src[keep]], minlength=nodes.size), out=ptr[1:])
    groups = _tarjan(nodes.size, ptr.tolist(), local[dst[keep]].tolist())  # src is sorted, so is src[keep]
    return [np.sort(nodes[group]) for group in groups]


def _number_components(names: Sequence[Any], groups: list[np.ndarray]) -> tuple[np.ndarray, int]:
    """Component of every work, numbered in the order of their smallest work id (path searches
    break ties towards the smaller number)."""
    n = len(names)
    head = np.arange(n, dtype=np.intp)  # a work stands for itself, a cycle for its first work
    for group in groups:
        head[group] = group[0]
    name_rank = np.empty(n, dtype=np.intp)
    name_rank[sorted(range(n), key=names.__getitem__)] = np.arange(n, dtype=np.intp)
    first_name = np.full(n, n, dtype=np.intp)
    np.minimum.at(first_name, head, name_rank)
    heads = _distinct(head)
    number = np.empty(n, dtype=np.intp)
    number[heads[np.argsort(first_name[heads])]] = np.arange(heads.size, dtype=np.intp)
    return number[head], heads.size


def _condense(G: nx.DiGraph, names: Sequence[Any], src: np.ndarray, dst: np.ndarray, level: np.ndarray
              ) -> tuple[np.ndarray, dict[int, np.ndarray], np.ndarray, np.ndarray]:
    """Component of every work, each cycle's works newest first, and the condensation's
    citations (deduplicated, sorted by citing component)."""
    groups = _cycle_groups(len(names), src, dst, level)
    comp, size = _number_components(names, groups)

    def newest_first(group: np.ndarray) -> np.ndarray:
        return np.array(sorted(group.tolist(), key=lambda i: when_key(names[i], G.nodes[names[i]]), reverse=True))

    cycles = {int(comp[group[0]]): newest_first(group) for group in groups}
    a, b = comp[src], comp[dst]
    between = _distinct(a[a != b] * size + b[a != b])
    log.info("main path: condensed %d cyclic groups (%d works)", len(groups), sum(g.size for g in groups))
    return comp, cycles, between // size, between % size


# --- layer-by-layer passes over the condensation --------------------------------------------


def _steps(src: np.ndarray, level: np.ndarray) -> list[np.ndarray]:
    """The condensed citations cut by the level of their citing component, in level order: in
    a pass, one step reads only values that earlier steps (or later ones, going backwards) finished."""
    keys = _compact(level, level.size)[src]
    order = _compact(np.argsort(keys, kind="stable"), src.size)
    # where each level starts in that order: the counts of the levels below it
    cuts = [0, *np.cumsum(np.bincount(keys, minlength=level.max(initial=0) + 1)).tolist()]
    del keys
    return [order[lo:hi] for lo, hi in itertools.pairwise(cuts) if lo < hi]


@dataclass
class _Counts:
    """Path counts per component — ``up`` from the uncited works, ``down`` to the works citing
    nothing — and their total: float64, or natural logarithms when ``logs``."""

    up: np.ndarray
    down: np.ndarray
    total: float
    logs: bool

    @property
    def exact(self) -> bool:
        """Every count is an exact integer (module docstring)."""
        return not self.logs and self.total < EXACT_LIMIT

    def spc(self, a: Any, b: Any) -> Any:
        """SPC of condensed citations ``a → b`` (arrays or single components), as float64."""
        if self.logs:
            with np.errstate(over="ignore"):
                return np.exp(self.up[a] + self.down[b])
        return self.up[a] * self.down[b]

    def share(self, a: Any, b: Any) -> Any:
        """SPC(a → b) / total paths, as float64."""
        if self.logs:
            return np.exp(self.up[a] + self.down[b] - self.total)
        return self.up[a] * self.down[b] / self.total

    def plain(self, values: np.ndarray) -> list[Any]:
        """SPC values as Python numbers: ``int`` while exact, else ``float``."""
        return values.astype(np.int64).tolist() if self.exact else values.tolist()


def _count_paths(src: np.ndarray, dst: np.ndarray, steps: list[np.ndarray], indegree: np.ndarray,
                 outdegree: np.ndarray, *, logs: bool) -> _Counts:
    """``up`` pushed down the levels, ``down`` pulled up them, one scatter-add per level."""
    add = np.logaddexp if logs else np.add
    one, zero = (0.0, -np.inf) if logs else (1.0, 0.0)
    up = np.where(indegree == 0, one, zero)
    for edges in steps:
        add.at(up, dst[edges], up[src[edges]])
    down = np.where(outdegree == 0, one, zero)
    for edges in reversed(steps):
        add.at(down, src[edges], down[dst[edges]])
    first = down[(indegree == 0) & (outdegree > 0)]
    total = float(add.reduce(first)) if first.size else zero
    return _Counts(up, down, total, logs)


#: Citations per block where a pass needs float temporaries: 20M citations at once made two
#: 160 MB arrays at the main path's peak memory; blocks give the same values.
_BLOCK = 1 << 21


def _choices(end: np.ndarray, other: np.ndarray, best_other: np.ndarray, share: np.ndarray,
             best: np.ndarray) -> np.ndarray:
    """For each component, the component across the citation at ``end`` whose gain — the
    citation's share plus ``best_other`` of the component across it — attains ``best`` (ties:
    the larger share, then the smaller component); -1 with no citation there."""
    hit = np.concatenate([np.flatnonzero(share[lo:lo + _BLOCK] + best_other[other[lo:lo + _BLOCK]]
                                         == best[end[lo:lo + _BLOCK]]) + lo
                          for lo in range(0, end.size, _BLOCK)] or [np.zeros(0, dtype=np.intp)])
    hit = hit[np.lexsort((other[hit], -share[hit], end[hit]))]
    first = hit[np.r_[True, end[hit][1:] != end[hit][:-1]]] if hit.size else hit
    choice = np.full(best.size, -1, dtype=np.intp)
    choice[end[first]] = other[first]
    return choice


# --- the condensed citation DAG -------------------------------------------------------------


@dataclass
class _Flow:
    """The citation graph as arrays, its condensation (components are integers) and its path counts."""

    names: list[Any]  # work index → work id
    ptr: np.ndarray  # CSR over works: work i cites cited[ptr[i]:ptr[i + 1]] (G.edges() order)
    cited: np.ndarray
    comp: np.ndarray  # work index → component
    cycles: dict[int, np.ndarray]  # component → its work indices, newest first (cycles only)
    src: np.ndarray  # condensed citations: citing component ...
    dst: np.ndarray  # ... → cited component
    steps: list[np.ndarray]  # condensed citation ids by level of the citing component
    indegree: np.ndarray  # per component
    outdegree: np.ndarray
    counts: _Counts

    @cached_property
    def citing(self) -> np.ndarray:
        """The citing work of every citation (``cited``'s partner)."""
        return np.repeat(np.arange(self.ptr.size - 1, dtype=np.intp), np.diff(self.ptr))

    @cached_property
    def citation_comps(self) -> tuple[np.ndarray, np.ndarray]:
        """Components of the citing and the cited work of every citation."""
        return self.comp[self.citing], self.comp[self.cited]

    @cached_property
    def cycle_citations(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Citations by works on a cycle: citing work, its component, the cited component."""
        from_cycle = np.isin(self.comp, list(self.cycles))[self.citing]
        citing = self.citing[from_cycle]
        return citing, self.comp[citing], self.comp[self.cited[from_cycle]]

    @cached_property
    def share(self) -> np.ndarray:
        """SPC share of every condensed citation."""
        return self.counts.share(self.src, self.dst)

    @cached_property
    def best_down(self) -> np.ndarray:
        """Largest SPC-share sum of a path from each component down to a work citing nothing."""
        best = np.zeros(self.outdegree.size)
        for edges in reversed(self.steps):
            np.maximum.at(best, self.src[edges], self.share[edges] + best[self.dst[edges]])
        return best

    @cached_property
    def best_up(self) -> np.ndarray:
        """Largest SPC-share sum of a path from an uncited work down to each component."""
        best = np.zeros(self.indegree.size)
        for edges in self.steps:
            np.maximum.at(best, self.dst[edges], best[self.src[edges]] + self.share[edges])
        return best

    @cached_property
    def next_down(self) -> np.ndarray:
        """The component each one cites on its best path down (``best_down``), or -1."""
        return _choices(self.src, self.dst, self.best_down, self.share, self.best_down)

    @cached_property
    def next_up(self) -> np.ndarray:
        """The component citing each one on its best path up (``best_up``), or -1."""
        return _choices(self.dst, self.src, self.best_up, self.share, self.best_up)

    @cached_property
    def work_of(self) -> np.ndarray:
        """A work of each component (its only one, unless it is a cycle)."""
        work = np.empty(self.outdegree.size, dtype=np.intp)
        work[self.comp] = np.arange(self.comp.size, dtype=np.intp)
        return work

    def spc(self, a: int, b: int) -> Any:
        """The search path count of the condensed citation a → b (``int`` while exact)."""
        value = self.counts.spc(a, b)
        return int(value) if self.counts.exact else float(value)

    def starts(self) -> np.ndarray:
        """Components nobody cites that cite something (the paths' first works), ascending."""
        return np.flatnonzero((self.indegree == 0) & (self.outdegree > 0))


def _flow(G: nx.DiGraph) -> _Flow:
    names, ptr, cited = _index_edges(G)
    n = len(names)
    src = np.repeat(np.arange(n, dtype=np.intp), np.diff(ptr))  # _Flow.citing, made again if needed
    loop = src == cited
    src, dst = (src[~loop], cited[~loop]) if loop.any() else (src, cited)
    level = _kahn_levels(n, src, dst)
    if (level >= 0).all():
        comp, cycles = np.arange(n, dtype=np.intp), {}
        # by (citing, cited), as _condense leaves the condensation's: every count is then summed
        # in an order set by its neighbours alone, so works citing the same works get the same
        # float counts and tie as exact counts would, whatever order their references came in
        src = src * n  # in place from here on: these are the largest arrays of the module
        src += dst
        src.sort(kind="stable")
        dst = src % n
        src //= n
    else:
        comp, cycles, src, dst = _condense(G, names, src, dst, level)
        level = _kahn_levels(int(comp.max()) + 1, src, dst)
    src, dst = _compact(src, level.size), _compact(dst, level.size)
    steps = _steps(src, level)
    indegree, outdegree = np.bincount(dst, minlength=level.size), np.bincount(src, minlength=level.size)
    with np.errstate(over="ignore"):  # an overflow shows in the total, and the counts are redone in logs
        counts = _count_paths(src, dst, steps, indegree, outdegree, logs=False)
    if not counts.total < LOG_LIMIT:
        counts = _count_paths(src, dst, steps, indegree, outdegree, logs=True)
    return _Flow(names, ptr, cited, comp, cycles, src, dst, steps, indegree, outdegree, counts)


def spc_weights(G: nx.DiGraph, *, normalized: bool = False) -> dict[tuple[str, str], Any]:
    """``{(citing, cited): SPC}`` for every edge (0 inside a citation cycle).

    ``normalized=True`` divides by the total number of source-to-sink paths (a share in [0, 1]).
    SPCs are ``int`` while the total is below 2^53, else ``float`` (module docstring).
    """
    flow = _flow(G)
    a, b = flow.citation_comps
    if normalized:
        values = np.where(a != b, flow.counts.share(a, b), 0.0).tolist() if flow.counts.total else [0.0] * a.size
    else:
        values = flow.counts.plain(np.where(a != b, flow.counts.spc(a, b), 0.0))
    return dict(zip(G.edges(), values))


# --- paths ----------------------------------------------------------------------------------


def _follow(following: np.ndarray, start: int) -> list[int]:
    """Components chained by ``following`` (next_down or next_up) from ``start`` until -1."""
    path = [start]
    while following[path[-1]] >= 0:
        path.append(int(following[path[-1]]))
    return path


def _through_cycle(flow: _Flow, members: np.ndarray, entries: np.ndarray, exits: np.ndarray) -> list[int]:
    """The shortest citation path inside one condensed cycle from an entry to an exit: a
    breadth-first search, one numpy step per distance, visiting works in the order a queue would."""
    size = flow.comp.size
    inside, is_exit, seen = np.zeros(size, bool), np.zeros(size, bool), np.zeros(size, bool)
    inside[members], is_exit[exits], seen[entries] = True, True, True
    parent = np.full(size, -1, dtype=np.intp)
    frontier = entries
    while frontier.size:
        done = frontier[is_exit[frontier]]
        if done.size:
            path = [int(done[0])]
            while parent[path[-1]] >= 0:
                path.append(int(parent[path[-1]]))
            return path[::-1]
        positions = _edge_positions(flow.ptr, frontier)
        reached, by = flow.cited[positions], flow.citing[positions]
        fresh = inside[reached] & ~seen[reached]
        first = _first_occurrences(reached[fresh])  # each work where a FIFO queue would meet it
        frontier = reached[fresh][first]
        parent[frontier], seen[frontier] = by[fresh][first], True
    return [int(entries[0])]  # unreachable: every member of a strongly connected group reaches every other


def _expand(flow: _Flow, path: Sequence[int]) -> list[int]:
    """A path of components as a path of works (indices) linked by real citations.

    A condensed cycle is entered at a work the previous one cites and left from a work citing
    the next component, with the shortest citation path between them inside the cycle.
    """
    works: list[int] = []
    for i, c in enumerate(path):
        members = flow.cycles.get(c)
        if members is None:
            works.append(int(flow.work_of[c]))
            continue
        if works:
            entries = members[np.isin(members, flow.cited[flow.ptr[works[-1]]:flow.ptr[works[-1] + 1]])]
        else:
            entries = members
        if i + 1 < len(path):
            citing, citing_comp, cited_comp = flow.cycle_citations
            exits = citing[(citing_comp == c) & (cited_comp == path[i + 1])]
        else:
            exits = members
        works.extend(_through_cycle(flow, members, entries, exits))
    return works


def _global_path(flow: _Flow) -> list[int]:
    starts = flow.starts()
    if not starts.size:
        return []
    start = int(starts[np.argmax(flow.best_down[starts])])  # the first maximum: ties go to the smaller component
    return _follow(flow.next_down, start)


def _tied_steps(flow: _Flow, *, forward: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The local search's moves: from each component, every condensed citation that ties for
    the largest SPC among those it may take next, as CSR (``ptr``, ``nxt``, ascending within a
    component), and the components a search starts from, ascending.

    Forward (knowledge flow, old → new): from a component to the components citing it, starting
    at the works citing nothing. Backward: from a component to the ones it cites, starting at
    the uncited works. A search starts at every citation that ties for the largest SPC among
    those leaving its start components (the first step is a move like the others).
    """
    here, there = (flow.dst, flow.src) if forward else (flow.src, flow.dst)
    size = flow.outdegree.size
    share = flow.share
    best = np.full(size, -np.inf)
    np.maximum.at(best, here, share)
    tied = np.flatnonzero(share == best[here])
    at = np.zeros(size, dtype=bool)
    at[flow.outdegree == 0 if forward else flow.indegree == 0] = True
    start_arcs = tied[at[here[tied]]]
    if start_arcs.size:  # a start component's moves: only those tying for the largest start SPC
        top = share[start_arcs].max()
        tied = tied[~at[here[tied]] | (share[tied] == top)]
    tied = tied[np.lexsort((there[tied], here[tied]))]
    ptr = np.zeros(size + 1, dtype=np.intp)
    np.cumsum(np.bincount(here[tied], minlength=size), out=ptr[1:])
    starts = _distinct(here[tied][at[here[tied]]])
    return ptr, there[tied], starts


def _local_paths(flow: _Flow, *, forward: bool, limit: int | None) -> list[list[int]]:
    """Every path of the local search (ties kept), as components listed citing → cited, in
    the order of the components met (smaller first); at most ``limit``."""
    if not flow.src.size:
        return []
    ptr, nxt, starts = _tied_steps(flow, forward=forward)
    paths: list[list[int]] = []
    stack = [[int(c)] for c in starts[::-1]]
    while stack and (limit is None or len(paths) < limit):
        path = stack.pop()
        lo, hi = ptr[path[-1]], ptr[path[-1] + 1]
        if lo == hi:
            paths.append(path[::-1] if forward else path)
            continue
        stack.extend(path + [int(c)] for c in nxt[lo:hi][::-1])
    if stack:
        log.info("local main path: more than %d tied paths; the first %d kept", limit, limit)
    return paths


def local_main_paths(G: nx.DiGraph, *, direction: str = "forward", limit: int | None = 100) -> list[list[str]]:
    """The local main path search, with every tie kept: each path listed citing → cited.

    ``forward`` (Hummon & Doreian 1989; Liu & Lu 2012): start at the citation with the largest
    SPC out of a work citing nothing in the graph (the oldest, in the direction knowledge
    flows), then repeatedly follow the largest-SPC citation *of* the current work, towards the
    newer works, until a work nobody in the graph cites. ``backward``: start at the largest SPC
    into an uncited work and follow the largest-SPC reference back in time until a work citing
    nothing. Where citations tie for the largest SPC the search follows each of them
    (CitationNetworks.jl's ``ForwardLocal``/``BackwardLocal`` do the same), so the result is
    every path of that branching search, smaller components first, at most ``limit`` of them
    (``None``: all; ties multiply, so the default caps them and the log says when).

    Assumes edges citing → cited; cycles are condensed (module docstring) and a condensed
    cycle is crossed by its shortest citation path. Empty when the graph has no edges.
    New (issue 13; ``main_path(method="local")`` was the backward search, one path).
    """
    if direction not in ("forward", "backward"):
        raise ValueError(f"direction must be 'forward' or 'backward', not {direction!r}")
    flow = _flow(G)
    return [[flow.names[w] for w in _expand(flow, path)]
            for path in _local_paths(flow, forward=direction == "forward", limit=limit)]


def main_path(G: nx.DiGraph, *, method: str = "global") -> list[str]:
    """The main path, listed citing → cited (from an uncited work down to one citing nothing).

    ``global``: the path with the largest total SPC (Liu & Lu 2012), a longest-path DP over the
    condensation. ``local`` (the same as ``forward``): Hummon & Doreian's forward local search —
    start on the largest-SPC citation of a work that cites nothing and keep taking the largest
    SPC towards newer works. ``backward``: the same search from the uncited works back in time.
    A local search that meets a tie returns its first path (the smaller component);
    :func:`local_main_paths` gives them all. Works of a condensed cycle are listed together,
    along the shortest citation path through it. Empty when the graph has no edges. Ties go to
    the work first in the graph's order (with cycles: the smallest id).

    Changed (issue 13): ``local`` was the backward search (now ``backward``) although this
    docstring named the forward one.
    """
    if method not in ("global", "local", "forward", "backward"):
        raise ValueError(f"method must be 'global', 'local', 'forward' or 'backward', not {method!r}")
    flow = _flow(G)
    if method == "global":
        path = _global_path(flow)
    else:
        paths = _local_paths(flow, forward=method != "backward", limit=1)
        path = paths[0] if paths else []
    return [flow.names[w] for w in _expand(flow, path)]


def _key_routes(flow: _Flow, k: int) -> list[list[int]]:
    """The ``k`` condensed citations with the largest SPC and every one tied with the k-th
    (order: larger SPC, then smaller citing, then cited component), each extended up and down
    by the largest SPC-share sums; duplicates dropped."""
    count = min(k, flow.src.size)
    if count <= 0:
        return []
    share = flow.share
    threshold = np.partition(share, share.size - count)[share.size - count]
    tied = np.flatnonzero(share >= threshold)
    top = tied[np.lexsort((flow.dst[tied], flow.src[tied], -share[tied]))]
    if top.size > count:
        log.info("key routes: %d citations have at least the %d-th largest SPC (ties); all kept", top.size, count)
    routes: list[list[int]] = []
    seen: set[tuple[int, ...]] = set()
    for a, b in zip(flow.src[top].tolist(), flow.dst[top].tolist()):
        route = _follow(flow.next_up, a)[::-1] + _follow(flow.next_down, b)
        if tuple(route) not in seen:
            seen.add(tuple(route))
            routes.append(route)
    return routes


def key_route_main_path(G: nx.DiGraph, *, k: int = 10) -> list[list[str]]:
    """Key-route main paths (Liu & Lu 2012): the ``k`` citations with the largest SPC — and
    every citation tied with the k-th, so there may be more than ``k`` — each extended up to an
    uncited work and down to a work citing nothing by the largest SPC sum.

    One path per key route (duplicates dropped), each listed citing → cited.
    Changed (issue 13): citations tied with the k-th were cut (by id order); they are all kept.
    """
    flow = _flow(G)
    return [[flow.names[w] for w in _expand(flow, route)] for route in _key_routes(flow, k)]


def _edge_rows(G: nx.DiGraph, flow: _Flow, kind: str, route: int, path: Sequence[int]) -> list[dict[str, Any]]:
    """One row per citation along the expanded path; a step inside a condensed cycle has SPC 0."""
    rows: list[dict[str, Any]] = []
    for step, (i, j) in enumerate(itertools.pairwise(_expand(flow, path)), start=1):
        a, b = int(flow.comp[i]), int(flow.comp[j])
        u, v = flow.names[i], flow.names[j]
        cu, cv = G.nodes[u], G.nodes[v]
        rows.append({
            "kind": kind, "route": route, "step": step, "citing": u, "cited": v,
            "spc": flow.spc(a, b) if a != b else 0,
            "spc_share": round(float(flow.counts.share(a, b)), 6) if a != b else 0.0, "in_cycle": a == b,
            "citing_year": cu.get("year"), "cited_year": cv.get("year"),
            "citing_label": label(u, cu), "cited_label": label(v, cv),
            "citing_title": cu.get("title") or "", "cited_title": cv.get("title") or "",
        })
    return rows


def main_path_table(G: nx.DiGraph, *, k: int = 10) -> pd.DataFrame:
    """The global main path (``kind`` ``global``, route 0) and the key-route main paths
    (``kind`` ``key_route``, routes 1..; more than ``k`` when SPCs tie with the k-th, see
    :func:`key_route_main_path`) as one row per citation, computed from one SPC pass."""
    flow = _flow(G)
    rows = _edge_rows(G, flow, "global", 0, _global_path(flow))
    for number, route in enumerate(_key_routes(flow, k), start=1):
        rows.extend(_edge_rows(G, flow, "key_route", number, route))
    return pd.DataFrame(rows, columns=MAINPATH_COLUMNS)
