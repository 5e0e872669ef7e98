"""Crawl benchmark: citegraph and the naive crawler against the floor, on one dataset.

The stand-in runs in its own process (``python -m citegraph.standin``), so serving requests
does not compete with the crawler for the GIL, with latency and OpenAlex's rate limit switched
on. For each dataset: the floor from the data file (``floor.py``), then citegraph's
``run_crawl`` with a fresh cache, then the naive crawler (``naive.py``), each measured from the
stand-in's request log (requests, 429s, dollars charged) and a wall clock.

Times: ``crawl_s`` is seed resolution + every fetch level (until citegraph's last ``refs``
progress event): the part the rate-limit floor bounds. ``total_s`` adds building the graph and
writing its five files (graph.json, GraphML, GEXF, two CSVs), which no request bounds.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Sequence

from citegraph.config import Settings
from citegraph.crawl import CrawlOptions
from citegraph.pipeline import run_crawl
from citegraph.progress import LevelDone, SeedsResolved

from .floor import bfs_levels, crawl_floor, read_references
from .naive import naive_crawl

__all__ = ["StandinProcess", "bench_dataset"]

log = logging.getLogger("benchmarks")


class StandinProcess:
    """``python -m citegraph.standin DATA ...`` in a subprocess; the first stdout line is its URL."""

    def __init__(self, data: Path, *, latency_ms: float, jitter_ms: float, rate_limit: int | None,
                 start_timeout: float = 600.0) -> None:
        command = [sys.executable, "-m", "citegraph.standin", str(data), "--port", "0",
                   "--latency", str(latency_ms), "--jitter", str(jitter_ms)]
        if rate_limit:
            command += ["--rate-limit", str(rate_limit)]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.url = self._read_url(start_timeout)

    def _read_url(self, timeout: float) -> str:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(self.process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        if not box or not box[0].startswith("http"):
            self.stop()
            error = self.process.stderr.read() if self.process.stderr else ""  # type: ignore[union-attr]
            raise RuntimeError(f"the stand-in did not start: {error.strip()[-500:]}")
        return box[0].strip()

    def _call(self, method: str, path: str) -> dict[str, Any]:
        request = urllib.request.Request(self.url + path, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def log(self) -> dict[str, Any]:
        """The stand-in's request log: ``{"entries": [...], "summary": {...}}``."""
        return self._call("GET", "/_standin/log")

    def reset(self) -> None:
        self._call("POST", "/_standin/reset")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "StandinProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _served_run(standin: Any, seeds: Sequence[str], **crawl: Any) -> dict[str, Any]:
    """One citegraph crawl on a freshly reset stand-in, with requests and dollars as the server counted them."""
    standin.reset()
    measured = _run_citegraph(standin.url, seeds, **crawl)
    measured["served"] = _served(standin.log())
    measured["requests"] = measured["served"]["requests"]
    measured["cost_usd"] = measured["served"]["cost_usd"]
    return measured


def _served(log_body: dict[str, Any]) -> dict[str, Any]:
    """What the stand-in saw: requests, by kind and status, 429s, dollars charged."""
    summary = log_body["summary"]
    entries = log_body["entries"]
    span = (max(e["time"] for e in entries) - min(e["time"] for e in entries)) if entries else 0.0
    return {
        "requests": summary["requests"],
        "by_kind": summary["by_kind"],
        "by_status": summary["by_status"],
        "rate_limited": summary["by_status"].get("429", 0),
        "cost_usd": round(summary["cost_usd"], 6),
        "ids_requested": summary["ids_requested"],
        "first_to_last_request_s": round(span, 3),
    }


def _ratio(value: float | None, floor: float | None, digits: int = 3) -> float | None:
    if value is None or not floor:
        return None
    return round(value / floor, digits)


