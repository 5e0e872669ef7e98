"""The OpenAlex client itself: settings, HTTP session and the public API, plus what it reports.

:class:`OpenAlexClient` is put together from the parts in this package (URLs, cache entries,
fetching, responses); this module holds what a caller sees: ``get_work``, ``get_works``,
``iter_works``, ``list_page``, ``group_by``, ``stats`` and ``close``.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from ..config import WORK_FIELDS, Settings
from ..errors import OfflineMissError
from ..records import try_work_id, work_id
from .cache import _CacheEntries, _open_cache
from .fetch import BATCH_SIZE, _Fetching, _WorkerPool
from .ratelimit import _RateLimiter
from .responses import _Responses
from .scrub import _install_log_scrubber
from .urls import _Urls

log = logging.getLogger("citegraph")


@dataclass
class ClientStats:
    """What the client has done so far (a snapshot; ``OpenAlexClient.stats`` returns a copy).

    ``requests`` counts HTTP requests sent over the wire, retries included; ``by_kind`` splits
    them into ``singleton``, ``list``, ``search`` and ``group_by``. ``faults`` counts failed
    attempts by cause: ``5xx``, ``connection``, ``truncated``, ``malformed``.
    """

    requests: int = 0
    cache_hits: int = 0
    retries: int = 0
    cost_usd: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    rate_limited: int = 0
    faults: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for summaries and progress lines."""
        return {
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "retries": self.retries,
            "cost_usd": self.cost_usd,
            "by_kind": dict(self.by_kind),
            "rate_limited": self.rate_limited,
            "faults": dict(self.faults),
        }

    def copy(self) -> "ClientStats":
        return ClientStats(
            self.requests,
            self.cache_hits,
            self.retries,
            self.cost_usd,
            dict(self.by_kind),
            self.rate_limited,
            dict(self.faults),
        )


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


class OpenAlexClient(_Fetching, _Responses, _CacheEntries, _Urls):
    """A careful OpenAlex client: cached, rate-limited, retrying, cost-counting.

    ``on_request`` (optional) is called with a :class:`RequestEvent` after every answered call,
    for progress display. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, settings: Settings, *, on_request: Callable[[RequestEvent], None] | None = None) -> None:
        self.settings = settings
        self.on_request = on_request
        self._key = settings.api_key or None
        self._base = self._normalize_api_url(settings.api_url)
        # Cache keys start with the API URL, or with a stable name for servers on ephemeral ports.
        self._key_base = f"{settings.cache_namespace}:" if settings.cache_namespace else self._base
        self._stats = ClientStats()
        self._stats_lock = threading.Lock()
        self._limiter = _RateLimiter(settings.requests_per_second)
        self._random = random.Random()
        self._fresh: set[str] = set()  # keys refetched in this session (``refresh``)
        self._fresh_lock = threading.Lock()
        self._workers = max(1, int(settings.workers))
        self._pool: _WorkerPool | None = None
        self._pool_lock = threading.Lock()
        self._stop = threading.Event()  # set by close(): workers drop their retries and waits
        self._answered = False  # the API has answered at least once (so it is reachable)
        self._closed = False
        self._cache = _open_cache(Path(settings.cache_dir))
        _install_log_scrubber()
        self._session = requests.Session()
        agent = f"citegraph/{_version()}"
        if settings.mailto:
            agent += f" (mailto:{settings.mailto})"
        self._session.headers.update({"User-Agent": agent, "Accept": "application/json"})
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=max(10, self._workers))
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)

    # ------------------------------------------------------------------ public API

    def get_work(self, ref: str, *, select: Sequence[str] | None = None) -> dict | None:
        """One work by OpenAlex id (any form), DOI (bare, ``doi:`` or URL) or arXiv id.

        An arXiv id becomes the DOI ``10.48550/arXiv.<id>`` (OpenAlex has no ``arxiv:``
        prefix). Returns ``None`` when OpenAlex answers 404 (unknown or merged id); that
        answer is cached too.
        """
        path = "/works/" + self._work_ref(ref)
        params = {"select": self._select(select)} if select else {}
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
        fields = self._select(select)
        found: dict[str, dict] = {}
        missing: list[str] = []
        for short in wanted:
            entry = self._cached(self._work_url(short, fields), kind="singleton")
            if entry is None:
                missing.append(short)
            elif entry["status"] == 200 and isinstance(entry["body"], dict):
                found[self._record_id(entry["body"], short)] = entry["body"]
        if missing and self.settings.offline:
            missing.sort(key=_numeric)
            more = f" (and {len(missing) - 1} more uncached works)" if len(missing) > 1 else ""
            raise OfflineMissError(
                f"no cached response for {self._work_url(missing[0], fields)}{more}; "
                "run without --offline (network needed)"
            )
        missing.sort(key=_numeric)
        batches = [missing[i : i + BATCH_SIZE] for i in range(0, len(missing), BATCH_SIZE)]
        if batches:
            log.debug("get_works: %d ids, %d cached, %d batches to fetch", len(wanted), len(wanted) - len(missing), len(batches))
        for records in self._run_batches(batches, fields):
            for record in records:
                found.setdefault(self._record_id(record, ""), record)
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
        params = self._list_params(filter, search, select, sort)
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
        params = self._list_params(filter, search, select, sort)
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
            url = self._work_url(short, fields)
            if self._cache_read(url) is None:
                self._cache_write(url, 200, record)

    def group_by(self, filter: str | None, key: str) -> list[dict]:
        """Counts of works matching ``filter`` grouped by ``key`` (OpenAlex forbids ``select`` here)."""
        params = {"group_by": key}
        if filter:
            params["filter"] = filter
        return self._get("/works", params)["body"]["group_by"]

    @property
    def stats(self) -> ClientStats:
        with self._stats_lock:
            return self._stats.copy()

    def close(self) -> None:
        """Release the session and the cache. Fetches still running (only after Ctrl-C: every
        other path waits for its batches) give up at their next attempt or wait."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        if self._pool is not None:
            self._pool.shutdown()
        self._session.close()
        self._cache.close()

    def __enter__(self) -> "OpenAlexClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _notify(self, url: str, kind: str, status: int, *, from_cache: bool) -> None:
        if self.on_request is not None:
            self.on_request(RequestEvent(url=url, kind=kind, status=status, from_cache=from_cache, stats=self.stats))
