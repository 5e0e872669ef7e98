"""Term variants, matching, per-work hits and graph annotation (citegraph.terms)."""

from __future__ import annotations

import string

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citegraph.errors import TermError
from citegraph.records import rebuild_abstract, slim_record
from citegraph.terms import (
    UNKNOWN_USE,
    compile_terms,
    compile_term,
    spelling_labels,
    term_hits,
    term_uses,
    variants,
)

PRE = compile_term("pre-training")


def found(matcher, text):
    return [m.text for m in matcher.finditer(text)]


# --- variants -------------------------------------------------------------------------------


def test_variants_of_pre_training_cover_joiners_and_inflections():
    forms = variants("pre-training")
    for expected in ["pre-training", "pretraining", "pre training", "pre-trained", "pretrained", "pre-train",
                     "pretrain", "pre-trains", "pretrains"]:
        assert expected in forms
    assert forms[0] == "pre-training"
    assert variants("pretraining") == variants("pre-training")


def test_variants_generalise_to_other_compounds_and_words():
    fine = variants("fine-tuning")
    for expected in ["fine-tuning", "finetuning", "fine tuning", "fine-tuned", "finetuned", "fine-tune", "finetune"]:
        assert expected in fine
    assert variants("transformer") == ["transformer", "transformers"]
    assert "pre-training" in variants("pre-train") and "pre-trained" in variants("pre-train")


def test_every_variant_matches_its_own_matcher():
    for term in ["pre-training", "fine-tuning", "transformer", "self-supervised", "embedding"]:
        matcher = compile_term(term)
        for form in variants(term):
            assert found(matcher, f"we use {form} here") == [form], (term, form)


def test_spelling_labels():
    assert spelling_labels("pre-training") == {"hyphenated": "pre-training", "closed": "pretraining", "open": "pre training"}
    assert spelling_labels("transformer") == {}
    assert spelling_labels("pre.?train", regex=True) == {}


# --- matching -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ('can be used as a "pretraining" step', ["pretraining"]),  # DEFECTS.md item 11: quotes on the token
    ("Pre-Training of Deep Bidirectional Transformers", ["Pre-Training"]),
    ("PRE TRAINING", ["PRE TRAINING"]),
    ("pre\u2010trained weights", ["pre\u2010trained"]),  # unicode hyphen
    ("(pretrain)", ["pretrain"]),
    ("pre-training-based methods", ["pre-training"]),
    ("pre-\ntrained", ["pre-\ntrained"]),  # hyphenated line break
    ("pretrainingx", []),
    ("unpretrained", []),
    ("pre_training", []),
    ("pre-trainer", []),
    ("İstanbul pre-training", ["pre-training"]),  # lowercasing changes length: falls back to IGNORECASE
])
def test_matching_cases(text, expected):
    assert found(PRE, text) == expected


def test_spelling_family_of_each_match():
    spellings = [m.spelling for m in PRE.finditer("Pre-trained; pretraining, pre training and PRETRAINS")]
    assert spellings == ["pre-training", "pretraining", "pre training", "pretraining"]


def test_regex_terms():
    matcher = compile_term(r"pre-?train\w*", regex=True)
    assert found(matcher, "Pretrained and pre-training") == ["Pretrained", "pre-training"]
    assert matcher.regex and variants("pre-training")


@pytest.mark.parametrize("term, regex", [("", False), ("   ", False), ("--", False), ("", True), ("(", True),
                                         ("[a", True), ("a*", True)])
def test_bad_terms_raise_one_line_term_error(term, regex):
    with pytest.raises(TermError) as info:
        compile_term(term, regex=regex)
    assert "\n" not in str(info.value) and str(info.value)
    assert info.value.exit_code == 12


# --- properties -----------------------------------------------------------------------------

_PUNCT = st.sampled_from(['"', "'", "(", ")", ",", ".", ";", ":", "“", "”", "[", "]", ""])


