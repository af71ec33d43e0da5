from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _setup_roles(sender, **kwargs):
    from jobs.services.roles import jobs_roles_setup

    jobs_roles_setup()


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = _("Job postings")

    def ready(self):
        # After every migrate, on the signal of the last installed app: by then the
        # permissions of every app (created on each app's own signal) exist.
        from django.apps import apps

        # (post_migrate is only sent for apps that have a models module.)
        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(_setup_roles, sender=last, dispatch_uid="jobs_roles_setup")
