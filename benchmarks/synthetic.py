"""Synthetic OpenAlex-shaped works for benchmarks and scale tests: never real records.

Why it exists: the analysis must be measured at sizes no recorded dataset has (10k, 100k, 1M
works), and the crawler must be benchmarked on a graph shaped like real citation data. So this
module makes works that look like OpenAlex ``/works`` results (the demo dataset's fields) and
behave like citation data in the ways that matter for speed and for the analysis:

* **Ids** are ``W8`` followed by 9 digits (``W8000000000 + i``): a range OpenAlex has not
  issued (its ids run W1…–W4… in 2026) and disjoint from the demo's synthetic ``W9…`` ids, so
  a synthetic id can never name a real record. DOIs use Crossref's test prefix ``10.5555``.
* **Years** grow exponentially (``growth`` per year, 1990–2022 by default: ~50x more works in
  the last year than in the first); dates are spread over each year; work ``i`` is never
  published after work ``i + 1``.
* **References** point only to works with an earlier publication date (no dangling ids). Their
  number is lognormal around ``mean_refs`` (100k works ≈ 2M edges at the default 20). Each
  reference is, with probability ``pa_share``, preferential attachment (chosen in proportion to
  citations received + 1, Price's model: power-law in-degree) and otherwise uniform over the
  last ``recent_years`` (citations favour recent work). ``cited_by_count`` is the in-degree.
* **A term diffuses through citations**: the first ``inventor_share`` of the works of
  ``invent_year`` (at least one: "a few inventors") use it first;
  a later work uses it with probability ``background + uptake * s`` (at most ``max_uptake``),
  ``s`` being the share of its references that use it. The spelling shifts over time from the
  hyphenated form (``pre-training``) to the closed one (``pretraining``) around
  ``crossover_year``. About a third of users say it in the title, the rest in the abstract;
  ``no_abstract_share`` of works have no abstract (as publishers withhold them).
* **No accidental twins**: titles and author names come from pools large enough that
  citegraph's preprint/published twin detection (normalised title, year ± 1, first author)
  practically never pairs two synthetic works (about one pair in 10^9).
* **Seeds**: three late (``end_year - 4`` … ``end_year - 1``), well-cited works that use the
  term in their title and cite at least ``mean_refs`` works: :func:`synthetic_seeds`, or the
  ``seeds.json`` :func:`write_works` writes next to the data.

Deterministic for a given ``seed`` and options. Memory-bounded: a first pass keeps only compact
arrays (years, dates, reference indices, in-degrees, term flags: ~10 bytes per edge), then
records are generated and yielded one at a time; 1M works with 20M edges need ~300 MB.
"""

from __future__ import annotations

import gzip
import json
import math
import random
from array import array
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterator

__all__ = [
    "ID_BASE",
    "SyntheticDataset",
    "SyntheticOptions",
    "generate_works",
    "synthetic_seeds",
    "synthetic_id",
    "write_works",
]

#: Synthetic work ``i`` is ``W{ID_BASE + i}``: W8000000000 and up, beyond any real OpenAlex id.
ID_BASE = 8_000_000_000
_OPENALEX = "https://openalex.org/W"
_UPDATED = "2026-01-01T00:00:00"  # fixed, so the same seed gives byte-identical records


@dataclass(frozen=True)
class SyntheticOptions:
    """The knobs of the generator (defaults: a field like machine learning, 1990–2022)."""

    term: str = "pre-training"
    mean_refs: float = 20.0
    start_year: int = 1990
    end_year: int = 2022
    growth: float = 0.12
    pa_share: float = 0.5
    recent_years: int = 5
    max_refs: int = 400
    no_refs_share: float = 0.01
    invent_year: int = 1995
    inventor_share: float = 0.01
    background: float = 0.004
    uptake: float = 1.7
    max_uptake: float = 0.9
    crossover_year: int = 2019
    title_share: float = 0.35
    no_abstract_share: float = 0.1

    def __post_init__(self) -> None:
        if self.end_year < self.start_year:
            raise ValueError("end_year must not be before start_year")
        if not self.start_year <= self.invent_year <= self.end_year:
            raise ValueError("invent_year must lie within start_year..end_year")
        if self.mean_refs <= 0:
            raise ValueError("mean_refs must be positive")
        if not self.term or not self.term.strip():
            raise ValueError("term must not be empty")


