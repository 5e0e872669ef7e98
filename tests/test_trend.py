"""``citegraph trend``: the plan first, then one answer line per term and the files, over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from click.testing import CliRunner
from corpus_data import BERT, FIRST_USE, build_corpus

from citegraph.cli import main


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def test_trend_on_the_demo_prints_the_plan_then_the_answer(demo_works: list[dict[str, Any]], tmp_path: Path) -> None:
    data = tmp_path / "works.jsonl"
    data.write_text("".join(json.dumps(w) + "\n" for w in build_corpus(demo_works)))
    out = tmp_path / "out"
    result = invoke("trend", "--term", "pre-training", "--seed", BERT, "--demo", "--demo-data", str(data),
                    "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--rate-limit", "200")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "corpus view: about 32 requests, $0.0041"
    answer = next(line for line in lines if line.startswith("'pre-training' in the demo corpus, 13,745 works"))
    assert f"first verified use 1952 ({FIRST_USE}" in answer and "Psychology" in answer
    assert "after 1 earlier unverified hits" in answer and "OpenAlex" not in answer
    assert "requests 32, cache hits 0, cost $0.0041" in result.output
    for name in ("corpus_trend.csv", "corpus_fields.csv", "corpus_institutions.csv", "corpus_earliest.csv",
                 "corpus_seed_spread.csv", "corpus_spellings.csv", "corpus.json"):
        assert (out / name).is_file() and name in lines[-1]
    assert list(pd.read_csv(out / "corpus_trend.csv").columns)[:5] == ["term", "year", "works", "term_works", "share"]

    again = invoke("trend", "--term", "pre-training", "--seed", BERT, "--demo", "--demo-data", str(data),
                   "--out", str(out), "--cache-dir", str(tmp_path / "cache"), "--offline")
    assert again.exit_code == 0 and "requests 0, cache hits 32, cost $0.0000" in again.output


def test_trend_against_another_server_names_it_as_the_scope(standin_factory: Any, tiny_works: list[dict[str, Any]],
                                                            tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    result = invoke("trend", "--term", "pre-training", "--api-url", server.url, "--out", str(tmp_path / "out"),
                    "--cache-dir", str(tmp_path / "cache"), "--rate-limit", "200")
    assert result.exit_code == 0, result.output
    assert f"'pre-training' in the corpus at {server.url}, 5 works: 3 works match (stemmed search); first verified use 2010 (W4" \
        in result.output


def test_trend_refuses_bad_terms_and_outputs_before_any_request(standin_factory: Any, tiny_works: list[dict[str, Any]],
                                                                tmp_path: Path) -> None:
    server = standin_factory(tiny_works)
    common = ["--api-url", server.url, "--cache-dir", str(tmp_path / "cache")]
    assert invoke("trend", "--term", "a|b", *common, "--out", str(tmp_path / "o")).exit_code == 12
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert invoke("trend", *common, "--out", str(blocker / "out")).exit_code == 10
    assert server.log.count() == 0
    assert "Examples:" in invoke("trend", "--help").output
