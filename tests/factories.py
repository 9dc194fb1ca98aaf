"""Factories for the hub's models (factory_boy), instead of fixture files."""

from __future__ import annotations

import factory

from hub.models import Plant
from suppliers.models import PartnerIdentifier, PartnerProfile, Supplier, User


class PlantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plant
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"PLANT{n + 1:02d}")
    name = factory.LazyAttribute(lambda o: f"Plant {o.code}")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier
        django_get_or_create = ["number"]
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"SUP{n + 1:05d}")
    name = factory.LazyAttribute(lambda o: f"Supplier {o.number}")
    country = "DE"
    status = Supplier.Status.LIVE

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):
        if not create:
            return
        profile, _ = PartnerProfile.objects.get_or_create(supplier=self)
        # Staff-created master data: verified, as seed_demo and imports make it.
        PartnerIdentifier.objects.get_or_create(
            profile=profile, scheme="edifact", qualifier="92", value=self.number, plant=None, defaults={"status": PartnerIdentifier.Status.VERIFIED}
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.SUPPLIER
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def plants(self, create, extracted, **kwargs):
        if create and extracted:
            self.plants.set(extracted)
        if create:
            self.save()
