"""People with each role around the shared `plan` fixture, for the planner's page tests.

Import the fixtures you use into a test module (pytest finds them there):
`from tests.planner_roles import people  # noqa: F401`.
"""

from types import SimpleNamespace

import pytest

from planning.models import Role, Unit
from planning.selectors import scope_for
from planning.services import membership_grant, unit_create

PASSWORD = "pw"


@pytest.fixture
def people(django_user_model, organisation, units):
    """planner and own_manager on the plan's operation and a unit below it; administrator for
    the whole organisation; committee member on the committee above; other_manager on a unit
    in another branch, who may not even see the plan."""
    other_operation = unit_create(
        organisation=organisation,
        name="Tekniska verksamheten",
        kind=Unit.Kind.OPERATION,
        parent=units["administration"],
        actor=None,
    )

    def make(username: str, first: str, role: str, unit):
        user = django_user_model.objects.create_user(
            username, password=PASSWORD, first_name=first, last_name="Testsson"
        )
        membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=None)
        return user

    return SimpleNamespace(
        planner=make("planerare", "Anna", Role.PLANNER, units["operation"]),
        administrator=make("admin", "Johan", Role.ADMINISTRATOR, None),
        committee=make("ledamot", "Karin", Role.COMMITTEE_MEMBER, units["committee"]),
        own_manager=make("enhetschef", "Erik", Role.UNIT_MANAGER, units["unit_a"]),
        other_manager=make("teknikchef", "Tove", Role.UNIT_MANAGER, other_operation),
        other_operation=other_operation,
        password=PASSWORD,
    )


@pytest.fixture
def en_client(client):
    """A client whose pages are in English (the source language), for tests that read words."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def as_user(client, people, role: str):
    """`client` logged in as the person of `role`, their scope read and kept as after their
    first page (it stays kept while plans change): a page's queries counted now are those it
    asks later."""
    person = getattr(people, role)
    client.force_login(person)
    scope_for(person)
    return client
