"""Issue 14: the client against a hostile server on loopback (``tests/hostile.py``), foreign
caches and bad settings. Each misbehaviour ends in one :class:`CitegraphError` (one line,
its exit code) within a bounded time and memory, with nothing of the bad answer cached.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Callable, Iterator

import diskcache
import pytest
from click.testing import CliRunner

import hostile
from citegraph.cli import main
from citegraph.client import OpenAlexClient, cache_info
from citegraph.client.budget import retry_after_seconds
from citegraph.config import Settings
from citegraph.errors import BudgetExhaustedError, CacheError, InputError, NetworkError

REPO = Path(__file__).resolve().parents[1]
SECRET = "sk-hostile-SECRET-42"


@pytest.fixture
def hostile_factory() -> Iterator[Callable[..., hostile.HostileServer]]:
    """Start hostile servers (``hostile_factory(answer, host="127.0.0.1")``); all stopped at teardown."""
    with ExitStack() as servers:
        yield lambda answer=None, host="127.0.0.1": servers.enter_context(hostile.HostileServer(answer, host=host))


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    def build(url: str, **changes: Any) -> Settings:
        base = Settings(api_url=url, cache_dir=tmp_path / "cache", rate_limit=500.0, workers=1, max_retries=3,
                        backoff_base=0.005, backoff_max=0.02, max_retry_after=5.0, timeout=10.0, deadline=10.0)
        return base.with_(**changes)
    return build


def cached_keys(cache_dir: Path) -> list[str]:
    with diskcache.Cache(str(cache_dir)) as store:
        return [key for key in store.iterkeys() if key != "citegraph:writable"]


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and text
    return text


# ---------------------------------------------------------------------------- bodies

def test_an_html_body_is_retried_then_reported_as_kept_failing(hostile_factory, settings_for) -> None:
    server = hostile_factory(hostile.html)
    settings = settings_for(server.url)
    with OpenAlexClient(settings) as client, pytest.raises(NetworkError) as caught:
        client.get_works(["W1", "W2"])
    message = one_line(caught.value)
    assert "after 4 attempts" in message and "last failure: malformed JSON" in message
    assert caught.value.exit_code == 8 and len(server.requests) == 4
    assert cached_keys(settings.cache_dir) == []


@pytest.mark.parametrize("depth", [200, 5000])
def test_json_nested_too_deep_is_a_clear_failure_not_a_recursion_error(hostile_factory, settings_for, depth) -> None:
    server = hostile_factory(hostile.deeply_nested(depth))
    settings = settings_for(server.url, max_retries=1)
    with OpenAlexClient(settings) as client, pytest.raises(NetworkError) as caught:
        client.get_works(["W1"])
    assert "JSON nested deeper than 64 levels" in one_line(caught.value)
    assert cached_keys(settings.cache_dir) == []


def test_a_gzip_bomb_is_refused_while_it_inflates(hostile_factory, settings_for) -> None:
    """1 GiB of zeros in a ~1 MB gzip body: refused after max_body_bytes, quickly, not cached."""
    bomb = hostile.gzip_bomb(1024)
    assert len(bomb) < 1_200_000
    server = hostile_factory(hostile.gzipped(bomb))
    settings = settings_for(server.url, max_body_bytes=8 * 2**20)
    started = time.monotonic()
    with OpenAlexClient(settings) as client, pytest.raises(NetworkError) as caught:
        client.get_works(["W1"])
    assert time.monotonic() - started < 5
    message = one_line(caught.value)
    assert "is over 8,388,608 bytes decoded" in message and "nothing of it cached" in message
    assert len(server.requests) == 1  # not worth a retry
    assert cached_keys(settings.cache_dir) == []


_BOMB_CHILD = """
import resource, sys
from pathlib import Path
from citegraph.client import OpenAlexClient
from citegraph.config import Settings
from citegraph.errors import NetworkError
settings = Settings(api_url=sys.argv[1], cache_dir=Path(sys.argv[2]), max_retries=0)
try:
    with OpenAlexClient(settings) as client:
        client.get_works(["W1"])
