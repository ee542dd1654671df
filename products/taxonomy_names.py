"""Names of the product taxonomy (products/data/taxonomy_*.json, Annex I of QĐ 26/2026 and of QĐ 1048) for the
translation catalogue: the names are data in the database, shown in Vietnamese as stored; public pages show them
through ``{% translate name %}`` so that English visitors read them in English. tests/test_i18n.py checks that
every name of the data files is listed here."""

from django.utils.translation import gettext_noop

TAXONOMY_NAMES = (
    gettext_noop("Sản phẩm thực phẩm"),
    gettext_noop("Thực phẩm tươi sống"),
    gettext_noop("Rau, củ, quả, hạt tươi"),
    gettext_noop("Thịt, thủy sản, trứng, sữa tươi"),
    gettext_noop("Thực phẩm thô, sơ chế"),
    gettext_noop("Gạo, ngũ cốc, hạt sơ chế khác"),
    gettext_noop("Mật ong, mật khác và nông sản thực phẩm khác"),
    gettext_noop("Thực phẩm chế biến"),
    gettext_noop("Đồ ăn nhanh"),
    gettext_noop("Chế biến từ gạo, ngũ cốc"),
    gettext_noop("Chế biến từ rau, củ, quả, hạt"),
    gettext_noop(
        "Chế biến từ thịt, trứng, sữa, thủy sản, các sản phẩm từ mật ong, mật khác và nông sản thực phẩm khác"
    ),
    gettext_noop("Gia vị"),
    gettext_noop("Tương, nước mắm, gia vị dạng lỏng khác"),
    gettext_noop("Gia vị khác"),
    gettext_noop("Chè"),
    gettext_noop("Chè tươi, chế biến"),
    gettext_noop("Sản phẩm chè từ thực vật khác"),
    gettext_noop("Cà phê, ca cao"),
    gettext_noop("Sản phẩm đồ uống"),
    gettext_noop("Đồ uống có cồn"),
    gettext_noop("Rượu trắng"),
    gettext_noop("Đồ uống có cồn khác"),
    gettext_noop("Đồ uống không cồn"),
    gettext_noop("Nước khoáng thiên nhiên, nước uống đóng chai"),
    gettext_noop("Sản phẩm dược liệu và sản phẩm từ dược liệu"),
    gettext_noop("Thực phẩm chức năng, thuốc dược liệu, thuốc cổ truyền"),
    gettext_noop("Mỹ phẩm có thành phần từ dược liệu"),
    gettext_noop("Tinh dầu và dược liệu khác"),
    gettext_noop("Sản phẩm hàng thủ công mỹ nghệ"),
    gettext_noop("Thủ công mỹ nghệ gia dụng, trang trí"),
    gettext_noop("Vải, may mặc"),
    gettext_noop("Sản phẩm sinh vật cảnh"),
    gettext_noop("Hoa"),
    gettext_noop("Cây cảnh"),
    gettext_noop("Động vật cảnh"),
    gettext_noop("Sản phẩm dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
    gettext_noop("Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch"),
    gettext_noop(
        "Chế biến từ thịt, thủy sản, trứng, sữa, các sản phẩm từ mật ong, mật khác và nông sản thực phẩm khác"
    ),
    gettext_noop("Gia vị khác (muối, hành, tỏi, tiêu)"),
    gettext_noop("Chè tươi, chè chế biến"),
    gettext_noop("Sản phẩm trà từ thực vật khác"),
    gettext_noop("Cà phê, cacao"),
    gettext_noop("Đồ uống không cồn khác"),
    gettext_noop("Thủ công mỹ nghệ"),
    gettext_noop("Thực phẩm"),
    gettext_noop("Nông sản tươi sống"),
    gettext_noop("Nông sản thô, sơ chế"),
    gettext_noop("Đồ uống"),
    gettext_noop("Thảo dược"),
    gettext_noop("Thực phẩm chức năng, thuốc dược liệu, thuốc y học cổ truyền"),
    gettext_noop("Mỹ phẩm"),
    gettext_noop("Thảo dược khác"),
    gettext_noop("Vải và may mặc"),
    gettext_noop("Lưu niệm, nội thất, trang trí"),
    gettext_noop("Dịch vụ du lịch nông thôn, bán hàng"),
)
