"""Read-only public API of rule versions and score sheets (the OCOP criteria are public law)."""

import django_filters
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from evaluations import sheet_selectors
from evaluations.models import Criterion, CriterionOption, RuleVersion, ScoreSheet, SheetHeading, SheetPart


# -- rule versions --------------------------------------------------------------------------------------------------
class PartPointsSerializer(serializers.Serializer):
    A = serializers.IntegerField(source="part_a_points")
    B = serializers.IntegerField(source="part_b_points")
    C = serializers.IntegerField(source="part_c_points")


class RuleVersionSerializer(serializers.ModelSerializer):
    part_points = PartPointsSerializer(source="*", read_only=True, help_text="Điểm tối đa từng phần / part totals")
    band_thresholds = serializers.ListField(
        child=serializers.IntegerField(), help_text="Ngưỡng điểm 2–5 sao / lower bounds of 2★..5★"
    )
    recognition_levels = serializers.DictField(
        child=serializers.CharField(), help_text='Cấp công nhận theo hạng sao / {"3": "province", ...}'
    )
    forward_thresholds = serializers.DictField(
        child=serializers.IntegerField(), help_text='Ngưỡng chuyển cấp trên / {"province": 90}'
    )
    sheet_count = serializers.IntegerField(read_only=True, help_text="Số phiếu đã nạp / score sheets loaded")
    sheets_transcribed = serializers.SerializerMethodField(
        help_text="Đã số hoá phiếu đánh giá / whether the score sheets are transcribed and loaded"
    )
    score_sheets_url = serializers.SerializerMethodField()

    class Meta:
        model = RuleVersion
        fields = [
            "code",
            "decision_number",
            "title",
            "signed_on",
            "effective_from",
            "effective_to",
            "part_points",
            "band_thresholds",
            "recognition_levels",
            "forward_thresholds",
            "has_district_level",
            "notes",
            "sheet_count",
            "sheets_transcribed",
            "score_sheets_url",
        ]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_sheets_transcribed(self, obj) -> bool:
        return obj.sheet_count > 0

    @extend_schema_field(OpenApiTypes.URI)
    def get_score_sheets_url(self, obj) -> str:
        url = f"{reverse('score-sheet-list')}?rule_version={obj.code}"
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


# -- score sheets ---------------------------------------------------------------------------------------------------
class ProductSetBriefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()


class RuleVersionBriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    decision_number = serializers.CharField()


def _print_url(serializer, sheet) -> str:
    url = reverse("sheets:print", args=[sheet.rule_version.code, sheet.product_set.number])
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request else url


