"""Blocks → the text of ``report.md``.

Record text is untrusted: ``<`` and ``>`` are escaped so a title holding ``<script>`` stays text
in any Markdown viewer that passes HTML through, and ``|`` is escaped inside table cells.
"""

from __future__ import annotations

from typing import Iterable

from .blocks import Link, Block, Bullets, Chart, Heading, Paragraph, Table

__all__ = ["render_markdown"]


def _md_text(text: str) -> str:
    return str(text).replace("<", "&lt;").replace(">", "&gt;")


def _md_cell(text: str) -> str:
    return _md_text(" ".join(str(text).split())).replace("|", "\\|")


def _md_block(block: Block) -> list[str]:
    match block:
        case Heading(level, text):
            return ["#" * level + " " + _md_text(text), ""]
        case Paragraph(text):
            return [_md_text(text), ""]
        case Bullets(items):
            return [f"- {_md_text(item)}" for item in items] + [""]
        case Link(text, href):
            return [f"[{_md_text(text)}]({href})", ""]
        case Chart():
            return ["(The adoption chart is in `report.html`; its numbers are the table below.)", ""]
        case Table():
            return _md_table(block)
    raise TypeError(f"not a report block: {block!r}")


def _md_table(table: Table) -> list[str]:
    lines = [f"Source: `{table.source}`", ""]
    if not table.rows:
        return lines + ["(none)", ""]
    lines.append("| " + " | ".join(_md_cell(c) for c in table.columns) + " |")
    lines.append("|" + "---|" * len(table.columns))
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows]
    if table.more:
        lines.append(f"\n… {table.more} more rows in `{table.source}`.")
    return lines + [""]


def render_markdown(blocks: Iterable[Block]) -> str:
    """The Markdown document: one line per heading, paragraph and bullet, tables as pipe tables."""
    out: list[str] = []
    for block in blocks:
        out += _md_block(block)
    return "\n".join(out).rstrip() + "\n"
