"""Load the product taxonomy files in products/data/ (used by a data migration and by tests)."""

import json
from pathlib import Path

from ocop_portal.text import vn_slugify

DATA_DIR = Path(__file__).resolve().parent / "data"
TAXONOMY_FILES = ("taxonomy_qd26_2026.json", "taxonomy_qd1048_2019.json")


def load_taxonomy(apps, filename: str) -> int:
    """Create or update categories, groups, subgroups and product sets; returns the number of sets."""
    Category = apps.get_model("products", "ProductCategory")
    Group = apps.get_model("products", "ProductGroup")
    Subgroup = apps.get_model("products", "ProductSubgroup")
    ProductSet = apps.get_model("products", "ProductSet")
    data = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
    taxonomy = data["taxonomy"]
    set_names = data.get("sets", {})
    no_samples = set(data.get("sets_without_samples", []))
    count = 0

    def upsert_set(number, name, group, subgroup):
        name = set_names.get(str(number), name)
        ProductSet.objects.update_or_create(
            taxonomy=taxonomy,
            number=number,
            defaults={
                "name": name,
                "slug": vn_slugify(name)[:250],
                "group": group,
                "subgroup": subgroup,
                "requires_samples": number not in no_samples,
            },
        )

    for order, cat in enumerate(data["categories"], start=1):
        category, _ = Category.objects.update_or_create(
            taxonomy=taxonomy, code=cat["code"], defaults={"name": cat["name"], "order": order}
        )
        for grp in cat["groups"]:
            group, _ = Group.objects.update_or_create(
                category=category,
                number=grp["number"],
                defaults={"name": grp["name"], "managing_authority": grp.get("authority", "")},
            )
            if "set" in grp:
                upsert_set(grp["set"], grp["name"], group, None)
                count += 1
            for sub in grp.get("subgroups", []):
                subgroup, _ = Subgroup.objects.update_or_create(
                    group=group,
                    letter=sub["letter"],
                    defaults={"name": sub["name"], "managing_authority": sub.get("authority", "")},
                )
                upsert_set(sub["set"], sub["name"], group, subgroup)
                count += 1
    return count
