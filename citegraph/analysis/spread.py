"""Spread: how use of the term grew — per year, spelling, collocation, field and venue — whether
it travelled along citations, and in which years it burst (the corpus beyond the graph is
:mod:`citegraph.corpus`'s).

Assumptions: edges run citing → cited; ``uses`` is the graph's
:class:`~citegraph.terms.TermUses` (term use is never read from node attributes). Works without a year are left out of every per-year count. Shares are of works
whose term use is *known* (title match or a real abstract searched): a work with neither is
``unknown``, and counting it as "does not use" would understate adoption.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from typing import Any, Callable, Iterable, Mapping, Sequence

import networkx as nx
import pandas as pd

from ..terms import UNKNOWN_USE, TermUses, spelling_labels
from ..venues import normalize_venue
from .chronology import label, real_date, when_key

__all__ = [
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
]

log = logging.getLogger("citegraph")



def _dated(G: nx.DiGraph) -> Iterable[tuple[str, Mapping[str, Any], int]]:
    for node, attrs in G.nodes(data=True):
        year = attrs.get("year")
        if year is not None:
            yield node, attrs, int(year)


def _year_range(years: Iterable[int]) -> list[int]:
    listed = list(years)
    return list(range(min(listed), max(listed) + 1)) if listed else []


def adoption_by_year(G: nx.DiGraph, uses: TermUses, *, term: str | None = None) -> pd.DataFrame:
    """Per publication year: ``works``, ``known`` (term use known), ``unknown``, ``adopters``
    (title or abstract), ``adopters_title``, ``share`` (adopters / known; empty when none known),
    ``cumulative_adopters``. Every year from the first to the last dated work is listed."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    of_term = uses.of(term)
    for node, _, year in _dated(G):
        counts[year][of_term.get(node, UNKNOWN_USE).use] += 1
    rows, cumulative = [], 0
    for year in _year_range(counts):
        c = counts.get(year, Counter())
        adopters = c["title"] + c["abstract"]
        known = adopters + c["no"]
        cumulative += adopters
        rows.append({
            "year": year, "works": sum(c.values()), "known": known, "unknown": c["unknown"], "adopters": adopters,
            "adopters_title": c["title"], "share": round(adopters / known, 4) if known else None,
            "cumulative_adopters": cumulative,
        })
    return pd.DataFrame(rows, columns=["year", "works", "known", "unknown", "adopters", "adopters_title", "share",
                                       "cumulative_adopters"])


def spelling_by_year(G: nx.DiGraph, uses: TermUses, *, term: str | None = None, by: str = "spelling") -> pd.DataFrame:
    """Adopters per year using each spelling (``by="spelling"``: ``pre-training`` /
    ``pretraining`` / ``pre training`` families, inflections pooled) or each surface form
    (``by="form"``: ``pre-trained``, ``pretraining`` ...). A work using two counts for both.
    One ``year`` column plus one column per spelling, most used first; every year from the
    first to the last adopter year."""
    if by not in ("spelling", "form"):
        raise ValueError(f"by must be 'spelling' or 'form', not {by!r}")
    key = "spellings" if by == "spelling" else "forms"
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    totals: Counter[str] = Counter()
    of_term = uses.of(term)
    for node, _, year in _dated(G):
        hit = of_term.get(node, UNKNOWN_USE)
        if hit.adopts:
            used = set(getattr(hit, key))
            counts[year].update(used)
            totals.update(used)
    columns = [name for name, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]
    rows = [{"year": year, **{name: counts.get(year, Counter())[name] for name in columns}}
            for year in _year_range(counts)]
    return pd.DataFrame(rows, columns=["year", *columns])


