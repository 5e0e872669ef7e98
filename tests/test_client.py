"""The OpenAlex client over real HTTP against the local stand-in (never a mocked ``requests``).

Every test starts its own stand-in on 127.0.0.1 and its own cache directory, so tests are
independent; latencies, backoff and ``Retry-After`` are kept small so the file runs in well
under a minute.
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable

import pytest

from citegraph.client import ClientStats, OpenAlexClient, RequestEvent, cache_info, clear_cache
from citegraph.config import WORK_FIELDS, Settings
from citegraph.errors import (
    ApiRequestError,
    AuthError,
    BudgetExhaustedError,
    CacheError,
    CitegraphError,
    InputError,
    NetworkError,
    OfflineMissError,
)
from citegraph.records import work_id
from citegraph.standin import FaultConfig

REPO = Path(__file__).resolve().parents[1]
SECRET = "sk-test-SECRET-123"
MISSING = (5, 77, 180)  # ids absent from the synthetic dataset: they answer 404 / are left out


def synthetic_works(n: int = 260) -> list[dict[str, Any]]:
    """``n`` OpenAlex-shaped works W1..Wn minus ``MISSING``; Wi cites W1 unless 3 divides i."""
    works = []
    for i in range(1, n + 1):
        if i in MISSING:
            continue
        refs = [1] if i > 1 and i % 3 else []
        works.append(
            {
                "id": f"https://openalex.org/W{i}",
                "doi": f"https://doi.org/10.5555/s{i}",
                "title": f"Synthetic work {i}",
                "display_name": f"Synthetic work {i}",
                "publication_year": 2000 + i % 20,
                "publication_date": f"{2000 + i % 20}-03-01",
                "type": "article" if i % 4 else "preprint",
                "cited_by_count": i,
                "referenced_works": [f"https://openalex.org/W{r}" for r in refs],
                "referenced_works_count": len(refs),
                "abstract_inverted_index": None,
            }
        )
    return works


def trimmed(work: dict[str, Any], fields: tuple[str, ...] = WORK_FIELDS) -> dict[str, Any]:
    return {name: work.get(name) for name in fields}


@pytest.fixture
def synthetic() -> list[dict[str, Any]]:
    return synthetic_works()


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings for a stand-in URL: fast (high rate, tiny backoff), cache in ``tmp_path``."""

    def build(url: str, **changes: Any) -> Settings:
        base = Settings(
            api_url=url,
            cache_dir=tmp_path / "cache",
            rate_limit=500.0,
            workers=4,
            max_retries=4,
            backoff_base=0.005,
            backoff_max=0.02,
            max_retry_after=5.0,
            timeout=10.0,
        )
        return base.with_(**changes)

    return build


def standin_requests(server: Any) -> int:
    return len(server.log.entries)


# ---------------------------------------------------------------------------- single works


def test_get_work_accepts_every_reference_form(standin_factory, tiny_works, make_settings) -> None:
    arxiv_work = dict(tiny_works[0], id="https://openalex.org/W7", doi="https://doi.org/10.48550/arxiv.1810.04805")
    server = standin_factory(tiny_works + [arxiv_work])
    with OpenAlexClient(make_settings(server.start())) as client:
        for ref in ("W1", "https://openalex.org/W1", "w1", " W1 "):
            assert work_id(client.get_work(ref)["id"]) == "W1"
        for ref in ("doi:10.1234/W2", "https://doi.org/10.1234/w2", "10.1234/w2"):
            assert work_id(client.get_work(ref)["id"]) == "W2"
        for ref in ("arxiv:1810.04805", "arXiv:1810.04805v2", "https://arxiv.org/abs/1810.04805", "doi:10.48550/arXiv.1810.04805"):
            assert work_id(client.get_work(ref)["id"]) == "W7"
        with pytest.raises(InputError):
            client.get_work("not an id")
    paths = [e["path"] for e in server.log.entries]
    # Ids are canonicalised before the request (no redirect round trip), each form asked once.
    assert paths == ["/works/W1", "/works/doi:10.1234/w2", "/works/doi:10.48550/arxiv.1810.04805"]
    assert all(e["status"] == 200 for e in server.log.entries)


