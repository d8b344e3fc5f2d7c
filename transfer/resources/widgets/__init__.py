"""Widgets: one cell of a file <-> one value of a model, as a Nordic user writes it.

`clean` reads a cell (a number with a decimal comma, a month name, "Löpande", a period "T1 2023",
a goal number) and raises ValueError with what is wrong and what is expected; `render` gives the
value to write, native (numbers stay numbers) so that the file writer decides their format.
Widgets that look things up get their resource through `bind`, and read the resource's
`Lookups`: everything a file refers to is loaded once per import, never once per row.
"""

from transfer.resources.widgets.cells import (
    SIGNIFICANT_DIGITS,
    THOUSANDS,
    cell_text,
    is_empty,
    parse_decimal,
    parse_integer,
    plain_number,
)
from transfer.resources.widgets.follow_up import BaselineWidget, PeriodWidget
from transfer.resources.widgets.references import (
    GoalChildWidget,
    GoalWidget,
    PerspectiveWidget,
    SubGoalWidget,
    UnitWidget,
    UserWidget,
    activity_number_in,
    goal_number_in,
)
from transfer.resources.widgets.values import (
    BoundWidget,
    ChoiceWidget,
    JSONWidget,
    NumberWidget,
    TextWidget,
    WholeNumberWidget,
)

__all__ = [
    "SIGNIFICANT_DIGITS",
    "THOUSANDS",
    "BaselineWidget",
    "BoundWidget",
    "ChoiceWidget",
    "GoalChildWidget",
    "GoalWidget",
    "JSONWidget",
    "NumberWidget",
    "PeriodWidget",
    "PerspectiveWidget",
    "SubGoalWidget",
    "TextWidget",
    "UnitWidget",
    "UserWidget",
    "WholeNumberWidget",
    "activity_number_in",
    "cell_text",
    "goal_number_in",
    "is_empty",
    "parse_decimal",
    "parse_integer",
    "plain_number",
]
