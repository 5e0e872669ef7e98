"""A local stand-in for the OpenAlex ``/works`` API, served from a JSONL snapshot, with faults.

Why it exists: the client, the crawler and the benchmarks must be exercised against something
that answers like api.openalex.org (same URLs, JSON shapes, 400/404/429 bodies and prices)
without the network and without spending anyone's budget. It also misbehaves on purpose,
reproducibly (latency, rate limits, a daily budget that runs out, 5xx, dropped connections,
truncated and malformed bodies), because a crawler is only as good as its worst day.

What is faithful and what is not (see ``OPENALEX.md`` in the shared docs):

* Faithful: id forms (``W1``, ``w1``, ``https://openalex.org/W1`` redirect with 301, ``doi:``
  and ``https://doi.org/`` answer directly), merged ids answer 404, the filters citegraph uses
  (``openalex``/``cites``/``cited_by``/``doi``/years/dates/``*.search``), ``select``, paging
  (``per_page`` 1-100, page x per_page <= 10,000, ``cursor``), ``sort``, ``group_by``, prices in
  ``meta.cost_usd`` and ``X-RateLimit-*-USD`` headers, error bodies with ``error``/``message``.
* Simplified: search is a stemmed all-words match (no phrases, no boolean operators, no
  relevance ranking: results come in file order); only the filter keys in ``_FILTERS`` exist;
  ``per_page`` stops at 100 as the project docs say, although real recordings show 200.

Standard library only, and never ``requests``: only ``citegraph.client`` may import that.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import functools
import gzip
import json
import logging
import math
import os
import random
import re
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .bulk import gc_paused
from urllib.parse import parse_qsl, unquote

__all__ = ["FaultConfig", "RequestLog", "StandinServer", "WorkIndex", "load_works", "main"]

logger = logging.getLogger("citegraph.standin")

Work = dict[str, Any]

# Prices in micro-dollars, so that a budget of $0.0003 allows exactly three list calls.
MICRO_USD = 1_000_000
PRICE_LIST = 100  # $0.0001: any list/filter call, group_by without a search
PRICE_SEARCH = 1_000  # $0.001: search= or any *.search filter
MAX_OR_VALUES = 100
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGED_RESULTS = 10_000
MAX_GROUPS = 200

INVALID_PARAMS = "Invalid query parameters error."
NOT_FOUND = {
    "error": "404 Not Found",
    "message": "The requested URL was not found on the server. "
    "If you entered the URL manually please check your spelling and try again.",
}
# Copied, in order, from a real 400 body (raw_responses/format_example_error_400_invalid_select_field.json).
SELECT_FIELDS = (
    "id, doi, title, display_name, relevance_score, publication_year, publication_date, ids, "
    "language, primary_location, sources, type, type_crossref, indexed_in, open_access, "
    "authorships, institution_assertions, institutions, countries_distinct_count, "
    "institutions_distinct_count, corresponding_author_ids, corresponding_institution_ids, "
    "apc_list, apc_paid, fwci, is_authors_truncated, has_fulltext, fulltext_origin, "
    "cited_by_count, citation_normalized_percentile, cited_by_percentile_year, biblio, "
    "is_retracted, is_paratext, is_xpac, primary_topic, topics, keywords, concepts, mesh, "
    "locations_count, locations, best_oa_location, sustainable_development_goals, grants, awards, "
    "funders, datasets, versions, has_content, referenced_works_count, referenced_works, "
    "related_works, abstract_inverted_index, cited_by_api_url, counts_by_year, updated_date, "
    "created_date"
).split(", ")
LIST_PARAMS = ("filter", "search", "select", "sort", "per_page", "page", "cursor", "group_by",
               "api_key", "mailto")
GROUP_BY_FIELDS = (
    "publication_year", "type", "language", "authorships.author.id", "primary_location.source.id",
    "primary_topic.id", "primary_topic.subfield.id", "primary_topic.field.id",
    "primary_topic.domain.id", "topics.id", "topics.subfield.id", "topics.field.id",
    "topics.domain.id",
)
SORT_FIELDS = ("publication_year", "publication_date", "cited_by_count", "display_name",
               "referenced_works_count", "relevance_score")


# ---------------------------------------------------------------------------- loading and ids

def load_works(path: str | os.PathLike[str]) -> list[Work]:
    """Read OpenAlex work records, one JSON object per line, from ``.jsonl`` or ``.jsonl.gz``.

    Extra ``_``-prefixed fields (``_provenance``, ...) are kept: they are served as they are.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    works = []
    with opener(path, "rt", encoding="utf-8") as handle, gc_paused():
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                works.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON record ({exc.msg})") from exc
    return works


_OPENALEX_W = "https://openalex.org/W"
_WORK_ID = re.compile(r"(?:https?://(?:www\.)?openalex\.org/)?([wW]\d+)", re.IGNORECASE)
_CANONICAL_ID = re.compile(r"W\d+")
_DOI_PREFIX = re.compile(r"^(?:doi:\s*)?(?:https?://(?:dx\.)?doi\.org/)?", re.IGNORECASE)


def short_id(value: Any) -> str | None:
    """``W123`` from ``W123``, ``w123`` or ``https://openalex.org/W123``; None otherwise."""
    if not isinstance(value, str):
        return None
    if value.startswith(_OPENALEX_W) and value[22:].isdigit():
        return value[21:]  # the canonical form, i.e. nearly every reference: skip the regex
    match = _WORK_ID.fullmatch(value.strip())
    return match.group(1).upper() if match else None


def normalise_doi(value: Any) -> str | None:
    """Lowercase bare DOI (``10.x/y``) from ``doi:``/URL/bare forms: DOIs are case-insensitive."""
    if not isinstance(value, str):
        return None
    doi = _DOI_PREFIX.sub("", value.strip()).lower()
    return doi if doi.startswith("10.") else None


