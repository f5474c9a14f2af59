"""Contacts modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

from typing import Any

from clientary_sandbox import Sandbox
from runtime.definitions.loader import default_root, load_connector
from runtime.engine.connection import open_connection
from runtime.engine.execution import RunContext, run_rpc
from runtime.engine.inputs import prepare_parameters
from runtime.engine.transport import RequestsTransport, RetryPolicy
from tests.conftest import CANARY_TOKEN
from tests.e2e.steps import Connector, create_client, created_id


def _contact(connector: Connector, client_id: int, name: str, *extra: str) -> int:
    return created_id(
        connector(
            "run",
            "create_contact",
            "--param",
            f"client_id={client_id}",
            "--param",
            f"name={name}",
            "--param",
            f"email={name.lower().replace(' ', '.')}@example.com",
            *extra,
        )
    )


def test_contact_round_trip_create_get_update_list_delete(connector: Connector) -> None:
    acme = create_client(connector, "ACME")
    created = connector(
        "run",
        "create_contact",
        "--params",
        f'{{"client_id": {acme}, "name": "John Doe", "email": "jdoe@example.com",'
        ' "title": "Product Manager", "ext": "1234"}',
    )
    contact_id = created_id(created)
    (bundle,) = created.lines()
    assert (bundle["client_id"], bundle["title"], bundle["ext"]) == (
        acme,
        "Product Manager",
        "1234",
    )

    (got,) = connector("run", "get_contact", "--param", f"id={contact_id}").lines()
    assert (got["name"], got["email"], got["client_id"]) == ("John Doe", "jdoe@example.com", acme)

    updated = connector(
        "run", "update_contact", "--param", f"id={contact_id}", "--param", "phone=555-0100"
    )
    (after,) = updated.lines()
    assert after["phone"] == "555-0100"
    assert (after["title"], after["ext"], after["name"]) == ("Product Manager", "1234", "John Doe")

    other = create_client(connector, "Other")
    other_contact = _contact(connector, other, "Jane Roe")
    everyone = connector("run", "list_contacts", "--param", "limit=50").lines()
    assert [c["id"] for c in everyone] == [contact_id, other_contact]
    scoped = connector("run", "list_contacts", "--param", f"client_id={other}").lines()
    assert [c["id"] for c in scoped] == [other_contact]

    deleted = connector("run", "delete_contact", "--param", f"id={contact_id}")
    assert deleted.lines() == [{"id": contact_id}]
    missing = connector("run", "get_contact", "--param", f"id={contact_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_create_needs_client_name_and_email_before_sending(
    connector: Connector, sandbox: Sandbox
) -> None:
    result = connector("run", "create_contact", "--param", "name=No Client")
    assert result.code != 0
    assert "client_id: required" in result.err and "email: required" in result.err
    assert not [seen for seen in sandbox.requests_seen if seen[0] == "POST"]


def test_list_sends_page_size_100_and_reads_every_page(
    connector: Connector, sandbox: Sandbox
) -> None:
    client_id = create_client(connector, "Big")
    ids = [_contact(connector, client_id, f"P{index:03d}") for index in range(105)]
    found = connector("run", "list_contacts", "--param", "limit=500").lines()
    assert [c["id"] for c in found] == ids
    lists = [path for method, path in sandbox.requests_seen if path.startswith("/api/v2/contacts?")]
    assert lists == ["/api/v2/contacts?page_size=100", "/api/v2/contacts?page_size=100&page=2"]
    assert len(connector("run", "list_contacts").lines()) == 10  # default limit


def test_watch_new_contacts_emits_all_then_only_new_ones(connector: Connector) -> None:
    client_id = create_client(connector, "Watched")
    ids = [_contact(connector, client_id, f"C{index}") for index in range(12)]
    first = connector("run", "watch_new_contacts", "--start", "all")
    assert [b["id"] for b in first.lines()] == sorted(ids)
    assert connector("run", "watch_new_contacts").lines() == []
    more = [_contact(connector, client_id, f"N{index}") for index in range(3)]
    assert [b["id"] for b in connector("run", "watch_new_contacts").lines()] == more
    assert connector("run", "watch_new_contacts").lines() == []


def test_watch_new_contacts_from_now_skips_existing(connector: Connector) -> None:
    client_id = create_client(connector, "Now")
    _contact(connector, client_id, "Old")
    assert connector("run", "watch_new_contacts").lines() == []
    new = _contact(connector, client_id, "New")
    assert [b["id"] for b in connector("run", "watch_new_contacts").lines()] == [new]


def _rpc_in_process(sandbox: Sandbox, rpc_id: str, **given: Any) -> list[dict[str, Any]]:
    connector = load_connector(default_root())
    rpc = connector.rpcs[rpc_id]
    connection = open_connection(
        connector.connections[rpc.connection],
        connector.base,
        {"api_token": CANARY_TOKEN},
        sandbox.base_url,
    )
    transport = RequestsTransport((connection.username, connection.password), 5, RetryPolicy(0))
    context = RunContext(connector, connection, transport)
    return list(run_rpc(rpc, prepare_parameters(rpc.input, given), context))


def test_list_contacts_rpc_labels_and_client_scope(connector: Connector, sandbox: Sandbox) -> None:
    acme = create_client(connector, "ACME")
    other = create_client(connector, "Other")
    john = _contact(connector, acme, "John Doe")
    jane = _contact(connector, other, "Jane Roe")
    assert _rpc_in_process(sandbox, "list_contacts") == [
        {"label": "John Doe <john.doe@example.com>", "value": john},
        {"label": "Jane Roe <jane.roe@example.com>", "value": jane},
    ]
    assert _rpc_in_process(sandbox, "list_contacts", client_id=other) == [
        {"label": "Jane Roe <jane.roe@example.com>", "value": jane}
    ]


def test_list_contacts_rpc_through_the_cli(connector: Connector) -> None:
    acme = create_client(connector, "ACME")
    john = _contact(connector, acme, "John Doe")
    result = connector("rpc", "list_contacts", "--param", f"client_id={acme}")
    assert result.code == 0, result.err
    assert result.lines() == [{"label": "John Doe <john.doe@example.com>", "value": john}]
