"""Editor panels for offers: links, pending suggestions and pre-check issues at a glance."""

from django.urls import reverse
from wagtail.admin.panels import Panel


class OfferReviewPanel(Panel):
    """Read-only summary in the offer editor, with a link to the skills review screen.

    Links are managed outside the page form (see `courses.models.links`), so this panel shows
    their current state rather than form fields.
    """

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/panels/offer_review_panel.html"

        def get_context_data(self, parent_context=None):
            from courses.prechecks import offer_precheck_issues
            from courses.selectors import offer_link_summary

            context = super().get_context_data(parent_context)
            offer = self.instance
            context["offer"] = offer
            if offer.pk:
                context["summary"] = offer_link_summary(offer=offer)
                context["issues"] = offer_precheck_issues(offer=offer)
                context["review_url"] = reverse("courses_admin:offer_skills", args=[offer.pk])
            return context
