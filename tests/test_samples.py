"""The documented samples and Make schemas the tests use are the shared ones, unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import MAKE_SCHEMAS, SAMPLES, SHARED_MAKE_SCHEMAS, SHARED_SAMPLES


@pytest.mark.parametrize(
    ("copy", "shared", "at_least"),
    [
        pytest.param(SAMPLES, SHARED_SAMPLES, 40, id="clientary_samples"),
        pytest.param(MAKE_SCHEMAS, SHARED_MAKE_SCHEMAS, 15, id="make_schemas"),
    ],
)
def test_the_copies_equal_the_shared_files_when_they_are_beside_the_repo(
    copy: Path, shared: Path, at_least: int
) -> None:
    copies = sorted(path.name for path in copy.glob("*.json"))
    assert len(copies) >= at_least
    for name in copies:
        json.loads((copy / name).read_text(encoding="utf-8"))  # each is valid JSON
    if shared.is_dir():  # CI: shared/ is beside the checkout
        assert copies == sorted(path.name for path in shared.glob("*.json"))
        for name in copies:
            assert (copy / name).read_bytes() == (shared / name).read_bytes(), name