def _random_case(draw, text):
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(ch.upper() if flip else ch for ch, flip in zip(text, flips))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_variant_with_any_case_and_punctuation_matches(data):
    form = data.draw(st.sampled_from(variants("pre-training")))
    cased = _random_case(data.draw, form)
    before, after = data.draw(_PUNCT), data.draw(_PUNCT)
    text = f"we study {before}{cased}{after} here"
    hits = found(PRE, text)
    assert [h.lower() for h in hits] == [form]


# Letters that cannot continue an inflection (pre-train + "ed" would be another variant).
_GLUE = st.text(alphabet="xqzXQZ0123456789_", min_size=1, max_size=3)


@settings(max_examples=100, deadline=None)
@given(form=st.sampled_from(variants("pre-training")), before=st.text(alphabet=string.ascii_letters + string.digits + "_",
                                                                        min_size=1, max_size=3), after=_GLUE,
       side=st.booleans())
def test_a_variant_glued_to_a_word_is_not_a_match(form, before, after, side):
    """"pretrainingx", "xpretraining", "pre-training2": part of another word, not the term."""
    text = f"x {before}{form} y" if side else f"x {form}{after} y"
    assert found(PRE, text) == []


_TOKEN = st.text(alphabet=string.ascii_letters + string.punctuation + "éü", min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(words=st.lists(_TOKEN, min_size=1, max_size=40), at=st.integers(min_value=0, max_value=40))
def test_abstract_rebuild_round_trips_and_the_term_is_found(words, at):
    words = list(words)
    words.insert(min(at, len(words)), '"pretraining"')
    inverted: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        inverted.setdefault(word, []).append(position)
    rebuilt = rebuild_abstract(inverted)
    assert rebuilt == " ".join(words)
    hits = term_hits("", rebuilt, True, PRE)
    assert hits.use == "abstract" and "pretraining" in hits.forms


# --- per work -------------------------------------------------------------------------------


def test_term_use_categories():
    assert term_hits("BERT: Pre-training of Deep Bidirectional Transformers", "", False, PRE).use == "title"
    assert term_hits("A paper", "We use unsupervised pretraining.", True, PRE).use == "abstract"
    assert term_hits("A paper", "Nothing relevant.", True, PRE).use == "no"
    assert term_hits("A paper", "", False, PRE).use == "unknown"
    assert term_hits("", "", False, PRE).use == "unknown"
    # A citation-line "abstract" is not searched even when it happens to contain the word.
    assert term_hits("", "Pre-training workshop, Proceedings of ACL 2019.", False, PRE).use == "unknown"


def test_hits_report_where_forms_snippet_and_collocations():
    hits = term_hits("Unsupervised Pre-training Helps",
                     "We propose generative pre-training of a language model; pretrained weights help.", True, PRE)
    assert hits.use == "title"
    assert hits.where == ("title", "abstract")
    assert hits.forms == ("pre-training", "pretrained")
    assert hits.spellings == ("pre-training", "pretraining")
    assert "generative pre-training" in hits.snippet  # the abstract's context is preferred
    assert hits.collocations == ("unsupervised", "generative")


@pytest.mark.parametrize("text, expected", [
    ("we apply unsupervised pre-training to it", ["unsupervised"]),
    ("we do language model pre-training at scale", ["language model"]),
    ("the pre-training stage", []),
    ("BERT: Pre-training of deep nets", []),
    ("results. Pre-training helps", []),
    ('a "pretraining" step', []),
    ('generative "pre-training" helps', ["generative"]),
    ("self-pretraining works", ["self"]),
    ("it helps transformer pretraining", ["transformer"]),
])
def test_collocation_is_the_content_word_before(text, expected):
    assert term_hits("", text, True, PRE).collocations == tuple(expected)


# --- the graph ------------------------------------------------------------------------------


def _graph() -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_node("W1", title="Improving Language Understanding by Generative Pre-Training", abstract="", has_abstract=False)
    G.add_node("W2", title="A paper", abstract="We fine-tune a pretrained model.", has_abstract=True)
    G.add_node("W3", title="Other", abstract="No term here.", has_abstract=True)
    G.add_node("W4", title="Untitled", abstract="", has_abstract=False)
    G.add_edge("W1", "W2")
    return G


def test_term_uses_is_a_value_and_leaves_the_graph_alone():
    G = _graph()
    before = {n: dict(a) for n, a in G.nodes(data=True)}
    uses = term_uses(G, compile_terms(("pre-training", "fine-tuning")))
    assert {n: dict(a) for n, a in G.nodes(data=True)} == before and "terms" not in G.graph
    assert {n: uses.get(n).use for n in G} == {"W1": "title", "W2": "abstract", "W3": "no", "W4": "unknown"}
    assert uses.terms == ["pre-training", "fine-tuning"] and uses.primary == "pre-training"
    hit = uses.get("W2")
    assert hit.forms == ("pretrained",) and hit.snippet and hit.collocations == () and hit.adopts
    assert uses.get("W2", "fine-tuning").use == "abstract" and uses.get("W2", "fine-tuning").forms == ("fine-tune",)
    assert uses.adopters() == {"W1", "W2"} and uses.adopters("fine-tuning") == {"W2"}
    assert uses.get("W99") == UNKNOWN_USE  # a work the graph does not hold
    frame = uses.frame("fine-tuning")
    assert frame.index.name == "id" and frame.loc["W2", "use"] == "abstract" and list(frame.loc["W2", "forms"]) == ["fine-tune"]
    with pytest.raises(TermError):
        uses.of("transformer")


def test_compile_terms_checks_every_term_first():
    with pytest.raises(TermError):
        compile_terms(("pre-training", "("), regex=True)
    with pytest.raises(TermError):
        compile_terms(())
    with pytest.raises(TermError, match="twice"):
        compile_terms(("pre-training", "pre-training"))


def test_term_uses_accepts_a_single_string_and_a_regex():
    G = _graph()
    uses = term_uses(G, compile_terms(r"pre-?train\w*", regex=True))
    assert uses.get("W2").use == "abstract" and uses.terms == [r"pre-?train\w*"] and uses.regex


# --- real OpenAlex defect records -------------------------------------------------------------


def test_real_bert_record_is_unknown_not_no(lineage_records):
    """DEFECTS.md items 1-2: BERT's record has no title and a citation line for an abstract."""
    bert = slim_record(lineage_records["W2963341956"])
    assert bert.title == "" and not bert.has_abstract
    hits = term_hits(bert.title, bert.abstract, bert.has_abstract, PRE)
    assert hits.use == "unknown"


def test_quoted_token_in_an_openalex_shaped_record_matches():
    """DEFECTS.md item 11: Dai & Le's abstract token is ``"pretraining"`` with its quotes.

    Their record (W2170973209) is not among the recorded responses, so the defect is rebuilt as
    an OpenAlex-shaped record with the token exactly as DEFECTS.md quotes it."""
    words = 'The second approach uses a sequence autoencoder that can be used as a "pretraining" step'.split()
    inverted: dict[str, list[int]] = {}
    for position, word in enumerate(words):
        inverted.setdefault(word, []).append(position)
    raw = {"id": "https://openalex.org/W2170973209", "display_name": "Semi-supervised Sequence Learning",
           "publication_year": 2015, "abstract_inverted_index": inverted,
           "authorships": [{"author": {"display_name": "Andrew M. Dai"}}]}
    slim = slim_record(raw)
    assert slim.has_abstract
    hits = term_hits(slim.title, slim.abstract, slim.has_abstract, PRE)
    assert hits.use == "abstract" and hits.forms == ("pretraining",)
    assert '"pretraining" step' in hits.snippet


@pytest.mark.parametrize("text, form, spelling", [
    ("pre\u2212training", "pre-training", "pre-training"),        # the minus sign
    ("pre\uff0dtraining", "pre-training", "pre-training"),        # fullwidth hyphen-minus
    ("pre\u200b-training", "pre-training", "pre-training"),       # a zero-width space beside the hyphen
    ("pre\u200btraining", "pretraining", "pretraining"),          # a zero-width space alone joins
    ("pre - training", "pre-training", "pre-training"),
    ("pre--training", "pre-training", "pre-training"),
    ("pre- and post-training", "pre-training", "pre-training"),   # the suspended hyphen
    ("pre-/post-training", "pre-training", "pre-training"),
    ("pre- or post-trained models", "pre-trained", "pre-training"),
    ("pre-, mid- and post-training", "pre-training", "pre-training"),
])
def test_unicode_dashes_spaced_hyphens_and_suspended_hyphens_match(text: str, form: str, spelling: str) -> None:
    """Issue 13: spellings the matcher missed, common in recent LLM abstracts and PDFs."""
    hits = term_hits("", f"We study {text} at scale.", True, PRE)
    assert hits.use == "abstract" and hits.forms == (form,) and hits.spellings == (spelling,)


@pytest.mark.parametrize("text", ["pre- and post-test scores", "pre-, during and after training", "unpretrained"])
def test_suspended_hyphens_of_other_words_do_not_match(text: str) -> None:
    assert term_hits("", text, True, PRE).use == "no"


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\w*)*x", r"(x{1,50})+", r"(?:pre|(?:pre-?)+)+train"])
def test_a_catastrophic_regex_is_refused_before_it_runs(pattern: str) -> None:
    """Issue 14 item 10: ``(a+)+$`` used to run unbounded on a long title."""
    with pytest.raises(TermError, match="exponential time"):
        compile_term(pattern, regex=True)


