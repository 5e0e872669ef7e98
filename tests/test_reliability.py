"""Issue 6: reliability and security, proved against the local stand-in's fault injection.

1. Faults: with 20% of responses failing the crawl gives the fault-free graph, byte for byte;
   a spent daily budget stops the crawl (exit 5) keeping every batch, and later runs finish it.
2. Interruptions: SIGINT exits at once with one line; SIGINT/SIGKILL at random points never
   corrupt the cache, and the rerun refetches nothing it had; two crawls can share one cache.
3. Bad input: a table of cases, each one line on stderr with its error class's own exit code,
   and nothing already fetched lost.
4. Secrets: the API key is in no file written, no output, no log line and no error message.
5. Defective records: the real OpenAlex records of ``tests/fixtures/openalex`` (DEFECTS.md) are
   flagged, listed in ``summary.json`` and the report, and never fatal.

CLI runs whose stderr or exit code matters go through a real subprocess (``python -m
citegraph``): that is what a user sees, logging handlers included.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, quote, quote_plus

import diskcache
import pytest
from click.testing import CliRunner

import citegraph.standin.server as standin_server
from citegraph.cli import EXIT_INTERRUPTED, main
from helpers import read_jsonl
from citegraph.client import cache_info
from citegraph.config import Settings
from citegraph.crawl import CrawlOptions
from citegraph.errors import CitegraphError
from citegraph.graph import load_graph
from citegraph.pipeline import run_crawl
from citegraph.standin import Answer, FaultConfig, StandinServer, seconds_to_midnight_utc

GRAPH_FILES = ("graph.json", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv")
# Distinctive, and with characters that URL-encode, so encoded leaks are caught too.
SECRET = "oa-K3y/Reliab1lity+Secret=7e41"
SECRET_FORMS = {SECRET, quote(SECRET, safe=""), quote(SECRET), quote_plus(SECRET), "Reliab1lity"}
INTERRUPTED_LINE = ("citegraph: error: interrupted; everything fetched so far is cached: "
                    "rerun the same command to resume")
BERT_DEPTH_2 = ("--seed", "bert", "--depth", "2")
TWO_SEEDS_BOTH_WAYS = ("--seed", "bert", "--seed", "gpt1", "--depth", "2", "--direction", "both", "--max-citing", "10")


# ---------------------------------------------------------------------------- helpers

def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENALEX_API_KEY", "OPENALEX_API_URL", "OPENALEX_MAILTO", "CITEGRAPH_DEMO_DATA")}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``citegraph ARGS`` in a subprocess: real stderr, real exit code."""
    return subprocess.run([sys.executable, "-m", "citegraph", *args], capture_output=True, text=True,
                          encoding="utf-8", env=_clean_env(**(env or {})), timeout=timeout)


