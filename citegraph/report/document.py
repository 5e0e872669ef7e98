"""What the report says: an :class:`~citegraph.analysis.Analysis` and its graph → a list of blocks.

The report answers first — the earliest adopters with their evidence, how the term reached each
seed, when and how it spread — then shows the evidence, then the caveats. Every number in it
is read from a table that is also written as a CSV, and each section names its CSV, so any
number can be traced to a row. This module decides the words and the tables; how they look in
Markdown or HTML is the renderers' job (:mod:`.markdown`, :mod:`.html`), so both documents say
the same thing. It also writes the few lines the CLI prints (:func:`report_summary`).
"""

from __future__ import annotations

from typing import Any, Sequence

import networkx as nx
import pandas as pd

from ..analysis import Analysis
from ..exports import is_missing
from ..terms import variants
from .answer import answer_blocks
from .blocks import Block, Bullets, Chart, Heading, Link, Paragraph, Table
from .tables import PER_TERM_CSVS, coverage_table, flagged_works, term_csv, terms_compared

__all__ = ["build_document", "report_title", "report_summary", "percent"]

_MAX_ROWS = 40


# --- values ---------------------------------------------------------------------------------


def _num(value: Any) -> str:
    """An integer as plain digits (no separators, so it can be found in the CSV), else as given."""
    if is_missing(value):
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def percent(value: Any) -> str:
    """A share (0–1) as a percentage with one decimal; "–" when unknown."""
    return "–" if is_missing(value) else f"{float(value) * 100:.1f}%"


def _quote(text: str, limit: int = 240) -> str:
    text = " ".join(str(text or "").split())
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if is_missing(value) else str(value)


def _arrows(value: Any) -> str:
    return " → ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else _text(value)


# --- the document ---------------------------------------------------------------------------


def _table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Any]], source: str, limit: int = _MAX_ROWS) -> Table:
    """The first ``limit`` rows of ``frame`` as text; ``columns``: (heading, frame column, formatter)."""
    records = frame.head(limit).to_dict("records")
    rows = tuple(tuple(fmt(record.get(col)) for _, col, fmt in columns) for record in records)
    return Table(tuple(heading for heading, _, _ in columns), rows, source, max(0, len(frame) - limit))


def _term_phrase(analysis: Analysis) -> str:
    return f"/{analysis.term}/" if analysis.regex else f"“{analysis.term}”"


def _earliest_sentence(analysis: Analysis) -> str:
    frame = analysis.earliest
    if frame.empty:
        return (f"**Earliest adopters.** No dated work in this graph uses {_term_phrase(analysis)} "
                f"(`coverage.csv`: adopters {analysis.coverage['adopters']}, without a year "
                f"{analysis.coverage['adopters_without_year']}).")
    parts = []
    for row in frame.head(3).to_dict("records"):
        where = "title" if row["use"] == "title" else "abstract"
        parts.append(f"{row['label']} ({row['id']}), {_quote(row['title'], 120)} — {where}: "
                     f"{_quote(row['snippet'], 200)}")
    first_year = frame["year"].iloc[0]
    same_year = int((frame["year"] == first_year).sum())
    tail = f"; {same_year} of the listed works are from {first_year}" if same_year > 1 else ""
    return (f"**Earliest adopters.** The earliest works in this graph using {_term_phrase(analysis)} are "
            + "; ".join(parts) + f" (`origins.csv`, ranks 1–{min(3, len(frame))}{tail}).")


