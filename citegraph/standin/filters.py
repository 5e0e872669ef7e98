"""The ``filter=`` language of the stand-in: each ``key:value`` compiled to a clause over a
:class:`~citegraph.standin.index.WorkIndex` (a candidate set, or a per-work test).

Only the filter keys in ``_FILTERS`` exist; an unknown key, a bad value or too many OR values
raise :class:`BadRequest` with the 400 body OpenAlex would send.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from .index import WorkIndex, normalise_doi, short_id, stem, word_tokens

MAX_OR_VALUES = 100

INVALID_PARAMS = "Invalid query parameters error."


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


def _institution_type_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    """``authorships.institutions.type:company|education``: any author's institution has the type."""
    wanted = {v.rsplit("/", 1)[-1].lower() for v in values}

    def matches(pos: int) -> bool:
        return any(str(inst.get("type")).rsplit("/", 1)[-1].lower() in wanted
                   for authorship in index.works[pos].get("authorships") or ()
                   for inst in (authorship or {}).get("institutions") or () if isinstance(inst, dict))
    return _Clause(predicate=matches)


def _field_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    """``primary_topic.field.id:17`` (or ``fields/17``, or the full URL)."""
    wanted = {v.rsplit("/", 1)[-1] for v in values}

    def matches(pos: int) -> bool:
        field = ((index.works[pos].get("primary_topic") or {}).get("field") or {}).get("id")
        return isinstance(field, str) and field.rsplit("/", 1)[-1] in wanted
    return _Clause(predicate=matches)


def _xpac_clause(index: WorkIndex, values: Sequence[str]) -> _Clause:
    """``is_xpac:true|false``."""
    flags = {_boolean("is_xpac", v) for v in values}
    return _Clause(predicate=lambda pos: (pos in index.xpac) in flags)


def _boolean(key: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise BadRequest(f"Value for param {key} must be true or false; got '{value}'")
    return value.lower() == "true"


def _gone(key: str) -> BadRequest:
    """``.search.no_stem`` no longer exists on OpenAlex (OPENALEX.md, December 2026)."""
    exact = key.replace(".no_stem", ".exact")
    return BadRequest(f"{key} no longer exists: use {exact} for a search without stemming, "
                      f"like {exact}:pretraining")


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
        "authorships.institutions.type": _institution_type_clause,
        "institutions.type": _institution_type_clause,
        "primary_topic.field.id": _field_clause,
        "is_xpac": _xpac_clause,
    }
    for name, scope in _SEARCH_SCOPES.items():
        filters[f"{name}.search"] = _search_clause(scope, stemmed=True)
        if name != "default":  # OpenAlex has no default.search.exact
            filters[f"{name}.search.exact"] = _search_clause(scope, stemmed=False)
    return filters


#: Filter keys OpenAlex has dropped: a 400 that says what to use instead.
_GONE = frozenset(f"{name}.search.no_stem" for name in _SEARCH_SCOPES if name != "default")
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
    if key in _GONE:
        raise _gone(key)
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
