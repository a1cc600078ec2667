"""Seeded random choices: one independent stream per section, and ways to share out counts.

>>> a, b = stream(7, "people"), stream(7, "people")
>>> a.random() == b.random(), stream(7, "people").random() == stream(8, "people").random()
(True, False)
>>> spread(stream(1, "x"), 10, 4)
[2, 4, 2, 2]
>>> sum(spread(stream(1, "x"), 10, 4, cap=3)), max(spread(stream(1, "x"), 10, 4, cap=3)) <= 3
(10, True)
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def stream(seed: int, section: str) -> random.Random:
    """The random stream of one section, so that sections do not disturb each other.

    String seeds are hashed with SHA-512 by :mod:`random`, independently of ``PYTHONHASHSEED``.
    """
    return random.Random(f"r2p-graph synthetic {seed} {section}")


def spread(rng: random.Random, total: int, slots: int, *, cap: int | None = None) -> list[int]:
    """Share ``total`` items out over ``slots`` at random, at most ``cap`` per slot.

    When the caps cannot hold ``total``, every slot is filled to its cap.
    """
    counts = [0] * slots
    open_slots = list(range(slots))
    for _ in range(total):
        if not open_slots:
            break
        position = rng.randrange(len(open_slots))
        slot = open_slots[position]
        counts[slot] += 1
        if cap is not None and counts[slot] >= cap:
            open_slots[position] = open_slots[-1]
            open_slots.pop()
    return counts


def spread_weighted(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Share ``total`` items out over ``len(weights)`` slots in proportion to ``weights``."""
    counts = [0] * len(weights)
    cumulative = list(itertools.accumulate(weights))
    if not cumulative or cumulative[-1] <= 0:
        return counts
    for _ in range(total):
        slot = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        counts[min(slot, len(counts) - 1)] += 1
    return counts


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    """One of ``options`` (value, weight) chosen in proportion to the weights."""
    total = sum(weight for _, weight in options)
    point = rng.random() * total
    for value, weight in options:
        point -= weight
        if point < 0:
            return value
    return options[-1][0]


def sample_up_to(rng: random.Random, population: Sequence[T], low: int, high: int) -> list[T]:
    """Between ``low`` and ``high`` distinct items of ``population`` (fewer if it is smaller)."""
    size = min(len(population), rng.randint(low, high))
    return rng.sample(population, size)
