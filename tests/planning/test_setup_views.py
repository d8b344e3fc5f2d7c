"""Setting up an organisation in the product's own pages: its settings and relations, its unit
tree, its people and roles; each bad input refused with a message, nothing changed."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from goals.forms import ActivityForm
from goals.services import activity_create
from planning.forms import PlanForm
from planning.models import (
    LEVEL_FIELDS,
    AccountEvent,
    Membership,
    Organisation,
    Plan,
    Unit,
    preset_rows,
)
from planning.services import (
    membership_grant,
    organisation_create,
    relation_add,
    unit_close,
    unit_create,
)
from tests.deadlines import month_end
from tests.planning.test_views import plan_form_data

pytest_plugins = ["tests.planner_roles"]

CSV_HEADER = "namn;överordnad;typ;Kolada-id"
NBSP = "\u00a0"


def person_pk(username: str) -> int:
    return get_user_model().objects.get(username=username).pk


def units_csv(*rows: str, header: str = CSV_HEADER, encoding: str = "utf-8") -> SimpleUploadedFile:
    """A CSV file of units as a spreadsheet saves it."""
    content = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile("enheter.csv", content.encode(encoding), content_type="text/csv")


def settings_data(organisation: Organisation, **changes) -> dict:
    """What the settings form submits when the user changes only `changes`."""
    data = {
        "name": organisation.name,
        "official_name": organisation.official_name,
        "kind": organisation.kind,
        "country": organisation.country,
        "report_language": organisation.report_language,
        "municipality_code": organisation.municipality_code,
        "comparison_group": organisation.comparison_group,
        "relative_share": organisation.relative_share,
        "reminder_days": organisation.reminder_days,
        **{name: getattr(organisation, name) for name in LEVEL_FIELDS.values()},
    }
    data.update(changes)
    return data


def image(kind: str = "PNG", size=(120, 40), name: str = "logo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 60, 120)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{kind.lower()}")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def login(client, people, role):
    client.force_login(getattr(people, role))
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The organisation's settings ------------------------------------------------------------------


def test_the_administrator_saves_the_settings(en_client, people, organisation):
    login(en_client, people, "administrator")
    url = reverse("planning:organisation_settings", args=[organisation.pk])
    page = en_client.get(url)
    assert page.status_code == 200
    assert 'placeholder="Committee"' in page.text
    data = settings_data(
        organisation,
        official_name="Testkommun kommun",
        country="NO",
        report_language="nn",
        municipality_code="4631",
        comparison_group="G33",
        level_committee="utval",
        level_administration="sektor",
    )
    response = en_client.post(url, data, follow=True)
    assert messages_of(response) == ["The organisation's settings were saved."]
    organisation.refresh_from_db()
    assert (organisation.country, organisation.report_language) == ("NO", "nn")
    assert organisation.level_word("committee") == "utval"
    assert organisation.history.latest().history_user == people.administrator
    tree = en_client.get(reverse("planning:unit_list", args=[organisation.pk])).text
    assert "Kommunstyrelsen</strong> · utval" in tree


def test_a_bad_municipality_code_is_refused_in_the_users_language(client, people, organisation):
    login(client, people, "administrator")
    url = reverse("planning:organisation_settings", args=[organisation.pk])
    response = client.post(url, settings_data(organisation, municipality_code="24221"))
    assert response.status_code == 200
    assert "Ett svenskt kommunnummer är Koladas fyrsiffriga kommun-id" in response.text
    organisation.refresh_from_db()
    assert organisation.municipality_code == "2422"


def test_a_logo_is_stored_and_shown_only_to_people_of_the_organisation(
    client, people, organisation, django_user_model
):
    login(client, people, "administrator")
    url = reverse("planning:organisation_settings", args=[organisation.pk])
    response = client.post(url, {**settings_data(organisation), "logo": image()})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.logo.name.startswith("logos/") and organisation.logo.name.endswith(".png")
    logo_url = organisation.logo.url
    assert logo_url == reverse("media", args=[organisation.logo.name])
    for role in ("committee", "own_manager", "planner", "administrator"):
        login(client, people, role)
        response = client.get(logo_url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    outsider = django_user_model.objects.create_user("utomstående")
    other = organisation_create(name="Annan kommun", actor=None)
    membership_grant(user=outsider, organisation=other, role="administrator", actor=None)
    client.force_login(outsider)
    assert client.get(logo_url).status_code == 404
    client.logout()
    assert client.get(logo_url)["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
         "Upload a valid image."),
        (lambda: image("GIF", name="logo.gif"), "The logo must be a PNG or JPEG image, not GIF."),
        (lambda: image(size=(4100, 10)), "The logo may be at most 4000 pixels wide and high."),
        (lambda: SimpleUploadedFile("logo.png", image().read() + b"\0" * 1024 * 1024),
         "it may be at most 1024 kB"),
    ],
    ids=["svg", "gif", "too-wide", "too-large"],
)  # fmt: skip
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(
    en_client, people, organisation, upload, message, media
):
    login(en_client, people, "administrator")
    url = reverse("planning:organisation_settings", args=[organisation.pk])
    upload = upload() if callable(upload) else upload
    response = en_client.post(url, {**settings_data(organisation), "logo": upload})
    assert response.status_code == 200
    assert message in response.text
    organisation.refresh_from_db()
    assert not organisation.logo
    assert list(media.rglob("*.*")) == []


def test_only_the_whole_organisations_planners_and_administrators_see_the_settings(
    client, people, organisation
):
    url = reverse("planning:organisation_settings", args=[organisation.pk])
    for role in ("planner", "committee", "own_manager", "other_manager"):
        login(client, people, role)
        assert client.get(url).status_code == 404, role
        assert client.post(url, settings_data(organisation, name="X")).status_code == 404
    organisation.refresh_from_db()
    assert organisation.name == "Testkommun"


# --- Related organisations and joint plans ------------------------------------------------------


def test_partners_of_a_joint_plan_are_chosen_among_related_organisations(
    en_client, people, organisation
):
    region = organisation_create(name="Region Västerbotten", kind="region", actor=None)
    stranger = organisation_create(name="Främmande kommun", actor=None)
    login(en_client, people, "administrator")
    settings_url = reverse("planning:organisation_settings", args=[organisation.pk])
    en_client.post(reverse("planning:relation_add", args=[organisation.pk]), {"related": region.pk})
    page = en_client.get(settings_url).text
    assert "Waiting for Region Västerbotten to list you too." in page
    form = en_client.get(reverse("planning:plan_create")).context["form"]
    assert list(form.fields["partner_organisations"].queryset) == []
    relation_add(organisation=region, related=organisation, actor=None)
    assert "Possible: both have listed each other." in en_client.get(settings_url).text
    form = en_client.get(reverse("planning:plan_create")).context["form"]
    assert list(form.fields["partner_organisations"].queryset) == [region]

    refused = en_client.post(
        reverse("planning:plan_create"),
        plan_form_data(organisation=str(organisation.pk), partner_organisations=[stranger.pk]),
    )
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.text
    assert not Plan.objects.filter(name="Verksamhetsplan Omsorg 2024").exists()
    made = en_client.post(
        reverse("planning:plan_create"),
        plan_form_data(organisation=str(organisation.pk), partner_organisations=[region.pk]),
    )
    assert made.status_code == 302
    joint = Plan.objects.get(name="Verksamhetsplan Omsorg 2024")
    assert list(joint.partner_organisations.all()) == [region]

    removed = en_client.post(
        reverse("planning:relation_remove", args=[organisation.pk, region.pk]), follow=True
    )
    assert messages_of(removed)[-1] == "Region Västerbotten is no longer listed."
    # The plan keeps its partner, and editing it keeps it too.
    edit = en_client.get(reverse("planning:plan_update", args=[joint.pk])).context["form"]
    assert list(edit.fields["partner_organisations"].queryset) == [region]


# --- Where setting up starts ----------------------------------------------------------------------


def setup_counts(client) -> list[str]:
    page = " ".join(client.get(reverse("planning:organisation_list")).text.split())
    return re.findall(r"\d+ open units?\.|\d+ (?:people|person) with a role\.|\d+ periods?\.", page)


@pytest.mark.parametrize("role", ["planner", "administrator"])
def test_the_setup_start_counts_the_whole_organisation_for_a_part_of_it(
    en_client, people, organisation, units, periods, role
):
    # A second role of one person: still one person.
    membership_grant(user=people.own_manager, organisation=organisation, unit=units["unit_b"],
                     role="committee_member", actor=None)  # fmt: skip
    unit_close(unit=units["unit_b"], actor=None)
    login(en_client, people, role)
    open_units = Unit.objects.filter(organisation=organisation, closed_on__isnull=True).count()
    counts = setup_counts(en_client)
    assert counts[:2] == [f"{open_units} open units.", "5 people with a role."]
    if role == "administrator":
        assert counts[2] == f"{organisation.periods.count()} periods."


def test_the_setup_start_takes_the_same_queries_however_large_the_organisation(
    en_client, people, organisation, units, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(en_client, people, "planner")
    url = reverse("planning:organisation_list")
    en_client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert en_client.get(url).status_code == 200
    queries = len(small.captured_queries)  # read now: each request empties the log
    for number in range(5):
        unit = unit_create(organisation=organisation, name=f"Enhet {number}",
                           kind=Unit.Kind.UNIT, parent=units["operation"], actor=None)  # fmt: skip
        user = get_user_model().objects.create_user(f"person{number}")
        membership_grant(user=user, organisation=organisation, unit=unit, role="unit_manager",
                         actor=None)  # fmt: skip
    en_client.get(url)  # the scope read again after the new units
    with django_assert_num_queries(queries):
        assert "10 people with a role." in " ".join(en_client.get(url).text.split())


# --- The unit tree --------------------------------------------------------------------------------


def test_the_tree_page_shows_the_units_nested_with_what_each_user_may_do(
    en_client, people, organisation, units
):
    login(en_client, people, "planner")
    page = en_client.get(reverse("planning:unit_list", args=[organisation.pk])).text
    order = [page.index(name) for name in ("Kommunstyrelsen", "Omsorgsverksamheten", "Hemtjänst")]
    assert order == sorted(order)
    # The planner of the operation moves and closes the units below it, not those above.
    edit = reverse("planning:unit_update", args=[units["administration"].pk])
    close_below = reverse("planning:unit_set_closed", args=[units["unit_a"].pk])
    close_own = reverse("planning:unit_set_closed", args=[units["operation"].pk])
    assert edit not in page and close_below in page and close_own not in page


def test_pickers_show_the_tree_indented_without_closed_units(people, organisation, units, plan):
    unit_close(unit=units["unit_b"], actor=None)
    form = PlanForm(
        organisations=Organisation.objects.all(),
        units=Unit.objects.filter(organisation=organisation),
        parents=Plan.objects.none(),
        organisation_wide={organisation.pk},
    )
    labels = [str(label) for value, label in form.fields["owner_unit"].choices if value]
    assert labels == [
        "Kommunstyrelsen",
        f"{NBSP * 4}Kommunförvaltningen",
        f"{NBSP * 8}Omsorgsverksamheten",
        f"{NBSP * 12}Hemtjänst",
        f"{NBSP * 8}Tekniska verksamheten",
    ]
    html = str(form["owner_unit"])
    assert "IFO" not in html


def test_an_activity_keeps_its_closed_unit_but_no_other_can_choose_it(
    people, organisation, units, goal, plan
):
    kept = activity_create(
        goal=goal, title="Gammal", unit=units["unit_b"], due_on=month_end(4), actor=None
    )
    Unit.objects.filter(pk=units["unit_b"].pk).update(closed_on="2024-01-01")
    kwargs = {
        "goals": plan.goals.all(),
        "units": Unit.objects.filter(organisation=organisation),
        "people": get_user_model().objects.none(),
        "scheme": preset_rows("tertial"),
    }
    new = ActivityForm(**kwargs)
    assert "IFO" not in str(new["unit"])
    assert f"{NBSP * 12}Hemtjänst" in str(new["unit"])
    old = ActivityForm(instance=kept, **kwargs)
    assert "IFO (stängd)" in str(old["unit"])
    posted = ActivityForm(
        {"goal": goal.pk, "title": "Ny", "unit": units["unit_b"].pk, "due_on": "2023-04",
         "evaluated_months": ["12"]},
        **kwargs,
    )  # fmt: skip
    assert not posted.is_valid()
    assert "unit" in posted.errors


def test_adding_renaming_and_moving_a_unit(en_client, people, organisation, units):
    login(en_client, people, "planner")
    added = en_client.post(
        reverse("planning:unit_create", args=[organisation.pk]),
        {"name": "Nattpatrull", "kind": "department", "parent": units["unit_a"].pk},
        follow=True,
    )
    assert messages_of(added) == ["Nattpatrull was added."]
    patrol = Unit.objects.get(name="Nattpatrull")
    assert patrol.history.latest().history_user == people.planner
    moved = en_client.post(
        reverse("planning:unit_update", args=[patrol.pk]),
        {"name": "Nattpatrullen", "kind": "unit", "parent": units["unit_b"].pk,
         "kolada_ou": "V15E242200101"},
        follow=True,
    )  # fmt: skip
    assert messages_of(moved) == ["Nattpatrullen was saved."]
    patrol.refresh_from_db()
    assert (patrol.name, patrol.parent, patrol.kolada_ou) == (
        "Nattpatrullen",
        units["unit_b"],
        "V15E242200101",
    )


def test_moving_a_unit_below_its_own_unit_is_refused_with_a_message(
    en_client, people, organisation, units
):
    login(en_client, people, "administrator")
    response = en_client.post(
        reverse("planning:unit_update", args=[units["administration"].pk]),
        {"name": "Kommunförvaltningen", "kind": "administration", "parent": units["unit_a"].pk},
    )
    assert response.status_code == 200
    assert (
        "A unit cannot be placed below itself or one of its own units: Hemtjänst is part of "
        "Kommunförvaltningen." in response.text
    )
    units["administration"].refresh_from_db()
    assert units["administration"].parent == units["committee"]


def test_closing_a_unit_with_open_activities_is_refused_with_their_names(
    client, people, organisation, units, goal
):
    activity_create(
        goal=goal,
        title="Vi inför nattpatrull",
        unit=units["unit_b"],
        due_on=month_end(4),
        actor=None,
    )
    login(client, people, "planner")
    response = client.post(
        reverse("planning:unit_set_closed", args=[units["unit_b"].pk]), {"closed": "1"}, follow=True
    )
    (message,) = messages_of(response)
    assert message.startswith("IFO kan inte stängas")
    assert "Vi inför nattpatrull (Verksamhetsplan Omsorg 2023)" in message
    units["unit_b"].refresh_from_db()
    assert units["unit_b"].closed_on is None


# --- People and roles -----------------------------------------------------------------------------


def test_who_may_do_what_where(en_client, people, organisation):
    login(en_client, people, "administrator")
    page = en_client.get(reverse("planning:people", args=[organisation.pk])).text
    for text in (
        "Planner on Omsorgsverksamheten and below",
        "Unit manager on Tekniska verksamheten and below",
        "Administrator on the whole organisation",
        "What each role may do",
    ):
        assert text in page
    # The planner of the operation sees the roles that cover their part: not the other branch.
    login(en_client, people, "planner")
    page = en_client.get(reverse("planning:people", args=[organisation.pk])).text
    assert "Unit manager on Hemtjänst and below" in page
    assert "Committee member on Kommunstyrelsen and below" in page
    assert "Tekniska verksamheten" not in page
    other = reverse("planning:person_detail", args=[organisation.pk, people.other_manager.pk])
    assert en_client.get(other).status_code == 404


@pytest.fixture
def many_people(people, organisation, units):
    """Sixty unit managers of Hemtjänst more, named so that their order is their number."""
    for number in range(60):
        user = get_user_model().objects.create_user(
            f"chef{number:02}", first_name="Chef", last_name=f"Nummer {number:02}",
            email=f"chef{number:02}@example.se",
        )  # fmt: skip
        membership_grant(user=user, organisation=organisation, unit=units["unit_a"],
                         role="unit_manager", actor=None)  # fmt: skip


def people_listed(client, organisation, **query) -> list[str]:
    response = client.get(reverse("planning:people", args=[organisation.pk]), query)
    return [person.get_full_name() for person in response.context["people"]]


def test_the_people_are_listed_fifty_a_page_by_name_in_the_same_queries(
    en_client, people, organisation, many_people
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(en_client, people, "administrator")
    url = reverse("planning:people", args=[organisation.pk])
    en_client.get(url)
    counts = []
    for number in (1, 2):
        with CaptureQueriesContext(connection) as queries:
            en_client.get(url, {"page": number})
        counts.append(len(queries))
    assert counts[0] == counts[1]
    first, second = (
        people_listed(en_client, organisation),
        people_listed(en_client, organisation, page=2),
    )
    everyone = sorted(first + second, key=str.casefold)
    assert first + second == everyone and len(everyone) == 65
    assert len(first) == 50 and second[-1] == "Tove Testsson"
    assert 'href="?page=2#people-heading"' in en_client.get(url).text


def test_a_person_is_found_by_words_of_their_name_or_address(
    en_client, people, organisation, units, many_people
):
    åsa = get_user_model().objects.create_user("asa", first_name="Åsa", last_name="Öberg")
    membership_grant(user=åsa, organisation=organisation, unit=units["unit_a"],
                     role="unit_manager", actor=None)  # fmt: skip
    login(en_client, people, "planner")
    assert people_listed(en_client, organisation, q="anna  TESTSSON") == ["Anna Testsson"]
    # Letters beyond a-z fold as the reader writes them, on every database.
    assert people_listed(en_client, organisation, q="åsa ÖBERG") == ["Åsa Öberg"]
    assert people_listed(en_client, organisation, q="chef07@example") == ["Chef Nummer 07"]
    found = en_client.get(reverse("planning:people", args=[organisation.pk]), {"q": "nummer"})
    assert found.context["page"].paginator.count == 60
    # Only among the roles the planner may see: the other branch's manager is not found.
    assert people_listed(en_client, organisation, q="Tove") == []
    page = en_client.get(reverse("planning:people", args=[organisation.pk]), {"q": "Tove"}).text
    assert "Nobody with a role you may see matches “Tove”." in page
    # The pages of a search keep it.
    listed = en_client.get(reverse("planning:people", args=[organisation.pk]), {"q": "chef"})
    assert 'href="?page=2&amp;q=chef#people-heading"' in listed.text


def test_an_invitation_to_an_address_with_an_account_is_refused(client, people, organisation):
    login(client, people, "administrator")
    people.own_manager.email = "erik@example.se"
    people.own_manager.save()
    users = get_user_model().objects.count()
    response = client.post(
        reverse("planning:person_invite", args=[organisation.pk]),
        {"email": "Erik@Example.se", "first_name": "Erik", "last_name": "T", "role": "planner",
         "unit": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Det finns redan ett konto för Erik@example.se" in response.text
    assert get_user_model().objects.count() == users
    assert mail.outbox == []


def test_a_role_on_a_unit_of_another_organisation_is_refused(en_client, people, organisation):
    other = organisation_create(name="Annan kommun", actor=None)
    foreign = unit_create(organisation=other, name="Främmande enhet", kind="unit", actor=None)
    login(en_client, people, "administrator")
    memberships = Membership.objects.count()
    response = en_client.post(
        reverse("planning:membership_grant", args=[organisation.pk, people.own_manager.pk]),
        {"role": "planner", "unit": foreign.pk},
    )
    assert response.status_code == 200
    assert "Choose an open unit of Testkommun that you may give roles on." in response.text
    invited = en_client.post(
        reverse("planning:person_invite", args=[organisation.pk]),
        {"email": "ny@example.se", "first_name": "Ny", "last_name": "N", "role": "planner",
         "unit": foreign.pk},
    )  # fmt: skip
    assert "Choose an open unit of Testkommun that you may give roles on." in invited.text
    assert Membership.objects.count() == memberships
    assert not get_user_model().objects.filter(email="ny@example.se").exists()


def test_a_planner_cannot_give_the_administrator_role(en_client, people, organisation, units):
    login(en_client, people, "planner")
    url = reverse("planning:person_detail", args=[organisation.pk, people.own_manager.pk])
    form = en_client.get(url).context["role_form"]
    assert "administrator" not in dict(form.fields["role"].choices)
    response = en_client.post(
        reverse("planning:membership_grant", args=[organisation.pk, people.own_manager.pk]),
        {"role": "administrator", "unit": units["unit_a"].pk},
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=people.own_manager, role="administrator").exists()


def test_roles_are_given_and_taken_away(en_client, people, organisation, units):
    login(en_client, people, "planner")
    grant = reverse("planning:membership_grant", args=[organisation.pk, people.own_manager.pk])
    given = en_client.post(grant, {"role": "unit_manager", "unit": units["unit_b"].pk}, follow=True)
    assert messages_of(given) == ["Erik Testsson is now unit manager on IFO."]
    membership = Membership.objects.get(user=people.own_manager, unit=units["unit_b"])
    removed = en_client.post(
        reverse("planning:membership_remove", args=[membership.pk]), follow=True
    )
    assert messages_of(removed) == ["The role unit manager on IFO was taken away."]
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.history.filter(id=membership.pk, history_type="-").get().history_user == (
        people.planner
    )


def test_a_deactivated_person_can_no_longer_log_in_and_their_history_stays(
    client, people, organisation
):
    login(client, people, "administrator")
    url = reverse("planning:person_set_active", args=[organisation.pk, people.own_manager.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    people.own_manager.refresh_from_db()
    assert not people.own_manager.is_active
    assert Membership.objects.filter(user=people.own_manager).exists()
    assert AccountEvent.objects.get(user=people.own_manager).actor == people.administrator
    client.logout()
    response = client.post(reverse("login"), {"username": "enhetschef", "password": "pw"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    # A planner may not deactivate anyone.
    login(client, people, "planner")
    planner_url = reverse(
        "planning:person_set_active", args=[organisation.pk, people.own_manager.pk]
    )
    assert client.post(planner_url, {"active": "1"}).status_code == 404


# --- Password reset by e-mail ---------------------------------------------------------------------


def test_a_forgotten_password_is_reset_by_email(client, people):
    people.own_manager.email = "erik@example.se"
    people.own_manager.save()
    assert client.get(reverse("login")).text.count(reverse("password_reset")) == 1
    sent = client.post(reverse("password_reset"), {"email": "erik@example.se"}, follow=True)
    assert "Titta i din e-post" in sent.text
    (email,) = mail.outbox
    assert email.subject == "Ett nytt lösenord till Styrkort"
    link = re.search(r"http://testserver(/password/reset/\S+/)", email.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Ett-långt-lösen-42", "new_password2": "Ett-långt-lösen-42"}
    )
    assert done["Location"] == reverse("password_reset_complete")
    logged_in = client.post(
        reverse("login"), {"username": "enhetschef", "password": "Ett-långt-lösen-42"}
    )
    assert logged_in["Location"] == reverse("home")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "ingen@example.se"}, follow=True)
    assert "Titta i din e-post" in response.text
    assert mail.outbox == []
