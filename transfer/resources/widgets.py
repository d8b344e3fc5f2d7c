"""Widgets: one cell of a file <-> one value of a model, as a Nordic user writes it.

`clean` reads a cell (a number with a decimal comma, a month name, "Löpande", a period "T1 2023",
a goal number) and raises ValueError with what is wrong and what is expected; `render` gives the
value to write, native (numbers stay numbers) so that the file writer decides their format.
Widgets that look things up get their resource through `bind`, and read the resource's
`Lookups`: everything a file refers to is loaded once per import, never once per row.
"""

import datetime
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from import_export import resources, widgets

from goals.models import SubGoal
from indicators.targets import period_label
from transfer.resources import periods
from transfer.resources import vocabulary as words

SIGNIFICANT_DIGITS = 15  # what a spreadsheet's binary number holds exactly
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?: \d{3})+(?:[.,]\d+)?")


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """A cell as text: numbers as a spreadsheet shows them, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return f"{value:.{SIGNIFICANT_DIGITS}g}"
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return str(value).strip()


def parse_decimal(value: object) -> Decimal | None:
    """A number as written in a cell: "6,4", "6.4", "3 920", "1 850,5", "−5", "7,8 %", 6.4.

    Empty is None. Raises ValueError for text that is not a number.
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_number_message(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _finite(Decimal(f"{value:.{SIGNIFICANT_DIGITS}g}"), value)
    if isinstance(value, Decimal):
        return _finite(value, value)
    text = str(value).strip().removesuffix("%").strip()
    text = text.translate(str.maketrans("−–\u00a0\u202f\u2009", "--   "))
    if " " in text:
        if not THOUSANDS.fullmatch(text):
            raise ValueError(_number_message(value))
        text = text.replace(" ", "")
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    if text.count(",") > 1:
        raise ValueError(_number_message(value))
    try:
        return _finite(Decimal(text.replace(",", ".")), value)
    except InvalidOperation:
        raise ValueError(_number_message(value)) from None


def _finite(number: Decimal, written: object) -> Decimal:
    if not number.is_finite():
        raise ValueError(_number_message(written))
    return number


def _number_message(value: object) -> str:
    return _(
        "“%(value)s” is not a number. Write a number such as 6,4 (with a decimal comma or "
        "point), or leave the cell empty."
    ) % {"value": cell_text(value)}


def parse_integer(value: object) -> int | None:
    """A whole number: 3, "3", "3,0". Empty is None. Raises ValueError otherwise."""
    if is_empty(value):
        return None
    try:
        number = parse_decimal(value)
    except ValueError:
        number = None
    if number is None or number != number.to_integral_value():
        raise ValueError(
            _("“%(value)s” is not a whole number. Write a whole number such as 3.")
            % {"value": cell_text(value)}
        )
    return int(number)


def plain_number(value: Decimal | int | None) -> Decimal | int | None:
    """A stored number as written in a file: 100 for 100.0000, 6.4 for 6.4000."""
    if value is None or isinstance(value, int):
        return value
    number = value.normalize()
    if number == number.to_integral_value():
        return int(number)
    return number


class BoundWidget(widgets.Widget):
    """A widget that reads its resource (language, lookups); see `PlanResource.__init__`."""

    resource: resources.ModelResource  # a PlanResource

    def bind(self, resource: resources.ModelResource) -> None:
        self.resource = resource

    @property
    def language(self) -> str:
        return self.resource.language


class TextWidget(widgets.Widget):
    """Text as written, without surrounding spaces; numbers become their text."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> str:
        return cell_text(value)

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else str(value)


class NumberWidget(widgets.Widget):
    """A decimal number with a decimal comma or point; empty is no value."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> Decimal | None:
        return parse_decimal(value)

    def render(self, value: object, obj: object = None, **kwargs: Any) -> Decimal | int | str:
        number = plain_number(value)
        return "" if number is None else number


class WholeNumberWidget(widgets.Widget):
    """A whole number (decimals, goal numbers); empty gives `default`."""

    def __init__(self, *, required: bool = False, default: int | None = None):
        super().__init__(coerce_to_string=False)
        self.required = required
        self.default = default

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> int | None:
        number = parse_integer(value)
        if number is None and self.required:
            raise ValueError(_("The cell is empty. Write a whole number such as 3."))
        return self.default if number is None else number

    def render(self, value: object, obj: object = None, **kwargs: Any) -> int | str:
        return "" if value is None else int(value)


class ChoiceWidget(BoundWidget):
    """One of a model's choices, by its label in any of our languages or by its code.

    An empty cell gives `default` (the model's default); without one, the cell is required.
    """

    def __init__(
        self,
        choices: type[models.Choices],
        *,
        default: object = None,
        aliases: dict[str, object] | None = None,
    ):
        super().__init__(coerce_to_string=False)
        self.choices = choices
        self.default = default
        # Other words people write for a choice ("riket" for the whole country).
        self.aliases = {words.normalised(word): value for word, value in (aliases or {}).items()}

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> object:
        if is_empty(value):
            if self.default is None:
                raise ValueError(
                    _("The cell is empty. Write one of: %(choices)s.")
                    % {"choices": words.choice_labels(self.choices, self.language)}
                )
            return self.default
        written = words.normalised(cell_text(value))
        found = words.choice_words(self.choices).get(written, self.aliases.get(written))
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of the choices. Write one of: %(choices)s.")
                % {
                    "value": cell_text(value),
                    "choices": words.choice_labels(self.choices, self.language),
                }
            )
        return found

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        if value in (None, ""):
            return ""
        return words.choice_label(self.choices, value, self.language)


