"""The corpus view: a term across the whole corpus, from OpenAlex aggregate queries.

Why: a crawl from seed papers sees only what the seeds' ancestry cites. OpenAlex itself can say,
for a few cents, how many works use a term each year, in which fields, from which kinds of
institution, which works use it first, and how many of its users cite each seed. This module
plans those queries, runs them through any ``source`` with the client's ``group_by(filter, key)``
and ``list_page(...)`` methods, and returns plain data. It never prints and never opens a client.

The queries (one :class:`CorpusQuery` each; :func:`plan_corpus` lists them before anything is
sent, so a caller can show "about N requests, $X" first):

* ``totals``: ``group_by=publication_year:include_unknown`` over the whole corpus, once for all
  terms: the yearly totals every share is divided by, and the corpus size for the scope.
* ``union``: the term's works per year, one OR'd search over every spelling
  (``title_and_abstract.search:pre-training|pretraining|pre training|...``). OpenAlex (and the
  stand-in) count a work once however many of the OR'd spellings it uses, so the union is not
  double-counted; works without a year come back under ``unknown``.
* ``spelling``: the same per spelling, one query each. With the stemmed ``.search`` key,
  spellings that share a stem get the same count (that is what OpenAlex answers); pass
  ``CorpusOptions(search_key="title_and_abstract.search.exact")`` to count each form unstemmed.
  A spelling with a space (``pre training``) is a search for both words anywhere in the title
  and abstract, not a phrase: it is the widest of the nets, and why the earliest hits are
  verified one by one.
* ``fields``: ``group_by=primary_topic.field.id:include_unknown`` per period (``periods``).
* ``institutions``: per year, the term's works with an author at an institution of each type
  (``authorships.institutions.type:company`` ...): the answer to "did the labs start it?". A work
  with a company and a university author counts for both types.
* ``earliest``: one page of the term's works sorted by ``publication_year,publication_date``
  (the year first, so that records without a date still sort by their year). Each hit is checked
  by citegraph's own matcher (:func:`citegraph.terms.term_hits`) against its title and abstract:
  OpenAlex's stemmed search matches things the term is not, so an unverified hit is listed
  (``verified`` False) but never counted as a first use.
* ``seed``: per seed, the term's works per year that cite it (``cites:W...`` plus the search).

Every group_by is billed as one list call ($0.0001) even with a search filter; the earliest page
is a search ($0.001). One term and three seeds: 34 requests, $0.0043.

What a :class:`CorpusView` carries (frozen; the frames are new objects, nobody else holds them):

* ``scope``: which corpus was counted, in words ("all of OpenAlex, core works (xpac excluded)",
  "the demo corpus, 13,732 works"); never guessed: the caller passes it, or it follows from the
  settings (the default API URL, or the ``demo`` cache namespace). Every claim about "the first
  use" is a claim about this corpus only. List calls leave out OpenAlex's xpac works
  (``include_xpac``), so counts are of the core works.
* ``plan``, ``requests``, ``cache_hits``, ``cost_usd``, ``elapsed_s``: what it cost (requests
  and cost measured on the source when it keeps ``stats``, as the client does).
* ``trend``: ``term, year, works, term_works, share`` (share = term works / all works that year).
* ``spellings``: ``term, spelling, year, term_works, share_of_term``.
* ``fields``: ``term, period, field_id, field, works, share`` (share of the period's term works).
* ``institutions``: ``term, year, institution_type, works, term_works, share``.
* ``earliest``: ``term, rank, id, year, date, title, field, forms, evidence, verified, use``.
* ``seed_spread``: ``term, seed, seed_id, year, citing_seed, term_works, share``.
* ``headlines``: one :class:`TermHeadline` per term: the first verified use, the take-off year
  (:data:`TAKEOFF_MIN_WORKS`, :data:`TAKEOFF_PEAK_FRACTION`), the peak, the top fields, the
  works per institution type; ``describe()`` gives it as one line.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from .atomic import FileSet, atomic_files
from .config import DEFAULT_API_URL
from .errors import InputError, TermError
from .records import slim_record, work_id
from .terms import TermMatcher, compile_term, term_hits, variants

__all__ = [
    "CorpusSource",
    "Seeds",
    "CorpusOptions",
    "CorpusQuery",
    "CorpusPlan",
    "FirstUse",
    "TermHeadline",
    "CorpusView",
    "plan_corpus",
    "corpus_view",
    "corpus_scope",
    "write_corpus_csvs",
    "CORPUS_FILES",
    "read_corpus_view",
    "SavedCorpus",
    "DEFAULT_PERIODS",
    "INSTITUTION_TYPES",
    "TAKEOFF_MIN_WORKS",
    "TAKEOFF_PEAK_FRACTION",
]

log = logging.getLogger("citegraph")

#: OpenAlex prices (OPENALEX.md): a group_by is one list call even with a search filter.
GROUP_BY_USD = 0.0001
SEARCH_USD = 0.001

#: Periods for the fields table: (first year or None, last year or None), inclusive.
DEFAULT_PERIODS: tuple[tuple[int | None, int | None], ...] = (
    (None, 1979), (1980, 1999), (2000, 2009), (2010, 2014), (2015, 2018), (2019, 2021), (2022, None))
#: Institution types asked per year (OpenAlex's vocabulary, less the rare archive/funder/other).
INSTITUTION_TYPES: tuple[str, ...] = ("company", "education", "government", "facility", "healthcare", "nonprofit")
#: Take-off: the first year with at least this many term works ...
TAKEOFF_MIN_WORKS = 5
#: ... and at least this fraction of the peak year's term works.
TAKEOFF_PEAK_FRACTION = 0.1

_EARLIEST_FIELDS = ("id", "doi", "title", "display_name", "publication_year", "publication_date", "type",
                    "authorships", "abstract_inverted_index", "primary_topic")
_EARLIEST_SORT = "publication_year,publication_date"
_UNKNOWN = "unknown"

CORPUS_FILES = {"trend": "corpus_trend.csv", "spellings": "corpus_spellings.csv", "fields": "corpus_fields.csv",
                "institutions": "corpus_institutions.csv", "earliest": "corpus_earliest.csv",
                "seed_spread": "corpus_seed_spread.csv", "summary": "corpus.json"}


#: Seeds for the spread table: ids, or ``{name: id}``, or ``{name: [twin ids]}``.
Seeds = Sequence[str] | Mapping[str, str | Sequence[str]]


class CorpusSource(Protocol):
    """What the corpus view needs of a source: the client's public ``group_by`` and ``list_page``."""

    def group_by(self, filter: str | None, key: str) -> list[dict]: ...

    def list_page(self, filter: str | None = None, *, search: str | None = None,
                  select: Sequence[str] | None = None, sort: str | None = None, per_page: int = 25,
                  page: int = 1) -> tuple[list[dict], dict]: ...


