"""Reads of the evaluation workflow, each narrowed to what the user may see (role × unit × council seat).

Views never build their own querysets for workflow objects: they call these, so a view cannot forget the scope.
Anything outside the scope is simply not in the queryset, which the views turn into a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from districts.models import SCORING_ROLES, AdminUnit, CouncilLevel, Level, Role, Structure
from districts.selectors import active_roles, is_national

from . import permissions
from .models import (
    AttachmentKind,
    Certificate,
    Criterion,
    CriterionOption,
    Decision,
    DecisionItem,
    Dossier,
    DossierAttachment,
    DossierKind,
    DossierStatus,
    EvaluationResult,
    MemberScoreSheet,
    Outcome,
    Round,
    ScoreSheet,
    SheetHeading,
    SheetPart,
)


# -- scope helpers -----------------------------------------------------------------------------------------------
def product_in_unit_q(unit: AdminUnit | None, prefix: str = "product__") -> Q:
    """Products located in ``unit``: a current province or commune, a legacy province or district."""
    if unit is None:
        return Q()
    if unit.structure == Structure.CURRENT:
        field = "province_id" if unit.level == Level.PROVINCE else "commune_id"
        return Q(**{f"{prefix}{field}": unit.pk})
    if unit.level == Level.PROVINCE:
        return Q(**{f"{prefix}legacy_district__parent_id": unit.pk})
    if unit.level == Level.DISTRICT:
        return Q(**{f"{prefix}legacy_district_id": unit.pk})
    return Q(**{f"{prefix}commune_id__in": unit.successors.values("pk")})


def _role_q(user, prefix: str, *, drafts: bool) -> Q:
    """Dossiers located in the user's units; province offices do not see communes' drafts."""
    q = Q(pk__in=[])
    for assignment in active_roles(user):
        if assignment.role == Role.COMMUNE_OFFICER:
            q |= Q(**{f"{prefix}commune_id": assignment.unit_id})
        elif assignment.role == Role.DISTRICT_OFFICER:
            q |= Q(**{f"{prefix}legacy_district_id": assignment.unit_id})
        elif assignment.role == Role.PROVINCE_OFFICE:
            province = Q(**{f"{prefix}province_id": assignment.unit_id})
            q |= province & ~Q(status=DossierStatus.DRAFT) if drafts else province
    return q


def dossiers_for(user) -> QuerySet[Dossier]:
    """Every dossier the user may open."""
    base = Dossier.objects.all()
    if is_national(user):
        return base
    q = _role_q(user, "product__", drafts=True)
    councils = permissions.council_ids(user)
    if councils:
        q |= Q(round__council_id__in=councils)
        q |= Q(pk__in=EvaluationResult.objects.filter(round__council_id__in=councils).values("dossier_id"))
    return base.filter(q)


def dossier_list(user, *, status: str | None = None, search: str = "") -> QuerySet[Dossier]:
    qs = dossiers_for(user).select_related(
        "product__producer", "product__product_set", "intake_unit", "round", "rule_version"
    )
    if status:
        qs = qs.filter(status=status)
    if search:
        from ocop_portal.text import fold

        folded = fold(search)
        qs = qs.filter(Q(product__search_name__contains=folded) | Q(product__code__icontains=search))
    return qs.order_by("-updated_at", "-pk")


def dossier_detail(user, pk) -> Dossier | None:
    return (
        dossiers_for(user)
        .select_related(
            "product__producer",
            "product__product_set",
            "product__commune",
            "product__legacy_district",
            "product__province",
            "intake_unit",
            "round__council",
            "rule_version",
            "previous_certificate",
            "local_assessment",
        )
        .filter(pk=pk)
        .first()
    )


def attachments_of(dossier: Dossier, *, include_removed: bool = False) -> QuerySet[DossierAttachment]:
    qs = dossier.attachments.select_related("criterion", "uploaded_by").order_by("kind", "uploaded_at")
    return qs if include_removed else qs.filter(removed_at__isnull=True)


def rounds_for(user) -> QuerySet[Round]:
    base = Round.objects.all()
    if is_national(user):
        return base
    q = Q(council_id__in=permissions.council_ids(user))
    for assignment in active_roles(user):
        if assignment.role == Role.PROVINCE_OFFICE:
            q |= Q(unit_id=assignment.unit_id) | Q(unit__successor_province_id=assignment.unit_id)
            q |= Q(unit__parent_id=assignment.unit_id)
        elif assignment.role == Role.DISTRICT_OFFICER:
            q |= Q(unit_id=assignment.unit_id)
    return base.filter(q)


def round_list(user) -> QuerySet[Round]:
    return (
        rounds_for(user)
        .select_related("council", "unit", "rule_version")
        .annotate(dossier_count=Count("dossiers", distinct=True))
        .order_by("-year", "-intake_deadline", "-pk")
    )


def forwarded_waiting(round_: Round) -> QuerySet[Dossier]:
    """Dossiers forwarded to the round's level in its unit, under its rule version, not yet in a round."""
    return (
        Dossier.objects.filter(
            status=DossierStatus.FORWARDED,
            stage_level=round_.level,
            rule_version_id=round_.rule_version_id,
            round__isnull=True,
        )
        .filter(product_in_unit_q(round_.unit))
        .select_related("product__producer", "product__product_set", "intake_unit")
        .order_by("submitted_at", "pk")
    )


