"""Background tasks of the site: alert digests are sent by the task worker, never in a request."""

from __future__ import annotations

import dataclasses

from django_tasks import task

from cms.alerts import alert_digests_send, site_base_url


@task()
def send_alert_digests(*, frequency: str) -> dict:
    """Send the due digests of `frequency`; failures are logged and retried at the next run."""
    return dataclasses.asdict(alert_digests_send(frequency=frequency, base_url=site_base_url()))
