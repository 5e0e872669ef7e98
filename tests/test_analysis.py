"""Origin, main path, RPYS and spread analyses on tiny hand-built graphs with known answers,
and end to end on the demo dataset (citegraph.analysis)."""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

import networkx as nx
import pytest
from helpers import build_demo_graph
from hypothesis import given, settings
from hypothesis import strategies as st

from citegraph.analysis import (
    adoption_by_field,
    adoption_by_venue,
    adoption_by_year,
    adoption_chains,
    analyze,
    burst_intervals,
    burst_years,
    citation_mediation,
    collocations,
    earliest_adopters,
    highlights,
    key_route_main_path,
    main_path,
    main_path_table,
    rpys,
    rpys_peaks,
    spc_weights,
    spelling_by_year,
    spelling_crossover,
    term_coverage,
)
from citegraph.graph import build_graph
from citegraph.records import slim_record
from citegraph.terms import compile_terms, term_uses


def add_work(G: nx.DiGraph, node: str, year: int | None = None, *, title: str = "", abstract: str = "",
             has_abstract: bool | None = None, date: str | None = None, warnings: tuple[str, ...] = (),
             **extra: Any) -> None:
    """A node with the graph attributes of notes/SCHEMA.md that the analysis reads."""
    G.add_node(node, title=title, year=year, date=date, abstract=abstract,
               has_abstract=bool(abstract) if has_abstract is None else has_abstract, warnings=list(warnings),
               first_author=extra.pop("first_author", f"Author {node}"), venue=extra.pop("venue", None),
               field=extra.pop("field", None), is_seed=extra.pop("is_seed", False),
               seed_name=extra.pop("seed_name", None), depth=extra.pop("depth", None), **extra)


USES = "We use pre-training here."


def uses_of(G: nx.DiGraph, terms: Any = ("pre-training",), regex: bool = False) -> Any:
    return term_uses(G, compile_terms(terms, regex=regex))
NONE = "Nothing to see here."


# --- search path count ----------------------------------------------------------------------


def spc_example() -> nx.DiGraph:
    """Citing → cited. Uncited: G, H; citing nothing: A, B.

    Paths from the uncited works down to each work (up): G 1, H 1, E 2, F 1, C 3, D 2, A 3, B 5.
    Paths from each work down to A or B (down): A 1, B 1, C 2, D 1, E 3, F 2, G 3, H 5.
    Total paths: down[G] + down[H] = 8 = up[A] + up[B]. SPC(u → v) = up[u] · down[v].
    """
    return nx.DiGraph([("G", "E"), ("H", "E"), ("H", "F"), ("E", "C"), ("E", "D"), ("F", "C"),
                       ("C", "A"), ("C", "B"), ("D", "B")])


def test_spc_hand_computed_example():
    weights = spc_weights(spc_example())
    assert weights == {
        ("G", "E"): 3, ("H", "E"): 3, ("H", "F"): 2, ("E", "C"): 4, ("E", "D"): 2, ("F", "C"): 2,
        ("C", "A"): 3, ("C", "B"): 3, ("D", "B"): 2,
    }
    shares = spc_weights(spc_example(), normalized=True)
    assert shares[("E", "C")] == pytest.approx(4 / 8)


def test_main_paths_follow_the_largest_spc():
    G = spc_example()
    best = {("G", "E", "C", "A"), ("G", "E", "C", "B"), ("H", "E", "C", "A"), ("H", "E", "C", "B")}
    assert tuple(main_path(G)) in best  # SPC sum 10; the H-F-C path sums to 7
    assert tuple(main_path(G, method="local")) in best
    routes = key_route_main_path(G, k=1)
    assert len(routes) == 1 and tuple(routes[0]) in best
    table = main_path_table(G, k=3)
    glob = table[table["kind"] == "global"]
    assert list(glob["spc"]) == [3, 4, 3] and list(glob["step"]) == [1, 2, 3]
    assert set(table["kind"]) == {"global", "key_route"}
    with pytest.raises(ValueError):
        main_path(G, method="sideways")


def _all_paths(G: nx.DiGraph) -> list[list[str]]:
    starts = [n for n in G if G.in_degree(n) == 0 and G.out_degree(n) > 0]
    ends = [n for n in G if G.out_degree(n) == 0]
    return [p for s in starts for e in ends for p in nx.all_simple_paths(G, s, e)]


@st.composite
def small_dags(draw):
    n = draw(st.integers(min_value=2, max_value=8))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs), unique=True))
    return nx.DiGraph([(f"n{i}", f"n{j}") for i, j in chosen])


@settings(max_examples=60, deadline=None)
@given(G=small_dags())
def test_spc_counts_source_to_sink_paths_and_main_path_is_optimal(G):
    paths = _all_paths(G)
    through = {edge: 0 for edge in G.edges()}
    for path in paths:
        for edge in itertools.pairwise(path):
            through[edge] += 1
    weights = spc_weights(G)
    assert weights == through
    for node in G:  # Kirchhoff: what flows in flows out
        if G.in_degree(node) and G.out_degree(node):
            assert sum(weights[(p, node)] for p in G.predecessors(node)) == sum(weights[(node, s)] for s in G.successors(node))
    best = max(sum(weights[e] for e in itertools.pairwise(p)) for p in paths)
    found = main_path(G)
    assert sum(weights[e] for e in itertools.pairwise(found)) == best


