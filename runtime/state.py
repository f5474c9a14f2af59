"""Trigger state: what a watch module has already handed out, stored per connection and module.

A state file holds no secret: it is keyed by a hash of the account's base URL
and the module id, and written atomically (temp file, fsync, rename), so a
crash leaves either the old state or the new one, never half of either.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from runtime.errors import StateError

STATE_VERSION = 1
DEFAULT_STATE_DIR = ".connector-state"


@dataclass(frozen=True, slots=True)
class TriggerState:
    """Where a trigger stands: ids at or below ``floor``, and ids in ``seen``, are done.

    ``seen`` holds ranges ``[first, last]`` of the ids emitted so far (see id_ranges);
    ``identity`` fingerprints what the ids mean (endpoint, id key), so state is kept
    across edits of the definitions but never applied to a different list.
    """

    module: str
    target: str
    identity: str = ""
    floor: int | None = None
    seen: tuple[tuple[int, int], ...] = ()
    started_at: str | None = None
    last_poll_at: str | None = None
    runs: int = 0
    emitted: int = 0

    @property
    def started(self) -> bool:
        return self.floor is not None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["seen"] = [list(pair) for pair in self.seen]
        return {"version": STATE_VERSION, **data}


class StateStore:
    """Trigger states as JSON files in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, module: str, target: str) -> Path:
        account = hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]
        return self.folder / account / f"{module}.json"

    def load(self, module: str, target: str) -> TriggerState:
        path = self.path_for(module, target)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return TriggerState(module=module, target=target)
        except (OSError, ValueError) as error:
            raise StateError(
                f"{path}: trigger state unreadable ({error}); 'connector state reset {module}' "
                "starts over"
            ) from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise StateError(
                f"{path}: expected trigger state version {STATE_VERSION}; got {data!r:.60}"
            )
        data.pop("version")
        try:
            data["seen"] = tuple((int(first), int(last)) for first, last in data.get("seen", ()))
            return TriggerState(**data)
        except (TypeError, ValueError) as error:
            raise StateError(
                f"{path}: trigger state is damaged ({error}); 'connector state reset {module}' "
                "starts over"
            ) from None

    def save(self, state: TriggerState) -> Path:
        path = self.path_for(state.module, state.target)
        text = json.dumps(state.to_json(), indent=2, sort_keys=True) + "\n"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
            )
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, path)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        except OSError as error:
            raise StateError(f"{path}: cannot write trigger state: {error.strerror}") from None
        return path

    def reset(self, module: str, target: str) -> bool:
        path = self.path_for(module, target)
        if path.exists():
            path.unlink()
            return True
        return False
