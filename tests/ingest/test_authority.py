"""Trust on the way in (issue "Trust", findings 1-4 and 10): each attack as it was reproduced,
through the real receive and process services, and what the sender is told.

The world: SUP00001 supplies PLANT01-02, SUP00002 PLANT02-03, SUP00003 PLANT03; ``buyer``
buys for PLANT01; the plant systems send as ``OEMPLANTS``.
"""

from __future__ import annotations

import pytest

from hub.ingest import authority
from hub.models import ControlReference, Delivery, Interchange
from hub.parties import Party as Sender
from orders.models import DeliverySchedule, DespatchAdvice
from suppliers.identifiers import identifier_key
from suppliers.models import PartnerIdentifier, PartnerProfile, Supplier
from suppliers.services import ProfileError, profile_set_identifiers
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact, order, x12
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def texts(interchange: Interchange) -> list[str]:
    return [e["text"] for e in interchange.errors]


# -- 1. control-reference squatting -------------------------------------------------------------


def test_control_reference_squatting_by_another_supplier_is_refused(world, receive_and_process):
    # supplier2 sends its own ASN inside an envelope that claims to come from SUP00001, under
    # the reference SUP00001 will use next.
    squat = receive_and_process(edifact([asn("DN-S2", supplier="SUP00002", plant="PLANT02")], sender="SUP00001", ref="A0000003"), world["users"]["supplier2"])
    assert squat.status == Interchange.Status.FAILED
    error = squat.errors[0]
    assert (error["code"], error["position"]) == ("sender", "UNB, element 2")
    assert error["text"] == (
        "the envelope sender SUP00001:ZZ is not a verified identifier of supplier SUP00002, who sent this file; the whole interchange is refused"
    )
    assert squat.raw.open("rb").read().startswith(b"UNA")  # stored before it was judged
    assert not DespatchAdvice.objects.exists() and not ControlReference.objects.exists()
    real = receive_and_process(edifact([asn("DN-REAL")], sender="SUP00001", ref="A0000003"), world["users"]["supplier"])
    assert real.status == Interchange.Status.PROCESSED, real.errors
    assert list(DespatchAdvice.objects.values_list("number", flat=True)) == ["DN-REAL"]
    assert Delivery.objects.filter(document_number="DN-REAL", recipient="plant").count() == 1


def test_control_reference_squatting_before_a_plants_delfor_is_refused(world, receive_and_process):
    squat = receive_and_process(edifact([asn("DN-S2", supplier="SUP00002", plant="PLANT02")], sender="OEMPLANTS", ref="P0000001"), world["users"]["supplier2"])
    assert squat.status == Interchange.Status.FAILED
    assert "the envelope sender OEMPLANTS:ZZ is not a verified identifier of supplier SUP00002" in texts(squat)[0]
    plants = receive_and_process(delfor([message("1", "CO-REAL")], ref="P0000001"), world["users"]["admin"])
    assert plants.status == Interchange.Status.PROCESSED, plants.errors
    assert DeliverySchedule.objects.get().number == "CO-REAL"


def test_control_references_are_unique_per_verified_sender_not_per_envelope_string(world, receive_and_process):
    # SUP00001 has a second verified id; a reference it spent under one id is spent under the other too...
    profile = PartnerProfile.objects.get(supplier__number="SUP00001")
    PartnerIdentifier.objects.create(profile=profile, scheme="edifact", qualifier="ZZ", value="ACME-EDI", status="verified")
    first = receive_and_process(edifact([asn("DN-1")], sender="SUP00001", ref="R1"), world["users"]["supplier"])
    again = receive_and_process(edifact([asn("DN-2")], sender="ACME-EDI", ref="R1"), world["users"]["supplier"])
    assert first.status == Interchange.Status.PROCESSED and again.status == Interchange.Status.DUPLICATE
    assert again.errors[0]["text"] == "control reference R1 from ACME-EDI was received before"
    # ... while another supplier's R1 is its own.
    other = receive_and_process(edifact([asn("DN-3", supplier="SUP00002", plant="PLANT02")], sender="SUP00002", ref="R1"), world["users"]["supplier2"])
    assert other.status == Interchange.Status.PROCESSED, other.errors
    assert sorted(ControlReference.objects.values_list("sender", flat=True)) == ["EDIFACT:supplier:SUP00001", "EDIFACT:supplier:SUP00002"]


