"""Widgets for references to rows of the plan and of its organisation (goals, units, users)."""

from typing import Any

from django.utils.translation import gettext as _

from goals.models import SubGoal
from transfer.resources import vocabulary as words
from transfer.resources.widgets.cells import cell_text, parse_integer
from transfer.resources.widgets.values import BoundWidget

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
