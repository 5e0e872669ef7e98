"""The snapshot path (DuckDB): layout, manifest checks, term matching that agrees with the API
path, the seeded graph equal to ``crawl --demo``'s, the term neighbourhood, the CLI."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from benchmarks.snapshot_data import write_demo_snapshot, write_synthetic_snapshot
from citegraph.cli import main
from citegraph.corpus import CORPUS_FILES
from citegraph import outlock
from citegraph.errors import OutputBusyError, SnapshotError
from citegraph.graph import build_graph, load_graph
from citegraph.outlock import LOCK_NAME, output_lock
from citegraph.records import slim_record, work_text
from citegraph.snapshot import SnapshotOptions, SnapshotSource, open_engine, open_snapshot, plan, run_snapshot, write_snapshot
from citegraph.snapshot.schema import raw_text, raw_work
from citegraph.terms import compile_terms, term_hits, term_uses

SEEDS = ("bert", "gpt1", "ulmfit")


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="module")
def demo_snapshot(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo-snapshot")
    write_demo_snapshot(root, part_records=3000, row_group_rows=2048)
    return root


def _api_users(works: list[dict[str, Any]], terms: list[str]) -> dict[str, set[str]]:
    """Term users the API path finds: every work slimmed into one graph, then ``term_uses``."""
    records = {r.id: r for r in (slim_record(w) for w in works)}
    uses = term_uses(build_graph(records, seeds=[]), compile_terms(terms))
    return {term: uses.adopters(term) for term in terms}


def _snapshot_users(root: Path, terms: list[str], fmt: str) -> dict[str, set[str]]:
    with open_engine("duckdb") as engine:
        source = SnapshotSource(engine, open_snapshot(root, fmt))
        return {term: set(hits) for term, hits in source.match(compile_terms(terms)).items()}


# --- layout and manifest -------------------------------------------------------------------


def test_demo_snapshot_has_openalex_layout_and_manifests(demo_snapshot: Path) -> None:
    for fmt, suffix in (("jsonl", ".gz"), ("parquet", ".parquet")):
        works_dir = demo_snapshot / "data" / fmt / "works"
        manifest = json.loads((works_dir / "manifest.json").read_text())
        entries = manifest["entries"]
        assert manifest["meta"]["record_count"] == 13_732 == sum(e["meta"]["record_count"] for e in entries)
        for entry in entries:
            assert entry["url"].startswith(f"s3://openalex/data/{fmt}/works/updated_date=")
            part = works_dir / entry["url"].split("/works/", 1)[1]
            assert part.suffix == suffix and part.name.startswith("part_")
            assert part.stat().st_size == entry["meta"]["content_length"]
    jsonl = sorted((demo_snapshot / "data" / "jsonl" / "works").rglob("part_*.gz"))
    assert sum(len(_read_jsonl(p)) for p in jsonl) == 13_732
    groups = duckdb.sql(f"SELECT max(row_group_num_rows) AS n FROM parquet_metadata('{demo_snapshot}/data/parquet/works/**/*.parquet')").fetchall()[0]
    assert groups[0] <= 2048  # small row groups, as asked (DuckDB's smallest is 2048)


def test_synthetic_snapshot_is_written_with_its_seeds(tmp_path: Path) -> None:
    done = write_synthetic_snapshot(tmp_path, 500, part_records=200)
    snapshot = open_snapshot(tmp_path, "jsonl")
    assert snapshot.records == 500 and len(snapshot.parts) == 3
    assert json.loads((tmp_path / "seeds.json").read_text()) == {f"seed{k}": s for k, s in enumerate(done["seeds"], 1)}
    assert open_snapshot(tmp_path).format == "parquet"  # auto prefers Parquet


def _copy(demo_snapshot: Path, tmp_path: Path) -> Path:
    root = tmp_path / "snap"
    shutil.copytree(demo_snapshot / "data" / "jsonl", root / "data" / "jsonl")
    return root


def _edit_manifest(root: Path, change) -> None:
    path = root / "data" / "jsonl" / "works" / "manifest.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_a_missing_part_is_refused(demo_snapshot: Path, tmp_path: Path) -> None:
    root = _copy(demo_snapshot, tmp_path)
    next((root / "data" / "jsonl" / "works").rglob("part_*.gz")).unlink()
    with pytest.raises(SnapshotError, match="missing"):
        open_snapshot(root)


def test_a_truncated_part_is_refused(demo_snapshot: Path, tmp_path: Path) -> None:
    root = _copy(demo_snapshot, tmp_path)
    part = sorted((root / "data" / "jsonl" / "works").rglob("part_*.gz"))[-1]
    part.write_bytes(part.read_bytes()[:-10])
    with pytest.raises(SnapshotError, match="truncated"):
        open_snapshot(root)


def test_a_wrong_record_count_is_refused_after_the_scan(demo_snapshot: Path, tmp_path: Path) -> None:
    root = _copy(demo_snapshot, tmp_path)
    _edit_manifest(root, lambda data: data["entries"][0]["meta"].update(record_count=data["entries"][0]["meta"]["record_count"] + 1))
    with open_engine("duckdb") as engine, pytest.raises(SnapshotError, match="the manifest says"):
        SnapshotSource(engine, open_snapshot(root))


def test_bad_paths_and_manifests_are_one_line_errors(demo_snapshot: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["snapshot", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 14 and "does not exist" in result.output and "Traceback" not in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(main, ["snapshot", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 14 and "no works manifest" in result.output
    root = _copy(demo_snapshot, tmp_path)
    (root / "data" / "jsonl" / "works" / "manifest.json").write_text("{not json")
    result = runner.invoke(main, ["snapshot", str(root), "--out", str(tmp_path / "o")])
    assert result.exit_code == 14 and "not an OpenAlex manifest" in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- term matching agrees with the API path -------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_term_users_equal_the_api_paths_on_the_demo_corpus(demo_snapshot: Path, demo_works, fmt: str) -> None:
    terms = ["pre-training", "fine-tuning"]
    assert _snapshot_users(demo_snapshot, terms, fmt) == _api_users(demo_works, terms)


def test_term_users_equal_the_api_paths_on_real_openalex_records(openalex_dir: Path, tmp_path: Path) -> None:
    works = _read_jsonl(openalex_dir / "openalex_works_all.jsonl.gz")
    write_snapshot(works, tmp_path, part_records=300)
    terms = ["pre-training", "biodiversity", "ecosystem service", "climate change", "training"]
    expected = _api_users(works, terms)
    assert all(expected[t] for t in terms[1:])  # the records do use them (BERT's citation line does not count)
    for fmt in ("jsonl", "parquet"):
        assert _snapshot_users(tmp_path, terms, fmt) == expected


def _work(n: int, title: str, abstract: str | None, authors: tuple[str, ...] = ("Ann Lee",)) -> dict[str, Any]:
    index: dict[str, list[int]] = {}
    for position, word in enumerate((abstract or "").split()):
        index.setdefault(word, []).append(position)
    return {"id": f"https://openalex.org/W{n}", "display_name": title, "title": title, "publication_year": 2018,
            "publication_date": "2018-05-01", "authorships": [{"author": {"display_name": a}} for a in authors],
            "abstract_inverted_index": index or None, "referenced_works": [], "updated_date": "2026-01-01T00:00:00"}


TRICKY = [
    _work(1, "A study", "We use pre- training on text."),  # the line-break split: two keys
    _work(2, "A study", "Results after pre training hold."),
    _work(3, "A study", 'Models ("pre-trained"), then tuned.'),
    _work(4, "A study", "Pre\u2011training with a non-breaking hyphen."),
    _work(5, "A study", "Pre\u00adtraining with a soft hyphen."),
    _work(6, "A study", "pre\u200btraining with a zero-width space."),
    _work(7, "A study", "pre- and post-training both help."),
    _work(8, "A study", "Unpretrained baselines and pretrainingx are not uses."),
    _work(9, "", "Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova. BERT: Pre-training of Deep "
                 "Bidirectional Transformers. Proceedings of NAACL 2019.",
          ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova")),  # a citation line: unknown
    _work(10, "PRE-TRAINING in the title", None),
    _work(11, "A study", "PRETRAİNİNG with a dotted capital I, and the Kelvin sign: \u212a."),
    _work(12, "A study", "Training without the prefix is no use."),
    _work(13, "A study", "Pre\u2212training with a minus sign and pre--training doubled."),
    _work(14, "A study", "The model is pretrained; pretrains; pre-trains."),
]


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_tricky_spellings_agree_with_citegraphs_matcher(tmp_path: Path, fmt: str) -> None:
    write_snapshot(TRICKY, tmp_path)
    expected = _api_users(TRICKY, ["pre-training"])
    assert {"W1", "W2", "W3", "W4", "W5", "W6", "W7", "W10", "W13", "W14"} <= expected["pre-training"]
    assert not {"W8", "W9", "W12"} & expected["pre-training"]
    assert _snapshot_users(tmp_path, ["pre-training"], fmt) == expected


def _indexed(n: int, title: str, index: Any, authors: tuple[str, ...] = ("Ann Lee",)) -> dict[str, Any]:
    return {**_work(n, title, None, authors), "abstract_inverted_index": index}


#: Abstract indexes the term match must read as the full row reads them: it fetches the index as
#: JSON text (``to_json``), so these are the keys and values JSON escapes or spells oddly.
ODD_INDEXES = [
    _indexed(21, "A study", {"We": [0], "pre-train": [1, None]}),  # a null position: malformed, no abstract
    _indexed(22, "Pre-training in the title", {"We": None, "pre-trained": [1]}),  # a null list: no positions
    _indexed(23, "A study", {'"pre-trained"': [0], "back\\slash": [1], "new\nline": [2], "nul\u0000": [3],
                             "ls\u2028": [4], "\u00e9\U0001F600": [5], "\x7f\x01": [6], "": [7], "pretraining.": [8]}),
    _indexed(24, "Pre-training, an empty index", {}),
    _indexed(25, "A study", {"pre-training": [1], "Using": [1], "models": [0]}),  # a repeated position
    _indexed(26, "  ", {"pretraining": [3], "We": [0], "pretrain": [2], "gap": [9]}),  # gaps, a blank title
    _indexed(27, "A study", {"Devlin": [0], "Lee.": [1], "Pre-training.": [2], "Proceedings": [3], "2019.": [4]},
             ("Jacob Devlin", "Kenton Lee")),  # a citation line
]


def _judged_from_full_rows(source: SnapshotSource, matchers) -> dict[str, dict[str, Any]]:
    """The term users as the API path judges them: every work's full row as a raw record,
    :func:`slim_record`, then :func:`term_hits` (what the match did before it fetched less)."""
    uses: dict[str, dict[str, Any]] = {m.term: {} for m in matchers}
    for row in source.engine.rows("SELECT * FROM works"):
        work = slim_record(raw_work(row))
        for matcher in matchers:
            hit = term_hits(work.title, work.abstract, work.has_abstract, matcher)
            if hit.adopts:
                uses[matcher.term][work.id] = hit
    return uses


def assert_light_judging_is_the_full_rows(source: SnapshotSource, terms: list[str]) -> None:
    """The match's few columns give every work the text (title, abstract, has_abstract) its full
    row gives, and the match finds the same users with the same TermUse; the full rows the plan
    sends (the index as JSON text) are the raw works the map column gives."""
    star = {row["id"]: raw_work(row) for row in source.engine.rows("SELECT * FROM works")}
    assert {row["id"]: raw_work(row) for row in source.engine.rows(f"SELECT {plan.row_columns()} FROM works")} == star
    full = {i: slim_record(raw) for i, raw in star.items()}
    light = {row["id"]: work_text(raw_text(row)) for row in source.engine.rows(plan.candidates_sql(source.d, [""]))}
    assert light == {i: (w.title, w.abstract, w.has_abstract) for i, w in full.items()}
    matchers = compile_terms(terms)
    assert source.match(matchers) == _judged_from_full_rows(source, matchers)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_the_match_judges_its_few_columns_as_the_full_rows(openalex_dir: Path, demo_works, tmp_path: Path,
                                                            fmt: str) -> None:
    works = [*_read_jsonl(openalex_dir / "openalex_works_all.jsonl.gz"), *demo_works[:3000], *TRICKY, *ODD_INDEXES]
    write_snapshot(works, tmp_path, part_records=1000)
    with open_engine("duckdb") as engine:
        source = SnapshotSource(engine, open_snapshot(tmp_path, fmt))
        assert_light_judging_is_the_full_rows(source, ["pre-training", "fine-tuning", "climate change"])
        assert {"W22", "W23", "W24", "W25", "W26"} <= set(source.uses["pre-training"])
        assert not {"W21", "W27"} & set(source.uses["pre-training"])  # no real abstract: unknown


# --- the graph and the corpus view ------------------------------------------------------------


@pytest.fixture(scope="module")
def api_and_snapshot_runs(demo_snapshot: Path, tmp_path_factory) -> tuple[Path, Path]:
    """``crawl --demo`` and ``snapshot`` with the three seeds at depth 2, each analysed."""
    work = tmp_path_factory.mktemp("e2e")
    runner = CliRunner()
    seeds = [arg for seed in SEEDS for arg in ("--seed", seed)]
    api, snap = work / "api", work / "snap"
    result = runner.invoke(main, ["crawl", *seeds, "--depth", "2", "--demo", "-q", "--cache-dir", str(work / "cache"),
                                  "--out", str(api)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["snapshot", str(demo_snapshot), *seeds, "--depth", "2", "--format", "jsonl",
                                  "--out", str(snap)])
    assert result.exit_code == 0, result.output
    assert "1,401 works, 5,153 citation edges" in result.output
    for out in (api, snap):
        assert runner.invoke(main, ["analyze", str(out), "--no-corpus"]).exit_code == 0
    return api, snap


def test_seeded_snapshot_graph_is_the_crawls_graph(api_and_snapshot_runs, demo_snapshot: Path) -> None:
    api, snap = api_and_snapshot_runs
    def same_but_the_corpus_name(path: Path) -> dict:
        data = json.loads(path.read_text(encoding="utf-8"))
        crawl = data["graph"]["crawl"]
        assert crawl.pop("corpus") in ("demo", "snapshot")
        assert crawl.pop("snapshot", str(demo_snapshot)) == str(demo_snapshot)  # where the works came from
        return data

    assert same_but_the_corpus_name(snap / "graph.json") == same_but_the_corpus_name(api / "graph.json")
    g_api, g_snap = load_graph(api), load_graph(snap)
    assert dict(g_snap.nodes(data="depth")) == dict(g_api.nodes(data="depth"))
    assert set(g_snap.edges) == set(g_api.edges)


def test_seeded_snapshot_gives_the_crawls_origins(api_and_snapshot_runs) -> None:
    api, snap = api_and_snapshot_runs
    assert (snap / "origins.csv").read_text() == (api / "origins.csv").read_text()
    assert (snap / "chains.csv").read_text() == (api / "chains.csv").read_text()


def test_corpus_files_count_the_whole_corpus(api_and_snapshot_runs, demo_works) -> None:
    _, snap = api_and_snapshot_runs
    for file in CORPUS_FILES.values():
        assert (snap / file).is_file()
    summary = json.loads((snap / "corpus.json").read_text())
    assert summary["corpus_works"] == 13_732 == len(demo_works)
    trend = pd.read_csv(snap / "corpus_trend.csv")
    assert list(trend.columns) == ["term", "year", "works", "term_works", "share"]
    per_year = pd.Series([w["publication_year"] for w in demo_works if w.get("publication_year") is not None]).value_counts()
    for row in trend.itertuples():
        assert row.works == per_year.get(row.year, 0)
    before = sum(n for year, n in per_year.items() if year < trend["year"].min())
    undated = sum(1 for w in demo_works if w.get("publication_year") is None)
    assert trend["works"].sum() + before + undated == 13_732
    users = _api_users(demo_works, ["pre-training"])["pre-training"]
    assert trend["term_works"].sum() == sum(1 for w in demo_works if w["id"].rsplit("/", 1)[-1] in users
                                            and w.get("publication_year") is not None)
    earliest = pd.read_csv(snap / "corpus_earliest.csv")
    assert earliest["verified"].all() and earliest["year"].is_monotonic_increasing


def test_corpus_columns_are_the_api_paths(demo_snapshot: Path, tmp_path: Path) -> None:
    from citegraph.corpus import corpus_view
    from citegraph.pipeline import serve_demo, BUNDLED_DEMO
    from citegraph.client import OpenAlexClient
    from citegraph.config import Settings

    with serve_demo(BUNDLED_DEMO) as url, OpenAlexClient(Settings(api_url=url, cache_dir=tmp_path / "c")) as client:
        api_view = corpus_view(client, ["pre-training"], scope="demo")
    done = run_snapshot(demo_snapshot, ["pre-training"], tmp_path / "o", options=SnapshotOptions(max_works=50))
    for name in ("trend", "spellings", "fields", "institutions", "earliest", "seed_spread"):
        assert list(getattr(done.view, name).columns) == list(getattr(api_view, name).columns)
    assert done.view.corpus_works == api_view.corpus_works == 13_732


def test_without_seeds_the_graph_is_the_term_neighbourhood_bounded(demo_snapshot: Path, tmp_path: Path, demo_works) -> None:
    done = run_snapshot(demo_snapshot, ["pre-training"], tmp_path / "o", options=SnapshotOptions(max_works=200))
    graph = load_graph(tmp_path / "o")
    users = _api_users(demo_works, ["pre-training"])["pre-training"]
    assert graph.number_of_nodes() == 200 and users <= set(graph)
    assert done.summary["left_out_by_max_works"] > 0
    assert json.loads((tmp_path / "o" / "summary.json").read_text())["left_out_by_max_works"] == done.summary["left_out_by_max_works"]
    assert "left out by --max-works 200" in done.describe()
    neighbours = set(graph) - users
    assert all(any(n in users for n in [*graph.successors(w), *graph.predecessors(w)]) for w in neighbours)
    wide = run_snapshot(demo_snapshot, ["pre-training"], tmp_path / "w", options=SnapshotOptions(max_works=100_000))
    assert wide.summary["left_out_by_max_works"] == 0 and wide.graph.number_of_nodes() > 200
    assert CliRunner().invoke(main, ["analyze", str(tmp_path / "o"), "--no-corpus"]).exit_code == 0
    assert CliRunner().invoke(main, ["render", str(tmp_path / "o")]).exit_code == 0


@pytest.mark.parametrize("corpus", ["demo", "real"])
def test_group_bys_from_the_fact_tables_equal_one_query_each(demo_snapshot: Path, openalex_dir: Path, tmp_path: Path,
                                                             corpus: str) -> None:
    from citegraph.corpus import plan_corpus

    if corpus == "real":  # real records: fields and institution types to group by
        root, terms, seeds = tmp_path, ["biodiversity", "climate change"], {"a": "W2741809807"}
        write_snapshot(_read_jsonl(openalex_dir / "openalex_works_all.jsonl.gz"), root, formats=("jsonl",))
    else:
        root, terms = demo_snapshot, ["pre-training", "fine-tuning"]
        seeds = {"bert": "W2963341956", "gpt1": ["W9425100365", "W2963341956"]}
    plan = plan_corpus(terms, seeds=seeds)
    with open_engine("duckdb") as engine:
        source = SnapshotSource(engine, open_snapshot(root, "jsonl"))
        source.match(compile_terms(terms))
        asked = [q for q in plan.queries if q.key]
        assert len(asked) > 30
        answers = {q: source.group_by(q.filter, q.key) for q in asked}
        for query in asked:
            assert answers[query] == source.group_by(query.filter, query.key, use_facts=False), query
        if corpus == "real":
            assert any(a and a[0]["key"] != "unknown" for q, a in answers.items() if q.purpose == "institutions")
            assert any(g["key"] != "unknown" for q, a in answers.items() if q.purpose == "fields" for g in a)


def test_a_second_writer_of_the_same_out_waits_then_stops_and_changes_nothing(demo_snapshot: Path, tmp_path: Path,
                                                                              monkeypatch) -> None:
    """Issue 14's one writer per output directory holds for the snapshot job too: while another
    run holds ``--out``, ``snapshot`` exits 13 with one line and leaves the files as they were;
    a finished run leaves no temporary file beside its own."""
    out = tmp_path / "o"
    run_snapshot(demo_snapshot, ["pre-training"], out, options=SnapshotOptions(max_works=50))
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert {"graph.json", "summary.json", "corpus_trend.csv", LOCK_NAME} <= set(before)
    assert not [name for name in before if name.endswith(".tmp") or name.startswith(".tmp")]
    with output_lock(out):
        with pytest.raises(OutputBusyError):
            run_snapshot(demo_snapshot, ["fine-tuning"], out, options=SnapshotOptions(max_works=80), lock_wait_s=0.2)
        monkeypatch.setattr(outlock, "DEFAULT_WAIT_S", 0.2)
        result = CliRunner().invoke(main, ["snapshot", str(demo_snapshot), "--term", "fine-tuning", "--out", str(out)])
    assert result.exit_code == 13 and "another citegraph run is writing" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_analyze_reports_the_snapshots_own_corpus_view_and_never_asks_the_api(api_and_snapshot_runs,
                                                                             tmp_path: Path) -> None:
    """A snapshot graph's corpus is the snapshot: ``analyze`` opens on the view the snapshot run
    counted (every work checked by the matcher), copies its files unchanged, and for a term the
    run did not count says how to count it instead of asking OpenAlex about another corpus."""
    _, snap = api_and_snapshot_runs
    runner = CliRunner()
    result = runner.invoke(main, ["analyze", str(snap), "--out", str(tmp_path / "a"),
                                  "--api-url", "http://127.0.0.1:9"])
    assert result.exit_code == 0, result.output
    assert "corpus: 'pre-training' in the snapshot at" in result.output
    report = (tmp_path / "a" / "report.md").read_text()
    answer = report[report.index("## The answer"):report.index("## In the crawled graph")]
    assert "**In the snapshot at" in answer and "13,732 works**" in answer
    assert "use it in their title or abstract (citegraph's matcher, every work checked)" in answer
    assert "crawl, depth 2 from bert (2019), gpt1 (2018), ulmfit (2018) in the snapshot at" in answer
    for file in CORPUS_FILES.values():
        assert (tmp_path / "a" / file).read_bytes() == (snap / file).read_bytes(), file
    other = runner.invoke(main, ["analyze", str(snap), "--term", "fine-tuning", "--out", str(tmp_path / "b"),
                                 "--api-url", "http://127.0.0.1:9"])
    assert other.exit_code == 0, other.output
    assert "the snapshot run counted 'pre-training', not 'fine-tuning'; run citegraph snapshot" in other.output
    assert "127.0.0.1:9" not in other.output and not (tmp_path / "b" / "corpus.json").exists()


def test_the_term_neighbourhoods_report_names_what_the_graph_is(demo_snapshot: Path, tmp_path: Path) -> None:
    run_snapshot(demo_snapshot, ["pre-training"], tmp_path / "o", options=SnapshotOptions(max_works=200))
    assert CliRunner().invoke(main, ["analyze", str(tmp_path / "o")]).exit_code == 0
    report = (tmp_path / "o" / "report.md").read_text()
    assert "**In the crawl** — the 200 works around “pre-training” in the snapshot at" in report
    assert "its users and the works they cite or are cited by (" in report and "more left out by --max-works)" in report
    assert "direct citation neighbours only" in report
    assert "citations (crawl: term-neighbourhood, depth 1) around the works using “pre-training”. Matched:" in report
    assert "around the seeds" not in report and "How the term reached each seed" not in report


def test_a_small_memory_limit_writes_the_same_files(demo_snapshot: Path, tmp_path: Path) -> None:
    roomy = run_snapshot(demo_snapshot, ["pre-training"], tmp_path / "roomy", options=SnapshotOptions(max_works=300))
    tight = run_snapshot(demo_snapshot, ["pre-training"], tmp_path / "tight",
                         options=SnapshotOptions(max_works=300, memory_limit="40MB"))
    assert roomy.summary["options"]["memory_limit"] == "1GB" and tight.summary["options"]["memory_limit"] == "40MB"
    for name in sorted(set(roomy.paths) - {"summary"}):
        assert roomy.paths[name].read_bytes() == tight.paths[name].read_bytes(), name


def test_a_bad_memory_limit_is_a_one_line_error(demo_snapshot: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["snapshot", str(demo_snapshot), "--memory-limit", "lots", "--out", str(tmp_path / "o")])
    assert result.exit_code == 14 and "--memory-limit 'lots'" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "o" / "graph.json").exists()
