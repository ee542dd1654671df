"""Read-only serializers of the public API. Nothing here reads scores, dossiers, results or attachments."""

from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from districts.models import AdminUnit
from evaluations.models import Certificate, Decision
from evaluations.status import Status
from products import selectors
from products.models import Producer, Product, ProductSet


def absolute(serializer, url: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


_VERIFY_PREFIX = []


def verify_path(number: str) -> str:
    """``reverse("public:verify", …)`` without a resolver call per certificate (same quoting as ``reverse``)."""
    if not _VERIFY_PREFIX:
        _VERIFY_PREFIX.append(reverse("public:verify", kwargs={"number": "x"})[:-2])
    return f"{_VERIFY_PREFIX[0]}{quote(number, safe=RFC3986_SUBDELIMS + '/~:@')}/"


class UnitBriefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Mã đơn vị hành chính chính thức / official unit code")
    name = serializers.CharField()


class ProductSetRefSerializer(serializers.Serializer):
    code = serializers.IntegerField(source="number", help_text="Số bộ sản phẩm (1–26) / product set number")
    name = serializers.CharField()


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="I … VI")
    name = serializers.CharField()


class GroupSerializer(serializers.Serializer):
    code = serializers.SerializerMethodField(help_text="<ngành>.<số> / <category>.<number>, e.g. I.3")
    name = serializers.CharField()

    def get_code(self, group) -> str:
        return f"{group.category.code}.{group.number}"


class ProducerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField(source="producer_type")


class CurrentCertificateSerializer(serializers.Serializer):
    number = serializers.CharField()
    issued_on = serializers.DateField()
    expires_on = serializers.DateField()
    status = serializers.ChoiceField(choices=Status.CHOICES)
    revoked_on = serializers.DateField(allow_null=True)
    verify_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, certificate) -> str:
        return absolute(self, verify_path(certificate.number))


class ProductSerializer(serializers.ModelSerializer):
    """A certified product. ``listed`` is false for a tombstone: a product that left the public list (its
    certificate expired or was revoked); it is returned only to ``updated_since`` queries or an explicit
    ``status`` filter so that syncing clients can drop it."""

    stars = serializers.IntegerField(source="cert_stars")
    status = serializers.ChoiceField(
        choices=Status.CHOICES, help_text="Tình trạng giấy chứng nhận hôm nay / certificate status today"
    )
    listed = serializers.SerializerMethodField(help_text="Còn trong danh sách công khai / still publicly listed")
    product_set = ProductSetRefSerializer()
    category = CategorySerializer(source="product_set.group.category")
    group = GroupSerializer(source="product_set.group")
    producer = ProducerBriefSerializer()
    province = UnitBriefSerializer()
    commune = UnitBriefSerializer()
    legacy_district = UnitBriefSerializer(allow_null=True)
    certificate = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField(
        help_text="Lần thay đổi gần nhất của sản phẩm, chủ thể hoặc giấy chứng nhận / last change of the product, its producer or certificate"
    )
    url = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "slug",
            "stars",
            "status",
            "listed",
            "product_set",
            "category",
            "group",
            "producer",
            "province",
            "commune",
            "legacy_district",
            "certificate",
            "updated_at",
            "url",
        ]

    def get_listed(self, product) -> bool:
        return selectors.is_listed(product)

    @extend_schema_field(CurrentCertificateSerializer)
    def get_certificate(self, product):
        certificate = selectors.current_certificate(product)
        return CurrentCertificateSerializer(certificate, context=self.context).data if certificate else None

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_updated_at(self, product) -> str:
        return serializers.DateTimeField().to_representation(last_change(product))

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, product) -> str:
        return absolute(self, product.get_absolute_url())

    def to_representation(self, product):
        # Built by hand: the same keys as the declared fields (they document the schema), several times faster
        # than nested serializers when a page holds 100 products.
        return product_item(product, base_url(self.context))


_DATETIME = serializers.DateTimeField()


def base_url(context) -> str:
    """Scheme and host of the request, computed once per response."""
    if "base_url" not in context:
        request = context.get("request")
        context["base_url"] = request.build_absolute_uri("/")[:-1] if request else ""
    return context["base_url"]