@dataclass(frozen=True)
class CorpusOptions:
    """How wide the view is; the defaults keep one term with three seeds at 34 requests."""

    periods: tuple[tuple[int | None, int | None], ...] = DEFAULT_PERIODS
    institution_types: tuple[str, ...] = INSTITUTION_TYPES
    earliest: int = 50  # works on the one page of earliest hits (1-100)
    search_key: str = "title_and_abstract.search"
    workers: int = 4  # queries in flight at once (the client's rate limit still applies)


@dataclass(frozen=True)
class CorpusQuery:
    """One request of the plan: a group_by (``key``) or, for ``earliest``, one sorted list page."""

    purpose: str  # totals, union, spelling, fields, institutions, earliest, seed
    term: str | None
    label: str  # the spelling, period, institution type or seed name ("" when none)
    filter: str | None
    key: str | None = None
    sort: str | None = None
    per_page: int = 0

    @property
    def cost_usd(self) -> float:
        return GROUP_BY_USD if self.key else SEARCH_USD

    def describe(self) -> str:
        """The request as a URL query, for logs and for asking the same question elsewhere."""
        parts = [f"filter={self.filter}"] if self.filter else []
        parts += [f"group_by={self.key}"] if self.key else [f"sort={self.sort}", f"per_page={self.per_page}"]
        return "/works?" + "&".join(parts)


