"""report.md, report.html and the CSVs behind them (citegraph.report)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from helpers import build_demo_graph

from citegraph.analysis import analyze
from citegraph.errors import OutputError
from citegraph.report import report_summary, write_report

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)> | & “quotes”'


def evil_graph() -> nx.DiGraph:
    """A seed and two adopters whose text tries to inject HTML."""
    G = nx.DiGraph(seeds=["S"], seed_names={"S": "evil<seed>"})

    def add(node: str, year: int, title: str, abstract: str, **extra: Any) -> None:
        G.add_node(node, title=title, year=year, date=None, abstract=abstract, has_abstract=bool(abstract),
                   warnings=["placeholder_date"], first_author=f"<b>{node}</b>", venue=EVIL, field=None,
                   is_seed=node == "S", seed_name="evil<seed>" if node == "S" else None, depth=0, **extra)

    add("S", 2019, f"Pre-training {EVIL}", "")
    add("A", 2015, EVIL, f"We use unsupervised pre-training. {EVIL}")
    add("B", 2010, "Old work", f"Greedy {EVIL} pretraining")
    G.add_edges_from([("S", "A"), ("A", "B")])
    return G


def test_report_files_and_escaping(tmp_path: Path):
    G = evil_graph()
    result = analyze(G)
    paths = write_report(G, result, tmp_path / "out")
    for name in ("report.md", "report.html", "origins.csv", "chains.csv", "timeline.csv", "mainpath.csv", "rpys.csv",
                 "spellings.csv", "collocations.csv", "mediation.csv", "coverage.csv", "warnings.csv"):
        assert paths[name].is_file() and paths[name].parent == tmp_path / "out"
    page = paths["report.html"].read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page.lower() and "<b>" not in page
    assert "&lt;script&gt;" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)  # nothing loaded from the network
    assert "<link" not in page and "@import" not in page and "<svg" in page
    md = paths["report.md"].read_text(encoding="utf-8")
    assert "<script" not in md and "<img" not in md
    with paths["origins.csv"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["id"] == "B" and EVIL in rows[1]["title"]  # the CSV keeps the data as it is


def test_report_answers_first_and_cites_existing_csvs(tmp_path: Path):
    G = evil_graph()
    paths = write_report(G, analyze(G), tmp_path)
    md = paths["report.md"].read_text(encoding="utf-8")
    assert md.index("The answer, with its scope") < md.index("## Evidence") < md.index("## Caveats")
    first_screen = md[md.index("The answer, with its scope"):md.index("## In the crawled graph")]
    assert "**Beyond the crawl:** no corpus view" in first_screen and "**In the crawl**" in first_screen
    answer = md[md.index("The answer, with its scope"):md.index("## Evidence")]
    assert "Earliest adopters" in answer and "B" in answer and "2010" in answer
    cited = set(re.findall(r"`([a-z_]+\.csv)`", md))
    assert {"origins.csv", "chains.csv", "timeline.csv", "coverage.csv"} <= cited
    assert all((tmp_path / name).is_file() for name in cited)


def test_unwritable_output_raises_output_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    G = evil_graph()
    with pytest.raises(OutputError) as info:
        write_report(G, analyze(G), blocker / "out")
    assert info.value.exit_code == 10 and "\n" not in str(info.value)


def test_report_summary_is_a_few_plain_lines():
    G = evil_graph()
    text = report_summary(analyze(G))
    lines = text.splitlines()
    assert 3 <= len(lines) <= 8
    assert lines[0].startswith("“pre-training”: 3 adopters")
    assert any(line.startswith("evil<seed>:") for line in lines)


def test_report_with_no_adopters(tmp_path: Path):
    G = nx.DiGraph(seeds=["S"])
    G.add_node("S", title="Nothing", year=2019, abstract="No term.", has_abstract=True, warnings=[], is_seed=True)
    paths = write_report(G, analyze(G), tmp_path)
    md = paths["report.md"].read_text(encoding="utf-8")
    assert "No dated work in this graph uses" in md
    assert "report.html" in paths


# --- the demo dataset -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_report(demo_works, demo_seeds, tmp_path_factory):
    G = build_demo_graph(demo_works, demo_seeds)
    result = analyze(G)
    out = tmp_path_factory.mktemp("demo_report")
    return G, result, write_report(G, result, out)


def _per_year_rows(md: str) -> list[list[str]]:
    section = md[md.index("### Adoption per year"):]
    section = section[: section.index("\n### ", 4)]
    table = [line for line in section.splitlines() if line.startswith("| ")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in table[1:]]


def test_demo_report_per_year_numbers_come_from_timeline_csv(demo_report):
    _, _result, paths = demo_report
    md = paths["report.md"].read_text(encoding="utf-8")
    with paths["timeline.csv"].open(encoding="utf-8") as handle:
        timeline = {row["year"]: row for row in csv.DictReader(handle)}
    rows = _per_year_rows(md)
    assert rows, "the per-year table is missing"
    for year, works, known, adopters, share, cumulative, with_refs, mediated, _burst in rows:
        assert year in timeline, year
        row = timeline[year]
        assert (works, known, adopters, cumulative) == (row["works"], row["known"], row["adopters"],
                                                         row["cumulative_adopters"])
        assert (with_refs, mediated) == (row["with_references"], row["citing_earlier_adopter"])
        if share != "–":
            assert float(share.rstrip("%")) == pytest.approx(float(row["share"]) * 100, abs=0.05)


def test_demo_report_states_the_answer(demo_report):
    _, result, paths = demo_report
    md = paths["report.md"].read_text(encoding="utf-8")
    answer = md[: md.index("## Evidence")]
    first = result.earliest.iloc[0]
    assert first["id"] in answer and str(first["year"]) in answer
    for seed in result.seeds:
        assert f"**{seed['name']}**" in answer
    assert "Spelling." in answer and "Along citations." in answer
    html = paths["report.html"].read_text(encoding="utf-8")
    assert html.count("<table>") >= 8 and "<script" not in html.lower()
    summary = report_summary(result)
    assert first["id"] in summary


def test_each_term_gets_its_own_section_csvs_and_a_comparison(tmp_path: Path):
    """Issue 13: with two terms, only the first used to get origins and chains."""
    G = evil_graph()
    paths = write_report(G, analyze(G, terms=("pre-training", "greedy")), tmp_path)
    md = paths["report.md"].read_text(encoding="utf-8")
    assert "“greedy” in the crawled graph" in md and "`origins-greedy.csv`" in md
    assert (tmp_path / "origins-greedy.csv").is_file() and (tmp_path / "chains-greedy.csv").is_file()
    compared = (tmp_path / "terms_compared.csv").read_text(encoding="utf-8").splitlines()
    assert compared[0].startswith("term,adopters") and [line.split(",")[0] for line in compared[1:]] == ["pre-training", "greedy"]
    first_screen = md[md.index("## The answer, with its scope"):md.index("## In the crawled graph")]
    assert "`terms_compared.csv`" in first_screen


def test_the_report_links_the_explorer(tmp_path: Path):
    G = evil_graph()
    paths = write_report(G, analyze(G), tmp_path)
    assert '<a href="graph.html">Explore the works' in paths["report.html"].read_text(encoding="utf-8")
    assert "](graph.html)" in paths["report.md"].read_text(encoding="utf-8")
