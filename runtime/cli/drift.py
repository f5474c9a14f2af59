"""Drift: recorded (or live) answers against the definitions' output schemas (``connector drift``).

The comparison itself is ``run --check-output``'s (runtime/engine/output_check.py): values the
schema does not allow, fields it does not declare, declared fields never seen, lists always
empty. Drift gathers every recorded bundle of a module first, adds the JSON types seen at
each path a finding names (what a fix needs), and prints one line per finding with counts;
``--json`` gives one object per module. Exit 1 when a bundle breaks its schema, 0 for notes.

``--live`` reads the account instead of recordings, running read-only modules only (searches
and gets, with their default parameters): a write is refused before anything is sent.
``--fix`` hands the findings to runtime/cli/drift_fix.py, which edits the definition files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from runtime.core.errors import ConnectorError, InputError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import load_connector, load_for_run
from runtime.engine.execution import RunContext, run_module
from runtime.engine.inputs import prepare_parameters
from runtime.engine.output_check import ROOT, OutputCheck
from runtime.engine.recording import load_recording, recording_files
from runtime.engine.value_check import show_value

_INDEX = re.compile(r"\[\d+\]")


@dataclass
class Finding:
    """One difference at one path: ``kind`` is mismatch (a bundle breaks the schema),
    undeclared, unseen (declared, never in a bundle) or empty (a list always empty)."""

    kind: str
    path: str
    bundles: int
    message: str = ""
    types: list[str] = field(default_factory=list)
    example: Any = None

    @property
    def problem(self) -> bool:
        return self.kind == "mismatch"


@dataclass
class Observed:
    """What the recordings of one module hold."""

    module: str
    bundles: list[Any] = field(default_factory=list)
    recordings: int = 0
    recorded_on: str = ""


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def values_at(value: Any, path: str) -> Iterator[Any]:
    """The values at a finding's path (``output.a[].b``) in one bundle, if any."""
    steps = re.findall(r"\.([^.\[]+)|(\[\])", path[len(ROOT) :])
    pending = [(value, 0)]
    while pending:
        current, at = pending.pop()
        if at == len(steps):
            yield current
            continue
        name, items = steps[at]
        if items and isinstance(current, list):
            pending.extend((item, at + 1) for item in reversed(current))
        elif name and isinstance(current, dict) and name in current:
            pending.append((current[name], at + 1))


def analyse(schema: Mapping[str, Any], bundles: Sequence[Any]) -> list[Finding]:
    check = OutputCheck(schema)
    for bundle in bundles:
        check.check(bundle)
    findings: list[Finding] = []
    for message, count in check.problems():
        path = _INDEX.sub("[]", message.split(":", 1)[0])
        findings.append(Finding("mismatch", path, count, message, *_seen(bundles, path)))
    for path, value, count in check.undeclared():
        types, _ = _seen(bundles, path)
        findings.append(Finding("undeclared", path, count, "", types, value))
    for path in check.absent():
        kind = "empty" if path.endswith("[]") else "unseen"
        findings.append(Finding(kind, path.removesuffix("[]"), 0))
    return findings


def _seen(bundles: Sequence[Any], path: str) -> tuple[list[str], Any]:
    types: set[str] = set()
    example: Any = None
    for bundle in bundles:
        for value in values_at(bundle, path):
            types.add(json_type(value))
            example = value if example is None else example
    return sorted(types), example


def finding_line(finding: Finding, total: int) -> str:
    seen = f"seen: {', '.join(finding.types)}" if finding.types else ""
    if finding.kind == "mismatch":
        return f"  {finding.message} ({finding.bundles} of {total} bundles; {seen})"
    if finding.kind == "undeclared":
        return (
            f"  {finding.path}: not in the definitions ({finding.bundles} of {total} bundles; "
            f"{seen}), e.g. {show_value(finding.example)}"
        )
    if finding.kind == "empty":
        return f"  {finding.path}: empty in all {total} bundles, its items never seen"
    return f"  {finding.path}: declared, in none of the {total} bundles"