@dataclass(frozen=True)
class CorpusPlan:
    """The queries a view runs, known before any is sent: ``requests`` and ``cost_usd`` are what
    they cost uncached (a cached answer costs nothing)."""

    terms: tuple[str, ...]
    seeds: tuple[tuple[str, str], ...]  # (name, OpenAlex id, or twin ids joined by "|")
    options: CorpusOptions
    queries: tuple[CorpusQuery, ...]

    @property
    def requests(self) -> int:
        return len(self.queries)

    @property
    def cost_usd(self) -> float:
        return round(sum(q.cost_usd for q in self.queries), 6)

    def describe(self) -> str:
        return f"about {self.requests} requests, ${self.cost_usd:.4f}"

    def of(self, purpose: str, term: str | None = None) -> list[CorpusQuery]:
        return [q for q in self.queries if q.purpose == purpose and q.term == term]


@dataclass(frozen=True)
class FirstUse:
    """The earliest work in the corpus whose own title or abstract uses the term."""

    id: str
    year: int | None
    date: str | None
    title: str
    field: str | None
    evidence: str


#: How a source counts a term's works: ``(short label, phrase for a sentence)``. The API's
#: ``title_and_abstract.search`` is stemmed ("pre-training" also finds "pre-trained" and, say,
#: "pretrain"), so its count is of search hits, not of verified uses; the snapshot source judges
#: every work with citegraph's matcher. The headline and the report say which one a number is
#: (naming the search, not OpenAlex: the demo stand-in answers the same query).
COUNTED_BY: dict[str, tuple[str, str]] = {
    "openalex-search": ("stemmed search",
                        "match it in a stemmed title-and-abstract search (a hit need not use this exact term)"),
    "openalex-exact-search": ("exact search", "match it in an exact title-and-abstract search"),
    "matcher": ("citegraph's matcher, every work checked",
                "use it in their title or abstract (citegraph's matcher, every work checked)"),
}


def counted_by(source: Any, options: "CorpusOptions") -> str:
    """The :data:`COUNTED_BY` key of ``source``: its own ``term_counting`` when it has one (the
    snapshot source), else OpenAlex's search by ``options.search_key``."""
    own = getattr(source, "term_counting", None)
    if own in COUNTED_BY:
        return str(own)
    return "openalex-exact-search" if options.search_key.endswith(".exact") else "openalex-search"


@dataclass(frozen=True)
class TermHeadline:
    """The per-term answer in a few facts, each about ``scope`` only."""

    term: str
    scope: str
    term_works: int  # works matching any spelling, with or without a year
    undated_term_works: int
    first_use: FirstUse | None
    unverified_before_first_use: int  # earlier OpenAlex hits the matcher rejected or could not check
    takeoff_year: int | None
    peak_year: int | None
    top_fields: tuple[tuple[str, int], ...]
    institution_works: tuple[tuple[str, int], ...]  # term works per institution type, all years
    counted_by: str = "openalex-search"  # a COUNTED_BY key: how term_works was counted

    def counting(self) -> tuple[str, str]:
        """How ``term_works`` was counted: :data:`COUNTED_BY`'s ``(short label, sentence phrase)``."""
        return COUNTED_BY.get(self.counted_by, COUNTED_BY["openalex-search"])

    def describe(self) -> str:
        """One line: what the corpus says about the term."""
        first = (f"first verified use {self.first_use.year or 'undated'} ({self.first_use.id}, "
                 f"{_short(self.first_use.title)!r}{', ' + self.first_use.field if self.first_use.field else ''})"
                 if self.first_use else "no verified use among the earliest hits")
        if self.unverified_before_first_use:
            first += f" after {self.unverified_before_first_use} earlier unverified hits"
        takeoff = f"took off in {self.takeoff_year}" if self.takeoff_year else "no take-off year"
        fields = ", ".join(f"{name} {count:,}" for name, count in self.top_fields) or "no field data"
        undated = f" ({self.undated_term_works:,} without a year)" if self.undated_term_works else ""
        how = self.counting()[0]
        return (f"{self.term!r} in {self.scope}: {self.term_works:,} works match ({how}){undated}; {first}; {takeoff}; "
                f"top fields: {fields}")


