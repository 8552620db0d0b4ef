"""Fast weighted random choice, shared by the generators."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate


class WeightedPicker:
    """Weighted choice by bisecting cumulative weights (what random.choices does, minus its overhead)."""

    def __init__(self, items, weights=None, cumulative=None):
        self.items = tuple(items)
        self.cumulative = tuple(cumulative) if cumulative else tuple(accumulate(weights))
        self.total = self.cumulative[-1]

    def bound(self, rng: random.Random) -> Callable[[], object]:
        """A function that draws one item from ``rng`` (a closure: cheaper to call than a method)."""
        items, cumulative, total, draw = self.items, self.cumulative, self.total, rng.random

        def pick():
            return items[bisect(cumulative, draw() * total)]
        return pick
