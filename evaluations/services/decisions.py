"""Decisions: the council secretary drafts a decision listing the final results the level may recognise; issuing
it creates the certificates through ``record_certificate`` (the one place that issues them)."""

from __future__ import annotations

import datetime
import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import Council, CouncilLevel
from evaluations import audit
from evaluations.models import (
    Certificate,
    Decision,
    DecisionItem,
    Dossier,
    DossierKind,
    DossierStatus,
    EvaluationResult,
    Outcome,
)

from .certificates import record_certificate
from .errors import WorkflowError


def default_authority(council: Council) -> str:
    """The body that signs: UBND of the province (or legacy district), or the Ministry for 5★."""
    if council.level == CouncilLevel.CENTRAL:
        return "Bộ Nông nghiệp và Môi trường"
    name = council.unit.name
    if name.lower().startswith(("ubnd", "ủy ban")):
        return name
    if name.lower().startswith(("tỉnh", "thành phố", "quận", "huyện", "thị xã")):
        name = name[0].lower() + name[1:]  # "UBND thành phố Hà Nội", as decisions are headed
    elif council.level == CouncilLevel.PROVINCE:
        name = f"tỉnh {name}"
    return f"UBND {name}"


def _eligible(council: Council, result_ids) -> list[EvaluationResult]:
    from evaluations.selectors import decidable_results

    wanted = {int(pk) for pk in result_ids}
    if not wanted:
        raise WorkflowError(_("Hãy chọn ít nhất một sản phẩm để đưa vào quyết định."))
    results = list(decidable_results(council).filter(pk__in=wanted))
    if len(results) != len(wanted):
        raise WorkflowError(
            _(
                "Có kết quả không thể đưa vào quyết định này (chưa chốt, không thuộc thẩm quyền cấp này hoặc đã có quyết định)."
            )
        )
    versions = {r.dossier.rule_version_id for r in results}
    if len(versions) > 1:
        raise WorkflowError(_("Một quyết định chỉ gồm các sản phẩm đánh giá theo cùng một quy định."))
    return results


def _set_items(decision: Decision, results: list[EvaluationResult]) -> None:
    decision.items.all().delete()
    for result in results:
        DecisionItem.objects.create(
            decision=decision,
            product=result.dossier.product,
            dossier=result.dossier,
            result=result,
            stars=result.stars,
            score=result.mean_score,
        )


@transaction.atomic
def draft_decision(
    *,
    actor,
    council: Council,
    number: str,
    issued_on: datetime.date,
    signer: str,
    authority: str,
    result_ids,
) -> Decision:
    results = _eligible(council, result_ids)
    number, authority = number.strip(), (authority or default_authority(council)).strip()
    if Decision.objects.filter(authority=authority, number=number).exists():
        raise WorkflowError(_("Đã có quyết định số %(n)s của %(a)s.") % {"n": number, "a": authority})
    rounds = {r.round_id for r in results}
    decision = Decision.objects.create(
        number=number,
        issued_on=issued_on,
        signer=signer.strip(),
        authority=authority,
        level=council.level,
        unit=council.unit,
        rule_version=results[0].dossier.rule_version,
        round_id=rounds.pop() if len(rounds) == 1 else None,
        council=council,
        status=Decision.Status.DRAFT,
    )
    _set_items(decision, results)
    audit.record(
        actor=actor,
        action="decision.drafted",
        target=decision,
        unit=council.unit,
        after={"number": number, "items": [[r.dossier.product.name, r.stars] for r in results]},
    )
    return decision


@transaction.atomic
def update_draft(
    *, actor, decision: Decision, number: str, issued_on: datetime.date, signer: str, authority: str, result_ids
) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.DRAFT:
        raise WorkflowError(_("Quyết định đã ban hành không sửa được."))
    council = decision.council
    # Results already in this draft stay eligible for it.
    decision.items.all().delete()
    results = _eligible(council, result_ids)
    if Decision.objects.filter(authority=authority, number=number).exclude(pk=decision.pk).exists():
        raise WorkflowError(_("Đã có quyết định số %(n)s của %(a)s.") % {"n": number, "a": authority})
    before = {"number": decision.number, "issued_on": decision.issued_on.isoformat(), "signer": decision.signer}
    decision.number, decision.issued_on, decision.signer, decision.authority = number, issued_on, signer, authority
    decision.rule_version = results[0].dossier.rule_version
    decision.save()
    _set_items(decision, results)
    audit.record(
        actor=actor,
        action="decision.updated",
        target=decision,
        unit=decision.unit,
        before=before,
        after={"number": number, "items": [[r.dossier.product.name, r.stars] for r in results]},
    )
    return decision


