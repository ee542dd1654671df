"""Both administrative structures load from the vietnam-provinces package, with the old → new mapping."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from districts.models import AdminUnit, Level, Structure, UnitMapping

pytestmark = pytest.mark.django_db


def unit_counts():
    return {
        (s, lvl): AdminUnit.objects.filter(structure=s, level=lvl).count()
        for s in Structure.values
        for lvl in Level.values
    } | {"mappings": UnitMapping.objects.count()}


def test_load_admin_units_loads_both_structures_and_is_idempotent():
    call_command("load_admin_units", stdout=open("/dev/null", "w"))
    first = unit_counts()
    assert first[("current", "province")] == 34
    assert first[("current", "commune")] == 3321
    assert first[("current", "district")] == 0
    assert first[("legacy", "province")] == 63
    assert first[("legacy", "district")] == 696
    assert first[("legacy", "commune")] == 10051
    assert first["mappings"] > 10051

    call_command("load_admin_units", stdout=open("/dev/null", "w"))
    assert unit_counts() == first

    hanoi = AdminUnit.objects.get(structure="current", level="province", code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert hanoi.children.count() == 126
    # Legacy Hà Đông district (268) is succeeded by current Hà Nội wards, among them Phường Hà Đông.
    ha_dong = AdminUnit.objects.get(structure="legacy", level="district", code="268")
    assert ha_dong.successor_province == hanoi
    assert ha_dong.successors.filter(name="Phường Hà Đông").exists()
    # Ý Yên (Nam Định) now belongs to Ninh Bình.
    y_yen = AdminUnit.objects.get(structure="legacy", level="district", code="360")
    assert y_yen.parent.name == "Tỉnh Nam Định"
    assert y_yen.successor_province.name == "Tỉnh Ninh Bình"
    # Legacy commune Bát Tràng (Gia Lâm) maps to the current Xã Bát Tràng.
    legacy_bat_trang = AdminUnit.objects.get(structure="legacy", level="commune", code="00583")
    # (partly merged communes have several successors)
    assert "Xã Bát Tràng" in set(legacy_bat_trang.successors.values_list("name", flat=True))
    assert AdminUnit.objects.get(code="00577", structure="current").search_name == "xa bat trang"


def test_unit_constraints_reject_bad_rows():
    province = AdminUnit.objects.create(structure="current", level="province", code="98", name="Tỉnh A")
    bad_rows = [
        dict(structure="current", level="district", code="999", name="Huyện không còn", parent=province),
        dict(structure="current", level="commune", code="99999", name="Xã mồ côi", parent=None),
        dict(structure="current", level="province", code="97", name="Tỉnh có cha", parent=province),
        dict(structure="current", level="commune", code="9A", name="Mã sai", parent=province),
        dict(structure="current", level="province", code="98", name="Trùng mã"),
    ]
    for row in bad_rows:
        with pytest.raises(IntegrityError), transaction.atomic():
            AdminUnit.objects.create(**row)
