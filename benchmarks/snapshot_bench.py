"""Snapshot scaling: ``citegraph snapshot`` over synthetic snapshots, by engine, format and size.

Each (size, engine, format) runs in a fresh subprocess (``python -m benchmarks.snapshot_bench
--child ...``) that does what ``citegraph snapshot PATH --term pre-training`` does with no seeds:
scan every part, check the manifest's counts, match the term (citegraph's own matcher), build
the graph of the term's users and their citation neighbours (``--max-works``, 5000 by default)
and write it with the corpus CSVs (:func:`citegraph.snapshot.run_snapshot`). The child reports
the engine's start (for Spark, the JVM's) and ``run_snapshot``'s own timings (scan, match,
graph, corpus), and the total.

Memory is the **process tree's**: Spark's work happens in a JVM that PySpark starts as a child,
so the child's own ``VmHWM`` would miss it. The parent polls ``/proc`` every
``SAMPLE_S`` seconds for the child and all its descendants and keeps, per process, the last
``VmHWM`` seen (the kernel's own high-water mark, so a peak between two polls is not lost
while the process lives). ``peak_rss_mb`` is their sum: each process's own peak, an upper bound
of the tree's simultaneous peak. ``sampled_rss_mb``, the largest summed ``VmRSS`` seen at one
poll, is a lower bound. For DuckDB the tree is one process and the two agree.

The synthetic snapshots (``benchmarks.snapshot_data.write_synthetic_snapshot``, both formats,
400k records a part as OpenAlex ships them) are written once per size into a data directory and
reused; writing them is not timed.

:func:`extrapolate` turns the measured scan rate into the full snapshot's time, assuming the
cost is linear in works (and, separately, in compressed bytes, since real records are larger
than synthetic ones) and that Spark executors split the scan evenly.

Standalone (the snapshot section of ``RESULTS.md`` only, merged with the sections already in
``results.json``): ``python -m benchmarks.run --only-snapshot``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

__all__ = ["ENGINES", "FORMATS", "FULL_SNAPSHOT", "ensure_snapshot", "measure", "run_one", "run_grid",
           "spark_unavailable", "full_snapshot_size", "extrapolate"]

ENGINES = ("duckdb", "spark")
FORMATS = ("jsonl", "parquet")
SPARK_MASTER = "local[2]"
SAMPLE_S = 0.2
#: The full snapshot's size when no manifest is given and none is recorded in
#: ``../shared/data/openalex`` (its PROVENANCE.md lists no manifest and no total count): issue 15
#: ("all 250M+ works", "~330 GB gzipped"); docs.openalex.org/api-entities/works says "over 240M works".
FULL_SNAPSHOT = {"works": 250_000_000, "jsonl_bytes": 330 * 10**9,
                 "source": "documented constant, no manifest given or recorded: issue 15 (\"250M+ works\", "
                           "\"~330 GB gzipped\"; docs.openalex.org/api-entities/works: \"over 240M works\")"}
#: Executor counts the extrapolation lists (each executor a 2-core ``local[2]`` equivalent).
EXECUTORS = (1, 10, 100)

Progress = Callable[[str], None]


# ---------------------------------------------------------------------------- data


def ensure_snapshot(data_dir: Path, n: int, *, seed: int = 0, mean_refs: float = 20.0,
                    part_records: int = 400_000) -> dict[str, Any]:
    """The synthetic snapshot of ``n`` works under ``data_dir``, written unless already there.

    ``seeds.json`` is the last file :func:`~benchmarks.snapshot_data.write_synthetic_snapshot`
    writes, so its presence (with both manifests) means a complete earlier write.
    """
    from benchmarks.snapshot_data import write_synthetic_snapshot

    root = data_dir / f"synthetic-{n}-seed{seed}-refs{mean_refs:g}"
    manifests = {fmt: root / "data" / fmt / "works" / "manifest.json" for fmt in FORMATS}
    written_s = None
    if not ((root / "seeds.json").is_file() and all(m.is_file() for m in manifests.values())):
        shutil.rmtree(root, ignore_errors=True)
        started = time.monotonic()
        write_synthetic_snapshot(root, n, seed=seed, mean_refs=mean_refs, part_records=part_records)
        written_s = round(time.monotonic() - started, 1)
    sizes = {}
    for fmt, manifest in manifests.items():
        meta = json.loads(manifest.read_text(encoding="utf-8"))
        sizes[fmt] = {"parts": len(meta["entries"]),
                      "bytes": sum(int(e["meta"]["content_length"]) for e in meta["entries"]),
                      "records": sum(int(e["meta"]["record_count"]) for e in meta["entries"])}
    return {"root": root, "n": n, "formats": sizes, "written_s": written_s}


# ---------------------------------------------------------------------------- one run (the child)


def _own_hwm_mb() -> float | None:
    status = _status(os.getpid())
    return status.get("VmHWM")


def measure(root: Path, engine_name: str, fmt: str, out_dir: Path, *, spark_master: str = SPARK_MASTER,
            max_works: int = 5000) -> dict[str, Any]:
    """One ``citegraph snapshot ROOT --term pre-training --engine E --format F`` in this process."""
    from citegraph.snapshot import SnapshotOptions, open_engine, run_snapshot

    clock = time.perf_counter
    started = clock()
    engine = open_engine(engine_name, spark_master=spark_master)
    start_s = clock() - started
    try:
        options = SnapshotOptions(engine=engine_name, spark_master=spark_master, format=fmt, max_works=max_works)
        t = clock()
        report = run_snapshot(root, ["pre-training"], out_dir, options=options, engine=engine)
        run_s = clock() - t
    finally:
        engine.close()
    s = report.summary
    return {"engine": engine_name, "format": fmt, "records": s["snapshot"]["records"], "parts": s["snapshot"]["parts"],
            "start_s": round(start_s, 3), "run_s": round(run_s, 3), "total_s": round(clock() - started, 3),
            "timings": s["timings"], "candidates": s["candidates"], "term_users": s["term_users"]["pre-training"],
            "graph_works": s["works"], "graph_edges": s["edges"], "left_out": s["left_out_by_max_works"],
            "max_works": max_works, "python_peak_rss_mb": _own_hwm_mb(), "ok": True}


def _child(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.snapshot_bench")
    parser.add_argument("--child", type=Path, required=True, help="the snapshot root to measure; prints JSON")
    parser.add_argument("--engine", choices=ENGINES, required=True)
    parser.add_argument("--format", choices=FORMATS, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--spark-master", default=SPARK_MASTER)
    parser.add_argument("--max-works", type=int, default=5000)
    args = parser.parse_args(argv)
    result = measure(args.child, args.engine, args.format, args.out, spark_master=args.spark_master,
                     max_works=args.max_works)
    print(json.dumps(result))
    return 0


# ---------------------------------------------------------------------------- the process tree's memory


def _status(pid: int) -> dict[str, float]:
    """``VmRSS`` and ``VmHWM`` (MB) of a live process; empty when it is gone."""
    out: dict[str, float] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (``/proc/PID/task/*/children``)."""
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(x) for x in handle.read().split()]
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    seen, todo = [], [pid]
    while todo:
        current = todo.pop()
        seen.append(current)
        todo += [c for c in _children(current) if c not in seen]
    return seen


