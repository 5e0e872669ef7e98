"""The one benchmark command: crawl against the floor and a naive crawler, analysis scaling, and
the snapshot path (DuckDB and Spark, JSON lines and Parquet) against the Python pipeline.

    python -m benchmarks.run                 # the full run (~1-1.5 hours): writes benchmarks/RESULTS.md
    python -m benchmarks.run --only-snapshot # the snapshot section alone, merged into results.json
    python -m benchmarks.run --quick --out /tmp/bench    # a smoke run in seconds

Writes ``RESULTS.md`` (machine, date, tables, targets) and ``results.json`` into ``--out``. A
section that is skipped keeps what ``--out``'s ``results.json`` already holds for it (with the
date and commit it was measured at), so one section can be rerun alone.
See ``benchmarks/README.md`` for what is measured and how the floor is defined.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):  # ``python benchmarks/run.py``: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.analysis_scaling import exponents, run_sizes
from benchmarks.crawl_compare import bench_dataset
from benchmarks.report import evaluate_targets, merge_results, render
from benchmarks.snapshot_bench import extrapolate, full_snapshot_size, run_grid

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEMO_SEED_NAMES = ("bert", "gpt1", "ulmfit")
FULL = {"synthetic_works": 100_000, "sizes": "10k,100k,1M", "latency_ms": 60.0, "jitter_ms": 40.0, "rate_limit": 10,
        "repeats": 3, "timeout": 1500.0, "snapshot_sizes": "100k,1M", "snapshot_part_records": 400_000}
QUICK = {"synthetic_works": 2_000, "sizes": "1k,2k,4k", "latency_ms": 0.0, "jitter_ms": 0.0, "rate_limit": None,
         "repeats": 1, "timeout": 120.0, "snapshot_sizes": "1k,2k", "snapshot_part_records": 700}
SECTIONS = ("crawl", "analysis", "snapshot")
#: The naive crawler's pacing keeps the same 5% margin under the limit as citegraph's limiter,
#: so it is not penalised by 429s (each costs a 1 s Retry-After): its best case.
NAIVE_MARGIN = 0.95


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny sizes, no latency, no rate limit")
    parser.add_argument("--out", type=Path, default=HERE, help="where RESULTS.md and results.json go [benchmarks/]")
    parser.add_argument("--sizes", default=None, help="analysis sizes, e.g. 10k,100k,1M [full: 10k,100k,1M]")
    parser.add_argument("--skip-analysis", action="store_true", help="crawl benchmark only")
    parser.add_argument("--skip-crawl", action="store_true", help="no crawl benchmark")
    parser.add_argument("--skip-snapshot", action="store_true", help="no snapshot benchmark")
    parser.add_argument("--only-snapshot", action="store_true",
                        help="the snapshot benchmark alone (= --skip-crawl --skip-analysis)")
    parser.add_argument("--snapshot-sizes", default=None, help="snapshot sizes, e.g. 100k,1M [full: 100k,1M]")
    parser.add_argument("--snapshot-engines", default="duckdb,spark", help="duckdb and/or spark [both]")
    parser.add_argument("--snapshot-formats", default="jsonl,parquet", help="jsonl and/or parquet [both]")
    parser.add_argument("--snapshot-data", type=Path, default=None,
                        help="keep (and reuse) the synthetic snapshots here [a temporary directory]")
    parser.add_argument("--snapshot-timeout", type=float, default=None, help="seconds per snapshot run [1500]")
    parser.add_argument("--full-manifest", type=Path, default=None,
                        help="a real OpenAlex works manifest.json: the full snapshot's size for the extrapolation "
                             "[a documented constant]")
    parser.add_argument("--datasets", default="demo,synthetic", help="crawl datasets: demo, synthetic [both]")
    parser.add_argument("--synthetic-works", type=parse_size, default=None, help="synthetic crawl dataset size [100k]")
    parser.add_argument("--demo-data", type=Path, default=None, help="demo works.jsonl [../shared/data/demo]")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--latency", type=float, default=None, metavar="MS", help="stand-in base latency [60]")
    parser.add_argument("--jitter", type=float, default=None, metavar="MS", help="plus uniform 0..MS [40]")
    parser.add_argument("--rate-limit", type=int, default=None, metavar="N", help="requests/s [10]")
    parser.add_argument("--repeats", type=int, default=None, help="citegraph crawls per dataset [3]")
    parser.add_argument("--naive-max-requests", type=int, default=None,
                        help="time-box the naive crawler (then its time is extrapolated) [no box]")
    parser.add_argument("--mean-refs", type=float, default=20.0, help="synthetic mean references per work [20]")
    parser.add_argument("--seed", type=int, default=0, help="synthetic generator seed [0]")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per analysis size [1500]")
    parser.add_argument("--mem-limit-gib", type=float, default=16.0, help="address-space limit per analysis size")
    parser.add_argument("--fallback-mean-refs", type=float, default=10.0,
                        help="when a size fails at --mean-refs, retry it at this mean (0: do not retry)")
    parser.add_argument("--keep-data", action="store_true", help="keep the generated data and crawl outputs")
    return parser.parse_args(argv)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _git() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return f"{head}{' + uncommitted changes' if dirty else ''}" if head else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def machine_info() -> dict[str, Any]:
    import networkx
    import pandas

    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpus": cpus, "cpu_model": _cpu_model(), "ram_gib": _ram_gib(), "python": platform.python_version(),
            "os": f"{platform.system()} {platform.release()}", "networkx": networkx.__version__,
            "pandas": pandas.__version__, "load_start": _load(), "git": _git()}


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def _demo(explicit: Path | None) -> tuple[Path, list[str]] | str:
    from citegraph.errors import InputError
    from citegraph.pipeline import demo_data_path

    try:
        path = demo_data_path(explicit)
    except InputError as exc:
        return str(exc)
    seeds_file = path.with_name("seeds.json")
    if not seeds_file.is_file():
        return f"no seeds.json next to {path}"
    seeds = json.loads(seeds_file.read_text())
    return path, [seeds[name] for name in DEMO_SEED_NAMES]


def run_crawls(args: argparse.Namespace, config: dict[str, Any], work: Path) -> list[dict[str, Any]]:
    from benchmarks.synthetic import write_works

    rate = config["rate_limit"]
    common = {"depth": args.depth, "latency_ms": config["latency_ms"], "jitter_ms": config["jitter_ms"],
              "rate_limit": rate, "client_rate": float(rate) if rate else 1000.0,
              "naive_rate": rate * NAIVE_MARGIN if rate else None, "naive_max_requests": args.naive_max_requests,
              "repeats": config["repeats"], "progress": _log}
    crawls = []
    for name in [d.strip() for d in args.datasets.split(",") if d.strip()]:
        if name == "demo":
            found = _demo(args.demo_data)
            if isinstance(found, str):
                _log(f"[crawl:demo] skipped: {found}")
                crawls.append({"dataset": "demo", "skipped": found})
                continue
            path, seeds = found
            crawls.append(bench_dataset("demo", path, seeds, max_works=200_000, work_dir=work / "demo",
                                        extra_seeds={"presets": DEMO_SEED_NAMES}, **common))
        elif name == "synthetic":
            n = config["synthetic_works"]
            started = time.monotonic()
            written = write_works(work / f"synthetic-{n}" / "works.jsonl.gz", n, seed=args.seed, mean_refs=args.mean_refs)
            _log(f"[crawl:synthetic] generated {n:,} works, {written['edges']:,} edges in "
                 f"{time.monotonic() - started:.1f}s; seeds {', '.join(s.rsplit('/', 1)[-1] for s in written['seeds'])}")
            # max_works = the dataset size: the depth-2 crawl is never cut short (checked: budget_reached).
            result = bench_dataset(f"synthetic-{n // 1000}k" if n >= 1000 else f"synthetic-{n}", written["path"],
                                   written["seeds"], max_works=n, work_dir=work / "synthetic", **common)
            result["generator"] = {"n": n, "edges": written["edges"], "seed": args.seed, "mean_refs": args.mean_refs}
            crawls.append(result)
        else:
            raise SystemExit(f"unknown dataset {name!r}: use demo and/or synthetic")
    return crawls


def run_analysis(args: argparse.Namespace, config: dict[str, Any]) -> dict[str, Any]:
    sizes = [parse_size(s) for s in (args.sizes or config["sizes"]).split(",") if s.strip()]
    results = run_sizes(sizes, mean_refs=args.mean_refs, seed=args.seed, timeout=config["timeout"],
                        mem_limit_gib=args.mem_limit_gib, progress=_log)
    notes = []
    for failed in [r for r in results if not r.get("ok")]:
        if args.fallback_mean_refs and args.fallback_mean_refs < args.mean_refs:
            retry = run_sizes([failed["n"]], mean_refs=args.fallback_mean_refs, seed=args.seed,
                              timeout=config["timeout"], mem_limit_gib=args.mem_limit_gib, progress=_log)
            results += retry
            notes.append(f"{failed['n']:,} works at mean_refs {args.mean_refs:g} failed ({failed.get('error')}); "
                         f"measured again at mean_refs {args.fallback_mean_refs:g}: "
                         + ("ok" if retry[0].get("ok") else f"failed too ({retry[0].get('error')})") + ".")
    return {"sizes": sizes, "mean_refs": args.mean_refs, "results": results, "exponents": exponents(results),
            "notes": notes}


def _python_pipeline(args: argparse.Namespace, config: dict[str, Any], sizes: Sequence[int],
                     analysis: dict[str, Any] | None, measured_now: bool) -> list[dict[str, Any]]:
    """The Python pipeline at the snapshot's sizes: from this run's analysis section when it has
    them, else measured now (one ``analysis_scaling`` subprocess per size)."""
    known = {r["n"]: r for r in (analysis or {}).get("results", []) if r.get("ok") and r["mean_refs"] == args.mean_refs}
    rows = []
    for n in sizes:
        if measured_now and n in known:
            rows.append({**known[n], "source": "the analysis section of the run that measured this section"})
        else:
            rows += [{**r, "source": "measured for this section"} for r in
                     run_sizes([n], mean_refs=args.mean_refs, seed=args.seed, timeout=config["timeout"],
                               mem_limit_gib=args.mem_limit_gib, progress=_log)]
    return rows


def run_snapshot_section(args: argparse.Namespace, config: dict[str, Any], work: Path,
                         analysis: dict[str, Any] | None, analysis_now: bool) -> dict[str, Any]:
    sizes = [parse_size(s) for s in (args.snapshot_sizes or config["snapshot_sizes"]).split(",") if s.strip()]
    engines = [e.strip() for e in args.snapshot_engines.split(",") if e.strip()]
    formats = [f.strip() for f in args.snapshot_formats.split(",") if f.strip()]
    grid = run_grid(sizes, engines, formats, data_dir=args.snapshot_data or work / "snapshots", seed=args.seed,
                    mean_refs=args.mean_refs, timeout=args.snapshot_timeout or config["timeout"],
                    part_records=config["snapshot_part_records"], progress=_log)
    for engine, reason in grid["skipped"].items():
        _log(f"[snapshot] {engine} skipped: {reason}")
    grid["python"] = _python_pipeline(args, config, sizes, analysis, analysis_now)
    grid["full"] = full_snapshot_size(args.full_manifest)
    grid["extrapolation"] = extrapolate(grid["runs"], grid["full"])
    return grid


def _section_stamp(started: str, command: str) -> dict[str, Any]:
    return {"started": started, "finished": _now(), "git": _git(), "load_end": _load(), "command": command}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    config = dict(QUICK if args.quick else FULL)
    for key, value in (("synthetic_works", args.synthetic_works), ("latency_ms", args.latency),
                       ("jitter_ms", args.jitter), ("rate_limit", args.rate_limit), ("repeats", args.repeats),
                       ("timeout", args.timeout)):
        if value is not None:
            config[key] = value
    command = "python -m benchmarks.run" + ("" if argv is None and len(sys.argv) <= 1 else " " + " ".join(
        sys.argv[1:] if argv is None else argv))
    results: dict[str, Any] = {
        "schema": 1, "command": command, "quick": args.quick, "started": _now(), "machine": machine_info(),
        "settings": {**config, "depth": args.depth, "mean_refs": args.mean_refs, "seed": args.seed,
                     "naive_pacing": f"{NAIVE_MARGIN:.0%} of the rate limit, retry on 429"},
    }
    _log(f"benchmark {'(quick) ' if args.quick else ''}on {results['machine']['cpus']} CPUs, "
         f"load {results['machine']['load_start']}")
    if args.only_snapshot:
        args.skip_crawl = args.skip_analysis = True
    work = Path(tempfile.mkdtemp(prefix="citegraph-bench-"))
    results["sections"] = {}
    try:
        if not args.skip_crawl:
            started = _now()
            results["crawl"] = run_crawls(args, config, work)
            results["sections"]["crawl"] = _section_stamp(started, command)
        if not args.skip_analysis:
            started = _now()
            results["analysis"] = run_analysis(args, config)
            results["sections"]["analysis"] = _section_stamp(started, command)
        if not args.skip_snapshot:
            started = _now()
            results["snapshot"] = run_snapshot_section(args, config, work, results.get("analysis"),
                                                       not args.skip_analysis)
            results["sections"]["snapshot"] = _section_stamp(started, command)
    finally:
        if args.keep_data:
            _log(f"data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results["finished"] = _now()
    results["load_end"] = _load()
    previous_file = args.out / "results.json"
    if previous_file.is_file():
        previous = json.loads(previous_file.read_text(encoding="utf-8"))
        if bool(previous.get("quick")) == args.quick:
            results = merge_results(previous, results)
    results["targets"] = evaluate_targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (args.out / "RESULTS.md").write_text(render(results), encoding="utf-8")
    _log(f"wrote {args.out / 'RESULTS.md'} and {args.out / 'results.json'}")
    for target in results["targets"]:
        mark = "n/a" if target["met"] is None else "met" if target["met"] else "MISSED"
        _log(f"  [{mark}] {target['target']}: {target['value']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
