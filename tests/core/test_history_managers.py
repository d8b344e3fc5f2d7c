"""`core.history.cache_history_managers`: every model's history manager class is made once,
and the managers work as django-simple-history's own."""

from django.apps import apps
from simple_history.manager import HistoryDescriptor

from goals.models import Goal
from goals.services import goal_create, goal_update


def test_every_model_with_a_history_gets_the_manager_class_made_once():
    with_history = [
        model
        for model in apps.get_models()
        if any(isinstance(found, HistoryDescriptor) for found in vars(model).values())
    ]
    assert len(with_history) >= 10
    for model in with_history:
        assert type(model.history) is type(model.history), model
        assert model.history.model is model.history.model, model


def test_an_objects_history_is_its_own_and_the_models_is_everyones(plan):
    first = goal_create(plan=plan, number=1, title="Trygg vård", actor=None)
    other = goal_create(plan=plan, number=2, title="Nära vård", actor=None)
    goal_update(goal=first, title="Trygg och nära vård", actor=None)

    assert [record.title for record in first.history.order_by("history_id")] == [
        "Trygg vård",
        "Trygg och nära vård",
    ]
    assert [record.title for record in other.history.all()] == ["Nära vård"]
    assert Goal.history.filter(id__in=[first.pk, other.pk]).count() == 3
    assert first.history.latest().instance.title == "Trygg och nära vård"
