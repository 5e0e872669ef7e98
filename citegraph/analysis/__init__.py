"""Where a term came from and how it spread: plain functions over the citation graph.

``analyze`` runs everything and returns an :class:`Analysis` of plain data (DataFrames, dicts,
lists) for ``report.py``; ``highlight`` marks the earliest adopters, the adoption chains and the
main path on the graph for the HTML explorer. Each step is also a function of its own, shaped
like networkx's ``f(G, *, options)``:

- ``origin``: :func:`earliest_adopters`, :func:`adoption_chains`
- ``mainpath``: :func:`spc_weights`, :func:`main_path`, :func:`key_route_main_path`, :func:`main_path_table`
- ``rpys``: :func:`rpys`, :func:`rpys_peaks`
- ``spread``: :func:`adoption_by_year`, :func:`spelling_by_year`, :func:`spelling_crossover`,
  :func:`collocations`, :func:`adoption_by_field`, :func:`adoption_by_venue`,
  :func:`citation_mediation`, :func:`burst_years`, :func:`online_term_counts`
- ``coverage``: :func:`term_coverage`, :func:`warning_counts`

Assumptions: edges run citing → cited (``notes/SCHEMA.md``); term attributes come from
:func:`citegraph.terms.annotate_terms` (``analyze`` runs it).
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

import networkx as nx
import pandas as pd

from ..terms import annotate_terms, term_record
from .coverage import term_coverage, warning_counts
from .mainpath import key_route_main_path, main_path, main_path_table, spc_weights
from .origin import adopters, adoption_chains, earliest_adopters
from .rpys import rpys, rpys_peaks
from .spread import (
    GroupBy,
    adoption_by_attribute,
    adoption_by_field,
    adoption_by_venue,
    adoption_by_year,
    burst_intervals,
    burst_years,
    citation_mediation,
    collocations,
    online_term_counts,
    spelling_by_year,
    spelling_crossover,
)

__all__ = [
    "Analysis",
    "analyze",
    "highlight",
    "adopters",
    "earliest_adopters",
    "adoption_chains",
    "spc_weights",
    "main_path",
    "key_route_main_path",
    "main_path_table",
    "rpys",
    "rpys_peaks",
    "adoption_by_year",
    "spelling_by_year",
    "spelling_crossover",
    "collocations",
    "adoption_by_attribute",
    "adoption_by_field",
    "adoption_by_venue",
    "citation_mediation",
    "burst_years",
    "burst_intervals",
    "online_term_counts",
    "term_coverage",
    "warning_counts",
]

log = logging.getLogger("citegraph")


@dataclass
class Analysis:
    """Everything :func:`analyze` found, as plain data; ``report.py`` writes it out.

    ``timeline`` joins :func:`adoption_by_year`, the per-year part of
    :func:`citation_mediation` and :func:`burst_years` on ``year``; ``term_timelines`` holds
    the per-year adopters of every term (long form); ``online`` is ``None`` unless a
    ``group_by`` was given.
    """

    term: str
    terms: list[str]
    regex: bool
    seeds: list[dict[str, Any]]
    coverage: dict[str, Any]
    warnings: pd.DataFrame
    earliest: pd.DataFrame
    chains: pd.DataFrame
    main_path: pd.DataFrame
    rpys: pd.DataFrame
    rpys_peaks: pd.DataFrame
    timeline: pd.DataFrame
    spellings: pd.DataFrame
    forms: pd.DataFrame
    crossover: dict[str, Any]
    collocations: pd.DataFrame
    fields: pd.DataFrame
    venues: pd.DataFrame
    mediation: dict[str, Any]
    bursts: list[dict[str, Any]]
    term_timelines: pd.DataFrame
    online: pd.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _seed_overview(G: nx.DiGraph) -> list[dict[str, Any]]:
    names = G.graph.get("seed_names") or {}
    rows = []
    for seed in G.graph.get("seeds") or []:
        attrs = G.nodes[seed] if seed in G else {}
        hits = term_record(attrs) if attrs else {"use": "unknown", "forms": [], "snippet": ""}
        rows.append({
            "id": seed, "name": attrs.get("seed_name") or names.get(seed) or seed, "in_graph": seed in G,
            "title": attrs.get("title") or "", "year": attrs.get("year"), "use": hits["use"],
            "forms": list(hits.get("forms") or []), "snippet": hits.get("snippet") or "",
            "warnings": list(attrs.get("warnings") or []),
        })
    return rows


def _timeline(adoption: pd.DataFrame, mediation: pd.DataFrame, bursts: pd.DataFrame) -> pd.DataFrame:
    timeline = adoption.merge(mediation.drop(columns=["new_adopters"]), on="year", how="left")
    timeline = timeline.merge(bursts[["year", "burst", "burst_weight"]], on="year", how="left")
    for column in ("with_references", "citing_earlier_adopter"):
        timeline[column] = timeline[column].fillna(0).astype(int)
    timeline["burst"] = timeline["burst"].fillna(False).astype(bool)
    return timeline


def _term_timelines(G: nx.DiGraph, terms: Sequence[str]) -> pd.DataFrame:
    frames = []
    for term in terms:
        frame = adoption_by_year(G, term=term)[["year", "known", "adopters", "share"]]
        frame.insert(0, "term", term)
        frames.append(frame[frame["adopters"] > 0])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["term", "year", "known", "adopters", "share"])


def analyze(
    G: nx.DiGraph,
    *,
    terms: str | Sequence[str] = ("pre-training",),
    regex: bool = False,
    group_by: GroupBy | None = None,
    earliest_limit: int = 10,
    key_routes: int = 10,
    chain_targets: int = 3,
) -> Analysis:
    """Annotate ``terms`` on ``G`` (the first is the primary term) and run every analysis.

    Mutates only the nodes' term attributes. ``group_by`` (the OpenAlex client's method) adds
    online counts beyond the graph. Raises :class:`~citegraph.errors.TermError` for a bad term.
    """
    listed = [terms] if isinstance(terms, str) else list(terms)
    timings: dict[str, float] = {}

    def timed(name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = func(*args, **kwargs)
        timings[name] = round(time.perf_counter() - started, 4)
        return result

    timed("terms", annotate_terms, G, listed, regex=regex)
    term = listed[0]
    mediation = timed("mediation", citation_mediation, G)
    bursts = timed("bursts", burst_years, G)
    spectrum = timed("rpys", rpys, G)
    analysis = Analysis(
        term=term, terms=listed, regex=regex, seeds=_seed_overview(G),
        coverage=timed("coverage", term_coverage, G), warnings=warning_counts(G),
        earliest=timed("earliest", earliest_adopters, G, limit=earliest_limit),
        chains=timed("chains", adoption_chains, G, max_targets=chain_targets),
        main_path=timed("main_path", main_path_table, G, k=key_routes),
        rpys=spectrum, rpys_peaks=rpys_peaks(spectrum),
        timeline=_timeline(timed("adoption", adoption_by_year, G), mediation["by_year"], bursts),
        spellings=timed("spellings", spelling_by_year, G), forms=spelling_by_year(G, by="form"),
        crossover=spelling_crossover(G), collocations=timed("collocations", collocations, G),
        fields=adoption_by_field(G), venues=adoption_by_venue(G),
        mediation={k: v for k, v in mediation.items() if k != "by_year"}, bursts=burst_intervals(bursts),
        term_timelines=_term_timelines(G, listed),
    )
    if group_by is not None:
        seeds = [s for s in G.graph.get("seeds") or []]
        analysis.online = timed("online", online_term_counts, group_by, terms=[] if regex else listed, seeds=seeds,
                                seed_names=G.graph.get("seed_names") or {})
        if regex:
            log.warning("online counts skipped: OpenAlex search cannot run a regular expression")
    analysis.timings = timings
    log.info("analysis of %r took %.2fs", term, sum(timings.values()))
    return analysis


def highlight(
    G: nx.DiGraph,
    *,
    analysis: Analysis | None = None,
    terms: str | Sequence[str] = ("pre-training",),
    regex: bool = False,
    earliest_limit: int = 10,
    key_routes: int = 10,
    chain_targets: int = 3,
) -> None:
    """Set the attributes the HTML explorer reads: node ``is_earliest_adopter``, ``on_chain``,
    ``on_main_path`` and edge ``on_chain``, ``on_main_path`` (all bool, every node and edge).

    Reuses ``analysis`` when given; otherwise annotates ``terms`` first if the nodes lack
    ``term_use`` and computes the earliest adopters, chains and main paths itself.
    """
    if analysis is None:
        if any("term_use" not in attrs for _, attrs in G.nodes(data=True)):
            annotate_terms(G, terms, regex=regex)
        earliest = earliest_adopters(G, limit=earliest_limit)
        chains = adoption_chains(G, max_targets=chain_targets)
        paths = main_path_table(G, k=key_routes)
    else:
        earliest, chains, paths = analysis.earliest, analysis.chains, analysis.main_path
    first = set(earliest["id"])
    chain_edges = {(u, v) for path in chains["path"] for u, v in itertools.pairwise(path)}
    chain_nodes = {n for path in chains["path"] for n in path if len(path) > 1}
    path_edges = set(zip(paths["citing"], paths["cited"]))
    path_nodes = {n for edge in path_edges for n in edge}
    for node, attrs in G.nodes(data=True):
        attrs["is_earliest_adopter"] = node in first
        attrs["on_chain"] = node in chain_nodes
        attrs["on_main_path"] = node in path_nodes
    for u, v, attrs in G.edges(data=True):
        attrs["on_chain"] = (u, v) in chain_edges
        attrs["on_main_path"] = (u, v) in path_edges