def _run_citegraph(url: str, seeds: Sequence[str], *, depth: int, rate: float, max_works: int,
                   work_dir: Path) -> dict[str, Any]:
    cache, out = work_dir / "cache", work_dir / "out"
    settings = Settings(api_url=url, cache_dir=cache, rate_limit=rate)
    events: list[tuple[float, dict[str, Any]]] = []
    started = time.monotonic()
    report = run_crawl(settings, list(seeds), out, options=CrawlOptions(depth=depth, max_works=max_works),
                       on_progress=lambda event: events.append((time.monotonic(), event)))
    total = time.monotonic() - started
    fetch_done = max((t for t, e in events if isinstance(e, SeedsResolved) or (isinstance(e, LevelDone) and e.kind == "refs")),
                     default=started + total)
    seeds_done = next((t for t, e in events if isinstance(e, SeedsResolved)), started)
    summary = report.summary
    return {
        "works": summary["works"],
        "edges": summary["edges"],
        "works_per_depth": summary["works_per_depth"],
        "budget_reached": summary["budget_reached"],
        "client": {k: summary[k] for k in ("requests", "cache_hits", "retries", "cost_usd")},
        "seed_resolution_s": round(seeds_done - started, 3),
        "crawl_s": round(fetch_done - started, 3),
        "total_s": round(total, 3),
        "max_works": max_works,
    }


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else round((ordered[middle - 1] + ordered[middle]) / 2, 3)


def bench_dataset(name: str, data: Path, seeds: Sequence[str], *, depth: int, latency_ms: float, jitter_ms: float,
                  rate_limit: int | None, client_rate: float, max_works: int, naive_rate: float | None,
                  naive_max_requests: int | None, repeats: int = 1, work_dir: Path | None = None,
                  extra_seeds: dict[str, Sequence[str]] | None = None, progress: Any = print) -> dict[str, Any]:
    """Floor, citegraph (``repeats`` runs, fresh cache each) and the naive crawler on one dataset.

    ``extra_seeds`` (label -> seed texts, e.g. the presets ``bert gpt1 ulmfit``) adds one more
    citegraph run each, reported beside the main one (not used for the targets: resolving a
    preset may need a title search or a lookup of its preprint twin).
    """
    started = time.monotonic()
    references = read_references(data)
    levels = bfs_levels(references, seeds, depth)
    floor = crawl_floor(levels, rate=rate_limit, latency_s=(latency_ms + jitter_ms / 2) / 1000)
    result: dict[str, Any] = {
        "dataset": name, "data": str(data), "works_in_data": len(references),
        "edges_in_data": sum(len(r) for r in references.values()), "seeds": list(seeds), "depth": depth,
        "levels": levels, "floor": floor,
    }
    del references
    progress(f"[crawl:{name}] floor: {floor['requests']} requests ({floor['requests_strict']} strict) for "
             f"{floor['works']} works; naive needs {floor['naive_requests']}")
    own_dir = work_dir is None
    work_dir = Path(tempfile.mkdtemp(prefix=f"citegraph-bench-{name}-")) if work_dir is None else work_dir
    try:
        with StandinProcess(data, latency_ms=latency_ms, jitter_ms=jitter_ms, rate_limit=rate_limit) as standin:
            progress(f"[crawl:{name}] stand-in at {standin.url} (up after {time.monotonic() - started:.1f}s)")
            runs = []
            for run in range(1, repeats + 1):
                measured = _served_run(standin, seeds, depth=depth, rate=client_rate, max_works=max_works,
                                       work_dir=work_dir / f"citegraph-{run}")
                runs.append(measured)
                progress(f"[crawl:{name}] citegraph run {run}/{repeats}: {measured['requests']} requests "
                         f"({measured['served']['rate_limited']} answered 429), {measured['crawl_s']}s crawl, "
                         f"{measured['total_s']}s with graph files, ${measured['cost_usd']}")
            extras = {}
            for label, texts in (extra_seeds or {}).items():
                extra = _served_run(standin, texts, depth=depth, rate=client_rate, max_works=max_works,
                                    work_dir=work_dir / f"citegraph-{label}")
                extra["seeds"] = list(texts)
                extras[label] = extra
                progress(f"[crawl:{name}] citegraph with seeds {' '.join(texts)}: {extra['requests']} requests "
                         f"{extra['served']['by_kind']}, {extra['crawl_s']}s crawl, ${extra['cost_usd']}")
            progress(f"[crawl:{name}] naive crawl ({floor['naive_requests']} works"
                     + (f", time-boxed at {naive_max_requests} requests" if naive_max_requests else "") + ")...")
            standin.reset()
            naive = naive_crawl(standin.url, seeds, depth=depth, rate=naive_rate, max_requests=naive_max_requests)
            naive["served"] = _served(standin.log())
            naive["cost_usd"] = naive["served"]["cost_usd"]
    finally:
        if own_dir:
            shutil.rmtree(work_dir, ignore_errors=True)
    _extrapolate(naive, floor)
    progress(f"[crawl:{name}] naive: {naive['requests']} requests, {naive['wall_s']}s"
             + ("" if naive["complete"] else f" (time-boxed; extrapolated: {naive['requests_needed']} requests, "
                                             f"{naive['wall_s_extrapolated']}s)"))
    citegraph = dict(runs[0])  # structure (works, edges) is identical across runs; times are medians
    citegraph["crawl_s"] = _median([r["crawl_s"] for r in runs])
    citegraph["total_s"] = _median([r["total_s"] for r in runs])
    citegraph["requests"] = max(r["requests"] for r in runs)  # the worst run (a 429 adds one)
    citegraph["cost_usd"] = max(r["cost_usd"] for r in runs)
    citegraph["runs"] = [{k: r[k] for k in ("requests", "crawl_s", "total_s", "cost_usd")}
                         | {"rate_limited": r["served"]["rate_limited"]} for r in runs]
    citegraph["repeats"] = repeats
    result["citegraph"] = citegraph
    result["citegraph_extra"] = extras
    result["naive"] = naive
    result["ratios"] = _ratios(citegraph, naive, floor)
    result["works_match"] = all(r["works"] == floor["works"] for r in runs) and (
        not naive["complete"] or naive["works"] == floor["works"])
    return result


