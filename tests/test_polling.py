"""The trigger contract: oldest first, limits that hold back without dropping, no repeats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from runtime.cli.poll_command import parse_start
from runtime.core.errors import InputError, StateError
from runtime.definitions.loader import default_root, load_connector
from runtime.definitions.specs import ModuleSpec
from runtime.engine.connection import open_connection
from runtime.engine.execution import RunContext
from runtime.engine.polling import PollResult, Start, poll
from runtime.engine.state import StateStore, TriggerState
from tests.conftest import CANARY_TOKEN, CliResult
from tests.simulation.list_server import ListServer

CONNECTOR = load_connector(default_root())
WATCH = CONNECTOR.modules["watch_new_clients"]


def make_context(server: ListServer, concurrency: int | None = None) -> RunContext:
    connector = CONNECTOR
    if concurrency is not None:
        connector = replace(CONNECTOR, base=replace(CONNECTOR.base, concurrency=concurrency))
    connection = open_connection(
        CONNECTOR.connections["clientary"],
        CONNECTOR.base,
        {"api_token": CANARY_TOKEN},
        base_url="http://simulated.test",
    )
    return RunContext(connector, connection, server)


def with_order(order: str) -> ModuleSpec:
    assert WATCH.trigger is not None
    return replace(WATCH, trigger=replace(WATCH.trigger, order=order))


class Poller:
    """Polls like the CLI does: the state moves on only after the bundles were taken."""

    def __init__(
        self, server: ListServer, module: ModuleSpec = WATCH, concurrency: int = 1
    ) -> None:
        self.server, self.module, self.concurrency = server, module, concurrency
        self.state = TriggerState(module=module.id, target="http://simulated.test/api/v2")

    def __call__(self, limit: int | None = None, start: str | None = None) -> list[int]:
        result: PollResult = poll(
            self.module,
            {},
            make_context(self.server, self.concurrency),
            self.state,
            limit=limit,
            start=parse_start(start) if start else None,
        )
        self.state = result.state
        return [bundle["id"] for bundle in result.bundles]


@pytest.mark.parametrize("order", ["desc", "asc", "unordered"])
def test_all_then_nothing_then_exactly_the_new_ones(order: str) -> None:
    server = ListServer(order, page_size=10)
    for item_id in range(1, 26):
        server.insert(item_id)
    watch = Poller(server, with_order(order))
    assert watch(start="all") == list(range(1, 26))
    assert watch() == []
    for item_id in (26, 27, 28):
        server.insert(item_id)
    assert watch() == [26, 27, 28]


@pytest.mark.parametrize("order", ["desc", "asc", "unordered"])
def test_a_limit_holds_items_back_for_the_next_runs(order: str) -> None:
    server = ListServer(order)
    watch = Poller(server, with_order(order))
    assert watch(start="all") == []
    for item_id in range(1, 6):
        server.insert(item_id)
    assert [watch(limit=2), watch(limit=2), watch(limit=2), watch(limit=2)] == [
        [1, 2],
        [3, 4],
        [5],
        [],
    ]


def test_from_now_on_skips_what_exists_and_reads_one_page_of_a_newest_first_list() -> None:
    server = ListServer("desc", page_size=10)
    for item_id in range(1, 101):
        server.insert(item_id)
    watch = Poller(server)
    result = poll(WATCH, {}, make_context(server), watch.state, limit=None)
    assert (result.bundles, result.skipped, server.requests) == ([], 100, 1)
    watch.state = result.state
    server.requests = 0
    assert watch() == []
    assert server.requests == 1  # nothing new on a large account costs one page


def test_an_item_that_appears_late_below_newer_ones_is_still_emitted() -> None:
    server = ListServer("desc", page_size=10)
    for item_id in (1, 2, 3, 5, 6):
        server.insert(item_id)
    watch = Poller(server)
    assert watch(start="all") == [1, 2, 3, 5, 6]
    server.insert(4)  # committed late: its id is below ids already emitted
    server.insert(7)
    assert watch() == [4, 7]


def test_an_item_created_mid_poll_is_emitted_once() -> None:
    server = ListServer("desc", page_size=3)
    for item_id in range(1, 10):
        server.insert(item_id)
    watch = Poller(server)
    server.during_page[2] = lambda: server.insert(10)  # shifts page 2 by one
    first = watch(start="all")
    second = watch()
    assert sorted(first + second) == list(range(1, 11))
    assert len(first + second) == 10


def test_first_run_after_a_chosen_id() -> None:
    server = ListServer("asc")
    for item_id in range(1, 8):
        server.insert(item_id)
    assert Poller(server, with_order("asc"))(start="id:4") == [5, 6, 7]


def test_a_start_the_module_does_not_offer_is_refused() -> None:
    with pytest.raises(InputError, match="watch_new_clients offers now, all, id"):
        Poller(ListServer("desc"))(start="date:2024-01-01")


def test_state_saved_for_another_list_is_refused() -> None:
    server = ListServer("desc")
    watch = Poller(server)
    watch(start="all")
    moved = replace(WATCH, request=replace(WATCH.request, url="/leads"))
    with pytest.raises(StateError, match="reads another list or id key"):
        poll(moved, {}, make_context(server), watch.state, limit=None)


def saved_state(target: str, *, floor: int, seen: tuple[tuple[int, int], ...] = ()) -> TriggerState:
    """A state as a finished poll of watch_new_clients leaves it."""
    return TriggerState(
        "watch_new_clients",
        target,
        identity="0123456789abcdef",
        floor=floor,
        seen=seen,
        started_at="2026-01-02T03:04:05+00:00",
        last_poll_at="2026-01-02T03:04:05+00:00",
        runs=1,
        emitted=sum(last - first + 1 for first, last in seen),
    )


def test_state_is_written_atomically_and_reloaded(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    state = saved_state("https://acme.clientary.com/api/v2", floor=3, seen=((5, 9),))
    path = store.save(state)
    assert store.load(state.module, state.target) == state
    # no temp file left; the lock file stays (it holds no data)
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "watch_new_clients.json",
        "watch_new_clients.json.lock",
    ]


def test_damaged_state_is_a_clear_error(tmp_path: Path) -> None:
    store = StateStore(tmp_path)
    path = store.path_for("watch_new_clients", "t")
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(StateError, match="state reset watch_new_clients"):
        store.load("watch_new_clients", "t")


def test_state_show_prints_the_state_without_any_secret(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = StateStore(tmp_path / ".connector-state")
    store.save(saved_state("https://acme.clientary.com/api/v2", floor=0, seen=((1, 4),)))
    result = cli("state", "show", "watch_new_clients")
    assert result.code == 0
    assert (
        '"floor": 0' in result.out and '"target": "https://acme.clientary.com/api/v2"' in result.out
    )
    assert CANARY_TOKEN not in result.out + result.err
    assert list(tmp_path.rglob("*.json"))
    assert all(CANARY_TOKEN not in p.read_text() for p in tmp_path.rglob("*.json"))
    assert cli("state", "reset", "watch_new_clients").err == "watch_new_clients: state removed\n"


def test_the_start_syntax_belongs_to_the_command_line() -> None:
    """polling takes a Start value; the text of --start is read by the command line."""
    assert not hasattr(Start, "parse")
    assert parse_start("date:2024-02-29") == Start("date", dt.date(2024, 2, 29))
    assert parse_start("id:12") == Start("id", 12)
    assert parse_start("all") == Start("all")
    with pytest.raises(InputError, match=r"--start: expected now, all, date:YYYY-MM-DD or id:N"):
        parse_start("yesterday")
