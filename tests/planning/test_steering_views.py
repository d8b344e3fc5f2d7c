"""The organisation's own page for its perspectives and its goal assessment scale: who may see
and change them, every change saved through the page, and each bad input refused with a
message naming the field, nothing saved."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from planning.models import AssessmentLevel, Perspective, Role
from planning.services import (
    assessment_scale_use,
    membership_grant,
    organisation_create,
    perspectives_save,
)
from tests.browser import assert_no_axe_violations, log_in, new_page

pytest_plugins = ["tests.planner_roles"]

LABELS = ("label_sv", "label_nb", "label_nn", "label_en")
THREE = ["fulfilled", "partly", "not_fulfilled"]


@pytest.fixture
def whole_planner(django_user_model, organisation):
    """A planner of the whole organisation."""
    user = django_user_model.objects.create_user("kommunplanerare", password="pw")
    membership_grant(user=user, organisation=organisation, role=Role.PLANNER, actor=None)
    return user


@pytest.fixture
def perspectives(organisation):
    rows = [
        {"name": "Medborgare", "description": "De vi finns till för"},
        {"name": "Medarbetare", "description": ""},
        {"name": "Ekonomi", "description": ""},
    ]
    return perspectives_save(organisation=organisation, rows=rows, actor=None)


def stored_perspectives(organisation) -> list[tuple[str, str]]:
    return [(p.name, p.description) for p in Perspective.objects.filter(organisation=organisation)]


def formset_data(prefix: str, rows: list[dict], initial: int) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is False:
                continue  # an unticked box is not posted
            data[f"{prefix}-{index}-{name}"] = "on" if value is True else value
    return data


def perspectives_data(organisation, changes=None, new=()) -> dict:
    """What the perspectives form posts: the stored rows as shown, with `changes` by row, then
    the `new` rows."""
    rows = [
        {"pk": p.pk, "name": p.name, "description": p.description, "place": str(place)}
        for place, p in enumerate(Perspective.objects.filter(organisation=organisation), start=1)
    ]
    for index, change in (changes or {}).items():
        rows[index].update(change)
    initial = len(rows)
    rows += [{"name": "", "description": "", "place": "", **row} for row in new]
    return formset_data("perspectives", rows, initial)


def levels_data(organisation, changes=None, new=()) -> dict:
    """What the assessment scale's form posts: the stored levels as shown, with `changes` by
    row, then the `new` rows."""
    rows = [
        {
            "pk": level.pk,
            "meaning": level.meaning,
            "is_active": level.is_active,
            **{name: getattr(level, name) for name in LABELS},
        }
        for level in AssessmentLevel.objects.filter(organisation=organisation)
    ]
    for index, change in (changes or {}).items():
        rows[index].update(change)
    initial = len(rows)
    rows += list(new)
    return formset_data("levels", rows, initial)


def stored_levels(organisation) -> list[tuple]:
    return list(
        AssessmentLevel.objects.filter(organisation=organisation).values_list(
            "key", "position", "meaning", *LABELS, "is_active"
        )
    )


def url(name: str, organisation) -> str:
    return reverse(f"planning:{name}", args=[organisation.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Who may see and change them ----------------------------------------------------------------


def test_the_whole_organisations_planner_and_administrator_get_the_page(
    en_client, people, whole_planner, organisation, perspectives
):
    for user in (whole_planner, people.administrator):
        en_client.force_login(user)
        page = en_client.get(url("steering", organisation))
        assert page.status_code == 200
        assert 'value="Medarbetare"' in page.text
        assert "Goals are assessed on the standard scale" in page.text
        assert 'aria-current="page">Perspectives and assessment scale</a>' in page.text
        listing = en_client.get(reverse("planning:organisation_list")).text
        assert url("steering", organisation) in listing
        settings = en_client.get(url("organisation_settings", organisation)).text
        assert url("steering", organisation) in settings


@pytest.mark.parametrize("role", ["planner", "own_manager", "committee", "other_manager"])
def test_a_unit_role_or_a_committee_member_gets_404_and_changes_nothing(
    client, people, organisation, perspectives, role
):
    client.force_login(getattr(people, role))
    before = stored_perspectives(organisation), stored_levels(organisation)
    assert client.get(url("steering", organisation)).status_code == 404
    posts = {
        "perspectives_save": perspectives_data(organisation, {0: {"name": "Invånare"}}),
        "assessment_levels_save": levels_data(organisation),
        "assessment_scale_use": {"scale": "three"},
    }
    for name, data in posts.items():
        assert client.post(url(name, organisation), data).status_code == 404, name
    assert (stored_perspectives(organisation), stored_levels(organisation)) == before


def test_the_organisation_list_offers_the_page_only_to_whole_organisation_roles(
    client, people, organisation
):
    client.force_login(people.planner)
    assert (
        url("steering", organisation) not in client.get(reverse("planning:organisation_list")).text
    )


def test_another_organisations_administrator_gets_404(client, django_user_model, organisation):
    other = organisation_create(name="Annan kommun", actor=None)
    user = django_user_model.objects.create_user("annan")
    membership_grant(user=user, organisation=other, role=Role.ADMINISTRATOR, actor=None)
    client.force_login(user)
    assert client.get(url("steering", organisation)).status_code == 404
    assert client.get(url("steering", other)).status_code == 200


def test_anonymous_is_sent_to_log_in_and_changes_nothing(client, organisation, perspectives):
    response = client.get(url("steering", organisation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    data = perspectives_data(organisation, {0: {"name": "Invånare"}})
    response = client.post(url("perspectives_save", organisation), data)
    assert response["Location"].startswith(reverse("login"))
    assert stored_perspectives(organisation)[0][0] == "Medborgare"


def test_the_changes_are_post_only(client, people, organisation):
    client.force_login(people.administrator)
    for name in ("perspectives_save", "assessment_levels_save", "assessment_scale_use"):
        assert client.get(url(name, organisation)).status_code == 405, name


# --- Perspectives ---------------------------------------------------------------------------------


def test_perspectives_are_added_through_the_empty_rows(en_client, whole_planner, organisation):
    en_client.force_login(whole_planner)
    page = en_client.get(url("steering", organisation))
    assert page.context["perspectives_formset"].total_form_count() == 2  # two empty rows
    data = perspectives_data(
        organisation, new=[{"name": " Medborgare ", "description": "Invånare och brukare"},
                           {"name": "Ekonomi"}]
    )  # fmt: skip
    response = en_client.post(url("perspectives_save", organisation), data, follow=True)
    assert messages_of(response) == ["The perspectives were saved."]
    assert response.redirect_chain[-1][0].endswith("#perspectives")
    assert stored_perspectives(organisation) == [
        ("Medborgare", "Invånare och brukare"),
        ("Ekonomi", ""),
    ]
    assert Perspective.history.filter(history_user=whole_planner).count() == 2


def test_perspectives_are_renamed_described_reordered_and_deleted_in_one_save(
    en_client, people, organisation, perspectives
):
    en_client.force_login(people.administrator)
    data = perspectives_data(
        organisation,
        {
            0: {"name": "Invånare", "description": "", "place": "3"},
            1: {"delete": True},
            2: {"description": "Budget i balans", "place": "1"},
        },
        new=[{"name": "Processer", "place": "2"}],
    )
    response = en_client.post(url("perspectives_save", organisation), data)
    assert response.status_code == 302
    assert stored_perspectives(organisation) == [
        ("Ekonomi", "Budget i balans"),
        ("Processer", ""),
        ("Invånare", ""),
    ]
    assert list(Perspective.objects.values_list("position", flat=True)) == [0, 1, 2]
    assert Perspective.objects.filter(pk=perspectives[0].pk, name="Invånare").exists()
    assert not Perspective.objects.filter(pk=perspectives[1].pk).exists()


def test_a_row_moved_to_a_taken_place_goes_before_the_one_there(
    client, people, organisation, perspectives
):
    client.force_login(people.administrator)
    data = perspectives_data(organisation, {2: {"place": "1"}})
    assert client.post(url("perspectives_save", organisation), data).status_code == 302
    names = [name for name, _description in stored_perspectives(organisation)]
    assert names == ["Ekonomi", "Medborgare", "Medarbetare"]


def test_an_empty_name_is_refused_naming_the_field_and_nothing_is_saved(
    en_client, people, organisation, perspectives
):
    en_client.force_login(people.administrator)
    before = stored_perspectives(organisation)
    data = perspectives_data(
        organisation, {0: {"name": "  "}, 2: {"name": "Finanser"}}, new=[{"name": "Processer"}]
    )
    response = en_client.post(url("perspectives_save", organisation), data)
    assert response.status_code == 200
    assert "Medborgare – Perspective: Name the perspective, or tick “Delete”." in response.text
    assert 'href="#id_perspectives-0-name"' in response.text
    assert stored_perspectives(organisation) == before


def test_a_new_perspective_without_a_name_is_refused(en_client, people, organisation):
    en_client.force_login(people.administrator)
    data = perspectives_data(organisation, new=[{"description": "Utan namn"}])
    response = en_client.post(url("perspectives_save", organisation), data)
    assert "New perspective – Perspective: Name the perspective." in response.text
    assert stored_perspectives(organisation) == []


@pytest.mark.parametrize(
    "changes, new, row",
    [
        ({}, [{"name": "EKONOMI"}], "New perspective"),  # like a stored one
        ({}, [{"name": "Kvalitet"}, {"name": "kvalitet"}], "New perspective"),
        ({1: {"name": "medborgare"}}, [], "Medarbetare"),  # a rename like another row
    ],
)
def test_a_duplicate_name_in_another_case_is_refused_and_nothing_is_saved(
    en_client, people, organisation, perspectives, changes, new, row
):
    en_client.force_login(people.administrator)
    before = stored_perspectives(organisation)
    data = perspectives_data(organisation, changes, new=new)
    response = en_client.post(url("perspectives_save", organisation), data)
    assert response.status_code == 200
    assert f"{row} – Perspective: There is already a perspective called" in response.text
    assert stored_perspectives(organisation) == before


def test_a_deleted_perspectives_name_can_be_given_to_a_new_one(
    client, people, organisation, perspectives
):
    client.force_login(people.administrator)
    data = perspectives_data(organisation, {2: {"delete": True}}, new=[{"name": "ekonomi"}])
    assert client.post(url("perspectives_save", organisation), data).status_code == 302
    assert [name for name, _ in stored_perspectives(organisation)] == [
        "Medborgare",
        "Medarbetare",
        "ekonomi",
    ]


def test_a_perspective_of_another_organisation_cannot_be_changed(
    en_client, people, organisation, perspectives
):
    other = organisation_create(name="Annan kommun", actor=None)
    [foreign] = perspectives_save(organisation=other, rows=[{"name": "Miljö"}], actor=None)
    en_client.force_login(people.administrator)
    data = perspectives_data(organisation, {0: {"pk": foreign.pk, "name": "Stulen"}})
    response = en_client.post(url("perspectives_save", organisation), data)
    assert response.status_code == 200
    assert "This perspective was deleted meanwhile; reload the page." in response.text
    assert Perspective.objects.get(pk=foreign.pk).name == "Miljö"
    assert stored_perspectives(organisation)[0][0] == "Medborgare"


# --- The assessment scale -------------------------------------------------------------------------


def test_the_scale_starts_from_the_three_level_preset_then_its_labels_are_edited(
    en_client, whole_planner, organisation
):
    en_client.force_login(whole_planner)
    page = en_client.get(url("steering", organisation))
    assert page.context["levels_formset"] is None  # the default scale, not stored yet
    response = en_client.post(url("assessment_scale_use", organisation), {"scale": "three"})
    assert response.status_code == 302 and response["Location"].endswith("#levels")
    offered = [row for row in stored_levels(organisation) if row[-1]]
    assert [row[0] for row in offered] == ["fulfilled", "partly", "not_fulfilled"]
    page = en_client.get(url("steering", organisation))
    # The three offered, the five of the default scale no longer offered, an empty row.
    assert page.context["levels_formset"].total_form_count() == 9
    assert "Level 2: Partly fulfilled</legend>" in page.text
    assert "Level 4: Achieved (not offered)</legend>" in page.text
    data = levels_data(
        organisation,
        {
            1: {"label_sv": "Delvis uppnått", "label_nn": "Delvis nådd"},
            2: {"meaning": "not_assessable"},
        },
    )
    response = en_client.post(url("assessment_levels_save", organisation), data, follow=True)
    assert messages_of(response) == ["The assessment scale was saved."]
    partly = AssessmentLevel.objects.get(organisation=organisation, key="partly")
    assert (partly.label_sv, partly.label_nb, partly.label_nn) == (
        "Delvis uppnått",
        "Delvis oppfylt",
        "Delvis nådd",
    )
    assert partly.label("nn") == "Delvis nådd"
    assert AssessmentLevel.objects.get(key="not_fulfilled").meaning == "not_assessable"
    assert partly.history.latest().history_user == whole_planner


def test_the_five_level_preset_offers_its_levels_again(client, people, organisation):
    assessment_scale_use(organisation=organisation, scale="three", actor=None)
    client.force_login(people.administrator)
    assert (
        client.post(url("assessment_scale_use", organisation), {"scale": "five"}).status_code == 302
    )
    offered = [row[0] for row in stored_levels(organisation) if row[-1]]
    assert offered == ["achieved", "expected", "uncertain", "not_expected", "not_achieved"]


def test_an_unknown_preset_is_refused(en_client, people, organisation):
    en_client.force_login(people.administrator)
    response = en_client.post(url("assessment_scale_use", organisation), {"scale": "seven"})
    assert response.status_code == 200
    assert "Scale: Select a valid choice." in response.text
    assert stored_levels(organisation) == []


def test_a_level_is_no_longer_offered_then_offered_again_and_a_level_is_added(
    client, people, organisation
):
    assessment_scale_use(organisation=organisation, scale="three", actor=None)
    client.force_login(people.administrator)
    data = levels_data(
        organisation,
        {1: {"is_active": False}},
        new=[{"label_sv": "Kan inte bedömas", "label_nb": "Kan ikke vurderes",
              "label_nn": "Kan ikkje vurderast", "label_en": "Cannot be assessed",
              "meaning": "not_assessable", "is_active": True}],
    )  # fmt: skip
    assert client.post(url("assessment_levels_save", organisation), data).status_code == 302
    offered = [(row[0], row[-1]) for row in stored_levels(organisation) if row[0] in THREE]
    assert offered == [("fulfilled", True), ("partly", False), ("not_fulfilled", True)]
    assert stored_levels(organisation)[-1][:2] == ("cannot_be_assess", 8)
    assert stored_levels(organisation)[-1][-1] is True
    data = levels_data(organisation, {1: {"is_active": True}})
    assert client.post(url("assessment_levels_save", organisation), data).status_code == 302
    offered = [row[0] for row in stored_levels(organisation) if row[-1]]
    assert offered == [*THREE, "cannot_be_assess"]


def test_a_level_without_a_label_in_one_language_is_refused_and_nothing_is_saved(
    en_client, people, organisation
):
    assessment_scale_use(organisation=organisation, scale="three", actor=None)
    before = stored_levels(organisation)
    en_client.force_login(people.administrator)
    data = levels_data(organisation, {0: {"label_sv": "Helt uppfyllt"}, 1: {"label_nb": " "}})
    response = en_client.post(url("assessment_levels_save", organisation), data)
    assert response.status_code == 200
    text = response.text
    assert (
        "Level 2: Partly fulfilled – Norwegian Bokmål: Write the label in every language." in text
    )
    assert 'href="#id_levels-1-label_nb"' in text
    assert stored_levels(organisation) == before


def test_a_new_level_without_every_label_is_refused(en_client, people, organisation):
    assessment_scale_use(organisation=organisation, scale="three", actor=None)
    before = stored_levels(organisation)
    en_client.force_login(people.administrator)
    data = levels_data(organisation, new=[{"label_sv": "Kanske", "meaning": "partly"}])
    response = en_client.post(url("assessment_levels_save", organisation), data)
    assert "New level – English: Write the label in every language." in response.text
    assert stored_levels(organisation) == before


def test_a_scale_without_an_offered_level_is_refused(en_client, people, organisation):
    assessment_scale_use(organisation=organisation, scale="three", actor=None)
    before = stored_levels(organisation)
    en_client.force_login(people.administrator)
    data = levels_data(organisation, {index: {"is_active": False} for index in range(3)})
    response = en_client.post(url("assessment_levels_save", organisation), data)
    assert response.status_code == 200
    assert "Offer at least one level." in response.text
    assert stored_levels(organisation) == before


def test_a_level_of_another_organisation_cannot_be_changed(en_client, people, organisation):
    other = organisation_create(name="Annan kommun", actor=None)
    assessment_scale_use(organisation=other, scale="three", actor=None)
    assessment_scale_use(organisation=organisation, scale="three", actor=None)
    foreign = AssessmentLevel.objects.filter(organisation=other).first()
    before = stored_levels(organisation), stored_levels(other)
    en_client.force_login(people.administrator)
    data = levels_data(organisation, {0: {"pk": foreign.pk, "label_en": "Stolen"}})
    response = en_client.post(url("assessment_levels_save", organisation), data)
    assert response.status_code == 200
    assert "This level is not on the scale any more; reload the page." in response.text
    assert (stored_levels(organisation), stored_levels(other)) == before


# --- In the browser -------------------------------------------------------------------------------


def test_the_page_passes_axe_and_a_refused_save_is_read_out_by_keyboard(
    transactional_db, live_server, browser, people, organisation
):
    perspectives_save(organisation=organisation, rows=[{"name": "Medborgare"}], actor=None)
    page = new_page(browser)
    log_in(page, live_server, people.administrator.username, people.password)
    page.goto(live_server.url + url("steering", organisation))
    assert_no_axe_violations(page)  # the standard scale, not stored yet
    page.locator("#id_scale").select_option("three")
    page.locator("#id_scale").press("Tab")
    page.keyboard.press("Enter")  # "Use this scale"
    page.wait_for_selector("#id_levels-0-label_sv")
    assert_no_axe_violations(page)
    page.fill("#id_perspectives-0-name", "")
    page.locator("#id_perspectives-0-name").press("Enter")
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Medborgare")
    assert_no_axe_violations(page)
    page.fill("#id_levels-1-label_nn", "")
    page.locator("#id_levels-1-label_nn").press("Enter")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_no_axe_violations(page)
    assert stored_perspectives(organisation) == [("Medborgare", "")]
    assert AssessmentLevel.objects.get(organisation=organisation, key="partly").label_nn
