"""One writer per output directory: a lock file that a second run waits for, a bounded time.

Two runs writing one ``--out`` (a crawl while an analysis of the previous crawl is still
writing, two crawls started by a script) used to mix their files or roll the graph back. Each
run that writes into a directory now holds an exclusive ``flock`` on ``DIR/.citegraph.lock``
for as long as it writes there; a second run waits up to ``wait_s`` seconds (the first one is
usually about to finish), then stops with :class:`~citegraph.errors.OutputBusyError` (exit 13)
and one line, having written nothing. The lock is the kernel's: it is released when the holder
exits or is killed, so a crashed run never leaves the directory locked. The file itself stays,
empty (removing it would race with a waiting run; writing into it would change a file on every
run).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from typing import Iterator

from .errors import OutputBusyError, OutputError

__all__ = ["LOCK_NAME", "DEFAULT_WAIT_S", "output_lock"]

LOCK_NAME = ".citegraph.lock"
#: How long a second writer waits for the first by default (seconds).
DEFAULT_WAIT_S = float(os.environ.get("CITEGRAPH_LOCK_WAIT_S", "60"))


@contextlib.contextmanager
def output_lock(directory: Path, *, wait_s: float | None = None, poll_s: float = 0.1) -> Iterator[Path]:
    """Hold the write lock of ``directory`` (created if needed) while the block runs."""
    wait = DEFAULT_WAIT_S if wait_s is None else wait_s
    path = Path(directory) / LOCK_NAME
    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write to --out directory {directory}: {exc.strerror or exc}") from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OutputBusyError(
                        f"another citegraph run is writing to {directory} (waited {wait:.0f} s); "
                        "wait for it to finish or choose another --out") from None
                time.sleep(poll_s)
        yield path
    finally:
        os.close(handle)  # closing releases the lock
