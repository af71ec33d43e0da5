from django.core.management.base import BaseCommand, CommandError

from cms.opendata import OpenDataWriteError, open_data_write


class Command(BaseCommand):
    help = "Write the open-data dump (CSV, JSON, data dictionary, licence) and make it the latest."

    def handle(self, *args, **options):
        try:
            dump = open_data_write()
        except OpenDataWriteError as error:
            raise CommandError(str(error)) from error
        for name, size in dump.files.items():
            self.stdout.write(f"{dump.folder.name}/{name}: {size} bytes")
