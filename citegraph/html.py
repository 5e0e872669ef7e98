"""The interactive HTML explorer: one self-contained ``graph.html`` to open from disk.

The page is a timeline (x = publication year, like CitNetExplorer and Local Citation Network)
drawn by vis-network; colour is term use, size is log citations, seeds are stars, earliest
adopters diamonds, origin chains and the main path are outlined and their links drawn thick.
The side bar searches and filters, the side panel shows a clicked work.

It opens on the answer: the works using the term, the seeds and the works on the chains of
citing adopters between them (:func:`focus_nodes`), laid out roomily (:func:`year_layout` with
``roomy=True``; on a portrait screen one work per line, :func:`list_layout`) and named "Devlin
2019" ("Hinton 2006a"/"Hinton 2006b" when two names collide, :func:`short_labels`). Everything
else is one click away; the main path (a backbone of the whole graph, not of the term) is its
own toggle, off unless every work on it uses the term. Only the first few of the earliest
adopters wear the badge (:func:`badge_holders`). pyvis supplies the
vis-network build and renders the page from ``assets/explorer.html`` (its stock template links
bootstrap from a CDN, so it is not used); the page script is ``assets/explorer.js``.

Assumptions and guarantees:

* The graph is citegraph's ``nx.DiGraph`` (edge citing -> cited, node attributes as
  ``citegraph.model`` documents them). Term use and highlights are passed in as values
  (:class:`~citegraph.terms.TermUses`, :class:`~citegraph.analysis.Highlights`) and joined to
  the works in a copy (:func:`~citegraph.analysis.highlights.export_view`); without them every
  work shows as term use "unknown" and nothing is highlighted.
* **Offline**: vis-network is inlined from pyvis's own package data; pyvis's stock template
  (which links bootstrap from a CDN) is not used. A Content-Security-Policy allows only the
  page's own inline scripts (by hash), so the page cannot fetch anything, and inline event
  handlers smuggled in by record text could not run even if escaping failed. DOI, OpenAlex
  and arXiv links are built in the page from ids, at click time.
* **Safety**: record text travels only as JSON in a ``<script type="application/json">``
  block with ``<``, ``>``, ``&`` and every non-ASCII character escaped, and the page puts it
  on screen with ``textContent`` (tooltips are DOM elements built the same way).
* **Scale**: above ``max_nodes`` only the most relevant works are drawn (:func:`select_nodes`)
  and the page says what was left out. Positions are fixed by the year layout and physics is
  off, so nothing has to stabilise.
* The output is deterministic: the same graph gives a byte-identical file.

This module is the only one that imports pyvis (lazily: importing it pulls in IPython).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Mapping

import networkx as nx
from markupsafe import Markup

from .analysis.highlights import Highlights, export_view
from .atomic import atomic_write
from .errors import OutputError
from .records import WARNING_TEXT, is_synthetic_id
from .terms import USES, TermUses

__all__ = [
    "render_html", "select_nodes", "focus_nodes", "badge_holders", "short_labels", "year_layout", "list_layout",
    "DEFAULT_MAX_NODES", "TERM_USES", "TERM_COLOURS", "BADGE_MIN",
]

DEFAULT_MAX_NODES = 2000

#: Term-use categories in legend order, and their fill colours (Okabe-Ito, colour-blind safe).
TERM_USES: tuple[str, ...] = USES
TERM_COLOURS: dict[str, str] = {
    "title": "#D55E00",
    "abstract": "#E69F00",
    "no": "#56B4E9",
    "unknown": "#C4C4C4",
}
TERM_LABELS: dict[str, str] = {
    "title": "in the title",
    "abstract": "in the abstract only",
    "no": "not used (abstract checked)",
    "unknown": "unknown (no usable abstract)",
}
#: The filter names of the term-use boxes ("show non-users").
TERM_NAMES: dict[str, str] = {
    "title": "in the title",
    "abstract": "in the abstract only",
    "no": "non-users (abstract checked)",
    "unknown": "unknown use (no usable abstract)",
}
CHAIN_COLOUR = "#7B3294"
MAIN_PATH_COLOUR = "#0072B2"
EDGE_COLOUR = "#8C96A0"

HIGHLIGHTS: tuple[str, ...] = ("on_chain", "on_main_path", "is_earliest_adopter")
USER_USES: frozenset[str] = frozenset({"title", "abstract"})

#: The earliest-adopter badge goes to the earliest adopters of the first years, year by year,
#: until at least this many wear it (a year is never split): on the demo, 2009 and 2010's four,
#: not all ten listed in the report up to 2015.
BADGE_MIN = 3

ASSETS = Path(__file__).parent / "assets"
TEMPLATE = "explorer.html"

# Layout constants, in canvas pixels.
_RADIUS_UNKNOWN = 4.0
_RADIUS_MIN = 5.0
_RADIUS_PER_DECADE = 3.2
_NODE_GAP = 4.0
_COLUMN_GAP = 8.0
_YEAR_MIN_WIDTH = 46.0
_EMPTY_YEAR_WIDTH = 26.0
_GAP_BAND_WIDTH = 40.0
_NO_YEAR_GAP = 90.0
# The roomy layout of the first view (a few dozen works): room for a name beside every work.
_ROOMY_YEAR_WIDTH = 150.0
_ROOMY_EMPTY_YEAR_WIDTH = 40.0
_ROOMY_GAP_BAND_WIDTH = 60.0
_ROOMY_NODE_GAP = 56.0
_ROOMY_COLUMN_GAP = 130.0
_RADIUS_FOCUS_MIN = 8.0  # a term user, seed or chain work is never drawn smaller
# The list layout (portrait screens): one work per line, years top to bottom.
_LIST_LINE = 30.0
_LIST_YEAR_GAP = 22.0
_LIST_LANES = (0.0, 24.0, 48.0)
_ABSTRACT_CHARS = 1500
_SNIPPET_CHARS = 600
_AUTHORS_SHOWN = 25


# ---------------------------------------------------------------------------------------------
# node attributes, read defensively (a graph may come unannotated or from GraphML)


def _flag(attrs: Mapping[str, Any], key: str) -> bool:
    """A boolean attribute; GraphML/CSV round trips may give "true"/"1" strings or NaN."""
    value = attrs.get(key)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    if isinstance(value, float) and math.isnan(value):
        return False
    return bool(value)


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number


def _text(value: Any, limit: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, Iterable):
        return [str(item) for item in value if item is not None and str(item)]
    return [str(value)]


def _term_use(attrs: Mapping[str, Any]) -> str:
    use = attrs.get("term_use")
    return use if use in TERM_USES else "unknown"


def _is_highlighted(attrs: Mapping[str, Any]) -> bool:
    return any(_flag(attrs, key) for key in HIGHLIGHTS)


def _cites(attrs: Mapping[str, Any]) -> int:
    count = _int(attrs.get("cited_by_count"))
    return count if count is not None else -1


# ---------------------------------------------------------------------------------------------
# which nodes to draw


def _is_user(attrs: Mapping[str, Any]) -> bool:
    return _term_use(attrs) in USER_USES


def _in_focus(attrs: Mapping[str, Any]) -> bool:
    """A work of the first view: it uses the term, is a seed, or lies on a chain to a seed."""
    return _is_user(attrs) or _flag(attrs, "is_seed") or _flag(attrs, "on_chain")


def focus_nodes(G: nx.DiGraph, nodes: Iterable[Any] | None = None) -> set:
    """The works the explorer opens on: the term's users, the seeds and the works on the chains
    of citing adopters from the seeds back to the earliest adopters (``nodes``: among these)."""
    return {node for node in (G.nodes if nodes is None else nodes) if _in_focus(G.nodes[node])}


def badge_holders(G: nx.DiGraph, earliest: Iterable[Any]) -> set:
    """The earliest adopters that wear the badge: those of the first years, year by year, until
    at least :data:`BADGE_MIN` do; every adopter of the last year taken is included (a tie is
    never broken by the order of a list). Undated works never wear it.

    ``earliest`` is the report's list (:attr:`Highlights.earliest`, ten by default, which may
    run to years when the term was already common); the badge says "among the very first".
    """
    dated = sorted(
        (year, str(node), node) for node in earliest
        if node in G and (year := _int(G.nodes[node].get("year"))) is not None
    )
    holders: set = set()
    last = None
    for year, _, node in dated:
        if len(holders) >= BADGE_MIN and year != last:
            break
        holders.add(node)
        last = year
    return holders


def _tier(attrs: Mapping[str, Any]) -> int:
    """0 seeds, 1 origin chains / main path / earliest adopters, 2 title users, 3 abstract users, 4 rest."""
    if _flag(attrs, "is_seed"):
        return 0
    if _is_highlighted(attrs):
        return 1
    use = _term_use(attrs)
    return 2 if use == "title" else 3 if use == "abstract" else 4


def select_nodes(G: nx.DiGraph, max_nodes: int = DEFAULT_MAX_NODES) -> tuple[set, dict[str, int]]:
    """The nodes worth drawing when the graph has more than ``max_nodes``, and what is left out.

    Order of preference: seeds (always kept, even beyond the limit), works on an origin chain
    or the main path and earliest adopters, works using the term in the title, then in the
    abstract, then the rest; within each group the most cited first (OpenAlex
    ``cited_by_count``, unknown counting as least), then the most cited inside the graph
    (in-degree: title-only references have no count), then the smaller id, so the choice is
    deterministic. ``max_nodes <= 0`` means no limit.

    Returns ``(kept, hidden)``; ``hidden`` counts what is not drawn: ``nodes`` and ``edges``
    in total, ``highlighted`` (chain, main path or earliest-adopter works), and the hidden
    nodes by term use under ``title``, ``abstract``, ``no`` and ``unknown``.
    """
    hidden = {"nodes": 0, "edges": 0, "highlighted": 0, **{use: 0 for use in TERM_USES}}
    if max_nodes <= 0 or G.number_of_nodes() <= max_nodes:
        return set(G.nodes), hidden
    ranked = sorted(
        G.nodes(data=True),
        key=lambda item: (_tier(item[1]), -_cites(item[1]), -G.in_degree(item[0]), str(item[0])),
    )
    seeds = [node for node, attrs in ranked if _tier(attrs) == 0]
    kept = set(seeds)
    for node, _ in ranked:
        if len(kept) >= max_nodes:
            break
        kept.add(node)
    for node, attrs in G.nodes(data=True):
        if node in kept:
            continue
        hidden["nodes"] += 1
        hidden[_term_use(attrs)] += 1
        hidden["highlighted"] += _is_highlighted(attrs)
    hidden["edges"] = sum(1 for u, v in G.edges if u not in kept or v not in kept)
    return kept, hidden


# ---------------------------------------------------------------------------------------------
# the year layout


def _radius(attrs: Mapping[str, Any]) -> float:
    """Log citations; a work of the first view (:func:`focus_nodes`) at least a readable size,
    even when its count is unknown (a title-only reference)."""
    count = _int(attrs.get("cited_by_count"))
    floor = _RADIUS_FOCUS_MIN if _in_focus(attrs) else 0.0
    if count is None:
        return max(_RADIUS_UNKNOWN, floor)
    return round(max(_RADIUS_MIN + _RADIUS_PER_DECADE * math.log10(1 + max(count, 0)), floor), 2)


def _relevance(node: Any, attrs: Mapping[str, Any]) -> tuple:
    return (_tier(attrs), -_cites(attrs), str(node))


def _rows_per_column(count: int) -> int:
    return max(10, min(30, round(0.8 * math.sqrt(max(count, 1)))))


def _stack(radii: list[float], gap: float = _NODE_GAP) -> list[float]:
    """y of each node in a column: the first in the middle, the next ones alternately below and above."""
    ys: list[float] = []
    top = bottom = 0.0
    for index, radius in enumerate(radii):
        if index == 0:
            y, top, bottom = 0.0, -radius, radius
        elif index % 2:
            y = bottom + gap + radius
            bottom = y + radius
        else:
            y = top - gap - radius
            top = y - radius
        ys.append(round(y, 2))
    return ys


def _column_height(radii: Iterable[float], gap: float = _NODE_GAP) -> float:
    radii = list(radii)
    return 2 * sum(radii) + gap * max(len(radii) - 1, 0)


def _place_group(
    members: list[tuple[Any, float]], x0: float, min_width: float, *, rows: int, max_height: float | None = None,
    node_gap: float = _NODE_GAP, column_gap: float = _COLUMN_GAP,
) -> tuple[dict, float]:
    """Balanced columns from ``x0``, the most relevant nodes first; returns positions and width.

    A column holds at most ``rows`` nodes or, when ``max_height`` is given, is at most about
    that tall (the "no year" block is as tall as the busiest year instead of very wide).
    """
    count = math.ceil(len(members) / rows)
    if max_height:
        count = math.ceil(_column_height((r for _, r in members), node_gap) / max_height)
    size = math.ceil(len(members) / max(count, 1))
    columns = [members[i : i + size] for i in range(0, len(members), size)]
    widths = [2 * max(r for _, r in column) + column_gap for column in columns]
    width = max(sum(widths), min_width)
    x = x0 + (width - sum(widths)) / 2
    positions: dict[Any, tuple[float, float]] = {}
    for column, column_width in zip(columns, widths):
        centre = x + column_width / 2
        for (node, _), y in zip(column, _stack([r for _, r in column], node_gap)):
            positions[node] = (round(centre, 2), y)
        x += column_width
    return positions, width


def year_layout(
    G: nx.DiGraph, nodes: Iterable[Any], *, roomy: bool = False
) -> tuple[dict[Any, tuple[float, float]], list[dict[str, Any]]]:
    """Fixed positions for ``nodes``: x by publication year, y by relevance rank within the year.

    Each year is a band as wide as its columns need (at least ``_YEAR_MIN_WIDTH``), so the
    axis is monotonic in time but not linear; runs of three or more empty years shrink to one
    ``gap`` band. Works without a year sit in a ``none`` band on the left, as tall as the
    busiest year. Returns the positions and the bands (``kind``, ``label``, ``x0``, ``x1``,
    ``count``) for the axis. Deterministic: ties in relevance go to the smaller id.

    ``roomy`` is the first view's spacing (a few dozen works): wide years and tall gaps, so a
    name fits beside every work at the scale that fits the whole view on a screen.
    """
    year_width = _ROOMY_YEAR_WIDTH if roomy else _YEAR_MIN_WIDTH
    empty_width = _ROOMY_EMPTY_YEAR_WIDTH if roomy else _EMPTY_YEAR_WIDTH
    gap_width = _ROOMY_GAP_BAND_WIDTH if roomy else _GAP_BAND_WIDTH
    spacing = {"node_gap": _ROOMY_NODE_GAP, "column_gap": _ROOMY_COLUMN_GAP} if roomy else {}
    nodes = list(nodes)
    rows = _rows_per_column(len(nodes))
    by_year: dict[int | None, list[tuple[Any, float]]] = {}
    for node in sorted(nodes, key=lambda n: _relevance(n, G.nodes[n])):
        attrs = G.nodes[node]
        by_year.setdefault(_int(attrs.get("year")), []).append((node, _radius(attrs)))

    positions: dict[Any, tuple[float, float]] = {}
    bands: list[dict[str, Any]] = []
    x = 0.0
    years = sorted(year for year in by_year if year is not None)
    if years:
        year = years[0]
        while year <= years[-1]:
            if year in by_year:
                placed, width = _place_group(by_year[year], x, year_width, rows=rows, **spacing)
                positions.update(placed)
                bands.append({"kind": "year", "label": str(year), "x0": x, "x1": x + width, "count": len(by_year[year])})
                x += width
                year += 1
                continue
            end = year
            while end + 1 not in by_year:
                end += 1
            if end - year >= 2:
                bands.append({"kind": "gap", "label": f"{year}–{end}", "x0": x, "x1": x + gap_width, "count": 0})
                x += gap_width
            else:
                for empty in range(year, end + 1):
                    bands.append({"kind": "year", "label": str(empty), "x0": x, "x1": x + empty_width, "count": 0})
                    x += empty_width
            year = end + 1
    if None in by_year:
        ys = [py for _, py in positions.values()]
        cap = max(max(ys) - min(ys) + 2 * _RADIUS_MIN, 200.0) if ys else None
        placed, width = _place_group(by_year[None], 0.0, year_width * 2, rows=rows, max_height=cap, **spacing)
        shift = width + _NO_YEAR_GAP
        positions = {node: (round(px + shift, 2), py) for node, (px, py) in positions.items()}
        for band in bands:
            band["x0"], band["x1"] = band["x0"] + shift, band["x1"] + shift
        positions.update(placed)
        bands.insert(0, {"kind": "none", "label": "no year", "x0": 0.0, "x1": width, "count": len(by_year[None])})
    for band in bands:
        band["x0"], band["x1"] = round(band["x0"], 2), round(band["x1"], 2)
    return positions, bands


def list_layout(G: nx.DiGraph, nodes: Iterable[Any]) -> tuple[dict[Any, tuple[float, float]], list[dict[str, Any]]]:
    """The first view on a portrait screen (a phone): years top to bottom, one work per line.

    Works of a year follow each other most relevant first, on three lanes in turn so that the
    citation links between them stay apart; the name goes to the right of each. Works without
    a year come last. Bands are as in :func:`year_layout` but vertical (``y0``, ``y1``).
    """
    by_year: dict[int | None, list[Any]] = {}
    for node in sorted(nodes, key=lambda n: _relevance(n, G.nodes[n])):
        by_year.setdefault(_int(G.nodes[node].get("year")), []).append(node)
    positions: dict[Any, tuple[float, float]] = {}
    bands: list[dict[str, Any]] = []
    y = 0.0
    order = sorted(year for year in by_year if year is not None) + ([None] if None in by_year else [])
    for year in order:
        members = by_year[year]
        top = y
        y += _LIST_YEAR_GAP / 2
        for index, node in enumerate(members):
            radius = _radius(G.nodes[node])
            line = max(_LIST_LINE, 2 * radius + 6)
            positions[node] = (_LIST_LANES[index % len(_LIST_LANES)], round(y + line / 2, 2))
            y += line
        y += _LIST_YEAR_GAP / 2
        bands.append({"kind": "year" if year is not None else "none", "label": str(year) if year is not None else "no year",
                      "y0": round(top, 2), "y1": round(y, 2), "count": len(members)})
    return positions, bands


# ---------------------------------------------------------------------------------------------
# what the page receives


_TITLE_WORDS = 3
_TITLE_CHARS = 22


def _label_name(attrs: Mapping[str, Any]) -> str:
    """The first author's surname, else the title's first words in quotes (so a title never
    reads like an author: “Roles of Pre-Training…”)."""
    author = _text(attrs.get("first_author")) or next(iter(_strings(attrs.get("authors"))), "")
    name = author.replace(",", " ").split()[-1] if author.split() else ""
    if name:
        return name
    words = _text(attrs.get("title")).split()
    if not words:
        return "untitled"
    short = " ".join(words[:_TITLE_WORDS])
    if len(short) > _TITLE_CHARS:
        short = short[:_TITLE_CHARS].rsplit(" ", 1)[0] if " " in short[:_TITLE_CHARS] else short[:_TITLE_CHARS]
    return "\u201c" + short.rstrip(" :,;.-") + ("\u2026" if short != " ".join(words) else "") + "\u201d"


def _short_label(attrs: Mapping[str, Any]) -> str:
    """ "Devlin 2019": first author's surname and year, else the title's first words."""
    name = _label_name(attrs)
    year = _int(attrs.get("year"))
    return f"{name} {year}" if year is not None else name


def short_labels(G: nx.DiGraph, nodes: Iterable[Any] | None = None) -> dict[Any, str]:
    """ "First-author Year" for each of ``nodes``, made unique: works whose names collide get a
    letter after the year in order of publication date, then title ("Hinton 2006a", "Hinton
    2006b"), as an author-year bibliography does; undated ones "(a)", "(b)"."""
    nodes = list(G.nodes if nodes is None else nodes)
    base = {node: _short_label(G.nodes[node]) for node in nodes}
    groups: dict[str, list[Any]] = {}
    for node, label in base.items():
        groups.setdefault(label, []).append(node)
    labels = dict(base)
    for label, members in groups.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda n: (_text(G.nodes[n].get("date")), _text(G.nodes[n].get("title")).lower(), str(n)))
        dated = _int(G.nodes[members[0]].get("year")) is not None
        for index, node in enumerate(members):
            letter = _suffix(index)
            labels[node] = f"{label}{letter}" if dated else f"{label} ({letter})"
    return labels


