"""Who may do what in the evaluation workflow: roles (districts.RoleAssignment) and council memberships.

Reads that list objects narrow querysets in ``selectors.py``; the functions here answer "may this user do this to
that object?". Views turn a False into a 404 so nobody learns that an object exists outside their scope.
Everything is computed from two cached lookups per request (roles, memberships).
"""

from __future__ import annotations

from districts.models import SCORING_ROLES, AdminUnit, CouncilLevel, CouncilMembership, CouncilRole, Level, Role
from districts.selectors import active_roles, has_role, is_national

from .models import Certificate, Decision, Dossier, DossierStatus, Round


def memberships(user) -> list[CouncilMembership]:
    """Active council memberships of the user (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_ocop_memberships", None)
    if cache is None:
        cache = list(
            CouncilMembership.objects.filter(user=user, is_active=True, council__is_active=True).select_related(
                "council", "council__unit"
            )
        )
        user._ocop_memberships = cache
    return cache


def council_role(user, council_id) -> str | None:
    for membership in memberships(user):
        if membership.council_id == council_id:
            return membership.role
    return None


def council_ids(user, *roles) -> list[int]:
    return [m.council_id for m in memberships(user) if not roles or m.role in roles]


def is_administrator(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMINISTRATOR)


def is_officer(user) -> bool:
    """Anyone with a workflow role or a council seat sees the officer area."""
    return is_national(user) or bool(active_roles(user)) or bool(memberships(user))


# -- units -------------------------------------------------------------------------------------------------------
def unit_in_scope(user, unit: AdminUnit | None, *roles) -> bool:
    """Does one of the user's roles (optionally limited to ``roles``) cover ``unit``?

    A province office covers its province, its communes and the legacy units its province took over; a commune
    officer covers the commune; a district officer the legacy district.
    """
    if is_administrator(user) or (not roles and is_national(user)):
        return True
    if unit is None:
        return False
    for assignment in active_roles(user):
        if roles and assignment.role not in roles:
            continue
        if assignment.unit_id == unit.pk:
            return True
        if assignment.role == Role.PROVINCE_OFFICE and assignment.unit_id in (
            unit.parent_id,
            unit.successor_province_id,
        ):
            return True
    return False


def dossier_in_unit(user, dossier: Dossier, *roles) -> bool:
    """Is the dossier's product located in a unit of one of the user's roles (any role, or one of ``roles``)?

    National roles see every unit, but only the administrator acts for a local unit's role.
    """
    if is_administrator(user) or (not roles and is_national(user)):
        return True
    product = dossier.product
    for assignment in active_roles(user):
        if roles and assignment.role not in roles:
            continue
        if assignment.role == Role.COMMUNE_OFFICER and product.commune_id == assignment.unit_id:
            return True
        if assignment.role == Role.DISTRICT_OFFICER and product.legacy_district_id == assignment.unit_id:
            return True
        if assignment.role == Role.PROVINCE_OFFICE and product.province_id == assignment.unit_id:
            return True
    return False


def intake_roles(dossier_or_version) -> tuple[str, ...]:
    """QĐ 26/2026 and 148+1489: the commune receives and checks; QĐ 148 and 1048: the district did."""
    version = getattr(dossier_or_version, "rule_version", dossier_or_version)
    return (Role.DISTRICT_OFFICER,) if version.has_district_level else (Role.COMMUNE_OFFICER,)


# -- dossiers ----------------------------------------------------------------------------------------------------
def can_create_dossier(user) -> bool:
    """Dossiers are received by communes (and, for historical rounds, legacy districts)."""
    return is_administrator(user) or has_role(user, Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER)


def can_edit_dossier(user, dossier: Dossier) -> bool:
    """The receiving officer enters and corrects the dossier while it is a draft or returned."""
    return dossier.is_editable and dossier_in_unit(user, dossier, *intake_roles(dossier))


def can_review_dossier(user, dossier: Dossier) -> bool:
    """Mẫu 03, forward or return: the receiving unit, while the dossier waits for its review."""
    return dossier.status == DossierStatus.SUBMITTED and dossier_in_unit(user, dossier, *intake_roles(dossier))


def can_return_forwarded(user, dossier: Dossier) -> bool:
    """The province office checks what communes forward and may send it back for completion (Điều 7.3.a)."""
    if dossier.status != DossierStatus.FORWARDED or dossier.round_id is not None:
        return False
    if dossier.stage_level == CouncilLevel.PROVINCE:
        return dossier_in_unit(user, dossier, Role.PROVINCE_OFFICE)
    return False


# -- rounds ------------------------------------------------------------------------------------------------------
def round_manager_roles(level: str) -> tuple[str, ...]:
    return {
        CouncilLevel.DISTRICT: (Role.DISTRICT_OFFICER, Role.PROVINCE_OFFICE),
        CouncilLevel.PROVINCE: (Role.PROVINCE_OFFICE,),
        CouncilLevel.CENTRAL: (Role.CENTRAL_OFFICE,),
    }[level]


def can_open_round(user) -> bool:
    return is_national(user) or has_role(user, Role.PROVINCE_OFFICE, Role.DISTRICT_OFFICER)


def can_manage_round(user, round_: Round) -> bool:
    """The OCOP office of the round's unit (district officer for a legacy district round; central office)."""
    if is_administrator(user):
        return True
    if round_.level == CouncilLevel.CENTRAL:
        return has_role(user, Role.CENTRAL_OFFICE)
    return unit_in_scope(user, round_.unit, *round_manager_roles(round_.level))


