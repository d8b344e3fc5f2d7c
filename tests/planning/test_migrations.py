"""A database made by the code before organisations set themselves up migrates forward
without losing anything: organisations, units and roles stay as they were."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("planning", "0003_labels")]
AFTER = [("planning", "0004_organisation_setup")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("without_change_triggers")
def test_the_previous_schema_migrates_forward_without_data_loss():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        organisation = old.get_model("planning", "Organisation").objects.create(
            name="Sorsele kommun", municipality_code="2422", follow_up_scheme="tertial"
        )
        unit_model = old.get_model("planning", "Unit")
        committee = unit_model.objects.create(
            organisation=organisation, name="Socialnämnden", kind="committee"
        )
        home_care = unit_model.objects.create(
            organisation=organisation,
            parent=committee,
            name="Hemtjänst",
            kind="unit",
            kolada_ou="V15E242200101",
        )
        user = old.get_model("auth", "User").objects.create(username="erik")
        old.get_model("planning", "Membership").objects.create(
            user=user, organisation=organisation, unit=home_care, role="unit_manager"
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        migrated = new.get_model("planning", "Organisation").objects.get(pk=organisation.pk)
        assert (migrated.name, migrated.municipality_code, migrated.report_language) == (
            "Sorsele kommun",
            "2422",
            "sv",
        )
        assert (migrated.official_name, migrated.logo, migrated.level_committee) == ("", "", "")
        units = {
            unit.name: unit
            for unit in new.get_model("planning", "Unit").objects.filter(organisation=migrated)
        }
        assert units["Hemtjänst"].parent_id == units["Socialnämnden"].pk
        assert units["Hemtjänst"].kolada_ou == "V15E242200101"
        assert units["Hemtjänst"].closed_on is None
        membership = new.get_model("planning", "Membership").objects.get(user_id=user.pk)
        assert (membership.unit_id, membership.role) == (home_care.pk, "unit_manager")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
