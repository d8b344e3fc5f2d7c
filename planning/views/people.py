"""People and their roles: who may do what where, invitations, roles on units, deactivation.

An administrator does all of it in their organisation (or in their part of it); a planner in
their part, without giving the administrator role. Deactivating a person needs an
organisation-wide administrator of every organisation the person works in. Anything else
answers 404; a refused input is a message in the user's language and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.views import add_service_errors, page_numbers, service_message
from planning.forms import ActiveForm, InviteForm, RoleFields
from planning.models import Membership, Organisation, Role
from planning.permissions import (
    can_deactivate,
    can_grant,
    can_manage_organisation,
    can_remove_membership,
    can_set_up,
    require,
)
from planning.selectors import Scope, organisations_of, people_page, person_in_view
from planning.services import (
    invitation_resend,
    membership_grant,
    membership_remove,
    person_invite,
    person_set_active,
)
from planning.views.organisation import organisation_in_scope
from planning.views.units import parents_for

# What each role may do, as the people page explains it.
ROLE_MEANINGS = [
    (
        Role.ADMINISTRATOR,
        gettext_lazy(
            "Everything where the role applies: plans, follow-up, units, people and roles. On "
            "the whole organisation also its settings and follow-up periods."
        ),
    ),
    (
        Role.PLANNER,
        gettext_lazy(
            "Writes and changes the plans, writes the follow-up analysis and publishes reports; "
            "adds units and people and gives roles (not administrator). On the whole "
            "organisation also its settings and follow-up periods."
        ),
    ),
    (
        Role.UNIT_MANAGER,
        gettext_lazy("Reports activity statuses and indicator values for the units."),
    ),
    (
        Role.COMMITTEE_MEMBER,
        gettext_lazy("Reads the plans, follow-ups and reports of the units."),
    ),
]


def site_url(request: HttpRequest) -> str:
    """Where the links in e-mails lead: this site, as the request reached it."""
    return request.build_absolute_uri("/").rstrip("/")


def role_form_kwargs(scope: Scope, organisation: Organisation) -> dict:
    """What a role form offers the user: the roles and the places they may give them."""
    may_give_admin = can_grant(scope, organisation, None, Role.ADMINISTRATOR) or any(
        scope.unit_organisation.get(unit) == organisation.pk
        for unit in scope.units.get(Role.ADMINISTRATOR, set())
    )
    return {
        "organisation": organisation,
        "units": parents_for(scope, organisation),
        "roles": [role for role in Role.values if role != Role.ADMINISTRATOR or may_give_admin],
        "whole": can_grant(scope, organisation, None, Role.PLANNER),
        "may_grant": lambda unit, role: can_grant(scope, organisation, unit, role),
    }


@login_required
def people(request: HttpRequest, pk: int) -> HttpResponse:
    """Who may do what where: each person with their roles, a page at a time (`?page=`), found
    by name or address (`?q=`), and what each role means."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    search = request.GET.get("q", "").strip()[:100]
    people, page = people_page(scope, organisation, search=search, page=request.GET.get("page"))
    return render(
        request,
        "planning/people.html",
        {
            "organisation": organisation,
            "people": people,
            "page": page,
            "page_numbers": page_numbers(page),
            "search": search,
            "keep": urlencode({"q": search}) if search else "",
            "can_manage": can_manage_organisation(scope, organisation),
            "meanings": [(Role(role).label, text) for role, text in ROLE_MEANINGS],
        },
    )


@login_required
def person_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a new person by e-mail, with their first role."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    form = InviteForm(request.POST or None, **role_form_kwargs(scope, organisation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = person_invite(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                employee_number=data["employee_number"],
                organisation=organisation,
                role=data["role"],
                unit=data["unit"],
                site_url=site_url(request),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": person.email},
            )
            return redirect("planning:person_detail", pk=organisation.pk, user_pk=person.pk)
    context = {"organisation": organisation, "form": form}
    return render(request, "planning/person_invite.html", context)


def person_or_404(scope: Scope, organisation: Organisation, user_pk: int):
    person = person_in_view(scope, organisation, user_pk)
    if person is None:
        raise Http404
    return person


