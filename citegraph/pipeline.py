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
from .errors import BudgetExhaustedError, InputError, NetworkError, OfflineMissError, OutputError
from .graph import build_graph, graph_path, load_graph, save_graph
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

    try:
        server = StandinServer(path)
    except (ValueError, OSError, UnicodeDecodeError, EOFError, AttributeError, TypeError) as exc:  # not JSON lines of works
        reason = " ".join(str(exc).split())[:200]
        raise InputError(f"--demo-data {path} is not a works.jsonl[.gz] of OpenAlex-shaped records ({reason})") from exc
    try:
        yield server.start()
    finally:
        server.stop()


def _seed_warnings(seeds: Sequence[ResolvedSeed]) -> list[dict[str, Any]]:
    return [{"id": s.id, "seed": s.name, "warning": str(note)} for s in seeds for note in s.warnings]


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


@dataclass(frozen=True)
class AnalysisOptions:
    """What to analyse: the terms (the first is primary), whether they are regular expressions,
    and whether to add the corpus view (OpenAlex aggregate queries beyond the graph)."""

    terms: tuple[str, ...] = ("pre-training",)
    regex: bool = False
    corpus: bool = True


@dataclass
class AnalysisReport:
    """What one analysis produced: the graph it read, the analysis, its highlights, the corpus
    view (``None`` with ``corpus_note`` saying why) and the files written."""

    graph: nx.DiGraph
    analysis: Any
    highlights: Any
    paths: dict[str, Path]
    corpus: Any = None
    corpus_note: str = ""


#: Failures that end the corpus view but not the analysis: the graph's answer stands alone.
_CORPUS_SKIPPED = (OfflineMissError, NetworkError, BudgetExhaustedError)


def graph_seeds(graph: nx.DiGraph) -> dict[str, list[str]]:
    """``{seed name: [seed id, merged twins...]}`` of a crawled graph, for the corpus view's
    "works citing the seed" counts (a twin's citations count for the seed)."""
    names = graph.graph.get("seed_names") or {}
    twins = (graph.graph.get("crawl") or {}).get("seed_twins") or {}
    return {names.get(seed, seed): [seed, *twins.get(seed, ())] for seed in graph.graph.get("seeds") or []}


def _snapshot_root(graph: nx.DiGraph) -> str | None:
    """Where a snapshot graph's works came from ("" when it does not say); None for any other graph."""
    crawl = graph.graph.get("crawl") or {}
    return str(crawl.get("snapshot") or "") if crawl.get("corpus") == "snapshot" else None


def corpus_for(graph: nx.DiGraph, options: AnalysisOptions, settings: Settings | None,
               saved: Any = None) -> tuple[Any, str]:
    """The corpus view of the terms with the graph's seeds, or ``None`` and one line saying why
    not: turned off, a regular expression (OpenAlex cannot search one), no API settings, or the
    API unreachable, out of budget or (``--offline``) not in the cache.

    A graph from a snapshot (``crawl.corpus == "snapshot"``) has its corpus already: ``saved``,
    the view ``citegraph snapshot`` wrote beside it, is the answer for the terms it counted, and
    the API is never asked about a graph whose corpus it is not."""
    from .corpus import corpus_view

    if not options.corpus:
        return None, "corpus view turned off (--no-corpus)"
    root = _snapshot_root(graph)
    if root is not None:
        return _snapshot_corpus(root or "the snapshot", options, saved)
    if options.regex:
        return None, "corpus view skipped: OpenAlex search cannot run a regular expression"
    if settings is None:
        return None, "corpus view skipped: no OpenAlex settings given"
    try:
        with OpenAlexClient(settings) as client:
            return corpus_view(client, options.terms, seeds=graph_seeds(graph)), ""
    except _CORPUS_SKIPPED as exc:
        return None, f"corpus view skipped: {str(exc).splitlines()[0]}"


