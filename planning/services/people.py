"""Writes for people: invitations, roles on units, deactivation.

An invitation makes an account without a password and sends a one-time link (Django's password
reset tokens) to set one; the e-mail goes out inside the transaction, so that an invitation
that could not be sent leaves nothing behind. A deactivated person keeps their roles and their
history but can no longer log in.
"""

import logging
import smtplib

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core.oidc import sso_enabled
from core.versioning import Actor, save_validated
from planning.models import (
    AccountEvent,
    EmployeeNumber,
    Membership,
    Organisation,
    PersonSettings,
    Role,
    Unit,
)

logger = logging.getLogger(__name__)


def _record(user, organisation: Organisation, kind: str, actor: Actor) -> AccountEvent:
    return save_validated(
        AccountEvent(
            user=user,
            organisation=organisation,
            kind=kind,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            at=timezone.now(),
        ),
        actor=actor,
    )


@transaction.atomic
def membership_grant(
    *, user, organisation: Organisation, role: str, unit: Unit | None = None, actor: Actor
) -> Membership:
    """Give a user a role on a unit (and the units below it), or on the whole organisation.

    Granting a role the user already has returns the existing membership. A closed unit takes
    no new roles.
    """
    Role(role)  # refuses an unknown role before anything is written
    existing = Membership.objects.filter(
        user=user, organisation=organisation, unit=unit, role=role
    ).first()
    if existing is not None:
        return existing
    if unit is not None and unit.is_closed:
        raise ValidationError(
            {"unit": _("%(unit)s is closed and takes no new roles.") % {"unit": unit}},
            code="closed",
        )
    return save_validated(
        Membership(user=user, organisation=organisation, unit=unit, role=role), actor=actor
    )


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Actor) -> None:
    """Take a role away. The organisation's last administrator for the whole organisation
    keeps theirs: someone must be able to give roles."""
    stored = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if stored.role == Role.ADMINISTRATOR and stored.unit_id is None:
        others = Membership.objects.filter(
            organisation_id=stored.organisation_id,
            unit__isnull=True,
            role=Role.ADMINISTRATOR,
            user__is_active=True,
        ).exclude(pk=stored.pk)
        if not others.exists():
            raise ValidationError(
                _(
                    "%(person)s is the only administrator of the whole organisation. "
                    "Give someone else that role first."
                )
                % {"person": stored.user.get_full_name() or stored.user.get_username()},
                code="last_administrator",
            )
    if getattr(actor, "is_authenticated", False):
        stored._history_user = actor
    stored.delete()


def existing_account_error(email: str) -> ValidationError:
    return ValidationError(
        {
            "email": _(
                "There is already an account for %(email)s. Find the person under People and "
                "give them a role there instead."
            )
            % {"email": email}
        },
        code="account_exists",
    )


