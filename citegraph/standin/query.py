"""List queries and routing for the stand-in: pure functions from a request to an :class:`Answer`.

Parsing (``select``, ``sort``, ``group_by``, paging and cursors), the JSON bodies of list and
group_by answers, and :func:`answer`, which routes one API GET over a
:class:`~citegraph.standin.index.WorkIndex`. No HTTP and no faults here: ``server`` sends the
answer, ``faults`` decides what goes wrong on the way.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from .filters import _FILTERS, _ID_FILTERS, BadRequest, _Clause, compile_filter, matching_positions, split_filter
from .index import _CANONICAL_ID, Work, WorkIndex, normalise_doi, short_id

# Prices in micro-dollars, so that a budget of $0.0003 allows exactly three list calls.
MICRO_USD = 1_000_000
PRICE_LIST = 100  # $0.0001: any list/filter call, and any group_by (even with a search)
PRICE_SEARCH = 1_000  # $0.001: search= or any *.search filter
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 25
MAX_PAGED_RESULTS = 10_000
MAX_GROUPS = 200

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
               "include_xpac", "api_key", "mailto")
GROUP_BY_FIELDS = (
    "publication_year", "type", "language", "authorships.author.id", "primary_location.source.id",
    "primary_topic.id", "primary_topic.subfield.id", "primary_topic.field.id",
    "primary_topic.domain.id", "topics.id", "topics.subfield.id", "topics.field.id",
    "topics.domain.id", "authorships.institutions.type", "authorships.institutions.id",
)
SORT_FIELDS = ("publication_year", "publication_date", "cited_by_count", "display_name",
               "referenced_works_count", "relevance_score")


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
        """A group_by is billed as one list call even with a search filter (a recorded 2026
        answer says ``cost_usd: 0.0001``); other searches cost $0.001."""
        return PRICE_SEARCH if self.is_search and not self.group_by else PRICE_LIST


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
    if index.xpac and not _include_xpac(params.get("include_xpac")):
        xpac = index.xpac
        clauses.append(_Clause(predicate=lambda pos: pos not in xpac))
    group_by = parse_group_by(params.get("group_by"))
    select = parse_select(params.get("select"))
    if group_by and select:
        raise BadRequest("select does not work with group_by: drop one of the two parameters.")
    per_page, page, cursor = parse_paging(params)
    return ListQuery(clauses, is_search, select, parse_sort(params.get("sort"), is_search),
                     per_page, page, cursor, group_by)


def _include_xpac(raw: str | None) -> bool:
    """``include_xpac=true`` adds the xpac works to list calls; anything but true/false is a 400."""
    if raw is None or raw.lower() == "false":
        return False
    if raw.lower() == "true":
        return True
    raise BadRequest(f"Value for param include_xpac must be true or false; got '{raw}'")


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
    if path.endswith("institutions.type"):  # keyed like OpenAlex's institution-types vocabulary
        kinds = {str(leaf).rsplit("/", 1)[-1] for leaf, _ in _leaves(work, path.split("."))}
        return {(f"https://openalex.org/institution-types/{kind}", kind) for kind in kinds}
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
