"""Public pages (namespace ``public``), mounted at the site root by ``ocop_portal/urls.py``."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.cache import cache_page

from . import views
from .sitemaps import SITEMAPS

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("san-pham/", views.catalogue, name="catalogue"),
    path("san-pham/<int:pk>/<str:slug>/", views.product_detail, name="product"),
    path("chu-the/<int:pk>/<str:slug>/", views.producer_detail, name="producer"),
    path("dia-ban/<str:kind>/<str:code>/", views.unit_detail, name="unit"),
    path("thong-ke/", views.statistics_page, name="statistics"),
    path("thong-ke/tai-ve.<str:fmt>", views.statistics_download, name="statistics-download"),
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<path:number>/qr.svg", views.verify_qr, name="verify-qr"),
    path("verify/<path:number>/", views.verify, name="verify"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        cache_page(3600)(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "public:sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<section>.xml",
        cache_page(3600)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
