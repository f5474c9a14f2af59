"""Assembling what sends: one RequestsTransport per command, as connector.yaml's base says."""

from __future__ import annotations

from runtime.cli.output import LoggingTransport
from runtime.definitions.specs import ConnectorSpec
from runtime.engine.connection import Connection
from runtime.engine.execution import RunContext
from runtime.engine.transport import RequestsTransport, RetryPolicy, Transport


def run_context(
    connector: ConnectorSpec, connection: Connection, *, verbose: bool = False
) -> RunContext:
    """``verbose`` logs each request line and status to stderr (--verbose)."""
    base = connector.base
    transport: Transport = RequestsTransport(
        auth=(connection.username, connection.password),
        timeout_seconds=base.timeout_seconds,
        retry=RetryPolicy.for_base(base),
        max_response_bytes=base.max_response_bytes,
    )
    if verbose:
        transport = LoggingTransport(transport)
    return RunContext(connector, connection, transport)
