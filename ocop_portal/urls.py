from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .health import healthz

admin.site.site_header = _("Quản trị Cổng thông tin OCOP")
admin.site.site_title = _("Quản trị OCOP")
admin.site.index_title = _("Quản lý dữ liệu chương trình OCOP")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("evaluations.api.urls_officer_certificates")),
    path("api/v1/", include("products.api.urls")),  # includes the score-sheet endpoints of evaluations
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("score-sheets/", include("evaluations.urls_sheets")),
    path("can-bo/giay-chung-nhan/", include("evaluations.urls_certificates")),
    path("can-bo/", include("evaluations.urls", namespace="workflow")),
    path("", include("products.urls")),  # public portal (namespace "public")
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
