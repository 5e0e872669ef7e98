"""Slim records → ``nx.DiGraph`` (edge citing → cited), and the graph back from ``graph.json``.

Writing the graph and its exports (GraphML, GEXF, CSV) is :mod:`citegraph.exports`' job;
``save_graph`` and ``graph_files`` are importable from here too, since most callers take the
graph's save and load from one place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

import networkx as nx

from .bulk import gc_paused
from .errors import GraphNotFoundError
from .model import Work
from .exports import GRAPH_JSON, NODE_COLUMNS, NODE_LINK_KEY, graph_files, save_graph

__all__ = ["build_graph", "save_graph", "load_graph", "graph_path", "graph_files", "NODE_COLUMNS"]


def _node_attributes(work: Work, depth: int | None, seed_name: str | None) -> dict[str, Any]:
    """A node's attributes: the work's fields (:meth:`Work.as_attrs`) and where the crawl put it."""
    attrs = work.as_attrs()
    attrs["first_author"] = work.authors[0] if work.authors else None
    attrs["depth"] = depth
    attrs["is_seed"] = seed_name is not None
    attrs["seed_name"] = seed_name
    return attrs


def build_graph(
    records: Mapping[str, Work],
    *,
    seeds: Sequence[str],
    depths: Mapping[str, int] | None = None,
    seed_names: Mapping[str, str] | None = None,
    crawl_info: Mapping[str, Any] | None = None,
) -> nx.DiGraph:
    """The citation graph over ``records`` (``{id: Work}``).

    Node attributes are the work's fields (:class:`~citegraph.model.Work`, less ``references``)
    plus ``first_author``, ``depth``, ``is_seed`` and ``seed_name``; nothing else writes to them.

    Holds every citation edge among the given works, not only the edges the crawl walked:
    a depth-2 work's reference to another work in the graph is an edge too. References to
    works outside ``records`` are left out (they are the crawl's frontier or dangling).
    Nodes are added in sorted id order, and nothing time-dependent is stored, so the files
    written for the same data are byte-identical across runs (a rerun can be diffed).
    """
    depths = depths or {}
    names = {seed: (seed_names or {}).get(seed, seed) for seed in seeds}
    graph = nx.DiGraph(
        seeds=list(seeds),
        seed_names=dict(names),
        crawl=dict(crawl_info or {}),
    )
    # Edges reuse the node's own key string: one string per work, not one per citation.
    canonical = {work: work for work in records}
    with gc_paused():
        for work in sorted(records):
            graph.add_node(work, **_node_attributes(records[work], depths.get(work), names.get(work)))
        for work in sorted(records):
            for ref in records[work].references:
                cited = canonical.get(ref)
                if cited is not None and cited != work:
                    graph.add_edge(work, cited)
    return graph


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

