"""Rule versions, score sheets, dossiers, rounds, member scores, results, decisions, certificates, revocations, audit.

Status of a certificate is never stored as truth: it is computed from dates and events (see ``rules.py``).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from districts.models import AdminUnit, Council, CouncilLevel
from ocop_portal.storage import PrivateStorage
from products.models import Product, ProductSet


class RuleVersion(models.Model):
    """A decision that set the programme's criteria (QĐ 1048/2019, 148/2023, 148+1489/2025, 26/2026)."""

    code = models.CharField(_("mã"), max_length=20, unique=True)
    title = models.CharField(_("tên văn bản"), max_length=250)
    decision_number = models.CharField(_("số hiệu"), max_length=60)
    signed_on = models.DateField(_("ngày ký"))
    effective_from = models.DateField(_("áp dụng từ"))
    effective_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    part_a_points = models.PositiveSmallIntegerField(_("điểm phần A"))
    part_b_points = models.PositiveSmallIntegerField(_("điểm phần B"))
    part_c_points = models.PositiveSmallIntegerField(_("điểm phần C"))
    # Lower bounds of 2★..5★ (1★ below the first).
    band_thresholds = models.JSONField(_("ngưỡng hạng sao"), default=list)
    # {"3": "district", "4": "province", "5": "central"}: the level that recognises each star.
    recognition_levels = models.JSONField(_("cấp công nhận theo hạng sao"), default=dict)
    # {"district": 70, "province": 90}: score from which a level forwards the dossier upwards.
    forward_thresholds = models.JSONField(_("ngưỡng chuyển cấp trên"), default=dict)
    has_district_level = models.BooleanField(_("có cấp huyện"), default=False)
    notes = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("phiên bản quy định")
        verbose_name_plural = pgettext_lazy("số nhiều", "phiên bản quy định")
        ordering = ["effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(part_a_points__lte=100) & Q(part_b_points__lte=100) & Q(part_c_points__lte=100),
                name="ruleversion_parts_bounded",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                name="ruleversion_dates_ordered",
            ),
        ]

    def __str__(self):
        return self.decision_number

    def clean(self):
        if self.part_a_points + self.part_b_points + self.part_c_points != 100:
            raise ValidationError(_("Tổng điểm ba phần phải bằng 100."))


