"""Resources for a plan's goals, sub-goals, activities and activity statuses."""

import datetime
from collections import defaultdict
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from core.versioning import save_validated
from goals.deadlines import Precision, deadline_code, parse_deadline
from goals.evaluation import chosen_rows
from goals.models import Activity, ActivityStatus, Goal, Scope, SubGoal
from planning.models import SchemeRow, scheme_rows
from transfer.resources import vocabulary as words
from transfer.resources.base import PlanResource, RowNote
from transfer.resources.evaluated import evaluated_text, read_evaluated
from transfer.resources.records import PeriodRecordResource
from transfer.resources.widgets import (
    ChoiceWidget,
    GoalChildWidget,
    GoalWidget,
    PerspectiveWidget,
    SubGoalWidget,
    TextWidget,
    UnitWidget,
    UserWidget,
    WholeNumberWidget,
    activity_number_in,
    cell_text,
    goal_number_in,
    parse_integer,
)


class GoalResource(PlanResource):
    """Sheet "Mål": one row per goal, matched by its number."""

    structure = True
    kind = words.GOALS
    key_columns = ("number",)
    required_columns = ("number", "goal_title")

    number = Field(
        attribute="number", column_name="number", widget=WholeNumberWidget(required=True)
    )
    label = Field(attribute="label", column_name="label", widget=TextWidget())
    title = Field(attribute="title", column_name="goal_title", widget=TextWidget())
    description = Field(attribute="description", column_name="description", widget=TextWidget())
    scope = Field(
        attribute="scope",
        column_name="scope",
        widget=ChoiceWidget(Scope, default=Scope.OPERATION_SPECIFIC),
    )
    perspective = Field(
        attribute="perspective", column_name="perspective", widget=PerspectiveWidget()
    )

    class Meta(PlanResource.Meta):
        model = Goal
        fields = export_order = import_order = (
            "number",
            "label",
            "title",
            "description",
            "scope",
            "perspective",
        )

    def get_queryset(self) -> QuerySet[Goal]:
        return Goal.objects.filter(plan=self.plan).select_related("perspective").order_by("number")

    def find_instance(self, row: dict) -> Goal | None:
        try:
            return self.lookups.goals.get(parse_integer(row.get("number")))
        except ValueError:
            return None

    def natural_key(self, instance: Goal) -> tuple:
        return (instance.number,)

    def init_instance(self, row: dict | None = None) -> Goal:
        return Goal(plan=self.plan)

    def register(self, instance: Goal) -> None:
        self.lookups.goals[instance.number] = instance


# --- Sub-goals ------------------------------------------------------------------------------------


class SubGoalResource(PlanResource):
    """Sheet "Delmål": a goal's sub-goals, matched by goal number and label (or title, for a
    sub-goal without a label). Indicators and activities name their sub-goal by its label or
    title; a sub-goal they name that is on no sheet is added with them."""

    structure = True
    kind = words.SUB_GOALS
    key_columns = ("goal_number", "subgoal_label", "subgoal")
    required_columns = ("goal_number", "subgoal")
    field_columns = {"goal": "goal_number", "label": "subgoal_label", "title": "subgoal"}

    goal = Field(attribute="goal", column_name="goal_number", widget=GoalWidget())
    label = Field(attribute="label", column_name="subgoal_label", widget=TextWidget())
    title = Field(attribute="title", column_name="subgoal", widget=TextWidget())

    class Meta(PlanResource.Meta):
        model = SubGoal
        fields = export_order = import_order = ("goal", "label", "title")

    def get_queryset(self) -> QuerySet[SubGoal]:
        return (
            SubGoal.objects.filter(goal__plan=self.plan)
            .select_related("goal")
            .order_by("goal__number", "position", "pk")
        )

    def find_instance(self, row: dict) -> SubGoal | None:
        number = goal_number_in(row)
        label, title = cell_text(row.get("subgoal_label")), cell_text(row.get("subgoal"))
        table = self.lookups.sub_goals
        if label:
            return table.get((number, "label", words.normalised(label)))
        return table.get((number, "title", words.normalised(title)))

    def natural_key(self, instance: SubGoal) -> tuple:
        if instance.label:
            return (instance.goal.number, "label", words.normalised(instance.label))
        return (instance.goal.number, "title", words.normalised(instance.title))

    def init_instance(self, row: dict | None = None) -> SubGoal:
        return SubGoal()

    def before_save(self, instance: SubGoal, is_create: bool) -> None:
        if is_create:
            instance.position = self.lookups.next_position("sub_goal_list", instance.goal)

    def register(self, instance: SubGoal) -> None:
        self.lookups.sub_goal_register(instance)


def save_new_sub_goal(resource: PlanResource, instance) -> None:
    """Save the sub-goal a row named that its goal did not have yet (see `SubGoalWidget`)."""
    sub_goal = instance.sub_goal
    if sub_goal is not None and sub_goal.pk is None:
        sub_goal.position = resource.lookups.next_position("sub_goal_list", sub_goal.goal)
        save_validated(sub_goal, actor=resource.actor)
        instance.sub_goal = sub_goal


