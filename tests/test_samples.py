"""The sample payloads the tests use are the documented ones, unchanged."""

from __future__ import annotations

import json

from tests.conftest import SAMPLES, SHARED_SAMPLES


def test_the_copies_equal_the_shared_samples_when_they_are_beside_the_repo() -> None:
    copies = sorted(path.name for path in SAMPLES.glob("*.json"))
    assert len(copies) >= 40
    for name in copies:
        json.loads((SAMPLES / name).read_text(encoding="utf-8"))  # each is valid JSON
    if SHARED_SAMPLES.is_dir():  # CI: shared/ is beside the checkout
        originals = sorted(path.name for path in SHARED_SAMPLES.glob("*.json"))
        assert copies == originals
        for name in copies:
            assert (SAMPLES / name).read_bytes() == (SHARED_SAMPLES / name).read_bytes(), name
