"""Every list module's bundles fit its output schema, checked by `run --check-output`.

The seeded sandbox serves each resource as the API notes describe it; a type, enum or
required field that disagrees with a module's output schema fails here. Fields the
sandbox sends beyond the schema (created_at, ...) are notes, not failures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clientary_sandbox import Sandbox
from runtime.definitions.loader import load_connector
from tests.conftest import CANARY_TOKEN
from tests.e2e.steps import Connector

ROOT = Path(__file__).resolve().parents[2]
MODULES = load_connector(ROOT).modules
LIST_MODULES = sorted(
    (module.id, module.kind) for module in MODULES.values() if module.kind in ("search", "trigger")
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:  # replaces the empty one of conftest.py
    with Sandbox(token=CANARY_TOKEN, seed=3) as server:
        _add_what_the_seed_lacks(server)
        yield server


def _add_what_the_seed_lacks(server: Sandbox) -> None:
    """The seed makes clients, projects, invoices, estimates, expenses and tasks; the other
    resources get one record each, made as a user would in Clientary."""
    create = server.engine.create
    client = create("clients", {"client": {"name": "Output schemas"}})["id"]
    project = create("projects", {"project": {"name": "Hours", "rate": 90, "client_id": client}})
    PARENTS["project_id"] = project["id"]
    PARENTS["client_id"] = client
    invoice = {"date": "2024-03-01", "due_date": "2024-03-31", "currency_code": "USD"}
    invoice_id = create("invoices", {"invoice": {**invoice, "client_id": client}})["id"]
    payment = {"amount": 10, "note": "check", "received_on": "2024-03-01"}
    create("payments", {"payment": payment}, {"invoice_id": invoice_id})
    create(
        "hours", {"project_item": {"title": "Design", "hours": 2}}, {"project_id": project["id"]}
    )
    create("leads", {"lead": {"name": "Prospect", "number": "L1"}})
    profile = {
        "stripe_customer_id": "cus_1", "stripe_source_id": "card_1", "last_four_digits": "4242",
        "name": "Visa", "expiration_date": "2030-12-31",
    }  # fmt: skip
    create("payment_profiles", {"stripe_payment_profile": profile}, {"client_id": client})
    schedule = {
        "client_id": client, "next_date": "2024-04-01", "time_interval": 5,
        "currency_code": "USD", "due_period": 30,
        "recurring_schedule_items_attributes": [{"title": "Retainer", "quantity": 1, "price": 10}],
    }  # fmt: skip
    create("recurring", {"recurring_schedule": schedule})


PARENTS: dict[str, int] = {}  # the parent ids a scoped list needs, filled by the fixture


@pytest.mark.parametrize(("module_id", "kind"), LIST_MODULES)
def test_the_bundles_fit_the_output_schema(connector: Connector, module_id: str, kind: str) -> None:
    start = ["--start", "all"] if kind == "trigger" else []
    required = MODULES[module_id].input.get("required", [])
    scope = [f"{name}={PARENTS[name]}" for name in required]
    parents = [item for pair in scope for item in ("--param", pair)]
    result = connector("run", module_id, "--check-output", *start, *parents)
    assert result.code == 0, result.err
    assert result.lines(), f"{module_id}: no bundles, so nothing was checked"
    report = result.err.splitlines()
    assert report[0].startswith(f"check-output: {module_id}: "), result.err
    assert report[0].endswith(" match the output schema") or ": 0 problem(s), " in report[0]
