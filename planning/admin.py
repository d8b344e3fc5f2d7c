"""Admin for organisations, units, plans, follow-up periods and memberships.

The admin site is for system administrators (superusers) only: organisations set themselves up
in the product's own pages (`planning.views`); staff who are not superusers are refused.

Lower apps cannot import higher ones (reports -> indicators -> goals -> planning), so the goals
of a plan are added to the plan admin by `goals.admin`, which re-registers Plan.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseModelFormSet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from planning.models import (
    LEVEL_FIELDS,
    AccountEvent,
    EmployeeNumber,
    FollowUpPeriod,
    Membership,
    Organisation,
    Plan,
    ReportReadiness,
    Unit,
)
from planning.services import period_set_open


def superusers_only(request: HttpRequest) -> bool:
    """Who may use the admin site: active superusers, not every member of staff."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only


def share_choices(formset: type[BaseModelFormSet], field_name: str, queryset: QuerySet) -> None:
    """Limit a select of an inline formset to `queryset`, read once for every row.

    Without this, each row of an inline renders its select with its own query.
    """
    field = formset.form.base_fields.get(field_name)
    if field is None:  # read-only for this user
        return
    field.queryset = queryset
    field.choices = list(iter(field.choices))  # iter(): no COUNT query first


def years_of(plan: Plan) -> dict[str, int]:
    """Lookups for the follow-up periods that a plan can use."""
    return {
        "organisation_id": plan.organisation_id,
        "year__gte": plan.start_year,
        "year__lte": plan.end_year,
    }


class UnitInline(admin.TabularInline):
    model = Unit
    fk_name = "organisation"
    fields = ["name", "kind", "parent", "closed_on"]
    ordering = ["name"]
    extra = 0
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        units = Unit.objects.filter(organisation=obj) if obj else Unit.objects.none()
        share_choices(formset, "parent", units.order_by("name"))
        return formset


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "municipality_code"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "municipality_code"]
    ordering = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "official_name", "kind", "country", "report_language"]}),
        (_("Open data"), {"fields": ["municipality_code", "comparison_group"]}),
        (_("Report cover"), {"fields": ["logo"]}),
        (_("Words for the levels of the unit tree"), {"fields": list(LEVEL_FIELDS.values())}),
    ]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "organisation", "closed_on"]
    list_select_related = ["organisation", "parent"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "organisation__name"]
    ordering = ["organisation__name", "name"]
    autocomplete_fields = ["organisation", "parent"]
    fields = ["organisation", "parent", "name", "kind", "kolada_ou", "closed_on"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "kind",
        "period",
        "status",
        "organisation",
        "owner_unit",
        "decision",
        "registration_number",
    ]
    list_select_related = ["organisation", "owner_unit"]
    list_filter = ["status", "kind", "organisation", "start_year"]
    search_fields = ["name", "registration_number", "decided_by", "responsible"]
    ordering = ["-start_year", "name"]
    date_hierarchy = "decision_date"
    autocomplete_fields = ["organisation", "partner_organisations", "owner_unit", "parent"]
    save_on_top = True
    history_list_display = ["status"]
    fieldsets = [
        (
            _("Plan"),
            {
                "fields": [
                    "name",
                    "kind",
                    "status",
                    ("start_year", "end_year"),
                    "organisation",
                    "owner_unit",
                    "partner_organisations",
                    "parent",
                ]
            },
        ),
        (
            _("Decision"),
            {
                "fields": [
                    "decided_by",
                    ("decision_date", "decision_paragraph"),
                    "registration_number",
                    "valid_from",
                    "responsible",
                ]
            },
        ),
        (_("Vision and values"), {"fields": ["vision", "core_values", "steering_documents"]}),
        (
            _("Perspectives"),
            {
                "fields": ["gender_equality", "child_rights", "sustainability"],
                "description": _("The cross-cutting perspectives the council asks every plan for."),
            },
        ),
    ]

    @admin.display(description=_("years"), ordering="start_year")
    def period(self, plan: Plan) -> str:
        return plan.period_label

    @admin.display(description=_("decision"), ordering="decision_date")
    def decision(self, plan: Plan) -> str:
        return plan.decision_label


