"""Reading a long document a goal at a time: the goals before and after the one shown."""

from collections.abc import Sequence
from typing import Any


def beside[T](items: Sequence[T], current: T | None, step: int) -> T | None:
    """The item `step` places from `current` in `items` (-1: the one before, 1: after); None
    at either end, or without a current item."""
    if current is None:
        return None
    index = items.index(current) + step
    return items[index] if 0 <= index < len(items) else None


class GoalSteps:
    """The goals before and after the one shown (`previous`, `next`) of a document read a goal
    at a time: for a class with its `goals` and the `current` one (None: all shown)."""

    goals: Sequence[Any]
    current: Any

    @property
    def previous(self) -> Any:
        return beside(self.goals, self.current, -1)

    @property
    def next(self) -> Any:
        return beside(self.goals, self.current, 1)
