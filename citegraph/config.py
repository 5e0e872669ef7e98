"""Explicit, frozen settings built once by the CLI and passed down.

No module keeps mutable configuration: a test builds the ``Settings`` it needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

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
    cache_namespace: str | None = None

    @property
    def requests_per_second(self) -> float:
        if self.rate_limit is not None:
            return self.rate_limit
        return 30.0 if self.api_key else 10.0

    def with_(self, **changes: object) -> "Settings":
        """A copy with some fields changed (tests and the CLI use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]