def test_get_work_select_trims_and_shares_the_batch_cache(standin_factory, tiny_works, make_settings) -> None:
    server = standin_factory(tiny_works)
    with OpenAlexClient(make_settings(server.start())) as client:
        record = client.get_work("W3", select=["display_name", "publication_year"])
        assert record == {"display_name": "Another middle paper", "id": "https://openalex.org/W3", "publication_year": 2015}
        client.get_works(["W4"])  # cached under /works/W4?select=<WORK_FIELDS>
        before = standin_requests(server)
        assert client.get_work("W4", select=WORK_FIELDS) == trimmed(tiny_works[3])
        assert standin_requests(server) == before


def test_404_is_none_and_cached_as_a_negative_entry(standin_factory, tiny_works, make_settings) -> None:
    server = standin_factory(tiny_works)
    settings = make_settings(server.start())
    with OpenAlexClient(settings) as client:
        assert client.get_work("W5") is None
        assert client.get_work("doi:10.1234/nowhere") is None
        assert client.get_work("W5") is None
        assert client.stats.cache_hits == 1
    assert server.log.count(status=404) == 2
    with OpenAlexClient(settings.with_(offline=True, refresh=True)) as offline:  # offline wins
        assert offline.get_work("W5") is None


def test_merged_ids_answer_404_and_are_left_out(standin_factory, tiny_works, make_settings) -> None:
    """Since January 2026 a merged id answers 404 (no redirect): None, and absent from batches."""
    server = standin_factory(tiny_works, merged_ids=["W3"])
    with OpenAlexClient(make_settings(server.start())) as client:
        assert client.get_work("W3") is None
        assert set(client.get_works(["W2", "W3", "W4"])) == {"W2", "W4"}
        assert client.get_works(["W3"]) == {}
        assert client.stats.as_dict()["requests"] == 2


def test_a_redirected_id_form_is_followed(standin_factory, tiny_works, make_settings) -> None:
    """The stand-in redirects ``/works/w1`` like OpenAlex; requests follows with the query kept."""
    server = standin_factory(tiny_works, api_key=SECRET, require_key=True)
    with OpenAlexClient(make_settings(server.start(), api_key=SECRET)) as client:
        body = client._get("/works/w1", {"select": "id,title"})["body"]  # a form the public API never sends
    assert body == {"id": "https://openalex.org/W1", "title": "Seed paper on pre-training"}
    assert [e["status"] for e in server.log.entries] == [301, 200]


# ---------------------------------------------------------------------------- many works


def test_get_works_batches_caches_and_reruns_offline(standin_factory, synthetic, make_settings) -> None:
    server = standin_factory(synthetic)
    settings = make_settings(server.start())
    ids = [f"W{i}" for i in range(1, 251)]
    expected = {work_id(w["id"]): trimmed(w) for w in synthetic if work_id(w["id"]) in ids}

    with OpenAlexClient(settings) as client:
        found = client.get_works(list(reversed(ids)) + ["https://openalex.org/W10", "w11"])
        assert found == expected
        assert not {"W5", "W77", "W180"} & set(found)
        assert list(found) == [i for i in reversed(ids) if i in expected]  # in the order asked
        entries = server.log.entries
        assert len(entries) == 3 and {e["kind"] for e in entries} == {"list"}
        assert sorted(e["ids"] for e in entries) == [50, 100, 100]
        # Deterministic batches: the sorted missing ids, 100 at a time (they arrive in any order).
        filters = {e["query"].replace("%7C", "|").split("&")[0] for e in entries}
        assert filters == {
            "filter=openalex:" + "|".join(f"W{i}" for i in range(start, min(start + 100, 251)))
            for start in (1, 101, 201)
        }

        assert client.get_works(ids) == expected
        assert standin_requests(server) == 3
        assert client.stats.cache_hits == 250

    with OpenAlexClient(settings.with_(offline=True)) as offline:
        assert offline.get_works(ids) == expected
        assert offline.stats.requests == 0
        with pytest.raises(OfflineMissError) as caught:
            offline.get_works(ids + ["W9999", "W9998"])
    message = str(caught.value)
    assert f"no cached response for {settings.api_url}/works/W9998?select=" in message
    assert "run without --offline (network needed)" in message and "1 more" in message
    assert standin_requests(server) == 3


