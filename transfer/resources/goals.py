"""Resources for a plan's goals, activities and activity statuses."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.fields import Field

from goals.models import Activity, ActivityStatus, Goal, Month, Scope
from transfer.resources import vocabulary as words
from transfer.resources.base import PlanResource, RowNote
from transfer.resources.records import PeriodRecordResource
from transfer.resources.widgets import (
    ChoiceWidget,
    GoalChildWidget,
    GoalWidget,
    TextWidget,
    UnitWidget,
    UserWidget,
    WholeNumberWidget,
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
    title = Field(attribute="title", column_name="goal_title", widget=TextWidget())
    description = Field(attribute="description", column_name="description", widget=TextWidget())
    scope = Field(
        attribute="scope",
        column_name="scope",
        widget=ChoiceWidget(Scope, default=Scope.OPERATION_SPECIFIC),
    )

    class Meta(PlanResource.Meta):
        model = Goal
        fields = export_order = import_order = ("number", "title", "description", "scope")

    def get_queryset(self) -> QuerySet[Goal]:
        return Goal.objects.filter(plan=self.plan).order_by("number")

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


# --- Activities -----------------------------------------------------------------------------------


def timing_text(activity: Activity, language: str) -> str:
    """The month it is done, or "Löpande" (ongoing), in the file's language."""
    if activity.ongoing:
        return words.ongoing_label(language)
    if activity.due_month is None:
        return ""
    return words.choice_label(Month, activity.due_month, language)


def evaluated_text(activity: Activity, language: str) -> str:
    """Where the activity is evaluated: "Tertialrapport/Årsbokslut", "T1", "Årsbokslut"..."""
    parts = []
    if activity.evaluated_t1 and activity.evaluated_t2:
        parts.append(words.INTERIM(language))
    elif activity.evaluated_t1:
        parts.append("T1")
    elif activity.evaluated_t2:
        parts.append("T2")
    if activity.evaluated_year_end:
        parts.append(words.YEAR_END(language))
    return "/".join(parts)


def read_timing(value: object, language: str) -> tuple[bool, int | None]:
    """(ongoing, month) from "Löpande", "Oktober", "juni", "okt" or 10."""
    text = words.normalised(cell_text(value))
    if not text:
        return False, None
    if text in words.ongoing_words():
        return True, None
    month = words.month_words().get(text.rstrip("."))
    if month is None:
        raise ValueError(
            _(
                "“%(value)s” is not a month. Write the month the activity is done (e.g. "
                "%(example)s) or %(ongoing)s."
            )
            % {
                "value": cell_text(value),
                "example": words.choice_label(Month, Month.OCTOBER, language),
                "ongoing": words.ongoing_label(language),
            }
        )
    return False, month


def read_evaluated(value: object, language: str) -> tuple[bool, bool, bool]:
    """(T1, T2, year-end) from "Tertialrapport/Årsbokslut", "Årsbokslut", "T1"..."""
    t1 = t2 = year_end = False
    text = cell_text(value)
    for part in filter(None, words.EVALUATED_SEPARATORS.split(text)):
        token = words.normalised(part)
        if token in words.INTERIM.accepted():
            t1 = t2 = True
        elif token == "t1":
            t1 = True
        elif token == "t2":
            t2 = True
        elif token in words.YEAR_END.accepted():
            year_end = True
        else:
            raise ValueError(
                _(
                    "“%(value)s” is not a follow-up. Write %(interim)s, %(year_end)s or both as "
                    "%(interim)s/%(year_end)s (or T1, T2)."
                )
                % {
                    "value": part,
                    "interim": words.INTERIM(language),
                    "year_end": words.YEAR_END(language),
                }
            )
    return t1, t2, year_end


class ActivityResource(PlanResource):
    """Sheet "Aktiviteter": matched by goal number and title."""

    structure = True
    kind = words.ACTIVITIES
    key_columns = ("goal_number", "activity")
    required_columns = ("goal_number", "activity")
    field_columns = {
        "ongoing": "when",
        "due_month": "when",
        "evaluated_t1": "evaluated",
        "evaluated_t2": "evaluated",
        "evaluated_year_end": "evaluated",
        "goal": "goal_number",
    }

    goal = Field(attribute="goal", column_name="goal_number", widget=GoalWidget())
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

    class Meta(PlanResource.Meta):
        model = Activity
        fields = export_order = import_order = (
            "goal",
            "title",
            "responsible_role",
            "when",
            "evaluated",
            "unit",
            "responsible_user",
        )

    def get_queryset(self) -> QuerySet[Activity]:
        return (
            Activity.objects.filter(goal__plan=self.plan)
            .select_related("goal", "unit", "responsible_user")
            .order_by("goal__number", "position", "pk")
        )

    def dehydrate_when(self, activity: Activity) -> str:
        return timing_text(activity, self.language)

    def dehydrate_evaluated(self, activity: Activity) -> str:
        return evaluated_text(activity, self.language)

    def find_instance(self, row: dict) -> Activity | None:
        return self.lookups.activities.get((goal_number_in(row), cell_text(row.get("activity"))))

    def natural_key(self, instance: Activity) -> tuple:
        return (instance.goal.number, instance.title)

    def import_columns(self, instance: Activity, row: dict, note: RowNote) -> None:
        errors = {}
        if "when" in row:
            try:
                instance.ongoing, instance.due_month = read_timing(row["when"], self.language)
            except ValueError as error:
                errors["when"] = [str(error)]
        if "evaluated" in row:
            try:
                flags = read_evaluated(row["evaluated"], self.language)
            except ValueError as error:
                errors["evaluated"] = [str(error)]
            else:
                instance.evaluated_t1, instance.evaluated_t2, instance.evaluated_year_end = flags
        if errors:
            raise ValidationError(errors)

    def before_save(self, instance: Activity, is_create: bool) -> None:
        if is_create:
            instance.position = self.lookups.next_position("activities", instance.goal)

    def register(self, instance: Activity) -> None:
        self.lookups.activities[instance.goal.number, instance.title] = instance


# --- Activity statuses ----------------------------------------------------------------------------


class ActivityStatusResource(PeriodRecordResource):
    """Sheet "Aktivitetsstatus": matched by activity (goal number, title) and period."""

    kind = words.ACTIVITY_STATUSES
    item = "activity"
    stamp_fields = ("reported_by", "reported_at")
    key_columns = ("goal_number", "activity", "period")
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
    status = Field(
        attribute="status", column_name="status", widget=ChoiceWidget(ActivityStatus.Status)
    )
    comment = Field(attribute="comment", column_name="comment", widget=TextWidget())

    class Meta(PlanResource.Meta):
        model = ActivityStatus
        fields = export_order = import_order = (
            "goal_number",
            "activity",
            "period",
            "status",
            "comment",
        )

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
