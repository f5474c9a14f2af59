"""Staff end to end: Watch New Staff and the staff drop-down (CLI -> HTTP -> sandbox).

Staff are read-only in the API (api.md 8.4); new staff members are added to the
sandbox directly, as they would be added in Clientary itself. The sandbox always
holds two staff members (ids 1 and 2).
"""

from __future__ import annotations

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector


def _add_staff(sandbox: Sandbox, name: str) -> int:
    person = {"name": name, "email": f"{name.lower()}@example.com", "title": "Engineer"}
    identifier = sandbox.engine.create("staff", {"staff": person})["id"]
    assert isinstance(identifier, int)
    return identifier


def test_watch_new_staff_emits_all_then_only_new_ones(
    connector: Connector, sandbox: Sandbox
) -> None:
    added = [_add_staff(sandbox, f"Person{i}") for i in range(3)]
    first = connector("run", "watch_new_staff", "--start", "all")
    assert first.code == 0, first.err
    bundles = first.lines()
    assert [b["id"] for b in bundles] == [1, 2, *added]
    assert bundles[0]["name"] == "Sandbox Owner"
    assert {"email", "title", "phone", "ext", "mobile", "avatar"} <= set(bundles[0])
    assert connector("run", "watch_new_staff").lines() == []
    newcomer = _add_staff(sandbox, "Newcomer")
    assert [b["id"] for b in connector("run", "watch_new_staff").lines()] == [newcomer]
    assert connector("run", "watch_new_staff").lines() == []


def test_watch_new_staff_from_now_skips_existing_staff(
    connector: Connector, sandbox: Sandbox
) -> None:
    first = connector("run", "watch_new_staff")
    assert (first.code, first.lines()) == (0, [])
    assert "2 existing item(s)" in first.err
    newcomer = _add_staff(sandbox, "Newcomer")
    (bundle,) = connector("run", "watch_new_staff").lines()
    assert (bundle["id"], bundle["name"]) == (newcomer, "Newcomer")


def test_watch_new_staff_limit_holds_the_rest_for_the_next_run(
    connector: Connector, sandbox: Sandbox
) -> None:
    added = [_add_staff(sandbox, f"P{i}") for i in range(2)]
    first = connector("run", "watch_new_staff", "--start", "all", "--limit", "3")
    assert [b["id"] for b in first.lines()] == [1, 2, added[0]]
    assert [b["id"] for b in connector("run", "watch_new_staff").lines()] == [added[1]]


def test_list_staff_rpc_gives_label_value_lines(connector: Connector, sandbox: Sandbox) -> None:
    newcomer = _add_staff(sandbox, "Newcomer")
    options = connector("rpc", "list_staff")
    assert options.code == 0, options.err
    assert options.lines() == [
        {"label": "Sandbox Owner (owner@example.com)", "value": 1},
        {"label": "Sam Staff (sam@example.com)", "value": 2},
        {"label": "Newcomer (newcomer@example.com)", "value": newcomer},
    ]
