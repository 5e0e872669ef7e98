"""Find a snapshot's manifest and check it: every part listed exists, sizes and counts agree.

An OpenAlex snapshot keeps one ``manifest.json`` per format and entity
(``data/jsonl/works/manifest.json``, ``data/parquet/works/manifest.json``) listing each part as
``{"url": "s3://openalex/data/jsonl/works/updated_date=.../part_0000.gz", "meta":
{"content_length": bytes, "record_count": records}}``. A part's url is resolved against the
directory holding the manifest (the part after ``/works/``), so a copy of the bucket anywhere on
disk reads as the original. Only the parts listed are read: a file beside them that the
manifest does not list is left out, with a warning. The record counts are checked after the
scan (:func:`check_counts`), since counting records means reading them.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping
from urllib.parse import unquote, urlparse

from ..errors import SnapshotError

__all__ = ["Part", "Snapshot", "open_snapshot", "check_counts", "part_key", "FORMATS"]

log = logging.getLogger("citegraph")

FORMATS = ("jsonl", "parquet")
_PART_SUFFIX = {"jsonl": (".gz", ".jsonl"), "parquet": (".parquet",)}


@dataclass(frozen=True)
class Part:
    """One file of the snapshot, as the manifest lists it."""

    path: Path
    url: str
    records: int
    content_length: int | None


@dataclass(frozen=True)
class Snapshot:
    """A checked snapshot of works in one format."""

    root: Path
    format: str
    manifest: Path
    parts: tuple[Part, ...]

    @property
    def records(self) -> int:
        return sum(part.records for part in self.parts)

    def describe(self) -> str:
        return f"{self.root} ({self.format}, {len(self.parts)} parts, {self.records:,} works in the manifest)"


def part_key(path: str | Path) -> str:
    """A part's path in one spelling, whatever the engine reports (``file:///…``, relative)."""
    text = str(path)
    if text.startswith("file:"):
        text = unquote(urlparse(text).path)
    return str(Path(text).resolve())


def _manifest_for(path: Path, fmt: str) -> tuple[Path, str]:
    if path.is_file() and path.name == "manifest.json":
        path = path.parent
    if (path / "manifest.json").is_file():  # a works directory itself
        found = path / "manifest.json"
        return found, fmt if fmt != "auto" else ("parquet" if "parquet" in path.parts else "jsonl")
    wanted = FORMATS if fmt == "auto" else (fmt,)
    for name in sorted(wanted, key=lambda f: f != "parquet"):  # auto: Parquet first, it scans faster
        for layout in (path / "data" / name / "works", path / name / "works"):
            if (layout / "manifest.json").is_file():
                return layout / "manifest.json", name
    if fmt == "auto" and (path / "data" / "works" / "manifest.json").is_file():  # the older layout
        return path / "data" / "works" / "manifest.json", "jsonl"
    raise SnapshotError(f"no works manifest under {path} (looked for data/{{jsonl,parquet}}/works/manifest.json); "
                        "pass a snapshot root in OpenAlex's layout")


def _resolve(url: str, works_dir: Path) -> Path:
    match = re.search(r"/works/(.+)$", url)
    if "://" in url and not url.startswith("file:"):
        if not match:
            raise SnapshotError(f"manifest entry {url!r} is not a works part; check the manifest")
        return works_dir / match.group(1)
    local = Path(unquote(urlparse(url).path) if url.startswith("file:") else url)
    return local if local.is_absolute() else works_dir / local


def _entries(manifest: Path) -> list[dict]:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        entries = data["entries"]
        if not isinstance(entries, list):
            raise TypeError("entries is not a list")
        return entries
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SnapshotError(f"{manifest} is not an OpenAlex manifest ({exc.__class__.__name__}: {exc}); "
                            "download it again") from exc


def _part(entry: dict, works_dir: Path, manifest: Path) -> Part:
    try:
        url = str(entry["url"])
        meta = entry.get("meta") or {}
        records = int(meta["record_count"])
        length = meta.get("content_length")
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{manifest}: an entry lacks url or meta.record_count ({entry!r:.120}); "
                            "download the manifest again") from exc
    return Part(_resolve(url, works_dir), url, records, None if length is None else int(length))


def open_snapshot(path: Path | str, fmt: str = "auto") -> Snapshot:
    """The snapshot at ``path`` (its root, a works directory or a manifest), checked: every part
    listed exists and has the manifest's size. Raises :class:`SnapshotError` otherwise."""
    root = Path(path)
    if fmt not in ("auto", *FORMATS):
        raise SnapshotError(f"unknown snapshot format {fmt!r}; use auto, jsonl or parquet")
    if not root.exists():
        raise SnapshotError(f"no snapshot at {root}: the path does not exist")
    manifest, found_format = _manifest_for(root, fmt)
    parts = tuple(_part(entry, manifest.parent, manifest) for entry in _entries(manifest))
    if not parts:
        raise SnapshotError(f"{manifest} lists no parts; download the snapshot again")
    missing = [p for p in parts if not p.path.is_file()]
    if missing:
        raise SnapshotError(f"{manifest} lists {len(missing)} part(s) that are missing, first {missing[0].path}; "
                            "finish the download")
    for part in parts:
        size = part.path.stat().st_size
        if part.content_length is not None and size != part.content_length:
            raise SnapshotError(f"{part.path} has {size:,} bytes, the manifest says {part.content_length:,} "
                                "(a truncated download?); download it again")
    listed = {part_key(p.path) for p in parts}
    extra = [f for f in manifest.parent.rglob("*") if f.is_file() and f.suffix in _PART_SUFFIX[found_format]
             and part_key(f) not in listed]
    if extra:
        log.warning("%d file(s) beside the manifest are not listed in it and are left out, first %s", len(extra), extra[0])
    return Snapshot(root, found_format, manifest, parts)


def check_counts(snapshot: Snapshot, counts: Mapping[str, int]) -> None:
    """Raise :class:`SnapshotError` unless every part held the records its manifest entry says
    (``counts``: records per part, as the engine read them, keyed by any spelling of the path)."""
    read = {part_key(path): n for path, n in counts.items()}
    for part in snapshot.parts:
        found = read.get(part_key(part.path), 0)
        if found != part.records:
            raise SnapshotError(f"{part.path} holds {found:,} records, the manifest says {part.records:,}; "
                                "download the part again")
