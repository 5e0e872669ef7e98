"""Raw OpenAlex work dict → :class:`~citegraph.model.Work`; no I/O.

The one place that reads raw records: every later step (crawl, versions, graph, terms,
analysis) works on ``Work`` values, so tests feed recorded JSON straight in. A work keeps what
the analysis reads and flags the real defects of OpenAlex data
(``tests/fixtures/openalex/DEFECTS.md``) as ``warnings`` instead of failing on them. The fields
are documented once, on :class:`~citegraph.model.Work`. This module also owns the id and DOI
normalisers (:func:`try_work_id`, :func:`normalize_doi`) that the client, the stand-in and the
benchmarks share.
"""

from __future__ import annotations

import re
import unicodedata
from sys import intern
from urllib.parse import unquote
from typing import Any, Iterable, Mapping, NamedTuple

from .errors import InputError
from .model import Work

__all__ = [
    "work_id",
    "try_work_id",
    "normalize_doi",
    "parse_arxiv_id",
    "rebuild_abstract",
    "looks_like_citation_line",
    "normalize_title",
    "slim_record",
    "WorkText",
    "work_text",
    "WARNING_TEXT",
]

# ASCII digits only (``\d`` would take "W١"), no leading zero ("W0001" is not W1).
_WORK_ID = re.compile(r"^(?:https?://(?:api\.)?openalex\.org/(?:works/)?)?([wW])([1-9][0-9]{0,11})$")
_DOI = re.compile(r"^(?:doi:\s*)?(?:https?://(?:dx\.)?doi\.org/)?\s*(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ARXIV_NEW = r"\d{4}\.\d{4,5}(?:v\d+)?"
_ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?"
_ARXIV = re.compile(
    rf"^(?:arxiv:|https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/)?({_ARXIV_NEW}|{_ARXIV_OLD})(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_YEAR_AT_END = re.compile(r"(?:19|20)\d\d\.?$")
_VENUE_WORDS = re.compile(r"\b(proceedings|conference|workshop|journal|volume|vol\.|pp\.)", re.I)

#: What each warning code means, for summaries and the report.
WARNING_TEXT: dict[str, str] = {
    "empty_title": "the record has no title (null or empty)",
    "citation_line_abstract": "the 'abstract' is a citation line (authors + venue), not an abstract",
    "placeholder_date": "publication_date is a year-only placeholder (YYYY-01-01)",
    "no_references": "referenced_works is empty (OpenAlex lists no references for this work)",
    "references_incomplete": "fewer referenced_works than referenced_works_count",
    "no_abstract": "no abstract (publisher-withheld or unknown): term use falls back to the title",
    "date_year_mismatch": "publication_date and publication_year disagree",
    "title_mismatch": "the record's title does not match the expected title (metadata taken from the preset)",
    "doi_mismatch": "the record's DOI does not match the expected DOI (possibly a hijacked record)",
    "merged_version": "a preprint/published twin of this work was merged into it",
    "year_mismatch": "the record's year does not match the preset's (the preset's year is used)",
    "twin_not_merged": "the preprint/published twin carries another paper's title (a hijacked record): not merged",
    **{f"malformed_{name}": f"the record's {what} has the wrong shape and was left out (never fatal)" for name, what in (
        ("title", "title"), ("date", "publication_date"), ("authorships", "authorships"),
        ("abstract", "abstract_inverted_index"), ("references", "referenced_works"), ("topics", "topics"),
        ("venue", "primary_location"), ("ids", "ids or doi"), ("type", "type or updated_date"))},
}


class MalformedRecord(ValueError):
    """A raw record that names no work (not a dict, or no valid ``id``): it cannot be kept at all.
    Every other wrong shape becomes a ``malformed_<field>`` warning on the work instead."""


_URL_PREFIX = "https://openalex.org/W"


def try_work_id(value: object) -> str | None:
    """``W123`` for any OpenAlex work id form (URL, lowercase), else ``None`` (also for a non-string).

    The one id normaliser: the crawler, the client, the stand-in and the benchmarks all use it.
    """
    if not isinstance(value, str):
        return None
    digits = value[len(_URL_PREFIX):] if value.startswith(_URL_PREFIX) else ""
    if 0 < len(digits) <= 12 and digits.isascii() and digits.isdigit() and digits[0] != "0":
        return "W" + digits  # the form every record uses: no regex needed
    match = _WORK_ID.match(value.strip())
    return f"W{match.group(2)}" if match else None


def work_id(value: str) -> str:
    """Canonical short id ``W123`` from ``W123``, ``w123`` or ``https://openalex.org/W123``.

    Idempotent. Raises :class:`InputError` for anything else.
    """
    short = try_work_id(value)
    if short is None:
        raise InputError(f"not an OpenAlex work id: {value!r} (expected W followed by digits)")
    return short


#: Ids from here up are never issued by OpenAlex (its ids run W1… to W4… in 2026): the demo
#: corpus's synthetic ids are ``W9`` + 9 digits and the benchmarks' ``W8`` + 9 digits.
SYNTHETIC_ID_FLOOR = 8_000_000_000


def is_synthetic_id(short_id: str) -> bool:
    """True for an id in the synthetic ranges, which must never be linked to openalex.org."""
    return short_id[1:].isdigit() and int(short_id[1:]) >= SYNTHETIC_ID_FLOOR


def normalize_doi(value: object) -> str | None:
    """Bare lowercase DOI (``10.18653/v1/n19-1423``) from bare, ``doi:`` or URL forms; else ``None``.

    The one DOI normaliser (DOIs are case-insensitive), shared with the stand-in.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if "%" in text:  # a DOI URL as browsers copy it: https://doi.org/10.18653%2Fv1%2FN19-1423
        text = unquote(text)
    match = _DOI.match(text)
    return match.group(1).lower() if match else None


def parse_arxiv_id(value: str | None) -> str | None:
    """arXiv id without version from ``1810.04805``, ``arXiv:1810.04805v2``, abs/pdf URLs or its DOI."""
    if not value:
        return None
    text = value.strip()
    doi = normalize_doi(text)
    if doi:
        match = _ARXIV_DOI.match(doi)
        text = match.group(1) if match else ""
    match = _ARXIV.match(text)
    if not match:
        return None
    return re.sub(r"v\d+$", "", match.group(1)).lower() if "/" in match.group(1) else re.sub(r"v\d+$", "", match.group(1))


def rebuild_abstract(inverted: Mapping[str, Iterable[int]] | None) -> str:
    """Abstract text from OpenAlex's ``abstract_inverted_index`` ({word: [positions]}).

    Positions are sorted; a gap or a repeated position is tolerated (words are simply
    joined in position order, a repeated position in the index's order), since real indexes are
    not always dense. An index of the wrong shape (a list, string positions) raises ``TypeError``.
    """
    if not inverted:
        return ""
    if not isinstance(inverted, Mapping):
        raise TypeError("abstract_inverted_index is not an object")
    # flat lists and one type check at the end, not a tuple per word and a check per position:
    # this ran for every work of a million-work slim
    words: list[str] = []
    places: list[int] = []
    for word, positions in inverted.items():
        positions = _positions(positions)
        words += [word] * len(positions)
        places += positions
    if not set(map(type, places)) <= {int}:
        raise TypeError("abstract positions are not a list of integers")
    order = sorted(range(len(places)), key=places.__getitem__)  # stable: repeats keep the index's order
    return " ".join([words[i] for i in order])


def _positions(positions: Any) -> list[int] | tuple[int, ...]:
    if positions is None:
        return []
    if not isinstance(positions, (list, tuple)):
        raise TypeError("abstract positions are not a list of integers")
    return positions


def normalize_title(title: str | None) -> str:
    """Casefolded title with accents, punctuation and whitespace removed (for matching versions)."""
    if not title:
        return ""
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", "", plain.casefold())


def _surname(name: str) -> str:
    parts = name.replace(",", " ").split()
    return parts[-1].casefold() if parts else ""


def looks_like_citation_line(abstract: str, authors: Iterable[str] = ()) -> bool:
    """True when an "abstract" is really a citation line (real defect: BERT W2963341956, ELMo).

    Such a text is short, names the work's authors up front and ends in a venue and year
    ("Jacob Devlin, Ming-Wei Chang, ... Proceedings of the 2019 Conference ... 2019.").

    Either the authors are named up front and a venue or a year ends it, or it is a short
    comma-separated list with a venue and a year. The cheap tests come first and the venue
    search only when it can decide (it took most of the time for the short abstracts of a
    million-work snapshot's term match).
    """
    words = abstract.split()
    if not words or len(words) > 80:
        return False
    head = abstract[: max(120, len(abstract) // 2)].casefold()
    surnames = {s for s in (_surname(a) for a in authors) if len(s) > 1}
    names_authors = bool(surnames) and sum(1 for s in surnames if s in head) >= min(2, len(surnames))
    short_list = len(words) < 40 and abstract.count(",") >= 2
    if not names_authors and not short_list:
        return False
    ends_in_year = bool(_YEAR_AT_END.search(abstract.strip()))
    if names_authors and ends_in_year:
        return True
    venue_words = _VENUE_WORDS.search(abstract) is not None
    return venue_words if names_authors else venue_words and ends_in_year


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    """``value`` when it is an object, ``{}`` when missing; ``TypeError`` for anything else."""
    if value is None:
        return {}
    if type(value) is not dict and not isinstance(value, Mapping):  # the ABC check is slow; JSON gives dicts
        raise TypeError(f"{what} is not an object")
    return value


def _items(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{what} is not a list")
    return list(value)


def _text(value: Any, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise TypeError(f"{what} is not a string")
    return value


def _venue(raw: Mapping[str, Any]) -> str | None:
    source = _mapping(_mapping(raw.get("primary_location"), "primary_location").get("source"), "source")
    return _text(source.get("display_name"), "source name")


def _authors(raw: Mapping[str, Any]) -> list[str]:
    names = []
    for authorship in _items(raw.get("authorships"), "authorships"):
        authorship = _mapping(authorship, "authorship")
        author = _mapping(authorship.get("author"), "author")
        name = _text(author.get("display_name"), "author name") or _text(authorship.get("raw_author_name"), "author name")
        if name:
            names.append(name)
    return names


def _references(raw: Mapping[str, Any], own_id: str) -> tuple[list[str], bool]:
    """The referenced ids (no repeats, no self-citation) and whether some entry was no id at all.

    The ids are interned, as the record's own id is (:func:`record_id`): a million works cite
    each other 20 million times, and one string per cited work instead of one per citation
    saved 1.3 GB while the records and the graph built from them are both alive.
    """
    seen: dict[str, None] = {}
    junk = False
    for ref in _items(raw.get("referenced_works"), "referenced_works"):
        short = try_work_id(ref)
        junk = junk or short is None
        if short is not None and short != own_id:
            seen.setdefault(intern(short), None)
    return list(seen), junk


def _topics(raw: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    primary = _mapping(raw.get("primary_topic"), "primary_topic")
    field = _text(_mapping(primary.get("field"), "field").get("display_name"), "field name")
    topics = []
    for topic in _items(raw.get("topics"), "topics"):
        name = _text(_mapping(topic, "topic").get("display_name"), "topic name")
        if name:
            topics.append(name)
    if not topics and _text(primary.get("display_name"), "topic name"):
        topics = [primary["display_name"]]
    return field, topics


def _arxiv_from_record(raw: Mapping[str, Any], doi: str | None) -> str | None:
    ids = _mapping(raw.get("ids"), "ids")
    for candidate in (doi, ids.get("arxiv"), ids.get("doi")):
        found = parse_arxiv_id(candidate) if isinstance(candidate, str) else None
        if found:
            return found
    return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _read(malformed: list[str], name: str, extract: Any, default: Any) -> Any:
    """``extract()``, or ``default`` and a ``malformed_<name>`` warning when the field has the wrong shape."""
    try:
        return extract()
    except (TypeError, ValueError, AttributeError):
        malformed.append(f"malformed_{name}")
        return default


def _shared(text: str | None) -> str | None:
    """One string object for all works with this value (:func:`sys.intern`).

    Types, venues, fields, topics, dates and author names repeat across works; a million works
    held a copy each (about 0.5 KB per work) in the records and then in the graph's nodes.
    """
    return intern(text) if type(text) is str else text  # (intern takes no str subclass)


def record_id(raw: Any) -> str:
    """The short id of a raw record; :class:`MalformedRecord` when it names no work."""
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise MalformedRecord(f"a record that is not an object ({type(raw).__name__})")
    short = try_work_id(raw.get("id"))
    if short is None:
        raise MalformedRecord(f"a record without a valid OpenAlex id ({str(raw.get('id'))[:40]!r})")
    return intern(short)


def _title(raw: Mapping[str, Any]) -> str:
    return (_text(raw.get("display_name"), "title") or _text(raw.get("title"), "title") or "").strip()


def _abstract(raw: Mapping[str, Any]) -> str:
    return rebuild_abstract(raw.get("abstract_inverted_index"))


def _is_citation_line(abstract: str, authors: Iterable[str]) -> bool:
    return bool(abstract) and looks_like_citation_line(abstract, authors)


def _has_abstract(abstract: str, citation_line: bool) -> bool:
    """A real abstract: some text, and not a citation line (term use then searches it)."""
    return bool(abstract) and not citation_line


class WorkText(NamedTuple):
    """What term matching reads of a work: the fields :func:`citegraph.terms.term_hits` takes."""

    title: str
    abstract: str
    has_abstract: bool


def work_text(raw: Mapping[str, Any]) -> WorkText:
    """The title, abstract and ``has_abstract`` that :func:`slim_record` gives this record, read
    from the only fields they depend on (the titles, the authorships, the abstract index).

    For judging many records' term use without building a whole :class:`Work` each: the
    snapshot's term match fetches just these fields of its candidates. It reads them with the
    very helpers ``slim_record`` uses (a malformed field reads as ``slim_record`` reads it), so
    the two cannot disagree; ``tests/test_records.py`` checks it on every recorded record.
    """
    ignored: list[str] = []
    title = _read(ignored, "title", lambda: _title(raw), "")
    authors = _read(ignored, "authorships", lambda: _authors(raw), [])
    abstract = _read(ignored, "abstract", lambda: _abstract(raw), "")
    return WorkText(title, abstract, _has_abstract(abstract, _is_citation_line(abstract, authors)))


def slim_record(raw: Mapping[str, Any]) -> Work:
    """The work for one raw OpenAlex record, with its data defects listed in ``warnings``.

    Validated here, at the one boundary: a field of the wrong shape (``referenced_works`` an
    int, string positions in the abstract index, authorships as strings, a numeric title ...)
    is left out and flagged ``malformed_<field>``, never an exception. Only a record naming no
    work (:func:`record_id`) raises :class:`MalformedRecord`.
    """
    own_id = record_id(raw)
    bad: list[str] = []
    title = _read(bad, "title", lambda: _title(raw), "")
    year = _int_or_none(raw.get("publication_year"))
    date = _read(bad, "date", lambda: _text(raw.get("publication_date"), "publication_date"), None)
    authors = _read(bad, "authorships", lambda: _authors(raw), [])
    abstract = _read(bad, "abstract", lambda: _abstract(raw), "")
    doi = _read(bad, "ids", lambda: normalize_doi(_text(raw.get("doi"), "doi")), None)
    references, junk = _read(bad, "references", lambda: _references(raw, own_id), ([], False))
    if junk:
        bad.append("malformed_references")
    field, topics = _read(bad, "topics", lambda: _topics(raw), (None, []))
    ref_count = _int_or_none(raw.get("referenced_works_count"))
    venue = _read(bad, "venue", lambda: _venue(raw), None)
    arxiv_id = _read(bad, "ids", lambda: _arxiv_from_record(raw, doi), None)
    kind = _read(bad, "type", lambda: _text(raw.get("type"), "type"), None)
    updated = _read(bad, "type", lambda: _text(raw.get("updated_date"), "updated_date"), None)

    warnings: list[str] = []
    if not title:
        warnings.append("empty_title")
    citation_line = _is_citation_line(abstract, authors)
    if citation_line:
        warnings.append("citation_line_abstract")
    elif not abstract:
        warnings.append("no_abstract")
    if date and date.endswith("-01-01"):
        warnings.append("placeholder_date")
    if date and year and not date.startswith(str(year)):
        warnings.append("date_year_mismatch")
    if not references and ref_count == 0:
        warnings.append("no_references")
    elif ref_count is not None and len(references) < ref_count:
        warnings.append("references_incomplete")
    warnings += dict.fromkeys(bad)

    return Work(
        id=own_id,
        title=title,
        year=year,
        date=_shared(date),
        doi=doi,
        arxiv_id=arxiv_id,
        type=_shared(kind),
        venue=_shared(venue),
        authors=tuple(map(_shared, authors)),
        cited_by_count=_int_or_none(raw.get("cited_by_count")),
        referenced_works_count=ref_count,
        references=tuple(references),
        abstract=abstract,
        has_abstract=_has_abstract(abstract, citation_line),
        field=_shared(field),
        topics=tuple(map(_shared, topics)),
        updated_date=_shared(updated),
        warnings=tuple(warnings),
    )
