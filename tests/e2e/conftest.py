"""End-to-end fixtures: a real sandbox on a free loopback port, and the CLI pointed at it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clientary_sandbox import Sandbox
from tests.conftest import CANARY_TOKEN, CliResult


@pytest.fixture
def connector(
    sandbox: Sandbox, cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """``connector(...)`` runs the CLI against the sandbox; trigger state goes to tmp_path.

    Every call also checks that the token appears in neither stdout nor stderr.
    """
    monkeypatch.setenv("CLIENTARY_BASE_URL", sandbox.base_url)
    monkeypatch.chdir(tmp_path)

    def run(*arguments: str) -> CliResult:
        result = cli(*arguments)
        assert CANARY_TOKEN not in result.out + result.err
        return result

    return run
