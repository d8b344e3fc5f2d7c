"""Filters of a plan's indicators (django-filter)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from goals.models import Scope
from goals.selectors import plan_goals
from indicators.colour import COLOUR_LABELS, Colour
from indicators.models import Indicator
from indicators.selectors import kept_plan_indicators
from planning.models import Plan

ALL = _("All")


class IndicatorFilter(filters.FilterSet):
    """Narrow a plan's indicators by goal, scope and the colour of the latest value."""

    name = filters.CharFilter(label=_("Indicator contains"), lookup_expr="icontains")
    goal = filters.ModelChoiceFilter(label=_("Goal"), queryset=None, empty_label=ALL)
    scope = filters.ChoiceFilter(label=_("Scope"), choices=Scope.choices, empty_label=ALL)
    latest_colour = filters.ChoiceFilter(
        label=_("Latest colour"),
        choices=[(colour.value, COLOUR_LABELS[colour]) for colour in Colour],
        empty_label=ALL,
        method="by_colour_in_rows",
    )

    class Meta:
        model = Indicator
        fields = ["name", "goal", "scope", "latest_colour"]
        form = StyledForm

    def __init__(self, data=None, queryset=None, *, plan: Plan, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.plan = plan
        self.filters["goal"].queryset = plan_goals(plan)

    def by_colour_in_rows(self, queryset, name, value):
        """Nothing here: the colour is worked out by the rule, not by the database (`rows`)."""
        return queryset

    def rows(self) -> list[Indicator]:
        """The indicators the filters keep, each with its latest colour (`kept_plan_indicators`),
        of the colour asked for if one is. The name, goal and scope are filtered by the
        database (`qs`, of which only the ids are read), the colour here."""
        wanted = set(self.qs.values_list("pk", flat=True))
        colour = self.form.cleaned_data.get("latest_colour") if self.is_bound else ""
        return [
            row
            for row in kept_plan_indicators(self.plan)
            if row.pk in wanted and (not colour or row.latest_colour == colour)
        ]
