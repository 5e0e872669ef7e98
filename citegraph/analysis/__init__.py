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
  :func:`citation_mediation`, :func:`burst_years`, :func:`online_term_counts`
- ``coverage``: :func:`term_coverage`, :func:`warning_counts`
- ``highlights``: :class:`Highlights`, :func:`highlights`

Assumptions: edges run citing → cited; node attributes are the crawl's (``citegraph.model``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
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
    ``group_by`` was given; ``uses`` is the term use every table was computed from.
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
    online: pd.DataFrame | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _seed_overview(G: nx.DiGraph, uses: TermUses) -> list[dict[str, Any]]:
    names = G.graph.get("seed_names") or {}
    rows = []
    for seed in G.graph.get("seeds") or []:
        attrs = G.nodes[seed] if seed in G else {}
        hit = uses.get(seed)
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


def _term_timelines(G: nx.DiGraph, uses: TermUses) -> pd.DataFrame:
    frames = []
    for term in uses.terms:
        frame = adoption_by_year(G, uses, term=term)[["year", "known", "adopters", "share"]]
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
    """Compute the use of ``terms`` in ``G`` (the first is the primary term) and run every analysis.

    ``G`` is only read. ``group_by`` (the OpenAlex client's method) adds online counts beyond the
    graph. Raises :class:`~citegraph.errors.TermError` for a bad term, before any work is done.
    """
    timings: dict[str, float] = {}

    def timed(name: str, func: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        result = func(*args, **kwargs)
        timings[name] = round(time.perf_counter() - started, 4)
        return result

    matchers = compile_terms(terms, regex=regex)
    uses = timed("terms", term_uses, G, matchers)
    listed = uses.terms
    term = uses.primary
    mediation = timed("mediation", citation_mediation, G, uses)
    bursts = timed("bursts", burst_years, G, uses)
    spectrum = timed("rpys", rpys, G, uses)
    analysis = Analysis(
        term=term, terms=listed, regex=regex, seeds=_seed_overview(G, uses),
        coverage=timed("coverage", term_coverage, G, uses), warnings=warning_counts(G),
        earliest=timed("earliest", earliest_adopters, G, uses, limit=earliest_limit),
        chains=timed("chains", adoption_chains, G, uses, max_targets=chain_targets),
        main_path=timed("main_path", main_path_table, G, k=key_routes),
        rpys=spectrum, rpys_peaks=rpys_peaks(spectrum),
        timeline=_timeline(timed("adoption", adoption_by_year, G, uses), mediation["by_year"], bursts),
        spellings=timed("spellings", spelling_by_year, G, uses), forms=spelling_by_year(G, uses, by="form"),
        crossover=spelling_crossover(G, uses), collocations=timed("collocations", collocations, G, uses),
        fields=adoption_by_field(G, uses), venues=adoption_by_venue(G, uses),
        mediation={k: v for k, v in mediation.items() if k != "by_year"}, bursts=burst_intervals(bursts),
        term_timelines=_term_timelines(G, uses), uses=uses,
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