# ---------------------------------------------------------------------------- search text

_WORD = re.compile(r"[^\W_]+(?:[-\u2010-\u2014][^\W_]+)*")
_DASH = re.compile(r"[-\u2010-\u2014]")
_VOWEL = re.compile(r"[aeiouy]")


def word_tokens(text: str, *, keep_parts: bool) -> list[str]:
    """Lowercase words; a hyphenated compound counts as one joined word (pre-training ->
    pretraining), plus its parts when ``keep_parts`` (for the indexed text, so that a query
    ``training`` still finds ``pre-training``)."""
    tokens = []
    for word in _WORD.findall(text.lower()):
        if not _DASH.search(word):
            tokens.append(word)
            continue
        parts = _DASH.split(word)
        tokens.append("".join(parts))
        if keep_parts:
            tokens.extend(parts)
    return tokens


@functools.lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """A light suffix stripper (a small part of Porter's step 1) so that pretrain, pretrains,
    pretrained and pretraining share one stem. Consistency matters, not linguistics: text and
    query go through the same function."""
    if len(word) <= 3:
        return word
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 2 and _VOWEL.search(base):
            word = base
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if len(word) > 2 and word[-1] in "eyi":
        word = word[:-1]
    return word


# ---------------------------------------------------------------------------- the index

class WorkIndex:
    """The records plus the lookups every query needs, built once so a 100-id batch costs
    100 dict lookups: position by id and by DOI, who-cites-X, referenced ids, works by year.
    The word index for searches is built on the first search, so servers that never search
    (most tests) do not pay for it."""

    def __init__(self, works: Iterable[Work], merged_ids: Iterable[str] = ()) -> None:
        merged = {short_id(m) for m in merged_ids} - {None}
        # A merged id answers 404 since January 2026: its record is simply not served.
        self.works: list[Work] = [w for w in works if short_id(w.get("id")) not in merged]
        self.merged_ids = frozenset(merged)
        self.by_id: dict[str, int] = {}
        self.by_doi: dict[str, int] = {}
        self.by_year: dict[int, list[int]] = {}
        self.citing: dict[str, list[int]] = {}
        self.references: list[list[str]] = []
        with gc_paused():
            for pos, work in enumerate(self.works):
                self._add(pos, work)
        self._words: dict[str, dict[str, list[int]]] | None = None
        self._words_lock = threading.Lock()

    def _add(self, pos: int, work: Work) -> None:
        wid = short_id(work.get("id"))
        if wid is not None:
            self.by_id.setdefault(wid, pos)
        doi = normalise_doi(work.get("doi"))
        if doi is not None:
            self.by_doi.setdefault(doi, pos)
        year = work.get("publication_year")
        if isinstance(year, int):
            self.by_year.setdefault(year, []).append(pos)
        refs = [r for r in map(short_id, work.get("referenced_works") or ()) if r]
        self.references.append(refs)
        for ref in dict.fromkeys(refs):
            self.citing.setdefault(ref, []).append(pos)

    def __len__(self) -> int:
        return len(self.works)

    def word_postings(self, part: str, stemmed: bool) -> dict[str, list[int]]:
        """Word (or stem) -> positions of the works whose title or abstract (``part``) has it."""
        with self._words_lock:
            if self._words is None:
                with gc_paused():
                    self._words = self._index_words()
        return self._words[f"{part}_{'stems' if stemmed else 'words'}"]

    def _index_words(self) -> dict[str, dict[str, list[int]]]:
        maps: dict[str, dict[str, list[int]]] = {
            f"{part}_{kind}": {} for part in ("title", "abstract") for kind in ("words", "stems")}
        for pos, work in enumerate(self.works):
            title = work.get("display_name") or work.get("title") or ""
            # The inverted index's keys are the abstract's words; their order does not matter here.
            abstract = " ".join(work.get("abstract_inverted_index") or ())
            for part, text in (("title", title), ("abstract", abstract)):
                words = set(word_tokens(text, keep_parts=True))
                for word in words:
                    maps[f"{part}_words"].setdefault(word, []).append(pos)
                for word_stem in set(map(stem, words)):
                    maps[f"{part}_stems"].setdefault(word_stem, []).append(pos)
        return maps


# ---------------------------------------------------------------------------- filters

class BadRequest(Exception):
    """A request OpenAlex would reject with 400; ``body`` is the JSON error to send."""

    def __init__(self, message: str, error: str = INVALID_PARAMS) -> None:
        super().__init__(message)
        self.body = {"error": error, "message": message}


@dataclass(frozen=True)
class _Clause:
    """One compiled filter: a candidate set from an index, or a per-work predicate."""

    candidates: frozenset[int] | None = None
    predicate: Callable[[int], bool] | None = None

    def negated(self) -> _Clause:
        if self.candidates is not None:
            excluded = self.candidates
            return _Clause(predicate=lambda pos: pos not in excluded)
        test = self.predicate
        assert test is not None
        return _Clause(predicate=lambda pos: not test(pos))


def _ids_or_400(values: Sequence[str]) -> list[str]:
    ids = []
    for value in values:
        wid = short_id(value)
        if wid is None:
            raise BadRequest(f"'{value}' is not a valid OpenAlex ID")
        ids.append(wid)
    return ids


def _ids_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    found = (index.by_id.get(wid) for wid in _ids_or_400(values))
    return _Clause(candidates=frozenset(pos for pos in found if pos is not None))


def _cites_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    """Works whose ``referenced_works`` contain one of the ids (who cites X)."""
    return _Clause(candidates=frozenset(
        pos for wid in _ids_or_400(values) for pos in index.citing.get(wid, ())))


