"""Seed papers: presets, and turning a DOI / arXiv id / OpenAlex id / title into a verified work.

Real OpenAlex records of famous papers are not always what they claim (DEFECTS.md: BERT's
NAACL record has an empty title and a citation line for an abstract; its arXiv record carries
another paper's title). So a preset is resolved through the cheapest reliable route (a
singleton ``/works/{id}`` or ``/works/doi:...`` is free; a title search costs $0.001), then
checked against the preset's own metadata: mismatches become warnings and the preset's
title, year and DOI win. A preprint/published twin found through the arXiv DOI is merged
into the seed (its references joined) when its title agrees.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence

from .config import WORK_FIELDS
from .errors import InputError, SeedNotFoundError
from .records import MalformedRecord, normalize_doi, normalize_title, parse_arxiv_id, record_id, try_work_id
from .model import DataWarning, WorkRef
from .versions import merge_raw_twin

__all__ = ["Preset", "PRESETS", "SeedQuery", "ResolvedSeed", "parse_seed", "resolve_seed", "resolve_seeds"]

#: Below this title similarity a title search answer is not accepted as the asked-for paper.
MIN_TITLE_SIMILARITY = 0.75
#: Longest title searched for: real titles are far shorter, and a pasted abstract would make an
#: URL OpenAlex refuses (and an error message nobody can read).
MAX_TITLE_CHARS = 500


@dataclass(frozen=True)
class Preset:
    """A well-known seed with the metadata we trust more than any single OpenAlex record."""

    name: str
    title: str
    year: int
    doi: str | None = None
    arxiv_id: str | None = None
    openalex_id: str | None = None
    note: str = ""


PRESETS: dict[str, Preset] = {
    "bert": Preset(
        "bert",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        2019,
        doi="10.18653/v1/n19-1423",
        arxiv_id="1810.04805",
        openalex_id="W2963341956",
        note="Devlin et al., NAACL 2019",
    ),
    "gpt1": Preset(
        "gpt1",
        "Improving Language Understanding by Generative Pre-Training",
        2018,
        note="Radford et al., OpenAI 2018; no DOI or arXiv id, resolved by title",
    ),
    "ulmfit": Preset(
        "ulmfit",
        "Universal Language Model Fine-tuning for Text Classification",
        2018,
        doi="10.18653/v1/p18-1031",
        arxiv_id="1801.06146",
        note="Howard & Ruder, ACL 2018",
    ),
}


@dataclass(frozen=True)
class SeedQuery:
    """What the user typed, and the :class:`~citegraph.model.WorkRef` it names (parsed once)."""

    text: str
    ref: WorkRef

    @property
    def kind(self) -> str:
        return self.ref.kind

    @property
    def value(self) -> str:
        return self.ref.value


@dataclass
class ResolvedSeed:
    """A seed work as fetched, corrected and explained."""

    id: str
    name: str
    record: dict[str, Any]
    how: str
    warnings: list[DataWarning] = field(default_factory=list)
    twins: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "how": self.how, "warnings": [str(w) for w in self.warnings],
                "twins": self.twins}


class WorkSource(Protocol):
    """The part of the OpenAlex client seed resolution needs."""

    def get_work(self, ref: str, *, select: Sequence[str] | None = None) -> dict[str, Any] | None: ...

    def list_page(self, filter: str | None = None, *, search: str | None = None,
                  select: Sequence[str] | None = None, sort: str | None = None,
                  per_page: int = 25, page: int = 1) -> tuple[list[dict[str, Any]], dict[str, Any]]: ...


_LOOKS_LIKE_ID = re.compile(r"^(?:w\d|10\.|doi:|arxiv:|https?://)", re.IGNORECASE)
#: A first word no title starts with: DOI-shaped (``10.`` then a ``/``) or a ``doi:``/``arXiv:`` prefix.
_ID_ATTEMPT = re.compile(r"^(?:10\.\S*/|doi:|arxiv:)", re.IGNORECASE)


def parse_seed(text: str) -> SeedQuery:
    """Classify a ``--seed`` value; malformed ids are rejected here, before any request."""
    value = text.strip()
    if not value:
        raise InputError("empty --seed; give a preset (bert, gpt1, ulmfit), a DOI, an arXiv id, an OpenAlex id or a title")
    if value.casefold() in PRESETS:
        return SeedQuery(text, WorkRef("preset", value.casefold()))
    if (short := try_work_id(value)) is not None:
        return SeedQuery(text, WorkRef("openalex", short))
    if (arxiv := parse_arxiv_id(value)) is not None:
        return SeedQuery(text, WorkRef("arxiv", arxiv))
    if (doi := normalize_doi(value)) is not None:
        return SeedQuery(text, WorkRef("doi", doi))
    first, _, rest = value.partition(" ")
    if rest and _LOOKS_LIKE_ID.match(first) and (normalize_doi(first) or try_work_id(first) or parse_arxiv_id(first)):
        raise InputError(f"--seed {_shown(value)} is an id followed by more text; pass the id alone ({_shown(first)}) "
                         "or a title alone")
    if rest and _ID_ATTEMPT.match(first):  # "10.x/y extra": a broken id, not a title worth a paid search
        raise InputError(f"malformed seed id {_shown(first)} (followed by more text): expected a DOI 10.xxxx/… "
                         "or an arXiv id like 1810.04805, alone; or pass a title alone")
    if _LOOKS_LIKE_ID.match(value) and " " not in value:
        raise InputError(f"malformed seed id {_shown(value)}: expected W123…, a DOI 10.xxxx/…, or an arXiv id like 1810.04805")
    if len(value.split()) < 2 and len(value) < 12:
        presets = ", ".join(PRESETS)
        raise InputError(f"unknown preset {_shown(value)} (presets: {presets}); pass a DOI, arXiv id, OpenAlex id or a quoted title")
    if len(value) > MAX_TITLE_CHARS:
        raise InputError(f"--seed title {_shown(value)} is {len(value):,} characters long (at most {MAX_TITLE_CHARS}); "
                         "pass its DOI or the first words of the title")
    if not any(ch.isalnum() for ch in value):
        raise InputError(f"--seed {_shown(value)} has no letters or digits; pass a preset, an id or a title")
    return SeedQuery(text, WorkRef("title", value))


def _shown(text: str, limit: int = 80) -> str:
    """``text`` quoted for a one-line message: control characters escaped, long text cut."""
    text = " ".join(str(text).split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _title_similarity(a: str | None, b: str | None) -> float:
    left, right = normalize_title(a), normalize_title(b)
    if not left or not right:
        return 0.0
    return difflib.SequenceMatcher(None, left, right).ratio()


def _record_title(record: dict[str, Any]) -> str:
    return (record.get("display_name") or record.get("title") or "").strip()


def _search_by_title(source: WorkSource, title: str, year: int | None) -> tuple[dict[str, Any], str]:
    """Best title-search hit: title similarity first, then year closeness, then citations."""
    results, meta = source.list_page(search=title, select=WORK_FIELDS, per_page=10)

    def score(record: dict[str, Any]) -> tuple[float, int, int]:
        year_gap = abs((record.get("publication_year") or 0) - year) if year else 0
        return (round(_title_similarity(title, _record_title(record)), 3), -min(year_gap, 99), record.get("cited_by_count") or 0)

    ranked = sorted(results, key=score, reverse=True)
    if not ranked or score(ranked[0])[0] < MIN_TITLE_SIMILARITY:
        closest = f"; closest: {_shown(_record_title(ranked[0]))}" if ranked else ""
        raise SeedNotFoundError(f"no OpenAlex work matches the title {_shown(title)}{closest}; check the spelling or pass a DOI")
    best = ranked[0]
    why = (f"title search picked {_shown(_record_title(best), 120)} ({best.get('publication_year')}), title similarity "
           f"{score(best)[0]:.2f}, best of {len(results)} of {meta.get('count', len(results))} hits")
    return best, why


def _fetch_first(source: WorkSource, refs: Sequence[tuple[str, str]]) -> tuple[dict[str, Any] | None, str]:
    for ref, label in refs:
        record = source.get_work(ref, select=WORK_FIELDS)
        if record is not None:
            return record, f"fetched by {label}"
    return None, ""


def _checked_against_preset(record: dict[str, Any], preset: Preset) -> tuple[dict[str, Any], list[str]]:
    """The record with the preset's title/year/DOI where OpenAlex's disagree, and why."""
    fixed = dict(record)
    notes: list[DataWarning] = []
    title = _record_title(record)
    if not title:
        notes.append(DataWarning("empty_title", f"OpenAlex record has no title; using the preset's {preset.title!r}"))
    elif _title_similarity(title, preset.title) < MIN_TITLE_SIMILARITY:
        notes.append(DataWarning("title_mismatch", f"OpenAlex title {_shown(title, 120)} is not {preset.title!r}; using the preset's"))
    record_doi = normalize_doi(record.get("doi"))
    if preset.doi and record_doi and record_doi != preset.doi and parse_arxiv_id(record_doi) != preset.arxiv_id:
        notes.append(DataWarning("doi_mismatch", f"OpenAlex DOI {record_doi} is not {preset.doi}; using the preset's"))
    fixed["display_name"] = fixed["title"] = preset.title
    if preset.doi:
        fixed["doi"] = f"https://doi.org/{preset.doi}"
    if record.get("publication_year") != preset.year:
        if record.get("publication_year") is not None:
            notes.append(DataWarning("year_mismatch", f"OpenAlex year {record.get('publication_year')} is not {preset.year}; using the preset's"))
        fixed["publication_year"] = preset.year
    return fixed, notes


def _find_twin(source: WorkSource, seed: dict[str, Any], arxiv_id: str | None, title: str) -> tuple[dict[str, Any] | None, DataWarning | None]:
    """The preprint (arXiv) record of a published seed, when OpenAlex keeps it as a separate work."""
    if not arxiv_id:
        return None, None
    twin = source.get_work(f"doi:10.48550/arXiv.{arxiv_id}", select=WORK_FIELDS)
    if twin is None or try_work_id(twin.get("id")) in (None, try_work_id(seed.get("id"))):
        return None, None
    twin_id = try_work_id(twin.get("id"))
    twin_title = _record_title(twin)
    if _title_similarity(twin_title, title) < MIN_TITLE_SIMILARITY:
        return None, DataWarning("twin_not_merged", f"arXiv record {twin_id} carries another title {_shown(twin_title, 120)} "
                      "(a known OpenAlex defect); its references were not merged")
    return twin, DataWarning("merged_version", f"arXiv record {twin_id} merged into the seed (references joined)")


def _resolve_preset(source: WorkSource, preset: Preset, merge_versions: bool) -> ResolvedSeed:
    routes = []
    if preset.openalex_id:
        routes.append((preset.openalex_id, f"OpenAlex id {preset.openalex_id}"))
    if preset.doi:
        routes.append((f"doi:{preset.doi}", f"DOI {preset.doi}"))
    record, how = _fetch_first(source, routes[:2])
    searched = record is None
    if searched:
        record, how = _search_by_title(source, preset.title, preset.year)
    fixed, warnings = _checked_against_preset(record, preset)
    twins: list[str] = []
    if merge_versions and not (searched and len(routes) > 1):  # stay within three requests
        twin, note = _find_twin(source, fixed, preset.arxiv_id, preset.title)
        if note:
            warnings.append(note)
        if twin is not None:
            fixed = merge_raw_twin(fixed, twin)
            twins.append(record_id(twin))
    return ResolvedSeed(_seed_record_id(fixed, preset.name), preset.name, fixed, f"preset {preset.name}: {how}", warnings, twins)


def _seed_record_id(record: dict[str, Any], seed: str) -> str:
    """The id of the record OpenAlex answered for a seed; a record naming no work is the server's
    fault, not the user's: :class:`SeedNotFoundError` (exit 3), not a bad-input error."""
    try:
        return record_id(record)
    except MalformedRecord as exc:
        raise SeedNotFoundError(f"OpenAlex answered {exc} for --seed {_shown(seed)}; the seed cannot be used") from exc


