"""The graph and the tables as files other tools read: node-link JSON, GraphML, GEXF and CSV.

``graph.json`` (node-link) is the lossless, reloadable form every later step reads
(:func:`citegraph.graph.load_graph`); GraphML, GEXF and ``nodes.csv`` / ``edges.csv`` are
exports for Gephi, spreadsheets and pandas. GraphML and GEXF cannot hold lists or ``None``, so
those exports flatten lists to ``"; "``-joined text and drop missing values. The report's
tables become CSVs through :func:`frame_csv`. Every file is put into place through
:mod:`citegraph.atomic`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any, BinaryIO, Callable

import networkx as nx
import pandas as pd

from .atomic import FileSet, atomic_files

__all__ = ["save_graph", "graph_files", "graph_json", "frame_csv", "is_missing", "GRAPH_JSON", "NODE_LINK_KEY",
           "NODE_COLUMNS"]

GRAPH_JSON = "graph.json"

#: The node-link key of a node's id. Nodes carry their own ``id`` attribute, so the key must be
#: another name or the attribute would be swallowed on load.
NODE_LINK_KEY = "key"

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


# --- the graph ------------------------------------------------------------------------------


def graph_json(graph: nx.DiGraph) -> str:
    """``graph.json``: node-link data, compact, non-ASCII kept as is."""
    data = nx.node_link_data(graph, edges="edges", name=NODE_LINK_KEY)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


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


def _xml_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: fv for k, v in attrs.items() if (fv := _xml_flat(v)) is not None}


def _flattened(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``graph`` that GraphML and GEXF can hold."""
    flat = nx.DiGraph()
    flat.graph.update(_xml_attrs(graph.graph))
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **_xml_attrs(attrs))
    for u, v, attrs in graph.edges(data=True):
        flat.add_edge(u, v, **_xml_attrs(attrs))
    return flat


def _csv_rows(rows: Callable[[Any], None]) -> Callable[[BinaryIO], None]:
    """A writer of UTF-8 CSV into a binary handle, the rows given by ``rows(csv_writer)``."""

    def write(handle: BinaryIO) -> None:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        rows(csv.writer(text))
        text.flush()
        text.detach()  # the handle belongs to the caller

    return write


def _nodes_csv(graph: nx.DiGraph) -> Callable[[BinaryIO], None]:
    extra = sorted({key for _, attrs in graph.nodes(data=True) for key in attrs} - set(NODE_COLUMNS))
    columns = list(NODE_COLUMNS) + extra

    def rows(writer: Any) -> None:
        writer.writerow(columns)
        for _, attrs in graph.nodes(data=True):
            writer.writerow(["" if (v := _flat(attrs.get(col))) is None else v for col in columns])

    return _csv_rows(rows)


def _edges_csv(graph: nx.DiGraph) -> Callable[[BinaryIO], None]:
    edge_keys = sorted({key for _, _, attrs in graph.edges(data=True) for key in attrs})

    def rows(writer: Any) -> None:
        writer.writerow(["source", "target", *edge_keys])
        for u, v, attrs in graph.edges(data=True):
            writer.writerow([u, v, *("" if (x := _flat(attrs.get(k))) is None else x for k in edge_keys)])

    return _csv_rows(rows)


def save_graph(graph: nx.DiGraph, out_dir: Path | str, *, lossless: bool = True,
               files: FileSet | None = None) -> dict[str, Path]:
    """Write ``graph.json``, ``graph.graphml``, ``graph.gexf``, ``nodes.csv``, ``edges.csv``.

    ``lossless=False`` leaves ``graph.json`` out: the analysis writes the exports with term use
    joined in (``analysis.highlights.export_view``), but ``graph.json`` stays the crawl's.

    The five are renamed into place together after all were written, so an interrupted save
    leaves the previous graph's files, never half a file or a mix. ``files``: a caller's open
    :func:`~citegraph.atomic.atomic_files` set to join (the crawl adds ``summary.json``).
    Raises :class:`~citegraph.errors.OutputError` when ``out_dir`` cannot be written.
    """
    paths = graph_files(Path(out_dir))
    if not lossless:
        del paths["json"]
    with atomic_files(files) as staged:
        if lossless:
            staged.write(paths["json"], graph_json(graph))
        flat = _flattened(graph)
        staged.write(paths["graphml"], lambda handle: nx.write_graphml(flat, handle))
        staged.write(paths["gexf"], lambda handle: nx.write_gexf(flat, handle))
        staged.write(paths["nodes"], _nodes_csv(graph))
        staged.write(paths["edges"], _edges_csv(graph))
    return paths


# --- tables ---------------------------------------------------------------------------------

_ARROW_COLUMNS = {"path", "years", "labels"}


def is_missing(value: Any) -> bool:
    """``None``, NaN or ``pd.NA``: an empty cell."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _csv_value(column: str, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return (" > " if column in _ARROW_COLUMNS else "; ").join("" if is_missing(v) else str(v) for v in value)
    return "" if is_missing(value) else value


def frame_csv(frame: pd.DataFrame) -> str:
    """A table as CSV text: lists joined (``" > "`` along a path, else ``"; "``), missing values empty."""
    flat = frame.copy()
    for column in flat.columns:
        if flat[column].dtype == object:
            flat[column] = pd.Series([_csv_value(column, v) for v in flat[column]], index=flat.index, dtype=object)
    return flat.to_csv(index=False, lineterminator="\n")
