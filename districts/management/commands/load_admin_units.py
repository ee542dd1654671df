"""Load both administrative structures and the legacy → current mapping from the `vietnam-provinces` package.

Idempotent: rows are matched by (structure, level, code); only missing or changed rows are written.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from districts.models import AdminUnit, Level, Structure, UnitMapping
from ocop_portal.text import fold, vn_slugify

UNIT_FIELDS = ("name", "division_type", "codename", "slug", "search_name", "parent_id", "successor_province_id")


def province_code(value: int) -> str:
    return f"{value:02d}"


def district_code(value: int) -> str:
    return f"{value:03d}"


def commune_code(value: int) -> str:
    return f"{value:05d}"


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính (hiện hành và trước 1/7/2025) và bảng ánh xạ / Load administrative units."

    def handle(self, *args, **options):
        from vietnam_provinces import Province, Ward
        from vietnam_provinces.legacy import District as LegacyDistrict
        from vietnam_provinces.legacy import Province as LegacyProvince
        from vietnam_provinces.legacy import Ward as LegacyWard

        started = time.monotonic()
        self.created = self.updated = 0
        with transaction.atomic():
            self.existing = {(u.structure, u.level, u.code): u for u in AdminUnit.objects.all()}

            # Current structure: provinces, then communes/wards.
            current_provinces = self.sync(
                Structure.CURRENT,
                Level.PROVINCE,
                [(province_code(p.code.value), p, None, None) for p in Province.iter_all()],
            )
            self.sync(
                Structure.CURRENT,
                Level.COMMUNE,
                [
                    (commune_code(w.code.value), w, current_provinces[province_code(w.province_code.value)], None)
                    for w in Ward.iter_all()
                ],
            )

            # Legacy → current province, from the package's conversion table.
            legacy_to_current_province = {}
            for province in Province.iter_all():
                for old in province.get_legacy_sources():
                    legacy_to_current_province[province_code(old.code.value)] = current_provinces[
                        province_code(province.code.value)
                    ]

            legacy_provinces = self.sync(
                Structure.LEGACY,
                Level.PROVINCE,
                [
                    (province_code(p.code.value), p, None, legacy_to_current_province.get(province_code(p.code.value)))
                    for p in LegacyProvince.iter_all()
                ],
            )
            district_rows = []
            for d in LegacyDistrict.iter_all():
                parent = legacy_provinces[province_code(d.province_code.value)]
                district_rows.append((district_code(d.code.value), d, parent, parent.successor_province))
            legacy_districts = self.sync(Structure.LEGACY, Level.DISTRICT, district_rows)
            ward_rows = []
            for w in LegacyWard.iter_all():
                parent = legacy_districts[district_code(w.district_code.value)]
                ward_rows.append((commune_code(w.code.value), w, parent, parent.successor_province))
            legacy_communes = self.sync(Structure.LEGACY, Level.COMMUNE, ward_rows)

            mappings_created = self.sync_mappings(
                Ward, Province, current_provinces, legacy_provinces, legacy_districts, legacy_communes
            )

        counts = {
            (s, lvl): AdminUnit.objects.filter(structure=s, level=lvl).count()
            for s, lvl in [
                (Structure.CURRENT, Level.PROVINCE),
                (Structure.CURRENT, Level.COMMUNE),
                (Structure.LEGACY, Level.PROVINCE),
                (Structure.LEGACY, Level.DISTRICT),
                (Structure.LEGACY, Level.COMMUNE),
            ]
        }
        self.stdout.write(
            f"Hiện hành: {counts[('current', 'province')]} tỉnh, {counts[('current', 'commune')]} xã/phường; "
            f"trước 1/7/2025: {counts[('legacy', 'province')]} tỉnh, {counts[('legacy', 'district')]} huyện, "
            f"{counts[('legacy', 'commune')]} xã. Mới {self.created}, cập nhật {self.updated}, "
            f"ánh xạ mới {mappings_created} ({UnitMapping.objects.count()} tổng). "
            f"{time.monotonic() - started:.1f} s"
        )

    def sync(self, structure, level, rows):
        """Create or update units of one structure/level; returns {code: unit}."""
        result, to_create, to_update = {}, [], []
        for code, item, parent, successor in rows:
            values = {
                "name": item.name,
                "division_type": str(item.division_type),
                "codename": item.codename,
                "slug": vn_slugify(item.name),
                "search_name": fold(item.name),
                "parent_id": parent.pk if parent else None,
                "successor_province_id": successor.pk if successor else None,
            }
            unit = self.existing.get((structure, level, code))
            if unit is None:
                unit = AdminUnit(structure=structure, level=level, code=code, **values)
                to_create.append(unit)
            elif any(getattr(unit, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(unit, f, v)
                to_update.append(unit)
            result[code] = unit
        AdminUnit.objects.bulk_create(to_create, batch_size=2000)
        if to_update:
            AdminUnit.objects.bulk_update(to_update, UNIT_FIELDS, batch_size=2000)
        self.created += len(to_create)
        self.updated += len(to_update)
        return result

    def sync_mappings(self, Ward, Province, current_provinces, legacy_provinces, legacy_districts, legacy_communes):
        from vietnam_provinces import _ward_conversion_2025 as conversion

        current_communes = {
            u.code: u for u in AdminUnit.objects.filter(structure=Structure.CURRENT, level=Level.COMMUNE)
        }
        pairs = set()
        for province in Province.iter_all():
            for old in province.get_legacy_sources():
                pairs.add(
                    (
                        legacy_provinces[province_code(old.code.value)].pk,
                        current_provinces[province_code(province.code.value)].pk,
                    )
                )
        for new_code, entry in conversion.NEW_TO_OLD.items():
            current = current_communes.get(commune_code(new_code))
            if current is None:
                continue
            for old in entry.old_wards:
                legacy = legacy_communes.get(commune_code(old.code))
                if legacy is not None:
                    pairs.add((legacy.pk, current.pk))
                district = legacy_districts.get(district_code(old.district_code))
                if district is not None:
                    pairs.add((district.pk, current.pk))
        existing = set(UnitMapping.objects.values_list("legacy_id", "current_id"))
        new = [UnitMapping(legacy_id=a, current_id=b) for a, b in pairs - existing]
        UnitMapping.objects.bulk_create(new, batch_size=5000)
        return len(new)