def test_cycles_are_condensed_without_crashing():
    G = nx.DiGraph([("new", "a"), ("a", "b"), ("b", "c"), ("c", "a"), ("c", "old"), ("new", "old")])
    weights = spc_weights(G)
    assert weights[("a", "b")] == weights[("b", "c")] == weights[("c", "a")] == 0
    assert weights[("new", "a")] == 1 and weights[("c", "old")] == 1 and weights[("new", "old")] == 1
    path = main_path(G)
    assert path[0] == "new" and path[-1] == "old"
    assert all(G.has_edge(u, v) for u, v in itertools.pairwise(path))
    table = main_path_table(G)
    assert table["in_cycle"].any() and set(table["citing"]) >= {"new"}
    assert main_path(nx.DiGraph()) == [] and main_path_table(nx.DiGraph()).empty


@st.composite
def small_digraphs(draw):
    """Any small citation graph: cycles, self-citations and parallel paths allowed."""
    n = draw(st.integers(min_value=2, max_value=8))
    pairs = [(i, j) for i in range(n) for j in range(n)]
    chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3 * n, unique=True))
    return nx.DiGraph([(f"n{i}", f"n{j}") for i, j in chosen])


@settings(max_examples=60, deadline=None)
@given(G=small_digraphs())
def test_cycles_condense_to_the_path_counts_of_the_condensation(G):
    C = nx.condensation(G)
    comp = C.graph["mapping"]
    through = {edge: 0 for edge in C.edges()}
    paths = _all_paths(C)
    for path in paths:
        for edge in itertools.pairwise(path):
            through[edge] += 1
    weights = spc_weights(G)
    assert weights == {(u, v): through[(comp[u], comp[v])] if comp[u] != comp[v] else 0 for u, v in G.edges()}
    found = main_path(G)
    assert all(G.has_edge(u, v) for u, v in itertools.pairwise(found))
    if paths:
        best = max(sum(through[e] for e in itertools.pairwise(p)) for p in paths)
        assert sum(weights[e] for e in itertools.pairwise(found)) == best
        assert C.in_degree(comp[found[0]]) == 0 and C.out_degree(comp[found[-1]]) == 0
    else:
        assert found == []
    local = main_path(G, method="local")
    assert all(G.has_edge(u, v) for u, v in itertools.pairwise(local)) and bool(local) == bool(paths)


def test_works_whose_ids_share_a_hash():
    G = nx.DiGraph([(-1, 0), (-2, 0), (0, 7)])  # hash(-1) == hash(-2) in CPython
    assert spc_weights(G) == {(-1, 0): 1, (-2, 0): 1, (0, 7): 2}
    assert main_path(G) == [-1, 0, 7]


def exact_path_counts(G: nx.DiGraph) -> tuple[dict[tuple[str, str], int], int]:
    """SPC of every citation of a DAG with Python integers (the reference for large counts)."""
    order = list(nx.topological_sort(G))
    up = {n: int(G.in_degree(n) == 0) for n in G}
    for n in order:
        for m in G.successors(n):
            up[m] += up[n]
    down: dict[str, int] = {}
    for n in reversed(order):
        down[n] = sum(down[m] for m in G.successors(n)) if G.out_degree(n) else 1
    total = sum(down[n] for n in G if G.in_degree(n) == 0 and G.out_degree(n))
    return {(u, v): up[u] * down[v] for u, v in G.edges()}, total


def ladder(steps: int) -> nx.DiGraph:
    """w(i) cites w(i-1) and w(i-2): path counts grow like Fibonacci numbers (~1.6^steps)."""
    G = nx.DiGraph([("w0001", "w0000")])
    for i in range(2, steps + 1):
        G.add_edges_from([(f"w{i:04d}", f"w{i - 1:04d}"), (f"w{i:04d}", f"w{i - 2:04d}")])
    return G


@pytest.mark.parametrize("steps", [60, 120, 1600])  # totals ~10^12 (exact), ~10^25 (float), ~10^334 (logs)
def test_large_path_counts_are_floats_with_accurate_shares(steps):
    G = ladder(steps)
    exact, total = exact_path_counts(G)
    weights, shares = spc_weights(G), spc_weights(G, normalized=True)
    if total < 2**53:
        assert weights == exact and all(type(w) is int for w in weights.values())
    for edge, value in exact.items():
        assert shares[edge] == pytest.approx(value / total, rel=1e-9)
        if value < 10**308:
            assert weights[edge] == pytest.approx(value, rel=1e-12 if total < 1e300 else 1e-9)
        else:  # beyond float range an SPC reads inf; its share is still right
            assert weights[edge] == math.inf
    table = main_path_table(G, k=3)
    glob = table[table["kind"] == "global"]
    assert glob["citing"].iloc[0] == f"w{steps:04d}" and glob["cited"].iloc[-1] == "w0000"
    best = max(exact[e] for e in exact)
    assert table["spc_share"].max() == pytest.approx(best / total, abs=1e-6)


def test_ties_do_not_depend_on_the_order_of_references():
    """With float counts (here ~10^25 paths) two works citing the same works must still tie, as
    they did with exact integers: the smaller component wins whatever order the edges came in."""
    G = ladder(120)
    G.add_edges_from([("top", "a1"), ("top", "a2")])
    G.add_edges_from(("a1", w) for w in ("w0119", "w0120", "w0115"))  # summed in this order, a1's
    G.add_edges_from(("a2", w) for w in ("w0115", "w0119", "w0120"))  # count would be 1 ulp below a2's
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from(sorted(G.edges(), reverse=True))
    assert main_path_table(G).equals(main_path_table(H))
    assert main_path(G)[:2] == ["top", "a1"]


