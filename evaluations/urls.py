"""Officer workflow pages, mounted at /can-bo/ (namespace ``workflow``).

Paths under ``giay-chung-nhan/`` belong to the certificate lists of the expiry work and are not used here.
"""

from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so/", views.dossier_list, name="dossier_list"),
    path("ho-so/moi/", views.dossier_new, name="dossier_new"),
    path("san-pham/moi/", views.product_new, name="product_new"),
    path("ho-so/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("ho-so/<int:pk>/phieu-dang-ky/", views.dossier_edit, name="dossier_edit"),
    path("ho-so/<int:pk>/tu-danh-gia/", views.dossier_self, name="dossier_self"),
    path("ho-so/<int:pk>/tai-lieu/", views.dossier_files, name="dossier_files"),
    path("ho-so/<int:pk>/tai-lieu/<int:attachment_pk>/tai-ve/", views.file_download, name="file_download"),
    path("ho-so/<int:pk>/tai-lieu/<int:attachment_pk>/go-bo/", views.file_remove, name="file_remove"),
    path("ho-so/<int:pk>/nop/", views.dossier_submit, name="dossier_submit"),
    path("ho-so/<int:pk>/xem-xet/", views.dossier_review, name="dossier_review"),
    path("ho-so/<int:pk>/tra-lai/", views.dossier_return, name="dossier_return"),
    path("ho-so/<int:pk>/lich-su/", views.dossier_history, name="dossier_history"),
    path("ho-so/<int:pk>/phien-ban/<int:revision>/", views.dossier_version, name="dossier_version"),
    path("dot-danh-gia/", views.round_list, name="round_list"),
    path("dot-danh-gia/moi/", views.round_new, name="round_new"),
    path("dot-danh-gia/<int:pk>/", views.round_detail, name="round_detail"),
    path("dot-danh-gia/<int:pk>/xep-ho-so/", views.round_assign, name="round_assign"),
    path("dot-danh-gia/<int:pk>/trang-thai/", views.round_status, name="round_status"),
    path("dot-danh-gia/<int:round_pk>/ho-so/<int:dossier_pk>/", views.round_dossier, name="round_dossier"),
    path("dot-danh-gia/<int:round_pk>/ho-so/<int:dossier_pk>/cham-diem/", views.score, name="score"),
    path("dot-danh-gia/<int:round_pk>/ho-so/<int:dossier_pk>/khong-tham-gia/", views.recuse, name="recuse"),
    path("dot-danh-gia/<int:round_pk>/ho-so/<int:dossier_pk>/y-kien/", views.finding, name="finding"),
    path("dot-danh-gia/<int:round_pk>/ho-so/<int:dossier_pk>/ket-qua/", views.result, name="result"),
    path("dot-danh-gia/<int:round_pk>/ho-so/<int:dossier_pk>/chot/", views.finalise, name="finalise"),
    path("dot-danh-gia/<int:round_pk>/ho-so/<int:dossier_pk>/cham-lai/", views.reopen, name="reopen"),
    path("quyet-dinh/", views.decision_list, name="decision_list"),
    path("quyet-dinh/moi/<int:council_pk>/", views.decision_new, name="decision_new"),
    path("quyet-dinh/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("quyet-dinh/<int:pk>/sua/", views.decision_edit, name="decision_edit"),
    path("quyet-dinh/<int:pk>/ban-hanh/", views.decision_issue, name="decision_issue"),
    path("quyet-dinh/<int:pk>/xoa/", views.decision_delete, name="decision_delete"),
    path("gcn/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("gcn/<int:pk>/ban-in.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("gcn/<int:pk>/thu-hoi/", views.revoke, name="revoke"),
]
