"""Drift reports and fixes (issue 15, "Drift" and "Fix").

A server on 127.0.0.1 answers get_client with a record that has a field the definitions lack
(``phone``), a field of another type (``number``, an integer) and a null where a string is
declared (``name``). The recording made with ``--record`` is what drift reads; ``--fix`` runs
on a temporary copy of the definitions, never on the repository's.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from clientary_sandbox import Sandbox
from tests.canary import CANARY_TOKEN
from tests.conftest import CliResult
from tests.definition_copies import copy_definitions
from tests.hostile_server import HostileServer, respond

Cli = Callable[..., CliResult]
MATCHING = {
    "id": 7, "name": "Corp", "number": "101", "description": None, "website": None,
    "address": None, "address_2": None, "city": "Oslo", "state": None, "zip": None,
    "country": "NO", "invoice_extra_fields": None, "status": 1,
}  # fmt: skip
DRIFTED = {**MATCHING, "name": None, "number": 101, "phone": "+47 1234"}
RESOURCE = Path("modules/clients/resource.yaml")


def definitions(tmp_path: Path) -> Path:
    return copy_definitions(tmp_path / "defs")


def record(cli: Cli, folder: Path, record: dict[str, Any]) -> Path:
    with HostileServer(respond(200, json.dumps(record))) as server:
        result = cli(
            "run", "get_client", "--param", "id=7", "--base-url", server.url,
            "--record", str(folder), "--keep-personal-data",
        )  # fmt: skip
    assert result.code == 0, result.err
    return folder


def tree(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_drift_reports_an_added_and_a_retyped_field(cli: Cli, tmp_path: Path) -> None:
    folder = record(cli, tmp_path / "rec", DRIFTED)
    result = cli("drift", "--from", str(folder))
    assert result.code == 1  # a bundle breaks the schema
    assert result.out.splitlines() == [
        "drift: get_client: 1 recording(s), 1 bundle(s): 2 problem(s), 1 note(s)",
        "  output.name: expected string; got null (1 of 1 bundles; seen: null)",
        "  output.number: expected string or null; got 101 (1 of 1 bundles; seen: integer)",
        '  output.phone: not in the definitions (1 of 1 bundles; seen: string), e.g. "+47 1234"',
    ]


def test_drift_of_a_matching_recording_reports_nothing(cli: Cli, tmp_path: Path) -> None:
    folder = record(cli, tmp_path / "rec", MATCHING)
    result = cli("drift", "get_client", "--from", str(folder))
    assert (result.code, result.out.strip()) == (
        0,
        "drift: get_client: 1 recording(s), 1 bundle(s): matches the definitions",
    )


def test_drift_json_gives_one_object_per_module(cli: Cli, tmp_path: Path) -> None:
    folder = record(cli, tmp_path / "rec", DRIFTED)
    result = cli("drift", "--from", str(folder), "--json")
    [report] = result.lines()
    assert (report["module"], report["bundles"], report["problems"]) == ("get_client", 1, 2)
    phone = next(f for f in report["findings"] if f["path"] == "output.phone")
    assert (phone["kind"], phone["types"], phone["example"]) == (
        "undeclared",
        ["string"],
        "+47 1234",
    )


def test_fix_adds_and_widens_in_the_resource_file_only_and_drift_is_then_clean(
    cli: Cli, tmp_path: Path
) -> None:
    folder = record(cli, tmp_path / "rec", DRIFTED)
    root = definitions(tmp_path)
    before = tree(root)
    result = cli("--root", str(root), "drift", "--from", str(folder), "--fix")
    assert result.code == 0, result.out + result.err
    after = tree(root)
    assert [name for name in after if after[name] != before[name]] == [str(RESOURCE)]
    today = dt.date.today().isoformat()
    note = f"Seen on a live account on {today} (get_client); not in the API documentation."
    assert result.out.splitlines() == [
        f"--- a/{RESOURCE}",
        f"+++ b/{RESOURCE}",
        "@@ -6,8 +6,10 @@",
        "   required: [id, name]",
        "   properties:",
        "     id: {type: integer, title: Client ID}",
        "-    name: {type: string, title: Name}",
        '-    number: {type: [string, "null"], title: Number}',
        f"+    # name: null {note[0].lower()}{note[1:]}",
        '+    name: {type: [string, "null"], title: Name}',
        f"+    # number: integer {note[0].lower()}{note[1:]}",
        '+    number: {type: [string, integer, "null"], title: Number}',
        '     description: {type: [string, "null"], title: Description}',
        '     website: {type: [string, "null"], title: Website}',
        '     address: {type: [string, "null"], title: Address}',
        "@@ -21,6 +23,7 @@",
        '       type: [integer, string, "null"]',
        "       title: Status",
        '       description: "1 Active, 2 Archived."',
        f'+    phone: {{type: string, title: Phone, description: "{note}"}}',
        " sample:",
        "   id: 2123",
        "   name: ACME Corp",
        "drift: get_client: 1 recording(s), 1 bundle(s): matches the definitions",
    ]
    kept = before[str(RESOURCE)].splitlines()
    assert [line for line in kept if line.startswith("#")] == [
        line for line in after[str(RESOURCE)].splitlines() if line.startswith("# ")
    ]  # the file's comments are all still there
    again = cli("--root", str(root), "drift", "--from", str(folder))
    assert again.code == 0 and again.out.strip().endswith("matches the definitions")
    validated = cli("--root", str(root), "validate")
    assert validated.code == 0, validated.out + validated.err


def test_drift_needs_recordings_or_live(cli: Cli, tmp_path: Path) -> None:
    result = cli("drift")
    assert (result.code, result.err.strip()) == (
        2,
        "error: DataError: drift: expected --from DIR (recordings) or --live, one of the two",
    )
    missing = cli("drift", "search_clients", "--from", str(record(cli, tmp_path, MATCHING)))
    assert missing.err.strip() == (
        f"error: DataError: drift search_clients: no recording of search_clients in {tmp_path}"
    )


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(token=CANARY_TOKEN, seed=3) as server:
        yield server


def test_live_drift_reads_and_never_writes(cli: Cli, sandbox: Sandbox) -> None:
    refused = cli("drift", "create_client", "--live", "--base-url", sandbox.base_url)
    assert refused.code == 2
    assert refused.err.strip() == (
        "error: DataError: drift --live create_client: expected a read-only module (a search "
        "or a get); got action (create); record it with 'run --record' against a test account "
        "instead"
    )
    assert sandbox.requests_seen == []
    result = cli("drift", "--live", "--base-url", sandbox.base_url)
    assert "drift: search_clients: 1 recording(s), 3 bundle(s): 0 problem(s)" in result.out
    assert "drift: get_client: skipped, it needs parameters (use run --record)" in result.err
    assert {method for method, _ in sandbox.requests_seen} == {"GET"}


def test_fix_of_a_module_whose_output_is_inline_edits_the_module_file(
    cli: Cli, tmp_path: Path
) -> None:
    folder = record(cli, tmp_path / "rec", {**MATCHING, "phone": "+47 1234"})
    root = definitions(tmp_path)
    module = root / "modules" / "clients" / "get_client.yaml"
    inline = (
        "output:   # written here, not in resource.yaml\n"
        "  type: object\n"
        "  properties:\n"
        "    id:\n"
        "      type: integer\n"
        "    # the rest is free-form\n"
        "  additionalProperties: true\n"
    )
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace('output: {$ref: "resource.yaml#/record"}\n', inline))
    before = tree(root)
    result = cli("--root", str(root), "drift", "--from", str(folder), "--fix")
    after = tree(root)
    assert [name for name in after if after[name] != before[name]] == [
        "modules/clients/get_client.yaml"
    ]
    output = after["modules/clients/get_client.yaml"].split("\noutput:", 1)[1]
    assert output.startswith("   # written here, not in resource.yaml\n  type: object\n")
    assert "  properties:\n    id:\n      type: integer\n    address: {title: Address, " in output
    assert '    phone: {type: string, title: Phone, description: "Seen on a live account' in output
    assert "    # the rest is free-form\n  additionalProperties: true\n" in output
    assert result.code == 0
    assert result.out.splitlines()[-1] == (
        "drift: get_client: 1 recording(s), 1 bundle(s): matches the definitions"
    )
