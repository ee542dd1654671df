"""sitemap.xml: an index of sections (pages, products, producers, units), each split in pages of 10,000 URLs."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.urls import reverse

from districts.models import AdminUnit, Level, Structure

from . import selectors
from .models import Product


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["public:home", "public:catalogue", "public:statistics", "public:verify-form"]

    def location(self, item):
        return reverse(item)


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 10_000

    def items(self):
        return selectors.listed_products().select_related(None).only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, product):
        return product.updated_at


class ProducerSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4
    limit = 10_000

    def items(self):
        certified = Product.objects.filter(producer=OuterRef("pk"), certificates__is_current=True)
        return selectors.Producer.objects.filter(Exists(certified)).only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, producer):
        return producer.updated_at


class UnitSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5
    limit = 10_000

    def items(self):
        certified_in_province = Product.objects.filter(province=OuterRef("pk"), certificates__is_current=True)
        certified_in_commune = Product.objects.filter(commune=OuterRef("pk"), certificates__is_current=True)
        certified_in_district = Product.objects.filter(legacy_district=OuterRef("pk"), certificates__is_current=True)
        provinces = AdminUnit.objects.filter(structure=Structure.CURRENT, level=Level.PROVINCE).filter(
            Exists(certified_in_province)
        )
        communes = AdminUnit.objects.filter(structure=Structure.CURRENT, level=Level.COMMUNE).filter(
            Exists(certified_in_commune)
        )
        districts = AdminUnit.objects.filter(structure=Structure.LEGACY, level=Level.DISTRICT).filter(
            Exists(certified_in_district)
        )
        return list(provinces.order_by("code")) + list(districts.order_by("code")) + list(communes.order_by("code"))

    def location(self, unit):
        return reverse("public:unit", kwargs={"kind": selectors.unit_kind(unit), "code": unit.code})


SITEMAPS = {
    "pages": StaticSitemap,
    "products": ProductSitemap,
    "producers": ProducerSitemap,
    "units": UnitSitemap,
}
