"""One function per CLI command; each returns the exit code.

Modules only some commands need are imported inside them: a search run should not
pay for the trigger state or the exporter.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.cli.describe import describe_module
from runtime.cli.output import JsonLinesWriter, LoggingTransport, request_preview
from runtime.core.errors import ApiError, InputError
from runtime.core.redaction import Redactor
from runtime.definitions.loader import (
    default_root,
    load_connections,
    load_connector,
    load_for_run,
    load_rpc,
)
from runtime.definitions.specs import ConnectorSpec, ModuleSpec, RpcSpec
from runtime.engine.connection import Connection, open_connection, read_connection_values
from runtime.engine.execution import RunContext, build_request, run_module_pages, run_rpc
from runtime.engine.inputs import coerce_text, prepare_parameters
from runtime.engine.transport import RequestsTransport, RetryPolicy, Transport

if TYPE_CHECKING:
    from runtime.cli.progress import ReadProgress
    from runtime.engine.output_check import OutputCheck


def dispatch(options: argparse.Namespace, redactor: Redactor) -> int:
    root = Path(options.root) if options.root else default_root()
    handlers: dict[str, Callable[[argparse.Namespace, Path, Redactor], int]] = {
        "validate": validate,
        "modules": list_modules,
        "describe": describe,
        "run": run,
        "rpc": rpc,
        "verify": verify,
        "export": export,
        "state": state,
    }
    return handlers[options.command](options, root, redactor)


def validate(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.definitions.validation import validate_connector
    from runtime.export.exporter import export_issues

    # Only a sound connector can be translated: every template must export.
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
    _, spec = load_for_run(root, options.module)
    if options.json:
        print(json.dumps({"id": spec.id, "input": spec.input, "output": spec.output}, indent=2))
    else:
        print(describe_module(spec))
    return 0


def run(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    connector, spec = load_for_run(root, options.module)
    # The connection first: its secrets are then known to the redactor before any
    # message can echo a parameter that happens to hold one.
    connection = _open(
        connector, spec.connection, options, redactor, need_token=not options.dry_run
    )
    parameters = _parameters(spec, options)
    if options.dry_run:
        preview = request_preview(
            build_request(spec, parameters, _context(connector, connection, None))
        )
        print(json.dumps(redactor.value(preview), indent=2))
        return 0
    context = _context(connector, connection, options)
    check = None
    if options.check_output:
        from runtime.engine.output_check import OutputCheck

        check = OutputCheck(spec.output)
    if spec.kind != "trigger":
        if options.limit is not None or options.start is not None:
            raise InputError(
                "--limit and --start are for trigger modules; searches take --param limit=N"
            )
        if spec.response.iterate is None:  # an action: its one bundle, nothing to count
            pages = run_module_pages(spec, parameters, context)
            _write_pages(redactor, pages if check is None else check.check_pages(pages))
        else:
            from runtime.cli.progress import ReadProgress, module_notice

            progress = ReadProgress.for_transport(spec.id, sys.stderr, context.transport)
            pages = run_module_pages(spec, parameters, context, progress.report)
            try:
                shown = _write_pages(
                    redactor, pages if check is None else check.check_pages(pages), progress
                )
            finally:  # an error line, too, starts on a clean line
                progress.finish()
            notice = module_notice(spec, progress.report, shown)
            for line in progress.closing_lines(notice, shown):
                print(redactor.text(line), file=sys.stderr)
    else:
        _poll(spec, parameters, context, options, redactor, check)
    if check is None:
        return 0
    for line in check.report(spec.id):
        print(redactor.text(line), file=sys.stderr)
    return 1 if check.failed else 0


def _poll(
    module: ModuleSpec,
    parameters: Mapping[str, Any],
    context: RunContext,
    options: argparse.Namespace,
    redactor: Redactor,
    check: OutputCheck | None,
) -> None:
    from runtime.engine.polling import Start, poll
    from runtime.engine.state import DEFAULT_STATE_DIR, StateStore

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
        start = Start.parse(options.start) if options.start else None
        result = poll(module, parameters, context, previous, limit=options.limit, start=start)
        pages = [result.bundles]
        _write_pages(redactor, pages if check is None else check.check_pages(pages))
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


def rpc(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.cli.progress import ReadProgress, rpc_notice

    connector, spec = load_rpc(root, options.rpc)
    connection = _open(connector, spec.connection, options, redactor)
    parameters = _parameters(spec, options)
    context = _context(connector, connection, options)
    progress = ReadProgress.for_transport(spec.id, sys.stderr, context.transport)
    try:
        shown = _write(redactor, run_rpc(spec, parameters, context, progress.report), progress)
    finally:
        progress.finish()
    for line in progress.closing_lines(rpc_notice(spec, progress.report, shown), shown):
        print(redactor.text(line), file=sys.stderr)
    return 0


def export(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    import shutil

    from runtime.export.exporter import export_app

    out = Path(options.out)
    if out.exists() and any(out.iterdir()):
        if not (out / "makecomapp.json").is_file():
            raise InputError(
                f"--out {out}: the folder is not empty and holds no earlier export; "
                "choose an empty or new folder"
            )
        shutil.rmtree(out)  # an earlier export: replaced whole, so no stale file survives
    written = export_app(load_connector(root), out)
    print(
        f"wrote {len(written)} files to {out} (open it with Make's VS Code extension)",
        file=sys.stderr,
    )
    return 0


def verify(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.engine.rendering import render_request

    connector = load_connections(root)
    spec = next(iter(connector.connections.values()))
    connection = _open(connector, spec.id, options, redactor)
    context = _context(connector, connection, None)
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
    return 0


def state(options: argparse.Namespace, root: Path, redactor: Redactor) -> int:
    from runtime.engine.state import DEFAULT_STATE_DIR, StateStore

    connector, spec = load_for_run(root, options.module)
    if spec.trigger is None:
        raise InputError(
            f"state {options.action} {spec.id}: expected a trigger module; {spec.id} is a "
            f"{spec.kind} module and keeps no state ('connector modules' lists the triggers)"
        )
    connection = _open(connector, spec.connection, options, redactor, need_token=False)
    store = StateStore(Path(options.state_dir or DEFAULT_STATE_DIR))
    if options.action == "reset":
        removed = store.reset(
            spec.id, connection.target, wait_seconds=connector.base.state_lock_wait_seconds
        )
        print(f"{spec.id}: state {'removed' if removed else 'was already empty'}", file=sys.stderr)
        return 0
    print(json.dumps(redactor.value(store.load(spec.id, connection.target).to_json()), indent=2))
    return 0


def _parameters(spec: ModuleSpec | RpcSpec, options: argparse.Namespace) -> dict[str, Any]:
    given: dict[str, Any] = {}
    if options.params:
        given.update(_json_parameters(options.params))
    properties = spec.input.get("properties", {})
    for pair in options.param:
        name, sep, text = pair.partition("=")
        if not sep:
            raise InputError(f"--param {pair!r}: expected NAME=VALUE")
        given[name] = coerce_text(name, text, properties.get(name, {}))
    return prepare_parameters(spec.input, given)


def _json_parameters(text: str) -> dict[str, Any]:
    """``--params``: a JSON object given inline, or ``@FILE`` (JSON or YAML), ``@-`` for stdin."""
    from runtime.core.json_limits import load_yaml, parse_json

    if not text.startswith("@"):
        return _parameter_object("--params", lambda: parse_json(text, "--params"))
    name = text[1:]
    where = f"--params {text}"
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"{where}: cannot read it: {error.strerror}") from None
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{where}: expected UTF-8 text; got a byte that is not at offset {error.start}"
        ) from None
    if not source.strip():
        raise InputError(f"{where}: is empty; expected a JSON or YAML object of parameters")
    if source.lstrip().startswith("{"):  # JSON: its errors name line and column
        return _parameter_object(where, lambda: parse_json(source, where))
    return _parameter_object(where, lambda: load_yaml(source, where))


def _parameter_object(where: str, parse: Callable[[], Any]) -> dict[str, Any]:
    import yaml

    try:
        value = parse()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        raise InputError(f"{where}: expected a JSON or YAML object; got invalid YAML{at}") from None
    except ValueError as error:  # the message names the place already
        raise InputError(str(error)) from None
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected an object of parameters; got {type(value).__name__}")
    return value


def _open(
    connector: ConnectorSpec,
    connection_id: str,
    options: argparse.Namespace,
    redactor: Redactor,
    need_token: bool = True,
) -> Connection:
    env = os.environ
    values = read_connection_values(options.connection, env)
    redactor.add(
        str(values.get(name, "")) for name in connector.connections[connection_id].secret_names
    )
    if not need_token:
        values.setdefault("api_token", "not-needed")
    base_url = options.base_url or env.get("CLIENTARY_BASE_URL")
    connection = open_connection(
        connector.connections[connection_id], connector.base, values, base_url
    )
    redactor.add(connection.secrets)
    return connection


def _context(
    connector: ConnectorSpec, connection: Connection, options: argparse.Namespace | None
) -> RunContext:
    base = connector.base
    transport: Transport = RequestsTransport(
        auth=(connection.username, connection.password),
        timeout_seconds=base.timeout_seconds,
        retry=RetryPolicy(base.max_retries, base.max_retry_wait_seconds),
        max_response_bytes=base.max_response_bytes,
    )
    if options is not None and getattr(options, "verbose", False):
        transport = LoggingTransport(transport)
    return RunContext(connector, connection, transport)


def _write_pages(
    redactor: Redactor,
    pages: Iterable[Sequence[Mapping[str, Any]]],
    progress: ReadProgress | None = None,
) -> int:
    """Writes the bundles to stdout; returns how many."""
    writer = JsonLinesWriter(sys.stdout, redactor)
    # On a terminal that stdout shares, the live line is lifted off while bundles are
    # printed, so that no bundle line starts behind it.
    shared = progress if progress is not None and progress.live and sys.stdout.isatty() else None
    written = 0
    try:
        for bundles in pages:
            if shared is None:
                writer.write_all(bundles)
            else:
                shared.pause()
                writer.write_all(bundles)
                writer.flush()
                shared.resume()
            written += len(bundles)
    finally:  # what came before an error is still handed out
        writer.flush()
    return written


def _write(
    redactor: Redactor,
    bundles: Iterable[Mapping[str, Any]],
    progress: ReadProgress | None = None,
) -> int:
    return _write_pages(redactor, ((bundle,) for bundle in bundles), progress)