def citation_networks_jl_example() -> nx.DiGraph:
    """The 11-work example of CitationNetworks.jl's test suite (jfb-h/CitationNetworks.jl,
    test/runtests.jl), whose arcs run cited → citing (knowledge flow); here they are turned
    round to citing → cited. Its expected SPCs, forward and backward local main paths are the
    independent reference below."""
    flow = [(1, 3), (2, 3), (2, 4), (3, 5), (3, 7), (4, 6), (4, 10), (4, 11), (5, 8), (5, 9), (6, 9), (6, 10)]
    G = nx.DiGraph()
    G.add_nodes_from(str(i) for i in range(1, 12))
    G.add_edges_from((str(citing), str(cited)) for cited, citing in flow)
    return G


def test_local_main_path_is_the_forward_search():
    """``method="local"`` starts at the largest SPC out of a work citing nothing and follows the
    largest SPC towards the newest works: CitationNetworks.jl's lfmp, 2 → 4 → 6 → 9 (or 10)."""
    G = citation_networks_jl_example()
    flow = [(1, 3), (2, 3), (2, 4), (3, 5), (3, 7), (4, 6), (4, 10), (4, 11), (5, 8), (5, 9), (6, 9), (6, 10)]
    spc_true = [3, 3, 4, 4, 2, 2, 1, 1, 2, 2, 1, 1]  # CitationNetworks.jl's, in the order of `flow`
    weights = spc_weights(G)
    assert [weights[(str(b), str(a))] for a, b in flow] == spc_true
    assert main_path(G, method="local") == ["9", "6", "4", "2"]


def test_local_main_paths_keep_ties_as_citation_networks_jl():
    from citegraph.analysis import local_main_paths

    G = citation_networks_jl_example()
    weights = spc_weights(G)
    # forward local (start at the largest SPC out of a work citing nothing, follow the largest
    # SPC towards the newest; ties kept): CitationNetworks.jl's lfmp is 2 → 4 → 6 → {9, 10}
    forward = local_main_paths(G, direction="forward")
    assert forward == [["9", "6", "4", "2"], ["10", "6", "4", "2"]]
    assert [[weights[e] for e in itertools.pairwise(p)] for p in forward] == [[1, 2, 4], [1, 2, 4]]
    assert main_path(G, method="local") == main_path(G, method="forward") == ["9", "6", "4", "2"]
    # backward local (start at the largest SPC into an uncited work, follow the largest SPC back
    # in time): its lbmp is the works 1, 2, 3, 5, 7, 8, 9 with the arcs 1→3, 2→3, 3→5, 3→7, 5→8, 5→9
    backward = local_main_paths(G, direction="backward")
    assert {e for p in backward for e in itertools.pairwise(p)} == {
        ("3", "1"), ("3", "2"), ("5", "3"), ("7", "3"), ("8", "5"), ("9", "5")}
    assert sorted(map(tuple, backward)) == sorted([("7", "3", "1"), ("7", "3", "2"), ("8", "5", "3", "1"),
                                                   ("8", "5", "3", "2"), ("9", "5", "3", "1"), ("9", "5", "3", "2")])
    assert main_path(G, method="backward") == backward[0] == ["7", "3", "1"]
    assert local_main_paths(G, direction="backward", limit=2) == backward[:2]
    assert local_main_paths(nx.DiGraph()) == []
    with pytest.raises(ValueError):
        local_main_paths(G, direction="sideways")


def _reference_local_paths(G: nx.DiGraph, forward: bool) -> set[tuple[str, ...]]:
    """The local search written out plainly over path counts from :func:`_all_paths`."""
    spc = {edge: 0 for edge in G.edges()}
    for path in _all_paths(G):
        for edge in itertools.pairwise(path):
            spc[edge] += 1
    if forward:  # knowledge flow: from a cited work to the works citing it
        moves = {n: [(spc[(u, n)], u) for u in G.predecessors(n)] for n in G}
        starts = [n for n in G if G.out_degree(n) == 0 and G.in_degree(n)]
    else:
        moves = {n: [(spc[(n, v)], v) for v in G.successors(n)] for n in G}
        starts = [n for n in G if G.in_degree(n) == 0 and G.out_degree(n)]
    if not starts:
        return set()
    top = max(w for n in starts for w, _ in moves[n])
    found, todo = set(), [[n] for n in starts if any(w == top for w, _ in moves[n])]
    while todo:
        path = todo.pop()
        options = moves[path[-1]]
        if not options:
            found.add(tuple(path[::-1] if forward else path))
            continue
        best = top if len(path) == 1 else max(w for w, _ in options)
        todo.extend(path + [m] for w, m in options if w == best)
    return found


@settings(max_examples=60, deadline=None)
@given(G=small_dags())
def test_local_main_paths_are_the_plain_local_search(G):
    from citegraph.analysis import local_main_paths

    for direction in ("forward", "backward"):
        found = local_main_paths(G, direction=direction, limit=None)
        assert len(found) == len(set(map(tuple, found)))
        assert set(map(tuple, found)) == _reference_local_paths(G, direction == "forward")
        assert main_path(G, method=direction) == (found[0] if found else [])

def test_forward_local_main_path_through_a_cycle():
    from citegraph.analysis import local_main_paths

    G = nx.DiGraph([("new", "a"), ("a", "b"), ("b", "a"), ("b", "old"), ("new2", "old")])
    for direction in ("forward", "backward"):
        for path in local_main_paths(G, direction=direction):
            assert all(G.has_edge(u, v) for u, v in itertools.pairwise(path)), path
    assert main_path(G, method="forward") == ["new", "a", "b", "old"]


