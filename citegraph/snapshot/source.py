"""The snapshot as a source of works: term users, aggregates, seeds and records, from an engine.

:class:`SnapshotSource` answers the same calls the OpenAlex client answers, so the rest of
citegraph runs over a snapshot unchanged:

* ``group_by(filter, key)`` and ``list_page(filter, sort=..., per_page=...)``: what
  :func:`citegraph.corpus.corpus_view` asks (OpenAlex's filter syntax, turned into SQL by
  :mod:`citegraph.snapshot.plan`). A term search means the works citegraph's matcher finds
  (:meth:`match`), not a stemmed search engine's hits.
* ``get_work(ref)`` and ``list_page(search=title)``: what :func:`citegraph.seeds.resolve_seeds`
  asks (an OpenAlex id, a DOI, a title).
* ``get_works(ids)``: what :func:`citegraph.crawl.crawl` asks, level by level.

Term matching (:meth:`match`) agrees with the API path by construction: the engine keeps the
works whose title or abstract index could hold the term (:func:`plan.candidates_sql`), with only
their id, title, authors and abstract index; each of those is read by
:func:`citegraph.records.work_text` (the title, abstract and ``has_abstract`` that
:func:`citegraph.records.slim_record` would give it: the abstract rebuilt, the citation-line
check made) and judged by :func:`citegraph.terms.term_hits`, exactly what
:func:`citegraph.terms.term_uses` does for a graph node. Any other work cannot match.
"""

from __future__ import annotations

import difflib
import logging
import re
import time
from typing import Any, Mapping, Sequence

from ..bulk import gc_paused
from ..records import normalize_doi, normalize_title, record_id, try_work_id, work_text
from ..terms import TermMatcher, TermUse, term_hits, variants
from . import plan
from .engines import Engine
from .manifest import Snapshot, check_counts
from .schema import raw_text, raw_work

__all__ = ["SnapshotSource"]

log = logging.getLogger("citegraph")


