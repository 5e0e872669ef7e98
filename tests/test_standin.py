"""The OpenAlex stand-in answers like the real API (checked against recorded responses and
direct scans of the data) and misbehaves on demand, reproducibly.

Real HTTP on 127.0.0.1 throughout. Tests on the tiny hand-built dataset always run; tests on
the bundled demo corpus and the recorded responses (tests/fixtures/openalex) always run too.
"""

from __future__ import annotations

import gzip
import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests

from citegraph.standin import SELECT_FIELDS, FaultConfig, StandinServer, load_works

REPO = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------------- helpers

def fetch(base: str, path: str, params: dict[str, Any] | None = None,
          headers: dict[str, str] | None = None) -> tuple[int, Any, bytes]:
    """One GET with http.client: no redirect following, raw body back."""
    url = urlsplit(base)
    if params:
        path += "?" + urlencode(params, safe=":|,*/")
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def get_json(base: str, path: str, **params: Any) -> tuple[int, dict[str, Any], Any]:
    status, headers, body = fetch(base, path, params)
    return status, json.loads(body), headers


def ids(body: dict[str, Any]) -> set[str]:
    return {r["id"].rsplit("/", 1)[-1] for r in body["results"]}


def all_pages(base: str, **params: Any) -> list[dict[str, Any]]:
    """Follow ``meta.next_cursor`` from ``cursor=*`` until it is null."""
    results, cursor = [], "*"
    while cursor:
        status, body, _ = get_json(base, "/works", cursor=cursor, **params)
        assert status == 200, body
        results.extend(body["results"])
        cursor = body["meta"]["next_cursor"]
    return results


def short(work_id: str) -> str:
    return work_id.rsplit("/", 1)[-1]


def recorded(openalex_dir: Path, name: str) -> dict[str, Any]:
    with gzip.open(openalex_dir / "raw_responses" / f"{name}.gz", "rt", encoding="utf-8") as handle:
        return json.load(handle)


