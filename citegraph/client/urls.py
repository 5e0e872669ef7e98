"""Work references and URLs: what a work is asked as, the canonical URL that keys the cache
(no credentials), the URL that goes on the wire (with them), and short scrubbed URLs for messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

from ..errors import InputError
from ..records import normalize_doi, parse_arxiv_id, try_work_id
from .scrub import _KEY_IN_TEXT, _one_line

_CREDENTIAL_PARAMS = ("api_key", "mailto")
_OTHER_ID = re.compile(r"^(pmid|mag|pmcid):\S+$", re.IGNORECASE)
_URL_CHARS = 300
_BRIEF_CHARS = 120


def _is_search(params: Mapping[str, str]) -> bool:
    return bool(params.get("search")) or ".search" in (params.get("filter") or "")


class _Urls:
    """Ids, URLs and keys: a part of :class:`~citegraph.client.OpenAlexClient`, using its
    ``settings``, ``_base`` (the API URL), ``_key_base`` (what cache keys start with) and ``_key``."""

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
            params["select"] = _Urls._select(select)
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
