"""``--record DIR`` for run, rpc and verify (the recorder a command hands its transport to),
and the commands that read recordings back: ``connector replay`` and ``connector drift``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.core.redaction import Redactor
from runtime.engine.connection import Connection

if TYPE_CHECKING:
    from runtime.engine.recording import Recorder


def recorder_for(
    options: argparse.Namespace,
    redactor: Redactor,
    connection: Connection,
    kind: str,
    name: str,
    parameters: Mapping[str, Any],
) -> Recorder | None:
    """The run's recorder with ``--record DIR``, else None."""
    if not getattr(options, "record", None):
        return None
    from runtime.engine.recording import Account, Recorder

    account = Account(connection.base_url, str(connection.values.get("domain") or ""))
    return Recorder(
        Path(options.record),
        kind,
        name,
        account,
        redactor,
        parameters,
        keep_personal_data=options.keep_personal_data,
    )


def kept(
    recorder: Recorder | None, pages: Iterable[Sequence[Mapping[str, Any]]]
) -> Iterable[Sequence[Mapping[str, Any]]]:
    """The pages as they come, noted by the recorder on the way when there is one."""
    return pages if recorder is None else recorder.pages(pages)


def save(recorder: Recorder | None) -> None:
    """Write the recording (after the command succeeded) and say where."""
    if recorder is not None:
        print(f"recorded: {recorder.save()}", file=sys.stderr)


def replay(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.cli.replay import replay_files

    return replay_files(root, options.recordings, sys.stdout)


def drift(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.cli.drift import drift_command
    from runtime.cli.sending import run_context

    live = None
    if options.live:  # the account's connection, opened as run opens it
        from runtime.cli.connecting import open_for
        from runtime.definitions.loader import load_connector

        connector = load_connector(root)
        connection = open_for(connector, next(iter(connector.connections)), options, redactor)
        live = run_context(connector, connection)
    return drift_command(root, options, sys.stdout, redactor, live)
