from django.core.management.base import BaseCommand, CommandError

from cms.models import ApiKey
from cms.services.api_keys import api_key_issue


class Command(BaseCommand):
    help = (
        "Issue a key for the public API (printed once; only its hash is stored), or revoke one "
        "with --revoke PREFIX."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", help="Who the key is for.")
        parser.add_argument("--email", default="", help="Their contact e-mail.")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Issue the key to this account: it reads what the account may read on the site.",
        )
        parser.add_argument("--revoke", metavar="PREFIX", help="Revoke the key starting so.")

    def handle(self, *args, name, email, revoke, user=None, **options):
        if revoke:
            count = ApiKey.objects.filter(prefix=revoke[:10], is_active=True).update(
                is_active=False
            )
            if not count:
                raise CommandError(f"No active key starts with {revoke[:10]}.")
            self.stdout.write(f"Revoked {count} key(s).")
            return
        if not name:
            raise CommandError("Name who the key is for.")
        account = None
        if user:
            from django.contrib.auth import get_user_model

            account = get_user_model().objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"No active account named {user}.")
        api_key, raw = api_key_issue(name=name, contact_email=email, user=account)
        self.stdout.write(f"API key for {api_key.name}: {raw}")
        self.stdout.write(
            "Send it as the X-API-Key header. It is not stored and cannot be shown again."
        )
