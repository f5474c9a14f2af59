"""Recurring schedules (enums, Autobill, items, 422s) and the /messages routes that e-mail an
invoice or an estimate (decisions table in clientary_sandbox/__init__.py)."""

from __future__ import annotations

from typing import Any

import pytest

from clientary_sandbox import Sandbox


def schedule_body(client_id: int, **extra: Any) -> dict[str, Any]:
    fields = {
        "client_id": client_id,
        "next_date": "2024-04-01",
        "time_interval": 5,
        "currency_code": "USD",
        "due_period": 30,
    }
    return {"recurring_schedule": {**fields, **extra}}


def test_recurring_requires_five_fields_and_checks_the_documented_enums(api: Any) -> None:
    resp = api.post("recurring", {"recurring_schedule": {"title": "Retainer"}})
    assert resp.status_code == 422
    assert set(resp.json()["errors"]) == {
        "client_id", "next_date", "time_interval", "currency_code", "due_period"
    }  # fmt: skip
    client = api.create("clients", {"client": {"name": "ACME"}})["id"]
    for field, value in (("time_interval", 12), ("time_interval", 0), ("status", 3), ("action", 5)):
        resp = api.post("recurring", schedule_body(client, **{field: value}))
        assert resp.status_code == 422, (field, value)
        assert resp.json() == {"errors": {field: ["is not included in the list"]}}
    schedule = api.create("recurring", schedule_body(client, time_interval=11, status=2))
    assert (schedule["time_interval"], schedule["status"], schedule["action"]) == (11, 2, 0)
    resp = api.put(f"recurring/{schedule['id']}", {"recurring_schedule": {"time_interval": 13}})
    assert resp.status_code == 422
    assert api.get(f"recurring/{schedule['id']}").json()["time_interval"] == 11


def test_autobill_needs_a_payment_profile_of_the_same_client(api: Any) -> None:
    acme = api.create("clients", {"client": {"name": "ACME"}})["id"]
    other = api.create("clients", {"client": {"name": "Other"}})["id"]
    card = {
        "stripe_customer_id": "cus_1",
        "stripe_source_id": "card_1",
        "last_four_digits": "4242",
        "name": "Visa",
        "expiration_date": "2030-01-01",
    }
    mine = api.create(f"clients/{acme}/payment_profiles", {"stripe_payment_profile": card})["id"]
    theirs = api.create(f"clients/{other}/payment_profiles", {"stripe_payment_profile": card})
    missing = api.post("recurring", schedule_body(acme, action=2))
    assert missing.json() == {"errors": {"payment_profile_id": ["can't be blank"]}}
    wrong = api.post("recurring", schedule_body(acme, action=2, payment_profile_id=theirs["id"]))
    assert wrong.json() == {"errors": {"payment_profile_id": ["is invalid"]}}
    unknown = api.post("recurring", schedule_body(acme, action=2, payment_profile_id=999))
    assert unknown.json() == {"errors": {"payment_profile_id": ["is invalid"]}}
    ok = api.create("recurring", schedule_body(acme, action=2, payment_profile_id=mine))
    assert (ok["action"], ok["payment_profile_id"]) == (2, mine)
    schedule = api.create("recurring", schedule_body(acme))
    switch = api.put(f"recurring/{schedule['id']}", {"recurring_schedule": {"action": 2}})
    assert switch.status_code == 422


