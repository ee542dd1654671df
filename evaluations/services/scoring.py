"""Council scoring: members fill their sheets, submit or recuse; the result is recomputed under a row lock on the
dossier after each submission; the chair finalises it or reopens scoring (a new attempt: nothing is overwritten).

Concurrency: every write here first locks the dossier row (``SELECT … FOR UPDATE``), so two members submitting at
the same moment are applied one after the other and the second recomputation sees both sheets.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from districts.models import CouncilRole
from evaluations import audit, rules
from evaluations.models import (
    Certificate,
    Dossier,
    DossierKind,
    DossierStatus,
    EvaluationResult,
    MemberChoice,
    MemberScoreSheet,
    Outcome,
    Round,
)

from .dossiers import _lock, _snapshot
from .errors import WorkflowError

NOT_APPLICABLE = rules.NOT_APPLICABLE
OUTCOME_OF_STATUS = {
    "recognised": Outcome.RECOGNISED,
    "not_recognised": Outcome.NOT_RECOGNISED,
    "rejected": Outcome.REJECTED,
}


def _check_scoring(dossier: Dossier, round_: Round) -> None:
    if dossier.round_id != round_.pk or dossier.status != DossierStatus.IN_ROUND:
        raise WorkflowError(_("Hồ sơ không còn trong đợt chấm điểm này."))
    if round_.status != Round.Status.SCORING:
        raise WorkflowError(_("Đợt đánh giá chưa mở chấm điểm hoặc đã kết thúc."))


def _member_sheet(dossier: Dossier, round_: Round, member) -> MemberScoreSheet:
    sheet, _created = MemberScoreSheet.objects.get_or_create(
        dossier=dossier, round=round_, member=member, attempt=dossier.scoring_attempt
    )
    if sheet.status != MemberScoreSheet.Status.DRAFT:
        raise WorkflowError(
            _("Phiếu lần chấm %(n)s đã %(status)s: điểm đã nộp không sửa được. Nếu cần, chủ tịch hội đồng mở chấm lại.")
            % {"n": sheet.attempt, "status": sheet.get_status_display().lower()}
        )
    return sheet


def _choices_by_number(sheet_data: dict, scoring_sheet: MemberScoreSheet) -> dict[str, str]:
    result = {}
    for choice in scoring_sheet.choices.all():
        criterion = sheet_data["criteria_by_id"][choice.criterion_id]
        if choice.not_applicable:
            result[criterion["number"]] = NOT_APPLICABLE
        elif choice.option_id:
            result[criterion["number"]] = sheet_data["options_by_id"][choice.option_id][1]["key"]
    return result


@transaction.atomic
def save_sheet(
    *,
    actor,
    dossier: Dossier,
    round_: Round,
    sheet_data: dict | None,
    choices: dict | None = None,
    paper: dict | None = None,
    submit: bool = False,
) -> MemberScoreSheet:
    """Save the member's sheet of the current attempt as a draft, or submit it (all criteria answered).

    ``choices``: criterion id → (option id or ``NOT_APPLICABLE``, comment). ``paper`` (no digitised sheet):
    ``{"part_a", "part_b", "part_c", "minima_level", "eliminated"}`` from the signed paper sheet.
    """
    dossier = _lock(dossier)
    round_ = Round.objects.select_related("rule_version", "council").get(pk=round_.pk)
    _check_scoring(dossier, round_)
    sheet = _member_sheet(dossier, round_, actor)
    if sheet_data is not None:
        _save_choices(sheet, sheet_data, choices or {})
        numbers = _choices_by_number(sheet_data, sheet)
        computed = rules.member_total(sheet_data, numbers)
        sheet.total = min(computed.total, Decimal(100))
        sheet.eliminated = computed.eliminated
        if submit and computed.missing:
            raise WorkflowError(
                _("Chưa chấm đủ tiêu chí: %(items)s. Hãy chọn một mức cho mỗi tiêu chí rồi nộp lại.")
                % {"items": ", ".join(computed.missing)}
            )
    else:
        _save_paper(sheet, round_, paper or {}, submit=submit)
    if submit:
        sheet.status = MemberScoreSheet.Status.SUBMITTED
        sheet.submitted_at = timezone.now()
    sheet.save()
    if submit:
        audit.record(
            actor=actor,
            action="score.submitted",
            target=dossier,
            unit=round_.unit,
            after={
                "member": actor.get_username(),
                "attempt": sheet.attempt,
                "total": str(sheet.total),
                "eliminated": sheet.eliminated,
                "round": round_.name,
            },
        )
        recompute_result(dossier=dossier, round_=round_)
    return sheet


def _save_choices(sheet: MemberScoreSheet, sheet_data: dict, choices: dict) -> None:
    """Validate every answer first, then write the differences in at most three statements (a sheet has ~30)."""
    existing = {c.criterion_id: c for c in sheet.choices.all()}
    to_create, to_update, to_delete = [], [], []
    for criterion_id, (value, comment) in choices.items():
        criterion = sheet_data["criteria_by_id"].get(criterion_id)
        if criterion is None:
            raise WorkflowError(_("Tiêu chí không thuộc phiếu đánh giá của sản phẩm."))
        comment = (comment or "").strip()
        option_id, not_applicable = None, False
        if value == NOT_APPLICABLE:
            if not criterion["condition"]:
                raise WorkflowError(
                    _("Tiêu chí %(n)s bắt buộc chấm, không chọn “không áp dụng”.") % {"n": criterion["number"]}
                )
            not_applicable = True
        elif value:
            option_id = int(value)
            if not any(o["id"] == option_id for o in criterion["options"]):
                raise WorkflowError(_("Lựa chọn không thuộc tiêu chí %(n)s.") % {"n": criterion["number"]})
        row = existing.get(criterion_id)
        if option_id is None and not not_applicable:
            if row is not None:
                to_delete.append(row.pk)
            continue
        if row is None:
            to_create.append(
                MemberChoice(
                    sheet=sheet,
                    criterion_id=criterion_id,
                    option_id=option_id,
                    not_applicable=not_applicable,
                    comment=comment,
                )
            )
        elif (row.option_id, row.not_applicable, row.comment) != (option_id, not_applicable, comment):
            row.option_id, row.not_applicable, row.comment = option_id, not_applicable, comment
            to_update.append(row)
    if to_delete:
        MemberChoice.objects.filter(pk__in=to_delete).delete()
    if to_update:
        MemberChoice.objects.bulk_update(to_update, ["option_id", "not_applicable", "comment"])
    if to_create:
        MemberChoice.objects.bulk_create(to_create)


def _save_paper(sheet: MemberScoreSheet, round_: Round, paper: dict, *, submit: bool) -> None:
    version = round_.rule_version
    limits = {"part_a": version.part_a_points, "part_b": version.part_b_points, "part_c": version.part_c_points}
    for field, limit in limits.items():
        value = paper.get(field)
        if value is not None and not (Decimal(0) <= Decimal(value) <= limit):
            raise WorkflowError(
                _("Điểm %(part)s phải từ 0 đến %(limit)s.") % {"part": field[-1].upper(), "limit": limit}
            )
        setattr(sheet, field, value)
    level = paper.get("minima_level")
    if level is not None and level not in (2, 3, 4, 5):
        raise WorkflowError(_("Mức tối thiểu phải là 3, 4, 5 sao hoặc “chưa đạt 3 sao”."))
    sheet.minima_level = level
    sheet.eliminated = bool(paper.get("eliminated"))
    parts = [sheet.part_a, sheet.part_b, sheet.part_c]
    sheet.total = (
        sum((Decimal(p) for p in parts if p is not None), Decimal(0)) if any(p is not None for p in parts) else None
    )
    if submit and (any(p is None for p in parts) or level is None):
        raise WorkflowError(_("Hãy nhập đủ điểm ba phần A, B, C và mức tối thiểu đạt được trước khi nộp."))


@transaction.atomic
def recuse(*, actor, dossier: Dossier, round_: Round, reason: str) -> MemberScoreSheet:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Hãy ghi lý do không tham gia chấm (xung đột lợi ích)."))
    dossier = _lock(dossier)
    round_ = Round.objects.select_related("rule_version", "council").get(pk=round_.pk)
    _check_scoring(dossier, round_)
    sheet = _member_sheet(dossier, round_, actor)
    sheet.choices.all().delete()  # a draft's choices: nothing was submitted
    sheet.status = MemberScoreSheet.Status.RECUSED
    sheet.recusal_reason = reason
    sheet.total = None
    sheet.save()
    audit.record(
        actor=actor,
        action="score.recused",
        target=dossier,
        unit=round_.unit,
        after={"member": actor.get_username(), "attempt": sheet.attempt},
        note=reason,
    )
    recompute_result(dossier=dossier, round_=round_)
    return sheet


def council_inputs(dossier: Dossier, round_: Round, sheet_data: dict | None, attempt: int):
    """The rules' MemberSheet list for the attempt, plus the sheets by member id."""
    from evaluations.selectors import scoring_members

    memberships = scoring_members(round_.council_id)
    sheets = {
        s.member_id: s
        for s in MemberScoreSheet.objects.filter(dossier=dossier, round=round_, attempt=attempt).prefetch_related(
            "choices"
        )
    }
    members, seen = [], set()
    for membership in memberships:
        seen.add(membership.user_id)
        members.append(_member_input(sheets.get(membership.user_id), membership.user_id, membership.role, sheet_data))
    # A member who submitted and has since left the council still counted on the day.
    for member_id, sheet in sheets.items():
        if member_id not in seen and sheet.status == MemberScoreSheet.Status.SUBMITTED:
            members.append(_member_input(sheet, member_id, CouncilRole.MEMBER, sheet_data))
    return members, sheets, len(memberships)


