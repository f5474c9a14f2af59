"""Emitted ids as ranges: membership, merging, and closing the oldest gaps first."""

from __future__ import annotations

from runtime.engine.id_ranges import IdRanges


def test_adjacent_ids_merge_into_one_range() -> None:
    ranges = IdRanges().with_ids([3, 1, 2, 7, 9, 8])
    assert ranges.pairs() == [[1, 3], [7, 9]]
    assert 2 in ranges and 5 not in ranges and 9 in ranges and 10 not in ranges


def test_compacting_closes_the_oldest_gaps_and_keeps_the_newest() -> None:
    ranges = IdRanges([[1, 1], [3, 3], [5, 5], [7, 7]])
    compacted = ranges.compacted(2)
    assert compacted.pairs() == [[1, 5], [7, 7]]
    assert 4 in compacted  # an old gap is now treated as done
    assert 6 not in compacted  # the newest gap stays open: a late item there is still new
    assert ranges.compacted(10) is ranges