def test_recurring_items_prices_are_strings_and_items_change_by_id(api: Any) -> None:
    client = api.create("clients", {"client": {"name": "ACME"}})["id"]
    items = [
        {"title": "Hosting", "item_type": 0},
        {"title": "Retainer", "quantity": 2, "price": 100, "taxable": True},
    ]
    created = api.create(
        "recurring", schedule_body(client, tax=10, recurring_schedule_items_attributes=items)
    )
    header, retainer = created["recurring_schedule_items"]
    assert (header["item_type"], retainer["item_type"]) == (0, 3)
    assert (retainer["price"], retainer["taxable?"]) == ("100.00", True)
    assert (created["subtotal"], created["total_cost"]) == (200, 220)
    change = [{"id": retainer["id"], "price": "49.5"}, {"id": header["id"], "_destroy": True}]
    body = {"recurring_schedule": {"recurring_schedule_items_attributes": change}}
    updated = api.put(f"recurring/{created['id']}", body).json()
    assert [(i["id"], i["price"]) for i in updated["recurring_schedule_items"]] == [
        (retainer["id"], "49.50")
    ]
    no_price = {"recurring_schedule_items_attributes": [{"title": "Extra", "quantity": 1}]}
    resp = api.put(f"recurring/{created['id']}", {"recurring_schedule": no_price})
    assert resp.status_code == 422
    assert api.delete(f"recurring/{created['id']}").json() == {}
    assert api.get(f"recurring/{created['id']}").status_code == 404
    assert api.get(f"recurring/{created['id']}/invoices").status_code == 404


@pytest.mark.parametrize("resource", ["invoices", "estimates"])
def test_messages_mark_a_draft_sent_and_take_both_recipient_shapes(
    api: Any, sandbox: Sandbox, resource: str
) -> None:
    fields = {"date": "2024-01-01", "due_date": "2024-02-01", "currency_code": "USD"}
    wrapper = resource[:-1]
    doc = api.create(resource, {wrapper: fields})
    assert doc["status"] == 0
    path = f"{resource}/{doc['id']}/messages"
    text = {"recipients": "a@x.io, b@y.io", "subject": "Your invoice", "message": "Thanks"}
    resp = api.post(path, {**text, "send_copy": True, "attach_pdf": False})
    assert resp.status_code == 200
    sent = resp.json()
    assert (sent["id"], sent["status"]) == (doc["id"], 1)  # Draft -> Sent
    assert api.get(f"{resource}/{doc['id']}").json()["status"] == 1
    again = api.post(path, {"recipients": ["c@z.io"]})  # Corsair's array; stays Sent
    assert (again.status_code, again.json()["status"]) == (200, 1)
    (first, second) = sandbox.engine.records("messages")
    assert (first["recipients"], first["subject"], first["send_copy"]) == (
        ["a@x.io", "b@y.io"],
        "Your invoice",
        True,
    )
    assert (second["recipients"], second["subject"], second["attach_pdf"]) == (
        ["c@z.io"],
        None,
        False,
    )
    api.put(f"{resource}/{doc['id']}", {wrapper: {"status": 2}})  # Viewed is not set back
    assert api.post(path, {"recipients": "d@z.io"}).json()["status"] == 2
    api.delete(f"{resource}/{doc['id']}")
    assert sandbox.engine.records("messages") == []  # gone with their document


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, ["can't be blank"]),
        ({"recipients": ""}, ["can't be blank"]),
        ({"recipients": " , "}, ["can't be blank"]),
        ({"recipients": []}, ["can't be blank"]),
        ({"recipients": "a@x.io, nope"}, ["nope is not an e-mail address"]),
        ({"recipients": ["a@x.io", "b@y"]}, ["b@y is not an e-mail address"]),
        ({"recipients": 5}, ["is invalid"]),
        ({"invoice": {"recipients": "a@x.io"}}, ["can't be blank"]),  # no wrapper is read
    ],
)
def test_messages_refuse_missing_or_wrong_recipients(
    api: Any, body: dict[str, Any], errors: list[str]
) -> None:
    invoice = api.create(
        "invoices",
        {"invoice": {"date": "2024-01-01", "due_date": "2024-02-01", "currency_code": "USD"}},
    )
    resp = api.post(f"invoices/{invoice['id']}/messages", body)
    assert resp.status_code == 422
    assert resp.json() == {"errors": {"recipients": errors}}
    assert api.get(f"invoices/{invoice['id']}").json()["status"] == 0  # not sent


def test_messages_to_an_unknown_document_are_404_before_any_422(api: Any) -> None:
    assert api.post("invoices/999/messages", {}).status_code == 404
    assert api.post("estimates/999/messages", {"recipients": "a@x.io"}).status_code == 404
    assert api.request("GET", "invoices/1/messages").status_code == 404  # POST only
