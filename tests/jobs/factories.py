import factory
from django.contrib.auth import get_user_model

from jobs.models import Employer, FeedSource, JobPosting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.be")

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or "secret-pass-123")
        if create:
            self.save()


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    name = factory.Sequence(lambda n: f"Studio {n}")
    status = Employer.Status.APPROVED
    province = "liege"
    commune = "Liège"


class FeedSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedSource
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"feed-{n}")


class JobPostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPosting

    title = "Développeur web"
    description_text = "Vous développez des applications web."
    description_html = "<p>Vous développez des applications web.</p>"
    posted_on = factory.Faker("date_this_year")
    province = "liege"
