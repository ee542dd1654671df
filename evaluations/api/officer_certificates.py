"""Officer-only API: the certificate lists of the officer pages, with the same filters and the same scoping.

``GET /api/v1/officer/certificates/?expiring_within=90&in_rerating_window=true&unit=<id>&attention=late``
Token or session authentication; anonymous → 401/403, non-officers and units out of scope → 404.
"""

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated

from evaluations import rules
from evaluations import selectors_certificates as sel
from evaluations.filters_certificates import CertificateListFilter
from evaluations.models import Certificate
from evaluations.services.expiry import step_label
from evaluations.status import today


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ProductRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField(allow_null=True)


class ProducerContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


class LastNoticeSerializer(serializers.Serializer):
    step = serializers.CharField()
    label = serializers.CharField()
    due_on = serializers.DateField()
    producer_notified_at = serializers.DateTimeField(allow_null=True)
    producer_skipped = serializers.CharField()


class OfficerCertificateSerializer(serializers.ModelSerializer):
    product = ProductRefSerializer(read_only=True)
    producer = ProducerContactSerializer(source="product.producer", read_only=True)
    commune = UnitRefSerializer(source="product.commune", read_only=True)
    province = UnitRefSerializer(source="product.province", read_only=True)
    status = serializers.CharField(
        read_only=True, help_text="valid, expiring, in_rerating, expired, revoked, superseded"
    )
    attention = serializers.CharField(read_only=True, help_text="extended, late, window, expired hoặc rỗng / or empty")
    days_to_expiry = serializers.SerializerMethodField()
    rerating_window = serializers.SerializerMethodField()
    extension_until = serializers.SerializerMethodField()
    last_notice = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "stars",
            "issued_on",
            "expires_on",
            "days_to_expiry",
            "status",
            "attention",
            "rerating_window",
            "rerating_filed_on",
            "rerating_decided_on",
            "extension_until",
            "product",
            "producer",
            "commune",
            "province",
            "last_notice",
        ]

    def _on(self) -> datetime.date:
        return self.context.get("on") or today()

    @extend_schema_field(OpenApiTypes.INT)
    def get_days_to_expiry(self, obj) -> int:
        return (obj.expires_on - self._on()).days

    @extend_schema_field(
        {"type": "object", "properties": {"opens": {"type": "string", "format": "date"}, "closes": {"type": "string"}}}
    )
    def get_rerating_window(self, obj) -> dict:
        opens, closes = rules.rerating_window(obj.expires_on)
        return {"opens": opens, "closes": closes}

    @extend_schema_field(OpenApiTypes.DATE)
    def get_extension_until(self, obj):
        """Last day of the late re-rating extension while it applies (null otherwise)."""
        if obj.status == "in_rerating" and obj.expires_on < self._on():
            return obj.expires_on + datetime.timedelta(days=rules.LATE_RERATING_EXTENSION_DAYS)
        return None

    @extend_schema_field(LastNoticeSerializer(allow_null=True))
    def get_last_notice(self, obj):
        if not obj.last_step:
            return None
        return {
            "step": obj.last_step,
            "label": str(step_label(obj.last_step)),
            "due_on": obj.last_step_due,
            "producer_notified_at": obj.last_producer_notified,
            "producer_skipped": obj.last_producer_skipped or "",
        }


@extend_schema(tags=["officer"], summary="Giấy chứng nhận theo địa bàn phụ trách / certificates in the officer's scope")
class OfficerCertificateList(generics.ListAPIView):
    serializer_class = OfficerCertificateSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = CertificateListFilter

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not sel.is_officer(request.user):
            raise NotFound()
        self.on = today()

    def get_queryset(self):
        on = getattr(self, "on", None) or today()
        return sel.annotate_attention(sel.certificates_for(self.request.user, on), on)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"on": getattr(self, "on", None)}
