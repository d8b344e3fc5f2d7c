"""Tables of plans (django-tables2), rendered with `templates/includes/table.html`."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from planning.models import Plan

TABLE_TEMPLATE = "includes/table.html"
TABLE_ATTRS = {"class": "ds-table", "data-border": "true", "data-size": "sm"}
PER_PAGE = 25


class PlanTable(tables.Table):
    caption = _("Plans")
    name = tables.Column(
        verbose_name=_("Plan"), linkify=("planning:plan_detail", {"pk": tables.A("pk")})
    )
    kind = tables.Column(verbose_name=_("Type"))
    organisation = tables.Column(verbose_name=_("Organisation"), order_by=("organisation__name",))
    owner_unit = tables.Column(verbose_name=_("Owner unit"), order_by=("owner_unit__name",))
    years = tables.Column(
        verbose_name=_("Years"), accessor="period_label", order_by=("start_year", "end_year")
    )
    status = tables.Column(verbose_name=_("Status"))
    decision_date = tables.DateColumn(verbose_name=_("Decided on"), short=True)

    class Meta:
        model = Plan
        fields = ("name", "kind", "organisation", "owner_unit", "years", "status", "decision_date")
        template_name = TABLE_TEMPLATE
        attrs = TABLE_ATTRS
        order_by = ("-years", "name")
        empty_text = _("No plans match the filter.")
