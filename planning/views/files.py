"""Uploaded files (organisations' logos), each shown only to people who may see its
organisation: those with a role in it. Served from MEDIA_URL by this view, never directly."""

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from planning.models import Organisation
from planning.selectors import scope_for


@login_required
def media_file(request: HttpRequest, path: str) -> FileResponse:
    """An organisation's logo, for someone with a role in that organisation; 404 otherwise."""
    scope = scope_for(request.user)
    organisations = Organisation.objects.filter(logo=path)
    if not scope.is_superuser:
        organisations = organisations.filter(memberships__user=request.user)
    if not organisations.exists() or not default_storage.exists(path):
        raise Http404
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = FileResponse(default_storage.open(path, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
