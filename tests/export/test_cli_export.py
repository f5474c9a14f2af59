"""`connector export`: writes the Make app, replaces an earlier export, never clobbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult


def test_export_writes_the_app_and_replaces_an_earlier_one(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    out = tmp_path / "app"
    first = cli("export", "--out", str(out))
    assert first.code == 0, first.err
    manifest = json.loads((out / "makecomapp.json").read_text())
    assert "createClient" in manifest["components"]["module"]
    (out / "modules" / "stale.txt").write_text("left from an older export")
    again = cli("export", "--out", str(out))
    assert again.code == 0
    assert again.err == first.err
    assert not (out / "modules" / "stale.txt").exists()


def test_export_refuses_a_folder_that_holds_something_else(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = cli("export", "--out", str(tmp_path))
    assert result.code == 2
    assert result.err == (
        f"error: DataError: --out {tmp_path}: the folder is not empty and holds no earlier "
        "export; choose an empty or new folder\n"
    )
    assert (tmp_path / "notes.txt").read_text() == "mine"
