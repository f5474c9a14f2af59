"""The transport: what it retries, what it never retries, and how it reports no answer."""

from __future__ import annotations

import dataclasses
import email.utils
import time

import pytest
import requests
import responses

from runtime.core.errors import OutcomeUnknownError, TransportError
from runtime.engine.transport import HttpRequest, RequestsTransport, RetryPolicy

URL = "https://acme.clientary.com/api/v2/clients"


def _transport(waits: list[float], retries: int = 2, max_wait: float = 30) -> RequestsTransport:
    return RequestsTransport(("t", "t"), 5, RetryPolicy(retries, max_wait, sleep=waits.append))


@responses.activate
def test_a_429_is_retried_after_the_wait_the_server_asks_for() -> None:
    responses.add("POST", URL, status=429, headers={"Retry-After": "3"})
    responses.add("POST", URL, status=201, json={"id": 1})
    waits: list[float] = []
    response = _transport(waits).send(HttpRequest("POST", URL, body={"client": {"name": "x"}}))
    assert response.status == 201
    assert waits == [pytest.approx(3.0, abs=0.5)]


@pytest.mark.parametrize("value", ["600", "9" * 5000])
@responses.activate
def test_a_retry_after_longer_than_allowed_fails_instead_of_waiting(value: str) -> None:
    responses.add("GET", URL, status=429, headers={"Retry-After": value})
    waits: list[float] = []
    assert _transport(waits).send(HttpRequest("GET", URL)).status == 429
    assert waits == []


@responses.activate
def test_a_503_is_retried_for_a_read() -> None:
    responses.add("GET", URL, status=503)
    responses.add("GET", URL, status=200, json={"clients": []})
    waits: list[float] = []
    assert _transport(waits).send(HttpRequest("GET", URL)).status == 200
    assert waits == [1.0]


@responses.activate
def test_a_503_is_not_retried_for_a_write() -> None:
    responses.add("POST", URL, status=503)
    waits: list[float] = []
    assert _transport(waits).send(HttpRequest("POST", URL, body={})).status == 503
    assert waits == [] and len(responses.calls) == 1


@responses.activate
def test_a_write_cut_off_after_sending_is_outcome_unknown_and_not_retried() -> None:
    responses.add("POST", URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknownError, match="it may or may not have been applied"):
        _transport([]).send(HttpRequest("POST", URL, body={}))
    assert len(responses.calls) == 1


@responses.activate
def test_a_refused_connection_is_retried_then_reported() -> None:
    refused = requests.exceptions.ConnectionError("NewConnectionError: Connection refused")
    responses.add("GET", URL, body=refused)
    waits: list[float] = []
    with pytest.raises(TransportError, match="connection refused"):
        _transport(waits).send(HttpRequest("GET", URL))
    assert waits == [1.0, 2.0]


@responses.activate
def test_redirects_are_not_followed() -> None:
    responses.add("GET", URL, status=302, headers={"Location": "https://evil.example/steal"})
    response = _transport([]).send(HttpRequest("GET", URL))
    assert response.status == 302
    assert len(responses.calls) == 1


@responses.activate
def test_a_429_makes_the_next_requests_wait_too() -> None:
    # Concurrent page reads share one transport: after a 429 asked for 2 s, a request
    # made by any thread waits out the rest of those 2 s before it is sent.
    responses.add("GET", URL, status=429, headers={"Retry-After": "2"})
    responses.add("GET", URL, status=200, json={"clients": []})
    responses.add("GET", f"{URL}/2", status=200, json={"id": 2})
    waits: list[float] = []
    transport = _transport(waits)  # its sleep records instead of sleeping: no time passes
    assert transport.send(HttpRequest("GET", URL)).status == 200
    assert transport.send(HttpRequest("GET", f"{URL}/2")).status == 200
    assert waits == [pytest.approx(2.0, abs=0.5), pytest.approx(2.0, abs=0.5)]


@pytest.mark.parametrize("value", ["\u00b2", "1.5", "-1", "soon", "\u0661", "Mon, 99 Foo"])
@responses.activate
def test_an_unusable_retry_after_is_treated_as_absent(value: str) -> None:
    responses.add("GET", URL, status=429, headers={"Retry-After": value})
    responses.add("GET", URL, status=200, json={"clients": []})
    waits: list[float] = []
    assert _transport(waits).send(HttpRequest("GET", URL)).status == 200
    assert waits == [pytest.approx(1.0, abs=0.5)]  # the usual backoff


@responses.activate
def test_a_retry_after_http_date_is_honoured() -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    responses.add("GET", URL, status=503, headers={"Retry-After": when})
    responses.add("GET", URL, status=200, json={"clients": []})
    waits: list[float] = []
    assert _transport(waits).send(HttpRequest("GET", URL)).status == 200
    assert waits == [pytest.approx(5.0, abs=1.5)]


@responses.activate
def test_lost_connections_and_503s_share_one_attempt_counter() -> None:
    dropped = requests.exceptions.ConnectionError("RemoteDisconnected('closed')")
    refused = requests.exceptions.ConnectionError("NewConnectionError: Connection refused")
    for outcome in (refused, dropped):
        responses.add("GET", URL, body=outcome)
    for _ in range(5):
        responses.add("GET", URL, status=503)
    waits: list[float] = []
    response = _transport(waits, retries=2).send(HttpRequest("GET", URL))
    assert response.status == 503
    assert len(responses.calls) == 3  # max_retries + 1, whatever the mix
    assert waits == [1.0, 2.0]


@responses.activate
def test_a_503_then_lost_connections_share_one_attempt_counter() -> None:
    refused = requests.exceptions.ConnectionError("NewConnectionError: Connection refused")
    responses.add("GET", URL, status=503)
    for _ in range(5):
        responses.add("GET", URL, body=refused)
    with pytest.raises(TransportError, match="connection refused"):
        _transport([], retries=2).send(HttpRequest("GET", URL))
    assert len(responses.calls) == 3


@responses.activate
def test_a_deep_json_answer_is_a_value_error_not_a_recursion_error() -> None:
    responses.add("GET", URL, status=200, body="[" * 100_000 + "]" * 100_000)
    response = _transport([]).send(HttpRequest("GET", URL))
    with pytest.raises(ValueError, match="the answer: expected at most 100 levels of nesting"):
        response.json()


def test_the_retry_defaults_are_written_once() -> None:
    """connector.yaml may leave them out; the spec, the policy and a policy for a base agree."""
    from runtime.definitions.specs import build_base

    base = build_base(
        {"url": "https://x/", "headers": {}, "timeout_seconds": 5, "errors": {}, "sanitize": []}
    )
    assert (base.max_retries, base.max_retry_wait_seconds) == (
        RetryPolicy().max_retries,
        RetryPolicy().max_wait_seconds,
    )
    tuned = dataclasses.replace(base, max_retries=5, max_retry_wait_seconds=1.5)
    assert RetryPolicy.for_base(tuned) == RetryPolicy(5, 1.5)