@dataclass(frozen=True, eq=False)
class CorpusView:
    """The corpus view of some terms (see the module docstring for every column)."""

    scope: str
    plan: CorpusPlan
    corpus_works: int
    trend: pd.DataFrame
    spellings: pd.DataFrame
    fields: pd.DataFrame
    institutions: pd.DataFrame
    earliest: pd.DataFrame
    seed_spread: pd.DataFrame
    headlines: tuple[TermHeadline, ...]
    requests: int | None
    cache_hits: int | None
    cost_usd: float | None
    elapsed_s: float

    def headline(self, term: str) -> TermHeadline:
        return next(h for h in self.headlines if h.term == term)

    def summary(self) -> dict[str, Any]:
        """Plain JSON data: scope, plan, costs and headlines (what ``corpus.json`` holds)."""
        return {"scope": self.scope, "corpus_works": self.corpus_works,
                "plan": {"requests": self.plan.requests, "cost_usd": self.plan.cost_usd,
                         "queries": [asdict(q) | {"url": q.describe()} for q in self.plan.queries]},
                "requests": self.requests, "cache_hits": self.cache_hits, "cost_usd": self.cost_usd,
                "elapsed_s": self.elapsed_s, "headlines": [asdict(h) for h in self.headlines]}


# --- planning -------------------------------------------------------------------------------


def _spellings(term: str) -> list[str]:
    """The forms searched for a term: :func:`citegraph.terms.variants`, checked for the filter
    syntax (a comma or a ``|`` would split the filter)."""
    compile_term(term)  # the same TermError as everywhere for an empty term
    if any(ch in term for ch in ",|:"):
        raise TermError(f"--term {term!r}: an OpenAlex search filter cannot hold ',', '|' or ':'; drop them")
    return variants(term)


def _period_label(period: tuple[int | None, int | None]) -> str:
    first, last = period
    if first is None:
        return f"until {last}"
    return f"{first} on" if last is None else f"{first}-{last}"


def _period_filter(period: tuple[int | None, int | None]) -> str:
    first, last = period
    if first is None:
        return f"publication_year:<{int(last) + 1}"  # type: ignore[arg-type]
    return f"publication_year:>{first - 1}" if last is None else f"publication_year:{first}-{last}"


def _normal_seeds(seeds: Seeds) -> tuple[tuple[str, str], ...]:
    """``(name, "W1|W2")`` pairs: a seed may be several records of one paper (preprint and
    published twins), asked for in one ``cites:`` OR filter so a work citing both counts once."""
    pairs = seeds.items() if isinstance(seeds, Mapping) else ((s, s) for s in seeds)
    normal = []
    for name, ids in pairs:
        listed = [ids] if isinstance(ids, str) else list(ids)
        normal.append((str(name), "|".join(dict.fromkeys(work_id(str(wid)) for wid in listed))))
    return tuple(normal)