def _default_pair(name: str, table: pd.DataFrame) -> tuple[str | None, str | None]:
    labels = spelling_labels(name)
    if labels.get("closed") in table.columns or labels.get("hyphenated") in table.columns:
        return labels["closed"], labels["hyphenated"]
    spellings = [c for c in table.columns if c != "year"]
    if len(spellings) < 2:
        return None, None
    first_use = {s: int(table.loc[table[s] > 0, "year"].min()) for s in spellings[:2]}
    incumbent, challenger = sorted(spellings[:2], key=lambda s: (first_use[s], s))
    return challenger, incumbent


def spelling_crossover(
    G: nx.DiGraph, uses: TermUses, *, term: str | None = None, challenger: str | None = None,
    incumbent: str | None = None, min_works: int = 3, table: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Whether ``challenger`` (default the closed spelling, ``pretraining``) overtook
    ``incumbent`` (default the hyphenated one, ``pre-training``), and when.

    Only years where at least one of the two has ``min_works`` adopters or more are judged
    (default 3): a year of 1 vs 0 says nothing either way, so it neither starts a lead nor ends
    one. ``year`` is the first year from which the challenger's yearly adopter count exceeds the
    incumbent's in every later judged year; ``None`` if that never happens.
    ``first_year_ahead`` is the first judged year it led at all (so a lead needs at least
    ``min_works`` works); ``last_year`` the last judged year. ``min_works`` is returned too, so
    a reader can say "in years with at least N works". For a one-word term or a regex the two
    most used spellings are compared, the one used first being the incumbent.

    ``table``: the term's :func:`spelling_by_year`, when the caller has it already (one pass
    over the graph less; at 1M works a second or so).

    Changed (issue 13): ``min_works`` (before, every year with any use was judged, as
    ``min_works=1`` still does, and a lead of 1 vs 0 counted).
    """
    table = spelling_by_year(G, uses, term=term) if table is None else table
    if challenger is None or incumbent is None:
        default_challenger, default_incumbent = _default_pair(term or uses.primary, table)
        challenger, incumbent = challenger or default_challenger, incumbent or default_incumbent
    result: dict[str, Any] = {"challenger": challenger, "incumbent": incumbent, "overtook": False, "year": None,
                              "first_year_ahead": None, "last_year": None, "challenger_total": 0, "incumbent_total": 0,
                              "min_works": min_works}
    if challenger is None or incumbent is None:
        return result
    a = table[challenger] if challenger in table.columns else pd.Series(0, index=table.index)
    b = table[incumbent] if incumbent in table.columns else pd.Series(0, index=table.index)
    floor = max(1, min_works)
    years = [(int(y), int(x), int(z)) for y, x, z in zip(table["year"], a, b) if max(x, z) >= floor]
    result["challenger_total"], result["incumbent_total"] = int(a.sum()), int(b.sum())
    if not years:
        return result
    result["last_year"] = years[-1][0]
    result["first_year_ahead"] = next((y for y, x, z in years if x > z), None)
    crossover = None
    for y, x, z in reversed(years):
        if x <= z:
            break
        crossover = y
    result["year"], result["overtook"] = crossover, crossover is not None
    return result


def collocations(G: nx.DiGraph, uses: TermUses, *, term: str | None = None, min_works: int = 1) -> pd.DataFrame:
    """Words right before the term ("unsupervised", "generative", "language model"), by the
    number of adopters using them, with the first year and work and the per-year counts."""
    name = term or uses.primary
    works: dict[str, list[tuple[tuple[Any, ...], str, int | None]]] = defaultdict(list)
    of_term = uses.of(term)
    for node, attrs in G.nodes(data=True):
        hit = of_term.get(node, UNKNOWN_USE)
        if hit.adopts:
            for word in hit.collocations:
                works[word].append((when_key(node, attrs), node, attrs.get("year")))
    rows = []
    for word, uses in works.items():
        if len(uses) < min_works:
            continue
        uses.sort()
        by_year = Counter(year for _, _, year in uses if year is not None)
        first = next(((node, year) for _, node, year in uses if year is not None), (uses[0][1], None))
        rows.append({
            "collocation": word, "phrase": f"{word} {name}", "works": len(uses), "first_year": first[1],
            "first_id": first[0], "first_label": label(first[0], G.nodes[first[0]]),
            "by_year": "; ".join(f"{y}:{n}" for y, n in sorted(by_year.items())),
        })
    rows.sort(key=lambda r: (-r["works"], r["first_year"] if r["first_year"] is not None else 10**6, r["collocation"]))
    columns = ["collocation", "phrase", "works", "first_year", "first_id", "first_label", "by_year"]
    return pd.DataFrame(rows, columns=columns).astype({"first_year": "Int64"})


def adoption_by_attribute(G: nx.DiGraph, uses: TermUses, attr: str, *, term: str | None = None,
                          normalize: Callable[[Any], Any] | None = None) -> pd.DataFrame:
    """Per value of a node attribute (``field``, ``venue``; a list attribute such as ``topics``
    counts each entry): ``works``, ``known``, ``adopters``, ``share``, ``first_year`` and
    ``first_id`` of adoption. Works where the attribute is missing are left out. ``normalize``
    maps each value first (venues: one name per venue)."""
    stats: dict[str, dict[str, Any]] = {}
    of_term = uses.of(term)
    if normalize is not None:
        normalize = _memoized(normalize)
    for node, attrs in G.nodes(data=True):
        raw = attrs.get(attr)
        values = raw if isinstance(raw, (list, tuple)) else [raw]
        if normalize is not None:
            values = [normalize(value) for value in values]
        use = of_term.get(node, UNKNOWN_USE).use
        for value in values:
            if value in (None, ""):
                continue
            entry = stats.setdefault(str(value), {"works": 0, "known": 0, "adopters": 0, "first": None})
            entry["works"] += 1
            entry["known"] += use != "unknown"
            if use in ("title", "abstract"):
                entry["adopters"] += 1
                key = when_key(node, attrs)
                if attrs.get("year") is not None and (entry["first"] is None or key < entry["first"]):
                    entry["first"] = key
    rows = [{
        attr: value, "works": e["works"], "known": e["known"], "adopters": e["adopters"],
        "share": round(e["adopters"] / e["known"], 4) if e["known"] else None,
        "first_year": e["first"][0] if e["first"] else None, "first_id": e["first"][2] if e["first"] else "",
    } for value, e in stats.items()]
    rows.sort(key=lambda r: (-r["adopters"], -r["works"], r[attr]))
    frame = pd.DataFrame(rows, columns=[attr, "works", "known", "adopters", "share", "first_year", "first_id"])
    return frame.astype({"first_year": "Int64"})


def _memoized(normalize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``normalize``, run once per distinct value: a million works share a few thousand venue
    names, and normalising a venue takes a handful of regex passes."""
    done: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        try:
            return done[value]
        except KeyError:
            done[value] = result = normalize(value)
            return result
        except TypeError:  # an unhashable value
            return normalize(value)

    return once