# --- Activities -----------------------------------------------------------------------------------


def timing_text(activity: Activity, language: str) -> str:
    """The deadline as ISO, "2026-05" for a month and "2026-05-15" for a day (the same in every
    language, and read back as it is), or "Löpande" (ongoing) in the file's language."""
    if activity.ongoing:
        return words.ongoing_label(language)
    return deadline_code(activity.due_on, activity.due_precision)


def read_timing(value: object, language: str, first_year: int) -> tuple[bool, object, str]:
    """(ongoing, due_on, precision) from "Löpande", "2026-05-31", "2026-05", "15 maj 2026",
    "maj 2026", "mai 2026", "May 2026", or the old form, a month alone ("Oktober", "okt", 10:
    that month in the plan's first year)."""
    if not isinstance(value, datetime.date | int | float):
        text = words.normalised(cell_text(value))
        if not text:
            return False, None, Precision.MONTH
        if text in words.ongoing_words():
            return True, None, Precision.MONTH
    try:
        due_on, precision = parse_deadline(value, first_year)
    except ValueError:
        raise ValueError(
            _(
                "“%(value)s” is not a deadline. Write a month (e.g. %(month)s), a day (e.g. "
                "%(day)s) or %(ongoing)s."
            )
            % {
                "value": cell_text(value),
                "month": f"{first_year}-05",
                "day": f"{first_year}-05-15",
                "ongoing": words.ongoing_label(language),
            }
        ) from None
    return False, due_on, precision


def activity_numbers(plan) -> dict[int, int]:
    """Each activity's number in its goal (1, 2...: its place), by its pk. One query."""
    numbers, counts = {}, defaultdict(int)
    rows = Activity.objects.filter(goal__plan=plan).order_by("goal_id", "position", "pk")
    for pk, goal_id in rows.values_list("pk", "goal_id"):
        counts[goal_id] += 1
        numbers[pk] = counts[goal_id]
    return numbers


class ActivityResource(PlanResource):
    """Sheet "Aktiviteter": matched by goal number and the activity's number in its goal (its
    place, the stable key: activities with the same title survive as each their own), or by
    goal number and title in a file without the number."""

    structure = True
    kind = words.ACTIVITIES
    key_columns = ("goal_number", "activity_number", "activity")
    required_columns = ("goal_number", "activity")
    field_columns = {
        "ongoing": "when",
        "due_on": "when",
        "due_precision": "when",
        "evaluated_months": "evaluated",
        "goal": "goal_number",
        "sub_goal": "subgoal",
        "position": "activity_number",
    }

    goal = Field(attribute="goal", column_name="goal_number", widget=GoalWidget())
    number = Field(column_name="activity_number", dehydrate_method="dehydrate_number")
    sub_goal = Field(attribute="sub_goal", column_name="subgoal", widget=SubGoalWidget())
    title = Field(attribute="title", column_name="activity", widget=TextWidget())
    responsible_role = Field(
        attribute="responsible_role", column_name="responsible_role", widget=TextWidget()
    )
    when = Field(column_name="when", dehydrate_method="dehydrate_when")
    evaluated = Field(column_name="evaluated", dehydrate_method="dehydrate_evaluated")
    unit = Field(attribute="unit", column_name="unit", widget=UnitWidget())
    responsible_user = Field(
        attribute="responsible_user", column_name="responsible_user", widget=UserWidget()
    )
    reporting_role = Field(
        attribute="reporting_role", column_name="reporting_role", widget=TextWidget()
    )
    reporting_unit = Field(
        attribute="reporting_unit", column_name="reporting_unit", widget=UnitWidget()
    )
    reporting_user = Field(
        attribute="reporting_user", column_name="reporting_user", widget=UserWidget()
    )

    class Meta(PlanResource.Meta):
        model = Activity
        fields = export_order = import_order = (
            "goal",
            "number",
            "sub_goal",
            "title",
            "responsible_role",
            "when",
            "evaluated",
            "unit",
            "responsible_user",
            "reporting_role",
            "reporting_unit",
            "reporting_user",
        )

    def get_queryset(self) -> QuerySet[Activity]:
        return (
            Activity.objects.filter(goal__plan=self.plan)
            .select_related(
                "goal", "sub_goal", "unit", "responsible_user", "reporting_unit", "reporting_user"
            )
            .order_by("goal__number", "position", "pk")
        )

    @cached_property
    def numbers(self) -> dict[int, int]:
        return activity_numbers(self.plan)

    def dehydrate_number(self, activity: Activity) -> int:
        return self.numbers[activity.pk]

    def dehydrate_when(self, activity: Activity) -> str:
        return timing_text(activity, self.language)

    @cached_property
    def scheme(self) -> list[SchemeRow]:
        return scheme_rows(self.plan.organisation)

    def dehydrate_evaluated(self, activity: Activity) -> str:
        return evaluated_text(activity, self.scheme, self.language)

    def find_instance(self, row: dict) -> Activity | None:
        number = activity_number_in(row)
        if number is not None:
            return self.lookups.activities_numbered.get((goal_number_in(row), number))
        return self.lookups.activities.get((goal_number_in(row), cell_text(row.get("activity"))))

    def natural_key(self, instance: Activity) -> tuple:
        number = getattr(instance, "_file_number", None)
        if number is not None:
            return (instance.goal.number, number)
        return (instance.goal.number, instance.title)

    def import_instance(self, instance: Activity, row: dict, **kwargs) -> None:
        instance._file_number = activity_number_in(row)
        super().import_instance(instance, row, **kwargs)

    def import_columns(self, instance: Activity, row: dict, note: RowNote) -> None:
        errors = {}
        if "when" in row:
            try:
                instance.ongoing, instance.due_on, instance.due_precision = read_timing(
                    row["when"], self.language, self.plan.start_year
                )
            except ValueError as error:
                errors["when"] = [str(error)]
        if "evaluated" in row:
            try:
                evaluated = read_evaluated(row["evaluated"], self.scheme, self.language)
            except ValueError as error:
                errors["evaluated"] = [str(error)]
            else:
                # The same periods as stored keep the stored months (see `goals.evaluation`).
                stored = instance.evaluated_months
                same = chosen_rows(self.scheme, stored) == chosen_rows(self.scheme, evaluated)
                instance.evaluated_months = stored if instance.pk and same else evaluated
        if errors:
            raise ValidationError(errors)

    def before_save(self, instance: Activity, is_create: bool) -> None:
        if is_create:
            instance.position = self.lookups.next_position("activities_numbered", instance.goal)
        save_new_sub_goal(self, instance)

    def register(self, instance: Activity) -> None:
        self.lookups.activities.setdefault((instance.goal.number, instance.title), instance)
        number = getattr(instance, "_file_number", None)
        if number is None:
            number = 1 + max(
                (
                    n
                    for (goal, n) in self.lookups.activities_numbered
                    if goal == instance.goal.number
                ),
                default=0,
            )
        self.lookups.activities_numbered.setdefault((instance.goal.number, number), instance)


