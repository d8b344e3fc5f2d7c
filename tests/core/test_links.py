import pytest
from django.urls import reverse

from core.links import url_by_id


def test_a_url_by_id_is_what_reverse_gives_for_every_id():
    overview = url_by_id("reports:overview")
    for pk in (1, 7, 42, 2147483647, 10**12):
        assert overview(pk) == reverse("reports:overview", args=[pk])


def test_a_url_by_id_takes_an_id_only():
    structure = url_by_id("authoring:plan_structure")
    assert structure("15") == reverse("authoring:plan_structure", args=[15])
    with pytest.raises(ValueError):
        structure("15/../admin")


def test_a_url_by_id_keeps_the_arguments_before_the_id():
    history = url_by_id("authoring:object_history", "activity")
    for pk in (1, 42, 10**9):
        assert history(pk) == reverse("authoring:object_history", args=["activity", pk])