def popen(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "citegraph", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8", env=_clean_env(**(env or {})))


def crawl_args(url: str, cache: Path, out: Path, *what: str, quiet: bool = True) -> list[str]:
    return ["crawl", *what, "--api-url", url, "--cache-dir", str(cache), "--out", str(out),
            "--rate-limit", "1000", *(["-q"] if quiet else [])]


def error_line(stderr: str) -> str:
    """The one line the CLI printed for an error, after checking it is the only one."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("citegraph: error: "), stderr
    return lines[0]


def graph_bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in GRAPH_FILES}


def cache_entries(cache: Path) -> dict[str, tuple[int, str]]:
    """``{canonical URL: (status, fetch time)}`` of every cached response."""
    if not (cache / "cache.db").exists():
        return {}
    with diskcache.Cache(str(cache)) as store:
        entries = {key: store.get(key) for key in store.iterkeys()}
    return {key: (value["status"], value["fetched_at"]) for key, value in entries.items() if isinstance(value, dict)}


def assert_cache_sound(cache: Path) -> None:
    """SQLite says the database is intact, and citegraph can open and read it."""
    with sqlite3.connect(cache / "cache.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cache_info(cache)


def requested(entry: dict[str, Any]) -> set[str]:
    """What one request asked for: each id of an ``openalex:`` batch, else its URL."""
    filters = parse_qs(entry["query"]).get("filter", [""])[0]
    ids = [v for clause in filters.split(",") if clause.startswith("openalex:")
           for v in clause.split(":", 1)[1].split("|")]
    return set(ids) if ids else {f"{entry['path']}?{entry['query']}"}


def settled(entries: list[dict[str, Any]], in_flight: int) -> set[str]:
    """What the server answered (200/404) in a run, except the last ``in_flight`` answers: those
    may have been in flight, never received, when the process died."""
    answered = [e for e in entries if e["status"] in (200, 404)]
    kept = answered[: max(0, len(answered) - in_flight)]
    return set().union(*map(requested, kept)) if kept else set()


def asked(entries: list[dict[str, Any]]) -> set[str]:
    return set().union(*map(requested, entries)) if entries else set()


@pytest.fixture(scope="module")
def reference(demo_works_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], dict[str, bytes]]:
    """Fault-free graph files of the crawls these tests repeat under faults and interruptions."""
    root = tmp_path_factory.mktemp("reference")
    graphs = {}
    with StandinServer(demo_works_path) as server:
        for n, what in enumerate((BERT_DEPTH_2, TWO_SEEDS_BOTH_WAYS)):
            result = CliRunner().invoke(main, crawl_args(server.url, root / f"c{n}", root / f"o{n}", *what))
            assert result.exit_code == 0, result.output
            graphs[what] = graph_bytes(root / f"o{n}")
    return graphs


# ---------------------------------------------------------------------------- 1. faults

TWENTY_PERCENT = dict(error_rate=0.06, drop_rate=0.05, truncate_rate=0.05, malformed_rate=0.04)


@pytest.mark.parametrize("fault_seed", [11, 29])
def test_twenty_percent_faults_give_the_fault_free_graph(standin_factory, reference, tmp_path, fault_seed) -> None:
    """500/503, 429 with Retry-After, dropped connections, truncated and malformed bodies."""
    server = standin_factory(faults=FaultConfig(**TWENTY_PERCENT, rate_limit=40, seed=fault_seed))
    settings = Settings(api_url=server.url, cache_dir=tmp_path / "cache", rate_limit=1000, workers=4,
                        backoff_base=0.01, backoff_max=0.05)
    options = CrawlOptions(direction="both", depth=2, max_citing=10)
    report = run_crawl(settings, ["bert", "gpt1"], tmp_path / "out", options=options)
    assert graph_bytes(tmp_path / "out") == reference[TWO_SEEDS_BOTH_WAYS]
    faults = server.log.faults
    assert {"error_500", "error_503", "drop", "truncate", "malformed", "rate_limit"} <= set(faults), faults
    drawn = sum(n for kind, n in faults.items() if kind != "rate_limit")
    assert 0.12 < drawn / server.log.count() < 0.28  # about a fifth of all responses failed
    assert report.summary["retries"] == sum(faults.values())


def test_faults_through_the_cli(standin_factory, reference, tmp_path) -> None:
    server = standin_factory(faults=FaultConfig(**TWENTY_PERCENT, seed=5))
    result = cli(*crawl_args(server.url, tmp_path / "cache", tmp_path / "out", *TWO_SEEDS_BOTH_WAYS, quiet=False))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "citegraph: error" not in result.stderr
    assert graph_bytes(tmp_path / "out") == reference[TWO_SEEDS_BOTH_WAYS]
    assert sum(server.log.faults.values()) >= 15
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["retries"] == sum(server.log.faults.values())


def test_spent_budget_stops_keeps_everything_and_later_runs_finish(standin_factory, reference, tmp_path) -> None:
    """$0.0003 a day is three list calls: each run fetches three batches, stops with exit 5 and
    one line, keeps them; the next "day" (the stand-in's spend reset) goes on from there."""
    if seconds_to_midnight_utc() < 300:
        pytest.skip("too close to midnight UTC: the budget's Retry-After would be short enough to wait out")
    server = standin_factory()
    fresh = tmp_path / "fresh"
    assert cli(*crawl_args(server.url, fresh / "cache", fresh / "out", *BERT_DEPTH_2)).returncode == 0
    batches = [e for e in server.log.entries if e["kind"] == "list"]
    assert len(batches) > 6
    server.set_faults(FaultConfig(daily_budget_usd=0.0003))
    server.reset()
    args = crawl_args(server.url, tmp_path / "cache", tmp_path / "out", *BERT_DEPTH_2, "--workers", "2")
    runs: list[list[dict[str, Any]]] = []
    for _ in range(len(batches)):
        result = cli(*args)
        runs.append(server.log.entries)
        if result.returncode == 0:
            break
        assert result.returncode == 5
        line = error_line(result.stderr)
        assert "daily budget spent" in line and "resets in" in line and "rerun" in line and "--api-key" in line
        assert server.log.count(kind="list", status=200) == 3  # every batch paid for is cached ...
        assert not (tmp_path / "out" / "graph.json").exists()
        server.reset()  # ... and the next day starts with a new budget
    assert result.returncode == 0 and len(runs) == -(-len(batches) // 3), result.stderr
    assert graph_bytes(tmp_path / "out") == reference[BERT_DEPTH_2]
    for n, later in enumerate(runs[1:], start=1):
        had = set().union(*(settled(run, 0) for run in runs[:n]))
        assert not had & asked(later)  # nothing fetched twice
    paid = [e for run in runs for e in run if e["kind"] == "list" and e["status"] == 200]
    assert len(paid) == len(batches) and asked(paid) == asked(batches)  # every batch bought once


# ---------------------------------------------------------------------------- 2. interruptions

def test_sigint_exits_at_once_with_one_line_and_the_rerun_resumes(standin_factory, reference, tmp_path) -> None:
    """Requests in flight are abandoned (the worker threads do not hold the exit); the rerun
    completes with identical files and refetches nothing that was answered."""
    server = standin_factory()
    cache, out = tmp_path / "cache", tmp_path / "out"
    assert cli(*crawl_args(server.url, cache, out, "--seed", "bert", "--depth", "1")).returncode == 0
    first = server.log.entries
    server.log.reset()
    server.set_faults(FaultConfig(latency_ms=4000))
    proc = popen(*crawl_args(server.url, cache, out, *BERT_DEPTH_2, "--workers", "4", quiet=False))
    assert proc.stderr is not None
    for line in proc.stderr:  # depth 1 comes from the cache; depth 2's batches are going out
        if line.startswith("depth 1:"):
            break
    time.sleep(0.5)
    interrupted = time.monotonic()
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    proc.wait(timeout=30)
    assert time.monotonic() - interrupted < 2.0  # not the 4 s the requests in flight would take
    assert proc.returncode == EXIT_INTERRUPTED
    assert "Traceback" not in rest and rest.strip().splitlines()[-1] == INTERRUPTED_LINE
    assert_cache_sound(cache)
    server.set_faults(FaultConfig())
    server.log.reset()
    result = cli(*crawl_args(server.url, cache, out, *BERT_DEPTH_2))
    assert result.returncode == 0, result.stderr
    assert graph_bytes(out) == reference[BERT_DEPTH_2]
    assert not settled(first, 0) & asked(server.log.entries)


def committed(cache: Path, base: str) -> set[str]:
    """What the cache holds, in :func:`requested`'s terms: each work id cached (by a batch or a
    singleton), and each cached call as ``path?query``."""
    held: set[str] = set()
    for key in cache_entries(cache):
        if not key.startswith(base):
            continue
        call = key[len(base):]
        held.add(call if "?" in call else f"{call}?")
        work = call.partition("?")[0].removeprefix("/works/")
        if work.startswith("W") and work[1:].isdigit():
            held.add(work)
    return held


def uncommitted(entries: list[dict[str, Any]], held: set[str]) -> list[dict[str, Any]]:
    """Answers the server sent (200/404) that the cache does not hold in full: lost in flight."""
    return [e for e in entries if e["status"] in (200, 404) and not requested(e) <= held]


def test_random_kills_never_lose_or_corrupt_anything(standin_factory, reference, tmp_path) -> None:
    """Eight trials, each killed once or twice (SIGINT or SIGKILL) after a random number of
    answered requests, then rerun to the end.

    After each kill the cache is read: at most ``workers`` answered calls may be missing from
    it (those in flight when the process died, one per worker; which ones depends on who got
    SQLite's write lock first, not on the order the server answered). Every run after that
    asks for nothing the cache already held.
    """
    rng = random.Random(20261106)
    server = standin_factory()
    outcomes: list[tuple[str, int]] = []
    for trial in range(8):
        cache, out = tmp_path / f"t{trial}" / "cache", tmp_path / f"t{trial}" / "out"
        workers = rng.choice([1, 2, 4])
        args = crawl_args(server.url, cache, out, *BERT_DEPTH_2, "--workers", str(workers))
        for _kill in range(rng.choice([1, 1, 2])):
            held = committed(cache, server.url)
            server.set_faults(FaultConfig(latency_ms=20, jitter_ms=60, seed=trial))
            server.log.reset()
            how = rng.choice([signal.SIGINT, signal.SIGKILL])
            after = rng.randint(1, 10)
            proc = popen(*args)
            deadline = time.monotonic() + 60
            while server.log.count() < after and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.05))
            proc.send_signal(how)
            _, stderr = proc.communicate(timeout=30)
            outcomes.append((how.name, proc.returncode))
            if how == signal.SIGINT and proc.returncode != 0:  # 0: it had finished first
                assert proc.returncode == EXIT_INTERRUPTED, stderr
                assert error_line(stderr) == INTERRUPTED_LINE
            if (cache / "cache.db").exists():
                assert_cache_sound(cache)
            entries = server.log.entries
            assert not held & asked(entries), (trial, sorted(held & asked(entries))[:5])
            lost = uncommitted(entries, committed(cache, server.url))
            assert len(lost) <= workers, (trial, workers, [requested(e) for e in lost])
        held = committed(cache, server.url)
        server.set_faults(FaultConfig())
        server.log.reset()
        result = cli(*args)
        assert result.returncode == 0, (trial, result.stderr)
        assert graph_bytes(out) == reference[BERT_DEPTH_2], trial
        assert not held & asked(server.log.entries), (trial, sorted(held & asked(server.log.entries))[:5])
    killed = [code for _, code in outcomes if code != 0]
    assert len(killed) >= len(outcomes) - 2  # the kills landed mid-crawl, not after it
    assert {"SIGINT", "SIGKILL"} == {name for name, code in outcomes if code != 0}


def test_two_crawls_sharing_one_cache_at_once_both_finish(standin_factory, reference, tmp_path) -> None:
    server = standin_factory(faults=FaultConfig(latency_ms=5, jitter_ms=10))
    cache = tmp_path / "cache"
    procs = [popen(*crawl_args(server.url, cache, tmp_path / f"out{n}", *TWO_SEEDS_BOTH_WAYS, "--workers", "4"))
             for n in range(2)]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_, stderr) in zip(procs, results):
        assert proc.returncode == 0, stderr
        assert "locked" not in stderr and "Traceback" not in stderr
    for n in range(2):
        assert graph_bytes(tmp_path / f"out{n}") == reference[TWO_SEEDS_BOTH_WAYS]
    assert_cache_sound(cache)