def _seed_sentences(analysis: Analysis) -> list[str]:
    out = []
    chains = analysis.chains
    for seed in analysis.seeds:
        rows = chains[chains["seed"] == seed["id"]].to_dict("records") if not chains.empty else []
        uses = {"title": "uses the term in its title", "abstract": "uses the term in its abstract",
                "no": "does not use the term in its title or abstract",
                "unknown": "its own record cannot show the term (no title match, no usable abstract)"}[seed["use"]]
        head = f"**{seed['name']}** ({seed['id']}, {_num(seed['year'])}; {uses})"
        if not seed["in_graph"]:
            out.append(f"{head}: not in the graph.")
            continue
        found = [r for r in rows if r["kind"] != "none"]
        if not found:
            note = rows[0]["note"] if rows else "no chain"
            out.append(f"{head}: no adoption chain — {note} (`chains.csv`).")
            continue
        pieces = []
        for r in found[:3]:
            hops = f"{r['hops']} hop" + ("s" if r["hops"] != 1 else "")
            pieces.append(f"{_arrows(r['labels'])} ({r['kind']}, {hops}; chain {r['chain']})")
        out.append(f"{head}: " + "; ".join(pieces) + " (`chains.csv`; each work cites the next).")
    return out


def _spread_sentences(analysis: Analysis) -> list[str]:
    """When and where the term spread: timeline, bursts, spelling, citations, fields, words, roots."""
    used = analysis.timeline[analysis.timeline["adopters"] > 0]
    if used.empty:
        return ["**Spread.** No dated adopters, so no timeline (`timeline.csv`)."]
    return ([_timeline_sentence(analysis.timeline, used), _burst_sentence(analysis)] + _spelling_sentences(analysis)
            + [_mediation_sentence(analysis)] + _where_sentences(analysis) + _collocation_sentences(analysis)
            + _rpys_sentences(analysis))


def _timeline_sentence(t: pd.DataFrame, used: pd.DataFrame) -> str:
    first, last = used.iloc[0], t.iloc[-1]
    top = used.sort_values(["adopters", "year"], ascending=[False, True]).iloc[0]
    return (f"**Spread.** The first dated adopter appeared in {int(first['year'])}; by {int(last['year'])} the graph "
            f"holds {int(last['cumulative_adopters'])} dated adopters. The most in one year: {int(top['adopters'])} in "
            f"{int(top['year'])} ({percent(top['share'])} of that year's works with known term use) (`timeline.csv`).")


def _burst_sentence(analysis: Analysis) -> str:
    if not analysis.bursts:
        return ("**Bursts.** Kleinberg burst detection (over works with known term use) finds no burst of at least "
                "10 adopters (`timeline.csv` column burst).")
    runs = ", ".join(f"{b['start']}–{b['end']}" if b["end"] != b["start"] else str(b["start"]) for b in analysis.bursts)
    return f"**Bursts.** Kleinberg burst detection marks {runs} as burst years (`bursts.csv`, `timeline.csv` column burst)."


def _spelling_sentences(analysis: Analysis) -> list[str]:
    """Whether the challenger spelling overtook the incumbent (none when there is only one spelling)."""
    c = analysis.crossover
    if not (c.get("challenger") and c.get("incumbent")):
        return []
    totals = f"{c['challenger_total']} vs {c['incumbent_total']} adopter-uses in all"
    if c["overtook"]:
        verdict = (f"“{c['challenger']}” overtook “{c['incumbent']}” in {c['year']} and stayed ahead through "
                   f"{c['last_year']}")
    elif c.get("first_year_ahead"):
        verdict = (f"“{c['challenger']}” has not overtaken “{c['incumbent']}” for good: it first led in "
                   f"{c['first_year_ahead']} but fell back")
    else:
        verdict = (f"“{c['challenger']}” never led “{c['incumbent']}” in a year with at least "
                   f"{c.get('min_works', 1)} works using either")
    return [f"**Spelling.** {verdict} ({totals}; `spellings.csv`, `crossover.csv`)."]


def _mediation_sentence(analysis: Analysis) -> str:
    m = analysis.mediation
    if m.get("ratio") is None:
        return "**Along citations.** Too few works to compare users and non-users (`mediation.csv`)."
    return (f"**Along citations.** {m['adopters_citing_earlier_adopter']} of {m['adopters_with_references']} dated "
            f"adopters whose references the graph holds cite an earlier adopter (`mediation.csv`; per year in "
            f"`timeline.csv`). Works citing an earlier adopter use the term in "
            f"{m['exposed_adopters']} of {m['exposed_works']} cases ({percent(m['p_exposed'])}), works citing none in "
            f"{m['unexposed_adopters']} of {m['unexposed_works']} ({percent(m['p_unexposed'])})"
            + (f": a ratio of {m['ratio']} (95% interval {m['ratio_low']}–{m['ratio_high']}) (`mediation.csv`)."
               if m.get("confident") else
               ": too few adopters in one of the groups to tell whether the difference is real (`mediation.csv`)."))


