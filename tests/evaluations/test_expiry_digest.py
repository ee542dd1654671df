"""One digest e-mail per responsible officer per run, listing all their certificates that crossed a step."""

import datetime

import pytest

from districts.models import Role
from districts.selectors import unit_scope_q
from evaluations.models import Certificate, CertificateNotice, OfficerNotice
from tests.evaluations.expiry_helpers import (
    D,
    commune_officer,
    issue,
    new_commune,
    officer,
    officer_mails,
    producer_mails,
    province_officer,
    run,
)
from tests.factories import LegacyDistrictFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 8, 31)
EXPIRES = datetime.date(2029, 8, 31)


@pytest.fixture
def two_provinces():
    commune_x = new_commune()
    province = commune_x.parent
    commune_y = new_commune(province)
    other_commune = new_commune()
    in_x = [issue(ISSUED, commune=commune_x) for _ in range(3)]
    in_y = issue(ISSUED, commune=commune_y)
    later = issue(ISSUED + D(days=3), commune=commune_x)  # expires three days later
    elsewhere = issue(ISSUED, commune=other_commune)
    return {
        "province": province,
        "commune_x": commune_x,
        "commune_y": commune_y,
        "other_province": other_commune.parent,
        "in_x": in_x,
        "in_y": in_y,
        "later": later,
        "elsewhere": elsewhere,
    }


def test_each_officer_gets_one_digest_listing_all_their_certificates(two_provinces, mailoutbox):
    p = two_provinces
    office = [province_officer(p["province"]) for _ in range(2)]
    commune_x = commune_officer(p["commune_x"])
    other = province_officer(p["other_province"])
    central = officer(Role.CENTRAL_OFFICE, None)
    # Run on a day where two different steps are due: expiring_30 for five certificates, expiring_30 + 3 days for one.
    run(EXPIRES - D(days=30))
    run(EXPIRES - D(days=28))  # nothing new for "later" yet (its expiring_30 is due on EXPIRES - 27)
    mailoutbox.clear()
    run(EXPIRES - D(days=27))
    assert len(officer_mails(mailoutbox)) == 3  # the province office (2) and the commune officer of X
    for user in office:
        (digest,) = officer_mails(mailoutbox, user)
        assert p["later"].number in digest.body
    (digest_x,) = officer_mails(mailoutbox, commune_x)
    assert p["later"].number in digest_x.body
    assert officer_mails(mailoutbox, other) == [] and officer_mails(mailoutbox, central) == []


def test_the_first_digest_groups_every_certificate_of_the_officer_by_step(two_provinces, mailoutbox):
    p = two_provinces
    far = issue(ISSUED + D(days=63), commune=p["commune_y"])  # its expiring_90 falls on the same day
    head = province_officer(p["province"])
    commune_x = commune_officer(p["commune_x"])
    other = province_officer(p["other_province"])
    day = EXPIRES - D(days=27)  # the five crossed expiring_30 three days ago, "later" today
    assert far.expires_on - D(days=90) == day
    run(day)
    (digest,) = officer_mails(mailoutbox, head)
    listed = {c.pk for c in Certificate.objects.all() if c.number in digest.body}
    assert listed == {c.pk for c in p["in_x"]} | {p["in_y"].pk, p["later"].pk, far.pk}
    body = digest.body
    assert "== Còn 90 ngày hết hạn (1) ==" in body and "== Còn 30 ngày hết hạn (5) ==" in body
    assert (
        body.index("Còn 90 ngày") < body.index(far.number) < body.index("Còn 30 ngày") < body.index(p["later"].number)
    )
    assert digest.subject == "[OCOP] Tổng hợp ngày 04/08/2029: 6 giấy chứng nhận cần chú ý"
    assert "<table" in digest.alternatives[0][0]
    (digest_x,) = officer_mails(mailoutbox, commune_x)
    assert p["in_y"].number not in digest_x.body and far.number not in digest_x.body
    assert all(c.number in digest_x.body for c in p["in_x"] + [p["later"]])
    (digest_other,) = officer_mails(mailoutbox, other)
    assert p["elsewhere"].number in digest_other.body and p["in_x"][0].number not in digest_other.body
    assert len(producer_mails(mailoutbox)) == 7


def test_digest_recipients_are_exactly_those_who_may_see_the_certificate(two_provinces):
    p = two_provinces
    users = [province_officer(p["province"]), commune_officer(p["commune_x"]), commune_officer(p["commune_y"])]
    users.append(province_officer(p["other_province"]))
    run(EXPIRES - D(days=27))
    for share in OfficerNotice.objects.select_related("notice__certificate", "officer"):
        visible = Certificate.objects.filter(unit_scope_q(share.officer, prefix="product__"))
        assert visible.filter(pk=share.notice.certificate_id).exists()
    for user in users:
        visible = Certificate.objects.filter(unit_scope_q(user, prefix="product__"))
        shared = set(OfficerNotice.objects.filter(officer=user).values_list("notice__certificate", flat=True))
        assert shared == set(visible.values_list("pk", flat=True))


def test_officers_without_email_or_inactive_are_left_out_and_notices_say_no_officer(mailoutbox):
    commune = new_commune()
    cert = issue(ISSUED, commune=commune)
    province_officer(commune.parent, email=False)
    gone = commune_officer(commune)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    run(EXPIRES - D(days=30))
    assert officer_mails(mailoutbox) == []
    notice = CertificateNotice.objects.get(certificate=cert)
    assert notice.officer_skipped == CertificateNotice.Skip.NO_OFFICER
    assert notice.producer_notified_at is not None


def test_legacy_district_officers_get_the_certificates_their_council_issued(mailoutbox):
    district = LegacyDistrictFactory()
    commune = new_commune()
    producer = ProducerFactory(commune=commune, legacy_district=district)
    legacy_product = ProductFactory(producer=producer, commune=commune, legacy_district=district)
    current_product = ProductFactory(producer=producer, commune=commune, legacy_district=district)
    legacy = issue(ISSUED, product=legacy_product, level="district")
    current = issue(ISSUED, product=current_product, level="province")
    district_officer = officer(Role.DISTRICT_OFFICER, district)
    run(EXPIRES - D(days=30))
    (digest,) = officer_mails(mailoutbox, district_officer)
    assert legacy.number in digest.body and current.number not in digest.body


def test_a_producer_with_several_products_gets_one_email(mailoutbox):
    producer = ProducerFactory()
    certs = [issue(ISSUED, producer=producer) for _ in range(3)]
    run(EXPIRES - D(days=30))
    (mail,) = producer_mails(mailoutbox)
    assert mail.to == [producer.email]
    assert all(c.number in mail.body for c in certs)
    assert "Nhắc hạn 3 giấy chứng nhận" in mail.subject


def test_the_producer_email_is_vietnamese_and_says_what_to_do(mailoutbox):
    commune = new_commune()
    cert = issue(ISSUED, commune=commune)
    run(EXPIRES - D(days=180))
    (mail,) = producer_mails(mailoutbox)
    assert mail.subject == f"[OCOP] Giấy chứng nhận số {cert.number}: Bắt đầu thời gian nộp hồ sơ đánh giá lại"
    assert f"Kính gửi {cert.product.producer.name}" in mail.body
    assert "Từ ngày 04/03/2029 đến hết ngày 03/05/2029" in mail.body
    assert f"UBND {commune.name}" in mail.body
    html = mail.alternatives[0][0]
    assert "04/03/2029" in html and "<script" not in html
