"""Fixtures shared by every test: the local OpenAlex stand-in, recorded records, tiny graphs.

Data from ``../shared/data`` is read in place; tests that need it skip cleanly when it is
absent, so a fresh clone without ``shared/`` still passes.
"""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
DEMO_WORKS = SHARED / "demo" / "works.jsonl"
DEMO_SEEDS = SHARED / "demo" / "seeds.json"
OPENALEX_DIR = SHARED / "openalex"


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is absent (../shared/data not laid out here)")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def demo_works_path() -> Path:
    return _need(DEMO_WORKS)


@pytest.fixture(scope="session")
def demo_works(demo_works_path: Path) -> list[dict[str, Any]]:
    return read_jsonl(demo_works_path)


@pytest.fixture(scope="session")
def demo_seeds() -> dict[str, Any]:
    return json.loads(_need(DEMO_SEEDS).read_text())


@pytest.fixture(scope="session")
def openalex_dir() -> Path:
    return _need(OPENALEX_DIR)


@pytest.fixture(scope="session")
def lineage_records(openalex_dir: Path) -> dict[str, dict[str, Any]]:
    """The real OpenAlex records of the lineage (BERT W2963341956 with its defects, ...)."""
    records = read_jsonl(openalex_dir / "openalex_works_lineage.jsonl")
    return {r["id"].rsplit("/", 1)[-1]: r for r in records}


@pytest.fixture
def standin_factory() -> Iterator[Callable[..., Any]]:
    """Start local OpenAlex stand-in servers on free ports; all are stopped at teardown.

    ``standin_factory(works_or_path=None, **kwargs)``: ``None`` serves the demo dataset
    (the test skips when it is absent); keyword arguments go to ``StandinServer``.
    """
    from citegraph.standin import StandinServer

    servers: list[Any] = []

    def start(works_or_path: Any = None, **kwargs: Any) -> Any:
        if works_or_path is None:
            works_or_path = _need(DEMO_WORKS)
        server = StandinServer(works_or_path, **kwargs)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def tiny_works() -> list[dict[str, Any]]:
    """A hand-built OpenAlex-shaped dataset with known answers (always available).

    W1 (seed, 2019) cites W2, W3; W2 cites W4, W5 (W5 dangling: not in the data);
    W3 cites W4; W4 cites W6; W6 cites nothing.
    """

    def work(num: int, year: int, refs: list[int], title: str, abstract: str = "") -> dict[str, Any]:
        words = abstract.split()
        inverted: dict[str, list[int]] = {}
        for pos, word in enumerate(words):
            inverted.setdefault(word, []).append(pos)
        return {
            "id": f"https://openalex.org/W{num}",
            "doi": f"https://doi.org/10.1234/w{num}",
            "title": title,
            "display_name": title,
            "publication_year": year,
            "publication_date": f"{year}-06-01",
            "type": "article",
            "authorships": [{"author": {"display_name": f"Author {num}"}}],
            "primary_location": {"source": {"display_name": f"Venue {num % 3}"}},
            "cited_by_count": 10 * num,
            "referenced_works": [f"https://openalex.org/W{r}" for r in refs],
            "referenced_works_count": len(refs),
            "abstract_inverted_index": inverted or None,
        }

    return [
        work(1, 2019, [2, 3], "Seed paper on pre-training", "We study language model pre-training at scale."),
        work(2, 2016, [4, 5], "A middle paper", "Unsupervised pretraining helps."),
        work(3, 2015, [4], "Another middle paper", "Nothing about it here."),
        work(4, 2010, [6], "Early deep nets", "Greedy layer-wise pre-trained networks."),
        work(6, 2006, [], "A fast learning algorithm", ""),
    ]


def build_demo_graph(works: list[dict[str, Any]], seeds: dict[str, Any], depth: int = 2) -> nx.DiGraph:
    """The reference neighbourhood of the three demo seeds, as ``crawl --depth N`` collects it."""
    from citegraph.graph import build_graph
    from citegraph.records import slim_record, work_id

    records = {r["id"]: r for r in map(slim_record, works)}
    names = {work_id(seeds[name]): name for name in ("bert", "gpt1", "ulmfit")}
    depths = dict.fromkeys(names, 0)
    level = list(names)
    for d in range(1, depth + 1):
        level = [ref for work in level for ref in records[work]["references"]
                 if ref in records and ref not in depths and depths.setdefault(ref, d) == d]
    return build_graph({w: records[w] for w in depths}, seeds=list(names), depths=depths, seed_names=names,
                       crawl_info={"direction": "refs", "depth": depth})


@pytest.fixture(scope="session")
def _demo_graph_once(demo_works: list[dict[str, Any]], demo_seeds: dict[str, Any]) -> nx.DiGraph:
    return build_demo_graph(demo_works, demo_seeds)


@pytest.fixture
def demo_graph(_demo_graph_once: nx.DiGraph) -> nx.DiGraph:
    """A fresh copy (tests annotate it) of the depth-2 demo graph: 1,401 works."""
    return copy.deepcopy(_demo_graph_once)
