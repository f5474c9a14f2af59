"""Tasks modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, create_client, create_project, created_id

SANDBOX_OWNER = 1  # the sandbox always holds two staff members, ids 1 and 2


def _task(connector: Connector, title: str, *params: str) -> int:
    arguments = [item for param in params for item in ("--param", param)]
    return created_id(connector("run", "create_task", "--param", f"title={title}", *arguments))


def test_task_round_trip_create_get_update_list_delete(
    connector: Connector, sandbox: Sandbox
) -> None:
    project_id = create_project(connector, "Website")
    task_id = _task(
        connector,
        "Redesign website",
        "description=New look",
        "due_date=2030-01-31",
        f"project_id={project_id}",
        f"assignee_id={SANDBOX_OWNER}",
    )
    assert ("POST", "/api/v2/task") in sandbox.requests_seen  # the documented singular path
    loose_id = _task(connector, "Pick up some milk")

    (got,) = connector("run", "get_task", "--param", f"id={task_id}").lines()
    assert (got["title"], got["description"], got["complete"]) == (
        "Redesign website",
        "New look",
        False,
    )
    assert (got["project_id"], got["assignee_id"]) == (project_id, SANDBOX_OWNER)
    assert got["due_date"][:10] == "2030-01-31"

    done = connector("run", "update_task", "--param", f"id={task_id}", "--param", "complete=true")
    (bundle,) = done.lines()
    assert bundle["complete"] is True
    assert bundle["completed_at"]
    assert (bundle["title"], bundle["description"]) == ("Redesign website", "New look")  # kept
    assert (bundle["project_id"], bundle["assignee_id"]) == (project_id, SANDBOX_OWNER)

    reopened = connector(
        "run", "update_task", "--param", f"id={task_id}", "--param", "complete=false",
        "--param", "title=Redesign the website",
    )  # fmt: skip
    (bundle,) = reopened.lines()
    assert (bundle["complete"], bundle["completed_at"]) == (False, None)
    assert (bundle["title"], bundle["description"]) == ("Redesign the website", "New look")

    everything = connector("run", "list_tasks", "--param", "limit=50").lines()
    assert [t["id"] for t in everything] == [task_id, loose_id]
    in_project = connector("run", "list_tasks", "--param", f"project_id={project_id}").lines()
    assert [t["id"] for t in in_project] == [task_id]

    deleted = connector("run", "delete_task", "--param", f"id={task_id}")
    assert deleted.lines() == [{"id": task_id}]
    missing = connector("run", "get_task", "--param", f"id={task_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_list_tasks_reads_past_the_first_page_up_to_the_limit(connector: Connector) -> None:
    ids = [_task(connector, f"Task {i:02d}") for i in range(55)]  # 50 per page
    everything = connector("run", "list_tasks", "--param", "limit=100").lines()
    assert [t["id"] for t in everything] == ids
    assert len(connector("run", "list_tasks", "--param", "limit=52").lines()) == 52


def test_an_unknown_assignee_is_refused(connector: Connector) -> None:
    result = connector("run", "create_task", "--param", "title=X", "--param", "assignee_id=999")
    assert result.code == 1
    assert result.err.startswith("error: DataError: HTTP 422")


def test_watch_new_tasks_emits_all_then_only_new_ones(connector: Connector) -> None:
    ids = [_task(connector, f"T{i}") for i in range(53)]  # two pages
    first = connector("run", "watch_new_tasks", "--start", "all")
    assert first.code == 0, first.err
    assert [b["id"] for b in first.lines()] == sorted(ids)
    assert connector("run", "watch_new_tasks").lines() == []
    more = [_task(connector, f"N{i}") for i in range(3)]
    assert [b["id"] for b in connector("run", "watch_new_tasks").lines()] == more


def test_watch_new_tasks_can_start_at_a_creation_date(connector: Connector) -> None:
    for i in range(3):
        _task(connector, f"Old {i}")
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    first = connector("run", "watch_new_tasks", "--start", f"date:{tomorrow}")
    assert (first.code, first.lines()) == (0, [])  # created today: before the start day
    assert "3 existing item(s)" in first.err
    new_id = _task(connector, "New")
    assert [b["id"] for b in connector("run", "watch_new_tasks").lines()] == [new_id]


def test_watch_new_tasks_start_date_in_the_past_emits_everything(connector: Connector) -> None:
    ids = [_task(connector, f"T{i}") for i in range(2)]
    first = connector("run", "watch_new_tasks", "--start", "date:2000-01-01")
    assert [b["id"] for b in first.lines()] == ids


def test_list_tasks_rpc_labels_by_title_and_scopes_to_a_project(connector: Connector) -> None:
    project_id = create_project(connector, "Website")
    first = _task(connector, "Redesign website", f"project_id={project_id}")
    second = _task(connector, "Pick up some milk")
    connector("run", "update_task", "--param", f"id={second}", "--param", "complete=true")
    options = connector("rpc", "list_tasks")
    assert options.code == 0, options.err
    assert options.lines() == [
        {"label": "Redesign website", "value": first},
        {"label": "Pick up some milk (done)", "value": second},
    ]
    scoped = connector("rpc", "list_tasks", "--param", f"project_id={project_id}")
    assert scoped.lines() == [{"label": "Redesign website", "value": first}]


def test_a_task_names_its_client_and_an_update_moves_it(connector: Connector) -> None:
    first, second = create_client(connector, "Acme"), create_client(connector, "Globex")
    task_id = _task(connector, "Call back", f"client_id={first}")
    (got,) = connector("run", "get_task", "--param", f"id={task_id}").lines()
    assert got["client_id"] == first
    moved = connector(
        "run", "update_task", "--param", f"id={task_id}", "--param", f"client_id={second}"
    )
    assert moved.lines()[0]["client_id"] == second