def render_person(request, organisation, scope, person, role_form=None) -> HttpResponse:
    for membership in person.roles_here:
        membership.can_remove = can_remove_membership(scope, membership)
    return render(
        request,
        "planning/person_detail.html",
        {
            "organisation": organisation,
            "person": person,
            "roles": person.roles_here,
            "events": person.events_here,
            "role_form": role_form or RoleFields(**role_form_kwargs(scope, organisation)),
            "can_deactivate": can_deactivate(scope, organisations_of(person))
            and person.pk != request.user.pk
            and not person.is_superuser,
            "invited": not person.has_usable_password() and person.last_login is None,
            "can_resend": any(membership.can_remove for membership in person.roles_here),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """A person's roles in the organisation, what happened to their account, and the ways to
    give a role, take one away or deactivate them."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    person = person_or_404(scope, organisation, user_pk)
    return render_person(request, organisation, scope, person)


@login_required
@require_POST
def membership_grant_view(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Give a person a role on a unit (or on the whole organisation)."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    person = person_or_404(scope, organisation, user_pk)
    form = RoleFields(request.POST, **role_form_kwargs(scope, organisation))
    if form.is_valid():
        try:
            membership_grant(
                user=person,
                organisation=organisation,
                unit=form.cleaned_data["unit"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            where = form.cleaned_data["unit"] or _("the whole organisation")
            messages.success(
                request,
                _("%(person)s is now %(role)s on %(where)s.")
                % {
                    "person": person.get_full_name() or person.get_username(),
                    "role": str(Role(form.cleaned_data["role"]).label).lower(),
                    "where": where,
                },
            )
            return redirect("planning:person_detail", pk=organisation.pk, user_pk=person.pk)
    return render_person(request, organisation, scope, person, role_form=form)


@login_required
@require_POST
def membership_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a role away."""
    membership = get_object_or_404(
        Membership.objects.select_related("organisation", "unit", "user"), pk=pk
    )
    organisation, scope = organisation_in_scope(request, membership.organisation_id, can_set_up)
    person = person_or_404(scope, organisation, membership.user_id)
    require(can_remove_membership(scope, membership))
    try:
        membership_remove(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, service_message(error))
    else:
        messages.success(
            request,
            _("The role %(role)s on %(where)s was taken away.")
            % {
                "role": str(membership.get_role_display()).lower(),
                "where": membership.unit or _("the whole organisation"),
            },
        )
        if person_in_view(scope, organisation, person.pk) is None:
            # No role of theirs left in the user's part: back to the people.
            return redirect("planning:people", pk=organisation.pk)
    return redirect("planning:person_detail", pk=organisation.pk, user_pk=person.pk)


@login_required
@require_POST
def person_set_active_view(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Deactivate a person (they can no longer log in; their history stays), or reactivate."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    person = person_or_404(scope, organisation, user_pk)
    require(can_deactivate(scope, organisations_of(person)))
    form = ActiveForm(request.POST)
    if form.is_valid():
        active = form.cleaned_data["active"]
        name = person.get_full_name() or person.get_username()
        try:
            person_set_active(
                user=person, organisation=organisation, active=active, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, service_message(error))
        else:
            if active:
                messages.success(request, _("%(person)s can log in again.") % {"person": name})
            else:
                messages.success(
                    request,
                    _("%(person)s is deactivated and can no longer log in.") % {"person": name},
                )
    return redirect("planning:person_detail", pk=organisation.pk, user_pk=person.pk)


@login_required
@require_POST
def invitation_resend_view(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    """Send a person's invitation again, with a new link."""
    organisation, scope = organisation_in_scope(request, pk, can_set_up)
    person = person_or_404(scope, organisation, user_pk)
    require(any(can_remove_membership(scope, membership) for membership in person.roles_here))
    try:
        invitation_resend(
            user=get_user_model().objects.get(pk=person.pk),
            organisation=organisation,
            site_url=site_url(request),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, service_message(error))
    else:
        messages.success(
            request, _("The invitation was sent again to %(email)s.") % {"email": person.email}
        )
    return redirect("planning:person_detail", pk=organisation.pk, user_pk=person.pk)
