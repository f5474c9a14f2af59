"""Responses have the keys and JSON types of the documented samples (shared/clientary/samples)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "samples"  # copies of shared/clientary/samples

# Keys that are null in a freshly created record although the sample shows a value, because the
# documented create request does not set them (create bodies come from the samples verbatim).
NULLABLE: dict[str, set[str]] = {
    "projects": {"client", "end_date"},  # project created without client_id / end_date
    "estimates": {"client_id"},
    "invoices": {"client_id"},
    "expenses": {"client_id"},
    "payments": {"transaction_id"},  # [doc] only set for gateway (Stripe) payments
}


def sample(name: str) -> Any:
    path = SAMPLES / name
    assert SAMPLES.is_dir(), f"sample folder missing: {SAMPLES}"
    assert path.is_file(), f"sample file missing: {path}"
    return json.loads(path.read_text())


def jtype(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def mismatches(expected: Any, actual: Any, where: str, nullable: set[str]) -> list[str]:
    """Sample keys must be present with the same JSON type (null in the sample matches all)."""
    if expected is None:
        return []
    if actual is None and where.rsplit(".", 1)[-1] in nullable:
        return []
    if jtype(expected) != jtype(actual):
        return [f"{where}: sample {jtype(expected)}, got {jtype(actual)} ({actual!r})"]
    problems: list[str] = []
    if isinstance(expected, dict):
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += mismatches(value, actual[key], f"{where}.{key}", nullable)
    if isinstance(expected, list) and expected and actual:
        problems += mismatches(expected[0], actual[0], f"{where}[0]", nullable)
    return problems


def assert_shape(expected: Any, actual: Any, resource: str) -> None:
    problems = mismatches(expected, actual, resource, NULLABLE.get(resource, set()))
    assert not problems, "\n".join(problems)


def check_list(api: Any, resource: str, path: str, created_id: int, item_key: str) -> None:
    envelope = api.get(path).json()
    expected = sample(f"{resource}.list.json")
    assert_shape({k: v for k, v in expected.items() if k != item_key}, envelope, resource)
    items = [i for i in envelope[item_key] if i["id"] == created_id]
    assert len(items) == 1, envelope
    assert_shape(expected[item_key][0], items[0], resource)


def test_sample_folder_is_present() -> None:
    assert SAMPLES.is_dir(), f"sample folder missing: {SAMPLES}"
    assert len(list(SAMPLES.glob("*.json"))) >= 40


@pytest.mark.parametrize(
    ("resource", "create_path", "single_path", "list_path", "item_key", "update"),
    [
        ("clients", "clients", "clients/{id}", "clients", "clients", "number"),
        ("leads", "leads", "leads/{id}", "leads", "leads", "number"),
        ("estimates", "estimates", "estimates/{id}", "estimates", "estimates", None),
        ("invoices", "invoices", "invoices/{id}", "invoices", "invoices", None),
        ("expenses", "expenses", "expenses/{id}", "expenses", "expenses", "amount"),
        ("projects", "projects", "projects/{id}", "projects", "projects", None),
        ("tasks", "task", "tasks/{id}", "tasks", "tasks", "complete"),
    ],
)
def test_top_level_resources_match_samples(
    api: Any,
    resource: str,
    create_path: str,
    single_path: str,
    list_path: str,
    item_key: str,
    update: str | None,
) -> None:
    created = api.create(create_path, sample(f"{resource}.create.request.json"))
    if resource == "invoices":  # the sample shows an embedded payment
        api.create(f"invoices/{created['id']}/payments", sample("payments.create.request.json"))
    single = api.get(single_path.format(id=created["id"]))
    assert single.status_code == 200
    assert single.headers["Content-Type"] == "application/json; charset=utf-8"
    assert_shape(sample(f"{resource}.single.json"), single.json(), resource)
    if resource == "invoices":
        assert single.json()["payments"], "embedded payments missing"
        assert_shape(
            sample("invoices.single.json")["payments"][0], single.json()["payments"][0], resource
        )
    check_list(api, resource, list_path, created["id"], item_key)
    if update:
        body = sample(f"{resource}.update.request.json")
        resp = api.put(single_path.format(id=created["id"]), body)
        assert resp.status_code == 200, resp.text
        wrapper_values = next(iter(body.values()))
        sent = next(iter(wrapper_values.values()))
        assert resp.json()[update] == sent
        assert api.get(single_path.format(id=created["id"])).json()[update] == sent


def test_contacts_match_samples(api: Any) -> None:
    client = api.create("clients", sample("clients.create.request.json"))
    contact = api.create(f"clients/{client['id']}/contacts", sample("contacts.create.request.json"))
    assert contact["client_id"] == client["id"]
    assert_shape(
        sample("contacts.single.json"), api.get(f"contacts/{contact['id']}").json(), "contacts"
    )
    check_list(api, "contacts", "contacts", contact["id"], "contacts")
    check_list(api, "contacts", f"clients/{client['id']}/contacts", contact["id"], "contacts")
    resp = api.put(f"contacts/{contact['id']}", sample("contacts.update.request.json"))
    assert resp.status_code == 200
    assert resp.json()["title"] == "Software Developer"


def test_staff_match_samples(api: Any) -> None:
    listing = api.get("staff").json()
    assert set(listing) == {"staff"}  # un-paged, no counters
    assert len(listing["staff"]) >= 2
    assert_shape(sample("staff.list.json")["staff"][0], listing["staff"][0], "staff")
    one = api.get(f"staff/{listing['staff'][0]['id']}").json()
    assert_shape(sample("staff.single.json"), one, "staff")


def test_hours_match_samples(api: Any) -> None:
    project = api.create("projects", sample("projects.create.request.json"))
    entry = api.create(f"projects/{project['id']}/hours", sample("hours.create.request.json"))
    assert entry["billed?"] is False
    assert entry["cost"] == 750  # 5 hours at the project rate 150
    assert_shape(sample("hours.single.json"), api.get(f"hours/{entry['id']}").json(), "hours")
    listing = api.get(f"projects/{project['id']}/hours").json()
    assert set(listing) == {"hours"}
    assert_shape(sample("hours.list.json")["hours"][0], listing["hours"][0], "hours")
    resp = api.put(f"hours/{entry['id']}", sample("hours.update.request.json"))
    assert resp.status_code == 200
    assert resp.json()["hours"] == 8.0


def test_payments_match_samples(api: Any) -> None:
    invoice = api.create("invoices", sample("invoices.create.request.json"))
    payment = api.create(
        f"invoices/{invoice['id']}/payments", sample("payments.create.request.json")
    )
    assert_shape(sample("payments.single.json"), payment, "payments")
    check_list(api, "payments", "payments", payment["id"], "payments")


def test_payment_profiles_match_samples(api: Any) -> None:
    client = api.create("clients", sample("clients.create.request.json"))
    path = f"clients/{client['id']}/payment_profiles"
    profile = api.create(path, sample("payment_profiles.create.request.json"))
    assert profile["gateway"] == "stripe"
    assert profile["gateway_token"] == "123"
    assert_shape(sample("payment_profiles.single.json"), profile, "payment_profiles")
    check_list(api, "payment_profiles", path, profile["id"], "payment_profiles")
    body = sample("invoices.create.request.json")
    body["invoice"]["client_id"] = client["id"]  # a card charges invoices of its own client
    charge = api.create(
        f"invoices/{api.create('invoices', body)['id']}/payments",
        {"payment": {"payment_profile_id": profile["id"]}},
    )
    assert charge["amount"] == 500  # whole balance: 1*100 + 2*200
    assert charge["transaction_id"]


def test_recurring_match_samples(api: Any) -> None:
    client = api.create("clients", sample("clients.create.request.json"))
    body = {
        "recurring_schedule": {
            "client_id": client["id"],
            "next_date": "2014-03-16",
            "time_interval": 3,
            "currency_code": "USD",
            "due_period": 10,
            "occurrences_remaining": 10,
            "title": "Monthly Retainer",
            "recurring_schedule_items_attributes": [
                {"title": "Subscription", "quantity": 1, "price": 49.99}
            ],
        }
    }
    schedule = api.create("recurring", body)
    assert schedule["recurring_schedule_items"][0]["price"] == "49.99"
    assert schedule["subtotal"] == 49.99
    assert_shape(
        sample("recurring.single.json"), api.get(f"recurring/{schedule['id']}").json(), "recurring"
    )
    check_list(api, "recurring", "recurring", schedule["id"], "recurring")
    assert api.get(f"recurring/{schedule['id']}/invoices").json()["invoices"] == []
