from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _setup_advisor_roles(sender, **kwargs):
    from cms.services.advisor_roles import advisor_roles_setup

    advisor_roles_setup()


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = _("Public site")

    def ready(self):
        # As the jobs roles: after every migrate, on the last installed app's signal, when the
        # permissions of every app exist.
        from django.apps import apps

        last = [config for config in apps.get_app_configs() if config.models_module][-1]
        post_migrate.connect(
            _setup_advisor_roles, sender=last, dispatch_uid="cms_advisor_roles_setup"
        )
