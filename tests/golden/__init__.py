"""Golden files: what users see of every module, pinned before a refactor of the definitions.

``snapshot()`` produces, from the current code and definitions, every module's
``describe`` (text and ``--json``), the ``--dry-run`` request of each contract case's
parameters, the whole Make export tree, and of the import archive its list of entries plus
the base, the connection and one module of each kind (``ARCHIVE_MODULES``; the other
sections equal the export tree's, which tests/export/test_archive.py proves).
``tests/test_golden.py`` compares it with ``files/``; after an intended change,
``python -m tests.golden`` rewrites ``files/`` (commit it with the reason).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from runtime.cli import main
from runtime.core import redaction
from runtime.definitions.loader import default_root, load_connector
from runtime.export.exporter import export_app
from runtime.export.make_archive import archive_entries

FILES = Path(__file__).parent / "files"
CASES = Path(__file__).parent.parent / "contract" / "cases"
# action with crud, search with pagination, trigger with epoch, universal
ARCHIVE_MODULES = ("createClient", "searchInvoices", "watchNewInvoices", "makeApiCall")


def snapshot() -> dict[str, str]:
    """Relative path -> content of every golden file, as the code makes them now."""
    files: dict[str, str] = {}
    connector = load_connector(default_root())
    with _environment():
        for module in sorted(connector.modules):
            files[f"describe/{module}.json"] = _cli("describe", module, "--json")
            files[f"describe/{module}.txt"] = _cli("describe", module)
            for name, parameters in _case_parameters(module):
                text = json.dumps(parameters)
                files[f"dry_run/{module}/{name}.json"] = _cli(
                    "run", module, "--params", text, "--dry-run"
                )
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        export_app(connector, out)
        for path in sorted(out.rglob("*")):
            if path.is_file():
                files[f"export/{path.relative_to(out).as_posix()}"] = path.read_text("utf-8")
    entries = archive_entries(connector)
    files["export-zip/ENTRIES.txt"] = "".join(f"{name}\n" for name in sorted(entries))
    for name, text in entries.items():
        parts = name.split("/")
        if (
            len(parts) == 2
            or parts[1] == "connections"
            or (parts[1] == "modules" and parts[2] in ARCHIVE_MODULES)
        ):
            files[f"export-zip/{name}"] = text
    return files


def stored() -> dict[str, str]:
    return {
        path.relative_to(FILES).as_posix(): path.read_text("utf-8")
        for path in sorted(FILES.rglob("*"))
        if path.is_file()
    }


def _case_parameters(module: str) -> Iterator[tuple[str, dict[str, object]]]:
    path = CASES / f"{module}.yaml"
    if not path.is_file():
        return
    for case in yaml.safe_load(path.read_text("utf-8"))["cases"]:
        yield case["name"], case.get("parameters") or {}


@contextlib.contextmanager
def _environment() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in ("CLIENTARY_DOMAIN", "CLIENTARY_BASE_URL")}
    os.environ["CLIENTARY_DOMAIN"] = "acme"
    os.environ.pop("CLIENTARY_BASE_URL", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _cli(*arguments: str) -> str:
    """What ``connector ARGUMENTS`` prints: stdout, then stderr and the exit code if any."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(arguments))
    redaction.deactivate()
    text = out.getvalue()
    if code or err.getvalue():
        text += f"--- stderr (exit {code}) ---\n{err.getvalue()}"
    return text