def _snapshot_corpus(where: str, options: AnalysisOptions, saved: Any) -> tuple[Any, str]:
    if saved is None:
        return None, (f"corpus view skipped: this graph comes from {where} and its corpus view (corpus.json and "
                      "the corpus_*.csv files) is not beside it; run citegraph snapshot again")
    view = saved.view
    missing = [term for term in options.terms if term not in {h.term for h in view.headlines}]
    if missing:
        terms = " ".join(f"--term {t!r}" for t in options.terms)
        return None, (f"corpus view skipped: the snapshot run counted {', '.join(repr(h.term) for h in view.headlines)}, "
                      f"not {', '.join(map(repr, missing))}; run citegraph snapshot {where} {terms} to count them")
    return view, ""


def analyze_graph(graph: nx.DiGraph, out_dir: Path, options: AnalysisOptions = AnalysisOptions(), *,
                  settings: Settings | None = None, saved_corpus: Any = None) -> AnalysisReport:
    """Run every analysis, add the corpus view when it can be had, and write the report, its
    CSVs (``corpus_*.csv`` too) and the exports (``nodes.csv``, GEXF, GraphML) with term use and
    highlights joined in, all renamed into place together. ``graph`` is only read, and the
    crawl's ``graph.json`` is left as the crawl wrote it. ``saved_corpus``: the
    :class:`~citegraph.corpus.SavedCorpus` of the graph's directory (a snapshot run's view), the
    only view a snapshot graph reports; its files are copied unchanged.
    """
    from .analysis import analyze, highlights
    from .analysis.highlights import export_view
    from .corpus import write_corpus_csvs
    from .report import write_report

    check_writable(out_dir)
    analysis = analyze(graph, terms=options.terms, regex=options.regex)
    view, note = corpus_for(graph, options, settings, saved_corpus)
    marks = highlights(graph, analysis.uses, analysis=analysis)
    with atomic_files() as files:  # the report, the corpus tables and the exports, together
        paths = write_report(graph, analysis, out_dir, corpus=view, corpus_note=note, files=files)
        if saved_corpus is not None and view is saved_corpus.view:
            paths.update({name: files.write(out_dir / name, text) for name, text in saved_corpus.files.items()})
        elif view is not None:
            paths.update(write_corpus_csvs(view, out_dir, files=files))
        paths.update(save_graph(export_view(graph, analysis.uses, marks), out_dir, lossless=False, files=files))
    return AnalysisReport(graph, analysis, marks, paths, view, note)


def run_analysis(graph_dir: Path, *, out_dir: Path | None = None, options: AnalysisOptions = AnalysisOptions(),
                 settings: Settings | None = None) -> AnalysisReport:
    """``citegraph analyze``: load the crawled graph in ``graph_dir`` and analyse it (with the
    corpus view saved beside it when the graph comes from a snapshot)."""
    from .corpus import read_corpus_view

    graph = load_graph(graph_dir)
    saved = read_corpus_view(graph_dir) if _snapshot_root(graph) is not None and options.corpus else None
    return analyze_graph(graph, out_dir or Path(graph_dir), options, settings=settings, saved_corpus=saved)


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


# --- jobs: what each command runs, as one value and one call ---------------------------------


@dataclass(frozen=True)
class Source:
    """Where works come from: OpenAlex as ``settings`` say, or (``demo``) a local stand-in
    serving ``demo_data`` (the bundled demo corpus by default)."""

    settings: Settings
    demo: bool = False
    demo_data: Path | None = None


@contextmanager
def api_source(source: Source) -> Iterator[Settings]:
    """The settings to reach the works with; for a demo, a stand-in runs while this is open and
    its answers are cached under the ``demo`` namespace (found again on every port)."""
    if not source.demo:
        yield source.settings
        return
    with serve_demo(demo_data_path(source.demo_data)) as url:
        yield source.settings.with_(api_url=url, cache_namespace="demo")


@dataclass(frozen=True)
class CrawlJob:
    """``citegraph crawl``: crawl, then optionally analyse and draw."""

    source: Source
    seeds: tuple[str, ...]
    out_dir: Path
    options: CrawlOptions = CrawlOptions()
    merge_versions: bool | None = None
    analyze: bool = False
    html: bool = False
    analysis: AnalysisOptions = AnalysisOptions()
    max_nodes: int = 2000


