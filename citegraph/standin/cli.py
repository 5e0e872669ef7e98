"""``python -m citegraph.standin DATA --port 0 ...``: serve a snapshot until SIGINT/SIGTERM.

The first stdout line is the base URL (flushed at once), so a parent process can read it and
start talking to the stand-in.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Sequence

from .faults import FaultConfig
from .server import StandinServer


# ---------------------------------------------------------------------------- command line

def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m citegraph.standin",
                                     description="Serve OpenAlex work records like api.openalex.org.")
    parser.add_argument("data", help="works as JSON lines (.jsonl or .jsonl.gz)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--require-key", action="store_true", help="refuse requests without a key")
    parser.add_argument("--merged-ids", default="", help="comma-separated ids that answer 404")
    parser.add_argument("--latency", type=float, default=0, metavar="MS")
    parser.add_argument("--jitter", type=float, default=0, metavar="MS")
    parser.add_argument("--rate-limit", type=int, default=None, metavar="N", help="requests per second")
    parser.add_argument("--daily-budget", type=float, default=None, metavar="USD")
    parser.add_argument("--error-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--drop-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--truncate-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--malformed-rate", type=float, default=0.0, metavar="F")
    parser.add_argument("--fault-first-n", type=int, default=None, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve until SIGINT/SIGTERM; the first stdout line is the base URL (flushed at once)."""
    args = _parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")
    faults = FaultConfig(latency_ms=args.latency, jitter_ms=args.jitter, rate_limit=args.rate_limit,
                         daily_budget_usd=args.daily_budget, error_rate=args.error_rate,
                         drop_rate=args.drop_rate, truncate_rate=args.truncate_rate,
                         malformed_rate=args.malformed_rate, seed=args.seed,
                         fault_first_n=args.fault_first_n)
    server = StandinServer(args.data, api_key=args.api_key, require_key=args.require_key,
                           faults=faults, merged_ids=[m for m in args.merged_ids.split(",") if m.strip()],
                           host=args.host, port=args.port)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    print(server.start(), flush=True)
    while not stopping.wait(0.5):
        pass
    server.stop()
    return 0
