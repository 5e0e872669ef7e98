"""Raw OpenAlex dict → slim record: ids, DOIs, arXiv ids, abstracts, and real defects."""

from __future__ import annotations

import gzip
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citegraph.errors import InputError
from citegraph.records import WARNING_TEXT, MalformedRecord
from helpers import read_jsonl
from citegraph.records import (
    looks_like_citation_line,
    normalize_doi,
    normalize_title,
    parse_arxiv_id,
    rebuild_abstract,
    slim_record,
    try_work_id,
    work_id,
    work_text,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("W2963341956", "W2963341956"),
        ("w2963341956", "W2963341956"),
        ("https://openalex.org/W2963341956", "W2963341956"),
        ("https://api.openalex.org/works/W2963341956", "W2963341956"),
        ("  W7 ", "W7"),
    ],
)
def test_work_id_accepts_every_openalex_form(value: str, expected: str) -> None:
    assert work_id(value) == expected


@pytest.mark.parametrize("value", ["", "W", "A2963341956", "W12x", "https://openalex.org/A1", "10.1/x"])
def test_work_id_rejects_non_work_ids(value: str) -> None:
    assert try_work_id(value) is None
    with pytest.raises(InputError):
        work_id(value)


@given(st.integers(min_value=1, max_value=10**11), st.sampled_from(["W{}", "w{}", "https://openalex.org/W{}"]))
def test_work_id_is_idempotent(number: int, form: str) -> None:
    once = work_id(form.format(number))
    assert work_id(once) == once == f"W{number}"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10.18653/v1/N19-1423", "10.18653/v1/n19-1423"),
        ("doi:10.18653/v1/N19-1423", "10.18653/v1/n19-1423"),
        ("https://doi.org/10.18653/v1/N19-1423", "10.18653/v1/n19-1423"),
        ("http://dx.doi.org/10.1038/323533a0", "10.1038/323533a0"),
        ("10.1234", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_doi(value: str | None, expected: str | None) -> None:
    assert normalize_doi(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1810.04805", "1810.04805"),
        ("arXiv:1810.04805v2", "1810.04805"),
        ("https://arxiv.org/abs/1810.04805", "1810.04805"),
        ("https://arxiv.org/pdf/1810.04805v1.pdf", "1810.04805"),
        ("doi:10.48550/arXiv.1810.04805", "1810.04805"),
        ("https://doi.org/10.48550/arxiv.1301.3781", "1301.3781"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("181.04805", None),
        ("1810.04805.7", None),
        ("10.18653/v1/N19-1423", None),
    ],
)
def test_parse_arxiv_id(value: str, expected: str | None) -> None:
    assert parse_arxiv_id(value) == expected


words = st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc", "Cs")), min_size=1, max_size=12)


@given(st.lists(words, max_size=40))
def test_abstract_rebuild_round_trips(tokens: list[str]) -> None:
    inverted: dict[str, list[int]] = {}
    for position, token in enumerate(tokens):
        inverted.setdefault(token, []).append(position)
    assert rebuild_abstract(inverted) == " ".join(tokens)


def test_rebuild_abstract_handles_missing_index() -> None:
    assert rebuild_abstract(None) == ""
    assert rebuild_abstract({}) == ""


def test_normalize_title_ignores_case_accents_and_punctuation() -> None:
    assert normalize_title("BERT: Pre-training of Déep  Transformers!") == normalize_title("bert pretraining of deep transformers")


def test_citation_line_detection() -> None:
    line = ("Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova. Proceedings of the 2019 Conference of "
            "the North American Chapter of the Association for Computational Linguistics. 2019.")
    assert looks_like_citation_line(line, ["Jacob Devlin", "Ming-Wei Chang"])
    assert looks_like_citation_line(line)
    real = "We introduce a new language representation model called BERT, which stands for Bidirectional Encoder."
    assert not looks_like_citation_line(real, ["Jacob Devlin", "Ming-Wei Chang"])


def test_slim_record_of_a_synthetic_work(tiny_works: list[dict]) -> None:
    record = slim_record(tiny_works[1])
    assert record.id == "W2"
    assert record.references == ("W4", "W5")
    assert record.abstract == "Unsupervised pretraining helps."
    assert record.has_abstract is True
    assert record.authors == ("Author 2",)
    assert record.venue == "Venue 2"
    assert record.doi == "10.1234/w2"
    assert record.warnings == ()


def test_slim_record_drops_self_citations_and_repeats() -> None:
    raw = {"id": "W1", "referenced_works": ["W1", "https://openalex.org/W2", "W2", "junk"], "referenced_works_count": 3}
    record = slim_record(raw)
    assert record.references == ("W2",)
    assert "empty_title" in record.warnings and "no_abstract" in record.warnings


# --- real OpenAlex records (tests/fixtures/openalex, see its PROVENANCE.md) ------------------------

def test_bert_real_record_defects_are_flagged(lineage_records: dict[str, dict]) -> None:
    bert = slim_record(lineage_records["W2963341956"])
    assert bert.title == ""
    assert bert.has_abstract is False
    assert bert.abstract.startswith("Jacob Devlin")
    assert {"empty_title", "citation_line_abstract", "placeholder_date"} <= set(bert.warnings)
    assert bert.doi == "10.18653/v1/n19-1423"
    assert len(bert.references) == 52


def test_empty_reference_lists_are_flagged(lineage_records: dict[str, dict]) -> None:
    record = slim_record(lineage_records["W2963090765"])
    assert record.references == () and "no_references" in record.warnings
    assert record.has_abstract is True


def test_bert_title_null_and_empty_versions(openalex_dir) -> None:
    titles = set()
    for capture in read_jsonl(openalex_dir / "snapshots" / "W2963341956_bert_naacl_versions.jsonl.gz"):
        work = capture["work"]
        titles.add(work.get("title"))
        assert slim_record(work).title == ""
        assert "empty_title" in slim_record(work).warnings
    assert titles == {None, ""}


def test_every_recorded_record_slims_without_error(openalex_dir) -> None:
    with gzip.open(openalex_dir / "openalex_works_all.jsonl.gz", "rt") as handle:
        raws = [json.loads(line) for line in handle]
    records = [slim_record(raw) for raw in raws]
    assert len(records) == len(raws) > 700
    good_abstracts = [r for r in records if r.has_abstract]
    assert len(good_abstracts) > 400
    for record in records:
        assert record.id.startswith("W")
        assert all(ref.startswith("W") and ref != record.id for ref in record.references)


def test_synthetic_id_ranges_are_never_openalex_ids() -> None:
    from citegraph.records import is_synthetic_id

    assert is_synthetic_id("W9425100365") and is_synthetic_id("W8000000042")  # demo GPT-1, benchmark work
    assert not is_synthetic_id("W2963341956") and not is_synthetic_id("W4385245566") and not is_synthetic_id("W1")


def test_work_ids_take_ascii_digits_without_leading_zeros() -> None:
    """Issue 14 item 12: "W١" (an Arabic-Indic digit) and "W0001" name no work; nor does a non-string."""
    from citegraph.records import try_work_id

    assert try_work_id("W\u0661") is None and try_work_id("W0001") is None and try_work_id("W0") is None
    assert try_work_id(12345) is None and try_work_id(None) is None
    assert try_work_id("w42") == "W42" and try_work_id("https://openalex.org/W42") == "W42"
    assert normalize_doi(10.1) is None and normalize_doi("https://doi.org/10.1234/ABC") == "10.1234/abc"


GOOD = {"id": "https://openalex.org/W7", "display_name": "A good title", "publication_year": 2020,
        "publication_date": "2020-05-04", "authorships": [{"author": {"display_name": "Ada Lovelace"}}],
        "referenced_works": ["https://openalex.org/W1"], "abstract_inverted_index": {"We": [0], "pretrain": [1]},
        "primary_topic": {"field": {"display_name": "Computer Science"}}, "topics": [{"display_name": "NLP"}]}


@pytest.mark.parametrize("field, value, code", [
    ("referenced_works", 42, "malformed_references"),
    ("referenced_works", [{"id": "W1"}], "malformed_references"),
    ("abstract_inverted_index", {"We": ["0"], "pretrain": ["1"]}, "malformed_abstract"),  # string positions
    ("abstract_inverted_index", ["We", "pretrain"], "malformed_abstract"),                # a list
    ("authorships", ["Ada Lovelace"], "malformed_authorships"),
    ("display_name", 12345, "malformed_title"),
    ("publication_date", 20200504, "malformed_date"),
    ("topics", ["NLP"], "malformed_topics"),
    ("primary_topic", "Computer Science", "malformed_topics"),
    ("primary_location", [], "malformed_venue"),
    ("ids", "W7", "malformed_ids"),
    ("doi", 10.1234, "malformed_ids"),
])
def test_a_wrongly_shaped_field_is_flagged_never_fatal(field: str, value: object, code: str) -> None:
    """Issue 14 item 6: each of these used to raise (exit 70, and the cached record crashed every rerun)."""
    work = slim_record({**GOOD, field: value})
    assert code in work.warnings and code in WARNING_TEXT
    good = slim_record(GOOD)
    assert work.id == "W7" and work.year == 2020  # the rest of the record is kept
    for name in ("title", "authors", "references", "abstract", "field"):
        if not code.endswith(name[:6]) and field not in ("display_name", "authorships", "referenced_works",
                                                         "abstract_inverted_index", "topics", "primary_topic"):
            assert getattr(work, name) == getattr(good, name)


@pytest.mark.parametrize("raw", [{"id": 12345}, {"title": "no id"}, "W1", None, {"id": "W0001"}])
def test_a_record_naming_no_work_is_malformed(raw: object) -> None:
    with pytest.raises(MalformedRecord):
        slim_record(raw)  # type: ignore[arg-type]


# --- work_text: what term matching reads, without the rest of the work ------------------------

_TEXT_SHAPES = [
    ("display_name", None), ("display_name", ""), ("display_name", "  padded  "), ("display_name", 12345),
    ("title", ["a", "title"]), ("authorships", ["Ada Lovelace"]), ("authorships", [{"author": "Ada"}]),
    ("authorships", [{"author": {"display_name": ""}, "raw_author_name": "Ada Lovelace"}]),
    ("abstract_inverted_index", {"We": ["0"], "pretrain": ["1"]}), ("abstract_inverted_index", ["We", "pretrain"]),
    ("abstract_inverted_index", "pre-training"), ("abstract_inverted_index", {"We": [0, None]}),
    ("abstract_inverted_index", {"We": None, "pretrain": [1]}), ("abstract_inverted_index", {}),
    ("abstract_inverted_index", {"b": [1], "a": [1], "c": [0]}),  # a repeated position keeps the index's order
]


def _texts_of(raws) -> list[tuple[str, str, bool]]:
    return [(w.title, w.abstract, w.has_abstract) for w in map(slim_record, raws)]


def test_work_text_is_what_slim_record_gives_on_every_recorded_record(openalex_dir, demo_works) -> None:
    """The snapshot's term match judges with work_text: it must read each record as slim_record does
    (the abstract rebuilt, the citation-line check made, a malformed field read alike)."""
    raws = read_jsonl(openalex_dir / "openalex_works_all.jsonl.gz")
    raws += [c["work"] for c in read_jsonl(openalex_dir / "snapshots" / "W2963341956_bert_naacl_versions.jsonl.gz")]
    raws += demo_works + [{**GOOD, field: value} for field, value in _TEXT_SHAPES]
    assert [tuple(work_text(raw)) for raw in raws] == _texts_of(raws)
    citation_lines = [raw for raw in raws if "citation_line_abstract" in slim_record(raw).warnings]
    assert citation_lines and not any(work_text(raw).has_abstract for raw in citation_lines)  # BERT's, at least


_words = st.text(alphabet=st.sampled_from("aePr-,. 2019Σ\u2011"), min_size=0, max_size=8)


@given(title=st.one_of(st.none(), _words), authors=st.lists(_words, max_size=3),
       index=st.one_of(st.none(), st.dictionaries(_words, st.lists(st.integers(0, 30), max_size=3), max_size=12)))
def test_work_text_agrees_with_slim_record_on_any_text(title, authors, index) -> None:
    raw = {"id": "W1", "display_name": title, "authorships": [{"author": {"display_name": a}} for a in authors],
           "abstract_inverted_index": index}
    assert tuple(work_text(raw)) == _texts_of([raw])[0]


def _citation_line_as_first_written(abstract: str, authors=()) -> bool:
    """looks_like_citation_line before its tests were reordered for speed (the oracle)."""
    import re
    from citegraph.records import _YEAR_AT_END, _surname

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


_citation_words = st.sampled_from(["Devlin,", "Lee", "Chang,", "Proceedings", "of", "NAACL", "2019.", "1999", "pp.",
                                   "vol.", "Journal", "we", "pre-train", "models", ",", "Ann", "Bo", "Workshop"])


@given(words=st.lists(_citation_words, max_size=90), authors=st.lists(st.sampled_from(
    ["Jacob Devlin", "Kenton Lee", "Ming-Wei Chang", "Ann", "B", "Bo Chen"]), max_size=4))
def test_the_citation_line_check_decides_as_it_was_first_written(words, authors) -> None:
    abstract = " ".join(words)
    assert looks_like_citation_line(abstract, authors) == _citation_line_as_first_written(abstract, authors)


def test_the_citation_line_check_on_every_recorded_abstract(openalex_dir, demo_works) -> None:
    works = [*read_jsonl(openalex_dir / "openalex_works_all.jsonl.gz"), *demo_works]
    for raw in works:
        work = slim_record(raw)
        assert looks_like_citation_line(work.abstract, work.authors) == _citation_line_as_first_written(work.abstract, work.authors)