class TreeMemory:
    """The per-process peaks and the largest summed RSS of a process tree, polled (see the module docstring)."""

    def __init__(self) -> None:
        self.hwm: dict[int, float] = {}
        self.names: dict[int, str] = {}
        self.sampled_mb = 0.0

    def poll(self, pid: int) -> None:
        total = 0.0
        for member in _tree(pid):
            status = _status(member)
            if not status:
                continue
            total += status.get("VmRSS", 0.0)
            self.hwm[member] = max(self.hwm.get(member, 0.0), status.get("VmHWM", 0.0))
            try:  # the latest name: PySpark's fork is "python" until it execs spark-submit, then java
                self.names[member] = Path(f"/proc/{member}/comm").read_text().strip()
            except OSError:
                self.names.setdefault(member, "?")
        self.sampled_mb = max(self.sampled_mb, total)

    def summary(self) -> dict[str, Any]:
        by_name: dict[str, float] = {}
        for pid, peak in self.hwm.items():
            by_name[self.names.get(pid, "?")] = round(by_name.get(self.names.get(pid, "?"), 0.0) + peak, 1)
        return {"peak_rss_mb": round(sum(self.hwm.values()), 1), "sampled_rss_mb": round(self.sampled_mb, 1),
                "processes": len(self.hwm), "peak_by_process_mb": by_name}


