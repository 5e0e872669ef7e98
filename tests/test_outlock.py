"""One writer per output directory (issue 14 item 1): a second run waits a bounded time, then
exits 13 with one line and writes nothing; a killed holder never leaves the directory locked."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from citegraph.errors import OutputBusyError
from citegraph.outlock import LOCK_NAME, output_lock


def cli(*args: str, wait: str = "0.5") -> subprocess.CompletedProcess:
    env = {**os.environ, "CITEGRAPH_LOCK_WAIT_S": wait}
    return subprocess.run([sys.executable, "-m", "citegraph", *args], capture_output=True, text=True, env=env, timeout=120)


def crawl_args(url: str, tmp: Path, out: Path) -> list[str]:
    return ["crawl", "--seed", "W1", "--depth", "3", "--api-url", url, "--cache-dir", str(tmp / "cache"),
            "--out", str(out), "-q"]


def test_a_second_writer_waits_then_fails_with_exit_13_and_writes_nothing(standin_factory, tiny_works, tmp_path) -> None:
    server = standin_factory(tiny_works)
    out = tmp_path / "out"
    assert cli(*crawl_args(server.url, tmp_path, out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    with output_lock(out):
        started = time.monotonic()
        crawl = cli(*crawl_args(server.url, tmp_path, out), "--analyze")
        analyze = cli("analyze", str(out), "--no-corpus")
        render = cli("render", str(out))
        waited = time.monotonic() - started
    for run in (crawl, analyze, render):
        assert run.returncode == 13, run.stderr
        assert run.stderr.strip().splitlines() == [run.stderr.strip()]  # one line
        assert "another citegraph run is writing to" in run.stderr and "Traceback" not in run.stderr
    assert waited >= 1.5  # each waited its half second
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing changed, nothing added


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from citegraph.outlock import output_lock\n"
        f"with output_lock(Path({str(tmp_path)!r})):\n    print('held', flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(OutputBusyError):
            with output_lock(tmp_path, wait_s=0.2):
                pass
        holder.kill()
        holder.wait(timeout=10)
        with output_lock(tmp_path, wait_s=2) as path:
            assert path == tmp_path / LOCK_NAME and path.read_bytes() == b""
    finally:
        holder.kill()


def test_analyze_of_a_missing_graph_creates_nothing(tmp_path) -> None:
    missing = tmp_path / "nothing-here"
    run = cli("analyze", str(missing), "--no-corpus")
    assert run.returncode == 11 and not missing.exists()
