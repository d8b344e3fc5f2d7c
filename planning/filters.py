"""Filters of the plans list (django-filter)."""

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from planning.models import MAX_YEAR, MIN_YEAR, Organisation, Plan, Unit

ALL = _("All")


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class PlanFilter(filters.FilterSet):
    """Narrow the plans a user may read by organisation, owner unit, type, status and year.

    The organisation and unit choices are those of the plans passed in, so that a filter never
    names anything outside the user's scope.
    """

    name = filters.CharFilter(label=_("Name contains"), lookup_expr="icontains")
    organisation = filters.ModelChoiceFilter(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=ALL
    )
    owner_unit = filters.ModelChoiceFilter(
        label=_("Owner unit"), queryset=Unit.objects.none(), empty_label=ALL
    )
    kind = filters.ChoiceFilter(label=_("Type"), choices=Plan.Kind.choices, empty_label=ALL)
    status = filters.ChoiceFilter(label=_("Status"), choices=Plan.Status.choices, empty_label=ALL)
    year = YearFilter(label=_("Year"), method="filter_year")

    class Meta:
        model = Plan
        fields = ["name", "organisation", "owner_unit", "kind", "status", "year"]
        form = StyledForm

    def __init__(self, data=None, queryset: QuerySet[Plan] | None = None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        self.filters["organisation"].queryset = Organisation.objects.filter(
            pk__in=self.queryset.values("organisation")
        ).order_by("name")
        self.filters["owner_unit"].queryset = (
            Unit.objects.filter(pk__in=self.queryset.values("owner_unit"))
            .select_related("organisation")
            .order_by("name")
        )
        self.filters["year"].extra.update(min_value=MIN_YEAR, max_value=MAX_YEAR)

    def filter_year(self, queryset: QuerySet[Plan], name: str, value) -> QuerySet[Plan]:
        """Plans whose years include the given year."""
        if value is None:
            return queryset
        return queryset.filter(Q(start_year__lte=value) & Q(end_year__gte=value))
