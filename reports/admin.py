"""Admin for published reports and background generations: both read-only.

A published report is frozen: the admin shows it and nothing more (no add, change or delete).
Generations are made from the report pages; the admin shows how they went.
"""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin
from reports.models import PublishedReport, ReportJob


@admin.register(PublishedReport)
class PublishedReportAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = [
        "title",
        "organisation",
        "period",
        "decided_by",
        "decision_date",
        "published_at",
    ]
    list_select_related = ["plan__organisation", "period"]
    list_filter = ["plan__organisation", "period__year", "period__kind"]
    search_fields = ["title", "plan__name", "registration_number", "decided_by"]
    fields = [
        "plan",
        "period",
        "title",
        "language",
        ("decided_by", "decision_date", "decision_paragraph", "registration_number"),
        ("published_by_name", "published_at"),
        "sha256",
        "download",
    ]
    readonly_fields = [
        name for item in fields for name in (item if isinstance(item, tuple) else (item,))
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("pdf", "snapshot")

    @admin.display(description=_("organisation"), ordering="plan__organisation__name")
    def organisation(self, obj: PublishedReport) -> str:
        return obj.plan.organisation.name

    @admin.display(description=_("PDF"))
    def download(self, obj: PublishedReport) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:published_pdf", args=[obj.pk]), _("Download")
        )


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "requested_by", "requested_at", "status", "progress", "pages"]
    list_select_related = ["organisation", "period", "requested_by"]
    list_filter = ["status", "organisation"]
    fields = [
        "organisation",
        "period",
        "plans",
        "language",
        ("status", "progress", "pages", "attempts"),
        "error",
        ("requested_by", "requested_at"),
        ("started_at", "finished_at"),
        "task_id",
    ]
    readonly_fields = [
        name for item in fields for name in (item if isinstance(item, tuple) else (item,))
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("pdf")
