"""Sending invoices and estimates end to end: CLI -> POST .../:id/messages -> sandbox."""

from __future__ import annotations

import json

import pytest

from clientary_sandbox import Sandbox
from tests.e2e.steps import Connector, created_id

DOCUMENTS = {  # module -> (create module, its required fields, the resource)
    "send_invoice": (
        "create_invoice",
        {"date": "2024-03-01", "due_date": "2024-03-31", "currency_code": "USD"},
        "invoices",
    ),
    "send_estimate": (
        "create_estimate",
        {"date": "2024-03-01", "currency_code": "USD"},
        "estimates",
    ),
}


def _document(connector: Connector, module: str) -> int:
    create, fields, _ = DOCUMENTS[module]
    return created_id(connector("run", create, "--params", json.dumps(fields)))


@pytest.mark.parametrize("module", sorted(DOCUMENTS))
def test_sending_mails_the_recipients_and_marks_a_draft_sent(
    connector: Connector, sandbox: Sandbox, module: str
) -> None:
    document = _document(connector, module)
    resource = DOCUMENTS[module][2]
    params = {
        "id": document,
        "recipients": ["ap@acme.example", "boss@acme.example"],
        "subject": "Your document",
        "message": "",
        "attach_pdf": True,
        "send_copy": False,
    }
    sent = connector("run", module, "--params", json.dumps(params))
    assert sent.code == 0, sent.err
    (bundle,) = sent.lines()
    assert (bundle["id"], bundle["status"]) == (document, 1)  # Draft -> Sent
    assert ("POST", f"/api/v2/{resource}/{document}/messages") in sandbox.requests_seen
    (message,) = sandbox.engine.records("messages")
    assert message["recipients"] == ["ap@acme.example", "boss@acme.example"]
    assert (message["subject"], message["message"]) == ("Your document", None)  # "" not sent
    assert (message["attach_pdf"], message["send_copy"]) == (True, False)
    getter = "get_invoice" if module == "send_invoice" else "get_estimate"
    (shown,) = connector("run", getter, "--param", f"id={document}").lines()
    assert shown["status"] == 1


@pytest.mark.parametrize("module", sorted(DOCUMENTS))
def test_the_server_refuses_an_address_without_a_domain_and_an_unknown_id(
    connector: Connector, module: str
) -> None:
    document = _document(connector, module)
    bad = connector(
        "run", module, "--params", json.dumps({"id": document, "recipients": ["ap@acme"]})
    )
    assert bad.code == 1
    assert bad.err.startswith("error: DataError: HTTP 422")
    assert "ap@acme is not an e-mail address" in bad.err
    unknown = connector(
        "run", module, "--params", json.dumps({"id": 999, "recipients": ["a@b.io"]})
    )
    assert unknown.code == 1
    assert unknown.err.startswith("error: DataError: HTTP 404")


@pytest.mark.parametrize("module", sorted(DOCUMENTS))
def test_missing_or_malformed_recipients_are_refused_before_any_request(
    connector: Connector, sandbox: Sandbox, module: str
) -> None:
    for params in ({"id": 1}, {"id": 1, "recipients": []}, {"id": 1, "recipients": ["nobody"]}):
        result = connector("run", module, "--params", json.dumps(params))
        assert result.code == 2, params
        assert result.err.startswith("error: DataError: parameters.recipients")
        assert result.err.count("\n") == 1
    assert sandbox.requests_seen == []
