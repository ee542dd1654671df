"""The import/export template: its columns, in order, with the header aliases officers' spreadsheets use.

A header matches a column when its folded form (lower case, no accents, single spaces) equals the column's
title or one of its aliases, so "Xã/Phường", "xa phuong" and "XÃ / PHƯỜNG" all land on the commune column.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ocop_portal.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # Vietnamese, as written in the template header
    required: bool
    help: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("product_code", "Mã sản phẩm", False, _("Mã OCOP T-X-STT-YYYY; để trống nếu chưa có"),
           ("ma san pham ocop", "ma ocop", "ma sp")),
    Column("product_name", "Tên sản phẩm", True, _("Tên sản phẩm như ghi trên giấy chứng nhận"),
           ("san pham", "ten sp")),
    Column("product_set", "Bộ sản phẩm", True, _("Số bộ sản phẩm 1–26 hoặc tên bộ sản phẩm"),
           ("bo san pham so", "so bo san pham", "bo sp")),
    Column("producer_name", "Tên chủ thể", True, _("Tên hợp tác xã, doanh nghiệp, hộ sản xuất…"),
           ("chu the", "ten chu the san xuat", "chu the san xuat", "ten co so")),
    Column("producer_type", "Loại hình chủ thể", True,
           _("Hợp tác xã, Tổ hợp tác, Doanh nghiệp, Trang trại, Hộ sản xuất, Hội, Hiệp hội, Trung tâm điều hành"),
           ("loai hinh", "loai hinh to chuc")),
    Column("registration_number", "Số đăng ký kinh doanh", False, _("Số đăng ký kinh doanh hoặc mã số thuế"),
           ("so dkkd", "ma so doanh nghiep", "so dang ky")),
    Column("province", "Tỉnh / thành phố", True, _("Tên (có hoặc không dấu) hoặc mã tỉnh hiện hành"),
           ("tinh", "tinh thanh pho", "tinh/thanh pho", "tinh, thanh pho")),
    Column("commune", "Xã / phường", False,
           _("Xã, phường hiện hành, hoặc xã cũ (trước 1/7/2025) kèm huyện cũ; tên hoặc mã"),
           ("xa", "xa phuong", "xa/phuong", "phuong xa", "xa, phuong")),
    Column("legacy_district", "Huyện (cũ)", False, _("Huyện, quận, thị xã trước 1/7/2025; tên hoặc mã"),
           ("huyen", "huyen cu", "quan huyen", "huyen/quan", "quan/huyen", "huyen, thi xa")),
    Column("stars", "Hạng sao", True, _("3, 4 hoặc 5"), ("so sao", "sao", "xep hang", "hang")),
    Column("certificate_number", "Số giấy chứng nhận", True, _("Số giấy chứng nhận; khóa để cập nhật khi nhập lại"),
           ("so gcn", "so giay chung nhan ocop", "giay chung nhan")),
    Column("decision_number", "Số quyết định", False, _("Số quyết định công nhận"),
           ("so qd", "quyet dinh", "so quyet dinh cong nhan")),
    Column("decision_date", "Ngày quyết định", True,
           _("dd/mm/yyyy; là ngày cấp giấy chứng nhận (hết hạn sau 36 tháng, tự tính)"),
           ("ngay qd", "ngay ban hanh", "ngay cong nhan", "ngay cap", "ngay quyet dinh cong nhan")),
    Column("authority", "Cơ quan ban hành", True, _("Ví dụ: UBND thành phố Hà Nội"),
           ("co quan cap", "don vi ban hanh", "co quan cong nhan")),
    Column("issuing_level", "Cấp công nhận", False, _("Tỉnh, Trung ương hoặc Huyện (cũ); để trống để suy ra"),
           ("cap",)),
    Column("rule_version", "Quy định áp dụng", False,
           _("QD1048_2019, QD148_2023, QD148_1489_2025, QD26_2026; để trống để suy ra từ ngày quyết định"),
           ("phien ban quy dinh", "quy dinh", "bo tieu chi")),
)  # fmt: skip

BY_KEY = {c.key: c for c in COLUMNS}
TITLES = [c.title for c in COLUMNS]


def header_key(text) -> str:
    """Normalise a header cell: fold, drop '*', brackets and punctuation around words."""
    folded = fold(str(text or ""))
    folded = re.sub(r"\(.*?\)", lambda m: m.group(0) if "cu" in m.group(0) else "", folded)
    folded = folded.replace("*", " ").replace("(", " ").replace(")", " ")
    folded = re.sub(r"\s*/\s*", "/", folded)
    return " ".join(folded.strip(" .:").split())


ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.title, *_column.aliases):
        _k = header_key(_name)
        ALIASES[_k] = _column.key
        ALIASES[_k.replace("/", " / ")] = _column.key
        ALIASES[_k.replace("/", " ")] = _column.key
