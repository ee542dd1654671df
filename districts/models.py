"""Administrative units (current two-tier and legacy three-tier), councils, roles and targets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ocop_portal.text import fold, vn_slugify


class Structure(models.TextChoices):
    CURRENT = "current", _("Hiện hành (từ 1/7/2025)")
    LEGACY = "legacy", _("Trước 1/7/2025")


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh / thành phố")
    DISTRICT = "district", _("Huyện / quận / thị xã")
    COMMUNE = "commune", _("Xã / phường / đặc khu")


class AdminUnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(structure=Structure.CURRENT)

    def legacy(self):
        return self.filter(structure=Structure.LEGACY)

    def provinces(self):
        return self.filter(level=Level.PROVINCE)


class AdminUnit(models.Model):
    """One unit with its official code (QĐ 19/2025 for the current structure, the old GSO codes for legacy)."""

    structure = models.CharField(_("cơ cấu"), max_length=8, choices=Structure.choices)
    level = models.CharField(_("cấp"), max_length=8, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=120)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    codename = models.CharField(max_length=120, blank=True)
    slug = models.SlugField(max_length=140)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # For legacy units: the current province that took them over (fast scoping of historical records).
    successor_province = models.ForeignKey(
        "self",
        verbose_name=_("tỉnh hiện hành kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_units",
    )
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("đơn vị hiện hành kế thừa"),
        through="UnitMapping",
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = pgettext_lazy("số nhiều", "đơn vị hành chính")
        ordering = ["structure", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "level", "code"], name="unit_unique_code"),
            models.CheckConstraint(
                condition=~Q(structure=Structure.CURRENT, level=Level.DISTRICT),
                name="unit_current_has_no_district",
            ),
            models.CheckConstraint(
                condition=Q(level=Level.PROVINCE, parent__isnull=True)
                | (~Q(level=Level.PROVINCE) & Q(parent__isnull=False)),
                name="unit_parent_iff_not_province",
            ),
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{2,5}$"), name="unit_code_digits"),
        ]
        indexes = [models.Index(fields=["structure", "level", "parent"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        if not self.slug:
            self.slug = vn_slugify(self.name)
        super().save(*args, **kwargs)

    @property
    def province(self):
        """The province this unit belongs to (itself for a province)."""
        unit = self
        while unit.parent_id is not None:
            unit = unit.parent
        return unit


class UnitMapping(models.Model):
    """A legacy unit's successor in the current structure (a legacy commune may be split over several)."""

    legacy = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="mappings_to_current")
    current = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="mappings_from_legacy")

    class Meta:
        verbose_name = _("ánh xạ đơn vị cũ → mới")
        verbose_name_plural = pgettext_lazy("số nhiều", "ánh xạ đơn vị cũ → mới")
        constraints = [
            models.UniqueConstraint(fields=["legacy", "current"], name="unit_mapping_unique"),
            models.CheckConstraint(condition=~Q(legacy=models.F("current")), name="unit_mapping_not_self"),
        ]

    def __str__(self):
        return f"{self.legacy} → {self.current}"


class CouncilLevel(models.TextChoices):
    DISTRICT = "district", _("Hội đồng cấp huyện (trước 7/2025)")
    PROVINCE = "province", _("Hội đồng cấp tỉnh / thành phố")
    CENTRAL = "central", _("Hội đồng cấp trung ương")


class Council(models.Model):
    """An evaluation council (hội đồng đánh giá, phân hạng) and its own regulations on quorum and spread."""

    name = models.CharField(_("tên hội đồng"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=CouncilLevel.choices)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="councils"
    )
    established_by = models.CharField(_("quyết định thành lập"), max_length=120, blank=True)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    quorum_numerator = models.PositiveSmallIntegerField(_("túc số (tử số)"), default=3)
    quorum_denominator = models.PositiveSmallIntegerField(_("túc số (mẫu số)"), default=4)
    chair_required = models.BooleanField(_("bắt buộc có chủ tịch"), default=True)
    spread_limit = models.DecimalField(_("chênh lệch tối đa (điểm)"), max_digits=5, decimal_places=2, default=10)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="CouncilMembership", related_name="councils")

    class Meta:
        verbose_name = _("hội đồng")
        verbose_name_plural = pgettext_lazy("số nhiều", "hội đồng")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=CouncilLevel.CENTRAL, unit__isnull=True)
                | (~Q(level=CouncilLevel.CENTRAL) & Q(unit__isnull=False)),
                name="council_unit_iff_not_central",
            ),
            models.CheckConstraint(
                condition=Q(quorum_numerator__gte=1) & Q(quorum_numerator__lte=models.F("quorum_denominator")),
                name="council_quorum_fraction",
            ),
            models.CheckConstraint(condition=Q(spread_limit__gt=0), name="council_spread_positive"),
        ]

    def __str__(self):
        return self.name


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch")
    VICE_CHAIR = "vice_chair", _("Phó chủ tịch")
    MEMBER = "member", _("Thành viên")
    SECRETARY = "secretary", _("Thư ký")
    ADVISORY = "advisory", _("Tổ tư vấn")