def run_one(root: Path, engine: str, fmt: str, *, timeout: float, spark_master: str = SPARK_MASTER,
            max_works: int = 5000) -> dict[str, Any]:
    """One (engine, format) over ``root`` in a fresh subprocess, its tree's memory polled.

    A failure (exit code, timeout) is a result too, with the tail of the child's stderr."""
    out_dir = Path(tempfile.mkdtemp(prefix="citegraph-snapbench-out-"))
    command = [sys.executable, "-m", "benchmarks.snapshot_bench", "--child", str(root), "--engine", engine,
               "--format", fmt, "--out", str(out_dir / "out"), "--spark-master", spark_master,
               "--max-works", str(max_works)]
    env = {**os.environ, "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1")}
    memory = TreeMemory()
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        child = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True, env=env)
        try:
            while child.poll() is None:
                memory.poll(child.pid)
                if time.monotonic() - started > timeout:
                    _stop(child)
                    break
                time.sleep(SAMPLE_S)
        finally:
            if child.poll() is None:
                _stop(child)
        wall_s = round(time.monotonic() - started, 1)
        stdout.seek(0)
        stderr.seek(0)
        lines = [line for line in stdout.read().splitlines() if line.startswith("{")]
        errors = stderr.read()
    shutil.rmtree(out_dir, ignore_errors=True)
    base = {"engine": engine, "format": fmt, "wall_s": wall_s, **memory.summary()}
    if child.returncode != 0 or not lines:
        reason = (f"timed out after {timeout:.0f}s" if wall_s >= timeout else
                  " | ".join(errors.strip().splitlines()[-3:]) or f"exit code {child.returncode}")
        return {**base, "ok": False, "error": reason[:600]}
    result = json.loads(lines[-1])
    # The child's own VmHWM is exact; the poll may have missed its last moments.
    result.update(base)
    result["peak_rss_mb"] = max(result["peak_rss_mb"], result.get("python_peak_rss_mb") or 0.0)
    return result


def _stop(child: subprocess.Popen) -> None:
    """Stop the child and its JVM (they share the child's process group only if we made one, so by tree)."""
    for member in reversed(_tree(child.pid)):
        try:
            os.kill(member, 9)
        except OSError:
            pass
    child.wait()


# ---------------------------------------------------------------------------- the grid


