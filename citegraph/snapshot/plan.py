"""The logical plan, written once: the SQL every engine runs over a snapshot.

Each function returns one SQL statement for a :class:`Dialect`, which renders the few constructs
the two engines spell differently: lambdas (DuckDB 2.x ``lambda x: ...``, Spark ``x -> ...``),
list functions and string literals (Spark reads backslash escapes in them). Everything else is
the SQL both accept. The steps:

* :func:`works_sql`: the scan, flattened into the ``works`` table (short ids, the normalised DOI,
  author names, institution types, the referenced ids, the abstract index as a map, the part
  each record came from). Materialised once; every later step reads it.
* :func:`part_counts_sql`: records per part, to check the manifest's counts.
* :func:`candidates_sql`: the term match's first step. A non-regex term's matcher only matches a
  text whose lowercased form contains its ``needle`` (:class:`citegraph.terms.TermMatcher`), and
  the needle holds no space, so a work can use the term only when its title or one of its
  abstract's index keys contains the needle. Those works, and only those, are rebuilt and
  judged by citegraph's own matcher in Python (:mod:`citegraph.snapshot.source`), from the few
  columns judging reads (the index comes as JSON text: it converts to Python faster than a map).
* :func:`rows_by_id_sql`: the full rows of the works the crawl or the graph asks for, thousands
  at a time, so with the abstract index as JSON text too (:func:`row_columns`). The queries
  that return a few rows (:func:`earliest_sql`, :func:`title_search_sql`, one id) take ``*``:
  Spark computes a projection before ``ORDER BY ... LIMIT``, so ``to_json`` there would run
  for every matching row, not for the few returned.
* :func:`group_by_sql`, :func:`earliest_sql`, :func:`where_sql`: the aggregates and the sorted
  page of the corpus view, from OpenAlex's filter syntax (the corpus view plans its queries in
  it), over the ``works`` table and the matched ``term_users`` / ``term_forms``.
* :func:`term_facts_sql`, :func:`institution_facts_sql`: the same counts for every term, form,
  year, field and institution type in two statements, from which the source answers most of
  the corpus view's group_bys without a query each (a Spark job costs a second or so; a test
  proves both routes give the same groups).
* :func:`neighbours_sql`: the joins of the term neighbourhood: works cited by a term user, and
  works citing one, with how many such links each has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..errors import InputError
from .schema import WORK_COLUMNS

__all__ = ["Dialect", "DUCKDB", "SPARK", "works_sql", "part_counts_sql", "candidates_sql", "group_by_sql",
           "earliest_sql", "where_sql", "row_columns", "rows_by_id_sql", "neighbours_sql", "group_key", "title_search_sql"]


@dataclass(frozen=True)
class Dialect:
    """How one engine spells what the engines disagree on."""

    name: str

    @property
    def duckdb(self) -> bool:
        return self.name == "duckdb"

    def transform(self, array: str, var: str, body: str) -> str:
        return f"list_transform({array}, lambda {var}: {body})" if self.duckdb else f"transform({array}, {var} -> {body})"

    def filter(self, array: str, var: str, body: str) -> str:
        return f"list_filter({array}, lambda {var}: {body})" if self.duckdb else f"filter({array}, {var} -> {body})"

    def exists(self, array: str, var: str, body: str) -> str:
        """True when some element satisfies ``body``; False (not NULL) for a NULL list."""
        inner = (f"len(list_filter({array}, lambda {var}: {body})) > 0" if self.duckdb
                 else f"exists({array}, {var} -> {body})")
        return f"coalesce({inner}, false)"

    def distinct(self, array: str) -> str:
        return f"list_distinct({array})" if self.duckdb else f"array_distinct({array})"

    def contains(self, array: str, value: str) -> str:
        return f"coalesce(list_contains({array}, {value}), false)" if self.duckdb else f"coalesce(array_contains({array}, {value}), false)"

    def unnest(self, array: str) -> str:
        return f"unnest({array})" if self.duckdb else f"explode({array})"

    def literal(self, text: str) -> str:
        if self.duckdb:
            return "'" + text.replace("'", "''") + "'"
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")

_SHORT_ID = "regexp_replace({x}, '^https?://(api[.])?openalex[.]org/(works/)?', '')"


def works_sql(d: Dialect, source: str) -> str:
    """The ``works`` table from ``source`` (a relation with the raw schema and a ``part`` column)."""
    refs = d.transform("referenced_works", "r", _SHORT_ID.format(x="r"))
    authors = d.transform("authorships", "a", "coalesce(nullif(a.author.display_name, ''), nullif(a.raw_author_name, ''))")
    types = d.filter(d.distinct("flatten(" + d.transform("authorships", "a", d.transform("a.institutions", "i", "i.type")) + ")"),
                     "t", "t IS NOT NULL")
    return f"""
