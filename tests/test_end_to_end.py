"""``citegraph crawl`` over real HTTP against the local stand-in fed with the demo dataset.

The issue's "done means": the graph equals a breadth-first search over the dataset, within
ceil(frontier/100) batch requests per level plus three per seed; an offline rerun makes no
request and writes identical files; a killed crawl resumes without refetching; the API key
is written nowhere.
"""

from __future__ import annotations

import json
import math
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from citegraph.cli import main
from helpers import reference_bfs
from citegraph.graph import load_graph
from citegraph.records import work_id

SECRET = "sk-e2e-SECRET-7f3a9c"
GRAPH_FILES = ("graph.json", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")


def run_cli(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def crawl_args(url: str, tmp: Path, *extra: str) -> list[str]:
    return ["crawl", "--seed", "bert", "--depth", "2", "--api-url", url, "--cache-dir", str(tmp / "cache"),
            "--out", str(tmp / "out"), "-q", *extra]


def file_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in GRAPH_FILES}


@pytest.fixture
def demo_index(demo_works: list[dict]) -> dict[str, dict]:
    return {work_id(w["id"]): w for w in demo_works}


def test_crawl_equals_bfs_within_the_request_floor(standin_factory, demo_index, tmp_path) -> None:
    server = standin_factory()
    result = run_cli(*crawl_args(server.url, tmp_path))
    assert result.exit_code == 0, result.output
    graph = load_graph(tmp_path / "out")
    depths, frontiers = reference_bfs(demo_index, ["W2963341956"], 2)
    assert set(graph.nodes) == set(depths)
    assert {n: graph.nodes[n]["depth"] for n in graph} == depths
    expected_edges = {(w, work_id(r)) for w in depths for r in demo_index[w]["referenced_works"] if work_id(r) in depths}
    assert set(graph.edges) == expected_edges
    batches = server.log.count(kind="list")
    assert batches <= sum(math.ceil(f / 100) for f in frontiers) + 3
    assert server.log.count() <= sum(math.ceil(f / 100) for f in frontiers) + 3
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["works"] == len(depths) and summary["edges"] == len(expected_edges)
    assert summary["requests"] == server.log.count()
    assert summary["seeds"][0]["id"] == "W2963341956"
    assert f"{len(depths):,} works" in result.output


def test_offline_rerun_makes_no_request_and_identical_files(standin_factory, tmp_path) -> None:
    server = standin_factory()
    assert run_cli(*crawl_args(server.url, tmp_path)).exit_code == 0
    first = file_bytes(tmp_path / "out")
    server.log.reset()
    result = run_cli(*crawl_args(server.url, tmp_path, "--offline"))
    assert result.exit_code == 0, result.output
    assert server.log.count() == 0
    assert file_bytes(tmp_path / "out") == first
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["requests"] == 0 and summary["cache_hits"] > 0


def test_offline_without_cache_is_a_clear_error(tmp_path) -> None:
    result = CliRunner().invoke(main, crawl_args("http://127.0.0.1:9", tmp_path, "--offline"))
    assert result.exit_code == 4
    assert "no cached response" in result.output and "Traceback" not in result.output


def test_three_seeds_and_a_second_crawl_shares_the_cache(standin_factory, demo_index, tmp_path) -> None:
    server = standin_factory()
    args = ["crawl", "--seed", "bert", "--seed", "gpt1", "--seed", "ulmfit", "--depth", "1", "--api-url", server.url,
            "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / "three"), "-q"]
    assert run_cli(*args).exit_code == 0
    graph = load_graph(tmp_path / "three")
    assert graph.graph["seed_names"] == {"W2963341956": "bert", "W9425100365": "gpt1", "W9937203161": "ulmfit"}
    depths, _ = reference_bfs(demo_index, ["W2963341956", "W9425100365", "W9937203161"], 1)
    assert set(graph.nodes) == set(depths)
    server.log.reset()
    assert run_cli(*crawl_args(server.url, tmp_path, "--depth", "1")).exit_code == 0
    assert server.log.count(kind="list") == 0, server.log.entries  # BERT's references were all fetched by the first crawl


def _ids_answered(entries: list[dict]) -> list[str]:
    ids: list[str] = []
    for entry in entries:
        if entry["status"] != 200 or entry["kind"] != "list":
            continue
        filters = parse_qs(entry["query"]).get("filter", [""])[0]
        for clause in filters.split(","):
            if clause.startswith("openalex:"):
                ids += clause.split(":", 1)[1].split("|")
    return ids


def test_killed_crawl_resumes_without_refetching(standin_factory, demo_index, tmp_path) -> None:
    from citegraph.standin import FaultConfig

    server = standin_factory(faults=FaultConfig(latency_ms=150))
    cmd = [sys.executable, "-m", "citegraph", *crawl_args(server.url, tmp_path, "--workers", "1", "--rate-limit", "50")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while server.log.count(kind="list", status=200) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = server.log.entries
    assert not (tmp_path / "out" / "graph.json").exists()
    server.log.reset()
    server.set_faults(FaultConfig())
    result = run_cli(*crawl_args(server.url, tmp_path))
    assert result.exit_code == 0, result.output
    refetched = set(_ids_answered(first)) & set(_ids_answered(server.log.entries))
    last_batch = set(_ids_answered(first[-1:]))
    assert refetched <= last_batch  # at most the batch in flight when the process died
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    assert run_cli(*crawl_args(server.url, fresh)).exit_code == 0
    assert file_bytes(tmp_path / "out") == file_bytes(fresh / "out")


def test_api_key_is_written_nowhere(standin_factory, tmp_path, caplog) -> None:
    server = standin_factory(api_key=SECRET)
    result = CliRunner().invoke(main, [*crawl_args(server.url, tmp_path), "-q"], env={"OPENALEX_API_KEY": SECRET})
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    for folder in (tmp_path / "cache", tmp_path / "out"):
        for path in folder.rglob("*"):
            if path.is_file():
                assert SECRET.encode() not in path.read_bytes(), path
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    bad = CliRunner().invoke(main, [*crawl_args(server.url, tmp_path / "x"), "--api-key", "wrong-key-123"])
    assert bad.exit_code == 7 and "wrong-key-123" not in bad.output


def test_demo_flag_crawls_the_bundled_corpus_without_network(tmp_path, monkeypatch) -> None:
    """``--demo`` needs nothing beside the package: it serves the corpus the package ships."""
    monkeypatch.delenv("CITEGRAPH_DEMO_DATA", raising=False)
    args = ["crawl", "--seed", "ulmfit", "--depth", "1", "--demo", "--cache-dir", str(tmp_path / "c"), "--out", str(tmp_path / "o"), "-q"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "W9937203161" in load_graph(tmp_path / "o")  # ULMFiT's synthetic demo id
    again = CliRunner().invoke(main, [*args, "--offline"])
    assert again.exit_code == 0, again.output
    assert "requests 0" in again.output


def test_demo_data_overrides_the_bundled_corpus(tiny_works, tmp_path) -> None:
    data = tmp_path / "works.jsonl"
    data.write_text("".join(json.dumps(w) + "\n" for w in tiny_works))
    args = ["crawl", "--seed", "W1", "--depth", "3", "--demo", "--demo-data", str(data), "--cache-dir", str(tmp_path / "c"),
            "--out", str(tmp_path / "o"), "-q"]
    assert run_cli(*args).exit_code == 0
    assert set(load_graph(tmp_path / "o")) == {"W1", "W2", "W3", "W4", "W6"}


def test_bundled_demo_corpus_is_the_documented_one(demo_works_path) -> None:
    """The README beside the bundled corpus gives the original's checksum: the copy is that file."""
    import gzip
    import hashlib

    readme = (demo_works_path.parent / "README.md").read_text(encoding="utf-8")
    with gzip.open(demo_works_path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    assert f"`{digest}`" in readme
    assert "not OpenAlex data" in readme and "Semantic Scholar" in readme


def test_preprint_and_published_twins_met_in_the_crawl_are_merged(standin_factory, tiny_works, tmp_path) -> None:
    works = [dict(w) for w in tiny_works]
    long_title = "Early deep networks trained greedily, layer by layer"
    works[3] = dict(works[3], title=long_title, display_name=long_title)
    preprint = dict(works[3], id="https://openalex.org/W40", doi="https://doi.org/10.48550/arxiv.1001.00001",
                    type="preprint", publication_year=2009, referenced_works=["https://openalex.org/W3"])
    works[0] = dict(works[0], referenced_works=[*works[0]["referenced_works"], "https://openalex.org/W40"])
    server = standin_factory([*works, preprint])
    base = ["crawl", "--seed", "W1", "--depth", "3", "--api-url", server.url, "--cache-dir", str(tmp_path / "c"), "-q"]
    assert run_cli(*base, "--out", str(tmp_path / "merged")).exit_code == 0
    graph = load_graph(tmp_path / "merged")
    assert "W40" not in graph and graph.has_edge("W1", "W4") and graph.has_edge("W4", "W3")
    assert "merged_version" in graph.nodes["W4"]["warnings"]
    summary = json.loads((tmp_path / "merged" / "summary.json").read_text())
    assert summary["merged_versions"] == {"W40": "W4"}
    assert run_cli(*base, "--no-merge-versions", "--out", str(tmp_path / "apart")).exit_code == 0
    assert "W40" in load_graph(tmp_path / "apart")


def test_wrongly_shaped_records_are_flagged_and_never_poison_the_cache(standin_factory, tiny_works, tmp_path) -> None:
    """Issue 14 item 6 through the whole crawl: exit 0, the works kept and flagged, and the rerun
    from the cache (offline) gives the same graph instead of crashing again."""
    works = [dict(w) for w in tiny_works]
    works[2]["authorships"] = ["Author 3"]                          # W3: authorships as strings
    works[3]["abstract_inverted_index"] = {"Greedy": ["0"]}         # W4: string positions
    works[4]["display_name"] = works[4]["title"] = 6               # W6: a numeric title
    server = standin_factory(works)
    args = ["crawl", "--seed", "W1", "--depth", "3", "--api-url", server.url, "--cache-dir", str(tmp_path / "c"),
            "--out", str(tmp_path / "o"), "-q"]
    first = run_cli(*args)
    assert first.exit_code == 0, first.output
    graph = load_graph(tmp_path / "o")
    assert "malformed_authorships" in graph.nodes["W3"]["warnings"]
    assert "malformed_abstract" in graph.nodes["W4"]["warnings"] and graph.nodes["W4"]["abstract"] == ""
    assert "malformed_title" in graph.nodes["W6"]["warnings"] and graph.nodes["W6"]["title"] == ""
    before = file_bytes(tmp_path / "o")
    again = run_cli(*args, "--offline")
    assert again.exit_code == 0, again.output
    assert file_bytes(tmp_path / "o") == before