def round_dossiers(round_: Round) -> QuerySet[Dossier]:
    """Dossiers in the round with how many members have submitted their sheet of the current attempt."""
    submitted = MemberScoreSheet.objects.filter(
        dossier=OuterRef("pk"), round=round_, status=MemberScoreSheet.Status.SUBMITTED
    )
    return (
        Dossier.objects.filter(Q(round=round_) | Q(results__round=round_))
        .distinct()
        .select_related("product__producer", "product__product_set", "intake_unit")
        .annotate(
            submitted_count=Count(
                "member_sheets",
                filter=Q(member_sheets__round=round_, member_sheets__status=MemberScoreSheet.Status.SUBMITTED),
                distinct=True,
            ),
            has_submitted=Exists(submitted),
        )
        .order_by("product__name", "pk")
    )


def scoring_members(council_id) -> list:
    from districts.models import CouncilMembership

    return list(
        CouncilMembership.objects.filter(council_id=council_id, is_active=True, role__in=SCORING_ROLES)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "pk")
    )


def member_sheets(dossier: Dossier, round_: Round, attempt: int | None = None) -> QuerySet[MemberScoreSheet]:
    qs = MemberScoreSheet.objects.filter(dossier=dossier, round=round_)
    if attempt is not None:
        qs = qs.filter(attempt=attempt)
    return qs.select_related("member").order_by("attempt", "member__last_name", "pk")


def results_of(dossier: Dossier) -> QuerySet[EvaluationResult]:
    return dossier.results.select_related("round", "round__council", "finalised_by").order_by("round_id", "attempt")


# -- score sheets as plain data for rules.py ---------------------------------------------------------------------
_SHEET_CACHE: dict[tuple[int, str], dict] = {}


def score_sheet_for(rule_version_id, product_set_id) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(rule_version_id=rule_version_id, product_set_id=product_set_id).first()


def sheet_tree(sheet: ScoreSheet) -> ScoreSheet:
    """The sheet with parts → headings → criteria → options prefetched (5 queries)."""
    return (
        ScoreSheet.objects.filter(pk=sheet.pk)
        .prefetch_related(
            Prefetch("parts", queryset=SheetPart.objects.order_by("order")),
            Prefetch("parts__headings", queryset=SheetHeading.objects.order_by("order")),
            Prefetch("parts__headings__criteria", queryset=Criterion.objects.order_by("order")),
            Prefetch("parts__headings__criteria__options", queryset=CriterionOption.objects.order_by("order")),
        )
        .get()
    )


