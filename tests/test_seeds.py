"""Seed parsing, presets, and verification against defective records.

Resolution is exercised over real HTTP in test_end_to_end; here a small in-memory source
(the two methods seeds.py uses) makes each route and defect explicit.
"""

from __future__ import annotations

import copy
from typing import Any, Sequence

import pytest

from citegraph.errors import InputError, SeedNotFoundError
from citegraph.records import normalize_doi, normalize_title, work_id
from citegraph.seeds import PRESETS, parse_seed, resolve_seed, resolve_seeds


class Shelf:
    """Works by id and DOI plus a naive title search; counts requests like the client would."""

    def __init__(self, works: Sequence[dict[str, Any]]) -> None:
        self.works = {work_id(w["id"]): w for w in works}
        self.requests: list[str] = []

    def get_work(self, ref: str, *, select: Sequence[str] | None = None) -> dict[str, Any] | None:
        self.requests.append(ref)
        if ref.startswith("doi:"):
            doi = normalize_doi(ref)
            return next((w for w in self.works.values() if normalize_doi(w.get("doi")) == doi), None)
        return self.works.get(work_id(ref))

    def list_page(self, filter: str | None = None, *, search: str | None = None, select: Any = None,
                  sort: str | None = None, per_page: int = 25, page: int = 1) -> tuple[list[dict], dict]:
        self.requests.append(f"search:{search}")
        words = set(normalize_title(w) for w in (search or "").split())
        hits = [w for w in self.works.values() if words <= {normalize_title(t) for t in (w.get("title") or "").split()}]
        return hits[:per_page], {"count": len(hits)}


def work(num: int, title: str | None, year: int, doi: str | None = None, refs: Sequence[int] = ()) -> dict[str, Any]:
    return {"id": f"https://openalex.org/W{num}", "title": title, "display_name": title, "publication_year": year,
            "doi": doi and f"https://doi.org/{doi}", "referenced_works": [f"https://openalex.org/W{r}" for r in refs],
            "referenced_works_count": len(refs), "authorships": [{"author": {"display_name": "Jacob Devlin"}}]}


BERT_TITLE = PRESETS["bert"].title


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("bert", "preset", "bert"), ("GPT1", "preset", "gpt1"), (" ulmfit ", "preset", "ulmfit"),
        ("W2963341956", "openalex", "W2963341956"), ("https://openalex.org/w2963341956", "openalex", "W2963341956"),
        ("10.18653/v1/N19-1423", "doi", "10.18653/v1/n19-1423"), ("doi:10.18653/v1/N19-1423", "doi", "10.18653/v1/n19-1423"),
        ("https://doi.org/10.18653/v1/N19-1423", "doi", "10.18653/v1/n19-1423"),
        ("1810.04805", "arxiv", "1810.04805"), ("arXiv:1810.04805v2", "arxiv", "1810.04805"),
        ("https://arxiv.org/abs/1801.06146", "arxiv", "1801.06146"),
        ("Attention is all you need", "title", "Attention is all you need"),
    ],
)
def test_parse_seed(text: str, kind: str, value: str) -> None:
    query = parse_seed(text)
    assert (query.kind, query.value) == (kind, value)


@pytest.mark.parametrize("text", ["", "  ", "bret", "W12x", "10.1234", "doi:nothing", "arxiv:12", "https://openalex.org/A1"])
def test_malformed_seeds_are_input_errors(text: str) -> None:
    with pytest.raises(InputError):
        parse_seed(text)


def test_bert_preset_with_empty_title_takes_preset_metadata() -> None:
    shelf = Shelf([work(2963341956, "", 2019, "10.18653/v1/n19-1423", refs=[1, 2])])
    seed = resolve_seed(shelf, "bert")
    assert seed.id == "W2963341956" and seed.name == "bert"
    assert seed.record["title"] == BERT_TITLE
    assert any(note.code == "empty_title" for note in seed.warnings)
    assert shelf.requests == ["W2963341956", "doi:10.48550/arXiv.1810.04805"]


def test_hijacked_arxiv_twin_is_flagged_not_merged() -> None:
    shelf = Shelf([
        work(2963341956, BERT_TITLE, 2019, "10.18653/v1/n19-1423", refs=[1, 2]),
        work(2896457183, "AI-Assisted Pipeline for Dynamic Generation of Trustworthy Health Supplement Content at Scale",
             2018, "10.48550/arxiv.1810.04805", refs=[3]),
    ])
    seed = resolve_seed(shelf, "bert")
    assert seed.twins == [] and len(seed.record["referenced_works"]) == 2
    assert any(note.code == "twin_not_merged" and "W2896457183" in note.text for note in seed.warnings)