def _cited_by_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    """Works referenced by one of the ids, when they are in the data (X's references)."""
    positions = set()
    for wid in _ids_or_400(values):
        pos = index.by_id.get(wid)
        if pos is not None:
            found = (index.by_id.get(ref) for ref in index.references[pos])
            positions.update(p for p in found if p is not None)
    return _Clause(candidates=frozenset(positions))


def _doi_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    found = (index.by_doi.get(normalise_doi(v) or "") for v in values)
    return _Clause(candidates=frozenset(pos for pos in found if pos is not None))


def _number_test(key: str, value: str) -> Callable[[int], bool]:
    """``2018``, ``>2015``, ``<2020`` or ``2010-2015`` (inclusive) as a test on an int."""
    try:
        if value.startswith(">"):
            low = int(value[1:])
            return lambda n: n > low
        if value.startswith("<"):
            high = int(value[1:])
            return lambda n: n < high
        if "-" in value.strip("-"):
            start, end = (int(part) for part in value.split("-", 1))
            return lambda n: start <= n <= end
        exact = int(value)
        return lambda n: n == exact
    except ValueError:
        raise BadRequest(f"Value for param {key} must be a number, like 2018, >2015, <2020 or "
                         f"2010-2015; got '{value}'") from None


def _year_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    tests = [_number_test("publication_year", v) for v in values]
    years = [y for y in index.by_year if any(test(y) for test in tests)]
    return _Clause(candidates=frozenset(p for y in years for p in index.by_year[y]))


def _date_clause(after: bool) -> Callable[[WorkIndex, Sequence[str]], _Clause]:
    """``from_publication_date`` / ``to_publication_date``: inclusive ISO date bounds."""
    def clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
        try:
            bounds = [date.fromisoformat(v).isoformat() for v in values]
        except ValueError:
            raise BadRequest(f"Value for date filter must be a date like 2018-06-30; got "
                             f"'{'|'.join(values)}'") from None

        def matches(pos: int) -> bool:
            published = index.works[pos].get("publication_date")
            if not isinstance(published, str):
                return False
            return any(published >= b if after else published <= b for b in bounds)
        return _Clause(predicate=matches)
    return clause


def _type_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    wanted = {v.rsplit("/", 1)[-1].lower() for v in values}
    return _Clause(predicate=lambda pos: str(index.works[pos].get("type")).lower() in wanted)


_SEARCH_SCOPES = {"title": ("title",), "display_name": ("title",), "abstract": ("abstract",),
                  "title_and_abstract": ("title", "abstract"), "default": ("title", "abstract")}


def _search_clause(scope: Sequence[str], stemmed: bool) -> Callable[[WorkIndex, Sequence[str]], _Clause]:
    """All words of a query must occur in the scope (an OR list is any of the queries)."""
    def clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
        postings = [index.word_postings(part, stemmed) for part in scope]
        found: set[int] = set()
        for value in values:
            words = word_tokens(value, keep_parts=False)
            hits = [{p for words_to_positions in postings for p in words_to_positions.get(word, ())}
                    for word in dict.fromkeys(map(stem, words) if stemmed else words)]
            if hits:
                found |= set.intersection(*hits)
        return _Clause(candidates=frozenset(found))
    return clause


def _build_filters() -> dict[str, Callable[[WorkIndex, Sequence[str]], _Clause]]:
    filters: dict[str, Callable[[WorkIndex, Sequence[str]], _Clause]] = {
        "openalex": _ids_clause, "ids.openalex": _ids_clause, "openalex_id": _ids_clause,
        "cites": _cites_clause, "referenced_works": _cites_clause, "cited_by": _cited_by_clause,
        "doi": _doi_clause, "publication_year": _year_clause,
        "from_publication_date": _date_clause(after=True),
        "to_publication_date": _date_clause(after=False),
        "type": _type_clause,
    }
    for name, scope in _SEARCH_SCOPES.items():
        filters[f"{name}.search"] = _search_clause(scope, stemmed=True)
        if name != "default":  # OpenAlex has no default.search.no_stem
            filters[f"{name}.search.no_stem"] = _search_clause(scope, stemmed=False)
            filters[f"{name}.search.exact"] = _search_clause(scope, stemmed=False)  # the alias
    return filters


_FILTERS = _build_filters()
_ID_FILTERS = ("openalex", "ids.openalex", "openalex_id", "doi")


def split_filter(raw: str) -> Iterator[tuple[str, str]]:
    """``a:1|2,b:!x`` -> ("a", "1|2"), ("b", "!x"); keys in underscore form (``-`` allowed)."""
    for part in raw.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition(":")
        if not sep:
            raise BadRequest(f"Invalid filter '{part}': a filter is key:value, like publication_year:2018")
        yield key.strip().lower().replace("-", "_"), value.strip()


def compile_filter(index: WorkIndex, key: str, raw_value: str) -> _Clause:
    """One ``key:value`` filter as a clause; ``!value`` negates, ``a|b`` is an OR of values."""
    handler = _FILTERS.get(key)
    if handler is None:
        raise BadRequest(f"{key} is not a valid field. Valid fields are underscore or hyphenated "
                         f"versions of: {', '.join(sorted(_FILTERS))}")
    negate = raw_value.startswith("!")
    values = [v.strip() for v in raw_value.lstrip("!").split("|") if v.strip()]
    if not values:
        raise BadRequest(f"Filter {key} needs a value, like {key}:value")
    if len(values) > MAX_OR_VALUES:
        raise BadRequest(f"Maximum number of values exceeded for {key}. Decrease values to "
                         f"{MAX_OR_VALUES} or below, or consider downloading the full dataset.")
    clause = handler(index, values)
    return clause.negated() if negate else clause


