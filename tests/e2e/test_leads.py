"""Leads modules end to end: CLI -> HTTP -> sandbox and back (api.md 8.2)."""

from __future__ import annotations

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, api_call, created_id, ids


def _lead(connector: Connector, name: str, *params: str) -> int:
    arguments = [item for param in params for item in ("--param", param)]
    return created_id(connector("run", "create_lead", "--param", f"name={name}", *arguments))


def test_lead_round_trip_create_get_update_list_delete(
    connector: Connector, sandbox: Sandbox
) -> None:
    lead_id = _lead(
        connector,
        "ACME Corp",
        "number=101",
        "description=A sample API Lead",
        "website=http://www.example.com",
        "city=New York",
        "country=US",
    )
    assert ("POST", "/api/v2/Lead") in sandbox.requests_seen  # the path the docs print

    (got,) = connector("run", "get_lead", "--param", f"id={lead_id}").lines()
    assert (got["id"], got["name"], got["number"]) == (lead_id, "ACME Corp", "101")
    assert (got["description"], got["website"], got["city"], got["country"]) == (
        "A sample API Lead",
        "http://www.example.com",
        "New York",
        "US",
    )

    updated = connector("run", "update_lead", "--param", f"id={lead_id}", "--param", "city=Boston")
    (bundle,) = updated.lines()
    assert (bundle["city"], bundle["name"], bundle["number"]) == ("Boston", "ACME Corp", "101")
    assert bundle["website"] == "http://www.example.com"  # not given, so kept

    assert ids(connector("run", "list_leads")) == [lead_id]

    deleted = connector("run", "delete_lead", "--param", f"id={lead_id}")
    assert deleted.lines() == [{"id": lead_id}]
    missing = connector("run", "get_lead", "--param", f"id={lead_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")
    assert ids(connector("run", "list_leads")) == []


def test_update_lead_with_nothing_to_change_is_refused_before_any_request(
    connector: Connector, sandbox: Sandbox
) -> None:
    lead_id = _lead(connector, "ACME Corp")
    result = connector("run", "update_lead", "--param", f"id={lead_id}", "--param", "city=")
    assert result.code != 0
    assert result.err.startswith("error: DataError: update_lead: nothing to update")
    assert ("PUT", f"/api/v2/leads/{lead_id}") not in sandbox.requests_seen


def test_list_leads_newest_first_by_name_and_oldest_first(connector: Connector) -> None:
    beta = _lead(connector, "Beta")
    alpha = _lead(connector, "alpha")
    gamma = _lead(connector, "Gamma")
    assert ids(connector("run", "list_leads")) == [gamma, alpha, beta]  # the API's default
    newest = connector("run", "list_leads", "--param", "sort=newest")
    assert ids(newest) == [gamma, alpha, beta]
    by_name = connector("run", "list_leads", "--param", "sort=name")
    assert ids(by_name) == [alpha, beta, gamma]
    oldest = connector("run", "list_leads", "--param", "sort=oldest")
    assert ids(oldest) == [beta, alpha, gamma]
    bad = connector("run", "list_leads", "--param", "sort=date")
    assert bad.code == 2
    assert "parameters.sort: expected one of 'newest'" in bad.err


def test_list_leads_reads_past_the_first_page_up_to_the_limit(connector: Connector) -> None:
    created = [_lead(connector, f"Lead {i:02d}") for i in range(23)]  # 20 a page
    everything = connector("run", "list_leads", "--param", "limit=100")
    assert ids(everything) == list(reversed(created))
    oldest = connector("run", "list_leads", "--param", "sort=oldest", "--param", "limit=21")
    assert ids(oldest) == created[:21]