def adoption_by_field(G: nx.DiGraph, uses: TermUses, *, term: str | None = None) -> pd.DataFrame:
    """:func:`adoption_by_attribute` over the OpenAlex ``field`` of the primary topic."""
    return adoption_by_attribute(G, uses, "field", term=term)


def adoption_by_venue(G: nx.DiGraph, uses: TermUses, *, term: str | None = None) -> pd.DataFrame:
    """:func:`adoption_by_attribute` over the ``venue`` (primary location's source), one name per
    venue (:func:`citegraph.venues.normalize_venue`: CVPR under all its spellings is CVPR)."""
    return adoption_by_attribute(G, uses, "venue", term=term, normalize=normalize_venue)


# --- citation-mediated adoption -------------------------------------------------------------


def _references_seen(G: nx.DiGraph) -> Callable[[str, Mapping[str, Any]], bool]:
    """Whether the graph holds a work's references: it cites something in the graph and, for a
    references crawl, it lies inside the crawl depth (the deepest level's references were not
    followed, so its works look as if they cited little)."""
    crawl = G.graph.get("crawl") or {}
    depth = crawl.get("depth")
    refs_crawl = crawl.get("direction") in (None, "refs", "both") and isinstance(depth, int)
    succ = G.succ

    def seen(node: str, attrs: Mapping[str, Any]) -> bool:
        if not succ[node]:
            return False
        node_depth = attrs.get("depth")
        return not (refs_crawl and isinstance(node_depth, int) and node_depth >= depth)

    return seen


