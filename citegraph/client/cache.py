"""The disk cache: every response as it arrives, keyed by its canonical URL.

Opening it (creating it, or refusing a directory that is someone else's, unwritable, locked
or corrupt, in one line that says what to do), reading and writing one entry, and the
``cache info`` / ``cache clear`` commands' ``cache_info`` and ``clear_cache``.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import diskcache

from ..errors import CacheError
from .scrub import _one_line

log = logging.getLogger("citegraph")

# Files a cache directory may hold besides diskcache's own (checked in version control).
_HARMLESS_FILES = {"README", "README.md", "README.txt"}

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


class _CacheEntries:
    """Cache entries: a part of :class:`~citegraph.client.OpenAlexClient`, using its ``settings``,
    ``_cache``, ``_fresh`` (keys refetched this session, with ``_fresh_lock``), ``_stats`` (with
    ``_stats_lock``) and ``_notify``."""

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
