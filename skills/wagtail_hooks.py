"""Admin wiring for the taxonomy: the "ESCO taxonomy" menu and the skill choosers."""

from wagtail import hooks

from skills.admin.choosers import (
    esco_skill_chooser_viewset,
    skill_chooser_viewset,
    skill_group_chooser_viewset,
)
from skills.admin.viewsets import TaxonomyViewSetGroup


@hooks.register("register_admin_viewset")
def register_taxonomy_viewsets():
    return [
        TaxonomyViewSetGroup(),
        skill_chooser_viewset,
        esco_skill_chooser_viewset,
        skill_group_chooser_viewset,
    ]