@pytest.mark.parametrize("pattern", [r"(a|a)+$", r"x(a|a)*y", r"(x|xy|y)*z", r"(a|b|ab)*c", r"(.|a)*b",
                                     r"(a?a)+$", r"(a{1,3})+$", r"(?:pre-?|pre)+training"])
def test_a_repeated_choice_the_next_character_cannot_decide_is_refused(pattern: str) -> None:
    """Issue 14 item 10, the gap left by the nested-repeat check: overlapping alternatives under
    a repeat (``(x|xy|y)*z`` took 54 s on ``xy`` * 26) and optional parts that start like what
    follows them."""
    with pytest.raises(TermError, match="exponential time") as caught:
        compile_term(pattern, regex=True)
    assert "\n" not in str(caught.value) and "make the alternatives start differently" in str(caught.value)


@pytest.mark.parametrize("pattern", [r"pre-?train\w*", r"(pre|post)-?train(ing|ed)?", r"(?:ab)+c", r"\bbert\b",
                                     r"pre-?train(ing|ed)", r"(pre|post)[- ]?training", r"\bself-?supervis\w*",
                                     r"foo(bar)*", r"fine-?tun(e|ed|ing)", r"\b(?:large )?language models?\b",
                                     r"(?:[- ]?(?:pre|post))+training", r"(ab?)+c", r"(pre|pretrain)+ed"])
