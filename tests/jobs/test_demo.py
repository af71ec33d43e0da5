import io

import pytest

from jobs import demo
from jobs.models import Employer, JobPosting


@pytest.mark.django_db
def test_demo_load_is_idempotent():
    out = io.StringIO()
    demo.load(stdout=out, count=60)
    postings = JobPosting.objects.count()
    assert postings == 60
    assert JobPosting.objects.unique().count() < postings
    months = {d.strftime("%Y-%m") for d in JobPosting.objects.values_list("posted_on", flat=True)}
    assert len(months) > 12
    demo.load(stdout=out, count=60)
    assert JobPosting.objects.count() == postings
    assert "0 created, 0 updated" in out.getvalue().splitlines()[-2]
    assert Employer.objects.approved().filter(members__username="employeur").exists()
