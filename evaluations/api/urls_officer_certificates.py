"""/api/v1/officer/certificates/ (mounted by ocop_portal/urls.py under "api/v1/")."""

from django.urls import path

from .officer_certificates import OfficerCertificateList

urlpatterns = [
    path("officer/certificates/", OfficerCertificateList.as_view(), name="officer-certificate-list"),
]