# ---------------------------------------------------------------------------- 3. bad input

@dataclass
class Ctx:
    """Where one bad-input case runs: a stand-in over ``tiny_works`` whose cache already holds a
    depth-1 crawl of W1 (written to ``graph_dir``), so the case can show nothing is lost."""

    url: str
    tmp: Path
    server: StandinServer
    monkeypatch: pytest.MonkeyPatch

    @property
    def cache(self) -> Path:
        return self.tmp / "cache"

    @property
    def out(self) -> Path:
        return self.tmp / "out"

    @property
    def graph_dir(self) -> Path:
        return self.tmp / "crawled"

    def crawl(self, *what: str, cache: Path | None = None, out: Path | None = None) -> list[str]:
        return crawl_args(self.url, cache or self.cache, out or self.out, *what)


@dataclass
class Case:
    name: str
    argv: Callable[[Ctx], list[str]]
    code: int
    says: str
    prepare: Callable[[Ctx], None] | None = None
    usage: bool = False  # click's own usage error: "Usage: ... Error: ..." (its standard format)
    env: dict[str, str] = field(default_factory=dict)


def _file(ctx: Ctx, name: str = "a-file") -> Path:
    path = ctx.tmp / name
    path.write_text("not a directory")
    return path


def _garbage_cache(ctx: Ctx) -> None:
    (ctx.tmp / "garbage").mkdir()
    (ctx.tmp / "garbage" / "cache.db").write_bytes(random.Random(1).randbytes(8192))


