"""Admin for indicators and measurements; adds a goal's indicators to the goal admin."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from goals.admin import GoalAdmin
from goals.models import Goal
from indicators.colour import format_value
from indicators.forms import OpenDataFormMixin
from indicators.links import link_fields, link_sources
from indicators.models import Indicator, Measurement, ReferenceValue, SyncRun
from indicators.targets import Target
from planning.admin import share_choices, years_of
from planning.models import FollowUpPeriod, Unit

COMPACT_TEXT = forms.Textarea(attrs={"rows": 2, "cols": 30})


def bands_text(indicator: Indicator) -> str:
    """The bands in words: "Green ≥ 80 · Yellow 70–80 · Red < 70", or the kind's rule."""
    return " · ".join(f"{colour.label} {text}" for colour, text in indicator.band_texts().items())


def stamp_entry(measurement: Measurement, request: HttpRequest) -> None:
    """Who entered a value and when: set on every save, never typed in."""
    measurement.entered_by = request.user
    measurement.entered_at = timezone.now()


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["position", "name", "unit", *Target.fields(), "bands"]
    readonly_fields = ["bands"]
    raw_id_fields = ["baseline_period"]
    ordering = ["position", "id"]
    extra = 0
    show_change_link = True

    @admin.display(description=_("bands"))
    def bands(self, indicator: Indicator) -> str:
        return bands_text(indicator)


# Goal is registered by goals.admin, which cannot import indicators: replace it with a subclass.
admin.site.unregister(Goal)


@admin.register(Goal)
class GoalWithIndicatorsAdmin(GoalAdmin):
    inlines = [IndicatorInline, *GoalAdmin.inlines]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    fields = ["period", "unit", "value", "result", "colour", "comment", "entered_by", "entered_at"]
    readonly_fields = ["colour", "entered_by", "entered_at"]
    ordering = ["period__starts_on", "unit__name"]
    formfield_overrides = {models.TextField: {"widget": COMPACT_TEXT}}
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "period", "entered_by")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        periods = FollowUpPeriod.objects.all()
        units = Unit.objects.all()
        if obj is not None:
            plan = obj.goal.plan
            periods = periods.filter(**years_of(plan))
            units = units.filter(organisation_id=plan.organisation_id)
        share_choices(formset, "period", periods)
        share_choices(formset, "unit", units)
        return formset

    @admin.display(description=_("colour"))
    def colour(self, measurement: Measurement) -> str:
        return measurement.colour.label


