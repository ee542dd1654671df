from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Producer,
    Product,
    ProductCategory,
    ProductGroup,
    ProductPhoto,
    ProductSet,
    ProductSubgroup,
    SalesPoint,
)


class ProductGroupInline(admin.TabularInline):
    model = ProductGroup
    extra = 0


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "taxonomy"]
    list_filter = ["taxonomy"]
    search_fields = ["name"]
    inlines = [ProductGroupInline]


class ProductSubgroupInline(admin.TabularInline):
    model = ProductSubgroup
    extra = 0


@admin.register(ProductGroup)
class ProductGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "number", "managing_authority"]
    list_filter = ["category__taxonomy", "category"]
    search_fields = ["name"]
    inlines = [ProductSubgroupInline]


@admin.register(ProductSubgroup)
class ProductSubgroupAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "letter"]
    list_filter = ["group__category__taxonomy"]
    search_fields = ["name"]


@admin.register(ProductSet)
class ProductSetAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "group", "taxonomy", "requires_samples"]
    list_filter = ["taxonomy", "group__category"]
    search_fields = ["name"]
    list_select_related = ["group"]


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["name", "product_set", "code", "commune"]
    autocomplete_fields = ["product_set", "commune"]
    show_change_link = True
    extra = 0


@admin.register(Producer)
class ProducerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "producer_type", "registration_number", "commune", "phone"]
    list_filter = ["producer_type", "representative_gender"]
    search_fields = ["name", "search_name", "registration_number", "tax_code", "representative_name"]
    autocomplete_fields = ["commune", "legacy_district"]
    list_select_related = ["commune"]
    inlines = [ProductInline]


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "producer", "product_set", "province", "commune"]
    list_filter = ["product_set__group__category", "product_set", "province"]
    search_fields = ["name", "search_name", "code", "producer__name", "traceability_code"]
    autocomplete_fields = ["producer", "product_set", "commune", "legacy_district"]
    list_select_related = ["producer", "product_set", "province", "commune"]
    inlines = [ProductPhotoInline]
    actions = ["export_records"]
    change_list_template = "admin/products/product_change_list.html"

    def get_urls(self):
        from .records import admin_views

        def view(function):
            return self.admin_site.admin_view(lambda request, **kw: function(self, request, **kw))

        return [
            path("nhap/", view(admin_views.import_view), name="products_product_import"),
            path("nhap/mau.<str:fmt>", view(admin_views.template_view), name="products_product_import_template"),
            path("xuat.<str:fmt>", view(admin_views.export_view), name="products_product_export"),
        ] + super().get_urls()

    @admin.action(description=_("Xuất danh sách đã chọn (Excel, cùng các cột của mẫu nhập)"))
    def export_records(self, request, queryset):
        from .records.admin_views import export_selected

        return export_selected(self, request, queryset)


@admin.register(SalesPoint)
class SalesPointAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "operator", "opened_on"]
    search_fields = ["name", "address", "unit__name"]
    autocomplete_fields = ["unit", "legacy_district", "operator", "products"]
    list_select_related = ["unit", "operator"]


@admin.register(ProductPhoto)
class ProductPhotoAdmin(admin.ModelAdmin):
    list_display = ["product", "caption", "order"]
    search_fields = ["product__name", "caption"]
    autocomplete_fields = ["product"]