def _suffix(index: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _primary_terms(G: nx.DiGraph) -> list[str]:
    terms = G.graph.get("terms")
    if terms:
        return [str(term) for term in _strings(terms)]
    for _, attrs in G.nodes(data=True):
        per_term = attrs.get("terms")
        if isinstance(per_term, Mapping) and per_term:
            return [str(term) for term in per_term]
    return []


#: Defaults of the per-work record; the page fills in what the JSON leaves out (keeps the file small).
WORK_DEFAULTS: dict[str, Any] = {
    "title": "", "year": None, "venue": "", "type": "", "authors": [], "n_authors": 0,
    "cited_by_count": None, "doi": "", "arxiv_id": "", "abstract": "", "term_use": "unknown",
    "term_forms": [], "term_snippet": "", "term_collocations": [], "terms": {}, "is_seed": False, "seed_name": "",
    "depth": None, "on_chain": False, "on_main_path": False, "is_earliest_adopter": False, "early": False,
    "warnings": [], "label": "", "synthetic_id": False,
}


def _work(attrs: Mapping[str, Any], label: str, badge: bool) -> dict[str, Any]:
    """The record text the side panel shows, without the fields equal to ``WORK_DEFAULTS``.

    ``is_earliest_adopter`` is the badge (:func:`badge_holders`); ``early``: listed among the
    report's earliest adopters without the badge. Plain data only: the page puts every string
    on screen with ``textContent``.
    """
    authors = _strings(attrs.get("authors"))
    terms: dict[str, Any] = {}
    per_term = attrs.get("terms")
    if isinstance(per_term, Mapping):
        # The first (primary) term is already in the flat ``term_*`` attributes.
        for term, info in list(per_term.items())[1:]:
            info = info if isinstance(info, Mapping) else {}
            terms[str(term)] = {
                "use": info.get("use") if info.get("use") in TERM_USES else "unknown",
                "forms": _strings(info.get("forms")),
                "snippet": _text(info.get("snippet"), _SNIPPET_CHARS),
            }
    work = {
        "title": _text(attrs.get("title")),
        "year": _int(attrs.get("year")),
        "venue": _text(attrs.get("venue")),
        "type": _text(attrs.get("type")),
        "authors": authors[:_AUTHORS_SHOWN],
        "n_authors": len(authors),
        "cited_by_count": _int(attrs.get("cited_by_count")),
        "doi": _text(attrs.get("doi")),
        "arxiv_id": _text(attrs.get("arxiv_id")),
        "abstract": _text(attrs.get("abstract"), _ABSTRACT_CHARS),
        "term_use": _term_use(attrs),
        "term_forms": _strings(attrs.get("term_forms")),
        "term_snippet": _text(attrs.get("term_snippet"), _SNIPPET_CHARS),
        "term_collocations": _strings(attrs.get("term_collocations"))[:10],
        "terms": terms,
        "is_seed": _flag(attrs, "is_seed"),
        "seed_name": _text(attrs.get("seed_name")),
        "depth": _int(attrs.get("depth")),
        "on_chain": _flag(attrs, "on_chain"),
        "on_main_path": _flag(attrs, "on_main_path"),
        "is_earliest_adopter": badge,
        "early": _flag(attrs, "is_earliest_adopter") and not badge,
        "warnings": _strings(attrs.get("warnings")),
        "label": label,
        "synthetic_id": is_synthetic_id(str(attrs.get("id") or "")),
    }
    return {key: value for key, value in work.items() if value != WORK_DEFAULTS[key]}


def _shade(hex_colour: str, factor: float) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{max(0, min(255, round(c * factor))):02X}" for c in (red, green, blue))


def _node_style(attrs: Mapping[str, Any], *, badge: bool, main_path: bool) -> dict[str, Any]:
    """vis-network look of a node: fill = term use, outline = chain / main path (when
    ``main_path``, the toggle is on) / seed, shape = role (a diamond for a badge holder)."""
    fill = TERM_COLOURS[_term_use(attrs)]
    border, border_width = _shade(fill, 0.7), 1
    if main_path and _flag(attrs, "on_main_path"):
        border, border_width = MAIN_PATH_COLOUR, 3
    if _flag(attrs, "on_chain"):
        border, border_width = CHAIN_COLOUR, 3
    seed = _flag(attrs, "is_seed")
    if seed and border_width == 1:
        border, border_width = "#222222", 2
    style: dict[str, Any] = {
        "shape": "star" if seed else "diamond" if badge else "dot",
        "borderWidth": border_width,
        "color": {
            "background": fill,
            "border": border,
            "highlight": {"background": fill, "border": "#111111"},
            "hover": {"background": fill, "border": "#111111"},
        },
    }
    return style


def _pin_label(attrs: Mapping[str, Any], label: str) -> str:
    """The name the page writes next to a seed or highlighted work ("BERT", "Erhan 2010")."""
    seed_name = _text(attrs.get("seed_name"))
    if _flag(attrs, "is_seed") and seed_name.isalnum() and len(seed_name) <= 12:  # a preset: "bert"
        return seed_name.upper()
    return label


#: vis-network look of a citation link by kind: "" plain, "chain" origin chain, "main" main path.
EDGE_STYLES: dict[str, dict[str, Any]] = {
    "": {"width": 0.7, "color": {"color": EDGE_COLOUR, "opacity": 0.35}},
    "main": {"width": 2.6, "color": {"color": MAIN_PATH_COLOUR, "opacity": 0.9}},
    "chain": {"width": 2.6, "color": {"color": CHAIN_COLOUR, "opacity": 0.9}},
}


def _edge_kind(attrs: Mapping[str, Any]) -> str:
    return "chain" if _flag(attrs, "on_chain") else "main" if _flag(attrs, "on_main_path") else ""


def _layouts(G: nx.DiGraph, order: list, focus: set, main: set) -> tuple[dict[str, dict], dict[str, dict]]:
    """The views' positions and axes: ``all`` (every drawn work), ``focus`` (the first view,
    roomy), ``main`` (the first view and the main path, roomy) and ``list`` (the first view on
    a portrait screen). Returns ``{layout: {node: (x, y)}}`` and ``{layout: {orient, bands}}``;
    the page uses the smallest layout that holds every work it shows."""
    positions, axes = {}, {}
    positions["all"], bands = year_layout(G, order)
    axes["all"] = {"orient": "h", "bands": bands}
    if focus and len(focus) < len(order):
        focus_order = [n for n in order if n in focus]
        positions["focus"], bands = year_layout(G, focus_order, roomy=True)
        axes["focus"] = {"orient": "h", "bands": bands}
        with_main = [n for n in order if n in focus or n in main]
        if main - focus and len(with_main) < len(order):
            positions["main"], bands = year_layout(G, with_main, roomy=True)
            axes["main"] = {"orient": "h", "bands": bands}
    if focus:
        positions["list"], bands = list_layout(G, [n for n in order if n in focus])
        axes["list"] = {"orient": "v", "bands": bands}
    return positions, axes


_LAYOUT_KEYS = {"focus": "f", "main": "m", "list": "v"}


def _page_data(
    G: nx.DiGraph, kept: set, hidden: Mapping[str, int], title: str, *, earliest: Iterable[Any] = (), report: str = ""
) -> dict[str, Any]:
    """Everything the page needs, as plain JSON-able data: nodes, edges, styles, layouts, counts."""
    order = sorted(kept, key=str)
    focus = focus_nodes(G, order)
    main = {n for n in order if _flag(G.nodes[n], "on_main_path")}
    users = {n for n in order if _is_user(G.nodes[n])}
    badges = badge_holders(G, earliest)
    labels = short_labels(G, order)
    positions, axes = _layouts(G, order, focus, main)
    styles: dict[str, int] = {}
    nodes = []
    for node in order:
        attrs = G.nodes[node]
        badge = node in badges
        style = json.dumps(_node_style(attrs, badge=badge, main_path=False), sort_keys=True)
        seed = _flag(attrs, "is_seed")
        x, y = positions["all"][node]
        item: dict[str, Any] = {
            "id": str(node),
            "x": x,
            "y": y,
            "size": round(_radius(attrs) * (1.5 if seed else 1.0), 2),
            "s": styles.setdefault(style, len(styles)),
            "w": _work(attrs, labels[node], badge),
        }
        if node in main:
            with_main = json.dumps(_node_style(attrs, badge=badge, main_path=True), sort_keys=True)
            if with_main != style:
                item["sm"] = styles.setdefault(with_main, len(styles))
        places = {key: list(positions[layout][node]) for layout, key in _LAYOUT_KEYS.items()
                  if layout in positions and node in positions[layout]}
        if places:
            item["p"] = places
        if node in focus or node in main or _is_highlighted(attrs):
            item["pin"] = _pin_label(attrs, labels[node])
        nodes.append(item)
    edges = [
        {"from": str(u), "to": str(v), "k": _edge_kind(attrs)}
        for u, v, attrs in G.edges(data=True)
        if u in kept and v in kept and u != v
    ]
    # Highlighted links last, so they are drawn on top of the grey ones.
    edges.sort(key=lambda e: (e["k"] != "", e["k"] == "chain", e["from"], e["to"]))
    edge_styles = json.loads(json.dumps(EDGE_STYLES))
    if len(edges) > 2000:  # thousands of grey links would hide the nodes
        edge_styles[""]["color"]["opacity"] = 0.2
    years = [year for year in (_int(G.nodes[n].get("year")) for n in kept) if year is not None]
    counts = Counter(_term_use(G.nodes[n]) for n in kept)
    listed = [n for n in earliest if n in G]
    return {
        "meta": {
            "title": title,
            "terms": _primary_terms(G),
            "seeds": sum(1 for seed in G.graph.get("seeds") or () if seed in G),  # 0: no seed or chain controls
            "total_nodes": G.number_of_nodes(),
            "total_edges": G.number_of_edges(),
            "hidden": dict(hidden),
            "year_min": min(years) if years else None,
            "year_max": max(years) if years else None,
            "term_counts": {use: counts.get(use, 0) for use in TERM_USES},
            "term_colours": TERM_COLOURS,
            "term_labels": TERM_LABELS,
            "warning_text": WARNING_TEXT,
            "work_defaults": WORK_DEFAULTS,
            "node_styles": [json.loads(style) for style in styles],
            "edge_styles": edge_styles,
            "bands": axes["all"]["bands"],
            "layouts": axes,
            # The first view: the term's users, the seeds and the chains; all works when nothing
            # uses the term. The main path only when every work on it uses the term.
            "start_with_all": not users,
            "main_path_default": bool(main) and main <= users,
            "badge": {"holders": len(badges), "listed": len(listed), "min": BADGE_MIN},
            "report": report,
            "fade": "rgba(200,200,200,0.25)",
        },
        "nodes": nodes,
        "edges": edges,
    }


def _script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, ``<!--``, U+2028/2029 or other raw non-ASCII."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _vis_network_js() -> str:
    """vis-network's minified build as shipped inside pyvis (the CDN-free copy)."""
    import pyvis

    libs = sorted((Path(pyvis.__file__).parent / "templates" / "lib").glob("vis-*/vis-network.min.js"))
    if not libs:
        raise OutputError("pyvis is installed without its vis-network copy; reinstall pyvis (pip install --force-reinstall pyvis)")
    script = libs[-1].read_text(encoding="utf-8")
    if "</script" in script.lower():  # would end the inline <script> early
        raise OutputError(f"{libs[-1]} cannot be inlined (it contains '</script'); use pyvis 0.3.2")
    return script


def _hidden_notice(hidden: Mapping[str, int], total: int, max_nodes: int) -> str:
    if not hidden.get("nodes"):
        return ""
    parts = [f"{hidden[use]:,} {TERM_LABELS[use].split(' (')[0]}" for use in TERM_USES if hidden.get(use)]
    notice = (
        f"{hidden['nodes']:,} of {total:,} works and {hidden['edges']:,} citation links are not drawn "
        f"(limit {max_nodes:,} works, to keep the page responsive). Kept first: seeds, origin chains, "
        f"main path, earliest adopters, term users, then the most cited. Term use of the hidden works: "
        + ", ".join(parts)
        + "."
    )
    if hidden.get("highlighted"):
        notice += f" {hidden['highlighted']:,} hidden works are on a chain or the main path."
    return notice


def _default_title(G: nx.DiGraph) -> str:
    names = [str(name) for name in (G.graph.get("seed_names") or {}).values() if name]
    return "Citation graph of " + ", ".join(names) if names else "Citation graph"


def render_html(
    G: nx.DiGraph,
    out_path: Path | str,
    *,
    uses: TermUses | None = None,
    marks: Highlights | None = None,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str | None = None,
) -> Path:
    """Write the explorer for ``G`` to ``out_path`` and return the file written.

    ``out_path`` is the HTML file, or a directory to hold ``graph.html`` (any path not ending
    in ``.html``/``.htm``; it is created). ``uses`` colours the works by term use and ``marks``
    outlines the earliest adopters, chains and main path; without them every work shows as
    term use "unknown" and nothing is highlighted. ``G`` is not modified. Above ``max_nodes``
    works, :func:`select_nodes` decides what is drawn. Raises :class:`OutputError` when the
    file cannot be written.
    """
    from pyvis.network import Network

    G = export_view(G, uses, marks)
    out = Path(out_path)
    if out.is_dir() or out.suffix.lower() not in {".html", ".htm"}:
        out = out / "graph.html"
    page_title = title or _default_title(G)
    kept, hidden = select_nodes(G, max_nodes)
    # The report's rows carry ``id="work-<id>"``; linked only when the report is beside the page.
    report = "report.html" if (out.parent / "report.html").is_file() else ""
    data = _page_data(G, kept, hidden, page_title, earliest=sorted(marks.earliest) if marks else (), report=report)

    vis_js = _vis_network_js()
    explorer_js = (ASSETS / "explorer.js").read_text(encoding="utf-8")
    # The nodes and edges reach the page as one escaped JSON block (``data_json``), not through
    # pyvis's add_node/add_edge (whose duplicate checks are quadratic) and its ``tojson`` output.
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", heading=page_title)
    net.set_template_dir(str(ASSETS) + "/", TEMPLATE)
    env = net.templateEnv
    env.autoescape = True  # every {{ }} in the template is HTML-escaped unless marked safe here
    env.globals.update(
        page_title=page_title,
        data_json=Markup(_script_json(data)),
        vis_js=Markup(vis_js),
        explorer_js=Markup(explorer_js),
        explorer_css=Markup((ASSETS / "explorer.css").read_text(encoding="utf-8")),
        script_hashes=Markup(" ".join(_csp_hash(s) for s in (vis_js, explorer_js))),
        meta=data["meta"],
        hidden_notice=_hidden_notice(hidden, G.number_of_nodes(), max_nodes),
        term_uses=[(use, TERM_COLOURS[use], TERM_LABELS[use], data["meta"]["term_counts"][use], TERM_NAMES[use])
                   for use in TERM_USES],
        colours={"chain": CHAIN_COLOUR, "main": MAIN_PATH_COLOUR, "edge": EDGE_COLOUR},
    )
    page = net.generate_html(name="graph.html")

    return atomic_write(out, page.encode("utf-8", errors="replace"))