# --- Activity statuses ----------------------------------------------------------------------------


class ActivityStatusResource(PeriodRecordResource):
    """Sheet "Aktivitetsstatus": matched by activity (goal number, title) and period."""

    kind = words.ACTIVITY_STATUSES
    item = "activity"
    stamp_fields = ("reported_by", "reported_at")
    key_columns = ("goal_number", "activity_number", "activity", "period")
    required_columns = ("goal_number", "activity", "period", "status")
    untracked_fields = frozenset({"id", "version", "reported_by", "reported_at"})
    found_by_lookups = frozenset({"activity", "period", "reported_by"})

    activity = Field(
        attribute="activity",
        column_name="activity",
        widget=GoalChildWidget(
            "activities",
            gettext_lazy(
                "Goal %(number)s has no activity “%(name)s”. Write the activity's title exactly "
                "as on the sheet %(sheet)s."
            ),
        ),
    )
    number = Field(column_name="activity_number", dehydrate_method="dehydrate_number")
    status = Field(
        attribute="status", column_name="status", widget=ChoiceWidget(ActivityStatus.Status)
    )
    comment = Field(attribute="comment", column_name="comment", widget=TextWidget())

    class Meta(PlanResource.Meta):
        model = ActivityStatus
        fields = export_order = import_order = (
            "goal_number",
            "number",
            "activity",
            "period",
            "status",
            "comment",
        )

    @cached_property
    def numbers(self) -> dict[int, int]:
        return activity_numbers(self.plan)

    def dehydrate_number(self, status: ActivityStatus) -> int:
        return self.numbers[status.activity_id]

    def get_queryset(self) -> QuerySet[ActivityStatus]:
        return (
            ActivityStatus.objects.filter(activity__goal__plan=self.plan)
            .select_related("activity__goal", "period")
            .order_by(
                "activity__goal__number",
                "activity__position",
                "activity__pk",
                "period__starts_on",
                "period__pk",
            )
        )

    def find_instance(self, row: dict) -> ActivityStatus | None:
        activity, key = self.item_of(row), self.cleaned(row, "period")
        if activity is None or key is None:
            return None
        (period,) = key
        return self.lookups.statuses.get((activity.pk, period.pk))

    def natural_key(self, instance: ActivityStatus) -> tuple:
        return (instance.activity.pk, instance.period.pk)

    def register(self, instance: ActivityStatus) -> None:
        self.lookups.statuses[instance.activity_id, instance.period_id] = instance

    def unregister(self, instance: ActivityStatus) -> None:
        key = (instance.activity_id, instance.period_id)
        if self.lookups.statuses.get(key) is instance:
            del self.lookups.statuses[key]