class IndicatorAdminForm(OpenDataFormMixin, forms.ModelForm):
    """The model's fields, and a field per open-data link field (saved into `open_data`)."""


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    form = IndicatorAdminForm
    list_display = ["name", "goal", "plan", "measured_in", "bands", "target"]
    list_select_related = ["goal__plan"]
    list_filter = ["goal__plan", "scope", "target_kind", "direction", "unit", "frequency"]
    search_fields = ["name", "sub_goal__title", "definition", "source", "goal__title"]
    ordering = ["-goal__plan__start_year", "goal__plan__name", "goal__number", "position"]
    autocomplete_fields = ["goal"]
    raw_id_fields = ["sub_goal", "baseline_period", "perspective"]
    readonly_fields = ["bands"]
    save_on_top = True
    history_list_display = ["green_bound", "red_bound", "target_value"]
    fieldsets = [
        (None, {"fields": ["goal", ("position", "scope"), "sub_goal", "perspective"]}),
        (
            _("What is measured"),
            {
                "fields": [
                    "name",
                    "definition",
                    ("unit", "unit_label"),
                    ("decimals", "scale_max"),
                    "source",
                    "frequency",
                    "seasonal",
                ]
            },
        ),
        (_("Target"), {"fields": ["target_kind", ("target_value", "target_text")]}),
        (
            _("Bands"),
            {
                "fields": [*Target.BAND_ROWS, "bands"],
                "description": _(
                    "Green starts at the green bound and red at the red bound; what lies "
                    "between is yellow. Leave the red bound empty for only red and green."
                ),
            },
        ),
        (_("Relative target"), {"fields": ["relative_share"]}),
        (
            _("Change and gap targets"),
            {
                "fields": [
                    ("baseline_period", "baseline_value", "change_tolerance"),
                    ("reference_kind", "reference_value", "reference_label"),
                ]
            },
        ),
        (
            _("Responsibility"),
            {
                "fields": [
                    ("responsible_user", "responsible_unit", "responsible_role"),
                    ("reporting_user", "reporting_unit", "reporting_role"),
                ]
            },
        ),
    ]
    inlines = [MeasurementInline]

    def get_fieldsets(self, request, obj=None):
        """The fieldsets above, then one per open-data source with its link fields."""
        return [
            *super().get_fieldsets(request, obj),
            *(
                (source.label, {"fields": [key for key, _field in source.keyed_fields()]})
                for source in link_sources()
            ),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The link fields are the form's own (OpenDataFormMixin), not the model's.
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        links = {key for key, _source, _field in link_fields()}
        kwargs["fields"] = [name for name in fields if name not in links]
        return super().get_form(request, obj, change, **kwargs)

    @admin.display(description=_("plan"), ordering="goal__plan__name")
    def plan(self, indicator: Indicator) -> str:
        return str(indicator.goal.plan)

    @admin.display(description=_("unit"), ordering="unit")
    def measured_in(self, indicator: Indicator) -> str:
        return indicator.unit_text

    @admin.display(description=_("bands"))
    def bands(self, indicator: Indicator) -> str:
        return bands_text(indicator)

    @admin.display(description=_("target"), ordering="target_value")
    def target(self, indicator: Indicator) -> str:
        if indicator.target_text:
            return indicator.target_text
        if indicator.target_value is None:
            return ""
        return format_value(indicator.target_value, indicator.decimals)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Measurement:
            return super().save_formset(request, form, formset, change)
        for measurement in formset.save(commit=False):
            stamp_entry(measurement, request)
            measurement.save()
        for measurement in formset.deleted_objects:
            measurement.delete()
        formset.save_m2m()
        return None


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = [
        "indicator",
        "period",
        "unit",
        "measured_value",
        "colour",
        "plan",
        "entered_by",
        "entered_at",
    ]
    # The colour needs only the indicator's bands; the plan is shown too.
    list_select_related = [
        "indicator__goal__plan__organisation",
        "indicator__baseline_period",
        "period",
        "unit",
        "entered_by",
    ]
    list_filter = ["period", "indicator__goal__plan", "unit"]
    search_fields = ["indicator__name", "comment", "source"]
    ordering = ["indicator__name", "period__starts_on"]
    date_hierarchy = "entered_at"
    autocomplete_fields = ["indicator", "period", "unit"]
    readonly_fields = ["colour", "entered_by", "entered_at"]
    history_list_display = ["value"]
    fieldsets = [
        (None, {"fields": ["indicator", "period", "unit"]}),
        (_("Value"), {"fields": ["value", "result", "colour", "comment", "source"]}),
        (_("Entered"), {"fields": [("entered_by", "entered_at")]}),
    ]

    @admin.display(description=_("value"), ordering="value")
    def measured_value(self, measurement: Measurement) -> str:
        if measurement.value is None:
            return ""
        value = format_value(measurement.value, measurement.indicator.decimals)
        return f"{value} {measurement.indicator.unit_text}".strip()

    @admin.display(description=_("colour"))
    def colour(self, measurement: Measurement) -> str:
        return measurement.colour.label

    @admin.display(description=_("plan"), ordering="indicator__goal__plan__name")
    def plan(self, measurement: Measurement) -> str:
        return str(measurement.indicator.goal.plan)

    def save_model(self, request, obj, form, change):
        stamp_entry(obj, request)
        super().save_model(request, obj, form, change)


@admin.register(ReferenceValue)
class ReferenceValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "kind", "group", "gender", "value", "fetched_at"]
    list_select_related = ["indicator"]
    list_filter = ["kind", "year", "gender"]
    search_fields = ["indicator__name", "group"]
    ordering = ["indicator", "year", "kind"]
    autocomplete_fields = ["indicator"]


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    """A log of open-data syncs: read only, written by the sync services."""

    list_display = ["started_at", "source", "organisation", "plan", "status", "created", "updated"]
    list_select_related = ["organisation", "plan"]
    list_filter = ["source", "status", "organisation"]
    ordering = ["-started_at"]
    readonly_fields = [field.name for field in SyncRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
