"""Small presentation helpers for the workflow pages: status badges, stars, dates, audit labels."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from evaluations.models import DossierStatus
from evaluations.status import Status

register = template.Library()

DOSSIER_BADGE = {
    DossierStatus.DRAFT: "secondary",
    DossierStatus.SUBMITTED: "info",
    DossierStatus.RETURNED: "warning",
    DossierStatus.FORWARDED: "primary",
    DossierStatus.IN_ROUND: "primary",
    DossierStatus.SCORED: "success",
    DossierStatus.DECIDED: "success",
    DossierStatus.NOT_RECOGNISED: "dark",
    DossierStatus.WITHDRAWN: "dark",
}

AUDIT_LABELS = {
    "dossier.created": _("Lập hồ sơ"),
    "dossier.registration_saved": _("Lưu phiếu đăng ký (Mẫu 01)"),
    "dossier.self_assessment_saved": _("Lưu báo cáo tự đánh giá (Mẫu 02)"),
    "dossier.file_added": _("Tải lên tài liệu"),
    "dossier.file_removed": _("Gỡ bỏ tài liệu"),
    "dossier.submitted": _("Nộp hồ sơ"),
    "dossier.local_assessment_saved": _("Lưu báo cáo đánh giá (Mẫu 03)"),
    "dossier.forwarded": _("Chuyển hồ sơ lên cấp trên"),
    "dossier.returned": _("Trả lại hồ sơ để bổ sung"),
    "dossier.assigned_to_round": _("Xếp vào đợt đánh giá"),
    "dossier.finding_added": _("Ý kiến tổ tư vấn"),
    "dossier.lab_test_requested": _("Đề nghị kiểm nghiệm bổ sung"),
    "score.submitted": _("Thành viên nộp phiếu chấm"),
    "score.recused": _("Thành viên không tham gia chấm"),
    "scoring.reopened": _("Mở chấm lại"),
    "result.finalised": _("Chốt kết quả đánh giá"),
    "dossier.decided": _("Có quyết định công nhận"),
    "decision.drafted": _("Dự thảo quyết định"),
    "decision.updated": _("Sửa dự thảo quyết định"),
    "decision.issued": _("Ban hành quyết định"),
    "decision.draft_deleted": _("Xoá dự thảo quyết định"),
    "certificate.issued": _("Cấp giấy chứng nhận"),
    "certificate.revoked": _("Thu hồi giấy chứng nhận"),
    "round.opened": _("Mở đợt đánh giá"),
    "round.scoring": _("Mở chấm điểm"),
    "round.open": _("Tạm dừng chấm điểm"),
    "round.closed": _("Kết thúc đợt"),
}


@register.simple_tag
def dossier_badge(dossier):
    return format_html(
        '<span class="badge text-bg-{} badge-dossier">{}</span>',
        DOSSIER_BADGE.get(dossier.status, "secondary"),
        dossier.get_status_display(),
    )


@register.simple_tag
def certificate_badge(status):
    return format_html('<span class="badge badge-status-{}">{}</span>', status, Status.LABELS.get(status, status))


@register.filter
def stars(count):
    if not count:
        return ""
    # The glyphs are hidden from screen readers, which read the translated words instead ("aria-label" is not
    # allowed on a plain span).
    return format_html(
        '<span class="stars"><span aria-hidden="true">{}</span><span class="visually-hidden">{}</span></span>',
        "★" * int(count),
        gettext("%(n)s sao") % {"n": int(count)},
    )


@register.filter
def audit_label(action):
    return AUDIT_LABELS.get(action, action)


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def status_label(value):
    try:
        return DossierStatus(value).label
    except ValueError:
        return value


@register.filter
def asterisks(count):
    """The minimum marks printed on the sheets: *** = 3★ minimum."""
    return "*" * int(count or 0)


@register.filter
def level_name(level):
    from evaluations.selectors import level_label

    return level_label(level)
