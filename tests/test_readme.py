"""The README's Python example runs as written (against the embedded sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_the_readme_has_one_python_example() -> None:
    assert len(_python_blocks()) == 1


def test_the_python_example_runs_and_reads_the_seeded_clients(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # from any folder: the example finds the definitions itself
    exec(compile(_python_blocks()[0], "README.md (python example)", "exec"), {})
    assert capsys.readouterr().out == "25 Client 001\n"
