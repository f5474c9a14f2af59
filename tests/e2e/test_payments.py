"""Watch New Payments end to end: payments recorded through the API, then polled by the CLI."""

from __future__ import annotations

import json

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, created_id


def _invoice(connector: Connector, price: int) -> int:
    params = {
        "date": "2024-03-01",
        "due_date": "2024-03-31",
        "currency_code": "USD",
        "line_items": [{"title": "Work", "quantity": 1, "price": price}],
    }
    return created_id(connector("run", "create_invoice", "--params", json.dumps(params)))


def _pay(connector: Connector, invoice_id: int, amount: float, received_on: str) -> int:
    body = {"payment": {"amount": amount, "note": "check", "received_on": received_on}}
    params = {"method": "POST", "url": f"/invoices/{invoice_id}/payments", "body": body}
    result = connector("run", "make_api_call", "--params", json.dumps(params))
    assert result.code == 0, result.err
    (bundle,) = result.lines()
    assert bundle["status"] == 201
    identifier = bundle["body"]["id"]
    assert isinstance(identifier, int)
    return identifier


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
