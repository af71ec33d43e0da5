from django.core.management.base import BaseCommand

from cms.opendata import open_data_write


class Command(BaseCommand):
    help = "Write the open-data dump (CSV, JSON, data dictionary, licence) and make it the latest."

    def handle(self, *args, **options):
        dump = open_data_write()
        for name, size in dump.files.items():
            self.stdout.write(f"{dump.folder.name}/{name}: {size} bytes")
