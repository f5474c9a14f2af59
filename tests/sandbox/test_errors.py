"""Auth, content negotiation and the documented error statuses and bodies."""

from __future__ import annotations

from typing import Any

import requests

TIMEOUT = 5


def test_wrong_token_is_401(api: Any, sandbox: Any) -> None:
    for auth in [("wrong", "wrong"), ("sandbox-token", "other"), ("other", "sandbox-token")]:
        resp = requests.get(
            sandbox.base_url + "/api/v2/clients",
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=TIMEOUT,
        )
        assert resp.status_code == 401
        assert resp.json() == {"error": "Invalid API token"}
    no_auth = requests.get(sandbox.base_url + "/api/v2/clients.json", headers={}, timeout=TIMEOUT)
    assert no_auth.status_code == 401
    assert no_auth.headers["Content-Type"] == "application/json; charset=utf-8"


def test_custom_token(make_sandbox: Any, api_for: Any) -> None:
    sb = make_sandbox(token="abc123")
    assert api_for(sb, token="abc123").get("staff").status_code == 200
    assert api_for(sb).get("staff").status_code == 401


def test_accept_header_or_json_suffix_required(api: Any) -> None:
    client = api.create("clients", {"client": {"name": "ACME"}})
    plain = requests.Session()
    plain.auth = api.session.auth
    base = api.base
    assert plain.get(base + "clients", timeout=TIMEOUT).status_code == 406
    assert plain.get(base + f"clients/{client['id']}", timeout=TIMEOUT).status_code == 406
    listing = plain.get(base + "clients.json", timeout=TIMEOUT)
    assert listing.status_code == 200
    assert listing.json()["clients"][0]["name"] == "ACME"
    one = plain.get(base + f"clients/{client['id']}.json", timeout=TIMEOUT)
    assert one.status_code == 200
    assert one.json()["id"] == client["id"]
    created = plain.post(base + "clients.json", json={"client": {"name": "B"}}, timeout=TIMEOUT)
    assert created.status_code == 201


def test_missing_required_field_is_422_naming_it(api: Any) -> None:
    resp = api.post("clients", {"client": {"number": "7"}})
    assert resp.status_code == 422
    assert resp.json() == {"errors": {"name": ["can't be blank"]}}
    resp = api.post("invoices", {"invoice": {"date": "2024-01-01"}})
    assert resp.status_code == 422
    assert set(resp.json()["errors"]) == {"due_date", "currency_code"}
    client = api.create("clients", {"client": {"name": "X"}})
    resp = api.post(f"clients/{client['id']}/contacts", {"client_user": {"name": "Jo"}})
    assert resp.json() == {"errors": {"email": ["can't be blank"]}}
    assert api.post("task", {"task": {}}).json() == {"errors": {"title": ["can't be blank"]}}
    resp = api.post("projects", {"project": {"name": "P"}})
    assert resp.json() == {"errors": {"rate": ["can't be blank"]}}
    resp = api.put(f"clients/{client['id']}", {"client": {"name": ""}})
    assert resp.status_code == 422


def test_duplicate_client_number_is_422_on_create_and_update(api: Any) -> None:
    api.create("clients", {"client": {"name": "A", "number": "101"}})
    resp = api.post("clients", {"client": {"name": "B", "number": "101"}})
    assert resp.status_code == 422
    assert resp.json() == {"errors": {"number": ["has already been taken"]}}
    other = api.create("clients", {"client": {"name": "B", "number": "102"}})
    resp = api.put(f"clients/{other['id']}", {"client": {"number": "101"}})
    assert resp.status_code == 422
    assert resp.json() == {"errors": {"number": ["has already been taken"]}}
    same = api.put(f"clients/{other['id']}", {"client": {"number": "102", "city": "Rome"}})
    assert same.status_code == 200
    api.create("leads", {"lead": {"name": "L", "number": "9"}})
    assert api.post("Lead", {"lead": {"name": "M", "number": "9"}}).status_code == 422


