"""What the sandbox command says on stderr while it seeds: a live line on a terminal, and one
summary line in every case (a log or a pipe gets that line only)."""

from __future__ import annotations

import time
from typing import TextIO

ERASE_LINE = "\r\x1b[K"


class SeedProgress:
    """Callable as the Sandbox's `progress(done, total)`; `finish` prints the summary."""

    def __init__(self, stream: TextIO, every: int = 100) -> None:
        self.stream = stream
        self.every = every  # clients between two updates of the live line
        self.live = stream.isatty()
        self.shown = False
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if self.live and (done % self.every == 0 or done == total):
            self.stream.write(f"\rseeding clients: {done}/{total}")
            self.stream.flush()
            self.shown = True

    def finish(self, clients: int, records: int) -> None:
        """Erase the live line and say what was seeded, in how long."""
        if self.shown:
            self.stream.write(ERASE_LINE)
        seconds = time.monotonic() - self.started
        self.stream.write(f"seeded {clients} clients ({records:,} records) in {seconds:.1f} s\n")
        self.stream.flush()