def test_get_works_only_asks_for_what_it_lacks(standin_factory, synthetic, make_settings) -> None:
    server = standin_factory(synthetic)
    with OpenAlexClient(make_settings(server.start())) as client:
        client.get_works([f"W{i}" for i in range(1, 151)])
        assert standin_requests(server) == 2
        found = client.get_works([f"W{i}" for i in range(1, 251)])
    assert len(found) == 247
    assert standin_requests(server) == 3
    assert server.log.entries[-1]["ids"] == 100  # W151..W250
    assert server.log.ids_requested == 250


def test_refresh_refetches_once_per_session(standin_factory, synthetic, make_settings) -> None:
    server = standin_factory(synthetic)
    settings = make_settings(server.start())
    ids = [f"W{i}" for i in range(1, 101)]
    with OpenAlexClient(settings) as client:
        first = client.get_works(ids)
        assert client.get_work("W2") is not None
    with OpenAlexClient(settings.with_(refresh=True)) as client:
        assert client.get_works(ids) == first
        assert client.get_work("W2") is not None
        assert client.stats.requests == 2
        client.get_works(ids)  # refetched already in this session: served from the cache
        client.get_work("W2")
        assert client.stats.requests == 2
    assert standin_requests(server) == 4


# ---------------------------------------------------------------------------- lists


def test_iter_works_follows_the_cursor_to_the_end(standin_factory, synthetic, make_settings) -> None:
    server = standin_factory(synthetic)
    settings = make_settings(server.start())
    citing = {work_id(w["id"]) for w in synthetic if "https://openalex.org/W1" in w["referenced_works"]}
    with OpenAlexClient(settings) as client:
        got = [work_id(r["id"]) for r in client.iter_works("cites:W1", per_page=25)]
        assert len(got) == len(set(got)) and set(got) == citing
        pages = math.ceil(len(citing) / 25)
        assert client.stats.requests == pages
        queries = [e["query"] for e in server.log.entries]
        assert "cursor=*" in queries[0] and all("cursor=" in q for q in queries)
        assert len(list(client.iter_works("cites:W1", per_page=25, max_results=30))) == 30
        assert client.stats.requests == pages  # the first two pages were cached
    with OpenAlexClient(settings.with_(offline=True)) as offline:
        assert [work_id(r["id"]) for r in offline.iter_works("cites:W1", per_page=25)] == got


def test_iter_works_on_the_demo_data(standin_factory, demo_works, make_settings) -> None:
    server = standin_factory(None)
    bert = "https://openalex.org/W2963341956"
    citing = {work_id(w["id"]) for w in demo_works if bert in (w.get("referenced_works") or ())}
    references = {work_id(r) for w in demo_works if w["id"] == bert for r in w["referenced_works"]}
    with OpenAlexClient(make_settings(server.start())) as client:
        assert {work_id(r["id"]) for r in client.iter_works("cites:W2963341956")} == citing
        known = client.get_works(sorted(references))
        assert set(known) <= references and len(known) > 0


def test_list_page_and_group_by(standin_factory, tiny_works, make_settings) -> None:
    server = standin_factory(tiny_works)
    with OpenAlexClient(make_settings(server.start())) as client:
        results, meta = client.list_page(search="pre-training", select=["id", "display_name"])
        assert {work_id(r["id"]) for r in results} == {"W1", "W2", "W4"}
        assert meta["count"] == 3
        results, meta = client.list_page("publication_year:<2016", per_page=1, page=2, sort="publication_year")
        assert [work_id(r["id"]) for r in results] == ["W4"] and meta["page"] == 2
        years = client.group_by(None, "publication_year")
        assert {g["key"]: g["count"] for g in years} == {"2019": 1, "2016": 1, "2015": 1, "2010": 1, "2006": 1}
        assert client.group_by("publication_year:>2012", "type") == [
            {"key": "https://openalex.org/types/article", "key_display_name": "article", "count": 3}
        ]
        assert client.stats.by_kind == {"search": 1, "list": 1, "group_by": 2}


