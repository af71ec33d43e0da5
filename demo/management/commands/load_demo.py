from django.core.management.base import BaseCommand

from demo.loaders import cadastre, postings, shortage_list, site


class Command(BaseCommand):
    help = (
        "Load the demonstration content (idempotent): the site tree and the demo accounts, the "
        "shortage list, the training cadastre and the job postings. Import the ESCO taxonomy "
        "first."
    )

    def handle(self, *args, **options):
        # Dependency order (the cadastre hangs under the home page, the accounts join groups
        # the loaders create), which is also the order the demo has always loaded in: a fresh
        # load gives the same rows with the same primary keys.
        home = site.load(stdout=self.stdout)
        shortage_list.load(stdout=self.stdout)
        cadastre.load(home=home, stdout=self.stdout)
        postings.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