def matching_positions(index: WorkIndex, clauses: Sequence[_Clause]) -> list[int]:
    """Positions (file order) passing every clause: smallest candidate set first, then tests."""
    sets = sorted((c.candidates for c in clauses if c.candidates is not None), key=len)
    base: Iterable[int] = sorted(frozenset.intersection(*sets)) if sets else range(len(index))
    tests = [c.predicate for c in clauses if c.predicate is not None]
    return [pos for pos in base if all(test(pos) for test in tests)]


# ---------------------------------------------------------------------------- list queries

@dataclass
class ListQuery:
    """A parsed ``/works`` list request; parsing raises :class:`BadRequest` like OpenAlex."""

    clauses: list[_Clause]
    is_search: bool
    select: list[str] | None
    sort: list[tuple[str, bool]]
    per_page: int
    page: int
    cursor: int | None
    group_by: tuple[str, bool] | None

    @property
    def price(self) -> int:
        return PRICE_SEARCH if self.is_search else PRICE_LIST


def parse_select(raw: str | None) -> list[str] | None:
    if raw is None:
        return None
    fields = list(dict.fromkeys(f.strip() for f in raw.split(",") if f.strip()))
    for name in fields:
        if name not in SELECT_FIELDS:
            raise BadRequest(f"{name} is not a valid select field. Valid fields for select are: "
                             f"{', '.join(SELECT_FIELDS)}.")
    return fields or None


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"Value for param {name} must be a number; got '{raw}'") from None


def parse_sort(raw: str | None, is_search: bool) -> list[tuple[str, bool]]:
    keys = []
    for part in (raw or "").split(","):
        name, _, direction = part.strip().partition(":")
        if not name:
            continue
        if name not in SORT_FIELDS or direction not in ("", "asc", "desc"):
            raise BadRequest(f"{part.strip()} is not a valid sort field. Valid fields for sort are: "
                             f"{', '.join(SORT_FIELDS)} (optionally :asc or :desc)")
        if name == "relevance_score" and not is_search:
            raise BadRequest("Must include a search query (such as ?search=example or "
                             "filter=title_and_abstract.search:example) to sort by relevance_score.")
        keys.append((name, direction == "desc"))
    return keys


def parse_group_by(raw: str | None) -> tuple[str, bool] | None:
    if raw is None or not raw.strip():
        return None
    name, _, option = raw.strip().partition(":")
    name = name.replace("-", "_")
    if name not in GROUP_BY_FIELDS or option not in ("", "include_unknown"):
        raise BadRequest(f"{raw} is not a valid group_by field. Valid fields for group_by (in the "
                         f"stand-in) are: {', '.join(GROUP_BY_FIELDS)} (optionally :include_unknown)")
    return name, option == "include_unknown"


def parse_paging(params: Mapping[str, str]) -> tuple[int, int, int | None]:
    """(per_page, page, cursor offset or None); the 400s OpenAlex sends for bad paging."""
    per_page = _parse_int("per_page", params.get("per_page", str(DEFAULT_PER_PAGE)))
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"per-page parameter must be between 1 and {MAX_PER_PAGE}", "Pagination error.")
    if "cursor" in params:
        return per_page, 1, decode_cursor(params["cursor"])
    page = _parse_int("page", params.get("page", "1"))
    if page < 1:
        raise BadRequest("page parameter must be 1 or more", "Pagination error.")
    if page * per_page > MAX_PAGED_RESULTS:
        raise BadRequest("Maximum results size of 10,000 records is exceeded. Cursor pagination is "
                         "required for records beyond 10,000.", "Pagination error.")
    return per_page, page, None


def encode_cursor(offset: int) -> str:
    """An opaque cursor, like OpenAlex's base64 ones (URL-safe, so string-built URLs survive)."""
    return base64.urlsafe_b64encode(json.dumps(["standin", offset]).encode()).decode()


def decode_cursor(token: str) -> int:
    if token == "*":
        return 0
    try:
        tag, offset = json.loads(base64.urlsafe_b64decode(token.encode()))
        if tag == "standin" and isinstance(offset, int) and offset >= 0:
            return offset
    except (ValueError, TypeError, binascii.Error):
        pass
    raise BadRequest(f"cursor '{token}' is not valid: start with cursor=* and pass meta.next_cursor on")


