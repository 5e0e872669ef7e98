"""What a person reads: ``report.md``, a self-contained ``report.html`` and the CSVs behind them.

The report answers first — the earliest adopters with their evidence, how the term reached each
seed, when and how it spread — then shows the evidence, then the caveats. Every number in it
is read from a table that is also written as a CSV, and each section names its CSV, so any
number can be traced to a row. Both documents are rendered from one list of blocks, so they
say the same thing. Record text is untrusted (titles and abstracts can hold ``<script>``): the
HTML escapes everything, loads nothing from the network, and carries no script at all.
"""

from __future__ import annotations

import html
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import networkx as nx
import pandas as pd

from .analysis import Analysis
from .analysis.coverage import COVERAGE_TEXT
from .errors import OutputError
from .terms import variants

__all__ = ["write_report", "report_summary", "CSV_FILES"]

log = logging.getLogger("citegraph")

#: The CSV files :func:`write_report` may write (``online.csv`` only with online counts).
CSV_FILES = (
    "origins.csv", "chains.csv", "timeline.csv", "mainpath.csv", "rpys.csv", "spellings.csv", "forms.csv",
    "crossover.csv", "collocations.csv", "fields.csv", "venues.csv", "mediation.csv", "bursts.csv",
    "coverage.csv", "warnings.csv", "flagged.csv", "seeds.csv", "terms.csv", "online.csv",
)
_ARROW_COLUMNS = {"path", "years", "labels"}
_MAX_ROWS = 40