def product_item(product, base: str) -> dict:
    certificate = selectors.current_certificate(product)
    product_set, group = product.product_set, product.product_set.group
    category = group.category
    legacy = product.legacy_district
    return {
        "id": product.pk,
        "code": product.code,
        "name": product.name,
        "slug": product.slug,
        "stars": product.cert_stars,
        "status": product.status,
        "listed": selectors.is_listed(product),
        "product_set": {"code": product_set.number, "name": product_set.name},
        "category": {"code": category.code, "name": category.name},
        "group": {"code": f"{category.code}.{group.number}", "name": group.name},
        "producer": {"id": product.producer_id, "name": product.producer.name, "type": product.producer.producer_type},
        "province": {"code": product.province.code, "name": product.province.name},
        "commune": {"code": product.commune.code, "name": product.commune.name},
        "legacy_district": {"code": legacy.code, "name": legacy.name} if legacy else None,
        "certificate": {
            "number": certificate.number,
            "issued_on": certificate.issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
            "status": product.status,
            "revoked_on": product.cert_revoked_on.isoformat() if product.cert_revoked_on else None,
            "verify_url": base + verify_path(certificate.number),
        }
        if certificate
        else None,
        "updated_at": _DATETIME.to_representation(last_change(product)),
        "url": base + product_path(product.pk, product.slug),
    }


_PRODUCT_PATH = []


def product_path(pk, slug) -> str:
    """``Product.get_absolute_url`` without a URL resolver call per product."""
    if not _PRODUCT_PATH:
        _PRODUCT_PATH.append(reverse("public:product", kwargs={"pk": 1234567, "slug": "slug-mau"}))
    return _PRODUCT_PATH[0].replace("1234567", str(pk), 1).replace("slug-mau", slug, 1)


def last_change(product):
    moments = [product.updated_at, product.producer.updated_at, product.cert_updated_at]
    moments.append(product.cert_revocation_recorded_at)
    return max(m for m in moments if m is not None)


class ProductDetailSerializer(ProductSerializer):
    description = serializers.CharField()
    traceability_code = serializers.CharField()
    traceability_url = serializers.CharField()
    photos = serializers.SerializerMethodField()
    sales_points = serializers.SerializerMethodField()
    certificates = serializers.SerializerMethodField(help_text="Lịch sử giấy chứng nhận / certificate history")

    class Meta(ProductSerializer.Meta):
        fields = [
            *ProductSerializer.Meta.fields,
            "description",
            "traceability_code",
            "traceability_url",
            "photos",
            "sales_points",
            "certificates",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "url": {"type": "string", "format": "uri"}, "caption": {"type": "string"}}}})  # fmt: skip
    def get_photos(self, product):
        return [{"url": absolute(self, p.image.url), "caption": p.caption} for p in product.photos.all()]

    @extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "address": {"type": "string"}, "phone": {"type": "string"},
        "commune": {"type": "string"}}}})  # fmt: skip
    def get_sales_points(self, product):
        return [
            {"name": s.name, "address": s.address, "phone": s.phone, "commune": s.unit.name}
            for s in product.sales_points.all()
        ]

    @extend_schema_field(serializers.ListSerializer(child=serializers.DictField()))
    def get_certificates(self, product):
        return CertificateBriefSerializer(product.certificate_history, many=True, context=self.context).data

    def to_representation(self, product):
        item = product_item(product, base_url(self.context))
        item |= {
            "description": product.description,
            "traceability_code": product.traceability_code,
            "traceability_url": product.traceability_url,
            "photos": self.get_photos(product),
            "sales_points": self.get_sales_points(product),
            "certificates": self.get_certificates(product),
        }
        return item


class CertificateBriefSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=Status.CHOICES)
    rule_version = serializers.CharField(source="rule_version.code")
    decision = serializers.SerializerMethodField()
    revoked_on = serializers.SerializerMethodField()
    revocation_ground = serializers.SerializerMethodField()
    replaced_by = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "number",
            "stars",
            "issued_on",
            "expires_on",
            "status",
            "rule_version",
            "issuing_authority",
            "issuing_level",
            "decision",
            "revoked_on",
            "revocation_ground",
            "replaced_by",
            "verify_url",
        ]

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "number": {"type": "string"}, "issued_on": {"type": "string", "format": "date"}}})  # fmt: skip
    def get_decision(self, certificate):
        d = certificate.decision
        return {"number": d.number, "issued_on": d.issued_on.isoformat()} if d else None

    @extend_schema_field(OpenApiTypes.DATE)
    def get_revoked_on(self, certificate):
        revocation = _revocation(certificate)
        return revocation.revoked_on.isoformat() if revocation else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_revocation_ground(self, certificate):
        revocation = _revocation(certificate)
        return revocation.ground if revocation else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_replaced_by(self, certificate):
        return certificate.replaced_by.number if certificate.replaced_by_id else None

    @extend_schema_field(OpenApiTypes.URI)
    def get_verify_url(self, certificate) -> str:
        return absolute(self, verify_path(certificate.number))


def _revocation(certificate):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return certificate.revocation
    except ObjectDoesNotExist:
        return None


class CertificateSerializer(CertificateBriefSerializer):
    product = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    class Meta(CertificateBriefSerializer.Meta):
        fields = ["id", *CertificateBriefSerializer.Meta.fields, "product", "updated_at"]

    @extend_schema_field({"type": "object", "properties": {
        "id": {"type": "integer"}, "code": {"type": "string", "nullable": True}, "name": {"type": "string"},
        "url": {"type": "string", "format": "uri"}}})  # fmt: skip
    def get_product(self, certificate):
        p = certificate.product
        return {"id": p.pk, "code": p.code, "name": p.name, "url": absolute(self, p.get_absolute_url())}


class ProducerSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="producer_type")
    type_label = serializers.CharField(source="get_producer_type_display")
    commune = UnitBriefSerializer()
    province = UnitBriefSerializer(source="commune.parent")
    legacy_district = UnitBriefSerializer(allow_null=True)
    product_count = serializers.IntegerField(help_text="Số sản phẩm có giấy chứng nhận / certified products")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Producer
        fields = [
            "id",
            "name",
            "slug",
            "type",
            "type_label",
            "commune",
            "province",
            "legacy_district",
            "address",
            "phone",
            "email",
            "website",
            "product_count",
            "updated_at",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, producer) -> str:
        return absolute(self, producer.get_absolute_url())


class ProductSetSerializer(serializers.ModelSerializer):
    code = serializers.IntegerField(source="number")
    category = CategorySerializer(source="group.category")
    group = GroupSerializer()
    subgroup = serializers.CharField(source="subgroup.name", allow_null=True, default=None)

    class Meta:
        model = ProductSet
        fields = ["id", "code", "name", "slug", "taxonomy", "category", "group", "subgroup", "requires_samples"]


class UnitSerializer(serializers.ModelSerializer):
    parent = UnitBriefSerializer(allow_null=True)
    url = serializers.SerializerMethodField(
        help_text="Trang công khai của đơn vị (nếu có) / public page of the unit, if any"
    )

    class Meta:
        model = AdminUnit
        fields = ["id", "code", "name", "structure", "level", "division_type", "slug", "parent", "url"]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, unit):
        kind = selectors.unit_kind(unit)
        return absolute(self, reverse("public:unit", kwargs={"kind": kind, "code": unit.code})) if kind else None


class DecisionSerializer(serializers.ModelSerializer):
    rule_version = serializers.CharField(source="rule_version.code")
    unit = UnitBriefSerializer(allow_null=True)
    product_count = serializers.IntegerField()
    stars = serializers.SerializerMethodField(help_text='Số sản phẩm theo hạng sao / {"3": n, "4": n, "5": n}')

    class Meta:
        model = Decision
        fields = [
            "id",
            "number",
            "issued_on",
            "authority",
            "signer",
            "level",
            "unit",
            "rule_version",
            "product_count",
            "stars",
            "updated_at",
        ]

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_stars(self, decision):
        return {"3": decision.three_stars, "4": decision.four_stars, "5": decision.five_stars}
