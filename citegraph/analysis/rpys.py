"""Reference publication year spectroscopy (RPYS) over the references of term-using works.

Marx, Bornmann, Barth & Leydesdorff (2014): count the cited references by the year the cited
work appeared, and subtract the median of the five-year window ``[y-2, y+2]`` (years with no
reference count as 0). Years standing well above their neighbours — the peaks — point at the
historical roots the citing community keeps going back to.

Assumptions: only references inside the graph can be dated, so the spectrum covers the cited
works the crawl holds; a reference to a work without a year is counted in no year.
"""

from __future__ import annotations

import logging
from collections import Counter
from statistics import median

import networkx as nx
import pandas as pd

from ..terms import TermUses
from .chronology import label

__all__ = ["rpys", "rpys_peaks", "RPYS_COLUMNS"]

log = logging.getLogger("citegraph")

RPYS_COLUMNS = ["year", "cited_refs", "cited_works", "median_5y", "deviation", "is_peak", "top_cited", "top_cited_labels", "top_cited_counts"]


def rpys(G: nx.DiGraph, uses: TermUses, *, term: str | None = None, scope: str = "adopters", top_works: int = 3) -> pd.DataFrame:
    """One row per cited year (every year from the first to the last, gaps filled with 0).

    ``scope="adopters"`` counts the references of works using the term; ``"all"`` those of
    every work. ``cited_refs`` counts citations (a work cited by five adopters counts five),
    ``cited_works`` distinct cited works. ``deviation`` = ``cited_refs - median_5y``.
    ``is_peak``: a positive deviation at least as large as both neighbours'. ``top_cited`` lists
    the ``top_works`` most-cited works of that year (ties by id), with labels and counts.
    """
    if scope not in ("adopters", "all"):
        raise ValueError(f"scope must be 'adopters' or 'all', not {scope!r}")
    cited: Counter[str] = Counter()
    of_term = uses.of(term)
    for node in G:
        if scope == "all" or (node in of_term and of_term[node].adopts):
            cited.update(v for v in G.successors(node) if G.nodes[v].get("year") is not None)
    per_year: dict[int, list[tuple[int, str]]] = {}
    for work, count in cited.items():
        per_year.setdefault(int(G.nodes[work]["year"]), []).append((count, work))
    if not per_year:
        return pd.DataFrame(columns=RPYS_COLUMNS)
    years = list(range(min(per_year), max(per_year) + 1))
    counts = {y: sum(c for c, _ in per_year.get(y, ())) for y in years}
    rows = []
    for y in years:
        window = [counts.get(w, 0) for w in range(y - 2, y + 3)]
        mid = median(window)
        top = sorted(per_year.get(y, ()), key=lambda cw: (-cw[0], cw[1]))[:top_works]
        rows.append({
            "year": y, "cited_refs": counts[y], "cited_works": len(per_year.get(y, ())), "median_5y": float(mid),
            "deviation": float(counts[y] - mid), "is_peak": False, "top_cited": [w for _, w in top],
            "top_cited_labels": [label(w, G.nodes[w]) for _, w in top], "top_cited_counts": [c for c, _ in top],
        })
    frame = pd.DataFrame(rows, columns=RPYS_COLUMNS)
    dev = frame["deviation"].tolist()
    frame["is_peak"] = [d > 0 and d >= (dev[i - 1] if i else d) and d >= (dev[i + 1] if i + 1 < len(dev) else d)
                        for i, d in enumerate(dev)]
    return frame


def rpys_peaks(spectrum: pd.DataFrame, *, k: int = 5) -> pd.DataFrame:
    """The ``k`` peak years of an :func:`rpys` spectrum with the largest deviation (ties: earlier year)."""
    if spectrum.empty:
        return spectrum
    peaks = spectrum[spectrum["is_peak"]]
    return peaks.sort_values(["deviation", "year"], ascending=[False, True]).head(k).reset_index(drop=True)