def canonical_params(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Query pairs with hyphenated names in underscore form (per-page -> per_page); last wins."""
    return {name.replace("-", "_"): value for name, value in pairs}


def parse_list_query(index: WorkIndex, params: Mapping[str, str]) -> ListQuery:
    unknown = sorted(set(params) - set(LIST_PARAMS))
    if unknown:
        raise BadRequest(f"{unknown[0]} is not a valid parameter. Valid parameters are: "
                         f"{', '.join(LIST_PARAMS)}")
    clauses, is_search = [], False
    for key, value in split_filter(params.get("filter", "")):
        clauses.append(compile_filter(index, key, value))
        is_search = is_search or ".search" in key
    if params.get("search", "").strip():
        clauses.append(_FILTERS["default.search"](index, [params["search"]]))
        is_search = True
    group_by = parse_group_by(params.get("group_by"))
    select = parse_select(params.get("select"))
    if group_by and select:
        raise BadRequest("select does not work with group_by: drop one of the two parameters.")
    per_page, page, cursor = parse_paging(params)
    return ListQuery(clauses, is_search, select, parse_sort(params.get("sort"), is_search),
                     per_page, page, cursor, group_by)


def trimmed(work: Work, select: Sequence[str] | None) -> Work:
    """``select`` keeps root fields only, in the order asked, null when the record lacks one."""
    return work if select is None else {name: work.get(name) for name in select}


def sort_positions(index: WorkIndex, positions: list[int], keys: Sequence[tuple[str, bool]]) -> None:
    """Stable multi-key sort; missing values sort last in both directions, as Elasticsearch does."""
    for name, descending in reversed(keys):
        if name == "relevance_score":
            continue  # no ranking in the stand-in: search results stay in file order
        works = index.works
        if descending:
            positions.sort(key=lambda p: (works[p].get(name) is not None, works[p].get(name)), reverse=True)
        else:
            positions.sort(key=lambda p: (works[p].get(name) is None, works[p].get(name)))


def group_keys(work: Work, path: str) -> set[tuple[str, str]]:
    """The (key, key_display_name) pairs a work contributes to a ``group_by`` (once each)."""
    if path == "type":
        kind = work.get("type")
        return {(f"https://openalex.org/types/{kind}", kind)} if kind else set()
    pairs = set()
    for leaf, parent in _leaves(work, path.split(".")):
        name = parent.get("display_name") if path.endswith(".id") and parent else None
        pairs.add((str(leaf), str(name if name is not None else leaf)))
    return pairs


def _leaves(node: Any, parts: Sequence[str], parent: Mapping[str, Any] | None = None
            ) -> Iterator[tuple[Any, Mapping[str, Any] | None]]:
    if isinstance(node, list):
        for item in node:
            yield from _leaves(item, parts, parent)
    elif not parts:
        if node is not None and node != "":
            yield node, parent
    elif isinstance(node, Mapping):
        yield from _leaves(node.get(parts[0]), parts[1:], node)


def group_counts(index: WorkIndex, positions: Sequence[int], path: str, include_unknown: bool
                 ) -> list[dict[str, Any]]:
    counts: Counter[tuple[str, str]] = Counter()
    unknown = 0
    for pos in positions:
        pairs = group_keys(index.works[pos], path)
        counts.update(pairs)
        unknown += not pairs
    groups = [{"key": k, "key_display_name": d, "count": n}
              for (k, d), n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    if include_unknown and unknown:
        groups.append({"key": "unknown", "key_display_name": "unknown", "count": unknown})
    return groups[:MAX_GROUPS]


def list_body(index: WorkIndex, query: ListQuery) -> dict[str, Any]:
    """The JSON of a list or group_by answer, shaped like the recorded real ones."""
    started = time.perf_counter()
    positions = matching_positions(index, query.clauses)
    meta: dict[str, Any] = {"count": len(positions), "db_response_time_ms": 0,
                            "page": None if query.cursor is not None else query.page}
    if query.group_by:
        groups = group_counts(index, positions, *query.group_by)
        meta.update(per_page=MAX_GROUPS, next_cursor=None, groups_count=len(groups),
                    cost_usd=query.price / MICRO_USD)
        meta["db_response_time_ms"] = round((time.perf_counter() - started) * 1000)
        return {"meta": meta, "group_by": groups}
    sort_positions(index, positions, query.sort)
    start = query.cursor if query.cursor is not None else (query.page - 1) * query.per_page
    end = start + query.per_page
    more = query.cursor is not None and end < len(positions)
    results = [trimmed(index.works[pos], query.select) for pos in positions[start:end]]
    meta.update(per_page=query.per_page, next_cursor=encode_cursor(end) if more else None,
                groups_count=None, cost_usd=query.price / MICRO_USD)
    meta["db_response_time_ms"] = round((time.perf_counter() - started) * 1000)
    return {"meta": meta, "results": results, "group_by": []}


# ---------------------------------------------------------------------------- routing

@dataclass
class Answer:
    """What the API decided to send, before any transport fault touches it."""

    status: int
    body: dict[str, Any]
    price: int = 0  # micro-USD, charged only when the answer is a 200
    headers: dict[str, str] = field(default_factory=dict)


def classify_work_ref(ref: str) -> tuple[str, str | None]:
    """How ``/works/{ref}`` is answered: ("id", W..), ("redirect", W..), ("doi", doi), ("unknown", None)."""
    if _CANONICAL_ID.fullmatch(ref):
        return "id", ref
    wid = short_id(ref)
    if wid is not None:
        return "redirect", wid  # lowercase or URL form: OpenAlex redirects to the canonical id
    doi = normalise_doi(ref)
    return ("doi", doi) if doi else ("unknown", None)


def endpoint_kind(path: str, params: Mapping[str, str]) -> str:
    if path.rstrip("/") == "/works":
        return "group_by" if params.get("group_by") else "list"
    return "single" if path.startswith("/works/") else "other"


def ids_in_request(path: str, params: Mapping[str, str]) -> int:
    """How many works a request asks for by id (singleton or openalex/doi OR filters)."""
    if path.startswith("/works/"):
        return int(classify_work_ref(unquote(path[7:]).strip().rstrip("/"))[0] in ("id", "doi"))
    count = 0
    for part in params.get("filter", "").split(","):
        key, _, value = part.partition(":")
        if key.strip().lower().replace("-", "_") in _ID_FILTERS:
            count += len([v for v in value.lstrip("!").split("|") if v.strip()])
    return count


def answer_single(index: WorkIndex, raw_ref: str, query: str, params: Mapping[str, str]) -> Answer:
    kind, value = classify_work_ref(unquote(raw_ref).strip().rstrip("/"))
    if kind == "redirect":
        location = f"/works/{value}" + (f"?{query}" if query else "")
        return Answer(301, {"message": f"Moved permanently to {location}"}, headers={"Location": location})
    lookup = index.by_id if kind == "id" else index.by_doi
    pos = lookup.get(value) if value else None
    if pos is None:
        return Answer(404, dict(NOT_FOUND))
    return Answer(200, trimmed(index.works[pos], parse_select(params.get("select"))))


def answer(index: WorkIndex, path: str, query: str) -> Answer:
    """Route one API GET to its answer; a :class:`BadRequest` becomes a 400."""
    params = canonical_params(parse_qsl(query, keep_blank_values=True))
    try:
        if path.rstrip("/") == "/works":
            parsed = parse_list_query(index, params)
            return Answer(200, list_body(index, parsed), price=parsed.price)
        if path.startswith("/works/"):
            return answer_single(index, path[len("/works/"):], query, params)
    except BadRequest as exc:
        return Answer(400, exc.body)
    return Answer(404, dict(NOT_FOUND))


# ---------------------------------------------------------------------------- faults and limits

@dataclass(frozen=True)
class FaultConfig:
    """How the stand-in misbehaves. Rates are shares of requests (their sum at most 1).

    * latency: every API request waits ``latency_ms`` plus a uniform share of ``jitter_ms``.
    * ``rate_limit``: requests per second (sliding 1 s window); beyond it 429 + ``Retry-After: 1``.
    * ``daily_budget_usd``: spend allowed per UTC day at OpenAlex prices; a priced request that
      does not fit gets 429 with ``Retry-After`` = seconds to midnight UTC. Singletons are free
      and never refused, as on OpenAlex.
    * ``error_rate`` (500 or 503), ``drop_rate`` (socket closed, no response),
      ``truncate_rate`` (Content-Length promises more than is sent), ``malformed_rate`` (200 with
      a cut JSON body). Truncated and malformed answers are charged (the work was done); 5xx and
      drops are not.
    * ``seed``: faults are drawn from ``random.Random(seed)``, three draws per admitted request
      in arrival order, so a sequential test sees the same faults every run.
    * ``fault_first_n``: only the first N admitted requests (since the config was set) may get
      an injected fault: "fail, then succeed".
    """

    latency_ms: float = 0
    jitter_ms: float = 0
    rate_limit: int | None = None
    daily_budget_usd: float | None = None
    error_rate: float = 0.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    malformed_rate: float = 0.0
    seed: int = 0
    fault_first_n: int | None = None

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.drop_rate, self.truncate_rate, self.malformed_rate)
        if any(not 0 <= r <= 1 for r in rates) or sum(rates) > 1 + 1e-9:
            raise ValueError(f"fault rates must be within 0..1 and sum to at most 1: {rates}")
        if self.latency_ms < 0 or self.jitter_ms < 0:
            raise ValueError("latency_ms and jitter_ms must not be negative")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError("rate_limit must be at least 1 request per second (or None)")
        if self.daily_budget_usd is not None and self.daily_budget_usd < 0:
            raise ValueError("daily_budget_usd must not be negative (or None)")
        if self.fault_first_n is not None and self.fault_first_n < 0:
            raise ValueError("fault_first_n must not be negative (or None)")


class _FaultSequence:
    """Per-request fault decisions in a fixed order from a seeded generator."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._drawn = 0
        self._lock = threading.Lock()

    def next(self) -> tuple[str | None, float]:
        """(fault or None, delay in seconds) for the next admitted request."""
        with self._lock:
            roll, pick, jitter = self._rng.random(), self._rng.random(), self._rng.random()
            number = self._drawn
            self._drawn += 1
        cfg = self.config
        delay = (cfg.latency_ms + jitter * cfg.jitter_ms) / 1000
        if cfg.fault_first_n is not None and number >= cfg.fault_first_n:
            return None, delay
        for fault, rate in (("error", cfg.error_rate), ("drop", cfg.drop_rate),
                            ("truncate", cfg.truncate_rate), ("malformed", cfg.malformed_rate)):
            if roll < rate:
                return (("error_500" if pick < 0.5 else "error_503") if fault == "error" else fault), delay
            roll -= rate
        return None, delay


class _SlidingWindow:
    """At most ``limit`` admitted requests in any one second (the proxy's own algorithm)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._times: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._times and now - self._times[0] >= 1.0:
                self._times.popleft()
            if len(self._times) >= self.limit:
                return False
            self._times.append(now)
            return True


def seconds_to_midnight_utc(now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
    return max(1, math.ceil((midnight - now).total_seconds()))


class _Spend:
    """Money spent today (UTC), in micro-USD; resets when the UTC date changes."""

    def __init__(self) -> None:
        self._day = datetime.now(timezone.utc).date()
        self.spent = 0
        self._lock = threading.Lock()

    def try_charge(self, price: int, limit: int | None) -> bool:
        with self._lock:
            today = datetime.now(timezone.utc).date()
            if today != self._day:
                self._day, self.spent = today, 0
            if limit is not None and price and self.spent + price > limit:
                return False
            self.spent += price
            return True


def _usd(micro: int) -> str:
    return f"{micro / MICRO_USD:.6f}".rstrip("0").rstrip(".") or "0"


# ---------------------------------------------------------------------------- the request log

class RequestLog:
    """Every API request the stand-in saw, for tests and benchmarks (thread-safe).

    An entry: ``seq, time, method, path, query`` (api_key redacted), ``kind`` (single, list,
    group_by, other), ``status`` (None for a dropped connection), ``cost_usd`` (charged),
    ``fault`` (error_500, error_503, drop, truncate, malformed, rate_limit, budget or None),
    ``ids`` (works asked for by id), ``delay_ms`` (injected latency), ``duration_ms``.
    """

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = len(self._entries)
            self._entries.append(entry)

    @property
    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def count(self, kind: str | None = None, status: int | None = None) -> int:
        return sum(1 for e in self.entries
                   if (kind is None or e["kind"] == kind) and (status is None or e["status"] == status))

    @property
    def cost_usd(self) -> float:
        return round(sum(e["cost_usd"] for e in self.entries), 6)

    @property
    def faults(self) -> Counter[str]:
        return Counter(e["fault"] for e in self.entries if e["fault"])

    @property
    def ids_requested(self) -> int:
        """Ids asked for over all requests, retries and refused requests included."""
        return sum(e["ids"] for e in self.entries)

    def summary(self) -> dict[str, Any]:
        entries = self.entries
        return {"requests": len(entries), "by_kind": dict(Counter(e["kind"] for e in entries)),
                "by_status": {str(k): v for k, v in Counter(e["status"] for e in entries).items()},
                "cost_usd": self.cost_usd, "faults": dict(self.faults),
                "ids_requested": self.ids_requested}

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()


# ---------------------------------------------------------------------------- HTTP

_REDACT_KEY = re.compile(r"(?i)(api[_-]key=)[^&]*")


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP glue: everything it decides is asked of ``self.server.standin``."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a real client session expects
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server_version = "citegraph-standin/1"
    timeout = 60

    def do_GET(self) -> None:
        if self.path.startswith("/_standin/"):
            self.server.standin._control(self, "GET")  # type: ignore[attr-defined]
        else:
            self.server.standin._serve_api(self)  # type: ignore[attr-defined]

    def do_POST(self) -> None:
        if self.path.startswith("/_standin/"):
            self.server.standin._control(self, "POST")  # type: ignore[attr-defined]
        else:
            self.send_json(405, {"error": "Method Not Allowed", "message": "The API only answers GET."})

    def send_json(self, status: int, body: dict[str, Any] | bytes,
                  headers: Mapping[str, str] | None = None, fault: str | None = None) -> None:
        """Send a JSON answer; ``truncate`` and ``malformed`` break it on the way out."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if fault == "malformed":
            data = data[: max(1, len(data) // 2)]  # a cut JSON document never parses
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if fault == "truncate":
            self.send_header("Connection", "close")
            self.close_connection = True
            data = data[: len(data) // 2]
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        # The request line carries the api_key: redact it, as the request log does.
        logger.debug("%s %s", self.address_string(), _REDACT_KEY.sub(r"\1***", format % args))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], standin: StandinServer) -> None:
        super().__init__(address, _Handler)
        self.standin = standin

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("connection from %s failed", client_address, exc_info=True)


class StandinServer:
    """The stand-in: ``start()`` serves in a daemon thread and returns the base URL.

    ``works_or_path``: records, a ``WorkIndex``, or a ``.jsonl[.gz]`` path. ``api_key``: when
    set, a request carrying another key gets 401; one carrying none is served (small budget on
    OpenAlex) unless ``require_key``. ``merged_ids`` answer 404 as merged works do.
    """

    def __init__(self, works_or_path: Iterable[Work] | WorkIndex | str | os.PathLike[str],
                 api_key: str | None = None, require_key: bool = False,
                 faults: FaultConfig = FaultConfig(), merged_ids: Iterable[str] = (),
                 host: str = "127.0.0.1", port: int = 0) -> None:
        if require_key and not api_key:
            raise ValueError("require_key=True needs an api_key")
        if isinstance(works_or_path, WorkIndex):
            self.index = works_or_path
        elif isinstance(works_or_path, (str, os.PathLike)):
            self.index = WorkIndex(load_works(works_or_path), merged_ids)
        else:
            self.index = WorkIndex(works_or_path, merged_ids)
        self.api_key = api_key
        self.require_key = require_key
        self.log = RequestLog()
        self._address = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._spend = _Spend()
        self.set_faults(faults)

    # -- lifecycle
    def start(self) -> str:
        if self._httpd is None:
            self._httpd = _HTTPServer(self._address, self)
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                            name="citegraph-standin", daemon=True)
            self._thread.start()
            logger.info("stand-in serving %d works at %s", len(self.index), self.url)
        return self.url

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the stand-in is not started: call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> StandinServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- runtime control
    @property
    def faults(self) -> FaultConfig:
        return self._faults

    def set_faults(self, faults: FaultConfig) -> None:
        """Switch faults now; the fault sequence restarts from the seed, spend is kept."""
        self._faults = faults
        self._sequence = _FaultSequence(faults)
        self._window = _SlidingWindow(faults.rate_limit) if faults.rate_limit else None

    def reset(self) -> None:
        """Forget the log and today's spend, restart the fault sequence and the rate window."""
        self.log.reset()
        self._spend = _Spend()
        self.set_faults(self._faults)

    @property
    def spent_usd(self) -> float:
        return self._spend.spent / MICRO_USD

    # -- request handling
    def _budget_limit(self) -> int | None:
        usd = self._faults.daily_budget_usd
        return None if usd is None else round(usd * MICRO_USD)

    def _key_refused(self, handler: _Handler, params: Mapping[str, str]) -> bool:
        auth = handler.headers.get("Authorization", "")
        given = params.get("api_key") or (auth[7:].strip() if auth.lower().startswith("bearer ") else None)
        if self.api_key is None:
            return False
        return given != self.api_key if given else self.require_key

    def _serve_api(self, handler: _Handler) -> None:
        """Auth, then rate limit, then the fault draw and latency, then the answer and the bill."""
        started = time.perf_counter()
        path, _, query = handler.path.partition("?")
        params = canonical_params(parse_qsl(query, keep_blank_values=True))
        entry: dict[str, Any] = {
            "time": time.time(), "method": "GET", "path": path, "query": _REDACT_KEY.sub(r"\1***", query),
            "kind": endpoint_kind(path, params), "ids": ids_in_request(path, params),
            "cost_usd": 0.0, "fault": None, "delay_ms": 0.0}
        fault, price, reply = None, 0, None
        if self._key_refused(handler, params):
            reply = Answer(401, {"error": "Invalid or missing API key",
                                 "message": "Provide a valid API key (api_key=... or Authorization: Bearer ...)."})
        elif self._window is not None and not self._window.admit():
            fault, reply = "rate_limit", self._rate_limited_answer()
        else:
            fault, delay = self._sequence.next()
            entry["delay_ms"] = round(delay * 1000, 3)
            time.sleep(delay)
            if fault == "drop":
                handler.close_connection = True
            elif fault in ("error_500", "error_503"):
                reply = _server_error_answer(int(fault[-3:]))
            else:
                reply = answer(self.index, path, query)
                price = reply.price if reply.status == 200 else 0
                if not self._spend.try_charge(price, self._budget_limit()):
                    fault, price, reply = "budget", 0, self._budget_answer(reply.price)
        entry.update(status=reply.status if reply else None, fault=fault, cost_usd=price / MICRO_USD,
                     duration_ms=round((time.perf_counter() - started) * 1000, 3))
        self.log.add(entry)  # before sending: whoever holds the response can already see its entry
        if reply is not None:
            handler.send_json(reply.status, reply.body, {**reply.headers, **self._budget_headers(price)}, fault)

    def _budget_headers(self, price: int) -> dict[str, str]:
        limit = self._budget_limit()
        if limit is None:
            return {}
        return {"X-RateLimit-Limit-USD": _usd(limit),
                "X-RateLimit-Remaining-USD": _usd(max(0, limit - self._spend.spent)),
                "X-RateLimit-Cost-USD": _usd(price),
                "X-RateLimit-Reset": str(seconds_to_midnight_utc())}

    def _budget_answer(self, required: int) -> Answer:
        wait = seconds_to_midnight_utc()
        limit = self._budget_limit() or 0
        message = (f"Daily budget of ${_usd(limit)} exhausted: ${_usd(self._spend.spent)} spent, this "
                   f"request costs ${_usd(required)}. The budget resets at midnight UTC, in {wait} seconds.")
        return Answer(429, {"error": "Rate limit exceeded", "message": message, "retryAfter": wait},
                      headers={"Retry-After": str(wait), "X-RateLimit-Cost-Required-USD": _usd(required)})

    def _rate_limited_answer(self) -> Answer:
        limit = self._faults.rate_limit
        message = f"You have exceeded the rate limit of {limit} requests per second. Please try again later."
        return Answer(429, {"error": "Rate limit exceeded", "message": message, "retryAfter": 1},
                      headers={"Retry-After": "1", "RateLimit-Limit": str(limit),
                               "RateLimit-Remaining": "0", "RateLimit-Reset": "1"})

    def _control(self, handler: _Handler, method: str) -> None:
        """``GET /_standin/log``, ``POST /_standin/reset``, ``GET|POST /_standin/faults``."""
        path = handler.path.partition("?")[0].rstrip("/")
        if method == "GET" and path == "/_standin/log":
            handler.send_json(200, {"entries": self.log.entries, "summary": self.log.summary()})
        elif method == "POST" and path == "/_standin/reset":
            self.reset()
            handler.send_json(200, {"reset": True})
        elif path == "/_standin/faults":
            if method == "POST":
                length = int(handler.headers.get("Content-Length") or 0)
                try:
                    self.set_faults(FaultConfig(**json.loads(handler.rfile.read(length) or b"{}")))
                except (ValueError, TypeError) as exc:
                    handler.send_json(400, {"error": INVALID_PARAMS, "message": str(exc)})
                    return
            handler.send_json(200, {"faults": asdict(self._faults)})
        else:
            handler.send_json(404, dict(NOT_FOUND))


def _server_error_answer(status: int) -> Answer:
    if status == 503:
        return Answer(503, {"error": "Service Unavailable", "message": "The server is temporarily "
                            "unable to handle the request (injected by the stand-in)."},
                      headers={"Retry-After": "1"})
    return Answer(500, {"error": "Internal Server Error", "message": "The server encountered an "
                        "internal error (injected by the stand-in)."})


# ---------------------------------------------------------------------------- command line

def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m citegraph.standin",
                                     description="Serve OpenAlex work records like api.openalex.org.")
    parser.add_argument("data", help="works as JSON lines (.jsonl or .jsonl.gz)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--require-key", action="store_true", help="refuse requests without a key")
    parser.add_argument("--merged-ids", default="", help="comma-separated ids that answer 404")
    parser.add_argument("--latency", type=float, default=0, metavar="MS")
    parser.add_argument("--jitter", type=float, default=0, metavar="MS")
    parser.add_argument("--rate-limit", type=int, default=None, metavar="N", help="requests per second")
    parser.add_argument("--daily-budget", type=float, default=None, metavar="USD")
    parser.add_argument("--error-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--drop-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--truncate-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--malformed-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--fault-first-n", type=int, default=None, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGINT/SIGTERM; the first stdout line is the base URL (flushed at once)."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    faults = FaultConfig(latency_ms=args.latency, jitter_ms=args.jitter, rate_limit=args.rate_limit,
                         daily_budget_usd=args.daily_budget, error_rate=args.error_rate,
                         drop_rate=args.drop_rate, truncate_rate=args.truncate_rate,
                         malformed_rate=args.malformed_rate, seed=args.seed,
                         fault_first_n=args.fault_first_n)
    server = StandinServer(args.data, api_key=args.api_key, require_key=args.require_key,
                           faults=faults, merged_ids=[m for m in args.merged_ids.split(",") if m.strip()],
                           host=args.host, port=args.port)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    print(server.start(), flush=True)
    while not stopping.wait(0.5):
        pass
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
