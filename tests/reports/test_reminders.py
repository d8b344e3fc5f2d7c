"""Reporting reminders through a real SMTP server: before the deadline and after it to the unit
managers whose part is not ready, to the planners when every part is ready; in each person's
language; never twice; none to those who said no; refused mail tried again."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from goals.evaluation import months
from goals.services import activity_create
from planning.models import PersonSettings, Plan, Role
from planning.services import (
    membership_grant,
    period_set_deadline,
    period_set_open,
    plan_set_status,
    readiness_mark,
)
from reports.models import Reminder
from reports.reminders import reminders_send

pytest_plugins = ["tests.planner_roles", "tests.smtp"]

DEADLINE = datetime.date(2023, 5, 15)


@pytest.fixture
def world(people, plan, periods, goal, units, django_user_model):
    """The operation's plan, decided, reported by Hemtjänst (unit_a: Erik, in Swedish) and IFO
    (unit_b: Frida, who reads English, and Olle, who wants no reminders) in T1, open with a
    deadline on 15 May; the planner Anna plans for the operation."""
    for unit in ("unit_a", "unit_b"):
        activity_create(
            goal=goal, title=f"Aktivitet {unit}", unit=units[unit], ongoing=True,
            evaluated_months=months(4, 12), actor=None,
        )  # fmt: skip
    plan_set_status(
        plan=plan,
        status=Plan.Status.DECIDED,
        decision_date=datetime.date(2022, 12, 1),
        actor=None,
        expected_version=None,
    )
    t1 = period_set_open(period=periods[0], is_open=True, actor=None)
    t1 = period_set_deadline(period=t1, deadline=DEADLINE, actor=None)

    def manager(username, first, unit, **settings):
        user = django_user_model.objects.create_user(
            username, email=f"{username}@testkommun.example", first_name=first, last_name="Test"
        )
        membership_grant(
            user=user, organisation=plan.organisation, unit=units[unit],
            role=Role.UNIT_MANAGER, actor=None,
        )  # fmt: skip
        if settings:
            PersonSettings.objects.create(user=user, **settings)
        return user

    for user in (people.own_manager, people.planner):
        user.email = f"{user.username}@testkommun.example"
        user.save()
    return {
        "plan": plan,
        "t1": t1,
        "erik": people.own_manager,
        "frida": manager("frida", "Frida", "unit_b", language="en"),
        "olle": manager("olle", "Olle", "unit_b", reminders=False),
        "anna": people.planner,
        "units": units,
    }


def subject(message) -> str:
    """The subject as read: a long one is folded onto several lines when sent."""
    return " ".join(message["Subject"].split())


def sent_to(mailbox) -> list[str]:
    return sorted(address for recipients in mailbox.recipients for address in recipients)


def test_nothing_is_sent_before_the_reminder_days(world, smtp_server):
    run = reminders_send(today=DEADLINE - datetime.timedelta(days=8))
    assert (run.total, smtp_server.messages) == (0, [])


def test_the_managers_who_have_not_reported_are_reminded_in_their_language(world, smtp_server):
    reminders_send(today=DEADLINE - datetime.timedelta(days=7))
    assert sent_to(smtp_server) == ["enhetschef@testkommun.example", "frida@testkommun.example"]
    by_person = {message["To"]: message for message in smtp_server.messages}
    swedish = by_person["enhetschef@testkommun.example"]
    english = by_person["frida@testkommun.example"]
    assert subject(swedish) == (
        "Påminnelse: rapportera Verksamhetsplan Omsorg 2023 för Tertial 1 2023 senast 2023-05-15"
    )
    assert subject(english).startswith(
        "Reminder: report Verksamhetsplan Omsorg 2023 for Tertial 1 2023 by "
    )
    body = english.get_content()
    assert "IFO has not marked its part of Verksamhetsplan Omsorg 2023 ready" in body
    link = f"{reverse('reports:reporting')}?period={world['t1'].pk}&unreported=1"
    assert link in body and body.count("http://") == 2
    assert reverse("planning:my_settings") in body


def test_a_job_run_twice_sends_nothing_twice(world, smtp_server):
    day = DEADLINE - datetime.timedelta(days=2)
    first = reminders_send(today=day)
    second = reminders_send(today=day)
    assert (first.total, second.total, second.already_sent) == (2, 0, 2)
    assert len(smtp_server.messages) == 2
    assert Reminder.objects.count() == 2


def test_after_the_deadline_only_the_units_still_not_ready_hear_once_more(world, smtp_server):
    reminders_send(today=DEADLINE - datetime.timedelta(days=1))
    readiness_mark(
        plan=world["plan"], period=world["t1"], unit=world["units"]["unit_a"], actor=None
    )
    smtp_server.messages.clear()
    smtp_server.recipients.clear()
    run = reminders_send(today=DEADLINE + datetime.timedelta(days=1))
    assert run.sent[Reminder.Kind.OVERDUE] == 1
    assert sent_to(smtp_server) == ["frida@testkommun.example"]
    assert subject(smtp_server.messages[0]).startswith("The deadline has passed: report ")


def test_the_planner_hears_once_when_every_part_is_ready(world, smtp_server):
    for unit in ("unit_a", "unit_b"):
        readiness_mark(
            plan=world["plan"], period=world["t1"], unit=world["units"][unit], actor=None
        )
    run = reminders_send(today=DEADLINE - datetime.timedelta(days=30))
    again = reminders_send(today=DEADLINE + datetime.timedelta(days=3))
    assert (run.sent[Reminder.Kind.ALL_READY], again.total) == (1, 0)
    assert sent_to(smtp_server) == ["planerare@testkommun.example"]
    assert subject(smtp_server.messages[0]) == (
        "Alla delar av Verksamhetsplan Omsorg 2023 är klara för Tertial 1 2023"
    )


def test_a_person_who_chose_no_reminders_gets_none(world, smtp_server):
    reminders_send(today=DEADLINE)
    assert "olle@testkommun.example" not in sent_to(smtp_server)


def test_mail_the_server_refused_is_tried_again_by_the_next_run(world, settings, smtp_server):
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},  # nothing listens
        }
    }
    failed = reminders_send(today=DEADLINE)
    assert (failed.total, failed.failed, Reminder.objects.count()) == (0, 2, 0)
    settings.MAILERS = working
    retried = reminders_send(today=DEADLINE)
    assert (retried.total, len(smtp_server.messages)) == (2, 2)


def test_the_command_queues_the_job_for_the_worker(world, settings):
    call_command("send_reminders")
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "reports.tasks.send_reminders"
    assert Reminder.objects.count() == 0


def test_the_job_run_by_the_tasks_framework_sends_the_reminders(world, settings, smtp_server):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    call_command("send_reminders")  # runs today: long after the deadline of 2023
    assert sent_to(smtp_server) == ["enhetschef@testkommun.example", "frida@testkommun.example"]
    assert set(Reminder.objects.values_list("kind", flat=True)) == {Reminder.Kind.OVERDUE}


# --- the deadline and the person's settings on their pages ------------------------------------


def test_a_deadline_before_the_period_starts_is_refused(world, english):
    with pytest.raises(ValidationError) as caught:
        period_set_deadline(period=world["t1"], deadline=datetime.date(2022, 12, 31), actor=None)
    assert "reporting_deadline" in caught.value.message_dict
    world["t1"].refresh_from_db()
    assert world["t1"].reporting_deadline == DEADLINE


def test_the_administrator_sets_the_deadline_on_the_periods_page(en_client, people, world):
    en_client.force_login(people.administrator)
    url = reverse("planning:period_set_deadline", args=[world["t1"].pk])
    refused = en_client.post(url, {"deadline": "2022-12-01"}, follow=True)
    assert "cannot be before the period starts" in refused.text
    saved = en_client.post(url, {"deadline": "2023-05-20"}, follow=True)
    assert "the reporting deadline is" in saved.text
    world["t1"].refresh_from_db()
    assert world["t1"].reporting_deadline == datetime.date(2023, 5, 20)


def test_a_unit_manager_cannot_set_a_deadline(client, people, world):
    client.force_login(people.own_manager)
    url = reverse("planning:period_set_deadline", args=[world["t1"].pk])
    assert client.post(url, {"deadline": "2023-05-20"}).status_code == 404


def test_a_person_turns_reminders_off_and_chooses_a_language(client, world, smtp_server):
    client.force_login(world["erik"])
    page = client.get(reverse("planning:my_settings"))
    assert page.status_code == 200
    response = client.post(reverse("planning:my_settings"), {"language": "en"}, follow=True)
    assert response.status_code == 200
    settings = PersonSettings.objects.get(user=world["erik"])
    assert (settings.language, settings.reminders) == ("en", False)
    reminders_send(today=DEADLINE)
    assert "enhetschef@testkommun.example" not in sent_to(smtp_server)


def test_the_unit_managers_page_shows_the_deadline_and_the_way_to_mark_the_part_ready(
    en_client, world
):
    en_client.force_login(world["erik"])
    page = en_client.get(reverse("reports:reporting"))
    assert page.status_code == 200
    assert 'data-deadline="2023-05-15"' in page.text
    assert "The deadline for reporting was" in page.text  # today is long after 2023
    readiness = reverse("reports:readiness", args=[world["plan"].pk, world["t1"].pk])
    assert f'href="{readiness}"' in page.text
