"""The ``connector`` command line: argument parsing and the single error boundary.

Data goes to stdout (JSON lines), diagnostics to stderr. Exit codes: 0 ok,
1 connector or API error, 2 usage or invalid input. A user's mistake never
shows a traceback, and no output ever holds a secret.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from runtime.core.errors import ConnectorError, DefinitionError, Issue, SourceLocation
from runtime.core.redaction import Redactor

EXAMPLES = """\
examples:
  connector validate
  connector modules
  connector describe create_client
  connector run create_client --param name=ACME --dry-run
  connector run search_clients --param limit=25 --base-url http://127.0.0.1:8080
  connector run watch_new_invoices --start all --limit 10
  connector run search_invoices --param limit=200 --check-output
  connector rpc list_clients
  connector sandbox --seed 25
  connector export --out build/make-app
  connector export --origin https://eu1.make.com/api --app-id clientary-x
  connector export --format make-zip --out build/clientary.zip
  connector run search_clients --record recordings/    (then: replay, drift --from)
  connector replay tests/recordings
  connector drift --from tests/recordings --fix

connection: --connection FILE (YAML/JSON with domain, api_token) or the environment
(CLIENTARY_DOMAIN, CLIENTARY_API_TOKEN); CLIENTARY_BASE_URL replaces the host like --base-url.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="connector",
        description="Run and check the Clientary connector defined by the YAML files.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_global_options(parser, default=None)
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the package version and the definitions' app version and folder",
    )
    # not required=True: `connector --version` needs no command (main checks for one)
    commands = _Commands(parser.add_subparsers(dest="command", metavar="COMMAND"))

    commands.add_parser("validate", help="check every definition file; list every problem")
    listing = commands.add_parser("modules", help="list the modules: id, kind, label")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    describe = commands.add_parser("describe", help="a module's inputs and outputs")
    describe.add_argument("module")
    describe.add_argument("--json", action="store_true", help="the module's schemas as JSON")

    run = commands.add_parser("run", help="run a module; print its bundles as JSON lines")
    run.add_argument("module")
    _add_call_arguments(run)
    run.add_argument(
        "--dry-run", action="store_true", help="print the request, token masked; send nothing"
    )
    run.add_argument(
        "--verbose", action="store_true", help="log each request and its status to stderr"
    )
    run.add_argument("--start", help="first run of a trigger: now, all, date:YYYY-MM-DD or id:N")
    run.add_argument(
        "--limit", type=int, help="triggers: most bundles this run (the rest come next run)"
    )
    run.add_argument("--state-dir", help="where trigger state is kept (default: .connector-state)")
    run.add_argument(
        "--check-output",
        action="store_true",
        help="compare every bundle with the module's output schema; report the differences "
        "on stderr and exit 1 if a bundle breaks it",
    )
    _add_record_arguments(run)

    rpc = commands.add_parser("rpc", help="the options of a drop-down, as {label, value} lines")
    rpc.add_argument("rpc")
    _add_call_arguments(rpc)
    rpc.add_argument(
        "--verbose", action="store_true", help="log each request and its status to stderr"
    )
    _add_record_arguments(rpc)

    export = commands.add_parser(
        "export", help="write the Make app: the local-development layout or the import archive"
    )
    export.add_argument(
        "--format",
        choices=["make-local", "make-zip"],
        default="make-local",
        help="make-local: a folder for Make's VS Code extension (default); make-zip: the "
        "archive its Import App reads",
    )
    export.add_argument(
        "--out", help="folder or .zip file (default: build/make-app or build/clientary.zip)"
    )
    export.add_argument(
        "--origin",
        metavar="URL",
        help="make-local: the Make zone's API to deploy to, "
        "e.g. https://eu1.make.com/api (with --app-id)",
    )
    export.add_argument("--app-id", metavar="ID", help="make-local: the app's id in Make")
    export.add_argument(
        "--app-version", metavar="N", type=int, default=1, help="make-local: app version (1)"
    )

    verify = commands.add_parser("verify", help="check that the connection works")
    _add_connection_arguments(verify)
    _add_record_arguments(verify)

    replay = commands.add_parser(
        "replay", help="run recorded modules offline; fail when a request or bundle differs"
    )
    replay.add_argument("recordings", nargs="+", metavar="DIR", help="recordings or folders")

    drift = commands.add_parser(
        "drift", help="compare recorded (or --live) answers with the output schemas"
    )
    drift.add_argument("modules", nargs="*", metavar="MODULE", help="only these modules")
    drift.add_argument("--from", dest="source", metavar="DIR", help="folder of recordings")
    drift.add_argument("--json", action="store_true", help="one JSON object per finding")
    drift.add_argument(
        "--fix", action="store_true", help="add missing fields and widen types in the definitions"
    )
    drift.add_argument(
        "--live", action="store_true", help="read the account now (read-only modules only)"
    )
    _add_connection_arguments(drift)

    state = commands.add_parser("state", help="show or reset a trigger's state")
    state.add_argument("action", choices=["show", "reset"])
    state.add_argument("module")
    state.add_argument("--state-dir")
    _add_connection_arguments(state)

    sandbox = commands.add_parser(
        "sandbox", help="serve the embedded Clientary sandbox", add_help=False, globals_=False
    )
    sandbox.add_argument("sandbox_args", nargs=argparse.REMAINDER)
    return parser