def test_cost_equals_what_the_standin_charged(standin_factory, synthetic, make_settings) -> None:
    server = standin_factory(synthetic)
    with OpenAlexClient(make_settings(server.start())) as client:
        client.get_work("W2")  # free
        client.get_works([f"W{i}" for i in range(1, 201)])  # 2 x $0.0001
        list(client.iter_works("cites:W1", per_page=100))  # 2 x $0.0001
        client.list_page(filter="title.search:synthetic")  # $0.001
        client.group_by("publication_year:>2010", "type")  # $0.0001
        stats = client.stats
    assert stats.cost_usd == pytest.approx(server.log.cost_usd) == pytest.approx(0.0015)
    assert stats.requests == len(server.log.entries) == 7


# ---------------------------------------------------------------------------- 429 and budget


def test_429_with_a_short_retry_after_is_retried(standin_factory, synthetic, make_settings) -> None:
    server = standin_factory(synthetic, faults=FaultConfig(rate_limit=1))
    with OpenAlexClient(make_settings(server.start(), rate_limit=1000.0)) as client:
        started = time.monotonic()
        assert client.get_work("W1") and client.get_work("W2")
        elapsed = time.monotonic() - started
        stats = client.stats
    assert server.log.count(status=429) == 1 and stats.rate_limited == 1 and stats.retries == 1
    assert stats.requests == 3 and 0.9 <= elapsed < 4


def test_budget_exhausted_stops_at_once_and_keeps_what_was_fetched(standin_factory, synthetic, make_settings) -> None:
    """$0.0002 pays two batches; X-RateLimit-Remaining-USD then says $0, so the third is not
    even sent (no 429 to provoke), and everything paid for stays cached."""
    server = standin_factory(synthetic, faults=FaultConfig(daily_budget_usd=0.0002))
    settings = make_settings(server.start(), workers=1, max_retry_after=0.5)
    ids = [f"W{i}" for i in range(1, 251)]
    with OpenAlexClient(settings) as client:
        started = time.monotonic()
        with pytest.raises(BudgetExhaustedError) as caught:
            client.get_works(ids)
        assert time.monotonic() - started < 2
        assert client.stats.rate_limited == 0 and client.stats.requests == 2
    assert server.log.count(status=429) == 0 and server.log.count() == 2
    message = str(caught.value)
    assert message.startswith("OpenAlex daily budget spent; resets in ") and "h " in message
    assert "$0.0000 left, the next request costs $0.0001" in message
    assert "(midnight UTC)" in message and "rerun then to resume" in message and "--api-key" in message
    assert caught.value.retry_after and caught.value.retry_after > 0.5
    assert caught.value.exit_code == 5

    with OpenAlexClient(settings.with_(offline=True)) as offline:  # the two paid batches are cached
        assert len(offline.get_works(ids[:200])) == 197
    server.reset()  # midnight UTC: the budget is back
    with OpenAlexClient(settings) as client:
        assert len(client.get_works(ids)) == 247
        assert client.stats.requests == 1  # only the third batch


# ---------------------------------------------------------------------------- faults