def synthetic_id(index: int) -> str:
    """The OpenAlex URL id of synthetic work ``index`` (``https://openalex.org/W8000000042``)."""
    return f"{_OPENALEX}{ID_BASE + index}"


# ---------------------------------------------------------------------------- pass 1: structure


@dataclass
class _Plan:
    """The citation structure, in compact arrays (indices, not ids)."""

    n: int
    years: array
    days: array
    ref_start: array
    refs: array
    cited: array
    adopter: bytearray
    seeds: list[int]

    def references(self, i: int) -> array:
        return self.refs[self.ref_start[i]:self.ref_start[i + 1]]

    @property
    def edges(self) -> int:
        return len(self.refs)


def _works_per_year(n: int, options: SyntheticOptions) -> list[int]:
    """Largest-remainder split of ``n`` works over the years, growing by ``growth`` a year."""
    span = options.end_year - options.start_year + 1
    weights = [math.exp(options.growth * k) for k in range(span)]
    total = sum(weights)
    exact = [n * w / total for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(span), key=lambda k: (-(exact[k] - counts[k]), -k))
    for k in by_remainder[: n - sum(counts)]:
        counts[k] += 1
    return counts


def _plan(n: int, seed: int, options: SyntheticOptions) -> _Plan:
    rng = random.Random(seed)
    rand = rng.random
    counts = _works_per_year(n, options)
    years, days = array("H"), array("H")
    year_first: dict[int, int] = {}
    index = 0
    for offset, count in enumerate(counts):
        year = options.start_year + offset
        year_first[year] = index
        length = 366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365
        years.extend([year] * count)
        days.extend(sorted(rng.randrange(length) for _ in range(count)))
        index += count
    year_first[options.end_year + 1] = n

    sigma = 0.8
    mu = math.log(options.mean_refs) - sigma * sigma / 2
    refs = array("I")
    ref_start = array("q", [0])
    cited = array("I", bytes(4 * n))
    adopter = bytearray(n)
    # One entry per committed work plus one per citation it received: a uniform draw from
    # this list is a draw in proportion to (citations + 1). A work is committed once the next
    # publication date starts, so nobody cites a work of its own day.
    targets = array("I")
    pending: list[int] = []
    group_key = -1
    group_start = 0
    first_inventor = year_first[options.invent_year]
    invent_count = year_first[options.invent_year + 1] - first_inventor
    inventors = range(first_inventor, first_inventor + max(1, math.ceil(options.inventor_share * invent_count)))
    lognormal = rng.lognormvariate
    for i in range(n):
        year = years[i]
        key = (year << 9) | days[i]
        if key != group_key:
            targets.extend(pending)
            pending.clear()
            group_key, group_start = key, i
        available = group_start
        chosen: list[int] = []
        if available:
            k = 0 if rand() < options.no_refs_share else int(lognormal(mu, sigma) + 0.5)
            k = min(k, available, options.max_refs)
            if k == available:
                chosen = list(range(available))
            elif k:
                low = year_first[max(options.start_year, year - options.recent_years)]
                if low >= available:
                    low = 0
                span = available - low
                size = len(targets)
                pa_share = options.pa_share if size else 0.0
                picked: set[int] = set()
                tries = 0
                while len(picked) < k and tries < 8 * k:
                    tries += 1
                    if rand() < pa_share:
                        picked.add(targets[int(rand() * size)])
                    else:
                        picked.add(low + int(rand() * span))
                chosen = sorted(picked)
        uses = 0
        for j in chosen:
            cited[j] += 1
            uses += adopter[j]
        refs.extend(chosen)
        targets.extend(chosen)
        ref_start.append(len(refs))
        if i in inventors:
            adopter[i] = 1
        elif year >= options.invent_year:
            p = options.background + (options.uptake * uses / len(chosen) if chosen else 0.0)
            if rand() < min(p, options.max_uptake):
                adopter[i] = 1
        pending.append(i)
    plan = _Plan(n, years, days, ref_start, refs, cited, adopter, [])
    plan.seeds = _pick_seeds(plan, options, year_first)
    return plan


