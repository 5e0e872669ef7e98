"""Issue 14's cases rerun as a batch, against the CLI as a user runs it.

``python tests/hostile_cases.py [-k SUBSTRING] [--jobs N]`` runs every case of :data:`CASES`
(grouped by the issue's twelve items) as ``python -m citegraph ...`` subprocesses: bad
options and ids, the hostile server of ``tests/hostile.py`` on 127.0.0.1 (and a second
loopback host, 127.0.0.2), foreign caches, odd ``graph.json`` files, concurrent runs. Each case
is checked against the README's promise ("What happens when ..." and the exit-code table):

* the exit code is one the README gives for that situation, never 70 (a bug);
* no traceback on stderr, and an error is one ``citegraph: error:`` line (or click's usage);
* no hang: every run has a timeout; no memory blow-up: the address space is capped at
  :data:`MEMORY_CAP` and the peak RSS (``wait4``) must stay under :data:`RSS_LIMIT`;
* no file changed that the user did not ask to be changed: every file in the case's directory
  is hashed before and after, except under the ``--out`` and ``--cache-dir`` the case names
  as its own (a foreign cache is never its own).

It prints one line per case and a summary, and exits 1 if any case failed.
``tests/test_hostile_cases.py`` runs a few of them in the normal suite, so the runner cannot rot.
The trickling server is not here: its deadline is 60 s an attempt, so it is tested at the library
level with a short deadline (``tests/test_hostile.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile  # noqa: E402  (tests/hostile.py, beside this file)

REPO = Path(__file__).resolve().parents[1]
MEMORY_CAP = 3 * 2**30  # RLIMIT_AS of every run: a gzip bomb inflating in memory hits it
RSS_LIMIT = 700 * 2**20
TIMEOUT_S = 120.0
_CAPPED = ("import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap})); "
           "sys.argv = ['citegraph', *sys.argv[1:]]; runpy.run_module('citegraph', run_name='__main__', alter_sys=True)")


# ---------------------------------------------------------------------------- where a case runs

@dataclass
class Env:
    """What the cases share: hostile servers by answer name, a depth-1 demo crawl to copy."""

    servers: dict[str, str]
    crawled: Path  # a directory holding cache/ and graph/ from ``crawl --demo --seed bert --depth 1``
    other_host: Any = None  # the HostileServer on 127.0.0.2 redirects point at


@dataclass
class Ctx:
    tmp: Path
    env: Env

    @property
    def cache(self) -> Path:
        return self.tmp / "cache"

    @property
    def out(self) -> Path:
        return self.tmp / "out"

    @property
    def graph(self) -> Path:
        return self.tmp / "graph"

    def url(self, answer: str) -> str:
        return self.env.servers[answer]

    def crawl(self, *what: str, url: str | None = None) -> list[str]:
        api = ["--api-url", url] if url else []
        return ["crawl", *what, *api, "--cache-dir", str(self.cache), "--out", str(self.out), "-q"]

    def demo(self, *what: str) -> list[str]:
        return self.crawl("--demo", *what)


Argv = Callable[[Ctx], list[str]]


@dataclass
class Case:
    group: int  # the item
    name: str
    argv: Argv | list[Argv]  # several: run at the same time (concurrent writers)
    codes: set[int]  # what the README promises
    says: str = ""  # a part of the error line
    prepare: Callable[[Ctx], None] | None = None
    own: tuple[str, ...] = ("out", "cache")  # directories the user asked to be written
    rerun: bool = False  # run twice: a cached answer must not break the second run
    env: dict[str, str] = field(default_factory=dict)
    check: Callable[[Ctx, list["Run"]], str | None] | None = None  # more checks: None or what failed


@dataclass
class Run:
    argv: list[str]
    code: int
    stderr: str
    seconds: float
    max_rss: int
    timed_out: bool = False


# ---------------------------------------------------------------------------- preparations

def _copy_crawl(ctx: Ctx) -> None:
    shutil.copytree(ctx.env.crawled / "cache", ctx.cache)
    shutil.copytree(ctx.env.crawled / "graph", ctx.graph)


def _copy_crawl_and_lock(ctx: Ctx) -> None:
    """Hold the graph directory's write lock (as a running crawl does) until the case ends."""
    import fcntl

    _copy_crawl(ctx)
    ctx.held = (ctx.graph / ".citegraph.lock").open("a")  # type: ignore[attr-defined]
    fcntl.flock(ctx.held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # type: ignore[attr-defined]


def _graph_json(text: str) -> Callable[[Ctx], None]:
    def prepare(ctx: Ctx) -> None:
        ctx.graph.mkdir()
        (ctx.graph / "graph.json").write_text(text)
    return prepare


def _foreign_sqlite(ctx: Ctx) -> None:
    ctx.cache.mkdir()
    with sqlite3.connect(ctx.cache / "cache.db") as db:
        db.execute("CREATE TABLE grades (student TEXT, grade INTEGER)")
        db.execute("INSERT INTO grades VALUES ('ada', 1)")


def _foreign_diskcache(ctx: Ctx) -> None:
    import diskcache

    with diskcache.Cache(str(ctx.cache)) as store:
        store.set("someone-else", {"their": "data"})


def _garbage_cache(ctx: Ctx) -> None:
    ctx.cache.mkdir()
    (ctx.cache / "cache.db").write_bytes(os.urandom(4096))


def _thesis_cache(ctx: Ctx) -> None:
    ctx.cache.mkdir()
    (ctx.cache / "chapter1.tex").write_text("\\chapter{Introduction}")


def _file(name: str, text: str = "x") -> Callable[[Ctx], None]:
    def prepare(ctx: Ctx) -> None:
        (ctx.tmp / name).write_text(text)
    return prepare


# ---------------------------------------------------------------------------- checks

def _graph_is_one_runs(ctx: Ctx, runs: list[Run]) -> str | None:
    """After concurrent writers: graph.json is valid JSON and all five files are one run's."""
    out = ctx.out
    if not (out / "graph.json").exists():
        return None if all(r.code != 0 for r in runs) else "a run exited 0 but left no graph.json"
    try:
        data = json.loads((out / "graph.json").read_text())
    except ValueError as exc:
        return f"graph.json is not JSON: {exc}"
    nodes = {n["id"] for n in data.get("nodes", [])}
    with (out / "nodes.csv").open(encoding="utf-8") as handle:
        csv_ids = {line.split(",", 1)[0] for line in list(handle)[1:]}
    return None if nodes == csv_ids else "graph.json and nodes.csv come from different runs"


def _no_key_elsewhere(ctx: Ctx, runs: list[Run]) -> str | None:
    asked = [r for r in ctx.env.other_host.requests if "sk-SECRET" in json.dumps(r)]
    return f"the key went to another host: {asked[0]['path']}" if asked else None


def _no_credentials_in_cache(ctx: Ctx, runs: list[Run]) -> str | None:
    db = ctx.cache / "cache.db"
    if db.exists() and b"hunter2" in db.read_bytes():
        return "the password is in cache.db"
    return None


def _no_credentials_anywhere(ctx: Ctx, runs: list[Run]) -> str | None:
    """The password is in no message and no file written."""
    if any("hunter2" in run.stderr for run in runs):
        return "the password is in an error message"
    for path in ctx.tmp.rglob("*"):
        if path.is_file() and b"hunter2" in path.read_bytes():
            return f"the password is in {path.name}"
    return None


# ---------------------------------------------------------------------------- the cases

def _shape(field_name: str, value: Any) -> str:
    return f"shape:{field_name}={json.dumps(value)}"


SHAPES: list[tuple[str, Any]] = [
    ("referenced_works", 12345), ("referenced_works", "W2"), ("referenced_works", [1, 2, None]),
    ("referenced_works", {"W2": 1}), ("abstract_inverted_index", {"pre-training": ["0", "x"]}),
    ("abstract_inverted_index", ["pre-training", "at", "scale"]), ("abstract_inverted_index", "pre-training"),
    ("abstract_inverted_index", {"a": [10**12]}), ("authorships", ["Ada Lovelace"]), ("authorships", {"author": 1}),
    ("authorships", [{"author": "Ada"}]), ("title", 123), ("title", ["a", "title"]), ("display_name", {"x": 1}),
    ("publication_date", 20200101), ("publication_date", "not-a-date"), ("publication_year", "2020"),
    ("publication_year", 10**30), ("topics", ["machine learning"]), ("topics", "ml"), ("cited_by_count", "many"),
    ("cited_by_count", -5), ("doi", 42), ("primary_location", "arXiv"), ("primary_location", {"source": "arXiv"}),
    ("type", ["article"]), ("referenced_works_count", "3"), ("updated_date", 7),
]

REFUSED_REGEXES = [r"(a+)+$", r"(\w*)*x", r"(x|xy|y)*z", r"(a|b|ab)*c", r"(a|a)+$", r"(a?a)+$", r"pre-(train", r"[pre"]
JUNK_RETRY_AFTER = ["inf", "-inf", "nan", "1e308", "0", "-5", "junk", "Thu, 01 Jan 1970 00:00:00 GMT", ""]

CASES: list[Case] = [
    # 1. two writers in one --out: each run exits 0 or 13 ("busy"), the directory holds one run's files
    Case(1, "two crawls into one --out at once", [lambda c: c.demo("--seed", "bert", "--depth", "1")] * 2, {0, 13},
         check=_graph_is_one_runs),
    Case(1, "two crawls of different seeds into one --out", [lambda c: c.demo("--seed", "bert", "--depth", "1"),
                                                           lambda c: c.demo("--seed", "gpt1", "--depth", "1")], {0, 13},
         check=_graph_is_one_runs),
    Case(1, "three crawls into one --out at once", [lambda c: c.demo("--seed", "bert", "--depth", "1")] * 3, {0, 13},
         check=_graph_is_one_runs),
    Case(1, "crawl --analyze and analyze at once", [lambda c: c.demo("--seed", "bert", "--depth", "1", "--analyze",
                                                                     "--no-corpus"),
                                                    lambda c: ["analyze", str(c.out), "--no-corpus"]], {0, 11, 13},
         check=_graph_is_one_runs),
    Case(1, "analyze twice into one directory", [lambda c: ["analyze", str(c.graph), "--no-corpus", "--out", str(c.out)]] * 2,
         {0, 13}, prepare=_copy_crawl),
    Case(1, "render twice at once", [lambda c: ["render", str(c.graph), "--out", str(c.out)]] * 2, {0, 13},
         prepare=_copy_crawl),
    Case(1, "analyze while the lock is held, short wait", lambda c: ["analyze", str(c.graph), "--no-corpus"], {13},
         "another citegraph run is writing to", prepare=_copy_crawl_and_lock, env={"CITEGRAPH_LOCK_WAIT_S": "0.5"}, own=("graph",)),
    # 2. someone else's cache.db: exit 9, left byte for byte
    *[Case(2, f"{what} over a {kind} cache.db", argv, {9}, "not a citegraph cache", prepare=make, own=("out",))
      for kind, make in (("foreign SQLite", _foreign_sqlite), ("foreign diskcache", _foreign_diskcache))
      for what, argv in (("crawl", lambda c: c.demo("--seed", "bert", "--depth", "1")),
                         ("cache clear --yes", lambda c: ["cache", "clear", "--yes", "--cache-dir", str(c.cache)]),
                         ("cache info", lambda c: ["cache", "info", "--cache-dir", str(c.cache)]))],
    Case(2, "crawl over a cache.db of random bytes", lambda c: c.demo("--seed", "bert", "--depth", "1"), {9},
         "corrupt or not a citegraph cache", prepare=_garbage_cache, own=("out",)),
    Case(2, "cache clear over a cache.db of random bytes", lambda c: ["cache", "clear", "--yes", "--cache-dir", str(c.cache)],
         {9}, prepare=_garbage_cache, own=()),
    Case(2, "crawl into a thesis directory as cache", lambda c: c.demo("--seed", "bert", "--depth", "1"), {9},
         "not a citegraph cache", prepare=_thesis_cache, own=("out",)),
    Case(2, "cache clear of a thesis directory", lambda c: ["cache", "clear", "--yes", "--cache-dir", str(c.cache)], {9},
         prepare=_thesis_cache, own=()),
    Case(2, "cache dir that is a file", lambda c: ["crawl", "--demo", "--seed", "bert", "--cache-dir", str(c.tmp / "f"),
                                                   "--out", str(c.out)], {9}, prepare=_file("f"), own=("out",)),
    Case(2, "cache dir under a file", lambda c: ["crawl", "--demo", "--seed", "bert", "--cache-dir", str(c.tmp / "f" / "c"),
                                                "--out", str(c.out)], {9}, prepare=_file("f"), own=("out",)),
    # 3. redirects: followed only on the API's own host, the key never travels
    Case(3, "redirect to another loopback host, with a key", lambda c: c.crawl("--seed", "W1", "--api-key", "sk-SECRET",
                                                                               url=c.url("redirect-other-host")),
         {8}, check=_no_key_elsewhere),
    Case(3, "redirect to another port", lambda c: c.crawl("--seed", "W1", url=c.url("redirect-other-port")), {8}),
    Case(3, "endless redirects on the host", lambda c: c.crawl("--seed", "W1", url=c.url("redirect-loop")), {8}),
    Case(3, "redirect to a file: URL", lambda c: c.crawl("--seed", "W1", url=c.url("redirect-file")), {8}),
    # 5. unbounded bodies
    Case(5, "gzip bomb (1 GiB of zeros in 1 MB)", lambda c: c.crawl("--seed", "W1", url=c.url("gzip-bomb")), {8},
         "bytes decoded"),
    Case(5, "gzip bomb on the crawl's batches", lambda c: c.crawl("--seed", "W1", "--depth", "1",
                                                                  url=c.url("gzip-bomb-batches")), {8}),
    Case(5, "a body that is not gzip but says so", lambda c: c.crawl("--seed", "W1", url=c.url("fake-gzip")), {8}),
    Case(5, "an HTML page for JSON", lambda c: c.crawl("--seed", "W1", url=c.url("html")), {8}, "malformed JSON"),
    # 6. wrongly shaped records: flagged, never fatal, never poisoning the cache (run twice)
    *[Case(6, f"a referenced work with {name} = {json.dumps(value)[:30]}",
           lambda c, n=name, v=value: c.crawl("--seed", "W1", "--depth", "1", url=c.url(_shape(n, v))), {0}, rerun=True)
      for name, value in SHAPES],
    Case(6, "an id-less record in a batch", lambda c: c.crawl("--seed", "W1", "--depth", "1", url=c.url("idless")), {0},
         rerun=True),
    Case(6, "a batch result that is a string", lambda c: c.crawl("--seed", "W1", "--depth", "1", url=c.url("string-result")),
         {0, 8}, rerun=True),
    Case(6, "a seed answer {\"id\": 12345}", lambda c: c.crawl("--seed", "W1", url=c.url("numeric-id")), {3}, rerun=True),
    Case(6, "a seed answer that is a list", lambda c: c.crawl("--seed", "W1", url=c.url("list-seed")), {3, 8}, rerun=True),
    Case(6, "a seed answer of null", lambda c: c.crawl("--seed", "W1", url=c.url("null-seed")), {3, 8}, rerun=True),
    *[Case(6, f"JSON nested {depth} deep", lambda c, d=depth: c.crawl("--seed", "W1", url=c.url(f"nested:{d}")), {8},
           "nested deeper than 64") for depth in (100, 3000, 100000)],
    # 7. Retry-After: junk, infinite or negative means the normal backoff; huge means the daily budget
    *[Case(7, f"Retry-After: {value!r}", lambda c, v=value: c.crawl("--seed", "W1", url=c.url(f"retry:{v}")), {0})
      for value in JUNK_RETRY_AFTER],
    *[Case(7, f"Retry-After: {value} (the budget)", lambda c, v=value: c.crawl("--seed", "W1", url=c.url(f"retry:{v}")),
           {5}, "resets in") for value in ("172800", "3e7")],
    Case(7, "429 every time", lambda c: c.crawl("--seed", "W1", url=c.url("retry-forever")), {5, 8}),
    # 8. --rate-limit
    *[Case(8, f"--rate-limit {value}", lambda c, v=value: c.demo("--seed", "bert", "--rate-limit", v), {2})
      for value in ("nan", "inf", "0", "-1", "-inf", "abc", "1e400")],
    *[Case(8, f"--workers {value}", lambda c, v=value: c.demo("--seed", "bert", "--workers", v), {2})
      for value in ("0", "-3", "many")],
    # 9. wrong or misattributed exits
    *[Case(9, f"--api-url {value}", lambda c, v=value: c.crawl("--seed", "W1", url=v), {2})
      for value in ("http://[::1", "ftp://example.org", "not a url", "http://", "http://127.0.0.1:99999",
                    "http://127.0.0.1:1/v2", "javascript:alert(1)")],
    *[Case(9, f"graph.json holding {text}", lambda c: ["analyze", str(c.graph), "--no-corpus"], {11},
           "is not a citegraph graph", prepare=_graph_json(text), own=("graph",))
      for text in ("[]", "null", '"a string"', "42", "{}", '{"nodes": 5}', '{"directed": true, "nodes": [', "\x00\xff")],
    *[Case(9, f"render a graph.json holding {text}", lambda c: ["render", str(c.graph)], {11},
           prepare=_graph_json(text), own=("graph",)) for text in ("[]", '{"nodes": [{"id": 1}], "links": "x"}')],
    *[Case(9, f"--mailto {value!r}", lambda c, v=value: c.demo("--seed", "bert", "--mailto", v), {2})
      for value in ("zoë@example.org", "me@example.org\r\nX-Evil: 1", "me@example.org\n", "tab\t@example.org")],
    *[Case(9, f"--demo-data {what}", lambda c, p=path: c.demo("--seed", "bert", "--demo-data", p(c)), {2})
      for what, path in (("/etc/passwd", lambda c: "/etc/passwd"), ("a directory", lambda c: str(c.tmp)),
                         ("a missing file", lambda c: str(c.tmp / "nope.jsonl")))],
    # An empty works.jsonl is JSON lines of no works: the seed then matches no work (exit 3).
    Case(9, "--demo-data an empty file", lambda c: c.demo("--seed", "bert", "--demo-data", str(c.tmp / "empty.jsonl")),
         {2, 3}),
    Case(9, "analyze a directory that does not exist", lambda c: ["analyze", str(c.tmp / "nowhere")], {11}, own=()),
    Case(9, "--out that is a file", lambda c: ["crawl", "--demo", "--seed", "bert", "--cache-dir", str(c.cache), "--out",
                                               str(c.tmp / "f")], {10}, prepare=_file("f"), own=("cache",)),
    Case(9, "--depth 7", lambda c: c.demo("--seed", "bert", "--depth", "7"), {2}),
    Case(9, "--max-works -1", lambda c: c.demo("--seed", "bert", "--max-works", "-1"), {2}),
    # 10. catastrophic or invalid --regex: refused before it runs, exit 12
    *[Case(10, f"--regex {pattern}", lambda c, p=pattern: ["analyze", str(c.graph), "--no-corpus", "--term", p, "--regex",
                                                           "--out", str(c.out)], {12}, prepare=_copy_crawl)
      for pattern in REFUSED_REGEXES],
    Case(10, "--regex that matches the empty string", lambda c: ["render", str(c.graph), "--term", "x*", "--regex",
                                                                 "--out", str(c.out)], {12}, prepare=_copy_crawl),
    Case(10, "an ordinary --regex still works", lambda c: ["analyze", str(c.graph), "--no-corpus", "--term",
                                                           r"pre-?train(ing|ed)", "--regex", "--out", str(c.out)], {0},
         prepare=_copy_crawl),
    # 11. credentials in --api-url: basic auth, never in a cache key
    Case(11, "user:password in --api-url", lambda c: c.crawl("--seed", "W1", "--depth", "1",
                                                             url=c.url("valid").replace("http://", "http://ada:hunter2@")),
         {0}, check=_no_credentials_in_cache),
    Case(11, "user:password in an --api-url nothing listens at", lambda c: c.crawl(
        "--seed", "W1", url="http://ada:hunter2@127.0.0.1:9"), {8}, check=_no_credentials_anywhere),
    Case(11, "user:password in --api-url, answered with HTML", lambda c: c.crawl(
        "--seed", "W1", url=c.url("html").replace("http://", "http://ada:hunter2@")), {8}, check=_no_credentials_anywhere),
    Case(11, "user:password in --api-url, then cache info", [lambda c: c.crawl(
        "--seed", "W1", url=c.url("valid").replace("http://", "http://ada:hunter2@")),
        lambda c: ["cache", "info", "--cache-dir", str(c.cache)]], {0}, check=_no_credentials_anywhere),
    # 12. ids and DOIs
    *[Case(12, f"--seed {seed}", lambda c, s=seed: c.demo("--seed", s, "--depth", "0"), {2}, "malformed seed id")
      for seed in ("W١", "W0001", "W٢٩٦٣٣٤١٩٥٦", "10.x/y extra", "doi:nonsense and more", "https://openalex.org/A5023888391")],
    *[Case(12, f"--seed {seed}", lambda c, s=seed: c.demo("--seed", s, "--depth", "0"), {2}, "followed by more text")
      for seed in ("10.18653/v1/N19-1423 extra", "W2963341956 bert", "arXiv:1810.04805 v2")],
    Case(12, "--seed W-1", lambda c: c.demo("--seed", "W-1", "--depth", "0"), {2}),
    *[Case(12, f"--seed {seed}", lambda c, s=seed: c.demo("--seed", s, "--depth", "0"), {0})
      for seed in ("https://doi.org/10.18653%2Fv1%2FN19-1423", "https://doi.org/10.18653/v1/N19-1423", "doi:10.18653/V1/N19-1423",
                   "https://openalex.org/W2963341956", "w2963341956")],
]


# ---------------------------------------------------------------------------- the hostile answers

def _answered_the_seed(handler: hostile.Handler) -> bool:
    """Answer ``/works/W1`` with a seed citing W2 and W3; False for any other request."""
    if not handler.server.hostile.requests[-1]["path"].startswith("/works/W1"):
        return False
    seed = hostile.work(1)
    seed["referenced_works"] = ["https://openalex.org/W2", "https://openalex.org/W3"]
    handler.send_json(200, seed)
    return True


def _answers() -> dict[str, hostile.Answer]:
    def shaped(name: str, value: Any) -> hostile.Answer:
        def answer(handler: hostile.Handler) -> None:
            if _answered_the_seed(handler):
                return
            batch = handler.server.hostile.requests[-1]["params"].get("filter", "").partition("openalex:")[2]
            results = [hostile.work(int(w[1:])) for w in batch.split("|") if w[1:].isdigit()]
            if results:
                results[0][name] = value
            handler.send_json(200, hostile.list_body(results))
        return answer

    def with_batch(mangle: Callable[[list[Any]], list[Any]]) -> hostile.Answer:
        def answer(handler: hostile.Handler) -> None:
            if _answered_the_seed(handler):
                return
            handler.send_json(200, hostile.list_body(mangle([hostile.work(2), hostile.work(3)])))
        return answer

    def seed_body(body: Any) -> hostile.Answer:
        return lambda handler: handler.send_json(200, body)

    bomb = hostile.gzip_bomb(1024)

    def bomb_batches(handler: hostile.Handler) -> None:
        if handler.server.hostile.requests[-1]["path"].startswith("/works/W1"):
            seed = hostile.work(1)
            seed["referenced_works"] = ["https://openalex.org/W2"]
            handler.send_json(200, seed)
        else:
            hostile.gzipped(bomb)(handler)

    answers: dict[str, hostile.Answer] = {
        "valid": hostile.valid, "html": hostile.html, "gzip-bomb": hostile.gzipped(bomb),
        "gzip-bomb-batches": bomb_batches, "fake-gzip": hostile.gzipped(b'{"id": "not gzip at all"}'),
        "idless": with_batch(lambda rs: [{k: v for k, v in rs[0].items() if k != "id"}, rs[1]]),
        "string-result": with_batch(lambda rs: ["W2", rs[1]]),
        "numeric-id": seed_body({"id": 12345}), "list-seed": seed_body([1, 2]), "null-seed": seed_body(None),
        "retry-forever": hostile.rate_limited("1", 10**9),
        "redirect-loop": lambda h: hostile.redirect_to(h.server.hostile.url + h.path)(h),
        "redirect-file": hostile.redirect_to("file:///etc/passwd"),
    }
    answers.update({_shape(n, v): shaped(n, v) for n, v in SHAPES})
    answers.update({f"nested:{d}": hostile.deeply_nested(d) for d in (100, 3000, 100000)})
    answers.update({f"retry:{v}": hostile.rate_limited(v, 2) for v in [*JUNK_RETRY_AFTER, "172800", "3e7"]})
    return answers


# ---------------------------------------------------------------------------- running

def _hashes(root: Path, own: list[Path]) -> dict[str, str]:
    """sha256 of every file under ``root`` but those in ``own``; a crawled ``graph/graph.json``
    is always included: only the crawl writes it, never analyze or render."""
    found = {}
    for path in sorted(root.rglob("*")):
        crawled = path == root / "graph" / "graph.json"
        if path.is_file() and (crawled or not any(path == o or o in path.parents for o in own)):
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _clean_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENALEX_API_KEY", "OPENALEX_API_URL", "OPENALEX_MAILTO", "CITEGRAPH_DEMO_DATA")}
    return {**env, "PYTHONIOENCODING": "utf-8", **extra}


def start(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen, Any]:
    err = tempfile.TemporaryFile()
    command = [sys.executable, "-c", _CAPPED.format(cap=MEMORY_CAP), *argv]
    proc = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                            env=_clean_env(env))
    return proc, err


