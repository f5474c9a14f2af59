"""``validate``, ``modules`` and ``describe``: the commands that only read the definitions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_connector, load_for_run


def validate(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.definitions.validation import validate_connector
    from runtime.export.exporter import export_issues

    # Only a sound connector can be translated: every template must export. The check is
    # the export layer's, handed to validation, which sits below the export.
    issues, connector = validate_connector(root, extra_checks=[export_issues])
    for issue in issues:
        print(issue)
    if connector is None:
        print(f"{len(issues)} problem{'s' if len(issues) != 1 else ''} found", file=sys.stderr)
        return 1
    print(
        f"ok: {len(connector.modules)} modules, {len(connector.rpcs)} rpcs, "
        f"{len(connector.connections)} connection(s)",
        file=sys.stderr,
    )
    return 0


def list_modules(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    connector = load_connector(root)
    for module in sorted(connector.modules.values(), key=lambda m: m.id):
        if options.json:
            print(
                json.dumps(
                    {
                        "id": module.id,
                        "kind": module.kind,
                        "crud": module.crud,
                        "label": module.label,
                        "file": module.file,
                    }
                )
            )
        else:
            kind = module.kind + (f" ({module.crud})" if module.crud else "")
            print(f"{module.id:<24} {kind:<18} {module.label}")
    return 0


def describe(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.cli.describe import describe_module

    _, spec = load_for_run(root, options.module)
    if options.json:
        print(json.dumps({"id": spec.id, "input": spec.input, "output": spec.output}, indent=2))
    else:
        print(describe_module(spec))
    return 0