def _pick_seeds(plan: _Plan, options: SyntheticOptions, year_first: dict[int, int]) -> list[int]:
    """Three late, well-cited term users with a full reference list (fallbacks for tiny ``n``)."""
    def ref_count(i: int) -> int:
        return plan.ref_start[i + 1] - plan.ref_start[i]

    late = range(year_first[max(options.start_year, options.end_year - 4)], year_first[options.end_year])
    rules = (
        [i for i in late if plan.adopter[i] and ref_count(i) >= options.mean_refs],
        [i for i in range(plan.n // 2, plan.n) if plan.adopter[i] and ref_count(i)],
        [i for i in range(plan.n) if plan.adopter[i]],
        list(range(plan.n)),
    )
    seeds: list[int] = []
    for candidates in rules:
        ranked = sorted(candidates, key=lambda i: (-plan.cited[i], -ref_count(i), i))
        seeds += [i for i in ranked if i not in seeds][: 3 - len(seeds)]
        if len(seeds) == 3:
            break
    return seeds


# ---------------------------------------------------------------------------- pass 2: text

_FIRST = ("Alice Anna Ben Carlos Chen Daniel Elena Emma Fatima Felix Hana Hiro Ines Ivan Jae Jun Kai Lara "
          "Leo Li Luca Maria Mateo Mei Nadia Noah Omar Priya Rahul Rosa Sara Sofia Tomas Wei Yuki Zoe").split()
_LAST = ("Abe Adams Bauer Chen Costa Dubois Evans Fischer Garcia Gupta Haddad Ito Jensen Kim Kowalski Kumar "
         "Larsen Lee Li Lopez Martin Meyer Moreau Mueller Nakamura Nguyen Novak Okafor Park Patel Petrov Rossi "
         "Santos Schmidt Silva Singh Smith Suzuki Tanaka Taylor Wang Weber Wilson Wu Yamamoto Yang Zhang").split()
_INITIALS = "ABCDEFGHIJKLMNOPRSTVW"
_VENUES = ("NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "COLING", "CVPR", "ICCV", "AAAI", "IJCAI",
           "Journal of Machine Learning Research", "Transactions of the ACL", "Neural Computation",
           "IEEE Transactions on Pattern Analysis and Machine Intelligence", "Pattern Recognition",
           "Machine Learning", "Interspeech", "ICASSP", "Artificial Intelligence")
_ARXIV = "arXiv (Cornell University)"
_FIELDS = (("Computer Science", 0.72, ("Natural Language Processing Techniques", "Topic Modeling",
                                        "Speech Recognition and Synthesis", "Advanced Neural Network Applications",
                                        "Domain Adaptation and Few-Shot Learning")),
           ("Mathematics", 0.1, ("Statistical Methods and Inference", "Optimization Algorithms")),
           ("Engineering", 0.08, ("Signal Processing Methods", "Control Systems")),
           ("Neuroscience", 0.05, ("Neural Dynamics and Brain Function",)),
           ("Arts and Humanities", 0.05, ("Linguistics and Language Studies",)))
_ADJECTIVES = ("efficient robust scalable deep sparse hierarchical Bayesian adaptive multilingual contextual "
               "semi-supervised distributed interpretable fast generalized probabilistic modular compositional "
               "structured incremental lightweight differentiable causal continual federated low-resource "
               "cross-lingual energy-based variational discrete neural").split()
_METHODS = ("neural networks", "recurrent networks", "convolutional networks", "word embeddings",
            "language models", "autoencoders", "transformers", "graph neural networks", "kernel machines",
            "decision forests", "Boltzmann machines", "sequence models", "attention models", "topic models",
            "belief networks", "encoder-decoder models", "mixture models", "memory networks", "capsule networks",
            "diffusion models", "state-space models", "hypernetworks", "spiking networks", "retrieval models",
            "vision transformers")
_TASKS = ("text classification", "machine translation", "speech recognition", "image recognition",
          "question answering", "sentiment analysis", "named entity recognition", "object detection",
          "dependency parsing", "summarization", "information retrieval", "protein structure prediction",
          "anomaly detection", "dialogue systems", "reading comprehension", "relation extraction",
          "semantic segmentation", "code generation", "entity linking", "image captioning", "coreference resolution",
          "time-series forecasting", "recommendation", "visual question answering", "morphological analysis")
_NOUNS = ("regularization", "optimization", "generalization", "representation learning", "data augmentation",
          "feature extraction", "model capacity", "transfer", "sample efficiency", "initialization",
          "curriculum learning", "ensembling", "label noise", "domain shift", "calibration", "robustness",
          "compression", "distillation", "tokenization", "sparsity")
_DOMAINS = ("biomedical text", "legal documents", "social media", "low-resource languages", "scientific articles",
            "clinical notes", "speech corpora", "news", "source code", "satellite images", "e-commerce",
            "historical archives", "chemistry", "finance", "education")
_COLLOCATIONS = ((2010, ("unsupervised", "greedy layer-wise", "generative")),
                 (2018, ("unsupervised", "generative", "supervised", "discriminative", "multi-task")),
                 (10_000, ("language model", "self-supervised", "contrastive", "large-scale", "multilingual",
                           "masked language model")))
_TITLES = ("{Adj} {method} for {task} in {domain}", "Learning {method} with {noun} for {task}",
           "On the {noun} of {adj} {method} for {domain}", "{Adj} {task} using {method}",
           "Towards {adj} {task} in {domain}", "{Noun} in {method}: a study of {task}")
_TERM_TITLES = ("{Coll} {form} of {method} for {task}", "{Form} {method} for {adj} {task}",
                "{Adj} {task} in {domain} with {ed} {method}", "What does {form} teach {method} about {task}?")
_SENTENCES = ("We study {task} with {method}.", "Existing approaches to {task} rely on {noun} and scale poorly.",
              "We propose a {adj} approach based on {method} and {noun}.",
              "Experiments on {count} benchmark datasets show consistent improvements over strong baselines.",
              "Our analysis suggests that {noun} matters more than model size.",
              "We release code and models to support further work on {task}.",
              "The method is {adj} and easy to combine with {noun}.")
_TERM_SENTENCES = ("We show that {coll} {form} of {method} on unlabeled data improves {task}.",
                   "{Coll} {form} gives {method} a better starting point than random {noun2}.",
                   "The {ed} {method} are then fine-tuned on {task}.",
                   "Unlike previous work, we study {form} as a form of {noun}.")


def _spellings(term: str) -> tuple[str, str, str, str]:
    """(hyphenated noun, closed noun, hyphenated -ed form, closed -ed form) of the term."""
    hyphenated = term.strip().lower()
    ed = hyphenated[:-3] + "ed" if hyphenated.endswith("ing") and len(hyphenated) > 5 else hyphenated
    return hyphenated, hyphenated.replace("-", ""), ed, ed.replace("-", "")


def _inverted(text: str) -> dict[str, list[int]]:
    inverted: dict[str, list[int]] = {}
    for position, word in enumerate(text.split()):
        inverted.setdefault(word, []).append(position)
    return inverted


class _Writer:
    """Pass 2: one record at a time, from the plan and a text generator of its own."""

    def __init__(self, plan: _Plan, seed: int, options: SyntheticOptions) -> None:
        self.plan = plan
        self.options = options
        self.rng = random.Random(seed * 7919 + 104729)
        self.spellings = _spellings(options.term)
        self.seeds = set(plan.seeds)
        self.ordinal = {y: date(y, 1, 1).toordinal() for y in range(options.start_year, options.end_year + 1)}
        cumulative, total = [], 0.0
        for name, weight, topics in _FIELDS:
            total += weight
            cumulative.append((total, name, topics))
        self.fields = cumulative

    def _closed_share(self, year: int) -> float:
        share = 1.0 / (1.0 + math.exp(-(year - self.options.crossover_year) / 1.5))
        return min(0.95, max(0.03, share))

    def _fill(self, template: str, words: dict[str, str]) -> str:
        return template.format(**words)

    def record(self, i: int) -> dict[str, Any]:
        plan, rng, options = self.plan, self.rng, self.options
        choice, rand = rng.choice, rng.random
        year = plan.years[i]
        published = date.fromordinal(self.ordinal[year] + plan.days[i]).isoformat()
        adopter = bool(plan.adopter[i])
        is_seed = i in self.seeds
        preprint = rand() < 0.2
        draw = rand() * self.fields[-1][0]
        _, field_name, topics = next((item for item in self.fields if draw <= item[0]), self.fields[-1])
        words = {"adj": choice(_ADJECTIVES), "method": choice(_METHODS), "task": choice(_TASKS),
                 "noun": choice(_NOUNS), "noun2": choice(_NOUNS), "domain": choice(_DOMAINS),
                 "count": str(2 + int(rand() * 8))}
        words["Adj"], words["Noun"] = words["adj"].capitalize(), words["noun"].capitalize()
        has_abstract = is_seed or rand() >= options.no_abstract_share
        in_title = False
        sentences = [self._fill(choice(_SENTENCES), words) for _ in range(3 + int(rand() * 3))]
        if adopter:
            hyphen, closed, hyphen_ed, closed_ed = self.spellings
            use_closed = rand() < self._closed_share(year)
            words["form"], words["ed"] = (closed, closed_ed) if use_closed else (hyphen, hyphen_ed)
            words["Form"] = words["form"].capitalize()
            collocations = next(pool for until, pool in _COLLOCATIONS if year < until)
            words["coll"] = choice(collocations)
            words["Coll"] = words["coll"][0].upper() + words["coll"][1:]
            in_title = is_seed or rand() < options.title_share
            sentences.insert(1 + int(rand() * (len(sentences) - 1)), self._fill(choice(_TERM_SENTENCES), words))
        title = self._fill(choice(_TERM_TITLES if in_title else _TITLES), words)
        abstract = " ".join(sentences) if has_abstract else ""
        authors = [f"{choice(_FIRST)} {choice(_INITIALS)}. {choice(_LAST)}" for _ in range(1 + int(rand() * 5))]
        references = [f"{_OPENALEX}{ID_BASE + j}" for j in plan.references(i)]
        work_id = f"{_OPENALEX}{ID_BASE + i}"
        doi = None if rand() < 0.15 else f"https://doi.org/10.5555/synthetic.{ID_BASE + i}"
        topic = choice(topics)
        primary_topic = {"display_name": topic, "field": {"display_name": field_name}}
        return {
            "id": work_id,
            "doi": doi,
            "title": title,
            "display_name": title,
            "publication_year": year,
            "publication_date": published,
            "type": "preprint" if preprint else "article",
            "ids": {"openalex": work_id, **({"doi": doi} if doi else {})},
            "authorships": [
                {"author_position": "first" if k == 0 else "last" if k == len(authors) - 1 else "middle",
                 "author": {"display_name": name}}
                for k, name in enumerate(authors)
            ],
            "primary_location": {"source": {"display_name": _ARXIV if preprint else choice(_VENUES)}},
            "primary_topic": primary_topic,
            "topics": [primary_topic],
            "cited_by_count": plan.cited[i],
            "referenced_works": references,
            "referenced_works_count": len(references),
            "abstract_inverted_index": _inverted(abstract) if abstract else None,
            "updated_date": _UPDATED,
            "_synthetic": True,
        }


# ---------------------------------------------------------------------------- public API


def _options(options: SyntheticOptions | None, overrides: dict[str, Any]) -> SyntheticOptions:
    base = options or SyntheticOptions()
    return SyntheticOptions(**{**asdict(base), **overrides}) if overrides else base


class SyntheticDataset:
    """A planned synthetic dataset: its seeds and edge count are known before any record is made.

    ``works()`` yields the records (a fresh, identical stream each call). The plan holds only
    compact arrays (~10 bytes per edge); records are generated one at a time.
    """

    def __init__(self, n: int, *, seed: int = 0, options: SyntheticOptions | None = None,
                 **overrides: Any) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        self.n = n
        self.seed = seed
        self.options = _options(options, overrides)
        self._plan = _plan(n, seed, self.options)

    @property
    def seeds(self) -> list[str]:
        """The three designated seed ids (URL form): late, well-cited works using the term."""
        return [synthetic_id(i) for i in self._plan.seeds]

    @property
    def edges(self) -> int:
        """Citation edges (``referenced_works`` entries) over all works."""
        return self._plan.edges

    def works(self) -> Iterator[dict[str, Any]]:
        """The ``n`` records, oldest first."""
        writer = _Writer(self._plan, self.seed, self.options)
        for i in range(self.n):
            yield writer.record(i)


def generate_works(n: int, *, seed: int = 0, options: SyntheticOptions | None = None,
                   **overrides: Any) -> Iterator[dict[str, Any]]:
    """``n`` OpenAlex-shaped synthetic work records, oldest first (see the module docstring).

    Keyword overrides set :class:`SyntheticOptions` fields (``term="fine-tuning"``,
    ``mean_refs=10``...). The citation structure is planned when iteration starts (about 15 s
    per million works), then records are yielded one at a time.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    yield from SyntheticDataset(n, seed=seed, options=options, **overrides).works()


def synthetic_seeds(n: int, *, seed: int = 0, options: SyntheticOptions | None = None,
                    **overrides: Any) -> list[str]:
    """The three designated seed ids (URL form) of ``generate_works(n, seed=seed, ...)``."""
    return SyntheticDataset(n, seed=seed, options=options, **overrides).seeds


def write_works(path: str | Path, n: int, *, seed: int = 0, options: SyntheticOptions | None = None,
                seeds_path: str | Path | None = None, **overrides: Any) -> dict[str, Any]:
    """Stream ``n`` synthetic works to ``path`` (JSON lines; gzip when it ends in ``.gz``) and
    the seeds to ``seeds_path`` (default: ``seeds.json`` next to it, shaped like the demo's).

    Returns ``{"path", "seeds_path", "works", "edges", "seeds", "options"}``.
    """
    dataset = SyntheticDataset(n, seed=seed, options=options, **overrides)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wanted = set(dataset.seeds)
    seed_records: dict[str, dict[str, Any]] = {}
    partial = target.with_name(target.name + ".part")
    if target.suffix == ".gz":
        handle = gzip.open(partial, "wt", encoding="utf-8", compresslevel=1)
    else:
        handle = open(partial, "w", encoding="utf-8")
    with handle:
        for record in dataset.works():
            if record["id"] in wanted:
                seed_records[record["id"]] = record
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")
    partial.replace(target)
    names = {f"seed{k}": work for k, work in enumerate(dataset.seeds, start=1)}
    details = {
        name: {"id": work, "title": seed_records[work]["title"],
               "publication_year": seed_records[work]["publication_year"],
               "cited_by_count": seed_records[work]["cited_by_count"],
               "referenced_works_count": seed_records[work]["referenced_works_count"], "id_source": "synthetic"}
        for name, work in names.items()
    }
    generator = {"n": n, "seed": seed, **asdict(dataset.options)}
    seeds_file = Path(seeds_path) if seeds_path else target.with_name("seeds.json")
    seeds_file.write_text(json.dumps({**names, "details": details, "generator": generator}, indent=2) + "\n",
                          encoding="utf-8")
    return {"path": target, "seeds_path": seeds_file, "works": n, "edges": dataset.edges,
            "seeds": dataset.seeds, "options": generator}
