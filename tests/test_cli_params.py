"""``--params``: inline JSON, a JSON or YAML file, or standard input; every misfit is one line."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.canary import CANARY_TOKEN, find_leaks
from tests.conftest import CliResult


def dry_run(cli: Callable[..., CliResult], params: str) -> CliResult:
    return cli("run", "create_client", "--params", params, "--dry-run")


def only_error(result: CliResult) -> str:
    assert result.code == 2, result.err
    assert result.out == "" and "Traceback" not in result.err
    (line,) = result.err.splitlines()
    return line


def test_a_yaml_file_is_read_like_a_connection_file(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (tmp_path / "client.yaml").write_text("name: ACME\ncity: Oslo\n")
    result = dry_run(cli, f"@{tmp_path / 'client.yaml'}")
    assert result.code == 0, result.err
    assert json.loads(result.out)["body"] == {"client": {"name": "ACME", "city": "Oslo"}}


def test_standard_input_is_read_for_at_dash(
    cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"name": "From stdin"}')))
    result = dry_run(cli, "@-")
    assert result.code == 0, result.err
    assert json.loads(result.out)["body"] == {"client": {"name": "From stdin"}}


def test_an_empty_file_says_so_and_names_it(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("\n")
    line = only_error(dry_run(cli, f"@{tmp_path / 'empty.json'}"))
    assert line == (
        f"error: DataError: --params @{tmp_path / 'empty.json'}: is empty; expected a JSON or "
        "YAML object of parameters"
    )


def test_a_file_that_is_not_utf8_is_one_line(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    (tmp_path / "latin.json").write_bytes('{"name": "Café"}'.encode("latin-1"))
    line = only_error(dry_run(cli, f"@{tmp_path / 'latin.json'}"))
    assert "expected UTF-8 text" in line and "latin.json" in line


def test_malformed_json_is_reported_with_its_position(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (tmp_path / "broken.json").write_text('{"name": "x",\n "city": }\n')
    line = only_error(dry_run(cli, f"@{tmp_path / 'broken.json'}"))
    assert "invalid JSON at line 2 column 10" in line
    assert "invalid JSON at line 1 column 10" in only_error(dry_run(cli, '{"name": }'))


@pytest.mark.parametrize("where", ["inline", "file"])
def test_parameters_nested_thousands_deep_are_one_line(
    cli: Callable[..., CliResult], tmp_path: Path, where: str
) -> None:
    deep = '{"name": ' + "[" * 2000 + "]" * 2000 + "}"
    (tmp_path / "deep.json").write_text(deep)
    line = only_error(dry_run(cli, deep if where == "inline" else f"@{tmp_path / 'deep.json'}"))
    assert "expected at most 100 levels of nesting; got 2001 levels" in line


def test_a_yaml_file_nested_thousands_deep_is_one_line(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    (tmp_path / "deep.yaml").write_text("name: " + "[" * 2000 + "]" * 2000 + "\n")
    line = only_error(dry_run(cli, f"@{tmp_path / 'deep.yaml'}"))
    assert "levels of nesting" in line


def test_something_else_than_an_object_is_refused(cli: Callable[..., CliResult]) -> None:
    assert only_error(dry_run(cli, "[1, 2]")) == (
        "error: DataError: --params: expected an object of parameters; got list"
    )


def test_a_parameter_holding_the_token_is_masked_in_the_error_that_echoes_it(
    cli: Callable[..., CliResult],
) -> None:
    # The parameters are checked after the connection is opened, so the redactor already
    # knows the token when the message quoting the bad value is printed.
    line = only_error(cli("run", "delete_client", "--param", f"id={CANARY_TOKEN}", "--dry-run"))
    assert line.startswith("error: DataError: parameters.id: expected integer")
    assert not find_leaks(line)


def test_a_message_quoting_a_lone_surrogate_is_printed_escaped(
    cli: Callable[..., CliResult],
) -> None:
    line = only_error(cli("run", "get_client", "--params", '{"id": "\\ud800"}', "--dry-run"))
    assert line == 'error: DataError: parameters.id: expected integer; got "\\ud800"'


def test_control_characters_and_line_breaks_in_a_quoted_name_stay_on_one_line(
    cli: Callable[..., CliResult],
) -> None:
    name = "a\u2028b\x85c\x1b[31m\rd"
    line = only_error(cli("run", "get_client", "--params", json.dumps({name: 1, "id": 1})))
    assert line == (
        "error: DataError: parameters.a\\u2028b\\x85c\\x1b[31m\\rd: unknown parameter; "
        "expected one of: id"
    )
