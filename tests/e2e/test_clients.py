"""Clients modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

from tests.e2e.steps import Connector, created_id


def test_client_round_trip_create_get_update_search_delete(connector: Connector) -> None:
    client_id = created_id(
        connector("run", "create_client", "--param", "name=ACME", "--param", "city=Oslo")
    )

    (got,) = connector("run", "get_client", "--param", f"id={client_id}").lines()
    assert (got["name"], got["city"]) == ("ACME", "Oslo")

    updated = connector(
        "run", "update_client", "--param", f"id={client_id}", "--param", "number=42"
    )
    (bundle,) = updated.lines()
    assert (bundle["number"], bundle["city"]) == ("42", "Oslo")  # city not blanked

    found = connector("run", "search_clients", "--param", "limit=50").lines()
    assert [c["id"] for c in found] == [client_id]

    deleted = connector("run", "delete_client", "--param", f"id={client_id}")
    assert deleted.lines() == [{"id": client_id}]
    missing = connector("run", "get_client", "--param", f"id={client_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_search_reads_every_page_up_to_the_limit(connector: Connector) -> None:
    for index in range(25):
        created_id(connector("run", "create_client", "--param", f"name=Client {index:02d}"))
    everything = connector("run", "search_clients", "--param", "limit=100").lines()
    assert len(everything) == 25
    assert len({client["id"] for client in everything}) == 25
    newest = connector(
        "run", "search_clients", "--param", "sort=date", "--param", "limit=3"
    ).lines()
    assert [c["name"] for c in newest] == ["Client 24", "Client 23", "Client 22"]


def test_watch_new_clients_emits_all_then_only_new_ones(connector: Connector) -> None:
    ids = [
        created_id(connector("run", "create_client", "--param", f"name=C{i}")) for i in range(25)
    ]
    first = connector("run", "watch_new_clients", "--start", "all")
    assert [b["id"] for b in first.lines()] == sorted(ids)
    assert connector("run", "watch_new_clients").lines() == []
    more = [
        created_id(connector("run", "create_client", "--param", f"name=N{i}")) for i in range(3)
    ]
    assert [b["id"] for b in connector("run", "watch_new_clients").lines()] == more


def test_a_duplicate_number_prints_one_line_with_the_make_type(connector: Connector) -> None:
    assert connector("run", "create_client", "--params", '{"name": "x", "number": "1"}').code == 0
    duplicate = connector("run", "create_client", "--param", "name=y", "--param", "number=1")
    assert duplicate.code == 1
    assert duplicate.err == (
        "error: DataError: HTTP 422: Clientary refused the data: number has already been taken\n"
    )
