"""The OpenAlex client: the parts of this package composed, and the API a caller sees.

:class:`OpenAlexClient` owns one of each part and passes them to each other: the
:class:`~.urls.ApiUrls`, a :class:`~.transport.Transport`, a :class:`~.cache.ResponseCache`,
a :class:`~.stats.Stats`, the rate limiter, the :class:`~.budget.DailyBudget` and the
:class:`~.fetch.Fetcher` that uses them. Here are the public calls (``get_work``, ``get_works``,
``iter_works``, ``list_page``, ``group_by``, ``stats``, ``close``) and the cache policy: what is
looked up, what is stored, and under which key.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import WORK_FIELDS, Settings
from ..errors import OfflineMissError
from ..records import try_work_id, work_id
from .budget import DailyBudget
from .cache import ResponseCache
from .fetch import Call, Fetcher
from .pool import WorkerPool
from .ratelimit import _RateLimiter
from .scrub import _install_log_scrubber
from .stats import ClientStats, Stats
from .transport import Transport
from .urls import ApiBase, ApiUrls, call_kind, list_params, record_id, select_fields, work_ref

log = logging.getLogger("citegraph")

#: Most values OpenAlex accepts in one OR filter (``openalex:W1|W2|...``).
BATCH_SIZE = 100


@dataclass(frozen=True)
class RequestEvent:
    """Passed to the ``on_request`` hook after each answered call (from the wire or the cache)."""

    url: str  # canonical URL: no credentials
    kind: str
    status: int
    from_cache: bool
    stats: ClientStats


def _version() -> str:
    from .. import __version__

    return __version__


def _numeric(short_id: str) -> int:
    return int(short_id[1:])


def _user_agent(mailto: str | None) -> str:
    agent = f"citegraph/{_version()}"
    return agent + (f" (mailto:{mailto})" if mailto else "")


class OpenAlexClient:
    """A careful OpenAlex client: cached, rate-limited, retrying, cost-counting.

    ``on_request`` (optional) is called with a :class:`RequestEvent` after every answered call,
    for progress display. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, settings: Settings, *, on_request: Callable[[RequestEvent], None] | None = None) -> None:
        self.settings = settings
        self.on_request = on_request
        base = ApiBase.parse(settings.api_url)
        self._urls = ApiUrls(base, namespace=settings.cache_namespace, api_key=settings.api_key or None,
                             mailto=settings.mailto)
        self._stats = Stats()
        self._stop = threading.Event()  # set by close(): workers drop their retries and waits
        self._closed = False
        self._pool = WorkerPool(max(1, int(settings.workers)))
        self._cache = ResponseCache(Path(settings.cache_dir), refresh=settings.refresh and not settings.offline)
        _install_log_scrubber()
        self._transport = Transport(settings, self._urls, user_agent=_user_agent(settings.mailto), auth=base.auth,
                                    pool_size=max(10, int(settings.workers)))
        self._fetcher = Fetcher(settings, self._transport, self._urls, self._stats,
                                _RateLimiter(settings.requests_per_second), DailyBudget(has_key=bool(settings.api_key)),
                                self._stop, lambda url, kind, status: self._notify(url, kind, status, from_cache=False))

    # ------------------------------------------------------------------ public API

    def get_work(self, ref: str, *, select: Sequence[str] | None = None) -> dict | None:
        """One work by OpenAlex id (any form), DOI (bare, ``doi:`` or URL) or arXiv id.

        An arXiv id becomes the DOI ``10.48550/arXiv.<id>`` (OpenAlex has no ``arxiv:``
        prefix). Returns ``None`` when OpenAlex answers 404 (unknown or merged id); that
        answer is cached too.
        """
        path = "/works/" + work_ref(ref)
        params = {"select": select_fields(select)} if select else {}
        entry = self._get(path, params, allow_404=True)
        if entry["status"] != 200:
            return None
        self._remember([entry["body"]], params.get("select", ""))
        return entry["body"]

    def get_works(self, ids: Sequence[str], *, select: Sequence[str] = WORK_FIELDS) -> dict[str, dict]:
        """Many works by OpenAlex id: ``{short id: raw record}`` for those OpenAlex returned.

        Ids already cached (found or not) are not asked again; the rest go out sorted, in
        ``openalex:`` OR filters of at most 100 ids, on ``settings.workers`` threads. Each
        returned record is cached under its singleton URL and each id missing from the answer
        gets a negative entry. A record returned under another id than asked (a merged work)
        is keyed by the id it carries. Missing ids are simply absent from the result.
        """
        wanted: dict[str, None] = {}
        for value in ids:
            wanted.setdefault(work_id(str(value)), None)
        fields = select_fields(select)
        found: dict[str, dict] = {}
        missing: list[str] = []
        for short in wanted:
            entry = self._cached(self._urls.work(short, fields), kind="singleton")
            if entry is None:
                missing.append(short)
            elif entry["status"] == 200 and isinstance(entry["body"], dict):
                found[record_id(entry["body"], short)] = entry["body"]
        if missing and self.settings.offline:
            missing.sort(key=_numeric)
            more = f" (and {len(missing) - 1} more uncached works)" if len(missing) > 1 else ""
            raise OfflineMissError(
                f"no cached response for {self._urls.work(missing[0], fields)}{more}; "
                "run without --offline (network needed)"
            )
        missing.sort(key=_numeric)
        batches = [missing[i : i + BATCH_SIZE] for i in range(0, len(missing), BATCH_SIZE)]
        if batches:
            log.debug("get_works: %d ids, %d cached, %d batches to fetch", len(wanted), len(wanted) - len(missing), len(batches))
        fetch = functools.partial(self._fetch_batch, fields=fields)
        for records in self._pool.map_in_order(fetch, batches, self._stop):
            for record in records:
                found.setdefault(record_id(record, ""), record)
        ordered = {short: found[short] for short in wanted if short in found}
        for short in sorted(found, key=_numeric):  # merged works, returned under another id
            ordered.setdefault(short, found[short])
        return ordered

    def iter_works(
        self,
        filter: str | None = None,
        *,
        search: str | None = None,
        select: Sequence[str] | None = WORK_FIELDS,
        sort: str | None = None,
        per_page: int = 100,
        max_results: int | None = None,
    ) -> Iterator[dict]:
        """Every work matching ``filter`` / ``search``, by cursor paging (each page cached).

        Follows ``meta.next_cursor`` from ``cursor=*`` until it is null, or stops after
        ``max_results`` records.
        """
        if max_results is not None and max_results <= 0:
            return
        if max_results is not None:
            per_page = min(per_page, max_results)
        params = list_params(filter, search, select, sort)
        params["per_page"] = str(per_page)
        cursor = "*"
        seen_cursors = set()
        yielded = 0
        while True:
            seen_cursors.add(cursor)
            body = self._get("/works", {**params, "cursor": cursor})["body"]
            results = body["results"]
            self._remember(results, params.get("select", ""))
            for record in results:
                yield record
                yielded += 1
                if max_results is not None and yielded >= max_results:
                    return
            cursor = (body.get("meta") or {}).get("next_cursor")
            if not cursor or not results or cursor in seen_cursors:
                return

    def list_page(
        self,
        filter: str | None = None,
        *,
        search: str | None = None,
        select: Sequence[str] | None = None,
        sort: str | None = None,
        per_page: int = 25,
        page: int = 1,
    ) -> tuple[list[dict], dict]:
        """One page of a list or search call: ``(results, meta)`` (e.g. the top title hits)."""
        params = list_params(filter, search, select, sort)
        params["per_page"] = str(per_page)
        params["page"] = str(page)
        body = self._get("/works", params)["body"]
        self._remember(body["results"], params.get("select", ""))
        return body["results"], body["meta"]

    def _remember(self, records: Sequence[Mapping[str, Any]], fields: str) -> None:
        """Cache works that came by DOI, search or citation filter under their singleton URL too,
        so a later ``get_works`` (the crawl) finds them instead of asking again."""
        for record in records:
            short = try_work_id(str(record.get("id", ""))) if isinstance(record, Mapping) else None
            if short is None:
                continue
            url = self._urls.work(short, fields)
            if self._cache.read(url) is None:
                self._cache.write(url, 200, record)

    def group_by(self, filter: str | None, key: str) -> list[dict]:
        """Counts of works matching ``filter`` grouped by ``key`` (OpenAlex forbids ``select`` here)."""
        params = {"group_by": key}
        if filter:
            params["filter"] = filter
        return self._get("/works", params)["body"]["group_by"]

    @property
    def stats(self) -> ClientStats:
        return self._stats.snapshot()

    def close(self) -> None:
        """Release the session and the cache. Fetches still running (only after Ctrl-C: every
        other path waits for its batches) give up at their next attempt or wait."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._pool.shutdown()
        self._transport.close()
        self._cache.close()

    def __enter__(self) -> "OpenAlexClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ cache policy

    def _get(self, path: str, params: Mapping[str, str], *, allow_404: bool = False) -> dict:
        """The cached entry for a call, else its answer from the wire (then cached)."""
        call = Call(self._urls.canonical(path, params), call_kind(path, params), params, allow_404)
        entry = self._cached(call.url, kind=call.kind)
        if entry is not None and (entry["status"] == 200 or (allow_404 and entry["status"] == 404)):
            return entry
        if self.settings.offline:
            raise OfflineMissError(f"no cached response for {call.url}; run without --offline (network needed)")
        status, body = self._fetcher.fetch(call)
        return self._cache.write(call.url, status, body)

    def _cached(self, url: str, *, kind: str) -> dict | None:
        """The cached entry for ``url`` (counting a hit), unless ``refresh`` wants it refetched."""
        entry = self._cache.lookup(url)
        if entry is not None:
            self._stats.cache_hit()
            self._notify(url, kind, entry["status"], from_cache=True)
        return entry

    def _fetch_batch(self, batch: list[str], fields: str) -> list[dict]:
        """One ``openalex:`` OR filter; each record cached under its singleton URL, each id
        missing from the answer as a negative entry, all in one transaction.

        ``include_xpac=true``: since November 2025 list calls leave out OpenAlex's "expansion
        pack" works (DataCite, repositories) unless asked, and a reference to one would look
        dangling (OPENALEX.md, xpac).
        """
        params = {"filter": "openalex:" + "|".join(batch), "include_xpac": "true", "per_page": str(BATCH_SIZE)}
        if fields:
            params["select"] = fields
        _, body = self._fetcher.fetch(Call(self._urls.canonical("/works", params), "list", params))
        # A result naming no work (no id, or not a W id) cannot be cached under any id, so it is
        # not returned either: the first run and a rerun from the cache see the same answer.
        records = [r for r in body["results"] if isinstance(r, dict) and record_id(r, "")]
        if len(records) < len(body["results"]):
            log.warning("an id batch answered %d results naming no work; ignored", len(body["results"]) - len(records))
        returned: set[str] = set()
        with self._cache.transaction():
            for record in records:
                short = record_id(record, "")
                returned.add(short)
                self._cache.write(self._urls.work(short, fields), 200, record)
            for short in batch:
                if short not in returned:
                    self._cache.write(self._urls.work(short, fields), 404, {"error": "not in the answer to an openalex: filter"})
        return records

    def _notify(self, url: str, kind: str, status: int, *, from_cache: bool) -> None:
        if self.on_request is not None:
            self.on_request(RequestEvent(url=url, kind=kind, status=status, from_cache=from_cache, stats=self.stats))