def _member_input(sheet, member_id, role, sheet_data) -> rules.MemberSheet:
    is_chair = role == CouncilRole.CHAIR
    if sheet is None or sheet.status == MemberScoreSheet.Status.DRAFT:
        return rules.MemberSheet(member_id=member_id, is_chair=is_chair, submitted=False)
    if sheet.status == MemberScoreSheet.Status.RECUSED:
        return rules.MemberSheet(member_id=member_id, is_chair=is_chair, recused=True)
    if sheet_data is not None:
        return rules.MemberSheet(member_id=member_id, is_chair=is_chair, choices=_choices_by_number(sheet_data, sheet))
    return rules.MemberSheet(member_id=member_id, is_chair=is_chair, total=sheet.total, eliminated=sheet.eliminated)


def compute(dossier: Dossier, round_: Round, attempt: int | None = None) -> dict | None:
    """The council's result for the attempt as plain data (None when nobody has submitted)."""
    from evaluations.selectors import sheet_for_dossier

    attempt = attempt or dossier.scoring_attempt
    sheet_data = sheet_for_dossier(dossier, round_.rule_version_id)
    members, sheets, size = council_inputs(dossier, round_, sheet_data, attempt)
    council = round_.council
    result = rules.council_result(
        members,
        sheet=sheet_data,
        quorum_fraction=Fraction(council.quorum_numerator, council.quorum_denominator),
        chair_required=council.chair_required,
        spread_limit=council.spread_limit,
        council_size=size,
    )
    if result.mean is None:
        return None
    participants = set(result.participants)
    if sheet_data is not None:
        outcome = result.outcome
        spread = _criterion_spread(sheet_data, [m.choices for m in members if m.member_id in participants])
        levels = []
    else:
        levels = [sheets[m].minima_level for m in participants if sheets.get(m) and sheets[m].minima_level]
        outcome = rules.star_rating_from_levels(result.mean, levels, eliminated=result.eliminated)
        spread = {}
    totals = {str(m.member_id): str(_total_of(m, sheets, sheet_data)) for m in members if m.member_id in participants}
    return {
        "mean": result.mean,
        "stars": outcome.stars,
        "status": outcome.status,
        "details": {
            "mode": "sheet" if sheet_data is not None else "paper",
            "quorum_met": result.quorum_met,
            "chair_present": result.chair_present,
            "council_size": size,
            "participants": [str(m) for m in result.participants],
            "excluded": [[str(m), why] for m, why in result.excluded],
            "totals": totals,
            "spread": str(result.spread) if result.spread is not None else None,
            "spread_limit": str(council.spread_limit),
            "spread_flag": result.spread_flag,
            "near_band_edge": result.near_band_edge,
            "failed_minima": {str(k): v for k, v in outcome.failed_minima.items()},
            "eliminated": result.eliminated,
            "elimination_flags": [str(m) for m in result.elimination_flags],
            "consensus": result.consensus,
            "criterion_spread": spread,
            "minima_levels": levels,
            "band_stars": rules.band_stars(result.mean),
        },
    }