def invitation_link(user, site_url: str) -> str:
    """The one-time link to set a password: valid until it is used, or for
    PASSWORD_RESET_TIMEOUT seconds."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site_url.rstrip("/") + reverse("invitation_accept", args=[uid, token])


def _send_invitation(user, organisation: Organisation, actor: Actor, site_url: str) -> None:
    """The invitation, in the organisation's language. Raises ValidationError if the mail server
    refuses it or cannot be reached (the transaction then leaves nothing behind)."""
    inviter = ""
    if getattr(actor, "is_authenticated", False):
        inviter = actor.get_full_name() or actor.get_username()
    with translation.override(organisation.report_language):
        context = {
            "user": user,
            "organisation": organisation,
            "inviter": inviter,
            "link": invitation_link(user, site_url),
            "site_url": site_url,
            # With single sign-on the person may log in with their organisation's account.
            "login_link": site_url.rstrip("/") + reverse("login") if sso_enabled() else "",
        }
        subject = "".join(
            render_to_string("registration/invitation_subject.txt", context).splitlines()
        )
        body = render_to_string("registration/invitation_email.txt", context)
    try:
        EmailMessage(subject=subject, body=body, to=[user.email]).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("The invitation to user %s could not be sent: %s", user.pk, error)
        raise ValidationError(
            _(
                "The invitation could not be sent to %(email)s (the mail server answered: "
                "%(error)s). Nothing was saved; try again later."
            )
            % {"email": user.email, "error": error},
            code="not_sent",
        ) from error


@transaction.atomic
def person_invite(
    *,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str,
    unit: Unit | None,
    site_url: str,
    actor: Actor,
    employee_number: str = "",
):
    """Make an account for a new person with a role, and e-mail them a link to set a password
    (or, with single sign-on, to log in with their organisation's account).

    Refused for an address that already has an account (give that person a role instead), and
    for an employee id another person has.
    """
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip())
    username = email.lower()
    if (
        user_model.objects.filter(email__iexact=email).exists()
        or user_model.objects.filter(username__iexact=username).exists()
    ):
        raise existing_account_error(email)
    user = user_model(
        username=username, email=email, first_name=first_name.strip(), last_name=last_name.strip()
    )
    user.set_unusable_password()
    save_validated(user, actor=actor)
    if employee_number.strip():
        employee_number_set(user=user, number=employee_number, actor=actor)
    membership_grant(user=user, organisation=organisation, unit=unit, role=role, actor=actor)
    _record(user, organisation, AccountEvent.Kind.INVITED, actor)
    _send_invitation(user, organisation, actor, site_url)
    return user


@transaction.atomic
def employee_number_set(*, user, number: str, actor: Actor) -> EmployeeNumber | None:
    """Store the person's employee id (what single sign-on may match them by); an empty one
    removes it. Refused when another person has it."""
    number = number.strip()
    existing = EmployeeNumber.objects.filter(user=user).first()
    if not number:
        if existing is not None:
            existing.delete()
        return None
    if EmployeeNumber.objects.filter(number=number).exclude(user=user).exists():
        raise ValidationError(
            {
                "employee_number": _("Another person already has the employee id %(number)s.")
                % {"number": number}
            },
            code="employee_number_taken",
        )
    record = existing or EmployeeNumber(user=user)
    record.number = number
    return save_validated(record, actor=actor)


@transaction.atomic
def invitation_resend(*, user, organisation: Organisation, site_url: str, actor: Actor) -> None:
    """Send the invitation again (the first link has expired or was lost). Only to someone who
    has not set a password yet; the others can use "Forgot your password?"."""
    if user.has_usable_password() or not user.is_active:
        raise ValidationError(
            _(
                "%(person)s has already set a password or is deactivated; they can ask for a new "
                "password on the login page."
            )
            % {"person": user.get_full_name() or user.get_username()},
            code="not_invited",
        )
    _record(user, organisation, AccountEvent.Kind.INVITED, actor)
    _send_invitation(user, organisation, actor, site_url)


@transaction.atomic
def person_set_active(*, user, organisation: Organisation, active: bool, actor: Actor):
    """Deactivate a person (their roles and history stay; they can no longer log in), or let
    them in again. Nobody deactivates themselves or a system administrator here."""
    user_model = get_user_model()
    stored = user_model.objects.select_for_update().get(pk=user.pk)
    if not active and getattr(actor, "pk", None) == stored.pk:
        raise ValidationError(_("You cannot deactivate yourself."), code="self")
    if not active and stored.is_superuser:
        raise ValidationError(
            _("A system administrator is deactivated in the system administration only."),
            code="superuser",
        )
    if stored.is_active == active:
        return stored
    stored.is_active = active
    save_validated(stored, actor=actor)
    _record(
        stored,
        organisation,
        AccountEvent.Kind.REACTIVATED if active else AccountEvent.Kind.DEACTIVATED,
        actor,
    )
    user.is_active = active
    return stored


@transaction.atomic
def person_settings_save(*, user, language: str, reminders: bool, actor: Actor) -> PersonSettings:
    """A person's own choices: the language of their e-mails (empty: the organisation's) and
    whether they receive reporting reminders."""
    found = PersonSettings.objects.select_for_update().filter(user=user).first()
    found = found or PersonSettings(user=user)
    found.language, found.reminders = language, reminders
    return save_validated(found, actor=actor)
