"""Each command as one library call: a job value in, plain data out, files written.

A CLI command builds one job (:class:`CrawlJob`, :class:`AnalyzeJob`, :class:`RenderJob`,
:class:`TrendJob`) and runs it with one call (:func:`run_job`). The steps are also callable on
their own: :func:`run_crawl` (resolve seeds → crawl → merge twins → graph → files),
:func:`analyze_graph` (term use → analyses → corpus view → report, CSVs, exports),
:func:`render_graph` (term use → highlights → explorer). Nothing here prints; progress goes to
an optional callback as :mod:`citegraph.progress` events.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import networkx as nx

from . import __version__
from .atomic import atomic_files
from .client import OpenAlexClient
from .config import DEFAULT_API_URL, Settings
from .crawl import CrawlOptions, CrawlResult, crawl
from .progress import Event, Progress, RequestAnswered, SeedsResolved
from .errors import InputError, OutputError
from .graph import build_graph, load_graph, save_graph
from .records import WARNING_TEXT
from .seeds import ResolvedSeed, resolve_seeds
from .versions import merge_crawled_twins

__all__ = [
    "CrawlReport", "AnalysisReport", "run_crawl", "run_analysis", "analyze_graph", "run_render", "render_graph",
    "check_writable", "demo_data_path", "serve_demo", "summarize", "api_source",
    "Source", "AnalysisOptions", "CrawlJob", "AnalyzeJob", "RenderJob", "TrendJob", "JobResult", "run_job",
]


@dataclass
class CrawlReport:
    """What one crawl produced: the graph, ``summary.json``'s content and every file written."""

    graph: nx.DiGraph
    summary: dict[str, Any]
    paths: dict[str, Path]


def check_writable(directory: Path, what: str = "--out") -> None:
    """Fail before any request when ``directory`` cannot be created or written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".citegraph-write-test-{os.getpid()}"
        probe.write_text("ok")
        probe.unlink()
    except OSError as exc:
        raise OutputError(f"cannot write to {what} directory {directory}: {exc.strerror or exc}") from exc


#: The demo corpus the package ships (converted from Semantic Scholar-derived notes; see its README).
BUNDLED_DEMO = Path(__file__).resolve().parent / "data" / "demo" / "works.jsonl.gz"


def demo_data_path(explicit: Path | None = None) -> Path:
    """The demo dataset: ``explicit`` (``--demo-data``), ``$CITEGRAPH_DEMO_DATA``, or the bundled corpus."""
    for candidate, what in ((explicit, "--demo-data"), (os.environ.get("CITEGRAPH_DEMO_DATA"), "CITEGRAPH_DEMO_DATA")):
        if candidate:
            if not Path(candidate).is_file():
                raise InputError(f"{what} {candidate} is not a file; pass a works.jsonl[.gz] (or leave it out for the bundled demo)")
            return Path(candidate)
    if not BUNDLED_DEMO.is_file():  # only a broken install gets here
        raise InputError(f"the bundled demo corpus {BUNDLED_DEMO} is missing; reinstall citegraph or pass --demo-data PATH")
    return BUNDLED_DEMO


@contextmanager
def serve_demo(path: Path) -> Iterator[str]:
    """A local OpenAlex stand-in over the demo dataset, for offline demos; yields its URL."""
    from .standin import StandinServer

    server = StandinServer(path)
    try:
        yield server.start()
    finally:
        server.stop()


def _seed_warnings(seeds: Sequence[ResolvedSeed]) -> list[dict[str, Any]]:
    return [{"id": s.id, "seed": s.name, "warning": note} for s in seeds for note in s.warnings]


def summarize(result: CrawlResult, graph: nx.DiGraph, seeds: Sequence[ResolvedSeed],
              stats: dict[str, Any], options: CrawlOptions, elapsed: float) -> dict[str, Any]:
    """``summary.json``: sizes, cost, data warnings and dangling references of one crawl."""
    warning_counts: dict[str, int] = {}
    flagged: dict[str, list[str]] = {}
    for node, attrs in graph.nodes(data=True):
        for code in attrs.get("warnings") or ():
            warning_counts[code] = warning_counts.get(code, 0) + 1
            flagged.setdefault(code, []).append(node)
    return {
        "citegraph_version": __version__,
        "seeds": [s.as_dict() for s in seeds],
        "options": {"direction": options.direction, "depth": options.depth, "max_works": options.max_works,
                    "max_citing": options.max_citing},
        "works": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "works_per_depth": {str(d): sum(1 for v in result.depths.values() if v == d) for d in sorted(set(result.depths.values()))},
        "levels": result.levels,
        "budget_reached": result.budget_reached,
        "skipped_by_budget": result.skipped_by_budget,
        "requests": stats.get("requests", 0),
        "cache_hits": stats.get("cache_hits", 0),
        "retries": stats.get("retries", 0),
        "cost_usd": round(float(stats.get("cost_usd", 0.0)), 6),
        "elapsed_s": round(elapsed, 3),
        "dangling_refs": {"count": len(result.dangling), "works": result.dangling},
        "merged_versions": result.merged_versions,
        "seed_warnings": _seed_warnings(seeds),
        "warnings": {code: {"count": warning_counts[code], "meaning": WARNING_TEXT.get(code, code),
                            "works": sorted(flagged[code])} for code in sorted(warning_counts)},
    }


def _with_twins_merged(result: CrawlResult) -> CrawlResult:
    """The crawl's result with the preprint/published twins it met joined (``versions``)."""
    records, depths, aliases = merge_crawled_twins(result.records, result.depths, prefer=set(result.seeds))
    if not aliases:
        return result
    return replace(result, records=records, depths=depths, merged_versions=aliases)