def sheet_data(sheet: ScoreSheet) -> dict:
    """The sheet in the shape ``rules.py`` reads, plus id maps; cached per sheet and content hash."""
    key = (sheet.pk, sheet.content_hash)
    cached = _SHEET_CACHE.get(key)
    if cached is not None:
        return cached
    tree = sheet_tree(sheet)
    parts = []
    criteria_by_id, options_by_id = {}, {}
    for part in tree.parts.all():
        headings = []
        for heading in part.headings.all():
            criteria = []
            for criterion in heading.criteria.all():
                options = []
                for option in criterion.options.all():
                    data = {
                        "id": option.pk,
                        "key": option.key,
                        "text": option.text,
                        "points": option.points,
                        "min_stars": option.min_stars,
                        "eliminates": option.eliminates,
                        "group": option.group,
                    }
                    options.append(data)
                    options_by_id[option.pk] = (criterion.number, data)
                data = {
                    "id": criterion.pk,
                    "number": criterion.number,
                    "text": criterion.text,
                    "points": criterion.points,
                    "condition": criterion.condition or None,
                    "description": criterion.description,
                    "part": part.code,
                    "options": options,
                }
                criteria.append(data)
                criteria_by_id[criterion.pk] = data
            headings.append(
                {"number": heading.number, "name": heading.name, "points": heading.points, "criteria": criteria}
            )
        parts.append({"code": part.code, "name": part.name, "points": part.points, "headings": headings})
    data = {
        "id": sheet.pk,
        "title": sheet.title,
        "eliminations": sheet.eliminations,
        "parts": parts,
        "criteria_by_id": criteria_by_id,
        "options_by_id": options_by_id,
    }
    _SHEET_CACHE.clear() if len(_SHEET_CACHE) > 64 else None
    _SHEET_CACHE[key] = data
    return data


def sheet_for_dossier(dossier: Dossier, rule_version_id=None) -> dict | None:
    sheet = score_sheet_for(rule_version_id or dossier.rule_version_id, dossier.product.product_set_id)
    return sheet_data(sheet) if sheet else None


# -- completeness checklist --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    ok: bool
    hint: str = ""


REQUIRED_ATTACHMENTS = {
    # kind of dossier → attachment kinds required (Điều 6.1 and the Mẫu 02 evidence table)
    DossierKind.FIRST: (AttachmentKind.LICENCE, AttachmentKind.LAB_TEST, AttachmentKind.LABEL),
    DossierKind.UPGRADE: (AttachmentKind.LICENCE, AttachmentKind.LAB_TEST, AttachmentKind.LABEL),
    DossierKind.RERATING: (AttachmentKind.LICENCE, AttachmentKind.LAB_TEST, AttachmentKind.LABEL),
}
REGISTRATION_REQUIRED = ("representative_name", "address", "phone")


