"""Paged list envelopes: counters, page/page_size, defaults per endpoint."""

from __future__ import annotations

from typing import Any

import pytest


def test_25_clients_over_pages_of_10(api: Any) -> None:
    for n in range(25):
        api.create("clients", {"client": {"name": f"C{n:02d}"}})
    pages = [api.get("clients", params={"page": p}).json() for p in (1, 2, 3)]
    for page in pages:
        assert page["page_count"] == 3
        assert page["page_size"] == 10
        assert page["total_count"] == 25
    assert [len(p["clients"]) for p in pages] == [10, 10, 5]
    ids = [c["id"] for p in pages for c in p["clients"]]
    assert len(set(ids)) == 25
    past = api.get("clients", params={"page": 4}).json()
    assert past == {"page_count": 3, "page_size": 10, "total_count": 25, "clients": []}
    big = api.get("clients", params={"page_size": 100}).json()
    assert big["page_size"] == 100 and big["page_count"] == 1 and len(big["clients"]) == 25
    clamp = api.get("clients", params={"page_size": 500}).json()
    assert clamp["page_size"] == 100
    small = api.get("contacts", params={"page_size": 7}).json()
    assert small["page_size"] == 7


def test_empty_list_has_page_count_1(api: Any) -> None:
    assert api.get("invoices").json() == {
        "page_count": 1,
        "page_size": 30,
        "total_count": 0,
        "invoices": [],
    }


@pytest.mark.parametrize(
    ("path", "key", "size"),
    [
        ("clients", "clients", 10),
        ("leads", "leads", 20),
        ("contacts", "contacts", 10),
        ("estimates", "estimates", 30),
        ("invoices", "invoices", 30),
        ("payments", "payments", 30),
        ("recurring", "recurring", 30),
        ("projects", "projects", 20),
        ("clients/1/projects", "projects", 10),
        ("tasks", "tasks", 50),
        ("clients/1/payment_profiles", "payment_profiles", 10),
    ],
)
def test_default_page_sizes(
    make_sandbox: Any, api_for: Any, path: str, key: str, size: int
) -> None:
    api = api_for(make_sandbox(seed=1))
    body = api.get(path).json()
    assert body["page_size"] == size
    assert isinstance(body[key], list)
    assert set(body) == {"page_count", "page_size", "total_count", key}


def test_leads_default_page_holds_20(api: Any) -> None:
    for n in range(21):
        api.create("leads", {"lead": {"name": f"L{n}"}})
    page = api.get("leads").json()
    assert len(page["leads"]) == 20 and page["page_count"] == 2