def finish(proc: subprocess.Popen, err: Any, argv: list[str], started: float) -> Run:
    timer = threading.Timer(TIMEOUT_S, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    stderr = err.read().decode("utf-8", "replace")
    err.close()
    seconds = time.monotonic() - started
    return Run(argv, proc.returncode, stderr, seconds, usage.ru_maxrss * 1024, timed_out=seconds >= TIMEOUT_S)


def run_case(case: Case, env: Env, root: Path) -> tuple[Case, list[Run], list[str]]:
    """Run one case in a fresh directory; returns what ran and what failed (empty: passed)."""
    ctx = Ctx(Path(tempfile.mkdtemp(dir=root)), env)
    if case.prepare:
        case.prepare(ctx)
    (ctx.tmp / "empty.jsonl").touch()
    own = [getattr(ctx, name) for name in case.own]
    before = _hashes(ctx.tmp, own)
    argvs = case.argv if isinstance(case.argv, list) else [case.argv]
    runs: list[Run] = []
    for _ in range(2 if case.rerun else 1):
        started = time.monotonic()
        procs = [start(argv(ctx), ctx.tmp, case.env) for argv in argvs]
        runs += [finish(proc, err, argv(ctx), started) for (proc, err), argv in zip(procs, argvs)]
    failed = []
    for run in runs:
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        if run.timed_out:
            failed.append(f"hung (killed after {TIMEOUT_S:.0f} s)")
        if run.code not in case.codes:
            failed.append(f"exit {run.code}, README promises {sorted(case.codes)}: {lines[-1] if lines else ''}")
        if "Traceback" in run.stderr:
            failed.append("a traceback on stderr")
        if run.code not in (0, 2) and not (len(lines) == 1 and lines[0].startswith("citegraph: error: ")):
            failed.append(f"not one error line: {lines[:3]}")
        if run.code == 2 and not lines:
            failed.append("exit 2 without a message")
        if case.says and run.code != 0 and not any(case.says in line for line in lines):
            failed.append(f"error does not say {case.says!r}: {lines[-1] if lines else ''}")
        if run.max_rss > RSS_LIMIT:
            failed.append(f"peak RSS {run.max_rss >> 20} MiB")
    changed = sorted(k for k, v in _hashes(ctx.tmp, own).items() if before.get(k) != v)
    changed += sorted(set(before) - set(_hashes(ctx.tmp, own)))
    if changed:
        failed.append(f"changed files it was not asked to: {changed[:4]}")
    if case.check and (problem := case.check(ctx, runs)):
        failed.append(problem)
    return case, runs, failed


def _guarded(case: Case, env: Env, root: Path) -> tuple[Case, list[Run], list[str]]:
    """A case the runner itself cannot run is a failed case, not a stopped batch."""
    try:
        return run_case(case, env, root)
    except Exception as exc:  # noqa: BLE001
        return case, [], [f"the runner failed: {exc.__class__.__name__}: {exc}"]


def build_env(root: Path, stack: Any) -> Env:
    servers: dict[str, str] = {}
    for name, answer in _answers().items():
        servers[name] = stack.enter_context(hostile.HostileServer(answer)).url
    other = stack.enter_context(hostile.HostileServer(hostile.valid, host="127.0.0.2"))
    other_port = stack.enter_context(hostile.HostileServer(hostile.valid))
    servers["redirect-other-host"] = stack.enter_context(hostile.HostileServer(
        lambda h: hostile.redirect_to(other.url + h.path)(h))).url
    servers["redirect-other-port"] = stack.enter_context(hostile.HostileServer(
        lambda h: hostile.redirect_to(other_port.url + h.path)(h))).url
    env = Env(servers, root / "crawled", other)
    base = env.crawled
    result = subprocess.run([sys.executable, "-m", "citegraph", "crawl", "--demo", "--seed", "bert", "--depth", "1",
                             "--cache-dir", str(base / "cache"), "--out", str(base / "graph"), "-q"],
                            capture_output=True, text=True, env=_clean_env({}), timeout=TIMEOUT_S)
    if result.returncode != 0:
        raise SystemExit(f"the base crawl failed: {result.stderr}")
    return env


def run_cases(cases: list[Case], jobs: int = 2, report: Callable[[str], None] = print) -> list[tuple[Case, list[Run], list[str]]]:
    from contextlib import ExitStack

    with tempfile.TemporaryDirectory(prefix="hostile-cases-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        env = build_env(root, stack)
        results = []
        with ThreadPoolExecutor(jobs) as pool:
            for case, runs, failed in pool.map(lambda c: _guarded(c, env, root), cases):
                codes = ",".join(str(r.code) for r in runs)
                seconds = max((r.seconds for r in runs), default=0.0)
                rss = max((r.max_rss for r in runs), default=0) >> 20
                report(f"{'ok  ' if not failed else 'FAIL'} [{case.group:2}] {case.name[:70]:70} exit {codes:7} "
                       f"{seconds:5.1f}s {rss:4d}MiB" + ("".join(f"\n       {f}" for f in failed)))
                results.append((case, runs, failed))
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", default="", help="only cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    cases = [c for c in CASES if args.k.lower() in c.name.lower()]
    started = time.monotonic()
    results = run_cases(cases, args.jobs)
    failed = [case.name for case, _, problems in results if problems]
    groups = sorted({case.group for case in cases})
    print(f"\n{len(results)} cases (items {', '.join(map(str, groups))}), {len(results) - len(failed)} passed, "
          f"{len(failed)} failed, {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
