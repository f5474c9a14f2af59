"""A compact set of integer ids: sorted, disjoint, inclusive ranges.

Trigger state remembers every id it emitted. Clientary ids mostly come in runs,
so ``[[1, 5000]]`` stands for five thousand of them; a gap is an id never
emitted (not there yet, deleted, or missed while pages shifted) and stays
open until the item shows up.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence


class IdRanges:
    def __init__(self, ranges: Iterable[Sequence[int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted((int(pair[0]), int(pair[1])) for pair in ranges):
            self._append(start, end)

    def _append(self, start: int, end: int) -> None:
        if self._ends and start <= self._ends[-1] + 1:
            self._ends[-1] = max(self._ends[-1], end)
        else:
            self._starts.append(start)
            self._ends.append(end)

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int):
            return False
        index = bisect_right(self._starts, value) - 1
        return index >= 0 and value <= self._ends[index]

    def pairs(self) -> list[list[int]]:
        return [[start, end] for start, end in zip(self._starts, self._ends, strict=True)]

    def with_ids(self, ids: Iterable[int]) -> IdRanges:
        """A new set holding these ids as well."""
        return IdRanges([*self.pairs(), *([value, value] for value in ids)])

    def compacted(self, max_ranges: int) -> IdRanges:
        """At most ``max_ranges`` ranges: the oldest gaps are closed first (treated as done)."""
        pairs = self.pairs()
        if len(pairs) <= max_ranges:
            return self
        excess = len(pairs) - max_ranges
        merged = [[pairs[0][0], pairs[excess][1]], *pairs[excess + 1 :]]
        return IdRanges(merged)