def _total_of(member: rules.MemberSheet, sheets, sheet_data) -> Decimal:
    sheet = sheets.get(member.member_id)
    return sheet.total if sheet is not None and sheet.total is not None else Decimal(member.total or 0)


def _criterion_spread(sheet_data: dict, members_choices: list[dict]) -> dict:
    """Per criterion: lowest and highest points given (None for "not applicable" answers)."""
    spread = {}
    for criterion in rules.iter_criteria(sheet_data):
        points = []
        for choices in members_choices:
            key = choices.get(criterion["number"])
            if key and key != NOT_APPLICABLE:
                points.append(next(o["points"] for o in criterion["options"] if o["key"] == key))
        if points:
            spread[criterion["number"]] = [min(points), max(points)]
    return spread


def recompute_result(*, dossier: Dossier, round_: Round) -> EvaluationResult | None:
    """Store the provisional result of the current attempt (caller holds the dossier lock)."""
    data = compute(dossier, round_)
    if data is None:
        return None
    result, _created = EvaluationResult.objects.update_or_create(
        dossier=dossier,
        round=round_,
        attempt=dossier.scoring_attempt,
        defaults={
            "mean_score": data["mean"],
            "stars": data["stars"],
            "outcome": OUTCOME_OF_STATUS[data["status"]],
            "details": data["details"],
        },
    )
    return result


