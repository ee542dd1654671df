"""Factories for tests. Units are created small and on purpose; the full unit data is loaded only where tested."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from districts.models import AdminUnit, Council, CouncilMembership, Level, RoleAssignment, Structure
from evaluations.models import Certificate, Decision, Dossier, Revocation, RuleVersion
from products.models import Producer, ProducerType, Product, ProductSet

_codes = itertools.count(100)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    first_name = "Văn"
    last_name = factory.Sequence(lambda n: f"Nguyễn {n}")
    password = factory.django.Password("mat-khau-thu-nghiem-123")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit
        django_get_or_create = ("structure", "level", "code")

    structure = Structure.CURRENT
    level = Level.PROVINCE
    code = factory.LazyFunction(lambda: f"{next(_codes) % 100:02d}")
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit
        django_get_or_create = ("structure", "level", "code")

    structure = Structure.CURRENT
    level = Level.COMMUNE
    code = factory.LazyFunction(lambda: f"{next(_codes):05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    parent = factory.SubFactory(ProvinceFactory)


class LegacyProvinceFactory(ProvinceFactory):
    structure = Structure.LEGACY


class LegacyDistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminUnit
        django_get_or_create = ("structure", "level", "code")

    structure = Structure.LEGACY
    level = Level.DISTRICT
    code = factory.LazyFunction(lambda: f"{next(_codes) % 1000:03d}")
    name = factory.Sequence(lambda n: f"Huyện Cũ {n}")
    parent = factory.SubFactory(LegacyProvinceFactory)


def product_set(number: int = 1, taxonomy: str = "QD26_2026") -> ProductSet:
    """Product sets come from the taxonomy data migration: look them up, never invent them."""
    return ProductSet.objects.get(taxonomy=taxonomy, number=number)


def rule_version(code: str = "QD26_2026") -> RuleVersion:
    return RuleVersion.objects.get(code=code)


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    name = factory.Sequence(lambda n: f"HTX Nông nghiệp Thử {n}")
    producer_type = ProducerType.COOPERATIVE
    registration_number = factory.Sequence(lambda n: f"0100{n:06d}")
    representative_name = "Nguyễn Văn An"
    representative_gender = "male"
    commune = factory.SubFactory(CommuneFactory)
    email = factory.Sequence(lambda n: f"chuthe{n}@example.vn")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    product_set = factory.LazyFunction(product_set)
    name = factory.Sequence(lambda n: f"Sản phẩm thử {n}")
    commune = factory.SelfAttribute("producer.commune")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    number = factory.Sequence(lambda n: f"{n}/QĐ-UBND")
    issued_on = datetime.date(2026, 6, 30)
    signer = "Trần Văn Bình"
    authority = "UBND tỉnh Thử"
    level = "province"
    rule_version = factory.LazyFunction(rule_version)
    status = Decision.Status.ISSUED


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    number = factory.Sequence(lambda n: f"GCN-{n:06d}")
    product = factory.SubFactory(ProductFactory)
    decision = factory.SubFactory(DecisionFactory)
    stars = 3
    issued_on = datetime.date(2026, 6, 30)
    rule_version = factory.LazyFunction(rule_version)
    issuing_authority = "UBND tỉnh Thử"
    issuing_level = "province"


class RevocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Revocation

    certificate = factory.SubFactory(CertificateFactory)
    ground = "c"
    revoked_on = datetime.date(2027, 1, 15)
    decision_number = factory.Sequence(lambda n: f"{n}/QĐ-UBND-TH")
    authority = "UBND tỉnh Thử"


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    product = factory.SubFactory(ProductFactory)
    rule_version = factory.LazyFunction(rule_version)
    intake_unit = factory.SelfAttribute("product.commune")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    name = factory.Sequence(lambda n: f"Hội đồng tỉnh Thử {n}")
    level = "province"
    unit = factory.SubFactory(ProvinceFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMembership

    council = factory.SubFactory(CouncilFactory)
    user = factory.SubFactory(UserFactory)
    role = "member"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "commune_officer"
    unit = factory.SubFactory(CommuneFactory)