def plan_corpus(terms: Sequence[str], *, seeds: Seeds = (),
                options: CorpusOptions = CorpusOptions()) -> CorpusPlan:
    """Every query the view of ``terms`` needs, unsent. ``seeds``: ids, or ``{name: id or ids}``."""
    if not terms:
        raise TermError("no --term given: give a word such as pre-training")
    if not 1 <= options.earliest <= 100:
        raise InputError(f"the page of earliest works holds 1 to 100 works, not {options.earliest}")
    seed_pairs = _normal_seeds(seeds)
    queries = [CorpusQuery("totals", None, "", None, "publication_year:include_unknown")]
    for term in dict.fromkeys(terms):
        forms = _spellings(term)
        union = f"{options.search_key}:{'|'.join(forms)}"
        queries.append(CorpusQuery("union", term, "", union, "publication_year:include_unknown"))
        queries += [CorpusQuery("spelling", term, form, f"{options.search_key}:{form}", "publication_year")
                    for form in forms]
        queries += [CorpusQuery("fields", term, _period_label(p), f"{union},{_period_filter(p)}",
                                "primary_topic.field.id:include_unknown") for p in options.periods]
        queries += [CorpusQuery("institutions", term, kind, f"{union},authorships.institutions.type:{kind}",
                                "publication_year") for kind in options.institution_types]
        queries.append(CorpusQuery("earliest", term, "", union, sort=_EARLIEST_SORT, per_page=options.earliest))
        queries += [CorpusQuery("seed", term, name, f"cites:{wid},{union}", "publication_year")
                    for name, wid in seed_pairs]
    return CorpusPlan(tuple(dict.fromkeys(terms)), seed_pairs, options, tuple(queries))


# --- running --------------------------------------------------------------------------------


def _ask(source: CorpusSource, query: CorpusQuery) -> list[dict]:
    if query.key:
        return source.group_by(query.filter, query.key)
    results, _meta = source.list_page(query.filter, select=_EARLIEST_FIELDS, sort=query.sort,
                                      per_page=query.per_page)
    return results


def _run(source: CorpusSource, plan: CorpusPlan) -> dict[CorpusQuery, list[dict]]:
    """Every answer, keyed by its query. Errors (budget spent, 400, offline miss) propagate."""
    workers = max(1, min(plan.options.workers, plan.requests))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="citegraph-corpus")
    try:
        answers = list(pool.map(lambda q: _ask(source, q), plan.queries))
    except BaseException:
        # Ctrl-C or a failed query: drop the queries not yet sent instead of running them all.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return dict(zip(plan.queries, answers))


def _stats(source: Any) -> dict[str, Any] | None:
    stats = getattr(source, "stats", None)
    return stats.as_dict() if hasattr(stats, "as_dict") else None


def corpus_scope(settings: Any, corpus_works: int) -> str:
    """The corpus a source counts, in words, from its settings: the demo stand-in (``demo``
    cache namespace), OpenAlex itself (the default API URL), or another server by its URL."""
    if getattr(settings, "cache_namespace", None) == "demo":
        return f"the demo corpus, {corpus_works:,} works"
    url = str(getattr(settings, "api_url", "") or "").rstrip("/")
    if url in ("", DEFAULT_API_URL):
        return "all of OpenAlex, core works (xpac excluded)"
    return f"the corpus at {url}, {corpus_works:,} works"


def corpus_view(source: CorpusSource, terms: Sequence[str], *, seeds: Seeds = (),
                scope: str | None = None, options: CorpusOptions = CorpusOptions(),
                on_plan: Callable[[CorpusPlan], None] | None = None) -> CorpusView:
    """The corpus view of ``terms`` from ``source`` (an :class:`~citegraph.client.OpenAlexClient`
    or anything with its ``group_by``/``list_page``).

    ``scope`` names the corpus; when None it follows from ``source.settings`` (:func:`corpus_scope`).
    ``on_plan`` sees the plan before the first request. Raises :class:`TermError` for a term that
    cannot be searched; the source's errors (budget, offline miss, network) propagate.
    """
    plan = plan_corpus(terms, seeds=seeds, options=options)
    if on_plan is not None:
        on_plan(plan)
    before = _stats(source)
    started = time.monotonic()
    answers = _run(source, plan)
    elapsed = round(time.monotonic() - started, 3)
    after = _stats(source)
    totals = _year_counts(answers[plan.of("totals")[0]])
    corpus_works = sum(totals.values())
    if scope is None:
        scope = corpus_scope(getattr(source, "settings", None), corpus_works)
    unions = {term: _year_counts(answers[plan.of("union", term)[0]]) for term in plan.terms}
    frames = _frames(plan, answers, totals, unions)
    how = counted_by(source, options)
    headlines = tuple(_headline(term, scope, frames, sum(unions[term].values()), unions[term].get(_UNKNOWN, 0), how)
                      for term in plan.terms)
    spent = None if before is None or after is None else {k: after[k] - before[k] for k in ("requests", "cache_hits", "cost_usd")}
    log.info("corpus view of %s: %d queries in %.2f s", ", ".join(plan.terms), plan.requests, elapsed)
    return CorpusView(scope=scope, plan=plan, corpus_works=corpus_works, **frames, headlines=headlines,
                      requests=spent and spent["requests"], cache_hits=spent and spent["cache_hits"],
                      cost_usd=spent and round(spent["cost_usd"], 6), elapsed_s=elapsed)