def current_result(dossier: Dossier, round_: Round) -> EvaluationResult | None:
    return EvaluationResult.objects.filter(dossier=dossier, round=round_, attempt=dossier.scoring_attempt).first()


def route_for(dossier: Dossier, round_: Round, result: EvaluationResult) -> rules.Route:
    """``rules.route_result`` plus one portal rule: an upgrade that does not reach a higher star than the
    certificate in force changes nothing (the producer keeps the certificate; no decision is issued)."""
    route = rules.route_result(round_.rule_version.code, round_.level, result.mean_score, result.stars, result.outcome)
    previous = dossier.previous_certificate if dossier.previous_certificate_id else None
    if (
        dossier.kind == DossierKind.UPGRADE
        and previous is not None
        and route.action == "recognise"
        and (result.stars or 0) <= previous.stars
    ):
        return rules.Route("stop", None)
    return route


@transaction.atomic
def finalise_result(
    *, actor, dossier: Dossier, round_: Round, discussed: bool = False, today: datetime.date | None = None
) -> EvaluationResult:
    """The chair closes the attempt: the star stands and the dossier moves on (decision, next level, or stop)."""
    today = today or timezone.localdate()
    dossier = _lock(dossier)
    round_ = Round.objects.select_related("rule_version", "council").get(pk=round_.pk)
    _check_scoring(dossier, round_)
    result = recompute_result(dossier=dossier, round_=round_)
    if result is None or not result.details.get("quorum_met"):
        raise WorkflowError(
            _("Chưa đủ túc số: cần ít nhất %(n)s/%(d)s thành viên nộp phiếu%(chair)s.")
            % {
                "n": round_.council.quorum_numerator,
                "d": round_.council.quorum_denominator,
                "chair": _(", trong đó có chủ tịch hội đồng") if round_.council.chair_required else "",
            }
        )
    if result.details.get("spread_flag") and not discussed:
        raise WorkflowError(
            _(
                "Điểm của các thành viên chênh lệch %(spread)s điểm, vượt mức %(limit)s: hội đồng cần thảo luận lại. "
                "Xác nhận đã thảo luận, hoặc mở chấm lại."
            )
            % {"spread": result.details["spread"], "limit": result.details["spread_limit"]}
        )
    route = route_for(dossier, round_, result)
    before = _snapshot(dossier)
    result.is_final = True
    result.finalised_at = timezone.now()
    result.finalised_by = actor if getattr(actor, "is_authenticated", False) else None
    result.forwarded = route.action == "forward"
    result.recognised_by_level = route.level if route.action == "recognise" else ""
    result.details = {**result.details, "route": {"action": route.action, "level": route.level}, "discussed": discussed}
    result.save()
    if route.action == "forward":
        dossier.status = DossierStatus.FORWARDED
        dossier.stage_level = route.level
        dossier.round = None
    elif route.action == "recognise":
        dossier.status = DossierStatus.SCORED
        dossier.stage_level = route.level
    else:
        dossier.status = DossierStatus.NOT_RECOGNISED
        dossier.stage_level = ""
        if dossier.kind == DossierKind.RERATING and dossier.previous_certificate_id:
            Certificate.objects.filter(pk=dossier.previous_certificate_id, rerating_decided_on__isnull=True).update(
                rerating_decided_on=today, updated_at=timezone.now()
            )
    dossier.save()
    audit.record(
        actor=actor,
        action="result.finalised",
        target=dossier,
        unit=round_.unit,
        before=before,
        after={
            **_snapshot(dossier),
            "attempt": result.attempt,
            "mean": str(result.mean_score),
            "stars": result.stars,
            "outcome": result.outcome,
            "route": route.action,
            "level": route.level,
        },
    )
    return result