# --- values ---------------------------------------------------------------------------------


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _csv_value(column: str, value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return (" > " if column in _ARROW_COLUMNS else "; ").join("" if _missing(v) else str(v) for v in value)
    return "" if _missing(value) else value


def _num(value: Any) -> str:
    """An integer as plain digits (no separators, so it can be found in the CSV), else as given."""
    if _missing(value):
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _pct(value: Any) -> str:
    return "–" if _missing(value) else f"{float(value) * 100:.1f}%"


def _quote(text: str, limit: int = 240) -> str:
    text = " ".join(str(text or "").split())
    return "“" + (text if len(text) <= limit else text[: limit - 1] + "…") + "”"


# --- the document ---------------------------------------------------------------------------


@dataclass
class _Table:
    columns: list[str]
    rows: list[list[str]]
    source: str
    more: int = 0  # rows left out of the report (all are in the CSV)


Block = tuple[str, Any]


def _table(frame: pd.DataFrame, columns: Sequence[tuple[str, str, Any]], source: str, limit: int = _MAX_ROWS) -> _Table:
    """``columns``: (heading, frame column, formatter)."""
    rows = []
    for record in frame.head(limit).to_dict("records"):
        rows.append([fmt(record.get(col)) for _, col, fmt in columns])
    return _Table([heading for heading, _, _ in columns], rows, source, max(0, len(frame) - limit))


def _text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return "" if _missing(value) else str(value)


def _arrows(value: Any) -> str:
    return " → ".join(str(v) for v in value) if isinstance(value, (list, tuple)) else _text(value)


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
    t = analysis.timeline
    used = t[t["adopters"] > 0]
    if used.empty:
        return ["**Spread.** No dated adopters, so no timeline (`timeline.csv`)."]
    first, last = used.iloc[0], t.iloc[-1]
    top = used.sort_values(["adopters", "year"], ascending=[False, True]).iloc[0]
    lines = [
        f"**Spread.** The first dated adopter appeared in {int(first['year'])}; by {int(last['year'])} the graph "
        f"holds {int(last['cumulative_adopters'])} dated adopters. The most in one year: {int(top['adopters'])} in "
        f"{int(top['year'])} ({_pct(top['share'])} of that year's works with known term use) (`timeline.csv`)."
    ]
    if analysis.bursts:
        runs = ", ".join(f"{b['start']}–{b['end']}" if b["end"] != b["start"] else str(b["start"]) for b in analysis.bursts)
        lines.append(f"**Bursts.** Kleinberg burst detection marks {runs} as burst years (`bursts.csv`, `timeline.csv` column burst).")
    else:
        lines.append("**Bursts.** Kleinberg burst detection finds no burst year (`timeline.csv` column burst).")
    c = analysis.crossover
    if c.get("challenger") and c.get("incumbent"):
        totals = f"{c['challenger_total']} vs {c['incumbent_total']} adopter-uses in all"
        if c["overtook"]:
            verdict = (f"“{c['challenger']}” overtook “{c['incumbent']}” in {c['year']} and stayed ahead through "
                       f"{c['last_year']}")
        elif c.get("first_year_ahead"):
            verdict = (f"“{c['challenger']}” has not overtaken “{c['incumbent']}” for good: it first led in "
                       f"{c['first_year_ahead']} but fell back")
        else:
            verdict = f"“{c['challenger']}” never led “{c['incumbent']}” in any year"
        lines.append(f"**Spelling.** {verdict} ({totals}; `spellings.csv`, `crossover.csv`).")
    m = analysis.mediation
    if m.get("ratio") is not None:
        lines.append(
            f"**Along citations.** {m['adopters_citing_earlier_adopter']} of {m['adopters_with_references']} dated "
            f"adopters whose references the graph holds cite an earlier adopter (`mediation.csv`; per year in "
            f"`timeline.csv`). Works citing an earlier adopter use the term in "
            f"{m['exposed_adopters']} of {m['exposed_works']} cases ({_pct(m['p_exposed'])}), works citing none in "
            f"{m['unexposed_adopters']} of {m['unexposed_works']} ({_pct(m['p_unexposed'])}): a ratio of "
            f"{m['ratio']} (`mediation.csv`)."
        )
    else:
        lines.append("**Along citations.** Too few works to compare users and non-users (`mediation.csv`).")
    lines += _where_sentences(analysis)
    if not analysis.collocations.empty:
        top_words = analysis.collocations.head(3).to_dict("records")
        words = ", ".join(f"“{r['phrase']}” ({r['works']} work{'s' if r['works'] != 1 else ''}, first "
                          f"{_num(r['first_year'])})" for r in top_words)
        lines.append(f"**Collocations.** Most common: {words} (`collocations.csv`).")
    if not analysis.rpys_peaks.empty:
        peaks = "; ".join(f"{int(r['year'])} ({', '.join(r['top_cited_labels'][:2])})"
                          for r in analysis.rpys_peaks.head(3).to_dict("records"))
        lines.append(f"**Historical roots (RPYS).** The references of adopters peak at {peaks} (`rpys.csv`).")
    return lines


def _where_sentences(analysis: Analysis) -> list[str]:
    lines = []
    for frame, column, source in ((analysis.fields, "field", "fields.csv"), (analysis.venues, "venue", "venues.csv")):
        used = frame[frame["adopters"] > 0].head(3).to_dict("records") if not frame.empty else []
        if used:
            top = ", ".join(f"{r[column]} ({r['adopters']} of {r['known']} with known use, first {_num(r['first_year'])})"
                            for r in used)
            lines.append(f"**Where ({column}).** Most adopters: {top} (`{source}`).")
    online = analysis.online
    if online is not None and not online.empty:
        everywhere = online[(online["scope"] == "openalex") & (online["term"] == analysis.term)]
        if not everywhere.empty:
            first, peak = everywhere.iloc[0], everywhere.sort_values(["count", "year"], ascending=[False, True]).iloc[0]
            lines.append(f"**All of OpenAlex.** Works whose title or abstract OpenAlex matches to {_term_phrase(analysis)}: "
                         f"{_num(first['count'])} in {_num(first['year'])}, at most {_num(peak['count'])} in "
                         f"{_num(peak['year'])} (`online.csv`).")
    return lines


def _document(G: nx.DiGraph, analysis: Analysis) -> list[Block]:
    cov = analysis.coverage
    variants = ", ".join(_searched(analysis))
    crawl = G.graph.get("crawl") or {}
    how = (f" (crawl: {crawl.get('direction', '?')}, depth {crawl.get('depth', '?')})" if crawl else "")
    doc: list[Block] = [
        ("h1", f"Where did {_term_phrase(analysis)} come from, and how did it spread?"),
        ("p", f"Citation graph of {cov['works']} works and {cov['citations']} citations{how} around the seeds "
              + ", ".join(f"{s['name']} ({s['id']})" for s in analysis.seeds)
              + f". Matched: {variants}. Every number below is a row of the CSV named next to it."),
        ("h2", "The answer in brief"),
        ("ul", [_earliest_sentence(analysis)]),
        ("h3", "How the term reached each seed"),
        ("ul", _seed_sentences(analysis)),
        ("h3", "When and where it spread"),
        ("ul", _spread_sentences(analysis)),
        ("h2", "Evidence"),
    ]
    doc += _evidence(analysis)
    doc += _caveats(analysis, G)
    return doc


def _searched(analysis: Analysis) -> list[str]:
    """What was searched for: the term's variants, or the regular expression."""
    if analysis.regex:
        return [f"/{analysis.term}/ (regular expression)"]
    return variants(analysis.term)


def _evidence(analysis: Analysis) -> list[Block]:
    doc: list[Block] = [
        ("h3", "Earliest adopters"),
        ("table", _table(analysis.earliest, [
            ("rank", "rank", _num), ("year", "year", _num), ("work", "label", _text), ("id", "id", _text),
            ("title", "title", _text), ("where", "where", _text), ("forms", "forms", _text),
            ("evidence", "snippet", _text)], "origins.csv")),
        ("h3", "Adoption chains (each work cites the next)"),
        ("table", _table(analysis.chains, [
            ("seed", "seed_name", _text), ("chain", "chain", _num), ("kind", "kind", _text), ("hops", "hops", _num),
            ("path", "labels", _arrows), ("ids", "path", _arrows), ("note", "note", _text)], "chains.csv")),
        ("h3", "Adoption per year"),
        ("chart", analysis.timeline),
    ]
    t = analysis.timeline
    used = t[t["adopters"] > 0]
    shown = t[t["year"] >= used["year"].min()] if not used.empty else t.tail(0)
    doc.append(("table", _table(shown, [
        ("year", "year", _num), ("works", "works", _num), ("known use", "known", _num), ("adopters", "adopters", _num),
        ("share of known", "share", _pct), ("cumulative", "cumulative_adopters", _num),
        ("with refs in graph", "with_references", _num), ("citing an earlier adopter", "citing_earlier_adopter", _num),
        ("burst", "burst", lambda b: "yes" if b else "")], "timeline.csv", limit=200)))
    spell_cols = [(c, c, _num) for c in analysis.spellings.columns]
    doc += [("h3", "Spellings per year"), ("table", _table(analysis.spellings, spell_cols, "spellings.csv", limit=200))]
    form_cols = [(c, c, _num) for c in analysis.forms.columns]
    doc += [("p", "Surface forms per year:"), ("table", _table(analysis.forms, form_cols, "forms.csv", limit=200))]
    doc += [
        ("h3", "Collocations"),
        ("table", _table(analysis.collocations, [
            ("phrase", "phrase", _text), ("works", "works", _num), ("first year", "first_year", _num),
            ("first work", "first_label", _text), ("per year", "by_year", _text)], "collocations.csv")),
        ("h3", "Fields and venues"),
        ("table", _table(analysis.fields, [
            ("field", "field", _text), ("works", "works", _num), ("known", "known", _num), ("adopters", "adopters", _num),
            ("share", "share", _pct), ("first year", "first_year", _num)], "fields.csv", limit=15)),
        ("table", _table(analysis.venues, [
            ("venue", "venue", _text), ("works", "works", _num), ("known", "known", _num), ("adopters", "adopters", _num),
            ("share", "share", _pct), ("first year", "first_year", _num)], "venues.csv", limit=15)),
        ("h3", "Main path (search path count)"),
        ("p", "The global main path is the chain of citations carrying the most search paths (SPC, "
              "Hummon & Doreian 1989; Batagelj 2003); key routes extend the top-SPC citations both ways. "
              "Citation cycles are condensed first; a step inside one has SPC 0."),
        ("table", _table(analysis.main_path[analysis.main_path["kind"] == "global"], [
            ("step", "step", _num), ("citing", "citing_label", _text), ("cited", "cited_label", _text),
            ("citing id", "citing", _text), ("cited id", "cited", _text), ("SPC", "spc", _num),
            ("SPC share", "spc_share", _pct)], "mainpath.csv", limit=80)),
        ("p", "Key routes (rows of `mainpath.csv` with kind key_route), each from an uncited work down to one citing nothing:"),
        ("table", _table(_key_route_summary(analysis.main_path), [
            ("route", "route", _num), ("steps", "steps", _num), ("largest SPC", "top_spc", _num),
            ("path", "labels", _arrows)], "mainpath.csv")),
        ("h3", "Reference publication year spectroscopy"),
        ("p", "Citations from adopters per cited year, minus the median of the five years around it; "
              "peaks mark the roots the adopters keep citing."),
        ("table", _table(analysis.rpys_peaks, [
            ("peak year", "year", _num), ("cited refs", "cited_refs", _num), ("5-year median", "median_5y", _num),
            ("deviation", "deviation", _num), ("most cited that year", "top_cited_labels", _text),
            ("citations", "top_cited_counts", _text)], "rpys.csv")),
    ]
    if analysis.online is not None and not analysis.online.empty:
        doc += [("h3", "Beyond the graph: all of OpenAlex"),
                ("table", _table(analysis.online, [
                    ("scope", "scope", _text), ("seed", "seed_name", _text), ("term", "term", _text), ("year", "year", _num),
                    ("count", "count", _num), ("total", "total", _num), ("share", "share", _pct)], "online.csv", limit=120))]
    if len(analysis.terms) > 1:
        doc += [("h3", "Other terms"),
                ("table", _table(analysis.term_timelines, [
                    ("term", "term", _text), ("year", "year", _num), ("known", "known", _num),
                    ("adopters", "adopters", _num), ("share", "share", _pct)], "terms.csv", limit=200))]
    return doc


def _key_route_summary(paths: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for route, group in paths[paths["kind"] == "key_route"].groupby("route", sort=True):
        labels = list(group["citing_label"]) + [group["cited_label"].iloc[-1]]
        rows.append({"route": route, "steps": len(group), "top_spc": max(group["spc"]), "labels": labels})
    return pd.DataFrame(rows, columns=["route", "steps", "top_spc", "labels"])


def _flagged_works(G: nx.DiGraph) -> pd.DataFrame:
    """Works whose record has data defects (``warnings``), seeds first, then by id."""
    rows = [{"id": node, "seed": attrs.get("seed_name") or "", "year": attrs.get("year"),
             "title": attrs.get("title") or "(no title)", "warnings": list(attrs.get("warnings") or [])}
            for node, attrs in G.nodes(data=True) if attrs.get("warnings")]
    rows.sort(key=lambda row: (not row["seed"], row["id"]))
    return pd.DataFrame(rows, columns=["id", "seed", "year", "title", "warnings"])


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


def _caveats(analysis: Analysis, G: nx.DiGraph | None = None) -> list[Block]:
    cov = analysis.coverage
    items = [
        f"Only {cov['works_with_abstract']} of {cov['works']} works ({_pct(cov['abstract_share'])}) have a real "
        f"abstract; {cov['use_unknown']} ({_pct(cov['unknown_share'])}) have unknown term use — no abstract and no "
        f"title match — and count neither as users nor as non-users (`coverage.csv`).",
        f"{cov['title_only_works']} works could only be judged by their title; {cov['works_without_year']} have no "
        f"year and are left out of every per-year number, including {cov['adopters_without_year']} adopters "
        f"(`coverage.csv`).",
        f"{cov['works_citing_nothing_in_graph']} works cite nothing inside the graph (the crawl's frontier, or "
        f"missing reference lists), so chains, the main path and citation-mediated adoption see only part of "
        f"the citations (`coverage.csv`).",
        "Dates of the form YYYY-01-01 are year-only placeholders and are not used to order works within a year.",
        "Term matching is lexical: a work may use the idea without the word, and a use may be a passing mention.",
    ]
    items += _defect_notes(G) if G is not None else []
    flagged = _flagged_works(G) if G is not None else pd.DataFrame()
    return [
        ("h2", "Caveats"),
        ("ul", items),
        ("table", _table(pd.DataFrame(
            [{"metric": k, "value": v, "meaning": COVERAGE_TEXT.get(k, "")} for k, v in cov.items()]),
            [("metric", "metric", _text), ("value", "value", _num), ("meaning", "meaning", _text)], "coverage.csv")),
        ("p", "Data warnings by code:"),
        ("table", _table(analysis.warnings, [("code", "code", _text), ("works", "works", _num),
                                             ("meaning", "meaning", _text)], "warnings.csv")),
    ] + ([
        ("p", "Works with data warnings (never fatal: they stay in the graph, flagged):"),
        ("table", _table(flagged, [("id", "id", _text), ("seed", "seed", _text), ("year", "year", _num),
                                   ("title", "title", _text), ("warnings", "warnings", _text)], "flagged.csv")),
    ] if not flagged.empty else [])


# --- rendering ------------------------------------------------------------------------------


def _md_text(text: str) -> str:
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


def _md_cell(text: str) -> str:
    return _md_text(" ".join(str(text).split())).replace("|", "\\|")


def _render_md(doc: Iterable[Block]) -> str:
    out: list[str] = []
    for kind, value in doc:
        if kind in ("h1", "h2", "h3"):
            out += ["#" * int(kind[1]) + " " + _md_text(value), ""]
        elif kind == "p":
            out += [_md_text(value), ""]
        elif kind == "ul":
            out += [f"- {_md_text(item)}" for item in value] + [""]
        elif kind == "chart":
            out += ["(The adoption chart is in `report.html`; its numbers are the table below.)", ""]
        elif kind == "table":
            out += _md_table(value)
    return "\n".join(out).rstrip() + "\n"


def _md_table(table: _Table) -> list[str]:
    lines = [f"Source: `{table.source}`", ""]
    if not table.rows:
        return lines + ["(none)", ""]
    lines.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
    lines.append("|" + "---|" * len(table.columns))
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    if table.more:
        lines.append(f"\n… {table.more} more rows in `{table.source}`.")
    return lines + [""]


def _html_inline(text: str) -> str:
    escaped = html.escape(str(text), quote=True)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return re.sub(r"`([^`]+?)`", r"<code>\1</code>", escaped)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{margin-top:1.3em}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}th{background:#f3f3f3}
code{background:#f3f3f3;padding:0 .2em}.src{font-size:.8em;color:#555}svg{max-width:100%;height:auto}
""".strip()


def _render_html(doc: Iterable[Block], title: str) -> str:
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
           f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"]
    for kind, value in doc:
        if kind in ("h1", "h2", "h3"):
            out.append(f"<{kind}>{_html_inline(value)}</{kind}>")
        elif kind == "p":
            out.append(f"<p>{_html_inline(value)}</p>")
        elif kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_html_inline(item)}</li>" for item in value) + "</ul>")
        elif kind == "chart":
            out.append(_svg_timeline(value))
        elif kind == "table":
            out.append(_html_table(value))
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_table(table: _Table) -> str:
    source = f'<div class="src">Source: <code>{html.escape(table.source)}</code></div>'
    if not table.rows:
        return source + "<p>(none)</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in table.rows)
    more = f'<div class="src">… {table.more} more rows in <code>{html.escape(table.source)}</code>.</div>' if table.more else ""
    return f"{source}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _svg_timeline(timeline: pd.DataFrame) -> str:
    """Adopters per year as bars, the share of known works as a line (0–100% on the right)."""
    used = timeline[timeline["adopters"] > 0]
    if used.empty:
        return "<p>(no dated adopters to chart)</p>"
    data = timeline[timeline["year"] >= used["year"].min()]
    width, height, left, right, top, bottom = 760, 260, 44, 44, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(data)
    peak = max(1, int(data["adopters"].max()))
    slot = plot_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Adopters per year">',
             f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#444"/>',
             f'<text x="4" y="{top + 10}" font-size="11" fill="#333">{peak}</text>',
             f'<text x="{width - right + 4}" y="{top + 10}" font-size="11" fill="#b04">100%</text>']
    points = []
    step = max(1, math.ceil(n / 15))
    for i, row in enumerate(data.to_dict("records")):
        x = left + i * slot
        bar_h = plot_h * int(row["adopters"]) / peak
        tip = html.escape(f"{row['year']}: {row['adopters']} adopters, share {_pct(row['share'])}")
        fill = "#d9822b" if row.get("burst") else "#3b6ea8"
        parts.append(f'<rect x="{x + slot * 0.1:.1f}" y="{top + plot_h - bar_h:.1f}" width="{slot * 0.8:.1f}" '
                     f'height="{bar_h:.1f}" fill="{fill}"><title>{tip}</title></rect>')
        if i % step == 0:
            parts.append(f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 16}" font-size="10" text-anchor="middle" '
                         f'fill="#333">{int(row["year"])}</text>')
        if not _missing(row["share"]):
            points.append(f"{x + slot / 2:.1f},{top + plot_h * (1 - float(row['share'])):.1f}")
    if points:
        parts.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="#b04" stroke-width="1.5"/>')
    parts.append(f'<text x="{left}" y="{height - 4}" font-size="11" fill="#333">bars: adopters per year '
                 f'(orange: burst years); line: share of works with known term use</text>')
    parts.append("</svg>")
    return "\n".join(parts)


# --- files ----------------------------------------------------------------------------------


def _frames(analysis: Analysis, G: nx.DiGraph) -> dict[str, pd.DataFrame]:
    def metric(data: dict[str, Any]) -> pd.DataFrame:
        return pd.DataFrame({"metric": list(data), "value": pd.Series(list(data.values()), dtype=object)})

    coverage = pd.DataFrame([{"metric": k, "value": v, "meaning": COVERAGE_TEXT.get(k, "")}
                             for k, v in analysis.coverage.items()])
    frames = {
        "origins.csv": analysis.earliest, "chains.csv": analysis.chains, "timeline.csv": analysis.timeline,
        "mainpath.csv": analysis.main_path, "rpys.csv": analysis.rpys, "spellings.csv": analysis.spellings,
        "forms.csv": analysis.forms, "crossover.csv": metric(analysis.crossover),
        "collocations.csv": analysis.collocations, "fields.csv": analysis.fields, "venues.csv": analysis.venues,
        "mediation.csv": metric(analysis.mediation),
        "bursts.csv": pd.DataFrame(analysis.bursts, columns=["start", "end", "adopters", "weight"]),
        "coverage.csv": coverage, "warnings.csv": analysis.warnings, "flagged.csv": _flagged_works(G),
        "seeds.csv": pd.DataFrame(analysis.seeds),
        "terms.csv": analysis.term_timelines,
    }
    if analysis.online is not None:
        frames["online.csv"] = analysis.online
    return frames


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    flat = frame.copy()
    for column in flat.columns:
        if flat[column].dtype == object:
            flat[column] = pd.Series([_csv_value(column, v) for v in flat[column]], index=flat.index, dtype=object)
    flat.to_csv(path, index=False, lineterminator="\n")


def write_report(G: nx.DiGraph, analysis: Analysis, out_dir: Path | str) -> dict[str, Path]:
    """Write ``report.md``, ``report.html`` and the CSVs into ``out_dir``; return ``{file name: path}``.

    Raises :class:`OutputError` when the directory cannot be created or written.
    """
    out = Path(out_dir)
    paths: dict[str, Path] = {}
    doc = _document(G, analysis)
    title = f"citegraph: {analysis.term}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in _frames(analysis, G).items():
            _write_csv(frame, out / name)
            paths[name] = out / name
        (out / "report.md").write_text(_render_md(doc), encoding="utf-8")
        paths["report.md"] = out / "report.md"
        (out / "report.html").write_text(_render_html(doc, title), encoding="utf-8")
        paths["report.html"] = out / "report.html"
    except OSError as exc:
        raise OutputError(f"cannot write the report to {out}: {exc.strerror or exc}; choose a writable --out") from exc
    log.info("report written to %s (%d files)", out, len(paths))
    return paths


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
    if m.get("ratio") is not None:
        lines.append(f"citing an earlier adopter: P(use) {_pct(m['p_exposed'])} vs {_pct(m['p_unexposed'])} "
                     f"without (ratio {m['ratio']})")
    return "\n".join(lines)
