"""Spark parity: on one tiny snapshot, the Spark engine writes the same files as DuckDB.

An engine is accepted only when it gives the same answer (the issue's trap: Dask's string
conversion silently lost two thirds of the abstract matches). One Spark session serves every
test here; a machine without Java or PySpark skips them, saying which is missing.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from benchmarks.synthetic import SyntheticDataset
from citegraph.corpus import CORPUS_FILES
from citegraph.errors import SnapshotError
from citegraph.snapshot import SnapshotOptions, SnapshotSource, open_engine, open_snapshot, run_snapshot, write_snapshot
from citegraph.terms import compile_terms
from tests.test_snapshot import ODD_INDEXES, TRICKY, assert_light_judging_is_the_full_rows

TERMS = ["pre-training", "fine-tuning"]


def _spark_or_skip():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        pytest.skip("Spark parity: pyspark is not installed (pip install 'citegraph[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark parity: no java runtime (install Debian's default-jre-headless)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    try:
        return open_engine("spark", spark_master="local[2]")
    except SnapshotError as exc:
        pytest.skip(f"Spark parity: the java runtime cannot start Spark here ({exc})")


@pytest.fixture(scope="module")
def spark() -> Iterator:
    engine = _spark_or_skip()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, list[str]]:
    """300 synthetic works plus the tricky spellings, in both formats, several parts."""
    root = tmp_path_factory.mktemp("tiny-snapshot")
    dataset = SyntheticDataset(300, seed=3, mean_refs=8)
    write_snapshot([*dataset.works(), *TRICKY], root, part_records=120)
    return root, [s.rsplit("/", 1)[-1] for s in dataset.seeds]


def _files(out: Path) -> dict[str, bytes]:
    names = [f for f in CORPUS_FILES.values() if f != "corpus.json"] + ["graph.json", "nodes.csv", "edges.csv"]
    return {name: (out / name).read_bytes() for name in names}


def test_spark_writes_the_same_files_as_duckdb(spark, tiny, tmp_path: Path) -> None:
    root, seeds = tiny
    options = SnapshotOptions(format="jsonl", depth=2)
    duck = run_snapshot(root, TERMS, tmp_path / "duckdb", seed_texts=seeds, options=options)
    sparked = run_snapshot(root, TERMS, tmp_path / "spark", seed_texts=seeds, options=options, engine=spark)
    assert sparked.summary["engine"] == "spark" and duck.summary["engine"] == "duckdb"
    assert duck.summary["term_users"]["pre-training"] > 10
    assert _files(tmp_path / "spark") == _files(tmp_path / "duckdb")
    corpus = [json.loads((tmp_path / e / "corpus.json").read_text()) for e in ("spark", "duckdb")]
    assert corpus[0]["headlines"] == corpus[1]["headlines"]


def test_spark_matches_the_same_users_from_parquet(spark, tiny) -> None:
    root, _ = tiny
    matchers = compile_terms(TERMS)
    with open_engine("duckdb") as duck:
        expected = SnapshotSource(duck, open_snapshot(root, "jsonl")).match(matchers)
    found = SnapshotSource(spark, open_snapshot(root, "parquet")).match(matchers)
    assert {t: set(h) for t, h in found.items()} == {t: set(h) for t, h in expected.items()}
    assert found == expected  # the same TermUse, forms and snippets included


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_spark_judges_the_matchs_few_columns_as_the_full_rows(spark, tmp_path: Path, fmt: str) -> None:
    """Spark's ``to_json`` of the abstract index reads back as its map does (the odd keys too)."""
    write_snapshot([*SyntheticDataset(200, seed=5, mean_refs=4).works(), *TRICKY, *ODD_INDEXES], tmp_path, part_records=150)
    assert_light_judging_is_the_full_rows(SnapshotSource(spark, open_snapshot(tmp_path, fmt)), TERMS)
