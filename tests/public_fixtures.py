"""A small public catalogue for tests of the public pages and the API: real units, certificates in every state,
and private records (a draft dossier, a non-recognised result, scores) that must never show.

Import explicitly: ``from tests.public_fixtures import catalogue  # noqa: F401``. Dates are relative to today so
statuses are what their names say. Certificates are issued through ``record_certificate`` (chains, audit).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.cache import caches

from districts.models import AdminUnit, Council, Level, Structure, UnitTarget
from evaluations.models import (
    Certificate,
    Decision,
    Dossier,
    DossierStatus,
    EvaluationResult,
    Outcome,
    Revocation,
    Round,
)
from evaluations.services.certificates import record_certificate
from evaluations.status import today
from products.models import Producer, ProducerType, Product, SalesPoint
from tests.factories import product_set, rule_version

SECRET_SCORE = Decimal("87.35")  # a certificate's council score: must never be shown
# A non-recognised result: must never be shown. Both scores are above 59 so that they cannot be mistaken for the
# seconds of a timestamp ("…:41.75…") in the leak checks.
PRIVATE_RESULT_SCORE = Decimal("66.85")
PRIVATE_NAMES = ("Bình gốm bản nháp bí mật", "Cơ sở gốm chưa công nhận", "Rượu không đạt Kim Sơn")


@dataclass
class Catalogue:
    today: datetime.date
    units: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    certificates: dict = field(default_factory=dict)
    producers: dict = field(default_factory=dict)


def unit(structure, level, code, name, parent=None, **extra):
    return AdminUnit.objects.get_or_create(
        structure=structure, level=level, code=code, defaults={"name": name, "parent": parent, **extra}
    )[0]


def issue(product, number, issued_on, stars, *, decision=None, score=SECRET_SCORE):
    return record_certificate(
        product=product,
        number=number,
        stars=stars,
        issued_on=issued_on,
        rule_version=rule_version("QD26_2026" if issued_on >= datetime.date(2026, 5, 22) else "QD148_2023"),
        issuing_authority=decision.authority if decision else "UBND thành phố Hà Nội",
        issuing_level="province",
        decision=decision,
        score=score,
    )


def ensure_reference_data():
    """Rule versions and the taxonomy come from data migrations; a transactional test after a flush may find them
    gone (serialized rollback does not always bring them back in a full run), so load them again (idempotent)."""
    import importlib

    from django.apps import apps

    from evaluations.models import RuleVersion
    from products.models import ProductSet
    from products.taxonomy import TAXONOMY_FILES, load_taxonomy

    if not RuleVersion.objects.filter(code="QD26_2026").exists():
        importlib.import_module("evaluations.migrations.0002_rule_versions").forwards(apps, None)
    if not ProductSet.objects.exists():
        for filename in TAXONOMY_FILES:
            load_taxonomy(apps, filename)


def build_catalogue() -> Catalogue:
    ensure_reference_data()
    on = today()
    c = Catalogue(today=on)
    hanoi = unit(Structure.CURRENT, Level.PROVINCE, "01", "Thành phố Hà Nội")
    ninh_binh = unit(Structure.CURRENT, Level.PROVINCE, "37", "Tỉnh Ninh Bình")
    old_hanoi = unit(Structure.LEGACY, Level.PROVINCE, "01", "Thành phố Hà Nội")
    gia_lam = unit(Structure.LEGACY, Level.DISTRICT, "018", "Huyện Gia Lâm", old_hanoi, successor_province=hanoi)
    dong_anh_old = unit(Structure.LEGACY, Level.DISTRICT, "017", "Huyện Đông Anh", old_hanoi, successor_province=hanoi)
    bat_trang = unit(Structure.CURRENT, Level.COMMUNE, "00577", "Xã Bát Tràng", hanoi)
    dong_anh = unit(Structure.CURRENT, Level.COMMUNE, "00454", "Xã Đông Anh", hanoi)
    phu_nghia = unit(Structure.CURRENT, Level.COMMUNE, "10030", "Xã Phú Nghĩa", hanoi)
    kim_son = unit(Structure.CURRENT, Level.COMMUNE, "14737", "Xã Kim Sơn", ninh_binh)
    c.units = dict(
        hanoi=hanoi, ninh_binh=ninh_binh, gia_lam=gia_lam, dong_anh_old=dong_anh_old, bat_trang=bat_trang,
        dong_anh=dong_anh, phu_nghia=phu_nghia, kim_son=kim_son,
    )  # fmt: skip

    def producer(key, name, ptype, commune, legacy=None):
        c.producers[key] = Producer.objects.create(
            name=name,
            producer_type=ptype,
            registration_number=f"TEST-{len(c.producers):04d}",
            commune=commune,
            legacy_district=legacy,
            address=f"{commune.name}, {commune.parent.name}",
            phone="0243 123 456",
            representative_name="Nguyễn Văn Riêng Tư",
            tax_code="0101999888",
        )
        return c.producers[key]

    def product(key, name, set_number, owner, **extra):
        c.products[key] = Product.objects.create(
            name=name, product_set=product_set(set_number), producer=owner, commune=owner.commune,
            legacy_district=owner.legacy_district, description=f"{name}: mô tả công khai.", **extra,
        )  # fmt: skip
        return c.products[key]

    decision = Decision.objects.create(
        number="123/QĐ-UBND",
        issued_on=on - datetime.timedelta(days=100),
        authority="UBND thành phố Hà Nội",
        signer="Trần Sỹ Thanh",
        level="province",
        unit=hanoi,
        rule_version=rule_version(),
        status=Decision.Status.ISSUED,
    )
    gom = producer("gom", "HTX Gốm sứ Bát Tràng", ProducerType.COOPERATIVE, bat_trang, gia_lam)
    minh_duong = producer("minh_duong", "Công ty cổ phần thực phẩm Minh Dương", ProducerType.ENTERPRISE, dong_anh,
                          dong_anh_old)  # fmt: skip
    may_tre = producer("may_tre", "Tổ hợp tác mây tre đan Phú Nghĩa", ProducerType.COOPERATIVE_GROUP, phu_nghia)
    ca_phe = producer("ca_phe", "Hộ kinh doanh Cà phê Kim Sơn", ProducerType.HOUSEHOLD, kim_son)

    # Valid: issued 100 days ago.
    issue(product("gom", "Gốm sứ Bát Tràng", 21, gom, code="01-00577-1-2026"), "GCN-VALID-5", decision.issued_on, 5,
          decision=decision)  # fmt: skip
    issue(product("bun", "Bún gạo Minh Dương", 6, minh_duong), "GCN-VALID-4", decision.issued_on, 4,
          decision=decision)  # fmt: skip
    # Re-recognised: an old certificate (superseded) and a new one.
    product("ca_phe", "Cà phê rang xay Kim Sơn", 13, ca_phe)
    issue(c.products["ca_phe"], "GCN-OLD-3", datetime.date(2022, 3, 1), 3)
    issue(c.products["ca_phe"], "GCN-NEW-4", on - datetime.timedelta(days=30), 4)
    # Expiring soon: expires in 20 days (issued 36 months - 20 days ago).
    expiring_issue = _months_before(on + datetime.timedelta(days=20), 36)
    issue(product("expiring", "Mây tre đan Phú Nghĩa", 21, may_tre), "GCN-EXPIRING", expiring_issue, 3)
    # In re-rating: expires in 150 days, re-rating filed 10 days ago.
    rerating_issue = _months_before(on + datetime.timedelta(days=150), 36)
    cert = issue(product("rerating", "Nón lá Phú Nghĩa", 21, may_tre), "GCN-RERATING", rerating_issue, 3)
    Certificate.objects.filter(pk=cert.pk).update(rerating_filed_on=on - datetime.timedelta(days=10))
    # Expired yesterday.
    expired_issue = _months_before(on - datetime.timedelta(days=1), 36)
    issue(product("expired", "Khăn thêu Phú Nghĩa", 22, may_tre), "GCN-EXPIRED", expired_issue, 3)
    # Revoked 12 days ago.
    cert = issue(
        product("revoked", "Tương ớt Phú Nghĩa", 9, may_tre), "GCN-REVOKED", on - datetime.timedelta(days=200), 3
    )
    Revocation.objects.create(
        certificate=cert,
        ground="c",
        revoked_on=on - datetime.timedelta(days=12),
        decision_number="45/QĐ-UBND-TH",
        authority="UBND thành phố Hà Nội",
        reason="Chi tiết thanh tra nội bộ không công bố",
    )
    for cert in Certificate.objects.all():
        c.certificates[cert.number] = cert

    # Private: a product with only a draft dossier, a producer without certificates, a non-recognised result.
    secret_owner = producer("secret", PRIVATE_NAMES[1], ProducerType.HOUSEHOLD, bat_trang)
    draft = product("draft", PRIVATE_NAMES[0], 21, secret_owner)
    Dossier.objects.create(
        product=draft, rule_version=rule_version(), intake_unit=bat_trang, status=DossierStatus.DRAFT
    )
    failed = product("failed", PRIVATE_NAMES[2], 14, ca_phe)
    council = Council.objects.create(name="Hội đồng thử", level="province", unit=ninh_binh)
    round_ = Round.objects.create(
        name="Đợt thử", rule_version=rule_version(), level="province", unit=ninh_binh, council=council,
        year=on.year, intake_deadline=on, decision_deadline=on,
    )  # fmt: skip
    dossier = Dossier.objects.create(
        product=failed, rule_version=rule_version(), intake_unit=kim_son, status=DossierStatus.NOT_RECOGNISED,
        round=round_,
    )  # fmt: skip
    EvaluationResult.objects.create(
        dossier=dossier, round=round_, mean_score=PRIVATE_RESULT_SCORE, stars=None, outcome=Outcome.NOT_RECOGNISED,
        is_final=True,
    )  # fmt: skip
    point = SalesPoint.objects.create(name="Điểm bán sản phẩm OCOP Bát Tràng", unit=bat_trang, address="Chợ gốm")
    point.products.add(c.products["gom"], draft)
    UnitTarget.objects.create(unit=hanoi, year=on.year + 1, min_stars=3, target_count=10, description="Mười sản phẩm")
    return c


def _months_before(day: datetime.date, months: int) -> datetime.date:
    """The issue date whose 36-month expiry is ``day`` (day-of-month kept; fixtures avoid month ends)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    import calendar

    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@pytest.fixture
def catalogue(db) -> Catalogue:
    caches["default"].clear()  # choice lists and aggregates are cached between requests
    return build_catalogue()
