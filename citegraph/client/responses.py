"""What an OpenAlex answer means: the checked JSON body of a 200 (or a retryable failure), what
the call cost, how long a 429 says to wait (or that the daily budget is spent), and the error
a 4xx becomes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from ..errors import ApiRequestError, AuthError, BudgetExhaustedError
from .scrub import _SURROGATE_ESCAPE, _one_line, _valid_unicode
from .urls import _is_search

log = logging.getLogger("citegraph")

#: OpenAlex's price list (US dollars per call) for answers that carry no ``meta.cost_usd``.
PRICES_USD = {"singleton": 0.0, "list": 0.0001, "search": 0.001}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Failure(Exception):
    """A retryable failed attempt (internal): ``cause`` is a stats.faults key."""

    def __init__(self, cause: str, detail: str) -> None:
        super().__init__(detail)
        self.cause = cause
        self.detail = detail


class _Responses:
    """Responses: a part of :class:`~citegraph.client.OpenAlexClient`, using its ``settings``,
    ``_key``, ``_stats`` (with ``_stats_lock``), ``_limiter`` and the URL helpers."""

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