def test_plan_limit_is_426(make_sandbox: Any, api_for: Any) -> None:
    api = api_for(make_sandbox(plan_limits={"clients": 2, "contacts": 1}))
    first = api.create("clients", {"client": {"name": "A"}})
    api.create("clients", {"client": {"name": "B"}})
    resp = api.post("clients", {"client": {"name": "C"}})
    assert resp.status_code == 426
    assert resp.json() == {"error": "must meet plan limits"}
    path = f"clients/{first['id']}/contacts"
    api.create(path, {"client_user": {"name": "a", "email": "a@example.com"}})
    assert api.post(path, {"client_user": {"name": "b", "email": "b@x.io"}}).status_code == 426
    assert api.create("leads", {"lead": {"name": "unlimited"}})


def test_unknown_id_and_route_are_404(api: Any) -> None:
    for path in ["clients/999", "invoices/999", "hours/5", "staff/999", "clients/999/contacts"]:
        resp = api.get(path)
        assert resp.status_code == 404, path
        assert resp.json() == {"error": "Not found"}
    assert api.put("clients/999", {"client": {"name": "x"}}).status_code == 404
    assert api.delete("clients/999").status_code == 404
    assert api.get("nothing-here").status_code == 404
    assert api.get("clients/abc").status_code == 404
    assert api.post("staff", {"staff": {"name": "x"}}).status_code == 404  # read-only


def test_malformed_json_is_400(api: Any) -> None:
    resp = api.request(
        "POST", "clients", data=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert resp.status_code == 400
    assert "error" in resp.json()


def test_writes_create_update_delete(api: Any) -> None:
    created = api.post("clients", {"client": {"name": "A", "bogus": 1, "number": 5}})
    assert created.status_code == 201
    body = created.json()
    assert "bogus" not in body
    assert body["number"] == "5"  # client number is a string
    assert body["created_at"].endswith("Z") and len(body["created_at"]) == 20
    updated = api.put(f"clients/{body['id']}", {"client": {"city": "Oslo"}}).json()
    assert updated["name"] == "A" and updated["city"] == "Oslo"
    assert updated["created_at"] == body["created_at"]
    deleted = api.delete(f"clients/{body['id']}")
    assert deleted.status_code == 200
    assert deleted.json() == {}
    again = api.create("clients", {"client": {"name": "B"}})
    assert again["id"] == body["id"] + 1  # ids are never reused


def test_task_create_routes_and_complete_aliases(api: Any) -> None:
    a = api.create("task", {"task": {"title": "singular"}})
    b = api.create("tasks", {"task": {"title": "plural"}})
    assert b["id"] == a["id"] + 1
    done = api.put(f"tasks/{a['id']}", {"task": {"completed": True}}).json()
    assert done["complete"] is True and done["completed_at"]
    done = api.put(f"tasks/{b['id']}", {"task": {"complete": True}}).json()
    assert done["complete"] is True
    reopened = api.put(f"tasks/{b['id']}", {"task": {"complete": False}}).json()
    assert reopened["complete"] is False and reopened["completed_at"] is None


HUGE = "99999999999999999999999"  # beyond SQLite's (and Clientary's) 64-bit ids


def test_an_id_beyond_64_bits_is_404_not_500(api: Any) -> None:
    client = api.create("clients", {"client": {"name": "Real"}})
    for method, path in [
        ("GET", f"clients/{HUGE}"),
        ("GET", f"clients/{HUGE}.json"),
        ("PUT", f"clients/{HUGE}"),
        ("DELETE", f"clients/{HUGE}"),
        ("GET", f"clients/{HUGE}/contacts"),
        ("DELETE", f"clients/{client['id']}/payment_profiles/{HUGE}"),
        ("GET", f"clients/{2**63}"),  # the first value past the signed 64-bit range
    ]:
        resp = api.request(method, path, json={"client": {"name": "X"}})
        assert resp.status_code == 404, (method, path, resp.text)
        assert resp.json() == {"error": "Not found"}
    assert api.get(f"clients/{client['id']}").status_code == 200


def test_a_foreign_key_beyond_64_bits_is_422_not_500(api: Any) -> None:
    resp = api.post("projects", {"project": {"name": "P", "rate": 1, "client_id": int(HUGE)}})
    assert resp.status_code == 422, resp.text
    assert resp.json() == {"errors": {"client_id": ["is invalid"]}}
