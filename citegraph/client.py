"""HTTP, retries, rate limit, cost and disk cache for the OpenAlex API; returns raw OpenAlex dicts.

This is the only module that imports ``requests`` and ``diskcache``. Everything it returns is
plain JSON data exactly as OpenAlex sent it; turning records into citegraph's slim records is
``records.py``'s job.

What it assumes about OpenAlex (see ``shared/docs/OPENALEX.md``):

* Credentials travel as the ``api_key`` and ``mailto`` query parameters. Neither is part of a
  cache key, and the key is scrubbed from every message, log line and cached body.
* Singleton ``/works/{id}`` calls are free, list calls cost $0.0001, searches $0.001;
  ``meta.cost_usd`` wins when the answer carries it.
* A 429 with a short ``Retry-After`` is the per-second limit (sleep and retry); a long one is
  the daily budget (stop: everything fetched so far is already cached).
* Since January 2026 a merged id answers 404; lowercase and URL-form ids redirect, but the
  client canonicalises ids itself so it rarely needs the redirect.

Every response is written to the cache the moment it arrives, keyed by its canonical URL
(API URL + path + sorted query, without credentials), so an interrupted crawl resumes where it
stopped and ``--offline`` reruns it without the network.
"""

from __future__ import annotations

import http.client
import json
import logging
import queue
import random
import re
import sqlite3
import threading
import time
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import diskcache
import requests

from .config import WORK_FIELDS, Settings
from .errors import (
    ApiRequestError,
    AuthError,
    BudgetExhaustedError,
    CacheError,
    InputError,
    NetworkError,
    OfflineMissError,
)
from .records import normalize_doi, parse_arxiv_id, try_work_id, work_id

__all__ = ["OpenAlexClient", "ClientStats", "RequestEvent", "BATCH_SIZE", "cache_info", "clear_cache"]

log = logging.getLogger("citegraph")

#: Most values OpenAlex accepts in one OR filter (``openalex:W1|W2|...``).
BATCH_SIZE = 100

#: OpenAlex's price list (US dollars per call) for answers that carry no ``meta.cost_usd``.
PRICES_USD = {"singleton": 0.0, "list": 0.0001, "search": 0.001}

_CREDENTIAL_PARAMS = ("api_key", "mailto")
_KEY_IN_TEXT = re.compile(r"(api_key=)[^&\s'\"<>]+", re.IGNORECASE)
_OTHER_ID = re.compile(r"^(pmid|mag|pmcid):\S+$", re.IGNORECASE)
# Files a cache directory may hold besides diskcache's own (checked in version control).
_HARMLESS_FILES = {"README", "README.md", "README.txt"}
_MESSAGE_CHARS = 300
_URL_CHARS = 300
_BRIEF_CHARS = 120


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


class _RateLimiter:
    """Smooth spacing shared by all threads: each request reserves the next free slot.

    ``slot = max(now, next); next = slot + 1/rate``: no bursts, so a crawl sits just under
    OpenAlex's per-second limit instead of bouncing off it with 429s. Only requests that go
    over the wire pass through here; cache hits never wait.
    """

    #: Aim 5% under the limit. A server counting requests in a sliding one-second window sees
    #: requests k and k+r exactly one second apart at the full rate, so any network delay of
    #: request k would make it refuse k+r with a 429. At 95% they are ~1.05 s apart.
    MARGIN = 0.95
    #: A thread can wake from its sleep late (a busy GIL, a loaded machine) and send its
    #: request on top of the next one; so the actual send times are kept too, and no more than
    #: ``floor(rate)`` requests leave within any ``1 s + GUARD``.
    GUARD = 0.01

    def __init__(self, rate: float) -> None:
        usable = rate is not None and 0 < rate < float("inf")
        self.interval = 1.0 / (rate * self.MARGIN) if usable else 0.0
        self._window = int(rate) if usable and rate >= 1 else 0
        self._sent: deque[float] = deque(maxlen=self._window or 1)
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, sleep: Callable[[float], Any] = time.sleep) -> None:
        """Block until this thread may send; ``sleep`` lets a worker wake early when told to stop."""
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            sleep(slot - now)
        while True:
            with self._lock:
                now = time.monotonic()
                if not self._window or len(self._sent) < self._window or now - self._sent[0] >= 1.0 + self.GUARD:
                    self._sent.append(now)
                    return
                late = self._sent[0] + 1.0 + self.GUARD - now
            sleep(late)

    def hold(self, seconds: float) -> None:
        """Nobody sends before ``seconds`` from now (after a 429 with ``Retry-After``)."""
        with self._lock:
            self._next = max(self._next, time.monotonic() + seconds)