def test_faults_are_retried_to_the_fault_free_answer(standin_factory, synthetic, make_settings, tmp_path) -> None:
    ids = [f"W{i}" for i in range(1, 251)]
    singles = ["W2", "W3", "doi:10.5555/s4", "W6"]

    def run(server: Any, cache: Path) -> tuple[Any, ClientStats]:
        settings = make_settings(server.start(), cache_dir=cache, max_retries=10)
        with OpenAlexClient(settings) as client:
            answers = (
                client.get_works(ids),
                [client.get_work(ref) for ref in singles],
                [r["id"] for r in client.iter_works("cites:W1", per_page=20)],
                client.group_by("cites:W1", "publication_year"),
            )
            return answers, client.stats

    clean, clean_stats = run(standin_factory(synthetic), tmp_path / "clean")
    faults = FaultConfig(error_rate=0.1, drop_rate=0.08, truncate_rate=0.06, malformed_rate=0.06, seed=11)
    server = standin_factory(synthetic, faults=faults)
    faulty, stats = run(server, tmp_path / "faulty")

    assert faulty == clean
    injected = server.log.faults
    assert sum(injected.values()) >= 5  # the seed really exercised the retries
    assert stats.retries == sum(injected.values()) == stats.requests - clean_stats.requests
    assert stats.faults.get("5xx", 0) == injected["error_500"] + injected["error_503"]
    assert stats.faults.get("connection", 0) == injected["drop"]
    assert stats.faults.get("truncated", 0) == injected["truncate"]
    assert stats.faults.get("malformed", 0) == injected["malformed"]
    assert stats.cost_usd == pytest.approx(server.log.cost_usd)  # broken 200s are charged too


@pytest.mark.parametrize("fault", ["error_rate", "drop_rate", "truncate_rate", "malformed_rate"])
def test_a_server_that_always_fails_gives_network_error(standin_factory, synthetic, make_settings, fault) -> None:
    server = standin_factory(synthetic, faults=FaultConfig(**{fault: 1.0}))
    with OpenAlexClient(make_settings(server.start(), max_retries=3)) as client:
        started = time.monotonic()
        with pytest.raises(NetworkError) as caught:
            client.get_works(["W1", "W2"])
        assert time.monotonic() - started < 2
        assert client.stats.retries == 3
    assert standin_requests(server) == 4
    message = str(caught.value)
    assert "after 4 attempts" in message and "/works?filter=openalex:W1|W2" in message
    assert "last failure:" in message and "\n" not in message


# ---------------------------------------------------------------------------- refusals


def test_400_carries_the_servers_message(standin_factory, tiny_works, make_settings) -> None:
    server = standin_factory(tiny_works)
    with OpenAlexClient(make_settings(server.start())) as client:
        with pytest.raises(ApiRequestError) as bad_filter:
            client.list_page("doesntexist:1")
        with pytest.raises(ApiRequestError) as bad_select:
            client.get_works(["W1"], select=["nonsense_field"])
        with pytest.raises(ApiRequestError) as bad_page:
            list(client.iter_works("publication_year:2019", per_page=500))
    assert "doesntexist is not a valid field" in str(bad_filter.value)
    assert "nonsense_field is not a valid select field" in str(bad_select.value)
    assert "per-page parameter must be between 1 and 100" in str(bad_page.value)
    for caught in (bad_filter, bad_select, bad_page):
        text = str(caught.value)
        assert "\n" not in text and len(text) < 700 and caught.value.exit_code == 6
    assert server.log.count(status=400) == 3  # refusals are not retried


def test_a_wrong_api_key_is_an_auth_error(standin_factory, tiny_works, make_settings) -> None:
    server = standin_factory(tiny_works, api_key="the-right-key")
    with OpenAlexClient(make_settings(server.start(), api_key=SECRET)) as client:
        with pytest.raises(AuthError) as caught:
            client.get_work("W1")
    assert str(caught.value) == (
        "OpenAlex rejected the API key (401 Invalid or missing API key): check --api-key / OPENALEX_API_KEY"
    )
    assert standin_requests(server) == 1


def test_offline_miss_names_the_canonical_url(standin_factory, tiny_works, make_settings) -> None:
    server = standin_factory(tiny_works)
    settings = make_settings(server.start(), api_key=SECRET, mailto="me@example.org", offline=True)
    with OpenAlexClient(settings) as client:
        with pytest.raises(OfflineMissError) as caught:
            client.get_work("W1")
        with pytest.raises(OfflineMissError):
            list(client.iter_works("cites:W1"))
    assert str(caught.value) == (
        f"no cached response for {settings.api_url}/works/W1; run without --offline (network needed)"
    )
    assert standin_requests(server) == 0


# ---------------------------------------------------------------------------- secrets


