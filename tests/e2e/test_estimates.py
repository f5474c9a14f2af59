"""Estimates modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

import json
from typing import Any

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, api_call, create_client, created_id
from tests.e2e.test_contacts import _rpc_in_process


def _estimate(connector: Connector, **fields: Any) -> int:
    params = {"date": "2024-03-01", "currency_code": "USD", **fields}
    return created_id(connector("run", "create_estimate", "--params", json.dumps(params)))


def test_estimate_round_trip_create_get_update_list_delete(connector: Connector) -> None:
    acme = create_client(connector, "ACME")
    created = connector(
        "run",
        "create_estimate",
        "--param",
        f"client_id={acme}",
        "--param",
        "date=2024-03-01",
        "--param",
        "currency_code=EUR",
        "--param",
        "note=Valid 30 days",
        "--param",
        'line_items=[{"title": "Design", "quantity": 1, "price": 100},'
        ' {"title": "Build", "quantity": 2, "price": 200}]',
    )
    estimate_id = created_id(created)
    (bundle,) = created.lines()
    assert bundle["client_id"] == acme
    assert bundle["status"] == 0
    assert [(i["title"], i["quantity"], i["price"]) for i in bundle["estimate_items"]] == [
        ("Design", 1, 100),
        ("Build", 2, 200),
    ]
    assert bundle["subtotal"] == 500

    (got,) = connector("run", "get_estimate", "--param", f"id={estimate_id}").lines()
    assert (got["currency_code"], got["note"]) == ("EUR", "Valid 30 days")
    design, build = (item["id"] for item in got["estimate_items"])

    changes = [
        {"id": design, "price": 150},
        {"id": build, "_destroy": True},
        {"title": "Hosting", "quantity": 12, "price": 10, "taxable": False},
    ]
    updated = connector(
        "run",
        "update_estimate",
        "--params",
        json.dumps({"id": estimate_id, "title": "Website", "status": 1, "line_items": changes}),
    )
    (after,) = updated.lines()
    assert (after["title"], after["status"]) == ("Website", 1)
    assert after["note"] == "Valid 30 days"  # not blanked
    assert after["currency_code"] == "EUR"
    assert [(i["title"], i["price"]) for i in after["estimate_items"]] == [
        ("Design", 150),
        ("Hosting", 10),
    ]
    assert after["subtotal"] == 270

    other = create_client(connector, "Other")
    elsewhere = _estimate(connector, client_id=other)
    everything = connector("run", "list_estimates", "--param", "limit=50").lines()
    assert [e["id"] for e in everything] == [estimate_id, elsewhere]
    scoped = connector("run", "list_estimates", "--param", f"client_id={acme}").lines()
    assert [e["id"] for e in scoped] == [estimate_id]

    deleted = connector("run", "delete_estimate", "--param", f"id={estimate_id}")
    assert deleted.lines() == [{"id": estimate_id}]
    missing = connector("run", "get_estimate", "--param", f"id={estimate_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_list_estimates_of_one_project(connector: Connector) -> None:
    acme = create_client(connector, "ACME")
    project = api_call(connector, "POST", "/projects", {"project": {"name": "Site", "rate": 100}})
    in_project = api_call(
        connector,
        "POST",
        "/estimates",
        {"estimate": {"date": "2024-03-01", "currency_code": "USD", "project_id": project["id"]}},
    )["id"]
    _estimate(connector, client_id=acme)
    listed = connector(
        "run", "list_estimates", "--param", f"project_id={project['id']}", "--param", "limit=5"
    ).lines()
    assert [e["id"] for e in listed] == [in_project]
    unknown = connector("run", "list_estimates", "--param", "project_id=999999")
    assert unknown.code == 1
    assert unknown.err.startswith("error: DataError: HTTP 404")


def test_create_refuses_bad_input_before_sending(connector: Connector, sandbox: Sandbox) -> None:
    no_currency = connector("run", "create_estimate", "--param", "date=2024-03-01")
    assert no_currency.code != 0
    assert "currency_code: required" in no_currency.err
    bad_status = connector(
        "run",
        "create_estimate",
        "--params",
        '{"date": "2024-03-01", "currency_code": "USD", "status": 9}',
    )
    assert bad_status.code != 0
    assert "7 (Archived)" in bad_status.err
    no_price = connector(
        "run",
        "create_estimate",
        "--params",
        json.dumps(
            {
                "date": "2024-03-01",
                "currency_code": "USD",
                "line_items": [{"title": "x", "quantity": 1}],
            }
        ),
    )
    assert no_price.code != 0
    assert "price" in no_price.err
    assert not [seen for seen in sandbox.requests_seen if seen[0] == "POST"]


def test_watch_new_estimates_emits_all_then_only_new_ones(connector: Connector) -> None:
    ids = [_estimate(connector, title=f"E{index}") for index in range(33)]  # two pages of 30
    first = connector("run", "watch_new_estimates", "--start", "all")
    assert [b["id"] for b in first.lines()] == sorted(ids)
    assert connector("run", "watch_new_estimates").lines() == []
    more = [_estimate(connector, title=f"N{index}") for index in range(3)]
    assert [b["id"] for b in connector("run", "watch_new_estimates").lines()] == more
    assert connector("run", "watch_new_estimates").lines() == []


def test_list_estimates_rpc_labels(connector: Connector, sandbox: Sandbox) -> None:
    first = _estimate(connector, title="Website", number="E-1")
    second = _estimate(connector, date="2024-04-02")
    options = _rpc_in_process(sandbox, "list_estimates")
    assert options == [
        {"label": "E-1 – Website (2024-03-01)", "value": first},
        {"label": "1000 (2024-04-02)", "value": second},  # auto-numbered, no title
    ]


def test_list_estimates_rpc_through_the_cli(connector: Connector) -> None:
    estimate_id = _estimate(connector, title="Website", number="E-1")
    result = connector("rpc", "list_estimates")
    assert result.code == 0, result.err
    assert [line["value"] for line in result.lines()] == [estimate_id]
