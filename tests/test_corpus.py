"""The corpus view over a corpus with a known answer (``corpus_data``): the demo works plus a 1950s
psychology cluster, company works citing BERT, xpac works and a stemming false positive.

Every number the view writes is checked against the stand-in's own answer to the same query, asked
directly over HTTP; the known answer (first use 1952, not the 1948 xpac record nor the 1950 false
hit) is checked by id.
"""

from __future__ import annotations

import http.client
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode, urlsplit

import pandas as pd
import pytest

from corpus_data import (BERT, COMPANY_IDS, FALSE_POSITIVE, FIRST_USE, PSYCH_IDS, XPAC_EARLY, XPAC_IDS,
                         added_records, build_corpus)

from citegraph.client import OpenAlexClient
from citegraph.config import Settings
from citegraph.corpus import (CorpusOptions, CorpusQuery, corpus_scope, corpus_view, plan_corpus,
                              write_corpus_csvs)
from citegraph.errors import BudgetExhaustedError, OutputError, TermError
from citegraph.standin import StandinServer

SEEDS = {"bert": BERT, "gpt1": "W9425100365", "ulmfit": "W9937203161"}


def ask(base: str, query: CorpusQuery) -> dict[str, Any]:
    """The stand-in's own answer to a planned query, over plain HTTP (no citegraph client)."""
    params = {"filter": query.filter} if query.filter else {}
    if query.key:
        params["group_by"] = query.key
    else:
        params.update(sort=query.sort, per_page=query.per_page)
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("GET", "/works?" + urlencode(params, safe=":|,"))
        response = conn.getresponse()
        assert response.status == 200
        return json.loads(response.read())
    finally:
        conn.close()


def counts(body: dict[str, Any]) -> dict[str, int]:
    return {str(g["key"]): g["count"] for g in body["group_by"]}


def settings(url: str, tmp_path: Path, **changes: Any) -> Settings:
    return Settings(api_url=url, cache_dir=tmp_path / "cache", rate_limit=500.0, **changes)