except NetworkError as exc:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, str(exc))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_a_gzip_bomb_with_the_default_limit_stays_small_in_memory(hostile_factory, tmp_path) -> None:
    server = hostile_factory(hostile.gzipped(hostile.gzip_bomb(1024)))
    done = subprocess.run([sys.executable, "-c", _BOMB_CHILD, server.url, str(tmp_path / "cache")],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    peak_mib, _, message = done.stdout.strip().partition(" ")
    assert "decoded" in message, done.stderr
    print(f"gzip bomb (1 GiB inflated), default limit: peak RSS {peak_mib} MiB")
    assert int(peak_mib) < 600  # was 3.2 GB before the limit


def test_a_gzipped_answer_within_the_limit_is_read(hostile_factory, settings_for) -> None:
    import gzip

    body = gzip.compress(json.dumps(hostile.list_body([hostile.work(1), hostile.work(2)])).encode())
    server = hostile_factory(hostile.gzipped(body))
    with OpenAlexClient(settings_for(server.url)) as client:
        assert set(client.get_works(["W1", "W2"])) == {"W1", "W2"}


# ---------------------------------------------------------------------------- time

@pytest.mark.parametrize("answer", [hostile.trickled_body, hostile.trickled_headers], ids=["body", "headers"])
def test_a_trickling_server_fails_within_the_deadline(hostile_factory, settings_for, answer) -> None:
    """A byte every 0.2 s never trips a socket timeout; the per-request deadline does, and two
    overdue attempts end the call (not seven full deadlines)."""
    server = hostile_factory(answer(0.2))
    settings = settings_for(server.url, deadline=1.0, timeout=5.0, max_retries=6)
    started = time.monotonic()
    with OpenAlexClient(settings) as client, pytest.raises(NetworkError) as caught:
        client.get_works(["W1"])
    elapsed = time.monotonic() - started
    print(f"trickling {answer.__name__}: NetworkError after {elapsed:.2f} s")
    assert elapsed < 4
    message = one_line(caught.value)
    assert "after 2 attempts" in message and "no complete answer within the 1 s deadline" in message
    assert len(server.requests) == 2 and cached_keys(settings.cache_dir) == []


# ---------------------------------------------------------------------------- redirects

def test_a_redirect_to_another_host_is_not_followed_and_the_key_stays_home(hostile_factory, settings_for) -> None:
    elsewhere = hostile_factory(hostile.valid, host="127.0.0.2")
    server = hostile_factory(hostile.redirect_to(f"{elsewhere.url}/works?filter=openalex:W1"))
    settings = settings_for(server.url, api_key=SECRET)
    with OpenAlexClient(settings) as client, pytest.raises(NetworkError) as caught:
        client.get_works(["W1"])
    message = one_line(caught.value)
    assert "redirected GET /works?filter=openalex:W1" in message and "to another host (http://127.0.0.2:" in message
    assert SECRET not in message and "check --api-url" in message
    assert elsewhere.requests == []  # never asked, so never given the key
    assert len(server.requests) == 1 and cached_keys(settings.cache_dir) == []


def test_a_redirect_to_another_port_is_another_host(hostile_factory, settings_for) -> None:
    elsewhere = hostile_factory(hostile.valid)
    server = hostile_factory(hostile.redirect_to(f"{elsewhere.url}/works/W1"))
    with OpenAlexClient(settings_for(server.url, api_key=SECRET)) as client, pytest.raises(NetworkError):
        client.get_work("W1")
    assert elsewhere.requests == []


def test_a_redirect_within_the_host_is_followed_and_cached_under_the_asked_url(hostile_factory, settings_for) -> None:
    def answer(handler: hostile.Handler) -> None:
        if handler.path.startswith("/works/W1"):
            hostile.redirect_to("/works/W2?select=id", status=301)(handler)
        else:
            handler.send_json(200, hostile.work(2))
    server = hostile_factory(answer)
    settings = settings_for(server.url, api_key=SECRET)
    with OpenAlexClient(settings) as client:
        assert client.get_work("W1")["id"] == "https://openalex.org/W2"
    assert [r["path"] for r in server.requests] == ["/works/W1", "/works/W2"]
    assert sorted(cached_keys(settings.cache_dir)) == [f"{server.url}/works/W1", f"{server.url}/works/W2"]


def test_endless_redirects_stop(hostile_factory, settings_for) -> None:
    server = hostile_factory(hostile.redirect_to("/works/W1"))
    with OpenAlexClient(settings_for(server.url)) as client, pytest.raises(NetworkError) as caught:
        client.get_work("W1")
    assert "too many redirects" in one_line(caught.value) and len(server.requests) == 6


# ---------------------------------------------------------------------------- Retry-After

@pytest.mark.parametrize("value", ["inf", "nan", "1e308", "0", "-5", "junk", "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_a_junk_retry_after_means_normal_backoff(hostile_factory, settings_for, value) -> None:
    """Not a crash (``inf``), not an overflow (``1e308``), and not three retries in a few
    milliseconds (``0``, ``nan``, a past date): the usual backoff, up to 1 s a retry here, so
    six retries wait over 0.6 s (the chance of less is 0.6^6/6!, under 1 in 10,000)."""
    server = hostile_factory(hostile.rate_limited(value, times=6))
    settings = settings_for(server.url, max_retries=8, backoff_base=1.0, backoff_max=1.0)
    with OpenAlexClient(settings) as client:
        started = time.monotonic()
        assert client.get_work("W1")["id"] == "https://openalex.org/W1"
        elapsed = time.monotonic() - started
        stats = client.stats
    assert stats.rate_limited == 6 and stats.retries == 6 and len(server.requests) == 7
    assert 0.6 < elapsed < 10


@pytest.mark.parametrize("value", ["172800", "3e7"])
def test_a_huge_retry_after_is_the_daily_budget_with_a_sane_reset(hostile_factory, settings_for, value) -> None:
    server = hostile_factory(hostile.rate_limited(value, times=99))
    with OpenAlexClient(settings_for(server.url)) as client, pytest.raises(BudgetExhaustedError) as caught:
        client.get_work("W1")
    message = one_line(caught.value)
    hours = int(message.split("resets in ", 1)[1].split("h", 1)[0])
    assert 0 <= hours <= 24 and "(midnight UTC)" in message and caught.value.exit_code == 5
    assert len(server.requests) == 1


def test_retry_after_parsing() -> None:
    assert retry_after_seconds("1.5") == 1.5
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    in_an_hour = format_datetime(datetime.now(timezone.utc) + timedelta(hours=1), usegmt=True)
    assert 3500 < retry_after_seconds(in_an_hour) <= 3600
    for junk in (None, "", " ", "inf", "NaN", "-1", "0", "1e308", "abc", "Mon, 99 Foo 2020",
                 "Fri, 01 Jan 2100 00:00:00 GMT"):
        assert retry_after_seconds(junk) is None, junk


# ---------------------------------------------------------------------------- the budget header

def test_the_remaining_budget_header_stops_before_a_request_it_cannot_pay(hostile_factory, settings_for) -> None:
    def answer(handler: hostile.Handler) -> None:
        request = handler.server.hostile.requests[-1]
        if request["path"] == "/works/W9":  # free singleton: asked even with nothing left
            handler.send_json(200, hostile.work(9), {"X-RateLimit-Remaining-USD": "0.00000"})
        else:
            handler.send_json(200, hostile.list_body([hostile.work(1)]), {"X-RateLimit-Remaining-USD": "0.00005",
                                                                         "X-RateLimit-Reset": "7200"})
    server = hostile_factory(answer)
    settings = settings_for(server.url)
    with OpenAlexClient(settings) as client:
        assert set(client.get_works(["W1"])) == {"W1"}
        with pytest.raises(BudgetExhaustedError) as caught:
            client.get_works(["W2"])
        assert client.get_work("W9") is not None
    message = one_line(caught.value)
    assert message.startswith("OpenAlex daily budget spent; resets in 1h 59m (midnight UTC); $0.0001 left")
    assert len(server.requests) == 2
    with OpenAlexClient(settings.with_(offline=True)) as offline:  # what was paid for is cached
        assert set(offline.get_works(["W1"])) == {"W1"}


# ---------------------------------------------------------------------------- credentials in the URL

def test_credentials_in_the_api_url_are_in_no_cache_key_or_message(hostile_factory, settings_for, tmp_path) -> None:
    server = hostile_factory(hostile.valid)
    host = server.url.removeprefix("http://")
    settings = settings_for(f"http://alice:pa55-W0RD@{host}")
    with OpenAlexClient(settings) as client:
        assert client.get_work("W1") is not None
        client.get_works(["W2", "W3"])
    assert server.requests[0]["headers"].get("Authorization", "").startswith("Basic ")  # sent as basic auth
    keys = cached_keys(settings.cache_dir)
    assert keys and all(key.startswith(server.url + "/") for key in keys)
    for path in settings.cache_dir.rglob("*"):
        if path.is_file():
            assert b"pa55-W0RD" not in path.read_bytes() and b"alice" not in path.read_bytes()
    unreachable = settings_for("http://alice:pa55-W0RD@127.0.0.1:9", cache_dir=tmp_path / "c2", max_retries=1)
    with OpenAlexClient(unreachable) as client, pytest.raises(NetworkError) as caught:
        client.get_work("W1")
    assert "pa55-W0RD" not in str(caught.value) and "cannot reach http://127.0.0.1:9" in str(caught.value)


# ---------------------------------------------------------------------------- xpac

def test_id_batches_ask_for_xpac_works(hostile_factory, settings_for) -> None:
    server = hostile_factory(hostile.valid)
    with OpenAlexClient(settings_for(server.url)) as client:
        client.get_works(["W1", "W2"])
        client.get_work("W3")
    assert server.requests[0]["params"]["include_xpac"] == "true"
    assert "include_xpac" not in server.requests[1]["params"]  # a singleton finds any work


@pytest.mark.parametrize("nameless", [{"title": "no id"}, {"id": None}, {"id": "https://openalex.org/A5023888391"},
                                      {"id": 12345}])
def test_a_batch_result_naming_no_work_is_left_out_first_time_and_from_the_cache(hostile_factory, settings_for,
                                                                                nameless) -> None:
    """Found by the batch of issue 14's cases: an id-less record in a batch was keyed ``""``
    and crashed the sort of merged ids (exit 70) on the first run only: it was never cached."""
    def answer(handler: hostile.Handler) -> None:
        record = {key: value for key, value in hostile.work(2).items() if key != "id"} | nameless
        handler.send_json(200, hostile.list_body([record, hostile.work(3)]))

    server = hostile_factory(answer)
    settings = settings_for(server.url)
    with OpenAlexClient(settings) as client:
        first = client.get_works(["W2", "W3"])
    with OpenAlexClient(settings.with_(offline=True)) as client:
        again = client.get_works(["W2", "W3"])
    assert list(first) == list(again) == ["W3"] and len(server.requests) == 1


# ---------------------------------------------------------------------------- foreign caches

def _foreign_sqlite(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('my thesis notes')")
    return path.read_bytes()


def _foreign_diskcache(path: Path) -> bytes:
    with diskcache.Cache(str(path.parent)) as store:
        store.set("someone-else", {"their": "data"})
    return path.read_bytes()


@pytest.mark.parametrize("make", [_foreign_sqlite, _foreign_diskcache], ids=["sqlite", "diskcache"])
def test_a_cache_db_citegraph_did_not_create_is_refused_and_left_untouched(tmp_path, settings_for, make) -> None:
    directory = tmp_path / "theirs"
    before = make(directory / "cache.db")
    names = sorted(p.name for p in directory.iterdir())
    with pytest.raises(CacheError) as caught:
        OpenAlexClient(settings_for("http://127.0.0.1:9", cache_dir=directory))
    assert "is not a citegraph cache" in one_line(caught.value) and caught.value.exit_code == 9
    with pytest.raises(CacheError):
        cache_info(directory)
    for args in (["cache", "clear", "--yes"], ["cache", "info"]):
        result = CliRunner().invoke(main, [*args, "--cache-dir", str(directory)])
        assert result.exit_code == 9, result.output
        assert "is not a citegraph cache" in result.output
    assert (directory / "cache.db").read_bytes() == before
    assert sorted(p.name for p in directory.iterdir()) == names


def test_our_own_and_empty_caches_still_open(tmp_path, settings_for) -> None:
    ours = tmp_path / "ours"
    OpenAlexClient(settings_for("http://127.0.0.1:9", cache_dir=ours)).close()
    OpenAlexClient(settings_for("http://127.0.0.1:9", cache_dir=ours)).close()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "cache.db").write_bytes(b"")  # a crawl creating it right now
    OpenAlexClient(settings_for("http://127.0.0.1:9", cache_dir=empty)).close()
    assert cache_info(empty)["entries"] == 0


# ---------------------------------------------------------------------------- settings

@pytest.mark.parametrize("changes", [dict(rate_limit=float("nan")), dict(rate_limit=float("inf")), dict(rate_limit=0.0),
                                     dict(deadline=float("nan")), dict(timeout=-1.0), dict(max_body_bytes=0),
                                     dict(mailto="zoë@example.org"), dict(mailto="me@example.org\r\nX-Evil: 1")])
def test_settings_that_would_switch_a_limit_off_are_refused(changes) -> None:
    with pytest.raises(InputError) as caught:
        Settings(**changes)
    assert caught.value.exit_code == 2 and "\n" not in str(caught.value)


@pytest.mark.parametrize("args", [["--rate-limit", "nan"], ["--mailto", "zoë@example.org"],
                                  ["--mailto", "me@example.org\nX: y"], ["--api-url", "http://[::1"]])
def test_bad_api_options_exit_2_with_one_line(args, tmp_path) -> None:
    result = subprocess.run([sys.executable, "-m", "citegraph", "crawl", "--seed", "W1", "--cache-dir", str(tmp_path / "c"),
                             "--out", str(tmp_path / "o"), "--api-url", "http://127.0.0.1:9", *args],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1 and lines[0].startswith("citegraph: error: ") and "Traceback" not in result.stderr
