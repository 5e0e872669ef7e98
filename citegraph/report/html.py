"""Blocks → the text of ``report.html``: one self-contained page, no script, nothing fetched.

Record text is untrusted (titles and abstracts can hold ``<script>``): everything is escaped,
and a Content-Security-Policy forbids loading anything (styles are inline, the chart is inline
SVG), so the page opens offline from the file system and could not run an injected script.
"""

from __future__ import annotations

import html
import re
from typing import Iterable

from ..records import is_synthetic_id
from .blocks import Link, Block, Bullets, Chart, Heading, Paragraph, Table
from .svg import timeline_svg

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#1b1b1b;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ddd}h3{margin-top:1.3em}
table{border-collapse:collapse;margin:.4em 0 1em;font-size:.85em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}th{background:#f3f3f3}
code{background:#f3f3f3;padding:0 .2em}.src{font-size:.8em;color:#555}svg{max-width:100%;height:auto}
""".strip()


_WORK_ID = re.compile(r"\bW[1-9][0-9]{0,11}\b")


class _Anchors:
    """Work ids as links: each id to its OpenAlex page (real ids only, never a synthetic one), and
    the first mention of each in the page carries ``id="work-<id>"``, the explorer's target."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def link(self, escaped: str) -> str:
        return _WORK_ID.sub(self._one, escaped)

    def _one(self, match: re.Match[str]) -> str:
        work = match.group(0)
        anchor = "" if work in self.seen else f' id="work-{work}"'
        self.seen.add(work)
        if is_synthetic_id(work):
            return f"<span{anchor}>{work}</span>" if anchor else work
        return f'<a{anchor} href="https://openalex.org/{work}">{work}</a>'


def _html_inline(text: str, anchors: _Anchors) -> str:
    """Escaped text with the blocks' two marks, ``**bold**`` and ```code```, as tags, and work ids as links."""
    escaped = html.escape(str(text), quote=True)
    escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    parts = re.split(r"(`[^`]+?`)", escaped)  # never inside code spans (CSV names)
    return "".join(f"<code>{part[1:-1]}</code>" if part.startswith("`") and part.endswith("`") and len(part) > 1
                   else anchors.link(part) for part in parts)


def _html_block(block: Block, anchors: _Anchors) -> str:
    match block:
        case Heading(level, text):
            return f"<h{level}>{_html_inline(text, anchors)}</h{level}>"
        case Paragraph(text):
            return f"<p>{_html_inline(text, anchors)}</p>"
        case Bullets(items):
            return "<ul>" + "".join(f"<li>{_html_inline(item, anchors)}</li>" for item in items) + "</ul>"
        case Link(text, href):
            return f'<p class="src"><a href="{html.escape(href, quote=True)}">{html.escape(text)}</a></p>'
        case Chart(timeline):
            return timeline_svg(timeline)
        case Table():
            return _html_table(block, anchors)
    raise TypeError(f"not a report block: {block!r}")


def _html_table(table: Table, anchors: _Anchors) -> str:
    source = f'<div class="src">Source: <code>{html.escape(table.source)}</code></div>'
    if not table.rows:
        return source + "<p>(none)</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join("<tr>" + "".join(f"<td>{anchors.link(html.escape(str(c)))}</td>" for c in row) + "</tr>"
                   for row in table.rows)
    more = f'<div class="src">… {table.more} more rows in <code>{html.escape(table.source)}</code>.</div>' if table.more else ""
    return f"{source}<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def render_html(blocks: Iterable[Block], title: str) -> str:
    """The HTML page for ``blocks``, titled ``title``."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
           f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"]
    anchors = _Anchors()
    out += [_html_block(block, anchors) for block in blocks]
    out.append("</body></html>")
    return "\n".join(out) + "\n"
