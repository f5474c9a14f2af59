"""Payments and charges to stored cards: the invoice's balance and status, and what is refused."""

from __future__ import annotations

from typing import Any

PROFILE = {
    "stripe_payment_profile": {
        "stripe_customer_id": "cus_1",
        "stripe_source_id": "card_1",
        "last_four_digits": "4242",
        "name": "Bob Smith",
        "expiration_date": "2030-01-31",
    }
}


def _client_invoice_profile(api: Any, price: float = 300) -> tuple[int, str, int]:
    client = api.create("clients", {"client": {"name": "ACME"}})["id"]
    invoice = api.create(
        "invoices",
        {
            "invoice": {
                "client_id": client,
                "date": "2024-01-01",
                "due_date": "2024-02-01",
                "currency_code": "USD",
                "invoice_items_attributes": [{"title": "Work", "quantity": 1, "price": price}],
            }
        },
    )["id"]
    profile = api.create(f"clients/{client}/payment_profiles", PROFILE)["id"]
    return client, f"invoices/{invoice}", profile


def _state(api: Any, path: str) -> tuple[float, float, int]:
    shown = api.get(path).json()
    return shown["balance"], shown["total_payments"], shown["status"]


def test_a_payment_a_charge_and_a_delete_move_balance_and_status(api: Any) -> None:
    _, path, profile = _client_invoice_profile(api)
    assert _state(api, path) == (300, 0, 0)
    paid = api.create(f"{path}/payments", {"payment": {"amount": 100, "note": "Check"}})
    assert _state(api, path) == (200, 100, 0)
    charge = api.create(
        f"{path}/payments",
        {"payment": {"payment_profile_id": profile, "amount": 1, "note": "ignored"}},
    )
    # the whole balance is charged; amount and note are ignored [doc]
    assert (charge["amount"], charge["note"]) == (200, "")
    assert charge["transaction_id"].startswith("ch_sandbox")
    assert _state(api, path) == (0, 300, 4)  # Paid
    assert api.delete(f"{path}/payments/{charge['id']}").status_code == 200
    assert _state(api, path) == (200, 100, 1)  # reopened: Sent
    assert api.delete(f"{path}/payments/{paid['id']}").status_code == 200
    assert _state(api, path)[:2] == (300, 0)


def test_a_charge_with_nothing_to_pay_is_refused(api: Any) -> None:
    _, path, profile = _client_invoice_profile(api)
    api.create(f"{path}/payments", {"payment": {"amount": 300}})
    resp = api.post(f"{path}/payments", {"payment": {"payment_profile_id": profile}})
    assert resp.status_code == 422
    assert resp.json() == {"errors": {"base": ["nothing to charge: the invoice has no balance"]}}
    assert _state(api, path)[:2] == (0, 300)  # no payment was added


def test_a_profile_of_another_client_is_refused(api: Any) -> None:
    _, path, _ = _client_invoice_profile(api)
    _, _, other = _client_invoice_profile(api)
    resp = api.post(f"{path}/payments", {"payment": {"payment_profile_id": other}})
    assert resp.status_code == 422
    assert resp.json() == {"errors": {"payment_profile_id": ["is invalid"]}}
    assert _state(api, path)[:2] == (300, 0)


def test_an_invoice_without_a_client_cannot_be_charged(api: Any) -> None:
    _, _, profile = _client_invoice_profile(api)
    loose = api.create(
        "invoices",
        {"invoice": {"date": "2024-01-01", "due_date": "2024-02-01", "currency_code": "USD"}},
    )["id"]
    resp = api.post(f"invoices/{loose}/payments", {"payment": {"payment_profile_id": profile}})
    assert resp.status_code == 422


def test_a_payment_needs_an_amount_and_a_known_invoice(api: Any) -> None:
    _, path, _ = _client_invoice_profile(api)
    resp = api.post(f"{path}/payments", {"payment": {"note": "no amount"}})
    assert (resp.status_code, resp.json()) == (422, {"errors": {"amount": ["can't be blank"]}})
    assert api.post("invoices/999999/payments", {"payment": {"amount": 1}}).status_code == 404
