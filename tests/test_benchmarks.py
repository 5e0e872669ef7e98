"""The benchmark command runs (a quick smoke run, nothing timed) and the synthetic generator
makes OpenAlex-shaped data with the properties the benchmarks rely on.
"""

from __future__ import annotations

import gzip
import json
import statistics
import subprocess
import sys
import time
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
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out),
                           "--snapshot-engines", "duckdb"], cwd=REPO, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((out / "results.json").read_text())
    assert {"schema", "command", "quick", "started", "finished", "machine", "settings", "crawl", "analysis",
            "snapshot", "targets"} <= set(results)
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
    snapshot = results["snapshot"]
    assert [(r["n"], r["engine"], r["format"]) for r in snapshot["runs"]] == [
        (n, "duckdb", fmt) for n in (1000, 2000) for fmt in ("jsonl", "parquet")]
    for run in snapshot["runs"]:
        assert run["ok"] and run["records"] == run["n"] and run["parts"] >= 2
        assert run["total_s"] >= run["timings"]["scan_s"] > 0 and run["peak_rss_mb"] > 50
        assert 0 < run["term_users"] <= run["candidates"]
    by_size = {(r["n"], r["format"]): r["term_users"] for r in snapshot["runs"]}
    assert by_size[1000, "jsonl"] == by_size[1000, "parquet"]
    assert [p["n"] for p in snapshot["python"]] == [1000, 2000]
    assert all(p["source"] == "the analysis section of the run that measured this section" for p in snapshot["python"])
    assert {e["format"] for e in snapshot["extrapolation"]} == {"jsonl", "parquet"}
    assert snapshot["full"]["works"] >= 240_000_000 and "issue 15" in snapshot["full"]["source"]
    text = (out / "RESULTS.md").read_text()
    assert "## Targets" in text and "## Crawl" in text and "## Analysis scaling" in text
    assert "## Snapshot path vs the Python pipeline" in text and "Extrapolation to the full snapshot" in text
    assert results["machine"]["cpu_model"] in text

    # The snapshot section alone, rerun: the crawl and analysis sections stay, stamped with their run.
    again = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out), "--only-snapshot",
                            "--snapshot-engines", "duckdb", "--snapshot-sizes", "1k", "--snapshot-formats", "parquet"],
                           cwd=REPO, capture_output=True, text=True, timeout=240)
    assert again.returncode == 0, again.stderr[-2000:]
    merged = json.loads((out / "results.json").read_text())
    assert merged["crawl"] == results["crawl"] and merged["analysis"] == results["analysis"]
    assert [(r["n"], r["format"]) for r in merged["snapshot"]["runs"]] == [(1000, "parquet")]
    assert merged["snapshot"]["python"][0]["source"] == "measured for this section"
    assert set(merged["sections"]) == {"crawl", "analysis", "snapshot"}
    assert "## Crawl" in (out / "RESULTS.md").read_text()


def test_quick_snapshot_benchmark_on_spark(tmp_path: Path) -> None:
    from benchmarks.snapshot_bench import spark_unavailable

    reason = spark_unavailable()
    if reason:
        pytest.skip(f"Spark snapshot benchmark: {reason}")
    out = tmp_path / "bench"
    done = subprocess.run([sys.executable, "-m", "benchmarks.run", "--quick", "--only-snapshot", "--out", str(out),
                           "--snapshot-engines", "spark", "--snapshot-sizes", "1k", "--snapshot-formats", "parquet"],
                          cwd=REPO, capture_output=True, text=True, timeout=280)
    assert done.returncode == 0, done.stderr[-2000:]
    (run,) = json.loads((out / "results.json").read_text())["snapshot"]["runs"]
    if not run["ok"] and "java" in run["error"].lower():
        pytest.skip(f"Spark snapshot benchmark: the java runtime cannot start Spark here ({run['error'][:200]})")
    assert run["ok"], run
    assert run["engine"] == "spark" and run["records"] == 1000 and run["term_users"] > 0
    # The JVM is a child of the measured process: the tree's peak holds it.
    assert run["processes"] >= 2 and run["peak_by_process_mb"].get("java", 0) > 50
    assert run["peak_rss_mb"] > run["python_peak_rss_mb"]


def test_tree_memory_counts_a_grandchilds_peak() -> None:
    """Spark's JVM is a child of the measured process: its memory must be in the tree's peak."""
    from benchmarks.snapshot_bench import TreeMemory

    grandchild = "import time; b = bytearray(150 * 2**20); time.sleep(1.0)"
    child = subprocess.Popen([sys.executable, "-c",
                              f"import subprocess, sys; subprocess.run([sys.executable, '-c', {grandchild!r}])"])
    memory = TreeMemory()
    while child.poll() is None:
        memory.poll(child.pid)
        time.sleep(0.05)
    summary = memory.summary()
    assert summary["processes"] == 2
    assert summary["peak_rss_mb"] >= summary["sampled_rss_mb"] > 150


def test_extrapolation_is_linear_in_works_and_bytes() -> None:
    from benchmarks.snapshot_bench import extrapolate

    runs = [{"n": n, "engine": engine, "format": "jsonl", "ok": True, "total_s": fixed + n * per,
             "bytes": n * 300} for n in (100_000, 1_000_000) for engine, fixed, per in
            (("duckdb", 2.0, 1e-5), ("spark", 20.0, 1e-4))]
    rows = {r["engine"]: r for r in extrapolate(runs, {"works": 250_000_000, "jsonl_bytes": 250_000_000 * 1200})}
    duck, spark = rows["duckdb"], rows["spark"]
    assert duck["us_per_work"] == pytest.approx(10.0) and duck["fixed_s"] == pytest.approx(2.0)
    assert duck["hours_by_works"] == pytest.approx((2 + 2500) / 3600, abs=0.01)
    assert duck["hours_by_bytes"] == pytest.approx(4 * duck["hours_by_works"], rel=0.01)  # 4x bigger records
    assert "executors" not in duck
    assert spark["executors"][1] == spark["hours_by_bytes"]
    assert spark["executors"][100] == pytest.approx((20 + 100_000 / 100) / 3600, abs=0.01)


def test_full_snapshot_size_from_a_manifest(tmp_path: Path) -> None:
    from benchmarks.snapshot_bench import FULL_SNAPSHOT, full_snapshot_size

    manifest = tmp_path / "data" / "jsonl" / "works" / "manifest.json"
    manifest.parent.mkdir(parents=True)
    entries = [{"url": f"s3://openalex/data/jsonl/works/updated_date=2026-01-01/part_{k:04d}.gz",
                "meta": {"content_length": 1000 + k, "record_count": 400_000}} for k in range(3)]
    manifest.write_text(json.dumps({"entries": entries}))
    full = full_snapshot_size(manifest)
    assert full["works"] == 1_200_000 and full["jsonl_bytes"] == 3003 and full["parts"] == 3
    assert str(manifest) in full["source"]
    assert full_snapshot_size(None) == FULL_SNAPSHOT


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