class JSONWidget(widgets.Widget):
    """A small JSON object (the SSB selection), written with sorted keys."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any) -> dict:
        if is_empty(value):
            return {}
        try:
            data = json.loads(cell_text(value))
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise ValueError(
                _(
                    "“%(value)s” is not a selection. Write value codes per variable as JSON, "
                    'e.g. {"KOKkommuneregion0000": "4631"}, or leave the cell empty.'
                )
                % {"value": cell_text(value)}
            )
        return data

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        if not value:
            return ""
        return json.dumps(value, ensure_ascii=False, sort_keys=True)


# --- References to rows of the plan and of its organisation ---------------------------------------


def goal_number_in(row: dict) -> int | None:
    """The row's goal number, or None if missing or unreadable (reported by its own column)."""
    try:
        return parse_integer(row.get("goal_number"))
    except ValueError:
        return None


class GoalWidget(BoundWidget):
    """A goal of the plan by its number."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        number = parse_integer(value)
        if number is None:
            raise ValueError(_("The goal number is missing. Write the number of the row's goal."))
        goal = self.resource.lookups.goals.get(number)
        if goal is None:
            raise ValueError(
                _(
                    "There is no goal number %(number)s in the plan or on the sheet %(sheet)s. "
                    "Write the number of one of the plan's goals: %(numbers)s."
                )
                % {
                    "number": number,
                    "sheet": words.sheet_label(words.GOALS, self.language),
                    "numbers": ", ".join(map(str, sorted(self.resource.lookups.goals))) or "–",
                }
            )
        return goal

    def render(self, value: object, obj: object = None, **kwargs: Any) -> int | str:
        return "" if value is None else value.number


def activity_number_in(row: dict) -> int | None:
    """The row's activity number (its place in its goal), or None if missing or unreadable."""
    try:
        return parse_integer(row.get("activity_number"))
    except ValueError:
        return None


class GoalChildWidget(BoundWidget):
    """An indicator or activity by the row's goal number and its name or title; an activity
    by its number in the goal when the row has one (`activity_number`): activities with the
    same title are then each their own."""

    def __init__(self, kind: str, message: str):
        super().__init__(coerce_to_string=False)
        self.kind = kind
        self.message = message

    def table(self) -> dict:
        return getattr(self.resource.lookups, self.kind)

    def find(self, row: dict):
        """The item the row names, or None."""
        number = goal_number_in(row)
        if self.kind == "activities" and activity_number_in(row) is not None:
            return self.resource.lookups.activities_numbered.get((number, activity_number_in(row)))
        return self.table().get((number, cell_text(row.get(self.resource.item))))

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        name, number = cell_text(value), goal_number_in(row or {})
        if not name:
            raise ValueError(_("The cell is empty. Write the name exactly as on its own sheet."))
        if number is None:
            return None  # the goal number's own column says what is wrong
        ordinal = activity_number_in(row or {}) if self.kind == "activities" else None
        if ordinal is not None:
            found = self.resource.lookups.activities_numbered.get((number, ordinal))
            if found is not None and found.title != name:
                raise ValueError(
                    _(
                        "Activity %(ordinal)s of goal %(number)s is “%(title)s”, not "
                        "“%(name)s”. Write the number and the title as on the sheet %(sheet)s."
                    )
                    % {
                        "ordinal": ordinal,
                        "number": number,
                        "title": found.title,
                        "name": name,
                        "sheet": words.sheet_label(self.kind, self.language),
                    }
                )
        else:
            found = self.table().get((number, name))
        if found is None:
            raise ValueError(
                self.message
                % {
                    "number": number,
                    "name": name,
                    "sheet": words.sheet_label(self.kind, self.language),
                }
            )
        return found

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else str(getattr(value, "name", None) or value.title)