def test_key_routes_keep_every_route_tied_with_the_kth():
    """In the SPC example the second-largest SPC, 3, is shared by G→E, H→E, C→A and C→B: with
    k = 2 every one of them is a key route, not just the first in id order."""
    G = spc_example()
    routes = key_route_main_path(G, k=2)
    assert sorted(map(tuple, routes)) == [("G", "E", "C", "A"), ("G", "E", "C", "B"), ("H", "E", "C", "A")]
    assert len(key_route_main_path(G, k=1)) == 1  # E→C alone has SPC 4
    table = main_path_table(G, k=2)
    assert table.loc[table["kind"] == "key_route", "route"].nunique() == 3


# --- origin ---------------------------------------------------------------------------------


def chain_graph() -> nx.DiGraph:
    """S (2019 seed, uses the term) cites B (2015) and C (2010); B cites C; S also cites N (no use),
    which cites D (2005, uses it) — D is earlier but reachable only through a non-user.
    U (seed, term use unknown like BERT's real record) cites B. Z (seed) cites only N."""
    G = nx.DiGraph(seeds=["S", "U", "Z"], seed_names={"S": "s", "U": "u", "Z": "z"})
    add_work(G, "S", 2019, title="Generative pre-training", is_seed=True, seed_name="s", depth=0)
    add_work(G, "U", 2019, title="", abstract="Devlin, Chang. Proceedings of NAACL 2019.", has_abstract=False,
             is_seed=True, seed_name="u", depth=0)
    add_work(G, "Z", 2019, title="Z", abstract=NONE, is_seed=True, seed_name="z", depth=0)
    add_work(G, "B", 2015, abstract="Semi-supervised sequence learning with unsupervised pretraining.", depth=1)
    add_work(G, "C", 2010, title="Why does unsupervised pre-training help?", depth=1)
    add_work(G, "N", 2012, abstract=NONE, depth=1)
    add_work(G, "D", 2005, abstract="Greedy layer-wise pre-training.", depth=2)
    G.add_edges_from([("S", "B"), ("S", "C"), ("B", "C"), ("S", "N"), ("N", "D"), ("U", "B"), ("Z", "N")])
    return G


def test_earliest_adopters_with_evidence():
    G = chain_graph()
    uses = uses_of(G)
    first = earliest_adopters(G, uses, limit=3)
    assert list(first["id"]) == ["D", "C", "B"]
    assert list(first["rank"]) == [1, 2, 3]
    assert first.iloc[0]["snippet"] == "Greedy layer-wise pre-training."
    assert first.iloc[1]["use"] == "title" and first.iloc[1]["collocations"] == ["unsupervised"]


def test_earliest_adopters_order_by_year_then_real_date_and_skip_undated():
    G = nx.DiGraph()
    add_work(G, "late", 2010, abstract=USES, date="2010-06-01")
    add_work(G, "early", 2010, abstract=USES, date="2010-03-05")
    add_work(G, "placeholder", 2010, abstract=USES, date="2010-01-01", warnings=("placeholder_date",))
    add_work(G, "undated", None, abstract=USES)
    add_work(G, "older", 2009, abstract=USES, date="2009-12-31")
    uses = uses_of(G)
    assert list(earliest_adopters(G, uses)["id"]) == ["older", "early", "late", "placeholder"]
    coverage = term_coverage(G, uses)
    assert coverage["adopters"] == 5 and coverage["adopters_without_year"] == 1 and coverage["works_without_year"] == 1


def test_adoption_chains_per_seed():
    G = chain_graph()
    uses = uses_of(G)
    chains = adoption_chains(G, uses)
    s = chains[chains["seed"] == "S"]
    assert list(s["kind"]) == ["shortest", "stepwise", "shortest"]
    assert s.iloc[0]["path"] == ["S", "C"] and s.iloc[0]["target_year"] == 2010  # D is not reachable via users
    assert s.iloc[1]["path"] == ["S", "B", "C"] and s.iloc[1]["chronological"]
    assert s.iloc[2]["path"] == ["S", "B"]
    u = chains[chains["seed"] == "U"]
    assert u.iloc[0]["seed_use"] == "unknown" and u.iloc[0]["path"] == ["U", "B", "C"]
    z = chains[chains["seed"] == "Z"]
    assert list(z["kind"]) == ["none"] and z.iloc[0]["note"]
    capped = adoption_chains(G, uses, max_targets=1, max_chains=1)
    assert len(capped[capped["seed"] == "S"]) == 1


def test_highlights_are_a_value_and_leave_the_graph_alone():
    G = chain_graph()
    uses = uses_of(G)
    before = ({n: dict(a) for n, a in G.nodes(data=True)}, {(u, v): dict(a) for u, v, a in G.edges(data=True)})
    marks = highlights(G, uses)
    assert before == ({n: dict(a) for n, a in G.nodes(data=True)}, {(u, v): dict(a) for u, v, a in G.edges(data=True)})
    assert "D" in marks.earliest and "B" in marks.chain_nodes and "N" not in marks.chain_nodes
    assert ("B", "C") in marks.chain_edges and ("N", "D") not in marks.chain_edges
    assert marks.main_path_edges and marks.main_path_nodes >= {n for edge in marks.main_path_edges for n in edge}


def test_highlights_reuse_an_analysis_only_for_the_same_terms():
    G = chain_graph()
    result = analyze(G)
    assert highlights(G, result.uses, analysis=result) == highlights(G, result.uses)
    other = uses_of(G, ("unsupervised",))
    assert highlights(G, other, analysis=result) == highlights(G, other)
    assert highlights(G, other).earliest == {"B", "C"}  # "unsupervised" is in B's abstract and C's title


