"""A test corpus with a known answer for the corpus view: the demo works plus a few test records.

Added to the demo data (all ids W555…, which the demo does not use; all titles say "test record"):

* a psychology cluster, 1952-1966, that says "pretraining" / "pre-training" decades before deep
  learning did: field Psychology, authors at universities (``education``), cited by nobody outside
  the cluster, so no crawl from the seeds can reach it. The corpus view must find its 1952 work
  (:data:`FIRST_USE`) as the first verified use;
* company-affiliated works from 2019-2023 that use the term and cite BERT (W2963341956);
* xpac works (``is_xpac: true``) among BERT's references, one from 1948 using the term: list calls
  leave xpac works out, so the view of the core corpus must never report it;
* a stemming false positive from 1950 (:data:`FALSE_POSITIVE`): "pre-exposure ... discrimination
  training" matches the search ``pre training`` (all words, anywhere), not citegraph's matcher. It is
  the earliest hit OpenAlex returns and must be listed unverified, never as the first use.

The demo works are not modified in place: BERT's record is copied before references are added.
"""

from __future__ import annotations

import copy
from typing import Any

BERT = "W2963341956"
PSYCHOLOGY = {"id": "https://openalex.org/fields/32", "display_name": "Psychology"}
COMPUTER_SCIENCE = {"id": "https://openalex.org/fields/17", "display_name": "Computer Science"}

FIRST_USE = "W5550000001"
FALSE_POSITIVE = "W5550000900"
XPAC_EARLY = "W5550000801"

_PSYCH = [  # (id, date, title, abstract)
    (FIRST_USE, "1952-03-01", "Verbal pretraining and transfer in discrimination learning (test record)",
     "Children given verbal pretraining on the names of the stimuli learned the discrimination faster."),
    ("W5550000002", "1955-09-01", "Stimulus pre-training and the acquired distinctiveness of cues (test record)",
     "Pre-training with distinctive labels improved later discrimination in adults."),
    ("W5550000003", "1958-05-01", "Effects of pretraining on paired-associate learning (test record)",
     "Pretraining on the response terms reduced errors in paired-associate lists."),
    ("W5550000004", "1961-01-15", "Perceptual pre-training in the rat (test record)",
     "Rats pre-trained on the shapes learned a later discrimination faster than naive rats."),
    ("W5550000005", "1963-11-01", "Pretraining, mediation and transfer (test record)",
     "A review of pretraining studies in verbal learning."),
    ("W5550000006", "1966-06-01", "Discrimination pre-training in children (test record)",
     "Pre-training on relevant dimensions aided transfer in kindergarten children."),
]
_COMPANY = [  # (id, year, title)
    ("W5550000101", 2019, "Domain-adaptive pre-training for search ranking (test record)"),
    ("W5550000102", 2020, "Efficient pre-training of language models on commodity clusters (test record)"),
    ("W5550000103", 2020, "Pretraining encoders for product question answering (test record)"),
    ("W5550000104", 2021, "Continual pre-training of a production language model (test record)"),
    ("W5550000105", 2022, "Multilingual pretraining at scale (test record)"),
    ("W5550000106", 2023, "Pre-training data filtering for large language models (test record)"),
]
_XPAC = [  # (id, year, title): datasets and repository records, as xpac holds
    (XPAC_EARLY, 1948, "Pre-training scores of army recruits, tabulated (test record, dataset)"),
    ("W5550000802", 2017, "A text corpus for pretraining, version 2 (test record, dataset)"),
]

PSYCH_IDS = [wid for wid, *_ in _PSYCH]
COMPANY_IDS = [wid for wid, *_ in _COMPANY]
XPAC_IDS = [wid for wid, *_ in _XPAC]
TEST_IDS = [*PSYCH_IDS, *COMPANY_IDS, *XPAC_IDS, FALSE_POSITIVE]


def _inverted(text: str) -> dict[str, list[int]]:
    index: dict[str, list[int]] = {}
    for pos, word in enumerate(text.split()):
        index.setdefault(word, []).append(pos)
    return index


def _work(wid: str, date: str, title: str, abstract: str, *, field: dict[str, str], kinds: list[str],
          refs: list[str] = (), **extra: Any) -> dict[str, Any]:
    return {
        "id": f"https://openalex.org/{wid}", "doi": None, "title": title, "display_name": title,
        "publication_year": int(date[:4]), "publication_date": date, "type": "article",
        "authorships": [{"author": {"display_name": f"Test Author {wid[-3:]}-{n}"},
                         "institutions": [{"id": f"https://openalex.org/I{wid[1:]}{n}", "type": kind}]}
                        for n, kind in enumerate(kinds)],
        "primary_location": {"source": {"display_name": "Test Journal"}},
        "cited_by_count": 0, "referenced_works": [f"https://openalex.org/{r}" for r in refs],
        "referenced_works_count": len(refs), "abstract_inverted_index": _inverted(abstract) if abstract else None,
        "primary_topic": {"field": field}, **extra,
    }


def added_records() -> list[dict[str, Any]]:
    """The added records alone (a cluster citing only itself, company works citing BERT, xpac, a false hit)."""
    records = []
    for number, (wid, date, title, abstract) in enumerate(_PSYCH):
        records.append(_work(wid, date, title, abstract, field=PSYCHOLOGY, kinds=["education"],
                             refs=PSYCH_IDS[:number]))
    for wid, year, title in _COMPANY:
        kinds = ["company", "education"] if year % 2 else ["company"]
        records.append(_work(wid, f"{year}-04-01", title, f"We study {title.split(' (')[0].lower()}.",
                             field=COMPUTER_SCIENCE, kinds=kinds, refs=[BERT]))
    for wid, year, title in _XPAC:
        records.append(_work(wid, f"{year}-01-01", title, "", field=PSYCHOLOGY, kinds=["education"], is_xpac=True))
    records.append(_work(FALSE_POSITIVE, "1950-02-01",
                         "Pre-exposure to the stimuli and later discrimination training in the rat (test record)",
                         "Rats given pre-exposure to the shapes were slower in discrimination training.",
                         field=PSYCHOLOGY, kinds=["education"]))
    return records


def build_corpus(demo_works: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The demo works (BERT now also citing the xpac works) followed by :func:`added_records`."""
    works = []
    for work in demo_works:
        if work["id"].endswith("/" + BERT):
            work = copy.deepcopy(work)
            work["referenced_works"] = [*work["referenced_works"], *(f"https://openalex.org/{x}" for x in XPAC_IDS)]
            work["referenced_works_count"] = len(work["referenced_works"])
        works.append(work)
    return [*works, *added_records()]