class PeriodWidget(BoundWidget):
    """A follow-up period of the plan's organisation, by its name in the scheme in any of our
    languages or its short code, and the year ("Delårsrapport januari–augusti 2026", "D2 2026");
    or as documents write it: "Helår 2025", "Delår 2 2025", "Årsbokslut 2025", or a bare year
    ("2025", the year-end period) where the row's item is measured once a year or less often
    (`allow_year`). Written as its name in the file's language and its year
    (`transfer.resources.periods`)."""

    def __init__(self, *, allow_year=None, **kwargs):
        super().__init__(**kwargs)
        # A function of the row: whether a bare year may stand for the year's last period.
        self.allow_year = allow_year

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        text = cell_text(value)
        lookups = self.resource.lookups
        named = periods.name_and_year(text)
        if named is not None:
            found = lookups.period_named(*named)
            if found is not None:
                return found
        parts = words.period_parts(text)
        if parts is None and named is None:
            raise ValueError(self._not_a_period(text))
        if (
            words.BARE_YEAR.match(text.strip())
            and self.allow_year is not None
            and not self.allow_year(row or {})
        ):
            raise ValueError(
                _(
                    "“%(value)s” is a year, and the row's indicator is measured more often "
                    "than once a year: write which period, e.g. T1 %(value)s or Helår "
                    "%(value)s."
                )
                % {"value": text.strip()}
            )
        period = lookups.period_of(*parts) if parts is not None else None
        if period is None:
            year = parts[1] if parts is not None else named[1]
            known = lookups.periods_by_year.get(year) or sorted(
                lookups.periods.values(), key=lambda p: (p.year, p.position, p.starts_on)
            )
            raise ValueError(
                _(
                    "%(organisation)s has no follow-up period %(period)s. Write one of its "
                    "periods: %(periods)s."
                )
                % {
                    "organisation": lookups.organisation,
                    "period": text,
                    "periods": periods.period_list(known, self.language) or "–",
                }
            )
        return period

    def _not_a_period(self, text: str) -> str:
        if not text:
            return _("The cell is empty. Write the period's name and year, e.g. %(example)s.") % {
                "example": self._example()
            }
        return _(
            "“%(value)s” is not a period. Write the period's name or short code and the year, "
            "e.g. %(example)s."
        ) % {"value": text, "example": self._example()}

    def _example(self) -> str:
        """An example of a period cell: the organisation's first period (or "T1 2023")."""
        known = sorted(self.resource.lookups.periods.values(), key=lambda p: (p.year, p.position))
        if not known:
            return "T1 2023"
        return f"“{periods.period_cell(known[0], self.language)}”, “{known[0]}”"

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else periods.period_cell(value, self.language)


class UnitWidget(BoundWidget):
    """A unit of the plan's organisation by its name; empty is the whole plan."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        name = cell_text(value)
        if not name:
            return None
        found = self.resource.lookups.units.get(words.normalised(name), [])
        if len(found) == 1:
            return found[0]
        organisation = self.resource.lookups.organisation
        if found:
            raise ValueError(
                _(
                    "%(organisation)s has several units named “%(name)s”. Give the units "
                    "different names first, then import again."
                )
                % {"organisation": organisation, "name": name}
            )
        raise ValueError(
            _(
                "%(organisation)s has no unit “%(name)s”. Write the name of one of its units, "
                "or leave the cell empty."
            )
            % {"organisation": organisation, "name": name}
        )

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else value.name


class UserWidget(BoundWidget):
    """A person with a role in the plan's organisation, by username; empty is nobody."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        username = cell_text(value)
        if not username:
            return None
        user = self.resource.lookups.users.get(username.casefold())
        if user is None:
            raise ValueError(
                _(
                    "No user “%(username)s” has a role in %(organisation)s. Write the username "
                    "of a person with a role in the organisation, or leave the cell empty."
                )
                % {"username": username, "organisation": self.resource.lookups.organisation}
            )
        return user

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else value.get_username()


class PerspectiveWidget(BoundWidget):
    """One of the organisation's perspectives by its name; empty is none."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        name = cell_text(value)
        if not name:
            return None
        found = self.resource.lookups.perspectives.get(words.normalised(name))
        if found is None:
            known = sorted(p.name for p in self.resource.lookups.perspectives.values())
            raise ValueError(
                _(
                    "%(organisation)s has no perspective “%(name)s”. Write one of its "
                    "perspectives (%(names)s), or add it in the organisation's settings first."
                )
                % {
                    "organisation": self.resource.lookups.organisation,
                    "name": name,
                    "names": ", ".join(known) or "–",
                }
            )
        return found

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return "" if value is None else value.name


class SubGoalWidget(BoundWidget):
    """A sub-goal of the row's goal, by its label ("A"), its title or both ("A: title"). One
    the goal does not have yet is added with the row (its sheet "Delmål" may be left out)."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        text = cell_text(value)
        number = goal_number_in(row or {})
        if not text or number is None:
            return None
        found = self.resource.lookups.sub_goal_of(number, text)
        if found is not None:
            return found
        goal = self.resource.lookups.goals.get(number)
        if goal is None:
            return None  # the goal number's own column says what is wrong
        label, _colon, title = text.partition(":")
        if title.strip() and len(label.strip()) <= 20:
            added = SubGoal(goal=goal, label=label.strip(), title=title.strip())
        else:
            added = SubGoal(goal=goal, title=text)
        if len(added.title) > 500:
            raise ValueError(_("A sub-goal may be at most 500 characters."))
        self.resource.lookups.sub_goal_register(added)
        return added

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return value.label or value.title


class BaselineWidget(PeriodWidget):
    """A target's baseline: a year ("2024", its year-end period) or a period ("T1 2024")."""

    def clean(self, value: object, row: dict | None = None, **kwargs: Any):
        if is_empty(value):
            return None
        return super().clean(value, row, **kwargs)

    def render(self, value: object, obj: object = None, **kwargs: Any) -> str:
        return period_label(value)
