"""Dates of the synthetic world: its window (2005-2028), its "today" and random days in it.

"Today" is fixed (the ontology's creation day), never the clock, so output does not depend on
when it is generated.

>>> import random
>>> rng = random.Random(1)
>>> d = day_between(rng, TODAY, TODAY)
>>> d == TODAY, FIRST_DAY <= add_days(d, 10**6) <= LAST_DAY
(True, True)
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

TODAY: Final = dt.date(2026, 11, 21)
FIRST_DAY: Final = dt.date(2005, 1, 1)
LAST_DAY: Final = dt.date(2028, 12, 31)
NEXT_YEAR_END: Final = dt.date(2027, 11, 21)
"""The last day of the twelve months after :data:`TODAY` (planned events fall in them)."""


def clamp(day: dt.date, low: dt.date = FIRST_DAY, high: dt.date = LAST_DAY) -> dt.date:
    """``day`` moved into ``[low, high]``."""
    return max(low, min(high, day))


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, kept inside the window."""
    ordinal = day.toordinal() + days
    ordinal = max(FIRST_DAY.toordinal(), min(LAST_DAY.toordinal(), ordinal))
    return dt.date.fromordinal(ordinal)


def day_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A random day in ``[first, last]`` (``first`` when the range is empty)."""
    first, last = clamp(first), clamp(last)
    if last <= first:
        return first
    return dt.date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def year_start(year: int) -> dt.date:
    """1 January of ``year``."""
    return dt.date(year, 1, 1)


def year_end(year: int) -> dt.date:
    """31 December of ``year``."""
    return dt.date(year, 12, 31)
