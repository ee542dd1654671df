"""Admin pages for importing and exporting records (mounted by ``ProductAdmin.get_urls``).

Upload → preview (every row validated, nothing written) → confirm (all rows, or the valid rows only). The uploaded
file waits in private storage under a random token between the two steps, so the confirm imports exactly the file
that was previewed. Staff with the right to add certificates may import; rows outside the provinces of their roles
are refused (national roles and superusers: every province). Exports are narrowed to the user's units.
"""

import secrets
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from districts.models import Role
from districts.selectors import active_roles, is_national, unit_scope_q
from products.filters import ProductFilterSet
from products.models import Product

from . import exports
from .columns import COLUMNS
from .services import ReadError, import_records

PREVIEW_ROWS = 200
MAX_UPLOAD = 20 * 1024 * 1024
TOKEN_CHARS = set("0123456789abcdef")


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) hoặc CSV (UTF-8)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Tệp lớn quá 20 MB."))
        return upload


def allowed_provinces(user):
    """None for national users; else the provinces of the user's province-office roles."""
    if is_national(user):
        return None
    return {r.unit_id for r in active_roles(user) if r.role == Role.PROVINCE_OFFICE}


def _can_import(request) -> bool:
    return request.user.is_active and request.user.is_staff and request.user.has_perm("evaluations.add_certificate")


def _pending_dir() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _drop_abandoned(max_age=24 * 3600) -> None:
    """Files previewed but never confirmed are removed after a day."""
    limit = time.time() - max_age
    for path in _pending_dir().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _pending(token: str) -> tuple[Path, str]:
    if not token or set(token) - TOKEN_CHARS or len(token) != 32:
        raise Http404
    matches = [p for p in _pending_dir().glob(f"{token}.*") if p.suffix in (".xlsx", ".csv")]
    if not matches:
        raise Http404
    path = matches[0]
    original = path.with_suffix(".name")
    return path, (original.read_text(encoding="utf-8") if original.exists() else path.name)


def import_view(model_admin, request):
    if not _can_import(request):
        raise PermissionDenied
    context = {**model_admin.admin_site.each_context(request), "title": _("Nhập hồ sơ OCOP từ tệp"),
               "opts": model_admin.model._meta, "columns": COLUMNS}  # fmt: skip
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, context)
    form = UploadForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            report = import_records(data, upload.name, dry_run=True, allowed_provinces=allowed_provinces(request.user))
        except ReadError as exc:
            form.add_error("file", str(exc))
            return TemplateResponse(request, "admin/products/import_records.html", context)
        _drop_abandoned()
        token = secrets.token_hex(16)
        suffix = Path(upload.name).suffix.lower()
        (_pending_dir() / f"{token}{suffix}").write_bytes(data)
        (_pending_dir() / f"{token}.name").write_text(upload.name, encoding="utf-8")
        context.update(_preview(report), token=token)
    return TemplateResponse(request, "admin/products/import_records.html", context)


def _preview(report) -> dict:
    return {
        "report": report,
        "rows": [
            {
                "number": r.number,
                "ok": r.ok,
                "outcome": r.outcome,
                "messages": r.messages(),
                "cells": [r.raw.get(c.key, "") for c in COLUMNS],
            }
            for r in report.rows[:PREVIEW_ROWS]
        ],  # fmt: skip
        "more_rows": max(len(report.rows) - PREVIEW_ROWS, 0),
        "error_messages": [m for row in report.errors for m in row.messages()][:500],
        "error_count": len(report.errors),
        "valid_count": len(report.valid),
        "created": report.counts["rows.created"],
        "updated": report.counts["rows.updated"],
        "unchanged": report.counts["rows.unchanged"],
    }


def _confirm(request, context):
    path, name = _pending(request.POST["token"])
    valid_only = request.POST.get("mode") == "valid"
    try:
        report = import_records(path.read_bytes(), name, actor=request.user, valid_rows_only=valid_only,
                                allowed_provinces=allowed_provinces(request.user))  # fmt: skip
    except ReadError as exc:
        messages.error(request, str(exc))
        return redirect("admin:products_product_import")
    if not report.written:
        # Something changed since the preview (or the officer asked for all rows of a file with errors).
        context.update(_preview(report), token=request.POST["token"])
        if report.failure:
            messages.error(request, report.failure)
        else:
            messages.error(request, _("Tệp có dòng lỗi nên chưa ghi gì. Sửa tệp, hoặc chọn chỉ nhập các dòng hợp lệ."))
        return TemplateResponse(request, "admin/products/import_records.html", context)
    path.unlink(missing_ok=True)
    path.with_suffix(".name").unlink(missing_ok=True)
    messages.success(request, _("Đã nhập: %(summary)s") % {"summary": report.summary()})
    return redirect("admin:products_product_changelist")


def template_view(model_admin, request, fmt):
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return _file_response(exports.template(fmt), f"mau-nhap-ocop.{fmt}", fmt)


def export_view(model_admin, request, fmt):
    """The same columns as the template, narrowed by the catalogue's filters (``?province=01&stars=5…``)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    filterset = ProductFilterSet(request.GET, queryset=Product.objects.filter(unit_scope_q(request.user)))
    if not filterset.is_valid():
        return HttpResponse(filterset.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    return _file_response(exports.export(filterset.qs, fmt), f"danh-sach-ocop.{fmt}", fmt)


def export_selected(model_admin, request, queryset):
    products = queryset.filter(unit_scope_q(request.user))
    return _file_response(exports.export(products, "xlsx"), "danh-sach-ocop.xlsx", "xlsx")


def _file_response(data: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=exports.XLSX_TYPE if fmt == "xlsx" else exports.CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