def scoring_role(user, round_: Round) -> str | None:
    role = council_role(user, round_.council_id)
    return role if role in SCORING_ROLES else None


def can_score(user, round_: Round, dossier: Dossier) -> bool:
    return (
        scoring_role(user, round_) is not None
        and round_.status == Round.Status.SCORING
        and dossier.round_id == round_.pk
        and dossier.status == DossierStatus.IN_ROUND
    )


def is_chair(user, round_: Round) -> bool:
    return council_role(user, round_.council_id) == CouncilRole.CHAIR


def is_secretary(user, council_id) -> bool:
    return council_role(user, council_id) == CouncilRole.SECRETARY


def can_add_finding(user, round_: Round) -> bool:
    return council_role(user, round_.council_id) in (CouncilRole.ADVISORY, CouncilRole.CHAIR)


# -- decisions, certificates, revocations ------------------------------------------------------------------------
def can_draft_decision(user, council_id) -> bool:
    return is_secretary(user, council_id) or is_administrator(user)


def can_edit_decision(user, decision: Decision) -> bool:
    return (
        decision.status == Decision.Status.DRAFT
        and decision.council_id is not None
        and can_draft_decision(user, decision.council_id)
    )


# Under the current decision the province chairman revokes 3–4★ and the minister 5★ (Điều 8.2), whatever the
# version the certificate was issued under (districts no longer exist).
def revoking_level(stars: int) -> str:
    return CouncilLevel.CENTRAL if stars == 5 else CouncilLevel.PROVINCE


def can_revoke(user, certificate: Certificate) -> bool:
    if is_administrator(user):
        return True
    if revoking_level(certificate.stars) == CouncilLevel.CENTRAL:
        return has_role(user, Role.CENTRAL_OFFICE)
    return any(
        a.role == Role.PROVINCE_OFFICE and a.unit_id == certificate.product.province_id for a in active_roles(user)
    )


def can_file_follow_up(user, certificate: Certificate) -> bool:
    """Re-rating or upgrade dossiers are received by the commune of the product (QĐ 26/2026)."""
    if is_administrator(user):
        return True
    return any(
        a.role == Role.COMMUNE_OFFICER and a.unit_id == certificate.product.commune_id for a in active_roles(user)
    )


def intake_units(user):
    """Units in which the user may receive dossiers, with the role: [(unit, role)]."""
    return [
        (a.unit, a.role)
        for a in active_roles(user)
        if a.role in (Role.COMMUNE_OFFICER, Role.DISTRICT_OFFICER) and a.unit is not None
    ]


def level_of_unit(unit: AdminUnit | None) -> str:
    if unit is None:
        return CouncilLevel.CENTRAL
    return CouncilLevel.DISTRICT if unit.level == Level.DISTRICT else CouncilLevel.PROVINCE
