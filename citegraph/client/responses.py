"""What an OpenAlex answer means: the checked JSON body of a 200 (or why it is unusable), what
the call cost, and the error a 4xx becomes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ApiRequestError, AuthError, CitegraphError
from .scrub import _SURROGATE_ESCAPE, _one_line, _valid_unicode
from .transport import AttemptFailed, WireAnswer
from .urls import is_search

#: OpenAlex's price list (US dollars per call) for answers that carry no ``meta.cost_usd``.
PRICES_USD = {"singleton": 0.0, "list": 0.0001, "search": 0.001}
#: Deepest JSON nesting accepted. OpenAlex's records nest about six levels; a deeper body is
#: not OpenAlex's, and past ~1,000 levels Python's parser (and pickle, and every recursive
#: walk after it) raises RecursionError.
MAX_JSON_DEPTH = 64

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def price(kind: str, params: Mapping[str, str]) -> float:
    """What OpenAlex charges for a call of ``kind`` (a group_by is billed as a list or search)."""
    if kind == "group_by":
        kind = "search" if is_search(params) else "list"
    return PRICES_USD.get(kind, 0.0)


def answer_cost(body: Any, kind: str, params: Mapping[str, str], header: str | None) -> float:
    """What a call cost: ``meta.cost_usd``, else the ``X-RateLimit-Cost-USD`` header, else the price list."""
    meta = body.get("meta") if isinstance(body, dict) and kind != "singleton" else None
    cost: Any = meta.get("cost_usd") if isinstance(meta, dict) else None
    if not _is_number(cost) and header:
        try:
            cost = float(header)
        except ValueError:
            cost = None
    if not _is_number(cost) or cost != cost or cost in (float("inf"), float("-inf")):
        cost = price(kind, params)
    return float(cost)


def _too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a valid JSON text nests deeper than ``limit``: strings dropped, then brackets
    peeled a level per pass (C-speed regex passes, at most ``limit`` of them)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    for _ in range(limit):
        if not brackets:
            return False
        brackets = _INNERMOST.sub("", brackets)
    return bool(brackets)


def parse_json(data: bytes, *, secret: str | None) -> Any:
    """The JSON in ``data``, or :class:`AttemptFailed` (``malformed``) when it is not usable JSON.

    A server's echo of the API key is replaced before anything is kept.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AttemptFailed("malformed", "body is not UTF-8", charged=True) from None
    if secret and secret in text:  # never let a server's echo of the key reach the cache
        text = text.replace(secret, "***")
    try:
        body = json.loads(text)
    except RecursionError:
        body, deep = None, True
    except ValueError as exc:
        raise AttemptFailed("malformed", f"malformed JSON ({_one_line(str(exc), 80)})", charged=True) from None
    else:
        deep = _too_deep(text)
    if deep:
        raise AttemptFailed("malformed", f"JSON nested deeper than {MAX_JSON_DEPTH} levels", charged=True)
    if _SURROGATE_ESCAPE.search(text):
        body = _valid_unicode(body)
    return body


def checked_body(answer: WireAnswer, kind: str, *, secret: str | None) -> dict:
    """The JSON object of a 200, shaped as a ``kind`` answer, or :class:`AttemptFailed`."""
    body = parse_json(answer.body, secret=secret)
    if not isinstance(body, dict):
        problem = "body is not a JSON object"
    elif kind == "singleton":
        problem = "" if body.get("id") else "work record without an id"
    elif kind == "group_by":
        ok = isinstance(body.get("group_by"), list) and isinstance(body.get("meta"), dict)
        problem = "" if ok else "group_by answer without group_by/meta"
    else:
        ok = isinstance(body.get("results"), list) and isinstance(body.get("meta"), dict)
        problem = "" if ok else "list answer without results/meta"
    if problem:
        raise AttemptFailed("malformed", problem, charged=True)
    return body


def error_body(answer: WireAnswer, secret: str | None) -> Any:
    """A 4xx's JSON body (``{"error", "message"}`` from OpenAlex), or ``None``."""
    try:
        return parse_json(answer.body, secret=secret)
    except AttemptFailed:
        return None


def client_error(answer: WireAnswer, what: str, *, secret: str | None, scrub: Callable[[str], str]) -> CitegraphError:
    """The error a refusal (4xx other than 404/429) becomes; ``what`` is the brief request."""
    status = answer.status
    body = error_body(answer, secret)
    if isinstance(body, dict):
        text = str(body.get("message") or body.get("error") or "")
    else:
        text = answer.body[:2000].decode("utf-8", errors="replace")
    message = _one_line(scrub(text or answer.reason or "no message"))
    if status == 401:
        return AuthError("OpenAlex rejected the API key (401 Invalid or missing API key): check --api-key / OPENALEX_API_KEY")
    if status == 403:
        return AuthError(f"OpenAlex refused access (403: {message}); this call may need a paid plan or a different --api-key")
    if status == 400:
        return ApiRequestError(f"OpenAlex rejected the request (400): {_one_line(message, 150)} "
                               f"[GET {what}]; everything fetched before it is cached")
    return ApiRequestError(f"OpenAlex answered {status} ({_one_line(message, 150)}) to GET {what}; check --api-url")
