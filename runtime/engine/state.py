"""Trigger state: what a watch module has already handed out, stored per connection and module.

A state file holds no secret: it is keyed by a hash of the account's base URL
and the module id, and written atomically (temp file, fsync, rename), so a
crash leaves either the old state or the new one, never half of either.

One poll at a time per state file: ``StateStore.session`` takes an exclusive
lock (``flock`` on a lock file beside the state, released by the kernel when a
holder dies, so a crashed run never blocks the next one) for the whole
read -> emit -> commit, and prepares the temp file before the first bundle goes
out, so an unwritable folder is an error before anything is emitted.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from runtime.core.errors import StateError
from runtime.engine.state_check import STATE_VERSION, DamagedState, checked_state_fields

DEFAULT_STATE_DIR = ".connector-state"
_LOCK_RETRY_SECONDS = 0.05


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


class StateSession:
    """One poll's hold on a state file: the state as loaded, and ``commit`` for the next one."""

    def __init__(self, path: Path, state: TriggerState, temporary: Path) -> None:
        self.path = path
        self.state = state
        self._temporary = temporary
        self.committed = False

    def commit(self, state: TriggerState) -> None:
        """Write ``state`` in place of the old one, atomically; then sweep stale temp files."""
        text = json.dumps(state.to_json(), indent=2, sort_keys=True) + "\n"
        try:
            with open(self._temporary, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(self._temporary, self.path)
            _fsync_folder(self.path.parent)
        except OSError as error:
            raise StateError(
                f"{self.path}: cannot write trigger state: {error.strerror}; the bundles above "
                "come again on the next run"
            ) from None
        self.committed = True
        self.state = state
        # Under the lock no other run writes this file, so any other temp file of it was
        # left by a run killed mid-write.
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


class StateStore:
    """Trigger states as JSON files in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, module: str, target: str) -> Path:
        account = hashlib.sha256(target.encode("utf-8")).hexdigest()[:16]
        return self.folder / account / f"{module}.json"

    def load(self, module: str, target: str) -> TriggerState:
        """The saved state, checked strictly; a first run's empty state when there is none."""
        path = self.path_for(module, target)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return TriggerState(module=module, target=target)
        except NotADirectoryError:
            raise self._not_a_folder(path) from None
        except (OSError, UnicodeDecodeError) as error:
            reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
            raise _damaged(path, module, f"cannot read it: {reason}") from None
        try:
            data = json.loads(text)
            return TriggerState(**checked_state_fields(data, module=module, target=target))
        except DamagedState as error:
            raise _damaged(path, module, str(error)) from None
        except (ValueError, RecursionError):
            raise _damaged(path, module, "not valid JSON") from None

    @contextlib.contextmanager
    def session(self, module: str, target: str, *, wait_seconds: float) -> Iterator[StateSession]:
        """Hold the state of ``module`` on ``target`` for one poll.

        Waits up to ``wait_seconds`` for another run to finish, then refuses; the temp
        file the commit writes is created first, so an unwritable folder fails here.
        """
        path = self.path_for(module, target)
        self._make_folder(path)
        with self._locked(path, module, wait_seconds):
            state = self.load(module, target)
            try:
                handle, name = tempfile.mkstemp(
                    dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
                )
            except OSError as error:
                raise StateError(
                    f"{path.parent}: cannot write trigger state there ({error.strerror}); "
                    "nothing was emitted; choose a writable --state-dir"
                ) from None
            os.close(handle)
            temporary = Path(name)
            try:
                yield StateSession(path, state, temporary)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    temporary.unlink()

    def save(self, state: TriggerState, *, wait_seconds: float = 0.0) -> Path:
        """Write ``state`` as its own session (for tools and tests; a poll commits its session)."""
        with self.session(state.module, state.target, wait_seconds=wait_seconds) as held:
            held.commit(state)
        return held.path

    def reset(self, module: str, target: str, *, wait_seconds: float = 0.0) -> bool:
        path = self.path_for(module, target)
        if not path.exists():
            return False
        with self._locked(path, module, wait_seconds):  # never under a running poll
            path.unlink(missing_ok=True)
        return True

    def _make_folder(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise self._not_a_folder(path) from None
        except OSError as error:
            raise StateError(
                f"{path.parent}: cannot create the trigger state folder ({error.strerror}); "
                "nothing was emitted; choose a writable --state-dir"
            ) from None

    def _not_a_folder(self, path: Path) -> StateError:
        blocker = path.parent  # the nearest existing ancestor is the file in the way
        while not blocker.exists() and blocker != blocker.parent:
            blocker = blocker.parent
        return StateError(
            f"{blocker}: expected a folder for trigger state; it is a file. Nothing was "
            "emitted; choose another --state-dir or move the file away"
        )

    @contextlib.contextmanager
    def _locked(self, path: Path, module: str, wait_seconds: float) -> Iterator[None]:
        lock_path = path.with_name(f"{path.name}.lock")
        try:
            descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StateError(
                f"{lock_path}: cannot create the trigger's lock file ({error.strerror}); "
                "nothing was emitted; choose a writable --state-dir"
            ) from None
        try:
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StateError(
                            f"{module}: another run of this trigger is still going on (it holds "
                            f"{lock_path}); waited {wait_seconds:g} s, emitted nothing. Run it "
                            "again when the other run has finished"
                        ) from None
                    time.sleep(_LOCK_RETRY_SECONDS)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock


def _damaged(path: Path, module: str, reason: str) -> StateError:
    return StateError(
        f"{path}: trigger state is damaged ({reason}); nothing was emitted. Look at the file, "
        f"then 'connector state reset {module}' to start over (a new first run)"
    )


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: a power cut after it must not bring back the old state."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
