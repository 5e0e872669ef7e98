"""Preprint and published versions of one paper, kept by OpenAlex as two works, merged into one.

OpenAlex often holds an arXiv preprint and its conference or journal version as separate works
with different reference lists (DEFECTS.md item 8: SQuAD, Attention, BERT). Left apart, each
carries only part of the paper's citations and references, and a chain through the paper can
break. Two slim records are versions of one paper when one is a preprint (type ``preprint``,
an arXiv DOI or venue) and the other is not, their normalised titles are equal, their years
differ by at most one, and their first authors' surnames agree (when both list authors). The published version is kept; the other's references are joined to it, and every
reference to the other is redirected to it. No I/O.

This module owns every twin merge: a preset seed's arXiv twin (raw records, before slimming:
:func:`merge_raw_twin`), twins the crawl meets (:func:`merge_versions`,
:func:`merge_crawled_twins`), and the one alias rewrite that points references at the kept
work (:func:`redirect_references`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any, Mapping

from .model import Aliases, Work
from .records import normalize_title, parse_arxiv_id

__all__ = ["find_versions", "merge_versions", "merge_crawled_twins", "merge_raw_twin", "redirect_references",
           "Aliases", "MIN_TITLE_CHARS"]

#: Shorter normalised titles ("Introduction", "Deep learning") name many different papers.
MIN_TITLE_CHARS = 20


def _surname(work: Work) -> str | None:
    authors = work.authors
    if not authors:
        return None
    parts = str(authors[0]).replace(",", " ").split()
    return normalize_title(parts[-1]) if parts else None


def _is_preprint(work: Work) -> bool:
    venue = str(work.venue or "").casefold()
    return work.type == "preprint" or parse_arxiv_id(work.doi) is not None or "arxiv" in venue


def _same_paper(a: Work, b: Work) -> bool:
    if _is_preprint(a) == _is_preprint(b):  # two articles (or two preprints) sharing a title are
        return False                         # more often two papers than one: leave them apart
    if a.year is None or b.year is None or abs(a.year - b.year) > 1:
        return False
    first, second = _surname(a), _surname(b)
    return first is None or second is None or first == second


def redirect_references(work: Work, aliases: Aliases) -> Work:
    """The work with its references to merged ids pointing at the kept works (repeats and
    self-references dropped, order kept)."""
    if not aliases:
        return work
    refs = tuple(ref for ref in dict.fromkeys(aliases.get(ref, ref) for ref in work.references) if ref != work.id)
    return work if refs == work.references else replace(work, references=refs)


def merge_raw_twin(seed: Mapping[str, Any], twin: Mapping[str, Any]) -> dict[str, Any]:
    """A seed's raw OpenAlex record with its preprint/published twin's references joined in (and
    its abstract, when the seed has none): OpenAlex splits the paper's references between them."""
    merged = dict(seed)
    refs = list(dict.fromkeys([*(seed.get("referenced_works") or ()), *(twin.get("referenced_works") or ())]))
    merged["referenced_works"] = refs
    merged["referenced_works_count"] = max(len(refs), seed.get("referenced_works_count") or 0)
    if not seed.get("abstract_inverted_index") and twin.get("abstract_inverted_index"):
        merged["abstract_inverted_index"] = twin["abstract_inverted_index"]
    return merged


def find_versions(records: Mapping[str, Work]) -> list[list[str]]:
    """Groups (sorted ids, two or more) of works that are versions of one paper."""
    by_title: dict[str, list[str]] = defaultdict(list)
    for work, record in records.items():
        title = normalize_title(record.title)
        if len(title) >= MIN_TITLE_CHARS:
            by_title[title].append(work)
    groups: list[list[str]] = []
    for works in by_title.values():
        remaining = sorted(works)
        while len(remaining) > 1:
            anchor = remaining[0]
            group = [anchor] + [w for w in remaining[1:] if _same_paper(records[anchor], records[w])]
            if len(group) > 1:
                groups.append(group)
            remaining = [w for w in remaining if w not in group]
    return sorted(groups)


def _keeper(group: list[str], records: Mapping[str, Work], prefer: set[str]) -> str:
    """A seed first, then the published version, then the one with most references, then the lowest id."""
    return min(group, key=lambda w: (w not in prefer, _is_preprint(records[w]), -len(records[w].references), int(w[1:])))


def _merged(keeper: Work, others: list[Work]) -> Work:
    changes: dict[str, Any] = {}
    refs = list(keeper.references)
    cited = keeper.cited_by_count or 0
    for other in others:
        refs += other.references
        if not (changes.get("has_abstract") or keeper.has_abstract) and other.has_abstract:
            changes["abstract"], changes["has_abstract"] = other.abstract, True
        for key in ("doi", "arxiv_id", "venue", "year", "date"):
            if not (changes.get(key) or getattr(keeper, key)) and getattr(other, key):
                changes[key] = getattr(other, key)
        cited = max(cited, other.cited_by_count or 0)
    return replace(keeper, **changes, cited_by_count=cited, references=tuple(dict.fromkeys(refs)),
                   merged_ids=tuple(sorted(o.id for o in others)), warnings=(*keeper.warnings, "merged_version"))


def merge_versions(records: Mapping[str, Work], *, prefer: set[str] | frozenset[str] = frozenset()
                   ) -> tuple[dict[str, Work], dict[str, str]]:
    """Records with each group of versions merged, and ``{merged id: kept id}``.

    ``prefer`` (the seeds) are kept whenever they are in a group. ``cited_by_count`` takes the
    larger of the versions' counts: OpenAlex splits citations between them, and adding them
    could count a citing work twice.
    """
    aliases: dict[str, str] = {}
    merged: dict[str, Work] = {}
    for group in find_versions(records):
        keep = _keeper(group, records, set(prefer))
        others = [w for w in group if w != keep]
        merged[keep] = _merged(records[keep], [records[w] for w in others])
        aliases.update({w: keep for w in others})
    if not aliases:
        return dict(records), {}
    result = {work: redirect_references(merged.get(work, record), aliases)
              for work, record in records.items() if work not in aliases}
    return result, aliases


def merge_crawled_twins(records: Mapping[str, Work], depths: Mapping[str, int], *,
                        prefer: set[str] | frozenset[str] = frozenset()
                        ) -> tuple[dict[str, Work], dict[str, int], dict[str, str]]:
    """The crawl's records and depths with the twins it met merged: new values, the inputs are
    left alone. A kept work takes the smaller depth of its versions."""
    merged, aliases = merge_versions(records, prefer=prefer)
    new_depths = {work: depth for work, depth in depths.items() if work not in aliases}
    for twin, kept in aliases.items():
        new_depths[kept] = min(new_depths[kept], depths[twin])
    return merged, new_depths, dict(sorted(aliases.items()))
