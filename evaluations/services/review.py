"""Review before scoring: the commune's Mẫu 03 (QĐ 26/2026), or the legacy district's check (QĐ 148), then forward
to the council's level or return the dossier with reasons. A return keeps the submitted version as a snapshot."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import CouncilLevel
from evaluations import audit
from evaluations.models import Dossier, DossierRevision, DossierStatus, LocalAssessment

from .dossiers import _lock, _snapshot
from .errors import WorkflowError

LOCAL_FIELDS = ("local_raw_material", "local_labour", "idea_origin", "local_identity", "conclusion")


def first_scoring_level(dossier: Dossier) -> str:
    """Where a checked dossier goes: the district council under QĐ 148/1048, the province council since 7/2025."""
    return CouncilLevel.DISTRICT if dossier.rule_version.has_district_level else CouncilLevel.PROVINCE


@transaction.atomic
def save_local_assessment(*, actor, dossier: Dossier, data: dict) -> LocalAssessment:
    dossier = _lock(dossier)
    if dossier.status != DossierStatus.SUBMITTED:
        raise WorkflowError(_("Chỉ xem xét được hồ sơ đã nộp và đang chờ xã / huyện xem xét."))
    assessment, _created = LocalAssessment.objects.get_or_create(dossier=dossier)
    before = {f: getattr(assessment, f) for f in LOCAL_FIELDS}
    for field in (*LOCAL_FIELDS, "components_complete", "proposal_number"):
        if field in data:
            setattr(assessment, field, data[field])
    assessment.assessed_on = data.get("assessed_on") or timezone.localdate()
    assessment.officer = actor if getattr(actor, "is_authenticated", False) else None
    assessment.save()
    audit.record(
        actor=actor,
        action="dossier.local_assessment_saved",
        target=dossier,
        unit=dossier.intake_unit,
        before=before,
        after={f: getattr(assessment, f) for f in LOCAL_FIELDS},
    )
    return assessment


def missing_for_forwarding(assessment: LocalAssessment | None) -> list[str]:
    if assessment is None:
        return [str(_("Báo cáo đánh giá (Mẫu 03) chưa được lập"))]
    labels = {
        "local_raw_material": _("Về sử dụng nguyên liệu địa phương"),
        "local_labour": _("Về sử dụng lao động địa phương"),
        "idea_origin": _("Nguồn gốc ý tưởng sản phẩm"),
        "local_identity": _("Bản sắc / trí tuệ địa phương"),
    }
    missing = [str(label) for field, label in labels.items() if not getattr(assessment, field).strip()]
    if not assessment.components_complete:
        missing.append(str(_("Xác nhận thành phần hồ sơ đầy đủ")))
    return missing


@transaction.atomic
def forward_dossier(*, actor, dossier: Dossier) -> Dossier:
    """Send the checked dossier to the council's level (Điều 7.2.b); needs a complete Mẫu 03."""
    dossier = _lock(dossier)
    if dossier.status != DossierStatus.SUBMITTED:
        raise WorkflowError(_("Chỉ chuyển được hồ sơ đang chờ xem xét."))
    assessment = LocalAssessment.objects.filter(dossier=dossier).first()
    missing = missing_for_forwarding(assessment)
    if missing:
        raise WorkflowError(_("Chưa thể chuyển hồ sơ, còn thiếu: %(items)s.") % {"items": "; ".join(missing)})
    before = _snapshot(dossier)
    dossier.status = DossierStatus.FORWARDED
    dossier.stage_level = first_scoring_level(dossier)
    dossier.save()
    audit.record(
        actor=actor,
        action="dossier.forwarded",
        target=dossier,
        unit=dossier.intake_unit,
        before=before,
        after={**_snapshot(dossier), "to_level": dossier.stage_level},
    )
    return dossier


def version_snapshot(dossier: Dossier) -> dict:
    """Everything that was filed in this submission, to keep when the dossier goes back for corrections."""
    assessment = LocalAssessment.objects.filter(dossier=dossier).first()
    return {
        "revision": dossier.revision,
        "submitted_at": dossier.submitted_at.isoformat() if dossier.submitted_at else None,
        "registration": dossier.registration,
        "self_score": str(dossier.self_score) if dossier.self_score is not None else None,
        "sample_count": dossier.sample_count,
        "change_summary": dossier.change_summary,
        "self_assessment": [
            {
                "criterion": s.criterion.number,
                "option": s.option.key if s.option_id else None,
                "points": str(s.points),
                "evidence": s.evidence,
            }
            for s in dossier.self_assessments.select_related("criterion", "option").order_by("criterion__order")
        ],
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "kind": a.kind,
                "sha256": a.sha256,
                "size": a.size,
                "removed": a.removed_at is not None,
            }
            for a in dossier.attachments.order_by("pk")
        ],
        "local_assessment": ({f: getattr(assessment, f) for f in LOCAL_FIELDS} if assessment is not None else None),
    }


@transaction.atomic
def return_dossier(*, actor, dossier: Dossier, reason: str, today: datetime.date | None = None) -> Dossier:
    """Send the dossier back for corrections; the submitted version is kept and the next one is numbered +1.

    The receiving unit returns a submitted dossier; the province office may return a forwarded one that is not yet
    in a round (Điều 7.3.a: "thông báo và hướng dẫn UBND cấp xã, chủ thể OCOP hoàn thiện hồ sơ").
    """
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Hãy ghi rõ lý do trả lại và nội dung cần bổ sung."))
    dossier = _lock(dossier)
    if dossier.status not in (DossierStatus.SUBMITTED, DossierStatus.FORWARDED) or dossier.round_id is not None:
        raise WorkflowError(_("Chỉ trả lại được hồ sơ đang chờ xem xét hoặc đã chuyển nhưng chưa vào đợt đánh giá."))
    before = _snapshot(dossier)
    DossierRevision.objects.create(dossier=dossier, revision=dossier.revision, snapshot=version_snapshot(dossier))
    dossier.status = DossierStatus.RETURNED
    dossier.return_reason = reason
    dossier.revision += 1
    dossier.stage_level = ""
    dossier.review_deadline = None
    dossier.save()
    audit.record(
        actor=actor,
        action="dossier.returned",
        target=dossier,
        unit=dossier.intake_unit,
        before=before,
        after=_snapshot(dossier),
        note=reason,
    )
    return dossier
