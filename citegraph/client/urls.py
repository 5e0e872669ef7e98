"""Work references and URLs: what a work is asked as, the canonical URL that keys the cache
(no credentials), the URL that goes on the wire (with them), and short scrubbed URLs for messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from ..errors import InputError
from ..records import normalize_doi, parse_arxiv_id, try_work_id
from .scrub import _KEY_IN_TEXT, _one_line

_CREDENTIAL_PARAMS = ("api_key", "mailto")
_OTHER_ID = re.compile(r"^(pmid|mag|pmcid):\S+$", re.IGNORECASE)
_URL_CHARS = 300
_BRIEF_CHARS = 120
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_search(params: Mapping[str, str]) -> bool:
    return bool(params.get("search")) or ".search" in (params.get("filter") or "")


def call_kind(path: str, params: Mapping[str, str]) -> str:
    """``singleton``, ``group_by``, ``search`` or ``list``: what OpenAlex prices a call as."""
    if path != "/works":
        return "singleton"
    if params.get("group_by"):
        return "group_by"
    return "search" if is_search(params) else "list"


@dataclass(frozen=True)
class ApiBase:
    """An ``--api-url`` taken apart: the URL without credentials, and any ``user:password``.

    Credentials in the URL (``http://user:pw@host``) must not become part of cache keys or
    messages; they travel as HTTP basic auth instead.
    """

    url: str
    auth: tuple[str, str] | None = None

    @classmethod
    def parse(cls, url: str) -> "ApiBase":
        try:
            parts = urlsplit(url.strip())
            host, port = parts.hostname, parts.port  # .port raises on a port that is not a number
        except ValueError as exc:
            raise InputError(f"not an API URL: {url!r} ({exc}; expected e.g. https://api.openalex.org)") from None
        if parts.scheme.lower() not in ("http", "https") or not host:
            raise InputError(f"not an API URL: {url!r} (expected e.g. https://api.openalex.org)")
        netloc = f"[{host}]" if ":" in host else host
        if port is not None:
            netloc += f":{port}"
        auth = None
        if parts.username is not None or parts.password is not None:
            auth = (parts.username or "", parts.password or "")
        return cls(urlunsplit((parts.scheme.lower(), netloc.lower(), parts.path.rstrip("/"), "", "")), auth)


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` with the scheme's default port filled in."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ("", "", None)
    scheme = parts.scheme.lower()
    return (scheme, (parts.hostname or "").lower(), port if port is not None else _DEFAULT_PORTS.get(scheme))


def work_ref(ref: str) -> str:
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
    raise InputError(f"not a work reference: {ref!r} (expected an OpenAlex id W123, a DOI or an arXiv id)")


def select_fields(select: Sequence[str] | None) -> str:
    if isinstance(select, str):
        select = select.split(",")
    fields = {f.strip() for f in select or () if f and f.strip()}
    if fields:
        fields.add("id")  # records are keyed by id; OpenAlex drops it unless selected
    return ",".join(sorted(fields))


def list_params(filter: str | None, search: str | None, select: Sequence[str] | None, sort: str | None) -> dict[str, str]:
    params: dict[str, str] = {}
    if filter:
        params["filter"] = filter
    if search:
        params["search"] = search
    if select:
        params["select"] = select_fields(select)
    if sort:
        params["sort"] = sort
    return params


def record_id(record: Mapping[str, Any], fallback: str) -> str:
    return try_work_id(str(record.get("id") or "")) or fallback


class ApiUrls:
    """The URLs of one API: canonical (cache keys), wire (with credentials), and for messages.

    ``key_base`` is what cache keys start with: the API URL, or a stable name for a server on
    an ephemeral port (the demo stand-in).
    """

    def __init__(self, base: ApiBase, *, namespace: str | None, api_key: str | None, mailto: str | None) -> None:
        self.base = base.url
        self.key_base = f"{namespace}:" if namespace else base.url
        self._key = api_key
        self._mailto = mailto
        self._secrets = [s for s in (api_key, *(base.auth or ())) if s]

    def canonical(self, path: str, params: Mapping[str, str]) -> str:
        items = sorted((k, str(v)) for k, v in params.items() if k not in _CREDENTIAL_PARAMS and v is not None)
        query = urlencode(items, quote_via=quote, safe=":,|*/") if items else ""
        return f"{self.key_base}{path}" + (f"?{query}" if query else "")

    def work(self, short: str, fields: str) -> str:
        """The canonical URL of one work with ``select=fields``: where batches cache each record."""
        return self.canonical(f"/works/{short}", {"select": fields} if fields else {})

    def wire(self, canonical: str) -> str:
        if self.key_base != self.base and canonical.startswith(self.key_base):
            canonical = self.base + canonical[len(self.key_base):]
        extra = [(k, v) for k, v in (("api_key", self._key), ("mailto", self._mailto)) if v]
        if not extra:
            return canonical
        return canonical + ("&" if "?" in canonical else "?") + urlencode(extra, quote_via=quote, safe="@")

    def scrub(self, text: object) -> str:
        """``text`` without the API key or URL password (literal, URL-encoded, or as ``api_key=``)."""
        text = str(text)
        for secret in self._secrets:
            for form in {secret, quote(secret, safe=""), quote(secret, safe="/")}:
                text = text.replace(form, "***")
        return _KEY_IN_TEXT.sub(r"\1***", text)

    def short(self, url: str) -> str:
        return _one_line(self.scrub(url), _URL_CHARS)

    def brief(self, url: str) -> str:
        """Path and query of a canonical URL for a message: no ``select`` (long, always the
        same), no credentials, at most ``_BRIEF_CHARS`` characters."""
        if url.startswith(self.key_base):
            url = url[len(self.key_base):]
        path, _, query = url.partition("?")
        kept = "&".join(part for part in query.split("&") if part and not part.startswith("select="))
        return _one_line(self.scrub(path + (f"?{kept}" if kept else "")), _BRIEF_CHARS)