@transaction.atomic
def delete_draft(*, actor, decision: Decision) -> None:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != Decision.Status.DRAFT:
        raise WorkflowError(_("Quyết định đã ban hành không xoá được."))
    audit.record(
        actor=actor,
        action="decision.draft_deleted",
        target=decision,
        unit=decision.unit,
        before={"number": decision.number},
    )
    decision.items.all().delete()
    decision.delete()


def certificate_prefix(decision: Decision) -> str:
    """``01-2026-`` (province), ``01-268-2023-`` (legacy district), ``TW-2026-`` (centre)."""
    year = decision.issued_on.year
    unit = decision.unit
    if unit is None:
        return f"TW-{year}-"
    if unit.parent_id:
        return f"{unit.parent.code}-{unit.code}-{year}-"
    return f"{unit.code}-{year}-"


def next_certificate_number(decision: Decision) -> str:
    prefix = certificate_prefix(decision)
    serials = [
        int(match.group(1))
        for number in Certificate.objects.filter(number__startswith=prefix).values_list("number", flat=True)
        if (match := re.fullmatch(re.escape(prefix) + r"(\d+)", number))
    ]
    return f"{prefix}{max(serials, default=0) + 1:04d}"


@transaction.atomic
def issue_decision(*, actor, decision: Decision) -> list[Certificate]:
    """Issue the decision: one certificate per item (expiry = issue date + 36 months), dossiers decided."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("unit", "rule_version", "council")
        .get(pk=decision.pk)
    )
    if decision.status != Decision.Status.DRAFT:
        raise WorkflowError(_("Quyết định đã được ban hành."))
    items = list(decision.items.select_related("product", "dossier", "result").order_by("-stars", "product__name"))
    if not items:
        raise WorkflowError(_("Quyết định chưa có sản phẩm nào."))
    if decision.council_id:
        Council.objects.select_for_update().filter(pk=decision.council_id).first()  # serialise the numbering
    certificates = []
    for item in items:
        result, dossier = item.result, item.dossier
        if result is not None and (
            not result.is_final or result.outcome != Outcome.RECOGNISED or dossier.status != DossierStatus.SCORED
        ):
            raise WorkflowError(
                _("Kết quả của “%(p)s” không còn ở trạng thái chờ quyết định.") % {"p": item.product.name}
            )
        try:
            with transaction.atomic():
                certificate = record_certificate(
                    product=item.product,
                    number=next_certificate_number(decision),
                    stars=item.stars,
                    issued_on=decision.issued_on,
                    rule_version=decision.rule_version,
                    issuing_authority=decision.authority,
                    issuing_level=decision.level,
                    decision=decision,
                    score=item.score,
                    actor=actor,
                    note=_("Quyết định %(n)s") % {"n": decision.number},
                )
        except IntegrityError as error:
            raise WorkflowError(_("Không cấp được số giấy chứng nhận, hãy thử lại.")) from error
        certificates.append(certificate)
        if dossier is not None:
            Dossier.objects.filter(pk=dossier.pk).update(status=DossierStatus.DECIDED, updated_at=timezone.now())
            audit.record(
                actor=actor,
                action="dossier.decided",
                target=dossier,
                unit=decision.unit,
                before={"status": dossier.status},
                after={"status": DossierStatus.DECIDED, "certificate": certificate.number, "stars": item.stars},
            )
            if dossier.kind == DossierKind.RERATING and dossier.previous_certificate_id:
                Certificate.objects.filter(pk=dossier.previous_certificate_id, rerating_decided_on__isnull=True).update(
                    rerating_decided_on=decision.issued_on, updated_at=timezone.now()
                )
    decision.status = Decision.Status.ISSUED
    decision.issued_at = timezone.now()
    decision.save(update_fields=["status", "issued_at", "updated_at"])
    audit.record(
        actor=actor,
        action="decision.issued",
        target=decision,
        unit=decision.unit,
        before={"status": Decision.Status.DRAFT},
        after={"status": Decision.Status.ISSUED, "certificates": [c.number for c in certificates]},
    )
    return certificates
