"""Invoices modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

import json

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, api_call, create_client, create_invoice, created_id
from tests.e2e.steps import ids as bundle_ids


def test_invoice_round_trip_create_get_update_search_delete(connector: Connector) -> None:
    acme = create_client(connector, "ACME")
    created = connector(
        "run",
        "create_invoice",
        "--param",
        f"client_id={acme}",
        "--param",
        "date=2024-03-01",
        "--param",
        "due_date=2024-03-31",
        "--param",
        "currency_code=EUR",
        "--param",
        "po=PO-7",
        "--param",
        'line_items=[{"title": "Design", "quantity": 1, "price": 100},'
        ' {"title": "Build", "quantity": 2, "price": 200}]',
    )
    invoice_id = created_id(created)
    (bundle,) = created.lines()
    assert (bundle["client_id"], bundle["po"], bundle["status"]) == (acme, "PO-7", 0)
    assert [(i["title"], i["quantity"], i["price"]) for i in bundle["invoice_items"]] == [
        ("Design", 1, 100),
        ("Build", 2, 200),
    ]
    assert (bundle["total_cost"], bundle["balance"]) == (500, 500)

    (got,) = connector("run", "get_invoice", "--param", f"id={invoice_id}").lines()
    assert (got["currency_code"], got["due_date"], got["payments"]) == ("EUR", "2024-03-31", [])
    design, build = (item["id"] for item in got["invoice_items"])

    changes = [
        {"id": design, "quantity": 3},
        {"id": build, "_destroy": True},
        {"title": "Hosting", "quantity": 1, "price": 20, "taxable": False},
    ]
    updated = connector(
        "run",
        "update_invoice",
        "--params",
        json.dumps(
            {"id": invoice_id, "due_date": "2024-04-30", "status": 1, "line_items": changes}
        ),
    )
    (after,) = updated.lines()
    assert (after["due_date"], after["status"]) == ("2024-04-30", 1)
    assert (after["po"], after["client_id"], after["currency_code"]) == ("PO-7", acme, "EUR")
    assert [(i["title"], i["quantity"]) for i in after["invoice_items"]] == [
        ("Design", 3),
        ("Hosting", 1),
    ]
    assert after["total_cost"] == 320

    other = create_client(connector, "Other")
    elsewhere = create_invoice(connector, client_id=other)
    assert bundle_ids(connector("run", "search_invoices", "--param", "limit=50")) == [
        invoice_id,
        elsewhere,
    ]
    assert bundle_ids(connector("run", "search_invoices", "--param", f"client_id={acme}")) == [
        invoice_id
    ]

    deleted = connector("run", "delete_invoice", "--param", f"id={invoice_id}")
    assert deleted.lines() == [{"id": invoice_id}]
    missing = connector("run", "get_invoice", "--param", f"id={invoice_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_create_invoice_header_only_without_client(connector: Connector) -> None:
    result = connector(
        "run",
        "create_invoice",
        "--param",
        "date=2024-03-01",
        "--param",
        "due_date=2024-03-31",
        "--param",
        "currency_code=USD",
        "--param",
        "title=",
    )
    (bundle,) = result.lines()
    assert (bundle["invoice_items"], bundle["client_id"], bundle["total_cost"]) == ([], None, 0)
    assert bundle["number"]  # auto-numbered


def test_create_invoice_refuses_missing_fields_before_sending(
    connector: Connector, sandbox: Sandbox
) -> None:
    result = connector("run", "create_invoice", "--param", "date=2024-03-01")
    assert result.code != 0
    assert "due_date: required" in result.err and "currency_code: required" in result.err
    bad_date = connector(
        "run",
        "create_invoice",
        "--params",
        '{"date": "01/03/2024", "due_date": "2024-03-31", "currency_code": "USD"}',
    )
    assert bad_date.code != 0
    assert "parameters.date: expected a date" in bad_date.err
    bad_status = connector(
        "run",
        "update_invoice",
        "--param",
        "id=1",
        "--param",
        "status=6",
    )
    assert bad_status.code != 0
    assert "5 (Pending, newer docs only)" in bad_status.err
    assert sandbox.requests_seen == []


def test_search_invoices_by_project_recurring_schedule_and_updated_since(
    connector: Connector,
) -> None:
    acme = create_client(connector, "ACME")
    project = api_call(connector, "POST", "/projects", {"project": {"name": "Site", "rate": 100}})
    in_project = api_call(
        connector,
        "POST",
        "/invoices",
        {
            "invoice": {
                "date": "2024-03-01",
                "due_date": "2024-03-31",
                "currency_code": "USD",
                "project_id": project["id"],
            }
        },
    )["id"]
    plain = create_invoice(connector, client_id=acme)
    by_project = connector("run", "search_invoices", "--param", f"project_id={project['id']}")
    assert bundle_ids(by_project) == [in_project]

    schedule = api_call(
        connector,
        "POST",
        "/recurring",
        {
            "recurring_schedule": {
                "client_id": acme,
                "next_date": "2024-04-01",
                "time_interval": 5,
                "currency_code": "USD",
                "due_period": 30,
            }
        },
    )
    by_schedule = connector("run", "search_invoices", "--param", f"recurring_id={schedule['id']}")
    assert bundle_ids(by_schedule) == []  # the schedule has not generated any invoice yet
    unknown = connector("run", "search_invoices", "--param", "recurring_id=999999")
    assert unknown.code == 1
    assert unknown.err.startswith("error: DataError: HTTP 404")

    since_long_ago = connector("run", "search_invoices", "--param", "updated_since=2000-01-01")
    assert bundle_ids(since_long_ago) == [in_project, plain]
    in_the_future = connector("run", "search_invoices", "--param", "updated_since=2999-01-01")
    assert bundle_ids(in_the_future) == []
    scoped_future = connector(
        "run",
        "search_invoices",
        "--param",
        f"client_id={acme}",
        "--param",
        "updated_since=2999-01-01",
    )
    assert bundle_ids(scoped_future) == []


def test_search_reads_every_page_up_to_the_limit(connector: Connector) -> None:
    ids = [create_invoice(connector, title=f"I{index}") for index in range(32)]
    assert bundle_ids(connector("run", "search_invoices", "--param", "limit=100")) == ids
    assert bundle_ids(connector("run", "search_invoices", "--param", "limit=31")) == ids[:31]
    assert bundle_ids(connector("run", "search_invoices")) == ids[:10]


def test_watch_new_invoices_emits_all_then_only_new_ones(connector: Connector) -> None:
    ids = [create_invoice(connector, title=f"I{index}") for index in range(33)]  # two pages of 30
    first = connector("run", "watch_new_invoices", "--start", "all")
    assert [b["id"] for b in first.lines()] == sorted(ids)
    assert connector("run", "watch_new_invoices").lines() == []
    more = [create_invoice(connector, title=f"N{index}") for index in range(3)]
    assert [b["id"] for b in connector("run", "watch_new_invoices").lines()] == more
    assert connector("run", "watch_new_invoices").lines() == []


def test_watch_new_invoices_ignores_updates_of_old_invoices(connector: Connector) -> None:
    old = create_invoice(connector, title="Old")
    assert connector("run", "watch_new_invoices").lines() == []  # from now on
    connector("run", "update_invoice", "--param", f"id={old}", "--param", "title=Changed")
    new = create_invoice(connector, title="New")
    assert [b["id"] for b in connector("run", "watch_new_invoices").lines()] == [new]


def test_list_invoices_rpc_gives_label_and_value(connector: Connector) -> None:
    first = create_invoice(connector, title="March", number="INV-1")
    second = create_invoice(connector, date="2024-04-02")
    result = connector("rpc", "list_invoices")
    assert result.code == 0, result.err
    assert result.lines() == [
        {"label": "INV-1 – March (2024-03-01)", "value": first},
        {"label": "1000 (2024-04-02)", "value": second},
    ]
