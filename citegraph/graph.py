"""Slim records → ``nx.DiGraph`` (edge citing → cited), and the graph back from ``graph.json``.

Writing the graph and its exports (GraphML, GEXF, CSV) is :mod:`citegraph.exports`' job;
``save_graph`` and ``graph_files`` are importable from here too, since most callers take the
graph's save and load from one place.
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import networkx as nx
import numpy as np

from .bulk import gc_paused, positions
from .errors import GraphNotFoundError
from .model import Work
from .exports import GRAPH_JSON, NODE_COLUMNS, NODE_LINK_KEY, graph_files, save_graph

__all__ = ["build_graph", "CitationGraph", "Citations", "citation_arrays", "save_graph", "load_graph", "graph_path", "graph_files", "NODE_COLUMNS"]


def _node_attributes(work: Work, depth: int | None, seed_name: str | None) -> dict[str, Any]:
    """A node's attributes: the work's fields (:meth:`Work.as_attrs`) and where the crawl put it."""
    attrs = work.as_attrs()
    attrs["first_author"] = work.authors[0] if work.authors else None
    attrs["depth"] = depth
    attrs["is_seed"] = seed_name is not None
    attrs["seed_name"] = seed_name
    return attrs


class _NoAttributes(dict):
    """The attribute dict every built citation edge shares: empty, and refusing to be filled.

    networkx gives each edge a fresh dict; at 20M citations those empty dicts took 1.6 GB
    (80 bytes each, with the garbage collector's header), and nothing ever writes to a built
    graph's edges. Sharing one dict is only safe if a write cannot reach every edge at once, so
    the ways to add a key raise instead. Copies (``G.copy()``, ``dict(attrs)``) are plain dicts,
    which is how :func:`~citegraph.analysis.highlights.export_view` marks its edges.
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a built citegraph graph's edges carry no attributes and are never written to; "
                        "mark a copy (G.copy()) instead")

    __setitem__ = setdefault = __ior__ = _refuse  # type: ignore[assignment]

    def update(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        """A no-op for nothing (networkx's ``add_edge(u, v)`` of an existing edge), else refused."""
        if kwargs or any(args):
            self._refuse()

    def __reduce__(self) -> Any:  # a pickled graph's edges come back as ordinary empty dicts
        return dict, ()


#: The one attribute dict of every citation of a built graph (:class:`_NoAttributes`).
NO_ATTRIBUTES = _NoAttributes()


@dataclass(frozen=True)
class Citations:
    """A graph's citations as integer arrays: ``names[i]`` is the i-th work in the graph's
    order, and it cites ``names[k]`` for each ``k`` in ``cited[ptr[i]:ptr[i + 1]]``, in
    ``G.edges()`` order. What an analysis over all citations numbers first (the main path)."""

    names: list[str]
    ptr: np.ndarray
    cited: np.ndarray


#: networkx's methods that change a graph: each drops a :class:`CitationGraph`'s arrays.
_CHANGES = ("add_node", "add_nodes_from", "remove_node", "remove_nodes_from", "add_edge", "add_edges_from",
            "add_weighted_edges_from", "remove_edge", "remove_edges_from", "update", "clear", "clear_edges")


class CitationGraph(nx.DiGraph):
    """The graph :func:`build_graph` makes: an ``nx.DiGraph`` in every way, which also keeps
    the :class:`Citations` it was built from until a networkx method changes it.

    Numbering 20M citations takes a Python pass over every one of them (5 s at 1M works);
    ``build_graph`` has the numbers already, so an analysis asks :meth:`citations` first.
    Every method in :data:`_CHANGES` drops them, a copy (``G.copy()``: built by those methods)
    and a view (``G.subgraph``, ``G.reverse(copy=False)``: a new instance) start without them,
    so they can only describe this very graph.
    """

    _citations: Citations | None = None

    def citations(self) -> Citations | None:
        """The graph's citations as built, or ``None`` once the graph was changed."""
        return self._citations


def _dropping_citations(name: str) -> Any:
    change = getattr(nx.DiGraph, name)

    @functools.wraps(change)
    def changed(self: CitationGraph, *args: Any, **kwargs: Any) -> Any:
        self._citations = None
        return change(self, *args, **kwargs)

    return changed


for _name in _CHANGES:
    setattr(CitationGraph, _name, _dropping_citations(_name))


def build_graph(
    records: Mapping[str, Work],
    *,
    seeds: Sequence[str],
    depths: Mapping[str, int] | None = None,
    seed_names: Mapping[str, str] | None = None,
    crawl_info: Mapping[str, Any] | None = None,
) -> CitationGraph:
    """The citation graph over ``records`` (``{id: Work}``), a :class:`CitationGraph`.

    Node attributes are the work's fields (:class:`~citegraph.model.Work`, less ``references``)
    plus ``first_author``, ``depth``, ``is_seed`` and ``seed_name``; nothing else writes to them.
    Edges carry no attributes: they all share one read-only empty dict (:data:`NO_ATTRIBUTES`).

    Holds every citation edge among the given works, not only the edges the crawl walked:
    a depth-2 work's reference to another work in the graph is an edge too. References to
    works outside ``records`` are left out (they are the crawl's frontier or dangling).
    Nodes are added in sorted id order, and nothing time-dependent is stored, so the files
    written for the same data are byte-identical across runs (a rerun can be diffed).

    The adjacency dicts are filled directly, in the order ``add_node``/``add_edge`` would fill
    them (works in id order, each one's references in OpenAlex's order; each work's citers in
    id order): at 20M citations networkx's per-edge bookkeeping was most of this function's
    time. The citations are found once as integer arrays (:func:`citation_arrays`), and each
    adjacency dict is made whole from a slice of them; the graph keeps the arrays
    (:meth:`CitationGraph.citations`) when no reference was repeated, so that they match its
    edges one for one.
    """
    depths = depths or {}
    names = {seed: (seed_names or {}).get(seed, seed) for seed in seeds}
    graph = CitationGraph(
        seeds=list(seeds),
        seed_names=dict(names),
        crawl=dict(crawl_info or {}),
    )
    order = sorted(records)  # the records' own key strings: edges reuse them, one string per work
    with gc_paused():
        nodes = {work: _node_attributes(records[work], depths.get(work), names.get(work)) for work in order}
        citing, cited = citation_arrays(order, [records[work].references for work in order])
        keys = np.fromiter(order, dtype=object, count=len(order))
        ptr = _row_bounds(citing, len(order))
        succ = _adjacency(order, ptr, cited, keys)
        by_cited = np.argsort(cited, kind="stable")  # each work's citers in id order, as add_edge would leave them
        citers = citing[by_cited]
        pred = _adjacency(order, _row_bounds(cited[by_cited], len(order)), citers, keys)
        del by_cited, citers
    graph._node, graph._adj, graph._pred = nodes, succ, pred  # _adj is also _succ (networkx resets its views)
    if sum(map(len, succ.values())) == cited.size:  # else a repeated reference was dropped from succ
        ptr.flags.writeable = cited.flags.writeable = False  # shared with every analysis: read only
        graph._citations = Citations(order, ptr, cited)
    return graph


def citation_arrays(order: Sequence[str], references: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Every citation among the works ``order`` names, as positions in ``order``: ``citing[k]``
    cites ``cited[k]``, by citing work, each one's references in their own order (those to
    works outside ``order``, and to the work itself, left out).

    The references are found by :func:`~citegraph.bulk.positions`; everything after is numpy.
    At 20M references the scattered dict inserts this replaces (``pred[ref][work] = ...``, one
    per citation, into a million small dicts) were most of ``build_graph``'s time.
    """
    lengths = np.fromiter(map(len, references), dtype=np.intp, count=len(references))
    cited = positions(order, itertools.chain.from_iterable(references), int(lengths.sum()))
    citing = np.repeat(np.arange(len(order), dtype=cited.dtype), lengths)  # int32 too: 80 MB less at 20M
    kept = (cited >= 0) & (cited != citing)
    return citing[kept], cited[kept]


#: Works whose adjacency dicts :func:`_adjacency` makes per step (its key lists stay small).
ADJACENCY_BLOCK = 1 << 16


def _row_bounds(rows: np.ndarray, count: int) -> np.ndarray:
    """Row pointers of sorted row numbers: row ``i``'s entries are ``[bounds[i], bounds[i + 1])``."""
    return np.searchsorted(rows, np.arange(count + 1, dtype=rows.dtype)).astype(np.intp)


def _adjacency(order: Sequence[str], bounds: np.ndarray, neighbours: np.ndarray, keys: np.ndarray) -> dict[str, dict[str, Any]]:
    """``{work: {neighbour: NO_ATTRIBUTES}}`` for every work of ``order``: work ``order[i]``
    has the neighbours ``keys[neighbours[bounds[i]:bounds[i + 1]]]`` (:func:`_row_bounds`).
    A repeated neighbour is kept once. Made a block of works at a time, so the key list of
    a block is all that exists besides the dicts."""
    bounds = bounds.tolist()
    fill = dict.fromkeys
    adjacency: dict[str, dict[str, Any]] = {}
    for first in range(0, len(order), ADJACENCY_BLOCK):
        last = min(len(order), first + ADJACENCY_BLOCK)
        offset = bounds[first]
        names = keys[neighbours[offset:bounds[last]]].tolist()
        for k in range(first, last):
            adjacency[order[k]] = fill(names[bounds[k] - offset:bounds[k + 1] - offset], NO_ATTRIBUTES)
    return adjacency


def graph_path(path: Path | str) -> Path:
    """The ``graph.json`` a directory (or the file itself) holds; :class:`GraphNotFoundError` if none."""
    source = Path(path)
    if source.is_dir():
        source = source / GRAPH_JSON
    if not source.is_file():
        raise GraphNotFoundError(f"no crawled graph at {source}; run `citegraph crawl --out {source.parent}` first")
    return source


def load_graph(path: Path | str) -> nx.DiGraph:
    """The graph saved by :func:`save_graph`, from its directory or its ``graph.json``."""
    source = graph_path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, directed=True, edges="edges", name=NODE_LINK_KEY)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise GraphNotFoundError(f"{source} is not a citegraph graph ({exc.__class__.__name__}); recrawl into it") from exc
    return _without_derived(graph)


#: Attributes that older versions wrote into graph.json after an analysis. They are derived
#: (term use, highlights), so they are dropped on load and always computed afresh.
DERIVED_NODE_ATTRIBUTES = ("term_use", "term_forms", "term_snippet", "term_collocations", "terms",
                           "is_earliest_adopter", "on_chain", "on_main_path")
DERIVED_EDGE_ATTRIBUTES = ("on_chain", "on_main_path")


def _without_derived(graph: nx.DiGraph) -> nx.DiGraph:
    for _, attrs in graph.nodes(data=True):
        for key in DERIVED_NODE_ATTRIBUTES:
            attrs.pop(key, None)
    for _, _, attrs in graph.edges(data=True):
        for key in DERIVED_EDGE_ATTRIBUTES:
            attrs.pop(key, None)
    graph.graph.pop("terms", None)
    return graph