# Roles that score the sheet; the secretary and the advisory group do not.
SCORING_ROLES = (CouncilRole.CHAIR, CouncilRole.VICE_CHAIR, CouncilRole.MEMBER)


class CouncilMembership(models.Model):
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="council_memberships")
    role = models.CharField(_("vai trò"), max_length=12, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    title = models.CharField(_("chức vụ, đơn vị công tác"), max_length=200, blank=True)
    is_active = models.BooleanField(_("đang tham gia"), default=True)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = pgettext_lazy("số nhiều", "thành viên hội đồng")
        ordering = ["council", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="membership_unique_user"),
            models.UniqueConstraint(
                fields=["council"], condition=Q(role="chair", is_active=True), name="membership_one_active_chair"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.council})"

    @property
    def scores(self) -> bool:
        return self.role in SCORING_ROLES


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ cấp xã")
    DISTRICT_OFFICER = "district_officer", _("Cán bộ cấp huyện (hồ sơ cũ)")
    PROVINCE_OFFICE = "province_office", _("Văn phòng OCOP cấp tỉnh")
    CENTRAL_OFFICE = "central_office", _("Văn phòng điều phối trung ương")
    ADMINISTRATOR = "administrator", _("Quản trị hệ thống")


# The unit level each role is scoped to; central and administrator roles are national.
ROLE_UNIT_LEVEL = {
    Role.COMMUNE_OFFICER: Level.COMMUNE,
    Role.DISTRICT_OFFICER: Level.DISTRICT,
    Role.PROVINCE_OFFICE: Level.PROVINCE,
}


class RoleAssignment(models.Model):
    """A user's role scoped to an administrative unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("đơn vị"), null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    is_active = models.BooleanField(_("hiệu lực"), default=True)

    class Meta:
        verbose_name = _("phân quyền theo đơn vị")
        verbose_name_plural = pgettext_lazy("số nhiều", "phân quyền theo đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="role_unique_per_unit"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(unit__isnull=True), name="role_unique_national"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["central_office", "administrator"], unit__isnull=True)
                | (~Q(role__in=["central_office", "administrator"]) & Q(unit__isnull=False)),
                name="role_unit_iff_local",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}" + (f" ({self.unit})" if self.unit_id else "")


class UnitTarget(models.Model):
    """A unit's programme target, e.g. "60 products ≥3★ by 2025" (Hà Đông)."""

    unit = models.ForeignKey(AdminUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("năm"))
    min_stars = models.PositiveSmallIntegerField(_("từ số sao"), default=3)
    stars = models.PositiveSmallIntegerField(_("đúng số sao"), null=True, blank=True)
    target_count = models.PositiveIntegerField(_("số sản phẩm mục tiêu"))
    since_year = models.PositiveSmallIntegerField(_("tính từ năm"), null=True, blank=True)
    description = models.CharField(_("mô tả"), max_length=300, blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = pgettext_lazy("số nhiều", "chỉ tiêu")
        ordering = ["unit", "year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "min_stars", "stars"], name="target_unique"),
            models.CheckConstraint(condition=Q(year__gte=2018) & Q(year__lte=2100), name="target_year_range"),
            models.CheckConstraint(condition=Q(min_stars__gte=1) & Q(min_stars__lte=5), name="target_stars_range"),
            models.CheckConstraint(condition=Q(target_count__gt=0), name="target_count_positive"),
        ]

    def __str__(self):
        return self.description or f"{self.unit}: {self.target_count} ≥{self.min_stars}★ ({self.year})"
