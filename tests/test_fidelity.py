"""Fidelity fixes from auditing the modules against api.md (issue 14): output schemas say
what the API documents, including where it is loose."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runtime.definitions.loader import load_connector
from runtime.engine.value_check import check_value

REPO = Path(__file__).resolve().parent.parent
MODULES = load_connector(REPO).modules


def _client_outputs() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for module in MODULES.values():
        properties = module.output.get("properties", {})
        if module.id.endswith(("_client", "_clients")) and module.id != "delete_client":
            found.append((module.id, properties))
        if "client" in properties and properties["client"].get("properties"):
            found.append((module.id + ".client", properties["client"]["properties"]))
    return found


@pytest.mark.parametrize(("where", "properties"), _client_outputs())
def test_every_client_output_carries_the_documented_status(
    where: str, properties: dict[str, Any]
) -> None:
    """api.md 8.1: status 1 Active, 2 Archived [doc], also in a project's embedded client."""
    assert properties["status"]["description"] == "1 Active, 2 Archived.", where


def test_client_outputs_include_a_projects_embedded_client() -> None:
    assert {"get_client", "search_clients", "watch_new_clients", "list_projects.client"} <= {
        where for where, _ in _client_outputs()
    }


@pytest.mark.parametrize(
    ("module", "items"),
    [("get_invoice", "invoice_items"), ("get_estimate", "estimate_items")],
)
def test_a_line_item_price_may_come_as_text(module: str, items: str) -> None:
    """Live accounts send item prices as strings (the Ballerina spec's history) [2nd]."""
    schema = MODULES[module].output
    for price in ("49.99", 49.99):
        record = {"id": 1, items: [{"id": 2, "title": "Design", "quantity": 1, "price": price}]}
        assert list(check_value(schema, record, "output")) == []