class ScoreSheet(models.Model):
    """Bộ tiêu chí (kiêm phiếu đánh giá) of one product set under one rule version, loaded from a data file."""

    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="score_sheets")
    product_set = models.ForeignKey(ProductSet, on_delete=models.PROTECT, related_name="score_sheets")
    title = models.CharField(_("tên phiếu"), max_length=250)
    total_points = models.PositiveSmallIntegerField(_("tổng điểm"), default=100)
    eliminations = models.JSONField(_("điều kiện loại hồ sơ"), default=list, blank=True)
    notes = models.JSONField(_("ghi chú"), default=list, blank=True)
    source = models.CharField(_("nguồn"), max_length=250, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # As printed under the sheet's title: "(Sản phẩm: Thực phẩm. Nhóm: Thực phẩm tươi sống)".
    category_name = models.CharField(_("ngành (như in trên phiếu)"), max_length=250, blank=True)
    group_name = models.CharField(_("nhóm (như in trên phiếu)"), max_length=250, blank=True)
    line = models.PositiveIntegerField(_("dòng trong văn bản"), null=True, blank=True)
    corrections = models.JSONField(_("sửa lỗi in"), default=list, blank=True)

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = pgettext_lazy("số nhiều", "phiếu đánh giá")
        ordering = ["rule_version", "product_set__number"]
        constraints = [
            models.UniqueConstraint(fields=["rule_version", "product_set"], name="sheet_unique_per_set"),
            models.CheckConstraint(condition=Q(total_points=100), name="sheet_total_100"),
        ]

    def __str__(self):
        return f"{self.rule_version} — {self.product_set}"


class SheetPart(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="parts")
    code = models.CharField(_("phần"), max_length=2)
    name = models.CharField(_("tên phần"), max_length=250)
    points = models.PositiveSmallIntegerField(_("điểm"))
    order = models.PositiveSmallIntegerField(default=0)
    # Points printed in the part's header, when it differs from the scale (a misprint, see ``corrections``).
    header_points = models.PositiveSmallIntegerField(_("điểm ghi ở tiêu đề"), null=True, blank=True)
    line = models.PositiveIntegerField(_("dòng trong văn bản"), null=True, blank=True)
    corrections = models.JSONField(_("sửa lỗi in"), default=list, blank=True)

    class Meta:
        verbose_name = _("phần của phiếu")
        verbose_name_plural = pgettext_lazy("số nhiều", "phần của phiếu")
        ordering = ["sheet", "order"]
        constraints = [models.UniqueConstraint(fields=["sheet", "code"], name="part_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class SheetHeading(models.Model):
    part = models.ForeignKey(SheetPart, on_delete=models.CASCADE, related_name="headings")
    number = models.CharField(_("số"), max_length=6)
    name = models.CharField(_("tên"), max_length=250)
    points = models.PositiveSmallIntegerField(_("điểm"))
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(_("mô tả"), blank=True)
    # Three-level numbering (e.g. 6.1 "Ngoại hình" grouping 6.1.1, 6.1.2): [{"number", "name", "points", "line"}].
    subheadings = models.JSONField(_("tiêu chí nhóm"), default=list, blank=True)
    line = models.PositiveIntegerField(_("dòng trong văn bản"), null=True, blank=True)
    corrections = models.JSONField(_("sửa lỗi in"), default=list, blank=True)

    class Meta:
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = pgettext_lazy("số nhiều", "nhóm tiêu chí")
        ordering = ["part", "order"]
        constraints = [models.UniqueConstraint(fields=["part", "number"], name="heading_unique_number")]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Criterion(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="criteria")
    heading = models.ForeignKey(SheetHeading, on_delete=models.CASCADE, related_name="criteria")
    number = models.CharField(_("số"), max_length=8)
    text = models.TextField(_("nội dung"))
    points = models.PositiveSmallIntegerField(_("điểm tối đa"))
    condition = models.TextField(_("điều kiện áp dụng"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    description = models.TextField(_("yêu cầu, giải thích"), blank=True)
    # Number of the sub-heading (three-level numbering) this criterion sits under, if any.
    subheading = models.CharField(_("tiêu chí nhóm"), max_length=8, blank=True)
    # The heading itself is scored (no numbered sub-criteria, e.g. set 26 heading 8).
    heading_level = models.BooleanField(_("chấm ở cấp đề mục"), default=False)
    line = models.PositiveIntegerField(_("dòng trong văn bản"), null=True, blank=True)
    corrections = models.JSONField(_("sửa lỗi in"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = pgettext_lazy("số nhiều", "tiêu chí")
        ordering = ["sheet", "order"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="criterion_unique_number")]

    def __str__(self):
        return f"{self.number} {self.text[:60]}"


class CriterionOption(models.Model):
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="options")
    key = models.CharField(_("ký hiệu"), max_length=3)
    text = models.TextField(_("nội dung"))
    points = models.PositiveSmallIntegerField(_("điểm"))
    min_stars = models.PositiveSmallIntegerField(_("mức tối thiểu cho hạng sao"), null=True, blank=True)
    eliminates = models.BooleanField(_("loại hồ sơ"), default=False)
    # A printed case grouping alternatives ("Trường hợp 1: …"), shown above its first option.
    group = models.CharField(_("trường hợp"), max_length=250, blank=True)
    # Not printed as "□": a yes/no pair implied by the text, or an eliminating note turned into an option.
    implied = models.BooleanField(_("lựa chọn ngầm định"), default=False)
    from_note = models.BooleanField(_("từ ghi chú loại hồ sơ"), default=False)
    corrections = models.JSONField(_("sửa lỗi in"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("lựa chọn")
        verbose_name_plural = pgettext_lazy("số nhiều", "lựa chọn")
        ordering = ["criterion", "order"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "key"], name="option_unique_key"),
            models.CheckConstraint(
                condition=Q(min_stars__isnull=True) | Q(min_stars__gte=3, min_stars__lte=5),
                name="option_min_stars_3_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.key}) {self.text[:60]} ({self.points})"


class Round(models.Model):
    """Đợt đánh giá: a council's scoring round at a level, with its cut-off dates."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang nhận hồ sơ")
        SCORING = "scoring", _("Đang chấm điểm")
        CLOSED = "closed", _("Đã kết thúc")

    name = models.CharField(_("tên đợt"), max_length=200)
    rule_version = models.ForeignKey(RuleVersion, verbose_name=_("quy định áp dụng"), on_delete=models.PROTECT)
    level = models.CharField(_("cấp"), max_length=10, choices=CouncilLevel.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT)
    council = models.ForeignKey(Council, verbose_name=_("hội đồng"), on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField(_("năm"))
    intake_deadline = models.DateField(_("hạn nhận hồ sơ"))
    decision_deadline = models.DateField(_("hạn ra quyết định"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt đánh giá")
        verbose_name_plural = pgettext_lazy("số nhiều", "đợt đánh giá")
        ordering = ["-year", "-intake_deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision_deadline__gte=F("intake_deadline")), name="round_deadlines_ordered"
            ),
            models.CheckConstraint(
                condition=Q(level="central", unit__isnull=True) | (~Q(level="central") & Q(unit__isnull=False)),
                name="round_unit_iff_not_central",
            ),
        ]

    def __str__(self):
        return self.name


class DossierKind(models.TextChoices):
    FIRST = "first", _("Đánh giá lần đầu")
    UPGRADE = "upgrade", _("Nâng hạng")
    RERATING = "rerating", _("Đánh giá lại (công nhận lại)")


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ xã / huyện xem xét")
    RETURNED = "returned", _("Trả lại để bổ sung")
    FORWARDED = "forwarded", _("Đã chuyển hội đồng")
    IN_ROUND = "in_round", _("Đang đánh giá")
    SCORED = "scored", _("Đã có kết quả")
    DECIDED = "decided", _("Đã có quyết định")
    NOT_RECOGNISED = "not_recognised", _("Không đạt")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Dossier(models.Model):
    """Hồ sơ đánh giá: Mẫu 01 registration, Mẫu 02 self-assessment, attachments, samples."""

    product = models.ForeignKey(Product, verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="dossiers")
    kind = models.CharField(_("loại hồ sơ"), max_length=10, choices=DossierKind.choices, default=DossierKind.FIRST)
    rule_version = models.ForeignKey(RuleVersion, verbose_name=_("quy định áp dụng"), on_delete=models.PROTECT)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=DossierStatus.choices, default=DossierStatus.DRAFT, db_index=True
    )
    # The unit that reviews the dossier first: a commune (26/2026) or a legacy district (148 flow).
    intake_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("đơn vị tiếp nhận"), on_delete=models.PROTECT, related_name="dossiers"
    )
    round = models.ForeignKey(
        Round, verbose_name=_("đợt đánh giá"), null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    previous_certificate = models.ForeignKey(
        "Certificate",
        verbose_name=_("giấy chứng nhận trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_dossiers",
    )
    registration = models.JSONField(_("phiếu đăng ký (Mẫu 01)"), default=dict, blank=True)
    self_score = models.DecimalField(_("điểm tự đánh giá"), max_digits=5, decimal_places=2, null=True, blank=True)
    sample_count = models.PositiveSmallIntegerField(_("số mẫu sản phẩm"), default=0)
    change_summary = models.TextField(_("nội dung thay đổi (nâng hạng)"), blank=True)
    revision = models.PositiveSmallIntegerField(_("lần nộp"), default=1)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    # Workflow: the level the dossier waits for or is scored at, the review deadline (15 working days from
    # receipt, Điều 7.2), the scoring attempt in its current round (a re-score is a new attempt), samples.
    stage_level = models.CharField(
        _("cấp đang xử lý"), max_length=10, choices=CouncilLevel.choices, blank=True, default="", db_default=""
    )
    review_deadline = models.DateField(_("hạn xem xét"), null=True, blank=True)
    scoring_attempt = models.PositiveSmallIntegerField(_("lần chấm hiện tại"), default=1, db_default=1)
    samples_received_on = models.DateField(_("ngày nhận mẫu sản phẩm"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = pgettext_lazy("số nhiều", "hồ sơ")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0, self_score__lte=100),
                name="dossier_self_score_range",
            ),
            models.CheckConstraint(
                condition=Q(kind="first") | Q(previous_certificate__isnull=False), name="dossier_followup_has_cert"
            ),
            models.CheckConstraint(condition=Q(revision__gte=1), name="dossier_revision_positive"),
            models.CheckConstraint(condition=Q(scoring_attempt__gte=1), name="dossier_attempt_positive"),
            models.CheckConstraint(
                condition=~Q(status__in=["in_round"]) | Q(round__isnull=False), name="dossier_in_round_has_round"
            ),
        ]

    def __str__(self):
        return f"{self.product} — {self.get_kind_display()}"

    @property
    def is_editable(self) -> bool:
        """Only a draft or a returned dossier can be changed; submitting locks it."""
        return self.status in (DossierStatus.DRAFT, DossierStatus.RETURNED)


class DossierRevision(models.Model):
    """Snapshot of a dossier as it was when returned, so corrections never erase what was filed."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="revisions")
    revision = models.PositiveSmallIntegerField()
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản hồ sơ")
        verbose_name_plural = pgettext_lazy("số nhiều", "phiên bản hồ sơ")
        constraints = [models.UniqueConstraint(fields=["dossier", "revision"], name="revision_unique")]


class AttachmentKind(models.TextChoices):
    LICENCE = "licence", _("Giấy phép, đăng ký kinh doanh")
    FOOD_SAFETY = "food_safety", _("Giấy chứng nhận an toàn thực phẩm")
    RAW_MATERIAL = "raw_material", _("Hợp đồng nguyên liệu")
    LABOUR = "labour", _("Danh sách lao động")
    FINANCIAL = "financial", _("Báo cáo tài chính")
    IP = "ip", _("Giấy chứng nhận sở hữu trí tuệ")
    LAB_TEST = "lab_test", _("Phiếu kết quả kiểm nghiệm")
    LABEL = "label", _("Nhãn, mã truy xuất")
    QUALITY = "quality", _("Chứng nhận chất lượng")
    BUSINESS_PLAN = "business_plan", _("Phương án / kế hoạch kinh doanh")
    PHOTO = "photo", _("Ảnh sản phẩm")
    EVIDENCE = "evidence", _("Minh chứng tiêu chí")
    OTHER = "other", _("Khác")


def attachment_path(instance, filename):
    return f"dossiers/{instance.dossier_id}/{filename}"


class DossierAttachment(models.Model):
    """An uploaded file. Stored in private storage; served only through a permission-checked view."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("loại tài liệu"), max_length=16, choices=AttachmentKind.choices)
    criterion = models.ForeignKey(Criterion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(_("tệp"), upload_to=attachment_path, storage=PrivateStorage(), max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # The submission (dossier revision) the file was added for; removing a file keeps it for the record.
    revision = models.PositiveSmallIntegerField(_("lần nộp"), default=1, db_default=1)
    removed_at = models.DateTimeField(_("ngày gỡ bỏ"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tài liệu đính kèm")
        verbose_name_plural = pgettext_lazy("số nhiều", "tài liệu đính kèm")
        ordering = ["dossier", "kind", "uploaded_at"]

    def __str__(self):
        return self.original_name


class SelfAssessment(models.Model):
    """Mẫu 02: the producer's own score and evidence per criterion."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="self_assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(CriterionOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("điểm tự chấm"), max_digits=4, decimal_places=1)
    evidence = models.TextField(_("minh chứng"), blank=True)

    class Meta:
        verbose_name = _("tự đánh giá tiêu chí")
        verbose_name_plural = pgettext_lazy("số nhiều", "tự đánh giá tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "criterion"], name="selfassessment_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="selfassessment_points_nonneg"),
        ]


class LocalAssessment(models.Model):
    """Mẫu 03: the commune's (or legacy district's) assessment before the council."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="local_assessment")
    local_raw_material = models.TextField(_("nguyên liệu địa phương"), blank=True)
    local_labour = models.TextField(_("sử dụng lao động địa phương"), blank=True)
    idea_origin = models.TextField(_("nguồn gốc ý tưởng sản phẩm"), blank=True)
    local_identity = models.TextField(_("tính đặc trưng, bản sắc địa phương"), blank=True)
    conclusion = models.TextField(_("kết luận"), blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    assessed_on = models.DateField(_("ngày đánh giá"), null=True, blank=True)
    components_complete = models.BooleanField(_("thành phần hồ sơ đầy đủ"), default=False, db_default=False)
    proposal_number = models.CharField(_("số văn bản đề nghị"), max_length=60, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("báo cáo đánh giá của xã (Mẫu 03)")
        verbose_name_plural = pgettext_lazy("số nhiều", "báo cáo đánh giá của xã (Mẫu 03)")


class AdvisoryFinding(models.Model):
    """Tổ tư vấn: a finding on a dossier, possibly a request for a lab test."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="findings")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("nội dung"))
    requests_lab_test = models.BooleanField(_("đề nghị kiểm nghiệm"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến tổ tư vấn")
        verbose_name_plural = pgettext_lazy("số nhiều", "ý kiến tổ tư vấn")
        ordering = ["created_at"]


class MemberScoreSheet(models.Model):
    """One member's sheet for one dossier in one scoring attempt. Never overwritten: a re-score is a new attempt."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Đang chấm")
        SUBMITTED = "submitted", _("Đã nộp")
        RECUSED = "recused", _("Không tham gia (xung đột lợi ích)")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="member_sheets")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="member_sheets")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="score_sheets")
    attempt = models.PositiveSmallIntegerField(_("lần chấm"), default=1)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    recusal_reason = models.TextField(_("lý do không tham gia"), blank=True)
    total = models.DecimalField(_("tổng điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    eliminated = models.BooleanField(_("bị loại"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Paper sheets (rule versions whose sheets are not transcribed, e.g. QĐ 148 rounds): the member enters the
    # points of parts A, B, C from the signed paper sheet and the highest star level whose minima it meets (2 = the
    # 3★ minima are not met).
    part_a = models.DecimalField(_("điểm phần A"), max_digits=5, decimal_places=2, null=True, blank=True)
    part_b = models.DecimalField(_("điểm phần B"), max_digits=5, decimal_places=2, null=True, blank=True)
    part_c = models.DecimalField(_("điểm phần C"), max_digits=5, decimal_places=2, null=True, blank=True)
    minima_level = models.PositiveSmallIntegerField(_("đạt mức tối thiểu của hạng"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu chấm của thành viên")
        verbose_name_plural = pgettext_lazy("số nhiều", "phiếu chấm của thành viên")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "round", "member", "attempt"], name="membersheet_unique"),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100), name="membersheet_total_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="recused") | ~Q(recusal_reason=""), name="membersheet_recusal_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="membersheet_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(minima_level__isnull=True) | Q(minima_level__gte=2, minima_level__lte=5),
                name="membersheet_minima_level_2_to_5",
            ),
            models.CheckConstraint(
                condition=(Q(part_a__isnull=True) | Q(part_a__gte=0))
                & (Q(part_b__isnull=True) | Q(part_b__gte=0))
                & (Q(part_c__isnull=True) | Q(part_c__gte=0)),
                name="membersheet_parts_nonneg",
            ),
        ]

    def __str__(self):
        return f"{self.member} — {self.dossier} (#{self.attempt})"


class MemberChoice(models.Model):
    sheet = models.ForeignKey(MemberScoreSheet, on_delete=models.CASCADE, related_name="choices")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(CriterionOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(_("nhận xét"), blank=True)

    class Meta:
        verbose_name = _("lựa chọn của thành viên")
        verbose_name_plural = pgettext_lazy("số nhiều", "lựa chọn của thành viên")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="memberchoice_unique"),
            models.CheckConstraint(
                condition=Q(option__isnull=False) | Q(not_applicable=True), name="memberchoice_option_or_na"
            ),
        ]


class Outcome(models.TextChoices):
    RECOGNISED = "recognised", _("Đạt")
    NOT_RECOGNISED = "not_recognised", _("Không đạt")
    REJECTED = "rejected", _("Bị loại")


class EvaluationResult(models.Model):
    """The council's computed result for one attempt. Private until a decision is issued."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="results")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="results")
    attempt = models.PositiveSmallIntegerField(default=1)
    mean_score = models.DecimalField(_("điểm trung bình"), max_digits=5, decimal_places=2)
    stars = models.PositiveSmallIntegerField(_("hạng sao"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=16, choices=Outcome.choices)
    forwarded = models.BooleanField(_("chuyển cấp trên (tiềm năng 5 sao)"), default=False)
    details = models.JSONField(default=dict, blank=True)
    is_final = models.BooleanField(_("đã chốt"), default=False)
    computed_at = models.DateTimeField(auto_now=True)
    # Who recognises the star (rules.recognising_level), once final: a decision at that level picks it up.
    recognised_by_level = models.CharField(
        _("cấp công nhận"), max_length=10, choices=CouncilLevel.choices, blank=True, default="", db_default=""
    )
    finalised_at = models.DateTimeField(_("thời điểm chốt"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("thời điểm mở chấm lại"), null=True, blank=True)
    reopen_reason = models.TextField(_("lý do chấm lại"), blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("kết quả đánh giá")
        verbose_name_plural = pgettext_lazy("số nhiều", "kết quả đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "round", "attempt"], name="result_unique_attempt"),
            models.UniqueConstraint(
                fields=["dossier", "round"], condition=Q(is_final=True), name="result_one_final_per_round"
            ),
            models.CheckConstraint(
                condition=~(Q(is_final=True) & Q(reopened_at__isnull=False)), name="result_final_not_reopened"
            ),
            models.CheckConstraint(condition=Q(mean_score__gte=0, mean_score__lte=100), name="result_mean_range"),
            models.CheckConstraint(
                condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5), name="result_stars_range"
            ),
        ]


class Decision(models.Model):
    """Quyết định công nhận: lists the products and stars the issuing level may recognise."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ISSUED = "issued", _("Đã ban hành")

    number = models.CharField(_("số quyết định"), max_length=60)
    issued_on = models.DateField(_("ngày ban hành"))
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    authority = models.CharField(_("cơ quan ban hành"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=CouncilLevel.choices)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT)
    rule_version = models.ForeignKey(RuleVersion, verbose_name=_("quy định áp dụng"), on_delete=models.PROTECT)
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The council whose secretary drafted it (workflow decisions; imported ones have none).
    council = models.ForeignKey(
        Council, verbose_name=_("hội đồng"), null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    issued_at = models.DateTimeField(_("thời điểm ban hành trên hệ thống"), null=True, blank=True)

    class Meta:
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = pgettext_lazy("số nhiều", "quyết định công nhận")
        ordering = ["-issued_on", "number"]
        constraints = [models.UniqueConstraint(fields=["authority", "number"], name="decision_unique_number")]

    def __str__(self):
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class DecisionItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="decision_items")
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("hạng sao"))
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    # The council result this item recognises: a result can be recognised by one decision only.
    result = models.ForeignKey(
        EvaluationResult, null=True, blank=True, on_delete=models.PROTECT, related_name="decision_items"
    )

    class Meta:
        verbose_name = _("sản phẩm trong quyết định")
        verbose_name_plural = pgettext_lazy("số nhiều", "sản phẩm trong quyết định")
        constraints = [
            models.UniqueConstraint(fields=["decision", "product"], name="decisionitem_unique_product"),
            models.UniqueConstraint(
                fields=["result"], condition=Q(result__isnull=False), name="decisionitem_result_once"
            ),
            models.CheckConstraint(condition=Q(stars__gte=3, stars__lte=5), name="decisionitem_stars_3_to_5"),
        ]


class Certificate(models.Model):
    """Giấy chứng nhận sản phẩm OCOP, valid 36 calendar months from the issue date."""

    number = models.CharField(_("số giấy chứng nhận"), max_length=60, unique=True)
    product = models.ForeignKey(
        Product, verbose_name=_("sản phẩm"), on_delete=models.PROTECT, related_name="certificates"
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    stars = models.PositiveSmallIntegerField(_("hạng sao"))
    issued_on = models.DateField(_("ngày cấp"))
    expires_on = models.DateField(_("ngày hết hạn"), editable=False)
    rule_version = models.ForeignKey(RuleVersion, verbose_name=_("quy định áp dụng"), on_delete=models.PROTECT)
    issuing_authority = models.CharField(_("cơ quan cấp"), max_length=200)
    issuing_level = models.CharField(_("cấp công nhận"), max_length=10, choices=CouncilLevel.choices)
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    # The product's certificate in force (the newest issued); older ones point to their replacement.
    is_current = models.BooleanField(_("là giấy chứng nhận hiện hành"), default=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("được thay thế bởi"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Re-rating filed for this certificate (set by the workflow; drives the late-filing extension).
    rerating_filed_on = models.DateField(_("ngày nộp hồ sơ đánh giá lại"), null=True, blank=True)
    rerating_decided_on = models.DateField(_("ngày có kết quả đánh giá lại"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("giấy chứng nhận")
        verbose_name_plural = pgettext_lazy("số nhiều", "giấy chứng nhận")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=3, stars__lte=5), name="certificate_stars_3_to_5"),
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_current=True), name="certificate_one_current_per_product"
            ),
            models.CheckConstraint(condition=Q(expires_on__gt=F("issued_on")), name="certificate_expiry_after_issue"),
            models.CheckConstraint(
                condition=Q(rerating_decided_on__isnull=True) | Q(rerating_filed_on__isnull=False),
                name="certificate_rerating_decided_after_filed",
            ),
        ]
        indexes = [models.Index(fields=["expires_on"]), models.Index(fields=["product", "-issued_on"])]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        from evaluations.rules import certificate_expiry

        self.expires_on = certificate_expiry(self.issued_on)
        super().save(*args, **kwargs)


class RevocationGround(models.TextChoices):
    FORGED = "a", _("a) Giả mạo hồ sơ")
    NO_LONGER_MEETS = "b", _("b) Không còn đáp ứng tiêu chí khi kiểm tra")
    LAW_BREACH = "c", _("c) Vi phạm quy định về chất lượng, an toàn thực phẩm, môi trường, sở hữu trí tuệ, nhãn")
    MARK_MISUSE = "d", _("d) Sử dụng sai biểu trưng OCOP")
    STOPPED = "dd", _("đ) Ngừng sản xuất")
    OTHER = "e", _("e) Kết luận khác của cơ quan có thẩm quyền")


class Revocation(models.Model):
    certificate = models.OneToOneField(Certificate, on_delete=models.PROTECT, related_name="revocation")
    ground = models.CharField(_("căn cứ thu hồi"), max_length=2, choices=RevocationGround.choices)
    revoked_on = models.DateField(_("ngày thu hồi"))
    decision_number = models.CharField(_("số quyết định thu hồi"), max_length=60)
    authority = models.CharField(_("cơ quan thu hồi"), max_length=200)
    signer = models.CharField(_("người ký"), max_length=120, blank=True)
    reason = models.TextField(_("lý do chi tiết"), blank=True)
    producer_notified_on = models.DateField(_("ngày thông báo chủ thể"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Date of the competent authority's conclusion; the revocation is due within 15 days of it (Điều 8.4).
    concluded_on = models.DateField(_("ngày có kết luận"), null=True, blank=True)

    class Meta:
        verbose_name = _("thu hồi giấy chứng nhận")
        verbose_name_plural = pgettext_lazy("số nhiều", "thu hồi giấy chứng nhận")
        constraints = [
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True) | Q(concluded_on__lte=F("revoked_on")),
                name="revocation_after_conclusion",
            ),
        ]

    def __str__(self):
        return f"{self.certificate} — {self.get_ground_display()}"


class CertificateNotice(models.Model):
    """A step the daily job recorded for a certificate (window opened, expiring in N days, expired...).

    The unique constraint makes each step happen once per certificate, whatever the number of runs.
    """

    class Skip(models.TextChoices):
        """Why a reminder was deliberately not sent (the step itself stays recorded)."""

        NO_EMAIL = "no_email", _("Chủ thể chưa có thư điện tử")
        NO_OFFICER = "no_officer", _("Không có cán bộ phụ trách có thư điện tử")
        STALE = "stale", _("Mốc đã quá lâu, không gửi bù")
        OVERTAKEN = "overtaken", _("Đã có mốc mới hơn")
        RERATING_FILED = "rerating_filed", _("Đã nộp hồ sơ đánh giá lại")
        WITHDRAWN = "withdrawn", _("Giấy chứng nhận đã bị thu hồi hoặc thay thế")
        REFUSED = "refused", _("Máy chủ thư từ chối địa chỉ nhận")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="notices")
    step = models.CharField(_("mốc"), max_length=32)
    due_on = models.DateField(_("ngày đến mốc"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    producer_notified_at = models.DateTimeField(null=True, blank=True)
    officer_notified_at = models.DateTimeField(null=True, blank=True)
    # The date of the daily run that recorded the step (its "today", which --date may set).
    run_on = models.DateField(_("ngày chạy ghi nhận"), null=True, blank=True)
    producer_skipped = models.CharField(_("không gửi chủ thể vì"), max_length=16, choices=Skip.choices, blank=True)
    officer_skipped = models.CharField(_("không gửi cán bộ vì"), max_length=16, choices=Skip.choices, blank=True)

    class Meta:
        verbose_name = _("mốc giấy chứng nhận")
        verbose_name_plural = pgettext_lazy("số nhiều", "mốc giấy chứng nhận")
        constraints = [models.UniqueConstraint(fields=["certificate", "step"], name="notice_unique_step")]
        indexes = [
            models.Index(fields=["producer_notified_at"]),
            models.Index(fields=["officer_notified_at"]),
            # The senders look only at what is still to send: small partial indexes, whatever the history.
            models.Index(
                fields=["certificate"],
                condition=Q(producer_notified_at__isnull=True, producer_skipped=""),
                name="notice_producer_pending",
            ),
            models.Index(
                fields=["certificate"],
                condition=Q(officer_notified_at__isnull=True, officer_skipped=""),
                name="notice_officer_pending",
            ),
        ]

    def __str__(self):
        return f"{self.certificate_id} {self.step} {self.due_on:%d/%m/%Y}"


class OfficerNotice(models.Model):
    """One officer's share of a notice: the notice goes into that officer's daily digest once."""

    notice = models.ForeignKey(CertificateNotice, on_delete=models.CASCADE, related_name="officer_notices")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificate_notices")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mốc gửi cán bộ")
        verbose_name_plural = pgettext_lazy("số nhiều", "mốc gửi cán bộ")
        constraints = [models.UniqueConstraint(fields=["notice", "officer"], name="officer_notice_unique")]
        indexes = [models.Index(fields=["officer"], condition=Q(sent_at__isnull=True), name="officer_notice_unsent")]


class CertificateJobRun(models.Model):
    """One run of the daily certificate job: what it recorded and sent (officers see when it last ran)."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        FINISHED = "finished", _("Hoàn thành")
        FAILED = "failed", _("Lỗi")

    run_on = models.DateField(_("ngày chạy"), db_index=True)
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, default=Outcome.RUNNING)
    # First due date looked at: steps due from here to run_on were (re)checked.
    checked_from = models.DateField(_("xét các mốc từ ngày"))
    recorded = models.JSONField(_("số mốc ghi nhận"), default=dict, blank=True)
    producer_emails = models.PositiveIntegerField(_("thư gửi chủ thể"), default=0)
    officer_emails = models.PositiveIntegerField(_("thư tổng hợp gửi cán bộ"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần chạy công việc hằng ngày")
        verbose_name_plural = pgettext_lazy("số nhiều", "lần chạy công việc hằng ngày")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.run_on:%d/%m/%Y} — {self.get_outcome_display()}"


class AuditEntry(models.Model):
    """Append-only audit record of a state change: who, when, what, before and after."""

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("hành động"), max_length=60)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=40)
    target_repr = models.CharField(_("đối tượng"), max_length=250)
    unit = models.ForeignKey(AdminUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = pgettext_lazy("số nhiều", "nhật ký thao tác")
        ordering = ["-at"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Nhật ký không được sửa / Audit entries cannot be edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Nhật ký không được xoá / Audit entries cannot be deleted.")
