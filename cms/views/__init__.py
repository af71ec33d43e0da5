"""Views of the public site that are not Wagtail pages."""
