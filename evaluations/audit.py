"""Append-only audit trail. Every service that changes state calls ``record`` inside its transaction."""

from django.contrib.contenttypes.models import ContentType

from .models import AuditEntry


def record(*, actor, action: str, target, before=None, after=None, unit=None, note: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=str(target.pk),
        target_repr=str(target)[:250],
        unit=unit,
        before=before,
        after=after,
        note=note,
    )


def history_of(target):
    """Audit entries for one object, newest first."""
    return AuditEntry.objects.filter(
        target_type=ContentType.objects.get_for_model(type(target)), target_id=str(target.pk)
    ).select_related("actor")