SELECT {_SHORT_ID.format(x="id")} AS id, doi,
       lower(regexp_replace(doi, '^https?://(dx[.])?doi[.]org/', '')) AS doi_key,
       coalesce(nullif(display_name, ''), nullif(title, ''), '') AS title,
       publication_year AS year, publication_date AS date, type,
       ids.arxiv AS ids_arxiv, ids.doi AS ids_doi, {authors} AS authors, {types} AS institution_types,
       primary_location.source.display_name AS venue, cited_by_count, referenced_works, {refs} AS refs,
       referenced_works_count, abstract_inverted_index AS abstract_index,
       primary_topic.display_name AS topic, primary_topic.field.id AS field_id,
       primary_topic.field.display_name AS field, {d.transform("topics", "t", "t.display_name")} AS topic_names,
       updated_date, part
FROM {source}"""


def part_counts_sql() -> str:
    return "SELECT part, count(*) AS records FROM works GROUP BY part"


def candidates_sql(d: Dialect, needles: Sequence[str]) -> str:
    """The works whose title or some abstract key contains one of ``needles`` (any work when one
    is empty: a regular expression has no needle), with only what judging their term use reads
    (:data:`citegraph.snapshot.schema.TEXT_COLUMNS`): the id, the title, the author names (the
    citation-line check) and the abstract index as JSON text (``to_json``, which both engines
    spell alike). Every other column stays in the engine: a work's full row is fetched only if
    it goes into the graph (:func:`rows_by_id_sql`).
    """
    columns = "SELECT id, title, authors, to_json(abstract_index) AS abstract_json FROM works"
    if not needles or any(not n for n in needles):
        return columns
    tests = []
    for needle in dict.fromkeys(needles):
        lit = d.literal(needle)
        tests.append(f"instr(lower(title), {lit}) > 0")
        tests.append(d.exists("map_keys(abstract_index)", "k", f"instr(lower(k), {lit}) > 0"))
    return columns + " WHERE " + " OR ".join(tests)


def row_columns(table: str = "") -> str:
    """A full row's columns (:data:`~citegraph.snapshot.schema.WORK_COLUMNS`, of ``table`` if
    given), the abstract index as JSON text (``abstract_json``) rather than the map: for the
    same reason as the candidates' (:func:`candidates_sql`), it comes back to Python faster.
    For queries returning many rows; see the module docstring."""
    prefix = f"{table}." if table else ""
    return ", ".join(f"to_json({prefix}{c}) AS abstract_json" if c == "abstract_index" else f"{prefix}{c}"
                     for c in WORK_COLUMNS)


def rows_by_id_sql(table: str) -> str:
    """Full rows of the works whose ids are in ``table`` (one ``id`` column)."""
    return f"SELECT {row_columns('w')} FROM works w JOIN {table} q ON w.id = q.id"


def title_search_sql(d: Dialect, words: Sequence[str]) -> str:
    """Works whose title holds every one of ``words`` (lowercase), for a seed given by title."""
    tests = " AND ".join(f"instr(lower(title), {d.literal(w)}) > 0" for w in words) or "true"
    return f"SELECT * FROM works WHERE {tests}"


# --- the corpus view's OpenAlex filters, as SQL -----------------------------------------------

SEARCH_KEYS = ("title_and_abstract.search", "title_and_abstract.search.exact")


def year_range(value: str) -> tuple[int | None, int | None]:
    """``(first, last)`` years, inclusive, of a ``publication_year`` filter value (``<N``, ``>N``,
    ``A-B``, ``N``); None: unbounded."""
    try:
        if value.startswith("<"):
            return None, int(value[1:]) - 1
        if value.startswith(">"):
            return int(value[1:]) + 1, None
        if "-" in value.lstrip("-"):
            first, last = value.split("-", 1)
            return int(first), int(last)
        return int(value), int(value)
    except ValueError as exc:
        raise InputError(f"the snapshot source cannot read the year filter {value!r}") from exc


def _year_clause(value: str) -> str:
    first, last = year_range(value)
    bounds = ([f"year >= {first}"] if first is not None else []) + ([f"year <= {last}"] if last is not None else [])
    return "(" + " AND ".join(bounds) + ")"


def parse_filter(filter: str | None) -> list[tuple[str, str]]:
    """``[(key, value), ...]`` of an OpenAlex filter (``key:value,key:value``)."""
    pairs = []
    for part in (filter or "").split(","):
        if part:
            key, _, value = part.partition(":")
            pairs.append((key, value))
    return pairs


def where_sql(d: Dialect, filter: str | None, searches: dict[str, tuple[str, str]]) -> str:
    """The ``WHERE`` condition of an OpenAlex ``filter`` the corpus view sends.

    ``searches`` maps a search value (``pre-training|pretraining|...`` or one spelling) to
    ``(term, form)``: the term's matched users (``form`` empty) or those using that form.
    """
    clauses = []
    for key, value in parse_filter(filter):
        if key in SEARCH_KEYS:
            if value not in searches:
                raise InputError(f"the snapshot matched no term for the search {value!r}")
            term, form = searches[value]
            if form:
                clauses.append(f"id IN (SELECT id FROM term_forms WHERE term = {d.literal(term)} AND form = {d.literal(form)})")
            else:
                clauses.append(f"id IN (SELECT id FROM term_users WHERE term = {d.literal(term)})")
        elif key == "publication_year":
            clauses.append(_year_clause(value))
        elif key == "authorships.institutions.type":
            clauses.append("(" + " OR ".join(d.contains("institution_types", d.literal(v)) for v in value.split("|")) + ")")
        elif key in ("cites", "referenced_works"):
            cited = ", ".join(d.literal(v) for v in value.split("|"))
            clauses.append(d.exists("refs", "r", f"r IN ({cited})"))
        else:
            raise InputError(f"the snapshot source cannot answer the filter {key!r}")
    return " AND ".join(clauses) or "true"


_GROUP_KEYS = {"publication_year": ("CAST(year AS STRING)", "CAST(year AS STRING)"),
               "primary_topic.field.id": ("field_id", "field")}


def group_key(key: str) -> tuple[str, bool]:
    """``(group_by field, include_unknown)`` from ``publication_year:include_unknown``."""
    name, _, option = key.partition(":")
    if name not in _GROUP_KEYS:
        raise InputError(f"the snapshot source cannot group by {name!r}")
    return name, option == "include_unknown"


def group_by_sql(d: Dialect, filter: str | None, key: str, searches: dict[str, tuple[str, str]]) -> str:
    """One group_by: ``key, key_display_name, count`` rows (NULL key: the works lacking it)."""
    name, unknown = group_key(key)
    expr, label = _GROUP_KEYS[name]
    where = where_sql(d, filter, searches)
    if not unknown:
        where += f" AND {expr} IS NOT NULL"
    return (f"SELECT {expr} AS key, max({label}) AS key_display_name, count(*) AS count FROM works "
            f"WHERE {where} GROUP BY {expr}")


def earliest_sql(d: Dialect, filter: str | None, searches: dict[str, tuple[str, str]], limit: int) -> str:
    """The first ``limit`` works matching ``filter`` by year then date (missing last), then id."""
    return (f"SELECT * FROM works WHERE {where_sql(d, filter, searches)} "
            f"ORDER BY year ASC NULLS LAST, date ASC NULLS LAST, id LIMIT {int(limit)}")


def term_facts_sql() -> str:
    """Matched works per term, form (``""``: any form, the term's users), year and field: the
    counts behind the corpus view's per-year, per-spelling and per-period-field group_bys."""
    return """
SELECT t.term AS term, t.form AS form, w.year AS year, w.field_id AS field_id, max(w.field) AS field, count(*) AS n
FROM (SELECT term, id, '' AS form FROM term_users UNION ALL SELECT term, id, form FROM term_forms) t
JOIN works w ON w.id = t.id
GROUP BY t.term, t.form, w.year, w.field_id"""


def institution_facts_sql(d: Dialect) -> str:
    """The term's users per term, year and institution type (a work counts once per type)."""
    return f"""
SELECT term, year, kind, count(*) AS n FROM (
  SELECT u.term AS term, w.year AS year, {d.unnest('w.institution_types')} AS kind
  FROM term_users u JOIN works w ON w.id = u.id
) x GROUP BY term, year, kind"""


def neighbours_sql(d: Dialect) -> str:
    """Works linked to a term user (``term_users`` of the primary term, in ``focus``) and not one
    themselves, with their number of links: cited by a user, or citing one."""
    citations = f"(SELECT id AS citing, {d.unnest('refs')} AS cited FROM works)"
    return f"""
SELECT n.id AS id, count(*) AS links FROM (
  SELECT c.cited AS id FROM {citations} c JOIN focus f ON c.citing = f.id
  UNION ALL
  SELECT c.citing AS id FROM {citations} c JOIN focus f ON c.cited = f.id
) n
WHERE n.id IN (SELECT id FROM works) AND n.id NOT IN (SELECT id FROM focus)
GROUP BY n.id"""
