"""Time entries (the API's hours) and their projects: cost, project totals, billing, cascades."""

from __future__ import annotations

from typing import Any


def _project(api: Any, rate: float = 80) -> dict[str, Any]:
    return api.create("projects", {"project": {"name": "P", "rate": rate}})


def test_cost_is_hours_times_the_entry_rate_or_else_the_project_rate(api: Any) -> None:
    project = _project(api, rate=80)
    path = f"projects/{project['id']}/hours"
    own_rate = api.create(path, {"project_item": {"hours": 1.5, "title": "a", "rate": 100}})
    assert (own_rate["rate"], own_rate["cost"]) == (100, 150)
    project_rate = api.create(path, {"project_item": {"hours": 2.25, "title": "b"}})
    assert (project_rate["rate"], project_rate["cost"]) == (80, 180)
    changed = api.put(f"hours/{project_rate['id']}", {"project_item": {"hours": 3}}).json()
    assert (changed["rate"], changed["cost"]) == (80, 240)  # recomputed on update
    rerated = api.put(f"hours/{own_rate['id']}", {"project_item": {"rate": 10}}).json()
    assert rerated["cost"] == 15


def test_project_totals_follow_create_update_billing_and_delete_of_entries(api: Any) -> None:
    project = _project(api, rate=50)
    pid = project["id"]
    assert (project["worked_hours"], project["unbilled_hours"], project["cost"]) == (0, 0, 0)
    path = f"projects/{pid}/hours"
    first = api.create(path, {"project_item": {"hours": 2, "title": "one"}})
    second = api.create(path, {"project_item": {"hours": 4, "title": "two", "rate": 60}})

    def totals() -> tuple[float, float, float]:
        shown = api.get(f"projects/{pid}").json()
        return shown["worked_hours"], shown["unbilled_hours"], shown["cost"]

    assert totals() == (6, 6, 340)
    api.put(f"hours/{first['id']}", {"project_item": {"hours": 3}})
    assert totals() == (7, 7, 390)
    api.put(f"hours/{second['id']}", {"project_item": {"billed?": True}})
    assert totals() == (7, 3, 390)
    assert [h["id"] for h in api.get(path, params={"filter": "unbilled"}).json()["hours"]] == [
        first["id"]
    ]
    assert api.delete(f"hours/{second['id']}").status_code == 200
    assert totals() == (3, 3, 150)
    assert api.get(f"hours/{second['id']}").status_code == 404


def test_deleting_a_project_deletes_its_hours_and_tasks_only(api: Any) -> None:
    gone, kept = _project(api), _project(api)
    entry = api.create(f"projects/{gone['id']}/hours", {"project_item": {"hours": 1, "title": "x"}})
    other_entry = api.create(
        f"projects/{kept['id']}/hours", {"project_item": {"hours": 1, "title": "y"}}
    )
    task = api.create("tasks", {"task": {"title": "t", "project_id": gone["id"]}})
    other_task = api.create("tasks", {"task": {"title": "u", "project_id": kept["id"]}})
    loose_task = api.create("tasks", {"task": {"title": "v"}})
    expense = api.create("expenses", {"expense": {"amount": 5, "project_id": gone["id"]}})

    assert api.delete(f"projects/{gone['id']}").status_code == 200
    for path in [f"projects/{gone['id']}", f"hours/{entry['id']}", f"tasks/{task['id']}"]:
        assert api.get(path).status_code == 404, path
    for path in [
        f"projects/{kept['id']}",
        f"hours/{other_entry['id']}",
        f"tasks/{other_task['id']}",
        f"tasks/{loose_task['id']}",
        f"expenses/{expense['id']}",  # no source says expenses go with their project
    ]:
        assert api.get(path).status_code == 200, path
    assert api.get(f"projects/{gone['id']}/hours").status_code == 404


def test_hours_of_an_unknown_project_are_not_found_and_blank_title_is_refused(api: Any) -> None:
    assert api.get("projects/999/hours").status_code == 404
    missing = api.post("projects/999/hours", {"project_item": {"hours": 1, "title": "x"}})
    assert missing.status_code == 404
    project = _project(api)
    refused = api.post(f"projects/{project['id']}/hours", {"project_item": {"hours": 1}})
    assert refused.status_code == 422
    assert refused.json() == {"errors": {"title": ["can't be blank"]}}
    hour_wrapper = api.post(f"projects/{project['id']}/hours", {"hour": {"hours": 1, "title": "x"}})
    assert hour_wrapper.status_code == 422  # Corsair's/Metorial's "hour" wrapper is not the doc's
