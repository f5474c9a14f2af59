"""Shared fixtures: the repository root, the shared API samples, a CLI runner, the canary.

The canary (tests/canary.py) runs for the whole session: every test sees CANARY_TOKEN in
CLIENTARY_API_TOKEN, and any output or file holding it in any form fails the session.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clientary_sandbox import Sandbox
from runtime.cli import main
from runtime.core import redaction
from tests import canary
from tests.canary import CANARY_TOKEN as CANARY_TOKEN  # re-exported: tests import it from here

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "samples"  # copies of ../shared/clientary/samples (test_samples.py)
SHARED_SAMPLES = REPO.parent / "shared" / "clientary" / "samples"
MAKE_SCHEMAS = REPO / "tests" / "export" / "make_schemas"  # copies of ../shared/make/schemas
SHARED_MAKE_SCHEMAS = REPO.parent / "shared" / "make" / "schemas"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.is_registered(canary.PLUGIN):
        config.pluginmanager.register(canary.PLUGIN, "canary")


@pytest.fixture(scope="session", autouse=True)
def _canary_watches_temporary_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    canary.watch(tmp_path_factory.getbasetemp())


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """The embedded sandbox on a free loopback port, empty, accepting the canary token."""
    with Sandbox(token=CANARY_TOKEN) as server:
        yield server


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A test that tries to reach any host but this machine's loopback fails: the name is
    refused before any packet leaves, and the test is told which host it tried."""
    import ipaddress
    import socket

    real = socket.getaddrinfo
    tried: list[str] = []

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            allowed = name == "localhost" or ipaddress.ip_address(name.strip("[]")).is_loopback
        except ValueError:
            allowed = False
        if not allowed:
            tried.append(name)
            raise socket.gaierror(socket.EAI_NONAME, f"tests reach only loopback; not {name}")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    yield
    assert not tried, f"the test tried to reach {sorted(set(tried))}: only loopback servers"


@pytest.fixture(autouse=True)
def _no_active_redactor() -> Iterator[None]:
    """Each test starts and ends without a process-wide redactor (the CLI installs one)."""
    redaction.deactivate()
    yield
    redaction.deactivate()


def sample(name: str) -> Any:
    """A documented sample payload (tests/samples, copied from ../shared/clientary/samples)."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.fail(
            f"documented sample {path} is missing: copy it from ../shared/clientary/samples"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def definitions_with(root: Path, **base: object) -> Path:
    """A copy of the definitions in ``root`` whose connector.yaml ``base`` sets these values."""
    import shutil

    import yaml

    for name in ("connections", "modules", "rpcs", "webhooks"):
        shutil.copytree(REPO / name, root / name)
    text = (REPO / "connector.yaml").read_text(encoding="utf-8")
    for key, value in base.items():
        line = f"\n  {key}: "
        start = text.index(line) + len(line)
        end = text.index("\n", start)
        text = text[:start] + yaml.safe_dump(value).removesuffix("\n...\n").strip() + text[end:]
    (root / "connector.yaml").write_text(text, encoding="utf-8")
    return root


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def lines(self) -> list[Any]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run ``connector ...`` in-process with a canary token in the environment."""
    monkeypatch.setenv("CLIENTARY_DOMAIN", "acme")
    monkeypatch.setenv("CLIENTARY_API_TOKEN", CANARY_TOKEN)
    monkeypatch.delenv("CLIENTARY_BASE_URL", raising=False)

    def run(*arguments: str) -> CliResult:
        code = main(list(arguments))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