class SnapshotSource:
    """One scanned snapshot in one engine (see the module docstring)."""

    #: The corpus view's counts of a term's works are of matcher-verified users, not search hits.
    term_counting = "matcher"

    def __init__(self, engine: Engine, snapshot: Snapshot) -> None:
        self.engine = engine
        self.snapshot = snapshot
        self.d = engine.dialect
        self.timings: dict[str, float] = {}
        self.uses: dict[str, dict[str, TermUse]] = {}
        self.candidates = 0
        self._searches: dict[str, tuple[str, str]] = {}
        self._fact_rows: tuple[list[dict[str, Any]], list[dict[str, Any]]] | None = None
        started = time.monotonic()
        engine.scan(snapshot)
        check_counts(snapshot, {r["part"]: int(r["records"]) for r in engine.rows(plan.part_counts_sql())})
        self.timings["scan_s"] = round(time.monotonic() - started, 3)
        self.engine.register("term_users", ["term", "id"], [])
        self.engine.register("term_forms", ["term", "id", "form"], [])

    # --- term matching --------------------------------------------------------------------

    def match(self, matchers: Sequence[TermMatcher]) -> dict[str, dict[str, TermUse]]:
        """``{term: {work id: TermUse}}`` for every work using a term; also registered in the
        engine as ``term_users`` and ``term_forms`` for the aggregates."""
        started = time.monotonic()
        needles = [m.needle if not m.regex else "" for m in matchers]
        rows = self.engine.rows(plan.candidates_sql(self.d, needles))
        self.candidates = len(rows)
        uses: dict[str, dict[str, TermUse]] = {m.term: {} for m in matchers}
        with gc_paused():  # parsing the indexes makes many small containers and no cycles
            for row in rows:
                raw = raw_text(row)
                own_id, text = record_id(raw), work_text(raw)
                for matcher in matchers:
                    hit = term_hits(text.title, text.abstract, text.has_abstract, matcher)
                    if hit.adopts:
                        uses[matcher.term][own_id] = hit
        self.uses = uses
        users = [(term, work) for term, hits in uses.items() for work in sorted(hits)]
        forms = [(term, work, form) for term, hits in uses.items() for work in sorted(hits) for form in hits[work].forms]
        self._fact_rows = None
        self.engine.register("term_users", ["term", "id"], users)
        self.engine.register("term_forms", ["term", "id", "form"], forms)
        for matcher in matchers:
            if not matcher.regex:
                forms_of = variants(matcher.term)
                self._searches["|".join(forms_of)] = (matcher.term, "")
                for form in forms_of:
                    self._searches.setdefault(form, (matcher.term, form))
        self.timings["match_s"] = round(time.monotonic() - started, 3)
        log.info("snapshot: %d candidate works, %s", len(rows),
                 ", ".join(f"{term!r} {len(hits)} users" for term, hits in uses.items()))
        return uses

    # --- what the corpus view asks ----------------------------------------------------------

    def group_by(self, filter: str | None, key: str, *, use_facts: bool = True) -> list[dict]:
        """OpenAlex's ``group_by`` answer (``key``, ``key_display_name``, ``count``, most first).

        Term searches, alone or with a year range or an institution type, are answered from
        the two fact tables (:meth:`_facts`); anything else, or ``use_facts=False``, is one query.
        """
        counts = self._from_facts(filter, key) if use_facts else None
        if counts is None:
            counts = {}
            for g in self.engine.rows(plan.group_by_sql(self.d, filter, key, self._searches)):
                counts[None if g["key"] is None else str(g["key"])] = (g["key_display_name"], int(g["count"]))
        out = [{"key": "unknown" if k is None else k,
                "key_display_name": "unknown" if k is None else str(label or k), "count": n}
               for k, (label, n) in counts.items() if n]
        return sorted(out, key=lambda g: (-g["count"], g["key"]))

    def _facts(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        if self._fact_rows is None:
            self._fact_rows = (self.engine.rows(plan.term_facts_sql()), self.engine.rows(plan.institution_facts_sql(self.d)))
        return self._fact_rows

    def _from_facts(self, filter: str | None, key: str) -> dict[str | None, tuple[Any, int]] | None:
        """The groups of a term search (with at most a year range or an institution type) from
        the fact tables, or None when the filter asks something else."""
        clauses = plan.parse_filter(filter)
        searches = [v for k, v in clauses if k in plan.SEARCH_KEYS]
        others = [(k, v) for k, v in clauses if k not in plan.SEARCH_KEYS]
        name, unknown = plan.group_key(key)
        if len(searches) != 1 or searches[0] not in self._searches or len(others) > 1:
            return None
        term, form = self._searches[searches[0]]
        first, last = None, None
        kind = None
        if others and others[0][0] == "publication_year":
            first, last = plan.year_range(others[0][1])
        elif others and others[0][0] == "authorships.institutions.type" and "|" not in others[0][1] and not form \
                and name == "publication_year":
            kind = others[0][1]
        elif others:
            return None
        terms, kinds = self._facts()
        rows = ([r for r in kinds if r["term"] == term and r["kind"] == kind] if kind is not None
                else [r for r in terms if r["term"] == term and r["form"] == form])
        counts: dict[str | None, tuple[Any, int]] = {}
        for row in rows:
            year = row["year"]
            if (first is not None or last is not None) and (year is None or (first is not None and year < first)
                                                             or (last is not None and year > last)):
                continue
            group = year if name == "publication_year" else row["field_id"]
            label = row.get("field") if name != "publication_year" else group
            if group is None and not unknown:
                continue
            group = None if group is None else str(group)
            before = counts.get(group, (label, 0))
            counts[group] = (before[0] if before[0] is not None else label, before[1] + int(row["n"]))
        return counts

    def list_page(self, filter: str | None = None, *, search: str | None = None,
                  select: Sequence[str] | None = None, sort: str | None = None, per_page: int = 25,
                  page: int = 1) -> tuple[list[dict], dict]:
        if search:
            return self._title_search(search, per_page)
        rows = self.engine.rows(plan.earliest_sql(self.d, filter, self._searches, per_page * page))
        records = [raw_work(row) for row in rows][per_page * (page - 1):]
        return records, {"count": len(records)}

    # --- what seed resolution and the crawl ask -----------------------------------------------

    def get_work(self, ref: str, *, select: Sequence[str] | None = None) -> dict[str, Any] | None:
        if ref.lower().startswith("doi:"):
            doi = normalize_doi(ref[4:])
            where = f"doi_key = {self.d.literal(doi or '')}"
        else:
            where = f"id = {self.d.literal(try_work_id(ref) or '')}"
        rows = self.engine.rows(f"SELECT * FROM works WHERE {where} ORDER BY id LIMIT 1")
        return raw_work(rows[0]) if rows else None

    def get_works(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``{id: raw work}`` for the ids the snapshot holds (the others are dangling)."""
        wanted = sorted({short for short in (try_work_id(i) for i in ids) if short})
        if not wanted:
            return {}
        self.engine.register("wanted", ["id"], [(w,) for w in wanted])
        with gc_paused():  # thousands of rows of small containers, no cycles
            return {row["id"]: raw_work(row) for row in self.engine.rows(plan.rows_by_id_sql("wanted"))}

    def _title_search(self, title: str, limit: int) -> tuple[list[dict], dict]:
        words = list(dict.fromkeys(re.findall(r"[^\W_]+", title.lower())))
        rows = self.engine.rows(plan.title_search_sql(self.d, words))
        wanted = normalize_title(title)

        def rank(row: Mapping[str, Any]) -> tuple[float, int, str]:
            ratio = difflib.SequenceMatcher(None, wanted, normalize_title(row.get("title"))).ratio()
            return (-ratio, -(row.get("cited_by_count") or 0), str(row["id"]))

        ranked = sorted(rows, key=rank)[:limit]
        return [raw_work(row) for row in ranked], {"count": len(rows)}

    # --- the term neighbourhood ------------------------------------------------------------------

    def neighbourhood(self, term: str, max_works: int) -> tuple[dict[str, int], int]:
        """The term's users (depth 0) and the works they cite or are cited by (depth 1), at most
        ``max_works``: users first (earliest first), then the neighbours with the most links to
        them (ties by id). Returns ``({id: depth}, works left out)``."""
        hits = self.uses.get(term, {})
        years = {r["id"]: (r["year"] is None, r["year"] or 0, r["date"] or "", r["id"])
                 for r in self.engine.rows("SELECT w.id, w.year, w.date FROM works w JOIN term_users u ON w.id = u.id "
                                           f"WHERE u.term = {self.d.literal(term)}")}
        users = sorted(hits, key=lambda w: years.get(w, (True, 0, "", w)))
        kept = users[:max_works]
        self.engine.register("focus", ["id"], [(w,) for w in kept])
        links = self.engine.rows(plan.neighbours_sql(self.d))
        ranked = sorted(links, key=lambda r: (-int(r["links"]), r["id"]))
        room = max(0, max_works - len(kept))
        depths = {w: 0 for w in kept}
        depths.update({r["id"]: 1 for r in ranked[:room]})
        left_out = len(users) - len(kept) + max(0, len(ranked) - room)
        return depths, left_out
