"""The ``snapshot`` job as one library call: scan, match, graph, corpus view, files.

``run_snapshot`` is what ``citegraph snapshot`` runs; it returns plain data and never prints.
With seeds, the graph is the one ``crawl`` builds: the same seed resolution, the same
breadth-first crawl and twin merge, fed from the snapshot instead of the API. Without seeds, it
is the term's users and the works they cite or are cited by, at most ``max_works`` (what was
left out is counted in ``summary.json``). Either way the directory holds what ``analyze`` and
``render`` read (``graph.json`` …) and the corpus view's files (``corpus_*.csv``,
``corpus.json``), the corpus being the whole snapshot.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import networkx as nx

from ..atomic import atomic_files
from ..bulk import gc_paused
from ..corpus import CorpusOptions, CorpusView, corpus_view, write_corpus_csvs
from ..crawl import CrawlOptions, CrawlResult, crawl
from ..errors import InputError
from ..graph import build_graph, save_graph
from ..outlock import output_lock
from ..records import slim_record
from ..seeds import ResolvedSeed, resolve_seeds
from ..terms import TermMatcher, compile_terms
from ..versions import merge_crawled_twins
from .engines import DEFAULT_DUCKDB_MEMORY, DEFAULT_SPARK_MASTER, ENGINES, Engine, open_engine
from .manifest import Snapshot, open_snapshot
from .source import SnapshotSource

__all__ = ["SnapshotOptions", "SnapshotReport", "run_snapshot"]

Progress = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class SnapshotOptions:
    """Which engine reads which format, and how big the graph may grow."""

    engine: str = "duckdb"
    spark_master: str = DEFAULT_SPARK_MASTER
    memory_limit: str = DEFAULT_DUCKDB_MEMORY  # DuckDB's; beyond it the works table spills to disk
    format: str = "auto"
    depth: int = 2
    max_works: int = 5000

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InputError(f"unknown --engine {self.engine!r}; use one of {', '.join(ENGINES)}")
        CrawlOptions(depth=self.depth, max_works=self.max_works)  # the crawl's own range checks


@dataclass(frozen=True)
class SnapshotReport:
    """What one run produced: the graph, the corpus view, ``summary.json``'s content, the files."""

    graph: nx.DiGraph
    view: CorpusView
    summary: dict[str, Any]
    paths: dict[str, Path]

    def describe(self) -> str:
        """A few lines for a person: sizes, the bound, the time, where the files are."""
        s = self.summary
        lines = [f"snapshot {s['snapshot']['describe']}: {s['engine']} scanned {s['snapshot']['records']:,} works",
                 f"{s['works']:,} works, {s['edges']:,} citation edges ({s['graph']})"]
        if s["left_out_by_max_works"]:
            lines.append(f"{s['left_out_by_max_works']:,} works left out by --max-works {s['options']['max_works']:,}")
        lines += [h.describe() for h in self.view.headlines]
        timings = ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in s["timings"].items())
        lines.append(f"{timings} -> {next(iter(self.paths.values())).parent}")
        return "\n".join(lines)


def _seed_warnings(seeds: Sequence[ResolvedSeed]) -> list[dict[str, Any]]:
    return [{"id": s.id, "seed": s.name, "warning": note} for s in seeds for note in s.warnings]


def _seeded_graph(source: SnapshotSource, seed_texts: Sequence[str], options: SnapshotOptions,
                  on_progress: Progress | None) -> tuple[nx.DiGraph, list[ResolvedSeed], CrawlResult]:
    """The graph ``crawl`` builds from these seeds, fetched from the snapshot."""
    seeds = resolve_seeds(source, seed_texts)
    crawl_options = CrawlOptions(direction="refs", depth=options.depth, max_works=options.max_works)
    result = crawl(seeds, source.get_works, options=crawl_options, on_progress=on_progress)
    records, depths, aliases = merge_crawled_twins(result.records, result.depths, prefer=set(result.seeds))
    if aliases:
        result = replace(result, records=records, depths=depths, merged_versions=aliases)
    crawl_info = {"direction": "refs", "depth": options.depth, "dangling_refs": len(result.dangling),
                  "seed_warnings": _seed_warnings(seeds), "corpus": "snapshot", "snapshot": str(source.snapshot.root),
                  "seed_twins": {s.id: list(s.twins) for s in seeds if s.twins}}
    graph = build_graph(result.records, seeds=result.seeds, depths=result.depths, seed_names=result.seed_names,
                        crawl_info=crawl_info)
    return graph, seeds, result