def test_the_api_key_never_leaks(standin_factory, synthetic, make_settings, caplog, tmp_path) -> None:
    caplog.set_level(logging.DEBUG)
    server = standin_factory(synthetic, api_key=SECRET, faults=FaultConfig(error_rate=0.2, drop_rate=0.1, seed=3))
    settings = make_settings(server.start(), api_key=SECRET, mailto="me@example.org", max_retries=8)
    errors: list[BaseException] = []
    with OpenAlexClient(settings) as client:
        client.get_works([f"W{i}" for i in range(1, 151)])
        client.get_work("W1")
        client.get_work("W5")
        list(client.iter_works("cites:W1", per_page=50))
        client.group_by(None, "type")
        for call in (lambda: client.list_page("doesntexist:1"), lambda: client.get_work("W2", select=["bogus"])):
            try:
                call()
            except CitegraphError as exc:
                errors.append(exc)
        server.set_faults(FaultConfig(drop_rate=0.5, truncate_rate=0.5))
        try:
            client.get_works(["W200", "W201"])
        except CitegraphError as exc:
            errors.append(exc)
    assert [type(e) for e in errors] == [ApiRequestError, ApiRequestError, NetworkError]
    # The key did go out (the stand-in required it), as the api_key query parameter.
    assert all("api_key=***" in e["query"] for e in server.log.entries)
    assert all("mailto=me%40example.org" in e["query"] or "mailto=me@example.org" in e["query"] for e in server.log.entries)

    for exc in errors:
        text = "".join(traceback.format_exception(exc))
        assert SECRET not in text and SECRET not in repr(exc)
    ours = [r for r in caplog.records if not r.name.startswith("citegraph.standin")]  # the server's own log is not ours
    assert any(r.name.startswith("urllib3") for r in ours) and any(r.name == "citegraph" for r in ours)
    for record in ours:
        assert SECRET not in record.getMessage()
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert any(p.name == "cache.db" for p in files)
    for path in files:
        data = path.read_bytes()
        assert SECRET.encode() not in data and b"me@example.org" not in data, path
    keys = [row[0] for row in sqlite3.connect(tmp_path / "cache" / "cache.db").execute("SELECT key FROM Cache")]
    assert f"{settings.api_url}/works/W1" in keys
    assert all("api_key" not in k and "mailto" not in k for k in keys)


# ---------------------------------------------------------------------------- rate limiter


