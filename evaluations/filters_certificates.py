"""One FilterSet for the officer certificate lists: the HTML pages, their Excel export and the officer API."""

import django_filters
from django import forms
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from districts.models import AdminUnit
from evaluations import selectors_certificates as sel
from evaluations.status import today
from ocop_portal.text import fold

MAX_DAYS = 3 * 366  # a certificate lives 36 months


class CertificateListFilter(django_filters.FilterSet):
    expiring_within = django_filters.NumberFilter(
        label=_("Hết hạn trong (ngày)"),
        method="filter_expiring_within",
        min_value=0,
        max_value=MAX_DAYS,
        help_text=_("Còn hiệu lực và hết hạn trong số ngày này"),
    )
    in_rerating_window = django_filters.BooleanFilter(
        label=_("Trong thời gian nộp hồ sơ đánh giá lại"),
        method="filter_in_rerating_window",
        help_text=_("180 đến 120 ngày trước ngày hết hạn"),
    )
    attention = django_filters.ChoiceFilter(
        label=_("Cần chú ý"), choices=sel.Attention.CHOICES, method="filter_attention", empty_label=_("Tất cả")
    )
    rerating_filed = django_filters.BooleanFilter(label=_("Đã nộp hồ sơ đánh giá lại"), method="filter_rerating_filed")
    stars = django_filters.ChoiceFilter(
        label=_("Hạng sao"), choices=[(3, "3★"), (4, "4★"), (5, "5★")], empty_label=_("Tất cả")
    )
    unit = django_filters.NumberFilter(
        label=_("Đơn vị"), method="filter_unit", help_text=_("Mã số đơn vị hành chính (id) trong phạm vi phụ trách")
    )
    q = django_filters.CharFilter(label=_("Tìm số GCN, sản phẩm, chủ thể"), method="filter_q")

    class Meta:
        fields = ["expiring_within", "in_rerating_window", "attention", "rerating_filed", "stars", "unit", "q"]

    def __init__(self, *args, on=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.on = on or today()
        user = getattr(self.request, "user", None)
        self.unit_options = list(sel.unit_choices(user)) if user is not None else []
        select = {"class": "form-select"}
        self.form.fields["unit"].widget = forms.Select(
            attrs=select, choices=[("", _("Tất cả đơn vị phụ trách"))] + [(u.pk, u.name) for u in self.unit_options]
        )
        for bool_field in ("in_rerating_window", "rerating_filed"):
            self.form.fields[bool_field].widget = forms.Select(
                attrs=select, choices=[("", _("Tất cả")), ("true", _("Có")), ("false", _("Không"))]
            )
        self.form.fields["stars"].widget.attrs.update(select)

    def filter_expiring_within(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(sel.expiring_within_q(int(value), self.on))

    def filter_in_rerating_window(self, queryset, name, value):
        if value is None:
            return queryset
        window = sel.in_rerating_window_q(self.on)
        return queryset.filter(window) if value else queryset.exclude(window)

    def filter_attention(self, queryset, name, value):
        return queryset.filter(sel.attention_q(value, self.on)) if value else queryset

    def filter_rerating_filed(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(sel.not_filed_q(self.on)) if value else queryset.filter(sel.not_filed_q(self.on))

    def filter_unit(self, queryset, name, value):
        if value is None:
            return queryset
        unit = sel.units_in_scope(self.request.user).filter(pk=int(value)).first()
        if unit is None:
            raise Http404(_("Đơn vị không thuộc phạm vi phụ trách."))
        self.unit_selected = unit
        return queryset.filter(sel.unit_q(unit))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        folded = fold(value)
        return queryset.filter(
            Q(number__icontains=value) | Q(product__search_name__contains=folded) | Q(product__code__icontains=value)
        )


def selected_unit(filterset) -> AdminUnit | None:
    return getattr(filterset, "unit_selected", None)
