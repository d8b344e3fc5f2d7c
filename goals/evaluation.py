"""In which follow-ups an activity is evaluated, as months (see `Activity.evaluated_months`).

An activity's evaluated-in set is stored as the bits of the last month of each scheme period
it was chosen in (bit 0 is January, bit 11 December). A period of any scheme is "chosen" when
the months it adds to the year contain a set bit, so the set survives a change of scheme
(Tertial 1, ending in April, becomes Quarter 2 after a change to quarters) and reads the same
for every owner of a joint plan, whatever their schemes.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from planning.models import FollowUpPeriod, SchemeRow, scheme_rows
from planning.models.schemes import first_new_months, months_mask

ALL_MONTHS = (1 << 12) - 1
YEAR_END = 1 << 11  # December: the year-end, the last period of every scheme


class Ending(Protocol):
    last_month: int


def month_bit(month: int) -> int:
    """The bit of a month (1–12)."""
    return 1 << (month - 1)


def months(*numbers: int) -> int:
    """The bits of the months given: `months(4, 12)` is evaluated in April's and December's
    periods (a tertial scheme's T1 and year-end)."""
    return sum(month_bit(month) for month in set(numbers))


def rows_mask(rows: Iterable[Ending]) -> int:
    """The value stored for the scheme periods chosen: the bits of their last months."""
    return months(*(row.last_month for row in rows))


def row_masks(rows: Sequence[SchemeRow]) -> list[int]:
    """For each period of a scheme, the months it adds to the year (first new..last) as bits."""
    return [
        months_mask(first, row.last_month)
        for row, first in zip(rows, first_new_months(list(rows)), strict=True)
    ]


def chosen_rows(rows: Sequence[SchemeRow], mask: int) -> list[SchemeRow]:
    """The periods of a scheme an evaluated-in set covers, in the scheme's order."""
    return [row for row, bits in zip(rows, row_masks(rows), strict=True) if bits & mask]


def chosen_mask(rows: Sequence[SchemeRow], mask: int) -> int:
    """`mask` as the scheme can show it: the last months of the periods it covers."""
    return rows_mask(chosen_rows(rows, mask))


def legacy_mask(rows: Sequence[Ending], t1: bool, t2: bool, year_end: bool) -> int:
    """The old flags' meaning on a scheme: T1 is its first period, T2 every period strictly
    between the first and the last, the year-end its last period."""
    chosen = []
    if t1:
        chosen.append(rows[0])
    if t2:
        chosen.extend(rows[1:-1])
    if year_end:
        chosen.append(rows[-1])
    return rows_mask(chosen)


def evaluated_rows(activity, rows: Sequence[SchemeRow] | None = None) -> list[SchemeRow]:
    """The periods of the scheme (by default the one of the activity's plan's organisation)
    the activity is evaluated in."""
    if rows is None:
        rows = scheme_rows(activity.goal.plan.organisation)
    return chosen_rows(rows, activity.evaluated_months)


def evaluated_names(
    activity, rows: Sequence[SchemeRow] | None = None, language: str | None = None
) -> list[str]:
    """The names (in `language`, the active one by default) of the scheme periods the activity
    is evaluated in."""
    return [row.name(language) for row in evaluated_rows(activity, rows)]


def names_by_mask(rows: Sequence[SchemeRow]) -> Callable[[Any], list[str]]:
    """`evaluated_names` of activities on one scheme, worked out once for each evaluated-in set
    (the hundreds of activities of a goal share a few): a function of the activity."""
    found: dict[int, list[str]] = {}

    def names(activity) -> list[str]:
        mask = activity.evaluated_months
        if mask not in found:
            found[mask] = evaluated_names(activity, rows)
        return found[mask]

    return names


def is_evaluated_in(mask: int, period: FollowUpPeriod) -> bool:
    return bool(mask & period.months_mask)
