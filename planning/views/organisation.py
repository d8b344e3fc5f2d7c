"""Setting up an organisation: where to start, its settings and the organisations it works with.

The settings are the whole organisation's: only its organisation-wide planners and
administrators change them (`can_manage_organisation`). The start page is for anyone who sets
up a part of an organisation (its units or people); anything else answers 404.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import add_service_errors, service_message
from planning.forms import OrganisationSettingsForm, RelationForm
from planning.models import Organisation, OrganisationRelation
from planning.permissions import can_manage_organisation, can_manage_periods, require
from planning.selectors import (
    Scope,
    organisations_set_up_by,
    relations_of,
    scope_for,
    setup_overview,
)
from planning.services import organisation_update, relation_add, relation_remove


def organisation_in_scope(
    request: HttpRequest, pk: int, allowed: Callable[[Scope, Organisation], bool]
) -> tuple[Organisation, Scope]:
    """The organisation if the user may do what `allowed` checks there; 404 otherwise."""
    scope = scope_for(request.user)
    organisation = get_object_or_404(Organisation, pk=pk)
    require(allowed(scope, organisation))
    return organisation, scope


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Where setting up starts: each organisation the user sets up a part of, with how far its
    setup has come and the pages for its settings, units, people and follow-up periods."""
    scope = scope_for(request.user)
    organisations = list(setup_overview(organisations_set_up_by(scope)))
    if not organisations:
        raise Http404
    for organisation in organisations:
        organisation.can_manage = can_manage_organisation(scope, organisation)
        organisation.can_manage_periods = can_manage_periods(scope, organisation)
    return render(request, "planning/organisation_list.html", {"organisations": organisations})


def relation_candidates(organisation: Organisation):
    """The organisations this one may list: all others it has not listed yet."""
    listed = OrganisationRelation.objects.filter(organisation=organisation).values("related_id")
    return Organisation.objects.exclude(pk=organisation.pk).exclude(pk__in=listed).order_by("name")


@login_required
def organisation_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's names, country, language, codes, scheme, logo and level words."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    # The form works on its own copy: a refused change leaves the page's heading as stored.
    form = OrganisationSettingsForm(
        request.POST or None,
        request.FILES or None,
        instance=Organisation.objects.get(pk=organisation.pk),
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(organisation=organisation, actor=request.user, **form.changes())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The organisation's settings were saved."))
            return redirect("planning:organisation_settings", pk=organisation.pk)
    return render(
        request,
        "planning/organisation_settings.html",
        {
            "organisation": organisation,
            "form": form,
            "relations": relations_of(organisation),
            "relation_form": RelationForm(candidates=relation_candidates(organisation)),
        },
    )


def settings_url(organisation: Organisation) -> str:
    return reverse("planning:organisation_settings", args=[organisation.pk]) + "#relations"


@login_required
@require_POST
def relation_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    """List another organisation as one this one works with."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    form = RelationForm(request.POST, candidates=relation_candidates(organisation))
    if not form.is_valid():
        messages.error(request, _("Choose an organisation that is not listed yet."))
        return redirect(settings_url(organisation))
    related = form.cleaned_data["related"]
    try:
        relation_add(organisation=organisation, related=related, actor=request.user)
    except ValidationError as error:
        messages.error(request, service_message(error))
    else:
        messages.success(
            request,
            _(
                "%(related)s is listed. Joint plans are possible once %(related)s has listed "
                "%(organisation)s too."
            )
            % {"related": related, "organisation": organisation},
        )
    return redirect(settings_url(organisation))


@login_required
@require_POST
def relation_remove_view(request: HttpRequest, pk: int, related_pk: int) -> HttpResponse:
    """Stop listing an organisation; the plans already shared keep their partners."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    related = get_object_or_404(
        Organisation, pk=related_pk, pk__in=organisation.relations.values("related_id")
    )
    relation_remove(organisation=organisation, related=related, actor=request.user)
    messages.success(request, _("%(related)s is no longer listed.") % {"related": related})
    return redirect(settings_url(organisation))
