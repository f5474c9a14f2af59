"""db_path: data and id sequences survive a restart on the same SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_data_survives_restart(tmp_path: Path, make_sandbox: Any, api_for: Any) -> None:
    db = str(tmp_path / "sandbox.sqlite")
    first = make_sandbox(db_path=db)
    api = api_for(first)
    client = api.create("clients", {"client": {"name": "Persisted", "number": "42"}})
    doomed = api.create("clients", {"client": {"name": "Doomed"}})
    api.delete(f"clients/{doomed['id']}")
    first.stop()

    second = make_sandbox(db_path=db)
    api2 = api_for(second)
    shown = api2.get(f"clients/{client['id']}").json()
    assert shown["name"] == "Persisted" and shown["number"] == "42"
    assert api2.get("clients").json()["total_count"] == 1
    new = api2.create("clients", {"client": {"name": "After"}})
    assert new["id"] == doomed["id"] + 1
    assert len(api2.get("staff").json()["staff"]) == 2  # not seeded twice


def test_memory_db_is_fresh(make_sandbox: Any, api_for: Any) -> None:
    api = api_for(make_sandbox())
    api.create("clients", {"client": {"name": "Only here"}})
    assert api_for(make_sandbox()).get("clients").json()["total_count"] == 0


def test_the_consistency_check_finds_what_a_crash_or_a_race_could_leave() -> None:
    from clientary_sandbox import Sandbox

    sandbox = Sandbox(seed=3)
    try:
        assert sandbox.store.consistency_problems() == []
        store = sandbox.store
        with store.lock:  # damage the database behind the store's back
            store._conn.execute(
                "UPDATE records SET doc = '[1]' WHERE resource = 'clients' AND id = 1"
            )
            store._conn.execute("UPDATE sequences SET last_id = 1 WHERE resource = 'staff'")
        problems = store.consistency_problems()
        assert "clients 1: a document that is not a JSON object" in problems
        assert any(p.startswith("staff ") and "above its sequence" in p for p in problems)
    finally:
        sandbox.close()
