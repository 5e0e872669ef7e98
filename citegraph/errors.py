"""One exception family for everything citegraph can get wrong.

The CLI catches :class:`CitegraphError` in one place and turns it into a single line on
stderr and the subclass's ``exit_code``; every message says what to do next. Library code
raises these and never prints.
"""

from __future__ import annotations

__all__ = [
    "CitegraphError",
    "InputError",
    "SeedNotFoundError",
    "OfflineMissError",
    "BudgetExhaustedError",
    "ApiRequestError",
    "AuthError",
    "NetworkError",
    "CacheError",
    "OutputError",
    "GraphNotFoundError",
    "TermError",
    "SnapshotError",
]


class CitegraphError(Exception):
    """Base class: a problem the user can act on. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(CitegraphError):
    """A malformed option or argument (bad id, depth out of range, unknown preset)."""

    exit_code = 2


class SeedNotFoundError(CitegraphError):
    """A seed resolved to nothing (unknown id, a title that matches no work)."""

    exit_code = 3


class OfflineMissError(CitegraphError):
    """``--offline`` was asked for and the cache does not hold the response."""

    exit_code = 4


class BudgetExhaustedError(CitegraphError):
    """OpenAlex answered 429 with a long ``Retry-After``: the daily budget is spent.

    Everything fetched so far is in the cache; rerunning later resumes the work.
    """

    exit_code = 5

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ApiRequestError(CitegraphError):
    """OpenAlex rejected the request (400): a bad filter, select field or page."""

    exit_code = 6


class AuthError(CitegraphError):
    """OpenAlex rejected the API key (401) or the endpoint needs a plan (403)."""

    exit_code = 7


class NetworkError(CitegraphError):
    """The API could not be reached, or kept failing after every retry."""

    exit_code = 8


class CacheError(CitegraphError):
    """The cache directory is unusable: unwritable, corrupt, or not a citegraph cache."""

    exit_code = 9


class OutputError(CitegraphError):
    """The output directory cannot be created or written."""

    exit_code = 10


class GraphNotFoundError(CitegraphError):
    """A directory given for analysis or rendering holds no crawled graph."""

    exit_code = 11


class TermError(CitegraphError):
    """A ``--term`` that cannot be used (empty, or an invalid regular expression)."""

    exit_code = 12


class OutputBusyError(CitegraphError):
    """Another citegraph run is writing to the same output directory."""

    exit_code = 13


class SnapshotError(CitegraphError):
    """A snapshot path, manifest or part that cannot be read as an OpenAlex snapshot, or an
    engine that cannot start."""

    exit_code = 14