@pytest.fixture(scope="module")
def corpus_works(demo_works: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return build_corpus(demo_works)


@pytest.fixture(scope="module")
def _corpus_server_once(corpus_works: list[dict[str, Any]]) -> Iterator[StandinServer]:
    """One server for the module: its search index over 13,700 works takes a few seconds to build."""
    with StandinServer(corpus_works) as server:
        yield server


@pytest.fixture
def corpus_server(_corpus_server_once: StandinServer) -> StandinServer:
    _corpus_server_once.reset()  # a fresh request log for each test
    return _corpus_server_once


@pytest.fixture(scope="module")
def _view_once(_corpus_server_once: StandinServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    _corpus_server_once.reset()
    with OpenAlexClient(settings(_corpus_server_once.url, tmp_path_factory.mktemp("view"))) as client:
        view = corpus_view(client, ["pre-training"], seeds=SEEDS, scope="the test corpus")
    return view, _corpus_server_once.log.summary()


@pytest.fixture
def view_and_server(_view_once: tuple[Any, Any], _corpus_server_once: StandinServer) -> tuple[Any, Any]:
    """The view of "pre-training" with the three seeds, and the server (whose log may have moved on)."""
    return _view_once[0], _corpus_server_once


# ---------------------------------------------------------------------------- the known answer

def test_the_test_records_are_out_of_reach_of_any_crawl_from_the_seeds(corpus_works: list[dict[str, Any]]) -> None:
    cited = Counter(ref.rsplit("/", 1)[-1] for w in corpus_works if w["id"].rsplit("/", 1)[-1] not in PSYCH_IDS
                    for ref in w["referenced_works"])
    assert not any(cited[wid] for wid in [*PSYCH_IDS, FALSE_POSITIVE])
    assert all(cited[wid] == 1 for wid in XPAC_IDS)  # BERT's references
    assert len(corpus_works) == 13_732 + len(added_records())


def test_the_view_finds_the_1950s_psychology_uses_as_first_uses(view_and_server: tuple[Any, Any]) -> None:
    view, _ = view_and_server
    headline = view.headline("pre-training")
    assert headline.first_use is not None and headline.first_use.id == FIRST_USE
    assert headline.first_use.year == 1952 and headline.first_use.field == "Psychology"
    assert "pretraining" in headline.first_use.evidence.lower()
    earliest = view.earliest.set_index("id")
    # the 1950 false hit comes first from OpenAlex, listed unverified, and is not the first use
    assert view.earliest.iloc[0]["id"] == FALSE_POSITIVE and not earliest.loc[FALSE_POSITIVE, "verified"]
    assert headline.unverified_before_first_use == 1
    assert earliest.loc[PSYCH_IDS, "verified"].all() and list(view.earliest["id"][1:7]) == PSYCH_IDS
    assert set(earliest.loc[PSYCH_IDS, "field"]) == {"Psychology"}
    # xpac works are not in the core corpus a list call counts: the 1948 record is never seen
    assert not set(XPAC_IDS) & set(view.earliest["id"])
    assert XPAC_EARLY not in set(view.earliest["id"]) and 1948 not in set(view.trend["year"])
    assert "the test corpus" in headline.describe() and "1952" in headline.describe()


def test_unverified_hits_are_never_counted_as_first_uses(corpus_server: Any, tmp_path: Path) -> None:
    with OpenAlexClient(settings(corpus_server.url, tmp_path)) as client:
        view = corpus_view(client, ["pre-training"], options=CorpusOptions(earliest=1), scope="x")
    assert list(view.earliest["id"]) == [FALSE_POSITIVE] and not view.earliest["verified"].any()
    headline = view.headline("pre-training")
    assert headline.first_use is None and headline.unverified_before_first_use == 1
    assert "no verified use" in headline.describe()


def test_company_works_citing_bert_show_in_institutions_and_seed_spread(view_and_server: tuple[Any, Any],
                                                                         corpus_works: list[dict[str, Any]]) -> None:
    view, _ = view_and_server
    company = view.institutions[view.institutions["institution_type"] == "company"]
    assert company["works"].sum() == len(COMPANY_IDS)  # the demo records carry no institutions
    assert set(company["year"]) == {2019, 2020, 2021, 2022, 2023}
    education = view.institutions[view.institutions["institution_type"] == "education"]
    assert set(education["year"]) >= {1952, 1955, 1958, 1961, 1963, 1966}
    assert dict(view.headline("pre-training").institution_works)["company"] == len(COMPANY_IDS)
    bert = view.seed_spread[view.seed_spread["seed"] == "bert"].set_index("year")
    assert bert.loc[2023, "citing_seed"] == 1 and bert.loc[2022, "citing_seed"] == 1
    fields = view.fields[view.fields["field"] == "Psychology"].set_index("period")["works"].to_dict()
    assert fields == {"until 1979": len(PSYCH_IDS) + 1}  # the cluster and the false hit (OpenAlex counts it)


# ---------------------------------------------------------------------------- every number is the stand-in's answer

def test_every_number_in_the_csvs_is_the_standins_answer(view_and_server: tuple[Any, Any], tmp_path: Path) -> None:
    view, server = view_and_server
    paths = write_corpus_csvs(view, tmp_path / "out")
    csv = {name: pd.read_csv(path, keep_default_na=False, na_values=[""])
           for name, path in paths.items() if path.suffix == ".csv"}
    plan = view.plan
    totals = counts(ask(server.url, plan.of("totals")[0]))
    union = counts(ask(server.url, plan.of("union", "pre-training")[0]))

    trend = csv["trend"].set_index("year")
    assert list(trend.index) == list(range(1950, int(trend.index.max()) + 1))
    for year, row in trend.iterrows():
        assert row["works"] == totals.get(str(year), 0) and row["term_works"] == union.get(str(year), 0)
        if row["works"]:
            assert row["share"] == pytest.approx(row["term_works"] / row["works"], abs=1e-6)  # shares keep 6 decimals
        else:
            assert pd.isna(row["share"]) and row["term_works"] == 0
    assert trend["term_works"].sum() + union.get("unknown", 0) == sum(union.values())

    spellings = csv["spellings"]
    for query in plan.of("spelling", "pre-training"):
        got = spellings[spellings["spelling"] == query.label].set_index("year")["term_works"].to_dict()
        assert got == {int(k): v for k, v in counts(ask(server.url, query)).items() if k != "unknown"}, query.label

    fields = csv["fields"]
    for query in plan.of("fields", "pre-training"):
        got = fields[fields["period"] == query.label].set_index("field_id")["works"].to_dict()
        assert got == counts(ask(server.url, query)), query.label

    institutions = csv["institutions"]
    for query in plan.of("institutions", "pre-training"):
        rows = institutions[institutions["institution_type"] == query.label].set_index("year")
        assert rows["works"].to_dict() == {int(k): v for k, v in counts(ask(server.url, query)).items()}
        assert all(rows.loc[y, "term_works"] == union[str(y)] for y in rows.index)

    spread = csv["seed_spread"]
    for query in plan.of("seed", "pre-training"):
        rows = spread[spread["seed"] == query.label].set_index("year")
        assert rows["citing_seed"].to_dict() == {int(k): v for k, v in counts(ask(server.url, query)).items()}
        assert (rows["share"] == (rows["citing_seed"] / rows["term_works"]).round(6)).all()

    earliest_query = plan.of("earliest", "pre-training")[0]
    listed = [r["id"].rsplit("/", 1)[-1] for r in ask(server.url, earliest_query)["results"]]
    assert list(csv["earliest"]["id"]) == listed and len(listed) == earliest_query.per_page

    summary = json.loads(paths["summary"].read_text())
    assert summary["scope"] == "the test corpus" and summary["headlines"][0]["first_use"]["id"] == FIRST_USE
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_shares_divide_by_the_corpus_works_of_each_year(view_and_server: tuple[Any, Any],
                                                        corpus_works: list[dict[str, Any]]) -> None:
    view, _ = view_and_server
    core = Counter(w["publication_year"] for w in corpus_works if not w.get("is_xpac") and w.get("publication_year"))
    trend = view.trend.set_index("year")
    assert all(trend.loc[year, "works"] == core.get(year, 0) for year in trend.index)
    assert trend.loc[1952, "share"] == pytest.approx(1 / core[1952])
    assert view.corpus_works == sum(1 for w in corpus_works if not w.get("is_xpac"))


# ---------------------------------------------------------------------------- cost, plan, scope

def test_one_term_costs_at_most_40_requests_and_a_cent(_view_once: tuple[Any, Any]) -> None:
    view, log = _view_once
    assert view.plan.requests == 34 and view.plan.describe() == "about 34 requests, $0.0043"
    assert view.requests == log["requests"] == view.plan.requests <= 40
    assert view.cost_usd == pytest.approx(log["cost_usd"]) == pytest.approx(view.plan.cost_usd)
    assert view.cost_usd <= 0.01
    assert log["by_kind"] == {"group_by": 33, "list": 1}


def test_a_second_view_is_served_from_the_cache(corpus_server: Any, tmp_path: Path) -> None:
    with OpenAlexClient(settings(corpus_server.url, tmp_path)) as client:
        first = corpus_view(client, ["pre-training"], scope="x")
        second = corpus_view(client, ["pre-training"], scope="x")
    assert second.requests == 0 and second.cache_hits == first.requests and second.cost_usd == 0
    pd.testing.assert_frame_equal(first.trend, second.trend)


def test_the_plan_is_known_before_any_request(corpus_server: Any, tmp_path: Path) -> None:
    seen = []
    with OpenAlexClient(settings(corpus_server.url, tmp_path)) as client:
        corpus_view(client, ["pre-training", "fine-tuning"], seeds=["W2963341956"], scope="x",
                    on_plan=lambda plan: seen.append((plan.requests, corpus_server.log.count())))
    plan = plan_corpus(["pre-training", "fine-tuning"], seeds=["W2963341956"])
    assert seen == [(plan.requests, 0)] and plan.requests == 1 + 2 * 31
    assert corpus_server.log.count() == plan.requests
    union = plan.of("union", "fine-tuning")[0]
    assert union.filter.startswith("title_and_abstract.search:fine-tuning|finetuning|fine tuning|")


def test_scope_comes_from_the_settings_never_from_a_guess() -> None:
    assert corpus_scope(Settings(), 0) == "all of OpenAlex, core works (xpac excluded)"
    assert corpus_scope(Settings(api_url="http://127.0.0.1:9", cache_namespace="demo"), 13_732) == \
        "the demo corpus, 13,732 works"
    assert corpus_scope(Settings(api_url="http://127.0.0.1:9"), 12) == "the corpus at http://127.0.0.1:9, 12 works"


def test_the_demo_corpus_is_never_called_openalex(standin_factory: Any, tmp_path: Path) -> None:
    server = standin_factory()
    with OpenAlexClient(settings(server.url, tmp_path, cache_namespace="demo")) as client:
        started = time.monotonic()
        view = corpus_view(client, ["pre-training"], seeds=SEEDS)
        elapsed = time.monotonic() - started
    assert view.scope == "the demo corpus, 13,732 works" and "OpenAlex" not in view.headline("pre-training").describe()
    assert view.requests == 34 and view.cost_usd == pytest.approx(0.0043) and elapsed < 10


def test_exact_search_counts_each_spelling_unstemmed(corpus_server: Any, tmp_path: Path) -> None:
    options = CorpusOptions(search_key="title_and_abstract.search.exact", periods=(), institution_types=())
    with OpenAlexClient(settings(corpus_server.url, tmp_path)) as client:
        view = corpus_view(client, ["pre-training"], scope="x", options=options)
    by_form = view.spellings.groupby("spelling")["term_works"].sum()
    assert by_form["pretraining"] != by_form["pretrained"]  # stemmed, both would be the same count
    assert view.plan.requests == 1 + 1 + 15 + 1


@pytest.mark.parametrize("term", ["", "a,b", "x|y"])
def test_terms_that_cannot_be_searched_are_refused_before_any_request(term: str) -> None:
    with pytest.raises(TermError):
        plan_corpus([term])


def test_an_unwritable_directory_is_an_output_error(view_and_server: tuple[Any, Any], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        write_corpus_csvs(view_and_server[0], blocker / "out")


# ---------------------------------------------------------------------------- plain data in, plain data out

class RecordedSource:
    """A source answering from canned group_by answers (no HTTP, no stats), to show the contract."""

    def __init__(self, years: dict[str, dict[str, int]], earliest: list[dict[str, Any]]) -> None:
        self.years, self.earliest = years, earliest
        self.asked: list[str] = []

    def group_by(self, filter: str | None, key: str) -> list[dict[str, Any]]:
        self.asked.append(f"{filter} {key}")
        table = self.years["all" if filter is None else "term"] if key.startswith("publication_year") else {}
        return [{"key": k, "key_display_name": k, "count": n} for k, n in table.items()]

    def list_page(self, filter: str | None = None, **kwargs: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        self.asked.append(f"{filter} {kwargs['sort']}")
        return self.earliest, {"count": len(self.earliest)}


def test_any_source_with_group_by_and_list_page_will_do() -> None:
    record = {"id": "https://openalex.org/W1", "display_name": "Pretraining helps", "publication_year": 2001}
    source = RecordedSource({"all": {"2000": 10, "2001": 20, "unknown": 5}, "term": {"2001": 2}}, [record])
    options = CorpusOptions(periods=(), institution_types=())
    view = corpus_view(source, ["pre-training"], scope="canned", options=options)
    assert view.requests is None and view.cost_usd is None and view.corpus_works == 35
    assert view.trend[["year", "works", "term_works", "share"]].values.tolist() == [[2001, 20, 2, 0.1]]
    assert view.headline("pre-training").first_use.id == "W1" and len(source.asked) == view.plan.requests


def test_a_term_nobody_uses_gives_an_empty_answer_not_an_error() -> None:
    source = RecordedSource({"all": {"2000": 10}, "term": {}}, [])
    view = corpus_view(source, ["zyxwvu"], scope="canned")
    headline = view.headline("zyxwvu")
    assert view.trend.empty and headline.term_works == 0 and headline.first_use is None
    assert headline.takeoff_year is None and headline.peak_year is None
    assert "0 works match" in headline.describe()


def test_a_failed_query_stops_the_view_without_sending_the_rest() -> None:
    class SpentBudget(RecordedSource):
        def group_by(self, filter: str | None, key: str) -> list[dict[str, Any]]:
            if len(self.asked) >= 3:
                raise BudgetExhaustedError("daily budget spent; rerun after midnight UTC")
            return super().group_by(filter, key)

    source = SpentBudget({"all": {"2000": 1}, "term": {}}, [])
    with pytest.raises(BudgetExhaustedError):
        corpus_view(source, ["pre-training"], scope="canned", options=CorpusOptions(workers=2))
    assert len(source.asked) <= 3 + 2 < plan_corpus(["pre-training"]).requests


# ---------------------------------------------------------------------------- the report says both

def test_crawl_and_analyze_report_the_corpus_answer_and_the_crawl_answer_each_with_its_scope(
        corpus_server: Any, tmp_path: Path) -> None:
    """Issue 12: the corpus view finds the 1952 psychology use while the crawl's earliest stays
    where the seeds' ancestry puts it; the report's first screen says both, each scoped.

    The seeds' ancestry includes BERT's xpac references: id batches send ``include_xpac=true``
    (issue 12, item 4), so the 1948 xpac dataset record is in the crawl and is its earliest,
    while the corpus view (core works) never counts it."""
    from citegraph.pipeline import AnalysisOptions, CrawlJob, Source, run_job

    job = CrawlJob(source=Source(settings(corpus_server.url, tmp_path)), seeds=("bert", "gpt1", "ulmfit"),
                   out_dir=tmp_path / "out", analyze=True, analysis=AnalysisOptions(terms=("pre-training",)))
    done = run_job(job)
    crawl_first = done.analysis.analysis.earliest.iloc[0]
    assert crawl_first["id"] == XPAC_EARLY and crawl_first["year"] == 1948  # a reference of BERT, resolved via xpac
    assert not set(PSYCH_IDS) & set(done.crawl.graph)  # no crawl from the seeds reaches the cluster
    headline = done.analysis.corpus.headline("pre-training")
    assert headline.first_use.id == FIRST_USE and headline.first_use.year == 1952
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    first_screen = md[md.index("## The answer, with its scope"):md.index("## In the crawled graph")]
    corpus_line, crawl_line = (line for line in first_screen.splitlines() if line.startswith("- **In "))
    assert corpus_line.startswith(f"- **In the corpus at {corpus_server.url}") and "1952" in corpus_line
    assert FIRST_USE in corpus_line and "Psychology" in corpus_line
    assert crawl_line.startswith("- **In the crawl** — the ") and "references-only crawl" in crawl_line
    assert f"({XPAC_EARLY})" in crawl_line and "1952" not in crawl_line
    assert "fields where that sense dominates: Psychology (7)" in md  # "before training": 6 uses + the 1950 false hit
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert '<span id="work-W9794682667">W9794682667</span>' in page  # a synthetic demo id: an anchor, no link
    assert '<a id="work-W2963341956" href="https://openalex.org/W2963341956">' in page  # BERT's real id
    assert "openalex.org/W9" not in page and page.count('id="work-W9794682667"') == 1
    earliest = pd.read_csv(tmp_path / "out" / "corpus_earliest.csv")
    assert FALSE_POSITIVE in set(earliest["id"]) and not earliest.set_index("id").loc[FALSE_POSITIVE, "verified"]
