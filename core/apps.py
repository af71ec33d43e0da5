from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Shared vocabulary")

    def ready(self) -> None:
        from core import checks  # noqa: F401  (registers the deployment checks)
        from core.pagecache import connect_invalidation

        connect_invalidation()
