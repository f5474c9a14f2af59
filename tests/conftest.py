"""Shared fixtures: the repository root, the shared API samples, a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from runtime.cli import main

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "samples"  # copies of ../shared/clientary/samples (test_samples.py)
SHARED_SAMPLES = REPO.parent / "shared" / "clientary" / "samples"
MAKE_SCHEMAS = REPO / "tests" / "export" / "make_schemas"  # copies of ../shared/make/schemas
SHARED_MAKE_SCHEMAS = REPO.parent / "shared" / "make" / "schemas"
CANARY_TOKEN = "canaryTOKEN0123456789abcd"  # 24 alphanumerics, like a real Clientary token


def sample(name: str) -> Any:
    """A documented sample payload (tests/samples, copied from ../shared/clientary/samples)."""
    path = SAMPLES / name
    if not path.is_file():
        pytest.fail(
            f"documented sample {path} is missing: copy it from ../shared/clientary/samples"
        )
    return json.loads(path.read_text(encoding="utf-8"))


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
