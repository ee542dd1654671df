"""Officer pages under /can-bo/giay-chung-nhan/: needs attention, expiring within N days, in re-rating window, Excel.

Thin: the FilterSet (``filters_certificates``) narrows the scoped queryset (``selectors_certificates``); anything
outside the officer's role × unit answers 404.
"""

import datetime
import functools
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from districts.selectors import is_national
from evaluations import rules
from evaluations import selectors_certificates as sel
from evaluations.filters_certificates import CertificateListFilter, selected_unit
from evaluations.services.expiry import step_label
from evaluations.status import Status, today

PAGE_SIZE = 50


def officer_required(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not sel.is_officer(request.user):
            raise Http404(_("Không tìm thấy trang."))
        return view(request, *args, **kwargs)

    return wrapper


LISTS = {
    "attention": {
        "title": gettext_lazy("Giấy chứng nhận cần chú ý"),
        "defaults": {},
        "template": "certificates/attention.html",
    },
    "expiring": {
        "title": gettext_lazy("Giấy chứng nhận sắp hết hạn"),
        "defaults": {"expiring_within": "90"},
        "template": "certificates/list.html",
    },
    "rerating_window": {
        "title": gettext_lazy("Giấy chứng nhận trong thời gian nộp hồ sơ đánh giá lại"),
        "defaults": {"in_rerating_window": "true"},
        "template": "certificates/list.html",
    },
}


def _filtered(request, kind):
    on = today()
    data = request.GET.copy()
    for key, value in LISTS[kind]["defaults"].items():
        if key not in data:
            data[key] = value
    queryset = sel.annotate_attention(sel.certificates_for(request.user, on), on)
    if kind == "attention":
        queryset = queryset.filter(sel.needs_attention_q(on))
    filterset = CertificateListFilter(data, queryset=queryset, request=request, on=on)
    return filterset, on


def _rows(certificates, on):
    for cert in certificates:
        opens, closes = rules.rerating_window(cert.expires_on)
        cert.window_opens, cert.window_closes = opens, closes
        cert.days_left = (cert.expires_on - on).days
        cert.status_label = Status.LABELS.get(cert.status, cert.status)
        cert.attention_label = sel.Attention.LABELS.get(cert.attention, "")
        cert.last_step_label = step_label(cert.last_step) if cert.last_step else ""
        if cert.status == Status.IN_RERATING and cert.expires_on < on:
            cert.extension_cap = cert.expires_on + datetime.timedelta(days=rules.LATE_RERATING_EXTENSION_DAYS)
        yield cert


@officer_required
def certificate_list(request, kind):
    filterset, on = _filtered(request, kind)
    if not filterset.is_valid():
        page = Paginator(filterset.queryset.none(), PAGE_SIZE).get_page(1)
    else:
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(_rows(page.object_list, on))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "kind": kind,
        "title": LISTS[kind]["title"],
        "filter": filterset,
        "page": page,
        "on": on,
        "unit": selected_unit(filterset),
        "query": query.urlencode(),
        "export_url": f"{request.path}excel/?{query.urlencode()}",
        "records_export_url": f"{request.path}mau-nhap/?{query.urlencode()}",
    }
    if kind == "attention":
        context["summary"] = sel.attention_summary(request.user, on)
        context["attention_labels"] = sel.Attention.CHOICES
        context["last_run"] = sel.last_job_run()
        context["run_is_late"] = context["last_run"] is None or context["last_run"].run_on < on - datetime.timedelta(
            days=1
        )
        context["can_send_now"] = is_national(request.user)
    return render(request, LISTS[kind]["template"], context)


@officer_required
def certificate_records_export(request, kind):
    """The list in the import template's columns (products/records), so corrections can be re-imported."""
    from products.records import exports

    filterset, _on = _filtered(request, kind)
    certificates = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    response = HttpResponse(
        exports.write_xlsx(exports.certificate_rows(certificates=certificates)), content_type=exports.XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="ocop-{kind}-mau-nhap.xlsx"'
    return response


EXCEL_COLUMNS = [
    (gettext_lazy("Số giấy chứng nhận"), 22),
    (gettext_lazy("Sản phẩm"), 36),
    (gettext_lazy("Mã sản phẩm"), 20),
    (gettext_lazy("Chủ thể"), 32),
    (gettext_lazy("Điện thoại"), 14),
    (gettext_lazy("Thư điện tử"), 28),
    (gettext_lazy("Xã / phường"), 22),
    (gettext_lazy("Tỉnh / thành phố"), 20),
    (gettext_lazy("Hạng sao"), 9),
    (gettext_lazy("Ngày cấp"), 12),
    (gettext_lazy("Ngày hết hạn"), 12),
    (gettext_lazy("Còn (ngày)"), 10),
    (gettext_lazy("Nộp đánh giá lại từ"), 14),
    (gettext_lazy("Nộp đánh giá lại đến"), 14),
    (gettext_lazy("Đã nộp đánh giá lại ngày"), 14),
    (gettext_lazy("Trạng thái"), 18),
    (gettext_lazy("Cần chú ý"), 40),
    (gettext_lazy("Mốc nhắc gần nhất"), 34),
]


@officer_required
def certificate_export(request, kind):
    filterset, on = _filtered(request, kind)
    if not filterset.is_valid():
        messages.error(request, _("Bộ lọc không hợp lệ, chưa xuất được tệp."))
        return redirect(request.path.rsplit("excel/", 1)[0])
    queryset = filterset.qs  # applies the filters now: a unit out of scope answers 404 before any work
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(LISTS[kind]["title"])[:31])
    for index, (_label, width) in enumerate(EXCEL_COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A3"
    bold = Font(bold=True)
    sheet.append([_("%(title)s — ngày %(day)s") % {"title": LISTS[kind]["title"], "day": on.strftime("%d/%m/%Y")}])
    header = []
    for label, _width in EXCEL_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for cert in _rows(queryset.iterator(chunk_size=2000), on):
        product, producer = cert.product, cert.product.producer
        sheet.append(
            [
                cert.number,
                product.name,
                product.code or "",
                producer.name,
                producer.phone,
                producer.email,
                product.commune.name,
                product.province.name,
                cert.stars,
                cert.issued_on,
                cert.expires_on,
                cert.days_left,
                cert.window_opens,
                cert.window_closes,
                cert.rerating_filed_on,
                str(cert.status_label),
                str(cert.attention_label),
                f"{cert.last_step_label} ({cert.last_step_due:%d/%m/%Y})" if cert.last_step else "",
            ]
        )
    buffer = BytesIO()
    workbook.save(buffer)
    filename = f"giay-chung-nhan-{kind.replace('_', '-')}-{on:%Y%m%d}.xlsx"
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
@officer_required
def send_reminders_now(request):
    """National users may queue the sending of pending reminders; with Redis down, the page says so and carries on."""
    if not is_national(request.user):
        raise Http404(_("Không tìm thấy trang."))
    from evaluations.tasks import enqueue_safely, send_certificate_reminders

    if enqueue_safely(send_certificate_reminders, on=today().isoformat()):
        messages.success(request, _("Đã đưa việc gửi nhắc hạn vào hàng đợi."))
    else:
        messages.warning(
            request,
            _(
                "Hàng đợi công việc tạm thời không truy cập được. Các nhắc hạn chưa gửi sẽ được gửi ở lần chạy "
                "hằng ngày tiếp theo; trạng thái giấy chứng nhận vẫn luôn đúng."
            ),
        )
    return redirect("certificates:attention")