@pytest.fixture
def tiny(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> StandinServer:
    return standin_factory(tiny_works, merged_ids=["W6"])


# ---------------------------------------------------------------------------- single works

def test_single_work_by_every_id_form(tiny: StandinServer) -> None:
    status, body, _ = get_json(tiny.url, "/works/W1")
    assert status == 200 and body["display_name"] == "Seed paper on pre-training"
    for form in ("doi:10.1234/W1", "doi:https://doi.org/10.1234/w1", "https://doi.org/10.1234/W1"):
        status, body, _ = get_json(tiny.url, f"/works/{form}")
        assert (status, body["id"]) == (200, "https://openalex.org/W1"), form


def test_lowercase_and_url_ids_redirect_to_the_canonical_id(tiny: StandinServer) -> None:
    for form in ("w1", "https://openalex.org/W1"):
        status, headers, _ = fetch(tiny.url, f"/works/{form}", {"select": "id"})
        assert status == 301 and headers["Location"] == "/works/W1?select=id"
    response = requests.get(f"{tiny.url}/works/https://openalex.org/w1", params={"select": "id,doi"})
    assert response.json() == {"id": "https://openalex.org/W1", "doi": "https://doi.org/10.1234/w1"}


def test_unknown_and_merged_ids_answer_404_with_a_json_error(tiny: StandinServer) -> None:
    for ref in ("W999", "W6", "doi:10.9999/nothing", "nonsense"):
        status, body, _ = get_json(tiny.url, f"/works/{ref}")
        assert status == 404 and set(body) == {"error", "message"}, ref
    assert get_json(tiny.url, "/works", filter="openalex:W6")[1]["meta"]["count"] == 0


# ---------------------------------------------------------------------------- filters on tiny data

@pytest.mark.parametrize(("flt", "expected"), [
    ("cites:W4", {"W2", "W3"}),
    ("referenced_works:W4", {"W2", "W3"}),
    ("cites:https://openalex.org/W2|W3", {"W1"}),
    ("cited_by:W2", {"W4"}),  # W5 is dangling: not in the data
    ("cited_by:W1|W4", {"W2", "W3"}),  # W6 is merged away
    ("openalex:W1|https://openalex.org/W3|W999", {"W1", "W3"}),
    ("ids.openalex:W2", {"W2"}),
    ("doi:10.1234/W4|https://doi.org/10.1234/w2", {"W2", "W4"}),
    ("publication_year:2016", {"W2"}),
    ("publication_year:>2015", {"W1", "W2"}),
    ("publication_year:<2015", {"W4"}),
    ("publication_year:2010-2015", {"W3", "W4"}),
    ("publication_year:2010|2019", {"W1", "W4"}),
    ("from_publication_date:2015-06-01,to_publication_date:2016-06-01", {"W2", "W3"}),
    ("type:article,publication_year:!2019", {"W2", "W3", "W4"}),
])
def test_filters_on_the_tiny_dataset(tiny: StandinServer, flt: str, expected: set[str]) -> None:
    status, body, _ = get_json(tiny.url, "/works", filter=flt)
    assert status == 200, body
    assert ids(body) == expected and body["meta"]["count"] == len(expected)


@pytest.mark.parametrize(("flt", "expected"), [
    # stemmed: pre-training ~ pretraining ~ pre-trained, whichever form is asked
    ("title_and_abstract.search:pretraining", {"W1", "W2", "W4"}),
    ("title_and_abstract.search:pre-trained", {"W1", "W2", "W4"}),
    ("title_and_abstract.search:PRETRAIN", {"W1", "W2", "W4"}),
    ("title_and_abstract.search:language models", {"W1"}),  # every word must occur
    ("title_and_abstract.search:training", {"W1", "W4"}),  # parts of pre-training, pre-trained
    ("title.search:pretraining", {"W1"}),
    ("abstract.search:pretraining", {"W1", "W2", "W4"}),
    # no stemming: only the pretraining/pre-training spellings
    ("title_and_abstract.search.exact:pretraining", {"W1", "W2"}),
    ("title_and_abstract.search.exact:pre-trained", {"W4"}),
])
def test_search_filters_stem_and_ignore_punctuation(tiny: StandinServer, flt: str, expected: set[str]) -> None:
    status, body, _ = get_json(tiny.url, "/works", filter=flt)
    assert status == 200 and ids(body) == expected


def test_search_parameter_searches_title_and_abstract(tiny: StandinServer) -> None:
    status, body, _ = get_json(tiny.url, "/works", search="pre-training")
    assert status == 200 and ids(body) == {"W1", "W2", "W4"}


def test_select_trims_records_to_the_root_fields_asked(tiny: StandinServer) -> None:
    _, body, _ = get_json(tiny.url, "/works", select="id,publication_year", filter="openalex:W1")
    assert body["results"] == [{"id": "https://openalex.org/W1", "publication_year": 2019}]
    _, single, _ = get_json(tiny.url, "/works/W2", select="doi")
    assert single == {"doi": "https://doi.org/10.1234/w2"}


@pytest.mark.parametrize("params", [
    {"filter": "nonsense:1"},
    {"filter": "publication_year"},
    {"filter": "publication_year:abc"},
    {"filter": "from_publication_date:2015-13-45"},
    {"filter": "openalex:X12"},
    {"select": "id,nonsense"},
    {"select": "id", "group_by": "type"},
    {"group_by": "nonsense"},
    {"sort": "nonsense:desc"},
    {"sort": "relevance_score:desc"},
    {"per_page": 0}, {"per_page": 101}, {"per-page": "many"},
    {"page": 401}, {"page": 101, "per_page": 100}, {"page": 0},
    {"cursor": "not-a-cursor"},
    {"unknown_param": 1},
])
def test_bad_requests_answer_400_with_error_and_message(tiny: StandinServer, params: dict[str, Any]) -> None:
    status, body, _ = get_json(tiny.url, "/works", **params)
    assert status == 400 and set(body) == {"error", "message"}, body


def test_page_limit_is_exactly_10000_results(tiny: StandinServer) -> None:
    assert get_json(tiny.url, "/works", page=400)[0] == 200  # 400 x 25 = 10,000
    assert get_json(tiny.url, "/works", page=100, per_page=100)[0] == 200
    assert get_json(tiny.url, "/works", page=401)[0] == 400


def test_paging_and_sorting(tiny: StandinServer) -> None:
    _, body, _ = get_json(tiny.url, "/works", per_page=2, page=2)
    assert ids(body) == {"W3", "W4"} and body["meta"]["page"] == 2 and body["meta"]["next_cursor"] is None
    _, body, _ = get_json(tiny.url, "/works", sort="publication_year:desc", select="id")
    assert [short(r["id"]) for r in body["results"]] == ["W1", "W2", "W3", "W4"]
    _, body, _ = get_json(tiny.url, "/works", sort="cited_by_count", select="id")
    assert [short(r["id"]) for r in body["results"]] == ["W1", "W2", "W3", "W4"]


def test_cursor_pages_yield_every_record_once(tiny: StandinServer) -> None:
    first = get_json(tiny.url, "/works", per_page=3, cursor="*")[1]
    assert first["meta"]["page"] is None and first["meta"]["next_cursor"]
    assert [short(r["id"]) for r in all_pages(tiny.url, per_page=3)] == ["W1", "W2", "W3", "W4"]


# ---------------------------------------------------------------------------- auth, cost, log

def test_api_key_wrong_is_401_missing_is_allowed_unless_required(standin_factory: Any,
                                                                  tiny_works: list[dict[str, Any]]) -> None:
    server = standin_factory(tiny_works, api_key="s3cret")
    status, body, _ = get_json(server.url, "/works/W1", api_key="wrong")
    assert status == 401 and body["error"] == "Invalid or missing API key"
    assert fetch(server.url, "/works/W1", headers={"Authorization": "Bearer wrong"})[0] == 401
    assert fetch(server.url, "/works/W1", headers={"Authorization": "Bearer s3cret"})[0] == 200
    assert get_json(server.url, "/works/W1", api_key="s3cret")[0] == 200
    assert get_json(server.url, "/works/W1")[0] == 200
    assert "s3cret" not in json.dumps(server.log.entries)

    strict = standin_factory(tiny_works, api_key="s3cret", require_key=True)
    assert get_json(strict.url, "/works/W1")[0] == 401
    assert get_json(strict.url, "/works/W1", api_key="s3cret")[0] == 200


def test_costs_follow_openalex_prices_and_the_log_adds_them_up(tiny: StandinServer) -> None:
    asks = [("/works/W1", {}, 0.0), ("/works", {"filter": "openalex:W1|W2|W3"}, 0.0001),
            ("/works", {"search": "pretraining"}, 0.001),
            ("/works", {"filter": "title_and_abstract.search:deep"}, 0.001),
            ("/works", {"group_by": "publication_year"}, 0.0001),
            ("/works", {"group_by": "type", "search": "deep"}, 0.0001)]  # a group_by is a list call
    for path, params, cost in asks:
        status, body, _ = get_json(tiny.url, path, **params)
        assert status == 200
        if path == "/works":
            assert body["meta"]["cost_usd"] == cost
    get_json(tiny.url, "/works", filter="nonsense:1")  # a 400 costs nothing

    log = tiny.log
    assert log.count() == 7 and log.count(kind="single") == 1 and log.count(kind="group_by") == 2
    assert log.count(kind="list", status=400) == 1
    assert log.cost_usd == pytest.approx(0.0023) and log.ids_requested == 4 and not log.faults

    status, served, _ = get_json(tiny.url, "/_standin/log")
    assert status == 200 and len(served["entries"]) == 7 and served["summary"]["cost_usd"] == pytest.approx(0.0023)
    assert served["entries"][1]["query"] == "filter=openalex:W1|W2|W3"
    assert fetch(tiny.url, "/works/W1")[0] == 200  # control endpoints are not logged, this is
    conn = http.client.HTTPConnection(urlsplit(tiny.url).hostname, urlsplit(tiny.url).port, timeout=5)
    conn.request("POST", "/_standin/reset")
    assert conn.getresponse().status == 200
    conn.close()
    assert tiny.log.count() == 0 and tiny.log.cost_usd == 0


def test_log_is_thread_safe_under_concurrent_clients(tiny: StandinServer) -> None:
    def hammer() -> None:
        with requests.Session() as session:
            for _ in range(25):
                assert session.get(f"{tiny.url}/works", params={"filter": "openalex:W1|W2"}).status_code == 200

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tiny.log.count(kind="list", status=200) == 200 and tiny.log.ids_requested == 400
    assert sorted(e["seq"] for e in tiny.log.entries) == list(range(200))


# ---------------------------------------------------------------------------- faults

def _serve(standin_factory: Any, tiny_works: list[dict[str, Any]], **faults: Any) -> StandinServer:
    return standin_factory(tiny_works, faults=FaultConfig(**faults))


def test_latency_and_jitter_delay_every_request(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, latency_ms=150, jitter_ms=100, seed=3)
    started = time.perf_counter()
    for _ in range(3):
        assert fetch(server.url, "/works/W1")[0] == 200
    assert time.perf_counter() - started >= 0.45
    delays = [e["delay_ms"] for e in server.log.entries]
    assert all(150 <= d <= 250 for d in delays) and len(set(delays)) == 3


def test_rate_limit_answers_429_with_retry_after_1(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, rate_limit=3)
    started = time.monotonic()
    answers = [fetch(server.url, "/works/W1") for _ in range(8)]
    elapsed = time.monotonic() - started
    limited = [a for a in answers if a[0] == 429]
    assert limited and all(a[1]["Retry-After"] == "1" for a in limited)
    assert len(answers) - len(limited) <= 3 * (1 + int(elapsed))  # at most 3 in any second
    assert json.loads(limited[0][2])["error"] == "Rate limit exceeded"
    assert server.log.faults["rate_limit"] == len(limited)
    time.sleep(1.1)
    assert fetch(server.url, "/works/W1")[0] == 200


def test_daily_budget_runs_out_with_a_retry_after_until_midnight_utc(standin_factory: Any,
                                                                      tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, daily_budget_usd=0.0003)
    remaining = []
    for _ in range(3):
        status, headers, _ = fetch(server.url, "/works", {"filter": "publication_year:2019"})
        assert status == 200 and headers["X-RateLimit-Cost-USD"] == "0.0001"
        remaining.append(headers["X-RateLimit-Remaining-USD"])
    assert remaining == ["0.0002", "0.0001", "0"]

    status, headers, body = fetch(server.url, "/works", {"filter": "publication_year:2019"})
    now = datetime.now(timezone.utc)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
    assert status == 429 and set(json.loads(body)) >= {"error", "message"}
    assert abs(int(headers["Retry-After"]) - (midnight - now).total_seconds()) < 5
    assert headers["X-RateLimit-Remaining-USD"] == "0"
    assert fetch(server.url, "/works/W1")[0] == 200  # singletons are free, so still served
    assert server.log.faults == Counter(budget=1) and server.log.cost_usd == pytest.approx(0.0003)


def test_server_errors_are_500_or_503_with_a_json_body(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, error_rate=1.0, seed=1)
    answers = [fetch(server.url, "/works/W1") for _ in range(12)]
    assert {a[0] for a in answers} == {500, 503}
    assert all(set(json.loads(a[2])) == {"error", "message"} for a in answers)
    assert server.log.cost_usd == 0 and sum(server.log.faults.values()) == 12


def test_dropped_connection_gets_no_response(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, drop_rate=1.0)
    with pytest.raises(http.client.RemoteDisconnected):
        fetch(server.url, "/works/W1")
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/works/W1", timeout=5)
    assert [(e["status"], e["fault"]) for e in server.log.entries] == [(None, "drop")] * 2


def test_truncated_body_is_shorter_than_its_content_length(standin_factory: Any,
                                                           tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, truncate_rate=1.0)
    with pytest.raises(http.client.IncompleteRead):
        fetch(server.url, "/works/W1")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(f"{server.url}/works", timeout=5)
    assert server.log.faults == Counter(truncate=2)


def test_malformed_body_is_a_200_that_does_not_parse(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, malformed_rate=1.0)
    status, _, body = fetch(server.url, "/works")
    assert status == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    assert server.log.faults == Counter(malformed=1)


def _fault_trace(standin_factory: Any, tiny_works: list[dict[str, Any]], seed: int) -> list[str | None]:
    server = _serve(standin_factory, tiny_works, error_rate=0.2, drop_rate=0.1, truncate_rate=0.1,
                    malformed_rate=0.1, jitter_ms=5, seed=seed)
    for _ in range(40):
        try:
            fetch(server.url, "/works", {"filter": "openalex:W1"})
        except (http.client.HTTPException, ConnectionError):
            pass
    return [e["fault"] for e in server.log.entries]


def test_faults_are_reproducible_under_a_seed(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> None:
    first = _fault_trace(standin_factory, tiny_works, seed=7)
    assert first == _fault_trace(standin_factory, tiny_works, seed=7)
    assert first != _fault_trace(standin_factory, tiny_works, seed=8)
    assert {"error_500", "error_503", "drop", "truncate", "malformed", None} <= set(first)


def test_faults_can_hit_only_the_first_requests_or_be_switched_at_runtime(
        standin_factory: Any, tiny_works: list[dict[str, Any]]) -> None:
    server = _serve(standin_factory, tiny_works, error_rate=1.0, fault_first_n=2)
    assert [fetch(server.url, "/works/W1")[0] >= 500 for _ in range(4)] == [True, True, False, False]

    server.set_faults(FaultConfig(error_rate=1.0))
    assert fetch(server.url, "/works/W1")[0] >= 500
    server.set_faults(FaultConfig())
    assert fetch(server.url, "/works/W1")[0] == 200

    response = requests.post(f"{server.url}/_standin/faults", json={"drop_rate": 1.0})
    assert response.status_code == 200 and server.faults.drop_rate == 1.0
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/works/W1", timeout=5)
    assert requests.post(f"{server.url}/_standin/faults", json={"error_rate": 2}).status_code == 400


def test_fault_config_rejects_impossible_settings() -> None:
    for bad in ({"error_rate": 0.6, "drop_rate": 0.6}, {"error_rate": -0.1}, {"rate_limit": 0},
                {"latency_ms": -1}, {"daily_budget_usd": -1}, {"fault_first_n": -1}):
        with pytest.raises(ValueError):
            FaultConfig(**bad)
    with pytest.raises(ValueError):
        StandinServer([], require_key=True)


# ---------------------------------------------------------------------------- the command line

@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_module_prints_its_url_first_serves_and_exits_cleanly(tmp_path: Path, tiny_works: list[dict[str, Any]],
                                                              signum: int) -> None:
    data = tmp_path / "works.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(w) + "\n" for w in tiny_works)
    process = subprocess.Popen([sys.executable, "-m", "citegraph.standin", str(data), "--port", "0",
                                "--api-key", "k", "--merged-ids", "W2"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert get_json(url, "/works/W1", api_key="k")[0] == 200
        assert get_json(url, "/works/W2")[0] == 404
        assert get_json(url, "/works/W1", api_key="nope")[0] == 401
        assert get_json(url, "/_standin/log")[1]["summary"]["requests"] == 3
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# ---------------------------------------------------------------------------- size

def test_one_hundred_thousand_records_load_and_answer(tmp_path: Path) -> None:
    """A size check, not a timing assertion (speed targets live in the benchmarks)."""
    data = tmp_path / "works.jsonl.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        for n in range(1, 100_001):
            refs = [f"https://openalex.org/W{(n * k) % 100_000 + 1}" for k in (3, 7, 11)]
            handle.write(json.dumps({"id": f"https://openalex.org/W{n}", "doi": f"https://doi.org/10.5555/{n}",
                                     "display_name": f"Synthetic work {n}", "publication_year": 1990 + n % 30,
                                     "referenced_works": refs, "abstract_inverted_index": None}) + "\n")
    with StandinServer(data) as server:
        assert len(server.index) == 100_000
        batch = "|".join(f"W{n}" for n in range(50_000, 50_100))
        status, body, _ = get_json(server.url, "/works", filter=f"openalex:{batch}", per_page=100)
        assert status == 200 and body["meta"]["count"] == 100 and len(body["results"]) == 100
        status, body, _ = get_json(server.url, "/works", filter="publication_year:2000")
        assert body["meta"]["count"] == sum(1 for n in range(1, 100_001) if n % 30 == 10)
        citing = {f"W{n}" for n in range(1, 100_001)
                  if 77 in {(n * k) % 100_000 + 1 for k in (3, 7, 11)}}
        status, body, _ = get_json(server.url, "/works", filter="cites:W77", per_page=100)
        assert ids(body) == citing


# ---------------------------------------------------------------------------- the bundled demo corpus

def test_load_works_reads_the_demo_dataset(demo_works_path: Path, demo_works: list[dict[str, Any]]) -> None:
    assert load_works(demo_works_path) == demo_works and len(demo_works) == 13_732


@pytest.mark.parametrize("seed", ["W2963341956", "W9425100365", "W9937203161", "W2153579005"])
def test_citation_filters_equal_a_direct_scan(standin_factory: Any, demo_works: list[dict[str, Any]],
                                              seed: str) -> None:
    server = standin_factory(demo_works)
    present = {short(w["id"]) for w in demo_works}
    citing = {short(w["id"]) for w in demo_works
              if f"https://openalex.org/{seed}" in (w["referenced_works"] or [])}
    record = next(w for w in demo_works if short(w["id"]) == seed)
    references = {short(r) for r in record["referenced_works"]} & present
    assert {short(r["id"]) for r in all_pages(server.url, filter=f"cites:{seed}", per_page=100)} == citing
    assert {short(r["id"]) for r in all_pages(server.url, filter=f"cited_by:{seed}", per_page=100)} == references


def test_openalex_filter_takes_100_values_not_101(standin_factory: Any, demo_works: list[dict[str, Any]]) -> None:
    server = standin_factory(demo_works)
    wanted = [short(w["id"]) for w in demo_works[:101]]
    status, body, _ = get_json(server.url, "/works", filter="openalex:" + "|".join(wanted[:100]), per_page=100)
    assert status == 200 and ids(body) == set(wanted[:100])
    status, body, _ = get_json(server.url, "/works", filter="openalex:" + "|".join(wanted), per_page=100)
    assert status == 400 and "100" in body["message"]


def test_cursor_paging_over_a_large_result_matches_the_data(standin_factory: Any,
                                                           demo_works: list[dict[str, Any]]) -> None:
    server = standin_factory(demo_works)
    expected = [short(w["id"]) for w in demo_works if (w["publication_year"] or 0) > 2015]
    got = [short(r["id"]) for r in all_pages(server.url, filter="publication_year:>2015", per_page=100,
                                              select="id")]
    assert got == expected  # every match once, in file order
    everything = all_pages(server.url, per_page=100, select="id")
    assert len(everything) == len({r["id"] for r in everything}) == len(demo_works)


@pytest.mark.parametrize("flt", ["publication_year:2018", "publication_year:2010-2015",
                                 "from_publication_date:2019-01-01", "to_publication_date:1999-12-31"])
def test_year_and_date_filters_equal_a_direct_count(standin_factory: Any, demo_works: list[dict[str, Any]],
                                                    flt: str) -> None:
    server = standin_factory(demo_works)
    year = {
        "publication_year:2018": lambda y, d: y == 2018,
        "publication_year:2010-2015": lambda y, d: y is not None and 2010 <= y <= 2015,
        "from_publication_date:2019-01-01": lambda y, d: d is not None and d >= "2019-01-01",
        "to_publication_date:1999-12-31": lambda y, d: d is not None and d <= "1999-12-31",
    }[flt]
    expected = sum(1 for w in demo_works if year(w["publication_year"], w["publication_date"]))
    assert get_json(server.url, "/works", filter=flt)[1]["meta"]["count"] == expected


@pytest.mark.parametrize("field", ["publication_year", "type"])
def test_group_by_counts_equal_a_direct_count(standin_factory: Any, demo_works: list[dict[str, Any]],
                                              field: str) -> None:
    server = standin_factory(demo_works)
    status, body, _ = get_json(server.url, "/works", group_by=field)
    assert status == 200
    direct = Counter(str(w[field]) for w in demo_works if w[field] is not None)
    got = {g["key_display_name"]: g["count"] for g in body["group_by"]}
    assert got == direct and body["meta"]["groups_count"] == len(direct)
    assert body["meta"]["count"] == len(demo_works)
    counts = [g["count"] for g in body["group_by"]]
    assert counts == sorted(counts, reverse=True)


def test_term_search_matches_a_direct_regex_scan(standin_factory: Any, demo_works: list[dict[str, Any]]) -> None:
    import re

    server = standin_factory(demo_works)
    term = re.compile(r"pre-?train", re.IGNORECASE)
    direct = {short(w["id"]) for w in demo_works
              if term.search((w["display_name"] or "") + " " + " ".join(w["abstract_inverted_index"] or ()))}
    for query in ("pretraining", "pre-training", "pre-trained"):
        got = all_pages(server.url, filter=f"title_and_abstract.search:{query}", per_page=100, select="id")
        assert {short(r["id"]) for r in got} == direct
    assert len(direct) == 94  # demo README: 53 with a year + 41 title-only


def test_a_100_id_batch_answers_in_one_request(standin_factory: Any, demo_works: list[dict[str, Any]]) -> None:
    server = standin_factory(demo_works)
    wanted = [short(w["id"]) for w in demo_works[5000:5100]]
    with requests.Session() as session:
        response = session.get(f"{server.url}/works", params={"filter": "openalex:" + "|".join(wanted),
                                                              "per_page": 100})
    assert response.status_code == 200 and len(response.json()["results"]) == 100
    assert server.log.ids_requested == 100 and server.log.count() == 1


# ------------------------------------------------------------- recorded responses (tests/fixtures)

def test_list_response_shape_matches_a_recorded_one(standin_factory: Any, openalex_dir: Path) -> None:
    real = recorded(openalex_dir, "openalex_filter_cites_W3046863325_W3045921891_2026-04-30.json")
    server = standin_factory()
    _, ours, _ = get_json(server.url, "/works", filter="cites:W2963341956", cursor="*", per_page=100)
    assert list(ours) == list(real) and list(ours["meta"]) == list(real["meta"])
    assert ours["group_by"] == real["group_by"] == []
    _, paged, _ = get_json(server.url, "/works", filter="cites:W2963341956")
    assert list(paged["meta"]) == list(real["meta"]) and paged["meta"]["page"] == 1


def test_group_by_shape_matches_a_recorded_one(standin_factory: Any, openalex_dir: Path) -> None:
    real = recorded(openalex_dir, "format_example_group_by_type_title_and_abstract.search_biodiversity_2026-03-02.json")
    server = standin_factory()
    _, ours, _ = get_json(server.url, "/works", group_by="type", filter="title_and_abstract.search:pretraining",
                          cursor="*")
    assert list(ours) == list(real) == ["meta", "group_by"]
    assert list(ours["meta"]) == list(real["meta"])
    assert [list(g) for g in ours["group_by"]] == [list(g) for g in real["group_by"][: len(ours["group_by"])]]
    assert ours["group_by"][0]["key"] == "https://openalex.org/types/article"
    assert ours["meta"]["cost_usd"] == real["meta"]["cost_usd"] == 0.0001  # billed as a list call, search or not


def test_400_bodies_match_the_recorded_ones(standin_factory: Any, tiny_works: list[dict[str, Any]],
                                            openalex_dir: Path) -> None:
    server = standin_factory(tiny_works)
    real_select = recorded(openalex_dir, "format_example_error_400_invalid_select_field.json")
    status, ours, _ = get_json(server.url, "/works", select="DOESNTEXIST")
    assert status == 400 and ours == real_select  # word for word, valid fields included

    real_filter = recorded(openalex_dir, "format_example_error_400_invalid_filter_field.json")
    status, ours, _ = get_json(server.url, "/works", filter="DOESNTEXIST:1")
    assert status == 400 and set(ours) == set(real_filter) and ours["error"] == real_filter["error"]
    prefix = "is not a valid field. Valid fields are underscore or hyphenated versions of: "
    assert prefix in ours["message"] and prefix in real_filter["message"]
    real_fields = set(real_filter["message"].split(prefix)[1].split(", "))
    ours_fields = set(ours["message"].split(prefix)[1].split(", "))
    # every filter the stand-in accepts exists on OpenAlex (this recording predates .search.exact)
    assert {f for f in ours_fields if not f.endswith(".search.exact")} <= real_fields
    assert SELECT_FIELDS == real_select["message"].split("are: ")[1].rstrip(".").split(", ")


def test_citation_filters_agree_with_recorded_real_answers(standin_factory: Any, openalex_dir: Path) -> None:
    """Served over the 750 real records, the stand-in returns every work the real API did.

    Records were captured at other dates than the responses, so a few extra works are
    expected (data drift), never a missing one.
    """
    server = standin_factory(openalex_dir / "openalex_works_all.jsonl.gz")
    cases = [("openalex_filter_cited_by_W3046863325_W3045921891_2026-04-30.json", "cited_by"),
             ("openalex_filter_cites_W3046863325_W3045921891_2026-04-30.json", "cites"),
             ("openalex_filter_openalex_W3045921891_W3046863325_2025-11-17.json", "openalex")]
    for name, key in cases:
        real = {short(r["id"]) for r in recorded(openalex_dir, name)["results"]}
        ours = {short(r["id"]) for r in all_pages(server.url, filter=f"{key}:W3046863325|W3045921891",
                                                  per_page=100, select="id")}
        assert real <= ours and len(ours - real) <= 2, name


def test_group_by_a_nested_id_counts_and_names_like_openalex(standin_factory: Any, openalex_dir: Path) -> None:
    works = load_works(openalex_dir / "openalex_works_all.jsonl.gz")
    server = standin_factory(works)
    fields = [(w.get("primary_topic") or {}).get("field") for w in works]
    direct = Counter((f["id"], f["display_name"]) for f in fields if f)
    status, body, _ = get_json(server.url, "/works", group_by="primary_topic.field.id:include_unknown")
    assert status == 200
    got = {(g["key"], g["key_display_name"]): g["count"] for g in body["group_by"]}
    assert got.pop(("unknown", "unknown")) == sum(1 for f in fields if not f)
    assert got == direct and ("https://openalex.org/fields/17", "Computer Science") in got


# ---------------------------------------------------------------------------- OpenAlex 2026: xpac, fields, institution types

@pytest.fixture
def tiny_2026(standin_factory: Any, tiny_works: list[dict[str, Any]]) -> StandinServer:
    """The tiny dataset with fields, institution types, and one xpac work W7 citing W1."""
    works = json.loads(json.dumps(tiny_works))
    kinds = {1: ["company", "education"], 2: ["education"], 3: [], 4: ["education", "education"], 6: ["company"]}
    for work in works:
        num = int(short(work["id"])[1:])
        work["authorships"] = [{"author": {"display_name": f"A{num}"},
                                "institutions": [{"id": f"https://openalex.org/I{num}{k}", "type": kind}
                                                 for k, kind in enumerate(kinds[num])]}]
        if num != 3:
            field = ("17", "Computer Science") if num in (1, 2) else ("32", "Psychology")
            work["primary_topic"] = {"field": {"id": f"https://openalex.org/fields/{field[0]}",
                                               "display_name": field[1]}}
    xpac = dict(works[0], id="https://openalex.org/W7", doi=None, is_xpac=True, title="A dataset on pre-training",
                display_name="A dataset on pre-training", publication_year=2020, publication_date="2020-01-01",
                referenced_works=["https://openalex.org/W1"])
    return standin_factory([*works, xpac])


def test_xpac_works_are_left_out_of_list_calls_unless_asked_for(tiny_2026: StandinServer) -> None:
    base = tiny_2026.url
    assert ids(get_json(base, "/works", filter="openalex:W1|W7")[1]) == {"W1"}
    assert ids(get_json(base, "/works", filter="openalex:W1|W7", include_xpac="true")[1]) == {"W1", "W7"}
    assert ids(get_json(base, "/works", filter="cites:W1")[1]) == set()
    assert ids(get_json(base, "/works", filter="cites:W1", include_xpac="true")[1]) == {"W7"}
    assert ids(get_json(base, "/works", filter="is_xpac:true", include_xpac="true")[1]) == {"W7"}
    years = {g["key"]: g["count"] for g in get_json(base, "/works", group_by="publication_year")[1]["group_by"]}
    assert "2020" not in years and sum(years.values()) == 5
    status, single, _ = get_json(base, "/works/W7")
    assert status == 200 and single["is_xpac"] is True  # a singleton serves it whatever the parameter
    status, body, _ = get_json(base, "/works", include_xpac="maybe")
    assert status == 400 and "include_xpac" in body["message"]


def test_sort_by_publication_date_both_ways(tiny_2026: StandinServer) -> None:
    dates = [r["publication_date"] for r in get_json(tiny_2026.url, "/works", sort="publication_date")[1]["results"]]
    assert dates == sorted(dates) and dates[0] == "2006-06-01"
    down = [r["publication_date"] for r in
            get_json(tiny_2026.url, "/works", sort="publication_date:desc")[1]["results"]]
    assert down == sorted(dates, reverse=True)


def test_group_by_institution_types_and_fields_like_openalex(tiny_2026: StandinServer) -> None:
    _, body, _ = get_json(tiny_2026.url, "/works", group_by="authorships.institutions.type:include_unknown")
    got = {(g["key"], g["key_display_name"]): g["count"] for g in body["group_by"]}
    # each work counts once per type, however many of its institutions have it
    assert got == {("https://openalex.org/institution-types/education", "education"): 3,
                   ("https://openalex.org/institution-types/company", "company"): 2, ("unknown", "unknown"): 1}
    _, fields, _ = get_json(tiny_2026.url, "/works", group_by="primary_topic.field.id:include_unknown")
    assert [(g["key"], g["key_display_name"], g["count"]) for g in fields["group_by"]] == [
        ("https://openalex.org/fields/17", "Computer Science", 2), ("https://openalex.org/fields/32", "Psychology", 2),
        ("unknown", "unknown", 1)]
    assert ids(get_json(tiny_2026.url, "/works", filter="authorships.institutions.type:company")[1]) == {"W1", "W6"}
    assert ids(get_json(tiny_2026.url, "/works", filter="primary_topic.field.id:32")[1]) == {"W4", "W6"}
    assert ids(get_json(tiny_2026.url, "/works", filter="primary_topic.field.id:fields/17")[1]) == {"W1", "W2"}


def test_no_stem_is_gone_and_exact_replaces_it(tiny: StandinServer) -> None:
    status, body, _ = get_json(tiny.url, "/works", filter="title_and_abstract.search.no_stem:pretraining")
    assert status == 400 and "title_and_abstract.search.exact" in body["message"]
    assert ids(get_json(tiny.url, "/works", filter="title.search.exact:pre-training")[1]) == {"W1"}


def test_or_within_a_search_filter_is_the_union_counted_once(tiny: StandinServer) -> None:
    one = ids(get_json(tiny.url, "/works", filter="title_and_abstract.search.exact:pretraining")[1])
    other = ids(get_json(tiny.url, "/works", filter="title_and_abstract.search.exact:pre-trained")[1])
    _, both, _ = get_json(tiny.url, "/works", filter="title_and_abstract.search.exact:pretraining|pre-trained")
    assert ids(both) == one | other and both["meta"]["count"] == len(one | other) and one & other == set()
    _, years, _ = get_json(tiny.url, "/works", group_by="publication_year",
                           filter="title_and_abstract.search:pretraining|pre-training|pre-trained")
    assert sum(g["count"] for g in years["group_by"]) == 3  # W1, W2, W4 once each


def test_budget_headers_bill_a_searched_group_by_as_a_list_call(standin_factory: Any,
                                                                 tiny_works: list[dict[str, Any]]) -> None:
    server = standin_factory(tiny_works, faults=FaultConfig(daily_budget_usd=0.10))
    status, headers, _ = fetch(server.url, "/works", {"group_by": "publication_year",
                                                      "filter": "title_and_abstract.search:pretraining"})
    assert status == 200 and headers["X-RateLimit-Cost-USD"] == "0.0001"
    assert headers["X-RateLimit-Limit-USD"] == "0.1" and headers["X-RateLimit-Remaining-USD"] == "0.0999"
    status, headers, _ = fetch(server.url, "/works", {"filter": "title_and_abstract.search:pretraining"})
    assert headers["X-RateLimit-Cost-USD"] == "0.001" and headers["X-RateLimit-Remaining-USD"] == "0.0989"
    assert int(headers["X-RateLimit-Reset"]) > 0