class _Commands:
    """The subparsers, each also taking the global options, so they go either side of it."""

    def __init__(self, action: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self._action = action

    def add_parser(
        self, name: str, *, globals_: bool = True, **kwargs: Any
    ) -> argparse.ArgumentParser:
        parser = self._action.add_parser(name, **kwargs)
        if globals_:
            # SUPPRESS: a subcommand's own default would overwrite a value given before it
            _add_global_options(parser, default=argparse.SUPPRESS)
        return parser


def _add_global_options(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    parser.add_argument(
        "--root",
        metavar="DIR",
        default=default,
        help="folder holding connector.yaml (default: the definitions the connector comes "
        "with; --version shows where)",
    )


def _add_call_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one parameter; the text is converted by the module's input schema",
    )
    parser.add_argument(
        "--params", metavar="JSON|@FILE", help="parameters as a JSON object or a file"
    )
    _add_connection_arguments(parser)


def _add_record_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--record",
        metavar="DIR",
        help="write the exchanges and bundles to DIR as a fixture (secrets masked, domain "
        "replaced, personal data faked)",
    )
    parser.add_argument(
        "--keep-personal-data",
        action="store_true",
        help="with --record: keep e-mails, phones, names and addresses as they came",
    )


def _add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--connection", metavar="FILE", help="YAML/JSON file with domain and api_token"
    )
    parser.add_argument(
        "--base-url", metavar="URL", help="replace https://DOMAIN.clientary.com, e.g. a sandbox"
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    sandbox_arguments = _sandbox_arguments(arguments)
    if sandbox_arguments is not None:  # the sandbox has its own options and --help
        from clientary_sandbox.cli import main as sandbox_main

        return sandbox_main(sandbox_arguments)
    # A message may quote text from a user or a server holding a lone surrogate, which
    # UTF-8 cannot encode: it is shown escaped instead of failing the print.
    if isinstance(sys.stderr, io.TextIOWrapper):
        sys.stderr.reconfigure(errors="backslashreplace")
    parser = build_parser()
    options = parser.parse_args(arguments)
    if not options.version and options.command is None:
        parser.error("the following arguments are required: COMMAND")
    redactor = Redactor()
    try:
        if options.version:
            return _show_version(_root(options))
        from runtime.cli import commands

        return commands.dispatch(options, redactor)
    except ConnectorError as error:
        text = redactor.text(f"error: {error.make_type}: {error.message}")
        for line in text.split("\n"):  # a DefinitionError lists one problem a line
            print(_printable(line), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        sys.stderr.close()
        return 0


# Control characters and Unicode line breaks a message may quote (a parameter name, a
# server's text): shown escaped, so one message stays one line and cannot move the cursor.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _printable(line: str) -> str:
    return _UNPRINTABLE.sub(lambda found: ascii(found.group())[1:-1], line)


def _sandbox_arguments(arguments: list[str]) -> list[str] | None:
    """The sandbox's own arguments when the command is ``sandbox``, after any global --root.

    argparse would hand the sandbox only what it did not take itself (REMAINDER after
    options is unreliable), so the sandbox's command line is split off before parsing.
    """
    index = 0
    while index < len(arguments) and arguments[index].startswith("--root"):
        index += 1 if arguments[index].startswith("--root=") else 2
    return arguments[index + 1 :] if arguments[index : index + 1] == ["sandbox"] else None


def _root(options: argparse.Namespace) -> Path:
    from runtime.definitions.loader import default_root

    return Path(options.root) if options.root else default_root()


def _show_version(root: Path) -> int:
    """``connector X.Y.Z (NAME app version N, definitions: FOLDER)``: what runs on what."""
    from importlib.metadata import PackageNotFoundError, version  # not on every start

    from runtime.definitions.source import read_document

    try:
        package = version("clientary-connector")
    except PackageNotFoundError:  # run from a checkout that was never installed
        package = "unknown"
    shown = root.resolve()
    if (root / "connector.yaml").is_file():
        document, issues = read_document(root / "connector.yaml", "connector.yaml")
    else:
        document, issues = (
            None,
            [Issue(SourceLocation("connector.yaml"), f"no connector.yaml in {root}")],
        )
    data = document.data if document is not None else None
    if not isinstance(data, dict):
        print(f"connector {package} (definitions: {shown})")
        raise DefinitionError(
            issues or [Issue(SourceLocation("connector.yaml"), "expected a mapping at the top")]
        )
    app = f"{data.get('name', '?')} app version {data.get('version', '?')}"
    print(f"connector {package} ({app}, definitions: {shown})")
    return 0
