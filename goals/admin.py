"""Admin for goals, activities and activity statuses; adds a plan's goals to the plan admin.

Indicators are a higher app: `indicators.admin` adds them to the goal admin.
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from goals.evaluation import evaluated_names
from goals.forms import DeadlineFieldsMixin, EvaluatedInField, deadline_fields
from goals.models import Activity, ActivityStatus, Goal, GoalFollowUp, SubGoal
from planning.admin import PlanAdmin, share_choices, years_of
from planning.models import FollowUpPeriod, Plan, preset_rows, scheme_rows

COMPACT_TEXT = forms.Textarea(attrs={"rows": 2, "cols": 40})


def evaluated_field(organisation=None) -> EvaluatedInField:
    """ "Evaluated in" by the organisation's scheme, or by month when it is not yet known (a
    new activity): the month a period ends is what is stored."""
    rows = scheme_rows(organisation) if organisation is not None else preset_rows("monthly")
    return EvaluatedInField(rows=rows)


def stamp_report(status: ActivityStatus, request: HttpRequest) -> None:
    """Who reported a status and when: set on every save, never typed in."""
    status.reported_by = request.user
    status.reported_at = timezone.now()


class GoalInline(admin.TabularInline):
    model = Goal
    fk_name = "plan"
    fields = ["number", "title", "scope"]
    ordering = ["number"]
    extra = 0
    show_change_link = True


# Plan is registered by planning.admin, which cannot import goals: replace it with a subclass.
admin.site.unregister(Plan)


@admin.register(Plan)
class PlanWithGoalsAdmin(PlanAdmin):
    inlines = [*PlanAdmin.inlines, GoalInline]


class SubGoalInline(admin.TabularInline):
    model = SubGoal
    fields = ["position", "label", "title"]
    ordering = ["position", "id"]
    extra = 0


class ActivityAdminForm(DeadlineFieldsMixin, forms.ModelForm):
    """An activity in the admin: its deadline as a month and an optional day."""

    due_on, due_day = deadline_fields()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.deadline_initial()

    def clean(self):
        cleaned = super().clean()
        goal = cleaned.get("goal") or (self.instance.goal if self.instance.goal_id else None)
        self.clean_deadline(goal.plan.start_year if goal is not None else None)
        return cleaned


class ActivityInline(admin.TabularInline):
    model = Activity
    form = ActivityAdminForm
    fields = [
        "position",
        "title",
        "responsible_role",
        "due_on",
        "due_day",
        "ongoing",
        "evaluated_months",
    ]
    ordering = ["position", "id"]
    formfield_overrides = {models.TextField: {"widget": COMPACT_TEXT}}
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        organisation = obj.plan.organisation if obj is not None else None
        formset.form.base_fields["evaluated_months"] = evaluated_field(organisation)
        return formset


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "organisation", "scope", "contributes_to"]
    list_select_related = ["plan__organisation", "contributes_to"]
    list_filter = ["scope", "plan__organisation", "plan"]
    search_fields = ["title", "description", "plan__name"]
    ordering = ["-plan__start_year", "plan__name", "number"]
    autocomplete_fields = ["plan", "contributes_to"]
    raw_id_fields = ["perspective"]
    history_list_display = ["number", "title"]
    fieldsets = [
        (None, {"fields": ["plan", ("number", "label", "scope"), "title", "description"]}),
        (_("Perspective"), {"fields": ["perspective"]}),
        (
            _("Governance chain"),
            {
                "fields": ["contributes_to"],
                "description": _("The goal of the parent plan that this goal contributes to."),
            },
        ),
    ]
    inlines = [SubGoalInline, ActivityInline]

    @admin.display(description=_("organisation"), ordering="plan__organisation__name")
    def organisation(self, goal: Goal) -> str:
        return str(goal.plan.organisation)


class ActivityStatusInline(admin.TabularInline):
    model = ActivityStatus
    fields = ["period", "status", "comment", "reported_by", "reported_at"]
    readonly_fields = ["reported_by", "reported_at"]
    ordering = ["period__starts_on"]
    formfield_overrides = {models.TextField: {"widget": COMPACT_TEXT}}
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity", "period", "reported_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        periods = FollowUpPeriod.objects.all()
        if obj is not None:
            periods = periods.filter(**years_of(obj.goal.plan))
        share_choices(formset, "period", periods)
        return formset


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    form = ActivityAdminForm
    list_display = [
        "__str__",
        "goal",
        "plan",
        "responsible_role",
        "unit",
        "timing",
        "evaluated",
    ]
    list_select_related = ["goal__plan__organisation", "unit"]
    list_filter = [
        "goal__plan",
        "ongoing",
        "due_precision",
    ]
    search_fields = ["title", "responsible_role", "goal__title", "goal__plan__name"]
    ordering = ["goal__plan__name", "goal__number", "position", "id"]
    autocomplete_fields = ["goal", "unit", "responsible_user", "reporting_unit", "reporting_user"]
    raw_id_fields = ["sub_goal"]
    history_list_display = ["title"]
    fieldsets = [
        (None, {"fields": ["goal", "sub_goal", "position", "title"]}),
        (_("Responsible"), {"fields": ["responsible_role", "unit", "responsible_user"]}),
        (_("Reports"), {"fields": ["reporting_role", "reporting_unit", "reporting_user"]}),
        (_("When"), {"fields": [("due_on", "due_day", "ongoing")]}),
        (_("Evaluated in"), {"fields": ["evaluated_months"]}),
    ]
    inlines = [ActivityStatusInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        organisation = obj.goal.plan.organisation if obj is not None else None
        form.base_fields["evaluated_months"] = evaluated_field(organisation)
        return form

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("goal__plan__organisation__scheme_periods")
        )

    @admin.display(description=_("Evaluated in"))
    def evaluated(self, activity: Activity) -> str:
        return ", ".join(evaluated_names(activity))

    @admin.display(description=_("plan"), ordering="goal__plan__name")
    def plan(self, activity: Activity) -> str:
        return str(activity.goal.plan)

    @admin.display(description=_("when"), ordering="due_on")
    def timing(self, activity: Activity) -> str:
        return activity.timing_label

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActivityStatus:
            return super().save_formset(request, form, formset, change)
        for status in formset.save(commit=False):
            stamp_report(status, request)
            status.save()
        for status in formset.deleted_objects:
            status.delete()
        formset.save_m2m()
        return None


@admin.register(ActivityStatus)
class ActivityStatusAdmin(SimpleHistoryAdmin):
    list_display = ["activity", "period", "status", "plan", "reported_by", "reported_at"]
    list_select_related = ["activity__goal__plan", "period", "reported_by"]
    list_filter = ["status", "period", "activity__goal__plan"]
    search_fields = ["activity__title", "comment", "activity__goal__title"]
    ordering = ["-reported_at"]
    date_hierarchy = "reported_at"
    autocomplete_fields = ["activity", "period"]
    readonly_fields = ["reported_by", "reported_at"]
    history_list_display = ["status"]
    fieldsets = [
        (None, {"fields": ["activity", "period", "status", "comment"]}),
        (_("Reported"), {"fields": [("reported_by", "reported_at")]}),
    ]

    @admin.display(description=_("plan"), ordering="activity__goal__plan__name")
    def plan(self, status: ActivityStatus) -> str:
        return str(status.activity.goal.plan)

    def save_model(self, request, obj, form, change):
        stamp_report(obj, request)
        super().save_model(request, obj, form, change)


@admin.register(GoalFollowUp)
class GoalFollowUpAdmin(SimpleHistoryAdmin):
    list_display = ["goal", "period", "assessment", "written_by", "updated_at"]
    list_select_related = ["goal", "period", "written_by"]
    list_filter = ["assessment", "period__year", "period__kind", "goal__plan"]
    search_fields = ["goal__title", "analysis"]
    ordering = ["-updated_at"]
    autocomplete_fields = ["goal"]
    fields = ["goal", "period", "assessment", "analysis", "written_by", "updated_at"]
    readonly_fields = ["written_by", "updated_at"]

    def save_model(self, request, obj, form, change):
        obj.written_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
