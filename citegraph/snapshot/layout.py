"""Write works as a snapshot in OpenAlex's layout: JSON-lines parts, Parquet parts, manifests.

``data/jsonl/works/updated_date=YYYY-MM-DD/part_0000.gz`` … (one partition per update date, up
to ``part_records`` records a part, gzip JSON lines as OpenAlex ships them) and the same parts
as ``data/parquet/works/updated_date=…/part_0000.parquet`` in :data:`~citegraph.snapshot.schema.SCHEMA`
with small row groups (``row_group_rows``: a scan then holds one small group at a time), each
format with its ``manifest.json`` (``entries: [{url, meta: {content_length, record_count}}]``
and the totals in ``meta``), urls in OpenAlex's form (``s3://openalex/data/jsonl/works/…``).

For tests, demos and benchmarks (the demo corpus, synthetic works), and for anyone who wants a
small snapshot of their own works to try the snapshot path on.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any, Iterable, TextIO

from ..errors import OutputError
from .schema import SCHEMA, duckdb_columns

__all__ = ["write_snapshot", "BUCKET_URL", "DEFAULT_PART_RECORDS", "DEFAULT_ROW_GROUP_ROWS"]

BUCKET_URL = "s3://openalex"
#: OpenAlex's parts hold up to ~400k records.
DEFAULT_PART_RECORDS = 400_000
#: Rows per Parquet row group: 16k keeps a scan under a small memory limit (measured).
DEFAULT_ROW_GROUP_ROWS = 16_384
_NO_DATE = "1970-01-01"


class _JsonlParts:
    """Open part files, one partition per update date, each rolled over at ``limit`` records."""

    def __init__(self, works_dir: Path, limit: int) -> None:
        self.dir = works_dir
        self.limit = limit
        self.open: dict[str, tuple[TextIO, Path, int]] = {}
        self.done: list[tuple[Path, int]] = []
        self.next_index: dict[str, int] = {}

    def _start(self, day: str) -> tuple[TextIO, Path, int]:
        index = self.next_index.get(day, 0)
        self.next_index[day] = index + 1
        path = self.dir / f"updated_date={day}" / f"part_{index:04d}.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = gzip.open(path, "wt", encoding="utf-8", compresslevel=6)
        return handle, path, 0

    def write(self, work: dict[str, Any]) -> None:
        day = str(work.get("updated_date") or _NO_DATE)[:10]
        handle, path, count = self.open.get(day) or self._start(day)
        handle.write(json.dumps(work, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
        if count >= self.limit:
            handle.close()
            self.done.append((path, count))
            self.open.pop(day, None)
        else:
            self.open[day] = (handle, path, count)

    def close(self) -> list[tuple[Path, int]]:
        for handle, path, count in self.open.values():
            handle.close()
            self.done.append((path, count))
        self.open.clear()
        return sorted(self.done)


def _write_manifest(works_dir: Path, fmt: str, parts: list[tuple[Path, int]]) -> Path:
    entries = []
    for path, count in parts:
        relative = path.relative_to(works_dir).as_posix()
        entries.append({"url": f"{BUCKET_URL}/data/{fmt}/works/{relative}",
                        "meta": {"content_length": path.stat().st_size, "record_count": count}})
    manifest = works_dir / "manifest.json"
    meta = {"content_length": sum(e["meta"]["content_length"] for e in entries),
            "record_count": sum(e["meta"]["record_count"] for e in entries)}
    manifest.write_text(json.dumps({"entries": entries, "meta": meta}, indent=2) + "\n", encoding="utf-8")
    return manifest


def _parquet_parts(root: Path, jsonl_dir: Path, parts: list[tuple[Path, int]], row_group_rows: int
                   ) -> list[tuple[Path, int]]:
    import duckdb

    columns = ", ".join(f'"{name}"' for name in SCHEMA)
    out_dir = root / "data" / "parquet" / "works"
    written = []
    with duckdb.connect() as con:
        for path, count in parts:
            target = out_dir / path.relative_to(jsonl_dir).with_suffix(".parquet")
            target.parent.mkdir(parents=True, exist_ok=True)
            source = (f"read_json('{path}', format = 'newline_delimited', compression = 'gzip', "
                      f"columns = {duckdb_columns()!r}, hive_partitioning = false)")
            con.execute(f"COPY (SELECT {columns} FROM {source}) TO '{target}' "
                        f"(FORMAT parquet, ROW_GROUP_SIZE {int(row_group_rows)}, COMPRESSION zstd)")
            written.append((target, count))
    return written


def write_snapshot(works: Iterable[dict[str, Any]], root: Path | str, *, part_records: int = DEFAULT_PART_RECORDS,
                   formats: tuple[str, ...] = ("jsonl", "parquet"),
                   row_group_rows: int = DEFAULT_ROW_GROUP_ROWS) -> dict[str, Path]:
    """Write ``works`` (raw OpenAlex dicts) as a snapshot under ``root``; returns each format's
    manifest path. The JSON lines are always written (the Parquet parts are made from them)."""
    out = Path(root)
    jsonl_dir = out / "data" / "jsonl" / "works"
    try:
        jsonl_dir.mkdir(parents=True, exist_ok=True)
        writer = _JsonlParts(jsonl_dir, max(1, part_records))
        for work in works:
            writer.write(work)
        parts = writer.close()
        manifests = {"jsonl": _write_manifest(jsonl_dir, "jsonl", parts)}
        if "parquet" in formats:
            parquet = _parquet_parts(out, jsonl_dir, parts, row_group_rows)
            manifests["parquet"] = _write_manifest(out / "data" / "parquet" / "works", "parquet", parquet)
    except OSError as exc:
        raise OutputError(f"cannot write the snapshot to {out}: {exc.strerror or exc}") from exc
    return manifests