def _corpus_kind(settings: Settings) -> str:
    """Which corpus the works come from: ``demo`` (converted, not OpenAlex data), ``openalex``, or ``other``."""
    if settings.cache_namespace == "demo":
        return "demo"
    return "openalex" if settings.api_url.rstrip("/") == DEFAULT_API_URL else "other"


def run_crawl(settings: Settings, seed_texts: Sequence[str], out_dir: Path, *,
              options: CrawlOptions = CrawlOptions(), merge_versions: bool | None = None,
              on_progress: Progress | None = None) -> CrawlReport:
    """Resolve the seeds, crawl, and write the graph files and ``summary.json`` into ``out_dir``."""
    check_writable(out_dir)
    started = time.monotonic()
    with OpenAlexClient(settings, on_request=_request_progress(on_progress)) as client:
        notify = _with_stats(on_progress, client)
        seeds = resolve_seeds(client, seed_texts, merge_versions=merge_versions)
        notify(SeedsResolved(tuple(seeds)))

        def citing(work: str, limit: int | None) -> Iterator[dict[str, Any]]:
            return client.iter_works(f"cites:{work}", sort="cited_by_count:desc", max_results=limit)

        result = crawl(seeds, client.get_works, options=options, fetch_citing=citing, on_progress=notify)
        stats = client.stats.as_dict()
    if merge_versions is not False:
        result = _with_twins_merged(result)
    # What the crawl found wrong travels with the graph, so the report can say it too.
    crawl_info = {"direction": options.direction, "depth": options.depth, "dangling_refs": len(result.dangling),
                  "seed_warnings": _seed_warnings(seeds), "corpus": _corpus_kind(settings),
                  "seed_twins": {s.id: list(s.twins) for s in seeds if s.twins}}
    graph = build_graph(result.records, seeds=result.seeds, depths=result.depths, seed_names=result.seed_names,
                        crawl_info=crawl_info)
    with atomic_files() as files:  # the graph files and the summary are renamed into place together
        paths = save_graph(graph, out_dir, files=files)
        summary = summarize(result, graph, seeds, stats, options, time.monotonic() - started)
        paths["summary"] = files.write(out_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False))
    return CrawlReport(graph, summary, paths)


