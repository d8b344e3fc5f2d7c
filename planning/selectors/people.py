"""Reads of an organisation's people, narrowed to what a user may see: the roles, a page of the
people with them, one person."""

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from planning.models import AccountEvent, Membership, Organisation
from planning.selectors.access import Scope, editor_organisation_ids, editor_unit_ids

# --- People ---------------------------------------------------------------------------------


def memberships_seen_by(scope: Scope, organisation: Organisation) -> QuerySet[Membership]:
    """The roles in an organisation a user may see on its people pages: all of them for an
    organisation-wide planner or administrator; for one of a part of it, the roles that
    cover that part (on its units, on the units above it, or on the whole organisation)."""
    memberships = Membership.objects.filter(organisation=organisation).select_related(
        "user", "unit", "organisation"
    )
    if scope.is_superuser or organisation.pk in editor_organisation_ids(scope):
        return memberships
    mine = {
        unit
        for unit in editor_unit_ids(scope)
        if scope.unit_organisation.get(unit) == organisation.pk
    }
    # The units above the user's part: every ancestor of a unit of theirs.
    return memberships.filter(
        Q(unit__isnull=True) | Q(unit_id__in=mine) | Q(unit_id__in=scope.above)
    )


PEOPLE_PAGE_SIZE = 50


def people_page(
    scope: Scope,
    organisation: Organisation,
    *,
    search: str = "",
    page: str | int | None = 1,
    size: int = PEOPLE_PAGE_SIZE,
) -> tuple[list, Page]:
    """A page of the people with a role the user may see, by name (past the last page: the
    last page), each with those roles (`roles`) and whether they are still to set a password
    (`invited`); with `search`, the people whose name, user name or e-mail address holds
    every word of it.

    Only the names are read to choose the page (found and sorted in Python: the same on every
    database), then the page's people and their roles: the same queries whatever the number
    of people.
    """
    seen = memberships_seen_by(scope, organisation)
    people = get_user_model().objects.filter(Exists(seen.filter(user_id=OuterRef("pk"))))
    words = search.casefold().split()[:10]
    rows = [
        ((f"{first} {last}".strip() or username).casefold(), pk)
        for first, last, username, email, pk in people.values_list(
            "first_name", "last_name", "username", "email", "pk"
        )
        # Compared in Python, as Python folds case: "åsa" finds Åsa on every database.
        if all(word in f"{first} {last} {username} {email}".casefold() for word in words)
    ]
    rows.sort()
    found = Paginator([pk for _name, pk in rows], size).get_page(page)
    on_page = list(found.object_list)
    invited = AccountEvent.objects.filter(
        user=OuterRef("pk"), kind="invited", organisation=organisation
    )
    by_pk = get_user_model().objects.annotate(was_invited=Exists(invited)).in_bulk(on_page)
    for membership in seen.filter(user_id__in=on_page).order_by("role", "unit__name"):
        by_pk[membership.user_id].__dict__.setdefault("roles", []).append(membership)
    shown = [by_pk[pk] for pk in on_page]
    for person in shown:
        # Still to come: no password chosen and never logged in (single sign-on needs none).
        person.invited = (
            person.was_invited and not person.has_usable_password() and person.last_login is None
        )
    return shown, found


def person_in_view(scope: Scope, organisation: Organisation, user_id: int):
    """The person if they have a role the user may see in the organisation; None otherwise."""
    user_model = get_user_model()
    seen = memberships_seen_by(scope, organisation).filter(user_id=user_id)
    return (
        user_model.objects.filter(pk=user_id)
        .filter(Exists(seen.filter(user_id=OuterRef("pk"))))
        .select_related("employee_number")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organisation=organisation).select_related(
                    "unit", "organisation"
                ),
                to_attr="roles_here",
            ),
            Prefetch(
                "account_events",
                queryset=organisation.account_events.select_related("actor"),
                to_attr="events_here",
            ),
        )
        .first()
    )


def organisations_of(user) -> set[int]:
    """The organisations a person has a role in."""
    return set(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
