"""The trigger contract, end to end for every Watch module, against the sandbox.

For each: a first run with ``--start all`` emits every item in ascending id order,
the next run emits nothing, and afterwards exactly the new items come out; with
``--limit 2`` five new items come out as 2, 2, 1, then nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, ids

ITEMS = 25  # three pages of clients (10 a page); one page where the API pages by 20-50


Maker = Callable[[Sandbox, int], list[int]]


def _maker(
    resource: str, body: Callable[[int], dict[str, Any]], parent: str | None = None
) -> Maker:
    """Creates items straight in the sandbox, as someone working in Clientary would."""

    def make(sandbox: Sandbox, count: int) -> list[int]:
        scope: dict[str, int] = {}
        if parent == "client_id":
            scope = {
                "client_id": sandbox.engine.create("clients", {"client": {"name": "Owner"}})["id"]
            }
        elif parent == "invoice_id":
            invoice = {
                "invoice": {"date": "2024-01-01", "due_date": "2024-02-01", "currency_code": "USD"}
            }
            scope = {"invoice_id": sandbox.engine.create("invoices", invoice)["id"]}
        return [sandbox.engine.create(resource, body(n), scope or None)["id"] for n in range(count)]

    return make


WATCHES = {
    "watch_new_clients": _maker("clients", lambda n: {"client": {"name": f"Client {n}"}}),
    "watch_new_contacts": _maker(
        "contacts",
        lambda n: {"client_user": {"name": f"P {n}", "email": f"p{n}@x.io"}},
        "client_id",
    ),
    "watch_new_estimates": _maker(
        "estimates", lambda n: {"estimate": {"date": "2024-01-01", "currency_code": "USD"}}
    ),
    "watch_new_expenses": _maker(
        "expenses", lambda n: {"expense": {"amount": n + 1, "incurred_on": "2024-01-01"}}
    ),
    "watch_new_invoices": _maker(
        "invoices",
        lambda n: {
            "invoice": {"date": "2024-01-01", "due_date": "2024-02-01", "currency_code": "USD"}
        },
    ),
    "watch_new_tasks": _maker("tasks", lambda n: {"task": {"title": f"Task {n}"}}),
    "watch_new_payments": _maker("payments", lambda n: {"payment": {"amount": 1}}, "invoice_id"),
    "watch_new_projects": _maker("projects", lambda n: {"project": {"name": f"P{n}", "rate": 1}}),
    "watch_new_staff": _maker(
        "staff", lambda n: {"staff": {"name": f"S{n}", "email": f"s{n}@x.io"}}
    ),
    "watch_new_recurring_schedules": _maker(
        "recurring",
        lambda n: {
            "recurring_schedule": {
                "next_date": "2024-01-01",
                "time_interval": 5,
                "currency_code": "USD",
                "due_period": 30,
            }
        },
        "client_id",
    ),
    "watch_new_leads": _maker("leads", lambda n: {"lead": {"name": f"Lead {n}"}}),
}


def test_every_watch_module_is_covered(connector: Connector) -> None:
    listed = {
        line["id"] for line in connector("modules", "--json").lines() if line["kind"] == "trigger"
    }
    assert listed == set(WATCHES)


@pytest.mark.parametrize("module", sorted(WATCHES))
def test_all_then_nothing_then_exactly_the_new_ones(
    module: str, connector: Connector, sandbox: Sandbox
) -> None:
    before = ids(connector("run", module, "--start", "all"))  # staff start with two members
    connector("state", "reset", module)
    existing = WATCHES[module](sandbox, ITEMS)
    first = ids(connector("run", module, "--start", "all"))
    assert first == before + existing
    assert ids(connector("run", module)) == []
    new = WATCHES[module](sandbox, 3)
    assert ids(connector("run", module)) == new


@pytest.mark.parametrize("module", sorted(WATCHES))
def test_a_limit_holds_the_rest_back_for_the_next_runs(
    module: str, connector: Connector, sandbox: Sandbox
) -> None:
    assert connector("run", module).code == 0  # first run: from now on
    new = WATCHES[module](sandbox, 5)
    runs = [ids(connector("run", module, "--limit", "2")) for _ in range(4)]
    assert runs == [new[:2], new[2:4], new[4:], []]


@pytest.mark.parametrize(
    ("module", "path", "idle_requests"),
    [  # 120 items: 2 pages of 100 (it was 3 of 50 tasks, 6 of 20 projects, 4 of 30 payments)
        ("watch_new_tasks", "/api/v2/tasks", 2),
        ("watch_new_projects", "/api/v2/projects", 2),
        ("watch_new_payments", "/api/v2/payments", 2),
        ("watch_new_contacts", "/api/v2/contacts", 2),
    ],
)
def test_a_full_scan_reads_the_largest_page_size_documented(
    module: str, path: str, idle_requests: int, connector: Connector, sandbox: Sandbox
) -> None:
    WATCHES[module](sandbox, 120)
    assert len(ids(connector("run", module, "--start", "all"))) == 120
    sandbox.requests_seen.clear()
    assert ids(connector("run", module)) == []  # the idle poll
    reads = [seen for seen in sandbox.requests_seen if seen[1].partition("?")[0] == path]
    assert len(reads) == idle_requests, reads
