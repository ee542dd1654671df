"""Who may see what: a user's roles narrowed to administrative units.

Every view, export and API narrows its queryset with ``unit_scope_q`` so the rules live in one place.
Objects are located through the product's ``commune`` / ``legacy_district`` / ``province`` fields.
"""

from django.db.models import Q

from .models import Council, CouncilMembership, Role, RoleAssignment

NATIONAL_ROLES = (Role.CENTRAL_OFFICE, Role.ADMINISTRATOR)


def active_roles(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cache = getattr(user, "_ocop_roles", None)
    if cache is None:
        cache = list(RoleAssignment.objects.filter(user=user, is_active=True).select_related("unit"))
        user._ocop_roles = cache
    return cache


def has_role(user, *roles) -> bool:
    return any(r.role in roles for r in active_roles(user))


def is_national(user) -> bool:
    """Superusers, the central office and administrators see every unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or has_role(user, *NATIONAL_ROLES)


def unit_scope_q(user, prefix: str = "") -> Q:
    """Q narrowing objects located by ``{prefix}commune`` etc. to the units of the user's roles.

    Anonymous or role-less users get a Q that matches nothing.
    """
    if is_national(user):
        return Q()
    q = Q(pk__in=[])
    for assignment in active_roles(user):
        unit_id = assignment.unit_id
        if assignment.role == Role.COMMUNE_OFFICER:
            q |= Q(**{f"{prefix}commune_id": unit_id})
        elif assignment.role == Role.DISTRICT_OFFICER:
            q |= Q(**{f"{prefix}legacy_district_id": unit_id})
        elif assignment.role == Role.PROVINCE_OFFICE:
            q |= Q(**{f"{prefix}province_id": unit_id})
    return q


def councils_of(user):
    """Councils in which the user holds an active membership."""
    if not getattr(user, "is_authenticated", False):
        return Council.objects.none()
    return Council.objects.filter(memberships__user=user, memberships__is_active=True).distinct()


def membership(user, council) -> CouncilMembership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return CouncilMembership.objects.filter(user=user, council=council, is_active=True).first()
