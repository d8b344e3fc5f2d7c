"""Admin for exports made in the background: read-only (they are asked for from the export
links; the admin shows how they went)."""

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ReadOnlyAdmin
from transfer.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "plan", "requested_by", "requested_at", "status", "progress"]
    list_select_related = ["plan", "requested_by"]
    list_filter = ["status", "format"]
    fields = [
        "plan",
        ("format", "kind", "language"),
        ("filename", "rows", "size"),
        ("status", "progress", "attempts"),
        "error",
        ("requested_by", "requested_at"),
        ("started_at", "finished_at"),
        "task_id",
    ]
    readonly_fields = [
        name for item in fields for name in (item if isinstance(item, tuple) else (item,))
    ]

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("content")