def _foreign_cache(ctx: Ctx) -> None:
    (ctx.tmp / "thesis").mkdir()
    (ctx.tmp / "thesis" / "chapter1.tex").write_text("\\chapter{Introduction}")
    (ctx.tmp / "thesis" / "refs.bib").write_text("@article{x}")


def _reject_searches(ctx: Ctx) -> None:
    """OpenAlex refusing a search filter with a 400, in its own format (an API change, say)."""
    original = standin_server.answer

    def answer(index: Any, path: str, query: str) -> Answer:
        if "search" in query:
            return Answer(400, {"error": "Invalid query parameters error.",
                                "message": "title_and_abstract.search is not a valid field. Valid fields are "
                                           "underscore or hyphenated versions of: " + ", ".join(["x.y"] * 200)})
        return original(index, path, query)

    ctx.monkeypatch.setattr(standin_server, "answer", answer)  # what the server calls


def _no_budget(ctx: Ctx) -> None:
    ctx.server.set_faults(FaultConfig(daily_budget_usd=0))


def _key_required(ctx: Ctx) -> None:
    ctx.server.api_key, ctx.server.require_key = "the-right-key", True


def _closed_port() -> str:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def _busy_out(ctx: Ctx) -> None:
    """Hold the graph directory's write lock for the rest of the test, with a short wait."""
    from contextlib import ExitStack

    from citegraph.outlock import output_lock

    stack = ExitStack()
    stack.enter_context(output_lock(ctx.graph_dir))
    ctx.monkeypatch.setattr(ctx, "busy", stack, raising=False)


def _empty_dir(ctx: Ctx, name: str = "empty") -> Path:
    (ctx.tmp / name).mkdir(exist_ok=True)
    return ctx.tmp / name


def _broken_graph(ctx: Ctx) -> None:
    _empty_dir(ctx, "broken")
    (ctx.tmp / "broken" / "graph.json").write_text('{"directed": true, "nodes": [')


def _json_graph(text: str) -> Callable[[Ctx], None]:
    def prepare(ctx: Ctx) -> None:
        _empty_dir(ctx, "odd")
        (ctx.tmp / "odd" / "graph.json").write_text(text)

    return prepare


HUGE_TITLE = "pre-training " * 400
UNICODE_TITLE = "Ünïcödé \u202e事前学習 🤖 e\u0301 zero\u200bwidth\nnew line \x1b[31m red"

