"""Invoice and estimate totals, Paid status, and cascading deletes."""

from __future__ import annotations

from typing import Any

ITEMS = [
    {"title": "Design", "quantity": 2, "price": 150, "taxable": True},
    {"title": "Hosting", "quantity": 1, "price": 50, "taxable": False},
]


def invoice_body(**extra: Any) -> dict[str, Any]:
    return {
        "invoice": {
            "date": "2024-01-01",
            "due_date": "2024-02-01",
            "currency_code": "USD",
            "invoice_items_attributes": ITEMS,
            **extra,
        }
    }


def test_totals_tax_and_payments(api: Any) -> None:
    invoice = api.create("invoices", invoice_body(tax=10, tax2=5, compound_tax=True))
    # subtotal 2*150 + 50 = 350; tax1 = 10% of 300 = 30; tax2 compound = 5% of 330 = 16.5
    assert invoice["subtotal"] == 350
    assert invoice["total_cost"] == 396.5
    assert invoice["balance"] == 396.5 and invoice["total_payments"] == 0
    assert invoice["status"] == 0
    assert [i["title"] for i in invoice["invoice_items"]] == ["Design", "Hosting"]
    path = f"invoices/{invoice['id']}"
    first = api.create(f"{path}/payments", {"payment": {"amount": 100, "note": "Check"}})
    shown = api.get(path).json()
    assert shown["total_payments"] == 100 and shown["balance"] == 296.5
    assert shown["status"] == 0
    assert [p["id"] for p in shown["payments"]] == [first["id"]]
    api.create(f"{path}/payments", {"payment": {"amount": 296.5}})
    paid = api.get(path).json()
    assert paid["balance"] == 0 and paid["status"] == 4
    assert api.delete(f"{path}/payments/{first['id']}").json() == {}
    reopened = api.get(path).json()
    assert reopened["balance"] == 100 and reopened["status"] == 1
    assert api.delete(f"invoices/999/payments/{first['id']}").status_code == 404


def test_non_compound_tax_and_item_updates(api: Any) -> None:
    invoice = api.create("invoices", invoice_body(tax=10, tax2=5))
    assert invoice["total_cost"] == 395  # 350 + 30 + 15
    design = invoice["invoice_items"][0]
    hosting = invoice["invoice_items"][1]
    body = {
        "invoice": {
            "invoice_items_attributes": [
                {"id": design["id"], "quantity": 1},
                {"id": hosting["id"], "_destroy": True},
                {"title": "Extra", "quantity": 1, "price": 10, "taxable": False},
            ]
        }
    }
    updated = api.put(f"invoices/{invoice['id']}", body).json()
    assert [i["title"] for i in updated["invoice_items"]] == ["Design", "Extra"]
    assert updated["subtotal"] == 160
    assert updated["total_cost"] == 160 + 15 + 7.5
    assert updated["invoice_items"][1]["id"] > hosting["id"]


def test_estimate_totals(api: Any) -> None:
    body = {
        "estimate": {
            "date": "2024-01-01",
            "currency_code": "EUR",
            "tax": 5,
            "estimate_items_attributes": [{"title": "i", "quantity": 1, "price": 123}],
        }
    }
    estimate = api.create("estimates", body)
    assert estimate["subtotal"] == 123 and estimate["total_cost"] == 129.15
    assert estimate["estimate_items"][0]["taxable"] is True
    assert isinstance(estimate["number"], str)


def test_delete_client_cascades(api: Any) -> None:
    keep = api.create("clients", {"client": {"name": "Keep"}})
    gone = api.create("clients", {"client": {"name": "Gone"}})
    cid = gone["id"]
    project = api.create("projects", {"project": {"name": "P", "rate": 1, "client_id": cid}})
    invoice = api.create("invoices", invoice_body(client_id=cid))
    payment = api.create(f"invoices/{invoice['id']}/payments", {"payment": {"amount": 5}})
    estimate = api.create(
        "estimates", {"estimate": {"date": "2024-01-01", "currency_code": "USD", "client_id": cid}}
    )
    contact = api.create(
        f"clients/{cid}/contacts", {"client_user": {"name": "A", "email": "a@example.com"}}
    )
    other = api.create(
        f"clients/{keep['id']}/contacts", {"client_user": {"name": "B", "email": "b@example.com"}}
    )
    assert api.delete(f"clients/{cid}").status_code == 200
    for path in [
        f"clients/{cid}",
        f"projects/{project['id']}",
        f"invoices/{invoice['id']}",
        f"estimates/{estimate['id']}",
        f"contacts/{contact['id']}",
    ]:
        assert api.get(path).status_code == 404, path
    assert payment["id"] not in [p["id"] for p in api.get("payments").json()["payments"]]
    assert api.get(f"contacts/{other['id']}").status_code == 200
    assert api.get(f"clients/{keep['id']}").status_code == 200


def test_delete_lead_cascades_to_contacts_and_estimates(api: Any) -> None:
    lead = api.create("leads", {"lead": {"name": "L"}})
    contact = api.create(
        f"leads/{lead['id']}/contacts", {"client_user": {"name": "A", "email": "a@example.com"}}
    )
    estimate = api.create(
        "estimates",
        {"estimate": {"date": "2024-01-01", "currency_code": "USD", "lead_id": lead["id"]}},
    )
    api.delete(f"leads/{lead['id']}")
    assert api.get(f"contacts/{contact['id']}").status_code == 404
    assert api.get(f"estimates/{estimate['id']}").status_code == 404


def test_seed_is_deterministic(make_sandbox: Any, api_for: Any) -> None:
    def snapshot() -> list[Any]:
        api = api_for(make_sandbox(seed=4))
        clients = api.get("clients").json()["clients"]
        invoices = api.get("invoices").json()["invoices"]
        return [
            [(c["id"], c["name"], c["number"]) for c in clients],
            [(i["id"], i["client_id"], i["total_cost"], len(i["invoice_items"])) for i in invoices],
            api.get("contacts").json()["total_count"],
            len(api.get("staff").json()["staff"]),
        ]

    first = snapshot()
    assert first == snapshot()
    assert first[0][0] == (1, "Client 001", "001")
    assert first[2] == 4 and first[3] >= 2
    assert all(count == 2 for *_, count in first[1])


def test_the_next_number_follows_the_highest_numeric_number_by_value(api: Any) -> None:
    client = api.create("clients", {"client": {"name": "Numbers"}})

    def invoice(number: str | None = None) -> dict[str, Any]:
        fields = {"client_id": client["id"], "date": "2024-01-01", "due_date": "2024-01-31"}
        fields["currency_code"] = "USD"
        if number is not None:
            fields["number"] = number
        return api.create("invoices", {"invoice": fields})

    assert invoice()["number"] == "1000"  # the documented start
    invoice("0000999")  # smaller by value, longer as text
    invoice("INV-77777")  # not a number: ignored
    assert invoice()["number"] == "1001"
    big = invoice("99999999999999999999")  # beyond 64 bits: still counted exactly
    assert invoice()["number"] == "100000000000000000000"
    api.delete(f"invoices/{big['id']}")
    api.delete(f"invoices/{invoice()['id']}")  # 100000000000000000001, deleted again
    assert invoice()["number"] == "100000000000000000001"
