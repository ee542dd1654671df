"""Public read-only API (``/api/v1/``): products, producers, certificates, product sets, units, decisions, export.

Every queryset comes from ``products.selectors``, the one place that decides what the public may see; an
authenticated officer sees exactly what the public sees here (officer data has its own scoped endpoints).
"""

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from products import exports, selectors
from products.filters import (
    CertificateFilterSet,
    DecisionFilterSet,
    ProducerFilterSet,
    ProductFilterSet,
    ProductSetFilterSet,
    UnitFilterSet,
)

from . import serializers
from .conditional import ConditionalListMixin, set_validators
from .pagination import SyncCursorPagination, UnitCursorPagination
from .throttling import AnonThrottle, ExportThrottle, TokenThrottle

PRODUCT_LIST_DESCRIPTION = """Sản phẩm OCOP được công nhận (3–5★) / recognised OCOP products.

Mặc định chỉ gồm sản phẩm có giấy chứng nhận đang hiệu lực (còn hạn, sắp hết hạn, đang đánh giá lại).
By default only products whose certificate is in force today. With `updated_since`, every product changed since
that moment is returned, **including tombstones** (`listed: false`) for products that left the list (expired,
revoked), so that a syncing client can drop them; `status` selects statuses explicitly.

Cursor pagination ordered by id (stable under inserts): follow `next`; store `as_of` and pass it as
`updated_since` on the next sync. `ETag` / `Last-Modified` are honoured (`If-None-Match`, `If-Modified-Since` → 304).
"""


class Throttled(exceptions.Throttled):
    default_detail = _("Quá nhiều yêu cầu, xin thử lại sau.")
    extra_detail_singular = _("Có thể gửi lại sau {wait} giây.")
    extra_detail_plural = _("Có thể gửi lại sau {wait} giây.")


class ThrottleMessageMixin:
    def throttled(self, request, wait):
        raise Throttled(wait)


class PublicReadOnlyViewSet(ThrottleMessageMixin, ConditionalListMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    throttle_classes = [AnonThrottle, TokenThrottle]
    pagination_class = SyncCursorPagination


@extend_schema_view(
    list=extend_schema(summary="Sản phẩm OCOP / products", description=PRODUCT_LIST_DESCRIPTION, tags=["catalogue"]),
    retrieve=extend_schema(summary="Một sản phẩm / one product", tags=["catalogue"]),
)
class ProductViewSet(PublicReadOnlyViewSet):
    filterset_class = ProductFilterSet

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.public_products().defer(None).prefetch_related(*product_detail_prefetches())
        params = self.request.query_params
        if params.get("status") or params.get("updated_since"):
            return selectors.public_products()  # tombstones wanted (or statuses chosen by the filter)
        return selectors.listed_products()

    def get_serializer_class(self):
        return serializers.ProductDetailSerializer if self.action == "retrieve" else serializers.ProductSerializer

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.attach_references(page) if page is not None else None

    def get_object(self):
        return selectors.attach_references([super().get_object()])[0]


def product_detail_prefetches():
    from django.db.models import Prefetch

    from products.models import ProductPhoto, SalesPoint

    history = (
        selectors.Certificate.objects.select_related("decision", "revocation", "rule_version", "replaced_by")
        .annotate(status=selectors.certificate_status_case())
        .order_by("-issued_on", "-pk")
    )
    return [
        Prefetch("photos", queryset=ProductPhoto.objects.order_by("order", "pk")),
        Prefetch("sales_points", queryset=SalesPoint.objects.select_related("unit").order_by("name")),
        Prefetch("certificates", queryset=history, to_attr="certificate_history"),
    ]


@extend_schema_view(
    list=extend_schema(summary="Chủ thể có sản phẩm OCOP / producers with certified products", tags=["catalogue"]),
    retrieve=extend_schema(summary="Một chủ thể / one producer", tags=["catalogue"]),
)
class ProducerViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.ProducerSerializer
    filterset_class = ProducerFilterSet

    def get_queryset(self):
        return selectors.public_producers()


@extend_schema_view(
    list=extend_schema(
        summary="Giấy chứng nhận / certificates",
        description="Mọi giấy chứng nhận (kể cả đã thay thế, hết hạn, thu hồi) với tình trạng tính theo ngày hôm nay. "
        "/ Every certificate with its status computed for today.",
        tags=["catalogue"],
    ),
    retrieve=extend_schema(summary="Một giấy chứng nhận theo số / one certificate by number", tags=["catalogue"]),
)
class CertificateViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.CertificateSerializer
    filterset_class = CertificateFilterSet
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.public_certificates().select_related("product")


@extend_schema_view(
    list=extend_schema(summary="Bộ sản phẩm / product sets", tags=["reference"]),
    retrieve=extend_schema(summary="Một bộ sản phẩm / one product set", tags=["reference"]),
)
class ProductSetViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.ProductSetSerializer
    filterset_class = ProductSetFilterSet
    pagination_class = None
    queryset = selectors.product_sets()


@extend_schema_view(
    list=extend_schema(
        summary="Đơn vị hành chính / administrative units",
        description="Cơ cấu hiện hành (từ 1/7/2025: tỉnh, xã) và trước đó (tỉnh, huyện, xã), mã chính thức dạng chuỗi. "
        "/ Current and legacy structures with official codes as strings; filter by `structure`, `level`, `parent`.",
        tags=["reference"],
    ),
    retrieve=extend_schema(summary="Một đơn vị / one unit", tags=["reference"]),
)
class UnitViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.UnitSerializer
    filterset_class = UnitFilterSet
    pagination_class = UnitCursorPagination
    queryset = selectors.units()


@extend_schema_view(
    list=extend_schema(summary="Quyết định công nhận / recognition decisions", tags=["catalogue"]),
    retrieve=extend_schema(summary="Một quyết định / one decision", tags=["catalogue"]),
)
class DecisionViewSet(PublicReadOnlyViewSet):
    serializer_class = serializers.DecisionSerializer
    filterset_class = DecisionFilterSet

    def get_queryset(self):
        return selectors.public_decisions()


class ProductExportView(ThrottleMessageMixin, APIView):
    """Toàn bộ sản phẩm đang được công nhận, một tệp / every listed product in one file (CSV or JSON)."""

    permission_classes = [AllowAny]
    throttle_classes = [ExportThrottle]
    content_types = {"csv": "text/csv; charset=utf-8", "json": "application/json"}

    @extend_schema(
        summary="Xuất toàn bộ danh mục / bulk export",
        description="CSV (UTF-8 with BOM) or a JSON array shaped like the product list items. The file is rebuilt "
        "when the data or the day changes; `ETag` / `If-None-Match` → 304.",
        parameters=[OpenApiParameter("fmt", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(exports.FORMATS))],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.BINARY),
            304: OpenApiResponse(description="Not modified"),
        },
        tags=["catalogue"],
    )
    def get(self, request, fmt: str):
        if fmt not in exports.FORMATS:
            raise Http404(_("Định dạng không hỗ trợ"))
        version, last_modified = selectors.data_version()
        etag = f'"{version}-{fmt}"'
        not_modified = get_conditional_response(request, etag=etag, last_modified=int(last_modified.timestamp()))
        if not_modified is not None:
            not_modified["ETag"] = etag
            return not_modified
        path, version, last_modified = exports.export_file(fmt, base_url=settings.SITE_URL)
        response = FileResponse(
            path.open("rb"), content_type=self.content_types[fmt], as_attachment=True, filename=f"ocop-san-pham.{fmt}"
        )
        set_validators(response, f'"{version}-{fmt}"', last_modified)
        return response
