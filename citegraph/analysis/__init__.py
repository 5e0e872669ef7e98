"""Where a term came from and how it spread: plain functions over the citation graph.

``analyze`` compiles the terms, computes their use once (:func:`citegraph.terms.term_uses`) and
returns an :class:`Analysis` of plain data (DataFrames, dicts, lists, and that
:class:`~citegraph.terms.TermUses`) for the report; :func:`highlights` turns an analysis into the
:class:`Highlights` the explorer and the exports draw. Nothing here writes to the graph. Each
step is also a function of its own, shaped like networkx's ``f(G, uses, *, options)``:

- ``origin``: :func:`earliest_adopters`, :func:`adoption_chains`
- ``mainpath``: :func:`spc_weights`, :func:`main_path`, :func:`local_main_paths`,
  :func:`key_route_main_path`, :func:`main_path_table`
- ``rpys``: :func:`rpys`, :func:`rpys_peaks`
- ``spread``: :func:`adoption_by_year`, :func:`spelling_by_year`, :func:`spelling_crossover`,
  :func:`collocations`, :func:`adoption_by_field`, :func:`adoption_by_venue`,
  :func:`citation_mediation`, :func:`burst_years`
- ``coverage``: :func:`term_coverage`, :func:`warning_counts`
- ``highlights``: :class:`Highlights`, :func:`highlights`

Assumptions: edges run citing → cited; node attributes are the crawl's (``citegraph.model``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any, Sequence

import networkx as nx
import pandas as pd

from ..terms import TermUses, compile_terms, term_uses
from .coverage import term_coverage, warning_counts
from .highlights import Highlights, highlights
from .mainpath import key_route_main_path, local_main_paths, main_path, main_path_table, spc_weights
from .origin import adopters, adoption_chains, earliest_adopters
from .rpys import rpys, rpys_peaks
from .spread import (
    adoption_by_attribute,
    adoption_by_field,
    adoption_by_venue,
    adoption_by_year,
    burst_intervals,
    burst_years,
    citation_mediation,
    collocations,
    spelling_by_year,
    spelling_crossover,
)

__all__ = [
    "Analysis",
    "analyze",
    "Highlights",
    "highlights",
    "adopters",
    "earliest_adopters",
    "adoption_chains",
    "spc_weights",
    "main_path",
    "local_main_paths",
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
    "term_coverage",
    "warning_counts",
]

log = logging.getLogger("citegraph")


@dataclass
class Analysis:
    """Everything :func:`analyze` found, as plain data; ``report.py`` writes it out.

    ``timeline`` joins :func:`adoption_by_year`, the per-year part of
    :func:`citation_mediation` and :func:`burst_years` on ``year``; ``term_timelines`` holds
    the per-year adopters of every term (long form); ``uses`` is the term use every table was
    computed from; ``others`` the same analysis of each further term (``others`` of those empty).
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
    uses: TermUses
    others: list["Analysis"] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _seed_overview(G: nx.DiGraph, uses: TermUses, term: str | None = None) -> list[dict[str, Any]]:
    names = G.graph.get("seed_names") or {}
    rows = []
    for seed in G.graph.get("seeds") or []:
        attrs = G.nodes[seed] if seed in G else {}
        hit = uses.get(seed, term)
        rows.append({
            "id": seed, "name": attrs.get("seed_name") or names.get(seed) or seed, "in_graph": seed in G,
            "title": attrs.get("title") or "", "year": attrs.get("year"), "use": hit.use,
            "forms": list(hit.forms), "snippet": hit.snippet,
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


def _term_timelines(adoption: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every term's years with adopters, long form, from each term's :func:`adoption_by_year`."""
    frames = []
    for term, table in adoption.items():
        frame = table[["year", "known", "adopters", "share"]].copy()
        frame.insert(0, "term", term)
        frames.append(frame[frame["adopters"] > 0])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["term", "year", "known", "adopters", "share"])


def analyze(
    G: nx.DiGraph,
    *,
    terms: str | Sequence[str] = ("pre-training",),
    regex: bool = False,
    earliest_limit: int = 10,
    key_routes: int = 10,
    chain_targets: int = 3,
) -> Analysis:
    """Compute the use of ``terms`` in ``G`` once and run every analysis for each of them.

    The result describes the first (primary) term; ``others`` holds the same full analysis
    (origins, chains, spread) for each further term. ``G`` is only read. Raises
    :class:`~citegraph.errors.TermError` for a bad term, before any work is done.
    """
    timings: dict[str, float] = {}

    def timed(name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = func(*args, **kwargs)
        timings[name] = round(time.perf_counter() + timings.get(name, 0.0) - started, 4)
        return result

    matchers = compile_terms(terms, regex=regex)
    uses = timed("terms", term_uses, G, matchers)
    paths = timed("main_path", main_path_table, G, k=key_routes)  # the same backbone for every term
    adoption = {term: timed("adoption", adoption_by_year, G, uses, term=term) for term in uses.terms}
    timelines = _term_timelines(adoption)
    per_term = [_term_analysis(G, uses, term, paths, adoption[term], timelines, timed, earliest_limit=earliest_limit,
                               chain_targets=chain_targets)
                for term in uses.terms]
    analysis = replace(per_term[0], others=per_term[1:], timings=timings)
    log.info("analysis of %s took %.2fs", ", ".join(map(repr, uses.terms)), sum(timings.values()))
    return analysis


def _term_analysis(G: nx.DiGraph, uses: TermUses, term: str, paths: pd.DataFrame, adoption: pd.DataFrame,
                   timelines: pd.DataFrame, timed: Any, *, earliest_limit: int, chain_targets: int) -> Analysis:
    """Every analysis of one term (``uses`` holds them all; ``term`` picks one). ``paths``,
    ``adoption`` (this term's by year) and ``timelines`` (every term's) are computed once by
    :func:`analyze` and shared, as are the spellings by year here: each is a pass over every work."""
    mediation = timed("mediation", citation_mediation, G, uses, term=term)
    bursts = timed("bursts", burst_years, G, uses, term=term, adoption=adoption)
    spectrum = timed("rpys", rpys, G, uses, term=term)
    spellings = timed("spellings", spelling_by_year, G, uses, term=term)
    return Analysis(
        term=term, terms=uses.terms, regex=uses.regex, seeds=_seed_overview(G, uses, term),
        coverage=timed("coverage", term_coverage, G, uses, term=term), warnings=warning_counts(G),
        earliest=timed("earliest", earliest_adopters, G, uses, term=term, limit=earliest_limit),
        chains=timed("chains", adoption_chains, G, uses, term=term, max_targets=chain_targets),
        main_path=paths, rpys=spectrum, rpys_peaks=rpys_peaks(spectrum),
        timeline=_timeline(adoption, mediation["by_year"], bursts), spellings=spellings,
        forms=spelling_by_year(G, uses, term=term, by="form"),
        crossover=spelling_crossover(G, uses, term=term, table=spellings), collocations=timed("collocations", collocations, G, uses, term=term),
        fields=adoption_by_field(G, uses, term=term), venues=adoption_by_venue(G, uses, term=term),
        mediation={k: v for k, v in mediation.items() if k != "by_year"}, bursts=burst_intervals(bursts),
        term_timelines=timelines, uses=uses,
    )
