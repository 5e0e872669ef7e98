"""When a work appeared, and which of two works came first.

OpenAlex renders a year-only date as ``YYYY-01-01`` (DEFECTS.md item 3); ``records.py`` flags it
``placeholder_date``. Such a date says nothing about the order of two works of the same year,
so it is ignored here: works are ordered by year, then by a real date when both have one.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

__all__ = ["real_date", "when_key", "is_earlier", "label"]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def real_date(attrs: Mapping[str, Any]) -> str | None:
    """The work's ``YYYY-MM-DD`` date when it is a real day of its year (not a placeholder)."""
    date, year = attrs.get("date"), attrs.get("year")
    if not date or not _DATE.match(str(date)) or "placeholder_date" in (attrs.get("warnings") or ()):
        return None
    if year is not None and not str(date).startswith(str(year)):
        return None
    return str(date)


def when_key(node: str, attrs: Mapping[str, Any]) -> tuple[int, str, str]:
    """Sort key: year, then real date (unknown dates last in their year), then id.

    Callers exclude works without a year first; they sort last here.
    """
    year = attrs.get("year")
    return (year if year is not None else 10**6, real_date(attrs) or "9999-99-99", node)


def is_earlier(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """True when work ``a`` surely appeared before ``b``: an earlier year, or the same year and
    an earlier real date. Works without a year are never earlier or later than anything."""
    year_a, year_b = a.get("year"), b.get("year")
    if year_a is None or year_b is None:
        return False
    if year_a != year_b:
        return year_a < year_b
    date_a, date_b = real_date(a), real_date(b)
    return bool(date_a and date_b and date_a < date_b)


def label(node: str, attrs: Mapping[str, Any]) -> str:
    """A short human label: ``Devlin 2019`` (first author's surname and year); without an author,
    the title's first words and the year; else the id."""
    author = attrs.get("first_author") or ((attrs.get("authors") or [None])[0])
    surname = str(author).replace(",", " ").split()[-1] if author and str(author).split() else ""
    year = attrs.get("year")
    if not surname:
        words = str(attrs.get("title") or "").split()
        surname = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    name = surname or node
    return f"{name} {year}" if year and surname else (f"{node} ({year})" if year else name)