# --- answers into frames --------------------------------------------------------------------


def _year_counts(groups: Iterable[Mapping[str, Any]]) -> dict[int | str, int]:
    """``{year: count}`` from a publication_year group_by; works without a year under ``unknown``."""
    counts: dict[int | str, int] = {}
    for group in groups:
        key = str(group.get("key"))
        year: int | str = int(key) if key.lstrip("-").isdigit() else _UNKNOWN
        counts[year] = counts.get(year, 0) + int(group.get("count") or 0)
    return counts


def _dated(counts: Mapping[int | str, int]) -> dict[int, int]:
    return {y: n for y, n in counts.items() if isinstance(y, int)}


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 6) if whole else None


def _frames(plan: CorpusPlan, answers: Mapping[CorpusQuery, list[dict]], totals: Mapping[int | str, int],
            unions: Mapping[str, Mapping[int | str, int]]) -> dict[str, pd.DataFrame]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in
                                             ("trend", "spellings", "fields", "institutions", "earliest", "seed_spread")}
    for term in plan.terms:
        union = unions[term]
        rows["trend"] += _trend_rows(term, _dated(union), _dated(totals))
        rows["spellings"] += _spelling_rows(term, plan.of("spelling", term), answers, union)
        rows["fields"] += _field_rows(term, plan.of("fields", term), answers)
        rows["institutions"] += _institution_rows(term, plan.of("institutions", term), answers, union)
        rows["earliest"] += _earliest_rows(term, answers[plan.of("earliest", term)[0]], compile_term(term))
        rows["seed_spread"] += _seed_rows(term, plan, answers, union)
    columns = {
        "trend": ["term", "year", "works", "term_works", "share"],
        "spellings": ["term", "spelling", "year", "term_works", "share_of_term"],
        "fields": ["term", "period", "field_id", "field", "works", "share"],
        "institutions": ["term", "year", "institution_type", "works", "term_works", "share"],
        "earliest": ["term", "rank", "id", "year", "date", "title", "field", "forms", "evidence", "verified", "use"],
        "seed_spread": ["term", "seed", "seed_id", "year", "citing_seed", "term_works", "share"],
    }
    return {name: pd.DataFrame(rows[name], columns=columns[name]) for name in columns}


def _trend_rows(term: str, union: Mapping[int, int], totals: Mapping[int, int]) -> list[dict[str, Any]]:
    """Every year from the term's first to the corpus's last, zeros included (a gap is data)."""
    if not union:
        return []
    last = max([*totals, *union])
    return [{"term": term, "year": year, "works": totals.get(year, 0), "term_works": union.get(year, 0),
             "share": _share(union.get(year, 0), totals.get(year, 0))} for year in range(min(union), last + 1)]


def _spelling_rows(term: str, queries: Sequence[CorpusQuery], answers: Mapping[CorpusQuery, list[dict]],
                   union: Mapping[int | str, int]) -> list[dict[str, Any]]:
    rows = []
    for query in queries:
        for year, count in sorted(_dated(_year_counts(answers[query])).items()):
            rows.append({"term": term, "spelling": query.label, "year": year, "term_works": count,
                         "share_of_term": _share(count, union.get(year, 0))})
    return rows


