"""A trigger's run: ``--start`` read, the state locked, polled, bundles out, state committed."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.cli.output import write_pages
from runtime.core.errors import InputError
from runtime.core.redaction import Redactor
from runtime.definitions.specs import ModuleSpec
from runtime.engine.execution import RunContext
from runtime.engine.polling import Start, poll
from runtime.engine.state import DEFAULT_STATE_DIR, StateStore

if TYPE_CHECKING:
    from runtime.engine.output_check import OutputCheck
    from runtime.engine.recording import Recorder


def parse_start(text: str) -> Start:
    """``--start``: now, all, date:YYYY-MM-DD or id:N."""
    if text in ("now", "all"):
        return Start(text)
    kind, _, value = text.partition(":")
    try:
        if kind == "date":
            return Start("date", dt.date.fromisoformat(value))
        if kind == "id":
            return Start("id", int(value))
    except ValueError:
        pass
    raise InputError(f"--start: expected now, all, date:YYYY-MM-DD or id:N; got {text!r}")


def poll_trigger(
    module: ModuleSpec,
    parameters: Mapping[str, Any],
    context: RunContext,
    options: argparse.Namespace,
    redactor: Redactor,
    check: OutputCheck | None,
    recorder: Recorder | None = None,
) -> None:
    if options.limit is not None and options.limit < 1:
        raise InputError(f"--limit: expected a whole number of at least 1; got {options.limit}")
    store = StateStore(Path(options.state_dir or DEFAULT_STATE_DIR))
    target = context.connection.target
    # Held from reading the state to committing the next one: a second run of this
    # trigger waits, then refuses, and so never emits what this one emits.
    with store.session(
        module.id, target, wait_seconds=context.connector.base.state_lock_wait_seconds
    ) as session:
        previous = session.state
        if previous.started and options.start:
            raise InputError(
                f"--start applies to a first run; {module.id} has state already "
                f"('connector state reset {module.id}' starts over)"
            )
        start = parse_start(options.start) if options.start else None
        result = poll(module, parameters, context, previous, limit=options.limit, start=start)
        pages = [result.bundles]
        if recorder is not None:
            recorder.note_trigger(previous.to_json(), options.start, options.limit)
            recorder.bundles.extend(result.bundles)
        write_pages(redactor, pages if check is None else check.check_pages(pages))
        sys.stdout.flush()  # the bundles are out before the state moves on
        session.commit(result.state)
    if result.pending:
        print(
            f"{module.id}: {len(result.bundles)} emitted, {result.pending} pending; they come "
            "in the next runs",
            file=sys.stderr,
        )
    if not previous.started and result.skipped == 0:
        print("first run: watching from now on (there were no items yet)", file=sys.stderr)
    elif not previous.started and result.skipped is not None:
        print(
            f"first run: {result.skipped} existing item(s) treated as already seen; to get "
            f"them, run 'connector state reset {module.id}' and then this command with "
            "--start all",
            file=sys.stderr,
        )
