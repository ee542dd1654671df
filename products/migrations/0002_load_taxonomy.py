from django.db import migrations

from products.taxonomy import TAXONOMY_FILES, load_taxonomy


def forwards(apps, schema_editor):
    for filename in TAXONOMY_FILES:
        load_taxonomy(apps, filename)


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