CASES: list[Case] = [
    # InputError (2): rejected before any request
    Case("unknown preset", lambda c: c.crawl("--seed", "bertt"), 2, "unknown preset 'bertt'"),
    Case("malformed DOI", lambda c: c.crawl("--seed", "10.abc/xyz"), 2, "malformed seed id '10.abc/xyz'"),
    Case("malformed DOI URL", lambda c: c.crawl("--seed", "https://doi.org/not-a-doi"), 2, "malformed seed id"),
    Case("malformed doi: prefix", lambda c: c.crawl("--seed", "doi:nonsense"), 2, "malformed seed id"),
    Case("malformed arXiv id", lambda c: c.crawl("--seed", "arXiv:18100.048"), 2, "malformed seed id 'arXiv:18100.048'"),
    Case("malformed arXiv URL", lambda c: c.crawl("--seed", "https://arxiv.org/abs/not-an-id"), 2, "malformed seed id"),
    Case("malformed OpenAlex id", lambda c: c.crawl("--seed", "W12x"), 2, "malformed seed id 'W12x'"),
    Case("an author id, not a work", lambda c: c.crawl("--seed", "https://openalex.org/A5023888391"), 2, "malformed seed id"),
    Case("blank seed", lambda c: c.crawl("--seed", "   "), 2, "empty --seed"),
    Case("title of punctuation only", lambda c: c.crawl("--seed", "!!! ??? ... ---"), 2, "has no letters or digits"),
    Case("huge title", lambda c: c.crawl("--seed", HUGE_TITLE), 2, "characters long (at most 500)"),
    Case("negative depth", lambda c: c.crawl("--seed", "W1", "--depth", "-1"), 2, "--depth must be between 0 and 6, got -1"),
    Case("absurd depth", lambda c: c.crawl("--seed", "W1", "--depth", "1000000"), 2, "--depth must be between 0 and 6"),
    Case("no works allowed", lambda c: c.crawl("--seed", "W1", "--max-works", "0"), 2, "--max-works must be between"),
    Case("no citing works allowed", lambda c: c.crawl("--seed", "W1", "--max-citing", "0"), 2, "--max-citing must be at least 1"),
    Case("offline and refresh", lambda c: c.crawl("--seed", "W1", "--offline", "--refresh"), 2, "contradict"),
    Case("not an API URL", lambda c: crawl_args("ftp://example.org", c.cache, c.out, "--seed", "W1"), 2, "not an API URL"),
    Case("an API URL with a path", lambda c: crawl_args(c.url + "/v2", c.cache, c.out, "--seed", "W1"), 2,
         "has a path (/v2); give the API's root"),
    Case("missing demo data", lambda c: c.crawl("--seed", "W1", "--demo", "--demo-data", str(c.tmp / "nope.jsonl")),
         2, "is not a file"),
    Case("demo data that is no JSON lines", lambda c: c.crawl("--seed", "W1", "--demo", "--demo-data", "/etc/passwd"),
         2, "is not a works.jsonl[.gz] of OpenAlex-shaped records"),
    Case("depth that is no number", lambda c: c.crawl("--seed", "W1", "--depth", "abc"), 2,
         "Invalid value for '--depth'", usage=True),
    Case("unknown option", lambda c: c.crawl("--seed", "W1", "--frobnicate"), 2, "No such option", usage=True),
    # SeedNotFoundError (3): the seeds before it are cached
    Case("title that matches nothing", lambda c: c.crawl("--seed", "W1", "--seed", "A study of nothing whatsoever at all"),
         3, "no OpenAlex work matches the title"),
    Case("unicode-heavy title that matches nothing", lambda c: c.crawl("--seed", "W1", "--seed", UNICODE_TITLE),
         3, "no OpenAlex work matches the title 'Ünïcödé"),
    Case("unknown OpenAlex id", lambda c: c.crawl("--seed", "W1", "--seed", "W999999"), 3, "no work for openalex 'W999999'"),
    Case("unknown DOI", lambda c: c.crawl("--seed", "10.1234/does-not-exist"), 3, "no work for doi '10.1234/does-not-exist'"),
    Case("unknown arXiv id", lambda c: c.crawl("--seed", "arXiv:2101.00001"), 3, "no work for arxiv '2101.00001'"),
    # OfflineMissError (4)
    Case("offline with an empty cache", lambda c: c.crawl("--seed", "W1", "--offline", cache=c.tmp / "new-cache"), 4,
         "no cached response"),
    Case("offline deeper than cached", lambda c: c.crawl("--seed", "W1", "--depth", "2", "--offline"), 4,
         "no cached response"),
    # BudgetExhaustedError (5)
    Case("daily budget spent", lambda c: c.crawl("--seed", "W1", "--depth", "2"), 5, "daily budget spent",
         prepare=_no_budget),
    # ApiRequestError (6)
    Case("server rejects a seed's title search (400)",
         lambda c: c.crawl("--seed", "W1", "--seed", "Another middle paper"), 6, "OpenAlex rejected the request (400)",
         prepare=_reject_searches),
    Case("server rejects a corpus-view search filter (400)",
         lambda c: ["analyze", str(c.graph_dir), "--api-url", c.url, "--cache-dir", str(c.cache)],
         6, "title_and_abstract.search is not a valid field", prepare=_reject_searches),
    # AuthError (7)
    Case("wrong API key (401)", lambda c: c.crawl("--seed", "W1", "--depth", "2", "--api-key", "wrong-key-123"), 7,
         "rejected the API key", prepare=_key_required),
    Case("no API key where one is required (401)", lambda c: c.crawl("--seed", "W1", "--depth", "2"), 7,
         "rejected the API key", prepare=_key_required),
    # NetworkError (8)
    Case("nothing listening at --api-url", lambda c: crawl_args(_closed_port(), c.cache, c.out, "--seed", "W2"), 8,
         "(connection refused, 2 attempts); check the network or --api-url, or use --demo"),
    Case("host name that does not resolve", lambda c: crawl_args("http://no-such-host.invalid", c.cache, c.out,
                                                                 "--seed", "W2"), 8, "cannot reach http://no-such-host.invalid"),
    # CacheError (9)
    Case("cache dir under a file", lambda c: c.crawl("--seed", "W1", cache=_file(c) / "cache"), 9,
         "cannot create cache directory"),
    Case("cache.db of garbage", lambda c: c.crawl("--seed", "W1", cache=c.tmp / "garbage"), 9,
         "is corrupt or not a citegraph cache", prepare=_garbage_cache),
    Case("foreign directory as cache", lambda c: c.crawl("--seed", "W1", cache=c.tmp / "thesis"), 9,
         "is not a citegraph cache", prepare=_foreign_cache),
    # OutputError (10): checked before any request
    Case("--out under a file", lambda c: c.crawl("--seed", "W1", out=_file(c) / "out"), 10, "cannot write to --out directory"),
    Case("--out is a file", lambda c: c.crawl("--seed", "W1", out=_file(c)), 10, "cannot write to --out directory"),
    Case("analyze --out under a file", lambda c: ["analyze", str(c.graph_dir), "--out", str(_file(c) / "report")], 10,
         "cannot write"),
    # GraphNotFoundError (11)
    Case("analyze a directory with no graph", lambda c: ["analyze", str(_empty_dir(c))], 11, "no crawled graph at"),
    Case("analyze a directory that does not exist", lambda c: ["analyze", str(c.tmp / "nowhere")], 11, "no crawled graph at"),
    Case("render a directory with no graph", lambda c: ["render", str(_empty_dir(c))], 11, "no crawled graph at"),
    Case("analyze a half-written graph.json", lambda c: ["analyze", str(c.tmp / "broken")], 11,
         "is not a citegraph graph", prepare=_broken_graph),
    *[Case(f"graph.json holding {text}", lambda c: ["analyze", str(c.tmp / "odd"), "--no-corpus"], 11,
           "is not a citegraph graph", prepare=_json_graph(text)) for text in ("[]", "null", '"a string"')],
    # TermError (12)
    Case("bad --term regex", lambda c: ["analyze", str(c.graph_dir), "--term", "pre-(train", "--regex"], 12,
         "invalid --term regular expression"),
    Case("empty --term", lambda c: ["analyze", str(c.graph_dir), "--term", ""], 12, "empty --term"),
    Case("catastrophic regex: a repeated repeat", lambda c: ["analyze", str(c.graph_dir), "--term", "(a+)+$", "--regex"],
         12, "repeats a repeat (like (a+)+): matching it can take exponential time"),
    Case("catastrophic regex: overlapping alternatives under a repeat",
         lambda c: ["render", str(c.graph_dir), "--term", "(x|xy|y)*z", "--regex"], 12,
         "repeats a choice the next character cannot decide"),
    Case("bad regex on crawl --analyze", lambda c: c.crawl("--seed", "W2", "--analyze", "--term", "[pre", "--regex"), 12,
         "invalid --term regular expression"),
    # SnapshotError (14)
    Case("snapshot path that does not exist", lambda c: ["snapshot", str(c.tmp / "no-snapshot"), "--out", str(c.out)], 14,
         "does not exist"),
    # OutputBusyError (13): another run holds the directory's lock
    Case("another run writing the same --out", lambda c: ["analyze", str(c.graph_dir), "--no-corpus"], 13,
         "another citegraph run is writing to", prepare=_busy_out, env={"CITEGRAPH_LOCK_WAIT_S": "0.3"}),
]


