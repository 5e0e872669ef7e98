"""Records → graph → files → graph again: every edge known, every attribute kept."""

from __future__ import annotations

import csv
import json
import os
import pickle
from unittest import mock

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citegraph import bulk
from citegraph import graph as graph_module
from citegraph.bulk import positions
from citegraph.errors import GraphNotFoundError, OutputError
from citegraph.analysis import main_path_table
from citegraph.graph import CitationGraph, Citations, build_graph, load_graph, save_graph
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


def _edges_of(citations: Citations) -> list[tuple[str, str]]:
    names, ptr = citations.names, citations.ptr
    return [(names[i], names[k]) for i in range(len(names)) for k in citations.cited[ptr[i]:ptr[i + 1]].tolist()]


def test_a_built_graph_keeps_its_citations_until_networkx_changes_it(tiny_works: list[dict]) -> None:
    records = {r.id: r for r in map(slim_record, tiny_works)}
    graph = build_graph(records, seeds=["W1"])
    kept = graph.citations()
    assert isinstance(graph, CitationGraph) and kept is not None
    assert kept.names == list(graph) and _edges_of(kept) == list(graph.edges())
    with pytest.raises(ValueError):  # shared with every analysis: read only
        kept.cited[0] = 0
    assert _edges_of(pickle.loads(pickle.dumps(graph)).citations()) == list(graph.edges())
    assert graph.copy().citations() is None  # a copy is made by add_edges_from ...
    assert graph.subgraph(["W1", "W2"]).citations() is None  # ... and a view is a new instance
    assert graph.reverse(copy=False).citations() is None
    first = next(iter(graph.edges()))
    changes = [lambda g: g.add_edge("W1", "W9"), lambda g: g.add_edges_from([("W2", "W1")]), lambda g: g.remove_edge(*first),
               lambda g: g.remove_edges_from([first]), lambda g: g.add_node("W99"), lambda g: g.add_nodes_from(["W99"]),
               lambda g: g.remove_node("W2"), lambda g: g.remove_nodes_from(["W2"]), lambda g: g.clear_edges(),
               lambda g: g.clear(), lambda g: g.update(edges=[("W3", "W1")]), lambda g: g.add_weighted_edges_from([("W3", "W1", 1)])]
    for change in changes:
        changed = build_graph(records, seeds=["W1"])
        change(changed)
        assert changed.citations() is None


def test_repeated_references_leave_no_citation_arrays() -> None:
    records = {"W1": Work(id="W1", references=("W2", "W2")), "W2": Work(id="W2")}
    graph = build_graph(records, seeds=[])
    assert list(graph.edges()) == [("W1", "W2")] and graph.citations() is None


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.integers(1, 25), st.lists(st.integers(1, 30), max_size=6, unique=True), min_size=1, max_size=25))
def test_the_main_path_is_the_same_from_the_kept_citations(references: dict[int, list[int]]) -> None:
    records = {f"W{n}": Work(id=f"W{n}", year=2000 + n % 7, references=tuple(f"W{r}" for r in refs if r != n))
               for n, refs in references.items()}
    graph = build_graph(records, seeds=[])
    assert graph.citations() is not None
    assert main_path_table(graph).equals(main_path_table(graph.copy()))
