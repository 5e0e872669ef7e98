"""The tables behind the report: an analysis and its graph → ``{CSV name: DataFrame}``.

Every number the report states is a row of one of these, and the report names the CSV next to
it. The document (:mod:`.document`) shows the first rows of some of them; ``write_report``
writes all of them in full (:func:`citegraph.exports.frame_csv`).
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from ..analysis import Analysis
from ..analysis.coverage import COVERAGE_TEXT

__all__ = ["report_tables", "coverage_table", "flagged_works", "CSV_FILES", "PER_TERM_CSVS", "term_csv", "terms_compared"]

#: The CSV files the report writes.
CSV_FILES = (
    "origins.csv", "chains.csv", "timeline.csv", "mainpath.csv", "rpys.csv", "spellings.csv", "forms.csv",
    "crossover.csv", "collocations.csv", "fields.csv", "venues.csv", "mediation.csv", "bursts.csv",
    "coverage.csv", "warnings.csv", "flagged.csv", "seeds.csv", "terms.csv",
)


#: The tables each further ``--term`` gets too, as ``<name>-<term slug>.csv``.
PER_TERM_CSVS = ("origins.csv", "chains.csv", "timeline.csv", "rpys.csv", "spellings.csv", "forms.csv",
                 "crossover.csv", "collocations.csv", "fields.csv", "venues.csv", "mediation.csv", "bursts.csv",
                 "coverage.csv")


def term_slug(term: str) -> str:
    """A file-name-safe form of a term (``pre-training`` → ``pre-training``, ``/a+b/`` → ``a-b``)."""
    keep = "".join(ch if ch.isalnum() else "-" for ch in term.casefold())
    return "-".join(part for part in keep.split("-") if part)[:40] or "term"


def term_csv(name: str, analysis: Analysis) -> str:
    """The CSV a per-term table of ``analysis`` is written to: ``name`` for the primary term,
    ``<stem>-<slug>.csv`` for a further one."""
    if analysis.term == analysis.terms[0] or name not in PER_TERM_CSVS:
        return name
    return f"{name[:-4]}-{term_slug(analysis.term)}.csv"


def terms_compared(analysis: Analysis, corpus: Any = None) -> pd.DataFrame:
    """``terms_compared.csv``: per term, its use in the graph and, when known, in the corpus."""
    rows = []
    for one in [analysis, *analysis.others]:
        first = one.earliest.iloc[0] if not one.earliest.empty else None
        row = {"term": one.term, "adopters": one.coverage["adopters"], "known_use": one.coverage["known_use"],
               "graph_first_year": None if first is None else first["year"],
               "graph_first": "" if first is None else f"{first['label']} ({first['id']})"}
        if corpus is not None and one.term in {h.term for h in corpus.headlines}:
            h = corpus.headline(one.term)
            row.update(corpus_works=h.term_works, corpus_first_year=h.first_use.year if h.first_use else None,
                       corpus_first=h.first_use.id if h.first_use else "", corpus_takeoff=h.takeoff_year,
                       corpus_peak=h.peak_year)
        rows.append(row)
    return pd.DataFrame(rows)


def coverage_table(analysis: Analysis) -> pd.DataFrame:
    """``coverage.csv``: each coverage metric with its value and what it means."""
    return pd.DataFrame([{"metric": k, "value": v, "meaning": COVERAGE_TEXT.get(k, "")}
                         for k, v in analysis.coverage.items()])


def flagged_works(G: nx.DiGraph) -> pd.DataFrame:
    """``flagged.csv``: works whose record has data defects (``warnings``), seeds first, then by id."""
    rows = [{"id": node, "seed": attrs.get("seed_name") or "", "year": attrs.get("year"),
             "title": attrs.get("title") or "(no title)", "warnings": list(attrs.get("warnings") or [])}
            for node, attrs in G.nodes(data=True) if attrs.get("warnings")]
    rows.sort(key=lambda row: (not row["seed"], row["id"]))
    return pd.DataFrame(rows, columns=["id", "seed", "year", "title", "warnings"])


def _metrics(data: dict[str, Any]) -> pd.DataFrame:
    """A result dict as ``metric, value`` rows (values of mixed types kept as they are)."""
    return pd.DataFrame({"metric": list(data), "value": pd.Series(list(data.values()), dtype=object)})


def _per_term_tables(analysis: Analysis) -> dict[str, pd.DataFrame]:
    return {
        "origins.csv": analysis.earliest, "chains.csv": analysis.chains, "timeline.csv": analysis.timeline,
        "rpys.csv": analysis.rpys, "spellings.csv": analysis.spellings, "forms.csv": analysis.forms,
        "crossover.csv": _metrics(analysis.crossover), "collocations.csv": analysis.collocations,
        "fields.csv": analysis.fields, "venues.csv": analysis.venues, "mediation.csv": _metrics(analysis.mediation),
        "bursts.csv": pd.DataFrame(analysis.bursts, columns=["start", "end", "adopters", "weight"]),
        "coverage.csv": coverage_table(analysis),
    }


def report_tables(analysis: Analysis, G: nx.DiGraph, corpus: Any = None) -> dict[str, pd.DataFrame]:
    """Every table of the report by its CSV name, in the order they are written; each further
    term's own tables under ``<name>-<term>.csv``, and ``terms_compared.csv`` with two terms or more."""
    tables = {
        "origins.csv": analysis.earliest, "chains.csv": analysis.chains, "timeline.csv": analysis.timeline,
        "mainpath.csv": analysis.main_path, "rpys.csv": analysis.rpys, "spellings.csv": analysis.spellings,
        "forms.csv": analysis.forms, "crossover.csv": _metrics(analysis.crossover),
        "collocations.csv": analysis.collocations, "fields.csv": analysis.fields, "venues.csv": analysis.venues,
        "mediation.csv": _metrics(analysis.mediation),
        "bursts.csv": pd.DataFrame(analysis.bursts, columns=["start", "end", "adopters", "weight"]),
        "coverage.csv": coverage_table(analysis), "warnings.csv": analysis.warnings, "flagged.csv": flagged_works(G),
        "seeds.csv": pd.DataFrame(analysis.seeds),
        "terms.csv": analysis.term_timelines,
    }
    for other in analysis.others:
        tables.update({term_csv(name, other): frame for name, frame in _per_term_tables(other).items()})
    if analysis.others:
        tables["terms_compared.csv"] = terms_compared(analysis, corpus)
    return tables
