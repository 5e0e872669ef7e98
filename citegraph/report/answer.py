"""The report's first screen: the answer, each claim with its scope, and what limits it.

A crawl sees only the seeds' neighbourhood; the corpus view (:mod:`citegraph.corpus`) says what
lies outside it. So the first screen gives both, in this order and never mixed: what the corpus
says (which corpus, named: "all of OpenAlex, core works" or "the demo corpus, 13,732 works"),
then what the crawl adds ("among the N works of a references-only crawl from the seeds, of
which K have checkable term use ..."), then the coverage that limits the crawl's answer. No
"earliest" without its scope.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from ..analysis import Analysis
from .blocks import Block, Bullets, Heading, Paragraph, Table

__all__ = ["answer_blocks", "crawl_scope"]

_CORPUS_NAMES = {"demo": "the demo corpus (converted from Semantic Scholar-derived notes, not OpenAlex data)"}


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _short(title: str, limit: int = 90) -> str:
    title = " ".join(str(title or "").split())
    return f"“{title}”" if len(title) <= limit else f"“{title[: limit - 1].rstrip()}…”"


def crawl_scope(G: nx.DiGraph, analysis: Analysis) -> str:
    """The crawl in words: how many works, which direction and depth, from which seeds, out of
    which corpus."""
    crawl = G.graph.get("crawl") or {}
    direction = {"refs": "references-only", "citing": "citing-works-only", "both": "references-and-citing"}.get(
        crawl.get("direction"), "")
    seeds = ", ".join(f"{s['name']} ({s['year']})" if s.get("year") else s["name"] for s in analysis.seeds)
    source = _source_name(crawl)
    if crawl.get("direction") == "term-neighbourhood":
        left_out = int(crawl.get("left_out_by_max_works") or 0)
        return (f"the {analysis.coverage['works']:,} works around “{crawl.get('term', analysis.term)}”"
                f"{' in ' + source if source else ''}: its users and the works they cite or are cited by"
                + (f" ({left_out:,} more left out by --max-works)" if left_out else ""))
    depth = f", depth {crawl['depth']}" if crawl.get("depth") is not None else ""
    return (f"the {analysis.coverage['works']:,} works of a {direction + ' ' if direction else ''}crawl"
            f"{depth} from {seeds}" + (f" in {source}" if source else ""))


def _source_name(crawl: dict) -> str:
    """Where the graph's works came from, in words ("" when the graph does not say)."""
    if crawl.get("corpus") == "snapshot":
        return f"the snapshot at {crawl['snapshot']}" if crawl.get("snapshot") else "a snapshot"
    return _CORPUS_NAMES.get(crawl.get("corpus"), "OpenAlex" if crawl.get("corpus") == "openalex" else "")


def _first_year(frame: pd.DataFrame, column: str, value: str) -> tuple[int | None, int]:
    rows = frame[(frame[column] == value) & (frame["works"] > 0)]
    if rows.empty:
        return None, 0
    first = rows.sort_values("year").iloc[0]
    return int(first["year"]), int(first["works"])


def _institution_sentence(view: Any, term: str) -> str:
    """Who used it first: company-affiliated works against universities and the rest."""
    frame = view.institutions[view.institutions["term"] == term]
    if frame.empty or not (frame["works"] > 0).any():
        return "Institution types: no affiliation data for its works (`corpus_institutions.csv`)."
    parts = []
    for kind, label in (("company", "company-affiliated works"), ("education", "works from universities"),
                        ("government", "government works"), ("facility", "research facilities")):
        year, works = _first_year(frame, "institution_type", kind)
        if year is not None:
            parts.append(f"{label} from {year} ({works:,} that year)")
    totals = frame.groupby("institution_type")["works"].sum()
    company, education = int(totals.get("company", 0)), int(totals.get("education", 0))
    share = f"; over all years {company:,} company-affiliated against {education:,} university works" if company or education else ""
    return "Who used it: " + ", ".join(parts) + share + " (`corpus_institutions.csv`)."


def _seed_spread_sentence(view: Any, term: str) -> str:
    frame = view.seed_spread[view.seed_spread["term"] == term]
    if frame.empty:
        return ""
    parts = []
    for seed, rows in frame.groupby("seed", sort=False):
        citing, works = int(rows["citing_seed"].sum()), int(rows["term_works"].sum())
        parts.append(f"{seed} {citing:,} of {works:,} ({_pct(citing, works)})")
    return ("Its works that cite each seed, out of all its works in the years any do: " + "; ".join(parts)
            + " (`corpus_seed_spread.csv`).")


