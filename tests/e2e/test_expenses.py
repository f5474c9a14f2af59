"""Expenses modules end to end: CLI -> HTTP -> sandbox and back."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.e2e.steps import Connector, create_client, create_project, created_id


def _expense(connector: Connector, *params: str) -> int:
    arguments = [item for param in params for item in ("--param", param)]
    return created_id(connector("run", "create_expense", *arguments))


def test_expense_round_trip_create_get_update_search_delete(connector: Connector) -> None:
    client_id = create_client(connector, "ACME")
    project_id = create_project(connector, "Website", client_id=client_id)
    expense_id = _expense(
        connector,
        "amount=25.5",
        "description=Taxi",
        "incurred_on=2011-03-02",
        f"client_id={client_id}",
    )
    other_id = _expense(connector, "amount=7", "incurred_on=2011-05-01", f"project_id={project_id}")

    (got,) = connector("run", "get_expense", "--param", f"id={expense_id}").lines()
    assert (got["amount"], got["description"], got["client_id"]) == (25.5, "Taxi", client_id)
    assert got["incurred_on"][:10].replace("/", "-") == "2011-03-02"

    updated = connector(
        "run", "update_expense", "--param", f"id={expense_id}", "--param", "amount=30"
    )
    (bundle,) = updated.lines()
    assert (bundle["amount"], bundle["description"]) == (30, "Taxi")  # description not blanked
    assert bundle["client_id"] == client_id

    year_2011 = ("--param", "from_date=2011-01-01", "--param", "to_date=2011-12-31")
    found = connector("run", "search_expenses", *year_2011, "--param", "limit=50").lines()
    assert sorted(e["id"] for e in found) == sorted([expense_id, other_id])
    # Without a range the API's default (the current year) applies: 2011 is outside it.
    assert connector("run", "search_expenses").lines() == []
    by_client = connector(
        "run", "search_expenses", *year_2011, "--param", f"client_id={client_id}"
    ).lines()
    assert [e["id"] for e in by_client] == [expense_id]
    by_project = connector(
        "run", "search_expenses", *year_2011, "--param", f"project_id={project_id}"
    ).lines()
    assert [e["id"] for e in by_project] == [other_id]
    limited = connector("run", "search_expenses", *year_2011, "--param", "limit=1").lines()
    assert len(limited) == 1

    deleted = connector("run", "delete_expense", "--param", f"id={expense_id}")
    assert deleted.lines() == [{"id": expense_id}]
    missing = connector("run", "get_expense", "--param", f"id={expense_id}")
    assert missing.code == 1
    assert missing.err.startswith("error: DataError: HTTP 404")


def test_create_expense_without_amount_is_refused_before_sending(connector: Connector) -> None:
    result = connector("run", "create_expense", "--param", "description=Taxi")
    assert result.code == 2
    assert result.err == "error: DataError: parameters.amount: required, got nothing\n"


def test_watch_new_expenses_sees_every_year_then_only_new_ones(connector: Connector) -> None:
    this_year = datetime.now(UTC).year
    days = ["1999-12-31", "2011-03-02", f"{this_year}-01-01", "2030-06-30"]
    ids = [
        _expense(connector, f"amount={n + 1}", f"incurred_on={day}") for n, day in enumerate(days)
    ]
    first = connector("run", "watch_new_expenses", "--start", "all")
    assert first.code == 0, first.err
    assert [b["id"] for b in first.lines()] == sorted(ids)  # not only the current year
    assert connector("run", "watch_new_expenses").lines() == []
    more = [
        _expense(connector, "amount=9", f"incurred_on={day}")
        for day in ("2005-01-01", "2012-02-02")
    ]
    assert [b["id"] for b in connector("run", "watch_new_expenses").lines()] == more
    assert connector("run", "watch_new_expenses").lines() == []


def test_watch_new_expenses_from_now_skips_existing_ones(connector: Connector) -> None:
    _expense(connector, "amount=1", "incurred_on=2011-01-01")
    first = connector("run", "watch_new_expenses")
    assert (first.code, first.lines()) == (0, [])
    new_id = _expense(connector, "amount=2", "incurred_on=2011-01-02")
    assert [b["id"] for b in connector("run", "watch_new_expenses").lines()] == [new_id]


def test_list_expenses_rpc_offers_expenses_of_every_year(connector: Connector) -> None:
    old = _expense(connector, "amount=12.5", "description=Hotel", "incurred_on=2011-03-02")
    blank = _expense(connector, "amount=3", "incurred_on=2001-01-01")
    options = connector("rpc", "list_expenses")
    assert options.code == 0, options.err
    lines = options.lines()
    assert [o["value"] for o in lines] == [old, blank]
    assert all(set(o) == {"label", "value"} for o in lines)
    assert "Hotel" in lines[0]["label"] and "12.5" in lines[0]["label"]
    assert lines[1]["label"].startswith(f"Expense {blank}")
