"""Polling triggers: which items are new, in what order they go out, and the state to keep.

    trigger:
      id: id                  # identity key of an item (Clientary ids are increasing integers)
      order: desc             # how the endpoint lists items: asc | desc | unordered
      first_run: [now, all, date, id]
      default_start: now      # Make's "From now on"
      overlap: 5              # newest ids kept in ``seen``: late items below them are still caught

An item is new when its id is above the state's ``floor`` and not in ``seen``.
Bundles go out oldest first; a ``limit`` holds the newest back for the next run.
``poll`` computes the next state but never saves it: the caller saves it only
after the bundles were written (at-least-once, never a loss).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from runtime.errors import InputError, MappingError
from runtime.execution import RunContext, build_request
from runtime.mapping import Bundle, compile_path, get_path, records_at
from runtime.pagination import iter_pages
from runtime.specs import ModuleSpec, TriggerSpec
from runtime.state import TriggerState


@dataclass(frozen=True, slots=True)
class Start:
    """Where a first run starts: now, all, a date or after an id."""

    mode: str
    value: int | dt.date | None = None

    @classmethod
    def parse(cls, text: str) -> Start:
        if text in ("now", "all"):
            return cls(text)
        kind, _, value = text.partition(":")
        try:
            if kind == "date":
                return cls("date", dt.date.fromisoformat(value))
            if kind == "id":
                return cls("id", int(value))
        except ValueError:
            pass
        raise InputError(f"--start: expected now, all, date:YYYY-MM-DD or id:N; got {text!r}")


@dataclass(frozen=True, slots=True)
class PollResult:
    bundles: list[Bundle]
    state: TriggerState
    skipped: int | None = None  # existing items a first run treated as old, when known


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
    moment = now or dt.datetime.now(dt.UTC)
    if state.started:
        items = _unseen_items(module, trigger, parameters, run, state.floor or 0, set(state.seen))
        return _emit(state, state.floor or 0, items, limit, trigger, moment)
    begin = start or Start(trigger.default_start)
    if begin.mode not in trigger.first_run:
        raise InputError(f"--start {begin.mode}: {module.id} offers {', '.join(trigger.first_run)}")
    if begin.mode == "now":
        top, skipped = _newest(module, trigger, parameters, run)
        return PollResult([], _advance(state, top, [], trigger, moment), skipped)
    if begin.mode == "date":
        return _start_at_date(module, trigger, parameters, run, state, begin, limit, moment)
    floor = begin.value if isinstance(begin.value, int) else 0
    items = _unseen_items(module, trigger, parameters, run, floor, set())
    return _emit(state, floor, items, limit, trigger, moment)


def _trigger_of(module: ModuleSpec) -> TriggerSpec:
    if module.trigger is None:
        raise InputError(f"{module.id}: not a trigger module")
    return module.trigger


def _pages(
    module: ModuleSpec, parameters: Mapping[str, Any], run: RunContext
) -> Iterator[list[Any]]:
    request = build_request(module, parameters, run)
    return iter_pages(
        request, module.response.iterate or "", module.pagination, run.fetch_body, module.id
    )


def _unseen_items(
    module: ModuleSpec,
    trigger: TriggerSpec,
    parameters: Mapping[str, Any],
    run: RunContext,
    floor: int,
    seen: set[int],
) -> list[Bundle]:
    """Items above the floor and not yet seen, read only as far as the declared order requires."""
    found: dict[int, Bundle] = {}
    for page in _pages(module, parameters, run):
        ids = [_id_of(trigger, item, module.id) for item in page]
        for item_id, item in zip(ids, page, strict=True):
            if item_id > floor and item_id not in seen:
                found.setdefault(item_id, item)  # a record that shifted pages counts once
        # Newest first: once a page reaches the floor, every later page is older still.
        if trigger.order == "desc" and any(item_id <= floor for item_id in ids):
            break
    return list(found.values())


def _newest(
    module: ModuleSpec, trigger: TriggerSpec, parameters: Mapping[str, Any], run: RunContext
) -> tuple[int, int | None]:
    """The highest id there is now, and how many items exist; newest-first lists need one page."""
    if trigger.order == "desc":
        body = run.fetch_body(build_request(module, parameters, run))
        page = records_at(body, module.response.iterate or "", module.id)
        total = get_path(body, trigger.total_count) if trigger.total_count else None
        top = max((_id_of(trigger, item, module.id) for item in page), default=0)
        return top, total if isinstance(total, int) else len(page)
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
    moment: dt.datetime,
) -> PollResult:
    """Items created before the date are old; the floor is the newest of them."""
    if trigger.date is None:
        raise InputError(f"--start date: {module.id}'s items carry no creation date; use id:N")
    items = _unseen_items(module, trigger, parameters, run, 0, set())
    old = [item for item in items if _day_of(get_path(item, trigger.date)) < begin.value]  # type: ignore[operator]
    floor = max((_id_of(trigger, item, module.id) for item in old), default=0)
    fresh = [item for item in items if _id_of(trigger, item, module.id) > floor]
    result = _emit(state, floor, fresh, limit, trigger, moment)
    return replace(result, skipped=len(old))


def _emit(
    state: TriggerState,
    floor: int,
    items: list[Bundle],
    limit: int | None,
    trigger: TriggerSpec,
    moment: dt.datetime,
) -> PollResult:
    items.sort(key=lambda item: _id_of(trigger, item, ""))
    emitted = items if limit is None else items[:limit]
    return PollResult(emitted, _advance(state, floor, emitted, trigger, moment))


def _advance(
    state: TriggerState,
    floor: int,
    emitted: list[Bundle],
    trigger: TriggerSpec,
    moment: dt.datetime,
) -> TriggerState:
    """Add what went out to ``seen``; ids that fall out of the overlap window raise the floor."""
    seen = sorted({*state.seen, *(_id_of(trigger, item, "") for item in emitted)})
    cut = max(len(seen) - trigger.overlap, 0)
    new_floor = max([floor, *seen[:cut]])
    return replace(
        state,
        floor=new_floor,
        seen=tuple(item for item in seen[cut:] if item > new_floor),
        started_at=state.started_at or moment.isoformat(timespec="seconds"),
        runs=state.runs + 1,
        emitted=state.emitted + len(emitted),
    )


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