def resolve_seed(source: WorkSource, text: str, *, merge_versions: bool | None = None) -> ResolvedSeed:
    """Fetch and verify the work a ``--seed`` names; at most three requests per seed.

    ``merge_versions`` defaults to on for presets (whose arXiv id is known) and off otherwise.
    """
    query = parse_seed(text)
    if query.kind == "preset":
        preset = PRESETS[query.value]
        return _resolve_preset(source, preset, True if merge_versions is None else merge_versions)
    if query.kind == "title":
        record, how = _search_by_title(source, query.value, None)
    else:
        record = source.get_work(query.ref.api_ref(), select=WORK_FIELDS)
        if record is None:
            raise SeedNotFoundError(f"OpenAlex has no work for {query.kind} {_shown(query.value)} (404); check the id")
        how = f"fetched by {query.kind} {query.value}"
    warnings = [] if _record_title(record) else [DataWarning("empty_title", "OpenAlex record has no title")]
    short = _seed_record_id(record, query.text)
    return ResolvedSeed(short, query.text.strip(), record, how, warnings)


def resolve_seeds(source: WorkSource, texts: Sequence[str], *, merge_versions: bool | None = None) -> list[ResolvedSeed]:
    """Resolve every seed (all are parsed first, so a typo fails before any request)."""
    if not texts:
        raise InputError("no --seed given; try --seed bert")
    for text in texts:
        parse_seed(text)
    resolved: dict[str, ResolvedSeed] = {}
    for text in texts:
        seed = resolve_seed(source, text, merge_versions=merge_versions)
        resolved.setdefault(seed.id, seed)
    return list(resolved.values())
