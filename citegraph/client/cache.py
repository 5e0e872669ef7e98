"""The disk cache: every response as it arrives, keyed by its canonical URL.

Opening it (creating it, or refusing a directory or a ``cache.db`` that is someone else's,
unwritable, locked or corrupt, in one line that says what to do), reading and writing entries
(:class:`ResponseCache`), and the ``cache info`` / ``cache clear`` commands' ``cache_info``
and ``clear_cache``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
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
# What diskcache creates in cache.db, and nothing else.
_DISKCACHE_TABLES = {"Settings", "Cache"}


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
    if (directory / "cache.db").exists():
        _refuse_foreign_database(directory / "cache.db")
    else:
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


def _refuse_foreign_database(path: Path) -> None:
    """:class:`CacheError` unless ``path`` is a cache.db citegraph wrote (or an empty one).

    Runs on every open, before diskcache would add its tables to someone else's SQLite
    database. Ours holds exactly diskcache's tables and, once anything is cached, the probe
    key written on every open; a database with no tables yet is one being created by a crawl
    starting right now. The file is read as ``immutable`` (no lock, no -wal/-shm files left
    in a stranger's directory); if that read fails (a checkpoint half-way), read-only again.
    """
    where = str(path.parent)
    try:
        found = _foreign_schema(path, "immutable=1")
    except sqlite3.DatabaseError:
        try:
            found = _foreign_schema(path, "mode=ro")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise _cache_error(where, exc) from None
    except OSError as exc:
        raise _cache_error(where, exc) from None
    if found:
        raise CacheError(f"{path} is not a citegraph cache ({found}); it was left untouched: "
                         "move it aside or choose another --cache-dir")


def _foreign_schema(path: Path, how: str) -> str:
    """What makes the database at ``path`` someone else's, or ``""`` when it is ours or empty."""
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?{how}", uri=True, timeout=60)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return ""
        if tables != _DISKCACHE_TABLES:
            return "tables " + ", ".join(sorted(tables)[:3]) + (", ..." if len(tables) > 3 else "")
        has_rows = db.execute("SELECT EXISTS (SELECT 1 FROM Cache)").fetchone()[0]
        has_probe = db.execute("SELECT EXISTS (SELECT 1 FROM Cache WHERE key = ?)", (_PROBE_KEY,)).fetchone()[0]
        return "a diskcache citegraph did not write" if has_rows and not has_probe else ""


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


class ResponseCache:
    """The disk cache as one client session sees it: entries keyed by canonical URL.

    With ``refresh``, an entry counts as missing until this session has written it again,
    so every answer is refetched once and then served from the cache.
    """

    def __init__(self, directory: Path, *, refresh: bool = False) -> None:
        self.directory = Path(directory)
        self._store = _open_cache(self.directory)
        self._refresh = refresh
        self._fresh: set[str] = set()  # keys written in this session
        self._fresh_lock = threading.Lock()

    def lookup(self, url: str) -> dict | None:
        """The entry for ``url``, unless ``refresh`` still wants it refetched."""
        if self._refresh:
            with self._fresh_lock:
                if url not in self._fresh:
                    return None
        return self.read(url)

    def read(self, url: str) -> dict | None:
        try:
            entry = self._store.get(url, default=None, retry=True)
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
            raise CacheError(f"cannot read the cache at {self.directory}: {_one_line(str(exc), 120)}") from None
        except Exception as exc:  # an entry that will not unpickle: refetch it
            log.warning("unreadable cache entry for %s (%s); refetching", url, type(exc).__name__)
            return None
        if not isinstance(entry, dict) or "status" not in entry or "body" not in entry:
            return None
        return entry

    def write(self, url: str, status: int, body: Any) -> dict:
        """Store one answer with its fetch time; returns the entry as stored."""
        entry = {
            "status": status,
            "body": body,
            "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "url": url,
        }
        with self._writing():
            self._store.set(url, entry, retry=True)
        if self._refresh:
            with self._fresh_lock:
                self._fresh.add(url)
        return entry

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Writes inside commit together: one answer (a whole batch), one transaction."""
        with self._writing(), self._store.transact(retry=True):
            yield

    @contextmanager
    def _writing(self) -> Iterator[None]:
        try:
            yield
        except (sqlite3.DatabaseError, diskcache.Timeout, OSError) as exc:
            raise CacheError(f"cannot write the cache at {self.directory}: {_one_line(str(exc), 120)}") from None

    def close(self) -> None:
        self._store.close()
