"""Opening the connection a command uses, from ``--connection`` or the environment.

Its secrets go to the redactor first, before any message can echo a value holding one.
"""

from __future__ import annotations

import argparse
import os

from runtime.core.redaction import Redactor
from runtime.definitions.specs import ConnectorSpec
from runtime.engine.connection import Connection, open_connection, read_connection_values


def open_for(
    connector: ConnectorSpec,
    connection_id: str,
    options: argparse.Namespace,
    redactor: Redactor,
    *,
    need_secrets: bool = True,
) -> Connection:
    """``need_secrets=False`` for what sends nothing (a dry run, the state commands): a
    missing token is then no error, and the connection has no credentials."""
    env = os.environ
    values = read_connection_values(options.connection, env)
    spec = connector.connections[connection_id]
    redactor.add(str(values.get(name, "")) for name in spec.secret_names)
    base_url = options.base_url or env.get("CLIENTARY_BASE_URL")
    connection = open_connection(spec, connector.base, values, base_url, need_secrets=need_secrets)
    redactor.add(connection.secrets)
    return connection
