from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from .health import healthz

admin.site.site_header = "Quản trị Cổng thông tin OCOP"
admin.site.site_title = "Quản trị OCOP"
admin.site.index_title = "Quản lý dữ liệu chương trình OCOP"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/v1/", include("evaluations.api.urls_officer_certificates")),
    path("api/v1/", include("evaluations.api.urls_sheets")),
    path("score-sheets/", include("evaluations.urls_sheets")),
    path("can-bo/giay-chung-nhan/", include("evaluations.urls_certificates")),
    path("can-bo/", include("evaluations.urls", namespace="workflow")),
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
