"""Recordings hold no secret and no personal data (issue 15, "Record").

A hostile server on 127.0.0.1 echoes the token, the Basic pair's base64 and the account
domain in its body AND its headers; the recording must hold none of them, in any form
(the canary's own list of forms, with a 4-character prefix counting as a leak), and a
personal e-mail in the answer must come out as a stable fake.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from runtime.core.redaction import Redactor
from runtime.engine.fakes import Faker, kind_of
from runtime.engine.recording import Account, RecordingError, write_scanned
from tests.canary import CANARY_TOKEN, find_leaks
from tests.conftest import CliResult
from tests.hostile_server import Exchange, HostileServer

Cli = Callable[..., CliResult]
PAIR_B64 = base64.b64encode(f"{CANARY_TOKEN}:{CANARY_TOKEN}".encode()).decode()
EMAIL = "jane.doe@corp-mail.test"


def echo_everything(exchange: Exchange) -> None:
    """A client record that repeats what it was sent, secrets and all."""
    authorization = exchange.headers.get("authorization", "")
    body = json.dumps(
        {
            "id": 1,
            "name": "Jane Doe Consulting",
            "email": EMAIL,
            "notes": f"token {CANARY_TOKEN}, header {authorization}, pair {PAIR_B64}",
            "website": "https://acme.clientary.com/clients/1",
            "city": "acme",
        }
    ).encode()
    exchange.head(
        200,
        {
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "Location": f"https://acme.clientary.com/x?t={CANARY_TOKEN}",
            "X-Total-Count": PAIR_B64,
            "X-Echo": authorization,
        },
    )
    exchange.send(body)


def record_echo(cli: Cli, folder: Path, *extra: str) -> str:
    with HostileServer(echo_everything) as server:
        result = cli(
            "run", "get_client", "--param", "id=1", "--base-url", server.url,
            "--record", str(folder), *extra,
        )  # fmt: skip
    assert result.code == 0, result.err
    assert result.err.strip() == f"recorded: {folder / 'get_client.json'}"
    return (folder / "get_client.json").read_text(encoding="utf-8")


def test_a_recording_of_a_server_echoing_the_secrets_holds_none_of_them(
    cli: Cli, tmp_path: Path
) -> None:
    text = record_echo(cli, tmp_path)
    assert find_leaks(text, CANARY_TOKEN, min_prefix=4) == []
    assert "acme" not in text.lower()
    assert "127.0.0.1" not in text
    recording = json.loads(text)
    response = recording["exchanges"][0]["response"]
    assert response["headers"]["Location"].startswith("https://example.clientary.com/x?t=")
    assert set(response["headers"]) == {"Content-Type", "Location", "X-Total-Count"}  # X-Echo: no
    assert recording["exchanges"][0]["request"] == {
        "method": "GET", "path": "/clients/1", "query": [], "body": None,
    }  # fmt: skip
    assert recording["parameters"] == {"id": 1}
    assert recording["bundles"][0]["city"] == "example"  # the domain label, wherever it is


def test_personal_data_is_replaced_by_stable_fakes(cli: Cli, tmp_path: Path) -> None:
    recording = json.loads(record_echo(cli, tmp_path))
    answer = recording["exchanges"][0]["response"]["json"]
    bundle = recording["bundles"][0]
    assert EMAIL not in json.dumps(recording)
    assert answer["email"].startswith("person-") and answer["email"].endswith("@example.com")
    assert bundle["email"] == answer["email"]  # the same value gets the same fake
    assert "Jane" not in json.dumps(recording)
    assert bundle["name"].startswith("Company ")


def test_keep_personal_data_keeps_them_but_still_masks_the_secrets(
    cli: Cli, tmp_path: Path
) -> None:
    text = record_echo(cli, tmp_path, "--keep-personal-data")
    assert json.loads(text)["bundles"][0]["email"] == EMAIL
    assert find_leaks(text, CANARY_TOKEN, min_prefix=4) == []
    assert "acme" not in text.lower()


@pytest.mark.parametrize(
    "text",
    [CANARY_TOKEN, PAIR_B64[:12], "see https://acme.clientary.com", "ACME", "http://127.0.0.1:9"],
    ids=["token", "base64 prefix", "host", "label", "base url"],
)
def test_the_writer_refuses_text_still_holding_a_secret_and_writes_nothing(
    tmp_path: Path, text: str
) -> None:
    account = Account("http://127.0.0.1:9/api/v2", "acme")
    target = tmp_path / "out" / "x.json"
    with pytest.raises(RecordingError, match=r"x\.json would hold .*; nothing was written"):
        write_scanned(target, f'{{"a": "{text}"}}', Redactor([CANARY_TOKEN]), account)
    assert not target.parent.exists() or list(target.parent.iterdir()) == []


def test_record_with_dry_run_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    result = cli("run", "get_client", "--param", "id=1", "--dry-run", "--record", str(tmp_path))
    assert result.code == 2
    assert result.err.strip() == (
        "error: DataError: --record: a --dry-run sends nothing, so there is nothing to record"
    )


def test_a_second_recording_of_a_module_gets_the_next_name(cli: Cli, tmp_path: Path) -> None:
    record_echo(cli, tmp_path)
    with HostileServer(echo_everything) as server:
        result = cli(
            "run", "get_client", "--param", "id=1", "--base-url", server.url,
            "--record", str(tmp_path),
        )  # fmt: skip
    assert result.err.strip() == f"recorded: {tmp_path / 'get_client-2.json'}"


def test_fakes_keep_kinds_and_relations() -> None:
    faker = Faker(key=b"k" * 32)
    name = faker.value({"name": "ACME Corp"})["name"]
    assert faker.value({"client_name": "ACME Corp"})["client_name"] == name
    assert faker.replace_known({"label": "ACME Corp (#12)"}) == {"label": f"{name} (#12)"}
    assert faker.value({"notes": "mail bob@acme.test now"})["notes"].startswith("mail person-")
    assert faker.value({"mobile_phone": "+47 999"})["mobile_phone"].startswith("+1 555 01")
    assert faker.value({"id": 5, "name": None, "email": ""}) == {"id": 5, "name": None, "email": ""}
    assert [kind_of(n) for n in ("Email_Address", "first_name", "street", "city")] == [
        "email", "person", "address", None,
    ]  # fmt: skip
    assert Faker(key=b"j" * 32).value({"name": "ACME Corp"})["name"] != name  # per recording
