"""Fixtures shared by every test: the local OpenAlex stand-in, recorded records, tiny graphs.

All data travels with the project: the demo corpus is the one the package ships
(``citegraph/data/demo``), the real recorded OpenAlex records and responses are the test
fixtures in ``tests/fixtures/openalex`` (their PROVENANCE.md says where each came from). Nothing
is read from outside the clone, so a fresh clone proves as much as CI does.
"""

from __future__ import annotations

import copy
import json
import signal
from pathlib import Path
from typing import Any, Callable, Iterator

import networkx as nx
import pytest

from helpers import build_demo_graph, read_jsonl

REPO = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO / "citegraph" / "data" / "demo"
DEMO_WORKS = DEMO_DIR / "works.jsonl.gz"
DEMO_SEEDS = DEMO_DIR / "seeds.json"
OPENALEX_DIR = REPO / "tests" / "fixtures" / "openalex"


@pytest.fixture(scope="session", autouse=True)
def sigint_reaches_child_processes() -> Iterator[None]:
    """Child processes start with SIGINT's default disposition, as they do from a terminal.

    A test run started as a background job of a non-interactive shell (``cmd &`` in a script,
    ``nohup``, some CI runners) inherits SIGINT *ignored*; exec keeps an ignored signal
    ignored, and Python then installs no KeyboardInterrupt handler, so every ``citegraph`` the
    tests start would finish its crawl through a SIGINT and exit 0. A signal with a handler is
    reset to the default on exec, so giving this process one is enough.
    """
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.fixture(scope="session")
def demo_works_path() -> Path:
    return DEMO_WORKS


@pytest.fixture(scope="session")
def demo_works(demo_works_path: Path) -> list[dict[str, Any]]:
    return read_jsonl(demo_works_path)


@pytest.fixture(scope="session")
def demo_seeds() -> dict[str, Any]:
    return json.loads(DEMO_SEEDS.read_text())


@pytest.fixture(scope="session")
def openalex_dir() -> Path:
    return OPENALEX_DIR


@pytest.fixture(scope="session")
def lineage_records(openalex_dir: Path) -> dict[str, dict[str, Any]]:
    """The real OpenAlex records of the lineage (BERT W2963341956 with its defects, ...)."""
    records = read_jsonl(openalex_dir / "openalex_works_lineage.jsonl.gz")
    return {r["id"].rsplit("/", 1)[-1]: r for r in records}


@pytest.fixture
def standin_factory() -> Iterator[Callable[..., Any]]:
    """Start local OpenAlex stand-in servers on free ports; all are stopped at teardown.

    ``standin_factory(works_or_path=None, **kwargs)``: ``None`` serves the bundled demo
    corpus; keyword arguments go to ``StandinServer``.
    """
    from citegraph.standin import StandinServer

    servers: list[Any] = []

    def start(works_or_path: Any = None, **kwargs: Any) -> Any:
        if works_or_path is None:
            works_or_path = DEMO_WORKS
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


@pytest.fixture(scope="session")
def _demo_graph_once(demo_works: list[dict[str, Any]], demo_seeds: dict[str, Any]) -> nx.DiGraph:
    return build_demo_graph(demo_works, demo_seeds)


@pytest.fixture
def demo_graph(_demo_graph_once: nx.DiGraph) -> nx.DiGraph:
    """A fresh copy (tests annotate it) of the depth-2 demo graph: 1,401 works."""
    return copy.deepcopy(_demo_graph_once)
