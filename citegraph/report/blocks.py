"""The typed blocks a report is made of: what :mod:`.document` says and each renderer draws.

One list of blocks feeds both ``report.md`` and ``report.html``, so the two say the same thing.
Block text may carry two marks, ``**bold**`` and ```code``` (CSV names), which each renderer
turns into its own markup; everything else in it is plain, untrusted text for the renderer to
escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import pandas as pd

__all__ = ["Heading", "Paragraph", "Bullets", "Chart", "Table", "Link", "Block"]


@dataclass(frozen=True)
class Heading:
    """A section title; ``level`` 1 is the document's title."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    """A line linking a file beside the report (``href`` is relative and ours, never record text)."""

    text: str
    href: str


@dataclass(frozen=True, eq=False)
class Chart:
    """Adopters per year (the ``timeline.csv`` frame): a chart in HTML, a pointer to it in Markdown."""

    timeline: pd.DataFrame


@dataclass(frozen=True)
class Table:
    """A table already formatted to text, naming the CSV it comes from.

    ``more``: rows left out of the report for length (all of them are in the CSV).
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source: str
    more: int = 0


Block = Union[Link, Heading, Paragraph, Bullets, Chart, Table]
