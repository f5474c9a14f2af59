"""A copy of the definitions to change in a test, and the small edits such tests make."""

from __future__ import annotations

from pathlib import Path

from runtime.definitions.validation import validate_connector
from tests.conftest import definitions_with


def copy_definitions(root: Path) -> Path:
    """The repository's definitions copied into ``root`` (created when missing), unchanged."""
    root.mkdir(parents=True, exist_ok=True)
    return definitions_with(root)


def edit(root: Path, file: str, old: str, new: str) -> None:
    """Replace the first ``old`` in ``file`` (which must hold it) with ``new``."""
    path = root / file
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(root: Path, file: str, text: str) -> int:
    """The number of the first line of ``file`` that holds ``text``."""
    lines = (root / file).read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def issues_of(root: Path) -> list[str]:
    """What ``connector validate`` reports for the definitions in ``root``, one per line."""
    issues, _ = validate_connector(root)
    return [str(issue) for issue in issues]
