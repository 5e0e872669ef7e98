"""A local stand-in for the OpenAlex ``/works`` API, served from a JSONL snapshot, with faults.

Why it exists: the client, the crawler and the benchmarks must be exercised against something
that answers like api.openalex.org (same URLs, JSON shapes, 400/404/429 bodies and prices)
without the network and without spending anyone's budget. It also misbehaves on purpose,
reproducibly (latency, rate limits, a daily budget that runs out, 5xx, dropped connections,
truncated and malformed bodies), because a crawler is only as good as its worst day.

What is faithful and what is not (see ``OPENALEX.md`` in the shared docs):

* Faithful: id forms (``W1``, ``w1``, ``https://openalex.org/W1`` redirect with 301, ``doi:``
  and ``https://doi.org/`` answer directly), merged ids answer 404, the filters citegraph uses
  (``openalex``/``cites``/``cited_by``/``doi``/years/dates/``*.search`` and ``*.search.exact``,
  ``authorships.institutions.type``, ``primary_topic.field.id``, ``is_xpac``; ``.search.no_stem``
  is a 400 as it is since 2026), ``select``, paging (``per_page`` 1-100, page x per_page <=
  10,000, ``cursor``), ``sort`` (``publication_date`` included), ``group_by`` with dotted keys
  (``primary_topic.field.id``, ``authorships.institutions.type`` keyed by the institution-types
  vocabulary), xpac works (``is_xpac: true``) left out of list calls unless ``include_xpac=true``
  and still served by ``/works/{id}``, prices in ``meta.cost_usd`` (a group_by is one list call,
  even with a search filter) and ``X-RateLimit-*-USD`` headers, error bodies with
  ``error``/``message``.
* Simplified: search is a stemmed all-words match (no phrases, no boolean operators, no
  relevance ranking: results come in file order); only the filter keys in ``_FILTERS`` exist;
  ``per_page`` stops at 100 as the project docs say, although real recordings show 200.

Standard library only, and never ``requests``: only ``citegraph.client`` may import that.

The package, one module per part, each building on the ones listed before it:

* ``index``: loading the JSONL snapshot, id and DOI forms, the word index for searches.
* ``filters``: the ``filter=`` language compiled to clauses over the index.
* ``query``: list queries (paging, select, sort, group_by) and routing a GET to its answer.
* ``faults``: what goes wrong on purpose (faults, rate limit, daily budget) and the request log.
* ``server``: the HTTP server, its control endpoints and :class:`StandinServer`.
* ``cli``: ``python -m citegraph.standin DATA --port 0 ...``.

Every public name of the former single module is importable from the package.
"""

from __future__ import annotations

from .cli import main
from .faults import FaultConfig, RequestLog, seconds_to_midnight_utc
from .filters import INVALID_PARAMS, MAX_OR_VALUES, BadRequest, compile_filter, matching_positions, split_filter
from .index import Work, WorkIndex, load_works, normalise_doi, short_id, stem, word_tokens
from .query import (
    DEFAULT_PER_PAGE,
    GROUP_BY_FIELDS,
    LIST_PARAMS,
    MAX_GROUPS,
    MAX_PAGED_RESULTS,
    MAX_PER_PAGE,
    MICRO_USD,
    NOT_FOUND,
    PRICE_LIST,
    PRICE_SEARCH,
    SELECT_FIELDS,
    SORT_FIELDS,
    Answer,
    ListQuery,
    answer,
    answer_single,
    canonical_params,
    classify_work_ref,
    decode_cursor,
    encode_cursor,
    endpoint_kind,
    group_counts,
    group_keys,
    ids_in_request,
    list_body,
    parse_group_by,
    parse_list_query,
    parse_paging,
    parse_select,
    parse_sort,
    sort_positions,
    trimmed,
)
from .server import StandinServer, logger

__all__ = ["FaultConfig", "RequestLog", "StandinServer", "WorkIndex", "load_works", "main"]
