"""Facts the definitions leave out and the loader fills in (issue 12):
runtime/definitions/defaults.py.

Each test copies the repository's definitions to a temporary folder, changes what it
needs there, and loads or validates that copy: the derived definition must be what the
files used to write, and a mistake in what is written is an issue at its file and line.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from runtime.definitions.loader import load_connector
from runtime.definitions.validation import validate_connector

REPO = Path(__file__).resolve().parent.parent
GET_CLIENT = "modules/clients/get_client.yaml"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for name in ("connections", "modules", "rpcs", "webhooks"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "connector.yaml", tmp_path / "connector.yaml")
    return tmp_path


def _edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def _line_of(root: Path, file: str, text: str) -> int:
    lines = (root / file).read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def _issues(root: Path) -> list[str]:
    issues, _ = validate_connector(root)
    return [str(issue) for issue in issues]


def _without_connection(root: Path, file: str) -> None:
    path = root / file
    text = re.sub(r"(?m)^connection: .*\n", "", path.read_text("utf-8"))
    path.write_text(text, "utf-8")


def test_a_module_without_connection_uses_the_connectors_only_connection(root: Path) -> None:
    _without_connection(root, GET_CLIENT)
    _without_connection(root, "rpcs/list_clients.yaml")
    connector = load_connector(root)
    assert connector.modules["get_client"].connection == "clientary"
    assert connector.rpcs["list_clients"].connection == "clientary"
    assert _issues(root) == []


def test_a_written_unknown_connection_is_still_an_issue_at_its_line(root: Path) -> None:
    _without_connection(root, GET_CLIENT)
    _edit(root, GET_CLIENT, "kind: action\n", "kind: action\nconnection: clientery\n")
    line = _line_of(root, GET_CLIENT, "connection: clientery")
    issues = _issues(root)
    assert [i for i in issues if i.startswith(f"{GET_CLIENT}:{line}: ")], issues
    assert any("no connection named 'clientery'" in issue for issue in issues), issues


def test_with_two_connections_a_module_must_name_one(root: Path) -> None:
    _without_connection(root, GET_CLIENT)
    shutil.copy(root / "connections/clientary.yaml", root / "connections/other.yaml")
    _edit(root, "connections/other.yaml", "id: clientary", "id: other")
    issues = _issues(root)
    assert [i for i in issues if i.startswith(f"{GET_CLIENT}:") and "connection" in i], issues
