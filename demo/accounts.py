"""The demo's login accounts: one password for all, as README.md documents them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

DEMO_PASSWORD = "wake-demo"  # documented in README.md; demo machines only


def demo_account(*, username: str, email: str, **fields: str | bool) -> AbstractUser:
    """The account `username`, created with the demo password if it does not exist.

    An existing account is returned as it is (its password and `fields` are left alone), so a
    password changed on a demo machine survives a second `load_demo`.
    """
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"email": email, **fields}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user
