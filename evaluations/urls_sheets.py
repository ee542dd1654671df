"""Public printable score sheets: /score-sheets/ and /score-sheets/<rule version>/<set number>/."""

from django.urls import path

from . import views_sheets

app_name = "sheets"

urlpatterns = [
    path("", views_sheets.sheet_index, name="index"),
    path("<str:rule_version>/<int:number>/", views_sheets.sheet_print, name="print"),
]