def _citing_earlier_adopter(G: nx.DiGraph, adopter_set: set[str]) -> set[str]:
    """Every work citing an adopter that surely appeared before it (as :func:`.chronology.is_earlier` decides).

    Walked from the adopters to the works citing them, not from every work through its
    references: adopters are a few percent of the works, so this touches a fraction of the
    citations (at 1M synthetic works, 36 s became a few).
    """
    nodes = G.nodes
    found: set[str] = set()
    for adopter in adopter_set:
        if adopter not in G:
            continue
        earlier = nodes[adopter]
        year = earlier.get("year")
        if year is None:
            continue
        date: str | None | bool = False  # its real date, looked up once a same-year work needs it
        for work in G.predecessors(adopter):
            if work in found:
                continue
            attrs = nodes[work]
            other = attrs.get("year")
            if other is None or other < year:
                continue
            if other > year:
                found.add(work)
                continue
            if date is False:
                date = real_date(earlier)
            if date:
                later = real_date(attrs)
                if later and date < later:
                    found.add(work)
    return found


def _ratio_interval(a: int, n1: int, c: int, n2: int, z: float = 1.96) -> tuple[float | None, float | None]:
    """95% interval of the risk ratio (a/n1)/(c/n2) by Katz's log method; ``None`` without an
    adopter in either group."""
    if not (a and c and n1 and n2):
        return None, None
    log_ratio = math.log((a / n1) / (c / n2))
    half = z * math.sqrt(max(0.0, 1 / a - 1 / n1 + 1 / c - 1 / n2))
    return round(math.exp(log_ratio - half), 3), round(math.exp(log_ratio + half), 3)


