"""Output-equality check: run the demo job, hash every output file, compare with an earlier run.

A change meant to keep behaviour (a refactor) must leave the files a person gets byte-identical.
Run this before the change into one directory and after it into another, then compare::

    python benchmarks/output_equality.py /tmp/eq-before            # before the change
    python benchmarks/output_equality.py /tmp/eq-after --compare /tmp/eq-before

It runs, inside the directory (emptied first when it holds an earlier run, refused when it holds
anything else), the README's main job and a two-term
analysis of its graph::

    citegraph crawl --seed bert --seed gpt1 --seed ulmfit --demo --analyze --html -q
    citegraph analyze outputs/bert --term pre-training --term fine-tuning --out outputs/two

and prints one ``sha256  path`` line per file under ``outputs/``. The jobs run as ``python -m
citegraph`` with the interpreter running this script, so run it with the environment of the
checkout under test (the script itself can come from any checkout). Fields that hold timings are
hashed with their value blanked, since they differ on every run: only ``elapsed_s`` in
``summary.json`` (wall-clock seconds of the crawl) and in ``corpus.json`` (of the corpus view). The cache (``cache/cache.db``) is not an
output and holds fetch times, so it is not hashed. ``--compare`` hashes an earlier directory
(without running anything) and exits 1 when any file differs or is missing on one side.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

JOBS: tuple[tuple[str, ...], ...] = (
    ("crawl", "--seed", "bert", "--seed", "gpt1", "--seed", "ulmfit", "--demo", "--analyze", "--html", "-q"),
    ("analyze", "outputs/bert", "--term", "pre-training", "--term", "fine-tuning", "--out", "outputs/two"),
)

#: ``file name: JSON field`` of the timing fields blanked before hashing.
TIMING_FIELDS: dict[str, str] = {"summary.json": "elapsed_s", "corpus.json": "elapsed_s"}


def _blank_timing(name: str, data: bytes) -> bytes:
    """``data`` with the value of ``name``'s timing field (a JSON number) replaced by a marker."""
    field = TIMING_FIELDS.get(name)
    if field is None:
        return data
    return re.sub(rb'("' + re.escape(field.encode()) + rb'": )[-0-9.eE+]+', rb"\1<timing>", data)


#: What a directory of an earlier run holds; anything else there, and the script will not empty it.
_RUN_ENTRIES = {"outputs", "cache"}


def run_jobs(directory: Path) -> None:
    """Empty ``directory`` (only when it holds nothing but an earlier run) and run :data:`JOBS` in it."""
    if directory.exists():
        foreign = sorted(p.name for p in directory.iterdir() if p.name not in _RUN_ENTRIES)
        if foreign:
            raise SystemExit(f"{directory} holds more than an earlier run ({', '.join(foreign[:3])}); pick another directory")
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    for job in JOBS:
        subprocess.run([sys.executable, "-m", "citegraph", *job], cwd=directory, check=True,
                       stdout=subprocess.DEVNULL)


def file_hashes(directory: Path) -> dict[str, str]:
    """``{path under outputs/: sha256}`` with the timing fields blanked."""
    root = directory / "outputs"
    hashes = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = _blank_timing(path.name, path.read_bytes())
        hashes[path.relative_to(root).as_posix()] = hashlib.sha256(data).hexdigest()
    return hashes


def differences(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """One line per file that differs, or exists on one side only."""
    lines = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            lines.append(f"missing after: {name}")
        elif name not in before:
            lines.append(f"new after: {name}")
        elif before[name] != after[name]:
            lines.append(f"differs: {name}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path, help="where to run the jobs (emptied first)")
    parser.add_argument("--compare", type=Path, metavar="EARLIER", help="an earlier run's directory to compare with")
    parser.add_argument("--no-run", action="store_true", help="only hash what DIRECTORY already holds")
    args = parser.parse_args(argv)
    if not args.no_run:
        run_jobs(args.directory)
    after = file_hashes(args.directory)
    for name, digest in after.items():
        print(f"{digest}  {name}")
    if args.compare is None:
        return 0
    diff = differences(file_hashes(args.compare), after)
    blanked = ", ".join(f"{name} {field}" for name, field in TIMING_FIELDS.items())
    print("\n".join(diff) if diff else f"identical: {len(after)} files (timing fields blanked: {blanked})")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
