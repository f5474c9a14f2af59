"""A trigger state file's content, checked strictly before a poll relies on it.

A state file decides what a trigger emits next. A damaged one must never be read
as "first run" (which skips every pending item) or as "everything is done"
(which emits nothing): each rule below names what it protects, and any
deviation is a reason the caller turns into one error naming the file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from runtime.core.redaction import clip

STATE_VERSION = 1
MAX_ID = 2**63 - 1  # Clientary ids are 64-bit integers
MAX_RANGES = 1000  # gaps beyond this many, the oldest first, are treated as done (see polling)

_FIELDS = frozenset(
    {
        "version",
        "module",
        "target",
        "identity",
        "floor",
        "seen",
        "started_at",
        "last_poll_at",
        "runs",
        "emitted",
    }
)
_IDENTITY = re.compile(r"^[0-9a-f]{16}$")


class DamagedState(ValueError):
    """Why a state file cannot be trusted, in words a user can act on."""


def checked_state_fields(data: Any, *, module: str, target: str) -> dict[str, Any]:
    """The fields of a saved state, every rule checked; raises DamagedState on the first misfit."""
    if not isinstance(data, Mapping):
        raise DamagedState(f"expected a JSON object; got {type(data).__name__}")
    missing = sorted(_FIELDS - set(data))
    if missing:
        raise DamagedState(f"missing field(s): {', '.join(missing)}")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise DamagedState(f"unknown field(s): {', '.join(unknown)}")
    if _whole(data["version"]) != STATE_VERSION:
        raise DamagedState(f"version: expected {STATE_VERSION}; got {_shown(data['version'])}")
    # The file's name is derived from module and target: other values mean a copied file.
    if data["module"] != module:
        raise DamagedState(f"module: expected {module!r}; got {_shown(data['module'])}")
    if data["target"] != target:
        raise DamagedState(f"target: expected {target!r}; got {_shown(data['target'])}")
    if not isinstance(data["identity"], str) or not _IDENTITY.fullmatch(data["identity"]):
        raise DamagedState(
            f"identity: expected 16 hexadecimal digits; got {_shown(data['identity'])}"
        )
    # A saved state always comes from a finished poll, which sets the floor: a missing
    # floor would turn the next run into a first run that skips everything pending.
    floor = _id_value("floor", data["floor"])
    runs = _count("runs", data["runs"], least=1)
    emitted = _count("emitted", data["emitted"], least=0)
    seen = _ranges(data["seen"], floor)
    covered = sum(last - first + 1 for first, last in seen)
    # Every emitted id is recorded once; only compaction (at MAX_RANGES ranges) closes
    # gaps, so below it the ranges cannot cover more ids than were emitted.
    if len(seen) < MAX_RANGES and covered > emitted:
        raise DamagedState(f"seen: the ranges cover {covered} ids but only {emitted} were emitted")
    started_at = _moment("started_at", data["started_at"])
    last_poll_at = _moment("last_poll_at", data["last_poll_at"])
    return {
        "module": module,
        "target": target,
        "identity": data["identity"],
        "floor": floor,
        "seen": seen,
        "started_at": started_at,
        "last_poll_at": last_poll_at,
        "runs": runs,
        "emitted": emitted,
    }


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _id_value(name: str, value: Any) -> int:
    number = _whole(value)
    if number is None or not 0 <= number <= MAX_ID:
        raise DamagedState(f"{name}: expected a whole number from 0 to 2^63-1; got {_shown(value)}")
    return number


def _count(name: str, value: Any, *, least: int) -> int:
    number = _whole(value)
    if number is None or number < least:
        raise DamagedState(
            f"{name}: expected a whole number of at least {least}; got {_shown(value)}"
        )
    return number


def _ranges(value: Any, floor: int) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list):
        raise DamagedState(f"seen: expected a list of [first, last] id ranges; got {_shown(value)}")
    if len(value) > MAX_RANGES:
        raise DamagedState(f"seen: expected at most {MAX_RANGES} ranges; got {len(value)}")
    ranges: list[tuple[int, int]] = []
    for index, pair in enumerate(value):
        where = f"seen[{index}]"
        if not isinstance(pair, list) or len(pair) != 2:
            raise DamagedState(f"{where}: expected [first, last]; got {_shown(pair)}")
        first, last = _id_value(where, pair[0]), _id_value(where, pair[1])
        if not floor < first <= last:
            raise DamagedState(
                f"{where}: expected floor ({floor}) < first <= last; got {_shown(pair)}"
            )
        if ranges and first <= ranges[-1][1] + 1:
            raise DamagedState(f"{where}: expected ranges in order, apart; got {_shown(pair)}")
        ranges.append((first, last))
    return tuple(ranges)


def _moment(name: str, value: Any) -> str:
    if isinstance(value, str):
        try:
            dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return value
    raise DamagedState(f"{name}: expected an ISO 8601 date and time; got {_shown(value)}")


def _shown(value: Any) -> str:
    return clip(repr(value), 40)