def _field_rows(term: str, queries: Sequence[CorpusQuery], answers: Mapping[CorpusQuery, list[dict]]
                ) -> list[dict[str, Any]]:
    rows = []
    for query in queries:
        groups = answers[query]
        period_total = sum(int(g.get("count") or 0) for g in groups)
        for group in groups:
            count = int(group.get("count") or 0)
            rows.append({"term": term, "period": query.label, "field_id": str(group.get("key")),
                         "field": str(group.get("key_display_name") or group.get("key")), "works": count,
                         "share": _share(count, period_total)})
    return rows


def _institution_rows(term: str, queries: Sequence[CorpusQuery], answers: Mapping[CorpusQuery, list[dict]],
                      union: Mapping[int | str, int]) -> list[dict[str, Any]]:
    rows = []
    for query in queries:
        for year, count in sorted(_dated(_year_counts(answers[query])).items()):
            rows.append({"term": term, "year": year, "institution_type": query.label, "works": count,
                         "term_works": union.get(year, 0), "share": _share(count, union.get(year, 0))})
    return rows


def _seed_rows(term: str, plan: CorpusPlan, answers: Mapping[CorpusQuery, list[dict]],
               union: Mapping[int | str, int]) -> list[dict[str, Any]]:
    ids = dict(plan.seeds)
    rows = []
    for query in plan.of("seed", term):
        for year, count in sorted(_dated(_year_counts(answers[query])).items()):
            rows.append({"term": term, "seed": query.label, "seed_id": ids[query.label], "year": year,
                         "citing_seed": count, "term_works": union.get(year, 0),
                         "share": _share(count, union.get(year, 0))})
    return rows


def _earliest_rows(term: str, records: Sequence[Mapping[str, Any]], matcher: TermMatcher) -> list[dict[str, Any]]:
    """The earliest hits, each checked by citegraph's matcher against its own title and abstract."""
    rows = []
    for rank, raw in enumerate(records, start=1):
        work = slim_record(raw)
        hits = term_hits(work.title, work.abstract, work.has_abstract, matcher)
        verified = hits.adopts
        rows.append({"term": term, "rank": rank, "id": work.id, "year": work.year, "date": work.date,
                     "title": work.title, "field": work.field, "forms": "; ".join(hits.forms),
                     "evidence": hits.snippet, "verified": verified, "use": hits.use})
    return rows


# --- headlines ------------------------------------------------------------------------------


def _takeoff(trend: pd.DataFrame) -> int | None:
    """The first year with ``TAKEOFF_MIN_WORKS`` term works and ``TAKEOFF_PEAK_FRACTION`` of the peak."""
    if trend.empty:
        return None
    bar = max(TAKEOFF_MIN_WORKS, TAKEOFF_PEAK_FRACTION * int(trend["term_works"].max()))
    above = trend[trend["term_works"] >= bar]
    return int(above["year"].iloc[0]) if not above.empty else None


def _value(value: Any) -> Any:
    """A cell as plain data: None for NaN, None and ""."""
    return None if value is None or value == "" or (isinstance(value, float) and pd.isna(value)) else value


def _headline(term: str, scope: str, frames: Mapping[str, pd.DataFrame], term_works: int, undated: int,
              how: str) -> TermHeadline:
    trend = frames["trend"][frames["trend"]["term"] == term]
    earliest = frames["earliest"][frames["earliest"]["term"] == term]
    verified = earliest[earliest["verified"].astype(bool)]
    first = None
    if not verified.empty:
        row = verified.iloc[0]
        year = _value(row["year"])
        first = FirstUse(id=row["id"], year=None if year is None else int(year), date=_value(row["date"]),
                         title=row["title"], field=_value(row["field"]), evidence=row["evidence"])
    unverified_before = int((earliest["rank"] < verified["rank"].iloc[0]).sum()) if first else len(earliest)
    fields = frames["fields"][(frames["fields"]["term"] == term) & (frames["fields"]["field_id"] != _UNKNOWN)]
    top_fields = fields.groupby("field")["works"].sum().sort_values(ascending=False, kind="stable").head(3)
    kinds = frames["institutions"][frames["institutions"]["term"] == term].groupby("institution_type")["works"].sum()
    return TermHeadline(
        term=term, scope=scope, term_works=term_works, undated_term_works=undated,
        first_use=first, unverified_before_first_use=unverified_before, takeoff_year=_takeoff(trend),
        peak_year=int(trend.loc[trend["term_works"].idxmax(), "year"]) if not trend.empty else None,
        top_fields=tuple((str(k), int(v)) for k, v in top_fields.items()),
        institution_works=tuple((str(k), int(v)) for k, v in kinds.sort_values(ascending=False).items()),
        counted_by=how)