def _extrapolate(naive: dict[str, Any], floor: dict[str, Any]) -> None:
    """A time-boxed naive run: requests needed are exact (one per id of the BFS), time is scaled."""
    if naive["complete"]:
        naive["requests_needed"] = naive["requests"]
        naive["wall_s_extrapolated"] = None
        naive["measured"] = "complete run"
        return
    needed = floor["naive_requests"]
    retried = naive["requests"] - naive["rate_limited"]  # distinct ids asked so far
    per_id = naive["wall_s"] / max(1, retried)
    naive["requests_needed"] = needed + math.ceil(naive["rate_limited"] * needed / max(1, retried))
    naive["wall_s_extrapolated"] = round(per_id * needed, 1)
    naive["measured"] = f"extrapolated from {naive['requests']} requests ({retried} of {needed} works)"


def _ratios(citegraph: dict[str, Any], naive: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    naive_requests = naive["requests_needed"]
    naive_time = naive["wall_s"] if naive["complete"] else naive["wall_s_extrapolated"]
    return {
        "citegraph_requests_vs_floor": _ratio(citegraph["requests"], floor["requests"]),
        "citegraph_requests_vs_strict_floor": _ratio(citegraph["requests"], floor["requests_strict"]),
        "citegraph_crawl_time_vs_floor": _ratio(citegraph["crawl_s"], floor["time_s"]),
        "citegraph_total_time_vs_floor": _ratio(citegraph["total_s"], floor["time_s"]),
        "citegraph_cost_vs_floor": _ratio(citegraph["cost_usd"], floor["cost_usd"]),
        "naive_requests_vs_floor": _ratio(naive_requests, floor["requests"], 1),
        "naive_time_vs_floor": _ratio(naive_time, floor["time_s"], 1),
        "naive_over_citegraph_requests": _ratio(naive_requests, citegraph["requests"], 1),
        "naive_over_citegraph_time": _ratio(naive_time, citegraph["crawl_s"], 1),
    }
