"""Assembling what sends: one RequestsTransport per command, as connector.yaml's base says."""

from __future__ import annotations

from typing import TYPE_CHECKING

from runtime.cli.output import LoggingTransport
from runtime.definitions.specs import ConnectorSpec
from runtime.engine.connection import Connection
from runtime.engine.execution import RunContext
from runtime.engine.transport import RequestsTransport, RetryPolicy, Transport

if TYPE_CHECKING:
    from runtime.engine.recording import Recorder


def run_context(
    connector: ConnectorSpec,
    connection: Connection,
    *,
    verbose: bool = False,
    recorder: Recorder | None = None,
) -> RunContext:
    """``verbose`` logs each request line and status to stderr (--verbose); a ``recorder``
    (--record DIR) keeps every exchange."""
    base = connector.base
    transport: Transport = RequestsTransport(
        auth=(connection.username, connection.password),
        timeout_seconds=base.timeout_seconds,
        retry=RetryPolicy.for_base(base),
        max_response_bytes=base.max_response_bytes,
    )
    if recorder is not None:  # inside the logging one: progress counts through that
        transport = recorder.wrap(transport)
    if verbose:
        transport = LoggingTransport(transport)
    return RunContext(connector, connection, transport)