def test_same_bytes_first_sent_by_another_party_do_not_make_the_owners_file_a_duplicate(world, receive_and_process):
    import io

    from hub.ingest.receive import interchange_receive
    from hub.parties import party_of_user

    data = edifact([asn("DN-COPY")], sender="SUP00001", ref="C1")
    pending = interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(world["users"]["supplier2"]))  # not processed yet
    assert pending.status == Interchange.Status.RECEIVED
    mine = receive_and_process(data, world["users"]["supplier"])
    assert mine.status == Interchange.Status.PROCESSED, mine.errors
    assert DespatchAdvice.objects.get().number == "DN-COPY"


def test_x12_envelope_of_another_supplier_is_refused(world, receive_and_process):
    interchange = receive_and_process(x12([asn("DN-X", supplier="SUP00002", plant="PLANT02")], sender="SUP00001"), world["users"]["supplier2"])
    assert interchange.status == Interchange.Status.FAILED
    assert interchange.errors[0]["position"] == "ISA, element 6"
    assert "not a verified identifier of supplier SUP00002" in interchange.errors[0]["text"]
    assert interchange.sender_id == "SUP00001"  # staff see whose envelope the refused file carried


def test_buyer_sending_under_a_suppliers_envelope_is_refused(world, receive_and_process):
    interchange = receive_and_process(delfor([message("1", "CO-B")], sender="SUP00001"), world["users"]["buyer"])
    assert interchange.status == Interchange.Status.FAILED
    assert texts(interchange)[0].startswith("the envelope sender SUP00001:ZZ is not the plant systems' identity (OEMPLANTS), which buyer account buyer sends with")
    assert not DeliverySchedule.objects.exists()


def test_refused_sender_gets_a_rejecting_contrl_and_nothing_is_sent_to_the_impersonated_supplier(world, receive_and_process):
    from hub.models import Acknowledgement

    squat = receive_and_process(edifact([asn("DN-S2", supplier="SUP00002", plant="PLANT02")], sender="SUP00001", ref="ACK1"), world["users"]["supplier2"])
    assert Acknowledgement.objects.get(interchange=squat).status == "rejected"
    back = Delivery.objects.get(document_type="acknowledgement")
    assert back.supplier.number == "SUP00002"  # the party that sent it, never the envelope's claim


# -- 2. identifier hijack through the profile wizard --------------------------------------------


@pytest.fixture
def sup400(world):
    """A supplier of PLANT01 without any EDI identifier yet, with its own user."""
    supplier = Supplier.objects.create(number="SUP00400", name="Four Hundred", country="DE", status=Supplier.Status.LIVE)
    supplier.plants.set([world["plants"][0]])
    PartnerProfile.objects.create(supplier=supplier)
    return supplier, UserFactory(username="sup400", role="supplier", supplier=supplier)


def wizard_post(client, *rows: tuple[str, str, str]):
    data = {"ids-TOTAL_FORMS": str(len(rows)), "ids-INITIAL_FORMS": "0", "ids-MIN_NUM_FORMS": "0", "ids-MAX_NUM_FORMS": "8"}
    for i, (scheme, qualifier, value) in enumerate(rows):
        data.update({f"ids-{i}-scheme": scheme, f"ids-{i}-qualifier": qualifier, f"ids-{i}-value": value})
    return client.post("/portal/profile/identifiers/", data, follow=True)


def test_identifier_hijack_through_the_profile_wizard_is_refused(world, sup400, client, receive_and_process):
    supplier400, user400 = sup400
    client.force_login(world["users"]["supplier2"])
    page = wizard_post(client, ("edifact", "ZZ", "SUP00400"))
    assert "&#x27;SUP00400&#x27; (edifact ZZ) already identifies another supplier" in page.content.decode()
    assert not PartnerIdentifier.objects.filter(key="SUP00400").exists()
    # Even an id stored for supplier2 before these rules (say, verified by an old import)
    # cannot take SUP00400's documents: a supplier number is the group's key and wins.
    PartnerIdentifier.objects.create(profile=world["suppliers"][1].profile, scheme="edifact", qualifier="ZZ", value="SUP00400", status="verified")
    # The buyer's DELFOR for SUP00400 is SUP00400's, in SUP00400's inbox, never supplier2's.
    plants = receive_and_process(delfor([message("1", "CO-400", supplier="SUP00400")]), world["users"]["buyer"])
    assert plants.status == Interchange.Status.PROCESSED, plants.errors
    assert DeliverySchedule.objects.get(number="CO-400").supplier == supplier400
    assert Delivery.objects.get(recipient="supplier").supplier == supplier400
    # supplier2 cannot send under SUP00400's number either.
    forged = receive_and_process(edifact([asn("DN-F", supplier="SUP00002", plant="PLANT02")], sender="SUP00400"), world["users"]["supplier2"])
    assert forged.errors[0]["code"] == "sender", forged.errors
    # And SUP00400's own ASN is accepted.
    own = receive_and_process(edifact([asn("DN-400", supplier="SUP00400")], sender="SUP00400"), user400)
    assert own.status == Interchange.Status.PROCESSED, own.errors


