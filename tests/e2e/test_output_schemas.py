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
from tests.e2e.steps import Connector, api_call

ROOT = Path(__file__).resolve().parents[2]
LIST_MODULES = sorted(
    (module.id, module.kind)
    for module in load_connector(ROOT).modules.values()
    if module.kind in ("search", "trigger")
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:  # replaces the empty one of conftest.py
    with Sandbox(token=CANARY_TOKEN, seed=3) as server:
        yield server


@pytest.mark.parametrize(("module_id", "kind"), LIST_MODULES)
def test_the_bundles_fit_the_output_schema(connector: Connector, module_id: str, kind: str) -> None:
    payment = {"payment": {"amount": 10, "note": "check", "received_on": "2024-03-01"}}
    api_call(connector, "POST", "/invoices/1/payments", payment)  # none are seeded
    start = ["--start", "all"] if kind == "trigger" else []
    result = connector("run", module_id, "--check-output", *start)
    assert result.code == 0, result.err
    assert result.lines(), f"{module_id}: no bundles, so nothing was checked"
    report = result.err.splitlines()
    assert report[0].startswith(f"check-output: {module_id}: "), result.err
    assert report[0].endswith(" match the output schema") or ": 0 problem(s), " in report[0]
