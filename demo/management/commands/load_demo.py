from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.loaders import advisors, cadastre, postings, shortage_list, site


class Command(BaseCommand):
    help = (
        "Load the demonstration content (idempotent): the site tree and the demo accounts, the "
        "shortage list, the training cadastre and the job postings. Import the ESCO taxonomy "
        "first. Refused outside DEBUG unless --force: the demo accounts have a public password."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though DEBUG is off (a staging server, a test run).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            # The demo creates a superuser `admin` whose password is in the README: on a
            # production server that is an open door (issue #9, defect 7).
            raise CommandError(
                "load_demo creates accounts whose password is public (admin / wake-demo) and "
                "is refused when DEBUG is off. Run it on a development server, or pass "
                "--force on a server nobody outside can reach."
            )
        # Dependency order (the cadastre hangs under the home page, the accounts join groups
        # the loaders create), which is also the order the demo has always loaded in: a fresh
        # load gives the same rows with the same primary keys.
        home = site.load(stdout=self.stdout)
        shortage_list.load(stdout=self.stdout)
        cadastre.load(home=home, stdout=self.stdout)
        site.load_translations(home=home, stdout=self.stdout)
        postings.load(stdout=self.stdout)
        advisors.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