def test_the_rate_limiter_spaces_requests_so_the_server_never_says_429(standin_factory, synthetic, make_settings) -> None:
    rate, n = 20, 30
    server = standin_factory(synthetic, faults=FaultConfig(rate_limit=rate))
    refs = [f"W{i}" for i in range(1, 200) if i not in MISSING][:n]
    failures: list[BaseException] = []
    with OpenAlexClient(make_settings(server.start(), rate_limit=float(rate))) as client:

        def fetch(part: list[str]) -> None:
            try:
                for ref in part:
                    assert client.get_work(ref) is not None
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                failures.append(exc)

        started = time.monotonic()
        threads = [threading.Thread(target=fetch, args=(refs[k::4],)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        stats = client.stats
    assert not failures
    assert elapsed >= (n - 1) / rate
    assert server.log.count(status=429) == 0 and stats.rate_limited == 0
    assert stats.requests == server.log.count(status=200) == n


def test_cache_hits_do_not_wait_for_the_rate_limiter(standin_factory, tiny_works, make_settings) -> None:
    server = standin_factory(tiny_works)
    with OpenAlexClient(make_settings(server.start(), rate_limit=2.0)) as client:
        client.get_work("W1")
        started = time.monotonic()
        for _ in range(20):
            client.get_work("W1")
        assert time.monotonic() - started < 0.4


# ---------------------------------------------------------------------------- sharing the cache

_CHILD = """
import json, sys
from pathlib import Path
from citegraph.client import OpenAlexClient
from citegraph.config import Settings
url, cache, first, last = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
settings = Settings(api_url=url, cache_dir=Path(cache), rate_limit=500.0, workers=2)
with OpenAlexClient(settings) as client:
    found = client.get_works([f"W{i}" for i in range(first, last)])
print(json.dumps(sorted(found)))
"""


def test_two_processes_and_two_threads_share_one_cache(standin_factory, synthetic, make_settings, tmp_path) -> None:
    server = standin_factory(synthetic)
    url = server.start()
    cache = tmp_path / "cache"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, url, str(cache), str(first), str(last)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for first, last in ((1, 151), (100, 251))
    ]
    results: dict[str, set[str]] = {}

    def in_thread(name: str, first: int, last: int) -> None:
        with OpenAlexClient(make_settings(url)) as client:
            results[name] = set(client.get_works([f"W{i}" for i in range(first, last)]))

    threads = [threading.Thread(target=in_thread, args=(n, a, b)) for n, a, b in (("a", 1, 120), ("b", 60, 251))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert len(json.loads(out)) in (148, 150)  # W1..W150 minus W5, W77; W100..W250 minus W180
    assert len(results["a"]) == 117 and len(results["b"]) == 189
    with OpenAlexClient(make_settings(url, offline=True)) as offline:
        assert len(offline.get_works([f"W{i}" for i in range(1, 251)])) == 247


# ---------------------------------------------------------------------------- cache directory


def test_cache_dir_is_created_and_a_gitkeep_is_fine(tmp_path, make_settings) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / ".gitkeep").write_text("")
    for where in (plain, tmp_path / "new" / "nested"):
        OpenAlexClient(make_settings("http://127.0.0.1:9", cache_dir=where)).close()
        assert (where / "cache.db").is_file()
    info = cache_info(plain)
    assert (info["entries"], info["oldest"], info["newest"]) == (0, None, None)


def test_corrupt_foreign_and_unwritable_caches_are_cache_errors(tmp_path, make_settings) -> None:
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    (corrupt / "cache.db").write_bytes(b"this is not a sqlite database\x00" * 100)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("\\documentclass{article}")
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    messages = {}
    for name, where in (("corrupt", corrupt), ("foreign", foreign), ("unwritable", a_file / "cache")):
        with pytest.raises(CacheError) as caught:
            OpenAlexClient(make_settings("http://127.0.0.1:9", cache_dir=where))
        messages[name] = str(caught.value)
        assert "\n" not in messages[name] and caught.value.exit_code == 9
    assert "corrupt" in messages["corrupt"]
    assert "not a citegraph cache" in messages["foreign"] and "thesis.tex" in messages["foreign"]
    assert "cannot create cache directory" in messages["unwritable"]
    assert (foreign / "thesis.tex").read_text().startswith("\\documentclass")  # left untouched
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.tex"]


@pytest.mark.skipif(sys.platform == "win32" or (hasattr(__import__("os"), "geteuid") and __import__("os").geteuid() == 0),
                    reason="permissions do not bind root")
def test_a_read_only_cache_dir_is_a_cache_error(tmp_path, make_settings) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(CacheError, match="not writable|cannot"):
            OpenAlexClient(make_settings("http://127.0.0.1:9", cache_dir=locked))
    finally:
        locked.chmod(0o700)


def test_cache_entries_cache_info_and_clear(standin_factory, tiny_works, make_settings, tmp_path) -> None:
    server = standin_factory(tiny_works)
    events: list[RequestEvent] = []
    settings = make_settings(server.start())
    with OpenAlexClient(settings, on_request=events.append) as client:
        client.get_works(["W1", "W2", "W5"])
        client.get_work("W1", select=WORK_FIELDS)
    assert [(e.kind, e.status, e.from_cache) for e in events] == [("list", 200, False), ("singleton", 200, True)]
    assert events[-1].stats.cache_hits == 1 and events[-1].url.endswith("/works/W1?select=" + ",".join(sorted(WORK_FIELDS)))
    info = cache_info(settings.cache_dir)
    assert info["entries"] == 3 and info["bytes"] > 0
    assert info["oldest"] <= info["newest"] and info["newest"].endswith("+00:00")
    assert clear_cache(settings.cache_dir) == 3
    assert cache_info(settings.cache_dir)["entries"] == 0
