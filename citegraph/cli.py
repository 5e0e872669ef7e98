"""Command line: parse options, call one library function, format the result.

Every :class:`CitegraphError` becomes one line on stderr and its own exit code; an
interrupt says how to resume. Nothing here computes anything the library could.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .config import DEFAULT_API_URL, Settings
from .crawl import DIRECTIONS, CrawlOptions
from .errors import CitegraphError
from .progress import Event, RequestAnswered, SeedsResolved

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70


def _fail(message: str, code: int) -> None:
    click.echo(f"citegraph: error: {message}", err=True)
    sys.exit(code)


def handle_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """One place where errors become a line on stderr and an exit code (no tracebacks)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CitegraphError as exc:
            _fail(str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__, exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted; everything fetched so far is cached: rerun the same command to resume", EXIT_INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - last resort: never a traceback for the user
            if logging.getLogger("citegraph").isEnabledFor(logging.DEBUG):
                raise
            _fail(f"internal error ({exc.__class__.__name__}: {str(exc)[:200]}); rerun with -v to see the traceback", EXIT_INTERNAL)

    return wrapper


def api_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say how to reach OpenAlex and where the cache lives."""
    options = [
        click.option("--api-key", envvar="OPENALEX_API_KEY", default=None, help="OpenAlex API key (env OPENALEX_API_KEY). Never written anywhere."),
        click.option("--mailto", envvar="OPENALEX_MAILTO", default=None, help="Your e-mail, sent as mailto= (courtesy)."),
        click.option("--api-url", envvar="OPENALEX_API_URL", default=DEFAULT_API_URL, show_default=True, help="API base URL (tests point it at 127.0.0.1)."),
        click.option("--cache-dir", type=click.Path(path_type=Path), default=Path("cache"), show_default=True, help="Disk cache of every response."),
        click.option("--offline", is_flag=True, help="Use the cache only; a miss is an error."),
        click.option("--refresh", is_flag=True, help="Refetch everything and overwrite the cache."),
        click.option("--rate-limit", type=click.FloatRange(min=0.1, max=1000), default=None, help="Requests per second (default 10, 30 with a key)."),
        click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True, help="Parallel requests (under the rate limit)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _options(command: Callable[..., Any], options: list[Callable[..., Any]]) -> Callable[..., Any]:
    for option in reversed(options):
        command = option(command)
    return command


def term_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say which term to trace."""
    return _options(command, [
        click.option("--term", "terms", multiple=True, help='Term to trace (repeatable; the first is primary) '
                     '[default: "pre-training"]; its spellings and inflections are generated.'),
        click.option("--regex", is_flag=True, help="Treat each --term as a regular expression."),
    ])


def corpus_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return _options(command, [click.option("--no-corpus", "no_corpus", is_flag=True,
                                           help="Skip the corpus view (the term across all of OpenAlex: a few dozen "
                                                "cached group_by queries, about $0.005 a term).")])


def drawing_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return _options(command, [click.option("--max-nodes", type=click.IntRange(min=0), default=2000, show_default=True,
                                           help="Largest graph drawn in graph.html (0: no limit).")])


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Where the works come from: OpenAlex (the API options), or the bundled demo corpus."""
    return _options(command, [
        click.option("--demo", is_flag=True, help="Use the bundled demo corpus through a local stand-in server (no network)."),
        click.option("--demo-data", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="Works served by --demo [default: the bundled demo corpus]."),
    ])


def _analysis_options(terms: tuple[str, ...], regex: bool, no_corpus: bool = False) -> Any:
    from .pipeline import AnalysisOptions

    return AnalysisOptions(terms=terms or ("pre-training",), regex=regex, corpus=not no_corpus)


def _source(demo: bool, demo_data: Path | None, api: dict[str, Any]) -> Any:
    from .pipeline import Source

    return Source(build_settings(**api), demo=demo, demo_data=demo_data)


def build_settings(api_key: str | None, mailto: str | None, api_url: str, cache_dir: Path, offline: bool,
                   refresh: bool, rate_limit: float | None, workers: int) -> Settings:
    if offline and refresh:
        from .errors import InputError

        raise InputError("--offline and --refresh contradict each other; pick one")
    return Settings(api_url=api_url.rstrip("/"), api_key=api_key or None, mailto=mailto, cache_dir=cache_dir,
                    offline=offline, refresh=refresh, rate_limit=rate_limit, workers=workers)


def _progress_printer(quiet: bool) -> Callable[[Event], None]:
    """Progress on stderr: a line per seed and per level, and on a terminal a live request count."""
    live = sys.stderr.isatty()
    last = [0.0]

    def show(event: Event) -> None:
        if quiet:
            return
        stats = event.stats
        if isinstance(event, RequestAnswered):
            if live and time.monotonic() - last[0] > 0.1:
                last[0] = time.monotonic()
                click.echo(f"\r  requests {stats.get('requests', 0)}, cache hits {stats.get('cache_hits', 0)}, "
                           f"${stats.get('cost_usd', 0):.4f} ", nl=False, err=True)
            return
        if live:
            click.echo("\r\033[K", nl=False, err=True)
        if isinstance(event, SeedsResolved):
            for seed in event.seeds:
                click.echo(f"seed {seed.name}: {seed.id} ({seed.how})", err=True)
                for note in seed.warnings:
                    click.echo(f"  warning: {note}", err=True)
            return
        click.echo(f"depth {event.depth}: +{event.added} works | requests {stats.get('requests', 0)}, "
                   f"cache hits {stats.get('cache_hits', 0)}, ${stats.get('cost_usd', 0):.4f}", err=True)

    return show


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="citegraph")
@click.option("-v", "--verbose", count=True, help="Log requests (-v) and tracebacks (-vv).")
def main(verbose: int) -> None:
    """Citation-graph analysis on OpenAlex: where did a term come from, and how did it spread?

    \b
    Examples:
      citegraph crawl --seed bert                      # BERT's references, depth 2
      citegraph crawl --seed bert --seed gpt1 --seed ulmfit --out outputs/lineage
      citegraph crawl --seed bert --demo               # offline, over the demo dataset
      citegraph seeds                                  # the presets
    """
    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command()
@click.option("--seed", "seeds", multiple=True, required=True, help="Preset (bert, gpt1, ulmfit), DOI, arXiv id, OpenAlex id or title. Repeatable.")
@click.option("--depth", type=int, default=2, show_default=True, help="Hops from the seeds (0-6).")
@click.option("--direction", type=click.Choice(DIRECTIONS), default="refs", show_default=True, help="Follow references, citing works, or both.")
@click.option("--max-works", type=int, default=5000, show_default=True, help="Stop adding works beyond this many.")
@click.option("--max-citing", type=int, default=200, show_default=True, help="Citing works taken per work (most cited first).")
@click.option("--merge-versions/--no-merge-versions", default=None, help="Merge preprint and published records of one paper: a preset seed's arXiv twin, and twins the "
              "crawl meets (same title, year ± 1, first author). Default on; --no-merge-versions keeps them apart.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output directory [default: outputs/<first seed>].")
@source_options
@click.option("--analyze", "analyze_after", is_flag=True, help="Also run `citegraph analyze` on the result.")
@click.option("--html", "html_after", is_flag=True, help="Also write the interactive graph.html.")
@term_options
@corpus_option
@drawing_option
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@api_options
@handle_errors
def crawl(seeds: tuple[str, ...], depth: int, direction: str, max_works: int, max_citing: int,
          merge_versions: bool | None, out: Path | None, demo: bool, demo_data: Path | None,
          analyze_after: bool, html_after: bool, terms: tuple[str, ...], regex: bool, no_corpus: bool,
          max_nodes: int, quiet: bool, **api: Any) -> None:
    """Crawl the citation graph around seed papers and write it to --out.

    \b
    Writes graph.json (lossless), graph.graphml, graph.gexf, nodes.csv, edges.csv and
    summary.json. Every response is cached: a rerun (or --offline) costs nothing, and an
    interrupted crawl resumes where it stopped.

    \b
    Examples:
      citegraph crawl --seed bert --depth 2 --out outputs/bert
      citegraph crawl --seed 10.18653/v1/N19-1423 --seed arXiv:1801.06146
      citegraph crawl --seed "Attention is all you need" --direction both --max-citing 50
      citegraph crawl --seed bert --offline
      citegraph crawl --seed bert --seed gpt1 --seed ulmfit --analyze --html --demo
    """
    from .pipeline import CrawlJob, run_job

    job = CrawlJob(source=_source(demo, demo_data, api), seeds=seeds, out_dir=out or Path("outputs") / _slug(seeds[0]),
                   options=CrawlOptions(direction=direction, depth=depth, max_works=max_works, max_citing=max_citing),
                   merge_versions=merge_versions, analyze=analyze_after, html=html_after,
                   analysis=_analysis_options(terms, regex, no_corpus), max_nodes=max_nodes)
    click.echo(_format_job(run_job(job, on_progress=_progress_printer(quiet)), job.out_dir))


def _format_job(done: Any, out_dir: Path) -> str:
    lines = [_format_summary(done.crawl.summary, out_dir)] if done.crawl else []
    if done.analysis:
        lines.append(_format_analysis(done.analysis))
    if done.page:
        lines.append(f"explorer: {done.page}")
    return "\n".join(lines)


def _slug(text: str) -> str:
    keep = "".join(ch if ch.isalnum() else "-" for ch in text.strip().casefold())
    return "-".join(part for part in keep.split("-") if part)[:60] or "graph"


def _format_summary(summary: dict[str, Any], out_dir: Path) -> str:
    lines = [
        f"{summary['works']:,} works, {summary['edges']:,} citation edges -> {out_dir}",
        f"requests {summary['requests']:,}, cache hits {summary['cache_hits']:,}, retries {summary['retries']:,}, "
        f"cost ${summary['cost_usd']:.4f}",
        f"dangling references {summary['dangling_refs']['count']:,}"
        + (f", {summary['skipped_by_budget']:,} works left out by --max-works" if summary["budget_reached"] else ""),
    ]
    for code, info in summary["warnings"].items():
        lines.append(f"warning {code}: {info['count']:,} works ({info['meaning']})")
    return "\n".join(lines)


def _format_analysis(done: Any) -> str:
    from .report import report_summary

    written = ", ".join(sorted(p.name for p in done.paths.values() if p.suffix in (".md", ".html")))
    corpus = [f"corpus: {h.describe()}" for h in done.corpus.headlines] if done.corpus else [done.corpus_note]
    return "\n".join([*corpus, f"crawl: {report_summary(done.analysis)}",
                      f"report: {written} (and CSVs) in {next(iter(done.paths.values())).parent}"])


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Where to write the report [default: GRAPH_DIR].")
@term_options
@corpus_option
@source_options
@api_options
@handle_errors
def analyze(graph_dir: Path, out: Path | None, terms: tuple[str, ...], regex: bool, no_corpus: bool, demo: bool,
            demo_data: Path | None, **api: Any) -> None:
    """Where did the term come from, and how did it spread? Analyse a crawled graph.

    \b
    Writes report.md, report.html and origins.csv, chains.csv, timeline.csv, mainpath.csv,
    rpys.csv (and more CSVs) next to the graph, the corpus view (corpus_*.csv: the term
    across all of OpenAlex, unless --no-corpus or offline without a cached answer), and
    adds term use to the graph's exports.

    \b
    Examples:
      citegraph analyze outputs/bert
      citegraph analyze outputs/bert --term pre-training --term fine-tuning
      citegraph analyze outputs/bert --term "pre-?train\\w*" --regex
      citegraph analyze outputs/bert --no-corpus
      citegraph analyze outputs/bert --demo        # the corpus view of the demo corpus
    """
    from .pipeline import AnalyzeJob, run_job

    job = AnalyzeJob(source=_source(demo, demo_data, api), graph_dir=graph_dir, out_dir=out,
                     analysis=_analysis_options(terms, regex, no_corpus))
    click.echo(_format_analysis(run_job(job).analysis))


@main.command()
@click.argument("graph_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None, help="HTML file or directory [default: GRAPH_DIR/graph.html].")
@term_options
@drawing_option
@handle_errors
def render(graph_dir: Path, out: Path | None, terms: tuple[str, ...], regex: bool, max_nodes: int) -> None:
    """Write the interactive, offline graph explorer (graph.html) for a crawled graph.

    \b
    Examples:
      citegraph render outputs/bert
      citegraph render outputs/bert --term fine-tuning
      citegraph render outputs/bert --max-nodes 500 --out /tmp/bert.html
    """
    from .pipeline import RenderJob, run_job

    job = RenderJob(graph_dir=graph_dir, out=out, terms=terms or ("pre-training",), regex=regex, max_nodes=max_nodes)
    click.echo(f"explorer: {run_job(job).page}")


@main.command()
@click.option("--term", "terms", multiple=True, help='Term to count across the corpus (repeatable) [default: "pre-training"].')
@click.option("--seed", "seeds", multiple=True, help="Also count, per year, the term's works citing this seed (repeatable).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output directory [default: outputs/trend-<first term>].")
@source_options
@api_options
@handle_errors
def trend(terms: tuple[str, ...], seeds: tuple[str, ...], out: Path | None, demo: bool, demo_data: Path | None,
          **api: Any) -> None:
    """The term across the whole corpus: yearly share, spellings, fields, institution types, first uses.

    \b
    Writes corpus_trend.csv, corpus_spellings.csv, corpus_fields.csv, corpus_institutions.csv,
    corpus_earliest.csv, corpus_seed_spread.csv and corpus.json, from a few dozen cached
    OpenAlex aggregate queries (the plan and its price are printed first).

    \b
    Examples:
      citegraph trend --term pre-training --out outputs/trend
      citegraph trend --term pre-training --term fine-tuning --seed bert --seed gpt1 --seed ulmfit
      citegraph trend --term pre-training --demo
    """
    from .pipeline import TrendJob, run_job

    terms = terms or ("pre-training",)
    job = TrendJob(source=_source(demo, demo_data, api), terms=terms, seeds=seeds,
                   out_dir=out or Path("outputs") / f"trend-{_slug(terms[0])}")
    done = run_job(job, on_plan=lambda plan: click.echo(f"corpus view: {plan.describe()}"))
    click.echo(_format_trend(done.trend, job.out_dir))


def _format_trend(done: Any, out_dir: Path) -> str:
    view = done.view
    lines = [f"seed {s.name}: {s.id} ({s.how})" for s in done.seeds]
    lines += [h.describe() for h in view.headlines]
    lines.append(f"requests {view.requests or 0:,}, cache hits {view.cache_hits or 0:,}, cost ${view.cost_usd or 0:.4f}, "
                 f"{view.elapsed_s:.1f} s")
    lines.append(f"{', '.join(sorted(p.name for p in done.paths.values()))} -> {out_dir}")
    return "\n".join(lines)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--term", "terms", multiple=True, help='Term to trace (repeatable) [default: "pre-training"].')
@click.option("--seed", "seeds", multiple=True, help="Crawl from this seed as `crawl` does (repeatable); without, the term's users and their neighbours.")
@click.option("--depth", type=int, default=2, show_default=True, help="Hops from the seeds (0-6).")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True, help="DuckDB (embedded) or Spark.")
@click.option("--spark-master", default="local[*]", show_default=True, help="Spark master URL (--engine spark).")
@click.option("--memory-limit", default="1GB", show_default=True, help="DuckDB's memory (e.g. 512MB, 8GB); beyond it the scan spills to a temporary directory.")
@click.option("--format", "fmt", type=click.Choice(["auto", "jsonl", "parquet"]), default="auto", show_default=True, help="Which of the snapshot's formats to read (auto: Parquet when present).")
@click.option("--max-works", type=int, default=5000, show_default=True, help="Stop adding works to the graph beyond this many.")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Output directory [default: outputs/snapshot-<first term>].")
@handle_errors
def snapshot(path: Path, terms: tuple[str, ...], seeds: tuple[str, ...], depth: int, engine: str, spark_master: str,
             memory_limit: str, fmt: str, max_works: int, out: Path | None) -> None:
    """The term across an OpenAlex snapshot (JSON lines or Parquet): corpus_*.csv and a graph for analyze/render.

    \b
    Examples:
      citegraph snapshot /data/openalex --term pre-training --out outputs/snapshot
      citegraph snapshot /data/openalex --seed bert --seed gpt1 --seed ulmfit --depth 2 --engine spark
    """
    from .snapshot import SnapshotOptions, run_snapshot

    options = SnapshotOptions(engine=engine, spark_master=spark_master, memory_limit=memory_limit, format=fmt,
                              depth=depth, max_works=max_works)
    out_dir = out or Path("outputs") / f"snapshot-{_slug((terms or ('pre-training',))[0])}"
    done = run_snapshot(path, terms or ("pre-training",), out_dir, seed_texts=seeds, options=options)
    click.echo(done.describe())


@main.command()
def seeds() -> None:
    """List the preset seeds."""
    from .seeds import PRESETS

    for preset in PRESETS.values():
        ids = ", ".join(x for x in (preset.openalex_id, preset.doi and f"doi {preset.doi}",
                                     preset.arxiv_id and f"arXiv {preset.arxiv_id}") if x) or "by title"
        click.echo(f"{preset.name:7} {preset.year}  {preset.title}\n        {ids}; {preset.note}")


@main.group()
def cache() -> None:
    """Inspect or clear the response cache."""


@cache.command("info")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=Path("cache"), show_default=True)
@handle_errors
def cache_info(cache_dir: Path) -> None:
    """How many responses are cached, how big, fetched when."""
    from .client import cache_info as read_info

    info = read_info(cache_dir)
    click.echo(f"{cache_dir}: {info['entries']:,} responses, {info['bytes'] / 1e6:.1f} MB")
    if info["entries"]:
        click.echo(f"fetched between {info['oldest']} and {info['newest']}")


@cache.command("clear")
@click.option("--cache-dir", type=click.Path(path_type=Path), default=Path("cache"), show_default=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@handle_errors
def cache_clear(cache_dir: Path, yes: bool) -> None:
    """Delete every cached response."""
    from .client import clear_cache

    if not yes:
        click.confirm(f"Delete every cached response in {cache_dir}?", abort=True)
    click.echo(f"removed {clear_cache(cache_dir):,} cached responses from {cache_dir}")


if __name__ == "__main__":  # pragma: no cover
    main()
