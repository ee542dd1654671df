"""Real files for the import tests: xlsx written by openpyxl, CSV with or without a BOM, and a small set of units
(Hà Nội with current communes, the legacy Gia Lâm district and its old communes mapped to the current ones)."""

import csv
import datetime
import io
from dataclasses import dataclass

import pytest
from openpyxl import Workbook

from districts.models import Level, Structure, UnitMapping
from products.records.columns import COLUMNS, TITLES
from tests.public_fixtures import ensure_reference_data, unit


@dataclass
class Units:
    hanoi: object
    phu_nghia: object
    bat_trang: object
    gia_lam_commune: object
    gia_lam_old: object
    old_bat_trang: object
    old_kieu_ky: object
    ninh_binh: object
    kim_son: object


def build_units() -> Units:
    ensure_reference_data()
    hanoi = unit(Structure.CURRENT, Level.PROVINCE, "01", "Thành phố Hà Nội")
    ninh_binh = unit(Structure.CURRENT, Level.PROVINCE, "37", "Tỉnh Ninh Bình")
    phu_nghia = unit(Structure.CURRENT, Level.COMMUNE, "10030", "Xã Phú Nghĩa", hanoi)
    bat_trang = unit(Structure.CURRENT, Level.COMMUNE, "00577", "Xã Bát Tràng", hanoi)
    gia_lam_commune = unit(Structure.CURRENT, Level.COMMUNE, "00565", "Xã Gia Lâm", hanoi)
    kim_son = unit(Structure.CURRENT, Level.COMMUNE, "14737", "Xã Kim Sơn", ninh_binh)
    old_hanoi = unit(Structure.LEGACY, Level.PROVINCE, "01", "Thành phố Hà Nội", successor_province=hanoi)
    gia_lam_old = unit(Structure.LEGACY, Level.DISTRICT, "018", "Huyện Gia Lâm", old_hanoi, successor_province=hanoi)
    old_bat_trang = unit(Structure.LEGACY, Level.COMMUNE, "00583", "Xã Bát Tràng", gia_lam_old,
                         successor_province=hanoi)  # fmt: skip
    old_kieu_ky = unit(Structure.LEGACY, Level.COMMUNE, "00595", "Xã Kiêu Kỵ", gia_lam_old, successor_province=hanoi)
    for legacy, current in [(old_bat_trang, bat_trang), (old_kieu_ky, gia_lam_commune), (gia_lam_old, bat_trang),
                            (gia_lam_old, gia_lam_commune)]:  # fmt: skip
        UnitMapping.objects.get_or_create(legacy=legacy, current=current)
    return Units(hanoi, phu_nghia, bat_trang, gia_lam_commune, gia_lam_old, old_bat_trang, old_kieu_ky, ninh_binh,
                 kim_son)  # fmt: skip


@pytest.fixture
def units(db) -> Units:
    return build_units()


def good_row(n: int = 1, **overrides) -> dict:
    """A valid row (column key -> text as an officer types it); ``n`` makes numbers unique."""
    row = {
        "product_code": "",
        "product_name": f"Mây tre đan Phú Nghĩa {n}",
        "product_set": "21",
        "producer_name": f"HTX Mây tre đan Phú Nghĩa {n}",
        "producer_type": "Hợp tác xã",
        "registration_number": f"0105{n:06d}",
        "province": "Hà Nội",
        "commune": "Phú Nghĩa",
        "legacy_district": "",
        "stars": "4",
        "certificate_number": f"GCN-{n:05d}/2024",
        "decision_number": "1234/QĐ-UBND",
        "decision_date": "05/03/2024",
        "authority": "UBND thành phố Hà Nội",
        "issuing_level": "",
        "rule_version": "",
    }
    row.update(overrides)
    return row


def as_lists(rows: list[dict]) -> list[list]:
    return [[row.get(c.key, "") for c in COLUMNS] for row in rows]


def xlsx_bytes(rows: list[dict], *, header=None, title_rows=(), trailing_blank=0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for title in title_rows:
        sheet.append(title)
    sheet.append(header or TITLES)
    for values in as_lists(rows):
        sheet.append(values)
    for _ in range(trailing_blank):
        sheet.append([None] * len(TITLES))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], *, bom: bool = True, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(TITLES)
    writer.writerows(as_lists(rows))
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def db_state():
    """Every table the import writes, as comparable contents (ids included)."""
    from evaluations.models import AuditEntry, Certificate, Decision, DecisionItem
    from products.models import Producer, Product

    return {
        model.__name__: sorted(model.objects.values_list(*fields))
        for model, fields in [
            (Producer, ("id", "name", "producer_type", "registration_number", "commune_id", "updated_at")),
            (Product, ("id", "name", "code", "product_set_id", "commune_id", "legacy_district_id", "producer_id",
                       "updated_at")),
            (Decision, ("id", "number", "issued_on", "authority")),
            (DecisionItem, ("id", "decision_id", "product_id")),
            (Certificate, ("id", "number", "stars", "issued_on", "expires_on", "is_current", "replaced_by_id",
                           "product_id", "decision_id", "updated_at")),
            (AuditEntry, ("id", "action", "target_id")),
            (Producer.history.model, ("history_id",)),
            (Product.history.model, ("history_id",)),
        ]
    }  # fmt: skip


TODAY = datetime.date.today()
