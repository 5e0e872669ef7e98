"""Records → graph → files → graph again: every edge known, every attribute kept."""

from __future__ import annotations

import csv
import json
import os
from unittest import mock

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citegraph import bulk
from citegraph import graph as graph_module
from citegraph.bulk import positions
from citegraph.errors import GraphNotFoundError, OutputError
from citegraph.graph import build_graph, load_graph, save_graph
from citegraph.model import Work
from citegraph.records import slim_record


@pytest.fixture
def tiny_graph(tiny_works: list[dict]) -> nx.DiGraph:
    records = {r.id: r for r in map(slim_record, tiny_works)}
    depths = {"W1": 0, "W2": 1, "W3": 1, "W4": 2, "W6": 3}
    return build_graph(records, seeds=["W1"], depths=depths, seed_names={"W1": "tiny"})


def test_edges_point_from_citing_to_cited_and_skip_unknown_works(tiny_graph: nx.DiGraph) -> None:
    assert sorted(tiny_graph.edges()) == [("W1", "W2"), ("W1", "W3"), ("W2", "W4"), ("W3", "W4"), ("W4", "W6")]
    assert "W5" not in tiny_graph  # dangling reference: not a node


def test_node_attributes(tiny_graph: nx.DiGraph) -> None:
    seed = tiny_graph.nodes["W1"]
    assert seed["is_seed"] and seed["seed_name"] == "tiny" and seed["depth"] == 0
    assert seed["first_author"] == "Author 1" and seed["title"] == "Seed paper on pre-training"
    assert seed["abstract"].startswith("We study") and seed["has_abstract"]
    assert "references" not in seed
    assert not tiny_graph.nodes["W4"]["is_seed"] and tiny_graph.nodes["W4"]["depth"] == 2
    assert tiny_graph.graph["seeds"] == ["W1"]


def test_save_and_load_round_trip(tiny_graph: nx.DiGraph, tmp_path) -> None:
    paths = save_graph(tiny_graph, tmp_path / "out")
    assert {p.name for p in paths.values()} == {"graph.json", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv"}
    again = load_graph(tmp_path / "out")
    assert dict(again.nodes(data=True)) == dict(tiny_graph.nodes(data=True))
    assert sorted(again.edges()) == sorted(tiny_graph.edges())
    assert again.graph == tiny_graph.graph
    assert load_graph(paths["json"]).number_of_nodes() == 5


def test_exports_are_readable(tiny_graph: nx.DiGraph, tmp_path) -> None:
    paths = save_graph(tiny_graph, tmp_path)
    graphml = nx.read_graphml(paths["graphml"])
    gexf = nx.read_gexf(paths["gexf"])
    assert graphml.number_of_edges() == gexf.number_of_edges() == 5
    assert graphml.nodes["W1"]["authors"] == "Author 1"
    rows = list(csv.DictReader(paths["nodes"].open()))
    assert [r["id"] for r in rows] == ["W1", "W2", "W3", "W4", "W6"]
    assert rows[0]["is_seed"] == "True" and rows[0]["year"] == "2019"
    edges = list(csv.DictReader(paths["edges"].open()))
    assert {(e["source"], e["target"]) for e in edges} == set(tiny_graph.edges())


def test_same_data_gives_byte_identical_files(tiny_works: list[dict], tmp_path) -> None:
    def write(folder: str) -> dict[str, bytes]:
        records = {r.id: r for r in map(slim_record, reversed(tiny_works))}
        graph = build_graph(records, seeds=["W1"], depths={"W1": 0})
        return {name: path.read_bytes() for name, path in save_graph(graph, tmp_path / folder).items()}

    assert write("a") == write("b")


def test_load_graph_errors(tmp_path) -> None:
    with pytest.raises(GraphNotFoundError, match="no crawled graph"):
        load_graph(tmp_path)
    (tmp_path / "graph.json").write_text("{not json")
    with pytest.raises(GraphNotFoundError, match="not a citegraph graph"):
        load_graph(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_is_an_output_error(tiny_graph: nx.DiGraph, tmp_path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError):
        save_graph(tiny_graph, locked / "out")


def test_output_path_that_is_a_file_is_an_output_error(tiny_graph: nx.DiGraph, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot write"):
        save_graph(tiny_graph, blocker / "out")


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.integers(1, 40), st.lists(st.integers(1, 60), max_size=8), min_size=1, max_size=30))
def test_every_edge_points_at_a_known_node(references: dict[int, list[int]]) -> None:
    records = {
        f"W{n}": slim_record({"id": f"W{n}", "title": f"t{n}", "referenced_works": [f"W{r}" for r in refs]})
        for n, refs in references.items()
    }
    graph = build_graph(records, seeds=[next(iter(records))])
    assert set(graph.nodes) == set(records)
    for u, v in graph.edges():
        assert u in records and v in records and u != v
        assert v in records[u].references
    expected = sum(1 for w, r in records.items() for ref in r.references if ref in records)
    assert graph.number_of_edges() == expected
    json.dumps(nx.node_link_data(graph, edges="edges"))


def _graph_by_add_edge(records: dict[str, Work]) -> nx.DiGraph:
    """The graph networkx's own add_node/add_edge make of ``records`` (what build_graph fills directly)."""
    graph = nx.DiGraph()
    for work in sorted(records):
        graph.add_node(work)
    for work in sorted(records):
        for ref in records[work].references:
            if ref in records and ref != work:
                graph.add_edge(work, ref)
    return graph


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.integers(1, 40), st.lists(st.integers(1, 60), max_size=8), min_size=0, max_size=30),
       st.booleans())
def test_adjacency_is_what_add_edge_makes_in_the_same_order(references: dict[int, list[int]], same_objects: bool) -> None:
    # Work built directly, so references may repeat or name the work itself; ``same_objects``
    # makes them the keys' own strings (found by address), else equal strings made apart.
    keys = {n: f"W{n}" for n in range(1, 61)}
    name = (lambda n: keys[n]) if same_objects else (lambda n: "W" + str(n))
    records = {keys[n]: Work(id=keys[n], references=tuple(name(r) for r in refs)) for n, refs in references.items()}
    expected = _graph_by_add_edge(records)
    with mock.patch.object(graph_module, "ADJACENCY_BLOCK", 3):  # blocks of 3 works, as of 65,536 at scale
        in_blocks = build_graph(records, seeds=[])
    for built in (build_graph(records, seeds=[]), in_blocks):
        assert list(built) == list(expected)
        for mine, theirs in ((built.succ, expected.succ), (built.pred, expected.pred)):
            assert [(node, list(nbrs)) for node, nbrs in mine.items()] == [(node, list(nbrs)) for node, nbrs in theirs.items()]


@pytest.mark.parametrize("chunk", [1, 2, 1 << 20])
def test_positions_by_address_and_by_value(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "POSITIONS_CHUNK", chunk)
    keys = ["W1", "W2", "W3"]
    equal_not_same = "".join(["W", "3"])
    assert equal_not_same is not keys[2]
    items = [keys[1], equal_not_same, "W9", keys[0], keys[1]]
    assert positions(keys, items, len(items)).tolist() == [1, 2, -1, 0, 1]
    assert positions(keys, iter(items), 3).tolist() == [1, 2, -1]
    assert positions([], ["W1"], 1).tolist() == [-1]
    assert positions(keys, [], 0).tolist() == []
    with pytest.raises(ValueError):
        positions(keys, ["W1"], 2)
