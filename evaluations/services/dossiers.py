"""Dossier intake: producers and products, the dossier (Mẫu 01), the self-assessment (Mẫu 02), files, submission.

Every function is keyword-only, atomic and writes its audit record in the same transaction.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations import audit, rules
from evaluations.models import (
    Certificate,
    Dossier,
    DossierAttachment,
    DossierKind,
    DossierStatus,
    RuleVersion,
    SelfAssessment,
)
from evaluations.status import Status, certificate_status
from evaluations.uploads import check_upload
from products.models import Producer, Product

from .errors import WorkflowError

REGISTRATION_FIELDS = (
    "representative_name",
    "representative_title",
    "address",
    "phone",
    "email",
    "product_description",
    "standard",
)
SELF_REPORT_FIELDS = ("history", "organisation", "business_results", "business_plan")
SELF_REPORT_CHECKS = (
    "business_registration",
    "quality_declared",
    "food_safety_certificate",
    "production_conditions",
    "ip_registered",
)


def _snapshot(dossier: Dossier) -> dict:
    return {
        "status": dossier.status,
        "kind": dossier.kind,
        "revision": dossier.revision,
        "sample_count": dossier.sample_count,
        "self_score": str(dossier.self_score) if dossier.self_score is not None else None,
    }


def holidays() -> list[datetime.date]:
    return [datetime.date.fromisoformat(d) for d in getattr(settings, "OCOP_PUBLIC_HOLIDAYS", [])]


# -- producers and products --------------------------------------------------------------------------------------
@transaction.atomic
def create_producer(*, actor, data: dict) -> Producer:
    producer = Producer(**data)
    producer.full_clean(exclude=["slug", "search_name"])
    producer.save()
    audit.record(
        actor=actor, action="producer.created", target=producer, unit=producer.commune, after={"name": producer.name}
    )
    return producer


@transaction.atomic
def create_product(*, actor, producer: Producer, data: dict) -> Product:
    product = Product(producer=producer, **data)
    if not product.commune_id:
        product.commune = producer.commune
    if not product.legacy_district_id:
        product.legacy_district = producer.legacy_district
    product.save()
    audit.record(
        actor=actor,
        action="product.created",
        target=product,
        unit=product.commune,
        after={"name": product.name, "product_set": product.product_set.number, "producer": producer.name},
    )
    return product


# -- the dossier -------------------------------------------------------------------------------------------------
def default_rule_version(today: datetime.date | None = None) -> RuleVersion:
    version = rules.rule_version_for_date(today or timezone.localdate())
    return RuleVersion.objects.get(code=version.code)


@transaction.atomic
def create_dossier(
    *,
    actor,
    product: Product,
    kind: str = DossierKind.FIRST,
    rule_version: RuleVersion | None = None,
    previous_certificate: Certificate | None = None,
    registration: dict | None = None,
    sample_count: int = 0,
    change_summary: str = "",
    today: datetime.date | None = None,
) -> Dossier:
    """A new draft dossier for ``product`` (Mẫu 01), received by the product's commune (or legacy district)."""
    today = today or timezone.localdate()
    rule_version = rule_version or default_rule_version(today)
    intake_unit = product.legacy_district if rule_version.has_district_level else product.commune
    if intake_unit is None:
        raise WorkflowError(
            _("Sản phẩm chưa có huyện (cũ): không thể lập hồ sơ theo %(rv)s, quy định có cấp huyện.")
            % {"rv": rule_version}
        )
    current = Certificate.objects.filter(product=product, is_current=True).select_related("revocation").first()
    if kind == DossierKind.FIRST:
        if current is not None and certificate_status(current, on=today) in Status.ACTIVE:
            raise WorkflowError(
                _(
                    "Sản phẩm đang có giấy chứng nhận %(number)s còn hiệu lực: hãy lập hồ sơ nâng hạng hoặc "
                    "đánh giá lại thay vì đánh giá lần đầu."
                )
                % {"number": current.number}
            )
        previous_certificate = None
    else:
        previous_certificate = previous_certificate or current
        if previous_certificate is None or previous_certificate.product_id != product.pk:
            raise WorkflowError(
                _("Hồ sơ nâng hạng hoặc đánh giá lại cần giấy chứng nhận trước của chính sản phẩm này.")
            )
        status = certificate_status(previous_certificate, on=today)
        if status in (Status.REVOKED, Status.SUPERSEDED):
            raise WorkflowError(
                _("Giấy chứng nhận %(number)s %(status)s: không thể lập hồ sơ nâng hạng hoặc đánh giá lại từ giấy này.")
                % {"number": previous_certificate.number, "status": Status.LABELS[status].lower()}
            )
        if kind == DossierKind.UPGRADE and previous_certificate.stars == 5:
            raise WorkflowError(_("Sản phẩm đã đạt 5 sao, không thể nâng hạng thêm."))
        if kind == DossierKind.RERATING:
            opens, _closes = rules.rerating_window(previous_certificate.expires_on)
            if today < opens:
                raise WorkflowError(
                    _(
                        "Chưa đến thời hạn nộp hồ sơ đánh giá lại: giấy chứng nhận hết hạn ngày %(expiry)s, hồ sơ "
                        "được nộp từ ngày %(opens)s (không sớm hơn 180 ngày trước khi hết hạn)."
                    )
                    % {"expiry": f"{previous_certificate.expires_on:%d/%m/%Y}", "opens": f"{opens:%d/%m/%Y}"}
                )
        if Dossier.objects.filter(
            previous_certificate=previous_certificate,
            kind=kind,
            status__in=[
                DossierStatus.DRAFT,
                DossierStatus.SUBMITTED,
                DossierStatus.RETURNED,
                DossierStatus.FORWARDED,
                DossierStatus.IN_ROUND,
                DossierStatus.SCORED,
            ],
        ).exists():
            raise WorkflowError(_("Đã có một hồ sơ cùng loại đang xử lý cho giấy chứng nhận này."))
    producer = product.producer
    registration = {
        "representative_name": producer.representative_name,
        "representative_title": producer.representative_title,
        "address": producer.address,
        "phone": producer.phone,
        "email": producer.email,
        **(registration or {}),
    }
    dossier = Dossier.objects.create(
        product=product,
        kind=kind,
        rule_version=rule_version,
        status=DossierStatus.DRAFT,
        intake_unit=intake_unit,
        previous_certificate=previous_certificate,
        registration=registration,
        sample_count=sample_count,
        change_summary=change_summary,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="dossier.created",
        target=dossier,
        unit=intake_unit,
        after={**_snapshot(dossier), "rule_version": rule_version.code, "product": product.name},
    )
    return dossier