def _collocation_sentences(analysis: Analysis) -> list[str]:
    if analysis.collocations.empty:
        return []
    words = ", ".join(f"“{r['phrase']}” ({r['works']} work{'s' if r['works'] != 1 else ''}, first "
                      f"{_num(r['first_year'])})" for r in analysis.collocations.head(3).to_dict("records"))
    return [f"**Collocations.** Most common: {words} (`collocations.csv`)."]


def _rpys_sentences(analysis: Analysis) -> list[str]:
    if analysis.rpys_peaks.empty:
        return []
    peaks = "; ".join(f"{int(r['year'])} ({', '.join(r['top_cited_labels'][:2])})"
                      for r in analysis.rpys_peaks.head(3).to_dict("records"))
    return [f"**Historical roots (RPYS).** The references of adopters peak at {peaks} (`rpys.csv`)."]


def _where_sentences(analysis: Analysis) -> list[str]:
    lines = []
    for frame, column, source in ((analysis.fields, "field", "fields.csv"), (analysis.venues, "venue", "venues.csv")):
        used = frame[frame["adopters"] > 0].head(3).to_dict("records") if not frame.empty else []
        if used:
            top = ", ".join(f"{r[column]} ({r['adopters']} of {r['known']} with known use, first {_num(r['first_year'])})"
                            for r in used)
            lines.append(f"**Where ({column}).** Most adopters: {top} (`{source}`).")
    return lines


def report_title(analysis: Analysis) -> str:
    """The HTML page's title."""
    return f"citegraph: {analysis.term}"


def build_document(G: nx.DiGraph, analysis: Analysis, corpus: Any = None, corpus_note: str = "") -> list[Block]:
    """The whole report as blocks: the answer with its scope (corpus view, then crawl), the
    crawl's answer in brief, the evidence, the caveats.

    ``G`` is the analysed graph; the document reads its crawl notes (direction, depth, seed
    checks, dangling references) and its flagged works, and never changes it. ``corpus`` is the
    :class:`~citegraph.corpus.CorpusView` (or ``None``, ``corpus_note`` saying why).
    """
    cov = analysis.coverage
    searched = ", ".join(_searched(analysis))
    crawl = G.graph.get("crawl") or {}
    how = (f" (crawl: {crawl.get('direction', '?')}, depth {crawl.get('depth', '?')})" if crawl else "")
    around = (" around the seeds " + ", ".join(f"{s['name']} ({s['id']})" for s in analysis.seeds) if analysis.seeds
              else f" around the works using “{crawl['term']}”" if crawl.get("term") else "")
    doc: list[Block] = [
        Heading(1, f"Where did {_term_phrase(analysis)} come from, and how did it spread?"),
        Paragraph(f"Citation graph of {cov['works']} works and {cov['citations']} citations{how}{around}"
                  f". Matched: {searched}. Every number below is a row of the CSV named next to it."),
        Link("Explore the works, the chains and the text that matched: graph.html (written by crawl --html "
             "or citegraph render)", "graph.html"),
        *answer_blocks(G, analysis, corpus, corpus_note),
        Heading(2, "In the crawled graph"),
        Bullets((_earliest_sentence(analysis),)),
        *([Heading(3, "How the term reached each seed"), Bullets(tuple(_seed_sentences(analysis)))]
          if analysis.seeds else []),
        Heading(3, "When and where it spread"),
        Bullets(tuple(_spread_sentences(analysis))),
        Heading(2, "Evidence"),
    ]
    for other in analysis.others:
        doc += _other_term(other)
    doc += _evidence(analysis)
    doc += _caveats(analysis, G, corpus)
    return doc


