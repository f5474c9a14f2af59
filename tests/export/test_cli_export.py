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


def test_origin_options_write_one_origin_and_no_key(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    out = tmp_path / "app"
    result = cli(
        "export",
        "--out",
        str(out),
        "--origin",
        "https://eu1.make.com/api",
        "--app-id",
        "clientary-x",
    )
    assert result.code == 0, result.err
    assert f"put your Make API key in {out / '.secrets/apikey'}" in result.err
    origins = json.loads((out / "makecomapp.json").read_text())["origins"]
    assert origins == [
        {
            "label": "Make",
            "baseUrl": "https://eu1.make.com/api",
            "appId": "clientary-x",
            "appVersion": 1,
            "apikeyFile": ".secrets/apikey",
        }
    ]
    assert not (out / ".secrets").exists()  # the key is the user's to put there
    (out / ".secrets").mkdir()
    (out / ".secrets" / "apikey").write_text("users-own-make-key")
    again = cli(
        "export",
        "--out",
        str(out),
        "--app-version",
        "2",
        "--origin",
        "https://eu1.make.com/api",
        "--app-id",
        "clientary-x",
    )
    assert again.code == 0, again.err
    assert (out / ".secrets" / "apikey").read_text() == "users-own-make-key"  # kept on replace
    assert json.loads((out / "makecomapp.json").read_text())["origins"][0]["appVersion"] == 2


def test_without_origin_the_message_says_how_to_deploy(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    result = cli("export", "--out", str(tmp_path / "app"))
    assert "no origin: pass --origin URL --app-id ID" in result.err
    assert json.loads((tmp_path / "app" / "makecomapp.json").read_text())["origins"] == []


def test_bad_origin_options_are_one_line_each(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    out = str(tmp_path / "app")
    cases = [
        (
            ["--origin", "http://eu1.make.com/api", "--app-id", "x-app"],
            "error: DataError: --origin: expected",
        ),
        (
            ["--origin", "https://eu1.make.com/api", "--app-id", "Bad_Id"],
            "error: DataError: --app-id: expected",
        ),
        (
            ["--origin", "https://eu1.make.com/api"],
            "error: DataError: --origin and --app-id go together",
        ),
        (
            ["--origin", "https://eu1.make.com/api", "--app-id", "x-app", "--app-version", "0"],
            "error: DataError: --app-version",
        ),
        (
            ["--format", "make-zip", "--app-id", "x-app"],
            "error: DataError: --origin and --app-id apply to --format make-local",
        ),
    ]
    for arguments, start in cases:
        result = cli("export", "--out", out, *arguments)
        assert result.code == 2, arguments
        assert result.err.startswith(start) and result.err.count("\n") == 1, result.err
    assert not (tmp_path / "app").exists()


def test_zip_export_is_byte_identical_and_never_clobbers(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    out = tmp_path / "clientary.zip"
    first = cli("export", "--format", "make-zip", "--out", str(out))
    assert first.code == 0, first.err
    data = out.read_bytes()
    again = cli("export", "--format", "make-zip", "--out", str(out))
    assert again.code == 0 and out.read_bytes() == data
    other = tmp_path / "notes.zip"
    other.write_text("not an archive of this app")
    refused = cli("export", "--format", "make-zip", "--out", str(other))
    assert refused.code == 2
    assert refused.err == (
        f"error: DataError: --out {other}: exists and is not an earlier archive of this app; "
        "choose a new .zip file name\n"
    )
    assert other.read_text() == "not an archive of this app"