def test_lookalike_identifier_in_another_qualifier_or_case_is_the_same_id(world):
    supplier2 = world["suppliers"][1]
    PartnerIdentifier.objects.create(profile=world["suppliers"][2].profile, scheme="edifact", qualifier="ZZ", value="ACME", status="verified")
    Supplier.objects.filter(number="SUP00003").update(duns="123456789")
    for scheme, qualifier, value in (("edifact", "92", " sup00001 "), ("edifact", "", "acme"), ("x12", "ZZ", "oemplants"), ("duns", "", "123456789"), ("edifact", "1", "123456789")):
        with pytest.raises(ProfileError, match="already identifies"):
            profile_set_identifiers(supplier=supplier2, by=None, identifiers=[(scheme, qualifier, value)])
    assert identifier_key("edifact", "ZZ", "acme") == identifier_key("edifact", "92", " ACME") != identifier_key("edifact", "14", "ACME")


def test_a_pending_identifier_claim_routes_nothing_and_binds_no_envelope(world, client, receive_and_process):
    client.force_login(world["users"]["supplier2"])
    wizard_post(client, ("edifact", "ZZ", "SUP00002"), ("edifact", "ZZ", "S2-EDI"))
    claim = PartnerIdentifier.objects.get(key="S2-EDI")
    assert claim.status == PartnerIdentifier.Status.PENDING and claim.profile.supplier.number == "SUP00002"
    plants = receive_and_process(delfor([message("1", "CO-P", supplier="S2-EDI", plant="PLANT02")]), world["users"]["admin"])
    assert "call-off CO-P: supplier 'S2-EDI' is not known to the hub (no partner profile carries this id)" in texts(plants)
    file = receive_and_process(edifact([asn("DN-P", supplier="SUP00002", plant="PLANT02")], sender="S2-EDI"), world["users"]["supplier2"])
    assert "is not a verified identifier of supplier SUP00002" in texts(file)[0]
    # An admin verifies it on the staff page; from then on it routes and binds.
    client.force_login(world["users"]["admin"])
    assert "S2-EDI" in client.get("/staff/onboarding/identifiers/").content.decode()
    client.post(f"/staff/onboarding/identifiers/{claim.pk}/decide/", {"decision": "verify"})
    claim.refresh_from_db()
    assert claim.status == PartnerIdentifier.Status.VERIFIED and claim.decided_by == world["users"]["admin"]
    again = receive_and_process(delfor([message("1", "CO-V", supplier="S2-EDI", plant="PLANT02")], ref="V2"), world["users"]["admin"])
    assert DeliverySchedule.objects.get(number="CO-V").supplier.number == "SUP00002", again.errors


def test_a_buyer_verifies_identifiers_of_its_plants_suppliers_only(world, client):
    claims = {}
    for supplier in world["suppliers"][:2]:
        claims[supplier.number] = PartnerIdentifier.objects.create(profile=supplier.profile, scheme="edifact", qualifier="ZZ", value=f"X-{supplier.number}")
    client.force_login(world["users"]["buyer"])  # PLANT01: SUP00001 supplies it, SUP00002 does not
    listing = client.get("/staff/onboarding/identifiers/").content.decode()
    assert "X-SUP00001" in listing and "X-SUP00002" not in listing
    assert client.post(f"/staff/onboarding/identifiers/{claims['SUP00002'].pk}/decide/", {"decision": "verify"}).status_code == 404
    assert client.post(f"/staff/onboarding/identifiers/{claims['SUP00001'].pk}/decide/", {"decision": "verify"}).status_code == 302
    assert [c.status for c in PartnerIdentifier.objects.filter(pk__in=[c.pk for c in claims.values()]).order_by("value")] == ["verified", "pending"]
    client.force_login(world["users"]["hq"])
    assert client.post(f"/staff/onboarding/identifiers/{claims['SUP00002'].pk}/decide/", {"decision": "verify"}).status_code == 403


