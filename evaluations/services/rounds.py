"""Rounds: a province (or legacy district, or the centre) opens a round with its council and cut-off dates, assigns
the forwarded dossiers, opens scoring and closes it. The advisory group adds findings and asks for lab tests."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from districts.models import AdminUnit, Council, CouncilLevel
from evaluations import audit
from evaluations.models import AdvisoryFinding, Dossier, DossierStatus, Round, RuleVersion

from .dossiers import _lock, _snapshot
from .errors import WorkflowError


@transaction.atomic
def open_round(
    *,
    actor,
    name: str,
    rule_version: RuleVersion,
    level: str,
    unit: AdminUnit | None,
    council: Council,
    year: int,
    intake_deadline: datetime.date,
    decision_deadline: datetime.date,
) -> Round:
    if council.level != level or council.unit_id != (unit.pk if unit else None):
        raise WorkflowError(_("Hội đồng được chọn không thuộc cấp và đơn vị của đợt đánh giá."))
    if not council.is_active:
        raise WorkflowError(_("Hội đồng này không còn hoạt động."))
    if decision_deadline < intake_deadline:
        raise WorkflowError(_("Hạn ra quyết định phải sau hạn nhận hồ sơ."))
    if level == CouncilLevel.DISTRICT and not rule_version.has_district_level:
        raise WorkflowError(
            _("%(rv)s không có cấp huyện: đợt cấp huyện chỉ dùng cho quy định cũ (QĐ 148, QĐ 1048).")
            % {"rv": rule_version}
        )
    round_ = Round.objects.create(
        name=name,
        rule_version=rule_version,
        level=level,
        unit=unit,
        council=council,
        year=year,
        intake_deadline=intake_deadline,
        decision_deadline=decision_deadline,
        status=Round.Status.OPEN,
    )
    audit.record(
        actor=actor,
        action="round.opened",
        target=round_,
        unit=unit,
        after={"name": name, "level": level, "rule_version": rule_version.code, "council": council.name},
    )
    return round_


@transaction.atomic
def assign_dossiers(*, actor, round_: Round, dossiers) -> list[Dossier]:
    """Put forwarded dossiers of the round's level, unit and rule version into the round."""
    from evaluations.selectors import forwarded_waiting

    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if round_.status == Round.Status.CLOSED:
        raise WorkflowError(_("Đợt đánh giá đã kết thúc."))
    eligible = set(forwarded_waiting(round_).values_list("pk", flat=True))
    assigned = []
    for dossier in dossiers:
        if dossier.pk not in eligible:
            raise WorkflowError(
                _("Hồ sơ “%(d)s” không thể đưa vào đợt này (không cùng cấp, đơn vị hoặc quy định, hoặc đã ở đợt khác).")
                % {"d": dossier}
            )
        dossier = _lock(dossier)
        before = _snapshot(dossier)
        dossier.round = round_
        dossier.status = DossierStatus.IN_ROUND
        dossier.scoring_attempt = 1
        dossier.save()
        audit.record(
            actor=actor,
            action="dossier.assigned_to_round",
            target=dossier,
            unit=round_.unit,
            before=before,
            after={**_snapshot(dossier), "round": round_.name},
        )
        assigned.append(dossier)
    return assigned


@transaction.atomic
def set_round_status(*, actor, round_: Round, status: str) -> Round:
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    allowed = {
        Round.Status.OPEN: (Round.Status.SCORING,),
        Round.Status.SCORING: (Round.Status.OPEN, Round.Status.CLOSED),
        Round.Status.CLOSED: (),
    }
    if status not in allowed[round_.status]:
        raise WorkflowError(
            _("Không thể chuyển đợt từ “%(a)s” sang “%(b)s”.")
            % {"a": round_.get_status_display(), "b": Round.Status(status).label}
        )
    if status == Round.Status.CLOSED and round_.dossiers.filter(status=DossierStatus.IN_ROUND).exists():
        raise WorkflowError(_("Còn hồ sơ chưa chốt kết quả: hãy chốt kết quả trước khi kết thúc đợt."))
    before = round_.status
    round_.status = status
    round_.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=f"round.{status}",
        target=round_,
        unit=round_.unit,
        before={"status": before},
        after={"status": status},
    )
    return round_


@transaction.atomic
def add_finding(*, actor, dossier: Dossier, text: str, requests_lab_test: bool = False) -> AdvisoryFinding:
    text = (text or "").strip()
    if not text:
        raise WorkflowError(_("Hãy ghi nội dung ý kiến."))
    dossier = _lock(dossier)
    if dossier.status != DossierStatus.IN_ROUND:
        raise WorkflowError(_("Chỉ ghi ý kiến tổ tư vấn cho hồ sơ đang trong đợt đánh giá."))
    finding = AdvisoryFinding.objects.create(
        dossier=dossier,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        text=text,
        requests_lab_test=requests_lab_test,
    )
    audit.record(
        actor=actor,
        action="dossier.lab_test_requested" if requests_lab_test else "dossier.finding_added",
        target=dossier,
        unit=dossier.round.unit if dossier.round_id else None,
        after={"text": text, "requests_lab_test": requests_lab_test},
    )
    return finding