class ScoreSheetListSerializer(serializers.ModelSerializer):
    rule_version = serializers.CharField(source="rule_version.code", read_only=True)
    product_set = ProductSetBriefSerializer(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="score-sheet-detail")
    print_url = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSheet
        fields = ["id", "rule_version", "product_set", "title", "total_points", "url", "print_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_print_url(self, obj) -> str:
        return _print_url(self, obj)


class OptionSerializer(serializers.ModelSerializer):
    min_stars = serializers.IntegerField(
        allow_null=True, help_text="Mức tối thiểu cho 3, 4 hoặc 5 sao (***) / minimum for 3, 4 or 5 stars"
    )

    class Meta:
        model = CriterionOption
        fields = ["key", "text", "points", "min_stars", "eliminates", "group", "implied", "from_note", "corrections"]


class StarMinimaSerializer(serializers.Serializer):
    # Field names "3", "4", "5" are not identifiers: declare them through the fields mapping.
    def get_fields(self):
        return {str(n): serializers.IntegerField(allow_null=True) for n in (3, 4, 5)}


class CriterionSerializer(serializers.ModelSerializer):
    options = OptionSerializer(many=True, read_only=True)
    star_minima = serializers.SerializerMethodField(
        help_text="Điểm tối thiểu phải đạt cho 3/4/5 sao / points needed on this criterion for 3/4/5 stars"
    )

    class Meta:
        model = Criterion
        fields = [
            "id",
            "number",
            "text",
            "points",
            "description",
            "condition",
            "note",
            "subheading",
            "heading_level",
            "line",
            "corrections",
            "star_minima",
            "options",
        ]

    @extend_schema_field(StarMinimaSerializer)
    def get_star_minima(self, obj) -> dict:
        return sheet_selectors.star_minima(obj)


class SubheadingSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    points = serializers.IntegerField()
    line = serializers.IntegerField(allow_null=True, required=False)


class HeadingSerializer(serializers.ModelSerializer):
    subheadings = SubheadingSerializer(many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = SheetHeading
        fields = ["number", "name", "points", "description", "subheadings", "line", "corrections", "criteria"]


class PartSerializer(serializers.ModelSerializer):
    headings = HeadingSerializer(many=True, read_only=True)

    class Meta:
        model = SheetPart
        fields = ["code", "name", "points", "header_points", "line", "corrections", "headings"]


class CorrectionSerializer(serializers.Serializer):
    id = serializers.CharField()
    field = serializers.CharField()
    text_says = serializers.JSONField(allow_null=True)
    data_uses = serializers.JSONField(allow_null=True)
    line = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()


class ScoreSheetDetailSerializer(ScoreSheetListSerializer):
    rule_version = RuleVersionBriefSerializer(read_only=True)
    eliminations = serializers.ListField(child=serializers.CharField(), read_only=True)
    notes = serializers.ListField(child=serializers.CharField(), read_only=True)
    corrections = CorrectionSerializer(many=True, read_only=True)
    parts = PartSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "rule_version",
            "product_set",
            "title",
            "category_name",
            "group_name",
            "total_points",
            "source",
            "line",
            "eliminations",
            "notes",
            "corrections",
            "content_hash",
            "url",
            "print_url",
            "parts",
        ]


class ScoreSheetFilter(django_filters.FilterSet):
    rule_version = django_filters.CharFilter(
        field_name="rule_version__code", help_text="Mã phiên bản quy định / rule version code, e.g. QD26_2026"
    )
    product_set = django_filters.NumberFilter(
        field_name="product_set__number", help_text="Số bộ sản phẩm / product set number (1–26)"
    )

    class Meta:
        model = ScoreSheet
        fields = ["rule_version", "product_set"]


class SheetPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


@extend_schema_view(
    list=extend_schema(summary="Phiên bản quy định / rule versions", tags=["score-sheets"]),
    retrieve=extend_schema(summary="Một phiên bản quy định / one rule version", tags=["score-sheets"]),
)
class RuleVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Rule versions (QĐ 1048/2019 … 26/2026) with their point split, star bands, recognition levels and how many
    score sheets are loaded (0: "chưa số hoá phiếu" / not transcribed)."""

    serializer_class = RuleVersionSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    lookup_field = "code"
    queryset = sheet_selectors.rule_versions()


@extend_schema_view(
    list=extend_schema(summary="Phiếu đánh giá / score sheets", tags=["score-sheets"]),
    retrieve=extend_schema(
        summary="Một phiếu đánh giá đầy đủ / one whole score sheet",
        description="Phần → đề mục → tiêu chí → lựa chọn; mỗi lựa chọn có điểm, mức sao tối thiểu và điều kiện loại. "
        "/ Parts → headings → criteria → options, each with points, star minimum and elimination.",
        tags=["score-sheets"],
    ),
)
class ScoreSheetViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    filterset_class = ScoreSheetFilter
    pagination_class = SheetPagination

    def get_queryset(self):
        if self.action == "retrieve":
            return sheet_selectors.sheet_detail()
        return sheet_selectors.sheet_list()

    def get_serializer_class(self):
        return ScoreSheetDetailSerializer if self.action == "retrieve" else ScoreSheetListSerializer
