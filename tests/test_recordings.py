"""Every committed recording (tests/recordings/**/*.json) is a contract test: replayed offline
against the definitions as they are, it must send the recorded requests and produce the
recorded bundles. ``make test`` runs them; tests/recordings/README.md says how to remake them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.cli.replay import replay_recording
from runtime.definitions.loader import load_connector
from runtime.engine.recording import load_recording, recording_files
from tests.conftest import REPO

RECORDINGS = REPO / "tests" / "recordings"
FILES = recording_files([RECORDINGS])


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(RECORDINGS)) for p in FILES])
def test_the_recording_replays(path: Path) -> None:
    data = load_recording(path)
    difference = replay_recording(REPO, data)
    assert difference is None, f"{data['id']} ({path.relative_to(REPO)}): {difference}"


def test_there_is_a_recording_of_every_module_kind() -> None:
    connector = load_connector(REPO)
    kinds: set[str] = set()
    for path in FILES:
        data = load_recording(path)
        if data["kind"] != "module":
            kinds.add(data["kind"])
            continue
        module = connector.modules[data["id"]]
        kinds.add(module.kind + (f" ({module.crud})" if module.crud else ""))
    assert {
        "search", "action (read)", "action (create)", "trigger", "universal", "rpc", "verify",
    } <= kinds  # fmt: skip


def test_the_recordings_name_no_account_host_or_machine() -> None:
    for path in FILES:
        text = path.read_text(encoding="utf-8").lower()
        assert "acme" not in text and "127.0.0.1" not in text and "sandbox-token" not in text
