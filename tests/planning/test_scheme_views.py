"""The organisation's own page for its follow-up scheme: who may see and change it, rows edited,
added, reordered and deleted in one save, a preset applied, each bad scheme refused above the
table in the user's language with the rows as typed and nothing saved; and the periods page
that shows the scheme and refuses a deadline before a period starts."""

import datetime
from dataclasses import replace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from planning.models import FollowUpPeriod, Role, SchemePeriod
from planning.models.schemes import SchemeRow, preset_rows, scheme_problems
from planning.services import (
    membership_grant,
    organisation_create,
    periods_ensure_year,
    scheme_save,
)
from tests.planning.test_steering_views import formset_data

pytest_plugins = ["tests.planner_roles"]

THIS_YEAR = timezone.localdate().year
NAMES = ("name_sv", "name_nb", "name_nn", "name_en")


@pytest.fixture
def whole_planner(django_user_model, organisation):
    """A planner of the whole organisation."""
    user = django_user_model.objects.create_user("kommunplanerare", password="pw")
    membership_grant(user=user, organisation=organisation, role=Role.PLANNER, actor=None)
    return user


def url(name: str, organisation) -> str:
    return reverse(f"planning:{name}", args=[organisation.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def stored(organisation) -> list[tuple]:
    return [
        (p.code, p.first_month, p.last_month, p.cumulative, p.name_sv)
        for p in SchemePeriod.objects.filter(organisation=organisation)
    ]


def shown_rows(rows: list[SchemeRow]) -> list[dict]:
    """The rows as the page shows them."""
    return [
        {
            "place": str(place),
            "code": row.code,
            "first_month": str(row.first_month),
            "last_month": str(row.last_month),
            "cumulative": row.cumulative,
            **{name: getattr(row, name) for name in NAMES},
        }
        for place, row in enumerate(rows, start=1)
    ]


def scheme_data(rows: list[SchemeRow], changes=None, new=()) -> dict:
    """What the scheme's form posts: `rows` as shown, with `changes` by row, then the `new`
    rows (an empty row is posted with every field empty)."""
    posted = shown_rows(rows)
    for index, change in (changes or {}).items():
        posted[index].update(change)
    empty = {"place": "", "code": "", "first_month": "", "last_month": "",
             **dict.fromkeys(NAMES, "")}  # fmt: skip
    posted += [{**empty, **row} for row in new]
    return formset_data("periods", posted, len(rows))


def named(name: str, **fields) -> dict:
    return {**dict.fromkeys(NAMES, name), **fields}


# --- Who may see and change it --------------------------------------------------------------------


def test_the_whole_organisations_planner_and_administrator_get_the_page(
    en_client, people, whole_planner, organisation
):
    for user in (whole_planner, people.administrator):
        en_client.force_login(user)
        page = en_client.get(url("scheme", organisation))
        assert page.status_code == 200
        # Until a scheme is saved, the tertials are shown, as rows to edit.
        assert "has not saved a scheme of its own yet" in page.text
        assert page.context["formset"].total_form_count() == 3 + 2  # two empty rows
        assert 'value="T1"' in page.text and 'value="Tertial 2"' in page.text
        assert 'aria-current="page">Follow-up scheme</a>' in page.text
        # Each preset with what it contains.
        assert "Interim reports, cumulative" in page.text
        assert "Interim report January–August (D2): January–August, cumulative" in page.text
        # Linked from the settings and the perspectives pages, and from the periods page.
        for name in ("organisation_settings", "steering"):
            assert url("scheme", organisation) in en_client.get(url(name, organisation)).text
        listing = en_client.get(reverse("planning:organisation_list"))
        assert url("scheme", organisation) in listing.text
        periods = en_client.get(reverse("planning:period_list"))
        assert url("scheme", organisation) in periods.text


@pytest.mark.parametrize("role", ["planner", "own_manager", "committee", "other_manager"])
def test_a_unit_role_or_a_committee_member_gets_404_and_changes_nothing(
    client, people, organisation, role
):
    client.force_login(getattr(people, role))
    assert client.get(url("scheme", organisation)).status_code == 404
    if role == "planner":  # the start page, which they see, does not offer it
        listing = client.get(reverse("planning:organisation_list")).text
        assert url("scheme", organisation) not in listing
    data = scheme_data(preset_rows("tertial"), {0: {"name_sv": "Första"}})
    assert client.post(url("scheme_save", organisation), data).status_code == 404
    assert client.post(url("scheme_preset", organisation), {"preset": "quarter"}).status_code == 404
    assert stored(organisation) == []


def test_another_organisations_administrator_gets_404(client, django_user_model, organisation):
    other = organisation_create(name="Annan kommun", actor=None)
    user = django_user_model.objects.create_user("annan")
    membership_grant(user=user, organisation=other, role=Role.ADMINISTRATOR, actor=None)
    client.force_login(user)
    assert client.get(url("scheme", organisation)).status_code == 404
    assert client.post(url("scheme_preset", organisation), {"preset": "quarter"}).status_code == 404
    assert client.get(url("scheme", other)).status_code == 200
    assert stored(organisation) == []


def test_anonymous_is_sent_to_log_in_and_changes_nothing(client, organisation):
    response = client.post(url("scheme_preset", organisation), {"preset": "quarter"})
    assert response["Location"].startswith(reverse("login"))
    assert stored(organisation) == []


def test_the_changes_are_post_only_and_need_the_csrf_token(people, organisation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.administrator)
    for name in ("scheme_save", "scheme_preset"):
        assert client.get(url(name, organisation)).status_code == 405, name
    response = client.post(url("scheme_preset", organisation), {"preset": "quarter"})
    assert response.status_code == 403
    assert stored(organisation) == []


def test_the_pages_make_as_many_queries_for_twelve_periods_as_for_three(
    client, people, organisation
):
    client.force_login(people.administrator)
    pages = (url("scheme", organisation), reverse("planning:period_list"))

    def counts() -> list[int]:
        periods_ensure_year(organisation=organisation, year=THIS_YEAR + 1, actor=None)
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page, {"year": THIS_YEAR + 1}).status_code == 200
            found.append(len(queries))
        return found

    scheme_save(organisation=organisation, rows=preset_rows("tertial"), actor=None)
    three = counts()
    scheme_save(organisation=organisation, rows=preset_rows("monthly"), actor=None)
    assert FollowUpPeriod.objects.filter(year=THIS_YEAR + 1).count() == 12
    assert counts() == three


# --- Editing the rows -----------------------------------------------------------------------------


def test_rows_are_renamed_changed_added_and_deleted_in_one_save(
    en_client, whole_planner, organisation
):
    en_client.force_login(whole_planner)
    tertials = preset_rows("tertial")
    data = scheme_data(
        tertials,
        {0: {"name_sv": "Första tertialen"}, 1: {"last_month": "6"}, 2: {"delete": True}},
        new=[named("Bokslut", code=" hel ", first_month="7", last_month="12")],
    )
    response = en_client.post(url("scheme_save", organisation), data, follow=True)
    assert response.redirect_chain[-1][0] == url("scheme", organisation)
    assert messages_of(response) == ["The follow-up scheme was saved."]
    assert stored(organisation) == [
        ("T1", 1, 4, False, "Första tertialen"),
        ("T2", 5, 6, False, "Tertial 2"),
        ("HEL", 7, 12, False, "Bokslut"),
    ]
    assert SchemePeriod.history.filter(history_user=whole_planner).exists()


def test_rows_are_reordered_by_their_place(en_client, people, organisation):
    en_client.force_login(people.administrator)
    # A new first quarter put first; the first tertial shortened to what follows it.
    data = scheme_data(
        preset_rows("tertial"),
        {0: {"code": "T1B", "first_month": "4", "name_sv": "Våren"}},
        new=[named("Kvartal 1", code="Q1", first_month="1", last_month="3", place="1")],
    )
    response = en_client.post(url("scheme_save", organisation), data, follow=True)
    assert messages_of(response) == ["The follow-up scheme was saved."]
    assert [row[0] for row in stored(organisation)] == ["Q1", "T1B", "T2", "T3"]


def test_saving_says_what_happened_to_the_periods_already_made(en_client, people, organisation):
    periods_ensure_year(organisation=organisation, year=THIS_YEAR, actor=None)
    en_client.force_login(people.administrator)
    rows = preset_rows("tertial")
    renamed = scheme_data(rows, {0: {"name_en": "First tertial"}})
    response = en_client.post(url("scheme_save", organisation), renamed, follow=True)
    assert messages_of(response) == [
        "The follow-up scheme was saved.",
        "1 period already made was renamed.",
    ]
    remade = scheme_data(rows, {1: {"last_month": "7"}, 2: {"first_month": "8"}})
    response = en_client.post(url("scheme_save", organisation), remade, follow=True)
    assert messages_of(response) == [
        "The follow-up scheme was saved.",
        f"The periods of {THIS_YEAR} were made again by the new scheme.",
    ]
    t3 = FollowUpPeriod.objects.get(organisation=organisation, year=THIS_YEAR, kind="T3")
    assert t3.starts_on == datetime.date(THIS_YEAR, 8, 1)


def test_a_year_with_reported_content_is_named_as_kept(
    en_client, people, organisation, monkeypatch
):
    periods_ensure_year(organisation=organisation, year=THIS_YEAR, actor=None)
    periods_ensure_year(organisation=organisation, year=THIS_YEAR + 1, actor=None)
    # Something reported this year (see test_services_schemes for a real value).
    monkeypatch.setattr(
        "planning.services.schemes.period_has_content", lambda period: period.year == THIS_YEAR
    )
    en_client.force_login(people.administrator)
    response = en_client.post(
        url("scheme_preset", organisation), {"preset": "quarter"}, follow=True
    )
    assert messages_of(response) == [
        "The follow-up scheme was saved.",
        f"{THIS_YEAR} keeps its periods because values were reported in them; the new scheme "
        f"applies from {THIS_YEAR + 1}.",
        f"The periods of {THIS_YEAR + 1} were made again by the new scheme.",
    ]


# --- A preset -------------------------------------------------------------------------------------


def test_a_preset_replaces_the_rows(en_client, whole_planner, organisation):
    scheme_save(organisation=organisation, rows=preset_rows("half_year"), actor=None)
    en_client.force_login(whole_planner)
    response = en_client.post(
        url("scheme_preset", organisation), {"preset": "interim"}, follow=True
    )
    assert messages_of(response) == ["The follow-up scheme was saved."]
    assert stored(organisation) == [
        ("D1", 1, 4, True, "Delår 1"),
        ("D2", 1, 8, True, "Delårsrapport januari–augusti"),
        ("HEL", 1, 12, True, "Helår"),
    ]
    assert 'value="D2"' in response.text
    periods = periods_ensure_year(organisation=organisation, year=THIS_YEAR + 1, actor=None)
    assert [p.kind for p in periods] == ["D1", "D2", "HEL"]


def test_an_unknown_preset_is_refused(en_client, people, organisation):
    en_client.force_login(people.administrator)
    response = en_client.post(url("scheme_preset", organisation), {"preset": "weekly"})
    assert response.status_code == 200
    assert "Choose one of the presets below." in response.text
    assert stored(organisation) == []


# --- Bad input: a message above the table, the rows as typed, nothing saved ----------------------


def refused_in_swedish(client, organisation, data, rows: list[SchemeRow]) -> str:
    """Post `data` (a bad scheme, `rows` as it would be saved) as a Swedish user: the page again
    with the scheme's problems as Swedish messages above the table, nothing saved."""
    before = stored(organisation)
    response = client.post(url("scheme_save", organisation), data)
    assert response.status_code == 200
    assert stored(organisation) == before
    with translation.override("sv"):
        problems = scheme_problems(rows)
    assert problems
    assert response.context["formset"].non_form_errors() == problems
    summary = response.text.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    for problem in problems:
        assert str(problem).replace("'", "&#x27;") in summary
    return summary


def test_a_gap_is_refused_in_swedish_with_the_rows_typed_kept(client, people, organisation):
    client.force_login(people.administrator)
    rows = preset_rows("tertial")
    data = scheme_data(rows, {1: {"first_month": "6", "name_sv": "Sommartertialen"}})
    bad = [rows[0], replace(rows[1], first_month=6, name_sv="Sommartertialen"), rows[2]]
    summary = refused_in_swedish(client, organisation, data, bad)
    assert "Sommartertialen" in summary and "maj" in summary  # a Swedish month
    page = client.get(url("scheme", organisation))  # nothing saved: the stored (default) scheme
    assert 'value="Tertial 2"' in page.text


def test_an_overlap_a_scheme_ending_in_october_and_a_duplicate_code_are_refused(
    client, people, organisation
):
    client.force_login(people.administrator)
    t1, t2, t3 = preset_rows("tertial")
    overlap = scheme_data([t1, t2, t3], {1: {"first_month": "3"}})
    summary = refused_in_swedish(
        client, organisation, overlap, [t1, replace(t2, first_month=3), t3]
    )
    assert "Tertial 2" in summary and "mars" in summary
    october = scheme_data([t1, t2, t3], {2: {"last_month": "10"}})
    summary = refused_in_swedish(
        client, organisation, october, [t1, t2, replace(t3, last_month=10)]
    )
    assert "oktober" in summary
    duplicate = scheme_data([t1, t2, t3], {2: {"code": "t2"}})
    refused_in_swedish(client, organisation, duplicate, [t1, t2, replace(t3, code="T2")])
    response = client.post(url("scheme_save", organisation), duplicate)
    assert response.context["formset"].forms[2]["code"].value() == "t2"  # as typed


def test_a_row_without_a_name_or_with_months_out_of_order_is_refused_naming_the_field(
    en_client, people, organisation
):
    en_client.force_login(people.administrator)
    rows = preset_rows("tertial")
    data = scheme_data(
        rows,
        {0: {"name_nn": "  "}, 1: {"first_month": "8", "last_month": "5"},
         2: {"cumulative": True}},
        new=[{"code": "X"}],
    )  # fmt: skip
    response = en_client.post(url("scheme_save", organisation), data)
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.forms[0].errors == {"name_nn": ["Write the name in every language."]}
    assert formset.forms[1].errors == {
        "last_month": ["The period must end in or after the month it starts."]
    }
    assert formset.forms[2].errors == {"first_month": ["A cumulative period starts in January."]}
    assert set(formset.forms[3].errors) == {"first_month", "last_month", *NAMES}
    assert "Tertial 1 – Norwegian Nynorsk: Write the name in every language." in response.text
    assert 'value="X"' in response.text  # the row typed is kept
    assert stored(organisation) == []


def test_deleting_every_row_is_refused(en_client, people, organisation):
    en_client.force_login(people.administrator)
    rows = preset_rows("tertial")
    data = scheme_data(rows, {0: {"delete": True}, 1: {"delete": True}, 2: {"delete": True}})
    response = en_client.post(url("scheme_save", organisation), data)
    assert response.context["formset"].non_form_errors() == [
        "A follow-up scheme needs at least one period, the year-end."
    ]
    assert stored(organisation) == []


# --- The periods page -----------------------------------------------------------------------------


def test_the_periods_page_shows_the_scheme_and_makes_the_years_periods_by_it(
    en_client, people, organisation
):
    scheme_save(organisation=organisation, rows=preset_rows("interim"), actor=None)
    en_client.force_login(people.administrator)
    page = en_client.get(reverse("planning:period_list"), {"organisation": organisation.pk})
    # In the user's language (English here).
    assert "Interim report 1 (D1): January–April, cumulative" in page.text
    assert "Interim report January–August (D2): January–August, cumulative" in page.text
    assert f'href="{url("scheme", organisation)}"' in page.text
    response = en_client.post(
        url("periods_create", organisation), {"year": str(THIS_YEAR + 1)}, follow=True
    )
    assert f"3 periods of {THIS_YEAR + 1} were created." in messages_of(response)
    assert ">Interim report 1</th>" in response.text and ">Full year</th>" in response.text


def test_a_deadline_before_the_period_starts_is_refused_in_swedish_and_nothing_saved(
    client, people, organisation
):
    t2 = periods_ensure_year(organisation=organisation, year=2026, actor=None)[1]
    client.force_login(people.administrator)
    url_ = reverse("planning:period_set_deadline", args=[t2.pk])
    response = client.post(url_, {"deadline": "2026-04-30"}, follow=True)
    assert messages_of(response) == [
        "Tertial 2 2026: Sista rapporteringsdag kan inte ligga före periodens start (2026-05-01)."
    ]
    t2.refresh_from_db()
    assert t2.reporting_deadline is None
