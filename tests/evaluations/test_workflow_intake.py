"""Dossier intake and review through the pages: checklist, uploads checked by content, return and resubmission."""

import datetime
import io
import os

import pytest

from evaluations import rules
from evaluations.models import AuditEntry, Dossier, DossierAttachment, DossierRevision, RuleVersion
from evaluations.services.certificates import record_certificate
from tests.evaluations.workflow_helpers import (
    PDF_BYTES,
    PNG_BYTES,
    Province,
    as_user,
    complete_dossier,
    file_dossier,
    make_product,
    messages_of,
    review_and_forward,
)
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_sheets")]


@pytest.fixture
def p():
    return Province("61", "Tỉnh Tiếp Nhận").build("tn")


def new_dossier(p, product=None):
    product = product or make_product(p.commune, number=3)
    client = as_user(p.commune_officer)
    version = RuleVersion.objects.get(code="QD26_2026")
    response = client.post("/can-bo/ho-so/moi/", {"product": product.pk, "kind": "first", "rule_version": version.pk})
    assert response.status_code == 302
    return client, Dossier.objects.get(product=product)


def upload(client, dossier, name, body, kind="licence"):
    handle = io.BytesIO(body)
    handle.name = name
    return client.post(f"/can-bo/ho-so/{dossier.pk}/tai-lieu/", {"kind": kind, "file": handle})


def stored_files(settings):
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_an_incomplete_dossier_cannot_be_submitted_and_the_page_says_what_is_missing(p):
    client, dossier = new_dossier(p)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Kiểm tra trước khi nộp" in page and "Báo cáo tự đánh giá (Mẫu 02)" in page and "disabled" in page
    response = client.post(f"/can-bo/ho-so/{dossier.pk}/nop/")
    text = " ".join(messages_of(response))
    assert "Hồ sơ chưa đầy đủ" in text and "Phiếu kết quả kiểm nghiệm" in text and "05 sản phẩm mẫu" in text
    dossier.refresh_from_db()
    assert dossier.status == "draft" and dossier.submitted_at is None


