"""The breadth-first crawler over plain fetch callables (HTTP is tested in test_end_to_end)."""

from __future__ import annotations

from typing import Any, Iterable

import pytest

from helpers import reference_bfs

from citegraph.crawl import CrawlOptions, crawl
from citegraph.errors import InputError
from citegraph.records import work_id
from citegraph.seeds import ResolvedSeed


class Library:
    """An in-memory stand-in for the client's fetch functions, recording each call."""

    def __init__(self, works: Iterable[dict[str, Any]]) -> None:
        self.works = {work_id(w["id"]): w for w in works}
        self.calls: list[list[str]] = []
        self.citing_calls: list[tuple[str, int | None]] = []

    def fetch_works(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        self.calls.append(list(ids))
        return {i: self.works[i] for i in ids if i in self.works}

    def fetch_citing(self, work: str, limit: int | None) -> list[dict[str, Any]]:
        self.citing_calls.append((work, limit))
        citing = [w for i, w in sorted(self.works.items()) if any(work_id(r) == work for r in w["referenced_works"])]
        return citing[:limit]

    def seed(self, wid: str, name: str = "seed", twins: tuple[str, ...] = ()) -> ResolvedSeed:
        return ResolvedSeed(wid, name, self.works[wid], "test", twins=list(twins))


def test_crawl_matches_breadth_first_search(tiny_works: list[dict]) -> None:
    lib = Library(tiny_works)
    result = crawl([lib.seed("W1")], lib.fetch_works, options=CrawlOptions(depth=2))
    assert result.depths == reference_bfs(lib.works, ["W1"], 2)[0] == {"W1": 0, "W2": 1, "W3": 1, "W4": 2}
    assert lib.calls == [["W2", "W3"], ["W4", "W5"]]
    assert result.dangling == {"W5": ["W2"]}


def test_depth_zero_is_the_seeds_alone(tiny_works: list[dict]) -> None:
    lib = Library(tiny_works)
    result = crawl([lib.seed("W1")], lib.fetch_works, options=CrawlOptions(depth=0))
    assert list(result.records) == ["W1"] and lib.calls == []


def test_max_works_keeps_the_most_cited_candidates(tiny_works: list[dict]) -> None:
    lib = Library(tiny_works)
    result = crawl([lib.seed("W1")], lib.fetch_works, options=CrawlOptions(depth=3, max_works=4))
    assert set(result.records) == {"W1", "W2", "W3", "W4"}
    assert result.skipped_by_budget == 2 and result.budget_reached  # W5, then W6, did not fit


def test_crawl_issues_the_same_requests_every_time(demo_works: list[dict], demo_seeds: dict) -> None:
    seeds = [demo_seeds[name].rsplit("/", 1)[-1] for name in ("bert", "gpt1", "ulmfit")]
    runs = []
    for order in (seeds, list(reversed(seeds))):
        lib = Library(demo_works)
        result = crawl([lib.seed(s, s) for s in order], lib.fetch_works, options=CrawlOptions(depth=2))
        runs.append((lib.calls, set(result.records)))
        assert result.depths == reference_bfs(lib.works, seeds, 2)[0]
    assert runs[0] == runs[1]
    assert len(runs[0][1]) == 1401  # 3 seeds + the 1,398 works of the demo README


def test_twin_references_are_redirected_to_the_seed(tiny_works: list[dict]) -> None:
    works = [dict(w) for w in tiny_works]
    works[2]["referenced_works"] = ["https://openalex.org/W4", "https://openalex.org/W99"]  # W3 cites the twin W99
    lib = Library(works)
    result = crawl([lib.seed("W1", twins=("W99",))], lib.fetch_works, options=CrawlOptions(depth=2))
    assert "W99" not in result.records and "W99" not in result.dangling
    assert result.records["W3"].references == ("W4", "W1")


def test_citing_direction_takes_citing_works(tiny_works: list[dict]) -> None:
    lib = Library(tiny_works)
    result = crawl([lib.seed("W4")], lib.fetch_works, options=CrawlOptions(direction="citing", depth=2, max_citing=5),
                   fetch_citing=lib.fetch_citing)
    assert result.depths == {"W4": 0, "W2": 1, "W3": 1, "W1": 2}
    assert lib.calls == [] and lib.citing_calls[0] == ("W4", 5)


def test_both_directions(tiny_works: list[dict]) -> None:
    lib = Library(tiny_works)
    result = crawl([lib.seed("W4")], lib.fetch_works, options=CrawlOptions(direction="both", depth=1),
                   fetch_citing=lib.fetch_citing)
    assert result.depths == {"W4": 0, "W6": 1, "W2": 1, "W3": 1}


def test_max_citing_caps_each_work(tiny_works: list[dict]) -> None:
    lib = Library(tiny_works)
    result = crawl([lib.seed("W4")], lib.fetch_works, options=CrawlOptions(direction="citing", depth=1, max_citing=1),
                   fetch_citing=lib.fetch_citing)
    assert len(result.records) == 2


@pytest.mark.parametrize(
    "options",
    [
        dict(depth=-1), dict(depth=7), dict(depth=1000), dict(max_works=0), dict(max_works=10**9),
        dict(direction="sideways"), dict(max_citing=0),
    ],
)
def test_bad_options_are_input_errors(options: dict) -> None:
    with pytest.raises(InputError):
        CrawlOptions(**options)
