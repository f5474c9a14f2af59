"""Payment profiles (a client's stored cards) end to end: create, list, drop-down, delete."""

from __future__ import annotations

import json

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, create_client, created_id, ids, payment_profile


def _params(client_id: int, name: str, **extra: str) -> str:
    return json.dumps(payment_profile(client_id, name, **extra))


def test_payment_profile_round_trip_create_list_delete(
    connector: Connector, sandbox: Sandbox
) -> None:
    client = create_client(connector, "ACME Corp")
    other = create_client(connector, "Other Inc")
    created = connector(
        "run", "create_payment_profile", "--params",
        _params(client, "Bob Smith", card_type="Visa", city="Mainville", zip="10001"),
    )  # fmt: skip
    (profile,) = created.lines()
    assert (profile["client_id"], profile["name"], profile["gateway"]) == (
        client,
        "Bob Smith",
        "stripe",
    )
    assert profile["gateway_token"] == "cus_3IZ2SzDl5AkAB4"
    assert (profile["expiration_date"], profile["city"], profile["zip"]) == (
        "2030-01-31",
        "Mainville",
        "10001",
    )
    assert ("POST", f"/api/v2/clients/{client}/payment_profiles") in sandbox.requests_seen
    second = created_id(
        connector("run", "create_payment_profile", "--params", _params(client, "Ann"))
    )
    foreign = created_id(
        connector("run", "create_payment_profile", "--params", _params(other, "Zed"))
    )

    listed = connector("run", "list_payment_profiles", "--param", f"client_id={client}")
    assert ids(listed) == [profile["id"], second]
    assert ids(connector("run", "list_payment_profiles", "--param", f"client_id={other}")) == [
        foreign
    ]
    options = connector("rpc", "list_payment_profiles", "--param", f"client_id={client}").lines()
    assert [o["value"] for o in options] == [profile["id"], second]
    assert options[1]["label"] == "Ann (stripe, expires 2030-01-31)"

    deleted = connector(
        "run", "delete_payment_profile", "--param", f"client_id={client}", "--param", f"id={second}"
    )
    assert deleted.lines() == [{"client_id": client, "id": second}]
    assert ids(connector("run", "list_payment_profiles", "--param", f"client_id={client}")) == [
        profile["id"]
    ]
    again = connector(
        "run", "delete_payment_profile", "--param", f"client_id={client}", "--param", f"id={second}"
    )
    assert again.code == 1
    assert again.err.startswith("error: DataError: HTTP 404")
    under_other = connector(  # a profile is deleted only under its own client
        "run", "delete_payment_profile", "--param", f"client_id={other}",
        "--param", f"id={profile['id']}",
    )  # fmt: skip
    assert under_other.err.startswith("error: DataError: HTTP 404")


def test_bad_input_is_one_line_and_nothing_is_sent(connector: Connector, sandbox: Sandbox) -> None:
    client = create_client(connector, "ACME Corp")
    digits = connector(
        "run",
        "create_payment_profile",
        "--params",
        _params(client, "Bob", last_four_digits="12345"),
    )
    assert digits.code == 2
    assert digits.err.strip().splitlines() == [
        "error: DataError: parameters.last_four_digits: "
        'expected text matching ^[0-9]{4}$; got "12345"'
    ]
    no_client = connector("run", "list_payment_profiles")
    assert no_client.code == 2
    assert len(no_client.err.strip().splitlines()) == 1 and "client_id" in no_client.err
    assert not [p for _, p in sandbox.requests_seen if "payment_profiles" in p]


def test_an_unknown_client_is_404(connector: Connector) -> None:
    result = connector("run", "create_payment_profile", "--params", _params(999999, "Bob"))
    assert result.code == 1
    assert result.err.startswith("error: DataError: HTTP 404")