def _lock(dossier: Dossier) -> Dossier:
    """Re-read the dossier under a row lock; every state change goes through here."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("product__product_set", "rule_version")
        .get(pk=dossier.pk)
    )


def _require_editable(dossier: Dossier) -> None:
    if not dossier.is_editable:
        raise WorkflowError(
            _("Hồ sơ đã nộp (%(status)s) nên không sửa được nữa.") % {"status": dossier.get_status_display()}
        )


@transaction.atomic
def update_registration(
    *,
    actor,
    dossier: Dossier,
    registration: dict,
    sample_count: int,
    samples_received_on: datetime.date | None = None,
    change_summary: str = "",
) -> Dossier:
    dossier = _lock(dossier)
    _require_editable(dossier)
    before = {"registration": dossier.registration, "sample_count": dossier.sample_count}
    dossier.registration = {**dossier.registration, **registration}
    dossier.sample_count = sample_count
    dossier.samples_received_on = samples_received_on
    dossier.change_summary = change_summary
    dossier.save()
    audit.record(
        actor=actor,
        action="dossier.registration_saved",
        target=dossier,
        unit=dossier.intake_unit,
        before=before,
        after={"registration": dossier.registration, "sample_count": sample_count},
    )
    return dossier


@transaction.atomic
def save_self_assessment(
    *,
    actor,
    dossier: Dossier,
    sheet: dict | None,
    entries: dict,
    report: dict,
    self_score: Decimal | None = None,
) -> Dossier:
    """Mẫu 02: ``entries`` maps criterion id → (option id or None, evidence text); ``report`` holds parts I, II, IV.

    With a digitised sheet the self-score is the sum of the chosen options; without one (rule versions not
    transcribed) the officer types the total from the paper report.
    """
    dossier = _lock(dossier)
    _require_editable(dossier)
    if sheet is not None:
        existing = {s.criterion_id: s for s in dossier.self_assessments.all()}
        for criterion_id, (option_id, evidence) in entries.items():
            criterion = sheet["criteria_by_id"].get(criterion_id)
            if criterion is None:
                raise WorkflowError(_("Tiêu chí không thuộc bộ tiêu chí của sản phẩm."))
            option = next((o for o in criterion["options"] if o["id"] == option_id), None) if option_id else None
            if option_id and option is None:
                raise WorkflowError(_("Lựa chọn không thuộc tiêu chí %(n)s.") % {"n": criterion["number"]})
            row = existing.get(criterion_id)
            if option is None and not evidence:
                if row is not None:
                    row.delete()
                continue
            points = Decimal(option["points"]) if option else Decimal(0)
            if row is None:
                SelfAssessment.objects.create(
                    dossier=dossier, criterion_id=criterion_id, option_id=option_id, points=points, evidence=evidence
                )
            elif (row.option_id, row.evidence) != (option_id, evidence):
                row.option_id, row.points, row.evidence = option_id, points, evidence
                row.save()
        total = sum((s.points for s in dossier.self_assessments.all()), Decimal(0))
        dossier.self_score = min(total, Decimal(100))
    else:
        dossier.self_score = self_score
    dossier.registration = {**dossier.registration, "self_report": report}
    dossier.save()
    audit.record(
        actor=actor,
        action="dossier.self_assessment_saved",
        target=dossier,
        unit=dossier.intake_unit,
        after={"self_score": str(dossier.self_score) if dossier.self_score is not None else None},
    )
    return dossier


@transaction.atomic
def add_attachment(*, actor, dossier: Dossier, kind: str, uploaded, criterion=None) -> DossierAttachment:
    """Check the file by content and store it privately; a rejected file leaves nothing behind."""
    checked = check_upload(uploaded)
    dossier = _lock(dossier)
    _require_editable(dossier)
    attachment = DossierAttachment(
        dossier=dossier,
        kind=kind,
        criterion=criterion,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        revision=dossier.revision,
    )
    attachment.file.save(f"{uuid.uuid4().hex}{checked.extension}", uploaded, save=False)
    stored_name = attachment.file.name
    try:
        attachment.save()
        audit.record(
            actor=actor,
            action="dossier.file_added",
            target=dossier,
            unit=dossier.intake_unit,
            after={"file": checked.original_name, "kind": kind, "sha256": checked.sha256, "size": checked.size},
        )
    except Exception:
        attachment.file.storage.delete(stored_name)
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, actor, attachment: DossierAttachment) -> DossierAttachment:
    """Files are never erased: a removed file stays in the record (and in earlier versions)."""
    dossier = _lock(attachment.dossier)
    _require_editable(dossier)
    attachment = DossierAttachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.removed_at is None:
        attachment.removed_at = timezone.now()
        attachment.removed_by = actor if getattr(actor, "is_authenticated", False) else None
        attachment.save(update_fields=["removed_at", "removed_by"])
        audit.record(
            actor=actor,
            action="dossier.file_removed",
            target=dossier,
            unit=dossier.intake_unit,
            before={"file": attachment.original_name, "kind": attachment.kind},
        )
    return attachment


@transaction.atomic
def submit_dossier(*, actor, dossier: Dossier, today: datetime.date | None = None) -> Dossier:
    """Lock the dossier for review: only a complete dossier is submitted; the 15-working-day clock starts."""
    from evaluations.selectors import dossier_checklist

    today = today or timezone.localdate()
    dossier = _lock(dossier)
    _require_editable(dossier)
    missing = [item for item in dossier_checklist(dossier) if not item.ok]
    if missing:
        raise WorkflowError(
            _("Hồ sơ chưa đầy đủ: %(items)s.") % {"items": "; ".join(str(item.label) for item in missing)}
        )
    before = _snapshot(dossier)
    dossier.status = DossierStatus.SUBMITTED
    dossier.submitted_at = timezone.now()
    dossier.review_deadline = rules.review_deadline(today, holidays())
    dossier.return_reason = ""
    dossier.save()
    if dossier.kind == DossierKind.RERATING and dossier.previous_certificate_id:
        Certificate.objects.filter(pk=dossier.previous_certificate_id, rerating_filed_on__isnull=True).update(
            rerating_filed_on=today, updated_at=timezone.now()
        )
    audit.record(
        actor=actor,
        action="dossier.submitted",
        target=dossier,
        unit=dossier.intake_unit,
        before=before,
        after={**_snapshot(dossier), "review_deadline": dossier.review_deadline.isoformat()},
    )
    return dossier