def spark_unavailable() -> str | None:
    """Why the Spark engine cannot run here (``None`` when it can be tried)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install 'citegraph[spark]')"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no java runtime (install Debian's default-jre-headless)"
    return None


def run_grid(sizes: Sequence[int], engines: Sequence[str], formats: Sequence[str], *, data_dir: Path,
             seed: int = 0, mean_refs: float = 20.0, timeout: float = 1200.0, max_works: int = 5000,
             part_records: int = 400_000, progress: Progress = print) -> dict[str, Any]:
    """Every (size, engine, format), smallest size first; engines that cannot run are skipped with the reason."""
    skipped = {"spark": spark_unavailable()} if "spark" in engines else {}
    runs: list[dict[str, Any]] = []
    data: list[dict[str, Any]] = []
    for n in sizes:
        snapshot = ensure_snapshot(data_dir, n, seed=seed, mean_refs=mean_refs, part_records=part_records)
        if snapshot["written_s"] is not None:
            progress(f"[snapshot] wrote {n:,} synthetic works in both formats in {snapshot['written_s']}s")
        data.append({k: (str(v) if isinstance(v, Path) else v) for k, v in snapshot.items()})
        for engine in engines:
            if skipped.get(engine):
                continue
            for fmt in formats:
                progress(f"[snapshot] n={n:,} {engine} {fmt} ...")
                result = {"n": n, **run_one(snapshot["root"], engine, fmt, timeout=timeout, max_works=max_works),
                          "bytes": snapshot["formats"][fmt]["bytes"]}
                runs.append(result)
                if result["ok"]:
                    progress(f"[snapshot] n={n:,} {engine} {fmt}: {result['total_s']}s (scan "
                             f"{result['timings'].get('scan_s')}s), peak {result['peak_rss_mb']:,.0f} MB "
                             f"over {result['processes']} process(es), {result['term_users']:,} term users")
                else:
                    progress(f"[snapshot] n={n:,} {engine} {fmt}: failed ({result['error'][:200]})")
    return {"sizes": list(sizes), "engines": list(engines), "formats": list(formats), "mean_refs": mean_refs,
            "seed": seed, "max_works": max_works, "spark_master": SPARK_MASTER, "data": data, "runs": runs,
            "skipped": {k: v for k, v in skipped.items() if v}}


# ---------------------------------------------------------------------------- the full snapshot


def full_snapshot_size(manifest: Path | None = None) -> dict[str, Any]:
    """The full snapshot's works (and compressed bytes) from a real ``manifest.json``, else
    :data:`FULL_SNAPSHOT`. A manifest's top-level ``meta`` is used when present, else its entries are summed."""
    if manifest is None:
        return dict(FULL_SNAPSHOT)
    data = json.loads(Path(manifest).read_text(encoding="utf-8"))
    meta = data.get("meta") or {}
    entries = data.get("entries") or []
    works = meta.get("record_count") or sum(int((e.get("meta") or {}).get("record_count", 0)) for e in entries)
    size = meta.get("content_length") or sum(int((e.get("meta") or {}).get("content_length", 0)) for e in entries)
    fmt = "parquet" if "parquet" in Path(manifest).parts or any(".parquet" in str(e.get("url")) for e in entries) \
        else "jsonl"
    return {"works": int(works), f"{fmt}_bytes": int(size) or None, "parts": len(entries),
            "source": f"manifest {manifest} ({len(entries):,} parts)"}


def _rate(points: Sequence[Mapping[str, Any]], key: str) -> tuple[float, float] | None:
    """(seconds per unit, fixed seconds) from the two largest runs' totals, or the largest alone
    (then all of its time counts as per-unit: a conservative reading)."""
    ok = sorted((p for p in points if p.get("ok")), key=lambda p: p[key])
    if not ok:
        return None
    if len(ok) >= 2 and ok[-1][key] > ok[-2][key]:
        a, b = ok[-2], ok[-1]
        slope = (b["total_s"] - a["total_s"]) / (b[key] - a[key])
        if slope > 0:
            return slope, max(0.0, b["total_s"] - slope * b[key])
    return ok[-1]["total_s"] / ok[-1][key], 0.0


def extrapolate(runs: Sequence[Mapping[str, Any]], full: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per (engine, format): the full snapshot's time on this machine and spread over Spark executors.

    Assumptions, stated in the table: the cost is linear in works (the marginal seconds per work
    between the two largest sizes, plus their fixed part: start, graph, corpus view); by bytes too
    for JSON lines, whose real records are bigger than synthetic ones; executors split the scan
    evenly (a 2-core executor scans at this machine's rate), the fixed part is not divided."""
    rows = []
    for engine, fmt in sorted({(r["engine"], r["format"]) for r in runs}):
        points = [r for r in runs if r["engine"] == engine and r["format"] == fmt]
        by_works = _rate(points, "n")
        if by_works is None:
            continue
        per_work, fixed = by_works
        row: dict[str, Any] = {"engine": engine, "format": fmt, "us_per_work": round(per_work * 1e6, 3),
                               "fixed_s": round(fixed, 1), "full_works": full["works"],
                               "hours_by_works": round((fixed + per_work * full["works"]) / 3600, 2)}
        full_bytes = full.get(f"{fmt}_bytes")
        by_bytes = _rate(points, "bytes") if full_bytes else None
        if by_bytes:
            row["mb_per_s"] = round(1 / by_bytes[0] / 1e6, 2)
            row["hours_by_bytes"] = round((by_bytes[1] + by_bytes[0] * full_bytes) / 3600, 2)
        worst = max(row["hours_by_works"], row.get("hours_by_bytes") or 0.0)
        if engine == "spark":
            row["executors"] = {k: round(fixed / 3600 + (worst - fixed / 3600) / k, 2) for k in EXECUTORS}
        rows.append(row)
    return rows


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
