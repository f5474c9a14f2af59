"""Projects modules end to end: CLI -> HTTP -> sandbox and back.

Projects have no create module; they are created through make_api_call
(POST /api/v2/projects, api.md 8.5).
"""

from __future__ import annotations

from tests.e2e.steps import Connector, create_project, created_id

ACTIVE, COMPLETED, BILLABLE = 1, 2, 4


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
