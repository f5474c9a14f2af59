"""Polling triggers: which items are new, in what order they go out, and the state to keep.

    trigger:
      id: id                  # identity key of an item (Clientary ids are increasing integers)
      order: desc             # how the endpoint lists items: asc | desc | unordered
      first_run: [now, all, id]
      default_start: now      # Make's "From now on"
      overlap: 5              # newest-first lists: known items read past before stopping

An item is new when its id is above the state's ``floor`` and not among the ids
already emitted (``seen``, kept as ranges, so a late or shifted item below newer
ones is still new). Bundles go out oldest first; a ``limit`` holds the newest
back for the next run. ``poll`` only computes the next state: the caller saves
it after the bundles were written, so a crash repeats bundles but never loses one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from runtime.core.errors import InputError, MappingError, StateError
from runtime.definitions.specs import ModuleSpec, TriggerSpec
from runtime.engine.execution import RunContext, build_request
from runtime.engine.id_ranges import IdRanges
from runtime.engine.mapping import Bundle, compile_path, get_path, records_at
from runtime.engine.pagination import iter_pages
from runtime.engine.state import TriggerState
from runtime.engine.state_check import MAX_RANGES


@dataclass(frozen=True, slots=True)
class Start:
    """Where a first run starts: now, all, a date or after an id (the command line reads
    ``--start``: runtime/cli/poll_command.py)."""

    mode: str
    value: int | dt.date | None = None


@dataclass(frozen=True, slots=True)
class PollResult:
    bundles: list[Bundle]
    state: TriggerState
    skipped: int | None = None  # existing items a first run treated as old, when known
    pending: int = 0  # new items a limit held back: they come in the next runs


def trigger_identity(module: ModuleSpec) -> str:
    """What the ids mean: the list read and the id key. Labels, schemas and notes may change."""
    trigger = _trigger_of(module)
    text = "|".join((module.request.url, module.response.iterate or "", trigger.id))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def poll(
    module: ModuleSpec,
    parameters: Mapping[str, Any],
    run: RunContext,
    state: TriggerState,
    *,
    limit: int | None,
    start: Start | None = None,
    now: dt.datetime | None = None,
) -> PollResult:
    trigger = _trigger_of(module)
    identity = trigger_identity(module)
    moment = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    if state.started and state.identity != identity:
        raise StateError(
            f"{module.id}: the trigger now reads another list or id key than its saved state "
            f"describes; 'connector state reset {module.id}' starts over"
        )
    state = replace(
        state, identity=identity, last_poll_at=moment, started_at=state.started_at or moment
    )
    if state.started:
        items = _new_items(module, trigger, parameters, run, state.floor or 0, IdRanges(state.seen))
        return _emit(state, items, limit, trigger)
    begin = start or Start(trigger.default_start)
    if begin.mode not in trigger.first_run:
        offered = ", ".join(trigger.first_run)
        raise InputError(f"--start {begin.mode}: {module.id} offers {offered}")
    if begin.mode == "now":
        top, skipped = _newest(module, trigger, parameters, run)
        return PollResult([], replace(state, floor=top, runs=state.runs + 1), skipped)
    if begin.mode == "date":
        return _start_at_date(module, trigger, parameters, run, state, begin, limit)
    floor = begin.value if isinstance(begin.value, int) else 0
    items = _new_items(module, trigger, parameters, run, floor, IdRanges())
    return _emit(replace(state, floor=floor), items, limit, trigger)


def _trigger_of(module: ModuleSpec) -> TriggerSpec:
    if module.trigger is None:
        raise InputError(f"{module.id}: not a trigger module")
    return module.trigger


def _pages(
    module: ModuleSpec, parameters: Mapping[str, Any], run: RunContext
) -> Iterator[list[Any]]:
    request = build_request(module, parameters, run.connection, run.connector.base)
    iterate = module.response.iterate or ""
    # A newest-first list is read page by page: it usually stops after the first one.
    ordered = module.trigger is not None and module.trigger.order == "desc"
    concurrency = 1 if ordered else run.connector.base.concurrency
    return iter_pages(
        request, iterate, module.pagination, run.fetch_body, module.id, concurrency=concurrency
    )


def _new_items(
    module: ModuleSpec,
    trigger: TriggerSpec,
    parameters: Mapping[str, Any],
    run: RunContext,
    floor: int,
    seen: IdRanges,
) -> list[Bundle]:
    """Items above the floor and not yet emitted, reading only as far as the order requires."""
    found: dict[int, Bundle] = {}
    known_passed = 0
    for page in _pages(module, parameters, run):
        reached_floor = False
        for item in page:
            item_id = _id_of(trigger, item, module.id)
            if item_id <= floor:
                reached_floor = True
            elif item_id in seen:
                known_passed += 1
            else:
                found.setdefault(item_id, item)  # a record that shifted pages counts once
        # Newest first: past the floor, or past `overlap` known items, only older ones follow.
        if trigger.order == "desc" and (reached_floor or known_passed > trigger.overlap):
            break
    return list(found.values())


def _newest(
    module: ModuleSpec, trigger: TriggerSpec, parameters: Mapping[str, Any], run: RunContext
) -> tuple[int, int | None]:
    """The highest id there is now, and how many items exist; newest-first lists need one page."""
    if trigger.order == "desc":
        body = run.fetch_body(build_request(module, parameters, run.connection, run.connector.base))
        page = records_at(body, module.response.iterate or "", module.id)
        total = get_path(body, trigger.total_count) if trigger.total_count else None
        top = max((_id_of(trigger, item, module.id) for item in page), default=0)
        return top, total if isinstance(total, int) else None
    ids = [
        _id_of(trigger, item, module.id)
        for page in _pages(module, parameters, run)
        for item in page
    ]
    return max(ids, default=0), len(ids)


def _start_at_date(
    module: ModuleSpec,
    trigger: TriggerSpec,
    parameters: Mapping[str, Any],
    run: RunContext,
    state: TriggerState,
    begin: Start,
    limit: int | None,
) -> PollResult:
    """Items created before the date are old; the floor is the newest of them."""
    if trigger.date is None or not isinstance(begin.value, dt.date):
        raise InputError(f"--start date: {module.id}'s items carry no creation date; use id:N")
    day = begin.value
    items = _new_items(module, trigger, parameters, run, 0, IdRanges())
    old = [item for item in items if _day_of(get_path(item, trigger.date)) < day]
    floor = max((_id_of(trigger, item, module.id) for item in old), default=0)
    fresh = [item for item in items if _id_of(trigger, item, module.id) > floor]
    result = _emit(replace(state, floor=floor), fresh, limit, trigger)
    return replace(result, skipped=len(old))


def _emit(
    state: TriggerState, items: list[Bundle], limit: int | None, trigger: TriggerSpec
) -> PollResult:
    """Oldest first; what the limit holds back stays unseen and comes next run."""
    items.sort(key=lambda item: _id_of(trigger, item, ""))
    emitted = items if limit is None else items[:limit]
    seen = IdRanges(state.seen).with_ids(_id_of(trigger, item, "") for item in emitted)
    next_state = replace(
        state,
        seen=tuple((first, last) for first, last in seen.compacted(MAX_RANGES).pairs()),
        runs=state.runs + 1,
        emitted=state.emitted + len(emitted),
    )
    return PollResult(emitted, next_state, pending=len(items) - len(emitted))


def _day_of(value: Any) -> dt.date:
    text = str(value or "")[:10].replace("/", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.date.min


def _id_of(trigger: TriggerSpec, item: Any, where: str) -> int:
    value = compile_path(trigger.id)(item)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MappingError(
            f"{where}: expected an integer id at {trigger.id!r} in every item; got {value!r}"
        )
    return value