@dataclass(frozen=True)
class AnalyzeJob:
    """``citegraph analyze``: analyse a crawled graph (and ask ``source`` for the corpus view)."""

    source: Source
    graph_dir: Path
    out_dir: Path | None = None
    analysis: AnalysisOptions = AnalysisOptions()


@dataclass(frozen=True)
class RenderJob:
    """``citegraph render``: draw a crawled graph's explorer for some terms."""

    graph_dir: Path
    out: Path | None = None
    terms: tuple[str, ...] = ("pre-training",)
    regex: bool = False
    max_nodes: int = 2000


@dataclass(frozen=True)
class TrendJob:
    """``citegraph trend``: the corpus view alone."""

    source: Source
    terms: tuple[str, ...]
    out_dir: Path
    seeds: tuple[str, ...] = ()


@dataclass
class JobResult:
    """What a job produced; the parts a job did not run stay ``None``."""

    crawl: CrawlReport | None = None
    analysis: AnalysisReport | None = None
    page: Path | None = None
    trend: Any = None


def _written_dir(job: CrawlJob | AnalyzeJob | RenderJob | TrendJob) -> Path:
    """The directory a job writes into (and locks)."""
    if isinstance(job, RenderJob):
        if job.out is None:
            return Path(job.graph_dir)
        return job.out.parent if job.out.suffix.lower() in (".html", ".htm") else job.out
    if isinstance(job, AnalyzeJob):
        return Path(job.out_dir or job.graph_dir)
    return Path(job.out_dir)


def run_job(job: CrawlJob | AnalyzeJob | RenderJob | TrendJob, *, on_progress: Progress | None = None,
            on_plan: Callable[[Any], None] | None = None, lock_wait_s: float | None = None) -> JobResult:
    """Run one command's job, holding its output directory's write lock (:mod:`citegraph.outlock`:
    a second run writing there waits up to ``lock_wait_s``, then stops with exit 13).
    ``on_progress`` sees the crawl's events, ``on_plan`` the corpus view's plan ("about N
    requests, $X") before it is sent (the ``trend`` job)."""
    from .outlock import output_lock
    from .terms import compile_terms

    if not isinstance(job, (RenderJob, TrendJob)):
        compile_terms(job.analysis.terms, regex=job.analysis.regex)  # a bad term fails before any request
    if isinstance(job, (AnalyzeJob, RenderJob)):
        graph_path(job.graph_dir)  # no graph: say so before creating or locking anything
    with output_lock(_written_dir(job), wait_s=lock_wait_s):
        return _run_locked(job, on_progress, on_plan)


def _run_locked(job: CrawlJob | AnalyzeJob | RenderJob | TrendJob, on_progress: Progress | None,
                on_plan: Callable[[Any], None] | None) -> JobResult:
    if isinstance(job, RenderJob):
        return JobResult(page=run_render(job.graph_dir, out=job.out, max_nodes=job.max_nodes, terms=job.terms,
                                         regex=job.regex))
    if isinstance(job, TrendJob):
        from .trend import run_trend

        with api_source(job.source) as settings:
            return JobResult(trend=run_trend(settings, job.terms, job.out_dir, seed_texts=job.seeds, on_plan=on_plan))
    if isinstance(job, AnalyzeJob):
        with api_source(job.source) as settings:
            return JobResult(analysis=run_analysis(job.graph_dir, out_dir=job.out_dir, options=job.analysis,
                                                   settings=settings))
    result = JobResult()
    with api_source(job.source) as settings:
        result.crawl = run_crawl(settings, job.seeds, job.out_dir, options=job.options,
                                 merge_versions=job.merge_versions, on_progress=on_progress)
        if job.analyze:
            result.analysis = analyze_graph(result.crawl.graph, job.out_dir, job.analysis, settings=settings)
    if job.html:
        result.page = render_graph(result.crawl.graph, job.out_dir, max_nodes=job.max_nodes,
                                   terms=job.analysis.terms, regex=job.analysis.regex,
                                   analysis=result.analysis.analysis if result.analysis else None)
    return result
