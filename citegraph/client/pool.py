"""Running batches of ids in parallel on daemon threads, yielding their results in order.

Daemon threads because after Ctrl-C the CLI must exit at once, not after every request in
flight has run out its timeout and retries (``ThreadPoolExecutor`` joins its threads at
exit). An answer abandoned that way was never cached, so the rerun fetches it again, as after
a kill; a cache write cut off mid-way is a rolled-back SQLite transaction.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class WorkerPool:
    """``workers`` daemon threads running submitted calls, started on first use."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._tasks: queue.SimpleQueue[tuple[Future, Callable[..., Any], tuple[Any, ...]] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        self._start()
        future: Future = Future()
        self._tasks.put((future, fn, args))
        return future

    def _start(self) -> None:
        with self._lock:
            if self._threads:
                return
            self._threads = [threading.Thread(target=self._work, name=f"citegraph-fetch-{n}", daemon=True)
                             for n in range(self._workers)]
            for thread in self._threads:
                thread.start()

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, fn, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self) -> None:
        """Let the threads end once their current call returns (without waiting for them)."""
        with self._lock:
            for _ in self._threads:
                self._tasks.put(None)

    def map_in_order(self, fn: Callable[[T], R], items: Sequence[T], stop: threading.Event) -> Iterator[R]:
        """``fn`` over ``items`` (in parallel when there are several), results in order.

        On the first error the batches not started are cancelled, those running finish (and
        are cached: a budget stop keeps them all), then the first error is raised. Ctrl-C while
        waiting sets ``stop`` and returns at once, without waiting for requests in flight.
        """
        if len(items) <= 1 or self._workers == 1:
            yield from map(fn, items)
            return
        futures = [self.submit(fn, item) for item in items]
        results: list[R] = []
        error: BaseException | None = None
        try:
            for future in futures:
                if error is not None:
                    future.cancel()
                    continue
                try:
                    results.append(future.result())
                except Exception as exc:  # noqa: BLE001 - re-raised below once the others settle
                    error = exc
            if error is not None:
                for future in futures:
                    if not future.cancelled():
                        future.exception()  # wait; the first error is the one reported
        except BaseException:
            stop.set()
            for future in futures:
                future.cancel()
            raise
        if error is not None:
            raise error
        yield from results