def _term_graph(source: SnapshotSource, term: str, max_works: int) -> tuple[nx.DiGraph, int]:
    """The term's users and their citation neighbours; returns the graph and the works left out."""
    depths, left_out = source.neighbourhood(term, max_works)
    raws = source.get_works(list(depths))
    with gc_paused():
        records = {work: slim_record(raw) for work, raw in raws.items()}
    crawl_info = {"direction": "term-neighbourhood", "depth": 1, "dangling_refs": 0, "seed_warnings": [],
                  "term": term, "left_out_by_max_works": left_out, "corpus": "snapshot",
                  "snapshot": str(source.snapshot.root)}
    return build_graph(records, seeds=[], depths=depths, crawl_info=crawl_info), left_out


def _summary(snapshot: Snapshot, source: SnapshotSource, graph: nx.DiGraph, options: SnapshotOptions,
             seeds: Sequence[ResolvedSeed], result: CrawlResult | None, left_out: int) -> dict[str, Any]:
    return {
        "source": "snapshot",
        "snapshot": {"root": str(snapshot.root), "format": snapshot.format, "manifest": str(snapshot.manifest),
                     "parts": len(snapshot.parts), "records": snapshot.records, "describe": snapshot.describe()},
        "engine": source.engine.name,
        "options": {"depth": options.depth, "max_works": options.max_works, "format": options.format,
                    **({"memory_limit": options.memory_limit} if source.engine.name == "duckdb" else {})},
        "graph": "crawl from the seeds" if seeds else "term users and their citation neighbours",
        "seeds": [s.as_dict() for s in seeds],
        "works": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "candidates": source.candidates,
        "term_users": {term: len(hits) for term, hits in source.uses.items()},
        "left_out_by_max_works": left_out,
        "dangling_refs": {"count": len(result.dangling), "works": result.dangling} if result else {"count": 0, "works": {}},
        "merged_versions": result.merged_versions if result else {},
        "timings": dict(source.timings),
    }


def run_snapshot(path: Path | str, terms: Sequence[str], out_dir: Path, *, seed_texts: Sequence[str] = (),
                 options: SnapshotOptions = SnapshotOptions(), on_progress: Progress | None = None,
                 engine: Engine | None = None, lock_wait_s: float | None = None) -> SnapshotReport:
    """Scan the snapshot at ``path``, match ``terms``, build the graph, write every file into ``out_dir``.

    ``engine``: a started engine to run in (left open; ``options.engine`` is then ignored), so
    several runs can share one Spark session; by default one is opened and closed.

    The run holds ``out_dir``'s write lock (:mod:`citegraph.outlock`; a second writer waits up
    to ``lock_wait_s``, then stops with exit 13), and every file is renamed into place only after
    all were written, so the directory holds one run's files.

    Raises :class:`~citegraph.errors.SnapshotError` for a bad path, manifest or part, or an
    engine that cannot start; :class:`~citegraph.errors.TermError` for a bad term;
    :class:`~citegraph.errors.OutputError` when ``out_dir`` cannot be written.
    """
    matchers = compile_terms(list(terms) or ["pre-training"])
    snapshot = open_snapshot(path, options.format)
    with output_lock(Path(out_dir), wait_s=lock_wait_s):
        return _run_locked(snapshot, matchers, Path(out_dir), seed_texts, options, on_progress, engine)


def _run_locked(snapshot: Snapshot, matchers: Sequence[TermMatcher], out_dir: Path, seed_texts: Sequence[str],
                options: SnapshotOptions, on_progress: Progress | None, engine: Engine | None) -> SnapshotReport:
    owned = engine is None
    engine = engine or open_engine(options.engine, spark_master=options.spark_master, memory_limit=options.memory_limit)
    try:
        source = SnapshotSource(engine, snapshot)
        source.match(matchers)
        started = time.monotonic()
        result = None
        if seed_texts:
            graph, seeds, result = _seeded_graph(source, seed_texts, options, on_progress)
            left_out = result.skipped_by_budget
        else:
            seeds = []
            graph, left_out = _term_graph(source, matchers[0].term, options.max_works)
        source.timings["graph_s"] = round(time.monotonic() - started, 3)
        started = time.monotonic()
        scope = f"the snapshot at {snapshot.root}, {snapshot.records:,} works"
        view = corpus_view(source, [m.term for m in matchers], seeds={s.name: [s.id, *s.twins] for s in seeds},
                           scope=scope, options=CorpusOptions(workers=1))
        source.timings["corpus_s"] = round(time.monotonic() - started, 3)
        summary = _summary(snapshot, source, graph, options, seeds, result, left_out)
    finally:
        if owned:
            engine.close()
    with atomic_files() as files:  # the graph, the corpus tables and the summary, renamed in together
        paths = save_graph(graph, out_dir, files=files)
        paths.update(write_corpus_csvs(view, out_dir, files=files))
        paths["summary"] = files.write(out_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False))
    return SnapshotReport(graph, view, summary, paths)