class _KeyScrubber(logging.Filter):
    """Removes ``api_key=...`` from urllib3's debug lines, which print the request URL."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is not ours to fix
            return True
        if "api_key=" in message.lower():
            record.msg = _KEY_IN_TEXT.sub(r"\1***", message)
            record.args = ()
        return True


_SCRUBBER = _KeyScrubber()
_URLLIB3_LOGGERS = (
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
)


def _install_log_scrubber() -> None:
    for name in _URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if _SCRUBBER not in logger.filters:
            logger.addFilter(_SCRUBBER)


def _version() -> str:
    from . import __version__

    return __version__


def _one_line(text: str, limit: int = _MESSAGE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A JSON escape of a UTF-16 surrogate: how non-BMP characters (emoji) travel, and how a broken
# character in a record (a lone surrogate) arrives.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(value: Any) -> Any:
    """``value`` with lone surrogates replaced by U+FFFD: they cannot be written as UTF-8, and
    every cache entry and output file is UTF-8 (a broken character must not stop a crawl)."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_valid_unicode(item) for item in value]
    if isinstance(value, dict):
        return {_valid_unicode(key): _valid_unicode(item) for key, item in value.items()}
    return value


def _numeric(short_id: str) -> int:
    return int(short_id[1:])


def _is_search(params: Mapping[str, str]) -> bool:
    return bool(params.get("search")) or ".search" in (params.get("filter") or "")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Stopped(Exception):
    """The client was closed (after Ctrl-C): a worker drops what it was doing (internal)."""


class _WorkerPool:
    """``workers`` daemon threads running submitted calls: a small ThreadPoolExecutor whose
    threads the interpreter does not wait for at exit.

    Why: after Ctrl-C the CLI must exit at once, not after every request in flight has run
    out its timeout and retries (ThreadPoolExecutor joins its threads at exit). An answer
    abandoned that way was never cached, so the rerun fetches it again, as after a kill;
    a cache write cut off mid-way is a rolled-back SQLite transaction.
    """

    def __init__(self, workers: int) -> None:
        self._tasks: queue.SimpleQueue[tuple[Future, Callable[..., Any], tuple[Any, ...]] | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"citegraph-fetch-{n}", daemon=True)
                         for n in range(workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        future: Future = Future()
        self._tasks.put((future, fn, args))
        return future

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, fn, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self) -> None:
        """Let the threads end once their current call returns (without waiting for them)."""
        for _ in self._threads:
            self._tasks.put(None)


# Words in a connection error that say why the server could not be reached.
_UNREACHABLE = (
    ("name resolution failed", ("nameresolutionerror", "failed to resolve", "name or service not known",
                                "nodename nor servname", "temporary failure in name resolution",
                                "no address associated", "getaddrinfo failed")),
    ("connection refused", ("connection refused", "connectionrefusederror")),
    ("network unreachable", ("network is unreachable", "no route to host")),
)
#: Attempts made when the API has never answered and cannot be reached at all (no DNS, nothing
#: listening): retrying seven times only makes a user without network wait.
UNREACHABLE_ATTEMPTS = 2


def _connection_reason(exc: BaseException) -> str:
    """A few words for why a connection failed: name resolution, refused, timed out, dropped."""
    if isinstance(exc, requests.Timeout):
        return "timed out"
    text = f"{type(exc).__name__} {exc}".lower()
    for reason, marks in _UNREACHABLE:
        if any(mark in text for mark in marks):
            return reason
    if any(mark in text for mark in ("remotedisconnected", "connection aborted", "reset by peer", "broken pipe")):
        return "connection dropped"
    return "connection failed"


class _Failure(Exception):
    """A retryable failed attempt (internal): ``cause`` is a stats.faults key."""

    def __init__(self, cause: str, detail: str) -> None:
        super().__init__(detail)
        self.cause = cause
        self.detail = detail


_PROBE_KEY = "citegraph:writable"


