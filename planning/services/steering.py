"""Writes for what an organisation defines for all its plans: its perspectives and the scale
its goals are assessed on (see `planning.models.scales`).

A level of the scale is never deleted: goals may have been assessed with it (the goals app
knows which). A level no longer wanted is no longer offered (`is_active`), and the assessments
made with it stay readable with their label.
"""

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from core.versioning import Actor, delete_recorded, save_validated
from planning.models import SCALES, AssessmentLevel, Organisation, Perspective, default_levels


@transaction.atomic
def perspectives_save(
    *, organisation: Organisation, rows: list[dict[str, Any]], actor: Actor
) -> list[Perspective]:
    """Make the organisation's perspectives the rows given, in their order: each row is
    {"perspective": an existing one or None, "name", "description", "delete": bool}. Deleted
    perspectives leave their goals and indicators without one."""
    kept = []
    for row in rows:
        perspective = row.get("perspective")
        if row.get("delete"):
            if perspective is not None and perspective.pk is not None:
                delete_recorded(perspective, actor=actor)
            continue
        if perspective is None:
            perspective = Perspective(organisation=organisation)
        perspective.name = row["name"]
        perspective.description = row.get("description", "")
        perspective.position = len(kept)
        kept.append(save_validated(perspective, actor=actor))
    return kept


def _stored_levels(organisation: Organisation) -> list[AssessmentLevel]:
    """The organisation's levels, stored: the default five the first time it edits them."""
    stored = list(AssessmentLevel.objects.select_for_update().filter(organisation=organisation))
    if not stored:
        stored = [save_validated(level, actor=None) for level in default_levels(organisation)]
    return stored


def _free_key(wanted: str, taken: set[str]) -> str:
    base = (slugify(wanted).replace("-", "_") or "level")[:16]
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    taken.add(key)
    return key


@transaction.atomic
def assessment_levels_save(
    *, organisation: Organisation, rows: list[dict[str, Any]], actor: Actor
) -> list[AssessmentLevel]:
    """Make the organisation's scale the rows given, in their order: each row is
    {"level": an existing one or None, "meaning", "label_sv"... "label_en", "is_active"}."""
    stored = {level.pk: level for level in _stored_levels(organisation)}
    taken = {level.key for level in stored.values()}
    saved = []
    for position, row in enumerate(rows):
        level = row.get("level")
        level = stored.get(level.pk) if level is not None else None
        if level is None:
            level = AssessmentLevel(
                organisation=organisation,
                key=_free_key(row.get("label_en") or row.get("label_sv") or "", taken),
            )
        for name in ("meaning", "label_sv", "label_nb", "label_nn", "label_en", "is_active"):
            setattr(level, name, row[name])
        level.position = position
        saved.append(save_validated(level, actor=actor))
    return saved


@transaction.atomic
def assessment_scale_use(*, organisation: Organisation, scale: str, actor: Actor) -> None:
    """Assess goals on one of the scales organisations start from (`SCALES`: "three" or
    "five"): its levels are offered (added, or offered again), the others no longer."""
    stored = {level.key: level for level in _stored_levels(organisation)}
    wanted = [level.key for level in default_levels(organisation, scale)]
    for level in stored.values():
        if level.key not in wanted and level.is_active:
            level.is_active = False
            save_validated(level, actor=actor)
    position = 0
    for level in default_levels(organisation, scale):
        existing = stored.get(level.key)
        if existing is None:
            level.position = position
            save_validated(level, actor=actor)
        elif not existing.is_active or existing.position != position:
            existing.is_active, existing.position = True, position
            save_validated(existing, actor=actor)
        position += 1
    retired = [level for level in stored.values() if level.key not in wanted]
    for level in retired:
        level.position = position
        position += 1
        save_validated(level, actor=actor)


__all__ = ["SCALES", "assessment_levels_save", "assessment_scale_use", "perspectives_save"]
