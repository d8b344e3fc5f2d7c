"""A model's check constraints validated without a query each: in Python when their
conditions are plain comparisons of the object's fields, else in one query for all."""

import datetime
import logging
from contextlib import nullcontext
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


class ChecksTogether(models.Model):
    """A model whose check constraints `full_clean` (services, forms, admin, imports)
    validates without asking the database about each.

    Django asks about each check constraint on its own: a query, and inside a transaction a
    savepoint and its release around it, three statements each (an indicator has fourteen:
    42 statements a save, about 3 ms of compiling). A condition made of comparisons of the
    object's own fields with values or with each other (`condition_holds`) is worked out
    here, with the database's logic of unknown values; any other goes to the database, all
    of them in one query. The answer is the same: a constraint fails when its condition is
    false, not when it is unknown (a NULL in it), as its CHECK does; the errors come in the
    order the constraints are declared."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude: set[str] | None = None) -> None:
        using = router.db_for_write(type(self), instance=self)
        if not connections[using].features.supports_comparing_boolean_expr:
            return super().validate_constraints(exclude)
        failed: set[str] = set()
        for model_class, constraints in self.get_constraints():
            asked = []
            for each in constraints:
                if not isinstance(each, CheckConstraint):
                    continue
                if exclude and each._expression_refs_exclude(model_class, each.condition, exclude):
                    continue  # as Django: not checked when a field of it is excluded
                try:
                    if condition_holds(Q(each.condition), self) is False:
                        failed.add(each.name)
                except NotInPython:
                    asked.append(each)
            failed |= failed_checks(self, model_class, asked, exclude, using)
        errors: dict[str, Any] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    if isinstance(constraint, CheckConstraint):
                        if constraint.name in failed:
                            raise ValidationError(
                                constraint.get_violation_error_message(),
                                code=constraint.violation_error_code,
                            )
                        continue
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    # As Django files them: a unique constraint's on its one field.
                    fields = getattr(constraint, "fields", ())
                    if getattr(error, "code", None) == "unique" and len(fields) == 1:
                        errors.setdefault(fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


def failed_checks(
    instance: models.Model,
    model_class: type[models.Model],
    checks: list[CheckConstraint],
    exclude: set[str] | None,
    using: str,
) -> set[str]:
    """The names of the check constraints of `model_class` whose condition the database says
    is false for the instance's values: one SELECT of every condition (in a savepoint inside a
    transaction, so that a condition the database cannot compute does not break it; such a
    constraint passes, as in Django)."""
    if not checks:
        return set()
    query = Query(None)
    against = instance._get_field_expression_map(meta=model_class._meta, exclude=exclude)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    for index, constraint in enumerate(checks):
        # A CHECK fails only when false: unknown (a NULL in it) passes.
        passes = Coalesce(constraint.condition, True, output_field=BooleanField())
        query.add_annotation(passes, f"_check_{index}")
    connection = connections[using]
    try:
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            answers = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:
        logger.warning("Got a database error checking %r: %s", checks, error)
        return set()
    return {each.name for each, passes in zip(checks, answers, strict=True) if not passes}


# --- Conditions worked out in Python ---------------------------------------------------------


class NotInPython(Exception):
    """A condition `condition_holds` leaves to the database."""


NUMBERS = (int, float, Decimal)
ORDER = {
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
}
LOOKUPS = {"exact", "isnull", "in", *ORDER}


def condition_holds(condition: Q, instance: models.Model) -> bool | None:
    """Whether a check constraint's condition holds for the object's values: True, False or
    None (unknown: a NULL compared), as the database would answer. Raises NotInPython for
    anything but AND, OR and NOT of `field`, `field__exact`, `__isnull`, `__in`, `__lt`,
    `__lte`, `__gt` and `__gte` with plain values or `F("other_field")`, and for values of
    kinds the database might compare otherwise (text ordered, a number against text)."""
    if condition.connector not in (Q.AND, Q.OR):
        raise NotInPython(condition.connector)
    answers = [
        condition_holds(child, instance) if isinstance(child, Q) else _lookup(child, instance)
        for child in condition.children
    ]
    decisive = condition.connector == Q.OR  # True decides an OR, False an AND
    if decisive in answers:
        answer = decisive
    elif None in answers:
        answer = None
    else:
        answer = not decisive
    if condition.negated and answer is not None:
        return not answer
    return answer


def _lookup(child: Any, instance: models.Model) -> bool | None:
    if not isinstance(child, tuple) or len(child) != 2:
        raise NotInPython(child)
    name, wanted = child
    field_name, _, lookup = name.partition("__")
    lookup = lookup or "exact"
    if lookup not in LOOKUPS:  # another lookup, a transform, a related object's field
        raise NotInPython(child)
    value = _field_value(instance, field_name)
    if lookup == "isnull":
        if not isinstance(wanted, bool):
            raise NotInPython(child)
        return (value is None) == wanted
    if lookup == "exact" and wanted is None:
        return value is None  # `field=None` is IS NULL
    if isinstance(wanted, F):
        wanted = _field_value(instance, wanted.name)
    elif hasattr(wanted, "resolve_expression"):
        raise NotInPython(child)
    if lookup == "in":
        if not isinstance(wanted, list | tuple | set | frozenset) or None in wanted:
            raise NotInPython(child)
        if value is None:
            return None
        if not all(_same_kind(value, each, ordered=False) for each in wanted):
            raise NotInPython(child)
        return value in wanted
    if value is None or wanted is None:
        return None
    if lookup == "exact":
        if not _same_kind(value, wanted, ordered=False):
            raise NotInPython(child)
        return value == wanted
    if not _same_kind(value, wanted, ordered=True):
        raise NotInPython(child)
    return ORDER[lookup](value, wanted)


def _field_value(instance: models.Model, name: str) -> Any:
    """A concrete field's value as stored (a relation's id); `pk` the primary key's."""
    if name == "pk":
        return instance.pk
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        raise NotInPython(name) from None
    if not field.concrete or field.many_to_many:
        raise NotInPython(name)
    return getattr(instance, field.attname)


def _same_kind(a: Any, b: Any, *, ordered: bool) -> bool:
    """Whether Python compares `a` and `b` as the database does: numbers with numbers,
    booleans with booleans (not in order), days with days, and text with text (not in order,
    which follows the database's collation)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and not ordered
    if isinstance(a, NUMBERS) and isinstance(b, NUMBERS):
        return True
    if isinstance(a, datetime.date):
        return type(a) is type(b)
    return isinstance(a, str) and isinstance(b, str) and not ordered
