"""Projects modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, create_project, created_id

ACTIVE, COMPLETED, BILLABLE = 1, 2, 4


def test_project_round_trip_create_get_update_list_delete(
    connector: Connector, sandbox: Sandbox
) -> None:
    acme = created_id(connector("run", "create_client", "--param", "name=ACME"))
    created = connector(
        "run", "create_project", "--param", "name=Website", "--param", "rate=125",
        "--param", "number=PROJ101", "--param", f"client_id={acme}",
        "--param", "description=New site", "--param", "budget_type=1",
        "--param", "budget=15000", "--param", "currency_code=eur",
        "--param", "start_date=2030-01-02", "--param", "end_date=2030-04-06",
    )  # fmt: skip
    project_id = created_id(created)
    assert ("POST", "/api/v2/projects") in sandbox.requests_seen

    (got,) = connector("run", "get_project", "--param", f"id={project_id}").lines()
    assert (got["name"], got["rate"], got["number"], got["description"]) == (
        "Website",
        125,
        "PROJ101",
        "New site",
    )
    assert (got["budget_type"], got["budget"], got["currency_code"]) == (1, 15000, "EUR")
    assert (got["status"], got["project_type"], got["end_date"][:10]) == (ACTIVE, 0, "2030-04-06")
    assert got["client"]["id"] == acme
    assert (got["worked_hours"], got["unbilled_hours"], got["cost"]) == (0, 0, 0)

    updated = connector(
        "run", "update_project", "--param", f"id={project_id}", "--param", "status=2",
        "--param", "rate=130",
    )  # fmt: skip
    (bundle,) = updated.lines()
    assert (bundle["status"], bundle["rate"]) == (COMPLETED, 130)
    assert (bundle["name"], bundle["number"], bundle["budget"]) == ("Website", "PROJ101", 15000)
    listed = connector("run", "list_projects", "--param", "limit=50").lines()
    assert project_id not in [p["id"] for p in listed]  # closed now
    closed = connector("run", "list_projects", "--param", "include_closed=true").lines()
    assert [p["id"] for p in closed] == [project_id]

    deleted = connector("run", "delete_project", "--param", f"id={project_id}")
    assert deleted.lines() == [{"id": project_id}]
    missing = connector("run", "get_project", "--param", f"id={project_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_fixed_amount_project_and_refusals(connector: Connector) -> None:
    fixed = create_project(connector, "Fixed", rate=5000, project_type=2)
    (got,) = connector("run", "get_project", "--param", f"id={fixed}").lines()
    assert (got["project_type"], got["rate"]) == (2, 5000)

    unknown_client = connector(
        "run",
        "create_project",
        "--param",
        "name=X",
        "--param",
        "rate=1",
        "--param",
        "client_id=999",
    )
    assert unknown_client.code == 1
    assert unknown_client.err.startswith("error: DataError: HTTP 422")
    assert "client_id" in unknown_client.err
    no_rate = connector("run", "create_project", "--param", "name=X")
    assert (no_rate.code, no_rate.err.strip()) == (
        2,
        "error: DataError: parameters.rate: required, got nothing",
    )
    nothing = connector("run", "update_project", "--param", f"id={fixed}")
    assert nothing.code == 2
    assert nothing.err.startswith("error: DataError: update_project: nothing to update")
    bad_status = connector("run", "update_project", "--param", f"id={fixed}", "--param", "status=3")
    assert bad_status.code == 2
    assert "parameters.status: expected one of 1 (Active), 2 (Completed), 4 (Billable)" in (
        bad_status.err
    )
    gone = connector("run", "update_project", "--param", "id=999", "--param", "rate=1")
    assert gone.code == 1
    assert gone.err.startswith("error: DataError: HTTP 404")


def test_list_projects_hides_closed_ones_unless_asked_and_scopes_to_a_client(
    connector: Connector,
) -> None:
    acme = created_id(connector("run", "create_client", "--param", "name=ACME"))
    other = created_id(connector("run", "create_client", "--param", "name=Other"))
    active = create_project(connector, "Active", client_id=acme)
    closed = create_project(connector, "Closed", client_id=acme, status=COMPLETED)
    billable = create_project(connector, "Billable", client_id=other, status=BILLABLE)

    listed = connector("run", "list_projects", "--param", "limit=50").lines()
    assert [p["id"] for p in listed] == [active, billable]
    assert listed[0]["client"]["name"] == "ACME"
    everything = connector(
        "run", "list_projects", "--param", "include_closed=true", "--param", "limit=50"
    ).lines()
    assert [p["id"] for p in everything] == [active, closed, billable]
    assert everything[1]["status"] == COMPLETED

    of_acme = connector("run", "list_projects", "--param", f"client_id={acme}").lines()
    assert [p["id"] for p in of_acme] == [active]
    of_acme_all = connector(
        "run", "list_projects", "--param", f"client_id={acme}", "--param", "include_closed=yes"
    ).lines()
    assert [p["id"] for p in of_acme_all] == [active, closed]


def test_list_projects_reads_every_page_up_to_the_limit(connector: Connector) -> None:
    ids = [create_project(connector, f"P{i:02d}") for i in range(23)]  # 20 per page
    assert [
        p["id"] for p in connector("run", "list_projects", "--param", "limit=100").lines()
    ] == ids
    assert len(connector("run", "list_projects", "--param", "limit=21").lines()) == 21


def test_list_projects_of_an_unknown_client_is_not_found(connector: Connector) -> None:
    result = connector("run", "list_projects", "--param", "client_id=999")
    assert result.code == 1
    assert result.err.startswith("error: DataError: HTTP 404")


def test_watch_new_projects_emits_all_including_closed_then_only_new_ones(
    connector: Connector,
) -> None:
    ids = [create_project(connector, f"P{i}") for i in range(22)]
    ids.append(create_project(connector, "Done", status=COMPLETED))
    first = connector("run", "watch_new_projects", "--start", "all")
    assert first.code == 0, first.err
    assert [b["id"] for b in first.lines()] == sorted(ids)
    assert connector("run", "watch_new_projects").lines() == []
    more = [
        create_project(connector, "Closed from the start", status=COMPLETED),
        create_project(connector, "N"),
    ]
    assert [b["id"] for b in connector("run", "watch_new_projects").lines()] == more


def test_watch_new_projects_from_now_skips_existing_ones(connector: Connector) -> None:
    create_project(connector, "Old")
    create_project(connector, "Old and closed", status=COMPLETED)
    first = connector("run", "watch_new_projects")
    assert (first.code, first.lines()) == (0, [])
    assert "2 existing item(s)" in first.err
    new_id = create_project(connector, "New")
    assert [b["id"] for b in connector("run", "watch_new_projects").lines()] == [new_id]


def test_list_projects_rpc_offers_closed_projects_too(connector: Connector) -> None:
    acme = created_id(connector("run", "create_client", "--param", "name=ACME"))
    website = create_project(connector, "Website", number="PROJ101", client_id=acme)
    closed = create_project(connector, "Old site", status=COMPLETED, client_id=acme)
    elsewhere = create_project(connector, "Elsewhere")
    options = connector("rpc", "list_projects")
    assert options.code == 0, options.err
    assert options.lines() == [
        {"label": "Website (PROJ101)", "value": website},
        {"label": "Old site", "value": closed},
        {"label": "Elsewhere", "value": elsewhere},
    ]
    scoped = connector("rpc", "list_projects", "--param", f"client_id={acme}")
    assert scoped.lines() == [
        {"label": "Website (PROJ101)", "value": website},
        {"label": "Old site", "value": closed},
    ]
