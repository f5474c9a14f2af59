"""Golden files: what users see of every module, pinned before a refactor of the definitions.

``snapshot()`` produces, from the current code and definitions, every module's
``describe`` (text and ``--json``), the ``--dry-run`` request of each contract case's
parameters, and the whole Make export tree. ``tests/test_golden.py`` compares it with
``files/``; after an intended change, ``python -m tests.golden`` rewrites ``files/``
(commit it with the reason).
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

FILES = Path(__file__).parent / "files"
CASES = Path(__file__).parent.parent / "contract" / "cases"


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