# --- files ----------------------------------------------------------------------------------


def write_corpus_csvs(view: CorpusView, out_dir: Path | str, *, files: FileSet | None = None) -> dict[str, Path]:
    """Write the view's CSVs and ``corpus.json`` (scope, plan, costs, headlines) into ``out_dir``,
    renamed into place together (``files``: a caller's open set to join). Raises
    :class:`OutputError` when the directory cannot be written.
    """
    out = Path(out_dir)
    paths = {name: out / file for name, file in CORPUS_FILES.items()}
    with atomic_files(files) as staged:
        for name, path in paths.items():
            if name == "summary":
                staged.write(path, json.dumps(view.summary(), indent=2, ensure_ascii=False))
            else:
                staged.write(path, getattr(view, name).to_csv(index=False, lineterminator="\n"))
    return paths


@dataclass(frozen=True, eq=False)
class SavedCorpus:
    """A corpus view read back from a run's directory, with each file's bytes (``{file name:
    bytes}``) to copy unchanged, since a CSV read back is not always written back byte for byte."""

    view: CorpusView
    files: dict[str, bytes]


def read_corpus_view(directory: Path | str) -> SavedCorpus | None:
    """The corpus view a run wrote into ``directory`` (``corpus.json`` and the CSVs), or None
    when it holds none or one that cannot be read.

    Why: ``citegraph snapshot`` counts the terms over every work of the snapshot and writes
    the view beside its graph; ``analyze`` of that graph must report that view (the snapshot is
    the corpus), not ask the API about another one.
    """
    out = Path(directory)
    try:
        texts = {name: (out / file).read_bytes() for name, file in CORPUS_FILES.items()}
        summary = json.loads(texts["summary"])
        frames = {name: pd.read_csv(out / file) for name, file in CORPUS_FILES.items() if name != "summary"}
        headlines = tuple(_read_headline(h) for h in summary["headlines"])
        queries = tuple(CorpusQuery(**{k: q.get(k) for k in CorpusQuery.__dataclass_fields__}) for q in summary["plan"]["queries"])
    except (OSError, ValueError, KeyError, TypeError, pd.errors.ParserError) as exc:
        log.warning("corpus view in %s not read: %s", out, exc)
        return None
    plan = CorpusPlan(terms=tuple(h.term for h in headlines), seeds=(), options=CorpusOptions(), queries=queries)
    view = CorpusView(scope=summary["scope"], plan=plan, corpus_works=int(summary["corpus_works"]), **frames,
                      headlines=headlines, requests=summary.get("requests"), cache_hits=summary.get("cache_hits"),
                      cost_usd=summary.get("cost_usd"), elapsed_s=float(summary.get("elapsed_s") or 0.0))
    return SavedCorpus(view, {CORPUS_FILES[name]: text for name, text in texts.items()})


def _read_headline(data: Mapping[str, Any]) -> TermHeadline:
    first = data.get("first_use")
    return TermHeadline(**{**data, "first_use": FirstUse(**first) if first else None,
                           "top_fields": tuple((str(k), int(v)) for k, v in data.get("top_fields") or ()),
                           "institution_works": tuple((str(k), int(v)) for k, v in data.get("institution_works") or ())})


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
