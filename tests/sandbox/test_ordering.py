"""Documented sorts and filters: clients, leads, payments, projects, hours, expenses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any


def names(body: dict[str, Any], key: str) -> list[str]:
    return [item["name"] for item in body[key]]


def test_clients_by_name_and_sort_date(api: Any) -> None:
    for name in ["Charlie", "alpha", "Bravo"]:
        api.create("clients", {"client": {"name": name}})
    assert names(api.get("clients").json(), "clients") == ["alpha", "Bravo", "Charlie"]
    newest_first = names(api.get("clients", params={"sort": "date"}).json(), "clients")
    assert newest_first == ["Bravo", "alpha", "Charlie"]


def test_updated_since_filters_by_day(api: Any) -> None:
    api.create("clients", {"client": {"name": "A"}})
    invoice = {"invoice": {"date": "2024-01-01", "due_date": "2024-02-01", "currency_code": "USD"}}
    api.create("invoices", invoice)
    today = datetime.now(UTC).date()
    for path, key in [("clients", "clients"), ("invoices", "invoices")]:
        for day, expected in [
            (today - timedelta(days=1), 1),
            (today, 1),
            (today + timedelta(days=1), 0),
        ]:
            body = api.get(path, params={"updated_since": day.isoformat()}).json()
            assert body["total_count"] == expected, (path, day)
            assert len(body[key]) == expected
    assert api.get("clients", params={"updated_since": "01/02/2024"}).status_code == 400


def test_leads_sorts(api: Any) -> None:
    for name in ["b-lead", "c-lead", "a-lead"]:
        api.create("leads", {"lead": {"name": name}})
    api.create("Lead", {"lead": {"name": "d-lead"}})  # documented create path
    assert names(api.get("leads").json(), "leads") == ["d-lead", "a-lead", "c-lead", "b-lead"]
    by_name = names(api.get("leads", params={"sort": "name"}).json(), "leads")
    assert by_name == ["a-lead", "b-lead", "c-lead", "d-lead"]
    oldest = names(api.get("leads", params={"sort": "oldest"}).json(), "leads")
    assert oldest == ["b-lead", "c-lead", "a-lead", "d-lead"]


def test_payments_received_on_desc_and_sort_created_at(api: Any) -> None:
    invoice = api.create(
        "invoices",
        {
            "invoice": {
                "date": "2024-01-01",
                "due_date": "2024-02-01",
                "currency_code": "USD",
                "invoice_items_attributes": [{"title": "x", "quantity": 1, "price": 1000}],
            }
        },
    )
    ids = [
        api.create(
            f"invoices/{invoice['id']}/payments", {"payment": {"amount": 10, "received_on": day}}
        )["id"]
        for day in ["2024-01-05", "2024-03-01", "2024-02-01"]
    ]
    default = [p["id"] for p in api.get("payments").json()["payments"]]
    assert default == [ids[1], ids[2], ids[0]]
    by_created = [
        p["id"] for p in api.get("payments", params={"sort": "created_at"}).json()["payments"]
    ]
    assert by_created == [ids[2], ids[1], ids[0]]


def test_projects_filter_all(api: Any) -> None:
    client = api.create("clients", {"client": {"name": "C"}})
    for name, status in [("active", 1), ("completed", 2), ("billable", 4)]:
        api.create(
            "projects",
            {"project": {"name": name, "rate": 1, "status": status, "client_id": client["id"]}},
        )
    assert names(api.get("projects").json(), "projects") == ["active", "billable"]
    every = api.get("projects", params={"filter": "all"}).json()
    assert names(every, "projects") == ["active", "completed", "billable"]
    assert every["total_count"] == 3
    scoped = api.get(f"clients/{client['id']}/projects", params={"filter": "all"}).json()
    assert scoped["total_count"] == 3 and scoped["page_size"] == 10
    assert every["projects"][0]["client"]["name"] == "C"


def test_hours_filter_billed_unbilled(api: Any) -> None:
    project = api.create("projects", {"project": {"name": "P", "rate": 100}})
    path = f"projects/{project['id']}/hours"
    first = api.create(path, {"project_item": {"hours": 2, "title": "one"}})
    second = api.create(path, {"project_item": {"hours": 3, "title": "two"}})
    api.put(f"hours/{second['id']}", {"project_item": {"billed?": True}})
    billed = api.get(path, params={"filter": "billed"}).json()["hours"]
    unbilled = api.get(path, params={"filter": "unbilled"}).json()["hours"]
    assert [h["id"] for h in billed] == [second["id"]]
    assert [h["id"] for h in unbilled] == [first["id"]]
    assert len(api.get(path).json()["hours"]) == 2
    shown = api.get(f"projects/{project['id']}").json()
    assert shown["worked_hours"] == 5 and shown["unbilled_hours"] == 2


def test_expenses_date_range(api: Any) -> None:
    today = datetime.now(UTC).date().isoformat()
    client = api.create("clients", {"client": {"name": "C"}})
    for day in ["2012-03-01", "2012-12-31", "2013-01-01", today]:
        api.create(
            "expenses", {"expense": {"amount": 5, "incurred_on": day, "client_id": client["id"]}}
        )
    default = api.get("expenses").json()
    year = datetime.now(UTC).year
    assert default["from_date"] == f"{year}/01/01" and default["to_date"] == f"{year}/12/31"
    assert [e["incurred_on"] for e in default["expenses"]] == [today]
    ranged = api.get("expenses", params={"from_date": "2012-01-01", "to_date": "2012-12-31"})
    body = ranged.json()
    assert set(body) == {"total_count", "from_date", "to_date", "expenses"}
    assert body["total_count"] == 2
    assert body["from_date"] == "2012/01/01"
    assert [e["incurred_on"] for e in body["expenses"]] == ["2012-03-01", "2012-12-31"]
    scoped = api.get(
        f"clients/{client['id']}/expenses",
        params={"from_date": "2013-01-01", "to_date": "2013-01-01"},
    ).json()
    assert scoped["total_count"] == 1