@admin.register(FollowUpPeriod)
class FollowUpPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "year", "organisation", "starts_on", "ends_on", "is_open"]
    list_select_related = ["organisation"]
    list_filter = ["is_open", "year", "kind", "organisation"]
    search_fields = ["kind", "year", "organisation__name"]
    ordering = ["organisation__name", "year", "position"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["organisation", ("year", "kind", "position")]}),
        (_("Names"), {"fields": [("name_sv", "name_nb", "name_nn", "name_en")]}),
        (_("Months"), {"fields": [("cumulative", "first_new_month", "is_year_end")]}),
        (_("Dates"), {"fields": [("starts_on", "ends_on")]}),
        (_("Reporting"), {"fields": ["is_open"]}),
    ]
    actions = ["open_for_reporting", "close_for_reporting"]
    # A period is made from the organisation's scheme (the periods page) and keeps what it was
    # made from; only its dates and open state are changed here.
    readonly_fields = [
        "organisation", "year", "kind", "position", "name_sv", "name_nb", "name_nn", "name_en",
        "cumulative", "first_new_month", "is_year_end",
    ]  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _set_open(self, request: HttpRequest, queryset: QuerySet, is_open: bool) -> int:
        count = 0
        for period in queryset:
            if period.is_open != is_open:
                period_set_open(period=period, is_open=is_open, actor=request.user)
                count += 1
        return count

    @admin.action(description=_("Open the selected periods for reporting"))
    def open_for_reporting(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._set_open(request, queryset, True)
        self.message_user(
            request,
            ngettext("%(count)d period opened.", "%(count)d periods opened.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Close the selected periods for reporting"))
    def close_for_reporting(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = self._set_open(request, queryset, False)
        self.message_user(
            request,
            ngettext("%(count)d period closed.", "%(count)d periods closed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "organisation", "unit"]
    list_select_related = ["user", "organisation", "unit"]
    list_filter = ["role", "organisation"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "organisation__name",
        "unit__name",
    ]
    ordering = ["organisation__name", "user__username"]
    autocomplete_fields = ["user", "organisation", "unit"]
    history_list_display = ["role"]
    fieldsets = [
        (None, {"fields": ["user", "role"]}),
        (_("Where the role applies"), {"fields": ["organisation", "unit"]}),
    ]


@admin.register(ReportReadiness)
class ReportReadinessAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "period", "unit", "marked_by", "marked_at"]
    list_select_related = ["plan", "period", "unit", "marked_by"]
    list_filter = ["period__year", "period__kind", "plan__organisation"]
    search_fields = ["plan__name", "unit__name"]
    ordering = ["-marked_at"]
    autocomplete_fields = ["plan", "unit"]
    fields = ["plan", "period", "unit", "marked_by", "marked_at"]
    readonly_fields = ["marked_by", "marked_at"]

    def save_model(self, request, obj, form, change):
        obj.marked_by = request.user
        obj.marked_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    """The record of invitations and deactivations: read only."""

    list_display = ["user", "kind", "organisation", "actor", "at"]
    list_select_related = ["user", "organisation", "actor"]
    list_filter = ["kind", "organisation"]
    search_fields = ["user__username", "user__email", "organisation__name"]
    ordering = ["-at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(EmployeeNumber)
class EmployeeNumberAdmin(SimpleHistoryAdmin):
    """People's employee ids, which single sign-on may match them by (`planning.sso`)."""

    list_display = ["number", "user"]
    list_select_related = ["user"]
    search_fields = ["number", "user__username", "user__email", "user__last_name"]
    ordering = ["number"]
    autocomplete_fields = ["user"]
