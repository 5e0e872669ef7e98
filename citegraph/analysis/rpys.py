"""Reference publication year spectroscopy (RPYS) over the references of term-using works.

Marx, Bornmann, Barth & Leydesdorff (2014): count the cited references by the year the cited
work appeared, and subtract the median of the five-year window ``[y-2, y+2]``. Years standing
well above their neighbours — the peaks — point at the historical roots the citing community
keeps going back to.

Edges of the spectrum: the window holds only years inside the spectrum (its first to its last
cited year; years between them with no reference count 0), so the first and last two years
have a median of three or four years. CRExplorer (andreas-thor/cre, ``CRTable.updateChartData``:
``(rpyIdx+m<0) || (rpyIdx+m>length-1) ? 0``) and bibliometrix (``rpys.R``: ``YY=c(rep(0,4),Y)``)
instead count the years outside the range as 0. Both only draw the deviation curve for a
reader to judge; flagging peaks automatically on zero padding made the last year of every
rising spectrum, and a lone citation at its start, read as peaks, which is why this module
does not follow them there. A peak (``is_peak``) is a genuine local maximum: a positive
deviation at least as large as both neighbours', both inside the spectrum (so never its first
or last year), in a year with at least ``min_refs`` citations (default 2: a single citation is
never a peak).

Assumptions: only references inside the graph can be dated, so the spectrum covers the cited
works the crawl holds; a reference to a work without a year is counted in no year.
"""

from __future__ import annotations

import heapq
import logging
from collections import Counter, defaultdict
from statistics import median

import networkx as nx
import pandas as pd

from ..terms import TermUses
from .chronology import label

__all__ = ["rpys", "rpys_peaks", "RPYS_COLUMNS"]

log = logging.getLogger("citegraph")

RPYS_COLUMNS = ["year", "cited_refs", "cited_works", "median_5y", "deviation", "is_peak", "top_cited", "top_cited_labels", "top_cited_counts"]


def rpys(G: nx.DiGraph, uses: TermUses, *, term: str | None = None, scope: str = "adopters", top_works: int = 3,
         min_refs: int = 2) -> pd.DataFrame:
    """One row per cited year (every year from the first to the last, gaps filled with 0).

    ``scope="adopters"`` counts the references of works using the term; ``"all"`` those of
    every work. ``cited_refs`` counts citations (a work cited by five adopters counts five),
    ``cited_works`` distinct cited works. ``median_5y`` is the median of the years of
    ``[y-2, y+2]`` inside the spectrum; ``deviation`` = ``cited_refs - median_5y``.
    ``is_peak``: a positive deviation at least as large as both neighbours', neither of which
    lies outside the spectrum, with at least ``min_refs`` citations. ``top_cited`` lists the
    ``top_works`` most-cited works of that year (ties by id), with labels and counts.

    Changed (issue 13): the window no longer counts years outside the spectrum as 0 (the first
    and last two years' medians changed), the first and last years are never peaks, and a
    year needs ``min_refs`` citations to be one (module docstring).

    Time: linear in the references counted — one C-level count per reference, one year look-up
    per distinct cited work (it was one per reference) and a partial sort per year. The old
    n^1.49 growth had two causes: one tuple kept per cited work, which at scale set off a full
    garbage collection inside this function walking the whole graph (at 300k synthetic works:
    1.5 s of its 3.5 s; none now, 1.2 s in all), and the benchmark's adopters growing faster
    than n (6,575 at 100k, 24,503 at 300k, 87,464 at 1M), which no implementation avoids.
    """
    if scope not in ("adopters", "all"):
        raise ValueError(f"scope must be 'adopters' or 'all', not {scope!r}")
    cited: Counter[str] = Counter()
    of_term = uses.of(term)
    citing = G if scope == "all" else (node for node, hit in of_term.items() if hit.adopts and node in G)
    for node in citing:
        cited.update(G.successors(node))
    node_attrs = G.nodes
    # the works of each year as plain lists of ids: a tuple per cited work would be up to a
    # million live containers, enough to set off a full garbage collection that walks the whole
    # graph (a dict per edge)
    per_year: dict[int, list[str]] = defaultdict(list)
    for work in cited:
        year = node_attrs[work].get("year")
        if year is not None:
            per_year[int(year)].append(work)
    if not per_year:
        return pd.DataFrame(columns=RPYS_COLUMNS)
    years = list(range(min(per_year), max(per_year) + 1))
    counts = {y: sum(map(cited.__getitem__, per_year.get(y, ()))) for y in years}
    first, last = years[0], years[-1]
    rows = []
    for y in years:
        mid = median(counts[w] for w in range(max(first, y - 2), min(last, y + 2) + 1))
        works = per_year.get(y, ())
        top = heapq.nsmallest(top_works, works, key=lambda w: (-cited[w], w))
        rows.append({
            "year": y, "cited_refs": counts[y], "cited_works": len(works), "median_5y": float(mid),
            "deviation": float(counts[y] - mid), "is_peak": False, "top_cited": top,
            "top_cited_labels": [label(w, node_attrs[w]) for w in top], "top_cited_counts": [cited[w] for w in top],
        })
    frame = pd.DataFrame(rows, columns=RPYS_COLUMNS)
    dev, refs = frame["deviation"].tolist(), frame["cited_refs"].tolist()
    frame["is_peak"] = [0 < i < len(dev) - 1 and d > 0 and d >= dev[i - 1] and d >= dev[i + 1] and refs[i] >= min_refs
                        for i, d in enumerate(dev)]
    return frame


def rpys_peaks(spectrum: pd.DataFrame, *, k: int = 5) -> pd.DataFrame:
    """The ``k`` peak years of an :func:`rpys` spectrum with the largest deviation (ties: earlier year)."""
    if spectrum.empty:
        return spectrum
    peaks = spectrum[spectrum["is_peak"]]
    return peaks.sort_values(["deviation", "year"], ascending=[False, True]).head(k).reset_index(drop=True)
