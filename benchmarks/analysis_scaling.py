"""Analysis scaling: time and peak memory of slim records → graph → terms → analysis, by size.

Each size runs in a fresh subprocess (``python -m benchmarks.analysis_scaling --child N``), so
its peak RSS (``ru_maxrss``) is its own, a crash or a memory limit cannot take the benchmark
down, and a timeout can stop it. The child generates synthetic works (``benchmarks.synthetic``,
not timed), then times, per stage:

* ``slim``: ``records.slim_record`` on every raw record (what the crawler does per response);
* ``build_graph``: ``graph.build_graph`` over the slim records (the records are dropped after);
* ``terms``: ``terms.term_uses`` (as run inside ``analysis.analyze``);
* ``analysis``: the rest of ``analysis.analyze`` — origin (earliest adopters, adoption chains),
  spread (adoption by year, spelling, collocations, mediation, bursts), main path, RPYS —
  split by ``Analysis.timings``; ``analysis_other`` is what ``analyze`` does outside its timers.

``stages_cpu`` gives the CPU seconds of the same stages (terms and analysis together) and
``load_average`` the machine's load when the size finished: on a shared machine, wall time
includes waiting for a core.

Memory: ``peak_rss_mb`` is the process's high-water mark (``VmHWM``), read after each stage
too; ``baseline_rss_mb`` is the interpreter with citegraph, networkx and pandas imported, before
any data. Growth exponents are least-squares slopes of log(time) and log(peak - baseline)
against log(n).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import subprocess
import sys
import time
from typing import Any, Sequence

__all__ = ["measure", "run_sizes", "growth_exponent"]

STAGES = ("slim", "build_graph", "terms", "analysis")


def _status_mb(field: str) -> float:
    """``VmRSS`` / ``VmHWM`` of this process in MB (Linux ``/proc``), else ``ru_maxrss`` (which,
    on Linux, may include the parent's peak from before ``exec``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _note(message: str) -> None:
    """Stage progress on stderr (the parent keeps its tail when a size fails or times out)."""
    print(f"{time.strftime('%H:%M:%S')} {message} (RSS {_status_mb('VmRSS'):,.0f} MB)", file=sys.stderr, flush=True)


def measure(n: int, *, mean_refs: float = 20.0, seed: int = 0) -> dict[str, Any]:
    """One size, in this process: stage times (s), edges, RSS after each stage and the peak."""
    from citegraph.analysis import analyze
    from citegraph.graph import build_graph
    from citegraph.records import slim_record
    from benchmarks.synthetic import SyntheticDataset

    baseline = _status_mb("VmRSS")
    clock, cpu = time.perf_counter, time.process_time
    started = clock()
    dataset = SyntheticDataset(n, seed=seed, mean_refs=mean_refs)
    seeds = [s.rsplit("/", 1)[-1] for s in dataset.seeds]
    records: dict[str, Any] = {}
    slim_s = slim_cpu = 0.0
    for raw in dataset.works():
        t, c = clock(), cpu()
        record = slim_record(raw)
        slim_s += clock() - t
        slim_cpu += cpu() - c
        records[record.id] = record
    generate_s = clock() - started - slim_s
    del dataset, raw
    _note(f"n={n}: generated in {generate_s:.1f}s, slim records in {slim_s:.1f}s")
    rss: dict[str, float] = {"slim": _status_mb("VmRSS")}
    hwm: dict[str, float] = {"slim": _status_mb("VmHWM")}

    t, c = clock(), cpu()
    graph = build_graph(records, seeds=seeds, seed_names={s: f"seed{k}" for k, s in enumerate(seeds, 1)})
    build_s, build_cpu = clock() - t, cpu() - c
    hwm["build_graph"] = _status_mb("VmHWM")
    _note(f"n={n}: build_graph in {build_s:.1f}s")
    del records
    gc.collect()
    rss["build_graph"] = _status_mb("VmRSS")

    t, c = clock(), cpu()
    result = analyze(graph, terms=("pre-training",))
    analyze_s, analyze_cpu = clock() - t, cpu() - c
    hwm["analysis"] = _status_mb("VmHWM")
    _note(f"n={n}: analyze in {analyze_s:.1f}s")
    rss["analysis"] = _status_mb("VmRSS")
    timings = dict(result.timings)
    terms_s = timings.pop("terms", 0.0)
    analysis_s = analyze_s - terms_s
    parts = {k: round(v, 3) for k, v in timings.items()}
    parts["analysis_other"] = round(analysis_s - sum(timings.values()), 3)
    coverage = result.coverage
    return {
        "n": n,
        "mean_refs": mean_refs,
        "seed": seed,
        "works": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "adopters": coverage["adopters"],
        "generate_s": round(generate_s, 3),
        "stages": {"slim": round(slim_s, 3), "build_graph": round(build_s, 3), "terms": round(terms_s, 3),
                   "analysis": round(analysis_s, 3)},
        "analysis_parts": parts,
        # CPU seconds of this process: on a shared machine wall time includes waiting for a core
        "stages_cpu": {"slim": round(slim_cpu, 3), "build_graph": round(build_cpu, 3), "terms_and_analysis": round(analyze_cpu, 3)},
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "total_s": round(slim_s + build_s + analyze_s, 3),
        "baseline_rss_mb": baseline,
        "rss_after_mb": rss,
        "peak_rss_after_mb": hwm,
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child would report the
        # benchmark parent's peak when that is larger.
        "peak_rss_mb": _status_mb("VmHWM"),
        "main_path_steps": int((result.main_path["kind"] == "global").sum()) if len(result.main_path) else 0,
        "earliest_adopter_year": int(result.earliest["year"].iloc[0]) if len(result.earliest) else None,
        "ok": True,
    }


def _limit_memory(gib: float | None) -> None:
    if gib:
        limit = int(gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_sizes(sizes: Sequence[int], *, mean_refs: float = 20.0, seed: int = 0, timeout: float = 1200.0,
              mem_limit_gib: float | None = 16.0, progress: Any = print) -> list[dict[str, Any]]:
    """Measure each size in its own subprocess; a failure (timeout, memory) is a result too."""
    results = []
    for n in sizes:
        command = [sys.executable, "-m", "benchmarks.analysis_scaling", "--child", str(n),
                   "--mean-refs", str(mean_refs), "--seed", str(seed)]
        if mem_limit_gib:
            command += ["--mem-limit-gib", str(mem_limit_gib)]
        progress(f"[analysis] n={n:,} mean_refs={mean_refs:g} ...")
        started = time.monotonic()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            stderr = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
            reached = " | ".join(stderr.strip().splitlines()[-2:])
            results.append({"n": n, "mean_refs": mean_refs, "ok": False,
                            "error": f"timed out after {timeout:.0f}s" + (f" (last: {reached})" if reached else ""),
                            "wall_s": round(time.monotonic() - started, 1)})
            progress(f"[analysis] n={n:,}: timed out after {timeout:.0f}s")
            continue
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            tail = (done.stderr or done.stdout).strip().splitlines()[-4:]
            results.append({"n": n, "mean_refs": mean_refs, "ok": False, "returncode": done.returncode,
                            "error": " | ".join(tail) or f"exit code {done.returncode}",
                            "wall_s": round(time.monotonic() - started, 1)})
            progress(f"[analysis] n={n:,}: failed ({results[-1]['error'][:200]})")
            continue
        result = json.loads(lines[-1])
        result["wall_s"] = round(time.monotonic() - started, 1)
        results.append(result)
        progress(f"[analysis] n={n:,}: {result['edges']:,} edges, {result['total_s']}s "
                 f"(slim {result['stages']['slim']}, build {result['stages']['build_graph']}, "
                 f"terms {result['stages']['terms']}, analysis {result['stages']['analysis']}), "
                 f"peak {result['peak_rss_mb']:.0f} MB")
    return results


def growth_exponent(points: Sequence[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) against log(x); ``None`` with fewer than two usable points."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(usable) < 2:
        return None
    mx = sum(x for x, _ in usable) / len(usable)
    my = sum(y for _, y in usable) / len(usable)
    sxx = sum((x - mx) ** 2 for x, _ in usable)
    if not sxx:
        return None
    return round(sum((x - mx) * (y - my) for x, y in usable) / sxx, 3)


def exponents(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Growth exponents over the successful sizes that share the first size's ``mean_refs``."""
    ok = [r for r in results if r.get("ok")]
    if ok:
        ok = [r for r in ok if r["mean_refs"] == ok[0]["mean_refs"]]
    out: dict[str, Any] = {"sizes": [r["n"] for r in ok]}
    out["time"] = growth_exponent([(r["n"], r["total_s"]) for r in ok])
    out["time_vs_edges"] = growth_exponent([(r["edges"], r["total_s"]) for r in ok])
    out["steps"] = [growth_exponent([(a["n"], a["total_s"]), (b["n"], b["total_s"])]) for a, b in zip(ok, ok[1:])]
    out["memory"] = growth_exponent([(r["n"], r["peak_rss_mb"] - r["baseline_rss_mb"]) for r in ok])
    out["per_stage"] = {stage: growth_exponent([(r["n"], r["stages"][stage]) for r in ok]) for stage in STAGES}
    parts = sorted({k for r in ok for k in r.get("analysis_parts", {})})
    out["analysis_parts"] = {p: growth_exponent([(r["n"], r["analysis_parts"].get(p, 0.0)) for r in ok]) for p in parts}
    return out


def _child(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.analysis_scaling")
    parser.add_argument("--child", type=int, required=True, help="measure this many works and print JSON")
    parser.add_argument("--mean-refs", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mem-limit-gib", type=float, default=None)
    args = parser.parse_args(argv)
    _limit_memory(args.mem_limit_gib)
    try:
        result = measure(args.child, mean_refs=args.mean_refs, seed=args.seed)
    except MemoryError:
        print(json.dumps({"n": args.child, "mean_refs": args.mean_refs, "ok": False,
                          "error": f"MemoryError (address space limited to {args.mem_limit_gib} GiB)",
                          "peak_rss_mb": _status_mb("VmHWM")}))
        return 0
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
