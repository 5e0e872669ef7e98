"""Snapshots in OpenAlex's layout for tests and benchmarks: the demo corpus and synthetic works.

:func:`write_demo_snapshot` writes the bundled demo corpus (13,732 works) as a snapshot;
:func:`write_synthetic_snapshot` writes ``n`` works of :mod:`benchmarks.synthetic` (with its
``seeds.json`` at the root). Both go through :func:`citegraph.snapshot.write_snapshot`, so
JSON-lines and Parquet parts and their manifests are written as OpenAlex ships them.

``python -m benchmarks.snapshot_data OUT --works 100000`` writes a synthetic one (``--demo`` the demo).
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any, Iterator, Sequence

from citegraph.pipeline import BUNDLED_DEMO
from citegraph.snapshot import write_snapshot

from .synthetic import SyntheticDataset

__all__ = ["write_demo_snapshot", "write_synthetic_snapshot", "demo_works"]


def demo_works(path: Path = BUNDLED_DEMO) -> Iterator[dict[str, Any]]:
    """The demo corpus's records, in file order."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def write_demo_snapshot(root: Path | str, *, part_records: int = 4000, formats: tuple[str, ...] = ("jsonl", "parquet"),
                        row_group_rows: int = 16_384) -> dict[str, Path]:
    """The bundled demo corpus as a snapshot under ``root``; returns each format's manifest."""
    return write_snapshot(demo_works(), root, part_records=part_records, formats=formats, row_group_rows=row_group_rows)


def write_synthetic_snapshot(root: Path | str, n: int, *, seed: int = 0, part_records: int = 400_000,
                             formats: tuple[str, ...] = ("jsonl", "parquet"), row_group_rows: int = 16_384,
                             **overrides: Any) -> dict[str, Any]:
    """``n`` synthetic works as a snapshot under ``root``, and ``root/seeds.json``.

    Returns ``{"manifests", "seeds" (short ids), "works", "edges"}``.
    """
    dataset = SyntheticDataset(n, seed=seed, **overrides)
    manifests = write_snapshot(dataset.works(), root, part_records=part_records, formats=formats,
                               row_group_rows=row_group_rows)
    seeds = [work.rsplit("/", 1)[-1] for work in dataset.seeds]
    (Path(root) / "seeds.json").write_text(json.dumps({f"seed{k}": s for k, s in enumerate(seeds, 1)}, indent=2) + "\n",
                                           encoding="utf-8")
    return {"manifests": manifests, "seeds": seeds, "works": n, "edges": dataset.edges}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--demo", action="store_true", help="write the demo corpus instead of synthetic works")
    parser.add_argument("--part-records", type=int, default=None)
    args = parser.parse_args(argv)
    if args.demo:
        print(write_demo_snapshot(args.out, part_records=args.part_records or 4000))
    else:
        print(write_synthetic_snapshot(args.out, args.works, part_records=args.part_records or 400_000))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
