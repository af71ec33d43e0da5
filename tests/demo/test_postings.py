import io

import pytest

from demo.loaders import postings
from jobs.models import Employer, JobPosting, TrainingRequest


@pytest.mark.django_db
def test_demo_load_is_idempotent():
    out = io.StringIO()
    postings.load(stdout=out, count=60)
    total = JobPosting.objects.count()
    assert JobPosting.objects.filter(source__isnull=False).count() == 60
    assert JobPosting.objects.filter(employer__members__username="employeur").count() == 1
    assert JobPosting.objects.unique().count() < total
    months = {d.strftime("%Y-%m") for d in JobPosting.objects.values_list("posted_on", flat=True)}
    assert len(months) > 12
    postings.load(stdout=out, count=60)
    assert JobPosting.objects.count() == total
    assert "0 created, 0 updated" in out.getvalue().splitlines()[-3]
    assert Employer.objects.approved().filter(members__username="employeur").exists()
    assert TrainingRequest.objects.count() == 1