def test_export_view_joins_term_use_and_highlights_in_a_copy():
    from citegraph.analysis.highlights import export_view

    G = nx.DiGraph(seeds=["A"])
    add_work(G, "A", 2019, title="Pre-training", is_seed=True)
    add_work(G, "B", 2010, abstract=USES)
    G.add_edge("A", "B")
    uses = uses_of(G, ("pre-training", "fine-tuning"))
    view = export_view(G, uses, highlights(G, uses))
    assert view.nodes["A"]["term_use"] == "title" and view.edges["A", "B"]["on_chain"]
    assert list(view.nodes["B"]["terms"]) == ["pre-training", "fine-tuning"] and view.graph["terms"] == uses.terms
    assert "term_use" not in G.nodes["A"] and "on_chain" not in G.edges["A", "B"]


# --- RPYS -----------------------------------------------------------------------------------


def test_rpys_finds_the_peak_year_and_its_most_cited_work():
    G = nx.DiGraph()
    cited = {"X1990": 1990, "Y1990": 1990, "R1988": 1988, "R1989": 1989, "R1991": 1991, "R1992": 1992}
    for node, year in cited.items():
        add_work(G, node, year, abstract=NONE)
    for i in range(5):
        add_work(G, f"A{i}", 2010, abstract=USES)
        G.add_edge(f"A{i}", "X1990")
    G.add_edges_from([("A0", "Y1990"), ("A1", "R1988"), ("A2", "R1989"), ("A3", "R1991"), ("A4", "R1992")])
    add_work(G, "nonuser", 2010, abstract=NONE)
    G.add_edge("nonuser", "R1988")  # not an adopter: not counted
    uses = uses_of(G)
    spectrum = rpys(G, uses)
    row = spectrum.set_index("year").loc[1990]
    assert row["cited_refs"] == 6 and row["median_5y"] == 1 and row["deviation"] == 5
    assert list(spectrum["year"]) == [1988, 1989, 1990, 1991, 1992]
    peaks = rpys_peaks(spectrum)
    assert list(peaks["year"]) == [1990]
    assert peaks.iloc[0]["top_cited"] == ["X1990", "Y1990"] and peaks.iloc[0]["top_cited_counts"] == [5, 1]
    assert rpys(G, uses, scope="all").set_index("year").loc[1988, "cited_refs"] == 2
    assert rpys(nx.DiGraph(), uses_of(nx.DiGraph())).empty


def rpys_graph(counts: dict[int, int]) -> nx.DiGraph:
    """Adopters citing ``counts[year]`` works of each cited year (one citation each)."""
    G = nx.DiGraph()
    add_work(G, "A", 2020, abstract=USES)
    for year, count in counts.items():
        for i in range(count):
            add_work(G, f"R{year}-{i}", year, abstract=NONE)
            G.add_edge("A", f"R{year}-{i}")
    return G


def test_rpys_edges_are_not_padded_with_zeros_and_single_citations_are_no_peaks():
    """A lone citation at the start (1990), another inside (1993) and the top of a rising end
    (1999) are no peaks; 1996 stands above a median of its own five years and is one."""
    counts = {1990: 1, 1993: 1, 1995: 2, 1996: 8, 1997: 4, 1998: 5, 1999: 6}
    G = rpys_graph(counts)
    spectrum = rpys(G, uses_of(G)).set_index("year")
    assert list(spectrum.index) == list(range(1990, 2000))
    assert spectrum.loc[1999, "median_5y"] == 5  # median of 1997-1999, not of 4, 5, 6, 0, 0
    assert spectrum.loc[1998, "median_5y"] == 5.5  # median of 1996-1999: 8, 4, 5, 6
    assert spectrum.loc[1990, "median_5y"] == 0  # median of 1990-1992: 1, 0, 0
    assert spectrum.loc[1996, ["median_5y", "deviation"]].tolist() == [4, 4]
    assert list(spectrum.index[spectrum["is_peak"]]) == [1996]
    assert list(rpys_peaks(spectrum.reset_index())["year"]) == [1996]
    rising = rpys_graph({year: year - 1999 for year in range(2000, 2011)})
    assert not rpys(rising, uses_of(rising))["is_peak"].any()  # the last year is not a peak


# --- spread ---------------------------------------------------------------------------------


def test_adoption_by_year_counts_known_use_only():
    G = nx.DiGraph()
    add_work(G, "a", 2010, abstract=USES)
    add_work(G, "b", 2010, abstract=NONE)
    add_work(G, "c", 2010, title="untitled")  # unknown: no abstract, no title match
    add_work(G, "d", 2012, title="Pre-trained nets")
    add_work(G, "e", None, abstract=USES)
    uses = uses_of(G)
    table = adoption_by_year(G, uses).set_index("year")
    assert list(table.index) == [2010, 2011, 2012]
    assert table.loc[2010, ["works", "known", "unknown", "adopters"]].tolist() == [3, 2, 1, 1]
    assert table.loc[2010, "share"] == 0.5 and table.loc[2012, "adopters_title"] == 1
    assert table.loc[2012, "cumulative_adopters"] == 2


def spelling_graph(counts: dict[int, tuple[int, int]]) -> nx.DiGraph:
    """Per year, ``(hyphenated, closed)`` adopters: "pre-trained" and "pretraining" abstracts."""
    G = nx.DiGraph()
    for year, (hyphen, closed) in counts.items():
        for i in range(hyphen):
            add_work(G, f"h{year}{i}", year, abstract="We use pre-trained models.")
        for i in range(closed):
            add_work(G, f"c{year}{i}", year, abstract="We use pretraining.")
    return G


