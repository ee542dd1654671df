"""A small partial index on current certificates with a re-rating filed, for the "in re-rating" filter at scale."""

from django.db import migrations


def create(apps, schema_editor):
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS public_cert_current_rerating ON evaluations_certificate (rerating_filed_on, "
        "product_id) WHERE is_current AND rerating_filed_on IS NOT NULL"
    )


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS public_cert_current_rerating")


class Migration(migrations.Migration):
    dependencies = [("products", "0003_public_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
