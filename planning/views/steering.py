"""What an organisation defines for all its plans: its perspectives and the scale its goals are
assessed on, with its labels in each language.

Like the settings, they are the whole organisation's: only its organisation-wide planners and
administrators see and change them (`can_manage_organisation`); anyone else gets a 404. Each
list is saved whole by its service, or not at all.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from planning.forms import AssessmentLevelFormSet, PerspectiveFormSet, ScaleChoiceForm
from planning.models import Organisation, assessment_levels
from planning.permissions import can_manage_organisation
from planning.services import assessment_levels_save, assessment_scale_use, perspectives_save
from planning.views.organisation import organisation_in_scope

PERSPECTIVES, LEVELS = "perspectives", "levels"


def perspective_formset(organisation: Organisation, data=None) -> PerspectiveFormSet:
    return PerspectiveFormSet(
        data, perspectives=list(organisation.perspectives.all()), prefix=PERSPECTIVES
    )


def level_formset(organisation: Organisation, data=None) -> AssessmentLevelFormSet | None:
    """The stored levels to edit; None while the organisation has stored none (its goals
    are then assessed on the default scale, and it starts by choosing one)."""
    levels = list(organisation.assessment_levels.all())
    if not levels and data is None:
        return None
    return AssessmentLevelFormSet(data, levels=levels, prefix=LEVELS)


def steering_page(request: HttpRequest, organisation: Organisation, **bound) -> HttpResponse:
    """The page with the forms given in `bound` as posted (with their errors), the others as
    stored."""
    context = {
        "organisation": organisation,
        "perspectives_formset": bound.get("perspectives_formset")
        or perspective_formset(organisation),
        "levels_formset": bound.get("levels_formset") or level_formset(organisation),
        "scale_form": bound.get("scale_form") or ScaleChoiceForm(),
        "default_levels": assessment_levels(organisation),
    }
    return render(request, "planning/steering.html", context)


def steering_url(organisation: Organisation, anchor: str) -> str:
    return reverse("planning:steering", args=[organisation.pk]) + f"#{anchor}"


@login_required
def steering(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's perspectives and its assessment scale."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    return steering_page(request, organisation)


# Each list of the page: its rows as posted, the service that saves them, what it says then.
LISTS = {
    PERSPECTIVES: (
        perspective_formset,
        perspectives_save,
        gettext_lazy("The perspectives were saved."),
    ),
    LEVELS: (
        level_formset,
        assessment_levels_save,
        gettext_lazy("The assessment scale was saved."),
    ),
}


@login_required
@require_POST
def rows_save_view(request: HttpRequest, pk: int, rows: str) -> HttpResponse:
    """Save one list of the page whole, or nothing of it: the perspectives (add, rename,
    describe, reorder, delete) or the scale's levels (labels, meaning, offered or not). Then
    back to its place on the page, or the page again with the list as posted and what was
    refused."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    bind, save, saved = LISTS[rows]
    formset = bind(organisation, request.POST)
    if formset.is_valid():
        try:
            save(organisation=organisation, rows=formset.rows(), actor=request.user)
        except ValidationError as error:
            formset.add_service_error(error)
        else:
            messages.success(request, saved)
            return redirect(steering_url(organisation, rows))
    return steering_page(request, organisation, **{f"{rows}_formset": formset})


@login_required
@require_POST
def assessment_scale_use_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Assess goals on the three-level or the five-level scale."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    form = ScaleChoiceForm(request.POST)
    if not form.is_valid():
        return steering_page(request, organisation, scale_form=form)
    assessment_scale_use(
        organisation=organisation, scale=form.cleaned_data["scale"], actor=request.user
    )
    messages.success(
        request,
        _("Goals are now assessed on the scale you chose. Its labels can be changed below."),
    )
    return redirect(steering_url(organisation, LEVELS))
