"""Set up the load test on a database holding the generated scale data: officer users and a sample of public URLs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_load .venv/bin/python bench/load/prepare.py --out sample.json

Creates (or refreshes) commune officers and province offices named ``loadbench_…`` with the bench password, marked
"LOAD-BENCH" in their last name, in units that hold generated dossiers; writes a JSON sample (users, product and
producer pages, certificate numbers, unit codes) that ``locustfile.py`` reads from ``LOAD_SAMPLE``. It refuses to
run with DEBUG off (except on a pytest database) or on a database without the generated ("SCALE") rows, so it cannot create known-password
accounts in production.
"""

import argparse
import itertools
import json
import os
import random
import sys
from pathlib import Path

BENCH_PASSWORD = "load-bench-only-Kh0ng-dung-that"  # noqa: S105 — bench accounts, scale data only
USER_PREFIX = "loadbench_"
MARK = "LOAD-BENCH"


def prepare(*, communes: int = 20, provinces: int = 5, sample: int = 2000, seed: int = 7) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from districts.models import AdminUnit, Level, Role, RoleAssignment, Structure
    from evaluations.models import Certificate, Dossier
    from products import selectors
    from products.models import Producer

    if not (settings.DEBUG or connection.settings_dict["NAME"].startswith("test_")):  # pytest turns DEBUG off
        raise SystemExit("prepare.py tạo tài khoản thử tải: không chạy khi DEBUG tắt / refuses to run with DEBUG off")
    if not Producer.objects.filter(registration_number__startswith="SCALE-").exists():
        raise SystemExit(
            "Không có dữ liệu quy mô (generate_scale_data) / no generated scale data in this database: refusing"
        )
    User = get_user_model()
    password = make_password(BENCH_PASSWORD)  # hashed once: PBKDF2 per user would take seconds each

    # Communes that hold generated dossiers, spread over the provinces, so every officer has a dossier list to open.
    dossier_communes = Dossier.objects.filter(registration__source="scale").values("product__commune_id")
    by_province: dict[int, list] = {}
    for unit in AdminUnit.objects.filter(pk__in=dossier_communes).order_by("code"):
        by_province.setdefault(unit.parent_id, []).append(unit)
    rounds = itertools.zip_longest(*by_province.values())
    commune_units = [unit for round_ in rounds for unit in round_ if unit is not None][:communes]
    province_ids = list(dict.fromkeys(unit.parent_id for unit in commune_units))[:provinces]
    province_units = sorted(AdminUnit.objects.filter(pk__in=province_ids), key=lambda unit: unit.code)

    users = []
    for role, units in ((Role.COMMUNE_OFFICER, commune_units), (Role.PROVINCE_OFFICE, province_units)):
        kind = "commune" if role == Role.COMMUNE_OFFICER else "province"
        for index, unit in enumerate(units):
            username = f"{USER_PREFIX}{kind}_{index}"
            user, _created = User.objects.update_or_create(
                username=username, defaults={"password": password, "last_name": MARK, "is_active": True}
            )
            RoleAssignment.objects.filter(user=user).exclude(role=role, unit=unit).delete()
            RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit, defaults={"is_active": True})
            users.append({"username": username, "role": kind, "unit": unit.code})

    rng = random.Random(seed)
    listed = list(selectors.listed_products().order_by("pk").values_list("pk", "slug", "producer_id", "commune_id"))
    picked = rng.sample(listed, min(sample, len(listed)))
    product_ids = [row[0] for row in picked]
    producers = dict(Producer.objects.filter(pk__in={row[2] for row in picked}).values_list("pk", "slug"))
    numbers = list(Certificate.objects.filter(product_id__in=product_ids).values_list("number", flat=True))
    commune_codes = dict(
        AdminUnit.objects.filter(pk__in={row[3] for row in picked}).values_list("pk", "code")
    )  # fmt: skip
    provinces_all = list(
        AdminUnit.objects.filter(structure=Structure.CURRENT, level=Level.PROVINCE).values_list("code", flat=True)
    )
    return {
        "password": BENCH_PASSWORD,
        "users": users,
        "products": [f"/san-pham/{pk}/{slug}/" for pk, slug, _p, _c in picked],
        "producers": [f"/chu-the/{pk}/{slug}/" for pk, slug in sorted(producers.items())],
        "certificates": sorted(numbers),
        "provinces": sorted(provinces_all),
        "communes": sorted(set(commune_codes.values())),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="where to write the JSON sample")
    parser.add_argument("--communes", type=int, default=20, help="commune officers to create")
    parser.add_argument("--provinces", type=int, default=5, help="province offices to create")
    parser.add_argument("--sample", type=int, default=2000, help="products in the URL sample")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_portal.settings")
    import django

    django.setup()
    data = prepare(communes=args.communes, provinces=args.provinces, sample=args.sample)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(
        f"{len(data['users'])} bench officers, {len(data['products'])} products, "
        f"{len(data['certificates'])} certificate numbers -> {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
