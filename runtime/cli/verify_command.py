"""``connector verify``: the connection's own request, to see that domain and token work."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runtime.cli.connecting import open_for
from runtime.cli.recording_command import recorder_for, save
from runtime.cli.sending import run_context
from runtime.core.errors import ApiError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_connections
from runtime.engine.rendering import render_request


def verify(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    connector = load_connections(root)
    spec = next(iter(connector.connections.values()))
    connection = open_for(connector, spec.id, options, redactor)
    recorder = recorder_for(options, redactor, connection, "verify", spec.id, {})
    context = run_context(connector, connection, recorder=recorder)
    try:
        context.send(render_request(spec.verify, {}, connection, connector.base))
    except ApiError as error:
        if error.status != 404:
            raise
        # The verify request names no record, so a 404 can only mean the account.
        raise ApiError(
            f"HTTP 404: no Clientary account answers at {connection.base_url}; check the domain "
            "(the part before .clientary.com)",
            status=404,
            make_type="InvalidConfigurationError",
        ) from None
    print(f"ok: the connection to {connection.base_url} works", file=sys.stderr)
    save(recorder)
    return 0
