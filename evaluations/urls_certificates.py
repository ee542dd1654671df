"""/can-bo/giay-chung-nhan/ (namespace "certificates"): the officer certificate lists and their Excel exports."""

from django.urls import path

from . import views_certificates as views

app_name = "certificates"

urlpatterns = [
    path("", views.certificate_list, {"kind": "attention"}, name="attention"),
    path("excel/", views.certificate_export, {"kind": "attention"}, name="attention_excel"),
    path("sap-het-han/", views.certificate_list, {"kind": "expiring"}, name="expiring"),
    path("sap-het-han/excel/", views.certificate_export, {"kind": "expiring"}, name="expiring_excel"),
    path("danh-gia-lai/", views.certificate_list, {"kind": "rerating_window"}, name="rerating_window"),
    path("danh-gia-lai/excel/", views.certificate_export, {"kind": "rerating_window"}, name="rerating_window_excel"),
    path("mau-nhap/", views.certificate_records_export, {"kind": "attention"}, name="attention_records"),
    path("sap-het-han/mau-nhap/", views.certificate_records_export, {"kind": "expiring"}, name="expiring_records"),
    path(
        "danh-gia-lai/mau-nhap/",
        views.certificate_records_export,
        {"kind": "rerating_window"},
        name="rerating_window_records",
    ),
    path("gui-nhac-han/", views.send_reminders_now, name="send_now"),
]
