"""The benchmark command runs (a quick smoke run, nothing timed) and the synthetic generator
makes OpenAlex-shaped data with the properties the benchmarks rely on.
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.floor import bfs_levels, crawl_floor, read_references
from citegraph.records import slim_record
from benchmarks.synthetic import ID_BASE, SyntheticDataset, generate_works, synthetic_seeds, write_works
from citegraph.terms import compile_term, term_hits

REPO = Path(__file__).resolve().parents[1]
N = 3000


@pytest.fixture(scope="module")
def works() -> list[dict]:
    return list(generate_works(N, seed=7))


@pytest.fixture(scope="module")
def slim(works: list[dict]) -> list[dict]:
    return [slim_record(w) for w in works]


# ---------------------------------------------------------------------------- the command


def test_quick_benchmark_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "bench"
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())
    assert {"schema", "command", "quick", "started", "finished", "machine", "settings", "crawl", "analysis",
            "targets"} <= set(results)
    assert results["quick"] is True
    assert {"cpus", "cpu_model", "ram_gib", "python"} <= set(results["machine"])
    crawls = [c for c in results["crawl"] if not c.get("skipped")]
    assert any(c["dataset"].startswith("synthetic") for c in crawls)
    for crawl in crawls:
        floor, citegraph, naive = crawl["floor"], crawl["citegraph"], crawl["naive"]
        assert floor["requests_strict"] <= floor["requests"]
        assert citegraph["requests"] <= floor["requests"] * 1.05 + 2
        assert citegraph["works"] == floor["works"] > 3
        assert naive["complete"] and naive["requests"] >= naive["works"] == floor["works"]
        assert naive["cost_usd"] == 0.0  # singletons are free
        assert citegraph["cost_usd"] == pytest.approx(floor["cost_usd"])
        assert crawl["ratios"]["naive_over_citegraph_requests"] > 10
    sizes = results["analysis"]["results"]
    assert len(sizes) == 3 and all(r["ok"] for r in sizes)
    for r in sizes:
        assert r["edges"] > r["n"] and r["total_s"] > 0 and r["peak_rss_mb"] > r["baseline_rss_mb"] > 0
        assert set(r["stages"]) == {"slim", "build_graph", "terms", "analysis"}
    assert results["analysis"]["exponents"]["time"] is not None
    text = (out / "RESULTS.md").read_text()
    assert "## Targets" in text and "## Crawl" in text and "## Analysis scaling" in text
    assert results["machine"]["cpu_model"] in text


def test_floor_of_a_tiny_crawl(tiny_works: list[dict], tmp_path: Path) -> None:
    data = tmp_path / "works.jsonl"
    data.write_text("".join(json.dumps(w) + "\n" for w in tiny_works))
    levels = bfs_levels(read_references(data), ["https://openalex.org/W1"], 2)
    assert [(lv["asked"], lv["found"], lv["dangling"]) for lv in levels] == [(1, 1, 0), (2, 2, 0), (2, 1, 1)]
    floor = crawl_floor(levels, rate=10, latency_s=0.08)
    assert floor["requests"] == floor["requests_strict"] == 3
    assert floor["naive_requests"] == 5 and floor["works"] == 4 and floor["dangling"] == 1
    assert floor["time_s"] == 0.3 and floor["cost_usd"] == pytest.approx(0.0002)


# ---------------------------------------------------------------------------- the generator


def test_generator_is_deterministic(works: list[dict]) -> None:
    assert list(generate_works(N, seed=7)) == works
    assert list(generate_works(300, seed=8)) != list(generate_works(300, seed=9))


def test_records_are_openalex_shaped_with_synthetic_ids(works: list[dict], slim: list[dict]) -> None:
    for raw, record in zip(works, slim):
        assert raw["id"].startswith("https://openalex.org/W8") and int(record.id[1:]) >= ID_BASE
        assert record.title and record.authors and record.venue and record.field
        assert 1990 <= record.year <= 2022 and record.date.startswith(str(record.year))
        assert raw["referenced_works_count"] == len(raw["referenced_works"]) == len(record.references)
        assert record.has_abstract == bool(raw["abstract_inverted_index"])
        assert "citation_line_abstract" not in record.warnings
    years = Counter(r.year for r in slim)
    assert years[2022] > 10 * years[1991]  # exponential growth


def test_references_point_to_earlier_works_and_none_dangle(slim: list[dict]) -> None:
    dates = {r.id: r.date for r in slim}
    for record in slim:
        assert all(dates[ref] < record.date for ref in record.references)
    edges = sum(len(r.references) for r in slim)
    assert 0.8 * 20 * N < edges < 1.05 * 20 * N


def test_citations_are_heavy_tailed_and_counted(works: list[dict], slim: list[dict]) -> None:
    indegree = Counter(ref for r in slim for ref in r.references)
    assert all(w["cited_by_count"] == indegree[slim_record(w).id] for w in works[:500])
    counts = sorted((w["cited_by_count"] for w in works), reverse=True)
    mean = statistics.mean(counts)
    # A Poisson in-degree around 20 would have no work above 5x the mean and its top 1%
    # would hold ~2.5% of the citations.
    assert counts[0] > 10 * mean
    assert sum(1 for c in counts if c >= 5 * mean) > 0.005 * N
    assert sum(counts[: N // 100]) > 0.07 * sum(counts)


def test_term_diffuses_and_its_spelling_shifts(slim: list[dict]) -> None:
    matcher = compile_term("pre-training")
    by_year: dict[int, Counter] = {}
    spellings: dict[str, Counter] = {"early": Counter(), "late": Counter()}
    for r in slim:
        hits = term_hits(r.title, r.abstract, r.has_abstract, matcher)
        by_year.setdefault(r.year, Counter())[hits.use] += 1
        if hits.use in ("title", "abstract"):
            spellings["late" if r.year >= 2020 else "early"].update(hits.spellings)
    assert all(c["title"] + c["abstract"] == 0 for y, c in by_year.items() if y < 1995)

    def share(years: range) -> float:
        total = Counter()
        for y in years:
            total.update(by_year.get(y, Counter()))
        return (total["title"] + total["abstract"]) / (total["title"] + total["abstract"] + total["no"])

    assert share(range(2018, 2023)) > 2 * share(range(1995, 2008))
    assert spellings["early"]["pre-training"] > spellings["early"]["pretraining"]
    assert spellings["late"]["pretraining"] > spellings["late"]["pre-training"]


def test_seeds_are_late_well_connected_term_users(slim: list[dict]) -> None:
    seeds = synthetic_seeds(N, seed=7)
    assert len(set(seeds)) == 3
    by_id = {r.id: r for r in slim}
    matcher = compile_term("pre-training")
    for seed in seeds:
        record = by_id[seed.rsplit("/", 1)[-1]]
        assert record.year >= 2018 and len(record.references) >= 20
        assert term_hits(record.title, record.abstract, True, matcher).use == "title"


def test_write_works_streams_gzip_and_seeds(tmp_path: Path) -> None:
    written = write_works(tmp_path / "syn" / "works.jsonl.gz", 400, seed=3)
    with gzip.open(written["path"], "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    assert records == list(generate_works(400, seed=3))
    seeds = json.loads((tmp_path / "syn" / "seeds.json").read_text())
    assert [seeds["seed1"], seeds["seed2"], seeds["seed3"]] == written["seeds"] == synthetic_seeds(400, seed=3)
    assert written["edges"] == sum(len(r["referenced_works"]) for r in records) == SyntheticDataset(400, seed=3).edges
