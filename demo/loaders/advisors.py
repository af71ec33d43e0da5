"""The demo advisor: `conseiller`, in the advisors' group (dashboards, exports, emerging skills)."""

from django.contrib.auth.models import Group

from demo.accounts import demo_account
from jobs.services.roles import ADVISORS

DEMO_ADVISOR = "conseiller"


def load(*, stdout) -> None:
    advisor = demo_account(
        username=DEMO_ADVISOR,
        email="conseiller@example.invalid",
        first_name="Conseillère",
        last_name="Forem (démo)",
    )
    # The group exists after migrate (the roles are set up on post_migrate).
    advisor.groups.add(Group.objects.get(name=ADVISORS))
    stdout.write(f"cms: demo advisor account '{DEMO_ADVISOR}' ready (advisor dashboards)\n")