def citation_mediation(G: nx.DiGraph, uses: TermUses, *, term: str | None = None,
                       min_adopters: int = 5) -> dict[str, Any]:
    """Did the term travel along citations?

    ``by_year`` (DataFrame): per year, ``new_adopters`` (dated adopters), ``with_references``
    (those whose references the graph holds), ``citing_earlier_adopter`` (of those, how many cite
    an adopter that surely appeared earlier: an earlier year, or the same year and an earlier
    real date) and ``mediated_share``.

    ``adopters_with_references`` and ``adopters_citing_earlier_adopter`` total those columns.
    ``exposed_*``/``unexposed_*`` and ``ratio``: among dated works with known term use whose
    references the graph holds, P(uses term | cites an earlier adopter) divided by
    P(uses term | cites none); ``None`` when either group is empty or the second is 0. A ratio
    well above 1 says users of the term cite earlier users far more often than others do —
    consistent with citation-mediated spread, not proof of it (topic drives both).

    A ratio carries its n: the four counts above, ``ratio_low``/``ratio_high`` (its 95%
    interval, Katz's log method; ``None`` with no adopter in a group) and ``confident``, True
    only when both groups hold at least ``min_adopters`` adopters (default 5, the usual floor
    for a count in a 2×2 table). When it is False the ratio is "too few to tell": 1 adopter
    among 36 unexposed works gives a ratio of 12.7 whose interval runs from 1.7 to 97.

    Changed (issue 13): ``ratio_low``, ``ratio_high``, ``confident`` and ``min_adopters`` (echoed in
    the result) are new; every other value is as before.
    """
    adopter_set = uses.adopters(term)
    of_term = uses.of(term)
    seen = _references_seen(G)
    citing_earlier = _citing_earlier_adopter(G, adopter_set)
    per_year: dict[int, Counter[str]] = defaultdict(Counter)
    groups = Counter()
    for node, attrs, year in _dated(G):
        use = of_term.get(node, UNKNOWN_USE).use
        if use == "unknown":
            continue
        adopter = use in ("title", "abstract")
        has_refs = seen(node, attrs)
        exposed = has_refs and node in citing_earlier
        if adopter:
            per_year[year]["new_adopters"] += 1
            per_year[year]["with_references"] += has_refs
            per_year[year]["citing_earlier_adopter"] += exposed
        if has_refs:
            group = "exposed" if exposed else "unexposed"
            groups[f"{group}_works"] += 1
            groups[f"{group}_adopters"] += adopter
    rows = []
    for year in sorted(per_year):
        c = per_year[year]
        rows.append({
            "year": year, "new_adopters": c["new_adopters"], "with_references": c["with_references"],
            "citing_earlier_adopter": c["citing_earlier_adopter"],
            "mediated_share": round(c["citing_earlier_adopter"] / c["with_references"], 4) if c["with_references"] else None,
        })
    p_exposed = groups["exposed_adopters"] / groups["exposed_works"] if groups["exposed_works"] else None
    p_unexposed = groups["unexposed_adopters"] / groups["unexposed_works"] if groups["unexposed_works"] else None
    ratio = p_exposed / p_unexposed if p_exposed is not None and p_unexposed else None
    low, high = _ratio_interval(groups["exposed_adopters"], groups["exposed_works"], groups["unexposed_adopters"],
                                groups["unexposed_works"])
    confident = ratio is not None and min(groups["exposed_adopters"], groups["unexposed_adopters"]) >= min_adopters
    return {
        "by_year": pd.DataFrame(rows, columns=["year", "new_adopters", "with_references", "citing_earlier_adopter",
                                               "mediated_share"]),
        "exposed_works": groups["exposed_works"], "exposed_adopters": groups["exposed_adopters"],
        "unexposed_works": groups["unexposed_works"], "unexposed_adopters": groups["unexposed_adopters"],
        "adopters_with_references": sum(r["with_references"] for r in rows),
        "adopters_citing_earlier_adopter": sum(r["citing_earlier_adopter"] for r in rows),
        "p_exposed": round(p_exposed, 4) if p_exposed is not None else None,
        "p_unexposed": round(p_unexposed, 4) if p_unexposed is not None else None,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "ratio_low": low, "ratio_high": high, "min_adopters": min_adopters, "confident": confident,
    }


# --- bursts ---------------------------------------------------------------------------------


def _binomial_cost(r: int, d: int, p: float) -> float:
    """-log of the binomial likelihood without the C(d, r) term, which both states share."""
    return -(r * math.log(p) + (d - r) * math.log(1.0 - p))


