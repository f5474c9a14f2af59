"""Time entry modules (the API's hours) end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

from typing import Any

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, api_call, create_project, created_id, ids

TOKEN_OWNER = 1  # the sandbox's token belongs to staff member 1


def _entry(connector: Connector, project_id: int, hours: float, title: str, *params: str) -> int:
    arguments = [f"project_id={project_id}", f"hours={hours}", f"title={title}", *params]
    flags = [item for argument in arguments for item in ("--param", argument)]
    return created_id(connector("run", "create_time_entry", *flags))


def _totals(connector: Connector, project_id: int) -> tuple[Any, Any, Any]:
    (project,) = connector("run", "get_project", "--param", f"id={project_id}").lines()
    return project["worked_hours"], project["unbilled_hours"], project["cost"]


def _listed(connector: Connector, project_id: int, *params: str) -> list[int]:
    arguments = [item for param in params for item in ("--param", param)]
    return ids(
        connector("run", "list_time_entries", "--param", f"project_id={project_id}", *arguments)
    )


def test_time_entry_round_trip_with_billing_filters_and_project_totals(
    connector: Connector, sandbox: Sandbox
) -> None:
    project_id = create_project(connector, "Website", rate=80)
    other_project = create_project(connector, "Elsewhere")
    design = _entry(connector, project_id, 2.5, "Design", "description=Mockups", "date=2030-01-15")
    assert ("POST", f"/api/v2/projects/{project_id}/hours") in sandbox.requests_seen
    call = _entry(connector, project_id, 1, "Call", "rate=100")
    _entry(connector, other_project, 9, "Not this project's")

    (got,) = connector("run", "get_time_entry", "--param", f"id={design}").lines()
    assert (got["title"], got["description"], got["date"][:10]) == (
        "Design",
        "Mockups",
        "2030-01-15",
    )
    assert (got["hours"], got["rate"], got["cost"]) == (2.5, 80, 200)  # the project's rate
    assert (got["project_id"], got["user_id"], got["billed?"]) == (project_id, TOKEN_OWNER, False)
    assert _totals(connector, project_id) == (3.5, 3.5, 300)

    updated = connector(
        "run", "update_time_entry", "--param", f"project_id={project_id}",
        "--param", f"id={design}", "--param", "hours=3",
    )  # fmt: skip
    (bundle,) = updated.lines()
    assert (bundle["hours"], bundle["cost"]) == (3, 240)
    assert (bundle["title"], bundle["description"], bundle["rate"]) == ("Design", "Mockups", 80)
    assert _totals(connector, project_id) == (4, 4, 340)

    # Clientary bills hours by invoicing them; the sandbox takes "billed?" in an update
    api_call(connector, "PUT", f"/hours/{call}", {"project_item": {"billed?": True}})
    assert _listed(connector, project_id) == [design, call]
    assert _listed(connector, project_id, "filter=all") == [design, call]
    assert _listed(connector, project_id, "filter=billed") == [call]
    assert _listed(connector, project_id, "filter=unbilled") == [design]
    (billed,) = connector("run", "get_time_entry", "--param", f"id={call}").lines()
    assert billed["billed?"] is True
    assert _totals(connector, project_id) == (4, 3, 340)

    deleted = connector("run", "delete_time_entry", "--param", f"id={design}")
    assert deleted.lines() == [{"id": design}]
    missing = connector("run", "get_time_entry", "--param", f"id={design}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")
    assert _totals(connector, project_id) == (1, 0, 100)
    assert _listed(connector, project_id) == [call]


def test_list_time_entries_cuts_the_one_answer_at_the_limit(connector: Connector) -> None:
    project_id = create_project(connector, "Busy")
    made = [_entry(connector, project_id, 1, f"Entry {i:02d}") for i in range(12)]
    assert _listed(connector, project_id) == made[:10]  # the default limit
    assert _listed(connector, project_id, "limit=50") == made
    assert _listed(connector, project_id, "limit=3") == made[:3]


def test_time_entry_rpc_needs_a_project_and_labels_title_date_and_hours(
    connector: Connector,
) -> None:
    project_id = create_project(connector, "Website")
    first = _entry(connector, project_id, 2.5, "Design", "date=2030-01-15")
    second = _entry(connector, project_id, 1, "Call", "date=2030-01-16")
    options = connector("rpc", "list_time_entries", "--param", f"project_id={project_id}")
    assert options.code == 0, options.err
    assert options.lines() == [
        {"label": "Design (2030-01-15, 2.5 h)", "value": first},
        {"label": "Call (2030-01-16, 1 h)", "value": second},
    ]
    unscoped = connector("rpc", "list_time_entries")
    assert (unscoped.code, unscoped.err.strip()) == (
        2,
        "error: DataError: parameters.project_id: required, got nothing",
    )


def test_time_entry_refusals(connector: Connector) -> None:
    project_id = create_project(connector, "Website")
    no_title = connector(
        "run", "create_time_entry", "--param", f"project_id={project_id}", "--param", "hours=1"
    )
    assert (no_title.code, no_title.err.strip()) == (
        2,
        "error: DataError: parameters.title: required, got nothing",
    )
    blank_title = connector(
        "run", "create_time_entry", "--param", f"project_id={project_id}",
        "--param", "hours=1", "--param", "title=   ",
    )  # fmt: skip
    assert blank_title.code == 1
    assert blank_title.err.startswith("error: DataError: HTTP 422")
    assert "title" in blank_title.err
    unknown_project = connector(
        "run", "create_time_entry", "--param", "project_id=999", "--param", "hours=1",
        "--param", "title=X",
    )  # fmt: skip
    assert unknown_project.code == 1
    assert unknown_project.err.startswith("error: DataError: HTTP 404")
    entry = _entry(connector, project_id, 1, "Kept")
    nothing = connector(
        "run", "update_time_entry", "--param", f"id={entry}", "--param", f"project_id={project_id}"
    )
    assert nothing.code == 2
    assert nothing.err.startswith("error: DataError: update_time_entry: nothing to update")
    not_a_number = connector(
        "run", "update_time_entry", "--param", f"id={entry}", "--param", "hours=two"
    )
    assert not_a_number.code == 2
    assert "parameters.hours" in not_a_number.err
    assert "Traceback" not in no_title.err + blank_title.err + not_a_number.err


def test_deleting_a_project_deletes_its_time_entries_and_tasks(connector: Connector) -> None:
    project_id = create_project(connector, "Doomed")
    entry = _entry(connector, project_id, 2, "Work")
    task = created_id(
        connector("run", "create_task", "--param", "title=T", "--param", f"project_id={project_id}")
    )
    assert connector("run", "delete_project", "--param", f"id={project_id}").code == 0
    for module, identifier in [("get_time_entry", entry), ("get_task", task)]:
        gone = connector("run", module, "--param", f"id={identifier}")
        assert gone.code == 1, module
        assert gone.err.startswith("error: DataError: HTTP 404"), module