def test_every_error_class_has_its_own_exit_code_and_a_case() -> None:
    classes = CitegraphError.__subclasses__()
    codes = [cls.exit_code for cls in classes]
    assert len(set(codes)) == len(codes) and 0 not in codes and EXIT_INTERRUPTED not in codes
    assert set(codes) <= {case.code for case in CASES}
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(case: Case, standin_factory, tiny_works, tmp_path, monkeypatch) -> None:
    server = standin_factory(tiny_works)
    ctx = Ctx(server.url, tmp_path, server, monkeypatch)
    prefetch = CliRunner().invoke(main, ctx.crawl("--seed", "W1", "--depth", "1", out=ctx.graph_dir))
    assert prefetch.exit_code == 0, prefetch.output
    before = cache_entries(ctx.cache)
    if case.prepare:
        case.prepare(ctx)
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and "cache" not in p.parts}
    server.log.reset()
    started = time.monotonic()
    result = cli(*case.argv(ctx), env=case.env)
    assert result.returncode == case.code, result.stderr
    if case.usage:
        assert "Traceback" not in result.stderr and f"Error: {case.says}" in result.stderr
    else:
        line = error_line(result.stderr)
        assert case.says in line, line
        assert len(line) < 400
    assert time.monotonic() - started < 30
    after = cache_entries(ctx.cache)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing already fetched is lost
    for path, data in snapshot.items():  # nor changed: a corrupt cache is left for the user to inspect
        assert path.read_bytes() == data, path
    if case.code in (2, 10, 12):
        assert server.log.count() == 0  # refused before any request
    assert SECRET not in result.stderr + result.stdout and "wrong-key-123" not in result.stderr