def _cited_for(text: str, analysis: Analysis) -> str:
    """``text`` citing ``analysis``'s own CSVs (``origins-fine-tuning.csv`` for a further term)."""
    for name in PER_TERM_CSVS:
        text = text.replace(f"`{name}`", f"`{term_csv(name, analysis)}`")
    return text


def _other_term(analysis: Analysis) -> list[Block]:
    """The full analysis of a further ``--term``: origins, chains, spread, each citing its CSVs."""
    bullets = [_earliest_sentence(analysis), *_seed_sentences(analysis), *_spread_sentences(analysis)]
    return [Heading(2, f"{_term_phrase(analysis)} in the crawled graph"),
            Bullets(tuple(_cited_for(text, analysis) for text in bullets))]


def _searched(analysis: Analysis) -> list[str]:
    """What was searched for: the term's variants, or the regular expression."""
    if analysis.regex:
        return [f"/{analysis.term}/ (regular expression)"]
    return variants(analysis.term)


def _evidence(analysis: Analysis) -> list[Block]:
    doc: list[Block] = [
        Heading(3, "Earliest adopters"),
        _table(analysis.earliest, [
            ("rank", "rank", _num), ("year", "year", _num), ("work", "label", _text), ("id", "id", _text),
            ("title", "title", _text), ("where", "where", _text), ("forms", "forms", _text),
            ("evidence", "snippet", _text)], "origins.csv"),
        Heading(3, "Adoption chains (each work cites the next)"),
        _table(analysis.chains, [
            ("seed", "seed_name", _text), ("chain", "chain", _num), ("kind", "kind", _text), ("hops", "hops", _num),
            ("path", "labels", _arrows), ("ids", "path", _arrows), ("note", "note", _text)], "chains.csv"),
        Heading(3, "Adoption per year"),
        Chart(analysis.timeline),
    ]
    t = analysis.timeline
    used = t[t["adopters"] > 0]
    shown = t[t["year"] >= used["year"].min()] if not used.empty else t.tail(0)
    doc.append(_table(shown, [
        ("year", "year", _num), ("works", "works", _num), ("known use", "known", _num), ("adopters", "adopters", _num),
        ("share of known", "share", percent), ("cumulative", "cumulative_adopters", _num),
        ("with refs in graph", "with_references", _num), ("citing an earlier adopter", "citing_earlier_adopter", _num),
        ("burst", "burst", lambda b: "yes" if b else "")], "timeline.csv", limit=200))
    spell_cols = [(c, c, _num) for c in analysis.spellings.columns]
    doc += [Heading(3, "Spellings per year"), _table(analysis.spellings, spell_cols, "spellings.csv", limit=200)]
    form_cols = [(c, c, _num) for c in analysis.forms.columns]
    doc += [Paragraph("Surface forms per year:"), _table(analysis.forms, form_cols, "forms.csv", limit=200)]
    doc += [
        Heading(3, "Collocations"),
        _table(analysis.collocations, [
            ("phrase", "phrase", _text), ("works", "works", _num), ("first year", "first_year", _num),
            ("first work", "first_label", _text), ("per year", "by_year", _text)], "collocations.csv"),
        Heading(3, "Fields and venues"),
        _adoption_by(analysis.fields, "field", "fields.csv"),
        _adoption_by(analysis.venues, "venue", "venues.csv"),
        Heading(3, "Main path (search path count)"),
        Paragraph("The global main path is the chain of citations carrying the most search paths (SPC, "
                  "Hummon & Doreian 1989; Batagelj 2003); key routes extend the top-SPC citations both ways. "
                  "Citation cycles are condensed first; a step inside one has SPC 0."),
        _table(analysis.main_path[analysis.main_path["kind"] == "global"], [
            ("step", "step", _num), ("citing", "citing_label", _text), ("cited", "cited_label", _text),
            ("citing id", "citing", _text), ("cited id", "cited", _text), ("SPC", "spc", _num),
            ("SPC share", "spc_share", percent)], "mainpath.csv", limit=80),
        Paragraph("Key routes (rows of `mainpath.csv` with kind key_route), each from an uncited work down to one citing nothing:"),
        _table(_key_route_summary(analysis.main_path), [
            ("route", "route", _num), ("steps", "steps", _num), ("largest SPC", "top_spc", _num),
            ("path", "labels", _arrows)], "mainpath.csv"),
        Heading(3, "Reference publication year spectroscopy"),
        Paragraph("Citations from adopters per cited year, minus the median of the five years around it; "
                  "peaks mark the roots the adopters keep citing."),
        _table(analysis.rpys_peaks, [
            ("peak year", "year", _num), ("cited refs", "cited_refs", _num), ("5-year median", "median_5y", _num),
            ("deviation", "deviation", _num), ("most cited that year", "top_cited_labels", _text),
            ("citations", "top_cited_counts", _text)], "rpys.csv"),
    ]
    if len(analysis.terms) > 1:
        doc += [Heading(3, "Other terms"),
                _table(analysis.term_timelines, [
                    ("term", "term", _text), ("year", "year", _num), ("known", "known", _num),
                    ("adopters", "adopters", _num), ("share", "share", percent)], "terms.csv", limit=200)]
    return doc