def report(observed: Observed, findings: list[Finding]) -> list[str]:
    total = len(observed.bundles)
    head = f"drift: {observed.module}: {observed.recordings} recording(s), {total} bundle(s)"
    if not findings:
        return [f"{head}: matches the definitions"]
    problems = sum(finding.problem for finding in findings)
    lines = [f"{head}: {problems} problem(s), {len(findings) - problems} note(s)"]
    return lines + [finding_line(finding, total) for finding in findings]


def from_recordings(folder: str, wanted: Iterable[str]) -> dict[str, Observed]:
    only = set(wanted)
    found: dict[str, Observed] = {}
    for path in recording_files([folder]):
        data = load_recording(path)
        if data["kind"] != "module" or (only and data["id"] not in only):
            continue
        observed = found.setdefault(data["id"], Observed(data["id"]))
        observed.bundles.extend(data["bundles"])
        observed.recordings += 1
        observed.recorded_on = max(observed.recorded_on, str(data.get("recorded_on", "")))
    for name in sorted(only - set(found)):
        raise InputError(f"drift {name}: no recording of {name} in {folder}")
    return found


def read_only(kind: str, crud: str | None) -> bool:
    """Searches and gets only: never a trigger (it moves state), an action that writes, or
    the universal module (its method is the user's)."""
    return kind == "search" or (kind == "action" and crud == "read")


def from_live(
    root: Path, wanted: Sequence[str], context: RunContext, err: TextIO
) -> dict[str, Observed]:
    connector = load_connector(root)
    names = list(wanted) or sorted(
        module.id for module in connector.modules.values() if read_only(module.kind, module.crud)
    )
    for name in names:  # every refusal before the first request
        _, spec = load_for_run(root, name)
        if not read_only(spec.kind, spec.crud):
            raise InputError(
                f"drift --live {name}: expected a read-only module (a search or a get); got "
                f"{spec.kind}{f' ({spec.crud})' if spec.crud else ''}; record it with "
                "'run --record' against a test account instead"
            )
    found: dict[str, Observed] = {}
    today = dt.date.today().isoformat()
    for name in names:
        _, spec = load_for_run(root, name)
        try:
            parameters = prepare_parameters(spec.input, {})
        except InputError:
            print(f"drift: {name}: skipped, it needs parameters (use run --record)", file=err)
            continue
        observed = found[name] = Observed(name, recordings=1, recorded_on=today)
        observed.bundles = list(run_module(spec, parameters, context))
    return found


def drift_command(
    root: Path,
    options: argparse.Namespace,
    stream: TextIO,
    redactor: Redactor,
    live: RunContext | None,
    err: TextIO | None = None,
) -> int:
    import sys

    err = err or sys.stderr
    if bool(options.source) == bool(options.live):
        raise InputError("drift: expected --from DIR (recordings) or --live, one of the two")
    if live is not None:
        observed = from_live(root, options.modules, live, err)
    else:
        observed = from_recordings(options.source, options.modules)
    if not observed:
        raise DriftError(f"drift: no module recordings in {options.source}")
    failed = False
    for name in sorted(observed):
        findings = analyse(load_for_run(root, name)[1].output, observed[name].bundles)
        if options.fix and findings:
            from runtime.cli.drift_fix import fix_module

            for line in fix_module(root, name, findings, observed[name].recorded_on):
                print(redactor.text(line), file=stream)
            findings = analyse(load_for_run(root, name)[1].output, observed[name].bundles)
        failed = failed or any(finding.problem for finding in findings)
        if options.json:
            print(redactor.text(json.dumps(_as_json(observed[name], findings))), file=stream)
        else:
            for line in report(observed[name], findings):
                print(redactor.text(line), file=stream)
    return 1 if failed else 0


def _as_json(observed: Observed, findings: list[Finding]) -> dict[str, Any]:
    return {
        "module": observed.module,
        "recordings": observed.recordings,
        "bundles": len(observed.bundles),
        "problems": sum(finding.problem for finding in findings),
        "findings": [asdict(finding) for finding in findings],
    }


class DriftError(ConnectorError):
    make_type = "RuntimeError"
    exit_code = 1