def test_huge_and_unicode_heavy_records_are_crawled_analysed_and_drawn(standin_factory, tiny_works, tmp_path) -> None:
    """Titles of 100,000 characters, abstracts of 30,000 words, control characters, a NUL, bidi
    overrides, emoji, a broken surrogate and markup: written everywhere, readable everywhere."""
    import networkx as nx

    nasty = "Pré-tráining \u202e 事前学習 🤖 e\u0301 zero\u200bwidth \x00 \x1b[31m \u2028 <script>alert(1)</script> \ud800"
    works = [dict(w) for w in tiny_works]
    works[0]["title"] = works[0]["display_name"] = nasty + " pre-training" * 8000
    works[1]["title"] = works[1]["display_name"] = nasty
    words = (nasty + " pretraining ") * 2500
    works[2]["abstract_inverted_index"] = {}
    for pos, word in enumerate(words.split()):
        works[2]["abstract_inverted_index"].setdefault(word, []).append(pos)
    server = standin_factory(works)
    out = tmp_path / "out"
    result = cli(*crawl_args(server.url, tmp_path / "cache", out, "--seed", "W1", "--depth", "3", "--analyze", "--html"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    graph = load_graph(out)
    assert len(graph) == 5 and graph.nodes["W1"]["title"].startswith("Pré-tráining")
    assert "\ufffd" in graph.nodes["W2"]["title"]  # the broken surrogate, replaced
    for name in ("graph.graphml", "graph.gexf"):  # XML cannot hold a NUL: still readable
        reader = nx.read_graphml if name.endswith("graphml") else nx.read_gexf
        assert len(reader(out / name)) == 5
    html = (out / "graph.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "<script>alert(1)</script>" not in (out / "report.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- 4. secrets

def _leaks(text: str | bytes) -> list[str]:
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    return [form for form in SECRET_FORMS if form.encode() in data]


def test_the_api_key_is_in_no_file_output_log_or_message(standin_factory, demo_works_path, tmp_path, monkeypatch) -> None:
    """A crawl with faults, citing pages, online counts, the report and the explorer, at -vv
    (debug logs of citegraph and urllib3 on stderr); then every error path that names a URL."""
    server = standin_factory(api_key=SECRET, require_key=True, faults=FaultConfig(**TWENTY_PERCENT, rate_limit=40, seed=3))
    key = {"OPENALEX_API_KEY": SECRET}
    cache, out = tmp_path / "cache", tmp_path / "out"
    crawl = ["-vv", *crawl_args(server.url, cache, out, "--seed", "bert", "--seed", "gpt1", "--depth", "1",
                                "--direction", "both", "--max-citing", "5", "--analyze", "--html",
                                quiet=False)]
    outputs = [cli(*crawl, env=key)]
    assert outputs[0].returncode == 0, outputs[0].stderr[-3000:]
    assert "DEBUG" in outputs[0].stderr and "api_key=***" in outputs[0].stderr  # the logs really show request URLs
    assert server.log.count(status=401) == 0 and all("api_key=***" in e["query"] for e in server.log.entries)
    assert sum(server.log.faults.values()) > 0
    outputs += [
        cli("-vv", "analyze", str(out), "--api-url", server.url, "--cache-dir", str(cache), env=key),
        cli("-vv", "render", str(out), env=key),
        cli("-vv", "cache", "info", "--cache-dir", str(cache), env=key),
        cli("-vv", *crawl_args(server.url, cache, out, "--seed", "bert", "--seed", "gpt1", "--depth", "1",
                               "--direction", "both", "--max-citing", "5", "--offline"), env=key),
        cli("-vv", *crawl_args(server.url, tmp_path / "demo-cache", tmp_path / "demo-out", "--seed", "ulmfit",
                               "--depth", "1", "--demo", "--demo-data", str(demo_works_path)), env=key),
    ]
    assert all(run.returncode == 0 for run in outputs), [run.stderr[-500:] for run in outputs]
    # Error paths: each message and its debug log, with the key in the environment.
    server.set_faults(FaultConfig())
    errors = [
        cli("-vv", *crawl_args(server.url, tmp_path / "c401", tmp_path / "o401", "--seed", "W2963341956"),
            env={"OPENALEX_API_KEY": SECRET + "-but-wrong"}),
        cli("-vv", *crawl_args(_closed_port(), tmp_path / "c-net", tmp_path / "o-net", "--seed", "W2963341956"), env=key),
    ]
    server.set_faults(FaultConfig(daily_budget_usd=0))
    errors.append(cli(*crawl_args(server.url, cache, tmp_path / "o-budget", *BERT_DEPTH_2), env=key))
    _reject_searches(Ctx(server.url, tmp_path, server, monkeypatch))
    server.set_faults(FaultConfig())
    errors.append(cli(*crawl_args(server.url, cache, tmp_path / "o400", "--seed", "some title nobody wrote"), env=key))
    assert [run.returncode for run in errors] == [7, 8, 5, 6], [run.stderr[-300:] for run in errors]
    for run in outputs + errors:
        assert not _leaks(run.stdout + run.stderr), run.stderr[-2000:]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) > 20 and any(p.name == "cache.db" for p in written)
    for path in written:
        assert not _leaks(path.read_bytes()), path


# ---------------------------------------------------------------------------- 5. defective records

#: A constructed record, NOT real data: it mimics DEFECTS.md item 4 (BERT's arXiv record
#: W2896457183 carrying another paper's title and DOI) so that the arXiv-DOI twin lookup of the
#: bert preset meets a hijacked record, as it would on OpenAlex.
HIJACKED_TWIN = {
    "id": "https://openalex.org/W2896457183",
    "doi": "https://doi.org/10.48550/arxiv.1810.04805",
    "title": "AI-Assisted Pipeline for Dynamic Generation of Trustworthy Health Supplement Content at Scale",
    "display_name": "AI-Assisted Pipeline for Dynamic Generation of Trustworthy Health Supplement Content at Scale",
    "publication_year": 2022, "publication_date": "2022-01-01", "type": "article", "cited_by_count": 46030,
    "referenced_works": ["https://openalex.org/W3045921891"], "referenced_works_count": 1,
}
MERGED = "W2153579005"  # word2vec: its real record is served, but its id answers 404 as a merged work's would


def _served(lineage_records: dict[str, dict]) -> list[dict]:
    return [*lineage_records.values(), HIJACKED_TWIN]


def test_real_defective_records_are_listed_and_never_fatal(standin_factory, lineage_records, tmp_path) -> None:
    server = standin_factory(_served(lineage_records), merged_ids=[MERGED])
    out = tmp_path / "out"
    result = cli(*crawl_args(server.url, tmp_path / "cache", out, "--seed", "bert", "--seed", "W3045921891",
                             "--depth", "1", "--analyze", "--html", quiet=False))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    summary = json.loads((out / "summary.json").read_text())
    flagged = {code: set(info["works"]) for code, info in summary["warnings"].items()}
    bert = "W2963341956"
    assert bert in flagged["empty_title"] and bert in flagged["citation_line_abstract"]  # DEFECTS.md 1, 2
    assert {bert, "W2250539671"} <= flagged["placeholder_date"]  # 3
    assert {"W2963090765", "W2963118869"} <= flagged["no_references"]  # 10
    assert bert in flagged["twin_not_merged"]  # 4 (constructed twin)
    assert "hijacked" in summary["warnings"]["twin_not_merged"]["meaning"]
    notes = [w["warning"] for w in summary["seed_warnings"] if w["id"] == bert]
    assert any(n.startswith("empty_title:") for n in notes) and any(n.startswith("twin_not_merged:") for n in notes)
    # Dangling: every reference of the seeds that is not served, and the merged word2vec.
    served = set(lineage_records) - {MERGED}
    refs = {r.rsplit("/", 1)[-1]: seed for seed in (bert, "W3045921891")
            for r in lineage_records[seed]["referenced_works"]}
    dangling = summary["dangling_refs"]
    assert set(dangling["works"]) == set(refs) - served and dangling["count"] == len(set(refs) - served)
    assert sorted(dangling["works"][MERGED]) == [bert, "W3045921891"]
    graph = load_graph(out)
    assert "W2896457183" not in graph and MERGED not in graph  # neither merged nor crawled
    # BERT keeps its preset title (the record has none), and says so.
    assert graph.nodes[bert]["title"].startswith("BERT: Pre-training") and "empty_title" in graph.nodes[bert]["warnings"]
    assert graph.nodes[bert]["has_abstract"] is False  # a citation line is no abstract
    assert "warning empty_title" in result.stdout and "warning twin_not_merged" in result.stdout
    report = (out / "report.md").read_text(encoding="utf-8")
    caveats = report[report.index("## Caveats"):]
    for code in ("empty_title", "citation_line_abstract", "placeholder_date", "no_references", "twin_not_merged"):
        assert code in caveats, code
    assert f"{dangling['count']} referenced works could not be fetched" in caveats
    assert "Seed bert (W2963341956): empty_title" in caveats
    for work in (bert, "W2963090765", "W2963118869"):
        assert work in (out / "flagged.csv").read_text(encoding="utf-8")
    assert "empty_title" in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", ["null title (2025-05 capture)", "another paper's title and DOI (constructed)"])
def test_a_seed_record_with_a_wrong_or_missing_title_is_flagged(standin_factory, lineage_records, openalex_dir,
                                                                tmp_path, variant) -> None:
    records = dict(lineage_records)
    if variant.startswith("null"):
        # A real capture from the snapshots: title and display_name are JSON null (DEFECTS.md 1).
        captures = [c["work"] for c in read_jsonl(openalex_dir / "snapshots" / "W2963341956_bert_naacl_versions.jsonl.gz")]
        records["W2963341956"] = next(c for c in captures if c.get("title") is None)
        seed, expected = "W2963341956", {"empty_title", "citation_line_abstract"}
    else:
        # Constructed, mimicking DEFECTS.md 4-5: BERT's id carrying a LIPIcs paper's title and DOI.
        records["W2963341956"] = {**records["W2963341956"], "title": HIJACKED_TWIN["title"],
                                  "display_name": HIJACKED_TWIN["title"], "doi": "https://doi.org/10.4230/lipics.cosit.2022.18"}
        seed, expected = "bert", {"title_mismatch", "doi_mismatch"}
    server = standin_factory(list(records.values()))
    out = tmp_path / "out"
    result = cli(*crawl_args(server.url, tmp_path / "cache", out, "--seed", seed, "--depth", "1", "--analyze"))
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert expected <= set(summary["warnings"]), summary["warnings"]
    graph = load_graph(out)
    attrs = graph.nodes["W2963341956"]
    assert expected <= set(attrs["warnings"])
    if seed == "bert":  # the preset's metadata wins over the hijacked record's
        assert attrs["title"].startswith("BERT: Pre-training") and attrs["doi"] == "10.18653/v1/n19-1423"
    else:  # no title, no abstract: nothing to judge term use by
        nodes = {row["id"]: row for row in csv.DictReader((out / "nodes.csv").open(encoding="utf-8"))}
        assert attrs["title"] == "" and nodes["W2963341956"]["term_use"] == "unknown"
    report = (out / "report.md").read_text(encoding="utf-8")
    assert all(code in report for code in expected)