def burst_years(G: nx.DiGraph, uses: TermUses, *, term: str | None = None, s: float = 2.0,
                gamma: float = 1.0, min_adopters: int = 10, adoption: pd.DataFrame | None = None) -> pd.DataFrame:
    """Kleinberg's (2002) two-state burst detection on yearly adopters out of the dated works
    whose term use is known.

    State 0 emits adopters at the overall rate ``p0 = adopters / known``, state 1 at ``s·p0``
    (capped below 1); entering state 1 costs ``gamma·ln(years)``, leaving it is free; the
    cheapest state sequence (Viterbi) is ``state``. The denominator is ``known`` (works whose
    use could be checked), not ``works``: a year where few abstracts are available would
    otherwise look as if few works used the term, and uneven coverage could hide a burst.

    ``burst`` marks the years of state 1 in a run of consecutive state-1 years that holds at
    least ``min_adopters`` adopters (default 10): fewer than that are counts, not a finding (on
    the demo Kleinberg's state 1 covers 2018-19, from 5 of 10 and 2 of 4 works). ``min_adopters=1``
    keeps every run. ``burst_weight`` is the cost saved by state 1 in a burst year (0 elsewhere).
    Every year from the first to the last dated work; columns ``year, adopters, works, known,
    state, burst, burst_weight``. ``adoption``: the term's :func:`adoption_by_year`, when the
    caller has it already (not computed again).

    Changed (issue 13): the denominator was every dated work; ``known`` and ``min_adopters`` are
    new, and ``state`` stays Kleinberg's even where a run is too small to be a ``burst``.
    """
    columns = ["year", "adopters", "works", "known", "state", "burst", "burst_weight"]
    table = adoption_by_year(G, uses, term=term) if adoption is None else adoption
    if table.empty:
        return pd.DataFrame(columns=columns)
    r = [int(x) for x in table["adopters"]]
    d = [int(x) for x in table["known"]]
    total_r, total_d = sum(r), sum(d)
    states = [0] * len(r)
    weights = [0.0] * len(r)
    p0 = total_r / total_d if total_d else 0.0
    if 0.0 < p0 < 1.0:
        p1 = min(s * p0, 0.9999)
        if p1 > p0:
            cost = [[_binomial_cost(ri, di, p) for ri, di in zip(r, d)] for p in (p0, p1)]
            tau = gamma * math.log(len(r)) if len(r) > 1 else 0.0
            states = _viterbi(cost, tau)
            weights = [round(cost[0][t] - cost[1][t], 4) if states[t] else 0.0 for t in range(len(r))]
    burst = _large_runs(states, r, min_adopters)
    return pd.DataFrame({
        "year": table["year"], "adopters": r, "works": [int(x) for x in table["works"]], "known": d,
        "state": states, "burst": burst, "burst_weight": [w if b else 0.0 for w, b in zip(weights, burst)],
    }, columns=columns)


def _large_runs(states: Sequence[int], adopters: Sequence[int], min_adopters: int) -> list[bool]:
    """Per year: in a run of consecutive state-1 years whose adopters sum to ``min_adopters``."""
    marks = [False] * len(states)
    t = 0
    while t < len(states):
        if not states[t]:
            t += 1
            continue
        end = t
        while end < len(states) and states[end]:
            end += 1
        if sum(adopters[t:end]) >= min_adopters:
            marks[t:end] = [True] * (end - t)
        t = end
    return marks


def _viterbi(cost: list[list[float]], tau: float) -> list[int]:
    n = len(cost[0])
    total = [cost[0][0], cost[1][0] + tau]
    back: list[list[int]] = []
    for t in range(1, n):
        stay0, from1_to0 = total[0], total[1]
        to1_from0, stay1 = total[0] + tau, total[1]
        choice0 = 0 if stay0 <= from1_to0 else 1
        choice1 = 1 if stay1 <= to1_from0 else 0
        back.append([choice0, choice1])
        total = [min(stay0, from1_to0) + cost[0][t], min(stay1, to1_from0) + cost[1][t]]
    state = 0 if total[0] <= total[1] else 1
    states = [state]
    for t in range(n - 2, -1, -1):
        state = back[t][state]
        states.append(state)
    return states[::-1]


def burst_intervals(bursts: pd.DataFrame) -> list[dict[str, Any]]:
    """Runs of burst years from :func:`burst_years`: ``[{start, end, adopters, weight}]``."""
    runs: list[dict[str, Any]] = []
    for row in bursts.itertuples(index=False):
        if not row.burst:
            continue
        if runs and runs[-1]["end"] == row.year - 1:
            run = runs[-1]
            run["end"] = int(row.year)
            run["adopters"] += int(row.adopters)
            run["weight"] = round(run["weight"] + float(row.burst_weight), 4)
        else:
            runs.append({"start": int(row.year), "end": int(row.year), "adopters": int(row.adopters),
                         "weight": float(row.burst_weight)})
    return runs
