"""``/api/v1/``: the public catalogue API, the score-sheet endpoints (evaluations) and room for officer endpoints.

Mounted by ``ocop_portal/urls.py``. Public endpoints are read-only and show only what ``products.selectors`` allows.

Officer-only endpoints (authenticated, scoped by ``districts.selectors.unit_scope_q``, the same permissions as the
officer pages) register on ``officer_router`` below and appear under ``/api/v1/officer/…``; e.g. the certificate
expiry work adds ``officer_router.register("certificates", ExpiringCertificateViewSet, basename="officer-certificate")``
for "expiring within N days" / "in the re-rating window".
"""

from django.urls import include, path
from rest_framework.routers import APIRootView, DefaultRouter, SimpleRouter

from . import views


class PortalAPIRoot(APIRootView):
    """API của Cổng thông tin OCOP / OCOP Portal API. Tài liệu / docs: `/api/docs/`, OpenAPI: `/api/schema/`."""


class PortalRouter(DefaultRouter):
    APIRootView = PortalAPIRoot

    def get_api_root_view(self, api_urls=None):
        api_root_dict = {
            prefix: self.routes[0].name.format(basename=basename) for prefix, _v, basename in self.registry
        }
        # The score-sheet endpoints live in evaluations/api/urls_sheets.py; list them at the root as well.
        api_root_dict |= {"rule-versions": "rule-version-list", "score-sheets": "score-sheet-list"}
        return self.APIRootView.as_view(api_root_dict=api_root_dict)


router = PortalRouter()
router.register("products", views.ProductViewSet, basename="product")
router.register("producers", views.ProducerViewSet, basename="producer")
router.register("certificates", views.CertificateViewSet, basename="certificate")
router.register("product-sets", views.ProductSetViewSet, basename="product-set")
router.register("units", views.UnitViewSet, basename="unit")
router.register("decisions", views.DecisionViewSet, basename="decision")

# Officer endpoints (see the module docstring): register here, they are served under /api/v1/officer/.
officer_router = SimpleRouter()

urlpatterns = [
    path("exports/products.<str:fmt>", views.ProductExportView.as_view(), name="product-export"),
    path("officer/", include(officer_router.urls)),
    path("", include("evaluations.api.urls_sheets")),
    path("", include(router.urls)),
]
