"""What a person reads: ``report.md``, a self-contained ``report.html`` and the CSVs behind them.

The steps, one module each: :mod:`.document` decides what the report says (an analysis and its
graph → a list of :mod:`.blocks`), :mod:`.markdown` and :mod:`.html` render those blocks to text
(:mod:`.svg` draws the chart), :mod:`.tables` gathers the tables written as CSVs. Only
:func:`write_report` writes files, all of them at once (:mod:`citegraph.atomic`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import networkx as nx

from ..analysis import Analysis
from ..atomic import FileSet, atomic_files
from ..exports import frame_csv
from .document import build_document, report_summary, report_title
from .html import render_html
from .markdown import render_markdown
from .tables import CSV_FILES, report_tables

__all__ = ["write_report", "report_summary", "CSV_FILES"]

log = logging.getLogger("citegraph")


def write_report(G: nx.DiGraph, analysis: Analysis, out_dir: Path | str, *, corpus: Any = None,
                 corpus_note: str = "", files: FileSet | None = None) -> dict[str, Path]:
    """Write the CSVs, ``report.md`` and ``report.html`` into ``out_dir``; return ``{file name: path}``.

    All are renamed into place together once all are written, so a failed or interrupted run
    leaves the previous report whole. ``files``: a caller's open
    :func:`~citegraph.atomic.atomic_files` set to join instead. Raises
    :class:`~citegraph.errors.OutputError` when the directory cannot be created or written.
    """
    out = Path(out_dir)
    blocks = build_document(G, analysis, corpus, corpus_note)
    paths: dict[str, Path] = {}
    with atomic_files(files) as staged:
        for name, frame in report_tables(analysis, G).items():
            paths[name] = staged.write(out / name, frame_csv(frame))
        paths["report.md"] = staged.write(out / "report.md", render_markdown(blocks))
        paths["report.html"] = staged.write(out / "report.html", render_html(blocks, report_title(analysis)))
    log.info("report for %s: %d files", out, len(paths))
    return paths
