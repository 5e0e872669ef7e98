"""What the explorer and the exports mark: the earliest adopters, the chains, the main path.

:class:`Highlights` is a value computed from an analysis (or from the graph and its term use),
never node attributes written in place. :func:`export_view` is the one place where term use and
highlights meet the graph's own attributes, in a *copy* made for the exports (``nodes.csv``,
GEXF, GraphML) and the explorer; the crawled graph is never touched.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..terms import UNKNOWN_USE, TermUses
from .mainpath import main_path_table
from .origin import adoption_chains, earliest_adopters

if TYPE_CHECKING:
    from . import Analysis

__all__ = ["Highlights", "highlights", "export_view", "NO_HIGHLIGHTS"]


@dataclass(frozen=True)
class Highlights:
    """Works and citations to mark. Edges are ``(citing, cited)`` pairs."""

    earliest: frozenset[str] = frozenset()
    chain_nodes: frozenset[str] = frozenset()
    chain_edges: frozenset[tuple[str, str]] = frozenset()
    main_path_nodes: frozenset[str] = frozenset()
    main_path_edges: frozenset[tuple[str, str]] = frozenset()


NO_HIGHLIGHTS = Highlights()


def highlights(
    G: nx.DiGraph,
    uses: TermUses,
    *,
    analysis: "Analysis | None" = None,
    earliest_limit: int = 10,
    key_routes: int = 10,
    chain_targets: int = 3,
) -> Highlights:
    """The marks for ``uses``' primary term: from ``analysis`` when it was computed for the same
    terms, otherwise computed here (earliest adopters, adoption chains, key-route main paths)."""
    if analysis is not None and analysis.uses.terms == uses.terms:
        earliest, chains, paths = analysis.earliest, analysis.chains, analysis.main_path
    else:
        earliest = earliest_adopters(G, uses, limit=earliest_limit)
        chains = adoption_chains(G, uses, max_targets=chain_targets)
        paths = main_path_table(G, k=key_routes)
    path_edges = frozenset(zip(paths["citing"], paths["cited"]))
    return Highlights(
        earliest=frozenset(earliest["id"]),
        chain_nodes=frozenset(n for path in chains["path"] for n in path if len(path) > 1),
        chain_edges=frozenset((u, v) for path in chains["path"] for u, v in itertools.pairwise(path)),
        main_path_nodes=frozenset(n for edge in path_edges for n in edge),
        main_path_edges=path_edges,
    )


def _term_attributes(uses: TermUses, node: str) -> dict[str, Any]:
    """The export columns of one work's term use: flat for the primary term, ``terms`` for all."""
    per_term = {}
    for term in uses.terms:
        hit = uses.get(node, term)
        per_term[term] = {"use": hit.use, "forms": list(hit.forms), "snippet": hit.snippet,
                          "collocations": list(hit.collocations), "where": list(hit.where),
                          "spellings": list(hit.spellings)}
    primary = uses.get(node)
    return {"term_use": primary.use, "term_forms": list(primary.forms), "term_snippet": primary.snippet,
            "term_collocations": list(primary.collocations), "terms": per_term}


def export_view(G: nx.DiGraph, uses: TermUses | None, marks: Highlights | None = None) -> nx.DiGraph:
    """A copy of ``G`` whose nodes also carry term use (``term_use``, ``term_forms``,
    ``term_snippet``, ``term_collocations``, ``terms``) and whose nodes and edges carry the
    highlight flags (``is_earliest_adopter``, ``on_chain``, ``on_main_path``), for the exports
    and the explorer. ``G`` is left as it is; without ``uses`` every work reads ``unknown``."""
    view = G.copy()
    view.graph["terms"] = uses.terms if uses is not None else []
    for node, attrs in view.nodes(data=True):
        if uses is not None:
            attrs.update(_term_attributes(uses, node))
        else:
            attrs.update(term_use=UNKNOWN_USE.use, term_forms=[], term_snippet="", term_collocations=[], terms={})
        if marks is not None:
            attrs["is_earliest_adopter"] = node in marks.earliest
            attrs["on_chain"] = node in marks.chain_nodes
            attrs["on_main_path"] = node in marks.main_path_nodes
    if marks is not None:
        for u, v, attrs in view.edges(data=True):
            attrs["on_chain"] = (u, v) in marks.chain_edges
            attrs["on_main_path"] = (u, v) in marks.main_path_edges
    return view
