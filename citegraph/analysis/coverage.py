"""How much of the graph the term analysis can actually see: the numbers behind the caveats.

A work's term use is only known when its title matches or it has a real abstract; OpenAlex
lacks many abstracts (publisher-withheld) and some "abstracts" are citation lines (DEFECTS.md
item 2), so every share in the report is a share of works with *known* term use.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx
import pandas as pd

from ..records import WARNING_TEXT
from ..terms import UNKNOWN_USE, TermUses

__all__ = ["term_coverage", "warning_counts", "COVERAGE_TEXT"]

#: What each :func:`term_coverage` metric means (``coverage.csv``'s third column).
COVERAGE_TEXT: dict[str, str] = {
    "works": "works in the graph",
    "citations": "citation edges among them",
    "works_with_year": "works with a publication year",
    "works_without_year": "works without a publication year (left out of every per-year count)",
    "works_with_abstract": "works with a real abstract (not missing, not a citation line)",
    "title_only_works": "works whose term use can only come from the title (no real abstract)",
    "works_citing_nothing_in_graph": "works with no reference inside the graph (crawl frontier or missing reference lists)",
    "use_title": "works whose title uses the term",
    "use_abstract": "works whose abstract, not title, uses the term",
    "use_no": "works whose title and real abstract do not use it",
    "use_unknown": "works with no real abstract whose title does not use it (term use unknown)",
    "adopters": "works using the term (title or abstract)",
    "adopters_with_year": "adopters with a publication year",
    "adopters_without_year": "adopters without a year (left out of the earliest adopters and timelines)",
    "known_use": "works whose term use is known (title, abstract or no)",
    "abstract_share": "share of works with a real abstract",
    "unknown_share": "share of works whose term use is unknown",
}


def term_coverage(G: nx.DiGraph, uses: TermUses, *, term: str | None = None) -> dict[str, Any]:
    """Counts and shares of what the term analysis can see (keys as in :data:`COVERAGE_TEXT`)."""
    counts: Counter[str] = Counter()
    of_term = uses.of(term)
    with_year = with_abstract = no_refs = adopters_with_year = 0
    succ = G.succ
    for node, attrs in G.nodes(data=True):
        use = of_term.get(node, UNKNOWN_USE).use
        counts[use] += 1
        dated = attrs.get("year") is not None
        with_year += dated
        with_abstract += bool(attrs.get("has_abstract"))
        no_refs += not succ[node]
        adopters_with_year += dated and use in ("title", "abstract")
    works = G.number_of_nodes()
    adopters = counts["title"] + counts["abstract"]
    return {
        "works": works,
        "citations": G.number_of_edges(),
        "works_with_year": with_year,
        "works_without_year": works - with_year,
        "works_with_abstract": with_abstract,
        "title_only_works": works - with_abstract,
        "works_citing_nothing_in_graph": no_refs,
        "use_title": counts["title"],
        "use_abstract": counts["abstract"],
        "use_no": counts["no"],
        "use_unknown": counts["unknown"],
        "adopters": adopters,
        "adopters_with_year": adopters_with_year,
        "adopters_without_year": adopters - adopters_with_year,
        "known_use": adopters + counts["no"],
        "abstract_share": round(with_abstract / works, 4) if works else 0.0,
        "unknown_share": round(counts["unknown"] / works, 4) if works else 0.0,
    }


def warning_counts(G: nx.DiGraph) -> pd.DataFrame:
    """Works per data-warning code (``records.WARNING_TEXT``), most frequent first."""
    counts: Counter[str] = Counter(code for _, attrs in G.nodes(data=True) for code in attrs.get("warnings") or ())
    rows = [{"code": code, "works": n, "meaning": WARNING_TEXT.get(code, code)}
            for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return pd.DataFrame(rows, columns=["code", "works", "meaning"])