def test_spelling_crossover():
    counts = {2014: (2, 0), 2015: (2, 3), 2016: (1, 1), 2017: (1, 2), 2018: (1, 3), 2019: (0, 2)}
    G = spelling_graph(counts)
    uses = uses_of(G)
    table = spelling_by_year(G, uses).set_index("year")
    assert table.loc[2015, "pretraining"] == 3 and table.loc[2015, "pre-training"] == 2
    result = spelling_crossover(G, uses, min_works=1)  # every year with any use is judged
    assert result["challenger"] == "pretraining" and result["incumbent"] == "pre-training"
    assert result["overtook"] and result["year"] == 2017 and result["first_year_ahead"] == 2015
    assert result["last_year"] == 2019 and result["challenger_total"] == 11 and result["incumbent_total"] == 7
    forms = spelling_by_year(G, uses, by="form")
    assert {"pre-trained", "pretraining"} <= set(forms.columns)
    reverse = spelling_crossover(G, uses, challenger="pre-training", incumbent="pretraining", min_works=1)
    assert not reverse["overtook"] and reverse["first_year_ahead"] == 2014


def test_citation_mediation_ratio():
    G = nx.DiGraph()
    add_work(G, "A", 2010, abstract=USES)
    add_work(G, "X", 2000, abstract=NONE)
    add_work(G, "B", 2012, abstract=USES)
    add_work(G, "C", 2013, abstract=USES)
    add_work(G, "D", 2013, abstract=USES)
    add_work(G, "N1", 2012, abstract=NONE)
    add_work(G, "N2", 2012, abstract=NONE)
    add_work(G, "N3", 2013, abstract=NONE)
    add_work(G, "Q", 2013, title="no abstract")  # unknown: left out
    G.add_edges_from([("B", "A"), ("C", "A"), ("N1", "A"), ("N2", "X"), ("N3", "X"), ("D", "X"), ("Q", "A")])
    uses = uses_of(G)
    result = citation_mediation(G, uses)
    # Cites an earlier adopter: B, C (users), N1 → 2/3. Cites none: N2, N3, D (user) → 1/3.
    assert (result["exposed_works"], result["exposed_adopters"]) == (3, 2)
    assert (result["unexposed_works"], result["unexposed_adopters"]) == (3, 1)
    assert result["ratio"] == pytest.approx(2.0)
    by_year = result["by_year"].set_index("year")
    assert by_year.loc[2010].tolist()[:3] == [1, 0, 0]  # A cites nothing in the graph
    assert by_year.loc[2013, ["new_adopters", "with_references", "citing_earlier_adopter"]].tolist() == [2, 2, 1]
    assert by_year.loc[2013, "mediated_share"] == 0.5
    assert result["adopters_with_references"] == 3 and result["adopters_citing_earlier_adopter"] == 2


def test_mediation_needs_an_earlier_adopter():
    G = nx.DiGraph()
    add_work(G, "early", 2013, abstract=USES, date="2013-02-01")
    add_work(G, "late", 2013, abstract=USES, date="2013-09-01")
    add_work(G, "vague", 2013, abstract=USES, date="2013-01-01", warnings=("placeholder_date",))
    add_work(G, "ref", 2000, abstract=NONE)
    G.add_edges_from([("late", "early"), ("vague", "early"), ("early", "ref")])
    uses = uses_of(G)
    by_year = citation_mediation(G, uses)["by_year"].set_index("year")
    assert by_year.loc[2013, "citing_earlier_adopter"] == 1  # only "late": a placeholder date says nothing


def test_spelling_crossover_needs_a_few_works_to_lead():
    """"First led in 2013" from 1 vs 0 is no lead, nor does a last year of 1 vs 0 undo one:
    a year counts only when one of the spellings has at least ``min_works`` adopters."""
    counts = {2013: (0, 1), 2014: (3, 1), 2015: (5, 2), 2016: (4, 4), 2017: (3, 5), 2018: (2, 6), 2019: (1, 0)}
    G = spelling_graph(counts)
    uses = uses_of(G)
    result = spelling_crossover(G, uses)
    assert result["min_works"] == 3
    assert result["first_year_ahead"] == 2017 and result["overtook"] and result["year"] == 2017
    assert result["last_year"] == 2018 and result["challenger_total"] == 19 and result["incumbent_total"] == 18
    every = spelling_crossover(G, uses, min_works=1)  # the old reading
    assert every["first_year_ahead"] == 2013 and not every["overtook"] and every["last_year"] == 2019


def test_citation_mediation_says_when_its_ratio_rests_on_too_few_works():
    """The ratio is kept, with the counts behind it, a 95% interval and ``confident``: False
    while either group has fewer than ``min_adopters`` adopters (here 2 and 1)."""
    G = nx.DiGraph()
    add_work(G, "A", 2010, abstract=USES)
    add_work(G, "X", 2000, abstract=NONE)
    for name, year, text, cites in [("B", 2012, USES, "A"), ("C", 2013, USES, "A"), ("N1", 2012, NONE, "A"),
                                    ("N2", 2012, NONE, "X"), ("N3", 2013, NONE, "X"), ("D", 2013, USES, "X")]:
        add_work(G, name, year, abstract=text)
        G.add_edge(name, cites)
    uses = uses_of(G)
    small = citation_mediation(G, uses)
    assert small["ratio"] == pytest.approx(2.0) and small["min_adopters"] == 5 and small["confident"] is False
    assert small["ratio_low"] < 1 < small["ratio_high"]
    assert citation_mediation(G, uses, min_adopters=1)["confident"] is True
    for i in range(40):  # 20 more exposed works (10 adopters) and 20 unexposed (5 adopters)
        exposed = i < 20
        add_work(G, f"M{i}", 2014, abstract=USES if (i % 2 == 0 if exposed else i < 25) else NONE)
        G.add_edge(f"M{i}", "A" if exposed else "X")
    large = citation_mediation(G, uses_of(G))
    assert (large["exposed_works"], large["exposed_adopters"]) == (23, 12)
    assert (large["unexposed_works"], large["unexposed_adopters"]) == (23, 6)
    assert large["ratio"] == pytest.approx(2.0) and large["confident"] is True
    # Katz's log interval: exp(ln 2 ± 1.96 · sqrt(1/12 - 1/23 + 1/6 - 1/23))
    half = 1.96 * math.sqrt(1 / 12 - 1 / 23 + 1 / 6 - 1 / 23)
    assert large["ratio_low"] == pytest.approx(2 * math.exp(-half), abs=1e-3)
    assert large["ratio_high"] == pytest.approx(2 * math.exp(half), abs=1e-3)


