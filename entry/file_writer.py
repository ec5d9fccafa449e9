"""One writer thread for the demo's output files (screenshots, voice prompts): the GUI thread hands each
write over and goes on; ``close`` waits for them all and raises the first that failed."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable


class BackgroundWriter:
    def __init__(self, name: str) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        self._writes: list[Future] = []

    def submit(self, write: Callable[[], object]) -> None:
        self._writes.append(self._pool.submit(write))

    def close(self, timeout_s: float = 60.0) -> None:
        try:
            for write in self._writes:
                write.result(timeout_s)
        finally:
            self._pool.shutdown(wait=False)
            self._writes = []
