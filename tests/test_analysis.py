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
    online_term_counts,
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


def test_spelling_crossover():
    G = nx.DiGraph()
    counts = {2014: (2, 0), 2015: (2, 3), 2016: (1, 1), 2017: (1, 2), 2018: (1, 3), 2019: (0, 2)}
    for year, (hyphen, closed) in counts.items():
        for i in range(hyphen):
            add_work(G, f"h{year}{i}", year, abstract="We use pre-trained models.")
        for i in range(closed):
            add_work(G, f"c{year}{i}", year, abstract="We use pretraining.")
    uses = uses_of(G)
    table = spelling_by_year(G, uses).set_index("year")
    assert table.loc[2015, "pretraining"] == 3 and table.loc[2015, "pre-training"] == 2
    result = spelling_crossover(G, uses)
    assert result["challenger"] == "pretraining" and result["incumbent"] == "pre-training"
    assert result["overtook"] and result["year"] == 2017 and result["first_year_ahead"] == 2015
    assert result["last_year"] == 2019 and result["challenger_total"] == 11 and result["incumbent_total"] == 7
    forms = spelling_by_year(G, uses, by="form")
    assert {"pre-trained", "pretraining"} <= set(forms.columns)
    reverse = spelling_crossover(G, uses, challenger="pre-training", incumbent="pretraining")
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


def test_online_term_counts_with_a_fake_group_by():
    calls: list[tuple[str, str]] = []
    answers = {
        "title_and_abstract.search:pre-training": [
            {"key": "2018", "key_display_name": "2018", "count": 900},
            {"key": "2019", "key_display_name": "2019", "count": 2500},
            {"key": "unknown", "key_display_name": "unknown", "count": 3}],
        "cites:W1,title_and_abstract.search:pre-training": [{"key": "2019", "key_display_name": "2019", "count": 40}],
        "cites:W1": [{"key": "2019", "key_display_name": "2019", "count": 100},
                     {"key": "2020", "key_display_name": "2020", "count": 50}],
    }

    def group_by(filter: str, key: str) -> list[dict[str, Any]]:
        calls.append((filter, key))
        return answers.get(filter, [])

    table = online_term_counts(group_by, terms=["pre-training"], seeds=["W1"], seed_names={"W1": "bert"})
    assert all(key == "publication_year" for _, key in calls)
    assert {f for f, _ in calls} == set(answers)
    everywhere = table[table["scope"] == "openalex"]
    assert everywhere[["year", "count"]].values.tolist() == [[2018, 900], [2019, 2500]]
    citing = table[table["scope"] == "cites"].set_index("year")
    assert citing.loc[2019, ["count", "total", "share"]].tolist() == [40, 100, 0.4]
    assert citing.loc[2020, ["count", "total", "share"]].tolist() == [0, 50, 0.0]
    assert citing.loc[2019, "seed_name"] == "bert"


def test_analyze_with_online_counts():
    G = chain_graph()
    uses = uses_of(G)

    def group_by(filter: str, key: str) -> list[dict[str, Any]]:
        return [{"key": "2019", "key_display_name": "2019", "count": 7}]

    result = analyze(G, terms=("pre-training", "transformer"), group_by=group_by)
    assert result.online is not None and set(result.online["scope"]) == {"openalex", "cites"}
    assert set(result.term_timelines["term"]) == {"pre-training"}  # nobody writes "transformer" here
    assert analyze(G).online is None


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


def test_demo_with_the_real_bert_defect(demo_graph):
    """With BERT's real OpenAlex record (no title, citation-line abstract) it is "unknown" yet
    its cited adopters still lead back to the earliest ones."""
    G = demo_graph
    bert = G.nodes["W2963341956"]
    bert.update(title="", abstract="Jacob Devlin, Ming-Wei Chang. Proceedings of NAACL 2019.", has_abstract=False)
    result = analyze(G)
    rows = result.chains[result.chains["seed"] == "W2963341956"]
    assert (rows["seed_use"] == "unknown").all() and (rows["kind"] != "none").any()
