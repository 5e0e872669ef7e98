"""The snapshot's columns: one typed schema for both engines and both formats, and the raw work
rebuilt from a row.

Only the fields citegraph reads are declared (:data:`citegraph.config.WORK_FIELDS`, less
``counts_by_year``), so a scan never infers the schema of 250M records, and the
``abstract_inverted_index`` object, whose keys are the abstract's words, is read as a map rather
than as a struct with one field per word. :func:`duckdb_columns` and :func:`spark_ddl` render the
one definition for each engine; :func:`raw_work` turns a row of the ``works`` table back into the
raw OpenAlex dict that :func:`citegraph.records.slim_record` reads, so the snapshot path and the
API path slim the very same data; :func:`raw_text` does the same for the few fields the term
match reads (:func:`citegraph.records.work_text`).
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Union

__all__ = ["SCHEMA", "duckdb_columns", "spark_ddl", "raw_work", "raw_text", "WORK_COLUMNS", "TEXT_COLUMNS"]

# A type is a scalar name, ("list", type), ("map", key, value) or ("struct", {name: type}).
Type = Union[str, tuple]

SCHEMA: dict[str, Type] = {
    "id": "string",
    "doi": "string",
    "title": "string",
    "display_name": "string",
    "publication_year": "bigint",
    "publication_date": "string",
    "type": "string",
    "ids": ("struct", {"arxiv": "string", "doi": "string"}),
    "authorships": ("list", ("struct", {
        "author": ("struct", {"display_name": "string"}),
        "raw_author_name": "string",
        "institutions": ("list", ("struct", {"type": "string"})),
    })),
    "primary_location": ("struct", {"source": ("struct", {"display_name": "string"})}),
    "cited_by_count": "bigint",
    "referenced_works": ("list", "string"),
    "referenced_works_count": "bigint",
    "abstract_inverted_index": ("map", "string", ("list", "bigint")),
    "primary_topic": ("struct", {"display_name": "string",
                                 "field": ("struct", {"id": "string", "display_name": "string"})}),
    "topics": ("list", ("struct", {"display_name": "string"})),
    "updated_date": "string",
}

_DUCKDB_SCALARS = {"string": "VARCHAR", "bigint": "BIGINT"}


def _duckdb(kind: Type) -> str:
    if isinstance(kind, str):
        return _DUCKDB_SCALARS[kind]
    if kind[0] == "list":
        return _duckdb(kind[1]) + "[]"
    if kind[0] == "map":
        return f"MAP({_duckdb(kind[1])}, {_duckdb(kind[2])})"
    return "STRUCT(" + ", ".join(f'"{name}" {_duckdb(sub)}' for name, sub in kind[1].items()) + ")"


def _spark(kind: Type) -> str:
    if isinstance(kind, str):
        return kind
    if kind[0] == "list":
        return f"array<{_spark(kind[1])}>"
    if kind[0] == "map":
        return f"map<{_spark(kind[1])},{_spark(kind[2])}>"
    return "struct<" + ",".join(f"`{name}`:{_spark(sub)}" for name, sub in kind[1].items()) + ">"


def duckdb_columns() -> dict[str, str]:
    """``read_json``'s ``columns=``: every declared field with its DuckDB type."""
    return {name: _duckdb(kind) for name, kind in SCHEMA.items()}


def spark_ddl() -> str:
    """The schema as a Spark DDL string, for ``spark.read.schema(...)``."""
    return ", ".join(f"`{name}` {_spark(kind)}" for name, kind in SCHEMA.items())


#: The columns of the ``works`` table (see ``plan.WORKS``), in order.
WORK_COLUMNS = ("id", "doi", "doi_key", "title", "year", "date", "type", "ids_arxiv", "ids_doi", "authors",
                "institution_types", "venue", "cited_by_count", "referenced_works", "refs",
                "referenced_works_count", "abstract_index", "topic", "field_id", "field", "topic_names",
                "updated_date", "part")


def raw_work(row: Mapping[str, Any]) -> dict[str, Any]:
    """The raw OpenAlex work a ``works`` row came from, as far as citegraph reads it.

    Authors are the names :func:`citegraph.records.slim_record` would take (display name, else
    the raw author name); every other field is carried as the snapshot holds it. The abstract
    index is read from ``abstract_json`` when the row has it (the queries returning many rows
    send it as JSON text: :func:`citegraph.snapshot.plan.row_columns`), else from the
    ``abstract_index`` map (a row read with ``SELECT *``); the raw work is the same either way.
    """
    venue = row.get("venue")
    return {
        "id": _url(row["id"]),
        "doi": row.get("doi"),
        "title": row.get("title"),
        "display_name": row.get("title"),
        "publication_year": row.get("year"),
        "publication_date": row.get("date"),
        "type": row.get("type"),
        "ids": {"arxiv": row.get("ids_arxiv"), "doi": row.get("ids_doi")},
        "authorships": _authorships(row.get("authors")),
        "primary_location": {"source": {"display_name": venue}} if venue else None,
        "cited_by_count": row.get("cited_by_count"),
        "referenced_works": list(row.get("referenced_works") or ()),
        "referenced_works_count": row.get("referenced_works_count"),
        "abstract_inverted_index": _abstract_index(row),
        "primary_topic": {"display_name": row.get("topic"),
                          "field": {"id": row.get("field_id"), "display_name": row.get("field")}},
        "topics": [{"display_name": name} for name in row.get("topic_names") or () if name],
        "updated_date": row.get("updated_date"),
    }


#: The columns of a term-match candidate (:func:`citegraph.snapshot.plan.candidates_sql`).
TEXT_COLUMNS = ("id", "title", "authors", "abstract_json")


def raw_text(row: Mapping[str, Any]) -> dict[str, Any]:
    """The part of :func:`raw_work` that :func:`citegraph.records.work_text` and
    :func:`citegraph.records.record_id` read, from a candidate row (:data:`TEXT_COLUMNS`).

    The candidate row carries the abstract index as JSON text (``abstract_json``), not as the
    map column: DuckDB turns a map into a Python dict several times slower than Python parses
    the same map as JSON (measured: 0.85 s against 0.1 s for the 6,575 candidates of 100k
    works). The parsed object is the index as :func:`raw_work` gives it (fresh string keys, a
    list of positions or null each; a null rebuilds as no positions either way), so it is
    not copied again; the other fields are built as :func:`raw_work` builds them.
    """
    return {
        "id": _url(row["id"]),
        "title": row.get("title"),
        "display_name": row.get("title"),
        "authorships": _authorships(row.get("authors")),
        "abstract_inverted_index": _from_json(row),
    }


def _url(short_id: Any) -> str:
    return "https://openalex.org/" + str(short_id)


def _authorships(names: Any) -> list[dict[str, Any]]:
    return [{"author": {"display_name": name}} for name in names or () if name]


def _abstract_index(row: Mapping[str, Any]) -> dict[str, list[Any]] | None:
    index = _from_json(row) if "abstract_json" in row else row.get("abstract_index")
    return {str(k): list(v or ()) for k, v in dict(index).items()} if index else None


def _from_json(row: Mapping[str, Any]) -> dict[str, Any] | None:
    text = row.get("abstract_json")
    return json.loads(text) if text else None
