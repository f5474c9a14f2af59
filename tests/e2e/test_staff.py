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


def test_get_staff_member_returns_one_member_and_404_for_an_unknown_id(
    connector: Connector, sandbox: Sandbox
) -> None:
    newcomer = _add_staff(sandbox, "Newcomer")
    (member,) = connector("run", "get_staff_member", "--param", f"id={newcomer}").lines()
    assert (member["id"], member["name"], member["email"], member["title"]) == (
        newcomer,
        "Newcomer",
        "newcomer@example.com",
        "Engineer",
    )
    assert ("GET", f"/api/v2/staff/{newcomer}") in sandbox.requests_seen
    missing = connector("run", "get_staff_member", "--param", "id=999")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")
    refused = connector("run", "get_staff_member", "--param", "id=0")
    assert refused.code == 2
    assert refused.err.startswith("error: DataError: parameters.id: expected at least 1")


def test_list_staff_reads_the_one_unpaged_list_up_to_the_limit(
    connector: Connector, sandbox: Sandbox
) -> None:
    added = [_add_staff(sandbox, f"Person{i}") for i in range(12)]
    sandbox.requests_seen.clear()
    everything = connector("run", "list_staff", "--param", "limit=50")
    assert everything.code == 0, everything.err
    assert [b["id"] for b in everything.lines()] == [1, 2, *added]
    assert sandbox.requests_seen == [("GET", "/api/v2/staff")]  # no page parameter, one request
    assert len(connector("run", "list_staff").lines()) == 10  # the default limit
    assert [b["id"] for b in connector("run", "list_staff", "--param", "limit=3").lines()] == [
        1,
        2,
        added[0],
    ]


def test_the_module_and_the_rpc_named_list_staff_are_told_apart(
    connector: Connector, sandbox: Sandbox
) -> None:
    module = connector("run", "list_staff", "--param", "limit=1")
    assert module.lines()[0]["email"] == "owner@example.com"  # a staff record
    options = connector("rpc", "list_staff")
    assert options.lines()[0] == {"label": "Sandbox Owner (owner@example.com)", "value": 1}
    listed = {line["id"]: line["kind"] for line in connector("modules", "--json").lines()}
    assert listed["list_staff"] == "search"
