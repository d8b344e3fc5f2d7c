"""An organisation's follow-up calendar: the named periods of its year, edited as rows or
started again from a preset.

The scheme is the whole organisation's: only its organisation-wide planners and administrators
see and change it (`can_manage_organisation`); anyone else gets a 404. A scheme is saved whole
by `scheme_save`, or not at all; what saving did to the periods already made is said after.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from planning.forms import SchemeFormSet, SchemePresetForm
from planning.models import Organisation
from planning.models.schemes import PRESETS, preset_rows, scheme_rows
from planning.permissions import can_manage_organisation
from planning.services import SchemeChange, scheme_save
from planning.views.organisation import organisation_in_scope

ROWS = "periods"


def scheme_formset(organisation: Organisation, data=None) -> SchemeFormSet:
    return SchemeFormSet(data, rows=scheme_rows(organisation), prefix=ROWS)


def presets() -> list[dict]:
    """Each preset with its periods, to show what starting from it gives."""
    return [
        {"key": key, "label": label, "rows": preset_rows(key)}
        for key, (label, _rows) in PRESETS.items()
    ]


def scheme_page(
    request: HttpRequest, organisation: Organisation, formset=None, preset_form=None
) -> HttpResponse:
    return render(
        request,
        "planning/scheme.html",
        {
            "organisation": organisation,
            "formset": formset or scheme_formset(organisation),
            "stored": organisation.scheme_periods.exists(),
            "presets": presets(),
            "preset_form": preset_form or SchemePresetForm(),
        },
    )


@login_required
def scheme(request: HttpRequest, pk: int) -> HttpResponse:
    """The organisation's scheme as rows to edit, and the presets to start from."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    return scheme_page(request, organisation)


def change_messages(change: SchemeChange) -> list[tuple[int, str]]:
    """What saving the scheme did to the periods already made, in the user's language, each
    with its message level."""
    said = []
    if change.kept_years:
        kept = sorted(change.kept_years)
        said.append(
            (
                messages.WARNING,
                ngettext(
                    "%(years)s keeps its periods because values were reported in them; the new "
                    "scheme applies from %(next)s.",
                    "%(years)s keep their periods because values were reported in them; the "
                    "new scheme applies from %(next)s.",
                    len(kept),
                )
                % {"years": ", ".join(str(year) for year in kept), "next": kept[-1] + 1},
            )
        )
    if change.remade_years:
        years = ", ".join(str(year) for year in change.remade_years)
        said.append(
            (
                messages.INFO,
                _("The periods of %(years)s were made again by the new scheme.") % {"years": years},
            )
        )
    if change.renamed:
        said.append(
            (
                messages.INFO,
                ngettext(
                    "%(count)d period already made was renamed.",
                    "%(count)d periods already made were renamed.",
                    change.renamed,
                )
                % {"count": change.renamed},
            )
        )
    return said


def saved(request: HttpRequest, organisation: Organisation, change: SchemeChange) -> HttpResponse:
    messages.success(request, _("The follow-up scheme was saved."))
    for level, message in change_messages(change):
        messages.add_message(request, level, message)
    return redirect(reverse("planning:scheme", args=[organisation.pk]))


@login_required
@require_POST
def scheme_save_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the scheme's rows whole (add, rename, change months, reorder, delete), or nothing:
    the page again with the rows as typed and what was refused."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    formset = scheme_formset(organisation, request.POST)
    if formset.is_valid():
        try:
            change = scheme_save(organisation=organisation, rows=formset.rows(), actor=request.user)
        except ValidationError as error:
            formset.add_service_error(error)
        else:
            return saved(request, organisation, change)
    return scheme_page(request, organisation, formset=formset)


@login_required
@require_POST
def scheme_preset_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the scheme's rows by a preset's."""
    organisation, _scope = organisation_in_scope(request, pk, can_manage_organisation)
    form = SchemePresetForm(request.POST)
    if not form.is_valid():
        return scheme_page(request, organisation, preset_form=form)
    change = scheme_save(
        organisation=organisation, rows=preset_rows(form.cleaned_data["preset"]), actor=request.user
    )
    return saved(request, organisation, change)