def test_verifying_a_claim_on_an_id_verified_for_another_supplier_is_refused(world, client):
    PartnerIdentifier.objects.create(profile=world["suppliers"][0].profile, scheme="edifact", qualifier="ZZ", value="SHARED", status="verified")
    claim = PartnerIdentifier.objects.create(profile=world["suppliers"][1].profile, scheme="edifact", qualifier="92", value="shared")
    client.force_login(world["users"]["admin"])
    page = client.post(f"/staff/onboarding/identifiers/{claim.pk}/decide/", {"decision": "verify"}, follow=True)
    assert "already identifies another supplier" in page.content.decode()
    claim.refresh_from_db()
    assert claim.status == PartnerIdentifier.Status.PENDING


# -- 3. suppliers issuing call-offs ------------------------------------------------------------


def test_supplier_issuing_call_offs_for_plants_is_refused(world, receive_and_process):
    plants = receive_and_process(delfor([message("1", "CO-PLANT")], ref="REAL1"), world["users"]["admin"])
    assert plants.status == Interchange.Status.PROCESSED
    forged = delfor([message("1", "CO-FORGED", plant="PLANT01"), message("2", "CO-FORGED2", plant="PLANT03")], sender="SUP00001", ref="F1")
    interchange = receive_and_process(forged, world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert texts(interchange) == [
        "call-off CO-FORGED: call-offs come from plants, and your account is a supplier account",
        "call-off CO-FORGED2: call-offs come from plants, and your account is a supplier account",
    ]
    assert list(DeliverySchedule.objects.values_list("number", "status")) == [("CO-PLANT", "current")]
    assert not Delivery.objects.filter(document_number__startswith="CO-FORGED").exists()


def test_supplier_asn_for_a_plant_it_is_not_assigned_to_is_refused(world, receive_and_process):
    interchange = receive_and_process(edifact([asn("DN-9", plant="PLANT03")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert "despatch advice DN-9 is for plant PLANT03, which supplier SUP00001 is not assigned to" in texts(interchange)


def test_buyer_sends_an_asn_on_a_suppliers_behalf_for_its_plant_and_it_is_recorded(world, receive_and_process):
    interchange = receive_and_process(edifact([asn("DN-B1"), asn("DN-B2", plant="PLANT02")], sender="OEMPLANTS"), world["users"]["buyer"])
    assert interchange.status == Interchange.Status.PROCESSED
    assert list(DespatchAdvice.objects.values_list("number", flat=True)) == ["DN-B1"]
    assert "despatch advice DN-B2 is for plant PLANT02, which is not one of your plants" in texts(interchange)
    assert interchange.on_behalf_of == ["SUP00001"]


# -- 4. receipts and acknowledgements from the wrong party ---------------------------------------


def contrl(sender: str, reference: object, ref: str = "CTL1") -> bytes:
    return (
        f"UNB+UNOC:3+{sender}:ZZ+SUPPLIERHUB:ZZ+261125:0800+{ref}'UNH+1+CONTRL:D:3:UN'UCI+{reference}+SUPPLIERHUB:ZZ+{sender}:ZZ+7'"
        f"UNT+3+1'UNZ+1+{ref}'"
    ).encode()


def test_contrl_under_a_suppliers_envelope_uploaded_by_a_buyer_acknowledges_nothing(world, receive_and_process):
    receive_and_process(edifact([order("PO-C")], sender="OEMPLANTS"), world["users"]["admin"])
    to_supplier = Delivery.objects.get(recipient="supplier")
    interchange = receive_and_process(contrl("SUP00001", to_supplier.pk), world["users"]["buyer"])
    assert interchange.status == Interchange.Status.FAILED
    assert "is not the plant systems' identity" in texts(interchange)[0]
    to_supplier.refresh_from_db()
    assert to_supplier.acknowledged_at is None and to_supplier.acknowledgement_status == ""


def test_contrl_from_the_plant_side_cannot_acknowledge_a_suppliers_delivery(world, receive_and_process):
    receive_and_process(edifact([order("PO-D")], sender="OEMPLANTS"), world["users"]["admin"])
    to_supplier = Delivery.objects.get(recipient="supplier")
    interchange = receive_and_process(contrl("OEMPLANTS", to_supplier.pk), world["users"]["admin"])
    assert interchange.status == Interchange.Status.FAILED
    assert any(f"it refers to {to_supplier.pk}, which matches nothing the hub sent to a plant" in t for t in texts(interchange))
    to_supplier.refresh_from_db()
    assert to_supplier.acknowledged_at is None


# -- 10. supplier status ----------------------------------------------------------------------


def test_suspended_suppliers_asn_is_refused(world, receive_and_process):
    Supplier.objects.filter(number="SUP00001").update(status=Supplier.Status.SUSPENDED)
    interchange = receive_and_process(edifact([asn("DN-SUS")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED and not interchange.test_run
    assert texts(interchange)[0] == "supplier SUP00001 is suspended and cannot send documents into production"
    assert not DespatchAdvice.objects.exists() and not Delivery.objects.exclude(document_type="acknowledgement").exists()


def test_not_yet_live_suppliers_856_is_refused(world, receive_and_process):
    Supplier.objects.filter(number="SUP00001").update(status=Supplier.Status.PROFILE_COMPLETE)
    interchange = receive_and_process(x12([asn("DN-856")]), world["users"]["supplier"])
    assert interchange.status == Interchange.Status.FAILED
    assert texts(interchange)[0] == "supplier SUP00001 is profile complete and cannot send documents into production"
    assert not DespatchAdvice.objects.exists()


# -- the rules as pure functions --------------------------------------------------------------


def test_the_send_rules_table_covers_every_routed_kind_and_says_each_rule():
    from orders.kinds import KINDS

    assert set(KINDS) <= set(authority.SEND_RULES)
    assert all(rule.rule for rule in authority.SEND_RULES.values())


def test_may_acknowledge_only_for_the_recipient(world):
    supplier1, supplier2 = world["suppliers"][:2]
    as_supplier = Sender(role="supplier", supplier=supplier1)
    buyer = Sender(role="buyer", plant_codes=frozenset({"PLANT01"}))
    assert authority.may_acknowledge(as_supplier, recipient="supplier", supplier_id=supplier1.pk, plant_code="") == ""
    assert authority.may_acknowledge(as_supplier, recipient="supplier", supplier_id=supplier2.pk, plant_code="")
    assert authority.may_acknowledge(as_supplier, recipient="plant", supplier_id=supplier1.pk, plant_code="PLANT01")
    assert authority.may_acknowledge(buyer, recipient="plant", supplier_id=None, plant_code="PLANT01") == ""
    assert authority.may_acknowledge(buyer, recipient="plant", supplier_id=None, plant_code="PLANT02")
    assert authority.may_acknowledge(Sender(role="plant_system"), recipient="plant", supplier_id=None, plant_code="PLANT07") == ""


def test_admin_actions_verify_claims_and_staff_entered_ids_default_to_verified(world, client):
    claim = PartnerIdentifier.objects.create(profile=world["suppliers"][0].profile, scheme="edifact", qualifier="ZZ", value="CLAIMED")
    client.force_login(world["users"]["buyer"])  # SUP00001 supplies the buyer's PLANT01
    client.post("/admin/suppliers/partneridentifier/", {"action": "verify", "_selected_action": [claim.pk]})
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == ("verified", world["users"]["buyer"])
    client.force_login(world["users"]["admin"])
    form = client.get("/admin/suppliers/partneridentifier/add/").content.decode()
    assert '<option value="verified" selected>' in form


def test_a_file_whose_uploading_account_was_deleted_before_processing_is_refused_not_run_as_admin(world):
    """A stored file whose account is gone has no party left to speak for: it sends nothing."""
    import io

    from hub.ingest.pipeline import interchange_process
    from hub.ingest.receive import interchange_receive
    from hub.parties import party_of_user

    gone = UserFactory(username="leaver", role="buyer", is_staff=True, plants=[world["plants"][0]])
    data = delfor([message("1", "CO-GONE", supplier="SUP00001", plant="PLANT01")], sender="OEMPLANTS")
    stored = interchange_receive(stream=io.BytesIO(data), channel="api", party=party_of_user(gone))
    gone.delete()  # uploaded_by is SET_NULL: the row stays, its sender does not
    interchange_process(interchange_id=stored.pk)
    stored.refresh_from_db()
    assert stored.status == Interchange.Status.FAILED
    assert stored.errors[0]["code"] == "sender"
    assert not DeliverySchedule.objects.filter(number="CO-GONE").exists()
