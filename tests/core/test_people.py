"""A person's name from plain values says what the user's own name methods say."""

import pytest
from django.contrib.auth import get_user_model

from core.people import NAME_FIELDS, person_name_of


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [("Anna", "Berg", "Anna Berg"), ("Anna", "", "Anna"), ("", "Berg", "Berg"), ("", "", "kalle")],
)
def test_the_full_name_else_the_user_name(db, first, last, expected):
    user = get_user_model().objects.create_user("kalle", first_name=first, last_name=last)
    values = get_user_model().objects.values_list(*NAME_FIELDS).get(pk=user.pk)
    assert person_name_of(*values) == expected == (user.get_full_name() or user.get_username())


def test_nobody_has_no_name():
    assert person_name_of(None, None, None) == ""
