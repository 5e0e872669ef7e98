"""Explicit, frozen settings built once by the CLI and passed down.

No module keeps mutable configuration: a test builds the ``Settings`` it needs.
"""

from __future__ import annotations

import math
from urllib.parse import urlsplit
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import InputError

__all__ = ["Settings", "DEFAULT_API_URL", "WORK_FIELDS"]

DEFAULT_API_URL = "https://api.openalex.org"

#: The root-level fields citegraph reads from a work; used as ``select=`` on list calls.
WORK_FIELDS: tuple[str, ...] = (
    "id",
    "doi",
    "title",
    "display_name",
    "publication_year",
    "publication_date",
    "type",
    "ids",
    "authorships",
    "primary_location",
    "cited_by_count",
    "referenced_works",
    "referenced_works_count",
    "abstract_inverted_index",
    "primary_topic",
    "topics",
    "counts_by_year",
    "updated_date",
)


@dataclass(frozen=True)
class Settings:
    """How to talk to OpenAlex and where to keep things.

    ``rate_limit`` of ``None`` means OpenAlex's documented default: 10 requests/s without
    a key, 30/s with one. ``max_retry_after`` is the longest ``Retry-After`` (seconds) the
    client will sleep through; a longer one means the daily budget is spent, and the client
    stops instead of sleeping for hours. ``cache_namespace``, when set, replaces ``api_url``
    in cache keys: the demo stand-in listens on a new port each run, yet its responses
    should be found again.

    ``timeout`` bounds each socket read; ``deadline`` bounds a whole request (connect,
    headers, body, redirects), so a server trickling a byte a second cannot hold a crawl.
    ``max_body_bytes`` bounds an answer's size after decompression: a gzip bomb is refused
    while it inflates, before it fills memory or the cache.

    Values that would silently switch a limit off (``nan``, infinities, zero or negative
    rates) and a ``mailto`` that cannot travel in an HTTP header are refused here, with an
    :class:`~citegraph.errors.InputError`, so every caller gets the same checks.
    """

    api_url: str = DEFAULT_API_URL
    api_key: str | None = field(default=None, repr=False)
    mailto: str | None = None
    cache_dir: Path = Path("cache")
    offline: bool = False
    refresh: bool = False
    rate_limit: float | None = None
    workers: int = 4
    max_retries: int = 6
    backoff_base: float = 0.25
    backoff_max: float = 8.0
    max_retry_after: float = 60.0
    timeout: float = 30.0
    deadline: float = 60.0
    max_body_bytes: int = 128 * 2**20
    cache_namespace: str | None = None

    def __post_init__(self) -> None:
        if self.rate_limit is not None:
            _check_positive("--rate-limit", self.rate_limit, "requests per second")
        for name, value in (("timeout", self.timeout), ("deadline", self.deadline),
                            ("max_retry_after", self.max_retry_after), ("backoff_max", self.backoff_max)):
            _check_positive(name, value, "seconds")
        if not isinstance(self.max_body_bytes, int) or self.max_body_bytes <= 0:
            raise InputError(f"max_body_bytes must be a positive number of bytes, not {self.max_body_bytes!r}")
        if self.mailto is not None:
            _check_header_text("--mailto", self.mailto)
        _check_api_root(self.api_url)

    @property
    def requests_per_second(self) -> float:
        if self.rate_limit is not None:
            return self.rate_limit
        return 30.0 if self.api_key else 10.0

    def with_(self, **changes: object) -> "Settings":
        """A copy with some fields changed (tests and the CLI use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _check_positive(name: str, value: object, unit: str) -> None:
    """A finite number above zero: ``nan`` passes every ``<``/``>`` range check, so ask directly."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0
    if not ok:
        raise InputError(f"{name} must be a finite number of {unit} above 0, not {value!r}")


def _check_api_root(url: str) -> None:
    """The API URL is a server's root (``https://api.openalex.org``): with a path, every work
    would answer 404 and be blamed on the ids."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return  # malformed URLs get the client's own message
    if path not in ("", "/"):
        raise InputError(f"--api-url {url!r} has a path ({path}); give the API's root, such as {DEFAULT_API_URL}")


def _check_header_text(name: str, value: str) -> None:
    """Printable ASCII only: the value travels in the User-Agent header, where a non-ASCII
    character cannot be encoded and a CR or LF would end the header."""
    if not value.isascii() or not value.isprintable():
        raise InputError(f"{name} {value!r} must be printable ASCII (an e-mail address such as me@example.org)")