def test_matching_arxiv_twin_is_merged() -> None:
    shelf = Shelf([
        work(2963341956, BERT_TITLE, 2019, "10.18653/v1/n19-1423", refs=[1, 2]),
        work(2896457183, BERT_TITLE, 2018, "10.48550/arxiv.1810.04805", refs=[2, 3]),
    ])
    seed = resolve_seed(shelf, "bert")
    assert seed.twins == ["W2896457183"]
    assert [work_id(r) for r in seed.record["referenced_works"]] == ["W1", "W2", "W3"]
    assert resolve_seed(shelf, "bert", merge_versions=False).twins == []


def test_wrong_title_on_the_preset_record_is_flagged() -> None:
    shelf = Shelf([work(2963341956, "Something else entirely", 2019, "10.4230/lipics.cosit.2022.18")])
    seed = resolve_seed(shelf, "bert")
    codes = {note.code for note in seed.warnings}
    assert {"title_mismatch", "doi_mismatch"} <= codes
    assert seed.record["title"] == BERT_TITLE and seed.record["doi"] == "https://doi.org/10.18653/v1/n19-1423"


def test_gpt1_resolves_by_title_search_in_one_request() -> None:
    shelf = Shelf([work(5, "Improving Language Understanding by Generative Pre-Training", 2018),
                   work(6, "Improving Language Understanding", 2020)])
    seed = resolve_seed(shelf, "gpt1")
    assert seed.id == "W5" and "title search picked" in seed.how
    assert len(shelf.requests) == 1


def test_every_preset_needs_at_most_three_requests() -> None:
    for name in PRESETS:
        shelf = Shelf([work(9, PRESETS[name].title, PRESETS[name].year)])
        resolve_seed(shelf, name)
        assert len(shelf.requests) <= 3, (name, shelf.requests)


def test_unknown_ids_and_titles_are_seed_not_found() -> None:
    shelf = Shelf([work(1, "A paper about pre-training", 2019)])
    with pytest.raises(SeedNotFoundError, match="404"):
        resolve_seed(shelf, "W999")
    with pytest.raises(SeedNotFoundError, match="no OpenAlex work matches"):
        resolve_seed(shelf, "quantum chromodynamics of giraffes")


def test_resolve_seeds_parses_all_before_fetching_and_dedupes() -> None:
    shelf = Shelf([work(1, "A paper about pre-training", 2019)])
    with pytest.raises(InputError):
        resolve_seeds(shelf, ["W1", "W12x"])
    assert shelf.requests == []
    assert [s.id for s in resolve_seeds(shelf, ["W1", "https://openalex.org/W1"])] == ["W1"]
    with pytest.raises(InputError):
        resolve_seeds(shelf, [])


def test_real_bert_record_is_repaired(lineage_records: dict[str, dict]) -> None:
    shelf = Shelf([copy.deepcopy(lineage_records["W2963341956"])])
    seed = resolve_seed(shelf, "bert")
    assert seed.record["title"] == BERT_TITLE
    assert any(note.code == "empty_title" for note in seed.warnings)
    assert len(seed.record["referenced_works"]) == 52


def test_percent_encoded_doi_urls_and_ids_with_trailing_text() -> None:
    """Issue 14 item 12: a copied DOI URL is a DOI; an id with more text is refused, not sent to a paid title search."""
    assert parse_seed("https://doi.org/10.18653%2Fv1%2FN19-1423").ref.api_ref() == "doi:10.18653/v1/n19-1423"
    for text in ("10.18653/v1/N19-1423 extra", "W2963341956 bert", "arXiv:1810.04805 v2",
                 "10.x/y extra", "doi:nonsense and more", "arXiv:junk v2"):  # broken ids too (the batch of cases)
        with pytest.raises(InputError, match="followed by more text"):
            parse_seed(text)
    assert parse_seed("W3C guidelines for accessible content").kind == "title"
    for title in ("10 ways to pre-train a model", "10.5 million tokens of pre-training data"):
        assert parse_seed(title).kind == "title"