def test_ordinary_regexes_are_accepted(pattern: str) -> None:
    assert compile_term(pattern, regex=True).regex


@pytest.mark.parametrize("pattern, text", [(r"(a|ab)*c", "ab" * 2000), (r"(ab|a)*c", "a" * 2000),
                                           (r"(\w|\d)+$", "1" * 2000 + "!"), (r"(?:\w|-)+ing$", "a-" * 1000 + "!")])
def test_alternatives_that_only_look_alike_are_accepted_and_run_fast(pattern: str, text: str) -> None:
    """The check reads the pattern as the engine runs it: ``(a|ab)`` is parsed as ``a(?:|b)``
    (the next character decides), ``(\\w|\\d)`` as one character class. These are not
    exponential, so refusing them would only refuse what a user meant."""
    import time

    matcher = compile_term(pattern, regex=True)
    started = time.monotonic()
    matcher.pattern.search(text)
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("term, text", [("pre-studying", "we pre-studied the cohort"), ("copying", "it was copied"),
                                        ("applying", "rules applied twice")])
def test_a_y_stem_term_finds_its_ied_forms(term: str, text: str) -> None:
    """The cheap skip must not skip what the pattern matches: "studied" lacks the stem "study",
    so the needle is the pattern's own literal ("stud")."""
    matcher = compile_term(term)
    assert matcher.pattern.search(text) is not None
    assert [m.text for m in matcher.finditer(text)] and matcher.needle in text.lower()
