"""The database cache table (login throttling and rate limits count in the cache).

`createcachetable` is idempotent and does nothing for caches that are not in the database, so
migrating creates the table wherever settings ask for one; run it again after adding a cache.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
