"""Fault injection: status, rate limit, delay, drop, truncate; expiry and matching."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from clientary_sandbox import Fault


def test_status_fault_once_then_normal(sandbox: Any, api: Any) -> None:
    sandbox.inject(Fault.status(503), method="GET", path="/api/v2/clients", times=1)
    first = api.get("clients")
    assert first.status_code == 503
    assert first.json() == {"error": "Service Unavailable"}
    assert api.get("clients").status_code == 200


def test_status_fault_custom_body_and_headers(sandbox: Any, api: Any) -> None:
    sandbox.inject(Fault.status(500, body={"oops": True}, headers={"X-Test": "1"}))
    resp = api.get("staff")
    assert resp.status_code == 500
    assert resp.json() == {"oops": True}
    assert resp.headers["X-Test"] == "1"


def test_rate_limit(sandbox: Any, api: Any) -> None:
    sandbox.inject(Fault.rate_limit(retry_after=3), path="/api/v2/staff")
    resp = api.get("staff")
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "3"
    assert api.get("staff").status_code == 200


def test_delay(sandbox: Any, api: Any) -> None:
    sandbox.inject(Fault.delay(0.5))
    start = time.monotonic()
    resp = api.get("staff")
    assert resp.status_code == 200
    assert time.monotonic() - start >= 0.5
    start = time.monotonic()
    api.get("staff")
    assert time.monotonic() - start < 0.5


def test_drop_is_a_connection_error(sandbox: Any, api: Any) -> None:
    sandbox.inject(Fault.drop(), method="GET")
    with pytest.raises(requests.ConnectionError):
        api.get("staff")
    assert api.get("staff").status_code == 200


def test_truncate_is_an_incomplete_body(sandbox: Any, api: Any) -> None:
    sandbox.inject(Fault.truncate())
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.ConnectionError)):
        api.get("staff")
    assert api.get("staff").status_code == 200


def test_faults_expire_after_times_and_match_method_and_path(sandbox: Any, api: Any) -> None:
    sandbox.inject(Fault.status(502), method="POST", path="/api/v2/clients", times=2)
    assert api.get("clients").status_code == 200  # other method
    assert api.post("leads", {"lead": {"name": "x"}}).status_code == 201  # other path
    body = {"client": {"name": "A"}}
    assert [api.post("clients", body).status_code for _ in range(3)] == [502, 502, 201]
    assert api.get("clients").json()["total_count"] == 1  # faulted requests changed nothing


def test_requests_seen(sandbox: Any, api: Any) -> None:
    api.get("clients", params={"page": 2})
    api.post("clients", {"client": {"name": "A"}})
    assert sandbox.requests_seen[-2:] == [
        ("GET", "/api/v2/clients?page=2"),
        ("POST", "/api/v2/clients"),
    ]


def test_concurrent_requests(sandbox: Any, api_for: Any) -> None:
    import concurrent.futures

    def create(n: int) -> int:
        return int(api_for(sandbox).create("clients", {"client": {"name": f"c{n}"}})["id"])

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(24)))
    assert sorted(ids) == list(range(1, 25))
    sandbox.inject(Fault.delay(1.0), path="/api/v2/staff")
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        slow = pool.submit(api_for(sandbox).get, "staff")
        time.sleep(0.1)
        fast = api_for(sandbox).get("clients")
        assert fast.status_code == 200
        assert time.monotonic() - start < 0.9  # not blocked behind the delayed request
        assert slow.result().status_code == 200


def test_keep_alive_reuses_connection(sandbox: Any) -> None:
    import base64
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(sandbox.base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    auth = base64.b64encode(b"sandbox-token:sandbox-token").decode()
    headers = {"Authorization": f"Basic {auth}", "Accept": "application/json"}
    try:
        sockets = []
        for path in ["/api/v2/staff", "/api/v2/nope", "/api/v2/clients"]:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            assert resp.getheader("Content-Length") == str(len(body))
            assert not resp.will_close
            sockets.append(conn.sock)
        assert sockets[0] is not None and sockets.count(sockets[0]) == 3
    finally:
        conn.close()


def test_non_loopback_host_refused() -> None:
    from clientary_sandbox import Sandbox

    sb = Sandbox()
    with pytest.raises(ValueError):
        sb.start(host="0.0.0.0")
    sb.stop()  # idempotent, also when never started