@transaction.atomic
def reopen_scoring(*, actor, dossier: Dossier, round_: Round, reason: str) -> Dossier:
    """After discussion the chair asks for a new attempt; every sheet and the earlier result are kept."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Hãy ghi lý do mở chấm lại (nội dung hội đồng đã thảo luận)."))
    dossier = _lock(dossier)
    round_ = Round.objects.select_related("rule_version", "council").get(pk=round_.pk)
    _check_scoring(dossier, round_)
    if not MemberScoreSheet.objects.filter(
        dossier=dossier, round=round_, attempt=dossier.scoring_attempt, status=MemberScoreSheet.Status.SUBMITTED
    ).exists():
        raise WorkflowError(_("Chưa có phiếu nào được nộp ở lần chấm này: không cần mở chấm lại."))
    EvaluationResult.objects.filter(dossier=dossier, round=round_, attempt=dossier.scoring_attempt).update(
        reopened_at=timezone.now(), reopen_reason=reason
    )
    before = {"attempt": dossier.scoring_attempt}
    dossier.scoring_attempt += 1
    dossier.save(update_fields=["scoring_attempt", "updated_at"])
    audit.record(
        actor=actor,
        action="scoring.reopened",
        target=dossier,
        unit=round_.unit,
        before=before,
        after={"attempt": dossier.scoring_attempt},
        note=reason,
    )
    return dossier
