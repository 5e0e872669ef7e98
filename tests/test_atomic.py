"""Writing files whole (citegraph.atomic): unique temp names, never a mixed or half file, nothing
left behind on failure, OutputError on an unwritable place, and sets renamed into place together."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import BinaryIO

import networkx as nx
import pytest

from citegraph import atomic
from citegraph.atomic import atomic_files, atomic_write
from citegraph.config import Settings
from citegraph.crawl import CrawlOptions
from citegraph.errors import OutputError
from citegraph.graph import load_graph, save_graph
from citegraph.pipeline import run_crawl


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_writes_text_bytes_or_a_streaming_writer(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a.txt", "pré\n")
    atomic_write(tmp_path / "b.bin", b"\x00\xff")
    atomic_write(tmp_path / "c.txt", lambda handle: handle.write(b"streamed"))
    assert (tmp_path / "a.txt").read_bytes() == "pré\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "c.txt").read_bytes() == b"streamed"
    assert names(tmp_path) == ["a.txt", "b.bin", "c.txt"]  # no temp file left


def test_creates_the_directory_and_gives_the_usual_file_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path = atomic_write(tmp_path / "new" / "deeper" / "f.txt", "x")
    finally:
        os.umask(old)
    assert path.read_text() == "x"
    assert path.stat().st_mode & 0o777 == 0o640  # as open(path, "w") would make it, not mkstemp's 0o600


def test_temp_names_are_unique_and_beside_the_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    with atomic_files() as first, atomic_files() as second:
        first.write(target, "one")
        second.write(target, "two")
        temps = [n for n in names(tmp_path) if n != "graph.json"]
        assert len(temps) == 2 and "graph.json.tmp" not in temps  # two writers, two temp files
        assert all(n.startswith(".graph.json.") for n in temps)
        assert not target.exists()  # nothing visible before the commit
    assert target.read_text() == "one"  # the outer set (first) committed last
    assert names(tmp_path) == ["graph.json"]


def test_concurrent_writers_never_leave_a_mixed_or_invalid_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    contents = {who: json.dumps({"writer": who, "data": [who] * 40_000}) for who in ("a", "b")}
    atomic_write(target, contents["a"])
    stop = threading.Event()
    seen: list[str] = []
    errors: list[BaseException] = []

    def writer(who: str) -> None:
        try:
            for _ in range(40):
                atomic_write(target, contents[who])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        while not stop.is_set():
            text = target.read_text()
            seen.append(json.loads(text)["writer"] if text in contents.values() else "mixed")

    threads = [threading.Thread(target=writer, args=(who,)) for who in ("a", "b")]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    watcher.join()
    assert not errors
    assert seen and "mixed" not in seen
    assert target.read_text() in contents.values()
    assert names(tmp_path) == ["graph.json"]


def test_a_failing_writer_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("old report")

    def half_then_fail(handle: BinaryIO) -> None:
        handle.write(b"half a rep")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old report"
    assert names(tmp_path) == ["report.md"]


def test_a_failing_rename_is_an_output_error_and_leaves_no_temp(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "summary.json"
    target.write_text("{}")

    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(atomic.os, "replace", refuse)
    with pytest.raises(OutputError) as info:
        atomic_write(target, "{\"new\": 1}")
    assert "\n" not in str(info.value) and "Permission denied" in str(info.value)
    assert target.read_text() == "{}"
    assert names(tmp_path) == ["summary.json"]


def test_an_unwritable_directory_is_an_output_error(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OutputError) as info:
        atomic_write(blocker / "out" / "report.md", "x")
    assert info.value.exit_code == 10 and "\n" not in str(info.value) and "cannot write" in str(info.value)

    def no_permission(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")  # what a read-only directory answers (root ignores chmod)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", no_permission)
    with pytest.raises(OutputError, match="Permission denied; choose a writable --out"):
        atomic_write(tmp_path / "report.md", "x")
    assert names(tmp_path) == ["file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_read_only_directory_is_an_output_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError):
        atomic_write(locked / "f.txt", "x")


# --- sets of files ------------------------------------------------------------------------------


def test_a_set_is_renamed_into_place_only_after_all_were_written(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("old a")
    with atomic_files() as files:
        files.write(tmp_path / "a.csv", "new a")
        files.write(tmp_path / "b.csv", "new b")
        assert (tmp_path / "a.csv").read_text() == "old a" and not (tmp_path / "b.csv").exists()
    assert (tmp_path / "a.csv").read_text() == "new a" and (tmp_path / "b.csv").read_text() == "new b"
    assert names(tmp_path) == ["a.csv", "b.csv"]


def test_a_set_that_fails_part_way_leaves_every_old_file(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("old a")
    (tmp_path / "b.csv").write_text("old b")
    with pytest.raises(KeyboardInterrupt):
        with atomic_files() as files:
            files.write(tmp_path / "a.csv", "new a")
            raise KeyboardInterrupt  # Ctrl-C between two files
    assert (tmp_path / "a.csv").read_text() == "old a" and (tmp_path / "b.csv").read_text() == "old b"
    assert names(tmp_path) == ["a.csv", "b.csv"]


def test_writing_one_path_twice_in_a_set_keeps_the_second(tmp_path: Path) -> None:
    with atomic_files() as files:
        files.write(tmp_path / "a.csv", "first")
        files.write(tmp_path / "a.csv", "second")
    assert (tmp_path / "a.csv").read_text() == "second" and names(tmp_path) == ["a.csv"]


def test_a_joined_set_commits_with_its_owner(tmp_path: Path) -> None:
    with atomic_files() as outer:
        with atomic_files(outer) as inner:
            assert inner is outer
            inner.write(tmp_path / "graph.json", "{}")
        assert not (tmp_path / "graph.json").exists()  # the inner block's end commits nothing
        outer.write(tmp_path / "summary.json", "{}")
    assert names(tmp_path) == ["graph.json", "summary.json"]


def test_a_failed_save_leaves_the_previous_graph_whole(tmp_path: Path, monkeypatch) -> None:
    old = nx.DiGraph(seeds=["W1"])
    old.add_node("W1", id="W1", title="old")
    save_graph(old, tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in names(tmp_path)}
    new = nx.DiGraph(seeds=["W2"])
    new.add_node("W2", id="W2", title="new")

    def broken_gexf(graph: nx.DiGraph, handle: BinaryIO) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("citegraph.exports.nx.write_gexf", broken_gexf)
    with pytest.raises(OutputError, match="No space left on device"):
        save_graph(new, tmp_path)
    assert {name: (tmp_path / name).read_bytes() for name in names(tmp_path)} == before
    assert list(load_graph(tmp_path)) == ["W1"]


def test_a_crawl_that_fails_after_its_graph_keeps_the_previous_runs_files(standin_factory, tmp_path: Path,
                                                                           monkeypatch) -> None:
    """The graph files and summary.json are one set: a crawl that dies before its summary is
    written leaves the previous crawl's five graph files and summary, not a mix of two runs."""
    server = standin_factory()
    settings = Settings(api_url=server.url, cache_dir=tmp_path / "cache", rate_limit=1000)
    out = tmp_path / "out"
    run_crawl(settings, ["bert"], out, options=CrawlOptions(depth=0))
    before = {name: (out / name).read_bytes() for name in names(out)}
    assert set(before) == {"graph.json", "graph.graphml", "graph.gexf", "nodes.csv", "edges.csv", "summary.json"}

    def fail(*args: object, **kwargs: object) -> dict:
        raise RuntimeError("killed while summarising")

    monkeypatch.setattr("citegraph.pipeline.summarize", fail)
    with pytest.raises(RuntimeError):
        run_crawl(settings, ["bert"], out, options=CrawlOptions(depth=1))
    assert {name: (out / name).read_bytes() for name in names(out)} == before
