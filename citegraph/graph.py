"""Slim records → ``nx.DiGraph`` (edge citing → cited); save, load and export it.

``graph.json`` (node-link) is the lossless, reloadable form every later step reads;
GraphML, GEXF and the two CSVs are exports for Gephi, spreadsheets and pandas. GraphML and
GEXF cannot hold lists or ``None``, so those exports flatten lists to ``"; "``-joined text
and drop missing values.
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import networkx as nx

from .bulk import gc_paused
from .errors import GraphNotFoundError, OutputError

__all__ = ["build_graph", "save_graph", "load_graph", "graph_files", "NODE_COLUMNS"]

GRAPH_JSON = "graph.json"

#: Node attributes in the order ``nodes.csv`` lists them.
NODE_COLUMNS: tuple[str, ...] = (
    "id", "title", "year", "date", "doi", "arxiv_id", "type", "venue", "first_author", "authors",
    "cited_by_count", "referenced_works_count", "has_abstract", "field", "topics", "depth",
    "is_seed", "seed_name", "warnings", "updated_date", "abstract",
)


def graph_files(out_dir: Path) -> dict[str, Path]:
    """Where :func:`save_graph` writes each export inside ``out_dir``."""
    return {
        "json": out_dir / GRAPH_JSON,
        "graphml": out_dir / "graph.graphml",
        "gexf": out_dir / "graph.gexf",
        "nodes": out_dir / "nodes.csv",
        "edges": out_dir / "edges.csv",
    }


def _node_attributes(record: Mapping[str, Any], depth: int | None, seed_name: str | None) -> dict[str, Any]:
    attrs = {key: value for key, value in record.items() if key != "references"}
    attrs["first_author"] = record["authors"][0] if record.get("authors") else None
    attrs["depth"] = depth
    attrs["is_seed"] = seed_name is not None
    attrs["seed_name"] = seed_name
    attrs["warnings"] = list(record.get("warnings") or [])
    return attrs


def build_graph(
    records: Mapping[str, Mapping[str, Any]],
    *,
    seeds: Sequence[str],
    depths: Mapping[str, int] | None = None,
    seed_names: Mapping[str, str] | None = None,
    crawl_info: Mapping[str, Any] | None = None,
) -> nx.DiGraph:
    """The citation graph over ``records`` (``{id: slim record}``).

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
            for ref in records[work].get("references") or ():
                cited = canonical.get(ref)
                if cited is not None and cited != work:
                    graph.add_edge(work, cited)
    return graph


# Nodes carry their own ``id`` attribute, so the node-link key must be another name or the
# attribute would be swallowed on load.
_NODE_KEY = "key"


def _jsonable(graph: nx.DiGraph) -> dict[str, Any]:
    return nx.node_link_data(graph, edges="edges", name=_NODE_KEY)


def _flat(value: Any) -> Any:
    """A value GraphML/GEXF can hold: lists joined, ``None`` and NaN dropped."""
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


# Characters XML 1.0 cannot hold at all, not even escaped; record text can contain them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_flat(value: Any) -> Any:
    """:func:`_flat`, with characters XML cannot hold removed (a stray NUL or escape character
    in a title would otherwise make the whole GraphML/GEXF file unreadable)."""
    flat = _flat(value)
    return _NOT_XML.sub("", flat) if isinstance(flat, str) else flat


def _flattened(graph: nx.DiGraph) -> nx.DiGraph:
    flat = nx.DiGraph()
    flat.graph.update({k: fv for k, v in graph.graph.items() if (fv := _xml_flat(v)) is not None})
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **{k: fv for k, v in attrs.items() if (fv := _xml_flat(v)) is not None})
    for u, v, attrs in graph.edges(data=True):
        flat.add_edge(u, v, **{k: fv for k, v in attrs.items() if (fv := _xml_flat(v)) is not None})
    return flat


def _write_csvs(graph: nx.DiGraph, nodes_path: Path, edges_path: Path) -> None:
    extra = sorted({key for _, attrs in graph.nodes(data=True) for key in attrs} - set(NODE_COLUMNS))
    columns = list(NODE_COLUMNS) + extra
    with nodes_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for node, attrs in graph.nodes(data=True):
            writer.writerow(["" if (v := _flat(attrs.get(col))) is None else v for col in columns])
    edge_keys = sorted({key for _, _, attrs in graph.edges(data=True) for key in attrs})
    with edges_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "target", *edge_keys])
        for u, v, attrs in graph.edges(data=True):
            writer.writerow([u, v, *("" if (x := _flat(attrs.get(k))) is None else x for k in edge_keys)])


def save_graph(graph: nx.DiGraph, out_dir: Path | str, *, lossless: bool = True) -> dict[str, Path]:
    """Write ``graph.json``, ``graph.graphml``, ``graph.gexf``, ``nodes.csv``, ``edges.csv``.

    ``lossless=False`` leaves ``graph.json`` out: the analysis writes the exports with term
    use joined in, but ``graph.json`` stays the crawl's. Each file is written to a temporary
    name and renamed, so an interrupted save never leaves a half-written graph behind.
    """
    out = Path(out_dir)
    paths = graph_files(out)
    if not lossless:
        del paths["json"]
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = {name: path.with_name(path.name + ".tmp") for name, path in paths.items()}
        if lossless:
            tmp["json"].write_text(json.dumps(_jsonable(graph), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        flat = _flattened(graph)
        nx.write_graphml(flat, tmp["graphml"])
        nx.write_gexf(flat, tmp["gexf"])
        _write_csvs(graph, tmp["nodes"], tmp["edges"])
        for name, path in paths.items():
            tmp[name].replace(path)
    except OSError as exc:
        raise OutputError(f"cannot write the graph to {out}: {exc.strerror or exc}; choose a writable --out") from exc
    return paths


def load_graph(path: Path | str) -> nx.DiGraph:
    """The graph saved by :func:`save_graph`, from its directory or its ``graph.json``."""
    source = Path(path)
    if source.is_dir():
        source = source / GRAPH_JSON
    if not source.is_file():
        raise GraphNotFoundError(f"no crawled graph at {source}; run `citegraph crawl --out {source.parent}` first")
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        graph = nx.node_link_graph(data, directed=True, edges="edges", name=_NODE_KEY)
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

