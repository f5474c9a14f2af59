"""``connector state show|reset MODULE``: a trigger's saved state, shown or removed.

The account is part of the state's key, so the connection is opened, but without its
token: nothing is sent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from runtime.cli.connecting import open_for
from runtime.core.errors import InputError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_for_run
from runtime.engine.state import DEFAULT_STATE_DIR, StateStore


def state(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    connector, spec = load_for_run(root, options.module)
    if spec.trigger is None:
        raise InputError(
            f"state {options.action} {spec.id}: expected a trigger module; {spec.id} is a "
            f"{spec.kind} module and keeps no state ('connector modules' lists the triggers)"
        )
    connection = open_for(connector, spec.connection, options, redactor, need_secrets=False)
    store = StateStore(Path(options.state_dir or DEFAULT_STATE_DIR))
    if options.action == "reset":
        removed = store.reset(
            spec.id, connection.target, wait_seconds=connector.base.state_lock_wait_seconds
        )
        print(f"{spec.id}: state {'removed' if removed else 'was already empty'}", file=sys.stderr)
        return 0
    print(json.dumps(redactor.value(store.load(spec.id, connection.target).to_json()), indent=2))
    return 0