def test_a_duplicate_number_is_refused_on_create_and_update(connector: Connector) -> None:
    _lead(connector, "First", "number=101")
    second = _lead(connector, "Second", "number=102")
    duplicate = connector("run", "create_lead", "--param", "name=Third", "--param", "number=101")
    assert duplicate.code == 1
    assert duplicate.err.startswith("error: DataError: HTTP 422")
    assert "number" in duplicate.err
    renumbered = connector("run", "update_lead", "--param", f"id={second}", "--param", "number=101")
    assert renumbered.code == 1
    assert renumbered.err.startswith("error: DataError: HTTP 422")
    # a client may carry the number of a lead: the two are separate lists in the sandbox
    assert connector("run", "create_client", "--param", "name=C", "--param", "number=101").code == 0


def test_a_lead_without_a_name_is_refused(connector: Connector) -> None:
    result = connector("run", "create_lead", "--param", "city=Boston")
    assert result.code == 2  # refused before any request: name is required
    assert "name" in result.err


def test_the_plan_limit_gives_426(connector: Connector, sandbox: Sandbox) -> None:
    _lead(connector, "Only one")
    sandbox.engine.plan_limits["leads"] = 1
    result = connector("run", "create_lead", "--param", "name=One too many")
    assert result.code == 1
    assert result.err.startswith("error: OutOfSpaceError: HTTP 426")


def test_deleting_a_lead_deletes_its_contacts_and_estimates(
    connector: Connector, sandbox: Sandbox
) -> None:
    lead_id = _lead(connector, "ACME Corp")
    other = _lead(connector, "Other Corp")
    contact = api_call(
        connector,
        "POST",
        f"/leads/{lead_id}/contacts",
        {"client_user": {"name": "Jane Roe", "email": "jane@example.com"}},
    )
    kept = api_call(
        connector,
        "POST",
        f"/leads/{other}/contacts",
        {"client_user": {"name": "John Doe", "email": "john@example.com"}},
    )
    estimate = sandbox.engine.create(
        "estimates",
        {"estimate": {"date": "2024-01-01", "currency_code": "USD", "lead_id": lead_id}},
    )
    got = connector("run", "get_contact", "--param", f"id={contact['id']}")
    assert got.code == 0, got.err

    assert connector("run", "delete_lead", "--param", f"id={lead_id}").code == 0
    gone = connector("run", "get_contact", "--param", f"id={contact['id']}")
    assert gone.code == 1
    assert gone.err.startswith("error: DataError: HTTP 404")
    estimate_gone = connector("run", "get_estimate", "--param", f"id={estimate['id']}")
    assert estimate_gone.err.startswith("error: DataError: HTTP 404")
    assert connector("run", "get_contact", "--param", f"id={kept['id']}").code == 0
    assert ids(connector("run", "list_leads")) == [other]


def test_unknown_leads_give_404(connector: Connector) -> None:
    for module in ("get_lead", "delete_lead"):
        result = connector("run", module, "--param", "id=999")
        assert result.code == 1, module
        assert result.err.startswith("error: DataError: HTTP 404"), module
    update = connector("run", "update_lead", "--param", "id=999", "--param", "name=X")
    assert update.err.startswith("error: DataError: HTTP 404")


def test_watch_new_leads_reads_one_page_of_100_when_nothing_is_new(
    connector: Connector, sandbox: Sandbox
) -> None:
    created = [_lead(connector, f"L{i}") for i in range(130)]  # two pages of 100
    first = connector("run", "watch_new_leads", "--start", "all")
    assert ids(first) == created  # emitted oldest first
    sandbox.requests_seen.clear()
    assert ids(connector("run", "watch_new_leads")) == []
    assert sandbox.requests_seen == [("GET", "/api/v2/leads?page_size=100")]  # one page
    newer = [_lead(connector, f"N{i}") for i in range(2)]
    assert ids(connector("run", "watch_new_leads")) == newer


def test_list_leads_rpc_labels_name_and_number(connector: Connector) -> None:
    numbered = _lead(connector, "ACME Corp", "number=101")
    plain = _lead(connector, "Jane Roe")
    options = connector("rpc", "list_leads")
    assert options.code == 0, options.err
    assert options.lines() == [
        {"label": "Jane Roe", "value": plain},
        {"label": "ACME Corp (101)", "value": numbered},
    ]
