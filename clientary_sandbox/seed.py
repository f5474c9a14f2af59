"""Deterministic seed data: staff always, plus N numbered clients with related records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from .crud import Engine

Progress = Callable[[int, int], None]  # (clients seeded so far, clients to seed)

STAFF = [
    {"name": "Sandbox Owner", "email": "owner@example.com", "title": "Owner"},
    {"name": "Sam Staff", "email": "sam@example.com", "title": "Designer"},
]


def seed(engine: Engine, count: int, progress: Progress | None = None) -> bool:
    """Fill an empty store in one transaction; False when the store already held staff and
    was left untouched (a persistent db_path is not seeded twice). `progress` is called
    after each client."""
    store = engine.store
    with store.transaction():
        if store.count("staff") > 0:
            return False
        for person in STAFF:
            engine.create(
                "staff", {"staff": {**person, "phone": "555-0100", "ext": "", "mobile": ""}}
            )
        limits, engine.plan_limits = engine.plan_limits, {}
        try:
            for i in range(1, count + 1):
                _seed_client(engine, i)
                if progress is not None:
                    progress(i, count)
        finally:
            engine.plan_limits = limits
    return True


def _seed_client(engine: Engine, i: int) -> None:
    tag = f"{i:03d}"
    month = f"{(i - 1) % 12 + 1:02d}"
    year = datetime.now(UTC).year
    client = engine.create(
        "clients",
        {
            "client": {
                "name": f"Client {tag}",
                "number": tag,
                "description": f"Seeded client {tag}",
                "website": f"https://client{tag}.example.com",
                "address": f"{i} Main St.",
                "city": "Springfield",
                "state": "IL",
                "zip": "62701",
                "country": "US",
            }
        },
    )
    cid = client["id"]
    engine.create(
        "contacts",
        {"client_user": {"name": f"Contact {tag}", "email": f"contact{tag}@example.com"}},
        {"client_id": cid},
    )
    if i % 2 == 0:
        return
    project = engine.create(
        "projects",
        {"project": {"name": f"Project {tag}", "rate": 100, "client_id": cid, "number": f"P{tag}"}},
    )
    items = [
        {"title": "Design", "quantity": 2, "price": 150},
        {"title": "Hosting", "quantity": 1, "price": 50},
    ]
    engine.create(
        "invoices",
        {
            "invoice": {
                "client_id": cid,
                "project_id": project["id"],
                "date": f"2024-{month}-15",
                "due_date": f"2024-{month}-28",
                "currency_code": "USD",
                "title": f"Invoice for Client {tag}",
                "invoice_items_attributes": items,
            }
        },
    )
    engine.create(
        "estimates",
        {
            "estimate": {
                "client_id": cid,
                "date": f"2024-{month}-01",
                "currency_code": "USD",
                "title": f"Estimate for Client {tag}",
                "estimate_items_attributes": items[:1],
            }
        },
    )
    engine.create(
        "expenses",
        {
            "expense": {
                "amount": 25 + i,
                "description": f"Expense {tag}",
                "incurred_on": f"{year}-{month}-10",
                "client_id": cid,
                "project_id": project["id"],
            }
        },
    )
    engine.create("tasks", {"task": {"title": f"Task {tag}", "project_id": project["id"]}})