def _request_progress(on_progress: Progress | None) -> Callable[[Any], None] | None:
    """Every answered call as a :class:`RequestAnswered` event (for a live status line)."""
    if on_progress is None:
        return None

    def notify(event: Any) -> None:
        on_progress(RequestAnswered(event.kind, event.from_cache, event.stats.as_dict()))

    return notify


def _with_stats(on_progress: Progress | None, client: OpenAlexClient) -> Progress:
    """Progress events carrying the client's running counts (requests, cache hits, cost)."""

    def notify(event: Event) -> None:
        if on_progress is not None:
            on_progress(replace(event, stats=client.stats.as_dict()))

    return notify


@dataclass
class AnalysisReport:
    """What one analysis produced: the graph it read, the analysis, its highlights and the files written."""

    graph: nx.DiGraph
    analysis: Any
    highlights: Any
    paths: dict[str, Path]


def analyze_graph(graph: nx.DiGraph, out_dir: Path, *, terms: Sequence[str] = ("pre-training",), regex: bool = False,
                  settings: Settings | None = None) -> AnalysisReport:
    """Run every analysis, write the report and CSVs, and the exports (``nodes.csv``, GEXF,
    GraphML) with term use and highlights joined in. ``graph`` is only read, and the crawl's
    ``graph.json`` is left as the crawl wrote it.

    ``settings`` (when given) lets the analysis ask OpenAlex for counts beyond the graph
    (``group_by=publication_year`` searches, cached and priced like every response).
    """
    from .analysis import analyze, highlights
    from .analysis.highlights import export_view
    from .report import write_report

    check_writable(out_dir)
    if settings is None:
        analysis = analyze(graph, terms=terms, regex=regex)
    else:
        with OpenAlexClient(settings) as client:
            analysis = analyze(graph, terms=terms, regex=regex, group_by=client.group_by)
    marks = highlights(graph, analysis.uses, analysis=analysis)
    with atomic_files() as files:  # the report and the exports are renamed into place together
        paths = write_report(graph, analysis, out_dir, files=files)
        paths.update(save_graph(export_view(graph, analysis.uses, marks), out_dir, lossless=False, files=files))
    return AnalysisReport(graph, analysis, marks, paths)


def run_analysis(graph_dir: Path, *, out_dir: Path | None = None, terms: Sequence[str] = ("pre-training",),
                 regex: bool = False, settings: Settings | None = None) -> AnalysisReport:
    """``citegraph analyze``: load the crawled graph in ``graph_dir`` and analyse it."""
    graph = load_graph(graph_dir)
    return analyze_graph(graph, out_dir or Path(graph_dir), terms=terms, regex=regex, settings=settings)


def render_graph(graph: nx.DiGraph, out: Path, *, max_nodes: int = 2000, terms: Sequence[str] = ("pre-training",),
                 regex: bool = False, analysis: Any = None) -> Path:
    """Write the interactive ``graph.html`` for ``terms``: their use and the highlights are
    computed from the graph now (or taken from ``analysis`` when it was made for the same
    terms), so the page always shows the terms asked for."""
    from .analysis import highlights
    from .html import render_html
    from .terms import compile_terms, term_uses

    uses = analysis.uses if analysis is not None and analysis.uses.terms == list(terms) else None
    if uses is None:
        uses = term_uses(graph, compile_terms(terms, regex=regex))
    marks = highlights(graph, uses, analysis=analysis)
    return render_html(graph, out, uses=uses, marks=marks, max_nodes=max_nodes)


def run_render(graph_dir: Path, *, out: Path | None = None, max_nodes: int = 2000,
               terms: Sequence[str] = ("pre-training",), regex: bool = False) -> Path:
    """``citegraph render``: the explorer page for the graph in ``graph_dir``."""
    graph = load_graph(graph_dir)
    return render_graph(graph, out or Path(graph_dir) / "graph.html", max_nodes=max_nodes, terms=terms, regex=regex)
