"""Product taxonomy (QĐ 26/2026 Annex I and the legacy QĐ 1048 one), producers, products and sales points."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from districts.models import AdminUnit
from ocop_portal.text import fold, vn_slugify


class Taxonomy(models.TextChoices):
    QD26_2026 = "QD26_2026", _("QĐ 26/2026/QĐ-TTg")
    QD1048_2019 = "QD1048_2019", _("QĐ 1048/QĐ-TTg (cũ)")


class ProductCategory(models.Model):
    """Ngành / loại sản phẩm (I Thực phẩm … VI Dịch vụ du lịch)."""

    taxonomy = models.CharField(_("danh mục"), max_length=12, choices=Taxonomy.choices, default=Taxonomy.QD26_2026)
    code = models.CharField(_("mã"), max_length=4)
    name = models.CharField(_("tên"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("phân loại sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "phân loại sản phẩm")
        ordering = ["taxonomy", "order"]
        constraints = [models.UniqueConstraint(fields=["taxonomy", "code"], name="category_unique_code")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class ProductGroup(models.Model):
    category = models.ForeignKey(ProductCategory, on_delete=models.CASCADE, related_name="groups")
    number = models.PositiveSmallIntegerField(_("số"))
    name = models.CharField(_("tên nhóm"), max_length=200)
    managing_authority = models.CharField(_("cơ quan chủ trì quản lý"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("nhóm sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "nhóm sản phẩm")
        ordering = ["category__order", "number"]
        constraints = [models.UniqueConstraint(fields=["category", "number"], name="group_unique_number")]

    def __str__(self):
        return self.name


class ProductSubgroup(models.Model):
    group = models.ForeignKey(ProductGroup, on_delete=models.CASCADE, related_name="subgroups")
    letter = models.CharField(_("ký hiệu"), max_length=2)
    name = models.CharField(_("tên phân nhóm"), max_length=250)
    managing_authority = models.CharField(_("cơ quan chủ trì quản lý"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phân nhóm sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "phân nhóm sản phẩm")
        ordering = ["group", "letter"]
        constraints = [models.UniqueConstraint(fields=["group", "letter"], name="subgroup_unique_letter")]

    def __str__(self):
        return self.name


class ProductSet(models.Model):
    """Bộ sản phẩm: the unit a score sheet is written for (26 under QĐ 26/2026)."""

    taxonomy = models.CharField(_("danh mục"), max_length=12, choices=Taxonomy.choices, default=Taxonomy.QD26_2026)
    number = models.PositiveSmallIntegerField(_("số"))
    name = models.CharField(_("tên bộ sản phẩm"), max_length=250)
    slug = models.SlugField(max_length=260)
    group = models.ForeignKey(ProductGroup, on_delete=models.PROTECT, related_name="product_sets")
    subgroup = models.ForeignKey(
        ProductSubgroup, null=True, blank=True, on_delete=models.PROTECT, related_name="product_sets"
    )
    requires_samples = models.BooleanField(_("nộp mẫu sản phẩm"), default=True)

    class Meta:
        verbose_name = _("bộ sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "bộ sản phẩm")
        ordering = ["taxonomy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "number"], name="productset_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1) & Q(number__lte=99), name="productset_number_range"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def category(self):
        return self.group.category


class ProducerType(models.TextChoices):
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_GROUP = "coop_group", _("Tổ hợp tác")
    ENTERPRISE = "enterprise", _("Doanh nghiệp nhỏ và vừa")
    FARM = "farm", _("Trang trại")
    HOUSEHOLD = "household", _("Hộ sản xuất, hộ gia đình có đăng ký kinh doanh")
    # Only for product set 26 (community / eco tourism services).
    ASSOCIATION = "association", _("Hội")
    FEDERATION = "federation", _("Hiệp hội")
    OPERATING_CENTRE = "operating_centre", _("Trung tâm điều hành")


TOURISM_ONLY_PRODUCER_TYPES = (ProducerType.ASSOCIATION, ProducerType.FEDERATION, ProducerType.OPERATING_CENTRE)


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Producer(models.Model):
    """Chủ thể sản xuất: the legal entity that owns products and files dossiers."""

    name = models.CharField(_("tên chủ thể"), max_length=250)
    slug = models.SlugField(max_length=260)
    search_name = models.CharField(max_length=250, editable=False, db_index=True)
    producer_type = models.CharField(_("loại hình"), max_length=20, choices=ProducerType.choices)
    registration_number = models.CharField(_("số đăng ký kinh doanh"), max_length=40, blank=True)
    tax_code = models.CharField(_("mã số thuế"), max_length=20, blank=True)
    representative_name = models.CharField(_("người đại diện theo pháp luật"), max_length=120, blank=True)
    representative_gender = models.CharField(_("giới tính"), max_length=6, choices=Gender.choices, blank=True)
    representative_ethnicity = models.CharField(_("dân tộc"), max_length=40, blank=True, default="Kinh")
    representative_title = models.CharField(_("chức vụ"), max_length=80, blank=True)
    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("xã / phường"), on_delete=models.PROTECT, related_name="producers"
    )
    legacy_district = models.ForeignKey(
        AdminUnit,
        verbose_name=_("huyện (cũ)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_producers",
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    website = models.URLField(_("trang web"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("năm thành lập"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chủ thể")
        verbose_name_plural = pgettext_lazy("số nhiều", "chủ thể")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer_type", "registration_number"],
                condition=~Q(registration_number=""),
                name="producer_unique_registration",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="producer_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        if not self.slug:
            self.slug = vn_slugify(self.name)[:250]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:producer", kwargs={"pk": self.pk, "slug": self.slug})


# T-X-STT-YYYY (QĐ 26/2026) or the older T-H-X-STT-YYYY with a district segment, kept as issued.
PRODUCT_CODE_REGEX = r"^[0-9]{2}-([0-9]{3}-)?[0-9]{5}-[0-9]{1,4}-[0-9]{4}$"


class Product(models.Model):
    producer = models.ForeignKey(Producer, verbose_name=_("chủ thể"), on_delete=models.PROTECT, related_name="products")
    product_set = models.ForeignKey(
        ProductSet, verbose_name=_("bộ sản phẩm"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("tên sản phẩm"), max_length=250)
    slug = models.SlugField(max_length=260)
    search_name = models.CharField(max_length=500, editable=False, db_index=True)
    code = models.CharField(
        _("mã sản phẩm OCOP"), max_length=30, null=True, blank=True, unique=True, help_text="T-X-STT-YYYY"
    )
    description = models.TextField(_("mô tả"), blank=True)
    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("xã / phường"), on_delete=models.PROTECT, related_name="products"
    )
    legacy_district = models.ForeignKey(
        AdminUnit,
        verbose_name=_("huyện (cũ)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_products",
    )
    province = models.ForeignKey(
        AdminUnit,
        verbose_name=_("tỉnh / thành phố"),
        on_delete=models.PROTECT,
        related_name="province_products",
        editable=False,
    )
    traceability_code = models.CharField(_("mã truy xuất nguồn gốc"), max_length=100, blank=True)
    traceability_url = models.URLField(_("liên kết truy xuất"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "sản phẩm")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__isnull=True) | Q(code__regex=PRODUCT_CODE_REGEX), name="product_code_format"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="product_name_not_empty"),
        ]
        indexes = [models.Index(fields=["province", "product_set"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(f"{self.name} {self.producer.name if self.producer_id else ''}")
        if not self.slug:
            self.slug = vn_slugify(self.name)[:250]
        if self.commune_id:
            self.province = self.commune.province
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("public:product", kwargs={"pk": self.pk, "slug": self.slug})


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("ảnh"), upload_to="products/%Y/")
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = pgettext_lazy("số nhiều", "ảnh sản phẩm")
        ordering = ["product", "order"]

    def __str__(self):
        return self.caption or self.image.name


class SalesPoint(models.Model):
    """Điểm giới thiệu và bán sản phẩm OCOP."""

    name = models.CharField(_("tên điểm bán"), max_length=250)
    unit = models.ForeignKey(AdminUnit, verbose_name=_("xã / phường"), on_delete=models.PROTECT)
    legacy_district = models.ForeignKey(
        AdminUnit, verbose_name=_("huyện (cũ)"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    operator = models.ForeignKey(
        Producer, verbose_name=_("đơn vị vận hành"), null=True, blank=True, on_delete=models.SET_NULL
    )
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    opened_on = models.DateField(_("ngày khai trương"), null=True, blank=True)
    products = models.ManyToManyField(Product, verbose_name=_("sản phẩm"), related_name="sales_points", blank=True)

    class Meta:
        verbose_name = _("điểm bán sản phẩm OCOP")
        verbose_name_plural = pgettext_lazy("số nhiều", "điểm bán sản phẩm OCOP")
        ordering = ["name"]

    def __str__(self):
        return self.name
