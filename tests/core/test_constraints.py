"""Check constraints validated without a query each (`core.constraints.ChecksTogether`): the
same answer as Django's query per constraint, for every constraint of the models that use it,
over many values; the same errors; the database asked once for what Python leaves to it."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import CheckConstraint, F, Q
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from core import constraints
from core.constraints import ChecksTogether, NotInPython, condition_holds
from goals.models import Activity
from indicators.models import Indicator
from planning.models import Plan

MODELS = [Indicator, Activity, Plan]


def checks_of(model) -> list[CheckConstraint]:
    return [each for each in model._meta.constraints if isinstance(each, CheckConstraint)]


def lookups(condition: Q):
    for child in condition.children:
        if isinstance(child, Q):
            yield from lookups(child)
        else:
            yield child


def candidates(model) -> dict[str, list]:
    """For each field a constraint of `model` names: NULL, the values the constraints compare
    it with, and values just beside them (the edges of each comparison)."""
    found: dict[str, set] = {}
    for constraint in checks_of(model):
        for name, wanted in lookups(Q(constraint.condition)):
            field = name.split("__")[0]
            values = found.setdefault(field, {None})
            others = [wanted] if not isinstance(wanted, list | tuple) else list(wanted)
            for other in others:
                if isinstance(other, F):
                    found.setdefault(other.name, {None})
                elif isinstance(other, bool):
                    values |= {True, False}
                elif isinstance(other, int | Decimal):
                    values |= {other - 1, other, other + 1}
                elif isinstance(other, str):
                    values |= {other, "", "zz"}
    numbers = [Decimal(69), Decimal(70), Decimal(80), Decimal(81)]
    for name, values in found.items():
        field = model._meta.get_field(name) if name != "pk" else model._meta.pk
        if isinstance(field, models.DecimalField):
            values |= set(numbers)
        elif isinstance(field, models.ForeignKey | models.AutoField | models.BigAutoField):
            values |= {1, 2}
        elif isinstance(field, models.DateField):
            values |= {datetime.date(2026, 1, 1)}
        elif isinstance(field, models.BooleanField):
            values |= {True, False}
        elif isinstance(field, models.IntegerField):
            values |= {0, 1, 2, 80}
    typed = {}
    for name, values in found.items():
        field = model._meta.get_field(name) if name != "pk" else model._meta.pk
        kept = []
        for value in values:
            try:
                kept.append(None if value is None else field.to_python(value))
            except (ValidationError, TypeError, ValueError):
                continue  # not a value of this field
        typed[field.attname] = sorted(set(kept), key=repr)
    return typed


def the_database_says_it_holds(model, instance, constraint) -> bool:
    try:
        constraint.validate(model, instance)
    except ValidationError:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_each_check_is_answered_as_the_database_answers_it(model):
    fields = candidates(model)
    names = sorted(fields)
    pick = random.Random(1)
    chosen = [[pick.choice(fields[name]) for name in names] for _ in range(300)]
    worked_out, answers = 0, set()
    for values in chosen:
        instance = model(**dict(zip(names, values, strict=True)))
        for constraint in checks_of(model):
            try:
                holds = condition_holds(Q(constraint.condition), instance) is not False
            except NotInPython:
                continue
            worked_out += 1
            answers.add(holds)
            assert holds == the_database_says_it_holds(model, instance, constraint), (
                constraint.name,
                dict(zip(names, values, strict=True)),
            )
    # Python works out (nearly) every one of these models' conditions, both ways.
    assert worked_out >= 0.9 * len(chosen) * len(checks_of(model))
    assert answers == {True, False}


def a_bad_indicator() -> Indicator:
    return Indicator(
        name="HME", direction="higher", target_kind="bands", green_bound=Decimal(80),
        red_bound=Decimal(90), decimals=9, unit="other", unit_label="",
    )  # fmt: skip


@pytest.mark.django_db
def test_the_errors_are_djangos_in_its_order():
    indicator = a_bad_indicator()
    with pytest.raises(ValidationError) as ours:
        indicator.validate_constraints()
    with pytest.raises(ValidationError) as djangos:
        models.Model.validate_constraints(indicator)
    assert ours.value.message_dict == djangos.value.message_dict
    assert len(ours.value.messages) == 3  # the red bound, the decimals, the unit's name


@pytest.mark.django_db
def test_an_indicator_is_checked_without_a_query():
    indicator = a_bad_indicator()
    with CaptureQueriesContext(connection) as counted, pytest.raises(ValidationError):
        indicator.validate_constraints()
    assert counted.captured_queries == []


@pytest.mark.django_db
def test_what_python_leaves_goes_to_the_database_in_one_query(monkeypatch):
    def leave_it(_condition, _instance):
        raise NotInPython("everything")

    monkeypatch.setattr(constraints, "condition_holds", leave_it)
    indicator = a_bad_indicator()
    with CaptureQueriesContext(connection) as counted, pytest.raises(ValidationError) as ours:
        indicator.validate_constraints()
    checks = [query for query in counted.captured_queries if "_check_" in query["sql"]]
    assert len(checks) == 1
    assert len(ours.value.messages) == 3


@pytest.mark.parametrize(
    "condition",
    [
        Q(name__lt="b"),  # text in order: the database's collation
        Q(name__lower="hme"),  # a transform
        Q(Lower("name")),  # an expression
        Q(goal__plan__name="x"),  # across a relation
        Q(decimals=Decimal(1)) ^ Q(decimals=2),  # XOR
        Q(decimals="2"),  # a number against text
    ],
)
def test_what_python_leaves_to_the_database(condition):
    with pytest.raises(NotInPython):
        condition_holds(condition, Indicator(name="HME", decimals=1))


def test_a_null_compared_is_unknown_and_passes():
    assert condition_holds(Q(red_bound__lt=F("green_bound")), Indicator(red_bound=None)) is None
    assert condition_holds(~Q(red_bound__lt=F("green_bound")), Indicator()) is None
    assert condition_holds(Q(red_bound__isnull=True) | Q(decimals__lt=0), Indicator()) is True
    assert condition_holds(Q(red_bound__isnull=False) & Q(green_bound__gt=0), Indicator()) is False


def test_the_models_that_save_most_check_together():
    assert all(issubclass(model, ChecksTogether) for model in MODELS)
