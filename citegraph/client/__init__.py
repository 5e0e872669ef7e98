"""HTTP, retries, rate limit, cost and disk cache for the OpenAlex API; returns raw OpenAlex dicts.

This package is the only place that imports ``requests`` and ``diskcache``. Everything it
returns is plain JSON data exactly as OpenAlex sent it; turning records into citegraph's slim
records is ``records.py``'s job.

What it assumes about OpenAlex (see ``shared/docs/OPENALEX.md``):

* Credentials travel as the ``api_key`` and ``mailto`` query parameters. Neither is part of a
  cache key, and the key is scrubbed from every message, log line and cached body.
* Singleton ``/works/{id}`` calls are free, list calls cost $0.0001, searches $0.001;
  ``meta.cost_usd`` wins when the answer carries it.
* A 429 with a short ``Retry-After`` is the per-second limit (sleep and retry); a long one is
  the daily budget (stop: everything fetched so far is already cached). ``X-RateLimit-
  Remaining-USD`` says the same in advance: a request the rest of the budget cannot pay for
  is not sent.
* Id batches (``filter=openalex:W1|W2...``) send ``include_xpac=true``: without it, list calls
  leave out the ~190M "expansion pack" works, and references to them would look dangling.
* The server may misbehave: every request has an overall deadline, a bound on its decoded
  size and on its JSON depth, and follows redirects only within the API's host.
* Since January 2026 a merged id answers 404; lowercase and URL-form ids redirect, but the
  client canonicalises ids itself so it rarely needs the redirect.

Every response is written to the cache the moment it arrives, keyed by its canonical URL
(API URL + path + sorted query, without credentials), so an interrupted crawl resumes where it
stopped and ``--offline`` reruns it without the network.

The package, one module per part; :class:`OpenAlexClient` composes them, each passed to the
parts that use it (nothing is shared by inheritance):

* ``openalex``: :class:`OpenAlexClient` (the public API and the cache policy) and ``RequestEvent``.
* ``urls``: work references, canonical URLs (the cache keys), URLs for the wire and messages.
* ``transport``: the requests session; deadline, body-size limit, redirects within the API host.
* ``fetch``: one call with retries: attempt, classify, back off, give up in one line.
* ``responses``: what an answer means: a checked JSON body, its cost, a 4xx's error.
* ``budget``: the daily budget (stop before a request it cannot pay for) and ``Retry-After``.
* ``cache``: opening the disk cache (refusing foreign, locked or corrupt ones), its entries
  (:class:`ResponseCache`), ``cache_info`` and ``clear_cache``.
* ``stats``: the locked counters and their ``ClientStats`` snapshot.
* ``pool``: batches on daemon worker threads, results in order.
* ``ratelimit``: the request spacing shared by all threads.
* ``scrub``: the API key out of logs and messages, messages on one line, records valid UTF-8.
"""

from __future__ import annotations

from .cache import cache_info, clear_cache
from .fetch import UNREACHABLE_ATTEMPTS
from .openalex import BATCH_SIZE, OpenAlexClient, RequestEvent, log
from .responses import PRICES_USD
from .stats import ClientStats

__all__ = ["OpenAlexClient", "ClientStats", "RequestEvent", "BATCH_SIZE", "cache_info", "clear_cache"]