def dossier_checklist(dossier: Dossier, *, attachment_kinds=None, self_assessed=None, sheet=None) -> list[CheckItem]:
    """What a dossier of its kind must hold before it can be submitted (Điều 6.1, Mẫu 01 and 02)."""
    registration = dossier.registration or {}
    if attachment_kinds is None:
        attachment_kinds = set(attachments_of(dossier).values_list("kind", flat=True))
    items = [
        CheckItem(
            "registration",
            _("Phiếu đăng ký (Mẫu 01): người đại diện, địa chỉ, điện thoại"),
            all(str(registration.get(k, "")).strip() for k in REGISTRATION_REQUIRED),
            _("Mở “Sửa phiếu đăng ký” và điền đủ các ô bắt buộc."),
        ),
    ]
    if sheet is None and dossier.product_id:
        sheet = sheet_for_dossier(dossier)
    if sheet is not None:
        if self_assessed is None:
            self_assessed = dossier.self_assessments.count()
        total = len(sheet["criteria_by_id"])
        items.append(
            CheckItem(
                "self_assessment",
                _("Báo cáo tự đánh giá (Mẫu 02): tự chấm đủ %(n)s tiêu chí") % {"n": total},
                self_assessed >= total,
                _("Đã tự chấm %(done)s/%(n)s tiêu chí.") % {"done": self_assessed, "n": total},
            )
        )
    else:
        items.append(
            CheckItem(
                "self_assessment",
                _("Báo cáo tự đánh giá (Mẫu 02): tổng điểm tự chấm"),
                dossier.self_score is not None,
                _("Bộ tiêu chí của quy định này chưa số hoá: nhập tổng điểm tự chấm theo phiếu giấy."),
            )
        )
    for kind in REQUIRED_ATTACHMENTS[dossier.kind]:
        items.append(
            CheckItem(
                f"attachment_{kind}",
                _("Tài liệu: %(kind)s") % {"kind": AttachmentKind(kind).label},
                kind in attachment_kinds,
                _("Tải lên ít nhất một tệp loại này."),
            )
        )
    if dossier.product_id and dossier.product.product_set.requires_samples:
        items.append(
            CheckItem(
                "samples",
                _("05 sản phẩm mẫu đã nhận"),
                dossier.sample_count >= 5,
                _("Ghi số mẫu đã nhận (không áp dụng với bộ 26 — dịch vụ du lịch)."),
            )
        )
    if dossier.kind == DossierKind.UPGRADE:
        items.append(
            CheckItem(
                "changes",
                _("Nội dung thay đổi so với sản phẩm đã được công nhận (nâng hạng)"),
                bool(dossier.change_summary.strip()),
                _("Mô tả rõ những thay đổi và minh chứng (Điều 6.1.b)."),
            )
        )
    if dossier.kind == DossierKind.RERATING:
        items.append(
            CheckItem(
                "changes",
                _("Nội dung cập nhật sau thời gian được công nhận (đánh giá lại)"),
                bool(dossier.change_summary.strip()),
                _("Nguyên liệu, công nghệ, bao bì, nhãn, thị trường, sản lượng, doanh thu… (Điều 6.1.c)."),
            )
        )
    return items


# -- decisions and certificates ----------------------------------------------------------------------------------
def decisions_for(user) -> QuerySet[Decision]:
    base = Decision.objects.all()
    if is_national(user):
        return base
    # Drafts: the council's secretary and chair; issued decisions: every member of a council at that level and unit.
    q = Q(council_id__in=permissions.council_ids(user, "secretary", "chair"))
    for membership in permissions.memberships(user):
        council = membership.council
        q |= Q(level=council.level, unit_id=council.unit_id, status=Decision.Status.ISSUED)
    for assignment in active_roles(user):
        if assignment.role == Role.PROVINCE_OFFICE:
            q |= Q(unit_id=assignment.unit_id) | Q(unit__successor_province_id=assignment.unit_id)
        elif assignment.role == Role.DISTRICT_OFFICER:
            q |= Q(unit_id=assignment.unit_id)
        elif assignment.role == Role.COMMUNE_OFFICER:
            q |= Q(status=Decision.Status.ISSUED) & Q(
                Exists(DecisionItem.objects.filter(decision=OuterRef("pk"), product__commune_id=assignment.unit_id))
            )
    return base.filter(q)


def decision_list(user) -> QuerySet[Decision]:
    return (
        decisions_for(user)
        .select_related("unit", "council", "rule_version")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-issued_on", "-pk")
    )


def decision_detail(user, pk) -> Decision | None:
    return (
        decisions_for(user)
        .select_related("unit", "council", "rule_version", "round")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=DecisionItem.objects.select_related(
                    "product__producer", "product__commune", "product__product_set", "result__round"
                ).order_by("-stars", "product__name"),
            ),
            Prefetch("certificates", queryset=Certificate.objects.order_by("number")),
        )
        .filter(pk=pk)
        .first()
    )