def _open_cache(directory: Path) -> "diskcache.Cache":
    """The diskcache at ``directory`` (created if needed), or :class:`CacheError` in one line.

    A directory that exists, holds files and no ``cache.db`` is someone else's: refuse it
    rather than scatter cache files among them (dotfiles such as ``.gitkeep`` are fine).
    """
    where = str(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CacheError(f"cannot create cache directory {where}: {exc.strerror or exc}; choose another --cache-dir") from None
    if not (directory / "cache.db").exists():
        # cache.db* may appear meanwhile: another crawl creating the same cache at the same time.
        strangers = sorted(
            p.name
            for p in directory.iterdir()
            if not p.name.startswith((".", "cache.db")) and p.name not in _HARMLESS_FILES and not p.is_dir()
        )
        if strangers:
            raise CacheError(
                f"{where} is not a citegraph cache (it holds {', '.join(strangers[:3])}"
                f"{', ...' if len(strangers) > 3 else ''} and no cache.db); choose an empty or new --cache-dir"
            )
    try:
        # eviction_policy="none": diskcache would otherwise drop old responses past 1 GB.
        cache = diskcache.Cache(where, timeout=60, eviction_policy="none", size_limit=2**40)
    except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
        raise _cache_error(where, exc) from None
    try:
        cache.set(_PROBE_KEY, "ok", retry=True)
    except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
        cache.close()
        raise _cache_error(where, exc) from None
    return cache


def _cache_error(where: str, exc: BaseException) -> CacheError:
    text = _one_line(str(exc) or type(exc).__name__, 120)
    if isinstance(exc, PermissionError) or "readonly" in text or "unable to open" in text or "denied" in text:
        return CacheError(f"cache directory {where} is not writable ({text}); choose another --cache-dir")
    if isinstance(exc, diskcache.Timeout) or "locked" in text:
        return CacheError(f"cache at {where} is locked by another process ({text}); wait for it to finish and rerun")
    return CacheError(f"cache at {where} is corrupt or not a citegraph cache ({text}); move it aside and rerun "
                      "(a new cache is started), or choose another --cache-dir")


def cache_info(cache_dir: Path) -> dict[str, Any]:
    """``{"entries", "bytes", "oldest", "newest"}`` for the cache at ``cache_dir`` (fetch times ISO)."""
    directory = Path(cache_dir)
    if not directory.exists():
        return {"entries": 0, "bytes": 0, "oldest": None, "newest": None}
    cache = _open_cache(directory)
    try:
        entries, stamps = 0, []
        for key in cache.iterkeys():
            if key == _PROBE_KEY:
                continue
            entries += 1
            value = cache.get(key, retry=True)
            if isinstance(value, dict) and value.get("fetched_at"):
                stamps.append(str(value["fetched_at"]))
        return {
            "entries": entries,
            "bytes": cache.volume(),
            "oldest": min(stamps) if stamps else None,
            "newest": max(stamps) if stamps else None,
        }
    except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
        raise _cache_error(str(directory), exc) from None
    finally:
        cache.close()


def clear_cache(cache_dir: Path) -> int:
    """Delete every cached response at ``cache_dir``; returns how many there were."""
    directory = Path(cache_dir)
    if not directory.exists():
        return 0
    cache = _open_cache(directory)
    try:
        count = sum(1 for key in cache.iterkeys() if key != _PROBE_KEY)
        cache.clear(retry=True)
        return count
    except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
        raise _cache_error(str(directory), exc) from None
    finally:
        cache.close()


class OpenAlexClient:
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

    # ------------------------------------------------------------------ ids, URLs, keys

    @staticmethod
    def _normalize_api_url(url: str) -> str:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InputError(f"not an API URL: {url!r} (expected e.g. https://api.openalex.org)")
        return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))

    @staticmethod
    def _work_ref(ref: str) -> str:
        """The path segment for one work: ``W123``, ``doi:10.x/y`` or ``pmid:...``."""
        text = str(ref).strip()
        short = try_work_id(text)
        if short:
            return short
        doi = normalize_doi(text)
        arxiv = parse_arxiv_id(doi or text)
        if arxiv:
            # OpenAlex has no arxiv: prefix; an arXiv paper is found by its DataCite DOI.
            doi = f"10.48550/arxiv.{arxiv}"
        if doi:
            return "doi:" + quote(doi, safe="/:;()")
        if _OTHER_ID.match(text):
            return quote(text.lower(), safe=":")
        raise InputError(
            f"not a work reference: {ref!r} (expected an OpenAlex id W123, a DOI or an arXiv id)"
        )

    @staticmethod
    def _select(select: Sequence[str] | None) -> str:
        if isinstance(select, str):
            select = select.split(",")
        fields = {f.strip() for f in select or () if f and f.strip()}
        if fields:
            fields.add("id")  # records are keyed by id; OpenAlex drops it unless selected
        return ",".join(sorted(fields))

    @staticmethod
    def _list_params(filter: str | None, search: str | None, select: Sequence[str] | None, sort: str | None) -> dict[str, str]:
        params: dict[str, str] = {}
        if filter:
            params["filter"] = filter
        if search:
            params["search"] = search
        if select:
            params["select"] = OpenAlexClient._select(select)
        if sort:
            params["sort"] = sort
        return params

    def _canonical(self, path: str, params: Mapping[str, str]) -> str:
        items = sorted((k, str(v)) for k, v in params.items() if k not in _CREDENTIAL_PARAMS and v is not None)
        query = urlencode(items, quote_via=quote, safe=":,|*/") if items else ""
        return f"{self._key_base}{path}" + (f"?{query}" if query else "")

    def _work_url(self, short: str, fields: str) -> str:
        return self._canonical(f"/works/{short}", {"select": fields} if fields else {})

    def _wire_url(self, canonical: str) -> str:
        if self._key_base != self._base and canonical.startswith(self._key_base):
            canonical = self._base + canonical[len(self._key_base):]
        extra = [(k, v) for k, v in (("api_key", self._key), ("mailto", self.settings.mailto)) if v]
        if not extra:
            return canonical
        return canonical + ("&" if "?" in canonical else "?") + urlencode(extra, quote_via=quote, safe="@")

    @staticmethod
    def _record_id(record: Mapping[str, Any], fallback: str) -> str:
        return try_work_id(str(record.get("id") or "")) or fallback

    @staticmethod
    def _kind(path: str, params: Mapping[str, str]) -> str:
        """``singleton``, ``group_by``, ``search`` or ``list``: what OpenAlex prices a call as."""
        if path != "/works":
            return "singleton"
        if params.get("group_by"):
            return "group_by"
        return "search" if _is_search(params) else "list"

    def _scrub(self, text: str) -> str:
        """``text`` without the API key (literal, URL-encoded, or as an ``api_key=`` value)."""
        text = str(text)
        if self._key:
            for form in {self._key, quote(self._key, safe=""), quote(self._key, safe="/")}:
                text = text.replace(form, "***")
        return _KEY_IN_TEXT.sub(r"\1***", text)

    def _short_url(self, url: str) -> str:
        return _one_line(self._scrub(url), _URL_CHARS)

    def _brief_url(self, url: str) -> str:
        """Path and query of a canonical URL for a message: no ``select`` (long, always the
        same), no credentials, at most ``_BRIEF_CHARS`` characters."""
        if url.startswith(self._key_base):
            url = url[len(self._key_base):]
        path, _, query = url.partition("?")
        kept = "&".join(part for part in query.split("&") if part and not part.startswith("select="))
        return _one_line(self._scrub(path + (f"?{kept}" if kept else "")), _BRIEF_CHARS)

    # ------------------------------------------------------------------ cache

    def _cache_read(self, url: str) -> dict | None:
        try:
            entry = self._cache.get(url, default=None, retry=True)
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
            raise CacheError(f"cannot read the cache at {self.settings.cache_dir}: {_one_line(str(exc), 120)}") from None
        except Exception as exc:  # an entry that will not unpickle: refetch it
            log.warning("unreadable cache entry for %s (%s); refetching", url, type(exc).__name__)
            return None
        if not isinstance(entry, dict) or "status" not in entry or "body" not in entry:
            return None
        return entry

    def _cache_write(self, url: str, status: int, body: Any) -> dict:
        entry = {
            "status": status,
            "body": body,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "url": url,
        }
        try:
            self._cache.set(url, entry, retry=True)
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
            raise CacheError(f"cannot write the cache at {self.settings.cache_dir}: {_one_line(str(exc), 120)}") from None
        if self.settings.refresh:
            with self._fresh_lock:
                self._fresh.add(url)
        return entry

    def _cached(self, url: str, *, kind: str) -> dict | None:
        """The cached entry for ``url`` (counting a hit), unless ``refresh`` wants it refetched."""
        if self.settings.refresh and not self.settings.offline:
            with self._fresh_lock:
                if url not in self._fresh:
                    return None
        entry = self._cache_read(url)
        if entry is not None:
            with self._stats_lock:
                self._stats.cache_hits += 1
            self._notify(url, kind, entry["status"], from_cache=True)
        return entry

    # ------------------------------------------------------------------ fetching

    def _get(self, path: str, params: Mapping[str, str], *, allow_404: bool = False) -> dict:
        url = self._canonical(path, params)
        kind = self._kind(path, params)
        entry = self._cached(url, kind=kind)
        if entry is not None and (entry["status"] == 200 or (allow_404 and entry["status"] == 404)):
            return entry
        if self.settings.offline:
            raise OfflineMissError(f"no cached response for {url}; run without --offline (network needed)")
        status, body = self._fetch(url, kind, params, allow_404=allow_404)
        return self._cache_write(url, status, body)

    def _run_batches(self, batches: list[list[str]], fields: str) -> Iterator[list[dict]]:
        """Fetch the batches (on the pool when there are several); yields their records in order."""
        if len(batches) <= 1 or self._workers == 1:
            for batch in batches:
                yield self._fetch_batch(batch, fields)
            return
        pool = self._executor()
        futures: list[Future] = [pool.submit(self._fetch_batch, batch, fields) for batch in batches]
        results: list[list[dict]] = []
        error: BaseException | None = None
        try:
            for future in futures:
                if error is not None:
                    future.cancel()
                    continue
                try:
                    results.append(future.result())
                except Exception as exc:  # noqa: BLE001 - re-raised below once the others settle
                    error = exc
            if error is not None:
                # Batches already running finish and are cached (a budget stop keeps them all).
                for future in futures:
                    if not future.cancelled():
                        try:
                            future.result()
                        except Exception:  # noqa: BLE001 - the first error is the one reported
                            pass
        except BaseException:
            # Ctrl-C while waiting: do not wait for requests in flight; the rerun refetches them.
            self._stop.set()
            for future in futures:
                future.cancel()
            raise
        if error is not None:
            raise error
        yield from results

    def _executor(self) -> _WorkerPool:
        with self._pool_lock:
            if self._pool is None:
                self._pool = _WorkerPool(self._workers)
            return self._pool

    def _pause(self, seconds: float) -> None:
        """Sleep, or stop early with :class:`_Stopped` once the client is closing (after Ctrl-C)."""
        if threading.current_thread() is threading.main_thread():
            time.sleep(seconds)  # Ctrl-C interrupts the main thread's sleep by itself
        elif self._stop.wait(seconds):
            raise _Stopped()

    def _fetch_batch(self, batch: list[str], fields: str) -> list[dict]:
        params = {"filter": "openalex:" + "|".join(batch), "per_page": str(BATCH_SIZE)}
        if fields:
            params["select"] = fields
        url = self._canonical("/works", params)
        _, body = self._fetch(url, "list", params)
        records = [r for r in body["results"] if isinstance(r, dict)]
        returned: set[str] = set()
        try:
            with self._cache.transact(retry=True):  # one answer, one transaction
                for record in records:
                    short = self._record_id(record, "")
                    if short:
                        returned.add(short)
                        self._cache_write(self._work_url(short, fields), 200, record)
                for short in batch:
                    if short not in returned:
                        self._cache_write(self._work_url(short, fields), 404, {"error": "not in the answer to an openalex: filter"})
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
            raise CacheError(f"cannot write the cache at {self.settings.cache_dir}: {_one_line(str(exc), 120)}") from None
        return records

    def _fetch(self, url: str, kind: str, params: Mapping[str, str], *, allow_404: bool = False) -> tuple[int, Any]:
        """GET ``url`` over the wire with retries; returns ``(status, parsed body)`` for 200/404.

        A server that cannot be reached at all (no DNS answer, nothing listening) before it
        has ever answered gets only ``UNREACHABLE_ATTEMPTS``; once it has answered, every
        failure is taken for a transient one and retried ``settings.max_retries`` times.
        """
        settings = self.settings
        attempts = max(0, int(settings.max_retries)) + 1
        wire = self._wire_url(url)
        worker = threading.current_thread() is not threading.main_thread()
        last, unreachable = "no attempt made", ""
        for attempt in range(attempts):
            if worker and self._stop.is_set():
                raise _Stopped()
            if attempt:
                with self._stats_lock:
                    self._stats.retries += 1
            self._limiter.wait(self._pause)
            with self._stats_lock:
                self._stats.requests += 1
                self._stats.by_kind[kind] = self._stats.by_kind.get(kind, 0) + 1
            started = time.monotonic()
            delay: float | None = None
            unreachable = ""
            try:
                response = self._session.get(wire, timeout=settings.timeout)
                self._answered = True
                status = response.status_code
                log.debug("GET %s -> %s in %.3fs (attempt %d)", self._short_url(url), status, time.monotonic() - started, attempt + 1)
                if status == 200:
                    body = self._parse(response, url, kind)
                    self._add_cost(body, kind, params)
                    self._notify(url, kind, status, from_cache=False)
                    return status, body
                if status == 404 and allow_404:
                    self._notify(url, kind, status, from_cache=False)
                    return status, self._error_body(response)
                if status == 429:
                    delay = self._on_429(response, url)
                    last = "429 Too Many Requests"
                elif status >= 500:
                    raise _Failure("5xx", f"{status} {response.reason or 'server error'}")
                else:
                    self._notify(url, kind, status, from_cache=False)
                    self._raise_for_client_error(response, url)
            except _Failure as failure:
                last = failure.detail
                if failure.cause in ("truncated", "malformed"):
                    self._add_cost({}, kind, params, header=response.headers.get("X-RateLimit-Cost-USD"))
                self._count_fault(failure.cause, url, last, attempt, attempts)
            except requests.TooManyRedirects:
                message = f"too many redirects for GET {self._brief_url(url)}; check --api-url"
                break
            except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError, http.client.IncompleteRead) as exc:
                last = "truncated body"
                # The server did the work and, as OpenAlex does, charged for it.
                self._add_cost({}, kind, params)
                self._count_fault("truncated", url, _one_line(self._scrub(f"{last} ({type(exc).__name__}: {exc})")), attempt, attempts)
            except (requests.ConnectionError, requests.Timeout) as exc:
                last = _connection_reason(exc)
                self._count_fault("connection", url, _one_line(self._scrub(f"{type(exc).__name__}: {exc}")), attempt, attempts)
                if any(last == reason for reason, _ in _UNREACHABLE):
                    unreachable = last
                    if not self._answered and attempt + 1 >= UNREACHABLE_ATTEMPTS:
                        message = self._gave_up(url, attempt + 1, last, unreachable)
                        break
            except requests.RequestException as exc:  # not worth retrying (a bad URL, say)
                message = f"GET {self._brief_url(url)} failed ({type(exc).__name__}); check --api-url"
                log.debug("GET %s failed: %s", self._short_url(url), _one_line(self._scrub(exc)))
                break
            if attempt + 1 < attempts:
                if delay is None:
                    cap = min(settings.backoff_max, settings.backoff_base * (2**attempt))
                    delay = self._random.uniform(0, max(0.0, cap))
                if delay > 0:
                    self._pause(delay)
        else:
            message = self._gave_up(url, attempts, last, unreachable)
        log.debug("%s", message)
        raise NetworkError(message)

    def _gave_up(self, url: str, attempts: int, last: str, unreachable: str) -> str:
        """The one line a :class:`NetworkError` says: what failed, and what to do next."""
        tries = f"{attempts} attempt" + ("" if attempts == 1 else "s")
        base = self._short_url(self._base)
        if unreachable and not self._answered:
            return (f"cannot reach {base} ({unreachable}, {tries}); check the network or --api-url, "
                    "or use --demo (bundled demo dataset) or --offline (cache only)")
        if unreachable:
            return (f"lost the connection to {base} ({unreachable}) after {tries}; everything fetched so far "
                    "is cached: check the network and rerun the same command to resume")
        return (f"OpenAlex request failed after {tries}: GET {self._brief_url(url)}; last failure: {last}; "
                "everything fetched so far is cached: rerun later to resume")

    def _count_fault(self, cause: str, url: str, detail: str, attempt: int, attempts: int) -> None:
        with self._stats_lock:
            self._stats.faults[cause] = self._stats.faults.get(cause, 0) + 1
        log.debug("GET %s failed: %s (attempt %d of %d)", self._short_url(url), detail, attempt + 1, attempts)

    def _parse(self, response: requests.Response, url: str, kind: str) -> Any:
        """The JSON body of a 200, or :class:`_Failure` when it is truncated or malformed."""
        content = response.content
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and not response.headers.get("Content-Encoding") and len(content) < int(declared):
            raise _Failure("truncated", f"truncated body ({len(content)} of {declared} bytes)")
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            raise _Failure("malformed", "body is not UTF-8") from None
        if self._key and self._key in text:  # never let a server's echo of the key reach the cache
            text = text.replace(self._key, "***")
        try:
            body = json.loads(text)
        except ValueError as exc:
            raise _Failure("malformed", f"malformed JSON ({_one_line(str(exc), 80)})") from None
        if _SURROGATE_ESCAPE.search(text):
            body = _valid_unicode(body)
        if not isinstance(body, dict):
            raise _Failure("malformed", "body is not a JSON object")
        if kind == "singleton":
            if not body.get("id"):
                raise _Failure("malformed", "work record without an id")
        elif kind == "group_by":
            if not isinstance(body.get("group_by"), list) or not isinstance(body.get("meta"), dict):
                raise _Failure("malformed", "group_by answer without group_by/meta")
        elif not isinstance(body.get("results"), list) or not isinstance(body.get("meta"), dict):
            raise _Failure("malformed", "list answer without results/meta")
        return body

    def _add_cost(self, body: Mapping[str, Any], kind: str, params: Mapping[str, str], *, header: str | None = None) -> None:
        """Add what a call cost: ``meta.cost_usd``, else the cost header, else the price list."""
        meta = body.get("meta") if kind != "singleton" else None
        cost: Any = meta.get("cost_usd") if isinstance(meta, dict) else None
        if not _is_number(cost) and header:
            try:
                cost = float(header)
            except ValueError:
                cost = None
        if not _is_number(cost):
            if kind == "group_by":
                kind = "search" if _is_search(params) else "list"
            cost = PRICES_USD.get(kind, 0.0)
        with self._stats_lock:
            self._stats.cost_usd += float(cost)

    def _on_429(self, response: requests.Response, url: str) -> float | None:
        """Seconds to wait before retrying, or :class:`BudgetExhaustedError` for a long wait."""
        with self._stats_lock:
            self._stats.rate_limited += 1
        retry_after = self._retry_after(response.headers.get("Retry-After"))
        if retry_after is not None and retry_after > self.settings.max_retry_after:
            hours, minutes = int(retry_after // 3600), int(retry_after % 3600 // 60)
            advice = (
                "A free API key raises the budget: --api-key."
                if not self._key
                else "The key's daily budget is spent; a paid plan raises it."
            )
            message = (
                f"OpenAlex daily budget spent; resets in {hours}h {minutes}m (midnight UTC). "
                f"Everything fetched so far is cached: rerun then to resume. {advice}"
            )
            log.debug("%s", message)  # the CLI prints the error itself: one line, not two
            raise BudgetExhaustedError(message, retry_after=retry_after)
        log.debug("GET %s: 429, Retry-After %s", self._short_url(url), retry_after)
        if retry_after is not None:
            self._limiter.hold(retry_after)
        return retry_after

    @staticmethod
    def _retry_after(value: str | None) -> float | None:
        if not value:
            return None
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())

    def _error_body(self, response: requests.Response) -> Any:
        try:
            text = response.content.decode("utf-8", errors="replace")
            if self._key:
                text = text.replace(self._key, "***")
            return json.loads(text)
        except ValueError:
            return None

    def _error_message(self, response: requests.Response) -> str:
        body = self._error_body(response)
        if isinstance(body, dict):
            message = body.get("message") or body.get("error") or ""
        else:
            message = response.content.decode("utf-8", errors="replace")
        return _one_line(self._scrub(message or response.reason or "no message"))

    def _raise_for_client_error(self, response: requests.Response, url: str) -> None:
        status = response.status_code
        message = self._error_message(response)
        if status == 401:
            raise AuthError("OpenAlex rejected the API key (401 Invalid or missing API key): check --api-key / OPENALEX_API_KEY")
        if status == 403:
            raise AuthError(f"OpenAlex refused access (403: {message}); this call may need a paid plan or a different --api-key")
        if status == 400:
            raise ApiRequestError(f"OpenAlex rejected the request (400): {_one_line(message, 150)} "
                                  f"[GET {self._brief_url(url)}]; everything fetched before it is cached")
        raise ApiRequestError(f"OpenAlex answered {status} ({_one_line(message, 150)}) to GET {self._brief_url(url)}; "
                              "check --api-url")

    def _notify(self, url: str, kind: str, status: int, *, from_cache: bool) -> None:
        if self.on_request is not None:
            self.on_request(RequestEvent(url=url, kind=kind, status=status, from_cache=from_cache, stats=self.stats))
