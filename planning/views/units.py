"""An organisation's unit tree: see it, add, rename, link to Kolada, move, close, import.

Administrators and planners of the whole organisation change all of it; a planner or
administrator of a unit changes the units below their unit (and renames their own). Anything
else answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.views import add_service_errors, service_message
from planning.forms import ClosedForm, UnitForm, UnitImportForm
from planning.models import Organisation, Unit
from planning.permissions import (
    can_change_unit,
    can_manage_organisation,
    can_place_under,
    can_restructure_unit,
    can_set_up,
    require,
)
from planning.selectors import Scope, editor_organisation_ids, editor_unit_ids, unit_tree
from planning.services import (
    UnitImportError,
    unit_close,
    unit_create,
    unit_move,
    unit_reopen,
    unit_update,
    units_import,
)
from planning.services.unit_import import MAX_BYTES
from planning.views.organisation import organisation_in_scope

# The example of the import page, as a spreadsheet would save it.
EXAMPLE_CSV = (
    "namn;överordnad;typ;Kolada-id\n"
    "Socialnämnden;;nämnd;\n"
    "Socialförvaltningen;Socialnämnden;förvaltning;\n"
    "Omsorgsverksamheten;Socialförvaltningen;verksamhet;\n"
    "Hemtjänsten;Omsorgsverksamheten;enhet;V15E242200101\n"
)


def parents_for(scope: Scope, organisation: Organisation) -> QuerySet[Unit]:
    """The units the user may place units below (with their organisation, for the labels)."""
    units = Unit.objects.filter(organisation=organisation)
    if scope.is_superuser or organisation.pk in editor_organisation_ids(scope):
        return units
    return units.filter(pk__in=editor_unit_ids(scope))


def tree_url(organisation_id: int, unit: Unit | None = None) -> str:
    url = reverse("planning:unit_list", args=[organisation_id])
    return f"{url}#unit-{unit.pk}" if unit is not None else url


@login_required
def unit_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole tree, closed units too, with what the user may do with each unit."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    rows = []
    for unit, depth in unit_tree(organisation):
        unit.can_change = can_change_unit(scope, unit)
        unit.can_restructure = can_restructure_unit(scope, unit)
        rows.append((unit, depth))
    return render(
        request,
        "planning/unit_list.html",
        {
            "organisation": organisation,
            "tree": nested(rows),
            "count": sum(1 for unit, _depth in rows if not unit.is_closed),
            "can_add_top": can_place_under(scope, organisation, None),
            "can_manage": can_manage_organisation(scope, organisation),
        },
    )


def nested(rows: list[tuple[Unit, int]]) -> list[dict]:
    """The tree-ordered rows as nested lists, for a template to render recursively."""
    root: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(-1, root)]
    for unit, depth in rows:
        while stack[-1][0] >= depth:
            stack.pop()
        node = {"unit": unit, "children": []}
        stack[-1][1].append(node)
        stack.append((depth, node["children"]))
    return root


@login_required
def unit_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A new unit, below a unit of the user's part (or at the top, for the whole organisation)."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    top = can_place_under(scope, organisation, None)
    initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else {}
    form = UnitForm(
        request.POST or None,
        organisation=organisation,
        parents=parents_for(scope, organisation),
        top=top,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        require(can_place_under(scope, organisation, parent))
        try:
            unit = unit_create(
                organisation=organisation,
                parent=parent,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                kolada_ou=form.cleaned_data["kolada_ou"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(unit)s was added.") % {"unit": unit})
            return redirect(tree_url(organisation.pk, unit))
    return render(
        request,
        "planning/unit_form.html",
        {"organisation": organisation, "form": form, "unit": None},
    )


@login_required
def unit_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a unit, change its level, link it to Kolada, move it."""
    unit = get_object_or_404(Unit.objects.select_related("organisation", "parent"), pk=pk)
    organisation, scope = organisation_in_scope(request, unit.organisation_id, can_set_up)
    require(can_change_unit(scope, unit))
    movable = can_restructure_unit(scope, unit)
    form = UnitForm(
        request.POST or None,
        organisation=organisation,
        parents=parents_for(scope, organisation),
        top=can_place_under(scope, organisation, None),
        unit=unit,
        movable=movable,
    )
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        moved = movable and (parent.pk if parent else None) != unit.parent_id
        if moved:
            require(can_place_under(scope, organisation, parent))
        try:
            with transaction.atomic():
                unit_update(
                    unit=unit,
                    name=form.cleaned_data["name"],
                    kind=form.cleaned_data["kind"],
                    kolada_ou=form.cleaned_data["kolada_ou"],
                    actor=request.user,
                )
                if moved:
                    unit_move(unit=unit, parent=parent, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(unit)s was saved.") % {"unit": unit})
            return redirect(tree_url(organisation.pk, unit))
    return render(
        request,
        "planning/unit_form.html",
        {"organisation": organisation, "form": form, "unit": unit, "movable": movable},
    )


@login_required
@require_POST
def unit_set_closed_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a unit (refused, with the reason, while it has open units or activities), or open
    it again."""
    unit = get_object_or_404(Unit.objects.select_related("organisation"), pk=pk)
    _organisation, scope = organisation_in_scope(request, unit.organisation_id, can_set_up)
    require(can_restructure_unit(scope, unit))
    form = ClosedForm(request.POST)
    if form.is_valid():
        closing = form.cleaned_data["closed"]
        try:
            if closing:
                unit_close(unit=unit, actor=request.user)
            else:
                unit_reopen(unit=unit, actor=request.user)
        except ValidationError as error:
            messages.error(request, service_message(error))
        else:
            if closing:
                messages.success(
                    request,
                    _(
                        "%(unit)s is closed. Its history and what was reported for it stay; "
                        "it is no longer offered in choices."
                    )
                    % {"unit": unit},
                )
            else:
                messages.success(request, _("%(unit)s is open again.") % {"unit": unit})
    return redirect(tree_url(unit.organisation_id, unit))


@login_required
def unit_import_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Add units from a CSV file: all of them, or none with each refused cell explained."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    form = UnitImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = units_import(
                organisation=organisation,
                content=upload.read(MAX_BYTES + 1),
                actor=request.user,
                may_place=lambda parent: can_place_under(scope, organisation, parent),
            )
        except UnitImportError as error:
            problems = error.problems
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d unit was imported.", "%(count)d units were imported.", len(created)
                )
                % {"count": len(created)},
            )
            return redirect(tree_url(organisation.pk))
    return render(
        request,
        "planning/unit_import.html",
        {
            "organisation": organisation,
            "form": form,
            "problems": problems,
            "example": EXAMPLE_CSV,
            "levels": [word for _kind, word in organisation.level_choices()],
        },
    )
