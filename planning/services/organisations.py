"""Writes for organisations: creation, settings, and the organisations each one works with."""

from typing import Any

from django.db import transaction

from core.versioning import Actor, save_validated
from planning.models import Organisation, OrganisationRelation

# What the organisation's settings page may change (not its relations: see below).
SETTINGS_FIELDS = frozenset(
    {
        "name",
        "official_name",
        "kind",
        "country",
        "report_language",
        "municipality_code",
        "comparison_group",
        "relative_share",
        "reminder_days",
        "logo",
        "level_committee",
        "level_administration",
        "level_operation",
        "level_department",
        "level_unit",
    }
)


@transaction.atomic
def organisation_create(*, name: str, actor: Actor, **fields: Any) -> Organisation:
    """Create an organisation (municipality or region)."""
    return save_validated(Organisation(name=name, **fields), actor=actor)


@transaction.atomic
def organisation_update(*, organisation: Organisation, actor: Actor, **fields: Any) -> Organisation:
    """Change the organisation's settings (see `SETTINGS_FIELDS`).

    `logo` is an uploaded image to store, or "" to remove the logo. The follow-up scheme has its
    own service (`planning.services.schemes.scheme_save`).
    """
    unknown = set(fields) - SETTINGS_FIELDS
    if unknown:
        raise TypeError(f"organisation_update cannot change {', '.join(sorted(unknown))}")
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    for name, value in fields.items():
        setattr(organisation, name, value)
    return save_validated(organisation, actor=actor)


@transaction.atomic
def relation_add(
    *, organisation: Organisation, related: Organisation, actor: Actor
) -> OrganisationRelation:
    """List `related` as an organisation this one works with. Joint plans between them are
    possible once each has listed the other. Listing one already listed changes nothing."""
    existing = OrganisationRelation.objects.filter(
        organisation=organisation, related=related
    ).first()
    if existing is not None:
        return existing
    return save_validated(
        OrganisationRelation(organisation=organisation, related=related), actor=actor
    )


@transaction.atomic
def relation_remove(*, organisation: Organisation, related: Organisation, actor: Actor) -> None:
    """Stop listing `related`. Plans they already share keep their partners."""
    for relation in OrganisationRelation.objects.filter(organisation=organisation, related=related):
        if getattr(actor, "is_authenticated", False):
            relation._history_user = actor
        relation.delete()
