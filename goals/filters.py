"""Filters of a plan's activities (django-filter)."""

import django_filters as filters
from django import forms
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from goals.evaluation import row_masks
from goals.models import Activity, ActivityStatus
from goals.selectors import NO_REPORT, plan_goals, plan_units
from planning.models import Plan, scheme_rows

ALL = _("All")


class ActivityFilter(filters.FilterSet):
    """Narrow a plan's activities by goal, unit, follow-up and latest reported status."""

    title = filters.CharFilter(label=_("Activity contains"), lookup_expr="icontains")
    goal = filters.ModelChoiceFilter(label=_("Goal"), queryset=None, empty_label=ALL)
    unit = filters.ModelChoiceFilter(label=_("Unit"), queryset=None, empty_label=ALL)
    evaluated_in = filters.ChoiceFilter(
        label=_("Evaluated in"), choices=(), method="filter_evaluated", empty_label=ALL
    )
    latest_status = filters.ChoiceFilter(
        label=_("Latest status"),
        choices=[*ActivityStatus.Status.choices, (NO_REPORT, _("Not reported"))],
        empty_label=ALL,
    )

    overdue = filters.BooleanFilter(
        label=_("Overdue only"),
        method="filter_overdue",
        widget=forms.CheckboxInput,
        help_text=_("The deadline has passed and the latest status is not done."),
    )

    class Meta:
        model = Activity
        fields = ["title", "goal", "unit", "evaluated_in", "latest_status", "overdue"]
        form = StyledForm

    def __init__(self, data=None, queryset=None, *, plan: Plan, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["goal"].queryset = plan_goals(plan)
        self.filters["unit"].queryset = plan_units(plan)
        # The periods of the scheme of the plan's organisation, by code.
        rows = scheme_rows(plan.organisation)
        self.evaluated_masks = dict(zip((row.code for row in rows), row_masks(rows), strict=True))
        self.filters["evaluated_in"].extra["choices"] = [(row.code, row.name()) for row in rows]

    def filter_overdue(self, queryset: QuerySet[Activity], name: str, value: bool):
        return queryset.filter(overdue=True) if value else queryset

    def filter_evaluated(self, queryset: QuerySet[Activity], name: str, value: str):
        if value not in self.evaluated_masks:
            return queryset
        return queryset.alias(
            evaluated_hit=F("evaluated_months").bitand(self.evaluated_masks[value])
        ).filter(evaluated_hit__gt=0)
