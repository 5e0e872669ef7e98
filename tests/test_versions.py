"""Preprint/published twins: detected by title + year ± 1 + first author, merged into one work."""

from __future__ import annotations

from typing import Any

from citegraph.records import slim_record
from citegraph.versions import find_versions, merge_versions

TITLE = "Attention Is All You Need for Sequence Transduction"


def rec(num: int, title: str, year: int | None, refs: list[int], author: str | None = "Ashish Vaswani",
        doi: str | None = None, kind: str = "article") -> dict[str, Any]:
    raw = {"id": f"W{num}", "title": title, "publication_year": year, "type": kind, "doi": doi,
           "authorships": [{"author": {"display_name": author}}] if author else [],
           "referenced_works": [f"W{r}" for r in refs], "cited_by_count": num}
    return slim_record(raw)


def library(*records: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r.id: r for r in records}


def test_versions_are_found_by_title_year_and_first_author() -> None:
    records = library(
        rec(1, TITLE, 2017, [3]), rec(2, TITLE.upper() + "!", 2018, [4], doi="10.48550/arxiv.1706.03762", kind="preprint"),
        rec(5, TITLE, 2021, [], kind="preprint"),     # same title, four years later: another paper
        rec(6, TITLE, 2017, [], author="Someone Else", kind="preprint"),  # other first author
        rec(7, "Deep learning", 2017, []), rec(8, "Deep learning", 2017, [], kind="preprint"),  # too short to tell
        rec(9, TITLE, None, [], kind="preprint"),     # no year: cannot be checked
        rec(10, TITLE, 2017, []),                     # a second article: two articles are not versions
    )
    assert find_versions(records) == [["W1", "W2"]]


def test_merge_keeps_the_published_version_and_redirects_references() -> None:
    records = library(
        rec(1, TITLE, 2017, [3, 4]), rec(2, TITLE, 2017, [4, 5], doi="10.48550/arxiv.1706.03762", kind="preprint"),
        rec(3, "A paper citing the preprint version of it", 2019, [2]),
        rec(4, "An older paper cited by both versions here", 2014, []), rec(5, "Another older paper cited here", 2015, []),
    )
    merged, aliases = merge_versions(records)
    assert aliases == {"W2": "W1"}
    assert "W2" not in merged
    assert merged["W1"].references == ("W3", "W4", "W5")
    assert merged["W1"].merged_ids == ("W2",) and "merged_version" in merged["W1"].warnings
    assert merged["W3"].references == ("W1",)
    assert records["W3"].references == ("W2",)  # the input is not changed


def test_a_seed_is_kept_even_when_it_is_the_preprint() -> None:
    records = library(rec(1, TITLE, 2017, [3]), rec(2, TITLE, 2017, [], kind="preprint"))
    merged, aliases = merge_versions(records, prefer={"W2"})
    assert aliases == {"W1": "W2"} and merged["W2"].references == ("W3",)


def test_no_versions_no_change() -> None:
    records = library(rec(1, TITLE, 2017, [2]), rec(2, "Some other paper with a long title", 2015, []))
    merged, aliases = merge_versions(records)
    assert aliases == {} and merged == records
