"""What the CLI says on stderr about a list read: the live progress line on a terminal, the
``--verbose`` summary, and the notices that a read stopped early or found nothing.

The live line is drawn from a ``ReadReport`` listener, so it costs one call per page, never
one per record, and it redraws at most ``1 / interval`` times a second. A few dozen lines of
standard library do it: tqdm or rich would bring a dependency (and, with rich, a console
layer) for one line of text, and neither knows the page count, the limit or the secrets
that this output must keep to its own rules.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TextIO

from runtime.cli.output import LoggingTransport
from runtime.definitions.specs import ModuleSpec, RpcSpec
from runtime.engine.pagination import ReadReport
from runtime.engine.transport import Transport

ERASE_LINE = "\r\x1b[K"  # back to the line's start, erase to its end


class ReadProgress:
    """The stderr side of one read: hand ``report`` to the read, ``finish`` when it is over."""

    def __init__(
        self,
        where: str,
        stream: TextIO,
        *,
        requests: Callable[[], int] | None = None,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.1,
    ) -> None:
        self.where = where
        self.stream = stream
        self.requests = requests  # given with --verbose: the summary counts them
        # With --verbose the request lines are the progress, and a live line would be
        # overwritten by each of them.
        self.live = requests is None and stream.isatty()
        self.report = ReadReport(listener=self._page_read if self.live else None)
        self._clock = clock
        self._interval = interval
        self._started = clock()
        self._drawn_at: float | None = None
        self._text = ""  # the line last drawn
        self._shown = False  # whether it is on the screen now

    @classmethod
    def for_transport(cls, where: str, stream: TextIO, transport: Transport) -> ReadProgress:
        """A summary with ``--verbose`` (the logging transport counts the requests)."""
        if isinstance(transport, LoggingTransport):
            logging = transport
            return cls(where, stream, requests=lambda: logging.requests)
        return cls(where, stream)

    def pause(self) -> None:
        """Erase the live line, e.g. before bundles go to the same terminal."""
        if self._shown:
            self.stream.write(ERASE_LINE)
            self.stream.flush()
            self._shown = False

    def resume(self) -> None:
        """Draw the live line again after a pause."""
        if self._text and not self._shown:
            self._draw(self._text)

    def finish(self) -> None:
        """The read is over, or failed: the line is erased, so what follows starts clean."""
        self.pause()
        self._text = ""

    def closing_lines(self, notice: str | None, records: int) -> list[str]:
        """The notice, if any, then the ``--verbose`` summary."""
        lines = [] if notice is None else [notice]
        if self.requests is not None:
            count = self.requests()
            seconds = self._clock() - self._started
            lines.append(
                f"{self.where}: {count} request{'' if count == 1 else 's'}, {records:,} "
                f"records in {seconds:.1f} s"
            )
        return lines

    def _page_read(self, report: ReadReport) -> None:
        planned = report.planned or 1
        if planned <= 1:
            return  # a read of one page is over before a line would help
        now = self._clock()
        if self._drawn_at is not None and now - self._drawn_at < self._interval:
            return
        self._drawn_at = now
        elapsed = max(now - self._started, 1e-6)
        left = (planned - report.pages) * elapsed / max(report.pages, 1)
        self._draw(
            f"{self.where}: page {report.pages}/{planned}, {report.records:,} records, "
            f"{report.records / elapsed:,.0f}/s, {_duration(left)} left"
        )

    def _draw(self, text: str) -> None:
        self._text = text
        self.stream.write("\r" + text + "\x1b[K")  # erase what a longer line left behind
        self.stream.flush()
        self._shown = True


def _duration(seconds: float) -> str:
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60:02d} s"


_LIMIT_PARAMETER = re.compile(r"\{\{\s*parameters\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def module_notice(module: ModuleSpec, report: ReadReport, shown: int) -> str | None:
    """``0 results``, or why a list module showed fewer records than exist; else None."""
    if shown == 0:
        return f"{module.id}: 0 results"
    if not report.more:
        return None
    named = _LIMIT_PARAMETER.fullmatch(str(module.response.limit or "").strip())
    hint = f"--param {named.group(1)}=N for more" if named else "the module file sets the limit"
    return f"{module.id}: {_count(report, shown)} (limit {shown}); {_more(report, shown)}{hint}"


def rpc_notice(rpc: RpcSpec, report: ReadReport, shown: int) -> str | None:
    """``0 results``, or that the drop-down holds only the first options; else None."""
    if shown == 0:
        return f"{rpc.id}: 0 results"
    if not report.more:
        return None
    return (
        f"{rpc.id}: {_count(report, shown)} (the drop-down's first {shown}); "
        f"{_more(report, shown)}map an ID instead for the others"
    )


def _count(report: ReadReport, shown: int) -> str:
    if report.total is not None and report.total > shown:
        return f"{shown} of {report.total} shown"
    return f"{shown} shown"


def _more(report: ReadReport, shown: int) -> str:
    """Said when no total tells it already."""
    return "" if report.total is not None and report.total > shown else "more exist; "
