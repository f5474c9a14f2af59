"""Which function runs each command (each returns the exit code).

A command's module is imported only when that command runs: a search run does not pay for
the trigger state, the exporter or jsonschema. One module per concern: definition_commands
(validate, modules, describe), run_command and poll_command, rpc_command, verify_command,
state_command, export_command, recording_command (--record, replay, drift); what they share
is in parameters, connecting and sending.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from runtime.core.redaction import Redactor

Handler = Callable[[argparse.Namespace, Path, Redactor], int]


def dispatch(options: argparse.Namespace, redactor: Redactor) -> int:
    from runtime.definitions.loader import default_root

    root = Path(options.root) if options.root else default_root()
    return _handler(options.command)(options, root, redactor)


def _handler(command: str) -> Handler:
    if command in ("validate", "modules", "describe"):
        from runtime.cli import definition_commands

        chosen: dict[str, Handler] = {
            "validate": definition_commands.validate,
            "modules": definition_commands.list_modules,
            "describe": definition_commands.describe,
        }
        return chosen[command]
    if command == "run":
        from runtime.cli.run_command import run

        return run
    if command == "rpc":
        from runtime.cli.rpc_command import rpc

        return rpc
    if command == "verify":
        from runtime.cli.verify_command import verify

        return verify
    if command == "export":
        from runtime.cli.export_command import export

        return export
    if command == "state":
        from runtime.cli.state_command import state

        return state
    if command in ("replay", "drift"):
        from runtime.cli import recording_command

        return recording_command.replay if command == "replay" else recording_command.drift
    raise AssertionError(f"no handler for {command!r}")  # argparse allows only the above