def test_collocations_fields_and_venues():
    G = nx.DiGraph()
    add_work(G, "a", 2010, abstract="unsupervised pre-training helps", field="Computer Science", venue="ICML")
    add_work(G, "b", 2012, abstract="we use unsupervised pretraining", field="Computer Science", venue="NIPS")
    add_work(G, "c", 2014, abstract="generative pre-training works", field="Mathematics", venue="ICML")
    add_work(G, "d", 2014, abstract=NONE, field="Mathematics", venue=None)
    uses = uses_of(G)
    table = collocations(G, uses)
    assert table.iloc[0].to_dict() == {
        "collocation": "unsupervised", "phrase": "unsupervised pre-training", "works": 2, "first_year": 2010,
        "first_id": "a", "first_label": "a 2010", "by_year": "2010:1; 2012:1"}
    fields = adoption_by_field(G, uses).set_index("field")
    assert fields.loc["Mathematics", ["works", "adopters"]].tolist() == [2, 1]
    assert fields.loc["Mathematics", "share"] == 0.5 and fields.loc["Computer Science", "first_year"] == 2010
    venues = adoption_by_venue(G, uses).set_index("venue")
    assert venues.loc["ICML", "adopters"] == 2 and "None" not in venues.index


def test_burst_years_find_the_jump():
    G = nx.DiGraph()
    adopters = {2000: 1, 2001: 1, 2002: 1, 2003: 1, 2004: 1, 2005: 7, 2006: 8, 2007: 7, 2008: 1, 2009: 1}
    for year, used in adopters.items():
        for i in range(10):
            add_work(G, f"w{year}-{i}", year, abstract=USES if i < used else NONE)
    uses = uses_of(G)
    bursts = burst_years(G, uses)
    assert [int(y) for y in bursts.loc[bursts["burst"], "year"]] == [2005, 2006, 2007]
    runs = burst_intervals(bursts)
    assert [(r["start"], r["end"], r["adopters"]) for r in runs] == [(2005, 2007, 22)]
    flat = nx.DiGraph()
    for year in range(2000, 2010):
        for i in range(10):
            add_work(flat, f"w{year}-{i}", year, abstract=USES if i < 2 else NONE)
    flat_uses = uses_of(flat)
    assert not burst_years(flat, flat_uses)["burst"].any()


def test_burst_years_count_against_works_with_known_use():
    """In 2005-2007 only 20 of the 100 works a year have a checkable abstract, 5 of them using
    the term; in the other years 5 of 100. Over all works the share is a flat 5% and hides the
    burst; over works with known use it is 25% against 5%."""
    G = nx.DiGraph()
    for year in range(2000, 2010):
        known = 20 if 2005 <= year <= 2007 else 100
        for i in range(100):
            if i < known:
                add_work(G, f"w{year}-{i}", year, abstract=USES if i < 5 else NONE)
            else:
                add_work(G, f"w{year}-{i}", year, title="untitled")  # no abstract: unknown
    bursts = burst_years(G, uses_of(G))
    assert [int(y) for y in bursts.loc[bursts["burst"], "year"]] == [2005, 2006, 2007]
    assert bursts.set_index("year").loc[2005, ["adopters", "works", "known"]].tolist() == [5, 100, 20]


def test_a_burst_needs_a_handful_of_adopters():
    """The demo's "burst" of 2018-19 (5 of 10 and 2 of 4 works) is too few to be one."""
    G = nx.DiGraph()
    sizes = {year: (2, 40) for year in range(2010, 2018)} | {2018: (5, 10), 2019: (2, 4)}
    for year, (used, works) in sizes.items():
        for i in range(works):
            add_work(G, f"w{year}-{i}", year, abstract=USES if i < used else NONE)
    uses = uses_of(G)
    bursts = burst_years(G, uses)
    assert not bursts["burst"].any() and burst_intervals(bursts) == []
    assert bursts.set_index("year").loc[2018, "state"] == 1  # Kleinberg's state, kept for the record
    loose = burst_years(G, uses, min_adopters=1)
    assert [(r["start"], r["end"], r["adopters"]) for r in burst_intervals(loose)] == [(2018, 2019, 7)]


def test_every_term_gets_the_full_analysis():
    """Issue 13: with two terms, the second gets its own origins, chains and spread too."""
    G = chain_graph()
    result = analyze(G, terms=("pre-training", "unsupervised"))
    assert result.term == "pre-training" and [o.term for o in result.others] == ["unsupervised"]
    other = result.others[0]
    assert list(other.earliest["id"]) == ["C", "B"]  # C's title and B's abstract say "unsupervised"
    assert other.coverage["adopters"] == 2 and other.uses is result.uses
    assert other.chains[other.chains["seed"] == "S"].iloc[0]["path"][-1] in {"B", "C"}
    assert other.main_path is result.main_path  # one backbone for every term