def _corpus_bullets(view: Any, terms: list[str]) -> list[str]:
    out = []
    for term in terms:
        h = view.headline(term)
        if h.first_use is not None:
            field = f", {h.first_use.field}" if h.first_use.field else ""
            first = (f"the first verified use is {h.first_use.year or 'undated'}: {_short(h.first_use.title)} "
                     f"({h.first_use.id}{field})")
            n = h.unverified_before_first_use
            if n:
                first += (f"; {n} earlier search {'hit does' if n == 1 else 'hits do'} not use the term "
                          "(OpenAlex's search is stemmed) and " + ("is" if n == 1 else "are") + " not counted")
        else:
            first = "no verified use among its earliest search hits"
        takeoff = (f"It took off in {h.takeoff_year} and peaked in {h.peak_year}" if h.takeoff_year
                   else "It has no take-off year (never 5 works in a year)")
        fields = ", ".join(f"{name} ({count:,})" for name, count in h.top_fields)
        how = h.counting()[1]
        sentence = (f"**In {h.scope}**, {h.term_works:,} works {how}; {first} "
                    f"(`corpus_earliest.csv`). {takeoff} (`corpus_trend.csv`)."
                    + (f" Top fields: {fields} (`corpus_fields.csv`)." if fields else ""))
        out.append(" ".join([sentence, _institution_sentence(view, term), _seed_spread_sentence(view, term)]).strip())
    return out


def _crawl_bullet(G: nx.DiGraph, analysis: Analysis) -> str:
    cov = analysis.coverage
    known = cov["known_use"]
    frame = analysis.earliest.head(3)
    earliest = ("; ".join(f"{r['label']} ({r['id']})" for r in frame.to_dict("records"))
                if not frame.empty else "none with a year")
    return (f"**In the crawl** — {crawl_scope(G, analysis)} — {known:,} works have checkable term use "
            f"({_pct(known, cov['works'])}; the other {cov['use_unknown']:,} have no usable abstract and no title "
            f"match) and {cov['adopters']:,} of them use the term. The earliest of those in this graph: {earliest} "
            f"(`origins.csv`).")


def _limits_bullet(G: nx.DiGraph, analysis: Analysis) -> str:
    crawl = G.graph.get("crawl") or {}
    years = [s["year"] for s in analysis.seeds if s.get("year")]
    span = (f"{min(years)}–{max(years)}" if years and min(years) != max(years) else f"{years[0]}") if years else ""
    if crawl.get("direction") == "term-neighbourhood":
        what = ("The graph holds the term's users and their direct citation neighbours only, so chains and the main "
                "path run through works that use the term or touch one that does, not through the wider literature.")
    elif crawl.get("direction", "refs") == "refs":
        what = (f"A references-only crawl from {span + ' ' if span else ''}seeds sees only what the seeds' ancestry "
                "cites: neither uses of the term it does not cite nor anything published after the seeds.")
    else:
        what = "The crawl sees only works within its depth of the seeds, and at most the most-cited citing works of each."
    return f"**What limits the crawl's answer.** {what} Shares are of works with known term use (`coverage.csv`)."


def answer_blocks(G: nx.DiGraph, analysis: Analysis, corpus: Any = None, corpus_note: str = "") -> list[Block]:
    """The first screen: the corpus answer (or why there is none), the crawl's, its limits."""
    bullets = _corpus_bullets(corpus, analysis.terms) if corpus is not None else [
        f"**Beyond the crawl:** {corpus_note or 'no corpus view'}; everything below describes only the crawled graph."]
    bullets += [_crawl_bullet(G, analysis), _limits_bullet(G, analysis)]
    blocks: list[Block] = [Heading(2, "The answer, with its scope"), Bullets(tuple(bullets))]
    if analysis.others:
        blocks += [Paragraph("The terms side by side — in the crawled graph, and in the corpus when it was counted:"),
                   _comparison(analysis, corpus)]
    return blocks + [Paragraph("Each figure below names the CSV it comes from; the caveats at the end say what the "
                               "data cannot show.")]


def _comparison(analysis: Analysis, corpus: Any) -> Table:
    from .tables import terms_compared

    frame = terms_compared(analysis, corpus)
    columns = [("term", "term"), ("adopters in graph", "adopters"), ("with known use", "known_use"),
               ("earliest in graph", "graph_first")]
    if "corpus_works" in frame.columns:
        columns += [("works in corpus", "corpus_works"), ("first verified use", "corpus_first_year"),
                    ("took off", "corpus_takeoff"), ("peak", "corpus_peak")]
    rows = tuple(tuple(_cell(row[key]) for _, key in columns) for row in frame.to_dict("records"))
    return Table(tuple(label for label, _ in columns), rows, "terms_compared.csv")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}" if value >= 10_000 else str(int(value))
    return f"{value:,}" if isinstance(value, int) and value >= 10_000 else str(value)
