"""Payments end to end: recorded, charged to a stored card, listed and deleted through the
CLI, and Watch New Payments polling them."""

from __future__ import annotations

import json
from typing import Any

from clientary_sandbox import Sandbox
from tests.e2e.steps import (
    Connector,
    create_client,
    create_invoice,
    created_id,
    ids,
    payment_profile,
)


def _invoice(connector: Connector, price: int, **fields: Any) -> int:
    return create_invoice(
        connector, line_items=[{"title": "Work", "quantity": 1, "price": price}], **fields
    )


def _pay(connector: Connector, invoice_id: int, amount: float, received_on: str) -> int:
    params = {
        "invoice_id": invoice_id,
        "amount": amount,
        "note": "check",
        "received_on": received_on,
    }
    return created_id(connector("run", "create_payment", "--params", json.dumps(params)))


def _invoice_state(connector: Connector, invoice_id: int) -> tuple[float, float, int]:
    (invoice,) = connector("run", "get_invoice", "--param", f"id={invoice_id}").lines()
    return invoice["balance"], invoice["total_payments"], invoice["status"]


def _profile(connector: Connector, client_id: int, name: str) -> int:
    params = json.dumps(payment_profile(client_id, name))
    return created_id(connector("run", "create_payment_profile", "--params", params))


def test_payment_round_trip_record_charge_list_delete(
    connector: Connector, sandbox: Sandbox
) -> None:
    client = create_client(connector, "ACME Corp")
    invoice = _invoice(connector, 500, client_id=client)
    assert _invoice_state(connector, invoice) == (500, 0, 0)

    recorded = connector(
        "run", "create_payment", "--param", f"invoice_id={invoice}", "--param", "amount=200",
        "--param", "note=Paid by check", "--param", "received_on=2024-03-05",
    )  # fmt: skip
    (payment,) = recorded.lines()
    assert (payment["invoice_id"], payment["amount"], payment["note"]) == (
        invoice,
        200,
        "Paid by check",
    )
    assert payment["received_on"] == "2024-03-05"
    assert ("POST", f"/api/v2/invoices/{invoice}/payments") in sandbox.requests_seen
    assert _invoice_state(connector, invoice) == (300, 200, 0)

    profile = _profile(connector, client, "Bob Smith")
    options = connector("rpc", "list_payment_profiles", "--param", f"client_id={client}")
    assert options.lines() == [
        {"label": "Bob Smith (stripe, expires 2030-01-31)", "value": profile}
    ]
    charged = connector(
        "run", "charge_invoice", "--param", f"invoice_id={invoice}",
        "--param", f"client_id={client}", "--param", f"payment_profile_id={profile}",
    )  # fmt: skip
    (charge,) = charged.lines()
    assert charge["amount"] == 300  # the whole rest of the balance
    assert charge["transaction_id"].startswith("ch_")
    assert _invoice_state(connector, invoice) == (0, 500, 4)  # Paid

    again = connector(
        "run", "charge_invoice", "--param", f"invoice_id={invoice}",
        "--param", f"payment_profile_id={profile}",
    )  # fmt: skip
    assert again.code == 1
    assert again.err.startswith("error: DataError: HTTP 422")  # nothing left to charge

    # back-dated: recorded last, received first
    late = _pay(connector, _invoice(connector, 50), 10, "2020-01-01")
    by_received = ids(connector("run", "list_payments", "--param", "limit=50"))
    assert by_received == [charge["id"], payment["id"], late]  # today, 2024-03-05, 2020
    by_created = ids(
        connector("run", "list_payments", "--param", "sort=created_at", "--param", "limit=50")
    )
    assert by_created == [late, charge["id"], payment["id"]]
    assert ("GET", "/api/v2/payments?sort=created_at") in sandbox.requests_seen
    assert len(connector("run", "list_payments", "--param", "limit=2").lines()) == 2

    deleted = connector(
        "run", "delete_payment", "--param", f"invoice_id={invoice}", "--param", f"id={charge['id']}"
    )
    assert deleted.lines() == [{"invoice_id": invoice, "id": charge["id"]}]
    assert _invoice_state(connector, invoice) == (300, 200, 1)  # reopened
    gone = connector(
        "run", "delete_payment", "--param", f"invoice_id={invoice}", "--param", f"id={charge['id']}"
    )
    assert gone.code == 1
    assert gone.err.startswith("error: DataError: HTTP 404")


def test_a_card_of_another_client_is_refused(connector: Connector) -> None:
    client = create_client(connector, "ACME Corp")
    other = create_client(connector, "Other Inc")
    invoice = _invoice(connector, 100, client_id=client)
    foreign = _profile(connector, other, "Someone Else")
    result = connector(
        "run", "charge_invoice", "--param", f"invoice_id={invoice}",
        "--param", f"payment_profile_id={foreign}",
    )  # fmt: skip
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("error: DataError: HTTP 422")
    assert _invoice_state(connector, invoice) == (100, 0, 0)


def test_a_payment_without_an_amount_is_refused_before_sending(
    connector: Connector, sandbox: Sandbox
) -> None:
    invoice = _invoice(connector, 100)
    result = connector("run", "create_payment", "--param", f"invoice_id={invoice}")
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1
    assert "amount" in result.err
    assert ("POST", f"/api/v2/invoices/{invoice}/payments") not in sandbox.requests_seen


def test_watch_new_payments_emits_all_then_only_new_ones(
    connector: Connector, sandbox: Sandbox
) -> None:
    invoice = _invoice(connector, 10_000)
    # received_on runs backwards, so the API's default order is not the creation order
    ids = [_pay(connector, invoice, 10, f"2024-03-{31 - index:02d}") for index in range(31)]
    first = connector("run", "watch_new_payments", "--start", "all")
    bundles = first.lines()
    assert [b["id"] for b in bundles] == sorted(ids)
    assert {b["invoice_id"] for b in bundles} == {invoice}
    assert connector("run", "watch_new_payments").lines() == []
    late = _pay(connector, invoice, 5, "2020-01-01")  # back-dated, but new
    assert [b["id"] for b in connector("run", "watch_new_payments").lines()] == [late]
    assert connector("run", "watch_new_payments").lines() == []
    lists = {path for _, path in sandbox.requests_seen if path.startswith("/api/v2/payments")}
    assert lists == {"/api/v2/payments?sort=created_at&page_size=100"}  # 32 payments: one page


def test_watch_new_payments_from_now_and_with_a_limit(connector: Connector) -> None:
    invoice = _invoice(connector, 1_000)
    _pay(connector, invoice, 1, "2024-03-01")
    first = connector("run", "watch_new_payments")
    assert first.lines() == []
    assert "1 existing item(s) treated as already seen" in first.err
    new = [_pay(connector, invoice, 1, "2024-03-02") for _ in range(3)]
    limited = connector("run", "watch_new_payments", "--limit", "2")
    assert [b["id"] for b in limited.lines()] == new[:2]
    assert [b["id"] for b in connector("run", "watch_new_payments").lines()] == new[2:]