# --- the conftest's tiny OpenAlex dataset -----------------------------------------------------


def test_analyze_on_tiny_works(tiny_works):
    records = {r.id: r for r in (slim_record(w) for w in tiny_works)}
    G = build_graph(records, seeds=["W1"], depths={"W1": 0, "W2": 1, "W3": 1, "W4": 2, "W6": 3},
                    seed_names={"W1": "seed"})
    result = analyze(G)
    assert list(result.earliest["id"]) == ["W4", "W2", "W1"]
    assert result.uses.get("W6").use == "unknown" and result.uses.get("W3").use == "no"
    chain = result.chains.iloc[0]
    assert chain["path"] == ["W1", "W2", "W4"] and chain["seed_use"] == "title"
    assert result.coverage["adopters"] == 3 and result.coverage["use_unknown"] == 1
    assert result.timeline["year"].tolist() == list(range(2006, 2020))


# --- the demo dataset end to end ---------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_works, demo_seeds):
    G = build_demo_graph(demo_works, demo_seeds)
    started = time.perf_counter()
    result = analyze(G)
    return G, result, time.perf_counter() - started


def test_demo_graph_size(demo):
    G, _, _ = demo
    assert 1300 < G.number_of_nodes() < 1500 and set(G.graph["seeds"]) <= set(G)


def test_demo_earliest_adopters_and_chains(demo):
    G, result, elapsed = demo
    assert elapsed < 10
    assert len(result.earliest) == 10 and result.earliest["year"].is_monotonic_increasing
    assert all(result.earliest["snippet"].str.len() > 0)
    for seed in result.seeds:
        rows = result.chains[result.chains["seed"] == seed["id"]]
        if seed["use"] in ("title", "abstract"):
            assert (rows["kind"] != "none").any(), seed
            for path in rows["path"]:
                assert path[0] == seed["id"]
                assert all(G.has_edge(u, v) for u, v in itertools.pairwise(path))
                assert all(result.uses.get(n).adopts for n in path)


def test_demo_spread_tables_are_consistent(demo):
    _G, result, _ = demo
    t = result.timeline
    assert t["adopters"].sum() == result.coverage["adopters_with_year"]
    assert t["cumulative_adopters"].iloc[-1] == t["adopters"].sum()
    assert (t["citing_earlier_adopter"] <= t["with_references"]).all()
    assert result.crossover["challenger"] == "pretraining"
    assert result.mediation["ratio"] is None or result.mediation["ratio"] > 0
    assert not result.main_path.empty and not result.rpys.empty


def test_demo_small_counts_are_not_findings(demo):
    """The demo's 20 dated adopters: no burst (Kleinberg alone marks 2018-19, 5 of 10 and 2 of 4
    works), no RPYS peak on a single citation or at an edge of the spectrum, a mediation ratio
    flagged as resting on too few works (1 of 36), no spelling lead from 1 vs 0."""
    G, result, _ = demo
    assert result.bursts == []
    years = result.rpys["year"].tolist()
    peaks = result.rpys[result.rpys["is_peak"]]
    assert (peaks["cited_refs"] >= 2).all() and not set(peaks["year"]) & {years[0], years[-1]}
    assert result.mediation["unexposed_adopters"] == 1 and result.mediation["confident"] is False
    assert result.crossover["first_year_ahead"] != 2013


def test_demo_with_the_real_bert_defect(demo_graph):
    """With BERT's real OpenAlex record (no title, citation-line abstract) it is "unknown" yet
    its cited adopters still lead back to the earliest ones."""
    G = demo_graph
    bert = G.nodes["W2963341956"]
    bert.update(title="", abstract="Jacob Devlin, Ming-Wei Chang. Proceedings of NAACL 2019.", has_abstract=False)
    result = analyze(G)
    rows = result.chains[result.chains["seed"] == "W2963341956"]
    assert (rows["seed_use"] == "unknown").all() and (rows["kind"] != "none").any()


def test_venues_are_counted_under_one_name_each():
    """Issue 13: CVPR under ~10 spellings, ICML '08/'09, NIPS/NeurIPS."""
    from citegraph.venues import normalize_venue

    G = nx.DiGraph()
    spellings = ["2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)", "CVPR 2011",
                 "2005 IEEE Computer Society Conference on Computer Vision and Pattern Recognition (CVPR'05)",
                 "2014 IEEE Conference on Computer Vision and Pattern Recognition"]
    for i, venue in enumerate(spellings):
        add_work(G, f"c{i}", 2010 + i, abstract=USES if i % 2 else NONE, venue=venue)
    for i, venue in enumerate(["ICML '08", "ICML '09", "NIPS", "NIPS 2011", "Advances in Neural Information Processing Systems"]):
        add_work(G, f"m{i}", 2010, abstract=USES, venue=venue)
    venues = adoption_by_venue(G, uses_of(G)).set_index("venue")
    assert venues.loc["CVPR", ["works", "adopters"]].tolist() == [4, 2]
    assert venues.loc["ICML", "works"] == 2 and venues.loc["NeurIPS", "works"] == 3
    assert normalize_venue("BlackboxNLP@EMNLP") == "BlackboxNLP@EMNLP"  # a workshop stays apart
    assert normalize_venue("Proceedings of the IEEE") == "Proceedings of the IEEE"  # a journal's name
    assert normalize_venue("Proceedings of the 31st International Conference on Machine Learning") == "ICML"
    assert normalize_venue(None) is None