@pytest.mark.parametrize(
    "name, body, message",
    [
        ("giay-phep.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "không phải tệp PDF hợp lệ"),
        ("giay-phep.pdf", b"<html><script>alert(1)</script></html>", "không phải tệp PDF hợp lệ"),
        ("giay-phep.pdf", PNG_BYTES, "không khớp với nội dung"),
        ("giay-phep.exe", PDF_BYTES, "chỉ nhận các định dạng PDF, JPEG, PNG, DOCX, XLSX"),
        ("ghi-chu.txt", b"van ban", "chỉ nhận các định dạng"),
        ("rong.pdf", b"", "rỗng"),
        ("gia-mao.docx", b"PK\x03\x04" + b"\x00" * 100, "không phải tệp DOCX hợp lệ"),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_message_and_nothing_is_lost(p, settings, name, body, message):
    client, dossier = new_dossier(p)
    assert upload(client, dossier, "dang-ky.pdf", PDF_BYTES).status_code == 302
    before_files = stored_files(settings)
    before_audit = AuditEntry.objects.count()
    response = upload(client, dossier, name, body)
    text = " ".join(messages_of(response)) + response.content.decode()
    assert message in text
    assert list(dossier.attachments.values_list("original_name", flat=True)) == ["dang-ky.pdf"]
    assert stored_files(settings) == before_files
    assert AuditEntry.objects.count() == before_audit
    dossier.refresh_from_db()
    assert dossier.registration["representative_name"]  # nothing else touched


def test_uploads_over_the_configured_limit_are_refused(p, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client, dossier = new_dossier(p)
    response = upload(client, dossier, "lon.pdf", PDF_BYTES + b"0" * 2048)
    assert "vượt giới hạn" in " ".join(messages_of(response))
    assert not dossier.attachments.exists()


def test_files_are_stored_privately_and_served_as_downloads(p, settings):
    client, dossier = new_dossier(p)
    upload(client, dossier, "Giấy phép ATTP.pdf", PDF_BYTES, kind="food_safety")
    attachment = DossierAttachment.objects.get(dossier=dossier)
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF_BYTES)
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT)) and not path.startswith(str(settings.MEDIA_ROOT))
    assert os.path.basename(path) != "Giấy phép ATTP.pdf"  # stored under a random name
    response = client.get(f"/can-bo/ho-so/{dossier.pk}/tai-lieu/{attachment.pk}/tai-ve/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf" and "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_removed_files_stay_on_record(p):
    client, dossier = new_dossier(p)
    upload(client, dossier, "cu.pdf", PDF_BYTES)
    attachment = dossier.attachments.get()
    client.post(f"/can-bo/ho-so/{dossier.pk}/tai-lieu/{attachment.pk}/go-bo/")
    attachment.refresh_from_db()
    assert attachment.removed_at is not None and attachment.file.storage.exists(attachment.file.name)
    page = client.get(f"/can-bo/ho-so/{dossier.pk}/tai-lieu/").content.decode()
    assert "tệp đã gỡ" in page


def test_submission_locks_the_dossier_and_starts_the_15_working_day_clock(p):
    dossier = file_dossier(p.commune_officer, make_product(p.commune, number=3))
    assert dossier.review_deadline == rules.review_deadline(dossier.submitted_at.astimezone().date())
    client = as_user(p.commune_officer)
    assert upload(client, dossier, "muon.pdf", PDF_BYTES).status_code == 404
    assert client.post(f"/can-bo/ho-so/{dossier.pk}/nop/").status_code == 404
    page = client.get("/can-bo/").content.decode()
    assert dossier.product.name in page and f"{dossier.review_deadline:%d/%m/%Y}" in page


def test_returned_dossier_is_corrected_and_resubmitted_with_the_previous_version_kept(p):
    product = make_product(p.commune, number=3)
    dossier = file_dossier(p.commune_officer, product)
    client = as_user(p.commune_officer)
    response = client.post(f"/can-bo/ho-so/{dossier.pk}/tra-lai/", {"return-reason": ""})
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    client.post(f"/can-bo/ho-so/{dossier.pk}/tra-lai/", {"return-reason": "Bổ sung phiếu kiểm nghiệm còn hiệu lực"})
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.revision == 2
    assert dossier.return_reason == "Bổ sung phiếu kiểm nghiệm còn hiệu lực"
    kept = DossierRevision.objects.get(dossier=dossier, revision=1)
    assert len(kept.snapshot["attachments"]) == 3 and len(kept.snapshot["self_assessment"]) > 20
    # The officer corrects it: a new lab test, the old one removed (still on record), then submits again.
    old_lab = dossier.attachments.get(kind="lab_test")
    client.post(f"/can-bo/ho-so/{dossier.pk}/tai-lieu/{old_lab.pk}/go-bo/")
    assert upload(client, dossier, "kiem-nghiem-2026.pdf", PDF_BYTES, kind="lab_test").status_code == 302
    response = client.post(f"/can-bo/ho-so/{dossier.pk}/nop/")
    dossier.refresh_from_db()
    assert dossier.status == "submitted", messages_of(response)
    assert dossier.attachments.get(original_name="kiem-nghiem-2026.pdf").revision == 2
    version_page = client.get(f"/can-bo/ho-so/{dossier.pk}/phien-ban/1/").content.decode()
    assert "lab_test.pdf" in version_page
    history = client.get(f"/can-bo/ho-so/{dossier.pk}/lich-su/").content.decode()
    assert "Trả lại hồ sơ để bổ sung" in history and "Bổ sung phiếu kiểm nghiệm còn hiệu lực" in history
    assert "Lần nộp thứ 1" in history
    assert response.status_code == 302


def test_province_office_may_send_a_forwarded_dossier_back(p):
    dossier = file_dossier(p.commune_officer, make_product(p.commune, number=3))
    review_and_forward(p.commune_officer, dossier)
    page = as_user(p.office).get(f"/can-bo/ho-so/{dossier.pk}/").content.decode()
    assert "Trả lại xã để hoàn thiện" in page
    as_user(p.office).post(f"/can-bo/ho-so/{dossier.pk}/tra-lai/", {"return-reason": "Thiếu văn bản đề nghị của xã"})
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.stage_level == ""


def test_forwarding_needs_a_complete_local_assessment(p):
    dossier = file_dossier(p.commune_officer, make_product(p.commune, number=3))
    response = as_user(p.commune_officer).post(
        f"/can-bo/ho-so/{dossier.pk}/xem-xet/", {"local_raw_material": "Có", "action": "forward"}
    )
    text = " ".join(messages_of(response))
    assert "Chưa thể chuyển hồ sơ" in text and "lao động địa phương" in text and "thành phần hồ sơ" in text
    dossier.refresh_from_db()
    assert dossier.status == "submitted"


def test_first_rating_is_refused_while_a_certificate_is_in_force(p):
    product = make_product(p.commune, number=3)
    record_certificate(
        product=product,
        number="61-2026-0009",
        stars=3,
        issued_on=datetime.date.today() - datetime.timedelta(days=30),
        rule_version=RuleVersion.objects.get(code="QD26_2026"),
        issuing_authority="UBND tỉnh",
        issuing_level="province",
    )
    client = as_user(p.commune_officer)
    response = client.post(
        "/can-bo/ho-so/moi/",
        {"product": product.pk, "kind": "first", "rule_version": RuleVersion.objects.get(code="QD26_2026").pk},
    )
    assert "nâng hạng hoặc đánh giá lại" in " ".join(messages_of(response))
    assert not Dossier.objects.filter(product=product).exists()


def test_an_officer_adds_a_producer_and_a_product_then_files_it(p):
    client = as_user(p.commune_officer)
    from products.models import ProductSet

    response = client.post(
        "/can-bo/san-pham/moi/",
        {
            "pick-producer": "",
            "producer-name": "HTX Chè Tân Cương Mới",
            "producer-producer_type": "cooperative",
            "producer-registration_number": "4600123456",
            "producer-representative_name": "Lê Thị Hoa",
            "producer-commune": p.commune.pk,
            "producer-address": "Xóm 3",
            "product-name": "Chè búp Tân Cương Mới",
            "product-product_set": ProductSet.objects.get(taxonomy="QD26_2026", number=11).pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    from products.models import Product

    product = Product.objects.get(name="Chè búp Tân Cương Mới")
    assert product.commune == p.commune and product.producer.name == "HTX Chè Tân Cương Mới"
    assert f"product={product.pk}" in response["Location"]
    # A tourism-only producer type cannot register a food product.
    response = client.post(
        "/can-bo/san-pham/moi/",
        {
            "pick-producer": "",
            "producer-name": "Hội du lịch",
            "producer-producer_type": "association",
            "producer-representative_name": "Ông Ba",
            "producer-commune": p.commune.pk,
            "product-name": "Bánh",
            "product-product_set": ProductSet.objects.get(taxonomy="QD26_2026", number=6).pk,
        },
    )
    assert response.status_code == 200 and "chỉ đăng ký được bộ 26" in response.content.decode()
    # The commune officer cannot place a producer in another commune.
    response = client.post(
        "/can-bo/san-pham/moi/",
        {
            "pick-producer": "",
            "producer-name": "HTX Ngoài Xã",
            "producer-producer_type": "cooperative",
            "producer-representative_name": "Ông Tư",
            "producer-commune": p.other_commune.pk,
            "product-name": "Sản phẩm ngoài xã",
            "product-product_set": ProductSet.objects.get(taxonomy="QD26_2026", number=6).pk,
        },
    )
    assert response.status_code == 200 and not Product.objects.filter(name="Sản phẩm ngoài xã").exists()


def test_self_assessment_total_and_evidence_are_saved(p):
    client, dossier = new_dossier(p)
    complete_dossier(client, dossier)
    dossier.refresh_from_db()
    assert dossier.self_score == 100
    assert dossier.self_assessments.filter(evidence="Có hồ sơ kèm theo").count() == dossier.self_assessments.count()
    assert dossier.registration["self_report"]["business_registration"] is True
