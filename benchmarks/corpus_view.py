"""The corpus view of one term on the demo: requests, dollars and seconds (issue 12's budget).

    python -m benchmarks.corpus_view [--term pre-training] [--latency 60 --jitter 40 --rate-limit 10]

A stand-in over the demo data (in this process) with OpenAlex's no-key rate limit and the crawl
benchmark's latency; a fresh cache; seeds BERT, GPT-1 and ULMFiT by id. Prints one JSON object:
the plan, what the stand-in's log saw, and the wall time of ``corpus_view`` (the stand-in's
search index is built before the clock starts).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from citegraph.client import OpenAlexClient
from citegraph.config import Settings
from citegraph.corpus import corpus_view
from citegraph.pipeline import demo_data_path
from citegraph.standin import FaultConfig, StandinServer

SEEDS = {"bert": "W2963341956", "gpt1": "W9425100365", "ulmfit": "W9937203161"}


def measure(data: Path, term: str, *, latency_ms: float, jitter_ms: float, rate_limit: int) -> dict[str, Any]:
    server = StandinServer(data, faults=FaultConfig(latency_ms=latency_ms, jitter_ms=jitter_ms, rate_limit=rate_limit))
    server.index.word_postings("title", True)  # build the search index before timing
    with server, tempfile.TemporaryDirectory() as cache:
        settings = Settings(api_url=server.url, cache_dir=Path(cache), rate_limit=rate_limit, cache_namespace="demo")
        with OpenAlexClient(settings) as client:
            started = time.monotonic()
            view = corpus_view(client, [term], seeds=SEEDS)
            elapsed = time.monotonic() - started
        log = server.log.summary()
    return {"term": term, "scope": view.scope, "plan": view.plan.describe(), "requests": log["requests"],
            "by_status": log["by_status"], "client_retries": view.requests and (log["requests"] - view.requests),
            "cost_usd": log["cost_usd"], "seconds": round(elapsed, 2), "latency_ms": f"{latency_ms}+0..{jitter_ms}",
            "rate_limit": rate_limit, "headline": view.headline(term).describe()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus_view", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="works.jsonl[.gz] [the demo dataset]")
    parser.add_argument("--term", default="pre-training")
    parser.add_argument("--latency", type=float, default=60.0)
    parser.add_argument("--jitter", type=float, default=40.0)
    parser.add_argument("--rate-limit", type=int, default=10)
    args = parser.parse_args(argv)
    print(json.dumps(measure(demo_data_path(args.data), args.term, latency_ms=args.latency, jitter_ms=args.jitter,
                             rate_limit=args.rate_limit), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
