"""The ``trend`` job as one library call: resolve the seeds, run the corpus view, write its files.

``run_trend`` is what ``citegraph trend`` runs; it opens the client, returns plain data (the
view, the seeds, the paths written) and never prints. The plan ("about N requests, $X") goes to
``on_plan`` before the first corpus request, so the CLI can show it first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .client import OpenAlexClient
from .config import Settings
from .corpus import CorpusOptions, CorpusPlan, CorpusView, corpus_view, write_corpus_csvs
from .pipeline import check_writable
from .seeds import ResolvedSeed, resolve_seeds

__all__ = ["TrendReport", "run_trend"]


@dataclass(frozen=True)
class TrendReport:
    """What one ``trend`` run produced: the corpus view, the resolved seeds, every file written."""

    view: CorpusView
    seeds: tuple[ResolvedSeed, ...]
    paths: dict[str, Path]


def run_trend(settings: Settings, terms: Sequence[str], out_dir: Path, *, seed_texts: Sequence[str] = (),
              scope: str | None = None, options: CorpusOptions = CorpusOptions(),
              on_plan: Callable[[CorpusPlan], None] | None = None) -> TrendReport:
    """The corpus view of ``terms`` (and of the works citing each seed), written into ``out_dir``.

    A seed's preprint/published twins are counted together (one ``cites:`` OR filter). The
    scope follows from ``settings`` unless given (:func:`citegraph.corpus.corpus_scope`).
    """
    check_writable(out_dir)
    with OpenAlexClient(settings) as client:
        seeds = tuple(resolve_seeds(client, seed_texts)) if seed_texts else ()
        view = corpus_view(client, terms, seeds={s.name: [s.id, *s.twins] for s in seeds}, scope=scope,
                           options=options, on_plan=on_plan)
    return TrendReport(view, seeds, write_corpus_csvs(view, out_dir))
