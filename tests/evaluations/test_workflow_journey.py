"""The whole journey through the officer pages, per rule version: dossier → review → council → decision → certificate.

QĐ 26/2026: commune checks (Mẫu 03) → province council 3–4★ → (≥90, "tiềm năng 5★") central council 5★; when the
centre scores below 90 the province may recognise 3–4★. QĐ 148 (historical rounds): district council 3★ (forwards
≥70) → province/city council 4★, on paper sheets (that version's sheets are not digitised).
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail

from districts.models import Level, Structure
from evaluations.models import (
    AuditEntry,
    Certificate,
    Decision,
    Dossier,
    EvaluationResult,
    MemberScoreSheet,
)
from evaluations.rules import certificate_expiry
from evaluations.status import Status, certificate_status
from tests.evaluations.workflow_helpers import (
    Province,
    as_user,
    assign_and_open,
    best_options,
    council,
    file_dossier,
    make_product,
    messages_of,
    open_round,
    options_for_total,
    review_and_forward,
    sheet_data_for,
    submit_paper,
    submit_sheet,
    unit,
    user,
)
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_sheets")]


@pytest.fixture
def hn():
    return Province("91", "Tỉnh Hành Trình").build("ht")


def finalise(chair, round_, dossier, **extra):
    return as_user(chair).post(f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/chot/", extra)


def draft_and_issue(secretary, council_, results, number, issued_on="2026-12-15", signer="Trần Văn Ký"):
    client = as_user(secretary)
    response = client.post(
        f"/can-bo/quyet-dinh/moi/{council_.pk}/",
        {
            "number": number,
            "issued_on": issued_on,
            "signer": signer,
            "authority": "UBND tỉnh Hành Trình",
            "results": [r.pk for r in results],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    decision = Decision.objects.get(number=number)
    assert decision.status == "draft"
    response = client.post(f"/can-bo/quyet-dinh/{decision.pk}/ban-hanh/")
    assert response.status_code == 302
    decision.refresh_from_db()
    return decision


def test_qd26_journey_commune_review_province_council_decision_certificate(hn):
    product = make_product(hn.commune, number=3, name="Gạo thơm Hành Trình")
    # 1. The commune officer enters and submits the dossier (Mẫu 01, Mẫu 02, files, samples).
    dossier = file_dossier(hn.commune_officer, product)
    assert dossier.review_deadline is not None and dossier.review_deadline > datetime.date.today()
    page = as_user(hn.commune_officer).get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Hạn xem xét" in page and "15 ngày làm việc" in page
    # Submitting locks it: the registration form is gone for good.
    assert as_user(hn.commune_officer).get(f"/can-bo/ho-so/{dossier.pk}/phieu-dang-ky/").status_code == 404
    # 2. The commune reviews (Mẫu 03) and forwards to the province council.
    review_and_forward(hn.commune_officer, dossier)
    assert dossier.stage_level == "province"
    # 3. The province office opens a round, assigns the dossier and opens scoring.
    round_ = open_round(hn.office, hn.council)
    assign_and_open(hn.office, round_, [dossier])
    # 4. Every member scores on screen: 82, 80, 84, 78, 81 → mean 81.00 → 4★ (every minimum met).
    sheet = sheet_data_for(product)
    for member, total in zip(hn.scorers, (82, 80, 84, 78, 81), strict=True):
        response = submit_sheet(member, round_, dossier, options_for_total(sheet, total))
        assert response.status_code == 302, messages_of(response)
    result = EvaluationResult.objects.get(dossier=dossier, round=round_, attempt=1)
    assert result.mean_score == Decimal("81.00") and result.stars == 4 and not result.is_final
    page = as_user(hn.chair).get(f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/ket-qua/").content.decode()
    assert "81,00" in page or "81.00" in page
    assert "Chốt kết quả" in page
    # 5. The chair finalises: the province recognises 4★, so the dossier waits for the province's decision.
    assert finalise(hn.chair, round_, dossier).status_code == 302
    result.refresh_from_db()
    dossier.refresh_from_db()
    assert result.is_final and result.recognised_by_level == "province" and not result.forwarded
    assert dossier.status == "scored"
    # 6. The secretary drafts and issues the decision: one certificate, 36 months, rule version recorded.
    decision = draft_and_issue(hn.secretary, hn.council, [result], "101/QĐ-UBND")
    assert decision.status == "issued"
    certificate = Certificate.objects.get(product=product)
    assert certificate.stars == 4 and certificate.decision == decision
    assert certificate.issued_on == datetime.date(2026, 12, 15)
    assert certificate.expires_on == certificate_expiry(datetime.date(2026, 12, 15)) == datetime.date(2029, 12, 15)
    assert certificate.rule_version.code == "QD26_2026" and certificate.is_current
    assert certificate.number == "91-2026-0001"
    dossier.refresh_from_db()
    assert dossier.status == "decided"
    # The certificate PDF: Vietnamese text and the verification link.
    response = as_user(hn.secretary).get(f"/can-bo/gcn/{certificate.pk}/ban-in.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # 7. Every step is in the dossier's history tab.
    history = as_user(hn.commune_officer).get(f"/can-bo/ho-so/{dossier.pk}/lich-su/").content.decode()
    for label in (
        "Lập hồ sơ",
        "Nộp hồ sơ",
        "Lưu báo cáo đánh giá (Mẫu 03)",
        "Chuyển hồ sơ lên cấp trên",
        "Xếp vào đợt đánh giá",
        "Thành viên nộp phiếu chấm",
        "Chốt kết quả đánh giá",
        "Có quyết định công nhận",
    ):
        assert label in history, label
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"round.opened", "decision.drafted", "decision.issued", "certificate.issued"} <= actions


def test_qd26_potential_five_star_goes_to_the_centre_and_the_province_recognises_below_90(hn):
    product = make_product(hn.commune, number=1, name="Bưởi Hành Trình")
    dossier = file_dossier(hn.commune_officer, product)
    review_and_forward(hn.commune_officer, dossier)
    round_ = open_round(hn.office, hn.council)
    assign_and_open(hn.office, round_, [dossier])
    sheet = sheet_data_for(product)
    for member in hn.scorers:
        submit_sheet(member, round_, dossier, best_options(sheet))
    assert finalise(hn.chair, round_, dossier).status_code == 302
    province_result = EvaluationResult.objects.get(dossier=dossier, round=round_)
    dossier.refresh_from_db()
    # ≥90 with the 5★ minima: "tiềm năng 5★", forwarded to the centre; no province decision for it.
    assert province_result.stars == 5 and province_result.forwarded
    assert dossier.status == "forwarded" and dossier.stage_level == "central" and dossier.round is None
    decisions_page = as_user(hn.secretary).get("/can-bo/quyet-dinh/").content.decode()
    assert "0 sản phẩm có kết quả đã chốt" in decisions_page
    # The central office opens a central round with the central council.
    centre = user("tw_vanphong", role="central_office")
    central_chair, central_members = user("tw_chutich"), [user(f"tw_tv{i}") for i in range(3)]
    central_council = council(
        "Hội đồng OCOP trung ương", "central", None, {"chair": [central_chair], "member": central_members}
    )
    central_round = open_round(centre, central_council, name="Đợt trung ương 2026")
    assert central_round.level == "central" and central_round.unit is None
    assign_and_open(centre, central_round, [dossier])
    # The centre scores 85: below 90 → not 5★; the province may recognise 4★ on this result (Điều 7.4).
    for member in [central_chair, *central_members]:
        assert submit_sheet(member, central_round, dossier, options_for_total(sheet, 85)).status_code == 302
    assert finalise(central_chair, central_round, dossier).status_code == 302
    central_result = EvaluationResult.objects.get(dossier=dossier, round=central_round)
    assert central_result.stars == 4 and central_result.recognised_by_level == "province"
    dossier.refresh_from_db()
    assert dossier.status == "scored"
    # The province council's secretary sees it and issues the province decision.
    decision = draft_and_issue(hn.secretary, hn.council, [central_result], "205/QĐ-UBND")
    certificate = Certificate.objects.get(product=product)
    assert certificate.stars == 4 and certificate.issuing_level == "province" and certificate.decision == decision
    assert certificate.score == Decimal("85.00")


def test_qd26_five_star_recognised_by_the_centre(hn):
    product = make_product(hn.commune, number=1)
    dossier = file_dossier(hn.commune_officer, product)
    review_and_forward(hn.commune_officer, dossier)
    round_ = open_round(hn.office, hn.council)
    assign_and_open(hn.office, round_, [dossier])
    sheet = sheet_data_for(product)
    for member in hn.scorers:
        submit_sheet(member, round_, dossier, best_options(sheet))
    finalise(hn.chair, round_, dossier)
    centre = user("tw_vp", role="central_office")
    chair, secretary = user("tw_ct"), user("tw_tk")
    members = [user(f"tw_m{i}") for i in range(3)]
    central = council("HĐ trung ương", "central", None, {"chair": [chair], "member": members, "secretary": [secretary]})
    central_round = open_round(centre, central, name="TW 2026")
    assign_and_open(centre, central_round, [dossier])
    for member in [chair, *members]:
        submit_sheet(member, central_round, dossier, options_for_total(sheet, 95))
    finalise(chair, central_round, dossier)
    result = EvaluationResult.objects.get(dossier=dossier, round=central_round)
    assert result.stars == 5 and result.recognised_by_level == "central"
    # The province's secretary cannot decide a 5★ result; the centre's can.
    assert (
        as_user(hn.secretary).get(f"/can-bo/quyet-dinh/moi/{hn.council.pk}/").content.decode().count(product.name) == 0
    )
    client = as_user(secretary)
    response = client.post(
        f"/can-bo/quyet-dinh/moi/{central.pk}/",
        {
            "number": "9/QĐ-BNNMT",
            "issued_on": "2026-12-20",
            "signer": "Bộ trưởng",
            "authority": "Bộ Nông nghiệp và Môi trường",
            "results": [result.pk],
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(number="9/QĐ-BNNMT")
    client.post(f"/can-bo/quyet-dinh/{decision.pk}/ban-hanh/")
    certificate = Certificate.objects.get(product=product)
    assert certificate.stars == 5 and certificate.issuing_level == "central" and certificate.number == "TW-2026-0001"


@pytest.fixture
def legacy():
    """Quận Hà Xưa (legacy district of the legacy city, taken over by the current province), its officer and council."""
    current = Province("92", "Thành phố Nay").build("ln")
    old_city = unit(Structure.LEGACY, Level.PROVINCE, "92", "Thành phố Xưa", successor_province=current.province)
    district = unit(
        Structure.LEGACY, Level.DISTRICT, "920", "Quận Hà Xưa", old_city, successor_province=current.province
    )
    officer = user("ln_huyen", role="district_officer", unit=district)
    chair, secretary = user("ln_h_ct"), user("ln_h_tk")
    members = [user(f"ln_h_tv{i}") for i in range(3)]
    district_council = council(
        "Hội đồng OCOP quận Hà Xưa",
        "district",
        district,
        {"chair": [chair], "member": members, "secretary": [secretary]},
    )
    city_chair, city_secretary = user("ln_tp_ct"), user("ln_tp_tk")
    city_members = [user(f"ln_tp_tv{i}") for i in range(3)]
    city_council = council(
        "Hội đồng OCOP thành phố Xưa",
        "province",
        old_city,
        {"chair": [city_chair], "member": city_members, "secretary": [city_secretary]},
    )
    return {
        "current": current,
        "district": district,
        "officer": officer,
        "council": district_council,
        "scorers": [chair, *members],
        "chair": chair,
        "secretary": secretary,
        "city": old_city,
        "city_council": city_council,
        "city_scorers": [city_chair, *city_members],
        "city_chair": city_chair,
        "city_secretary": city_secretary,
    }


def file_legacy_dossier(officer, product):
    from evaluations.models import RuleVersion
    from tests.evaluations.workflow_helpers import complete_dossier

    client = as_user(officer)
    page = client.get("/can-bo/ho-so/moi/").content.decode()
    assert "QĐ-TTg" in page  # the district officer chooses the historical rule version
    version = RuleVersion.objects.get(code="QD148_2023")
    response = client.post("/can-bo/ho-so/moi/", {"product": product.pk, "kind": "first", "rule_version": version.pk})
    assert response.status_code == 302, messages_of(response)
    dossier = Dossier.objects.get(product=product)
    complete_dossier(client, dossier, self_score="72")
    assert client.post(f"/can-bo/ho-so/{dossier.pk}/nop/").status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and dossier.intake_unit == product.legacy_district
    return dossier


def test_qd148_district_council_recognises_three_stars_on_paper_sheets(legacy):
    product = make_product(legacy["current"].commune, number=6, legacy_district=legacy["district"], name="Bún Hà Xưa")
    dossier = file_legacy_dossier(legacy["officer"], product)
    # The district officer checks the dossier and forwards it to the district council (QĐ 148).
    review_and_forward(legacy["officer"], dossier)
    assert dossier.stage_level == "district"
    round_ = open_round(
        legacy["officer"], legacy["council"], rule_version_code="QD148_2023", name="Đợt huyện 2023", year=2023
    )
    assign_and_open(legacy["officer"], round_, [dossier])
    # Paper sheets: the score form asks for parts A, B, C and the minima reached.
    form = (
        as_user(legacy["chair"]).get(f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/cham-diem/").content.decode()
    )
    assert "chưa được số hoá" in form and "Phần A" in form
    # Part A cannot exceed the version's 40 points.
    response = submit_paper(legacy["chair"], round_, dossier, 41, 15, 20)
    assert not MemberScoreSheet.objects.filter(dossier=dossier, status="submitted").exists()
    for member, parts in zip(legacy["scorers"], [(25, 15, 22), (24, 16, 20), (26, 14, 21), (23, 15, 20)], strict=True):
        response = submit_paper(member, round_, dossier, *parts, minima=4)
        assert response.status_code == 302, messages_of(response)
    result = EvaluationResult.objects.get(dossier=dossier, round=round_)
    assert result.mean_score == Decimal("60.25") and result.stars == 3
    assert finalise(legacy["chair"], round_, dossier).status_code == 302
    result.refresh_from_db()
    assert result.recognised_by_level == "district" and not result.forwarded
    # The district council's secretary issues the district's 3★ decision under QĐ 148.
    client = as_user(legacy["secretary"])
    form = client.get(f"/can-bo/quyet-dinh/moi/{legacy['council'].pk}/").content.decode()
    assert "UBND quận Hà Xưa" in form
    client.post(
        f"/can-bo/quyet-dinh/moi/{legacy['council'].pk}/",
        {
            "number": "88/QĐ-UBND",
            "issued_on": "2023-11-20",
            "signer": "Chủ tịch UBND quận",
            "authority": "UBND Quận Hà Xưa",
            "results": [result.pk],
        },
    )
    decision = Decision.objects.get(number="88/QĐ-UBND")
    assert decision.level == "district" and decision.rule_version.code == "QD148_2023"
    client.post(f"/can-bo/quyet-dinh/{decision.pk}/ban-hanh/")
    certificate = Certificate.objects.get(product=product)
    assert certificate.stars == 3 and certificate.issuing_level == "district"
    assert certificate.rule_version.code == "QD148_2023"
    assert certificate.number == "92-920-2023-0001"
    assert certificate.expires_on == datetime.date(2026, 11, 20)
    # A historical certificate past its date is never shown as valid.
    assert certificate_status(certificate, on=datetime.date(2026, 12, 1)) == Status.EXPIRED


def test_qd148_district_forwards_four_stars_to_the_city_council(legacy):
    product = make_product(legacy["current"].commune, number=6, legacy_district=legacy["district"])
    dossier = file_legacy_dossier(legacy["officer"], product)
    review_and_forward(legacy["officer"], dossier)
    district_round = open_round(
        legacy["officer"], legacy["council"], rule_version_code="QD148_2023", name="H 2024", year=2024
    )
    assign_and_open(legacy["officer"], district_round, [dossier])
    for member in legacy["scorers"]:
        submit_paper(member, district_round, dossier, 30, 20, 25, minima=4)
    finalise(legacy["chair"], district_round, dossier)
    dossier.refresh_from_db()
    # 75 ≥ 70 with the 4★ minima: the district forwards it; 4★ is the city's to recognise.
    assert dossier.status == "forwarded" and dossier.stage_level == "province"
    district_result = EvaluationResult.objects.get(dossier=dossier, round=district_round)
    assert district_result.forwarded and district_result.stars == 4
    # The current province office manages the legacy city's round.
    office = legacy["current"].office
    city_round = open_round(office, legacy["city_council"], rule_version_code="QD148_2023", name="TP 2024", year=2024)
    assign_and_open(office, city_round, [dossier])
    for member in legacy["city_scorers"]:
        submit_paper(member, city_round, dossier, 31, 20, 26, minima=5)
    finalise(legacy["city_chair"], city_round, dossier)
    city_result = EvaluationResult.objects.get(dossier=dossier, round=city_round)
    assert city_result.stars == 4 and city_result.recognised_by_level == "province"
    client = as_user(legacy["city_secretary"])
    client.post(
        f"/can-bo/quyet-dinh/moi/{legacy['city_council'].pk}/",
        {
            "number": "77/QĐ-UBND",
            "issued_on": "2024-12-10",
            "signer": "Chủ tịch UBND thành phố",
            "authority": "UBND Thành phố Xưa",
            "results": [city_result.pk],
        },
    )
    decision = Decision.objects.get(number="77/QĐ-UBND")
    client.post(f"/can-bo/quyet-dinh/{decision.pk}/ban-hanh/")
    certificate = Certificate.objects.get(product=product)
    assert certificate.stars == 4 and certificate.issuing_level == "province" and certificate.number == "92-2024-0001"


def test_certificate_pdf_carries_vietnamese_text_and_the_verification_qr(hn, settings, tmp_path):
    import subprocess

    settings.SITE_URL = "https://ocop.example.gov.vn"
    product = make_product(hn.commune, number=3, name="Gạo nếp cái hoa vàng Đông Hưng")
    certificate_view = _issued_certificate(hn, product)
    response = as_user(hn.commune_officer).get(f"/can-bo/gcn/{certificate_view.pk}/ban-in.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "gcn.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "SẢN PHẨM OCOP ĐẠT 4 SAO",
        "Gạo nếp cái hoa vàng Đông Hưng",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        certificate_view.number,
        f"{certificate_view.expires_on:%d/%m/%Y}",
        f"https://ocop.example.gov.vn/verify/{certificate_view.number}/",
    ):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"NotoSerif|DejaVu", fonts), fonts
    # The QR code is the verification URL (decoded from the SVG segno produced).
    from evaluations.documents import qr_data_uri, verification_url

    assert verification_url(certificate_view.number) == f"https://ocop.example.gov.vn/verify/{certificate_view.number}/"
    assert qr_data_uri(verification_url(certificate_view.number)).startswith("data:image/svg+xml")


def _issued_certificate(hn, product):
    dossier = file_dossier(hn.commune_officer, product)
    review_and_forward(hn.commune_officer, dossier)
    round_ = open_round(hn.office, hn.council, name=f"Đợt {product.pk}")
    assign_and_open(hn.office, round_, [dossier])
    sheet = sheet_data_for(product)
    for member in hn.scorers:
        submit_sheet(member, round_, dossier, options_for_total(sheet, 80))
    finalise(hn.chair, round_, dossier)
    result = EvaluationResult.objects.get(dossier=dossier, round=round_)
    draft_and_issue(hn.secretary, hn.council, [result], f"{product.pk}/QĐ-UBND")
    return Certificate.objects.get(product=product)


def test_rerating_and_revocation_after_recognition(hn):
    product = make_product(hn.commune, number=3)
    certificate = _issued_certificate(hn, product)
    # Re-rating before the window opens is refused with the window's date.
    response = as_user(hn.commune_officer).post(
        "/can-bo/ho-so/moi/", {"product": product.pk, "kind": "rerating", "rule_version": certificate.rule_version_id}
    )
    assert "Chưa đến thời hạn nộp hồ sơ đánh giá lại" in " ".join(messages_of(response))
    page = as_user(hn.commune_officer).get(f"/can-bo/gcn/{certificate.pk}/").content.decode()
    opens = certificate.expires_on - datetime.timedelta(days=180)
    assert f"{opens:%d/%m/%Y}" in page
    # An upgrade may be filed at any time.
    response = as_user(hn.commune_officer).post(
        "/can-bo/ho-so/moi/", {"product": product.pk, "kind": "upgrade", "rule_version": certificate.rule_version_id}
    )
    upgrade = Dossier.objects.get(product=product, kind="upgrade")
    assert upgrade.previous_certificate == certificate
    # Revocation: a commune officer may not; the province office may for 3–4★ (with a ground and a notice).
    assert as_user(hn.commune_officer).get(f"/can-bo/gcn/{certificate.pk}/thu-hoi/").status_code == 404
    product.producer.email = "chuthe@example.vn"
    product.producer.save()
    with pytest.MonkeyPatch.context():
        response = as_user(hn.office).post(
            f"/can-bo/gcn/{certificate.pk}/thu-hoi/",
            {
                "ground": "c",
                "concluded_on": "2027-03-01",
                "revoked_on": "2027-03-10",
                "decision_number": "15/QĐ-UBND",
                "authority": "UBND Tỉnh Hành Trình",
                "signer": "Chủ tịch",
                "reason": "Vi phạm ghi nhãn",
            },
        )
    assert response.status_code == 302, messages_of(response)
    certificate.refresh_from_db()
    assert certificate.revocation.ground == "c"
    assert certificate_status(certificate, on=datetime.date(2027, 3, 10)) == Status.REVOKED
    assert certificate_status(certificate, on=datetime.date(2027, 3, 9)) != Status.REVOKED
    assert AuditEntry.objects.filter(action="certificate.revoked", target_id=str(certificate.pk)).exists()


def test_revocation_notice_is_mailed_to_the_producer(hn, django_capture_on_commit_callbacks):
    product = make_product(hn.commune, number=3)
    certificate = _issued_certificate(hn, product)
    product.producer.email = "chuthe@example.vn"
    product.producer.save()
    with django_capture_on_commit_callbacks(execute=True):
        as_user(hn.office).post(
            f"/can-bo/gcn/{certificate.pk}/thu-hoi/",
            {"ground": "dd", "revoked_on": "2027-01-05", "decision_number": "3/QĐ-UBND", "authority": "UBND tỉnh"},
        )
    assert [m.to for m in mail.outbox] == [["chuthe@example.vn"]]
    assert certificate.number in mail.outbox[0].subject
    assert "đ) Ngừng sản xuất" in mail.outbox[0].body
    certificate.refresh_from_db()
    assert certificate.revocation.producer_notified_on is not None


def test_uploaded_docx_and_xlsx_are_accepted(hn):
    from tests.evaluations.workflow_helpers import office_zip

    product = make_product(hn.commune)
    client = as_user(hn.commune_officer)
    client.post("/can-bo/ho-so/moi/", {"product": product.pk, "kind": "first", "rule_version": _qd26()})
    dossier = Dossier.objects.get(product=product)
    for name, body in (("ke-hoach.docx", office_zip("docx")), ("tai-chinh.xlsx", office_zip("xlsx"))):
        upload = io.BytesIO(body)
        upload.name = name
        response = client.post(f"/can-bo/ho-so/{dossier.pk}/tai-lieu/", {"kind": "business_plan", "file": upload})
        assert response.status_code == 302, messages_of(response)
    assert sorted(dossier.attachments.values_list("original_name", flat=True)) == ["ke-hoach.docx", "tai-chinh.xlsx"]


def _qd26():
    from evaluations.models import RuleVersion

    return RuleVersion.objects.get(code="QD26_2026").pk
