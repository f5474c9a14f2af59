"""Fixtures: sandboxes on free loopback ports (always stopped) and an HTTP client for them."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the package may not be installed into the venv
    sys.path.insert(0, str(REPO))

from clientary_sandbox import Sandbox  # noqa: E402

TOKEN = "sandbox-token"
TIMEOUT = 5


class Api:
    """requests.Session bound to one sandbox: Basic token:token, Accept JSON, timeouts."""

    def __init__(self, sandbox: Sandbox, token: str = TOKEN) -> None:
        assert sandbox.base_url is not None
        self.base = sandbox.base_url + "/api/v2/"
        self.session = requests.Session()
        self.session.auth = (token, token)
        self.session.headers["Accept"] = "application/json"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", TIMEOUT)
        return self.session.request(method, self.base + path.lstrip("/"), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, json=body, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def create(self, path: str, body: Any) -> dict[str, Any]:
        """POST and insist on 201 with an object that has an integer id."""
        resp = self.post(path, body)
        assert resp.status_code == 201, (path, resp.status_code, resp.text)
        data: dict[str, Any] = resp.json()
        assert isinstance(data.get("id"), int), data
        return data


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., Sandbox]]:
    """Factory: make_sandbox(**Sandbox kwargs) -> started sandbox; all are stopped at the end."""
    started: list[Sandbox] = []

    def factory(**kwargs: Any) -> Sandbox:
        sb = Sandbox(**kwargs)
        started.append(sb)
        sb.start(host="127.0.0.1", port=0)
        return sb

    try:
        yield factory
    finally:
        for sb in started:
            sb.stop()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return make_sandbox()


@pytest.fixture
def api(sandbox: Sandbox) -> Api:
    return Api(sandbox)


@pytest.fixture
def api_for() -> Callable[..., Api]:
    """api_for(sandbox, token=TOKEN) -> Api (tests never import conftest directly)."""
    return Api