def _adoption_by(frame: pd.DataFrame, column: str, source: str) -> Table:
    """Adoption per field or per venue (the 15 largest)."""
    return _table(frame, [
        (column, column, _text), ("works", "works", _num), ("known", "known", _num), ("adopters", "adopters", _num),
        ("share", "share", percent), ("first year", "first_year", _num)], source, limit=15)


def _key_route_summary(paths: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for route, group in paths[paths["kind"] == "key_route"].groupby("route", sort=True):
        labels = list(group["citing_label"]) + [group["cited_label"].iloc[-1]]
        rows.append({"route": route, "steps": len(group), "top_spc": max(group["spc"]), "labels": labels})
    return pd.DataFrame(rows, columns=["route", "steps", "top_spc", "labels"])


def _defect_notes(G: nx.DiGraph) -> list[str]:
    """What the crawl found wrong in the data: seed checks and references that answered nothing."""
    crawl = G.graph.get("crawl") or {}
    notes = [f"Seed {_text(w.get('seed'))} ({_text(w.get('id'))}): {_text(w.get('warning'))}."
             for w in crawl.get("seed_warnings") or () if isinstance(w, dict)]
    dangling = crawl.get("dangling_refs")
    if dangling:
        notes.append(f"{_num(dangling)} referenced works could not be fetched (OpenAlex answered nothing for them: "
                     "unknown, merged or deleted ids) and are not in the graph; each is listed with the works "
                     "citing it in `summary.json` (dangling_refs).")
    return notes


#: Fields where "pre-training" mostly means "before a training session" (pre-/post-training
#: scores, assessments), not a stage of machine learning.
OTHER_SENSE_FIELDS = ("Psychology", "Medicine", "Health Professions", "Nursing", "Neuroscience",
                      "Social Sciences", "Arts and Humanities", "Veterinary", "Dentistry")


def _sense_caveat(analysis: Analysis, corpus: Any) -> str:
    """What string matching cannot tell: a compound meaning "before training" (clinical and
    psychology studies: "pre-training and post-training scores"), with the corpus's works in
    fields where that sense dominates, when the corpus view counted fields."""
    text = ("String matching cannot tell the senses of a word apart: “pre-training” also means *before a "
            "training session* (“pre-training and post-training scores” in clinical, sports and psychology "
            "studies).")
    if corpus is None or corpus.fields.empty:
        return text
    fields = corpus.fields[(corpus.fields["term"] == analysis.term) & corpus.fields["field"].isin(OTHER_SENSE_FIELDS)]
    if fields.empty:
        return text
    totals = fields.groupby("field")["works"].sum().sort_values(ascending=False)
    listed = ", ".join(f"{name} ({int(n):,})" for name, n in totals.items())
    return (text + f" In the corpus, {int(totals.sum()):,} of its works are in fields where that sense dominates: "
            f"{listed} (`corpus_fields.csv`); read their counts as a different use, not as the same idea spreading.")


def _caveats(analysis: Analysis, G: nx.DiGraph, corpus: Any = None) -> list[Block]:
    cov = analysis.coverage
    items = [
        f"Only {cov['works_with_abstract']} of {cov['works']} works ({percent(cov['abstract_share'])}) have a real "
        f"abstract; {cov['use_unknown']} ({percent(cov['unknown_share'])}) have unknown term use — no abstract and no "
        f"title match — and count neither as users nor as non-users (`coverage.csv`).",
        f"{cov['title_only_works']} works could only be judged by their title; {cov['works_without_year']} have no "
        f"year and are left out of every per-year number, including {cov['adopters_without_year']} adopters "
        f"(`coverage.csv`).",
        f"{cov['works_citing_nothing_in_graph']} works cite nothing inside the graph (the crawl's frontier, or "
        f"missing reference lists), so chains, the main path and citation-mediated adoption see only part of "
        f"the citations (`coverage.csv`).",
        "Dates of the form YYYY-01-01 are year-only placeholders and are not used to order works within a year.",
        "Term matching is lexical: a work may use the idea without the word, and a use may be a passing mention.",
        _sense_caveat(analysis, corpus),
    ]
    items += _defect_notes(G)
    flagged = flagged_works(G)
    return [
        Heading(2, "Caveats"),
        Bullets(tuple(items)),
        _table(coverage_table(analysis), [("metric", "metric", _text), ("value", "value", _num),
                                          ("meaning", "meaning", _text)], "coverage.csv"),
        Paragraph("Data warnings by code:"),
        _table(analysis.warnings, [("code", "code", _text), ("works", "works", _num),
                                   ("meaning", "meaning", _text)], "warnings.csv"),
    ] + ([
        Paragraph("Works with data warnings (never fatal: they stay in the graph, flagged):"),
        _table(flagged, [("id", "id", _text), ("seed", "seed", _text), ("year", "year", _num),
                         ("title", "title", _text), ("warnings", "warnings", _text)], "flagged.csv"),
    ] if not flagged.empty else [])


# --- what the CLI prints -------------------------------------------------------------------


def report_summary(analysis: Analysis) -> str:
    """A few plain lines for the CLI to print after an analysis."""
    cov = analysis.coverage
    adopters = f"{cov['adopters']} adopter" + ("" if cov["adopters"] == 1 else "s")
    lines = [f"{_term_phrase(analysis)}: {adopters} among {cov['known_use']} works with known term use "
             f"({cov['works']} works, {cov['use_unknown']} unknown)"]
    if not analysis.earliest.empty:
        first = analysis.earliest.head(3).to_dict("records")
        lines.append("earliest: " + "; ".join(f"{r['label']} ({r['id']})" for r in first))
    for seed in analysis.seeds:
        rows = analysis.chains[(analysis.chains["seed"] == seed["id"]) & (analysis.chains["kind"] != "none")]
        if rows.empty:
            lines.append(f"{seed['name']}: no adoption chain")
        else:
            best = rows.iloc[0]
            lines.append(f"{seed['name']}: {len(rows)} chains; {' → '.join(best['labels'])}")
    c = analysis.crossover
    if c.get("challenger"):
        state = f"overtook in {c['year']}" if c["overtook"] else "has not overtaken"
        lines.append(f"spelling: “{c['challenger']}” {state} “{c['incumbent']}” "
                     f"({c['challenger_total']} vs {c['incumbent_total']})")
    m = analysis.mediation
    if m.get("ratio") is not None and m.get("confident"):
        lines.append(f"citing an earlier adopter: P(use) {percent(m['p_exposed'])} vs {percent(m['p_unexposed'])} "
                     f"without (ratio {m['ratio']}, 95% interval {m['ratio_low']}–{m['ratio_high']})")
    elif m.get("exposed_works") and m.get("unexposed_works"):
        lines.append(f"citing an earlier adopter: {m['exposed_adopters']} of {m['exposed_works']} use it vs "
                     f"{m['unexposed_adopters']} of {m['unexposed_works']} without (too few to tell)")
    return "\n".join(lines)
