"""Admin wiring for the jobs app: the "Job postings" menu."""

from wagtail import hooks

from jobs.viewsets import JobsViewSetGroup


@hooks.register("register_admin_viewset")
def register_jobs_viewsets():
    return JobsViewSetGroup()
