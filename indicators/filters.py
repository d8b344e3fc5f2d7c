"""Filters of a plan's indicators (django-filter)."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from goals.models import Scope
from goals.selectors import plan_goals
from indicators.colour import COLOUR_LABELS, Colour
from indicators.models import Indicator
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
    )

    class Meta:
        model = Indicator
        fields = ["name", "goal", "scope", "latest_colour"]
        form = StyledForm

    def __init__(self, data=None, queryset=None, *, plan: Plan, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["goal"].queryset = plan_goals(plan)
