"""The command line as a user meets it: help, presets, cache commands, directions, analyze, render."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from citegraph.graph import load_graph


def invoke(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("command", [[], ["crawl"], ["analyze"], ["render"], ["seeds"], ["cache"], ["cache", "info"], ["cache", "clear"]])
def test_help_everywhere(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


@pytest.mark.parametrize("command", [["crawl"], ["analyze"], ["render"], []])
def test_help_has_examples(command: list[str]) -> None:
    assert "Examples:" in invoke(*command, "--help").output


def test_seeds_lists_the_presets() -> None:
    result = invoke("seeds")
    assert result.exit_code == 0
    for text in ("bert", "gpt1", "ulmfit", "W2963341956", "10.18653/v1/n19-1423", "1801.06146", "by title"):
        assert text in result.output


def test_cache_info_and_clear(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    cache = str(tmp_path / "cache")
    crawl = invoke("crawl", "--seed", "W1", "--api-url", server.url, "--cache-dir", cache, "--out", str(tmp_path / "o"), "-q")
    assert crawl.exit_code == 0, crawl.output
    info = invoke("cache", "info", "--cache-dir", cache)
    assert info.exit_code == 0 and " responses" in info.output and "fetched between" in info.output
    entries = int(info.output.split(":")[1].split()[0].replace(",", ""))
    assert entries >= 4
    cleared = invoke("cache", "clear", "--cache-dir", cache, "--yes")
    assert cleared.exit_code == 0 and f"removed {entries:,}" in cleared.output
    assert "0 responses" in invoke("cache", "info", "--cache-dir", cache).output


def test_crawl_citing_direction(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    result = invoke("crawl", "--seed", "W4", "--direction", "citing", "--depth", "2", "--api-url", server.url,
                    "--cache-dir", str(tmp_path / "c"), "--out", str(tmp_path / "o"), "-q")
    assert result.exit_code == 0, result.output
    graph = load_graph(tmp_path / "o")
    assert {n: graph.nodes[n]["depth"] for n in graph} == {"W4": 0, "W2": 1, "W3": 1, "W1": 2}
    assert sorted(graph.edges) == [("W1", "W2"), ("W1", "W3"), ("W2", "W4"), ("W3", "W4")]


def test_crawl_both_directions_by_doi_seed(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    result = invoke("crawl", "--seed", "https://doi.org/10.1234/W4", "--direction", "both", "--depth", "1",
                    "--api-url", server.url, "--cache-dir", str(tmp_path / "c"), "--out", str(tmp_path / "o"), "-q")
    assert result.exit_code == 0, result.output
    assert set(load_graph(tmp_path / "o").nodes) == {"W4", "W6", "W2", "W3"}


def test_summary_reports_dangling_references(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    result = invoke("crawl", "--seed", "W1", "--api-url", server.url, "--cache-dir", str(tmp_path / "c"),
                    "--out", str(tmp_path / "o"), "-q")
    assert "dangling references 1" in result.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["dangling_refs"] == {"count": 1, "works": {"W5": ["W2"]}}


def test_analyze_and_render_a_crawled_graph(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    out = tmp_path / "o"
    invoke("crawl", "--seed", "W1", "--depth", "3", "--api-url", server.url, "--cache-dir", str(tmp_path / "c"), "--out", str(out), "-q")
    analysed = invoke("analyze", str(out))
    assert analysed.exit_code == 0, analysed.output
    assert "earliest: " in analysed.output and "W4" in analysed.output
    for name in ("report.md", "report.html", "origins.csv", "chains.csv", "timeline.csv", "mainpath.csv", "rpys.csv"):
        assert (out / name).is_file(), name
    graph = load_graph(out)
    assert "term_use" not in graph.nodes["W4"]  # graph.json stays the crawl's: term use is derived
    nodes = {row["id"]: row for row in csv.DictReader((out / "nodes.csv").open(encoding="utf-8"))}
    assert nodes["W4"]["term_use"] == "abstract" and nodes["W3"]["term_use"] == "no"
    rendered = invoke("render", str(out), "--out", str(tmp_path / "page.html"))
    assert rendered.exit_code == 0, rendered.output
    assert (tmp_path / "page.html").read_text().count("W4") >= 1


def test_crawl_with_analyze_and_html_and_a_second_term(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    out = tmp_path / "o"
    result = invoke("crawl", "--seed", "W1", "--depth", "3", "--api-url", server.url, "--cache-dir", str(tmp_path / "c"),
                    "--out", str(out), "--analyze", "--html", "--term", "pre-training", "--term", "deep", "-q")
    assert result.exit_code == 0, result.output
    assert (out / "graph.html").is_file() and (out / "report.md").is_file()
    nodes = {row["id"]: row for row in csv.DictReader((out / "nodes.csv").open(encoding="utf-8"))}
    assert json.loads(nodes["W4"]["terms"])["deep"]["use"] == "title"


def _page_data(page: Path) -> dict:
    text = page.read_text(encoding="utf-8")
    return json.loads(text.split('id="citegraph-data">', 1)[1].split("</script>", 1)[0])


def test_render_draws_the_term_asked_for_not_the_one_analysed(standin_factory, tiny_works, tmp_path: Path) -> None:
    """``render --term X`` on an analysed graph draws X: term use is never read back from a file."""
    server = standin_factory(tiny_works)
    out = tmp_path / "o"
    assert invoke("crawl", "--seed", "W1", "--depth", "3", "--api-url", server.url, "--cache-dir", str(tmp_path / "c"),
                  "--out", str(out), "--analyze", "--html", "-q").exit_code == 0
    before = _page_data(out / "graph.html")
    assert before["meta"]["terms"] == ["pre-training"]
    assert invoke("render", str(out), "--term", "deep").exit_code == 0
    after = _page_data(out / "graph.html")
    assert after["meta"]["terms"] == ["deep"]
    works = {n["id"]: n["w"] for n in after["nodes"]}
    assert works["W4"]["term_use"] == "title"  # "Early deep nets"
    assert works["W2"].get("term_use", "unknown") == "no"  # uses pre-training, not "deep"


def test_analyze_adds_the_corpus_view_unless_told_not_to(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    out = tmp_path / "o"
    args = ["--api-url", server.url, "--cache-dir", str(tmp_path / "c")]
    invoke("crawl", "--seed", "W1", "--depth", "3", "--out", str(out), "-q", *args)
    server.log.reset()
    result = invoke("analyze", str(out), *args)
    assert result.exit_code == 0, result.output
    assert server.log.count(kind="group_by") >= 5
    assert result.output.startswith("corpus: 'pre-training' in the corpus at ")
    for name in ("corpus_trend.csv", "corpus_earliest.csv", "corpus_fields.csv", "corpus_institutions.csv"):
        assert (out / name).is_file(), name
    trend = {row["year"]: row for row in csv.DictReader((out / "corpus_trend.csv").open(encoding="utf-8"))}
    assert trend["2010"]["term_works"] == "1" and trend["2010"]["works"] == "1"  # W4, the only 2010 work
    assert "In the corpus at" in (out / "report.md").read_text(encoding="utf-8")
    server.log.reset()
    skipped = invoke("analyze", str(out), "--no-corpus", *args)
    assert skipped.exit_code == 0 and server.log.count(kind="group_by") == 0
    assert "corpus view turned off (--no-corpus)" in skipped.output


def test_offline_analysis_without_a_cached_corpus_view_says_so(standin_factory, tiny_works, tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    out = tmp_path / "o"
    invoke("crawl", "--seed", "W1", "--depth", "3", "--out", str(out), "-q", "--api-url", server.url,
           "--cache-dir", str(tmp_path / "c"))
    result = invoke("analyze", str(out), "--offline", "--api-url", server.url, "--cache-dir", str(tmp_path / "other"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("corpus view skipped: ") and "earliest: " in result.output
    assert "corpus view skipped" in (out / "report.md").read_text(encoding="utf-8")

def _commands(group: "click.Group", prefix: tuple[str, ...] = ()) -> "Iterator[tuple[tuple[str, ...], click.Command]]":
    import click

    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_readme_documents_every_option_of_every_command() -> None:
    """The README's option table stays true: each option of each command is named in its row."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Every option"):readme.index("## What happens when")]
    missing = []
    for path, command in _commands(main):
        for param in command.params:
            for flag in [*param.opts, *param.secondary_opts]:
                if flag.startswith("--") and flag != "--help" and f"`{flag}" not in table and f"/ {flag}`" not in table:
                    missing.append(f"{' '.join(path)} {flag}")
    assert missing == []
