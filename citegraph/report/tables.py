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

__all__ = ["report_tables", "coverage_table", "flagged_works", "CSV_FILES"]

#: The CSV files the report may write (``online.csv`` only with online counts).
CSV_FILES = (
    "origins.csv", "chains.csv", "timeline.csv", "mainpath.csv", "rpys.csv", "spellings.csv", "forms.csv",
    "crossover.csv", "collocations.csv", "fields.csv", "venues.csv", "mediation.csv", "bursts.csv",
    "coverage.csv", "warnings.csv", "flagged.csv", "seeds.csv", "terms.csv", "online.csv",
)


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


def report_tables(analysis: Analysis, G: nx.DiGraph) -> dict[str, pd.DataFrame]:
    """Every table of the report by its CSV name, in the order they are written."""
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
    if analysis.online is not None:
        tables["online.csv"] = analysis.online
    return tables
