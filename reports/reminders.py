"""Reporting reminders by e-mail: the job that runs without anyone pressing a button.

For every open follow-up period with a reporting deadline, and every plan followed up in it:
- each unit expected to report (`reports.selectors.lists.plan_readiness`) that has not marked
  its part ready gets its unit managers reminded `Organisation.reminder_days` days before the
  deadline (`due_soon`) and once more after it (`overdue`);
- when every expected unit has marked its part ready, the plan's planners hear it once
  (`all_ready`).
A person who chose no reminders (`planning.PersonSettings`) gets none. Each e-mail is written in
the person's language (else the organisation's) and recorded as a `Reminder` in the same
transaction as it is sent: a job run twice, or two at once, sends nothing twice, and an e-mail
the mail server refused is tried again by the next run.

`manage.py send_reminders` queues the job for the worker (for cron, once a day); the worker
sends through Django's e-mail framework (`MAILERS`, from the environment).
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from planning.models import FollowUpPeriod, Membership, Plan, Role, Unit
from reports.models import Reminder
from reports.selectors.lists import plan_readiness

logger = logging.getLogger(__name__)


@dataclass
class ReminderRun:
    """What one run of the job did."""

    sent: dict[str, int] = field(default_factory=lambda: {kind: 0 for kind in Reminder.Kind})
    already_sent: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def due_kind(period: FollowUpPeriod, today: datetime.date) -> str | None:
    """Which reminder the period's deadline calls for today, if any."""
    deadline = period.reporting_deadline
    if deadline is None:
        return None
    if today > deadline:
        return Reminder.Kind.OVERDUE
    if today >= deadline - datetime.timedelta(days=period.organisation.reminder_days):
        return Reminder.Kind.DUE_SOON
    return None


def periods_with_deadlines() -> list[FollowUpPeriod]:
    """The open periods that have a reporting deadline."""
    return list(
        FollowUpPeriod.objects.filter(is_open=True, reporting_deadline__isnull=False)
        .select_related("organisation")
        .order_by("reporting_deadline", "pk")
    )


def plans_followed_up_in(period: FollowUpPeriod) -> list[Plan]:
    """The decided plans of the period's organisation whose years cover the period."""
    return list(
        Plan.objects.filter(
            organisation_id=period.organisation_id,
            status=Plan.Status.DECIDED,
            start_year__lte=period.year,
            end_year__gte=period.year,
        ).order_by("pk")
    )


def _wants_reminders(users):
    """Active people with an e-mail address who have not said no to reminders."""
    return [
        user
        for user in users
        if user.is_active
        and user.email
        and getattr(getattr(user, "styrkort_settings", None), "reminders", True)
    ]


def unit_managers_of(unit: Unit):
    """The people with the unit manager role on the unit itself."""
    memberships = Membership.objects.filter(unit=unit, role=Role.UNIT_MANAGER).select_related(
        "user", "user__styrkort_settings"
    )
    return _wants_reminders(membership.user for membership in memberships)


def planners_of(plan: Plan):
    """The planners of the plan: on its owner unit or a unit above it, or organisation-wide."""
    above: list[int] = []
    unit = plan.owner_unit
    while unit is not None:
        above.append(unit.pk)
        unit = unit.parent
    memberships = (
        Membership.objects.filter(organisation_id=plan.organisation_id, role=Role.PLANNER)
        .filter(Q(unit__isnull=True) | Q(unit_id__in=above))
        .select_related("user", "user__styrkort_settings")
    )
    return _wants_reminders({membership.user for membership in memberships})


def _language(user, period: FollowUpPeriod) -> str:
    chosen = getattr(getattr(user, "styrkort_settings", None), "language", "")
    return chosen or period.organisation.report_language


def _message(kind: str, user, plan: Plan, period: FollowUpPeriod, unit: Unit | None):
    site = settings.SITE_URL.rstrip("/")
    with translation.override(_language(user, period)):
        link = site + (
            reverse("reports:readiness", args=[plan.pk, period.pk])
            if kind == Reminder.Kind.ALL_READY
            else reverse("reports:reporting") + f"?period={period.pk}&unreported=1"
        )
        context = {
            "kind": kind,
            "user": user,
            "plan": plan,
            "period": period,
            "period_name": period.label,
            "unit": unit,
            "deadline": period.reporting_deadline,
            "link": link,
            "settings_link": site + reverse("planning:my_settings"),
        }
        subject = "".join(
            render_to_string("reports/email/reminder_subject.txt", context).splitlines()
        )
        body = render_to_string("reports/email/reminder.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


def _send_once(run: ReminderRun, kind: str, user, plan, period, unit: Unit | None) -> None:
    """Record the reminder and send it, in one transaction: sent once, or not at all."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                period=period, plan=plan, unit=unit, user=user, kind=kind, sent_at=timezone.now()
            )
            _message(kind, user, plan, period, unit).send()
    except IntegrityError:
        run.already_sent += 1
    except (smtplib.SMTPException, OSError) as error:
        run.failed += 1
        logger.warning("Reminder %s to user %s not sent: %s", kind, user.pk, error)
    else:
        run.sent[kind] += 1


def reminders_send(*, today: datetime.date | None = None) -> ReminderRun:
    """Send every reminder due today that was not sent before (see the module docstring)."""
    today = today or timezone.localdate()
    run = ReminderRun()
    periods = periods_with_deadlines()
    sent_before = set(
        Reminder.objects.filter(period__in=periods).values_list(
            "period_id", "plan_id", "unit_id", "user_id", "kind"
        )
    )
    for period in periods:
        kind = due_kind(period, today)
        for plan in plans_followed_up_in(period):
            rows = plan_readiness(plan, period)
            waiting = [unit for unit, readiness in rows if not readiness.ready]
            if rows and not waiting:
                for user in planners_of(plan):
                    key = (period.pk, plan.pk, None, user.pk, Reminder.Kind.ALL_READY)
                    if key in sent_before:
                        run.already_sent += 1
                        continue
                    _send_once(run, Reminder.Kind.ALL_READY, user, plan, period, None)
                continue
            if kind is None:
                continue
            for unit in waiting:
                for user in unit_managers_of(unit):
                    if (period.pk, plan.pk, unit.pk, user.pk, kind) in sent_before:
                        run.already_sent += 1
                        continue
                    _send_once(run, kind, user, plan, period, unit)
    return run
