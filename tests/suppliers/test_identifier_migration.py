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


@pytest.mark.django_db(transaction=True)
def test_stored_control_references_are_rekeyed_to_their_verified_sender():
    import datetime as dt

    before = [("hub", "0006_merge_0005_plant_batches_0005_routing"), *BEFORE]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        apps = MigrationExecutor(connection).loader.project_state(before).apps
        Supplier = apps.get_model("suppliers", "Supplier")
        Interchange = apps.get_model("hub", "Interchange")
        ControlReference = apps.get_model("hub", "ControlReference")
        supplier = Supplier.objects.create(number="M0001", name="M", country="DE")
        now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)

        def received(sender_supplier, envelope_id, ref):
            i = Interchange.objects.create(received_at=now, channel="api", raw="x", size=1, sha256="0", format="EDIFACT", sender_supplier=sender_supplier)
            ControlReference.objects.create(sender=f"EDIFACT:{envelope_id}", reference=ref, interchange=i)

        received(supplier, "M0001", "R1")
        received(supplier, "M-OTHER-ID", "R1")  # the same supplier's R1 under another id: one series now
        received(None, "OEMPLANTS", "R1")
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    from hub.models import ControlReference

    assert sorted(ControlReference.objects.values_list("sender", "reference")) == [("EDIFACT:plants", "R1"), ("EDIFACT:supplier:M0001", "R1")]
