"""Recurring schedule modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

import json
from typing import Any

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, create_client, created_id, ids

REQUIRED = {"next_date": "2024-04-01", "time_interval": 5, "currency_code": "USD", "due_period": 30}


def _schedule(connector: Connector, client_id: int, **fields: Any) -> int:
    params = {"client_id": client_id, **REQUIRED, **fields}
    return created_id(connector("run", "create_recurring_schedule", "--params", json.dumps(params)))


def test_recurring_schedule_round_trip_create_get_update_list_delete(
    connector: Connector, sandbox: Sandbox
) -> None:
    acme = create_client(connector, "ACME")
    items = [
        {"item_type": 0, "title": "Monthly services"},
        {"title": "Retainer", "quantity": 2, "price": 49.99, "taxable": True},
    ]
    created = connector(
        "run", "create_recurring_schedule", "--params",
        json.dumps({"client_id": acme, **REQUIRED, "title": "Retainer", "tax": 10,
                    "occurrences_remaining": 12, "note": "", "line_items": items}),
    )  # fmt: skip
    schedule_id = created_id(created)
    assert ("POST", "/api/v2/recurring") in sandbox.requests_seen
    (bundle,) = created.lines()
    assert (bundle["client_id"], bundle["time_interval"], bundle["status"]) == (acme, 5, 0)
    assert bundle["client"]["name"] == "ACME"  # the embedded client
    header, retainer = bundle["recurring_schedule_items"]
    assert (header["item_type"], retainer["item_type"]) == (0, 3)
    assert (retainer["price"], retainer["taxable?"]) == ("49.99", True)  # a string [doc]
    assert (bundle["subtotal"], bundle["total_cost"]) == (99.98, 109.98)

    (got,) = connector("run", "get_recurring_schedule", "--param", f"id={schedule_id}").lines()
    assert (got["title"], got["next_date"], got["due_period"]) == ("Retainer", "2024-04-01", 30)

    changes = [{"id": retainer["id"], "quantity": 1}, {"id": header["id"], "_destroy": True}]
    updated = connector(
        "run", "update_recurring_schedule", "--params",
        json.dumps({"id": schedule_id, "status": 1, "time_interval": 9, "title": "",
                    "line_items": changes}),
    )  # fmt: skip
    (bundle,) = updated.lines()
    assert (bundle["status"], bundle["time_interval"], bundle["title"]) == (1, 9, "Retainer")
    assert [(i["id"], i["quantity"]) for i in bundle["recurring_schedule_items"]] == [
        (retainer["id"], 1.0)
    ]
    assert bundle["occurrences_remaining"] == 12  # kept

    other = _schedule(connector, create_client(connector, "Other"))
    listed = connector("run", "list_recurring_schedules", "--param", "limit=50")
    assert ids(listed) == [schedule_id, other]
    assert ids(connector("run", "list_recurring_schedules", "--param", "limit=1")) == [schedule_id]

    deleted = connector("run", "delete_recurring_schedule", "--param", f"id={schedule_id}")
    assert deleted.lines() == [{"id": schedule_id}]
    missing = connector("run", "get_recurring_schedule", "--param", f"id={schedule_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_list_recurring_schedules_reads_past_the_first_page(connector: Connector) -> None:
    acme = create_client(connector, "ACME")
    made = [_schedule(connector, acme, title=f"S{i}") for i in range(32)]  # 30 per page
    assert ids(connector("run", "list_recurring_schedules", "--param", "limit=100")) == made


def test_the_server_refuses_autobill_without_a_card_and_an_unknown_client(
    connector: Connector,
) -> None:
    acme = create_client(connector, "ACME")
    params = json.dumps({"client_id": acme, **REQUIRED, "action": 2})
    autobill = connector("run", "create_recurring_schedule", "--params", params)
    assert autobill.code == 1
    assert autobill.err.startswith("error: DataError: HTTP 422")
    assert "payment_profile_id" in autobill.err
    unknown = connector(
        "run", "create_recurring_schedule", "--params", json.dumps({"client_id": 999, **REQUIRED})
    )
    assert (unknown.code, unknown.err.startswith("error: DataError: HTTP 422")) == (1, True)


def test_bad_input_is_refused_before_any_request(connector: Connector, sandbox: Sandbox) -> None:
    wrong_interval = connector(
        "run", "create_recurring_schedule", "--params",
        json.dumps({"client_id": 1, **REQUIRED, "time_interval": "monthly"}),
    )  # fmt: skip
    assert wrong_interval.code == 2
    assert wrong_interval.err.count("\n") == 1 and "time_interval" in wrong_interval.err
    nothing = connector("run", "update_recurring_schedule", "--param", "id=1", "--param", "note=")
    assert nothing.code == 2
    assert "nothing to update" in nothing.err
    assert sandbox.requests_seen == []


def test_search_invoices_by_a_schedule_picked_from_the_rpc(connector: Connector) -> None:
    acme = create_client(connector, "ACME")
    first = _schedule(connector, acme, title="Retainer")
    untitled = _schedule(connector, acme)
    options = connector("rpc", "list_recurring_schedules")
    assert options.code == 0, options.err
    assert options.lines() == [
        {"label": "Retainer (1000001)", "value": first},
        {"label": "Recurring schedule (1000002)", "value": untitled},
    ]
    by_schedule = connector("run", "search_invoices", "--param", f"recurring_id={first}")
    assert ids(by_schedule) == []  # GET /recurring/:id/invoices: none generated yet
