"""The migration that brings identifier verification keeps existing ids routing and
removes what the normalised key shows to be the same id twice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("suppliers", "0005_profile_column_mappings")]


@pytest.mark.django_db(transaction=True)
def test_existing_identifiers_become_verified_and_same_key_duplicates_are_resolved():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    try:
        apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        Supplier = apps.get_model("suppliers", "Supplier")
        Profile = apps.get_model("suppliers", "PartnerProfile")
        Identifier = apps.get_model("suppliers", "PartnerIdentifier")
        one, two = (Profile.objects.create(supplier=Supplier.objects.create(number=n, name=n, country="DE")) for n in ("M0001", "M0002"))
        # the demo used to store the number under ZZ and 92: one id under the normalised key
        Identifier.objects.create(profile=one, scheme="edifact", qualifier="ZZ", value="M0001")
        Identifier.objects.create(profile=one, scheme="edifact", qualifier="92", value="M0001")
        # two suppliers holding one id in different spellings: the first keeps it
        Identifier.objects.create(profile=one, scheme="edifact", qualifier="ZZ", value="SHARED")
        Identifier.objects.create(profile=two, scheme="edifact", qualifier="", value="shared ")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    from suppliers.models import PartnerIdentifier

    rows = sorted(PartnerIdentifier.objects.values_list("profile__supplier__number", "key", "family", "status"))
    assert rows == [
        ("M0001", "M0001", "mutual", "verified"),
        ("M0001", "SHARED", "mutual", "verified"),
        ("M0002", "SHARED", "mutual", "pending"),
    ]
