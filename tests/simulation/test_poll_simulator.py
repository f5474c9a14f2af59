"""Random timelines of a Clientary list against the trigger: no loss, no duplicate, ever.

Each timeline inserts, deletes, inserts late (an id below ids already handed
out) and changes the list while a poll is reading it, with polls (some with a
limit) in between. After every poll: no id was emitted twice and each poll's
bundles are oldest first. At the end, polls without a limit drain the rest, and
every item that still exists has been emitted exactly once.

Late items are kept within the trigger's declared overlap for newest-first
lists (at most ``overlap`` emitted items above them); lists read in full
catch a late item at any depth. Half the timelines read pages four at a time
(base.concurrency), which must be exactly as correct as reading one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runtime.engine.pagination import PageFetcher
from tests.simulation.list_server import ListServer
from tests.test_polling import Poller, with_order

Event = tuple[str, int]

events = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(1, 4)),
        st.tuples(st.just("insert_skipping"), st.integers(1, 3)),  # leaves ids for late items
        st.tuples(st.just("late"), st.integers(0, 1000)),
        st.tuples(st.just("delete"), st.integers(0, 1000)),
        st.tuples(st.just("poll"), st.integers(0, 4)),  # 0: no limit, else the limit
        st.tuples(st.just("poll_while_inserting"), st.integers(2, 4)),
        st.tuples(st.just("poll_while_deleting"), st.integers(0, 1000)),
    ),
    max_size=25,
)


@dataclass
class Timeline:
    server: ListServer
    poller: Poller
    overlap: int
    next_id: int = 1
    reserved: list[int] = field(default_factory=list)
    emitted: list[int] = field(default_factory=list)

    def insert(self, count: int, skip: bool = False) -> None:
        for _ in range(count):
            if skip:
                self.reserved.append(self.next_id)
                self.next_id += 1
            self.server.insert(self.next_id)
            self.next_id += 1

    def insert_late(self, pick: int) -> None:
        allowed = [i for i in self.reserved if self._late_is_catchable(i)]
        if allowed:
            item_id = allowed[pick % len(allowed)]
            self.reserved.remove(item_id)
            self.server.insert(item_id)

    def _late_is_catchable(self, item_id: int) -> bool:
        if self.server.order != "desc":
            return True
        return sum(1 for done in self.emitted if done > item_id) < self.overlap

    def delete(self, pick: int) -> None:
        if self.server.items:
            ids = sorted(self.server.items)
            self.server.delete(ids[pick % len(ids)])

    def poll(self, limit: int | None) -> list[int]:
        ids = self.poller(limit=limit)
        assert ids == sorted(ids), "bundles must go out oldest first"
        assert not set(ids) & set(self.emitted), f"emitted twice: {set(ids) & set(self.emitted)}"
        if limit is not None:
            assert len(ids) <= limit
        self.emitted.extend(ids)
        return ids


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=st.sampled_from(["desc", "asc", "unordered"]),
    page_size=st.integers(2, 5),
    concurrency=st.sampled_from([1, 4]),
    existing=st.integers(0, 12),
    timeline=events,
)
def test_no_item_is_lost_or_emitted_twice(
    order: str, page_size: int, concurrency: int, existing: int, timeline: list[Event]
) -> None:
    # Pages here come back at once; a zero threshold makes the fetcher read ahead anyway.
    with patch.object(PageFetcher, "WORTH_IT_SECONDS", 0.0):
        _play(order, page_size, concurrency, existing, timeline)


def _play(
    order: str, page_size: int, concurrency: int, existing: int, timeline: list[Event]
) -> None:
    module = with_order(order)
    assert module.trigger is not None
    server = ListServer(order, page_size=page_size)
    run = Timeline(server, Poller(server, module, concurrency), module.trigger.overlap)
    run.insert(existing)
    run.emitted.extend(run.poller(start="all"))
    for kind, value in timeline:
        if kind == "insert":
            run.insert(value)
        elif kind == "insert_skipping":
            run.insert(value, skip=True)
        elif kind == "late":
            run.insert_late(value)
        elif kind == "delete":
            run.delete(value)
        elif kind == "poll":
            run.poll(value or None)
        elif kind == "poll_while_inserting":
            server.during_page[value] = lambda: run.insert(1)
            run.poll(None)
            server.during_page.clear()
        elif kind == "poll_while_deleting":
            server.during_page[2] = partial(run.delete, value)
            run.poll(None)
            server.during_page.clear()
    while run.poll(None):
        pass
    assert sorted(run.emitted) == sorted(set(run.emitted))
    missing = set(server.items) - set(run.emitted)
    assert not missing, f"never emitted: {sorted(missing)}"
