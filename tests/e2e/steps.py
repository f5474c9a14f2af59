"""Steps several end-to-end tests share, each done through the CLI like a user would."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.conftest import CliResult

Connector = Callable[..., CliResult]


def created_id(result: CliResult) -> int:
    """The id of the one bundle a create printed."""
    assert result.code == 0, result.err
    (bundle,) = result.lines()
    identifier = bundle["id"]
    assert isinstance(identifier, int)
    return identifier


def ids(result: CliResult) -> list[int]:
    """The ids of the bundles a list or trigger printed, in order."""
    assert result.code == 0, result.err
    return [bundle["id"] for bundle in result.lines()]


def create_client(connector: Connector, name: str) -> int:
    return created_id(connector("run", "create_client", "--param", f"name={name}"))


def api_call(connector: Connector, method: str, url: str, body: Any = None) -> Any:
    """The body of the answer to a 'Make an API Call' run (for what no module covers)."""
    params: dict[str, Any] = {"method": method, "url": url}
    if body is not None:
        params["body"] = body
    result = connector("run", "make_api_call", "--params", json.dumps(params))
    assert result.code == 0, result.err
    (bundle,) = result.lines()
    return bundle["body"]


def create_project(connector: Connector, name: str, **fields: Any) -> int:
    """A project made with create_project (rate is required: 100 unless given)."""
    params = {"name": name, "rate": 100, **fields}
    return created_id(connector("run", "create_project", "--params", json.dumps(params)))


def create_invoice(connector: Connector, **fields: Any) -> int:
    """An invoice with the three required fields (dated March 2024), plus ``fields``."""
    params = {"date": "2024-03-01", "due_date": "2024-03-31", "currency_code": "USD", **fields}
    return created_id(connector("run", "create_invoice", "--params", json.dumps(params)))


def payment_profile(client_id: int, name: str, **extra: Any) -> dict[str, Any]:
    """create_payment_profile's parameters: a card stored from existing Stripe ids."""
    return {
        "client_id": client_id,
        "stripe_customer_id": "cus_3IZ2SzDl5AkAB4",
        "stripe_source_id": "card_1",
        "last_four_digits": "1234",
        "name": name,
        "expiration_date": "2030-01-31",
        **extra,
    }