def decidable_results(council) -> QuerySet[EvaluationResult]:
    """Final, recognised results that a decision at the council's level and unit may recognise, not yet decided."""
    return (
        EvaluationResult.objects.filter(
            is_final=True,
            outcome=Outcome.RECOGNISED,
            recognised_by_level=council.level,
        )
        .filter(product_in_unit_q(council.unit, prefix="dossier__product__"))
        .exclude(Exists(DecisionItem.objects.filter(result=OuterRef("pk"))))
        .exclude(dossier__status=DossierStatus.DECIDED)
        .select_related("dossier__product__producer", "dossier__product__product_set", "round", "dossier__rule_version")
        .order_by("-stars", "dossier__product__name")
    )


def certificates_for(user) -> QuerySet[Certificate]:
    base = Certificate.objects.all()
    if is_national(user):
        return base
    from districts.selectors import unit_scope_q

    return base.filter(unit_scope_q(user, "product__") | Q(decision__in=decisions_for(user).values("pk")))


def certificate_detail(user, pk) -> Certificate | None:
    return (
        certificates_for(user)
        .select_related(
            "product__producer",
            "product__commune",
            "product__province",
            "product__product_set",
            "decision",
            "rule_version",
            "replaced_by",
        )
        .filter(pk=pk)
        .first()
    )


# -- officer dashboard -------------------------------------------------------------------------------------------
def dashboard(user) -> dict:
    """What waits for this user, one small query per box."""
    boxes: dict = {}
    dossiers = dossiers_for(user)
    roles = {a.role for a in active_roles(user)}
    if roles & {Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER} or is_national(user):
        boxes["drafts"] = dossiers.filter(status__in=[DossierStatus.DRAFT, DossierStatus.RETURNED]).count()
        boxes["to_review"] = list(
            dossiers.filter(status=DossierStatus.SUBMITTED)
            .select_related("product__producer")
            .order_by("review_deadline", "pk")[:10]
        )
    if roles & {Role.PROVINCE_OFFICE, Role.DISTRICT_OFFICER, Role.CENTRAL_OFFICE} or is_national(user):
        boxes["forwarded"] = dossiers.filter(status=DossierStatus.FORWARDED, round__isnull=True).count()
    scoring = permissions.council_ids(user, *SCORING_ROLES)
    if scoring:
        mine = MemberScoreSheet.objects.filter(
            member=user, dossier=OuterRef("pk"), round=OuterRef("round"), attempt=OuterRef("scoring_attempt")
        ).exclude(status=MemberScoreSheet.Status.DRAFT)
        boxes["to_score"] = list(
            Dossier.objects.filter(
                status=DossierStatus.IN_ROUND, round__council_id__in=scoring, round__status=Round.Status.SCORING
            )
            .exclude(Exists(mine))
            .select_related("product__producer", "round")
            .order_by("round__decision_deadline", "product__name")[:20]
        )
    chair = [m.council_id for m in permissions.memberships(user) if m.role == "chair"]
    if chair:
        boxes["to_finalise"] = list(
            EvaluationResult.objects.filter(
                round__council_id__in=chair,
                is_final=False,
                reopened_at__isnull=True,
                dossier__status=DossierStatus.IN_ROUND,
                details__quorum_met=True,
            )
            .select_related("dossier__product", "round")
            .order_by("round_id", "dossier__product__name")[:20]
        )
    secretary = [m.council for m in permissions.memberships(user) if m.role == "secretary"]
    if secretary:
        boxes["to_decide"] = sum(decidable_results(c).count() for c in secretary)
        boxes["draft_decisions"] = Decision.objects.filter(council__in=secretary, status=Decision.Status.DRAFT).count()
    return boxes


def level_label(level: str) -> str:
    return {
        CouncilLevel.DISTRICT: _("cấp huyện"),
        CouncilLevel.PROVINCE: _("cấp tỉnh"),
        CouncilLevel.CENTRAL: _("cấp trung ương"),
    }.get(level, level)
