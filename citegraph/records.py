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
from typing import Any, Iterable, Mapping

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
}


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
    match = _DOI.match(value.strip())
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
    joined in position order), since real indexes are not always dense.
    """
    if not inverted:
        return ""
    placed = [(pos, word) for word, positions in inverted.items() for pos in positions or ()]
    placed.sort(key=lambda item: item[0])
    return " ".join(word for _, word in placed)


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
    """
    words = abstract.split()
    if not words or len(words) > 80:
        return False
    head = abstract[: max(120, len(abstract) // 2)].casefold()
    surnames = {s for s in (_surname(a) for a in authors) if len(s) > 1}
    named = sum(1 for s in surnames if s in head)
    venue_words = re.search(r"\b(proceedings|conference|workshop|journal|volume|vol\.|pp\.)", abstract, re.I)
    ends_in_year = bool(_YEAR_AT_END.search(abstract.strip()))
    if surnames and named >= min(2, len(surnames)) and (venue_words or ends_in_year):
        return True
    return bool(venue_words and ends_in_year and len(words) < 40 and abstract.count(",") >= 2)


def _venue(raw: Mapping[str, Any]) -> str | None:
    location = raw.get("primary_location") or {}
    source = location.get("source") or {}
    return source.get("display_name") or None


def _authors(raw: Mapping[str, Any]) -> list[str]:
    names = []
    for authorship in raw.get("authorships") or ():
        author = (authorship or {}).get("author") or {}
        name = author.get("display_name") or (authorship or {}).get("raw_author_name")
        if name:
            names.append(str(name))
    return names


def _references(raw: Mapping[str, Any], own_id: str) -> list[str]:
    seen: dict[str, None] = {}
    for ref in raw.get("referenced_works") or ():
        short = try_work_id(str(ref))
        if short and short != own_id:
            seen.setdefault(short, None)
    return list(seen)


def _topics(raw: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    primary = raw.get("primary_topic") or {}
    field = ((primary.get("field") or {}).get("display_name")) or None
    topics = [t.get("display_name") for t in raw.get("topics") or () if t and t.get("display_name")]
    if not topics and primary.get("display_name"):
        topics = [primary["display_name"]]
    return field, topics


def _arxiv_from_record(raw: Mapping[str, Any], doi: str | None) -> str | None:
    ids = raw.get("ids") or {}
    for candidate in (doi, ids.get("arxiv"), ids.get("doi")):
        found = parse_arxiv_id(candidate) if candidate else None
        if found:
            return found
    return None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def slim_record(raw: Mapping[str, Any]) -> Work:
    """The slim record for one raw OpenAlex work, with its data defects listed in ``warnings``."""
    own_id = work_id(str(raw.get("id", "")))
    title = (raw.get("display_name") or raw.get("title") or "").strip()
    year = _int_or_none(raw.get("publication_year"))
    date = raw.get("publication_date") or None
    authors = _authors(raw)
    abstract = rebuild_abstract(raw.get("abstract_inverted_index"))
    doi = normalize_doi(raw.get("doi"))
    references = _references(raw, own_id)
    field, topics = _topics(raw)
    ref_count = _int_or_none(raw.get("referenced_works_count"))

    warnings: list[str] = []
    if not title:
        warnings.append("empty_title")
    citation_line = bool(abstract) and looks_like_citation_line(abstract, authors)
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

    return Work(
        id=own_id,
        title=title,
        year=year,
        date=date,
        doi=doi,
        arxiv_id=_arxiv_from_record(raw, doi),
        type=raw.get("type") or None,
        venue=_venue(raw),
        authors=tuple(authors),
        cited_by_count=_int_or_none(raw.get("cited_by_count")),
        referenced_works_count=ref_count,
        references=tuple(references),
        abstract=abstract,
        has_abstract=bool(abstract) and not citation_line,
        field=field,
        topics=tuple(topics),
        updated_date=raw.get("updated_date") or None,
        warnings=tuple(warnings),
    )
