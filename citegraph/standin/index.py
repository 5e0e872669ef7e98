"""The stand-in's data: JSONL loading, OpenAlex id and DOI forms, and the lookups queries need.

:class:`WorkIndex` holds the records plus position-by-id/DOI/year, who-cites-X and the word
index for searches (built on the first search). Standard library only.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..bulk import gc_paused
from ..records import normalize_doi, try_work_id

Work = dict[str, Any]


# ---------------------------------------------------------------------------- loading and ids

def load_works(path: str | os.PathLike[str]) -> list[Work]:
    """Read OpenAlex work records, one JSON object per line, from ``.jsonl`` or ``.jsonl.gz``.

    Extra ``_``-prefixed fields (``_provenance``, ...) are kept: they are served as they are.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    works = []
    with opener(path, "rt", encoding="utf-8") as handle, gc_paused():
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                works.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON record ({exc.msg})") from exc
    return works


_CANONICAL_ID = re.compile(r"W\d+")


def short_id(value: Any) -> str | None:
    """``W123`` from ``W123``, ``w123`` or ``https://openalex.org/W123``; None otherwise
    (citegraph's own normaliser: the stand-in reads ids as the client writes them)."""
    return try_work_id(value)


def normalise_doi(value: Any) -> str | None:
    """Lowercase bare DOI (``10.x/y``) from ``doi:``/URL/bare forms (citegraph's own normaliser)."""
    return normalize_doi(value)


# ---------------------------------------------------------------------------- search text

_WORD = re.compile(r"[^\W_]+(?:[-\u2010-\u2014][^\W_]+)*")
_DASH = re.compile(r"[-\u2010-\u2014]")
_VOWEL = re.compile(r"[aeiouy]")


def word_tokens(text: str, *, keep_parts: bool) -> list[str]:
    """Lowercase words; a hyphenated compound counts as one joined word (pre-training ->
    pretraining), plus its parts when ``keep_parts`` (for the indexed text, so that a query
    ``training`` still finds ``pre-training``)."""
    tokens = []
    for word in _WORD.findall(text.lower()):
        if not _DASH.search(word):
            tokens.append(word)
            continue
        parts = _DASH.split(word)
        tokens.append("".join(parts))
        if keep_parts:
            tokens.extend(parts)
    return tokens


@functools.lru_cache(maxsize=1 << 18)
def stem(word: str) -> str:
    """A light suffix stripper (a small part of Porter's step 1) so that pretrain, pretrains,
    pretrained and pretraining share one stem. Consistency matters, not linguistics: text and
    query go through the same function."""
    if len(word) <= 3:
        return word
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 2 and _VOWEL.search(base):
            word = base
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            break
    if len(word) > 2 and word[-1] in "eyi":
        word = word[:-1]
    return word


# ---------------------------------------------------------------------------- the index

class WorkIndex:
    """The records plus the lookups every query needs, built once so a 100-id batch costs
    100 dict lookups: position by id and by DOI, who-cites-X, referenced ids, works by year.
    The word index for searches is built on the first search, so servers that never search
    (most tests) do not pay for it."""

    def __init__(self, works: Iterable[Work], merged_ids: Iterable[str] = ()) -> None:
        merged = {short_id(m) for m in merged_ids} - {None}
        # A merged id answers 404 since January 2026: its record is simply not served.
        self.works: list[Work] = [w for w in works if short_id(w.get("id")) not in merged]
        self.merged_ids = frozenset(merged)
        self.by_id: dict[str, int] = {}
        self.by_doi: dict[str, int] = {}
        self.by_year: dict[int, list[int]] = {}
        self.citing: dict[str, list[int]] = {}
        self.references: list[list[str]] = []
        # xpac works ("expansion pack": DataCite, repositories) are left out of list calls
        # unless include_xpac=true; singletons still serve them.
        self.xpac: frozenset[int] = frozenset(pos for pos, w in enumerate(self.works) if w.get("is_xpac") is True)
        with gc_paused():
            for pos, work in enumerate(self.works):
                self._add(pos, work)
        self._words: dict[str, dict[str, list[int]]] | None = None
        self._words_lock = threading.Lock()

    def _add(self, pos: int, work: Work) -> None:
        wid = short_id(work.get("id"))
        if wid is not None:
            self.by_id.setdefault(wid, pos)
        doi = normalise_doi(work.get("doi"))
        if doi is not None:
            self.by_doi.setdefault(doi, pos)
        year = work.get("publication_year")
        if isinstance(year, int):
            self.by_year.setdefault(year, []).append(pos)
        refs = [r for r in map(short_id, work.get("referenced_works") or ()) if r]
        self.references.append(refs)
        for ref in dict.fromkeys(refs):
            self.citing.setdefault(ref, []).append(pos)

    def __len__(self) -> int:
        return len(self.works)

    def word_postings(self, part: str, stemmed: bool) -> dict[str, list[int]]:
        """Word (or stem) -> positions of the works whose title or abstract (``part``) has it."""
        with self._words_lock:
            if self._words is None:
                with gc_paused():
                    self._words = self._index_words()
        return self._words[f"{part}_{'stems' if stemmed else 'words'}"]

    def _index_words(self) -> dict[str, dict[str, list[int]]]:
        maps: dict[str, dict[str, list[int]]] = {
            f"{part}_{kind}": {} for part in ("title", "abstract") for kind in ("words", "stems")}
        for pos, work in enumerate(self.works):
            title = work.get("display_name") or work.get("title") or ""
            # The inverted index's keys are the abstract's words; their order does not matter here.
            abstract = " ".join(work.get("abstract_inverted_index") or ())
            for part, text in (("title", title), ("abstract", abstract)):
                words = set(word_tokens(text, keep_parts=True))
                for word in words:
                    maps[f"{part}_words"].setdefault(word, []).append(pos)
                for word_stem in set(map(stem, words)):
                    maps[f"{part}_stems"].setdefault(word_stem, []).append(pos)
        return maps
